/* SPDX-License-Identifier: MIT */
/*
 * oom.c - the out-of-memory policy's choice and kill (mem_pressure.h).
 *
 * When reclaim frees nothing and a MEM_WAIT allocation cannot be served,
 * mem_wait.c ends one user process: the live one with the most resident
 * pages (mm->nr_resident: pages its PTEs hold), skipping processes already
 * killed or dying, because their memory is on its way back.  The kill is
 * an ordinary proc_kill (status 9, as for a kill from #proc) plus a console
 * line naming the process.  Only one victim is pending at a time: until it
 * is gone, waiters sleep and retry instead of killing more.
 *
 * oom_current_killed() tells the policy that the kthread asking for memory
 * works for a process that was killed: that kthread must finish (and free
 * the process's memory) before anything else helps, so it may use the
 * emergency reserve.  Locks: proc_next's list lock, then p->lock, briefly.
 */
#include <mem_pressure.h>
#include <kthread.h>
#include <page.h>
#include <printk.h>
#include <process.h>
#include <ros/syscall.h>

static int oom_victim;          /* pid of the last victim, 0 if none */

/* Resident pages of a process that may be chosen, or -1. */
static int64_t oom_score(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	int64_t n = -1;

	if (p->state < PROC_DYING && !p->killed && p->mm)
		n = atomic_read(&p->mm->nr_resident);
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

/* The process to end, with a reference, and its resident pages. */
static struct proc *oom_choose(int64_t *resident)
{
	struct proc *p, *best = NULL;
	int64_t n;
	int after = 0;

	*resident = -1;
	while ((p = proc_next(after))) {
		after = p->pid;
		n = oom_score(p);
		if (n > *resident) {
			if (best)
				proc_put(best);
			best = p;
			*resident = n;
		} else {
			proc_put(p);
		}
	}
	return best;
}

int oom_kill_largest(void)
{
	int64_t resident;
	struct proc *p = oom_choose(&resident);
	int pid;

	if (!p)
		return 0;
	pid = p->pid;
	printk("oom: out of memory: killing process %d '%s' (%ld resident pages, "
	       "%zu pages free)\n", pid, p->name, (long)resident, nr_free_pages());
	if (!proc_kill(p, WSTATUS_KILLED)) {
		WRITE_ONCE(oom_victim, pid);
		mem_stat_count(&mem_pressure_stats.oom_kills);
	}
	proc_put(p);
	return pid;
}

bool oom_victim_pending(void)
{
	int pid = READ_ONCE(oom_victim);
	struct proc *p = pid ? proc_lookup(pid) : NULL;
	bool alive;

	if (!p)
		return false;
	alive = READ_ONCE(p->state) != PROC_DEAD;
	proc_put(p);
	return alive;
}

bool oom_current_killed(void)
{
	struct kthread *kt = kthread_current();
	struct proc *p = kt ? kt->proc : NULL;

	return p && READ_ONCE(p->killed);
}
