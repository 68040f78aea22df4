/* SPDX-License-Identifier: MIT */
/*
 * parlib/event.h - event queues and mailboxes, the user side (the kernel
 * side is kern/src/event/event.c; the ABI is ros/event.h).
 *
 *	struct event_queue_big q;
 *	event_mbox_init_bitmap(&q.mbox);         (or _ucq / _ceq)
 *	event_queue_init(&q.q, &q.mbox, EVENT_WAKEUP);
 *	...hand &q.q to the kernel (a syscall's ev_q, kernel_evts[], send_event)...
 *	struct event_msg m;
 *	while (event_mbox_get(&q.mbox, &m))
 *		handle(&m);
 *
 * Freestanding: only ros/ headers, <stdint.h>, <stdbool.h>, <stddef.h> and
 * compiler builtins, so the same files build into user/tiny programs and
 * into parlib over the C library.  Consumers of one mailbox serialize on
 * its u_lock (event_ulock_*), a plain spinlock the kernel never touches.
 * Not here: vcores, handlers by type, blocking on queues (the 2LS's work).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <ros/event.h>
#include <ros/syscall.h>
#include <parlib/ceq.h>
#include <parlib/evbitmap.h>
#include <parlib/ucq.h>

/* Fills q: mailbox (NULL: the VCPD's), flags, everything else zero. */
void event_queue_init(struct event_queue *q, struct event_mbox *mbox, uint32_t flags);

/* A mailbox of each type; 0 or a negative errno (from the UCQ's pages, or
 * -EINVAL for a bad CEQ geometry). */
void event_mbox_init_bitmap(struct event_mbox *mbox);
int event_mbox_init_ucq(struct event_mbox *mbox, const struct ucq_mem_ops *ops);
int event_mbox_init_ceq(struct event_mbox *mbox, uint32_t operation, struct ceq_event *events,
                        uint32_t nr_events, int32_t *ring, uint32_t ring_sz);

/*
 * Asks for EV_SYSCALL on q when the syscall sc completes, by the protocol
 * of ros/syscall.h: ev_q first, then a CAS that sets SC_UEVENT unless
 * SC_DONE (or SC_PROGRESS) is already set.  True: the event will come;
 * false: the call is done, read its result now.
 */
bool event_syscall_register(struct syscall *sc, struct event_queue *q);

/*
 * Waits until sc is done: registers q (a queue with EVENT_WAKEUP whose
 * mailbox only this waiter drains) and calls park() until SC_DONE is set,
 * then waits for SC_K_LOCK to clear and empties q's mailbox.  park() is the
 * runtime's way to sleep: an SCP issues SYS_proc_yield(0).
 */
void event_syscall_wait(struct syscall *sc, struct event_queue *q, void (*park)(void));

/* Takes one message from any mailbox type: true with *msg filled, false if
 * it is empty (or its type is unknown). */
bool event_mbox_get(struct event_mbox *mbox, struct event_msg *msg);

/* The consumers' lock: a test-and-set spinlock on one word. */
void event_ulock_acquire(uint64_t *lock);
void event_ulock_release(uint64_t *lock);
