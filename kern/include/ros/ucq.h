/* SPDX-License-Identifier: MIT */
/*
 * ros/ucq.h - the UCQ mailbox: an unbounded multi-producer, multi-consumer
 * queue of event messages in user memory, shared by the kernel and user space.
 *
 * Model: a chain of pages, each a header plus UCQ_SLOTS_PER_PAGE slots.
 * prod_idx packs the current page's address and the next slot number in one
 * word (page | slot), so a producer claims a slot with one fetch-and-add.  A
 * producer that claims slot UCQ_SLOTS_PER_PAGE or beyond has overflowed: the
 * kernel, under a lock of its own (never one in user memory), sets
 * prod_overflow, links spare_pg (or a page it maps for the process) after the
 * full one through its header's cons_next_pg, writes its message into slot 0
 * of the new page and publishes page | 1 in prod_idx.  Writers fill the slot,
 * then set ready.  Consumers hold u_lock (a user lock the kernel never
 * touches), claim cons_idx by CAS, wait for ready, and free a drained page
 * when its nr_cons reaches UCQ_SLOTS_PER_PAGE (keeping one as spare_pg).
 *
 * Bound: the kernel maps at most UCQ_MAX_EXTRA_PGS pages for one UCQ beyond
 * the first; past that it drops the message and counts it in nr_dropped, so
 * a process that never drains cannot make the kernel allocate without bound.
 * Kernel side: kern/src/event/ucq.c (producer).  User side: user/parlib/ucq.c
 * (init, consumer).  The kernel checks every address it reads here.
 */
#pragma once

#include <stdint.h>
#include <ros/event_msg.h>
#include <ros/mmu64.h>

#define UCQ_MAX_EXTRA_PGS 256       /* ~32k queued messages per UCQ */

struct ucq_page_header {
	uint64_t cons_next_pg;          /* [producer] the next page's user address, 0 = none */
	uint64_t nr_cons;               /* [a] consumers done with slots of this page */
};

struct ucq_slot {
	struct event_msg msg;           /* [producer] written by the producer that claimed it */
	uint64_t ready;                 /* [a] set by the producer after msg, cleared by the consumer */
};

#define UCQ_SLOTS_PER_PAGE ((PGSIZE - sizeof(struct ucq_page_header)) / sizeof(struct ucq_slot))
#define UCQ_SLOT_MASK      (PGSIZE - 1)     /* prod_idx/cons_idx: page | slot */

struct ucq_page {
	struct ucq_page_header header;
	struct ucq_slot slots[UCQ_SLOTS_PER_PAGE];
};

/*
 * Tags (Documentation/style.md): [a] atomic, both sides; [k] the kernel, under its per-process UCQ
 * lock; [user_only] user only (the kernel never reads it); [producer] producers.
 */
struct ucq {
	uint64_t prod_idx;              /* [a] page | next free slot */
	uint64_t spare_pg;              /* [a] a mapped, unused page, or 0 */
	uint64_t nr_extra_pgs;          /* [a] pages mapped by the kernel beyond the first */
	uint64_t nr_dropped;            /* [a] messages lost to UCQ_MAX_EXTRA_PGS */
	uint32_t prod_overflow;         /* [k] 1 while a page is being linked in */
	uint32_t ucq_ready;             /* [user_only] set by user init; the kernel refuses a UCQ without it */
	uint64_t cons_idx;              /* [a] page | next slot to consume */
	uint64_t u_lock[2];             /* [user_only] the consumers' lock */
};

_Static_assert(sizeof(struct ucq_slot) == 32, "struct ucq_slot is 32 bytes");
_Static_assert(sizeof(struct ucq_page) <= PGSIZE, "a ucq_page fits a page");
_Static_assert(UCQ_SLOTS_PER_PAGE == 127, "127 slots per UCQ page");
_Static_assert(UCQ_SLOTS_PER_PAGE <= UCQ_SLOT_MASK, "slot numbers fit below the page bits");
_Static_assert(__builtin_offsetof(struct ucq, prod_idx) == 0, "ucq.prod_idx");
_Static_assert(__builtin_offsetof(struct ucq, prod_overflow) == 32, "ucq.prod_overflow");
_Static_assert(__builtin_offsetof(struct ucq, cons_idx) == 40, "ucq.cons_idx");
_Static_assert(sizeof(struct ucq) == 64, "struct ucq is 64 bytes");
