/* SPDX-License-Identifier: MIT */
/*
 * parlib/mcs_pdr.h - MCS-PDR locks: queue locks (each waiter spins on its
 * own cache line, the lock passes in FIFO order) that a preempted holder
 * or waiter cannot turn into a deadlock (Akaros's "MCS-PDR").
 *
 *	static struct mcs_pdr_lock l = MCS_PDR_INITIALIZER;
 *	mcs_pdr_lock(&l);       // uthread context: notifications go off first
 *	...short, never blocks...
 *	mcs_pdr_unlock(&l);     // and back on
 *
 * The queue nodes are parlib's, MCS_PDR_NEST per vcore: notifications stay
 * off from the lock to the unlock, so the caller never leaves its vcore
 * and the vcore's nodes are its own.  A node always belongs to the same
 * vcore, so a waiter may read its predecessor's vcore id at any time.  A
 * waiter that spins PDR_SPINS_BEFORE_HOOK times calls
 * ensure_vcore_runs(predecessor): a preempted predecessor gets the
 * waiter's core, and spins in turn for its own predecessor, so the holder
 * runs.  An unlocker waiting for its successor to link itself in does the
 * same for the vcores queued on the lock.
 *
 * Rules: uthread or vcore context; nested holds up to MCS_PDR_NEST per
 * vcore (more is a bug: the process ends with a message), released in any
 * order; not recursive; never held across a block or a yield.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define MCS_PDR_NEST 4

struct mcs_pdr_qnode {
	struct mcs_pdr_qnode *next;     /* [a] our successor, set by it */
	struct mcs_pdr_lock *lock;      /* [owner] the lock it is queued on, or NULL */
	uint32_t locked;                /* [a] 1 while waiting */
	uint32_t vcoreid;               /* [I] the vcore that owns the node */
} __attribute__((aligned(64)));

struct mcs_pdr_lock {
	struct mcs_pdr_qnode *tail;     /* [a] the last in the queue, NULL: free */
};

#define MCS_PDR_INITIALIZER { 0 }

void mcs_pdr_init(struct mcs_pdr_lock *l);
void mcs_pdr_lock(struct mcs_pdr_lock *l);
void mcs_pdr_unlock(struct mcs_pdr_lock *l);
bool mcs_pdr_locked(struct mcs_pdr_lock *l);
