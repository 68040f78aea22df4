/* SPDX-License-Identifier: MIT */
/*
 * parlib/ceq.h - the CEQ consumer (ros/ceq.h is the model; kern/src/event/ceq.c
 * the producer).
 *
 *	static struct ceq_event evs[64];
 *	static int32_t ring[16];
 *	ceq_init(&ceq, CEQ_OR, evs, 64, ring, 16);
 *	while (ceq_get_msg(&ceq, &m))            (ev_type = the id,
 *		...                               ev_arg2 = low 32 bits of the
 *	                                          coalesced value, ev_arg4 = all
 *	                                          64, ev_arg3 = the last blob)
 *
 * The ring holds -1 in free slots: the consumer takes entries from
 * cons_pub_idx while they hold an id (a producer claims a slot before it
 * writes the id, so -1 there means "not written yet": try again later) and
 * writes -1 back.  After a ring overflow the consumer scans events[0 ..
 * max_event_ever] once, resuming at last_recovered across calls.  Taking an
 * id clears idx_posted first, then swaps coalesce to 0, so a post racing
 * with the take re-queues the id.  Consumers serialize on u_lock.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/ceq.h>
#include <ros/event_msg.h>

/* 0, or -22 (EINVAL): operation, nr_events or ring_sz (a power of two)
 * out of range, or a NULL array. */
int ceq_init(struct ceq *ceq, uint32_t operation, struct ceq_event *events, uint32_t nr_events,
             int32_t *ring, uint32_t ring_sz);
bool ceq_get_msg(struct ceq *ceq, struct event_msg *msg);
