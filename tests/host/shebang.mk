# SPDX-License-Identifier: MIT
# shebang: the "#!" line parser of the program loader (kern/src/proc/shebang.c):
# Linux's rules for blanks, the one argument, the 256-byte window, and garbage.
HOST_SUITES += shebang
shebang_SRCS := kern/src/proc/shebang.c kern/src/lib/string.c tests/host/test_shebang.c
shebang_CFLAGS = $(KSTRING_RENAMES)
