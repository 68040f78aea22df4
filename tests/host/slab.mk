# SPDX-License-Identifier: MIT
# Slab caches with per-core magazines (threads play the cores).
HOST_SUITES += slab
slab_SRCS := kern/src/mm/slab.c kern/src/mm/arena.c kern/src/mm/kmalloc.c \
	tests/host/mem_harness.c tests/host/test_slab.c
slab_LIBS := -lpthread
