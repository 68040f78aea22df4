/* SPDX-License-Identifier: MIT */
/*
 * async.c - syscalls that complete after the trap returned, and the
 * bookkeeping that lets a sleeping call be found and aborted.
 *
 * Model (Documentation/syscalls.md, "How a blocking call completes"): the
 * kthread that owns a process's user context (p->user_kt) runs a batch.
 * Before each handler that is not a ctx call it arms a hook in its kthread
 * (kthread.h: block_hook).  If the handler then sleeps, the hook runs inside
 * kthread_block(), just before the switch: it saves the user registers and
 * FPU state into the process, gives the user context to the spare kthread
 * made ahead of time (p->spare_kt), and queues that spare on this core.  The
 * spare returns to user space where the trap left off; every record not yet
 * done still has SC_DONE clear.  The old kthread wakes up later, finishes the
 * batch (each record completes on its own, in order), and exits.
 * Bound: a process holds at most SYSC_MAX_DETACHED detached kthreads, and
 * gets none while free memory is low; then the hook is not armed and a
 * call that sleeps keeps the user context (the submitter waits for it).
 *
 * Completion (sysc_complete) follows the SC_K_LOCK protocol of
 * ros/syscall.h: write the result, set SC_K_LOCK | SC_DONE in one atomic
 * update, and if the user had set SC_UEVENT before it, send EV_SYSCALL to
 * its ev_q; then clear SC_K_LOCK.  The user sets SC_UEVENT with a CAS that
 * fails once SC_DONE is set, so a completion is never missed.
 *
 * Every running handler is on p->syscs (p->lock), with the kthread that
 * runs it: abort_sysc, abort_sysc_fd and proc_kill find it there and make
 * its rendez sleeps fail with -ECANCELED (rendez_abort_kthread; no global
 * lock on the syscall path).  The handler leaves the list before it clears
 * the abort, so an abort never lands on a later call.
 * Sleeps on semaphores (short lock waits) are not abortable.
 *
 * Rules: the block hook runs with the slept-on object's lock held and IRQs
 * off, so it takes no lock that is ever held around a sleep or an abort
 * (not p->lock): it touches only fields the owning kthread owns ([u]) and
 * atomics.  Lock order: p->lock -> kthread sleep_lock -> rendez lock.
 */
#include <arch/user.h>
#include <assert.h>
#include <errno.h>
#include <event.h>
#include <kthread.h>
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

/* The spare a detach needs, made now if there is none: NULL when memory is
 * low (the kernel keeps its reserve; the free-page count is read only here,
 * not on every call) or no kthread can be made. */
static struct kthread *sysc_spare(struct proc *p)
{
	if (!p->spare_kt && !proc_mem_low())
		p->spare_kt = proc_kthread_make(p, proc_resume_main);
	return p->spare_kt;
}

void sysc_arm_detach(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	struct kthread *kt = kthread_current();

	if (ctx->detached || p->user_kt != kt || !sysc_may_detach(p))
		return;
	if (!sysc_spare(p))
		return;                         /* no memory: this call stays synchronous */
	kt->block_arg = ctx;
	kt->block_hook = sysc_detach;
}

void sysc_disarm_detach(struct syscall_ctx *ctx)
{
	kthread_current()->block_hook = NULL;
}

void sysc_detached_exit(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;

	proc_kthread_release(kthread_current());
	if (atomic_sub_and_test(&p->nr_detached, 1))
		rendez_wakeup(&p->drain_rv);
	proc_put(p);
	kthread_exit();
}

/* ------------------------------------------------------------- tracking */

bool sysc_track_begin(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	uint64_t flags;
	bool killed;

	ctx->kt = kthread_current();
	flags = spin_lock_irqsave(&p->lock);
	killed = p->killed;
	if (!killed)
		list_add_tail(&ctx->link, &p->syscs);
	spin_unlock_irqrestore(&p->lock, flags);
	if (!killed)
		return true;
	sysc_fail(ctx, EINTR, "process %d is being killed", p->pid);
	return false;
}

void sysc_track_end(struct syscall_ctx *ctx)
{
	struct proc *p = ctx->p;
	uint64_t flags;

	flags = spin_lock_irqsave(&p->lock);
	list_del(&ctx->link);
	spin_unlock_irqrestore(&p->lock, flags);
	rendez_abort_clear();
}

static bool sysc_abort_matches(const struct syscall_ctx *c, uintptr_t usc, int fd)
{
	if (usc)
		return c->usc == usc;
	if (fd >= 0)
		return c->fd == fd;
	return true;
}

int sysc_abort(struct proc *p, uintptr_t usc, int fd)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct syscall_ctx *c;
	int n = 0;

	list_for_each_entry(c, &p->syscs, link) {
		/* A caller never aborts its own call (abort_sysc_fd has an fd too). */
		if (c->kt == kthread_current())
			continue;
		if (sysc_abort_matches(c, usc, fd)) {
			rendez_abort_kthread(c->kt);
			n++;
		}
	}
	spin_unlock_irqrestore(&p->lock, flags);
	return n;
}

/* ----------------------------------------------------------- completion */

/* Atomically sets 'set' and clears 'clear' in the user's flags; the old
 * value in *old.  -EFAULT if the word is not writable. */
static int sysc_flags_update(struct syscall *u, uint32_t set, uint32_t clear, uint32_t *old)
{
	uint32_t cur;
	int ret;

	if (get_user_u32(&cur, &u->flags))
		return -EFAULT;
	while ((ret = cmpxchg_user_u32(&u->flags, &cur, (cur | set) & ~clear)) == -EAGAIN)
		;
	if (old)
		*old = cur;
	return ret;
}

static void sysc_send_ev_syscall(struct syscall_ctx *ctx, struct syscall *u)
{
	struct event_msg msg = { .ev_type = EV_SYSCALL, .ev_arg3 = ctx->usc };
	uint64_t ev_q;

	if (get_user_u64(&ev_q, &u->ev_q) || !ev_q)
		return;
	send_event(ctx->p, ev_q, &msg, 0);
}

bool sysc_complete(struct syscall_ctx *ctx)
{
	struct syscall *u = (struct syscall *)ctx->usc;
	uint32_t old;

	if (ctx->no_complete)
		return true;
	if (copy_to_user(&u->retval, &ctx->sc.retval, sizeof(u->retval)) ||
	    copy_to_user(&u->err, &ctx->sc.err, sizeof(u->err)) ||
	    (ctx->sc.err && copy_to_user(u->errstr, ctx->sc.errstr, sizeof(u->errstr))))
		return false;
	/* One atomic update against the user's CAS of SC_UEVENT: whichever
	 * lands first, the user either gets the event or sees SC_DONE. */
	if (sysc_flags_update(u, SC_K_LOCK | SC_DONE, 0, &old))
		return false;
	if (old & SC_UEVENT)
		sysc_send_ev_syscall(ctx, u);
	sysc_flags_update(u, 0, SC_K_LOCK, NULL);
	return true;
}
