/* SPDX-License-Identifier: MIT */
/*
 * test_events.c - host tests of the event mailboxes: the kernel producers
 * (kern/src/event/ucq.c, evbitmap.c, ceq.c) against the user consumers
 * (user/parlib/), in one address space.
 *
 * Shims: uaccess on plain memory (user_range_ok and alignment checked as
 * the kernel does, CAS with __atomic), ucq_lock as a pthread mutex, and
 * ucq_page_map from aligned_alloc with a settable per-process cap.  Pages
 * from both sides are counted, so the tests check that drained pages are
 * recycled (spare) or freed, and that nothing leaks.  Covered: UCQ order
 * across thousands of messages and page growth, spare reuse, the per-UCQ
 * bound and the per-process cap (drops counted, -ENOSPC), bad UCQs, many
 * producer threads against one consumer thread; evbitmap coalescing and
 * concurrency; CEQ OR/ADD coalescing (with carry), blobs, ring overflow and
 * the recovery scan, bad geometry; event_mbox_get over each type.
 */
#include <event.h>
#include <uaccess.h>
#include <errno.h>
#include <parlib/event.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

/* ----------------------------------------------------------- shims --- */

static bool uok(const void *p, size_t len, size_t align)
{
	return !((uintptr_t)p & (align - 1)) && user_range_ok((uintptr_t)p, len);
}

int copy_from_user(void *dst, const void __user *usrc, size_t len)
{
	if (!uok(usrc, len, 1))
		return -EFAULT;
	memcpy(dst, usrc, len);
	return 0;
}

int copy_to_user(void __user *udst, const void *src, size_t len)
{
	if (!uok(udst, len, 1))
		return -EFAULT;
	memcpy(udst, src, len);
	return 0;
}

int get_user_u32(uint32_t *val, const void __user *uaddr)
{
	if ((uintptr_t)uaddr & 3)
		return -EINVAL;
	if (!uok(uaddr, 4, 4))
		return -EFAULT;
	*val = __atomic_load_n((const uint32_t *)uaddr, __ATOMIC_SEQ_CST);
	return 0;
}

int get_user_u64(uint64_t *val, const void __user *uaddr)
{
	if ((uintptr_t)uaddr & 7)
		return -EINVAL;
	if (!uok(uaddr, 8, 8))
		return -EFAULT;
	*val = __atomic_load_n((const uint64_t *)uaddr, __ATOMIC_SEQ_CST);
	return 0;
}

int put_user_u32(void __user *uaddr, uint32_t val)
{
	if ((uintptr_t)uaddr & 3)
		return -EINVAL;
	if (!uok(uaddr, 4, 4))
		return -EFAULT;
	__atomic_store_n((uint32_t *)uaddr, val, __ATOMIC_SEQ_CST);
	return 0;
}

int put_user_u64(void __user *uaddr, uint64_t val)
{
	if ((uintptr_t)uaddr & 7)
		return -EINVAL;
	if (!uok(uaddr, 8, 8))
		return -EFAULT;
	__atomic_store_n((uint64_t *)uaddr, val, __ATOMIC_SEQ_CST);
	return 0;
}

int cmpxchg_user_u32(void __user *uaddr, uint32_t *expected, uint32_t desired)
{
	if ((uintptr_t)uaddr & 3)
		return -EINVAL;
	if (!uok(uaddr, 4, 4))
		return -EFAULT;
	return __atomic_compare_exchange_n((uint32_t *)uaddr, expected, desired, false,
	                                   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST) ? 0 : -EAGAIN;
}

static pthread_mutex_t ucq_mutex = PTHREAD_MUTEX_INITIALIZER;
static long live_pages, kernel_maps;
static long page_cap = EV_UCQ_MAX_PROC_PGS;

void ucq_lock(struct proc *p)
{
	pthread_mutex_lock(&ucq_mutex);
}

void ucq_unlock(struct proc *p)
{
	pthread_mutex_unlock(&ucq_mutex);
}

static void *page_alloc(void)
{
	void *pg = aligned_alloc(PGSIZE, PGSIZE);

	if (pg) {
		memset(pg, 0, PGSIZE);
		__atomic_add_fetch(&live_pages, 1, __ATOMIC_SEQ_CST);
	}
	return pg;
}

static void page_free(void *pg)
{
	__atomic_sub_fetch(&live_pages, 1, __ATOMIC_SEQ_CST);
	free(pg);
}

/* The kernel's mapping: counted against page_cap like EV_UCQ_MAX_PROC_PGS
 * (pages the process still holds). */
int ucq_page_map(struct proc *p, uintptr_t *va)
{
	void *pg;

	if (__atomic_load_n(&live_pages, __ATOMIC_SEQ_CST) >= page_cap)
		return -ENOSPC;
	pg = page_alloc();
	if (!pg)
		return -ENOMEM;
	__atomic_add_fetch(&kernel_maps, 1, __ATOMIC_SEQ_CST);
	*va = (uintptr_t)pg;
	return 0;
}

static const struct ucq_mem_ops test_ops = { page_alloc, page_free };
static struct proc *const P = (struct proc *)0x1000;

/* ---------------------------------------------------------- helpers --- */

static struct event_msg mk(uint16_t type, uint32_t a2, uint64_t a3, uint64_t a4)
{
	return (struct event_msg){ .ev_type = type, .ev_arg2 = a2, .ev_arg3 = a3, .ev_arg4 = a4 };
}

static int post_seq(struct ucq *q, uint64_t seq)
{
	struct event_msg m = mk(EV_USER_IPI, (uint32_t)seq, seq * 3, ~seq);

	return ucq_post(P, (uintptr_t)q, &m);
}

static bool got_seq(struct ucq *q, uint64_t seq)
{
	struct event_msg m;

	return ucq_get_msg(q, &m) && m.ev_type == EV_USER_IPI && m.ev_arg2 == (uint32_t)seq &&
	       m.ev_arg3 == seq * 3 && m.ev_arg4 == ~seq;
}

/* --------------------------------------------------------------- UCQ --- */

HTEST(ucq_one_message_round_trip)
{
	struct ucq q;
	struct event_msg m;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	HT_ASSERT(ucq_is_empty(&q));
	HT_ASSERT(!ucq_get_msg(&q, &m));
	HT_ASSERT_EQ(post_seq(&q, 7), 0);
	HT_ASSERT(!ucq_is_empty(&q));
	HT_ASSERT(got_seq(&q, 7));
	HT_ASSERT(!ucq_get_msg(&q, &m));
	ucq_destroy(&q);
	HT_ASSERT_EQ(live_pages, 0);
}

HTEST(ucq_thousands_grow_pages_in_order_then_free_them)
{
	struct ucq q;
	const uint64_t n = 5000;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	for (uint64_t i = 0; i < n; i++)
		HT_ASSERT_EQ(post_seq(&q, i), 0);
	/* 5000 messages need 40 pages: the first, the spare, 38 mapped. */
	HT_ASSERT_EQ(q.nr_extra_pgs, (n - 1) / UCQ_SLOTS_PER_PAGE);
	HT_ASSERT_EQ(kernel_maps, (long)((n - 1) / UCQ_SLOTS_PER_PAGE) - 1);
	HT_ASSERT_EQ(q.spare_pg, 0);
	for (uint64_t i = 0; i < n; i++)
		HT_ASSERT_MSG(got_seq(&q, i), "message %lu", (unsigned long)i);
	HT_ASSERT(ucq_is_empty(&q));
	HT_ASSERT_EQ(q.nr_extra_pgs, 0);
	HT_ASSERT(q.spare_pg != 0);
	HT_ASSERT_EQ(live_pages, 2);    /* the current page and one spare */
	HT_ASSERT_EQ(q.nr_dropped, 0);
	ucq_destroy(&q);
	HT_ASSERT_EQ(live_pages, 0);
}

HTEST(ucq_consumer_keeping_up_reuses_the_spare)
{
	struct ucq q;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	for (uint64_t i = 0; i < 20 * UCQ_SLOTS_PER_PAGE; i++) {
		HT_ASSERT_EQ(post_seq(&q, i), 0);
		HT_ASSERT(got_seq(&q, i));
	}
	HT_ASSERT_EQ(kernel_maps, 0);
	HT_ASSERT_EQ(live_pages, 2);
	ucq_destroy(&q);
}

HTEST(ucq_bound_per_queue_drops_and_counts)
{
	struct ucq q;
	uint64_t cap = (UCQ_MAX_EXTRA_PGS + 1) * UCQ_SLOTS_PER_PAGE, i;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	for (i = 0; i < cap; i++)
		HT_ASSERT_EQ(post_seq(&q, i), 0);
	for (int k = 0; k < 10; k++)
		HT_ASSERT_EQ(post_seq(&q, i + k), -ENOSPC);
	HT_ASSERT_EQ(ucq_nr_dropped(&q), 10);
	HT_ASSERT_EQ(q.nr_extra_pgs, UCQ_MAX_EXTRA_PGS);
	HT_ASSERT_EQ(live_pages, UCQ_MAX_EXTRA_PGS + 1);
	HT_ASSERT_EQ(q.prod_overflow, 0);
	for (i = 0; i < cap; i++)
		HT_ASSERT(got_seq(&q, i));
	HT_ASSERT(ucq_is_empty(&q));
	/* Drained: the queue takes messages again. */
	HT_ASSERT_EQ(post_seq(&q, 1), 0);
	HT_ASSERT(got_seq(&q, 1));
	ucq_destroy(&q);
	HT_ASSERT_EQ(live_pages, 0);
}

HTEST(ucq_process_page_cap_drops)
{
	struct ucq q;
	uint64_t i;

	page_cap = 4;   /* first + spare + 2 mapped */
	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	for (i = 0; i < 4 * UCQ_SLOTS_PER_PAGE; i++)
		HT_ASSERT_EQ(post_seq(&q, i), 0);
	HT_ASSERT_EQ(post_seq(&q, i), -ENOSPC);
	HT_ASSERT_EQ(ucq_nr_dropped(&q), 1);
	HT_ASSERT_EQ(kernel_maps, 2);
	HT_ASSERT_EQ(live_pages, 4);
	for (i = 0; i < 4 * UCQ_SLOTS_PER_PAGE; i++)
		HT_ASSERT(got_seq(&q, i));
	ucq_destroy(&q);
}

HTEST(ucq_bad_queues_refused)
{
	struct ucq q;
	struct event_msg m = mk(1, 0, 0, 0);
	uint64_t good;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	good = q.prod_idx;
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q + 4, &m), -EFAULT);
	HT_ASSERT_EQ(ucq_post(P, 0xffff800000001000ul, &m), -EFAULT);
	HT_ASSERT_EQ(ucq_post(P, USER_LIMIT - 8, &m), -EFAULT);
	q.ucq_ready = 0;
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), -EINVAL);
	q.ucq_ready = 1;
	q.prod_idx = good | (UCQ_SLOTS_PER_PAGE + 1);
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), -EINVAL);
	q.prod_idx = 5;                             /* page 0 */
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), -EINVAL);
	q.prod_idx = 0xffff800000000000ul;          /* a kernel page */
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), -EINVAL);
	/* A full page with a garbage spare. */
	void *spare = (void *)(uintptr_t)q.spare_pg;
	q.prod_idx = good | UCQ_SLOTS_PER_PAGE;
	q.spare_pg = 0x1234;
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), -EINVAL);
	HT_ASSERT_EQ(q.prod_overflow, 0);
	q.spare_pg = (uintptr_t)spare;
	q.prod_idx = good;
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&q, &m), 0);
	HT_ASSERT_EQ(live_pages, 2);
	ucq_destroy(&q);
}

#define NPROD   4
#define PER     6000

struct prod_arg {
	struct ucq *q;
	int id;
};

static void *ucq_producer(void *arg)
{
	struct prod_arg *a = arg;

	for (uint32_t i = 0; i < PER; i++) {
		struct event_msg m = mk(EV_USER_IPI, i, (uint64_t)a->id, 0);

		while (ucq_post(P, (uintptr_t)a->q, &m) == -ENOSPC)
			sched_yield();
	}
	return NULL;
}

HTEST(ucq_many_producers_one_consumer)
{
	static struct ucq q;
	pthread_t th[NPROD];
	struct prod_arg args[NPROD];
	uint32_t next[NPROD] = { 0 };
	long got = 0;

	HT_ASSERT_EQ(ucq_init(&q, &test_ops), 0);
	for (int i = 0; i < NPROD; i++) {
		args[i] = (struct prod_arg){ &q, i };
		HT_ASSERT_EQ(pthread_create(&th[i], NULL, ucq_producer, &args[i]), 0);
	}
	while (got < NPROD * PER) {
		struct event_msg m;

		if (!ucq_get_msg(&q, &m))
			continue;
		HT_ASSERT(m.ev_arg3 < NPROD);
		HT_ASSERT_EQ(m.ev_arg2, next[m.ev_arg3]);   /* per-producer order */
		next[m.ev_arg3]++;
		got++;
	}
	for (int i = 0; i < NPROD; i++)
		pthread_join(th[i], NULL);
	HT_ASSERT(ucq_is_empty(&q));
	HT_ASSERT_EQ(q.nr_extra_pgs, 0);
	ucq_destroy(&q);
	HT_ASSERT_EQ(live_pages, 0);
}

/* ---------------------------------------------------------- evbitmap --- */

HTEST(evbitmap_coalesces_and_reports_each_type)
{
	struct evbitmap bm;
	struct event_msg m = mk(3, 9, 9, 9), out;
	uint64_t seen = 0;

	evbitmap_init(&bm);
	HT_ASSERT(evbitmap_is_empty(&bm));
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm, &m), 0);
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm, &m), 0);
	m.ev_type = 63;
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm, &m), 0);
	m.ev_type = 33;
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm, &m), 0);
	HT_ASSERT_EQ(bm.bits[0], (1ull << 3) | (1ull << 33) | (1ull << 63));
	while (evbitmap_get_msg(&bm, &out)) {
		HT_ASSERT_EQ(out.ev_arg2, 0);    /* payloads are lost */
		HT_ASSERT(!(seen & (1ull << out.ev_type)));
		seen |= 1ull << out.ev_type;
	}
	HT_ASSERT_EQ(seen, (1ull << 3) | (1ull << 33) | (1ull << 63));
	HT_ASSERT(!evbitmap_get_msg(&bm, &out));
	m.ev_type = EV_NR_TYPES;
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm, &m), -EINVAL);
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm + 4, &m), -EINVAL);
	m.ev_type = 1;
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&bm + 4, &m), -EFAULT);
	HT_ASSERT_EQ(evbitmap_post(0xffff800000000000ul, &m), -EFAULT);
}

static struct evbitmap bm_shared;

static void *bm_producer(void *arg)
{
	uint16_t base = (uint16_t)(uintptr_t)arg;

	for (int r = 0; r < 2000; r++) {
		struct event_msg m = mk((uint16_t)(base + r % 16), 0, 0, 0);

		evbitmap_post((uintptr_t)&bm_shared, &m);
	}
	return NULL;
}

HTEST(evbitmap_concurrent_producers_lose_no_type)
{
	pthread_t th[4];
	uint64_t seen = 0;
	struct event_msg m;

	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, bm_producer, (void *)(uintptr_t)(i * 16));
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	while (evbitmap_get_msg(&bm_shared, &m))
		seen |= 1ull << m.ev_type;
	HT_ASSERT_EQ(seen, ~0ull);
}

/* --------------------------------------------------------------- CEQ --- */

static struct ceq_event cevs[64];
static int32_t cring[4];

HTEST(ceq_or_coalesces_with_last_blob)
{
	struct ceq c;
	struct event_msg m = mk(5, 0x1, 100, 0), out;

	HT_ASSERT_EQ(ceq_init(&c, CEQ_OR, cevs, 64, cring, 4), 0);
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	m.ev_arg2 = 0x4;
	m.ev_arg3 = 200;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	HT_ASSERT_EQ(c.prod_idx, 1);    /* one ring entry for both */
	HT_ASSERT(ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(out.ev_type, 5);
	HT_ASSERT_EQ(out.ev_arg2, 0x5);
	HT_ASSERT_EQ(out.ev_arg3, 200);
	HT_ASSERT(!ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(c.max_event_ever, 5);
	m.ev_arg2 = 0x2;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);   /* re-posts after a take */
	HT_ASSERT(ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(out.ev_arg2, 0x2);
}

HTEST(ceq_add_carries_into_the_high_half)
{
	struct ceq c;
	struct event_msg m = mk(2, 0xffffffffu, 0, 0), out;

	HT_ASSERT_EQ(ceq_init(&c, CEQ_ADD, cevs, 64, cring, 4), 0);
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	HT_ASSERT(ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(out.ev_arg4, 3ull * 0xffffffffu);
}

HTEST(ceq_ring_overflow_recovered_by_scan)
{
	struct ceq c;
	struct event_msg out;
	uint64_t seen = 0;
	int n = 0;

	HT_ASSERT_EQ(ceq_init(&c, CEQ_OR, cevs, 64, cring, 4), 0);
	for (uint16_t id = 10; id < 20; id++) {
		struct event_msg m = mk(id, 1, id, 0);

		HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), 0);
	}
	HT_ASSERT_EQ(c.ring_overflowed, 1);
	HT_ASSERT_EQ(c.prod_idx, 4);
	while (ceq_get_msg(&c, &out)) {
		HT_ASSERT(!(seen & (1ull << out.ev_type)));
		HT_ASSERT_EQ(out.ev_arg3, out.ev_type);
		seen |= 1ull << out.ev_type;
		n++;
	}
	HT_ASSERT_EQ(n, 10);
	HT_ASSERT_EQ(seen, ((1ull << 20) - 1) & ~((1ull << 10) - 1));
	HT_ASSERT_EQ(c.ring_overflowed, 0);
}

HTEST(ceq_unwritten_ring_slot_is_not_taken)
{
	struct ceq c;
	struct event_msg out;

	HT_ASSERT_EQ(ceq_init(&c, CEQ_OR, cevs, 64, cring, 4), 0);
	c.prod_idx = 1;         /* a producer claimed slot 0 but has not written it */
	HT_ASSERT(!ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(c.cons_pub_idx, 0);
	cring[0] = 7;
	cevs[7].idx_posted = 1;
	HT_ASSERT(ceq_get_msg(&c, &out));
	HT_ASSERT_EQ(out.ev_type, 7);
	HT_ASSERT_EQ(cring[0], -1);
}

HTEST(ceq_bad_geometry_refused)
{
	struct ceq c;
	struct event_msg m = mk(3, 1, 0, 0);

	HT_ASSERT_EQ(ceq_init(&c, 7, cevs, 64, cring, 4), -22);
	HT_ASSERT_EQ(ceq_init(&c, CEQ_OR, cevs, 64, cring, 3), -22);
	HT_ASSERT_EQ(ceq_init(&c, CEQ_OR, cevs, 4, cring, 4), 0);
	m.ev_type = 4;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EINVAL);     /* id past nr_events */
	c.ring_sz = 3;
	m.ev_type = 1;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EINVAL);
	c.ring_sz = 4;
	c.operation = 9;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EINVAL);
	c.operation = CEQ_OR;
	c.events = 0xffff800000000000ul;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EFAULT);
	c.events = (uintptr_t)cevs;
	c.nr_events = CEQ_MAX_EVENTS + 1;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EINVAL);
	c.nr_events = 4;
	c.ring = USER_LIMIT - 8;
	HT_ASSERT_EQ(ceq_post((uintptr_t)&c, &m), -EFAULT);
}

static struct ceq ceq_shared;
static int adders_done;

static void *ceq_adder(void *arg)
{
	for (int i = 0; i < 5000; i++) {
		struct event_msg m = mk((uint16_t)(i % 8), 3, 0, 0);

		ceq_post((uintptr_t)&ceq_shared, &m);
	}
	__atomic_add_fetch(&adders_done, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

HTEST(ceq_concurrent_adds_sum_exactly)
{
	static struct ceq_event evs[8];
	static int32_t ring[8];
	pthread_t th[4];
	uint64_t total = 0;
	struct event_msg out;
	bool done = false;

	HT_ASSERT_EQ(ceq_init(&ceq_shared, CEQ_ADD, evs, 8, ring, 8), 0);
	for (int i = 0; i < 4; i++)
		pthread_create(&th[i], NULL, ceq_adder, NULL);
	while (!done) {
		done = __atomic_load_n(&adders_done, __ATOMIC_SEQ_CST) == 4;
		while (ceq_get_msg(&ceq_shared, &out))
			total += out.ev_arg4;
	}
	for (int i = 0; i < 4; i++)
		pthread_join(th[i], NULL);
	while (ceq_get_msg(&ceq_shared, &out))
		total += out.ev_arg4;
	HT_ASSERT_EQ(total, 4ull * 5000 * 3);
}

/* ----------------------------------------------------------- mailbox --- */

HTEST(event_mbox_get_dispatches_on_type)
{
	struct event_mbox mb;
	struct event_msg m = mk(9, 4, 5, 6), out;
	static struct ceq_event evs[16];
	static int32_t ring[4];

	memset(&mb, 0, sizeof(mb));
	HT_ASSERT(!event_mbox_get(&mb, &out));              /* type 0 */
	event_mbox_init_bitmap(&mb);
	HT_ASSERT_EQ(evbitmap_post((uintptr_t)&mb.evbm, &m), 0);
	HT_ASSERT(event_mbox_get(&mb, &out));
	HT_ASSERT_EQ(out.ev_type, 9);
	HT_ASSERT_EQ(event_mbox_init_ucq(&mb, &test_ops), 0);
	HT_ASSERT_EQ(ucq_post(P, (uintptr_t)&mb.ucq, &m), 0);
	HT_ASSERT(event_mbox_get(&mb, &out));
	HT_ASSERT_EQ(out.ev_arg4, 6);
	ucq_destroy(&mb.ucq);
	HT_ASSERT_EQ(event_mbox_init_ceq(&mb, CEQ_OR, evs, 16, ring, 4), 0);
	HT_ASSERT_EQ(ceq_post((uintptr_t)&mb.ceq, &m), 0);
	HT_ASSERT(event_mbox_get(&mb, &out));
	HT_ASSERT_EQ(out.ev_arg2, 4);
	HT_ASSERT(!event_mbox_get(&mb, &out));
}
