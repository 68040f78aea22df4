/* SPDX-License-Identifier: MIT */
/*
 * ceq.c - the CEQ consumer (parlib/ceq.h; the producer is kern/src/event/ceq.c,
 * the model ros/ceq.h).  Under u_lock: first the ring (entries from
 * cons_pub_idx, -1 = not written yet), then, after a ring overflow, one
 * scan of events[] up to max_event_ever, resumable across calls through
 * last_recovered (0: no scan running, else the next id + 1).  A taken id
 * whose slot shows neither idx_posted nor a coalesced value is spurious
 * and skipped.  Freestanding.
 */
#include <parlib/ceq.h>
#include <parlib/event.h>

#define CEQ_EINVAL 22

int ceq_init(struct ceq *ceq, uint32_t operation, struct ceq_event *events, uint32_t nr_events,
             int32_t *ring, uint32_t ring_sz)
{
	if ((operation != CEQ_OR && operation != CEQ_ADD) || !events || !ring || !nr_events ||
	    nr_events > CEQ_MAX_EVENTS || !ring_sz || (ring_sz & (ring_sz - 1)) ||
	    ring_sz > CEQ_MAX_RING_SZ)
		return -CEQ_EINVAL;
	__builtin_memset(ceq, 0, sizeof(*ceq));
	__builtin_memset(events, 0, sizeof(*events) * nr_events);
	for (uint32_t i = 0; i < ring_sz; i++)
		ring[i] = -1;
	ceq->events = (uint64_t)(uintptr_t)events;
	ceq->nr_events = nr_events;
	ceq->operation = operation;
	ceq->ring = (uint64_t)(uintptr_t)ring;
	__atomic_store_n(&ceq->ring_sz, ring_sz, __ATOMIC_RELEASE);
	return 0;
}

/* Takes id's state into *msg; false if there was nothing (spurious). */
static bool ceq_extract(struct ceq *ceq, uint32_t id, struct event_msg *msg)
{
	struct ceq_event *ev;
	uint32_t posted;
	uint64_t coalesce;

	if (id >= ceq->nr_events)
		return false;
	ev = (struct ceq_event *)(uintptr_t)ceq->events + id;
	posted = __atomic_exchange_n(&ev->idx_posted, 0, __ATOMIC_ACQ_REL);
	coalesce = __atomic_exchange_n(&ev->coalesce, 0, __ATOMIC_ACQ_REL);
	if (!posted && !coalesce)
		return false;
	__builtin_memset(msg, 0, sizeof(*msg));
	msg->ev_type = (uint16_t)id;
	msg->ev_arg2 = (uint32_t)coalesce;
	msg->ev_arg3 = __atomic_load_n(&ev->blob_data, __ATOMIC_ACQUIRE);
	msg->ev_arg4 = coalesce;
	return true;
}

/* The next id from the ring: 1 taken, 0 ring empty or slot not written. */
static int ceq_ring_next(struct ceq *ceq, uint32_t *id)
{
	int32_t *ring = (int32_t *)(uintptr_t)ceq->ring;
	uint32_t cons = ceq->cons_pub_idx;
	int32_t *slot = &ring[cons & (ceq->ring_sz - 1)];
	int32_t v;

	if (cons == __atomic_load_n(&ceq->prod_idx, __ATOMIC_ACQUIRE))
		return 0;
	v = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
	if (v < 0)
		return 0;
	__atomic_store_n(slot, -1, __ATOMIC_RELAXED);
	__atomic_store_n(&ceq->cons_pub_idx, cons + 1, __ATOMIC_RELEASE);
	*id = (uint32_t)v;
	return 1;
}

/* The overflow scan: one id per hit, resuming where it stopped. */
static bool ceq_scan(struct ceq *ceq, struct event_msg *msg)
{
	if (__atomic_exchange_n(&ceq->ring_overflowed, 0, __ATOMIC_ACQ_REL))
		ceq->last_recovered = 1;
	while (ceq->last_recovered) {
		uint32_t id = ceq->last_recovered - 1;

		if (id > __atomic_load_n(&ceq->max_event_ever, __ATOMIC_ACQUIRE) ||
		    id >= ceq->nr_events) {
			ceq->last_recovered = 0;
			break;
		}
		ceq->last_recovered++;
		if (ceq_extract(ceq, id, msg))
			return true;
	}
	return false;
}

static bool ceq_take(struct ceq *ceq, struct event_msg *msg)
{
	uint32_t id;

	while (ceq_ring_next(ceq, &id))
		if (ceq_extract(ceq, id, msg))
			return true;
	return ceq_scan(ceq, msg);
}

bool ceq_get_msg(struct ceq *ceq, struct event_msg *msg)
{
	bool got;

	event_ulock_acquire(&ceq->u_lock[0]);
	got = ceq_take(ceq, msg);
	event_ulock_release(&ceq->u_lock[0]);
	return got;
}
