/* SPDX-License-Identifier: MIT */
/*
 * parlib/spinlock.h - user-space spinlocks.
 *
 *	static struct spin_lock lock = SPINLOCK_INITIALIZER;
 *	spin_lock(&lock); ... spin_unlock(&lock);
 *
 * A test-and-test-and-set lock on one int: acquire on lock, release on
 * unlock, `pause` while it waits.  Not recursive, no owner tracking, no
 * fairness.  It spins, so hold it only for short critical sections and
 * never across a blocking syscall: on an SCP (one core) the holder is the
 * only one who can release it, so a uthread that blocks while holding it
 * stalls every other uthread that wants it.
 */
#pragma once

#include <stdbool.h>

struct spin_lock {
	int locked;                     /* [a] 0 free, 1 held */
};

#define SPINLOCK_INITIALIZER { 0 }

void spinlock_init(struct spin_lock *lock);
bool spin_trylock(struct spin_lock *lock);
void spin_lock(struct spin_lock *lock);
void spin_unlock(struct spin_lock *lock);
bool spin_locked(struct spin_lock *lock);
