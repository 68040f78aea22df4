/* SPDX-License-Identifier: MIT */
/*
 * kt_kthread.c - ktests for kthreads (suite kthread) and their blocking
 * primitives (suite sync): create/run/join on every core, many kthreads
 * with no leak, yield order, semaphore ping-pong across cores, usleep, CV
 * signal and broadcast, rendez wakeup, timeout and abort (also a
 * conditional abort racing with its withdrawal), kref.
 *
 * Cross-core parts use other cores when there are any and fall back to the
 * calling core under -smp 1, so every test still runs.
 */
#include <atomic.h>
#include <cv.h>
#include <errno.h>
#include <kref.h>
#include <kthread.h>
#include <ktest.h>
#include <percpu.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>
#include <time.h>

#define KT_WAIT_MS 20000

/* The n-th core other than the caller's, wrapping; the caller's if alone. */
static uint32_t kt_other_core(uint32_t n)
{
	if (num_cores == 1)
		return core_id();
	return (core_id() + 1 + n % (num_cores - 1)) % num_cores;
}

static bool kt_wait_atomic(atomic_t *ctr, int64_t want)
{
	uint64_t end = nsec_now() + KT_WAIT_MS * NSEC_PER_MSEC;

	while (atomic_read(ctr) < want) {
		if (nsec_now() > end)
			return false;
		kthread_usleep(200);
	}
	return true;
}

static struct kthread *kt_start(void (*fn)(void *), void *arg, uint32_t core)
{
	struct kthread *kt = kthread_create(fn, arg, "kt");

	kthread_get(kt);
	kthread_run_on(kt, core);
	return kt;
}

/* ------------------------------------------------------------ kthread --- */

struct kt_where {
	uint32_t ran_on;
	bool irqs_on;
};

static void kt_record_core(void *arg)
{
	struct kt_where *w = arg;

	w->ran_on = core_id();
	w->irqs_on = irq_is_enabled();
}

KTEST(kthread, run_on_every_core)
{
	for (uint32_t c = 0; c < num_cores; c++) {
		struct kt_where w = { .ran_on = ~0u };

		kthread_join(kt_start(kt_record_core, &w, c));
		KT_ASSERT_EQ(w.ran_on, c);
		KT_ASSERT(w.irqs_on);
	}
}

static atomic_t many_count;

static void kt_count(void *arg)
{
	atomic_inc(&many_count);
	if ((uintptr_t)arg & 1)
		kthread_yield();
}

KTEST(kthread, many_create_exit_no_leak)
{
	enum { N = 256 };
	static struct kthread *kts[N];
	uint64_t live = kthread_nr_live();

	atomic_set(&many_count, 0);
	for (uintptr_t i = 0; i < N; i++)
		kts[i] = kt_start(kt_count, (void *)i, kt_other_core(i));
	for (int i = 0; i < N; i++)
		kthread_join(kts[i]);
	KT_ASSERT_EQ(atomic_read(&many_count), N);
	KT_ASSERT_EQ(kthread_nr_live(), live);
}

struct kt_wake_exit {
	struct sem go;
	atomic_t done;
};

static void kt_wait_then_exit(void *arg)
{
	struct kt_wake_exit *w = arg;

	sem_down(&w->go);
	atomic_inc(&w->done);
}

/* A woken kthread may run, exit and be freed on its own core before its
 * waker has returned from the wakeup: the waker must not touch it after
 * putting it on the run queue (no reference is held here, so the slab
 * poison shows such a touch as a fault). */
KTEST(kthread, woken_kthread_may_exit_at_once)
{
	enum { N = 2000 };
	static struct kt_wake_exit w;
	uint64_t live = kthread_nr_live();

	sem_init(&w.go, 0);
	atomic_set(&w.done, 0);
	for (int i = 0; i < N; i++) {
		struct kthread *kt = kthread_create(kt_wait_then_exit, &w, "kt-wake");
		uint64_t end = nsec_now() + KT_WAIT_MS * NSEC_PER_MSEC;
		uint32_t core = kt_other_core((uint32_t)i);

		kthread_run_on(kt, core);
		/* Alive until the sem_up: wait until it sleeps in sem_down. */
		while (READ_ONCE(kt->state) != KT_BLOCKED && nsec_now() < end) {
			if (core == core_id())
				kthread_yield();
			else
				cpu_relax();
		}
		KT_ASSERT_EQ(READ_ONCE(kt->state), KT_BLOCKED);
		sem_up(&w.go);
	}
	KT_ASSERT(kt_wait_atomic(&w.done, N));
	for (int i = 0; i < 100 && kthread_nr_live() > live; i++)
		kthread_usleep(1000);           /* the last ones are reaped */
	KT_ASSERT_EQ(kthread_nr_live(), live);
}

struct kt_yield_log {
	atomic_t idx;
	char log[16];
};

static void kt_yielder(void *arg)
{
	struct kt_yield_log *l = arg;
	char me = atomic_read(&l->idx) == 0 ? 'a' : 'b';

	for (int i = 0; i < 4; i++) {
		l->log[atomic_fetch_add(&l->idx, 1)] = me;
		kthread_yield();
	}
}

KTEST(kthread, yield_alternates)
{
	struct kt_yield_log l = { .idx = ATOMIC_INIT(0) };
	struct kthread *a = kt_start(kt_yielder, &l, core_id());
	struct kthread *b = kt_start(kt_yielder, &l, core_id());

	kthread_join(a);
	kthread_join(b);
	KT_ASSERT_EQ(atomic_read(&l.idx), 8);
	for (int i = 1; i < 8; i++)
		KT_ASSERT_MSG(l.log[i] != l.log[i - 1], "log %.8s", l.log);
}

struct kt_pingpong {
	struct sem ping, pong;
	int rounds;
	int bad;
};

static void kt_ponger(void *arg)
{
	struct kt_pingpong *p = arg;

	for (int i = 0; i < p->rounds; i++) {
		sem_down(&p->ping);
		sem_up(&p->pong);
	}
}

static void kt_pinger(void *arg)
{
	struct kt_pingpong *p = arg;

	for (int i = 0; i < p->rounds; i++) {
		sem_up(&p->ping);
		sem_down(&p->pong);
		if (sem_count(&p->ping) != 0)
			p->bad++;
	}
}

KTEST(kthread, sem_pingpong_across_cores)
{
	struct kt_pingpong p = { .rounds = 1000 };
	struct kthread *a, *b;

	sem_init(&p.ping, 0);
	sem_init(&p.pong, 0);
	b = kt_start(kt_ponger, &p, kt_other_core(0));
	a = kt_start(kt_pinger, &p, kt_other_core(1));
	kthread_join(a);
	kthread_join(b);
	KT_ASSERT_EQ(p.bad, 0);
	KT_ASSERT_EQ(sem_count(&p.ping), 0);
	KT_ASSERT_EQ(sem_count(&p.pong), 0);
}

KTEST(kthread, usleep_sleeps_long_enough)
{
	uint64_t t0 = nsec_now(), dt;

	kthread_usleep(10000);
	dt = nsec_now() - t0;
	KT_ASSERT_MSG(dt >= 10 * NSEC_PER_MSEC, "slept %lu ns", dt);
	KT_ASSERT_MSG(dt < 60 * NSEC_PER_MSEC, "slept %lu ns", dt);
}

/* --------------------------------------------------------------- sync --- */

KTEST(sync, sem_counts)
{
	struct sem s;

	sem_init(&s, 2);
	KT_ASSERT(sem_trydown(&s));
	KT_ASSERT(sem_trydown(&s));
	KT_ASSERT(!sem_trydown(&s));
	sem_up(&s);
	KT_ASSERT_EQ(sem_count(&s), 1);
	sem_down(&s);
	KT_ASSERT(!sem_trydown(&s));
}

struct kt_cv_test {
	spinlock_t lock;
	struct cv cv;
	int go;                         /* [lock] */
	atomic_t waiting, woken;
};

static void kt_cv_waiter(void *arg)
{
	struct kt_cv_test *t = arg;

	spin_lock(&t->lock);
	atomic_inc(&t->waiting);
	while (t->go == 0)
		cv_wait(&t->cv, &t->lock);
	t->go--;
	spin_unlock(&t->lock);
	atomic_inc(&t->woken);
}

static void kt_cv_setup(struct kt_cv_test *t)
{
	spinlock_init(&t->lock, "kt cv");
	cv_init(&t->cv);
	t->go = 0;
	atomic_set(&t->waiting, 0);
	atomic_set(&t->woken, 0);
}

static void kt_cv_release(struct kt_cv_test *t, int n, bool broadcast)
{
	spin_lock(&t->lock);
	t->go += n;
	if (broadcast)
		cv_broadcast(&t->cv);
	else
		cv_signal(&t->cv);
	spin_unlock(&t->lock);
}

KTEST(sync, cv_broadcast_wakes_all)
{
	enum { N = 8 };
	struct kt_cv_test t;
	struct kthread *kts[N];

	kt_cv_setup(&t);
	for (int i = 0; i < N; i++)
		kts[i] = kt_start(kt_cv_waiter, &t, kt_other_core(i));
	KT_ASSERT(kt_wait_atomic(&t.waiting, N));
	kthread_usleep(2000);
	KT_ASSERT_EQ(atomic_read(&t.woken), 0);
	kt_cv_release(&t, N, true);
	for (int i = 0; i < N; i++)
		kthread_join(kts[i]);
	KT_ASSERT_EQ(atomic_read(&t.woken), N);
}

KTEST(sync, cv_signal_wakes_one)
{
	struct kt_cv_test t;
	struct kthread *a, *b;

	kt_cv_setup(&t);
	a = kt_start(kt_cv_waiter, &t, kt_other_core(0));
	b = kt_start(kt_cv_waiter, &t, kt_other_core(1));
	KT_ASSERT(kt_wait_atomic(&t.waiting, 2));
	kthread_usleep(2000);
	kt_cv_release(&t, 1, false);
	KT_ASSERT(kt_wait_atomic(&t.woken, 1));
	kthread_usleep(5000);
	KT_ASSERT_EQ(atomic_read(&t.woken), 1);
	kt_cv_release(&t, 1, false);
	kthread_join(a);
	kthread_join(b);
	KT_ASSERT_EQ(atomic_read(&t.woken), 2);
}

struct kt_rv_test {
	struct rendez rv;
	bool flag;
	int ret;
	atomic_t started;
	bool abortable;         /* sleep again after the first, then clear */
	int ret_after;          /* the second sleep, still aborted */
	int ret_cleared;        /* a timed sleep after rendez_abort_clear() */
};

static bool kt_rv_cond(void *arg)
{
	return READ_ONCE(((struct kt_rv_test *)arg)->flag);
}

static void kt_rv_sleeper(void *arg)
{
	struct kt_rv_test *t = arg;

	atomic_inc(&t->started);
	t->ret = rendez_sleep(&t->rv, kt_rv_cond, t);
	if (t->abortable) {
		t->ret_after = rendez_sleep(&t->rv, kt_rv_cond, t);
		rendez_abort_clear();
		t->ret_cleared = rendez_sleep_timeout(&t->rv, kt_rv_cond, t, 1000);
	}
}

static void kt_rv_setup(struct kt_rv_test *t, bool abortable)
{
	rendez_init(&t->rv);
	t->flag = false;
	t->ret = 1;
	t->ret_after = 1;
	t->ret_cleared = 1;
	atomic_set(&t->started, 0);
	t->abortable = abortable;
}

KTEST(sync, rendez_wakeup_across_cores)
{
	struct kt_rv_test t;
	struct kthread *kt;

	kt_rv_setup(&t, false);
	kt = kt_start(kt_rv_sleeper, &t, kt_other_core(0));
	KT_ASSERT(kt_wait_atomic(&t.started, 1));
	kthread_usleep(2000);
	KT_ASSERT_EQ(t.ret, 1);
	WRITE_ONCE(t.flag, true);
	rendez_wakeup(&t.rv);
	kthread_join(kt);
	KT_ASSERT_EQ(t.ret, 0);
}

static bool kt_never(void *arg)
{
	return false;
}

KTEST(sync, rendez_timeout)
{
	struct rendez rv;
	uint64_t t0, dt;
	int ret;

	rendez_init(&rv);
	t0 = nsec_now();
	ret = rendez_sleep_timeout(&rv, kt_never, NULL, 20000);
	dt = nsec_now() - t0;
	KT_ASSERT_EQ(ret, -ETIMEDOUT);
	KT_ASSERT_MSG(dt >= 20 * NSEC_PER_MSEC, "woke after %lu ns", dt);
	/* Late only by the host's scheduling: TCG on a loaded host. */
	KT_ASSERT_MSG(dt < 500 * NSEC_PER_MSEC, "woke after %lu ns", dt);
	/* A true condition wins, even with a zero timeout. */
	KT_ASSERT_EQ(rendez_sleep_timeout(&rv, kt_rv_cond, &(struct kt_rv_test){ .flag = true }, 0), 0);
}

/* The abort names the sleeper; it is sticky until the sleeper clears it. */
KTEST(sync, rendez_abort)
{
	struct kt_rv_test t;
	struct kthread *kt;

	kt_rv_setup(&t, true);
	kt = kt_start(kt_rv_sleeper, &t, kt_other_core(0));
	KT_ASSERT(kt_wait_atomic(&t.started, 1));
	kthread_usleep(2000);
	KT_ASSERT_EQ(t.ret, 1);                 /* really asleep */
	rendez_abort_kthread(kt);
	kthread_join(kt);
	KT_ASSERT_EQ(t.ret, -ECANCELED);
	KT_ASSERT_EQ(t.ret_after, -ECANCELED);
	KT_ASSERT_EQ(t.ret_cleared, -ETIMEDOUT);
}

/*
 * A conditional abort racing with the withdrawal of what it matches (the
 * syscall layer's per-kthread current call): the worker publishes round r,
 * sleeps briefly, withdraws it and clears with rendez_abort_clear_quick();
 * the aborter aborts whatever round it saw published.  An abort may cut a
 * round's sleep, but none may outlive its round: a zero-timeout sleep after
 * the clear must time out, never be cancelled.
 */
#define KT_ABORT_ROUNDS 400

struct kt_abort_race {
	struct rendez rv;
	uint64_t cur;           /* the published round, 0 between rounds */
	atomic_t done;
	int cut;                /* round sleeps an abort cut short */
	int stale;              /* aborts found after their round's clear */
	int hits;               /* aborts that matched */
};

static bool kt_race_match(struct kthread *kt, void *arg)
{
	struct kt_abort_race *t = kt->arg;

	return READ_ONCE(t->cur) == (uint64_t)arg;
}

static void kt_race_worker(void *arg)
{
	struct kt_abort_race *t = arg;

	for (uint64_t r = 1; r <= KT_ABORT_ROUNDS; r++) {
		WRITE_ONCE(t->cur, r);
		t->cut += rendez_sleep_timeout(&t->rv, kt_never, NULL, 20) == -ECANCELED;
		WRITE_ONCE(t->cur, 0);
		rendez_abort_clear_quick();
		t->stale += rendez_sleep_timeout(&t->rv, kt_never, NULL, 0) == -ECANCELED;
	}
	atomic_inc(&t->done);
}

KTEST(sync, rendez_abort_if_never_outlives_its_round)
{
	struct kt_abort_race t = { .cur = 0, .cut = 0, .stale = 0, .hits = 0 };
	struct kthread *kt;
	uint64_t end = nsec_now() + KT_WAIT_MS * NSEC_PER_MSEC;

	rendez_init(&t.rv);
	atomic_set(&t.done, 0);
	kt = kt_start(kt_race_worker, &t, kt_other_core(0));
	while (!atomic_read(&t.done) && nsec_now() < end) {
		uint64_t r = READ_ONCE(t.cur);

		if (r)
			t.hits += rendez_abort_kthread_if(kt, kt_race_match, (void *)r);
		if (num_cores == 1)
			kthread_yield();
	}
	kthread_join(kt);
	KT_ASSERT_EQ(atomic_read(&t.done), 1);
	KT_ASSERT_EQ(t.stale, 0);
	KT_ASSERT_MSG(t.hits > 0, "no abort matched in %d rounds", KT_ABORT_ROUNDS);
	KT_ASSERT(t.cut <= t.hits);
}

struct kt_kref_obj {
	struct kref ref;
	int released;
};

static void kt_kref_release(struct kref *k)
{
	container_of(k, struct kt_kref_obj, ref)->released++;
}

KTEST(sync, kref)
{
	struct kt_kref_obj o = { .released = 0 };

	kref_init(&o.ref);
	kref_get(&o.ref);
	KT_ASSERT(kref_get_not_zero(&o.ref));
	KT_ASSERT_EQ(kref_read(&o.ref), 3);
	KT_ASSERT(!kref_put(&o.ref, kt_kref_release));
	KT_ASSERT(!kref_put(&o.ref, kt_kref_release));
	KT_ASSERT_EQ(o.released, 0);
	KT_ASSERT(kref_put(&o.ref, kt_kref_release));
	KT_ASSERT_EQ(o.released, 1);
	KT_ASSERT(!kref_get_not_zero(&o.ref));
	KT_ASSERT_EQ(kref_read(&o.ref), 0);
}
