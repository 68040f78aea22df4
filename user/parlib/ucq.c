/* SPDX-License-Identifier: MIT */
/*
 * ucq.c - the UCQ consumer and its page recycling (parlib/ucq.h; the
 * producer is kern/src/event/ucq.c, the model ros/ucq.h).
 *
 * Under u_lock, ucq_take() compares cons_idx with prod_idx (equal: empty).
 * At a slot past the page's end it follows the page's cons_next_pg (0: the
 * producer has not linked the next page yet, so nothing to take), moves
 * cons_idx to slot 0 there, and retires the old page.  Otherwise it waits
 * for nothing: a slot whose ready word is still clear is "not yet", and the
 * call answers false.  It copies the message, clears ready, counts the slot
 * in nr_cons and advances cons_idx.  Freestanding.
 */
#include <parlib/event.h>
#include <parlib/ucq.h>

#define UCQ_ENOMEM 12

static const struct ucq_mem_ops *ucq_ops;      /* one page allocator per process */

static struct ucq_page *ucq_page_of(uint64_t idx)
{
	return (struct ucq_page *)(uintptr_t)(idx & ~(uint64_t)UCQ_SLOT_MASK);
}

int ucq_init(struct ucq *ucq, const struct ucq_mem_ops *ops)
{
	void *first, *spare;

	ucq_ops = ops;
	first = ops->page_alloc();
	if (!first)
		return -UCQ_ENOMEM;
	spare = ops->page_alloc();
	__builtin_memset(ucq, 0, sizeof(*ucq));
	ucq->prod_idx = (uint64_t)(uintptr_t)first;
	ucq->cons_idx = ucq->prod_idx;
	ucq->spare_pg = (uint64_t)(uintptr_t)spare;
	__atomic_store_n(&ucq->ucq_ready, 1, __ATOMIC_RELEASE);
	return 0;
}

void ucq_destroy(struct ucq *ucq)
{
	struct ucq_page *pg = ucq_page_of(ucq->cons_idx);

	while (pg) {
		struct ucq_page *next = (struct ucq_page *)(uintptr_t)pg->header.cons_next_pg;

		ucq_ops->page_free(pg);
		pg = next;
	}
	if (ucq->spare_pg)
		ucq_ops->page_free((void *)(uintptr_t)ucq->spare_pg);
	__builtin_memset(ucq, 0, sizeof(*ucq));
}

uint64_t ucq_nr_dropped(struct ucq *ucq)
{
	return __atomic_load_n(&ucq->nr_dropped, __ATOMIC_ACQUIRE);
}

/* A drained page: the spare if there is none, else back to the ops. */
static void ucq_retire(struct ucq *ucq, struct ucq_page *pg)
{
	uint64_t none = 0, extra = __atomic_load_n(&ucq->nr_extra_pgs, __ATOMIC_RELAXED);

	pg->header.cons_next_pg = 0;
	pg->header.nr_cons = 0;
	while (extra && !__atomic_compare_exchange_n(&ucq->nr_extra_pgs, &extra, extra - 1, false,
	                                             __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
		;
	if (!__atomic_compare_exchange_n(&ucq->spare_pg, &none, (uint64_t)(uintptr_t)pg, false,
	                                 __ATOMIC_RELEASE, __ATOMIC_RELAXED))
		ucq_ops->page_free(pg);
}

/* With u_lock: one message, or false. */
static bool ucq_take(struct ucq *ucq, struct event_msg *msg)
{
	for (;;) {
		uint64_t cons = __atomic_load_n(&ucq->cons_idx, __ATOMIC_RELAXED);
		uint64_t slot = cons & UCQ_SLOT_MASK;
		struct ucq_page *pg = ucq_page_of(cons);
		struct ucq_slot *s;
		uint64_t next;

		if (cons == __atomic_load_n(&ucq->prod_idx, __ATOMIC_ACQUIRE))
			return false;
		if (slot >= UCQ_SLOTS_PER_PAGE) {
			next = __atomic_load_n(&pg->header.cons_next_pg, __ATOMIC_ACQUIRE);
			if (!next)
				return false;
			__atomic_store_n(&ucq->cons_idx, next, __ATOMIC_RELEASE);
			ucq_retire(ucq, pg);
			continue;
		}
		s = &pg->slots[slot];
		if (!__atomic_load_n(&s->ready, __ATOMIC_ACQUIRE))
			return false;
		*msg = s->msg;
		__atomic_store_n(&s->ready, 0, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pg->header.nr_cons, 1, __ATOMIC_RELAXED);
		__atomic_store_n(&ucq->cons_idx, cons + 1, __ATOMIC_RELEASE);
		return true;
	}
}

bool ucq_get_msg(struct ucq *ucq, struct event_msg *msg)
{
	bool got;

	event_ulock_acquire(&ucq->u_lock[0]);
	got = ucq_take(ucq, msg);
	event_ulock_release(&ucq->u_lock[0]);
	return got;
}
