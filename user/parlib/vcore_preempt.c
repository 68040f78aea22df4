/* SPDX-License-Identifier: MIT */
/*
 * vcore_preempt.c - parlib's minimal handling of preemption, halt_core and
 * reflected faults (parlib/vcore.h; the protocol: Documentation/mcp.md).
 *
 * At change_to_m, procdata's kernel_evts[EV_PREEMPT_PENDING] and
 * [EV_VCORE_PREEMPT] point at one queue posting to the VCPD public
 * mailboxes with EVENT_IPI | EVENT_SPAM_PUBLIC | EVENT_VCORE_APPRO |
 * EVENT_VCORE_MUST_RUN | EVENT_WAKEUP: the kernel puts a message about
 * vcore v into the public mailbox of a vcore that runs and looks.
 *  - EV_PREEMPT_PENDING: wakes the vcore; every vcore_handle_events ends
 *    with vcore_preempt_check: a vcore whose vcoremap says a preemption is
 *    pending gives its core back (proc_yield being_nice; retried at the
 *    next check if refused), after handing the uthread it had in hand
 *    back to the 2LS (thread_paused; without a 2LS it is runnable).
 *  - EV_VCORE_PREEMPT: the parlib mailboxes are evbitmaps, so the vcore id
 *    may be lost in coalescing: the handler looks at every vcore with
 *    VC_PREEMPTED and recovers it (vcore_recover): under
 *    VC_UTHREAD_STEALING it takes the uthread left in uthread_ctx (made
 *    runnable: thread0 then runs wherever vcore context claims it) and
 *    drains the preempted vcore's public mailbox, so no message stays
 *    stranded there.  A vcore preempted in vcore context keeps its state:
 *    only its own restart resumes it (the kernel restarts it first).
 * vcore_change_to(v) is the way to make such a vcore run at once: the
 * caller gives it its own core (the kernel's change_vcore) and is preempted
 * in its place.
 * The message alone is not enough: sent while no vcore was online, it may
 * sit in the preempted vcore's own mailbox.  So a vcore about to yield for
 * lack of work (vcore_help_stuck) recovers every preempted vcore itself,
 * then hands its core to one preempted in vcore context: with the want
 * lowered by the yield, nobody else would run what such a vcore has in
 * hand (a deadlock of libc_mcp_locks, Documentation/parlib.md, Tests).
 * A reflected fault (VC_UTHREAD_FAULT) reaches vcore_uthread_faulted: the
 * 2LS's hook, or by default a message and the end of the process, as
 * killed by the signal a POSIX system would send (SIGSEGV for a page fault).
 *
 * Rules: vcore context only; another vcore's VCPD is touched only under
 * its VC_UTHREAD_STEALING bit, which the restarted vcore waits out.
 */
#include <stddef.h>
#include <parlib/syscall.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>

static struct procdata *const pdata = (struct procdata *)UDATA;
static const volatile struct procinfo *const pinfo = (const volatile struct procinfo *)UINFO;
static struct event_queue vp_evq;
static bool vp_stuck_seen;              /* [a] a stuck vcore may exist */
void (*vcore_refl_fault_hook)(struct uthread *u, const struct vcpd_refl_fault *f);

static long vp_sys(uint32_t num, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct syscall sc = { .num = num, .arg0 = a0, .arg1 = a1, .arg2 = a2 };

	ros_syscall_run(&sc);
	return sc.err ? -(long)sc.err : (long)sc.retval;
}

/* Preempted vcore v's uthread u may not move: saved as vcore context
 * (notifications were off), or caught in uth_notifs_off. */
static bool vp_bound(uint32_t v, const struct uthread *u)
{
	const struct vcpd *vcpd = &pdata->vcpd[v];

	return (vcpd->rflags & VC_VCCTX_SAVED) ||
	       __atomic_load_n(&vcpd->notif_disabled, __ATOMIC_ACQUIRE) ||
	       (__atomic_load_n(&u->flags, __ATOMIC_ACQUIRE) & UTHREAD_DONT_MIGRATE);
}

/* VC_PREEMPTED, read after every read before it (the fence). */
static bool vp_still_preempted(uint32_t v)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&pdata->vcpd[v].flags, __ATOMIC_SEQ_CST) & VC_PREEMPTED;
}

bool vcore_recover(uint32_t v, uint32_t me)
{
	struct vcpd *vcpd = &pdata->vcpd[v];
	uint32_t old = __atomic_load_n(&vcpd->flags, __ATOMIC_SEQ_CST);
	struct uthread *u;
	bool took = false;

	if (v == me || !(old & VC_PREEMPTED) || (old & VC_UTHREAD_STEALING))
		return false;
	if (__atomic_fetch_or(&vcpd->flags, VC_UTHREAD_STEALING, __ATOMIC_SEQ_CST) &
	    VC_UTHREAD_STEALING)
		return false;           /* another vcore is at it */
	if (__atomic_load_n(&vcpd->flags, __ATOMIC_SEQ_CST) & VC_PREEMPTED) {
		u = vcore_current_of(v);
		/* A uthread preempted with notifications off (in uthread_yield,
		 * or holding a PDR lock), or on its way to turning them off
		 * (DONT_MIGRATE: it has read its vcore id), is bound to its
		 * vcore: only v's own restart resumes it, as for vcore context.
		 * VC_PREEMPTED once more, after those reads: the kernel clears it
		 * before v runs again, so they saw v as it was preempted.
		 * Without it, a v resumed in vcore context meanwhile could have
		 * popped u (notifications on again, VC_VCCTX_SAVED cleared by
		 * the restart), and u would run twice, once from the stale
		 * uthread_ctx (a SIGSEGV in libc_mcp_locks' switch child). */
		if (u && !vp_bound(v, u) && vp_still_preempted(v)) {
			vc_take_back(v, u);     /* runnable; v's cur is NULL */
			if (sched_ops && __atomic_load_n(&u->state, __ATOMIC_ACQUIRE) ==
			                 UTHREAD_RUNNABLE)
				sched_ops->thread_paused(u);    /* the 2LS queues it */
			took = true;
		}
		vc_dispatch(&vcpd->ev_mbox_public, me);
	}
	__atomic_fetch_and(&vcpd->flags, ~VC_UTHREAD_STEALING, __ATOMIC_SEQ_CST);
	return took;
}

static uint32_t vp_max_vcores(void)
{
	return pinfo->max_vcores < ROS_MAX_VCORES ? pinfo->max_vcores : ROS_MAX_VCORES;
}

/* Preempted with a uthread only its own restart resumes (bound to it:
 * notifications were off, or its vcore context had it in hand). */
static bool vp_stuck(uint32_t v)
{
	uint32_t f = __atomic_load_n(&pdata->vcpd[v].flags, __ATOMIC_SEQ_CST);
	struct uthread *u = vcore_current_of(v);

	return (f & VC_PREEMPTED) && !(f & VC_UTHREAD_STEALING) && u && vp_bound(v, u);
}

static void vp_preempted(const struct event_msg *msg, uint32_t me)
{
	(void)msg;
	for (uint32_t v = 0; v < vp_max_vcores(); v++)
		if (!vcore_recover(v, me) && v != me && vp_stuck(v))
			__atomic_store_n(&vp_stuck_seen, true, __ATOMIC_RELAXED);
}

/* Vcore context: the uthread this vcore had in hand goes back to the 2LS
 * (or, without one, is runnable for whichever vcore claims it). */
static void vp_pause_current(uint32_t me)
{
	struct uthread *u = vcore_current_of(me);

	if (!u)
		return;
	vcore_set_current(me, NULL);
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
	if (sched_ops)
		sched_ops->thread_paused(u);
}

void vp_change_to_stuck(uint32_t me)
{
	if (!__atomic_load_n(&vp_stuck_seen, __ATOMIC_RELAXED) ||
	    !__atomic_exchange_n(&vp_stuck_seen, false, __ATOMIC_RELAXED))
		return;
	vcore_help_stuck(me);
}

/* Preempted in vcore context: it may have a uthread in hand that no VCPD
 * names (taken off the run queue, or in a yield's callback), which only
 * its own restart will run. */
static bool vp_in_vcctx(uint32_t v)
{
	uint32_t f = __atomic_load_n(&pdata->vcpd[v].flags, __ATOMIC_SEQ_CST);

	return (f & VC_PREEMPTED) && !(f & VC_UTHREAD_STEALING) &&
	       (__atomic_load_n(&pdata->vcpd[v].rflags, __ATOMIC_ACQUIRE) & VC_VCCTX_SAVED);
}

void vcore_help_stuck(uint32_t me)
{
	/* Without the message: EV_VCORE_PREEMPT may sit in the mailbox of
	 * the vcore it is about (no vcore was online when it was sent). */
	for (uint32_t v = 0; v < vp_max_vcores(); v++)
		vcore_recover(v, me);
	for (uint32_t v = 0; v < vp_max_vcores(); v++) {
		if (v == me || (!vp_stuck(v) && !vp_in_vcctx(v)))
			continue;
		vp_pause_current(me);
		/* Success does not return: this vcore restarts at vcore_entry. */
		vcore_change_to(v, true);
	}
}

void ensure_vcore_runs(uint32_t v)
{
	uint32_t me;

	if (!in_multi_mode() || v >= vp_max_vcores())
		return;
	uth_disable_notifs();
	me = vcore_id();
	if (v != me && (__atomic_load_n(&pdata->vcpd[v].flags, __ATOMIC_SEQ_CST) & VC_PREEMPTED) &&
	    !(in_vcore_context() && vcore_recover(v, me)))
		vcore_change_to(v, false);      /* 0 once we run again, or EBUSY */
	uth_enable_notifs();
}

/* The message only wakes us: vcore_handle_events ends with the check. */
static void vp_pending(const struct event_msg *msg, uint32_t me)
{
	(void)msg;
	(void)me;
}

void vcore_preempt_check(uint32_t me)
{
	if (!pinfo->vcoremap[me].preempt_pending)
		return;
	/* Be nice: the kernel takes the core now, or refuses (the last vcore;
	 * a notification came: handled, we try again on the next check).  The
	 * uthread we had in hand goes back to the 2LS first: a yielded vcore
	 * is not preempted, so nobody would take it from here. */
	vp_pause_current(me);
	__atomic_fetch_and(&pdata->vcpd[me].flags, ~VC_CAN_RCV_MSG, __ATOMIC_SEQ_CST);
	vc_dispatch(&pdata->vcpd[me].ev_mbox_public, me);
	vp_sys(SYS_proc_yield, 1, 0, 0);
	__atomic_fetch_or(&pdata->vcpd[me].flags, VC_CAN_RCV_MSG, __ATOMIC_SEQ_CST);
}

void vcore_preempt_init(void)
{
	vp_evq.ev_mbox = 0;
	vp_evq.ev_flags = EVENT_IPI | EVENT_SPAM_PUBLIC | EVENT_VCORE_APPRO |
	                  EVENT_VCORE_MUST_RUN | EVENT_WAKEUP | EVENT_NOTHROTTLE;
	vcore_register_ev_handler(EV_PREEMPT_PENDING, vp_pending);
	vcore_register_ev_handler(EV_VCORE_PREEMPT, vp_preempted);
	__atomic_store_n(&pdata->head.kernel_evts[EV_PREEMPT_PENDING], (uintptr_t)&vp_evq,
	                 __ATOMIC_RELEASE);
	__atomic_store_n(&pdata->head.kernel_evts[EV_VCORE_PREEMPT], (uintptr_t)&vp_evq,
	                 __ATOMIC_RELEASE);
}

void vcore_halt(uint64_t usec)
{
	vp_sys(SYS_halt_core, usec, 0, 0);
}

int vcore_change_to(uint32_t v, bool enable_my_notif)
{
	return (int)vp_sys(SYS_change_vcore, v, enable_my_notif, 0);
}

/* ------------------------------------------------------- reflected faults */

static char *vp_hex(char *p, uint64_t x)
{
	char tmp[16];
	int n = 0;

	*p++ = '0';
	*p++ = 'x';
	do {
		tmp[n++] = "0123456789abcdef"[x & 15];
		x >>= 4;
	} while (x);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *vp_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

void vcore_uthread_faulted(struct uthread *u, const struct vcpd_refl_fault *f)
{
	char line[160], *p = line;

	if (vcore_refl_fault_hook) {
		vcore_refl_fault_hook(u, f);
		return;
	}
	p = vp_str(p, "parlib: uthread ");
	p = vp_str(p, u->name ? u->name : "?");
	p = vp_str(p, ": trap ");
	p = vp_hex(p, f->trap);
	p = vp_str(p, " at ");
	p = vp_hex(p, f->addr);
	p = vp_str(p, " (error ");
	p = vp_hex(p, f->err);
	p = vp_str(p, "), rip ");
	p = vp_hex(p, u->ctx.rip);
	p = vp_str(p, "; no 2LS fault handler, exiting\n");
	vp_sys(SYS_write, 2, (uintptr_t)line, (uint64_t)(p - line));
	/* As a signal would: #DE SIGFPE, #UD SIGILL, the rest SIGSEGV. */
	vp_sys(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | (f->trap == 0 ? 8 : f->trap == 6 ? 4 : 11),
	       0);
	for (;;)
		vp_sys(SYS_proc_yield, 0, 0, 0);
}
