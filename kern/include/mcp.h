/* SPDX-License-Identifier: MIT */
/*
 * mcp.h - many-core processes: an SCP turned MCP (change_to_m) runs one
 * kthread per vcore, pinned to the physical core the ksched granted it
 * (ksched.h), which owns that vcore's user context.
 *
 *	mcp_change_to_m(p, tf);      // on the SCP's owner kthread (a ctx call)
 *	mcp_start_vcores(p);         // a kthread for every granted vcore
 *	mcp_before_user(tf);         // every return to user mode of a vcore
 *
 * A vcore kthread starts its vcore at the VCPD's vcore_entry (in vcore
 * context, notifications disabled), takes the vcore's traps and syscalls
 * (synchronously: a syscall that sleeps holds the core), delivers
 * notifications on its way back to user mode (vcore_notify.c), and leaves
 * when its vcore yields or the process ends.  Its kthread is counted in
 * p->nr_detached and holds a reference, so proc_exit drains it like a
 * detached syscall kthread.
 *
 * Exit: whichever vcore kthread reaches proc_exit first becomes the exiter
 * (p->user_kt); the others leave when they see p->killed.
 *
 * Locks: p->lock for p->vcores[*].kt/started/yielding and p->nr_running;
 * the ksched lock (never with p->lock held) for grants.  Field tags (the
 * legend in Documentation/style.md): [I], [p->lock], and [vcore_kt]: only
 * the vcore's own kthread.
 */
#pragma once

#include <arch/trap.h>
#include <arch/user.h>
#include <types.h>

struct proc;
struct kthread;

struct mcp_vcore {
	struct proc *p;                 /* [I] */
	uint32_t id;                    /* [I] */
	uint32_t pcore;                 /* [p->lock] the core its kthread runs on */
	struct kthread *kt;             /* [p->lock] its kthread while started */
	bool started;                   /* [p->lock] a kthread runs (or is about to) */
	bool yielding;                  /* [p->lock] leaves at its next return to user */
	bool waiting;                   /* [vcore_kt] the last vcore's yield: wait for a wakeup */
	bool fresh;                     /* [vcore_kt] enter at vcore_entry next */
	struct user_ext uext;           /* [vcore_kt] its FPU and FS state */
};

/* Whether p is an MCP (change_to_m succeeded; never undone). */
bool proc_is_mcp(const struct proc *p);
/* change_to_m on p's owner kthread, tf the caller's context: 0, or -errno
 * with *why saying what failed.  On success the caller's kthread no longer
 * owns a user context: it finishes the syscall and exits (async.c). */
int mcp_change_to_m(struct proc *p, const struct hw_trapframe *tf, const char **why);
/* Starts a kthread for every vcore the ksched granted p that has none. */
void mcp_start_vcores(struct proc *p);
/* The vcore the calling kthread runs, or NULL. */
struct mcp_vcore *mcp_vcore_current(void);
/* Before a vcore's return to user mode: leave after a yield, wait (the
 * last vcore's yield), enter at vcore_entry, or deliver a notification. */
void mcp_before_user(struct hw_trapframe *tf);
/* MCP proc_yield: 0 (the vcore leaves or waits on its way out), or 1 if
 * the yield is refused (a notification is pending; being_nice with no
 * preemption pending). */
int mcp_yield(struct proc *p, bool being_nice);
/* At the top of proc_exit on an MCP: returns on the exiter only. */
void mcp_exit_prepare(struct proc *p);
/* Makes vcore v (or every vcore) enter the kernel soon. */
void mcp_kick(struct proc *p, uint32_t vcoreid);
void mcp_kick_all(struct proc *p);

/* vcore_notify.c: the VCPD side, run on the vcore's own kthread.  Both
 * kill the process with a message if the VCPD holds garbage. */
void vcore_enter_fresh(struct mcp_vcore *vc, struct hw_trapframe *tf);
void vcore_notify_check(struct mcp_vcore *vc, struct hw_trapframe *tf);
/* A notification of vcore v is pending (the VCPD says so). */
bool vcore_notif_pending(uint32_t vcoreid);
/* Saves tf, the live FPU and FS state into VCPD v's uthread_ctx and
 * preempt_anc: 0, or -EFAULT. */
int vcore_save_uthread(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux);
