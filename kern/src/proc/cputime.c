/* SPDX-License-Identifier: MIT */
/*
 * cputime.c - CPU time accounting per process (the model and the rules
 * for callers are in cputime.h).  Counters are TSC ticks in struct proc
 * (cpu_user, cpu_sys, cpu_child_user, cpu_child_sys), turned into ns when
 * read.  Each core keeps two TSC stamps (in its struct percpu), touched
 * only by the core itself, with interrupts off or from the kthread that
 * runs there: where the kernel time not yet charged began (the last kernel
 * entry from user mode or kthread switch) and the last return to user
 * mode.  The way out (user_before_return) only stamps: the next kernel
 * entry from user mode, on the same core and of the same process, charges
 * both intervals with one rdtsc.  A switch sets both stamps, so a later
 * entry never charges across it.
 */
#include <arch/x86.h>
#include <cputime.h>
#include <kthread.h>
#include <percpu.h>
#include <process.h>
#include <time.h>

static void cputime_charge(uint64_t *counter, uint64_t ticks)
{
	__atomic_fetch_add(counter, ticks, __ATOMIC_RELAXED);
}

/* From user_since to now was user time, from kernel_since to user_since
 * the kernel's time before that return: both the current process's (the
 * same process that returned, on this core).  One rdtsc per entry. */
void cputime_user_exit(void)
{
	struct percpu *pc = this_cpu();
	struct proc *p = pc->cur_kthread->proc;
	uint64_t now = read_tsc();
	int64_t user = now - pc->cputime_user_since;
	int64_t sys = pc->cputime_user_since - pc->cputime_kernel_since;

	if (p && (user | sys) >= 0) {           /* neither stamp went backwards */
		cputime_charge(&p->cpu_user, user);
		cputime_charge(&p->cpu_sys, sys);
	}
	pc->cputime_kernel_since = now;
}

void cputime_user_enter(void)
{
	/* Only noted here: the next kernel entry charges it (see the top). */
	this_cpu()->cputime_user_since = read_tsc();
}

void cputime_switch(struct kthread *prev)
{
	struct percpu *pc = this_cpu();
	uint64_t now = read_tsc();

	if (prev && prev->proc && now >= pc->cputime_kernel_since)
		cputime_charge(&prev->proc->cpu_sys, now - pc->cputime_kernel_since);
	pc->cputime_kernel_since = now;
	pc->cputime_user_since = now;
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
