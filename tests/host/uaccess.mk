# SPDX-License-Identifier: MIT
# uaccess: the user-memory copies of kern/arch/x86/uaccess.c against real
# faults: host pages next to PROT_NONE ones, with a SIGSEGV handler that
# resumes at the exception-table fixup as trap_dispatch does in the kernel.
HOST_SUITES += uaccess
uaccess_SRCS := kern/arch/x86/uaccess.c tests/host/test_uaccess.c
uaccess_LIBS := -Wl,-T,tests/host/uaccess.ld
uaccess_CFLAGS := -Ikern/arch/x86/include
