/* SPDX-License-Identifier: MIT */
/*
 * mem_harness.c - host page arena and boundary-tag page hook for the arena
 * and slab suites (see mem_harness.h).
 *
 * The hook may be called from several test threads at once (fake cores),
 * so its counter is atomic.  Nothing is ever freed: each test is a child
 * process that exits when it is done.
 */
#include <kmalloc.h>
#include <slab.h>
#include <ros/mmu64.h>

#include <stdlib.h>

#include "htest.h"
#include "mem_harness.h"

struct arena mem_harness_pages;
static size_t btag_pages_given;

void *arena_btag_page_alloc(void)
{
	__atomic_add_fetch(&btag_pages_given, 1, __ATOMIC_RELAXED);
	return aligned_alloc(PGSIZE, PGSIZE);
}

size_t mem_harness_btag_pages(void)
{
	return __atomic_load_n(&btag_pages_given, __ATOMIC_RELAXED);
}

void mem_harness_setup(void)
{
	void *mem = aligned_alloc(PGSIZE, MEM_HARNESS_SIZE);

	HT_ASSERT(mem);
	HT_ASSERT_EQ(arena_init(&mem_harness_pages, "hostpages", mem,
	                        MEM_HARNESS_SIZE, PGSIZE, NULL, NULL, NULL, 0,
	                        MEM_WAIT), 0);
	kmem_init(&mem_harness_pages);
	kmalloc_init(&mem_harness_pages);
}
