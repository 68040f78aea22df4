# SPDX-License-Identifier: MIT
# printfmt: the kernel formatter (kern/src/lib/printfmt.c).  The kernel's
# snprintf family is renamed so it can live beside the host C library; the
# test reaches the C library's snprintf through __builtin_snprintf.
HOST_SUITES += printfmt
printfmt_SRCS := kern/src/lib/printfmt.c tests/host/test_printfmt.c
printfmt_CFLAGS := -Dvsnprintf=k_vsnprintf -Dsnprintf=k_snprintf -Dvprintfmt=k_vprintfmt
