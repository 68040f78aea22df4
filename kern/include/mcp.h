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
 * (a syscall from uthread context that sleeps detaches: mcp_sysc.c hands
 * the vcore to a spare kthread and the call finishes on the old one; from
 * vcore context it holds the core), delivers
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

#include <alarm.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <rendez.h>
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
	bool fresh;                     /* [vcore_kt] enter at vcore_entry next: tf
	                                 * holds nothing to save (mcp_preempt_take) */
	bool resume;                    /* [vcore_kt] a new kthread: resume resume_tf */
	struct kthread *spare_kt;       /* [vcore_kt] made ahead for a detach */
	struct hw_trapframe resume_tf;  /* [vcore_kt] the context a detach left */
	struct user_ext uext;           /* [vcore_kt] its FPU and FS state */
	/* Preemption (mcp_preempt.c) and halt_core. */
	bool preempting;                /* [a] give the core back at the next user return */
	bool preempted;                 /* [p->lock] core taken, context saved in the VCPD */
	bool restarted;                 /* [vcore_kt] started after a preemption */
	bool resume_vcctx;              /* [vcore_kt] restart in vcore context from 'saved' */
	bool warn_armed;                /* [p->lock] 'warn' is set */
	bool changing;                  /* [p->lock] its core went to another vcore
	                                 * (change_vcore): it leaves as preempted */
	bool change_save;               /* [vcore_kt] ... saving its vcore context */
	bool announce;                  /* [vcore_kt] EV_VCORE_PREEMPT due once it left */
	bool halt_wake;                 /* [a] a halted vcore goes on */
	struct hw_trapframe saved;      /* [vcore_kt] its vcore context at preemption */
	struct alarm_waiter warn;       /* [I] enforces a warned preemption's deadline */
	struct rendez halt_rv;          /* halt_core sleeps here */
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
/* Called by a vcore's kthread once it gave its core back (a yield or a
 * preemption): clears the preemption state. */
void mcp_vcore_left(struct mcp_vcore *vc);
/* Makes vcore v (or every vcore) enter the kernel soon. */
void mcp_kick(struct proc *p, uint32_t vcoreid);
void mcp_kick_all(struct proc *p);
/* The calling kthread is a vcore whose preemption is pending (the stop
 * gate lets it through to be taken: proc/jobctl.c). */
bool mcp_preempt_coming(void);

/* mcp_preempt.c: preemption.  warn_nsec 0: at once; else EV_PREEMPT_PENDING
 * and a deadline warn_nsec away, enforced by an alarm.  0, -ENOENT (v has
 * no core), -EBUSY (v is p's last running vcore, or one below its
 * amt_wanted_min: the ksched never takes those). */
int mcp_preempt(struct proc *p, uint32_t vcoreid, uint64_t warn_nsec);
/* At vcore table set-up, and at exit (every vcore kthread gone): the
 * deadline alarm and halt_core's rendez. */
void mcp_vcore_init_preempt(struct mcp_vcore *vc);
void mcp_preempt_cancel_all(struct proc *p);
/* Whether a preemption of vcore v is pending (warned, not yet done). */
bool mcp_preempt_pending(struct proc *p, uint32_t vcoreid);
/* On v's own kthread before a user return: true if v must leave now
 * (its context is saved, VC_PREEMPTED set, EV_VCORE_PREEMPT due). */
bool mcp_preempt_take(struct mcp_vcore *vc, struct hw_trapframe *tf);
/* On v's kthread leaving, once procinfo no longer maps v: sends the
 * EV_VCORE_PREEMPT a preemption or change_vcore made due (else nothing). */
void mcp_preempt_announce(struct mcp_vcore *vc);
/* Saves v's context from tf into the VCPD (if save) and sets VC_PREEMPTED
 * there, as a preemption does; kills the process if the VCPD is not
 * writable. */
void mcp_preempt_save_mark(struct mcp_vcore *vc, const struct hw_trapframe *tf, bool save);
/* mcp_change.c: change_vcore from the calling vcore's kthread (vcore
 * context): its core goes to preempted vcore 'to' and it leaves on its way
 * out as if preempted (its vcore context saved unless enable_my_notif).
 * 0, -EINVAL (not a vcore, or from uthread context), -ERANGE (no vcore
 * 'to'), -EDEADLK (to is the caller), -EBUSY (to is not preempted, or got
 * a core meanwhile), -ENOENT (p is being killed). */
int mcp_change_vcore(struct proc *p, uint32_t to, bool enable_my_notif);
/* On the caller's kthread before the user return that leaves. */
void mcp_change_leave(struct mcp_vcore *vc, const struct hw_trapframe *tf);
/* A vcore restarted after a preemption: VC_PREEMPTED cleared; tf set to
 * its vcore context if it was preempted there.  True if tf was set. */
bool mcp_preempt_resume(struct mcp_vcore *vc, struct hw_trapframe *tf);
/* halt_core: v sleeps (keeping its core) until a notification for it, a
 * preemption, a kill or usec (0: no limit) pass. */
int mcp_halt_core(struct proc *p, uint64_t usec);
/* The state the event code picks vcores by (ev_pick.h's EVP_*). */
uint32_t mcp_vcore_state(struct proc *p, uint32_t vcoreid);
/* mcp.c: a kthread that runs vcore vc (not started). */
struct kthread *mcp_vcore_kthread_make(struct mcp_vcore *vc);
/* mcp_sysc.c: arms the detach of a batch from vcore vc's uthread context
 * (syscall/async.c calls it for a vcore); drops vc's spare kthread when the
 * vcore's kthread leaves. */
struct syscall_ctx;
void mcp_sysc_arm_detach(struct mcp_vcore *vc, struct syscall_ctx *ctx);
void mcp_sysc_drop_spare(struct mcp_vcore *vc);
/* Whether vcore v's call came from uthread context (VCPD v's notif_disabled
 * clear; an unreadable VCPD says vcore context). */
bool mcp_sysc_from_uthread(uint32_t vcoreid);

/* vcore_notify.c: the VCPD side, run on the vcore's own kthread.  Both
 * kill the process with a message if the VCPD holds garbage. */
void vcore_enter_fresh(struct mcp_vcore *vc, struct hw_trapframe *tf);
/* The same for vcore v of any process (an SCP's reflected fault: v 0),
 * with ux the user state that gets the vcore's FS base. */
void vcore_enter_entry(uint32_t vcoreid, struct user_ext *ux, struct hw_trapframe *tf);
void vcore_notify_check(struct mcp_vcore *vc, struct hw_trapframe *tf);
/* A notification of vcore v is pending (the VCPD says so). */
bool vcore_notif_pending(uint32_t vcoreid);
/* Saves tf, the live FPU and FS state into VCPD v's uthread_ctx and
 * preempt_anc: 0, or -EFAULT. */
int vcore_save_uthread(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux);
/* The same into vcore_ctx (a preemption in vcore context). */
int vcore_save_vcctx(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux);
