/* SPDX-License-Identifier: MIT */
/*
 * parlib/evbitmap.h - the evbitmap consumer (ros/evbitmap.h is the model;
 * kern/src/event/evbitmap.c the producer).
 *
 *	evbitmap_init(&bm);                      (or just zero it)
 *	while (evbitmap_get_msg(&bm, &m))        (m.ev_type set, args 0)
 *		...
 *
 * The consumer clears check_bits before it scans, so a bit set after the
 * scan passed it raises check_bits again and the next call finds it.
 * Several consumers may call at once: each bit is taken by one atomic
 * fetch-and-clear.
 */
#pragma once

#include <stdbool.h>
#include <ros/evbitmap.h>

void evbitmap_init(struct evbitmap *evbm);
bool evbitmap_is_empty(struct evbitmap *evbm);
bool evbitmap_get_msg(struct evbitmap *evbm, struct event_msg *msg);
