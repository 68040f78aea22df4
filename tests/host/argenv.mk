# SPDX-License-Identifier: MIT
# argenv: the argv/envp blob (pack, unpack with every rule broken, random
# corruption repacking to the same bytes) and the initial user stack walked
# as a program would (kern/src/lib/argenv.c).
HOST_SUITES += argenv
argenv_SRCS := kern/src/lib/argenv.c tests/host/test_argenv.c
