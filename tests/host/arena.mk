# SPDX-License-Identifier: MIT
# Arenas (vmem), with slab and kmalloc for quantum caches and arena_create.
HOST_SUITES += arena
arena_SRCS := kern/src/arena.c kern/src/slab.c kern/src/kmalloc.c \
	tests/host/mem_harness.c tests/host/test_arena.c
arena_LIBS := -lpthread
