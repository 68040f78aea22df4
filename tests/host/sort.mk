# SPDX-License-Identifier: MIT
# sort: the kernel's heapsort (kern/src/lib/sort.c) against the host's qsort.
HOST_SUITES += sort
sort_SRCS := kern/src/lib/sort.c tests/host/test_sort.c
