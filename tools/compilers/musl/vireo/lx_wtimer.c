/* SPDX-License-Identifier: MIT */
/*
 * lx_wtimer.c - wait timers: the timeouts of poll, select and epoll_wait
 * without a timer file per wait (Documentation/readiness.md, "Timeouts").
 *
 * A wait timer (struct lx_wtimer, lx.h) belongs to one waiter: a poll
 * context, or one timeout slot of an epoll set.  Its first timed wait makes
 * an #alarm (clone, then aN/count opened with O_CLOEXEC and moved to
 * LX_WT_FD_BASE or above, out of the way of the program's lowest-free
 * fds) and taps count READABLE into the waiter's queue under the waiter's
 * id for timeouts.  From then on a timed wait costs one write to count,
 * "set +NS 0" (disarm, count 0, arm), and nothing at its end: the alarm
 * stays open, tapped and maybe armed until the owner closes it.
 *
 * So an expiry may be stale: an earlier wait that ended before its
 * deadline left its alarm armed, or its post was on its way (the kernel
 * posts an IRQ's edge a moment later) when the next wait re-armed.  The
 * timer's id in the CEQ is therefore only a hint: lx_wtimer_due() ends the
 * wait only if the monotonic clock has reached the deadline recorded at
 * arm; otherwise it re-arms for what is left (which also covers an alarm
 * that fires a little before the user clock agrees) and the wait goes on.
 *
 * Which fds are wait timers: lx_wt_tag[fd] holds the tag of the struct
 * that owns fd (tags are never reused, 0 is none).  A timer whose tag is
 * not in the table has no alarm: never made, closed by the program (close
 * or dup2 onto it: lx_wtimer_forget, from lx_fdev_forget), or inherited
 * through fork (lx_ready_after_fork closes those in the child: they are
 * the parent's alarms, untapped here, and re-arming them would post into
 * the parent's CEQ).  exec closes them (O_CLOEXEC).
 *
 * Rules for callers: one wait at a time uses a given struct (poll: the
 * context's caller; epoll: the set's lock is held); a struct is closed
 * (lx_wtimer_close) before its memory is unmapped or its CEQ initialised
 * again, since only closing the fd stops posts.  Each live wait timer is
 * one of the process's ALARM_MAX_PER_PROC (64) alarms.
 */
#include <ros/fcntl.h>
#include "lx.h"

#define LX_WT_FD_BASE 3584      /* below lx_timer.c's 3700 and the library's 3840 */
#define LX_WT_NFDS    4096      /* NR_FILE_DESC_MAX */

static uint32_t lx_wt_tag[LX_WT_NFDS];  /* [a] the owner's tag per fd, 0: none */
static uint32_t lx_wt_next;             /* [a] the last tag handed out */

static long lx_wt_sys(unsigned int num, long a0, long a1, long a2)
{
	return ros_syscall_raw(num, a0, a1, a2, 0, 0, 0);
}

static bool lx_wt_live(const struct lx_wtimer *t)
{
	return t->tag && t->fd >= 0 && t->fd < LX_WT_NFDS &&
	       __atomic_load_n(&lx_wt_tag[t->fd], __ATOMIC_ACQUIRE) == t->tag;
}

/* An alarm's count, open close-on-exec at LX_WT_FD_BASE or above; -errno. */
static long lx_wt_open(void)
{
	uint64_t id;
	long ctl = lx_alarm_new(&id), fd, up;

	if (ctl < 0)
		return ctl;
	fd = lx_alarm_open((unsigned int)id, "count", O_RDWR | O_CLOEXEC);
	lx_wt_sys(SYS_close, ctl, 0, 0);
	if (fd < 0)
		return fd;
	up = lx_wt_sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, LX_WT_FD_BASE);
	lx_wt_sys(SYS_close, fd, 0, 0);
	return up >= LX_WT_NFDS ? (lx_wt_sys(SYS_close, up, 0, 0), -LX_EMFILE) : up;
}

/* Gives t an alarm tapped into w under id; 0 or -errno (t has none). */
static long lx_wt_make(struct lx_wtimer *t, struct lx_waiter *w, uint32_t id)
{
	struct fd_tap_req req = { .cmd = FDTAP_CMD_ADD, .filter = FDTAP_FILT_READABLE,
	                          .ev_id = id, .ev_q = (uint64_t)&w->q };
	long fd = lx_wt_open(), r;

	t->tag = 0;
	if (fd < 0)
		return fd;
	req.fd = (int32_t)fd;
	r = lx_wt_sys(SYS_tap_fds, (long)&req, 1, 0);
	if (r < 0) {
		lx_wt_sys(SYS_close, fd, 0, 0);
		return r;
	}
	t->fd = (int)fd;
	t->tag = __atomic_add_fetch(&lx_wt_next, 1, __ATOMIC_RELAXED);
	if (!t->tag)                    /* 2^32 timers made: skip 0 */
		t->tag = __atomic_add_fetch(&lx_wt_next, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&lx_wt_tag[fd], t->tag, __ATOMIC_RELEASE);
	return 0;
}

/* One write: disarm, count 0, arm for ns from now, one-shot. */
static long lx_wt_set(const struct lx_wtimer *t, uint64_t ns)
{
	char msg[40] = "set +";
	size_t len = 5 + lx_utoa(msg + 5, ns ? ns : 1);
	long r;

	msg[len++] = ' ';
	msg[len++] = '0';
	r = lx_wt_sys(SYS_write, t->fd, (long)msg, (long)len);
	return r < 0 ? r : 0;
}

long lx_wtimer_arm(struct lx_wtimer *t, struct lx_waiter *w, uint32_t id, uint64_t ns)
{
	uint64_t now;
	long r = lx_clock_ns(LX_CLOCK_MONOTONIC, &now);

	if (r < 0)
		return r;
	if (!lx_wt_live(t) && (r = lx_wt_make(t, w, id)) < 0)
		return r;
	t->deadline = now + ns < now ? UINT64_MAX : now + ns;
	return lx_wt_set(t, ns);
}

bool lx_wtimer_due(struct lx_wtimer *t)
{
	uint64_t now;

	if (lx_clock_ns(LX_CLOCK_MONOTONIC, &now) < 0 || now >= t->deadline)
		return true;
	/* stale or early: wait for the rest; if the alarm is gone (closed
	 * by the program) or refuses, end the wait rather than sleep on */
	return !lx_wt_live(t) || lx_wt_set(t, t->deadline - now) < 0;
}

void lx_wtimer_close(struct lx_wtimer *t)
{
	if (lx_wt_live(t)) {
		__atomic_store_n(&lx_wt_tag[t->fd], 0, __ATOMIC_RELEASE);
		lx_wt_sys(SYS_close, t->fd, 0, 0);
	}
	t->tag = 0;
}

void lx_wtimer_forget(long fd)
{
	if (fd >= 0 && fd < LX_WT_NFDS)
		__atomic_store_n(&lx_wt_tag[fd], 0, __ATOMIC_RELEASE);
}

void lx_ready_after_fork(void)
{
	for (int fd = LX_WT_FD_BASE; fd < LX_WT_NFDS; fd++) {
		if (!lx_wt_tag[fd])
			continue;
		lx_wt_tag[fd] = 0;
		lx_wt_sys(SYS_close, fd, 0, 0);
	}
}
