/* SPDX-License-Identifier: MIT */
/*
 * parlib/pdr_lock.h - spin-PDR locks: spinlocks for the 2LS that uthreads
 * and vcore context both take, and that a holder's preemption cannot turn
 * into a deadlock (Akaros's "preemption detection and recovery").
 *
 *	spin_pdr_lock(&l);      // uthread context: notifications go off first
 *	...short, never blocks...
 *	spin_pdr_unlock(&l);    // and back on (a pending one is taken now)
 *
 * The word holds the holder's vcore id + 1.  A waiter that has spun a while
 * calls ensure_vcore_runs(holder) (parlib/vcore.h): a preempted holder gets
 * the waiter's core (change_vcore, Documentation/mcp.md).  In
 * uthread context the lock disables notifications on its vcore for the
 * whole hold, so vcore context never spins on a lock its own uthread
 * holds.  Not recursive.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

struct spin_pdr_lock {
	uint32_t lock;                  /* [a] 0 free, else holder vcore + 1 */
};

#define SPIN_PDR_INITIALIZER { 0 }

void spin_pdr_init(struct spin_pdr_lock *l);
void spin_pdr_lock(struct spin_pdr_lock *l);
void spin_pdr_unlock(struct spin_pdr_lock *l);
bool spin_pdr_locked(struct spin_pdr_lock *l);

/* A waiter looks at its holder every PDR_SPINS_BEFORE_HOOK spins (the
 * MCS-PDR locks too, parlib/mcs_pdr.h). */
#define PDR_SPINS_BEFORE_HOOK 4096
