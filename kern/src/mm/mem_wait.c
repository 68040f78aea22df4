/* SPDX-License-Identifier: MIT */
/*
 * mem_wait.c - what a MEM_WAIT allocation does when the allocator has
 * nothing: the kernel's mem_wait_for_memory() (mem_flags.h), replacing the
 * weak one in arena.c that panics.
 *
 * Each call, from the allocator's retry loop:
 *  1. MEM_WAIT from IRQ context or with interrupts off (a spinlock held)
 *     is a caller's bug: panic, naming it.
 *  2. mem_reclaim() (reclaim.c).  If it recovered pages: retry at once, at
 *     most MEM_QUICK_TRIES times per allocation (pages freed by others
 *     while the request still does not fit must not make it spin).
 *  3. MEM_USER: give up; the caller answers the user request with ENOMEM.
 *  4. A kthread of a killed process gets the emergency reserve (below), so
 *     it can finish and let its process free everything.
 *  5. If reclaim found nothing and no OOM victim is on its way out, end the
 *     largest user process (oom.c).  Then sleep MEM_RETRY_USEC and retry.
 * The watchdog: an allocation that has waited MEM_WATCHDOG_NS prints a
 * console line naming its kthread (and process) with a backtrace, again
 * every MEM_WATCHDOG_NS.
 *
 * The emergency reserve: MEM_RESERVE_PAGES pages taken at boot
 * (mem_reserve_init) and freed when step 4 needs them; mem_reserve_refill()
 * takes them again once that many pages are comfortably free (after a
 * reclaim that recovered pages, and on a #mem/ctl reclaim).
 */
#include <arch/irq.h>
#include <arch/trap.h>
#include <backtrace.h>
#include <kthread.h>
#include <mem_flags.h>
#include <mem_pressure.h>
#include <page.h>
#include <printk.h>
#include <process.h>
#include <spinlock.h>
#include <time.h>

#define MEM_RETRY_USEC    10000                 /* 10 ms between tries */
#define MEM_QUICK_TRIES   4
#define MEM_WATCHDOG_NS   (5 * NSEC_PER_SEC)
#define MEM_RESERVE_PAGES 128

static spinlock_t mem_reserve_lock = SPINLOCK_INITIALIZER("mem_reserve");
static void *mem_reserve;       /* [mem_reserve_lock] the pages, or NULL */

void mem_reserve_init(void)
{
	mem_reserve_refill();
	if (!mem_reserve)
		printk("mem: no emergency reserve (%d pages)\n", MEM_RESERVE_PAGES);
}

void mem_reserve_refill(void)
{
	void *kva;
	uint64_t irq;

	if (READ_ONCE(mem_reserve) || nr_free_pages() < 4 * MEM_RESERVE_PAGES)
		return;
	kva = kpages_alloc(MEM_RESERVE_PAGES * PGSIZE, MEM_ATOMIC);
	irq = spin_lock_irqsave(&mem_reserve_lock);
	if (!mem_reserve) {
		mem_reserve = kva;
		kva = NULL;
	}
	spin_unlock_irqrestore(&mem_reserve_lock, irq);
	if (kva)
		kpages_free(kva, MEM_RESERVE_PAGES * PGSIZE);
}

/* Frees the reserve for the calling kthread; false if it is used up. */
static bool mem_reserve_release(void)
{
	uint64_t irq = spin_lock_irqsave(&mem_reserve_lock);
	void *kva = mem_reserve;

	mem_reserve = NULL;
	spin_unlock_irqrestore(&mem_reserve_lock, irq);
	if (!kva)
		return false;
	printk("mem: emergency reserve (%d pages) released for kthread '%s'\n",
	       MEM_RESERVE_PAGES, kthread_current()->name);
	kpages_free(kva, MEM_RESERVE_PAGES * PGSIZE);
	return true;
}

static void mem_wait_check_context(void)
{
	if (in_irq_ctx())
		panic("mem: MEM_WAIT allocation in IRQ context while memory is "
		      "short (IRQ handlers must use MEM_ATOMIC)");
	if (!irq_is_enabled() || !kthread_current())
		panic("mem: MEM_WAIT allocation with interrupts off (a spinlock "
		      "held?) or outside a kthread while memory is short");
}

static void mem_wait_watchdog(struct mem_wait *w)
{
	uint64_t now = nsec_now();
	struct kthread *kt = kthread_current();

	if (!w->since_ns) {
		w->since_ns = w->reported_ns = now;
		return;
	}
	if (now - w->reported_ns < MEM_WATCHDOG_NS)
		return;
	w->reported_ns = now;
	printk("mem: watchdog: kthread '%s' (process %d) has waited %lu ms for "
	       "memory (%zu pages free)\n", kt->name, kt->proc ? kt->proc->pid : 0,
	       (unsigned long)((now - w->since_ns) / NSEC_PER_MSEC), nr_free_pages());
	backtrace_here();
}

bool mem_wait_for_memory(int flags, struct mem_wait *w)
{
	size_t got;

	mem_wait_check_context();
	got = mem_reclaim();
	if (got && w->quick < MEM_QUICK_TRIES) {
		w->quick++;
		mem_reserve_refill();
		return true;
	}
	if (flags & MEM_USER) {
		mem_stat_count(&mem_pressure_stats.user_fails);
		return false;
	}
	mem_wait_watchdog(w);
	if (oom_current_killed() && mem_reserve_release())
		return true;
	if (!got && !oom_victim_pending())
		oom_kill_largest();
	mem_stat_count(&mem_pressure_stats.waits);
	kthread_usleep(MEM_RETRY_USEC);
	return true;
}
