/* SPDX-License-Identifier: MIT */
/*
 * cputime.h - CPU time accounting: how long each process ran in user mode
 * and in the kernel (kern/src/proc/cputime.c; Documentation/processes.md,
 * "CPU time").
 *
 *	cputime_user_exit();        // entered the kernel from user mode
 *	cputime_user_enter();       // about to return to user mode
 *	cputime_switch(prev);       // the core leaves kthread prev
 *	cputime_read(p, &t);        // p's figures in ns
 *
 * Each core keeps the TSC of its last accounting point.  The time from
 * there to the next point goes to the process the core ran: to its user
 * time when the next point is a kernel entry from user mode, to its system
 * time when it is a return to user mode (noted, and added at the next
 * kernel entry) or a switch away from one of its kthreads (so time asleep
 * is nobody's, and a kernel kthread's or the idle loop's is not charged).  Counters are added atomically and read without
 * a lock.  The hooks run with interrupts off or in the kthread concerned;
 * they never sleep.  A reaped child's figures, its reaped children's
 * included, are added to its parent's children figures (cputime_reap).
 */
#pragma once

#include <types.h>

struct proc;
struct kthread;

struct cputime {
	uint64_t user_ns, sys_ns;               /* the process itself */
	uint64_t child_user_ns, child_sys_ns;   /* its reaped children */
};

void cputime_user_exit(void);
void cputime_user_enter(void);
void cputime_switch(struct kthread *prev);
void cputime_read(struct proc *p, struct cputime *t);
/* parent reaps child (DEAD): child's figures join parent's children's. */
void cputime_reap(struct proc *parent, struct proc *child);
