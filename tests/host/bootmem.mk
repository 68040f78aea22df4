# SPDX-License-Identifier: MIT
# bootmem: the usable-memory computation (kern/src/mm/bootmem.c) on hand-made
# and random boot_info maps, checked page by page against a brute force.
HOST_SUITES += bootmem
bootmem_SRCS := kern/src/mm/bootmem.c kern/src/mm/memmap.c tests/host/test_bootmem.c
