/* SPDX-License-Identifier: MIT */
/*
 * cputime.c - CPU time accounting per process (the model and the rules
 * for callers are in cputime.h).  Counters are TSC ticks in struct proc
 * (cpu_user, cpu_sys, cpu_child_user, cpu_child_sys), turned into ns when
 * read.  cputime_since[core] is the TSC of the core's last accounting
 * point; only the core itself touches its entry, with interrupts off or
 * from the kthread that runs there.  The kernel time that ends at a return
 * to user mode is kept in cputime_pending_sys[core] and charged at the
 * next kernel entry from user mode, which is on the same core and of the
 * same process: the way out (user_before_return) writes no process memory.
 */
#include <arch/x86.h>
#include <core_id.h>
#include <cputime.h>
#include <kthread.h>
#include <process.h>
#include <time.h>

static uint64_t cputime_since[MAX_CORES];
static uint64_t cputime_pending_sys[MAX_CORES];

/* Ticks since this core's last point, which becomes now. */
static uint64_t cputime_take(void)
{
	uint64_t now = read_tsc(), *since = &cputime_since[core_id()];
	uint64_t d = now > *since ? now - *since : 0;

	*since = now;
	return d;
}

static void cputime_charge(uint64_t *counter, uint64_t ticks)
{
	__atomic_fetch_add(counter, ticks, __ATOMIC_RELAXED);
}

void cputime_user_exit(void)
{
	struct proc *p = current_proc();
	uint64_t d = cputime_take(), *pending = &cputime_pending_sys[core_id()];

	if (p) {
		cputime_charge(&p->cpu_user, d);
		cputime_charge(&p->cpu_sys, *pending);
	}
	*pending = 0;
}

void cputime_user_enter(void)
{
	/* Only noted here: the next kernel entry charges it (see the top). */
	cputime_pending_sys[core_id()] = cputime_take();
}

void cputime_switch(struct kthread *prev)
{
	uint64_t d = cputime_take();

	if (prev && prev->proc)
		cputime_charge(&prev->proc->cpu_sys, d);
}

static uint64_t cputime_ns(const uint64_t *counter)
{
	return tsc_to_nsec(__atomic_load_n(counter, __ATOMIC_RELAXED));
}

void cputime_read(struct proc *p, struct cputime *t)
{
	t->user_ns = cputime_ns(&p->cpu_user);
	t->sys_ns = cputime_ns(&p->cpu_sys);
	t->child_user_ns = cputime_ns(&p->cpu_child_user);
	t->child_sys_ns = cputime_ns(&p->cpu_child_sys);
}

void cputime_reap(struct proc *parent, struct proc *child)
{
	cputime_charge(&parent->cpu_child_user,
	               __atomic_load_n(&child->cpu_user, __ATOMIC_RELAXED) +
	               __atomic_load_n(&child->cpu_child_user, __ATOMIC_RELAXED));
	cputime_charge(&parent->cpu_child_sys,
	               __atomic_load_n(&child->cpu_sys, __ATOMIC_RELAXED) +
	               __atomic_load_n(&child->cpu_child_sys, __ATOMIC_RELAXED));
}
