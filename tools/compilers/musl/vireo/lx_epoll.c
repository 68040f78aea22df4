/* SPDX-License-Identifier: MIT */
/*
 * lx_epoll.c - epoll in user space: one CEQ per epoll set, fed by FD taps
 * (Documentation/readiness.md has the design and what differs from Linux).
 *
 * A set is one anonymous mapping: its waiter (event queue + CEQ, the id of
 * an event is the fd, the CEQ ORs the tap filter bits; ids LX_EP_TIMEOUT +
 * k are the timeouts of waits in progress), an entry per fd (the events
 * and data epoll_ctl gave, the bits seen and not yet reported), a FIFO of
 * fds with bits, and the list of level-triggered fds reported last.  The
 * set is a library fd (lx_libfd.c); closing it removes its taps and unmaps
 * it (or, once threads used it, keeps it for the next epoll_create: the
 * kernel may still name its queue in an alert).
 *
 * Threads: s->lock (struct lx_lock) guards everything in the set, the
 * CEQ's consumer side included; it is held across tap_fds calls, never
 * across a park.  Any number of threads may call epoll_wait on one set:
 * each takes the lock, drains, reports, and if nothing is there releases
 * the lock and parks its uthread on the set's waiter (lx_ready.c: the
 * queue's alert wakes ONE parked thread, futex on w.gen).  A thread that
 * returns with work left behind (fds still in the FIFO, or level-triggered
 * fds it reported, which Linux also offers to the next waiter) wakes one
 * more.  So an edge is reported by one wait: EPOLLET and EPOLLONESHOT fds
 * wake one waiter per event, and ONESHOT's disable is made under the lock.
 *
 * epoll_ctl: ADD is a tap ADD (ev_q = the set's queue, so an fd may be in
 * several sets), MOD a tap MOD, DEL a tap REM.  The kernel posts at once
 * what an ADD or MOD finds true, so a MOD re-arms a ONESHOT fd and reports
 * it if it is ready.  An fd closed while in a set loses its tap in the
 * kernel; the entry is then stale, and MOD or DEL on it say ENOENT, as on
 * Linux, while a new ADD of that number works.
 *
 * epoll_wait, each round under the lock: (1) the level-triggered fds
 * reported last are re-armed with a tap MOD, which posts again if they are
 * still ready; (2) drain the CEQ into the entries and the FIFO; (3) take
 * up to maxevents fds with wanted bits; the level-triggered ones are
 * checked again (a MOD each, then a drain) and dropped if no longer ready,
 * so a stale edge is never reported (one thread only: not after a park,
 * whose edges nothing in the process consumed since); EPOLLET fds are
 * reported as their edges came; EPOLLONESHOT disables the entry until a
 * MOD; (4) if none, park and go again.  Timeouts: a slot per waiting
 * call (64; past them a thread's wait times out by the futex's clock),
 * each with a wait timer (lx_wtimer.c) made by the slot's first use and
 * kept tapped into the set's CEQ under id LX_EP_TIMEOUT + the slot until
 * the set is closed; a slot's expiry counts only for a call holding the
 * slot whose deadline passed; a drain that finds another waiter's timeout
 * wakes every parked thread.  A child after fork finds its sets empty
 * (the kernel copies no taps; lx_ready_after_fork closed the timers).
 */
#include <string.h>
#include "lx.h"

#define LX_EP_FDS      4096             /* ids are fds: NR_FILE_DESC_MAX */
#define LX_EP_TIMEOUT  LX_EP_FDS        /* + slot: a waiting call's timeout */
#define LX_EP_TSLOTS   64
#define LX_EP_RING     1024
#define LX_EPOLL_CLOEXEC 02000000
#define LX_EPOLL_CTL_ADD 1
#define LX_EPOLL_CTL_DEL 2
#define LX_EPOLL_CTL_MOD 3
#define LX_EPOLLONESHOT (1u << 30)
#define LX_EPOLLET      (1u << 31)

struct lx_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));

struct lx_epent {
	uint32_t events;                /* as epoll_ctl gave them */
	uint32_t pend;                  /* tap filter bits seen, not reported */
	uint64_t data;
	uint8_t in_set, disabled, queued;
};

struct lx_epset {
	struct lx_waiter w;
	struct lx_lock lock;            /* the rest, and draining w's CEQ */
	struct ceq_event events[LX_EP_FDS + LX_EP_TSLOTS];
	int32_t ring[LX_EP_RING];
	struct lx_epent ent[LX_EP_FDS];
	uint16_t fifo[LX_EP_FDS];       /* fds with pend, each once */
	uint32_t fifo_head, fifo_len;
	uint16_t relevel[LX_EP_FDS];    /* level-triggered fds reported last */
	uint32_t nrelevel;
	uint64_t tslots, tfired;        /* timeout slots in use; their timers due */
	struct lx_wtimer timer[LX_EP_TSLOTS];   /* each slot's, kept */
	uint64_t tkicked;               /* fired for a parked thread, woken */
	uint32_t nparked;               /* threads parked in epoll_wait */
	struct fd_tap_req reqs[LX_EP_FDS];
	uint16_t cand[LX_EP_FDS];
	struct lx_pooled pool;          /* on lx_ep_pool's free list */
};

/* Sets threads used, closed: kept mapped for the next epoll_create. */
static struct lx_pool lx_ep_pool;

static void lx_ep_close(void *obj);

static const struct lx_libfd_ops lx_ep_ops = { .name = "epoll", .close = lx_ep_close };

/* ------------------------------------------------------------ the set */

static long lx_ep_reset(struct lx_epset *s)
{
	memset(s->ent, 0, sizeof(s->ent));
	s->fifo_head = s->fifo_len = s->nrelevel = s->nparked = 0;
	s->tslots = s->tfired = s->tkicked = 0;
	memset(s->timer, 0, sizeof(s->timer));  /* closed, or a fork child's copies */
	return lx_waiter_init(&s->w, s->events, LX_EP_FDS + LX_EP_TSLOTS, s->ring, LX_EP_RING);
}

/* Gives s back: unmapped, or kept if an alert may still name its queue. */
static void lx_ep_release(struct lx_epset *s)
{
	if (s->w.threaded)
		lx_pool_put(&lx_ep_pool, s, __builtin_offsetof(struct lx_epset, pool));
	else
		ros_syscall_raw(SYS_munmap, (long)s, sizeof(*s), 0, 0, 0, 0);
}

static struct lx_epset *lx_ep_map(void)
{
	return lx_pool_get(&lx_ep_pool, sizeof(struct lx_epset),
	                   __builtin_offsetof(struct lx_epset, pool));
}

static long lx_ep_new(long flags)
{
	struct lx_epset *s;
	long fd;

	if (flags & ~(long)LX_EPOLL_CLOEXEC) {
		lx_errstr("epoll_create1", "unknown flags (only EPOLL_CLOEXEC)");
		return -LX_EINVAL;
	}
	s = lx_ep_map();
	if (!s)
		return -LX_ENOMEM;
	fd = lx_ep_reset(s);
	if (fd == 0)
		fd = lx_libfd_alloc(&lx_ep_ops, s);
	if (fd < 0)
		lx_ep_release(s);
	return fd;
}

long lx_epoll_create1(const long *a)
{
	return lx_ep_new(a[0]);
}

long lx_epoll_create(const long *a)
{
	if ((int)a[0] <= 0) {
		lx_errstr("epoll_create", "size must be positive");
		return -LX_EINVAL;
	}
	return lx_ep_new(0);
}

static long lx_ep_ignore(size_t i, long err, void *arg)
{
	(void)i; (void)err; (void)arg;
	return 0;
}

static struct fd_tap_req lx_ep_req(struct lx_epset *s, int fd, int cmd)
{
	return (struct fd_tap_req){ .fd = fd, .cmd = cmd, .ev_id = (uint32_t)fd,
	                            .filter = lx_poll_to_filt(s->ent[fd].events),
	                            .ev_q = (uint64_t)&s->w.q };
}

/* Removes every tap of the set (a closed fd's tap is gone already). */
static void lx_ep_untap_all(struct lx_epset *s)
{
	size_t m = 0;

	for (int fd = 0; fd < LX_EP_FDS; fd++)
		if (s->ent[fd].in_set)
			s->reqs[m++] = lx_ep_req(s, fd, FDTAP_CMD_REM);
	lx_tap_batch(s->reqs, m, lx_ep_ignore, NULL);
}

/* Closing a set another thread still waits in is the program's error (on
 * Linux the wait goes on; here it must not be done). */
static void lx_ep_close(void *obj)
{
	struct lx_epset *s = obj;

	lx_ep_untap_all(s);
	for (int k = 0; k < LX_EP_TSLOTS; k++)
		lx_wtimer_close(&s->timer[k]);  /* no post after: s may be unmapped */
	lx_ep_release(s);
}

static void lx_ep_forget(void *obj)
{
	lx_ep_reset(obj);
}

void lx_ep_after_fork(void)
{
	lx_libfd_each(&lx_ep_ops, lx_ep_forget);
}

/* ------------------------------------------------------------ epoll_ctl */

/* The set epfd names; NULL with *err set (EBADF, EINVAL). */
static struct lx_epset *lx_ep_get(long epfd, long *err)
{
	struct lx_epset *s = lx_libfd_get(epfd, &lx_ep_ops);

	if (s)
		return s;
	*err = ros_syscall_raw(SYS_fcntl, epfd, 1 /* F_GETFD */, 0, 0, 0, 0) == -LX_EBADF ?
	       -LX_EBADF : -LX_EINVAL;
	lx_errstr("epoll", *err == -LX_EBADF ? "epfd is not open" : "epfd is not an epoll fd");
	return NULL;
}

/* Takes the set's lock; false (with errstr) if this very thread holds it:
 * a signal handler called in while the thread is inside the set. */
static bool lx_ep_lock(struct lx_epset *s, const char *call)
{
	if (lx_lock(&s->lock))
		return true;
	lx_errstr(call, "called from a signal handler while this thread uses the set");
	return false;
}

static long lx_ep_tap1(struct lx_epset *s, int fd, int cmd)
{
	struct fd_tap_req r = lx_ep_req(s, fd, cmd);

	return ros_syscall_raw(SYS_tap_fds, (long)&r, 1, 0, 0, 0, 0);
}

static long lx_ep_add(struct lx_epset *s, int fd, const struct lx_epoll_event *ev)
{
	struct lx_epent *e = &s->ent[fd];
	struct lx_epent old = *e;
	long r;

	e->events = ev->events;
	r = lx_ep_tap1(s, fd, FDTAP_CMD_ADD);
	if (r < 0) {
		*e = old;
		return r;
	}
	*e = (struct lx_epent){ .events = ev->events, .data = ev->data, .in_set = 1,
	                        .queued = old.queued };
	return 0;
}

static long lx_ep_mod(struct lx_epset *s, int fd, const struct lx_epoll_event *ev)
{
	struct lx_epent *e = &s->ent[fd];
	uint32_t old = e->events;
	long r;

	if (!e->in_set)
		return -LX_ENOENT;
	e->events = ev->events;
	e->pend = 0;
	r = lx_ep_tap1(s, fd, FDTAP_CMD_MOD);
	if (r == -LX_ENOENT)
		e->in_set = 0;          /* the fd was closed meanwhile */
	if (r < 0) {
		e->events = old;
		return r;
	}
	e->data = ev->data;
	e->disabled = 0;
	return 0;
}

static long lx_ep_del(struct lx_epset *s, int fd)
{
	struct lx_epent *e = &s->ent[fd];
	long r;

	if (!e->in_set)
		return -LX_ENOENT;
	r = lx_ep_tap1(s, fd, FDTAP_CMD_REM);
	e->in_set = 0;
	e->pend = 0;
	return r == -LX_ENOENT ? -LX_ENOENT : 0;
}

long lx_epoll_ctl(const long *a)
{
	long epfd = (int)a[0], op = (int)a[1], fd = (int)a[2], err = 0;
	const struct lx_epoll_event *ev = (const struct lx_epoll_event *)a[3];
	struct lx_epset *s = lx_ep_get(epfd, &err);

	if (!s)
		return err;
	if (fd == epfd || lx_libfd_is(fd)) {
		lx_errstr("epoll_ctl", "an epoll fd cannot be watched");
		return fd == epfd ? -LX_EINVAL : -LX_EPERM;
	}
	if (fd < 0 || fd >= LX_EP_FDS)
		return -LX_EBADF;
	if (op != LX_EPOLL_CTL_DEL && !ev)
		return -LX_EFAULT;
	if (op < LX_EPOLL_CTL_ADD || op > LX_EPOLL_CTL_MOD) {
		lx_errstr("epoll_ctl", "unknown op (want ADD 1, DEL 2 or MOD 3)");
		return -LX_EINVAL;
	}
	if (!lx_ep_lock(s, "epoll_ctl"))
		return -LX_EINVAL;
	if (op == LX_EPOLL_CTL_ADD)
		err = lx_ep_add(s, (int)fd, ev);
	else if (op == LX_EPOLL_CTL_MOD)
		err = lx_ep_mod(s, (int)fd, ev);
	else
		err = lx_ep_del(s, (int)fd);
	lx_unlock(&s->lock);
	return err;
}

/* ------------------------------------------------------------ epoll_wait */

/* A slot's timer posted: due for the call holding the slot?  (A free
 * slot's or an early expiry is stale; lx_wtimer_due re-arms the rest.) */
static void lx_ep_timer_posted(struct lx_epset *s, uint32_t k)
{
	uint64_t bit = 1ull << k;

	if ((s->tslots & bit) && !(s->tfired & bit) && lx_wtimer_due(&s->timer[k]))
		s->tfired |= bit;
}

/* Drains the CEQ into the entries and the FIFO, and timeouts into tfired. */
static void lx_ep_drain(struct lx_epset *s)
{
	uint32_t id, bits;

	while (lx_waiter_get(&s->w, &id, &bits, NULL)) {
		struct lx_epent *e;

		if (id >= LX_EP_TIMEOUT) {
			if (id < LX_EP_TIMEOUT + LX_EP_TSLOTS)
				lx_ep_timer_posted(s, id - LX_EP_TIMEOUT);
			continue;
		}
		e = &s->ent[id];
		e->pend |= bits;
		if (!e->queued) {
			e->queued = 1;
			s->fifo[(s->fifo_head + s->fifo_len++) % LX_EP_FDS] = (uint16_t)id;
		}
	}
}

static uint32_t lx_ep_wanted(const struct lx_epent *e)
{
	if (!e->in_set || e->disabled)
		return 0;
	return lx_filt_to_poll(e->pend) &
	       (e->events | LX_POLLERR | LX_POLLHUP) & ~(LX_POLLRDHUP & ~e->events);
}

static bool lx_ep_level(const struct lx_epent *e)
{
	return !(e->events & LX_EPOLLET);
}

/* MODs the n fds of list (re-arming them: the kernel posts what is true). */
static void lx_ep_rearm(struct lx_epset *s, const uint16_t *list, size_t n)
{
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		struct lx_epent *e = &s->ent[list[i]];

		if (e->in_set && !e->disabled)
			s->reqs[m++] = lx_ep_req(s, list[i], FDTAP_CMD_MOD);
	}
	lx_tap_batch(s->reqs, m, lx_ep_ignore, NULL);
}

/* Pops up to max fds with wanted bits into s->cand; how many. */
static size_t lx_ep_pick(struct lx_epset *s, size_t max)
{
	size_t n = 0;

	while (n < max && s->fifo_len) {
		uint16_t fd = s->fifo[s->fifo_head];
		struct lx_epent *e = &s->ent[fd];

		s->fifo_head = (s->fifo_head + 1) % LX_EP_FDS;
		s->fifo_len--;
		e->queued = 0;
		if (lx_ep_wanted(e))
			s->cand[n++] = fd;
		else
			e->pend = 0;
	}
	return n;
}

/* Level-triggered candidates are asked again: only the still-ready stay. */
static void lx_ep_recheck(struct lx_epset *s, size_t n)
{
	size_t lt = 0;

	for (size_t i = 0; i < n; i++) {
		struct lx_epent *e = &s->ent[s->cand[i]];

		if (lx_ep_level(e)) {
			e->pend = 0;
			lt++;
		}
	}
	if (!lt)
		return;
	lx_ep_rearm(s, s->cand, n);
	lx_ep_drain(s);
}

/* fresh: every candidate is an edge posted while this wait was parked,
 * which nothing in this (single-threaded) process can have consumed since:
 * no recheck needed. */
static long lx_ep_report(struct lx_epset *s, struct lx_epoll_event *out, size_t max,
                         bool fresh)
{
	size_t n = lx_ep_pick(s, max), got = 0;

	if (!fresh)
		lx_ep_recheck(s, n);
	for (size_t i = 0; i < n; i++) {
		uint16_t fd = s->cand[i];
		struct lx_epent *e = &s->ent[fd];
		uint32_t rev = lx_ep_wanted(e);

		e->pend = 0;
		if (!rev)
			continue;
		out[got].events = rev;
		out[got].data = e->data;
		got++;
		if (e->events & LX_EPOLLONESHOT)
			e->disabled = 1;
		else if (lx_ep_level(e))
			s->relevel[s->nrelevel++] = fd;
	}
	return (long)got;
}

/* A waiting call's timeout: a slot's wait timer armed, or (no slot left)
 * 0, the futex's clock then.  The slot's bit, 0 without one; <0: -errno. */
static int64_t lx_ep_timeout_arm(struct lx_epset *s, uint64_t ns)
{
	int k;
	long r;

	if (s->tslots == ~0ull)
		return 0;
	k = __builtin_ctzll(~s->tslots);
	r = lx_wtimer_arm(&s->timer[k], &s->w, LX_EP_TIMEOUT + (uint32_t)k, ns);
	if (r < 0)
		return r;
	s->tslots |= 1ull << k;
	return (int64_t)(1ull << k);
}

/* Frees the slot.  Its timer stays armed if the call ended early: a late
 * expiry finds the slot free, or held by a call whose deadline it checks. */
static void lx_ep_timeout_end(struct lx_epset *s, uint64_t mine)
{
	s->tslots &= ~mine;
	s->tfired &= ~mine;
	s->tkicked &= ~mine;
}

/* Timeouts of other waiters found by our drain: wake all parked threads
 * (the one it belongs to cannot be told apart on the futex). */
static bool lx_ep_others_timed_out(struct lx_epset *s, uint64_t mine)
{
	uint64_t fresh = s->tfired & ~mine & ~s->tkicked;

	s->tkicked |= fresh;
	return fresh != 0;
}

/* One round under the lock: re-arm, drain, report.  >0 events, 0 none. */
static long lx_ep_round(struct lx_epset *s, struct lx_epoll_event *out, size_t max,
                        bool parked)
{
	lx_ep_rearm(s, s->relevel, s->nrelevel);
	s->nrelevel = 0;
	lx_ep_drain(s);
	return lx_ep_report(s, out, max, parked && !s->w.threaded);
}

/* Parks the caller with the lock dropped; 0, -EINTR or -ETIMEDOUT. */
static long lx_ep_park(struct lx_epset *s, int seen, bool kick_all, uint64_t deadline)
{
	uint64_t left = 0, now = 0;
	long r;

	if (deadline) {
		lx_clock_ns(LX_CLOCK_MONOTONIC, &now);
		if (now >= deadline)
			return -LX_ETIMEDOUT;
		left = deadline - now;
	}
	s->nparked++;
	lx_unlock(&s->lock);
	if (kick_all)
		lx_waiter_kick(&s->w, 1 << 30);
	r = lx_waiter_park(&s->w, seen, deadline ? &left : NULL);
	while (!lx_lock(&s->lock))
		;       /* not held by this thread: lx_lock waits, never refuses */
	s->nparked--;
	return r;
}

static long lx_ep_wait(struct lx_epset *s, struct lx_epoll_event *out, size_t max,
                       int64_t timeout_ns)
{
	long r = 0;
	int64_t mine = 0;
	uint64_t deadline = 0;
	bool parked = false, kick_all = false;

	if (!lx_ep_lock(s, "epoll_wait"))
		return -LX_EINVAL;
	if (timeout_ns > 0) {
		mine = lx_ep_timeout_arm(s, (uint64_t)timeout_ns);
		if (mine == 0 && lx_clock_ns(LX_CLOCK_MONOTONIC, &deadline) == 0)
			deadline += (uint64_t)timeout_ns;
		r = mine < 0 ? mine : 0;
	}
	while (r >= 0) {
		int seen = lx_waiter_prepare(&s->w);

		r = lx_ep_round(s, out, max, parked);
		kick_all |= lx_ep_others_timed_out(s, mine > 0 ? (uint64_t)mine : 0);
		if (r || (s->tfired & (uint64_t)mine))
			break;
		if (s->fifo_len)
			continue;
		if (timeout_ns == 0)
			break;
		r = lx_ep_park(s, seen, kick_all, deadline);
		kick_all = false;
		parked = true;
	}
	if (r == -LX_ETIMEDOUT)
		r = 0;
	lx_ep_timeout_end(s, mine > 0 ? (uint64_t)mine : 0);
	/* work left for the others: the FIFO, or fds Linux offers them again */
	if (kick_all)
		lx_waiter_kick(&s->w, 1 << 30);
	else if (r > 0 && s->nparked && (s->fifo_len || s->nrelevel))
		lx_waiter_kick(&s->w, 1);
	lx_unlock(&s->lock);
	return r;
}

long lx_epoll_wait(const long *a)
{
	long err = 0;
	struct lx_epset *s = lx_ep_get((int)a[0], &err);
	int max = (int)a[2], ms = (int)a[3];

	if (!s)
		return err;
	if (max <= 0) {
		lx_errstr("epoll_wait", "maxevents must be positive");
		return -LX_EINVAL;
	}
	if (!a[1])
		return -LX_EFAULT;
	return lx_ep_wait(s, (struct lx_epoll_event *)a[1], max > LX_EP_FDS ? LX_EP_FDS : (size_t)max,
	                  ms < 0 ? -1 : (int64_t)ms * 1000000);
}

static long lx_epoll_pwait_call(const long *a, int64_t ns)
{
	(void)ns;
	return lx_epoll_wait(a);
}

long lx_epoll_pwait(const long *a)
{
	return lx_masked((const void *)a[4], a[5], lx_epoll_pwait_call, a, 0);
}
