/* SPDX-License-Identifier: MIT */
/*
 * kt_mem_pressure.c - ktests of the memory-pressure policy
 * (Documentation/memory.md, "Memory pressure"): after every page was taken
 * one at a time and given back, the pages sit in kpages_arena's one-page
 * cache (magazines of this core and the depot), where a multi-page request
 * cannot reach them; reclaim must bring them back, so a MEM_WAIT request of
 * 16 pages succeeds (it panicked "out of memory" before).  A MEM_USER
 * request while nothing can be reclaimed returns NULL instead of waiting.
 */
#include <arch/mmu.h>
#include <arena.h>
#include <kmalloc.h>
#include <ktest.h>
#include <mem_pressure.h>
#include <page.h>
#include <slab.h>

#define KTMP_BIG (16 * PGSIZE)     /* above kpages_arena's quantum caches */

/* Takes every page it can, one at a time, chained through the pages. */
static void *ktmp_take_all(size_t *n)
{
	void *head = NULL, *pg;

	*n = 0;
	while ((pg = kpage_alloc(MEM_ATOMIC))) {
		*(void **)pg = head;
		head = pg;
		(*n)++;
	}
	return head;
}

static void ktmp_give_back(void *head)
{
	while (head) {
		void *next = *(void **)head;

		kpage_free(head);
		head = next;
	}
}

static size_t ktmp_q1_cached(void)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(kpages_arena->qcaches[0], &st);
	return st.nr_in_mags;
}

KTEST(mem_pressure, reclaim_makes_multi_page_alloc_succeed)
{
	size_t n, cached;
	void *big;

	ktmp_give_back(ktmp_take_all(&n));
	cached = ktmp_q1_cached();
	KT_ASSERT_MSG(n > 1000, "only %zu pages could be taken", n);
	KT_ASSERT_MSG(cached > n / 2, "%zu of %zu freed pages cached, expected most",
	              cached, n);
	big = kpages_alloc(KTMP_BIG, MEM_WAIT);
	KT_ASSERT(big);
	kpages_free(big, KTMP_BIG);
	mem_reclaim();
	KT_ASSERT_EQ(ktmp_q1_cached(), 0);
}

KTEST(mem_pressure, user_request_fails_when_nothing_reclaims)
{
	size_t n, more;
	void *head = ktmp_take_all(&n), *rest, *p;

	mem_reclaim();                  /* frees slab memory: take that too */
	rest = ktmp_take_all(&more);
	p = kmalloc(KTMP_BIG, MEM_WAIT | MEM_USER);
	ktmp_give_back(rest);
	ktmp_give_back(head);
	kfree(p);
	KT_ASSERT_MSG(!p, "a 16-page MEM_USER request succeeded with no free memory");
}
