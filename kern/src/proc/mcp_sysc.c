/* SPDX-License-Identifier: MIT */
/*
 * mcp_sysc.c - a syscall that sleeps on a vcore lets the vcore go on
 * (Documentation/mcp.md, "Syscalls that block").
 *
 * The SCP way (syscall/async.c) moved to vcores: before a batch issued from
 * uthread context (the VCPD's notif_disabled clear), the vcore's kthread
 * arms its block hook.  If a call then sleeps, the hook (inside
 * kthread_block, IRQs off, the slept-on object's lock held) saves the user
 * registers into vc->resume_tf and the FPU/FS state into the vcore's
 * user_ext, makes the spare kthread the vcore's kthread (vc->kt) and queues
 * it on this core.  The spare returns to user space where the trap left
 * off, with SC_DONE still clear; the 2LS parks that uthread and runs others
 * (user/parlib/uthread.c).  The old kthread is no longer the vcore's
 * (mcp_vcore_current() says NULL), finishes the batch as a detached
 * syscall kthread (counted in nr_detached, with a process reference) and
 * exits; it shares the core with the vcore through the slice alarm
 * (scp_sched.c), or runs at once when the vcore yields or waits.
 *
 * A batch from vcore context (notifications disabled: the 2LS itself)
 * stays synchronous: vcore context has no other work to switch to.  The
 * spare is made ahead (vc->spare_kt) so the hook allocates nothing; with
 * free memory low, or SYSC_MAX_DETACHED kthreads out, a call keeps the
 * core as before.
 *
 * Rules: everything here runs on the vcore's own kthread ([vcore_kt]
 * fields); the hook touches no lock (see async.c's rules).
 */
#include <arch/user.h>
#include <atomic.h>
#include <kthread.h>
#include <mcp.h>
#include <process.h>
#include <ros/limits.h>
#include <ros/procdata.h>
#include <syscall.h>
#include <uaccess.h>

/* kthread_block()'s hook: IRQs off, the object's lock held. */
static void mcp_sysc_detach(void *arg)
{
	struct syscall_ctx *ctx = arg;
	struct proc *p = ctx->p;
	struct kthread *kt = kthread_current(), *spare;
	struct mcp_vcore *vc = mcp_vcore_current();

	spare = vc->spare_kt;
	vc->resume_tf = *ctx->tf;
	vc->resume = true;
	user_ext_save(&vc->uext);
	kt->uext = NULL;
	spare->uext = &vc->uext;
	vc->spare_kt = NULL;
	WRITE_ONCE(vc->kt, spare);
	kref_get(&p->ref);                      /* dropped in sysc_detached_exit */
	atomic_inc(&p->nr_detached);
	ctx->detached = true;
	ctx->tf = NULL;
	kthread_run_on(spare, kt->core);
}

/* The caller ran in uthread context: its VCPD's notif_disabled is clear.
 * An unreadable VCPD reads as vcore context (no detach). */
bool mcp_sysc_from_uthread(uint32_t vcoreid)
{
	struct procdata __user *pd = (struct procdata __user *)UDATA;
	uint8_t disabled = 1;

	return !copy_from_user(&disabled, &pd->vcpd[vcoreid].notif_disabled, 1) && !disabled;
}

void mcp_sysc_arm_detach(struct mcp_vcore *vc, struct syscall_ctx *ctx)
{
	struct kthread *kt = kthread_current();

	if (ctx->detached || atomic_read(&ctx->p->nr_detached) >= SYSC_MAX_DETACHED)
		return;
	if (!mcp_sysc_from_uthread(vc->id))
		return;
	if (!vc->spare_kt && !proc_mem_low())
		vc->spare_kt = mcp_vcore_kthread_make(vc);
	if (!vc->spare_kt)
		return;                         /* no memory: this call keeps the core */
	kt->block_arg = ctx;
	kt->block_hook = mcp_sysc_detach;
}

void mcp_sysc_drop_spare(struct mcp_vcore *vc)
{
	if (vc->spare_kt)
		proc_kthread_discard(vc->spare_kt);
	vc->spare_kt = NULL;
}
