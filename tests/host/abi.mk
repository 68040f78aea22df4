# SPDX-License-Identifier: MIT
# abi: the user/kernel ABI headers (kern/include/ros/) and the syscall
# generator (scripts/mksyscalls.py, kern/include/ros/syscall.list).
HOST_SUITES += abi
abi_SRCS := tests/host/test_abi.c
abi_CFLAGS := -I$(O)/include -DABI_OBJ_DIR='"$(abspath $(O))"'
$(O)/host/abi: $(SYSCALL_HDRS) $(wildcard kern/include/ros/*.h kern/arch/x86/ros/*.h) \
	kern/include/ros/syscall.list
