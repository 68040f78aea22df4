/* SPDX-License-Identifier: MIT */
/*
 * ros/event.h - event queues and mailboxes, shared by the kernel and user
 * space.  The message and the type numbers are in ros/event_msg.h.
 *
 * A process says where it wants an event with a struct event_queue in its
 * own memory: a mailbox to post the message in (or none: the chosen vcore's
 * VCPD mailbox), flags saying whom to tell and how, a preferred vcore, and a
 * handler the 2LS runs for it.  The kernel (send_event) picks a vcore, posts
 * the message, then sends an indirection (EV_EVENT naming the queue) and/or
 * an IPI as the flags ask, and wakes a WAITING process if EVENT_WAKEUP.
 * "Spamming" means getting the message to some vcore that is guaranteed to
 * look, even when the wanted one is preempted; spammed messages and
 * indirections may arrive twice, so their handlers must tolerate duplicates.
 * Syscall completions are never spammed: they use their own ev_q.
 *
 * Kernel side: kern/src/event/event.c (send_event, delivery), with the producers
 * kern/src/event/ucq.c and kern/src/event/ceq.c.  User side: user/parlib/event.c
 * (queues, handlers, draining mailboxes).  Documentation/events.md explains
 * the flags and their combinations.
 */
#pragma once

#include <stdint.h>
#include <ros/event_msg.h>
#include <ros/ucq.h>
#include <ros/evbitmap.h>
#include <ros/ceq.h>

/* ev_flags */
#define EVENT_IPI             0x0001  /* interrupt the vcore (notification) */
#define EVENT_SPAM_PUBLIC     0x0002  /* put the message itself in some running vcore's public mbox */
#define EVENT_INDIR           0x0004  /* post EV_EVENT (this queue) to a vcore instead of IPI-only */
#define EVENT_VCORE_PRIVATE   0x0008  /* with no ev_mbox: the VCPD's private mbox */
#define EVENT_SPAM_INDIR      0x0010  /* if the vcore cannot receive, spam the INDIR elsewhere */
#define EVENT_VCORE_MUST_RUN  0x0020  /* spam only to a vcore that is or will be running */
#define EVENT_NOTHROTTLE      0x0040  /* INDIR/IPI even while ev_alert_pending */
#define EVENT_ROUNDROBIN      0x0080  /* rotate ev_vcore over the vcores (beats APPRO) */
#define EVENT_VCORE_APPRO     0x0100  /* use the vcore the kernel names (e.g. the preempted one) */
#define EVENT_WAKEUP          0x0200  /* wake the process if it is WAITING */
#define EVENT_ALL_FLAGS       0x03ff  /* anything else: send_event refuses the queue */

/* Mailbox types; 0 is invalid, so a zeroed mailbox is refused. */
#define EV_MBOX_UCQ     1
#define EV_MBOX_BITMAP  2
#define EV_MBOX_CEQ     3

struct event_mbox {
	uint32_t type;                  /* [u] EV_MBOX_* */
	uint32_t __pad0;
	union {
		struct ucq ucq;
		struct evbitmap evbm;
		struct ceq ceq;
	};
};

/*
 * Tags (Documentation/style.md): [u] set by the user before it hands the queue out (the kernel reads
 * it, copies checked); [a] atomic, both sides.
 */
struct event_queue {
	uint64_t ev_mbox;               /* [u] struct event_mbox *, 0 = the VCPD mbox */
	uint32_t ev_flags;              /* [u] EVENT_* */
	uint32_t ev_alert_pending;      /* [a] an INDIR/IPI is out, not yet acked */
	uint32_t ev_vcore;              /* [a] preferred vcore; the ROUNDROBIN cursor */
	uint32_t __pad0;
	uint64_t ev_handler;            /* [u] user function run for INDIRs (2LS) */
	uint64_t ev_udata;              /* [u] the handler's argument */
};

/* A queue with its own mailbox, for users who want one allocation. */
struct event_queue_big {
	struct event_queue q;           /* q.ev_mbox points at mbox */
	struct event_mbox mbox;
};

_Static_assert(__builtin_offsetof(struct event_mbox, ucq) == 8, "event_mbox union");
_Static_assert(sizeof(struct event_mbox) == 80, "struct event_mbox is 80 bytes");
_Static_assert(__builtin_offsetof(struct event_queue, ev_flags) == 8, "event_queue.ev_flags");
_Static_assert(__builtin_offsetof(struct event_queue, ev_alert_pending) == 12,
               "event_queue.ev_alert_pending");
_Static_assert(__builtin_offsetof(struct event_queue, ev_vcore) == 16, "event_queue.ev_vcore");
_Static_assert(__builtin_offsetof(struct event_queue, ev_handler) == 24, "event_queue.ev_handler");
_Static_assert(__builtin_offsetof(struct event_queue, ev_udata) == 32, "event_queue.ev_udata");
_Static_assert(sizeof(struct event_queue) == 40, "struct event_queue is 40 bytes");
_Static_assert(sizeof(struct event_queue_big) == 120, "struct event_queue_big is 120 bytes");
