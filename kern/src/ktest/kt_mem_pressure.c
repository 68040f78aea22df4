/* SPDX-License-Identifier: MIT */
/*
 * kt_mem_pressure.c - ktests of the memory-pressure policy
 * (Documentation/memory.md, "Memory pressure"): after all memory was taken
 * one page at a time and given back, the pages sit in kpages_arena's
 * one-page cache (magazines of this core and the depot), where a 16-page
 * request cannot reach them; reclaim must bring them
 * back, so a MEM_WAIT request of 16 pages succeeds (it panicked "out of
 * memory" before).  A MEM_USER request while nothing can be reclaimed
 * returns NULL instead of waiting.  Taking every page one at a time costs
 * minutes under TCG on 1 GiB and more, so both run on machines of at most
 * KTMP_MAX_PAGES (smp1-128m) and return at once on larger ones.
 */
#include <arch/mmu.h>
#include <arena.h>
#include <kmalloc.h>
#include <ktest.h>
#include <mem_pressure.h>
#include <page.h>
#include <printk.h>
#include <slab.h>

#define KTMP_BIG   (16 * PGSIZE)    /* above kpages_arena's quantum caches */
#define KTMP_MAX_PAGES 65536       /* 256 MiB: more costs minutes under TCG */

/* A chain of taken memory: each piece starts with the next and its size. */
struct ktmp_piece {
	struct ktmp_piece *next;
	size_t size;
};

static struct ktmp_piece *ktmp_take(struct ktmp_piece *head, size_t size, size_t *n)
{
	struct ktmp_piece *p;

	while ((p = kpages_alloc(size, MEM_ATOMIC))) {
		*p = (struct ktmp_piece){ .next = head, .size = size };
		head = p;
		*n += size / PGSIZE;
	}
	return head;
}

/* Takes every page it can, one at a time; *n counts them. */
static struct ktmp_piece *ktmp_take_all(size_t *n)
{
	*n = 0;
	return ktmp_take(NULL, PGSIZE, n);
}

/* Frees them: single pages land in the one-page quantum cache. */
static void ktmp_give_back(struct ktmp_piece *head)
{
	while (head) {
		struct ktmp_piece *next = head->next;

		kpages_free(head, head->size);
		head = next;
	}
}

/* Free pieces cached by the quantum cache of npages pages. */
static size_t ktmp_cached(size_t npages)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(kpages_arena->qcaches[npages - 1], &st);
	return st.nr_in_mags;
}

KTEST(mem_pressure, reclaim_makes_multi_page_alloc_succeed)
{
	size_t n, cached;
	void *big;

	if (nr_pages > KTMP_MAX_PAGES) {
		printk("ktest: note: mem_pressure runs on machines of at most 256 MiB\n");
		return;
	}
	ktmp_give_back(ktmp_take_all(&n));
	cached = ktmp_cached(1);
	KT_ASSERT_MSG(n > 1000, "only %zu pages could be taken", n);
	KT_ASSERT_MSG(cached > n / 2, "%zu of %zu freed pages cached, expected most",
	              cached, n);
	big = kpages_alloc(KTMP_BIG, MEM_WAIT);
	KT_ASSERT(big);
	kpages_free(big, KTMP_BIG);
	mem_reclaim();
	KT_ASSERT_EQ(ktmp_cached(1), 0);
}

KTEST(mem_pressure, user_request_fails_when_nothing_reclaims)
{
	size_t n, more;
	struct ktmp_piece *head, *rest;
	void *p;

	if (nr_pages > KTMP_MAX_PAGES)
		return;
	head = ktmp_take_all(&n);
	mem_reclaim();                  /* frees slab memory: take that too */
	rest = ktmp_take_all(&more);
	p = kmalloc(KTMP_BIG, MEM_WAIT | MEM_USER);
	ktmp_give_back(rest);
	ktmp_give_back(head);
	kfree(p);
	KT_ASSERT_MSG(!p, "a 16-page MEM_USER request succeeded with no free memory");
}
