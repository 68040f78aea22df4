/* SPDX-License-Identifier: MIT */
/*
 * mcp.c - many-core processes (mcp.h): change_to_m, a kthread per granted
 * vcore, yields, and the way out of an MCP.
 *
 * Life of a vcore kthread: mcp_start_vcores() makes it on the granted
 * core (under p->lock it checks the process is not being killed, unless
 * it has no vcore kthread to end it yet, and counts it in p->nr_detached,
 * with a process reference), it enters user
 * mode at vcore_entry (vcore_notify.c), and it leaves (mcp_vcore_leave)
 * when its vcore yielded or the process is being killed: it gives the core
 * back to the ksched, then drops its count, waking proc_exit's drain.
 *
 * Locks: p->lock for the vcore table's [l] fields and p->nr_running; the
 * ksched lock is taken by ksched.c with p->lock not held.
 */
#include <assert.h>
#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <kmsg.h>
#include <ksched.h>
#include <kthread.h>
#include <mcp.h>
#include <mm.h>
#include <process.h>
#include <rendez.h>
#include <ros/procdata.h>
#include <uaccess.h>

bool proc_is_mcp(const struct proc *p)
{
	return READ_ONCE(p->vcores) != NULL;
}

static void mcp_vcore_main(void *arg);

/* A kthread that ran vcore vc and detached from it (mcp_sysc.c) finishes
 * its syscall as a plain process kthread: vc->kt is no longer it. */
struct mcp_vcore *mcp_vcore_current(void)
{
	struct kthread *kt = kthread_current();
	struct mcp_vcore *vc = kt->fn == mcp_vcore_main ? kt->arg : NULL;

	return vc && READ_ONCE(vc->kt) == kt ? vc : NULL;
}

struct kthread *mcp_vcore_kthread_make(struct mcp_vcore *vc)
{
	return proc_kthread_make_arg(vc->p, mcp_vcore_main, vc);
}

/* ------------------------------------------------------------ starting */

/*
 * With p->lock held: whether a killed p still needs a vcore kthread.  A
 * kill that lands during change_to_m, before vcore 0 started, finds no
 * vcore to kick and no owner kthread any more: vcore 0 must still start,
 * to see the kill and run proc_exit.  Once a vcore kthread runs (or one
 * was elected to exit), the killed process gets no new ones.
 */
static bool mcp_needs_exiter_locked(const struct proc *p)
{
	return !p->nr_running && !p->mcp_exiter;
}

/* With p->lock held: claims vcore v for a new kthread if it needs one. */
static bool mcp_claim_locked(struct proc *p, struct mcp_vcore *vc)
{
	const struct vcore_info *vi = &p->procinfo->vcoremap[vc->id];

	if ((p->killed && !mcp_needs_exiter_locked(p)) || vc->started || !READ_ONCE(vi->valid))
		return false;
	vc->started = true;
	vc->yielding = false;
	vc->restarted = vc->preempted;
	vc->preempted = false;
	vc->pcore = READ_ONCE(vi->pcoreid);
	return true;
}

static void mcp_start_one(struct proc *p, struct mcp_vcore *vc)
{
	struct kthread *kt = mcp_vcore_kthread_make(vc);
	uint64_t flags = spin_lock_irqsave(&p->lock);
	bool go = kt && (!p->killed || mcp_needs_exiter_locked(p));

	if (go) {
		vc->kt = kt;
		kt->uext = &vc->uext;
		kref_get(&p->ref);              /* dropped in mcp_vcore_leave */
		atomic_inc(&p->nr_detached);
		p->nr_running++;
		if (p->state == PROC_RUNNABLE_M)
			proc_set_state_locked(p, PROC_RUNNING_M);
	} else {
		vc->started = false;
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (go) {
		kthread_run_on(kt, vc->pcore);
		return;
	}
	if (kt)
		proc_kthread_discard(kt);
	ksched_yield_vcore(p, vc->id);          /* no kthread: the core goes back */
}

void mcp_start_vcores(struct proc *p)
{
	for (uint32_t v = 0; v < p->nr_vcores_max; v++) {
		struct mcp_vcore *vc = &p->vcores[v];
		uint64_t flags = spin_lock_irqsave(&p->lock);
		bool claimed = mcp_claim_locked(p, vc);

		spin_unlock_irqrestore(&p->lock, flags);
		if (claimed)
			mcp_start_one(p, vc);
	}
}

static void mcp_vcore_main(void *arg)
{
	struct mcp_vcore *vc = arg;
	struct hw_trapframe tf;

	if (vc->resume) {               /* the vcore's old kthread detached */
		tf = vc->resume_tf;
		vc->resume = false;
		vc->fresh = false;      /* a real context: a preemption saves it */
		proc_enter_user(&tf);
	}
	user_ctx_init(&tf, 0, 0);
	vc->fresh = true;
	vc->waiting = false;
	proc_enter_user(&tf);
}

/* ------------------------------------------------------------- leaving */

static void __noreturn mcp_vcore_leave(struct mcp_vcore *vc)
{
	struct proc *p = vc->p;
	bool changed = READ_ONCE(vc->changing);         /* its core is another vcore's */
	bool taken = !changed && (vc->preempted || mcp_preempt_pending(p, vc->id));
	const struct procdata *pd = (const struct procdata *)UDATA;
	uint64_t flags, want = 0;
	bool regrant;

	/* Taken, not given: how many it wants now (before we leave its
	 * address space; a vcore_yield lowers amt_wanted without a poke). */
	if (taken && copy_from_user(&want, &pd->head.res_req[RES_CORES].amt_wanted, sizeof(want)))
		want = 0;
	proc_kthread_release(kthread_current());
	mcp_vcore_left(vc);
	mcp_sysc_drop_spare(vc);
	/* (After change_vcore our id may already hold a new grant: not ours.) */
	if (!changed && READ_ONCE(p->procinfo->vcoremap[vc->id].valid))
		ksched_yield_vcore(p, vc->id);
	mcp_preempt_announce(vc);       /* after the unmap: p sees us gone */
	if (taken)
		ksched_note_short(p, want);     /* not given up: it wants it back */
	flags = spin_lock_irqsave(&p->lock);
	if (!vc->yielding)
		p->nr_running--;
	vc->kt = NULL;
	vc->started = false;
	vc->changing = false;
	if (!p->nr_running && p->state == PROC_RUNNING_M)
		proc_set_state_locked(p, PROC_RUNNABLE_M);
	spin_unlock_irqrestore(&p->lock, flags);
	if (READ_ONCE(p->stopped))
		proc_stop_settle(p);    /* it was the last running one */
	/* A grant that reused this id while we were leaving found it started;
	 * after change_vcore the vcore given our core starts. */
	regrant = changed || READ_ONCE(p->procinfo->vcoremap[vc->id].valid);
	if (regrant)
		mcp_start_vcores(p);
	ksched_offer_idle();            /* the core may be someone's claim */
	if (atomic_sub_and_test(&p->nr_detached, 1))
		rendez_wakeup(&p->drain_rv);
	proc_put(p);
	kthread_exit();
}

void mcp_exit_prepare(struct proc *p)
{
	struct kthread *kt = kthread_current();
	struct mcp_vcore *vc = mcp_vcore_current();
	uint64_t flags;
	bool elected = false;

	assert(vc && vc->p == p);
	flags = spin_lock_irqsave(&p->lock);
	if (!p->mcp_exiter) {
		p->mcp_exiter = kt;
		p->user_kt = kt;
		elected = true;
	}
	p->killed = true;
	spin_unlock_irqrestore(&p->lock, flags);
	proc_wakeup(p);                 /* a last vcore waiting in its yield */
	mcp_kick_all(p);
	if (!elected)
		mcp_vcore_leave(vc);
	/* The exiter stops counting as a vcore kthread; proc_exit drains the
	 * others and gives every core back (ksched_proc_gone). */
	mcp_sysc_drop_spare(vc);
	flags = spin_lock_irqsave(&p->lock);
	vc->kt = NULL;
	p->nr_running--;
	spin_unlock_irqrestore(&p->lock, flags);
	atomic_dec(&p->nr_detached);
	proc_put(p);                    /* its start reference; the running one stays */
}

/* Racy reads of the vcore table (kernel memory, alive while p is): a
 * kick that lands on a core the vcore just left only costs an interrupt. */
void mcp_kick(struct proc *p, uint32_t vcoreid)
{
	struct mcp_vcore *vc;
	uint32_t pc;

	if (!proc_is_mcp(p) || vcoreid >= p->nr_vcores_max)
		return;
	vc = &p->vcores[vcoreid];
	pc = READ_ONCE(vc->pcore);
	WRITE_ONCE(vc->halt_wake, true);
	rendez_wakeup(&vc->halt_rv);    /* a halt_core ends */
	if (READ_ONCE(vc->started) && pc < num_cores && pc != core_id())
		kmsg_kick_core(pc);     /* its return to user mode looks at the VCPD */
}

bool mcp_preempt_coming(void)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	return vc && READ_ONCE(vc->preempting);
}

void mcp_kick_all(struct proc *p)
{
	for (uint32_t v = 0; proc_is_mcp(p) && v < p->nr_vcores_max; v++)
		mcp_kick(p, v);
}

/* ------------------------------------------------------------ yielding */

int mcp_yield(struct proc *p, bool being_nice)
{
	struct mcp_vcore *vc = mcp_vcore_current();
	uint64_t flags;
	int ret = 0;

	assert(vc);
	if (being_nice && !mcp_preempt_pending(p, vc->id))
		return 1;               /* no preemption pending */
	if (vcore_notif_pending(vc->id))
		return 1;               /* go handle it */
	flags = spin_lock_irqsave(&p->lock);
	if (p->nr_running > 1) {
		p->nr_running--;
		WRITE_ONCE(vc->yielding, true);
	} else if (!being_nice) {
		vc->waiting = true;
	} else {
		ret = 1;                /* the last vcore is never taken: it stays */
		WRITE_ONCE(p->procinfo->vcoremap[vc->id].preempt_pending, 0);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	/* A sender sets notif_pending, then sees us yielding (event.c); we set
	 * yielding, then look at notif_pending: one of us sees the other. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!ret && vc->yielding && vcore_notif_pending(vc->id)) {
		flags = spin_lock_irqsave(&p->lock);
		p->nr_running++;
		WRITE_ONCE(vc->yielding, false);
		spin_unlock_irqrestore(&p->lock, flags);
		ret = 1;
	}
	return ret;
}

void mcp_before_user(struct hw_trapframe *tf)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	if (!vc)
		return;
	if (READ_ONCE(vc->yielding)) {
		if (READ_ONCE(vc->changing))
			mcp_change_leave(vc, tf);
		mcp_vcore_leave(vc);
	}
	if (mcp_preempt_take(vc, tf))
		mcp_vcore_leave(vc);
	if (proc_stop_gate(vc->p))      /* stopped, and its core not taken */
		proc_before_user();     /* a kill while it was stopped */
	if (vc->restarted && mcp_preempt_resume(vc, tf))
		vc->fresh = false;      /* back in vcore context where it was */
	if (vc->waiting) {
		vc->waiting = false;
		proc_wait_wakeup(vc->p);
		proc_before_user();     /* a kill while it waited */
		vc->fresh = true;
	}
	if (vc->fresh) {
		vc->fresh = false;
		vcore_enter_fresh(vc, tf);
		return;
	}
	vcore_notify_check(vc, tf);
}

/* ---------------------------------------------------------- change_to_m */

static struct mcp_vcore *mcp_alloc_vcores(struct proc *p, uint32_t n)
{
	struct mcp_vcore *vcs = kzmalloc(n * sizeof(*vcs), MEM_WAIT);

	for (uint32_t v = 0; vcs && v < n; v++) {
		vcs[v].p = p;
		vcs[v].id = v;
		user_ext_init(&vcs[v].uext);
		mcp_vcore_init_preempt(&vcs[v]);
	}
	return vcs;
}

/*
 * Every VCPD a vcore may use, present and writable now: the kernel writes
 * a VCPD with interrupts off (saving a notified uthread on the way back
 * to user mode), where a fault cannot be served.  procdata is pinned, so
 * they stay.  VCPD 0 was populated with the process.
 */
static int mcp_populate_vcpds(struct proc *p, uint32_t max)
{
	int ret = 0;

	if (max > 1) {
		mm_lock(p->mm);
		ret = mm_populate_write(p->mm, UDATA + PGSIZE + VCPD_SIZE,
		                        (size_t)(max - 1) * VCPD_SIZE);
		mm_unlock(p->mm);
	}
	return ret;
}

int mcp_change_to_m(struct proc *p, const struct hw_trapframe *tf, const char **why)
{
	uint32_t max = ksched_max_vcores();
	struct mcp_vcore *vcs;
	uint64_t flags;

	assert(p->user_kt == kthread_current() && !proc_is_mcp(p));
	if (mcp_populate_vcpds(p, max) || !(vcs = mcp_alloc_vcores(p, max))) {
		*why = "no memory for the vcores";
		return -ENOMEM;
	}
	if (ksched_grant(p, 1) < 1) {
		kfree(vcs);
		*why = "no idle core for vcore 0 (core 0 is kept for SCPs and the kernel)";
		return -EBUSY;
	}
	if (vcore_save_uthread(0, tf, &p->uext)) {
		ksched_yield_vcore(p, 0);
		kfree(vcs);
		*why = "VCPD 0 is not writable";
		return -EFAULT;
	}
	WRITE_ONCE(p->mm->multi_core, true);   /* before a second core runs it */
	flags = spin_lock_irqsave(&p->lock);
	p->nr_vcores_max = max;
	WRITE_ONCE(p->vcores, vcs);
	proc_set_state_locked(p, PROC_RUNNABLE_M);
	p->user_kt = NULL;              /* the vcores own user contexts now */
	spin_unlock_irqrestore(&p->lock, flags);
	ksched_set_mcp(p, max);
	proc_drop_spare(p);
	mcp_start_vcores(p);
	return 0;
}
