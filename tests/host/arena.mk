# SPDX-License-Identifier: MIT
# Arenas (vmem), with slab and kmalloc for quantum caches and arena_create.
HOST_SUITES += arena
arena_SRCS := kern/src/mm/arena.c kern/src/mm/slab.c kern/src/mm/kmalloc.c \
	tests/host/mem_harness.c tests/host/test_arena.c
arena_LIBS := -lpthread
