/* SPDX-License-Identifier: MIT */
/*
 * mcs_pdr.c - MCS-PDR locks (parlib/mcs_pdr.h).
 *
 * Taking: notifications off, a free node of this vcore, an atomic swap of
 * the tail; a predecessor gets our node as its next (release), and we spin
 * on our own `locked` until it hands the lock over.  Releasing: with no
 * successor, a compare-and-swap of the tail back to NULL; if it fails, a
 * waiter swapped itself in and is about to link: we wait for it, then
 * clear its `locked` (release).  Every PDR_SPINS_BEFORE_HOOK spins a
 * waiter makes its predecessor's vcore run, an unlocker every vcore with a
 * node on the lock (ensure_vcore_runs, vcore_preempt.c).
 *
 * The nodes are a static array, MCS_PDR_NEST per vcore; a vcore's nodes
 * are touched only by that vcore, apart from `next` and `locked` (atomic)
 * and `vcoreid` (set once).
 */
#include <stddef.h>
#include <parlib/mcs_pdr.h>
#include <parlib/pdr_lock.h>
#include <parlib/syscall.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>

static const volatile struct procinfo *const pinfo = (const volatile struct procinfo *)UINFO;
static struct mcs_pdr_qnode mcs_nodes[ROS_MAX_VCORES][MCS_PDR_NEST];

static __attribute__((noreturn)) void mcs_pdr_die(const char *msg)
{
	ros_syscall_raw(SYS_write, 2, (uintptr_t)msg, __builtin_strlen(msg), 0, 0, 0);
	ros_syscall_raw(SYS_proc_destroy, 0, PROC_EXIT_SIGNALED | 6, 0, 0, 0, 0);
	for (;;)
		ros_syscall_raw(SYS_proc_yield, 0, 0, 0, 0, 0, 0);
}

/* Notifications off: vcore v's node for lock l (a free one, or l's). */
static struct mcs_pdr_qnode *mcs_node(uint32_t v, struct mcs_pdr_lock *l,
                                      struct mcs_pdr_lock *want)
{
	for (int i = 0; i < MCS_PDR_NEST; i++)
		if (__atomic_load_n(&mcs_nodes[v][i].lock, __ATOMIC_RELAXED) == want) {
			__atomic_store_n(&mcs_nodes[v][i].lock, l, __ATOMIC_RELAXED);
			mcs_nodes[v][i].vcoreid = v;
			return &mcs_nodes[v][i];
		}
	mcs_pdr_die(want ? "parlib: mcs_pdr_unlock of a lock not held\n"
	                 : "parlib: more than MCS_PDR_NEST MCS-PDR locks held\n");
}

void mcs_pdr_init(struct mcs_pdr_lock *l)
{
	__atomic_store_n(&l->tail, NULL, __ATOMIC_RELEASE);
}

void mcs_pdr_lock(struct mcs_pdr_lock *l)
{
	struct mcs_pdr_qnode *q, *pred;
	uint32_t spins = 0;

	q = mcs_node(uth_disable_notifs_vcoreid(), l, NULL);
	__atomic_store_n(&q->next, NULL, __ATOMIC_RELAXED);
	__atomic_store_n(&q->locked, 1, __ATOMIC_RELAXED);
	pred = __atomic_exchange_n(&l->tail, q, __ATOMIC_ACQ_REL);
	if (!pred)
		return;
	__atomic_store_n(&pred->next, q, __ATOMIC_RELEASE);
	while (__atomic_load_n(&q->locked, __ATOMIC_ACQUIRE)) {
		__builtin_ia32_pause();
		if (++spins % PDR_SPINS_BEFORE_HOOK == 0)
			ensure_vcore_runs(pred->vcoreid);
	}
}

/* A waiter swapped itself in after us and has not linked yet: make every
 * vcore queued on l run (the one we wait for is among them). */
static void mcs_pdr_kick_queued(struct mcs_pdr_lock *l, uint32_t me)
{
	for (uint32_t v = 0; v < ROS_MAX_VCORES && v < pinfo->max_vcores; v++)
		for (int i = 0; v != me && i < MCS_PDR_NEST; i++)
			if (__atomic_load_n(&mcs_nodes[v][i].lock, __ATOMIC_RELAXED) == l)
				ensure_vcore_runs(v);
}

void mcs_pdr_unlock(struct mcs_pdr_lock *l)
{
	uint32_t me = vcore_id(), spins = 0;
	struct mcs_pdr_qnode *q = mcs_node(me, l, l), *next, *expect = q;

	next = __atomic_load_n(&q->next, __ATOMIC_ACQUIRE);
	if (!next) {
		if (__atomic_compare_exchange_n(&l->tail, &expect, NULL, false, __ATOMIC_RELEASE,
		                                __ATOMIC_RELAXED))
			goto out;
		while (!(next = __atomic_load_n(&q->next, __ATOMIC_ACQUIRE))) {
			__builtin_ia32_pause();
			if (++spins % PDR_SPINS_BEFORE_HOOK == 0)
				mcs_pdr_kick_queued(l, me);
		}
	}
	__atomic_store_n(&next->locked, 0, __ATOMIC_RELEASE);
out:
	__atomic_store_n(&q->lock, NULL, __ATOMIC_RELAXED);
	uth_enable_notifs();
}

bool mcs_pdr_locked(struct mcs_pdr_lock *l)
{
	return __atomic_load_n(&l->tail, __ATOMIC_RELAXED) != NULL;
}
