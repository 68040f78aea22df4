/* SPDX-License-Identifier: MIT */
/*
 * kt_lockorder.c - ktests of the lock-order checker (lockorder.h).
 *
 * Each test uses locks with names of its own, so its classes and edges
 * cannot meet the kernel's or another test's.  Inversions are provoked on
 * one core, one lock after the other, so nothing can deadlock; the checker
 * reports them to the test through lockorder_capture_begin() instead of
 * panicking, and the test checks that the report names both classes and
 * the exact sites (the struct lock_site of each acquisition).  The same for
 * qlocks, whose stack is the kthread's.
 * lockorder.overhead prints what a checked lock/unlock pair costs next to
 * the bare atomic pair a kernel without CONFIG_SPINLOCK_DEBUG runs; the
 * figures are information only (timings under a loaded host are noise, and
 * make bench is where speed is judged): what it asserts is that the checked
 * rounds went through the checker and left it as they found it.
 */
#include <alarm.h>
#include <arch/irq.h>
#include <kstring.h>
#include <ktest.h>
#include <kthread.h>
#include <lockorder.h>
#include <printk.h>
#include <sem.h>
#include <spinlock.h>
#include <time.h>

#ifdef CONFIG_SPINLOCK_DEBUG

/* Takes a then b, both plain, at the sites given; releases both. */
static void take_pair(spinlock_t *a, const struct lock_site *sa, spinlock_t *b,
                      const struct lock_site *sb)
{
	spin_lock_at(a, sa);
	spin_lock_at(b, sb);
	spin_unlock(b);
	spin_unlock(a);
}

KTEST(lockorder, consistent_order_raises_nothing)
{
	spinlock_t a = SPINLOCK_INITIALIZER("kt lo consistent a");
	spinlock_t b = SPINLOCK_INITIALIZER("kt lo consistent b");
	spinlock_t c = SPINLOCK_INITIALIZER("kt lo consistent c");
	struct lockorder_report r;
	int depth = lockorder_held_depth();

	lockorder_capture_begin(&r);
	for (int i = 0; i < 3; i++) {
		spin_lock(&a);
		spin_lock(&b);
		spin_lock(&c);
		spin_unlock(&a);        /* not LIFO: the stack copes */
		spin_unlock(&c);
		spin_unlock(&b);
		take_pair(&a, LOCK_SITE_HERE, &c, LOCK_SITE_HERE);
	}
	KT_ASSERT_EQ(lockorder_capture_end(), 0);
	KT_ASSERT_EQ(lockorder_held_depth(), depth);
	KT_ASSERT(lockorder_edge_known("kt lo consistent a", "kt lo consistent b"));
	KT_ASSERT(lockorder_edge_known("kt lo consistent b", "kt lo consistent c"));
	KT_ASSERT(lockorder_edge_known("kt lo consistent a", "kt lo consistent c"));
	KT_ASSERT(!lockorder_edge_known("kt lo consistent c", "kt lo consistent a"));
}

static bool site_is(const struct lock_site *got, const struct lock_site *want)
{
	return got == want && strcmp(got->func, want->func) == 0;
}

KTEST(lockorder, inversion_names_both_classes_and_sites)
{
	spinlock_t a = SPINLOCK_INITIALIZER("kt lo inv a");
	spinlock_t b = SPINLOCK_INITIALIZER("kt lo inv b");
	const struct lock_site *a_first = LOCK_SITE_HERE, *b_second = LOCK_SITE_HERE;
	const struct lock_site *b_first = LOCK_SITE_HERE, *a_second = LOCK_SITE_HERE;
	struct lockorder_report r;
	int n;

	take_pair(&a, a_first, &b, b_second);           /* a -> b */
	lockorder_capture_begin(&r);
	take_pair(&b, b_first, &a, a_second);           /* b -> a: inverted */
	n = lockorder_capture_end();
	KT_ASSERT_EQ(n, 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_INVERSION);
	KT_ASSERT_MSG(!strcmp(r.taken, "kt lo inv a") && !strcmp(r.held, "kt lo inv b"),
	              "taken '%s' held '%s'", r.taken, r.held);
	KT_ASSERT(site_is(r.taken_site, a_second) && site_is(r.held_site, b_first));
	KT_ASSERT_MSG(!strcmp(r.prior_from, "kt lo inv a") && !strcmp(r.prior_to, "kt lo inv b"),
	              "prior '%s' -> '%s'", r.prior_from, r.prior_to);
	KT_ASSERT(site_is(r.prior_from_site, a_first) && site_is(r.prior_to_site, b_second));
	KT_ASSERT_EQ(r.path_len, 1);
	KT_ASSERT(!strcmp(r.taken_site->file, __FILE__));
	/* The inverting edge was refused: the graph stays acyclic. */
	KT_ASSERT(!lockorder_edge_known("kt lo inv b", "kt lo inv a"));
}

KTEST(lockorder, transitive_inversion_is_caught)
{
	spinlock_t a = SPINLOCK_INITIALIZER("kt lo chain a");
	spinlock_t b = SPINLOCK_INITIALIZER("kt lo chain b");
	spinlock_t c = SPINLOCK_INITIALIZER("kt lo chain c");
	const struct lock_site *ab_a = LOCK_SITE_HERE, *ab_b = LOCK_SITE_HERE;
	struct lockorder_report r;

	take_pair(&a, ab_a, &b, ab_b);                          /* a -> b */
	take_pair(&b, LOCK_SITE_HERE, &c, LOCK_SITE_HERE);      /* b -> c */
	lockorder_capture_begin(&r);
	take_pair(&c, LOCK_SITE_HERE, &a, LOCK_SITE_HERE);      /* c -> a */
	KT_ASSERT_EQ(lockorder_capture_end(), 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_INVERSION);
	KT_ASSERT(!strcmp(r.taken, "kt lo chain a") && !strcmp(r.held, "kt lo chain c"));
	KT_ASSERT_EQ(r.path_len, 2);
	KT_ASSERT(!strcmp(r.prior_from, "kt lo chain a") && !strcmp(r.prior_to, "kt lo chain b"));
	KT_ASSERT(site_is(r.prior_from_site, ab_a) && site_is(r.prior_to_site, ab_b));
}

KTEST(lockorder, same_class_nesting_is_reported)
{
	spinlock_t x = SPINLOCK_INITIALIZER("kt lo same");
	spinlock_t y = SPINLOCK_INITIALIZER("kt lo same");
	const struct lock_site *sx = LOCK_SITE_HERE, *sy = LOCK_SITE_HERE;
	struct lockorder_report r;

	lockorder_capture_begin(&r);
	take_pair(&x, sx, &y, sy);
	KT_ASSERT_EQ(lockorder_capture_end(), 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_SAME_CLASS);
	KT_ASSERT(!strcmp(r.taken, "kt lo same") && !strcmp(r.held, "kt lo same"));
	KT_ASSERT(site_is(r.taken_site, sy) && site_is(r.held_site, sx));
	/* One after the other is fine. */
	lockorder_capture_begin(&r);
	spin_lock(&x);
	spin_unlock(&x);
	spin_lock(&y);
	spin_unlock(&y);
	KT_ASSERT_EQ(lockorder_capture_end(), 0);
}

KTEST(lockorder, trylock_records_no_edge_into_it)
{
	spinlock_t a = SPINLOCK_INITIALIZER("kt lo try a");
	spinlock_t b = SPINLOCK_INITIALIZER("kt lo try b");
	struct lockorder_report r;

	lockorder_capture_begin(&r);
	spin_lock(&a);
	KT_ASSERT(spin_trylock(&b));            /* a held, b tried: no a -> b */
	spin_unlock(&b);
	spin_unlock(&a);
	take_pair(&b, LOCK_SITE_HERE, &a, LOCK_SITE_HERE);      /* b -> a: fine */
	KT_ASSERT_EQ(lockorder_capture_end(), 0);
	KT_ASSERT(!lockorder_edge_known("kt lo try a", "kt lo try b"));
	KT_ASSERT(lockorder_edge_known("kt lo try b", "kt lo try a"));
}

/* ---------------------------------------------------------- qlocks --- */

KTEST(lockorder, qlock_inversion_is_caught)
{
	struct sem a, b;
	const struct lock_site *a_first = LOCK_SITE_HERE, *b_second = LOCK_SITE_HERE;
	const struct lock_site *b_first = LOCK_SITE_HERE, *a_second = LOCK_SITE_HERE;
	struct lockorder_report r;

	qlock_init(&a, "kt lo qlock a");
	qlock_init(&b, "kt lo qlock b");
	sem_down_at(&a, a_first);
	sem_down_at(&b, b_second);              /* a -> b, asleep or not */
	sem_up(&b);
	sem_up(&a);
	lockorder_capture_begin(&r);
	sem_down_at(&b, b_first);
	sem_down_at(&a, a_second);              /* b -> a: inverted */
	sem_up(&a);
	sem_up(&b);
	KT_ASSERT_EQ(lockorder_capture_end(), 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_INVERSION);
	KT_ASSERT(!strcmp(r.taken, "kt lo qlock a") && !strcmp(r.held, "kt lo qlock b"));
	KT_ASSERT(site_is(r.taken_site, a_second) && site_is(r.held_site, b_first));
	KT_ASSERT(site_is(r.prior_from_site, a_first) && site_is(r.prior_to_site, b_second));
	KT_ASSERT_EQ(kthread_current()->qlocks.depth, 0);
}

KTEST(lockorder, qlock_nesting_and_signals)
{
	struct sem x, y, signal;
	struct lockorder_report r;

	qlock_init(&x, "kt lo qlock same");
	qlock_init(&y, "kt lo qlock same");
	sem_init(&signal, 1);                   /* no class: not a lock */
	lockorder_capture_begin(&r);
	sem_down(&x);
	sem_down(&y);                           /* free: does not sleep */
	sem_up(&y);
	sem_up(&x);
	KT_ASSERT_EQ(lockorder_capture_end(), 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_SAME_CLASS);
	KT_ASSERT(!strcmp(r.taken, "kt lo qlock same"));
	lockorder_capture_begin(&r);
	sem_down(&signal);
	sem_down(&x);
	sem_up(&x);
	sem_up(&signal);
	KT_ASSERT_EQ(lockorder_capture_end(), 0);
	KT_ASSERT_EQ(kthread_current()->qlocks.depth, 0);
}

/* ------------------------------------------- IRQ context, irqsave --- */

static spinlock_t irq_p = SPINLOCK_INITIALIZER("kt lo irq p");
static spinlock_t irq_q = SPINLOCK_INITIALIZER("kt lo irq q");
static const struct lock_site *irq_q_site, *irq_p_site;
static struct sem irq_done;

/* Timer IRQ on this core: q then p, the opposite of the test body. */
static void irq_take_q_then_p(struct alarm_waiter *a)
{
	uint64_t f1, f2;

	irq_q_site = LOCK_SITE_HERE;
	irq_p_site = LOCK_SITE_HERE;
	f1 = spin_lock_irqsave_at(&irq_q, irq_q_site);
	f2 = spin_lock_irqsave_at(&irq_p, irq_p_site);
	spin_unlock_irqrestore(&irq_p, f2);
	spin_unlock_irqrestore(&irq_q, f1);
	sem_up(&irq_done);
}

KTEST(lockorder, irqsave_inversion_in_irq_context)
{
	struct alarm_waiter a;
	struct lockorder_report r;
	uint64_t f1, f2;

	sem_init(&irq_done, 0);
	f1 = spin_lock_irqsave(&irq_p);
	f2 = spin_lock_irqsave(&irq_q);                 /* p -> q */
	spin_unlock_irqrestore(&irq_q, f2);
	spin_unlock_irqrestore(&irq_p, f1);
	lockorder_capture_begin(&r);
	init_alarm(&a, irq_take_q_then_p, NULL, ALARM_IRQ);
	set_awaiter_rel(&a, 1000 * NSEC_PER_USEC);
	KT_ASSERT_EQ(set_alarm(this_tchain(), &a), 0);
	sem_down(&irq_done);
	unset_alarm(this_tchain(), &a);
	KT_ASSERT_EQ(lockorder_capture_end(), 1);
	KT_ASSERT_EQ(r.kind, LOCKORDER_INVERSION);
	KT_ASSERT(!strcmp(r.taken, "kt lo irq p") && !strcmp(r.held, "kt lo irq q"));
	KT_ASSERT(site_is(r.taken_site, irq_p_site) && site_is(r.held_site, irq_q_site));
}

KTEST(lockorder, kernel_locks_are_classified)
{
	/* By the time ktests run, boot has taken dozens of named locks.  The
	 * graph goes into the log: Documentation/locking.md must agree. */
	lockorder_print();
	KT_ASSERT_MSG(lockorder_nr_classes() > 10, "%d classes", lockorder_nr_classes());
	KT_ASSERT_MSG(lockorder_nr_edges() > 0, "%d edges", lockorder_nr_edges());
	KT_ASSERT(lockorder_nr_classes() < LOCKORDER_MAX_CLASSES - 1);
	KT_ASSERT(lockorder_nr_edges() < LOCKORDER_MAX_EDGES);
}

/* ------------------------------------------------------- overhead --- */

#define ROUNDS 100000

/* ns per round of fn(l, inner) with IRQs off (no timer noise). */
static uint64_t time_rounds(void (*fn)(spinlock_t *, spinlock_t *), spinlock_t *l,
                            spinlock_t *inner)
{
	uint64_t flags = irq_save();
	uint64_t t0 = nsec_now();

	for (int i = 0; i < ROUNDS; i++)
		fn(l, inner);
	t0 = nsec_now() - t0;
	irq_restore(flags);
	return t0 / ROUNDS;
}

/* What spin_lock/spin_unlock compile to without CONFIG_SPINLOCK_DEBUG. */
static void bare_pair(spinlock_t *l, spinlock_t *inner)
{
	while (!spin_try_once(l))
		cpu_relax();
	if (inner) {
		while (!spin_try_once(inner))
			cpu_relax();
		__atomic_store_n(&inner->locked, 0, __ATOMIC_RELEASE);
	}
	__atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE);
}

static void checked_pair(spinlock_t *l, spinlock_t *inner)
{
	spin_lock(l);
	if (inner) {
		spin_lock(inner);
		spin_unlock(inner);
	}
	spin_unlock(l);
}

KTEST(lockorder, overhead)
{
	spinlock_t l = SPINLOCK_INITIALIZER("kt lo bench outer");
	spinlock_t in = SPINLOCK_INITIALIZER("kt lo bench inner");
	int depth = lockorder_held_depth();
	uint64_t bare = time_rounds(bare_pair, &l, NULL);
	uint64_t checked = time_rounds(checked_pair, &l, NULL);
	uint64_t bare2 = time_rounds(bare_pair, &l, &in);
	uint64_t checked2 = time_rounds(checked_pair, &l, &in);

	printk("ktest: (lockorder: one lock/unlock pair %lu ns checked, %lu ns bare; "
	       "nested pair %lu ns checked, %lu ns bare)\n", checked, bare, checked2, bare2);
	KT_ASSERT(lockorder_edge_known("kt lo bench outer", "kt lo bench inner"));
	KT_ASSERT(!lockorder_edge_known("kt lo bench inner", "kt lo bench outer"));
	KT_ASSERT_EQ(lockorder_held_depth(), depth);
}

#endif
