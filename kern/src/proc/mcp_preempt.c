/* SPDX-License-Identifier: MIT */
/*
 * mcp_preempt.c - taking a core back from an MCP's vcore (mcp.h), with or
 * without a warning, and halt_core (a uthread's fault: proc/fault.c).
 *
 * The protocol (Documentation/mcp.md, "Preemption"):
 *  1. warning (warn_nsec > 0): procinfo's vcoremap[v].preempt_pending gets
 *     the TSC deadline, nr_preempts_sent counts it, EV_PREEMPT_PENDING
 *     (arg1 v, arg4 the deadline) goes to procdata's kernel_evts queue, and
 *     an alarm on core 0 (the low-latency core) is set for the deadline.
 *     A vcore that yields first (proc_yield, being_nice or not) gives the
 *     core back itself and the alarm is cancelled.  The alarm is an IRQ
 *     alarm: a routine message could wait behind a spinning SCP on core 0.
 *  2. the preemption proper (no warning, or the alarm fired): v's
 *     'preempting' is set and its core kicked.  On its next return to user
 *     mode the vcore's own kthread saves the context it was about to run:
 *     into vcore_ctx (and the kernel's copy, 'saved') if notifications were
 *     disabled (vcore context), else into uthread_ctx; the FPU image into
 *     preempt_anc.  VC_PREEMPTED is set, nr_preempts_done counted,
 *     preempt_pending cleared, and the kthread leaves: the core goes back
 *     to the ksched, v's id on top of its stack, so v is the first vcore
 *     the process gets again.  Only then is EV_VCORE_PREEMPT (arg1 v) sent
 *     through kernel_evts (parlib's queue spams it to a vcore that runs):
 *     whoever handles it, and runs v's uthread elsewhere, finds v gone
 *     from the vcoremap.  A
 *     kthread taken before its first entry to user mode (a vcore started
 *     or restarted, then preempted at once) saves nothing: its trapframe
 *     is a placeholder, and the VCPD and 'saved' still hold the context of
 *     the last preemption, which the next restart resumes.
 *  3. restart: VC_PREEMPTED is cleared (the user may have stolen the
 *     uthread meanwhile: VC_UTHREAD_STEALING); a vcore preempted in vcore
 *     context resumes from the kernel's copy (never from user memory), one
 *     preempted in uthread context starts at vcore_entry.
 * A vcore in a syscall that sleeps is preempted when the call returns
 * (its kthread holds the core until then).  The last running vcore of a
 * process, and any that would leave it below amt_wanted_min, is never
 * taken: an MCP always has a core (mcp_preempt answers -EBUSY).
 *
 * Locks: p->lock for 'preempted', 'warn_armed' and nr_running; procinfo's
 * counters are written by one side at a time (the requester under p->lock,
 * the vcore's kthread when it leaves).  Never the ksched lock here.
 */
#include <arch/x86.h>
#include <errno.h>
#include <ev_pick.h>
#include <event.h>
#include <ksched.h>
#include <mcp.h>
#include <printk.h>
#include <process.h>
#include <ros/procdata.h>
#include <ros/vcore_ctx.h>
#include <time.h>
#include <uaccess.h>

static struct vcpd __user *vcpd_at(uint32_t vcoreid)
{
	return &((struct procdata __user *)UDATA)->vcpd[vcoreid];
}

/* Atomically sets (set) or clears bits of VCPD v's flags, which other
 * vcores change too (VC_UTHREAD_STEALING, VC_CAN_RCV_MSG): a compare-and-
 * swap that lost the race retries with the value it saw.  0, or -EFAULT
 * (unreadable, or a user flipping the word faster than we can swap it). */
static int vcpd_flags_update(uint32_t vcoreid, uint32_t bits, bool set)
{
	uint32_t __user *f = &vcpd_at(vcoreid)->flags;
	uint32_t cur;

	if (get_user_u32(&cur, f))
		return -EFAULT;
	for (int tries = 0; tries < 1000; tries++) {
		int ret = cmpxchg_user_u32(f, &cur, set ? cur | bits : cur & ~bits);

		if (ret != -EAGAIN)
			return ret ? -EFAULT : 0;
	}
	return -EFAULT;
}

/* ------------------------------------------------------------ requests */

static void mcp_warn_expired(struct alarm_waiter *a)
{
	struct mcp_vcore *vc = a->data;
	uint64_t flags = spin_lock_irqsave(&vc->p->lock);

	vc->warn_armed = false;
	spin_unlock_irqrestore(&vc->p->lock, flags);
	WRITE_ONCE(vc->preempting, true);
	mcp_kick(vc->p, vc->id);
	WRITE_ONCE(vc->halt_wake, true);
	rendez_wakeup(&vc->halt_rv);
}

void mcp_vcore_init_preempt(struct mcp_vcore *vc)
{
	init_alarm(&vc->warn, mcp_warn_expired, vc, ALARM_IRQ);
	rendez_init(&vc->halt_rv);
}

/* Takes vc's warning deadline alarm off (if armed), outside p->lock:
 * unset_alarm may wait for a running handler. */
static void mcp_warn_disarm(struct mcp_vcore *vc)
{
	uint64_t flags = spin_lock_irqsave(&vc->p->lock);
	bool armed = vc->warn_armed;

	vc->warn_armed = false;
	spin_unlock_irqrestore(&vc->p->lock, flags);
	if (armed)
		unset_alarm(tchain_of(0), &vc->warn);
}

void mcp_preempt_cancel_all(struct proc *p)
{
	for (uint32_t v = 0; proc_is_mcp(p) && v < p->nr_vcores_max; v++)
		mcp_warn_disarm(&p->vcores[v]);
}

/* With p->lock: whether v may be taken (it runs; the rest stay enough). */
static int mcp_may_take_locked(struct proc *p, struct mcp_vcore *vc)
{
	uint64_t min = READ_ONCE(p->ks_min);
	uint32_t keep = min > 1 ? (uint32_t)min : 1;

	if (p->killed)
		return -ENOENT;         /* on its way out: procinfo may go */
	if (!vc->started || vc->yielding || !READ_ONCE(p->procinfo->vcoremap[vc->id].valid))
		return -ENOENT;
	if (p->nr_running <= keep)
		return -EBUSY;
	return 0;
}

int mcp_preempt(struct proc *p, uint32_t vcoreid, uint64_t warn_nsec)
{
	struct vcore_info *vi;
	struct mcp_vcore *vc;
	struct event_msg m = { .ev_type = EV_PREEMPT_PENDING };
	uint64_t flags;
	int ret;

	if (!proc_is_mcp(p) || vcoreid >= p->nr_vcores_max)
		return -ENOENT;
	vc = &p->vcores[vcoreid];
	flags = spin_lock_irqsave(&p->lock);
	ret = mcp_may_take_locked(p, vc);
	vi = ret ? NULL : &p->procinfo->vcoremap[vcoreid];     /* alive: not killed */
	if (!ret && warn_nsec && (vi->preempt_pending || vc->warn_armed))
		ret = -EALREADY;
	if (!ret) {
		vi->nr_preempts_sent++;
		if (warn_nsec) {
			vi->preempt_pending = read_tsc() + nsec_to_tsc(warn_nsec);
			m.ev_arg1 = (uint16_t)vcoreid;
			m.ev_arg4 = vi->preempt_pending;
			set_awaiter_rel(&vc->warn, warn_nsec);
			vc->warn_armed = set_alarm(tchain_of(0), &vc->warn) == 0;
		}
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (ret)
		return ret;
	if (warn_nsec) {
		(void)send_kernel_event(p, &m, vcoreid);        /* none wanted: the alarm still acts */
		return 0;
	}
	WRITE_ONCE(vc->preempting, true);
	mcp_kick(p, vcoreid);
	return 0;
}

bool mcp_preempt_pending(struct proc *p, uint32_t vcoreid)
{
	return vcoreid < ROS_MAX_VCORES && READ_ONCE(p->procinfo->vcoremap[vcoreid].preempt_pending);
}

void mcp_vcore_left(struct mcp_vcore *vc)
{
	struct proc *p = vc->p;

	mcp_warn_disarm(vc);
	WRITE_ONCE(p->procinfo->vcoremap[vc->id].preempt_pending, 0);
	WRITE_ONCE(vc->preempting, false);
}

/* ------------------------------------------------------- the preemption */

/* Saves the context about to run into the VCPD (and, in vcore context,
 * into the kernel's copy); false if the VCPD is not writable. */
static bool mcp_preempt_save(struct mcp_vcore *vc, const struct hw_trapframe *tf)
{
	struct vcpd __user *vcpd = vcpd_at(vc->id);
	uint8_t disabled = 1;

	if (copy_from_user(&disabled, &vcpd->notif_disabled, 1))
		return false;
	if (!disabled)
		return vcore_save_uthread(vc->id, tf, &vc->uext) == 0;
	/* Vcore context: into vcore_ctx, and our own copy to resume from. */
	vc->saved = *tf;
	vc->resume_vcctx = true;
	return vcore_save_vcctx(vc->id, tf, &vc->uext) == 0;
}

void mcp_preempt_save_mark(struct mcp_vcore *vc, const struct hw_trapframe *tf, bool save)
{
	if ((save && !mcp_preempt_save(vc, tf)) || vcpd_flags_update(vc->id, VC_PREEMPTED, true))
		user_kill("VCPD not writable at preemption");
}

bool mcp_preempt_take(struct mcp_vcore *vc, struct hw_trapframe *tf)
{
	struct proc *p = vc->p;
	struct vcore_info *vi = &p->procinfo->vcoremap[vc->id];
	uint64_t flags;
	int refused;

	if (!READ_ONCE(vc->preempting))
		return false;
	WRITE_ONCE(vc->preempting, false);
	flags = spin_lock_irqsave(&p->lock);
	refused = mcp_may_take_locked(p, vc);
	if (!refused) {
		p->nr_running--;
		vc->yielding = true;
		vc->preempted = true;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (refused) {                  /* the last ones stay: the preemption lapses */
		WRITE_ONCE(vi->preempt_pending, 0);
		return false;
	}
	/* A kthread that never entered user mode yet (vc->fresh: it was to
	 * start at vcore_entry, or to resume 'saved') holds only a placeholder
	 * tf: what the VCPD and 'saved' hold already is the vcore's state. */
	mcp_preempt_save_mark(vc, tf, !vc->fresh);
	vi->nr_preempts_done++;
	vi->preempt_pending = 0;
	vc->announce = true;
	return true;
}

void mcp_preempt_announce(struct mcp_vcore *vc)
{
	struct event_msg m = { .ev_type = EV_VCORE_PREEMPT, .ev_arg1 = (uint16_t)vc->id };

	if (!vc->announce)
		return;
	vc->announce = false;
	(void)send_kernel_event(vc->p, &m, vc->id);     /* APPRO: it names v */
}

bool mcp_preempt_resume(struct mcp_vcore *vc, struct hw_trapframe *tf)
{
	bool vcctx = vc->resume_vcctx;
	uint32_t rflags = 0;
	char why[64];
	int err;

	vc->restarted = false;
	vc->resume_vcctx = false;
	if (vcctx) {
		*tf = vc->saved;
		/* VC_VCCTX_SAVED off; a uthread image not yet taken back stays. */
		if (!get_user_u32(&rflags, &vcpd_at(vc->id)->rflags)) {
			rflags &= ~VC_VCCTX_SAVED;
			(void)copy_to_user(&vcpd_at(vc->id)->rflags, &rflags, sizeof(rflags));
		}
	}
	if ((err = vcpd_flags_update(vc->id, VC_PREEMPTED, false))) {
		snprintf(why, sizeof(why), "VCPD %u flags not writable at a restart (%d)", vc->id,
		         err);
		user_kill(why);
	}
	return vcctx;
}

/* ------------------------------------------------------------ halt_core */

static bool mcp_halt_woken(void *arg)
{
	struct mcp_vcore *vc = arg;

	return READ_ONCE(vc->halt_wake) || READ_ONCE(vc->preempting) || READ_ONCE(vc->p->killed);
}

int mcp_halt_core(struct proc *p, uint64_t usec)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	if (!vc || vc->p != p)
		return -EINVAL;
	WRITE_ONCE(vc->halt_wake, false);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (vcore_notif_pending(vc->id))
		return 0;               /* an event came before we slept */
	if (usec)
		rendez_sleep_timeout(&vc->halt_rv, mcp_halt_woken, vc, usec);
	else
		rendez_sleep(&vc->halt_rv, mcp_halt_woken, vc);
	return 0;
}

/* --------------------------------------------------------------- events */

uint32_t mcp_vcore_state(struct proc *p, uint32_t vcoreid)
{
	struct mcp_vcore *vc;
	uint32_t flags = 0, st = 0;

	if (!proc_is_mcp(p) || vcoreid >= p->nr_vcores_max || READ_ONCE(p->killed))
		return 0;               /* dying: nothing online (procinfo may go) */
	vc = &p->vcores[vcoreid];
	if (READ_ONCE(vc->started) && !READ_ONCE(vc->yielding) &&
	    READ_ONCE(p->procinfo->vcoremap[vcoreid].valid))
		st |= READ_ONCE(vc->preempting) ? EVP_HELD : EVP_HELD | EVP_ONLINE;
	if (READ_ONCE(vc->preempted))
		st |= EVP_PREEMPTED;
	if (!get_user_u32(&flags, &vcpd_at(vcoreid)->flags) && (flags & VC_CAN_RCV_MSG))
		st |= EVP_CAN_RCV;
	return st;
}
