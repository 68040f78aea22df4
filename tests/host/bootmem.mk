# SPDX-License-Identifier: MIT
# bootmem: the usable-memory computation (kern/src/bootmem.c) on hand-made
# and random boot_info maps, checked page by page against a brute force.
HOST_SUITES += bootmem
bootmem_SRCS := kern/src/bootmem.c kern/src/memmap.c tests/host/test_bootmem.c
