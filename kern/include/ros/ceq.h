/* SPDX-License-Identifier: MIT */
/*
 * ros/ceq.h - the CEQ mailbox (coalescing event queue), shared by the kernel
 * and user space: epoll/kqueue's readiness set, in shared memory.
 *
 * Model: the consumer allocates events[nr_events], one slot per id (an
 * event's ev_type), and ring[ring_sz] of ids with activity.  A producer
 * posting id i merges ev_arg2 into events[i].coalesce (CEQ_OR or CEQ_ADD, per
 * the CEQ's operation), stores ev_arg3 in blob_data (the last write wins),
 * and if idx_posted was clear sets it and appends i to the ring at prod_idx.
 * If the ring is full the producer sets ring_overflowed instead, and the
 * consumer scans all of events[] up to max_event_ever.  The consumer claims
 * ring entries by cons_pub_idx (CAS), clears idx_posted, then swaps
 * coalesce to 0; a spurious id in the ring is harmless.  user_data is the
 * consumer's own (the kernel never writes it).
 * Kernel side: kern/src/event/ceq.c (producer).  User side: user/parlib/ceq.c
 * (init, consumer).  The kernel bounds every index by nr_events/ring_sz and
 * checks the two arrays' addresses before each access.
 */
#pragma once

#include <stdint.h>

#define CEQ_OR  1
#define CEQ_ADD 2

#define CEQ_MAX_EVENTS   (1u << 20)     /* nr_events limit the kernel accepts */
#define CEQ_MAX_RING_SZ  (1u << 20)     /* ring_sz: a power of two, at most this */

struct ceq_event {
	uint32_t idx_posted;            /* [a] the id is in the ring */
	uint32_t __pad0;
	uint64_t coalesce;              /* [a] OR/ADD of ev_arg2 since the last consume */
	uint64_t blob_data;             /* [a] the last ev_arg3 */
	uint64_t user_data;             /* [u] the consumer's */
};

/* Tags (Documentation/style.md): [u] set by the consumer at init (the kernel reads, never writes);
 * [a] atomic, both sides; [consumer] consumers only. */
struct ceq {
	uint64_t events;                /* [u] user address of struct ceq_event[nr_events] */
	uint32_t nr_events;             /* [u] */
	uint32_t operation;             /* [u] CEQ_OR or CEQ_ADD */
	uint64_t ring;                  /* [u] user address of int32_t[ring_sz] */
	uint32_t ring_sz;               /* [u] a power of two */
	uint32_t ring_overflowed;       /* [a] producers found the ring full */
	uint32_t prod_idx;              /* [a] next ring slot to fill (free-running) */
	uint32_t cons_pub_idx;          /* [a] next ring slot to consume */
	uint32_t cons_pvt_idx;          /* [consumer] consumers' private cursor */
	uint32_t max_event_ever;        /* [a] the largest id ever posted */
	uint32_t last_recovered;        /* [consumer] the overflow scan's cursor */
	uint32_t __pad0;
	uint64_t u_lock[2];             /* [consumer] the consumers' lock */
};

_Static_assert(sizeof(struct ceq_event) == 32, "struct ceq_event is 32 bytes");
_Static_assert(__builtin_offsetof(struct ceq, ring) == 16, "ceq.ring");
_Static_assert(__builtin_offsetof(struct ceq, prod_idx) == 32, "ceq.prod_idx");
_Static_assert(__builtin_offsetof(struct ceq, u_lock) == 56, "ceq.u_lock");
_Static_assert(sizeof(struct ceq) == 72, "struct ceq is 72 bytes");
