/* SPDX-License-Identifier: MIT */
/*
 * parlib/ucq.h - the UCQ consumer (ros/ucq.h is the model; kern/src/event/ucq.c
 * the producer).
 *
 *	static const struct ucq_mem_ops ops = { my_page_alloc, my_page_free };
 *	ucq_init(&ucq, &ops);                    (first page and a spare)
 *	while (ucq_get_msg(&ucq, &m))
 *		...
 *	ucq_destroy(&ucq);                       (when no producer can post)
 *
 * Pages: ucq_init takes two from ops (mapped, zeroed, page aligned: mmap).
 * The consumer retires a page once it moved past its last slot and the
 * producer linked the next: it clears the header, keeps it as spare_pg if
 * there is none (the kernel links it next instead of mapping one), else
 * returns it with ops->page_free (munmap), and subtracts it from
 * nr_extra_pgs.  The ops are per process (ucq_init records them).
 * Consumers serialize on u_lock.
 */
#pragma once

#include <stdbool.h>
#include <ros/ucq.h>

struct ucq_mem_ops {
	void *(*page_alloc)(void);      /* a zeroed, writable page, or NULL */
	void (*page_free)(void *page);
};

/* 0, or -12 (ENOMEM) when ops gave no page. */
int ucq_init(struct ucq *ucq, const struct ucq_mem_ops *ops);
/* Returns every page of the chain and the spare to the ops. */
void ucq_destroy(struct ucq *ucq);
bool ucq_get_msg(struct ucq *ucq, struct event_msg *msg);
/* Messages the kernel dropped at the bound (ros/ucq.h nr_dropped). */
uint64_t ucq_nr_dropped(struct ucq *ucq);

/* No message to take (inline: the C library's signal hook asks after
 * every system call). */
static inline bool ucq_is_empty(struct ucq *ucq)
{
	return __atomic_load_n(&ucq->cons_idx, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&ucq->prod_idx, __ATOMIC_ACQUIRE);
}
