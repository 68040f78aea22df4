# SPDX-License-Identifier: MIT
# kmalloc and the page allocator over a fake physical memory, whole stack.
HOST_SUITES += kmalloc
kmalloc_SRCS := kern/src/kmalloc.c kern/src/page.c kern/src/slab.c \
	kern/src/arena.c tests/host/test_kmalloc.c
kmalloc_CFLAGS := -DCONFIG_KMALLOC_POISON=1
kmalloc_LIBS := -lpthread
