/* SPDX-License-Identifier: MIT */
/*
 * lx_epoll.c - epoll in user space: one CEQ per epoll set, fed by FD taps
 * (Documentation/readiness.md has the design and what differs from Linux).
 *
 * A set is one anonymous mapping: its waiter (event queue + CEQ, the id of
 * an event is the fd, the CEQ ORs the tap filter bits; id 4096 is the
 * timeout), an entry per fd (the events and data epoll_ctl gave, the bits
 * seen and not yet reported), a FIFO of fds with bits, and the list of
 * level-triggered fds reported by the last wait.  The set is a library fd
 * (lx_libfd.c); closing it removes its taps and unmaps it.
 *
 * epoll_ctl: ADD is a tap ADD (ev_q = the set's queue, so an fd may be in
 * several sets), MOD a tap MOD, DEL a tap REM.  The kernel posts at once
 * what an ADD or MOD finds true, so a MOD re-arms a ONESHOT fd and reports
 * it if it is ready.  An fd closed while in a set loses its tap in the
 * kernel; the entry is then stale, and MOD or DEL on it say ENOENT, as on
 * Linux, while a new ADD of that number works.
 *
 * epoll_wait: (1) every level-triggered fd reported last time is re-armed
 * with a tap MOD, which posts again if it is still ready; (2) drain the
 * CEQ into the entries and the FIFO; (3) take up to maxevents fds with
 * wanted bits; the level-triggered ones are checked again (a MOD each,
 * then a drain) and dropped if no longer ready, so a stale edge is never
 * reported, unless they came after a park (4): an edge posted while the
 * wait slept is as fresh as Linux's check at report time; EPOLLET fds are reported as their edges came; EPOLLONESHOT
 * disables the entry until a MOD; (4) if none, park until a post (or the
 * timeout's timerfd) and go again.  Timeouts: a tapped timerfd, no
 * busy-waiting.  Single-threaded (thread0); a child after fork finds its
 * sets empty (the kernel copies no taps).
 */
#include <string.h>
#include <ros/mmap.h>
#include "lx.h"

#define LX_EP_FDS      4096             /* ids are fds: NR_FILE_DESC_MAX */
#define LX_EP_TIMEOUT  LX_EP_FDS        /* the timeout's id */
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
	struct ceq_event events[LX_EP_FDS + 1];
	int32_t ring[LX_EP_RING];
	struct lx_epent ent[LX_EP_FDS];
	uint16_t fifo[LX_EP_FDS];       /* fds with pend, each once */
	uint32_t fifo_head, fifo_len;
	uint16_t relevel[LX_EP_FDS];    /* level-triggered fds reported last */
	uint32_t nrelevel;
};

static struct fd_tap_req lx_ep_reqs[LX_EP_FDS];
static uint16_t lx_ep_cand[LX_EP_FDS];

static void lx_ep_close(void *obj);

static const struct lx_libfd_ops lx_ep_ops = { .name = "epoll", .close = lx_ep_close };

/* ------------------------------------------------------------ the set */

static long lx_ep_reset(struct lx_epset *s)
{
	memset(s->ent, 0, sizeof(s->ent));
	s->fifo_head = s->fifo_len = s->nrelevel = 0;
	return lx_waiter_init(&s->w, s->events, LX_EP_FDS + 1, s->ring, LX_EP_RING);
}

static long lx_ep_new(long flags)
{
	struct lx_epset *s;
	long va, fd;

	if (flags & ~(long)LX_EPOLL_CLOEXEC) {
		lx_errstr("epoll_create1", "unknown flags (only EPOLL_CLOEXEC)");
		return -LX_EINVAL;
	}
	va = ros_syscall_raw(SYS_mmap, 0, sizeof(*s), PROT_READ | PROT_WRITE,
	                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (va < 0 && va > -4096)
		return va;
	s = (struct lx_epset *)va;
	fd = lx_ep_reset(s);
	if (fd == 0)
		fd = lx_libfd_alloc(&lx_ep_ops, s);
	if (fd < 0)
		ros_syscall_raw(SYS_munmap, va, sizeof(*s), 0, 0, 0, 0);
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
			lx_ep_reqs[m++] = lx_ep_req(s, fd, FDTAP_CMD_REM);
	lx_tap_batch(lx_ep_reqs, m, lx_ep_ignore, NULL);
}

static void lx_ep_close(void *obj)
{
	struct lx_epset *s = obj;

	lx_waiter_end(&s->w);
	lx_ep_untap_all(s);
	ros_syscall_raw(SYS_munmap, (long)s, sizeof(*s), 0, 0, 0, 0);
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
	switch (op) {
	case LX_EPOLL_CTL_ADD:
		return lx_ep_add(s, (int)fd, ev);
	case LX_EPOLL_CTL_MOD:
		return lx_ep_mod(s, (int)fd, ev);
	case LX_EPOLL_CTL_DEL:
		return lx_ep_del(s, (int)fd);
	}
	lx_errstr("epoll_ctl", "unknown op (want ADD 1, DEL 2 or MOD 3)");
	return -LX_EINVAL;
}

/* ------------------------------------------------------------ epoll_wait */

/* Drains the CEQ into the entries and the FIFO; true if it timed out. */
static bool lx_ep_drain(struct lx_epset *s)
{
	uint32_t id, bits;
	bool timed_out = false;

	while (lx_waiter_get(&s->w, &id, &bits, NULL)) {
		struct lx_epent *e;

		if (id == LX_EP_TIMEOUT)
			timed_out = true;
		if (id >= LX_EP_FDS)
			continue;
		e = &s->ent[id];
		e->pend |= bits;
		if (!e->queued) {
			e->queued = 1;
			s->fifo[(s->fifo_head + s->fifo_len++) % LX_EP_FDS] = (uint16_t)id;
		}
	}
	return timed_out;
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
			lx_ep_reqs[m++] = lx_ep_req(s, list[i], FDTAP_CMD_MOD);
	}
	lx_tap_batch(lx_ep_reqs, m, lx_ep_ignore, NULL);
}

/* Pops up to max fds with wanted bits into lx_ep_cand; how many. */
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
			lx_ep_cand[n++] = fd;
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
		struct lx_epent *e = &s->ent[lx_ep_cand[i]];

		if (lx_ep_level(e)) {
			e->pend = 0;
			lt++;
		}
	}
	if (!lt)
		return;
	lx_ep_rearm(s, lx_ep_cand, n);
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
		uint16_t fd = lx_ep_cand[i];
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

static long lx_ep_wait(struct lx_epset *s, struct lx_epoll_event *out, size_t max,
                       int64_t timeout_ns)
{
	long r = 0;
	bool parked = false;

	lx_ep_rearm(s, s->relevel, s->nrelevel);
	s->nrelevel = 0;
	if (timeout_ns > 0)
		r = lx_waiter_timeout(&s->w, (uint64_t)timeout_ns, LX_EP_TIMEOUT);
	while (r >= 0) {
		bool timed_out = lx_ep_drain(s);

		r = lx_ep_report(s, out, max, parked);
		if (r || timed_out)
			break;
		if (s->fifo_len)
			continue;
		if (timeout_ns == 0)
			break;
		if (lx_waiter_park(&s->w)) {
			r = -LX_EINTR;  /* a signal handler ran */
			break;
		}
		parked = true;
	}
	lx_waiter_end(&s->w);
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
