/* SPDX-License-Identifier: MIT */
/*
 * kt_kmsg.c - ktests for kernel messages and smp_call_function (suite kmsg).
 *
 * Ordered delivery: KMSG_PER_CORE numbered messages go to every online core
 * (this one too); each handler checks it runs on the right core and that its
 * number is the next one expected there.  The same for routine messages,
 * and for messages sent from every core at once to one core (order per
 * sender).  smp_call_function(_all) must run on every core exactly once.
 */
#include <arch/trap.h>
#include <atomic.h>
#include <kmsg.h>
#include <kthread.h>
#include <ktest.h>
#include <percpu.h>
#include <smp.h>
#include <time.h>

#define KMSG_PER_CORE 1000
#define KMSG_WAIT_MS  20000

struct kmsg_seq {
	uint64_t next;                  /* next number expected (receiver only) */
	uint64_t errors;
	uint64_t wrong_ctx;
};

static struct kmsg_seq seqs[MAX_CORES][MAX_CORES];   /* [receiver][sender] */
static atomic_t kmsg_done;

static void kt_seq_reset(void)
{
	for (int r = 0; r < MAX_CORES; r++)
		for (int s = 0; s < MAX_CORES; s++)
			seqs[r][s] = (struct kmsg_seq){ 0 };
	atomic_set(&kmsg_done, 0);
}

/* a0 = sender, a1 = number, a2 = KMSG type it was sent as */
static void kt_seq_handler(uint64_t sender, uint64_t n, uint64_t type)
{
	struct kmsg_seq *s = &seqs[core_id()][sender];

	if (s->next != n)
		s->errors++;
	s->next = n + 1;
	if ((type == KMSG_IMMEDIATE) != in_irq_ctx())
		s->wrong_ctx++;
	atomic_inc(&kmsg_done);
}

static bool kt_wait_count(atomic_t *ctr, int64_t want)
{
	uint64_t end = nsec_now() + KMSG_WAIT_MS * NSEC_PER_MSEC;

	while (atomic_read(ctr) < want) {
		if (nsec_now() > end)
			return false;
		kthread_usleep(500);
	}
	return true;
}

static uint32_t kt_online_cores(void)
{
	uint32_t n = 0;

	for (uint32_t c = 0; c < num_cores; c++)
		n += READ_ONCE(percpu_of(c)->online);
	return n;
}

static bool kt_seqs_ok(uint32_t sender)
{
	for (uint32_t c = 0; c < num_cores; c++) {
		struct kmsg_seq *s = &seqs[c][sender];

		if (s->errors || s->wrong_ctx || s->next != KMSG_PER_CORE)
			return false;
	}
	return true;
}

static void kt_send_seq_to_all(int type)
{
	uint32_t self = core_id();

	for (uint64_t i = 0; i < KMSG_PER_CORE; i++)
		for (uint32_t c = 0; c < num_cores; c++)
			send_kernel_message(c, kt_seq_handler, self, i, type, type);
}

KTEST(kmsg, immediate_in_order_every_core)
{
	kt_seq_reset();
	kt_send_seq_to_all(KMSG_IMMEDIATE);
	KT_ASSERT(kt_wait_count(&kmsg_done, (int64_t)KMSG_PER_CORE * kt_online_cores()));
	KT_ASSERT(kt_seqs_ok(core_id()));
}

KTEST(kmsg, routine_in_order_every_core)
{
	kt_seq_reset();
	kt_send_seq_to_all(KMSG_ROUTINE);
	KT_ASSERT(kt_wait_count(&kmsg_done, (int64_t)KMSG_PER_CORE * kt_online_cores()));
	KT_ASSERT(kt_seqs_ok(core_id()));
}

/* Every core sends KMSG_PER_CORE routine messages to core 0 at once. */
static void kt_send_seq_to_core0(void *unused)
{
	for (uint64_t i = 0; i < KMSG_PER_CORE; i++)
		send_kernel_message(0, kt_seq_handler, core_id(), i, KMSG_ROUTINE,
		                    KMSG_ROUTINE);
}

KTEST(kmsg, many_senders_keep_order)
{
	uint32_t n = kt_online_cores();

	kt_seq_reset();
	smp_call_function_all(kt_send_seq_to_core0, NULL, true);
	KT_ASSERT(kt_wait_count(&kmsg_done, (int64_t)KMSG_PER_CORE * n));
	for (uint32_t s = 0; s < num_cores; s++)
		KT_ASSERT_MSG(!seqs[0][s].errors && seqs[0][s].next == KMSG_PER_CORE,
		              "sender %u: %lu out of order, %lu arrived", s,
		              seqs[0][s].errors, seqs[0][s].next);
}

static uint64_t call_hits[MAX_CORES];

static void kt_call_hit(void *arg)
{
	__atomic_fetch_add(&call_hits[core_id()], (uint64_t)arg, __ATOMIC_SEQ_CST);
}

KTEST(kmsg, smp_call_function_all_runs_everywhere)
{
	for (int c = 0; c < MAX_CORES; c++)
		call_hits[c] = 0;
	for (int round = 0; round < 10; round++)
		smp_call_function_all(kt_call_hit, (void *)1, true);
	for (uint32_t c = 0; c < num_cores; c++)
		KT_ASSERT_EQ(call_hits[c], 10);
	for (uint32_t c = 0; c < num_cores; c++)
		KT_ASSERT_EQ(smp_call_function(c, kt_call_hit, (void *)5, true), 0);
	for (uint32_t c = 0; c < num_cores; c++)
		KT_ASSERT_EQ(call_hits[c], 15);
}

KTEST(kmsg, counters_and_bad_input)
{
	uint64_t s0[2], r0[2], s1[2], r1[2];

	kt_seq_reset();
	kmsg_get_counts(core_id(), s0, r0);
	send_kernel_message(core_id(), kt_seq_handler, core_id(), 0, KMSG_ROUTINE,
	                    KMSG_ROUTINE);
	KT_ASSERT(kt_wait_count(&kmsg_done, 1));
	kmsg_get_counts(core_id(), s1, r1);
	KT_ASSERT_EQ(s1[1] - s0[1], 1);
	KT_ASSERT_EQ(r1[1] - r0[1], 1);
	KT_ASSERT(send_kernel_message(num_cores, kt_seq_handler, 0, 0, 0, KMSG_ROUTINE) < 0);
	KT_ASSERT(send_kernel_message(0, kt_seq_handler, 0, 0, 0, 3) < 0);
	KT_ASSERT(send_kernel_message(0, NULL, 0, 0, 0, KMSG_ROUTINE) < 0);
}
