# SPDX-License-Identifier: MIT
# cons_ldisc: the console's line discipline (kern/drivers/dev/cons_ldisc.c),
# pure logic driven byte by byte.  Its numbers go through kstrtou64, so the
# kernel's string.c comes along with kstring.mk's renames.
HOST_SUITES += cons_ldisc
cons_ldisc_SRCS := kern/drivers/dev/cons_ldisc.c kern/src/lib/string.c tests/host/test_cons_ldisc.c
cons_ldisc_CFLAGS = $(KSTRING_RENAMES)
