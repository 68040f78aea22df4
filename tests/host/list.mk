# SPDX-License-Identifier: MIT
# list: the intrusive list macros (kern/include/list.h).  -Wshadow is on, as
# in the kernel, so nested loops must not shadow each other's cursors.
HOST_SUITES += list
list_SRCS := tests/host/test_list.c
list_CFLAGS := -Wshadow
