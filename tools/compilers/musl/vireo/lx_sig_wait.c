/* SPDX-License-Identifier: MIT */
/*
 * lx_sig_wait.c - waiting for signals: sigsuspend, pause (a handler must
 * run; then EINTR) and sigtimedwait (a signal of the set is taken without
 * running its handler; EAGAIN at the timeout; EINTR if a handler of
 * another signal ran meanwhile).
 *
 * The wait is SYS_block, a kernel sleep that abort_sysc ends: on an SCP
 * the signal's event wakes the process, parlib's hook runs, and the hook
 * aborts the block when a handler ran or a signal of sigtimedwait's set
 * (lx_sig_thr.waiting_for) is pending (lx_sig_deliver.c).  With threads
 * (an MCP) the 2LS parks the uthread instead, which no signal event
 * reaches: the block is cut into LX_SIG_SLICE_US slices and each wake-up
 * looks again.  A program without a signal queue would sleep forever:
 * ENOSYS.  Everything here is the calling thread's.
 */
#include <parlib/parlib.h>
#include "lx_sig.h"
#include "lx_clock.h"

#define LX_SIG_BLOCK_MAX_US (3600ULL * 1000000)         /* the kernel's bound per call */
#define LX_SIG_SLICE_US     10000
#define LX_NSEC_PER_SEC     1000000000ull
#define LX_SIG_FOREVER_S    (1ULL << 32)

static uint64_t lx_sig_now_ns(void)
{
	uint64_t ns = 0;

	lx_clock_ns(LX_CLOCK_MONOTONIC, &ns);
	return ns;
}

/* Sleeps up to ns (abortably, see above). */
static void lx_sig_sleep(uint64_t ns)
{
	uint64_t us = ns / 1000 + 1;

	if (us > LX_SIG_BLOCK_MAX_US)
		us = LX_SIG_BLOCK_MAX_US;
	if (lx_threads_running() && us > LX_SIG_SLICE_US)
		us = LX_SIG_SLICE_US;
	ros_syscall_raw(SYS_block, (long)us, 0, 0, 0, 0, 0);
}

/* With mask as the thread's mask, sleeps until a handler ran: -EINTR. */
static long lx_sig_wait_caught(uint64_t mask)
{
	struct lx_sig_thr *me = lx_sig_me();
	uint64_t saved = me->mask, caught = me->caught;

	if (lx_sig_state != 1) {
		lx_errstr("sigsuspend", "no signal queue in this process: it would sleep forever");
		return -LX_ENOSYS;
	}
	me->mask = mask & ~LX_UNBLOCKABLE;
	lx_sig_deliver();
	while (me->caught == caught) {
		lx_sig_sleep(UINT64_MAX);
		lx_sig_deliver();
	}
	me->mask = saved;
	return -LX_EINTR;
}

long lx_rt_sigsuspend(const long *a)
{
	const uint64_t *set = (const uint64_t *)a[0];

	if (a[1] != 8)
		return -LX_EINVAL;
	if (!set)
		return -LX_EFAULT;
	return lx_sig_wait_caught(*set);
}

long lx_pause(const long *a)
{
	(void)a;
	return lx_sig_wait_caught(lx_sig_me()->mask);
}

/* sigtimedwait's loop: the signal's number, -EAGAIN or -EINTR. */
static long lx_sig_timedwait(uint64_t want, struct lx_siginfo *info, const uint64_t *end)
{
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_siginfo si;
	uint64_t now;

	for (;;) {
		lx_sigq_drain();
		if (lx_sigq_take(want, me->tid, &si)) {
			if (info)
				*info = si;
			return si.si_signo;
		}
		if (lx_sig_deliver())           /* another signal's handler */
			return -LX_EINTR;
		now = lx_sig_now_ns();
		if (end && now >= *end)
			return -LX_EAGAIN;
		me->waiting_for = want;
		lx_sig_sleep(end ? *end - now : UINT64_MAX);
		me->waiting_for = 0;
	}
}

long lx_rt_sigtimedwait(const long *a)
{
	const uint64_t *set = (const uint64_t *)a[0];
	struct lx_siginfo *info = (struct lx_siginfo *)a[1];
	const struct lx_timespec *ts = (const struct lx_timespec *)a[2];
	struct lx_sig_thr *me = lx_sig_me();
	uint64_t want, saved, end = 0;
	long r;

	if (a[3] != 8)
		return -LX_EINVAL;
	if (!set)
		return -LX_EFAULT;
	if (ts && (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)LX_NSEC_PER_SEC))
		return -LX_EINVAL;
	if (!ts && lx_sig_state != 1) {
		lx_errstr("sigtimedwait", "no signal queue in this process: it would sleep forever");
		return -LX_ENOSYS;
	}
	want = *set & ~LX_UNBLOCKABLE;
	if (ts && (uint64_t)ts->tv_sec < LX_SIG_FOREVER_S)
		end = lx_sig_now_ns() + (uint64_t)ts->tv_sec * LX_NSEC_PER_SEC +
		      (uint64_t)ts->tv_nsec;
	else if (ts)
		ts = NULL;              /* centuries: no overflow, no timeout */
	/* The set's signals are taken here, not given to their handlers. */
	saved = me->mask;
	me->mask |= want;
	r = lx_sig_timedwait(want, info, ts ? &end : NULL);
	me->mask = saved;
	return r;
}
