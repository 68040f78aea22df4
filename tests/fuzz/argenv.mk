# SPDX-License-Identifier: MIT
# argenv: the argv/envp blob checker and the stack builder
# (kern/src/lib/argenv.c) on arbitrary bytes; what unpacks must repack to the
# same bytes and build a stack whose pointers all land inside the image.
FUZZ_TARGETS += argenv
argenv_FUZZ_SRCS := kern/src/lib/argenv.c
