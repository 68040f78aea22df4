# SPDX-License-Identifier: MIT
# cpio: the newc parser (kern/src/lib/cpio.c) on archives the test builds,
# then truncates, corrupts and fills with hostile header values.
HOST_SUITES += cpio
cpio_SRCS := kern/src/lib/cpio.c tests/host/test_cpio.c
