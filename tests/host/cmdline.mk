# SPDX-License-Identifier: MIT
# cmdline: the kernel command-line parser (kern/src/cmdline.c).  It calls only
# standard string functions, which the host C library supplies here.
HOST_SUITES += cmdline
cmdline_SRCS := kern/src/cmdline.c tests/host/test_cmdline.c
