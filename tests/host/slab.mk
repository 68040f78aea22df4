# SPDX-License-Identifier: MIT
# Slab caches with per-core magazines (threads play the cores).
HOST_SUITES += slab
slab_SRCS := kern/src/slab.c kern/src/arena.c kern/src/kmalloc.c \
	tests/host/mem_harness.c tests/host/test_slab.c
slab_LIBS := -lpthread
