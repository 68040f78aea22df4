# SPDX-License-Identifier: MIT
# cpio: the newc parser (kern/src/lib/cpio.c) on arbitrary bytes; the target
# checks that delivered entries lie inside the input and a malformed
# archive reports where.
FUZZ_TARGETS += cpio
cpio_FUZZ_SRCS := kern/src/lib/cpio.c
