/* SPDX-License-Identifier: MIT */
/*
 * b_locks.c - B10, the 2LS's spinlocks uncontended, one core.
 *
 *	lock_spin_pdr   Vireo: spin_pdr_lock + unlock in an MCP's uthread
 *	                (notifications off and on again around the hold);
 *	                Linux: pthread_spin_lock + unlock
 *	lock_mcs_pdr    Vireo: mcs_pdr_lock + unlock (a queue node of this
 *	                vcore, an exchange and a compare-and-swap); Linux: a
 *	                plain MCS lock, the same queue without the preemption
 *	                recovery (no vcores to look after)
 *
 * The contended and preempted figures of B10 need several cores (icount
 * runs one): libc_mcp_locks tests that case, it is not timed.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "bench.h"

#ifdef __vireo__
#include <parlib/mcs_pdr.h>
#include <parlib/pdr_lock.h>
#include <parlib/vcore.h>

static struct spin_pdr_lock bl_spin = SPIN_PDR_INITIALIZER;
static struct mcs_pdr_lock bl_mcs = MCS_PDR_INITIALIZER;

static int bl_setup(void)
{
	int ret = vcore_change_to_m();

	if (ret)
		printf("b_locks: change_to_m: error %d\n", -ret);
	return ret;
}

static void spin_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++) {
		spin_pdr_lock(&bl_spin);
		spin_pdr_unlock(&bl_spin);
	}
}

static void mcs_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++) {
		mcs_pdr_lock(&bl_mcs);
		mcs_pdr_unlock(&bl_mcs);
	}
}
#else
static pthread_spinlock_t bl_spin;

struct bl_qnode {
	struct bl_qnode *next;
	int locked;
} __attribute__((aligned(64)));

static struct bl_qnode *bl_tail;

static int bl_setup(void)
{
	return pthread_spin_init(&bl_spin, PTHREAD_PROCESS_PRIVATE);
}

static void spin_round(void *arg, long iters)
{
	for (long i = 0; i < iters; i++) {
		pthread_spin_lock(&bl_spin);
		pthread_spin_unlock(&bl_spin);
	}
}

static void bl_mcs_lock(struct bl_qnode *q)
{
	struct bl_qnode *pred;

	__atomic_store_n(&q->next, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&q->locked, 1, __ATOMIC_RELAXED);
	pred = __atomic_exchange_n(&bl_tail, q, __ATOMIC_ACQ_REL);
	if (!pred)
		return;
	__atomic_store_n(&pred->next, q, __ATOMIC_RELEASE);
	while (__atomic_load_n(&q->locked, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
}

static void bl_mcs_unlock(struct bl_qnode *q)
{
	struct bl_qnode *next = __atomic_load_n(&q->next, __ATOMIC_ACQUIRE), *expect = q;

	if (!next) {
		if (__atomic_compare_exchange_n(&bl_tail, &expect, NULL, 0, __ATOMIC_RELEASE,
		                                __ATOMIC_RELAXED))
			return;
		while (!(next = __atomic_load_n(&q->next, __ATOMIC_ACQUIRE)))
			__builtin_ia32_pause();
	}
	__atomic_store_n(&next->locked, 0, __ATOMIC_RELEASE);
}

static void mcs_round(void *arg, long iters)
{
	static struct bl_qnode q;

	for (long i = 0; i < iters; i++) {
		bl_mcs_lock(&q);
		bl_mcs_unlock(&q);
	}
}
#endif

int main(void)
{
	if (bl_setup())
		return 1;
	bench_report("lock_spin_pdr", "ns", spin_round, NULL, 20000);
	bench_report("lock_mcs_pdr", "ns", mcs_round, NULL, 20000);
	return 0;
}
