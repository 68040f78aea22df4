/* SPDX-License-Identifier: MIT */
/*
 * ros/evbitmap.h - the evbitmap mailbox: one bit per event type, shared by
 * the kernel and user space.
 *
 * Model: the producer sets bit ev_type in bits[] with an atomic OR, then sets
 * check_bits.  The consumer clears check_bits, then test-and-clears each
 * bit.  Payloads (ev_arg1..4) are lost and repeats of a type coalesce into
 * one bit; in exchange it needs no set-up (a zeroed evbitmap is ready), which
 * is what very early code and SCPs waiting in proc_yield use.
 * Kernel side: kern/src/event/event.c (producer).  User side:
 * user/parlib/evbitmap.c (consumer).
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <stdint.h>
#include <ros/event_msg.h>

#define EVBITMAP_WORDS ((EV_NR_TYPES + 63) / 64)

struct evbitmap {
	uint64_t check_bits;            /* [a] a hint: some bit may be set */
	uint64_t bits[EVBITMAP_WORDS];  /* [a] bit t of word t/64: type t was posted */
};

_Static_assert(__builtin_offsetof(struct evbitmap, bits) == 8, "evbitmap.bits");
_Static_assert(sizeof(struct evbitmap) == 8 + 8 * EVBITMAP_WORDS, "struct evbitmap size");
