/* SPDX-License-Identifier: MIT */
/*
 * evbitmap.c - the evbitmap consumer (parlib/evbitmap.h; the producer is
 * kern/src/event/evbitmap.c).  Clear check_bits, then take the lowest set bit by
 * atomic fetch-and-clear; a hit raises check_bits again so the next call
 * rescans (more bits may be set).  Freestanding.
 */
#include <parlib/evbitmap.h>

void evbitmap_init(struct evbitmap *evbm)
{
	__builtin_memset(evbm, 0, sizeof(*evbm));
}

bool evbitmap_is_empty(struct evbitmap *evbm)
{
	return !__atomic_load_n(&evbm->check_bits, __ATOMIC_ACQUIRE);
}

/* Takes one set bit of word w: its number, or -1. */
static int evbitmap_take(struct evbitmap *evbm, unsigned int w)
{
	uint64_t bits = __atomic_load_n(&evbm->bits[w], __ATOMIC_ACQUIRE);

	while (bits) {
		uint64_t bit = 1ull << __builtin_ctzll(bits);

		if (__atomic_fetch_and(&evbm->bits[w], ~bit, __ATOMIC_ACQ_REL) & bit)
			return (int)(w * 64 + (unsigned int)__builtin_ctzll(bits));
		bits &= ~bit;
	}
	return -1;
}

bool evbitmap_get_msg(struct evbitmap *evbm, struct event_msg *msg)
{
	if (evbitmap_is_empty(evbm))
		return false;
	__atomic_store_n(&evbm->check_bits, 0, __ATOMIC_SEQ_CST);
	for (unsigned int w = 0; w < EVBITMAP_WORDS; w++) {
		int type = evbitmap_take(evbm, w);

		if (type < 0)
			continue;
		__builtin_memset(msg, 0, sizeof(*msg));
		msg->ev_type = (uint16_t)type;
		__atomic_store_n(&evbm->check_bits, 1, __ATOMIC_RELEASE);
		return true;
	}
	return false;
}
