# SPDX-License-Identifier: MIT
# block: blocks and block lists (kern/src/ns/allocb.c) over a counting
# malloc shim for kmalloc/krealloc/kfree (tests/host/kmalloc_shim.c).
HOST_SUITES += block
block_SRCS := kern/src/ns/allocb.c tests/host/kmalloc_shim.c tests/host/test_block.c
