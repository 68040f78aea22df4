# SPDX-License-Identifier: MIT
# ninep: 9P2000 stat and message marshalling (kern/src/ns/ninep.c).  ninep.h
# includes ns.h, whose err.h wants the real arch/setjmp.h: the arch include
# folder comes after the host shims, so only headers without a shim reach it.
HOST_SUITES += ninep
ninep_SRCS := kern/src/ns/ninep.c tests/host/test_ninep.c
ninep_CFLAGS := -Ikern/arch/x86/include
