/* SPDX-License-Identifier: MIT */
/*
 * reclaim.c - mem_reclaim(): give cached memory back to the page arena
 * (mem_pressure.h).  Called by the MEM_WAIT policy (mem_wait.c) before
 * anything worse happens, and by a write of "reclaim" to #mem/ctl.
 *
 * Freed pages do not go straight back to base_arena: one-page frees land
 * in the per-core magazines of kpages_arena's quantum caches, and freed
 * objects in their caches' magazines and empty slabs.  After a process
 * exhausted memory and died, tens of thousands of pages sit there, where a
 * multi-page request cannot use them.  kmem_reap_all() empties every
 * core's magazines (taking each core's magazine lock, which is how another
 * core may safely drain them), the depots and the empty slabs; wholly free
 * spans then return to base_arena.  The page cache's clean, unmapped pages
 * go too.  Callers: kthread context, interrupts on, no spinlock held.
 */
#include <mem_pressure.h>
#include <page.h>
#include <page_cache.h>
#include <slab.h>

struct mem_reclaim_stats mem_pressure_stats;

void mem_stat_count(uint64_t *counter)
{
	__atomic_fetch_add(counter, 1, __ATOMIC_RELAXED);
}

size_t mem_reclaim(void)
{
	size_t before = nr_free_pages(), after;

	pcache_drop_clean();
	kmem_reap_all();
	after = nr_free_pages();
	mem_stat_count(&mem_pressure_stats.runs);
	if (after > before)
		__atomic_fetch_add(&mem_pressure_stats.pages, after - before,
		                   __ATOMIC_RELAXED);
	return after > before ? after - before : 0;
}

bool mem_free_pages_at_least(size_t want)
{
	if (nr_free_pages() >= want)
		return true;
	mem_reclaim();
	return nr_free_pages() >= want;
}

void mem_reclaim_stats(struct mem_reclaim_stats *st)
{
	st->runs = __atomic_load_n(&mem_pressure_stats.runs, __ATOMIC_RELAXED);
	st->pages = __atomic_load_n(&mem_pressure_stats.pages, __ATOMIC_RELAXED);
	st->oom_kills = __atomic_load_n(&mem_pressure_stats.oom_kills, __ATOMIC_RELAXED);
	st->waits = __atomic_load_n(&mem_pressure_stats.waits, __ATOMIC_RELAXED);
	st->user_fails = __atomic_load_n(&mem_pressure_stats.user_fails, __ATOMIC_RELAXED);
}
