/* SPDX-License-Identifier: MIT */
/*
 * ev_pick.h - which vcore of an MCP an event goes to: the pure choice
 * behind send_event's vcore flags (EVENT_ROUNDROBIN, EVENT_VCORE_APPRO,
 * EVENT_SPAM_PUBLIC, EVENT_SPAM_INDIR, EVENT_VCORE_MUST_RUN), apart from
 * posting, so a host test can run it (tests/host/test_ev_pick.c).
 *
 *	struct ev_pick in = { .flags = q.ev_flags, .ev_vcore = q.ev_vcore,
 *	                      .appro = vcoreid, .nr_vcores = n, .state = fn, .arg = p };
 *	uint32_t want = ev_pick_wanted(&in, &cursor);    // RR > APPRO > ev_vcore
 *	uint32_t to = ev_pick_spam(&in, want, must_run); // a vcore that will look
 *
 * The state callback answers EVP_* bits for a vcore id < nr_vcores; the
 * answers are a racy snapshot, which is fine: a vcore that stops running
 * after it was chosen is preempted (whoever recovers it drains its public
 * mailbox: parlib's EV_VCORE_PREEMPT handler) or yielding (parlib clears
 * VC_CAN_RCV_MSG, drains, and only then yields; the kernel refuses a yield
 * with notif_pending set).  With MUST_RUN a preempted vcore gets a spammed
 * message only when no vcore holds a core at all.  No locks, no memory.
 */
#pragma once

#include <types.h>

#define EVP_ONLINE     0x1u     /* has a core and runs (not yielding, not being preempted) */
#define EVP_PREEMPTED  0x2u     /* its core was taken; its context waits in its VCPD */
#define EVP_CAN_RCV    0x4u     /* VC_CAN_RCV_MSG: it looks at its public mailbox */
#define EVP_HELD       0x8u     /* has a core, not yielding: online, or a preemption of it
                                 * is on its way (which lapses for the last vcore) */

struct ev_pick {
	uint32_t flags;                 /* the queue's EVENT_* */
	uint32_t ev_vcore;              /* the queue's preferred vcore; the ROUNDROBIN cursor */
	uint32_t appro;                 /* the vcore the sender names (EVENT_VCORE_APPRO) */
	uint32_t nr_vcores;             /* ids are 0 .. nr_vcores-1 (> 0) */
	uint32_t (*state)(void *arg, uint32_t vcoreid);
	void *arg;
};

/* The vcore the queue wants: the next online one from the round-robin
 * cursor (*cursor: where the next search starts), else APPRO's, else
 * ev_vcore; an id out of range becomes 0. */
uint32_t ev_pick_wanted(const struct ev_pick *in, uint32_t *cursor);
/* Where a spammed message goes so that a vcore is guaranteed to look:
 * wanted if it can receive (and, with must_run, runs; without, a preempted
 * one that can receive is fine: its recoverer drains it), else the first
 * online vcore that can receive after wanted, else the first online one,
 * else the first that holds its core (its preemption may lapse; if not, its
 * recoverer drains it), else wanted. */
uint32_t ev_pick_spam(const struct ev_pick *in, uint32_t wanted, bool must_run);
