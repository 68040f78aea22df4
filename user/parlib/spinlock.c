/* SPDX-License-Identifier: MIT */
/*
 * spinlock.c - test-and-test-and-set spinlocks (parlib/spinlock.h).
 *
 * spin_trylock() is one atomic exchange with acquire ordering; spin_lock()
 * loops on relaxed loads (so the cache line stays shared while it waits)
 * and retries the exchange once the lock reads free; spin_unlock() is a
 * release store.
 */
#include <parlib/spinlock.h>

void spinlock_init(struct spin_lock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

bool spin_trylock(struct spin_lock *lock)
{
	return __atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE) == 0;
}

void spin_lock(struct spin_lock *lock)
{
	while (!spin_trylock(lock)) {
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			__asm__ volatile("pause");
	}
}

void spin_unlock(struct spin_lock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

bool spin_locked(struct spin_lock *lock)
{
	return __atomic_load_n(&lock->locked, __ATOMIC_RELAXED) != 0;
}
