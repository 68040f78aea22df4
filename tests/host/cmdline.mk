# SPDX-License-Identifier: MIT
# cmdline: the kernel command-line parser (kern/src/init/cmdline.c).  Its numbers
# go through kstrtou64, so the kernel's string.c comes along, with the k_*
# renames of kstring.mk (recursive '=': that file is read after this one).
HOST_SUITES += cmdline
cmdline_SRCS := kern/src/init/cmdline.c kern/src/lib/string.c tests/host/test_cmdline.c
cmdline_CFLAGS = $(KSTRING_RENAMES)
