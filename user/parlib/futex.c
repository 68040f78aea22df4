/* SPDX-License-Identifier: MIT */
/*
 * futex.c - Linux's futex over uthreads (parlib/futex.h).
 *
 * A sleeper is a struct futex_waiter on its own stack, listed in the hash
 * bucket of its address (FUTEX_BUCKETS lists) and, with a timeout, in the
 * list of timed waiters.  One MCS-PDR lock (futex_lock) guards all of it:
 * the word check and the listing of futex_wait, the unlisting of
 * futex_wake / futex_requeue / the deadline check.  futex_wait is a yield
 * with a callback (the 2LS's "block on a sync object", parlib/uthread.h):
 * the callback runs in vcore context once the uthread is saved, takes the
 * lock, compares the word (changed: -EAGAIN, runnable again) and lists the
 * waiter.  A waker that changes the word and then takes the lock either
 * finds the waiter listed or made it see the new word: no lost wakeup.
 * Whoever unlists a waiter sets its result, reads everything it needs and
 * only then makes the uthread runnable (after which the waiter's stack may
 * be gone).  futex_nr_waiters counts the waiters from before their word
 * check until they are unlisted, so a wake with none returns at once,
 * without the lock (a waker changes the word first: either it sees the
 * count or the waiter sees the new word).
 *
 * A signal for a waiter (the C library's, through uthread_wait_hook and
 * futex_interrupt) ends its wait with -EINTR, as Linux's futex does; the
 * hook runs after the listing and the interrupter takes the lock, so a
 * signal queued before the listing is seen by the hook, one queued after
 * it finds the waiter listed.
 *
 * Deadlines are checked by fifo_timer_check (uth_fifo.c) on every entry to
 * vcore context, and an idle vcore naps 1 ms at a time while timed waiters
 * exist: the granularity of a timed wait is about a millisecond.
 */
#include <errno.h>
#include <stddef.h>
#include <parlib/futex.h>
#include <parlib/mcs_pdr.h>
#include <parlib/uth_fifo.h>
#include <parlib/uthread.h>

#define FUTEX_BUCKETS 64

struct futex_waiter {
	int *addr;
	int val;
	int result;
	uint64_t deadline;              /* monotonic ns, 0: none */
	struct uthread *u;
	struct futex_waiter *next;      /* in the bucket */
	struct futex_waiter *tnext;     /* in the timed list */
	struct futex_waiter *wnext;     /* a waker's batch */
};

static struct mcs_pdr_lock futex_lock = MCS_PDR_INITIALIZER;
static struct futex_waiter *futex_buckets[FUTEX_BUCKETS];      /* [futex_lock] */
static struct futex_waiter *futex_timed;                        /* [futex_lock] */
static uint32_t futex_nr_timed;                                 /* [a] */
static uint32_t futex_nr_waiters;       /* [a] listed or about to compare the word */
uint64_t (*futex_now_ns)(void);

static struct futex_waiter **futex_bucket(const int *addr)
{
	uintptr_t a = (uintptr_t)addr;

	return &futex_buckets[((a >> 2) ^ (a >> 8)) % FUTEX_BUCKETS];
}

static void futex_untime_locked(struct futex_waiter *w)
{
	struct futex_waiter **pp;

	if (!w->deadline)
		return;
	for (pp = &futex_timed; *pp; pp = &(*pp)->tnext) {
		if (*pp == w) {
			*pp = w->tnext;
			__atomic_fetch_sub(&futex_nr_timed, 1, __ATOMIC_RELAXED);
			return;
		}
	}
}

static void futex_unlist_locked(struct futex_waiter *w)
{
	struct futex_waiter **pp;

	for (pp = futex_bucket(w->addr); *pp; pp = &(*pp)->next) {
		if (*pp == w) {
			*pp = w->next;
			break;
		}
	}
	futex_untime_locked(w);
}

/* After the lock is dropped: each waiter of the batch gets its result and
 * runs again; w is not touched once its uthread is runnable. */
static int futex_release(struct futex_waiter *batch, int result)
{
	int n = 0;

	while (batch) {
		struct futex_waiter *next = batch->wnext;
		struct uthread *u = batch->u;

		batch->result = result;
		uthread_runnable(u);
		batch = next;
		n++;
	}
	if (n)
		__atomic_fetch_sub(&futex_nr_waiters, (uint32_t)n, __ATOMIC_RELAXED);
	return n;
}

/* Vcore context, the waiter saved. */
static void futex_block_cb(struct uthread *u, void *arg)
{
	struct futex_waiter *w = arg, **b;

	w->u = u;
	mcs_pdr_lock(&futex_lock);
	__atomic_fetch_add(&futex_nr_waiters, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(w->addr, __ATOMIC_SEQ_CST) != w->val) {
		__atomic_fetch_sub(&futex_nr_waiters, 1, __ATOMIC_RELAXED);
		mcs_pdr_unlock(&futex_lock);
		w->result = -EAGAIN;
		uthread_runnable(u);
		return;
	}
	b = futex_bucket(w->addr);
	w->next = *b;
	*b = w;
	if (w->deadline) {
		w->tnext = futex_timed;
		futex_timed = w;
		__atomic_fetch_add(&futex_nr_timed, 1, __ATOMIC_RELAXED);
	}
	mcs_pdr_unlock(&futex_lock);
	if (uthread_wait_interrupted(u))
		futex_interrupt(u);
}

int futex_wait(int *addr, int val, const uint64_t *timeout_ns)
{
	struct futex_waiter w = { .addr = addr, .val = val };

	if (!sched_ops)
		return -EAGAIN;         /* one thread: nobody could wake it */
	if (timeout_ns) {
		if (!*timeout_ns || !futex_now_ns)
			return -ETIMEDOUT;
		w.deadline = futex_now_ns() + *timeout_ns;
	}
	uthread_yield(true, futex_block_cb, &w);
	return w.result;
}

int futex_wake(int *addr, int nr)
{
	struct futex_waiter **pp, *w, *batch = NULL;

	if (!sched_ops || nr <= 0)
		return 0;
	/* Nobody waits: the waiter counts itself before it compares the
	 * word, the caller changed the word before this (Dekker's pair). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!__atomic_load_n(&futex_nr_waiters, __ATOMIC_SEQ_CST))
		return 0;
	mcs_pdr_lock(&futex_lock);
	for (pp = futex_bucket(addr); (w = *pp) && nr > 0;) {
		if (w->addr != addr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		futex_untime_locked(w);
		w->wnext = batch;
		batch = w;
		nr--;
	}
	mcs_pdr_unlock(&futex_lock);
	return futex_release(batch, 0);
}

int futex_requeue(int *addr, int nr_wake, int nr_move, int *addr2)
{
	struct futex_waiter **pp, *w, *batch = NULL, **b2 = futex_bucket(addr2);
	int moved = 0;

	if (!sched_ops)
		return 0;
	mcs_pdr_lock(&futex_lock);
	for (pp = futex_bucket(addr); (w = *pp) && (nr_wake > 0 || moved < nr_move);) {
		if (w->addr != addr) {
			pp = &w->next;
			continue;
		}
		*pp = w->next;
		if (nr_wake > 0) {
			futex_untime_locked(w);
			w->wnext = batch;
			batch = w;
			nr_wake--;
			continue;
		}
		w->addr = addr2;
		w->next = *b2;
		*b2 = w;
		moved++;                /* same bucket: skipped below by its addr */
	}
	mcs_pdr_unlock(&futex_lock);
	return futex_release(batch, 0) + moved;
}

bool futex_interrupt(struct uthread *u)
{
	struct futex_waiter *w = NULL;

	if (!sched_ops)
		return false;
	mcs_pdr_lock(&futex_lock);
	for (int i = 0; i < FUTEX_BUCKETS && !w; i++)
		for (w = futex_buckets[i]; w && w->u != u; w = w->next)
			;
	if (w) {
		futex_unlist_locked(w);
		w->wnext = NULL;
	}
	mcs_pdr_unlock(&futex_lock);
	return w && futex_release(w, -EINTR);
}

/* The 2LS's deadline check (vcore context): how many timed waiters remain. */
static uint32_t futex_timer_check(void)
{
	struct futex_waiter **pp, *w, *batch = NULL;
	uint64_t now;

	if (!__atomic_load_n(&futex_nr_timed, __ATOMIC_RELAXED))
		return 0;
	now = futex_now_ns();
	mcs_pdr_lock(&futex_lock);
	for (pp = &futex_timed; (w = *pp);) {
		if (w->deadline > now) {
			pp = &w->tnext;
			continue;
		}
		futex_unlist_locked(w);         /* unlinks *pp too */
		w->wnext = batch;
		batch = w;
	}
	mcs_pdr_unlock(&futex_lock);
	futex_release(batch, -ETIMEDOUT);
	return __atomic_load_n(&futex_nr_timed, __ATOMIC_RELAXED);
}

void futex_init_timers(uint64_t (*now_ns)(void))
{
	futex_now_ns = now_ns;
	fifo_timer_check = futex_timer_check;
}

void futex_after_fork(void)
{
	__builtin_memset(&futex_lock, 0, sizeof(futex_lock));
	__builtin_memset(futex_buckets, 0, sizeof(futex_buckets));
	futex_timed = NULL;
	__atomic_store_n(&futex_nr_timed, 0, __ATOMIC_RELAXED);
}
