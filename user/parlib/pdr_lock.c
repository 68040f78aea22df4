/* SPDX-License-Identifier: MIT */
/*
 * pdr_lock.c - spin-PDR locks (parlib/pdr_lock.h).
 *
 * Taking: notifications off (uthread context), then a compare-and-swap of
 * 0 to our vcore id + 1 with acquire ordering, spinning on relaxed loads.
 * The vcore id is read after notifications are off, so it stays ours for
 * the hold.  Every PDR_SPINS_BEFORE_HOOK failed looks, the waiter calls
 * ensure_vcore_runs(holder) so a preempted holder is made to run.
 * Releasing: a release store of 0, then notifications back on.
 */
#include <parlib/pdr_lock.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>

void spin_pdr_init(struct spin_pdr_lock *l)
{
	__atomic_store_n(&l->lock, 0, __ATOMIC_RELEASE);
}

void spin_pdr_lock(struct spin_pdr_lock *l)
{
	uint32_t me, cur, spins = 0;

	me = uth_disable_notifs_vcoreid() + 1;
	for (;;) {
		cur = 0;
		if (__atomic_compare_exchange_n(&l->lock, &cur, me, false, __ATOMIC_ACQUIRE,
		                                __ATOMIC_RELAXED))
			return;
		while ((cur = __atomic_load_n(&l->lock, __ATOMIC_RELAXED))) {
			__builtin_ia32_pause();
			if (++spins % PDR_SPINS_BEFORE_HOOK == 0)
				ensure_vcore_runs(cur - 1);
		}
	}
}

void spin_pdr_unlock(struct spin_pdr_lock *l)
{
	__atomic_store_n(&l->lock, 0, __ATOMIC_RELEASE);
	uth_enable_notifs();
}

bool spin_pdr_locked(struct spin_pdr_lock *l)
{
	return __atomic_load_n(&l->lock, __ATOMIC_RELAXED) != 0;
}
