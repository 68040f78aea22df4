# SPDX-License-Identifier: MIT
# libc_sig: the C library's pending-signal queue
# (tools/compilers/musl/vireo/lx_sig_queue.c) against a fake mailbox: the
# EV_POSIX_SIGNAL message layout decoded into siginfo_t (SI_QUEUE values,
# SI_TIMER ids, SIGCHLD's CLD_* status), garbage dropped, standard signals
# kept once per target, real-time ones queued in order up to the bound,
# lowest number first, per-thread targets, discard and clear, and job
# control's rules (SIGCONT and the stop signals discarding each other,
# SIGSTOP never queued, SA_NOCLDSTOP).
HOST_SUITES += libc_sig
libc_sig_SRCS := tools/compilers/musl/vireo/lx_sig_queue.c tests/host/test_libc_sig.c
libc_sig_CFLAGS := -I$(O)/include -Iuser/parlib/include -Itools/compilers/musl/vireo
$(O)/host/libc_sig: $(SYSCALL_HDRS) tools/compilers/musl/vireo/lx.h \
	tools/compilers/musl/vireo/lx_sig.h
