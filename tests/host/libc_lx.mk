# SPDX-License-Identifier: MIT
# libc_lx: the C library's Linux-syscall translation layer
# (tools/compilers/musl/vireo/lx_file.c, lx_fdev.c, lx_libfd.c, lx_timespec.c) against a fake Vireo
# syscall stub: open-flag translation, stat conversion, the getdents64
# parser on good and malformed 9P records, readv/writev, dup2, truncate's
# stat blob, eventfd and timerfd over #eventfd/#alarm, the timespec helpers,
# message queues over #mqueue (lx_mq.c), socket addresses (lx_sockaddr.c); and parlib's argenv
# packer (vectors counted for the kernel's argenv_pack, kern/src/lib/argenv.c)
# against the blob format and the kernel's unpacker.
HOST_SUITES += libc_lx
libc_lx_SRCS := tools/compilers/musl/vireo/lx_file.c tools/compilers/musl/vireo/lx_fdev.c \
	tools/compilers/musl/vireo/lx_libfd.c tools/compilers/musl/vireo/lx_mq.c \
	tools/compilers/musl/vireo/lx_sockaddr.c tests/host/test_lx_sockaddr.c \
	tools/compilers/musl/vireo/lx_timespec.c \
	user/parlib/argenv.c kern/src/lib/argenv.c tests/host/test_libc_lx.c
libc_lx_CFLAGS := -I$(O)/include -Iuser/parlib/include -Itools/compilers/musl/vireo
$(O)/host/libc_lx: $(SYSCALL_HDRS) tools/compilers/musl/vireo/lx.h tools/compilers/musl/vireo/lx_sock.h \
	user/parlib/include/parlib/syscall.h user/parlib/include/parlib/argenv.h \
	kern/include/ros/argenv.h kern/include/ros/mqueue.h
