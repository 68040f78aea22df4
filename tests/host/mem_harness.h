/* SPDX-License-Identifier: MIT */
/*
 * mem_harness.h - the host set-up the arena and slab suites share.
 *
 *	HTEST(foo) {
 *		mem_harness_setup();     (page arena, kmem_init, kmalloc_init)
 *		...
 *	}
 *
 * A 32 MiB aligned_alloc buffer plays the page arena that slab and kmalloc
 * draw from, and the arena code's boundary-tag pages come from
 * aligned_alloc through mem_harness.c's arena_btag_page_alloc(), which
 * counts them.  Each test runs in its own child, so each calls
 * mem_harness_setup() once and never tears anything down.
 *
 * Not for suites that link kern/src/mm/page.c (kmalloc): page.c supplies the
 * boundary-tag hook and builds its own page arena.
 */
#pragma once

#include <arena.h>

#define MEM_HARNESS_SIZE (32u << 20)

/* The page arena mem_harness_setup() builds: slab's and kmalloc's source. */
extern struct arena mem_harness_pages;

void mem_harness_setup(void);
/* Boundary-tag pages handed to the arena code since the process began. */
size_t mem_harness_btag_pages(void);
