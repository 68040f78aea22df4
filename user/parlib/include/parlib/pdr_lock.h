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
 * calls pdr_holder_stuck(holder) if set: the preemption code (the kernel's
 * preemption and parlib's recovery, Documentation/mcp.md) makes that vcore
 * run again (change_vcore / ensure_vcore_runs); NULL until then.  In
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

/* Called by a waiter that spun PDR_SPINS_BEFORE_HOOK times. */
#define PDR_SPINS_BEFORE_HOOK 4096
extern void (*pdr_holder_stuck)(uint32_t holder_vcoreid);
