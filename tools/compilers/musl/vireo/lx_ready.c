/* SPDX-License-Identifier: MIT */
/*
 * lx_ready.c - the machinery poll, select and epoll share: FD taps sent in
 * batches, one CEQ per waiter, timeouts as a tapped timerfd, and the wait.
 *
 * A waiter (struct lx_waiter) is an event queue whose mailbox is a CEQ
 * with CEQ_OR: each tap posts its ev_id with the filter bits that fired,
 * so the CEQ holds, per id, the union of the bits since it was last read.
 * The queue has EVENT_WAKEUP and no INDIR: an SCP sleeps in proc_yield(0)
 * (lx_waiter_park) and the kernel wakes it when a tap posts; a post that
 * lands before the yield makes the yield return at once, so the loop
 * "drain the CEQ, decide, park" loses nothing and never spins.  A 2LS with
 * uthreads replaces the park with parking the uthread on the queue (the
 * queue would then gain EVENT_INDIR and a handler that wakes it); nothing
 * else here depends on how the waiter sleeps.
 *
 * Timeouts: lx_waiter_timeout() makes a timerfd of the layer (lx_fdev.c)
 * armed for the timeout, tapped READABLE with the caller's id;
 * lx_waiter_end() closes it, which removes the tap.  No busy-waiting.
 *
 * lx_tap_batch() sends requests through SYS_tap_fds at most FDTAP_MAX_BATCH
 * at a time and reports each refused one to a callback (the kernel stops a
 * batch at its first failure; the rest are sent again).  Single-threaded,
 * as the rest of the layer.
 */
#include <string.h>
#include <parlib/event.h>
#include "lx.h"

int lx_waiter_init(struct lx_waiter *w, struct ceq_event *events, uint32_t nr_events,
                   int32_t *ring, uint32_t ring_sz)
{
	int r;

	memset(events, 0, nr_events * sizeof(*events));
	r = event_mbox_init_ceq(&w->mbox, CEQ_OR, events, nr_events, ring, ring_sz);
	if (r)
		return r;
	event_queue_init(&w->q, &w->mbox, EVENT_WAKEUP);
	w->timer_fd = -1;
	return 0;
}

long lx_waiter_timeout(struct lx_waiter *w, uint64_t ns, uint32_t id)
{
	const long create[2] = { LX_CLOCK_MONOTONIC, LX_O_CLOEXEC };
	struct lx_timespec its[2] = { { 0, 0 }, { (int64_t)(ns / 1000000000u),
	                                          (int64_t)(ns % 1000000000u) } };
	struct fd_tap_req req = { .cmd = FDTAP_CMD_ADD, .filter = FDTAP_FILT_READABLE,
	                          .ev_id = id, .ev_q = (uint64_t)&w->q };
	long set[4], fd, r;

	fd = lx_timerfd_create(create);
	if (fd < 0)
		return fd;
	set[0] = fd;
	set[1] = 0;
	set[2] = (long)its;
	set[3] = 0;
	req.fd = (int32_t)fd;
	r = lx_timerfd_settime(set);
	if (r == 0)
		r = ros_syscall_raw(SYS_tap_fds, (long)&req, 1, 0, 0, 0, 0);
	if (r < 0) {
		const long cl[1] = { fd };

		lx_close_call(cl);
		return r;
	}
	w->timer_fd = fd;
	return 0;
}

bool lx_waiter_park(struct lx_waiter *w)
{
	(void)w;
	ros_yield(0);
	if (ros_syscall_hook)
		ros_syscall_hook();     /* signals that came meanwhile */
	return lx_sig_interrupted();
}

void lx_waiter_end(struct lx_waiter *w)
{
	if (w->timer_fd >= 0) {
		const long cl[1] = { w->timer_fd };

		lx_close_call(cl);
		w->timer_fd = -1;
	}
}

bool lx_waiter_get(struct lx_waiter *w, uint32_t *id, uint32_t *bits, uint64_t *data)
{
	struct event_msg m;

	if (!ceq_get_msg(&w->mbox.ceq, &m))
		return false;
	*id = m.ev_type;
	*bits = m.ev_arg2;
	if (data)
		*data = m.ev_arg3;
	return true;
}

long lx_tap_batch(struct fd_tap_req *reqs, size_t n,
                  long (*refused)(size_t i, long err, void *arg), void *arg)
{
	size_t i = 0;

	while (i < n) {
		size_t m = n - i < FDTAP_MAX_BATCH ? n - i : FDTAP_MAX_BATCH;
		long r = ros_syscall_raw(SYS_tap_fds, (long)&reqs[i], (long)m, 0, 0, 0, 0);

		if (r > 0) {
			i += (size_t)r;
			continue;
		}
		if (r == 0)
			return -LX_EIO;
		r = refused ? refused(i, r, arg) : r;
		if (r < 0)
			return r;
		i++;
	}
	return 0;
}

long lx_masked(const void *mask, long size, long (*call)(const long *a, int64_t ns),
               const long *a, int64_t ns)
{
	uint64_t old;
	const long set[4] = { 2 /* SIG_SETMASK */, (long)mask, (long)&old, 8 };
	const long back[4] = { 2, (long)&old, 0, 8 };
	long r;

	if (!mask)
		return call(a, ns);
	if (size != 8)
		return -LX_EINVAL;
	r = lx_rt_sigprocmask(set);
	if (r)
		return r;
	r = call(a, ns);
	lx_rt_sigprocmask(back);
	return r;
}
