# SPDX-License-Identifier: MIT
# cons_ldisc: the console's line discipline (kern/drivers/dev/cons_ldisc.c),
# pure logic driven byte by byte.
HOST_SUITES += cons_ldisc
cons_ldisc_SRCS := kern/drivers/dev/cons_ldisc.c tests/host/test_cons_ldisc.c
