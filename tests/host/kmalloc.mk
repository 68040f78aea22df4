# SPDX-License-Identifier: MIT
# kmalloc and the page allocator over a fake physical memory, whole stack.
HOST_SUITES += kmalloc
kmalloc_SRCS := kern/src/mm/kmalloc.c kern/src/mm/page.c kern/src/mm/slab.c \
	kern/src/mm/arena.c tests/host/test_kmalloc.c
kmalloc_CFLAGS := -DCONFIG_KMALLOC_POISON=1
kmalloc_LIBS := -lpthread
