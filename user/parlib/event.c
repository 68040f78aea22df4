/* SPDX-License-Identifier: MIT */
/*
 * event.c - user-side event queues and mailboxes (parlib/event.h): queue
 * and mailbox set-up, the one-call consumer over all mailbox types, and the
 * consumers' lock.  The mailbox consumers themselves are ucq.c, evbitmap.c
 * and ceq.c; the producers are in the kernel (kern/src/event/event.c).
 * Freestanding (ros/ headers and compiler builtins only).
 */
#include <parlib/event.h>
#include <parlib/syscall.h>

void event_ulock_acquire(uint64_t *lock)
{
	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	}
}

void event_ulock_release(uint64_t *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

void event_queue_init(struct event_queue *q, struct event_mbox *mbox, uint32_t flags)
{
	__builtin_memset(q, 0, sizeof(*q));
	q->ev_mbox = (uint64_t)(uintptr_t)mbox;
	q->ev_flags = flags;
}

void event_mbox_init_bitmap(struct event_mbox *mbox)
{
	__builtin_memset(mbox, 0, sizeof(*mbox));
	evbitmap_init(&mbox->evbm);
	__atomic_store_n(&mbox->type, EV_MBOX_BITMAP, __ATOMIC_RELEASE);
}

int event_mbox_init_ucq(struct event_mbox *mbox, const struct ucq_mem_ops *ops)
{
	int ret;

	__builtin_memset(mbox, 0, sizeof(*mbox));
	ret = ucq_init(&mbox->ucq, ops);
	if (!ret)
		__atomic_store_n(&mbox->type, EV_MBOX_UCQ, __ATOMIC_RELEASE);
	return ret;
}

int event_mbox_init_ceq(struct event_mbox *mbox, uint32_t operation, struct ceq_event *events,
                        uint32_t nr_events, int32_t *ring, uint32_t ring_sz)
{
	int ret;

	__builtin_memset(mbox, 0, sizeof(*mbox));
	ret = ceq_init(&mbox->ceq, operation, events, nr_events, ring, ring_sz);
	if (!ret)
		__atomic_store_n(&mbox->type, EV_MBOX_CEQ, __ATOMIC_RELEASE);
	return ret;
}

bool event_mbox_get(struct event_mbox *mbox, struct event_msg *msg)
{
	switch (__atomic_load_n(&mbox->type, __ATOMIC_ACQUIRE)) {
	case EV_MBOX_UCQ:
		return ucq_get_msg(&mbox->ucq, msg);
	case EV_MBOX_BITMAP:
		return evbitmap_get_msg(&mbox->evbm, msg);
	case EV_MBOX_CEQ:
		return ceq_get_msg(&mbox->ceq, msg);
	default:
		return false;
	}
}

bool event_syscall_register(struct syscall *sc, struct event_queue *q)
{
	__atomic_store_n(&sc->ev_q, (uint64_t)(uintptr_t)q, __ATOMIC_RELEASE);
	return ros_syscall_flag_unless_done(sc, SC_UEVENT);
}

void event_syscall_wait(struct syscall *sc, struct event_queue *q, void (*park)(void))
{
	struct event_mbox *mbox = (struct event_mbox *)(uintptr_t)q->ev_mbox;
	struct event_msg msg;

	if (event_syscall_register(sc, q)) {
		while (!(__atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_DONE))
			park();
	}
	while (__atomic_load_n(&sc->flags, __ATOMIC_ACQUIRE) & SC_K_LOCK)
		__asm__ volatile("pause");
	while (event_mbox_get(mbox, &msg))
		;
}
