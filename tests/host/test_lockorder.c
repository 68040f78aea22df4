/* SPDX-License-Identifier: MIT */
/*
 * test_lockorder.c - host tests of the lock-order checker
 * (kern/src/sync/lockorder.c): its graph, its reports and its behaviour
 * when a table is full.  Each test runs in a fresh child, so each starts
 * with an empty graph.  Threads play cores (each has its own held stack).
 */
#include <lockorder.h>
#include <spinlock.h>

#include <pthread.h>
#include <string.h>

#include "htest.h"

static void take_pair(spinlock_t *a, spinlock_t *b)
{
	spin_lock(a);
	spin_lock(b);
	spin_unlock(b);
	spin_unlock(a);
}

HTEST(order_edges_are_recorded_once)
{
	spinlock_t a = SPINLOCK_INITIALIZER("a"), b = SPINLOCK_INITIALIZER("b");

	take_pair(&a, &b);
	take_pair(&a, &b);
	HT_ASSERT_EQ(lockorder_nr_classes(), 2);
	HT_ASSERT_EQ(lockorder_nr_edges(), 1);
	HT_ASSERT(lockorder_edge_known("a", "b"));
	HT_ASSERT(!lockorder_edge_known("b", "a"));
	HT_ASSERT_EQ(lockorder_held_depth(), 0);
}

HTEST(same_name_is_one_class)
{
	char name2[] = "shared";        /* another copy of the same string */
	spinlock_t a = SPINLOCK_INITIALIZER("shared"), b = SPINLOCK_INITIALIZER(name2);
	spinlock_t c = SPINLOCK_INITIALIZER("other");

	take_pair(&a, &c);
	take_pair(&b, &c);
	HT_ASSERT_EQ(lockorder_nr_classes(), 2);
	HT_ASSERT_EQ(lockorder_nr_edges(), 1);
}

HTEST(inversion_panics)
{
	spinlock_t a = SPINLOCK_INITIALIZER("a"), b = SPINLOCK_INITIALIZER("b");

	take_pair(&a, &b);
	htest_expect_panic();
	take_pair(&b, &a);
}

HTEST(same_class_nesting_panics)
{
	spinlock_t a = SPINLOCK_INITIALIZER("same"), b = SPINLOCK_INITIALIZER("same");

	htest_expect_panic();
	take_pair(&a, &b);
}

HTEST(inversion_report_names_the_path)
{
	spinlock_t l[4] = { SPINLOCK_INITIALIZER("l0"), SPINLOCK_INITIALIZER("l1"),
	                    SPINLOCK_INITIALIZER("l2"), SPINLOCK_INITIALIZER("l3") };
	struct lockorder_report r;

	for (int i = 0; i < 3; i++)
		take_pair(&l[i], &l[i + 1]);
	lockorder_capture_begin(&r);
	take_pair(&l[3], &l[0]);
	HT_ASSERT_EQ(lockorder_capture_end(), 1);
	HT_ASSERT_EQ(r.kind, LOCKORDER_INVERSION);
	HT_ASSERT_STREQ(r.taken, "l0");
	HT_ASSERT_STREQ(r.held, "l3");
	HT_ASSERT_STREQ(r.prior_from, "l0");
	HT_ASSERT_STREQ(r.prior_to, "l1");
	HT_ASSERT_EQ(r.path_len, 3);
	HT_ASSERT(r.taken_site && r.held_site && r.prior_from_site && r.prior_to_site);
	HT_ASSERT_STREQ(r.prior_from_site->func, "take_pair");
	HT_ASSERT(!lockorder_edge_known("l3", "l0"));
}

static spinlock_t ta = SPINLOCK_INITIALIZER("thread a"), tb = SPINLOCK_INITIALIZER("thread b");
static struct lockorder_report thread_r;
static int thread_n;

static void *invert_on_other_core(void *arg)
{
	lockorder_capture_begin(&thread_r);
	take_pair(&tb, &ta);
	thread_n = lockorder_capture_end();
	return arg;
}

HTEST(orders_seen_on_one_core_bind_the_others)
{
	pthread_t t;

	take_pair(&ta, &tb);
	HT_ASSERT_EQ(pthread_create(&t, NULL, invert_on_other_core, NULL), 0);
	pthread_join(t, NULL);
	HT_ASSERT_EQ(thread_n, 1);
	HT_ASSERT_STREQ(thread_r.taken, "thread a");
	HT_ASSERT_STREQ(thread_r.held, "thread b");
}

HTEST(held_stack_overflow_warns_and_goes_on)
{
	static char names[LOCKORDER_MAX_HELD + 2][16];
	spinlock_t l[LOCKORDER_MAX_HELD + 2];
	const char *out;

	for (int i = 0; i < LOCKORDER_MAX_HELD + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "h%d", i);
		spinlock_init(&l[i], names[i]);
	}
	htest_capture_begin();
	for (int i = 0; i < LOCKORDER_MAX_HELD + 2; i++)
		spin_lock(&l[i]);
	HT_ASSERT_EQ(lockorder_held_depth(), LOCKORDER_MAX_HELD);
	for (int i = LOCKORDER_MAX_HELD + 1; i >= 0; i--)
		spin_unlock(&l[i]);
	out = htest_capture_end();
	HT_ASSERT_EQ(lockorder_held_depth(), 0);
	HT_ASSERT_MSG(strstr(out, "more than 16 locks held") &&
	              !strstr(strstr(out, "more than 16") + 1, "more than 16"),
	              "warnings: %s", out);
}

HTEST(class_table_full_warns_once_and_stops_checking)
{
	static char names[LOCKORDER_MAX_CLASSES + 2][16];
	spinlock_t l[LOCKORDER_MAX_CLASSES + 2];
	const char *out;

	htest_capture_begin();
	for (int i = 0; i < LOCKORDER_MAX_CLASSES + 2; i++) {
		snprintf(names[i], sizeof(names[i]), "c%d", i);
		spinlock_init(&l[i], names[i]);
		spin_lock(&l[i]);
		spin_unlock(&l[i]);
	}
	/* Untracked classes can be taken in any order without a report. */
	take_pair(&l[LOCKORDER_MAX_CLASSES], &l[LOCKORDER_MAX_CLASSES + 1]);
	take_pair(&l[LOCKORDER_MAX_CLASSES + 1], &l[LOCKORDER_MAX_CLASSES]);
	out = htest_capture_end();
	HT_ASSERT_EQ(lockorder_nr_classes(), LOCKORDER_MAX_CLASSES - 1);
	HT_ASSERT_MSG(strstr(out, "more than 255 lock classes; 'c255'") &&
	              !strstr(out, "'c256'"), "warnings: %s", out);
}

HTEST(unnamed_lock_warns_and_is_not_checked)
{
	spinlock_t a = SPINLOCK_INITIALIZER(NULL), b = SPINLOCK_INITIALIZER(NULL);
	const char *out;

	htest_capture_begin();
	take_pair(&a, &b);
	take_pair(&b, &a);
	out = htest_capture_end();
	HT_ASSERT_MSG(strstr(out, "a lock without a name taken at tests/host/test_lockorder.c"),
	              "warnings: %s", out);
	HT_ASSERT_EQ(lockorder_nr_classes(), 0);
}
