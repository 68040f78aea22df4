/* SPDX-License-Identifier: MIT */
/*
 * test_ev_pick.c - host tests of the vcore choice for MCP events
 * (ev_pick.h): a table of vcore states, the queue flags, and where the
 * message and its alert go; a random run checks that a spammed message
 * never lands on a vcore that will not look while one that will exists.
 */
#include <stdlib.h>
#include "htest.h"
#include <ev_pick.h>
#include <ros/event.h>

#define ON   (EVP_ONLINE | EVP_CAN_RCV)
#define PRE  (EVP_PREEMPTED | EVP_CAN_RCV)
#define YLD  EVP_ONLINE                 /* running, but about to yield */

static uint32_t st[8];

static uint32_t st_of(void *arg, uint32_t v)
{
	(void)arg;
	return st[v];
}

static struct ev_pick pick(uint32_t flags, uint32_t ev_vcore, uint32_t appro, uint32_t n)
{
	return (struct ev_pick){ .flags = flags, .ev_vcore = ev_vcore, .appro = appro,
	                         .nr_vcores = n, .state = st_of };
}

static void set(uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	st[0] = a;
	st[1] = b;
	st[2] = c;
	st[3] = d;
}

HTEST(ev_pick_wanted_is_ev_vcore_or_appro)
{
	struct ev_pick in = pick(0, 2, 1, 4);
	uint32_t cur;

	set(ON, ON, ON, ON);
	HT_ASSERT_EQ(ev_pick_wanted(&in, &cur), 2);
	HT_ASSERT_EQ(cur, 2);
	in.flags = EVENT_VCORE_APPRO;
	HT_ASSERT_EQ(ev_pick_wanted(&in, &cur), 1);
	in.flags = 0;
	in.ev_vcore = 99;                       /* out of range: vcore 0 */
	HT_ASSERT_EQ(ev_pick_wanted(&in, &cur), 0);
}

HTEST(ev_pick_roundrobin_rotates_over_online_vcores)
{
	struct ev_pick in = pick(EVENT_ROUNDROBIN | EVENT_VCORE_APPRO, 0, 3, 4);
	uint32_t cur, seen[4] = { 0 };

	set(ON, PRE, ON, ON);
	for (int i = 0; i < 9; i++) {
		uint32_t v = ev_pick_wanted(&in, &cur);

		HT_ASSERT(v != 1);              /* the preempted one is skipped */
		seen[v]++;
		in.ev_vcore = cur;
	}
	HT_ASSERT_EQ(seen[0], 3);
	HT_ASSERT_EQ(seen[2], 3);
	HT_ASSERT_EQ(seen[3], 3);
	set(PRE, PRE, PRE, PRE);                /* none online: the cursor's */
	in.ev_vcore = 2;
	HT_ASSERT_EQ(ev_pick_wanted(&in, &cur), 2);
	HT_ASSERT_EQ(cur, 3);
}

HTEST(ev_pick_spam_avoids_vcores_that_will_not_look)
{
	struct ev_pick in = pick(EVENT_SPAM_PUBLIC, 1, 0, 4);

	set(ON, ON, ON, ON);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 1);    /* the wanted one runs */
	set(ON, PRE, ON, ON);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 2);    /* MUST_RUN: the next running */
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, false), 1);   /* its recoverer drains it */
	set(ON, PRE, YLD, EVP_PREEMPTED);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 0);    /* 2 yields, 3 cannot receive */
	HT_ASSERT_EQ(ev_pick_spam(&in, 3, false), 0);   /* 3 does not look at all */
	set(YLD, PRE, 0, 0);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 0);    /* only a yielder runs: it */
	set(PRE, PRE, 0, 0);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 1);    /* nothing runs: the wanted */
	/* The EV_VCORE_PREEMPT about 1 while 2 yields and 3's preemption is
	 * on its way (it lapses: 3 is the last): 3, not 1's own mailbox. */
	set(PRE, PRE, 0, EVP_HELD | EVP_CAN_RCV);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 3);
	set(0, PRE, EVP_HELD, EVP_HELD | EVP_CAN_RCV);
	HT_ASSERT_EQ(ev_pick_spam(&in, 1, true), 2);    /* the first that holds a core */
}

HTEST(ev_pick_random_states_spam_lands_on_a_looker)
{
	srand(11);
	for (int round = 0; round < 20000; round++) {
		uint32_t n = 1 + (uint32_t)rand() % 8, want, to;
		struct ev_pick in = pick(EVENT_SPAM_PUBLIC, 0, 0, n);
		bool must = rand() & 1, looker = false;

		for (uint32_t v = 0; v < n; v++) {
			st[v] = (uint32_t)rand() % 8;
			if ((st[v] & EVP_ONLINE) && (st[v] & EVP_PREEMPTED))
				st[v] &= ~EVP_PREEMPTED;        /* never both */
			looker |= (st[v] & ON) == ON;
		}
		want = (uint32_t)rand() % n;
		to = ev_pick_spam(&in, want, must);
		HT_ASSERT(to < n);
		if (looker)
			HT_ASSERT((st[to] & ON) == ON ||
			          (!must && to == want && (st[to] & PRE) == PRE));
	}
}
