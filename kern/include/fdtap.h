/* SPDX-License-Identifier: MIT */
/*
 * fdtap.h - FD taps in the kernel (the ABI is ros/fdtap.h).
 *
 *	fdtap_request(t, p, NULL, &req);   // tap_fds: ADD / REM / MOD one tap
 *	fdtap_fd_closed(t, fd, c);         // fdtable.c: fd stopped naming c
 *	fdtap_table_destroy(t);            // fdtable.c: the table dies
 *	device side:  dev->tapfd(c, tap, FDTAP_CMD_ADD / FDTAP_CMD_REM)
 *	              fdtap_list_fire(&file->taps, FDTAP_FILT_READABLE);
 *
 * Model: a tap belongs to an FD table's tap set (struct fd_tap_set, made
 * by the first ADD) and is named there by (fd, ev_q).  While registered it
 * sits on a device's fdtap_list and holds a reference on its chan and on
 * its process.  A device fires a tap from any context, IRQ handlers
 * included: fdtap_fire only ORs the bits into tap->pending and pushes the
 * tap (once) on a lock-free stack; a routine kernel message (fdtap_kick)
 * or the device operation's own end (fdtap_flush, holding no lock) posts
 * it with send_event(), which may sleep (fdtap_fire.c).  Removal (REM,
 * close of the fd, the table's end) unregisters from the device, then sets
 * tap->dead under tap->post_lock, which the poster holds while it posts: no
 * event is posted once a removal has returned, and each tap is removed
 * exactly once (it leaves the set's list under the set's lock).
 *
 * Locks, outermost first: the set's lock (a qlock: device calls and chan
 * closes happen under or right after it), a tap's post_lock (a qlock), the
 * devices' fdtap_list locks (irqsave spinlocks, leaves: only atomics under
 * them).  fdtap_kick() sends the kernel message with no list lock held
 * (fdtap_list_fire() does so after dropping it).  Posting takes post_lock,
 * then send_event()'s locks ("ucq", "mm"): so "fd_tap_set" -> "fd_tap
 * post" -> "ucq" in the qlock order (Documentation/locking.md).
 *
 * Errors: fdtap_request() returns 0, or -1 with the kthread's errno and
 * errstr set (EBADF, EEXIST, ENOENT, EINVAL, EPERM, ENOSPC), as sysfile.c's
 * calls do.  Implementation: kern/src/event/fdtap.c (sets, requests),
 * kern/src/event/fdtap_fire.c (firing and posting).
 */
#pragma once

#include <atomic.h>
#include <kref.h>
#include <list.h>
#include <ros/fdtap.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>

struct chan;
struct fd_table;
struct fd_tap;
struct proc;

/* A kernel receiver instead of an event queue (ktests): called by the
 * poster with tap->post_lock held; it must not touch the tap set. */
typedef void (*fdtap_sink_t)(struct fd_tap *tap, uint32_t bits);

/* Tags: [I] immutable once registered, [s] the set's lock, [p] post_lock,
 * [d] the device list's lock, [a] atomic. */
struct fd_tap {
	struct kref ref;                /* [a] the set's, plus one per queued fire */
	struct proc *proc;              /* [I] one reference, or NULL (sink) */
	fdtap_sink_t sink;              /* [I] or NULL: send_event to ev_q */
	int fd;                         /* [I] */
	uint64_t ev_q;                  /* [I] names the tap with fd */
	struct chan *chan;              /* [s] one reference while registered */
	uint32_t filter;                /* [d] what the device fires */
	uint32_t ev_id;                 /* [p] */
	uint64_t data;                  /* [p] */
	bool dead;                      /* [p] removed: post nothing */
	struct sem post_lock;           /* qlock: posting against removal */
	atomic_t pending;               /* [a] bits fired, not yet posted */
	atomic_t queued;                /* [a] on the fire stack */
	struct fd_tap *fire_next;       /* the fire stack's link */
	struct list_head set_link;      /* [s] */
	struct list_head dev_link;      /* [d] */
};

struct fd_tap_set {
	struct sem lock;                /* qlock */
	struct list_head taps;          /* [s] */
	int nr;                         /* [s] at most FDTAP_MAX_PER_PROC */
};

/* A device's taps on one file (or one object behind several files). */
struct fdtap_list {
	spinlock_t lock;                /* irqsave, leaf */
	struct list_head taps;          /* [lock] by dev_link */
};

/* ------------------------------------------------------- device side */
void fdtap_list_init(struct fdtap_list *l, const char *lockname);
/* Links / unlinks tap (tapfd's ADD / REM). */
void fdtap_list_add(struct fdtap_list *l, struct fd_tap *tap);
void fdtap_list_del(struct fdtap_list *l, struct fd_tap *tap);
/* Fires every tap of l whose filter has one of bits; any context. */
void fdtap_list_fire(struct fdtap_list *l, uint32_t bits);
/* The usual tapfd: l NULL refuses the file (EPERM: of dev, only 'which'
 * has taps); REM unlinks; ADD checks for the readiness filters and links,
 * then returns true: the caller fires what is already true. */
bool fdtap_dev_tapfd(struct fdtap_list *l, struct fd_tap *tap, int cmd, const char *dev,
                     const char *which);
/* The same with the filters the file supports spelled out (ok). */
bool fdtap_dev_tapfd_filters(struct fdtap_list *l, struct fd_tap *tap, int cmd,
                             const char *dev, const char *which, uint32_t ok);
/* Refuses (error(EINVAL)) a filter with bits outside ok, naming dev. */
void fdtap_check_filter(struct fd_tap *tap, uint32_t ok, const char *dev);
/* Fires one registered tap (the device's list lock held, or inside tapfd's
 * ADD); then fdtap_kick() with no lock held.  fdtap_list_fire does both. */
void fdtap_fire(struct fd_tap *tap, uint32_t bits);
void fdtap_kick(void);
/* Posts every fired tap now, in this kthread: the end of a device
 * operation that may have fired taps, holding no lock (spinlock or qlock),
 * interrupts on.  Does nothing in an IRQ handler. */
void fdtap_flush(void);

/* ------------------------------------------------------- table side */
int fdtap_request(struct fd_table *t, struct proc *p, fdtap_sink_t sink,
                  const struct fd_tap_req *req);
void fdtap_fd_closed(struct fd_table *t, int fd, struct chan *c);
void fdtap_table_destroy(struct fd_table *t);
int fdtap_nr(struct fd_table *t);               /* live taps (tests, #proc) */

/* fdtap_fire.c: a zeroed tap with one reference (NULL: no memory); posts
 * tap's bits now (the drain does this); drops a reference. */
struct fd_tap *fdtap_alloc(void);
void fdtap_post(struct fd_tap *tap, uint32_t bits);
/* Posts what is pending on tap now, in the caller's (kthread) context: the
 * bits an ADD fired.  The tap stays on the fire stack; its drain then finds
 * nothing, or what fired since. */
void fdtap_post_now(struct fd_tap *tap);
void fdtap_put(struct fd_tap *tap);
/* Live taps in the whole kernel (ktests compare before and after). */
int64_t fdtap_nr_live(void);
