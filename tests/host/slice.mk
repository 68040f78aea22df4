# SPDX-License-Identifier: MIT
# slice: growable buffers (kern/src/lib/slice.c) over the kernel formatter
# (printfmt.c, renamed k_* beside the host C library).  The test file
# supplies kmalloc/krealloc/kfree over malloc, with a live-object count and
# failure injection.
HOST_SUITES += slice
slice_SRCS := kern/src/lib/slice.c kern/src/lib/printfmt.c tests/host/test_slice.c
slice_CFLAGS := -Dvsnprintf=k_vsnprintf -Dsnprintf=k_snprintf -Dvprintfmt=k_vprintfmt
