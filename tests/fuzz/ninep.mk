# SPDX-License-Identifier: MIT
# ninep: libFuzzer target for the 9P message and stat decoders
# (kern/src/ns/ninep.c); harness tests/fuzz/ninep.c.  ns.h's err.h wants the
# real arch/setjmp.h, hence the arch include folder after the host shims.
FUZZ_TARGETS += ninep
ninep_FUZZ_SRCS := kern/src/ns/ninep.c
ninep_FUZZ_CFLAGS := -Ikern/arch/x86/include
