/* SPDX-License-Identifier: MIT */
/*
 * kt_alarm.c - ktests for timer chains (suite alarm): alarms set out of
 * order fire in deadline order; none fires early and each fires within
 * ALARM_SLACK_MS of its deadline (generous: TCG with many vCPUs on few host
 * cores is slow); unset_alarm cancels; an RKM alarm's handler may block and
 * unset_alarm waits for a running one; alarms on other cores' chains.
 */
#include <alarm.h>
#include <arch/irq.h>
#include <arch/trap.h>
#include <atomic.h>
#include <errno.h>
#include <kthread.h>
#include <ktest.h>
#include <sem.h>
#include <time.h>

#define ALARM_SLACK_MS 250
#define NR_ORDER 6

struct kt_alarm_rec {
	struct alarm_waiter a;
	uint64_t fired_at;
	uint32_t fired_core;
	bool in_irq;
	bool in_kthread;
	struct sem *done;
	atomic_t *order_idx;
	int *order;
	int id;
};

static void kt_alarm_fn(struct alarm_waiter *a)
{
	struct kt_alarm_rec *r = container_of(a, struct kt_alarm_rec, a);

	r->fired_at = nsec_now();
	r->fired_core = core_id();
	r->in_irq = in_irq_ctx();
	r->in_kthread = kthread_current() && !in_irq_ctx();
	if (r->order)
		r->order[atomic_fetch_add(r->order_idx, 1)] = r->id;
	if (r->done)
		sem_up(r->done);
}

static void kt_rec_init(struct kt_alarm_rec *r, int type, struct sem *done)
{
	*r = (struct kt_alarm_rec){ .done = done, .fired_core = ~0u };
	init_alarm(&r->a, kt_alarm_fn, r, type);
}

static bool kt_fired_in_time(struct kt_alarm_rec *r)
{
	return r->fired_at >= r->a.deadline &&
	       r->fired_at - r->a.deadline < ALARM_SLACK_MS * NSEC_PER_MSEC;
}

KTEST(alarm, fire_in_deadline_order)
{
	static const int ms[NR_ORDER] = { 30, 5, 25, 10, 20, 15 };
	struct kt_alarm_rec r[NR_ORDER];
	int order[NR_ORDER];
	atomic_t idx = ATOMIC_INIT(0);
	struct sem done;
	uint64_t base, irq;
	int set_err = 0;

	sem_init(&done, 0);
	/* One base time, and no alarm may fire before all are queued: a slow
	 * (loaded, emulated) core must not turn 'set later' into 'due later'. */
	irq = irq_save();
	base = nsec_now() + 5 * NSEC_PER_MSEC;
	for (int i = 0; i < NR_ORDER; i++) {
		kt_rec_init(&r[i], ALARM_IRQ, &done);
		r[i].order = order;
		r[i].order_idx = &idx;
		r[i].id = ms[i];
		set_awaiter_abs(&r[i].a, base + ms[i] * NSEC_PER_MSEC);
		set_err |= set_alarm(this_tchain(), &r[i].a);
	}
	irq_restore(irq);
	KT_ASSERT_EQ(set_err, 0);
	for (int i = 0; i < NR_ORDER; i++)
		sem_down(&done);
	for (int i = 0; i < NR_ORDER; i++)
		unset_alarm(this_tchain(), &r[i].a);
	for (int i = 1; i < NR_ORDER; i++)
		KT_ASSERT_MSG(order[i - 1] < order[i], "fired %d ms before %d ms",
		              order[i - 1], order[i]);
	for (int i = 0; i < NR_ORDER; i++)
		KT_ASSERT_MSG(kt_fired_in_time(&r[i]), "alarm %d ms fired %ld ns off",
		              r[i].id, (long)(r[i].fired_at - r[i].a.deadline));
}

KTEST(alarm, precision_and_irq_context)
{
	struct kt_alarm_rec r;
	struct sem done;

	sem_init(&done, 0);
	for (int i = 0; i < 10; i++) {
		kt_rec_init(&r, ALARM_IRQ, &done);
		set_awaiter_rel(&r.a, (1 + i) * NSEC_PER_MSEC);
		set_alarm(this_tchain(), &r.a);
		sem_down(&done);
		unset_alarm(this_tchain(), &r.a);
		KT_ASSERT(r.in_irq);
		KT_ASSERT_EQ(r.fired_core, core_id());
		KT_ASSERT_MSG(kt_fired_in_time(&r), "fired %ld ns off",
		              (long)(r.fired_at - r.a.deadline));
	}
}

KTEST(alarm, unset_cancels)
{
	struct kt_alarm_rec r;

	uint64_t give_up, reset_at;

	kt_rec_init(&r, ALARM_IRQ, NULL);
	set_awaiter_rel(&r.a, NSEC_PER_SEC);   /* far enough for a slow host */
	KT_ASSERT_EQ(set_alarm(this_tchain(), &r.a), 0);
	KT_ASSERT_EQ(set_alarm(this_tchain(), &r.a), -EBUSY);
	KT_ASSERT(unset_alarm(this_tchain(), &r.a));
	KT_ASSERT(!unset_alarm(this_tchain(), &r.a));
	kthread_usleep(30000);
	KT_ASSERT_EQ(r.fired_core, ~0u);
	/* reset moves the deadline: the alarm fires once, at the new one */
	set_awaiter_rel(&r.a, 500 * NSEC_PER_MSEC);
	set_alarm(this_tchain(), &r.a);
	reset_at = nsec_now();
	KT_ASSERT(reset_alarm_rel(this_tchain(), &r.a, 5 * NSEC_PER_MSEC));
	give_up = reset_at + 2 * NSEC_PER_SEC;
	while (READ_ONCE(r.fired_core) == ~0u && nsec_now() < give_up)
		kthread_usleep(5000);
	KT_ASSERT_EQ(r.fired_core, core_id());
	KT_ASSERT_MSG(r.fired_at - reset_at < 400 * NSEC_PER_MSEC,   /* the old one: 500 ms */
	              "fired %lu ms after the reset", (r.fired_at - reset_at) / NSEC_PER_MSEC);
	KT_ASSERT(!unset_alarm(this_tchain(), &r.a));
}

/* An RKM handler that blocks for a while, then ups its semaphore. */
struct kt_rkm_block {
	struct alarm_waiter a;
	atomic_t started, finished;
	bool in_kthread;
	struct sem done;
};

static void kt_rkm_blocker(struct alarm_waiter *a)
{
	struct kt_rkm_block *b = container_of(a, struct kt_rkm_block, a);

	atomic_inc(&b->started);
	b->in_kthread = kthread_current() && !in_irq_ctx();
	kthread_usleep(10000);
	atomic_inc(&b->finished);
	sem_up(&b->done);
}

KTEST(alarm, rkm_handler_may_block)
{
	struct kt_rkm_block b = { .started = ATOMIC_INIT(0), .finished = ATOMIC_INIT(0) };

	sem_init(&b.done, 0);
	init_alarm(&b.a, kt_rkm_blocker, NULL, ALARM_RKM);
	set_awaiter_rel(&b.a, 2 * NSEC_PER_MSEC);
	set_alarm(this_tchain(), &b.a);
	sem_down(&b.done);
	unset_alarm(this_tchain(), &b.a);
	KT_ASSERT(b.in_kthread);
	KT_ASSERT_EQ(atomic_read(&b.finished), 1);
}

KTEST(alarm, unset_waits_for_running_rkm)
{
	struct kt_rkm_block b = { .started = ATOMIC_INIT(0), .finished = ATOMIC_INIT(0) };

	sem_init(&b.done, 0);
	init_alarm(&b.a, kt_rkm_blocker, NULL, ALARM_RKM);
	set_awaiter_rel(&b.a, 1 * NSEC_PER_MSEC);
	set_alarm(this_tchain(), &b.a);
	while (atomic_read(&b.started) == 0)
		kthread_usleep(500);
	KT_ASSERT(!unset_alarm(this_tchain(), &b.a));
	KT_ASSERT_EQ(atomic_read(&b.finished), 1);
	sem_down(&b.done);
}

KTEST(alarm, other_cores_chains)
{
	static struct kt_alarm_rec r[MAX_CORES];
	struct sem done;

	sem_init(&done, 0);
	for (uint32_t c = 0; c < num_cores; c++) {
		kt_rec_init(&r[c], c % 2 ? ALARM_RKM : ALARM_IRQ, &done);
		set_awaiter_rel(&r[c].a, (3 + c) * NSEC_PER_MSEC);
		set_alarm(tchain_of(c), &r[c].a);
	}
	for (uint32_t c = 0; c < num_cores; c++)
		sem_down(&done);
	for (uint32_t c = 0; c < num_cores; c++) {
		unset_alarm(tchain_of(c), &r[c].a);
		KT_ASSERT_EQ(r[c].fired_core, c);
		KT_ASSERT_EQ(r[c].in_irq, c % 2 == 0);
		KT_ASSERT_MSG(kt_fired_in_time(&r[c]), "core %u: %ld ns off", c,
		              (long)(r[c].fired_at - r[c].a.deadline));
	}
}
