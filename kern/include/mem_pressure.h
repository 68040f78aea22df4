/* SPDX-License-Identifier: MIT */
/*
 * mem_pressure.h - what the kernel does when memory runs short
 * (Documentation/memory.md, "Memory pressure").
 *
 *	size_t got = mem_reclaim();   // frees cached memory; pages recovered
 *	if (mem_free_pages_at_least(n)) ...   // a limit, reclaiming if needed
 *	mem_reclaim_stats(&st);       // how often, how much (#mem/free)
 *	int pid = oom_kill_largest(); // ends the largest user process
 *
 * mem_reclaim() (mm/reclaim.c) drains the slab magazines of every core and
 * the depots, gives empty slabs back (kmem_reap_all: the per-core lock of
 * a magazine pair is what makes draining another core's cache safe), and
 * drops clean page cache pages that no mapping holds.  It may take a while
 * but never sleeps; call it from kthread context with interrupts on.
 *
 * oom_kill_largest() (proc/oom.c) picks the live process with the most
 * resident pages (mm->nr_resident) that is not already dying, kills it
 * and prints a console line naming it; 0 if there is none.
 * oom_victim_pending() says whether the last victim still exists.
 * oom_current_killed(): the calling kthread works for a killed process.
 *
 * The emergency reserve (mm/mem_wait.c): a few pages held back at boot and
 * handed out when a kthread of a killed process must allocate to finish,
 * so a victim can always get out of the kernel and free its memory.
 */
#pragma once

#include <types.h>

struct mem_reclaim_stats {
	uint64_t runs;          /* mem_reclaim() calls */
	uint64_t pages;         /* pages they recovered */
	uint64_t oom_kills;     /* processes ended by the OOM policy */
	uint64_t waits;         /* MEM_WAIT sleeps for memory */
	uint64_t user_fails;    /* MEM_USER requests answered with NULL */
};

size_t mem_reclaim(void);
/* True if at least want pages are free, after a reclaim if needed: for
 * limits that compare with nr_free_pages() (cached pages count as free). */
bool mem_free_pages_at_least(size_t want);
void mem_reclaim_stats(struct mem_reclaim_stats *st);
void mem_stat_count(uint64_t *counter);     /* ++ one of the fields */
extern struct mem_reclaim_stats mem_pressure_stats;

int oom_kill_largest(void);
bool oom_victim_pending(void);
bool oom_current_killed(void);              /* kthread of a killed process? */

void mem_reserve_init(void);                /* after the page allocator */
void mem_reserve_refill(void);              /* when memory is plentiful */
