/* SPDX-License-Identifier: MIT */
/*
 * lx_ready.c - the machinery poll, select and epoll share: FD taps sent in
 * batches, one CEQ per waiter, timeouts as a tapped alarm, the wait, and
 * the lock that makes a waiter safe to share between threads (the timers
 * of timed waits are lx_wtimer.c's).
 *
 * A waiter (struct lx_waiter) is an event queue whose mailbox is a CEQ
 * with CEQ_OR: each tap posts its ev_id with the filter bits that fired,
 * so the CEQ holds, per id, the union of the bits since it was last read.
 * Waiting is "g = lx_waiter_prepare(w); drain the CEQ, decide; if nothing,
 * lx_waiter_park(w, g)", in one of two modes:
 *  - one thread (no 2LS): the queue has EVENT_WAKEUP only; the park is
 *    proc_yield(0), which a post ends (one that landed before the yield
 *    makes it return at once), then the signal hook runs;
 *  - threads (a 2LS is installed; lx_waiter_prepare switches the queue the
 *    first time it sees one, before the drain, so no post is missed): the
 *    queue also has EVENT_INDIR | EVENT_SPAM_INDIR | EVENT_IPI, and its
 *    ev_handler is lx_waiter_alert.  A post sends an EV_EVENT to a running
 *    vcore; parlib dispatches it to lx_indir (vcore context).  The VCPD
 *    mailboxes are bitmaps, which keep the type and drop ev_arg3 (the
 *    queue), so lx_indir looks at every threaded waiter (a list, pushed
 *    once per waiter, never popped): one whose ev_alert_pending the kernel
 *    set is acked (pending = 0, so the next post alerts again), its w->gen
 *    bumped and ONE uthread parked on it futex-woken.  (An EV_EVENT that
 *    does name its queue goes to that queue's ev_handler only.)
 *    The park is futex_wait(&w->gen, g): the futex compares the word under
 *    its lock, so an alert after the snapshot g makes the park return at
 *    once.  No lost wake-up, no polling; a woken waiter that leaves work
 *    behind (lx_waiter_kick) wakes the next one.
 * Memory the kernel may name in an EV_EVENT stays mapped: a waiter that
 * was ever threaded is never unmapped (callers recycle it), so a late
 * alert only costs a spurious wake-up.
 *
 * Timeouts: a wait timer (lx_wtimer.c) of the waiter, tapped READABLE
 * into its queue under an id of the caller's.  No busy-waiting.
 *
 * struct lx_lock: a futex mutex (Drepper's three states) for state shared
 * by threads.  lx_lock() refuses (false) instead of waiting when the
 * holder is the caller itself, or when there are no threads at all: that
 * is a signal handler re-entering the layer from a syscall hook.
 *
 * lx_tap_batch() sends requests through SYS_tap_fds at most FDTAP_MAX_BATCH
 * at a time and reports each refused one to a callback (the kernel stops a
 * batch at its first failure; the rest are sent again).
 */
#include <string.h>
#include <ros/mmap.h>
#include <parlib/event.h>
#include <parlib/futex.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include "lx.h"

#define LX_WAITER_THREADED (EVENT_WAKEUP | EVENT_INDIR | EVENT_SPAM_INDIR | EVENT_IPI)

/* ------------------------------------------------------------ the lock */

bool lx_lock(struct lx_lock *l)
{
	struct uthread *me = current_uthread();
	int c = 0;

	if (!__atomic_compare_exchange_n(&l->word, &c, 1, false, __ATOMIC_ACQUIRE,
	                                 __ATOMIC_RELAXED)) {
		if (!__atomic_load_n(&sched_ops, __ATOMIC_ACQUIRE) ||
		    __atomic_load_n(&l->owner, __ATOMIC_RELAXED) == me)
			return false;
		if (c != 2)
			c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
		while (c != 0) {
			futex_wait(&l->word, 2, NULL);
			c = __atomic_exchange_n(&l->word, 2, __ATOMIC_ACQUIRE);
		}
	}
	__atomic_store_n(&l->owner, me, __ATOMIC_RELAXED);
	return true;
}

void lx_unlock(struct lx_lock *l)
{
	__atomic_store_n(&l->owner, NULL, __ATOMIC_RELAXED);
	if (__atomic_exchange_n(&l->word, 0, __ATOMIC_RELEASE) == 2)
		futex_wake(&l->word, 1);
}

/* ------------------------------------------------------------ pools */

void *lx_pool_get(struct lx_pool *p, size_t size, size_t off)
{
	struct lx_pooled *o = NULL;
	long va;

	if (lx_lock(&p->lock)) {        /* refused: a handler nested; map one */
		o = p->free;
		if (o)
			p->free = o->next;
		lx_unlock(&p->lock);
	}
	if (o)
		return (char *)o - off;
	va = ros_syscall_raw(SYS_mmap, 0, (long)size, PROT_READ | PROT_WRITE,
	                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return va < 0 && va > -4096 ? NULL : (void *)va;
}

void lx_pool_put(struct lx_pool *p, void *obj, size_t off)
{
	struct lx_pooled *o = (struct lx_pooled *)((char *)obj + off);

	while (!lx_lock(&p->lock))
		;       /* held only across a few stores: a handler cannot be inside */
	o->next = p->free;
	p->free = o;
	lx_unlock(&p->lock);
}

/* ------------------------------------------------------------ alerts */

static struct lx_waiter *lx_threaded;         /* [a] pushed, never popped */

/* A waiter's queue was posted to: ack the alert, wake one parked thread. */
static void lx_waiter_alert(struct event_queue *q)
{
	struct lx_waiter *w = (struct lx_waiter *)q->ev_udata;

	__atomic_store_n(&q->ev_alert_pending, 0, __ATOMIC_SEQ_CST);
	__atomic_fetch_add(&w->gen, 1, __ATOMIC_SEQ_CST);
	futex_wake(&w->gen, 1);
}

/* EV_EVENT (vcore context): the queue it names, or every threaded waiter
 * the kernel alerted (the bitmap mailbox lost the name). */
static void lx_indir(const struct event_msg *m, uint32_t vcoreid)
{
	struct event_queue *q = (struct event_queue *)m->ev_arg3;
	void (*fn)(struct event_queue *);

	(void)vcoreid;
	if (q) {
		fn = (void (*)(struct event_queue *))__atomic_load_n(&q->ev_handler,
		                                                      __ATOMIC_ACQUIRE);
		if (fn)
			fn(q);
		return;
	}
	for (struct lx_waiter *w = __atomic_load_n(&lx_threaded, __ATOMIC_ACQUIRE); w;
	     w = w->next_threaded)
		if (__atomic_load_n(&w->q.ev_alert_pending, __ATOMIC_SEQ_CST))
			lx_waiter_alert(&w->q);
}

static void lx_waiter_go_threaded(struct lx_waiter *w)
{
	static int registered;

	if (!__atomic_exchange_n(&registered, 1, __ATOMIC_ACQ_REL))
		vcore_register_ev_handler(EV_EVENT, lx_indir);
	__atomic_store_n(&w->q.ev_handler, (uint64_t)lx_waiter_alert, __ATOMIC_RELEASE);
	w->next_threaded = __atomic_load_n(&lx_threaded, __ATOMIC_RELAXED);
	while (!__atomic_compare_exchange_n(&lx_threaded, &w->next_threaded, w, false,
	                                    __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		;
	__atomic_fetch_or(&w->q.ev_flags, LX_WAITER_THREADED, __ATOMIC_SEQ_CST);
	__atomic_store_n(&w->threaded, true, __ATOMIC_RELEASE);
}

int lx_waiter_prepare(struct lx_waiter *w)
{
	if (!w->threaded && __atomic_load_n(&sched_ops, __ATOMIC_ACQUIRE))
		lx_waiter_go_threaded(w);
	return __atomic_load_n(&w->gen, __ATOMIC_SEQ_CST);
}

void lx_waiter_kick(struct lx_waiter *w, int nr)
{
	if (!w->threaded)
		return;
	__atomic_fetch_add(&w->gen, 1, __ATOMIC_SEQ_CST);
	futex_wake(&w->gen, nr);
}

/* ------------------------------------------------------------ waiters */

int lx_waiter_init(struct lx_waiter *w, struct ceq_event *events, uint32_t nr_events,
                   int32_t *ring, uint32_t ring_sz)
{
	int r;

	memset(events, 0, nr_events * sizeof(*events));
	r = event_mbox_init_ceq(&w->mbox, CEQ_OR, events, nr_events, ring, ring_sz);
	if (r)
		return r;
	event_queue_init(&w->q, &w->mbox, w->threaded ? LX_WAITER_THREADED : EVENT_WAKEUP);
	w->q.ev_udata = (uint64_t)w;
	if (w->threaded)
		w->q.ev_handler = (uint64_t)lx_waiter_alert;
	return 0;
}

int lx_waiter_park(struct lx_waiter *w, int seen, const uint64_t *timeout_ns)
{
	if (!w->threaded) {
		ros_yield(0);
		if (ros_syscall_hook)
			ros_syscall_hook();     /* signals that came meanwhile */
		return lx_sig_interrupted() ? -LX_EINTR : 0;
	}
	if (futex_wait(&w->gen, seen, timeout_ns) == -LX_ETIMEDOUT)
		return -LX_ETIMEDOUT;
	if (ros_syscall_hook)
		ros_syscall_hook();
	return lx_sig_interrupted() ? -LX_EINTR : 0;
}

bool lx_waiter_get(struct lx_waiter *w, uint32_t *id, uint32_t *bits, uint64_t *data)
{
	struct event_msg m;

	if (!ceq_get_msg(&w->mbox.ceq, &m))
		return false;
	*id = m.ev_type;
	*bits = m.ev_arg2;
	if (data)
		*data = m.ev_arg3;
	return true;
}

long lx_tap_batch(struct fd_tap_req *reqs, size_t n,
                  long (*refused)(size_t i, long err, void *arg), void *arg)
{
	size_t i = 0;

	while (i < n) {
		size_t m = n - i < FDTAP_MAX_BATCH ? n - i : FDTAP_MAX_BATCH;
		long r = ros_syscall_raw(SYS_tap_fds, (long)&reqs[i], (long)m, 0, 0, 0, 0);

		if (r > 0) {
			i += (size_t)r;
			continue;
		}
		if (r == 0)
			return -LX_EIO;
		r = refused ? refused(i, r, arg) : r;
		if (r < 0)
			return r;
		i++;
	}
	return 0;
}

long lx_masked(const void *mask, long size, long (*call)(const long *a, int64_t ns),
               const long *a, int64_t ns)
{
	uint64_t old;
	const long set[4] = { 2 /* SIG_SETMASK */, (long)mask, (long)&old, 8 };
	const long back[4] = { 2, (long)&old, 0, 8 };
	long r;

	if (!mask)
		return call(a, ns);
	if (size != 8)
		return -LX_EINVAL;
	r = lx_rt_sigprocmask(set);
	if (r)
		return r;
	r = call(a, ns);
	lx_rt_sigprocmask(back);
	return r;
}
