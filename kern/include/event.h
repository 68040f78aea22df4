/* SPDX-License-Identifier: MIT */
/*
 * event.h - the kernel's side of event delivery (ros/event.h is the ABI).
 *
 *	struct event_msg m = { .ev_type = EV_ALARM, .ev_arg2 = id };
 *	send_kernel_event(p, &m, 0);             // to procdata's kernel_evts[]
 *	err = send_event(p, uevq, &m, vcoreid);  // to a queue the user named
 *	proc_notify(p, 0);                       // notif_pending, wake if WAITING
 *
 * Model: every structure involved (the event_queue, its mailbox, procdata's
 * kernel_evts[] and the VCPDs) lives in p's memory, which p may change at
 * any time: the kernel reads each field once through uaccess, checks it,
 * and never follows a pointer it has not range-checked.  A bad queue is an
 * error code (or a dropped kernel event), never a kernel fault.
 *
 * Context: kthreads that may sleep (uaccess may take page faults; UCQ
 * growth maps memory under mm_lock).  The caller either runs with p's
 * address space loaded (the syscall path, current_proc() == p) or not, in
 * which case these functions load it themselves (proc_switch_to) for the
 * duration of the call.  Never with a spinlock held, never in IRQ context.
 *
 * Implementation: kern/src/event/event.c (queues, VCPD mailboxes, notification,
 * UCQ page mapping), kern/src/event/ucq.c, kern/src/event/evbitmap.c and
 * kern/src/event/ceq.c (the mailbox producers).  User side: user/parlib/.
 * Doc: Documentation/events.md.
 */
#pragma once

#include <ros/event.h>
#include <types.h>

struct proc;

/*
 * Posts *msg to the event_queue at user address ev_q in p (ev_mbox 0: the
 * VCPD mailbox of vcoreid), then alerts (EVENT_INDIR / EVENT_IPI, throttled
 * by ev_alert_pending unless EVENT_NOTHROTTLE) and wakes p (EVENT_WAKEUP).
 * 0, -EFAULT (unreadable queue or mailbox), -EINVAL (unknown flags, unknown
 * mailbox type, bad vcoreid, malformed mailbox), -ENOSPC (mailbox full or a
 * UCQ bound reached: the message is dropped and counted).
 */
int send_event(struct proc *p, uintptr_t ev_q, const struct event_msg *msg, uint32_t vcoreid);

/* Sends *msg to procdata's kernel_evts[msg->ev_type] of p; drops it if the
 * entry is 0, unreadable (procdata not mapped) or the queue is refused. */
/* 0 if posted; -ENOENT if p takes no events of that type (kernel_evts 0),
 * -ESRCH if p has no memory left, or send_event's errors.  Kernel sources
 * that do not care may ignore it: the event is dropped. */
int send_kernel_event(struct proc *p, const struct event_msg *msg, uint32_t vcoreid);

/* Posts *msg straight into vcoreid's VCPD mailbox (public or private),
 * then notifies: self_notify.  0 or -errno as send_event. */
int send_vcpd_event(struct proc *p, const struct event_msg *msg, uint32_t vcoreid, bool priv);

/* Sets notif_pending in vcoreid's VCPD (an SCP has only vcore 0) and wakes
 * p if it is WAITING.  A VCPD that cannot be written is skipped. */
void proc_notify(struct proc *p, uint32_t vcoreid);

/*
 * Mailbox producers: they expect p's address space loaded and take
 * user addresses of the mailbox body (the struct ucq / evbitmap / ceq).
 */
int ucq_post(struct proc *p, uintptr_t ucq, const struct event_msg *msg);
int evbitmap_post(uintptr_t evbm, const struct event_msg *msg);
int ceq_post(uintptr_t ceq, const struct event_msg *msg);

/*
 * Kernel pages for UCQs.  EV_UCQ_MAX_PROC_PGS bounds the UCQ pages the
 * kernel has mapped and the process still holds (all its UCQs together):
 * past it ucq_page_map answers -ENOSPC.  The user unmapping drained pages
 * makes room again.  ucq_lock serializes p's UCQ producers (a sleeping
 * lock, hashed by process: uaccess may fault while it is held).
 */
#define EV_UCQ_MAX_PROC_PGS 1024
int ucq_page_map(struct proc *p, uintptr_t *va);        /* 0, -ENOSPC, -ENOMEM */
void ucq_lock(struct proc *p);
void ucq_unlock(struct proc *p);
