/* SPDX-License-Identifier: MIT */
/*
 * ev_pick.c - choosing the vcore an MCP's event goes to (ev_pick.h).
 * Pure: the caller's state callback is its only view of the process.
 */
#include <ev_pick.h>
#include <ros/event.h>

static uint32_t evp_state(const struct ev_pick *in, uint32_t v)
{
	return in->state(in->arg, v);
}

/* The first vcore from 'from' on (cyclic) whose state has every bit of
 * 'need'; nr_vcores if none. */
static uint32_t evp_scan(const struct ev_pick *in, uint32_t from, uint32_t need)
{
	for (uint32_t i = 0; i < in->nr_vcores; i++) {
		uint32_t v = (from + i) % in->nr_vcores;

		if ((evp_state(in, v) & need) == need)
			return v;
	}
	return in->nr_vcores;
}

uint32_t ev_pick_wanted(const struct ev_pick *in, uint32_t *cursor)
{
	uint32_t v = in->ev_vcore;

	*cursor = in->ev_vcore;
	if (in->flags & EVENT_ROUNDROBIN) {
		uint32_t from = in->ev_vcore < in->nr_vcores ? in->ev_vcore : 0;
		uint32_t on = evp_scan(in, from, EVP_ONLINE);

		v = on < in->nr_vcores ? on : from;
		*cursor = (v + 1) % in->nr_vcores;
	} else if (in->flags & EVENT_VCORE_APPRO) {
		v = in->appro;
	}
	return v < in->nr_vcores ? v : 0;
}

uint32_t ev_pick_spam(const struct ev_pick *in, uint32_t wanted, bool must_run)
{
	uint32_t st = evp_state(in, wanted);
	uint32_t v;

	if ((st & EVP_CAN_RCV) && (st & EVP_ONLINE))
		return wanted;
	if (!must_run && (st & EVP_CAN_RCV) && (st & EVP_PREEMPTED))
		return wanted;
	v = evp_scan(in, (wanted + 1) % in->nr_vcores, EVP_ONLINE | EVP_CAN_RCV);
	if (v < in->nr_vcores)
		return v;
	v = evp_scan(in, (wanted + 1) % in->nr_vcores, EVP_ONLINE);
	if (v < in->nr_vcores)
		return v;
	/* Nobody online (the others yield or are being preempted): not the
	 * wanted one if it is preempted, since nobody would drain it. */
	v = evp_scan(in, (wanted + 1) % in->nr_vcores, EVP_HELD);
	return v < in->nr_vcores ? v : wanted;
}
