/* SPDX-License-Identifier: MIT */
/*
 * async.c - syscalls that complete after the trap returned, and the
 * bookkeeping that lets a sleeping call be found and aborted.
 *
 * Model (Documentation/syscalls.md, "How a blocking call completes"): the
 * kthread that owns a process's user context (p->user_kt) runs a batch.
 * Before the batch it arms a hook in its kthread (kthread.h: block_hook),
 * once; a ctx call disarms it before its handler.  If the batch then
 * sleeps (a handler, or a fault on a record), the hook runs inside
 * kthread_block(), just before the switch: it saves the user registers and
 * FPU state into the process, gives the user context to the spare kthread
 * made ahead of time (p->spare_kt), and queues that spare on this core.  The
 * spare returns to user space where the trap left off; every record not yet
 * done still has SC_DONE clear.  The old kthread wakes up later, finishes the
 * batch (each record completes on its own, in order), and exits, or, when
 * the process has none parked, is recycled as its next spare.
 * Bound: a process holds at most SYSC_MAX_DETACHED detached kthreads, and
 * gets none while free memory is low; then the hook is not armed and a
 * call that sleeps keeps the user context (the submitter waits for it).
 *
 * Completion (sysc_complete) follows the SC_K_LOCK protocol of
 * ros/syscall.h: write err and retval (the errstr only on failure), then
 * one cmpxchg sets SC_DONE; if the user had set SC_UEVENT before it, the
 * same cmpxchg sets SC_K_LOCK, EV_SYSCALL goes to its ev_q, and a second
 * one clears SC_K_LOCK.  The user sets SC_UEVENT with a CAS that fails once
 * SC_DONE is set, so a completion is never missed.  SC_UWAKE (an SCP's
 * submitter waiting in proc_yield, parlib's blockon) asks for proc_wakeup
 * instead: no event, no SC_K_LOCK, the record untouched after the cmpxchg.
 *
 * Tracking, for abort_sysc, abort_sysc_fd and proc_kill: a process lists
 * its kthreads (p->kthreads, p->lock; changed only when one is made or
 * released), and each kthread publishes the call it runs in kt->sysc with
 * a plain store.  An abort walks the list and, under each kthread's
 * sleep_lock, aborts it if its published call matches
 * (rendez_abort_kthread_if): its rendez sleeps fail with -ECANCELED.  The
 * handler withdraws kt->sysc before it clears the abort, and the clear
 * takes a lock only if an abort may have landed, so an abort never lands
 * on a later call and a call that nobody aborts takes no lock at all.
 * Sleeps on semaphores (short lock waits) are not abortable.
 *
 * Recycling: a finished detached kthread parks in p->recycled_kt
 * (kthread_recycle), if that is free and p has no spare, as a KT_NEW
 * kthread that has all a spare needs (on p->kthreads, a reference to the
 * mm), still counted in nr_detached and holding its process reference;
 * the next spare (sysc_spare; SCPs only) takes it instead of making one,
 * and the taker drops the count and the reference.  The slot changes only
 * by atomics: a parker NULL -> kt (in the park hook, IRQs off), a taker
 * kt -> NULL, proc_drain_syscalls closes it (sending a parked kthread on
 * to exit, so the drain ends) and opens it again once nothing is detached
 * (an exec: the new image's mm).
 *
 * Rules: the block hook runs with the slept-on object's lock held and IRQs
 * off, so it takes no lock that is ever held around a sleep or an abort
 * (not p->lock): it touches only fields the owning kthread owns ([u]) and
 * atomics.  Lock order: p->lock -> kthread sleep_lock -> rendez lock.
 */
#include <arch/user.h>
#include <assert.h>
#include <atomic.h>
#include <core_id.h>
#include <errno.h>
#include <event.h>
#include <kstring.h>
#include <kthread.h>
#include <mcp.h>
#include <process.h>
#include <rendez.h>
#include <ros/event_msg.h>
#include <ros/limits.h>
#include <syscall.h>
#include <uaccess.h>

/* ------------------------------------------------------------ detaching */

/* kthread_block()'s hook: IRQs off, the object's lock held. */
static void sysc_detach(void *arg)
{
	struct syscall_ctx *ctx = arg;
	struct proc *p = ctx->p;
	struct kthread *kt = kthread_current(), *spare = p->spare_kt;

	p->resume_tf = *ctx->tf;
	user_ext_save(&p->uext);
	kt->uext = NULL;
	spare->uext = &p->uext;
	p->spare_kt = NULL;
	p->user_kt = spare;
	kref_get(&p->ref);                      /* dropped in sysc_detached_exit */
	atomic_inc(&p->nr_detached);
	ctx->detached = true;
	ctx->tf = NULL;
	kthread_run_on(spare, kt->core);
}

/*
 * The bound on kthreads a process holds for its sleeping calls: at
 * SYSC_MAX_DETACHED detached calls, or with free memory low when a new
 * spare would have to be made (sysc_spare), a call that sleeps keeps the
 * user context (the submitter waits, as for a ctx call) instead of costing
 * one more kthread.  Only the owner detaches, so the
 * count cannot grow between this check and the hook.
 */
static bool sysc_may_detach(struct proc *p)
{
	return atomic_read(&p->nr_detached) < SYSC_MAX_DETACHED;
}

/* The spare a detach needs: a recycled kthread if one is parked, else made
 * now; NULL when memory is low (the kernel keeps its reserve; the
 * free-page count is read only here, not on every call) or no kthread can
 * be made. */
static struct kthread *sysc_spare(struct proc *p)
{
	if (!p->spare_kt)
		p->spare_kt = sysc_take_recycled(p, proc_resume_main, p);
	if (!p->spare_kt && !proc_mem_low())
		p->spare_kt = proc_kthread_make(p, proc_resume_main);
	return p->spare_kt;
}

void sysc_arm_detach(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	struct kthread *kt = kthread_current();
	struct mcp_vcore *vc = mcp_vcore_current();

	ctx->armed = true;
	if (vc) {
		mcp_sysc_arm_detach(vc, ctx);   /* a vcore: proc/mcp_sysc.c */
		return;
	}
	if (ctx->detached || p->user_kt != kt || !sysc_may_detach(p))
		return;
	if (!sysc_spare(p))
		return;                         /* no memory: this call stays synchronous */
	kt->block_arg = ctx;
	kt->block_hook = sysc_detach;
}

void sysc_disarm_detach(struct syscall_ctx *ctx)
{
	ctx->kt->block_hook = NULL;
}

static void __noreturn sysc_leave(struct proc *p)
{
	proc_kthread_release(kthread_current());
	if (atomic_sub_and_test(&p->nr_detached, 1))
		rendez_wakeup(&p->drain_rv);
	proc_put(p);
	kthread_exit();
}

void sysc_detached_exit(struct syscall_ctx *ctx)
{
	sysc_recycle_self(ctx->p);
	sysc_leave(ctx->p);
}

/* ------------------------------------------------------------ recycling */

/* p->recycled_kt while p drains its syscalls: nothing may park. */
#define SYSC_RECYCLE_CLOSED ((struct kthread *)1)

/* A parked kthread that nobody will take: it exits as a detached one. */
static void sysc_recycled_exit(void *arg)
{
	sysc_leave(arg);
}

/* kthread_recycle's park hook (IRQs off, off kt's stack): into the slot,
 * or, if another got there first or p drains, on to exit. */
static void sysc_park(struct kthread *kt)
{
	struct kthread *empty = NULL;

	if (!__atomic_compare_exchange_n(&kt->proc->recycled_kt, &empty, kt, false,
	                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		kthread_run_on(kt, core_id());
}

void sysc_recycle_self(struct proc *p)
{
	struct kthread *kt = kthread_current();

	/* Racy looks: a slot taken meanwhile only costs the exit in sysc_park,
	 * and a spare made meanwhile one kthread more until the next detach.
	 * An SCP that has a spare needs none.  Not on an MCP (yet): its vcores
	 * would take them (mcp_sysc.c), but that path hung rarely in tests. */
	if (!READ_ONCE(p->recycled_kt) && !READ_ONCE(p->spare_kt) &&
	    !READ_ONCE(p->killed) && !kt->uext && !proc_is_mcp(p))
		kthread_recycle(sysc_recycled_exit, p, sysc_park);
}

struct kthread *sysc_take_recycled(struct proc *p, void (*fn)(void *), void *arg)
{
	struct kthread *kt = __atomic_load_n(&p->recycled_kt, __ATOMIC_ACQUIRE);

	if (!kt || kt == SYSC_RECYCLE_CLOSED ||
	    !__atomic_compare_exchange_n(&p->recycled_kt, &kt, NULL, false,
	                                 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return NULL;
	kt->fn = fn;
	kt->arg = arg;
	/* A spare now: neither counted as detached nor holding p. */
	if (atomic_sub_and_test(&p->nr_detached, 1))
		rendez_wakeup(&p->drain_rv);
	proc_put(p);
	return kt;
}

void sysc_recycle_close(struct proc *p)
{
	struct kthread *kt = __atomic_exchange_n(&p->recycled_kt, SYSC_RECYCLE_CLOSED,
	                                         __ATOMIC_ACQ_REL);

	if (kt && kt != SYSC_RECYCLE_CLOSED)
		kthread_run_on(kt, kt->core);   /* runs sysc_recycled_exit */
}

void sysc_recycle_open(struct proc *p)
{
	__atomic_store_n(&p->recycled_kt, NULL, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------- tracking */

/* Withdraws kt->sysc; a late abort is cleared (rendez.c says why it is
 * enough to look at the bit and the lock after the store). */
static void sysc_track_clear(struct kthread *kt)
{
	WRITE_ONCE(kt->sysc, NULL);
	rendez_abort_clear_quick();
}

bool sysc_track_begin(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	struct kthread *kt = ctx->kt;

	WRITE_ONCE(kt->sysc, ctx);
	/* Against proc_kill: it sets killed, then looks at kt->sysc; we set
	 * kt->sysc, then look at killed.  The fence makes one of us see the
	 * other. */
	mb();
	if (!READ_ONCE(p->killed))
		return true;
	sysc_track_clear(kt);
	sysc_fail(ctx, EINTR, "process %d is being killed", p->pid);
	return false;
}

void sysc_track_end(struct syscall_ctx *ctx)
{
	sysc_track_clear(ctx->kt);
}

void sysc_track_forget(void)
{
	sysc_track_clear(kthread_current());
}

struct sysc_abort_what {
	uintptr_t usc;                  /* this record, or 0 */
	int fd;                         /* calls on this FD, or -1 */
};

/* Under kt's sleep_lock: is kt running a call that the abort means? */
static bool sysc_abort_matches(struct kthread *kt, void *arg)
{
	const struct sysc_abort_what *w = arg;
	const struct syscall_ctx *c = READ_ONCE(kt->sysc);

	if (!c)
		return false;
	if (w->usc)
		return c->usc == w->usc;
	if (w->fd >= 0)
		return c->fd == w->fd;
	return true;
}

int sysc_abort(struct proc *p, uintptr_t usc, int fd)
{
	struct sysc_abort_what what = { .usc = usc, .fd = fd };
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct kthread *kt;
	int n = 0;

	list_for_each_entry(kt, &p->kthreads, proc_link) {
		/* A caller never aborts its own call (abort_sysc_fd has an fd too). */
		if (kt == kthread_current())
			continue;
		n += rendez_abort_kthread_if(kt, sysc_abort_matches, &what);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

/* ----------------------------------------------------------- completion */

/* Sets SC_DONE in the user's flags with one cmpxchg, and SC_K_LOCK with it
 * when the user registered SC_UEVENT; the value found goes to *old.  The
 * first guess is 0, what a fresh record holds: no load before the swap.
 * -EFAULT if the word is not writable (-EINVAL: misaligned). */
static int sysc_flags_set_done(struct syscall *u, uint32_t *old)
{
	uint32_t cur = 0, set;
	int ret;

	do {
		set = (cur & SC_UEVENT) ? SC_K_LOCK | SC_DONE : SC_DONE;
	} while ((ret = cmpxchg_user_u32(&u->flags, &cur, cur | set)) == -EAGAIN);
	*old = cur;
	return ret;
}

/* Clears SC_K_LOCK after the event went out. */
static void sysc_flags_unlock(struct syscall *u)
{
	uint32_t cur = SC_K_LOCK | SC_DONE | SC_UEVENT;

	while (cmpxchg_user_u32(&u->flags, &cur, cur & ~SC_K_LOCK) == -EAGAIN)
		;
}

static void sysc_send_ev_syscall(struct syscall_ctx *ctx, struct syscall *u)
{
	struct event_msg msg = { .ev_type = EV_SYSCALL, .ev_arg3 = ctx->usc };
	uint64_t ev_q;

	if (get_user_u64(&ev_q, &u->ev_q) || !ev_q)
		return;
	send_event(ctx->p, ev_q, &msg, 0);
}

/* err and retval (adjacent: one copy), and the errstr up to its NUL only
 * when the call failed.  An errstr the user left unwritable stays as it
 * is: the call still completes with its err. */
static int sysc_write_result(struct syscall_ctx *ctx, struct syscall *u)
{
	size_t len = sizeof(u->err) + sizeof(u->retval);

	_Static_assert(__builtin_offsetof(struct syscall, retval) ==
	               __builtin_offsetof(struct syscall, err) + sizeof(int32_t),
	               "err and retval are adjacent");
	if (copy_to_user(&u->err, &ctx->sc.err, len))
		return -EFAULT;
	if (!ctx->sc.err)
		return 0;
	len = strnlen(ctx->sc.errstr, sizeof(ctx->sc.errstr) - 1);
	ctx->sc.errstr[len] = 0;
	copy_to_user(u->errstr, ctx->sc.errstr, len + 1);
	return 0;
}

bool sysc_complete(struct syscall_ctx *ctx)
{
	struct syscall *u = (struct syscall *)ctx->usc;
	uint32_t old;

	if (ctx->no_complete)
		return true;
	if (sysc_write_result(ctx, u))
		return false;
	/* One atomic update against the user's CAS of SC_UEVENT: whichever
	 * lands first, the user either gets the event or sees SC_DONE. */
	if (sysc_flags_set_done(u, &old))
		return false;
	if (old & SC_UEVENT) {
		sysc_send_ev_syscall(ctx, u);
		sysc_flags_unlock(u);
	}
	if (old & SC_UWAKE)
		proc_wakeup(ctx->p);    /* the submitter's yield returns */
	return true;
}
