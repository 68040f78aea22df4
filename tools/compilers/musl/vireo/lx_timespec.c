/* SPDX-License-Identifier: MIT */
/*
 * lx_timespec.c - timespec arithmetic of the translation layer, shared by
 * the timers (timerfd in lx_fdev.c, POSIX timers and the itimer in
 * lx_timer.c): validity, conversion to and from ns, and what gettime says
 * for a timer armed at a deadline with an interval.  Pure code but for
 * lx_clock_ns (lx_time.c): tests/host/test_libc_lx.c runs it against a
 * fake clock.
 */
#include "lx.h"

#define LX_NS 1000000000ull

bool lx_ts_ok(const struct lx_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < (long)LX_NS;
}

uint64_t lx_ts_ns(const struct lx_timespec *ts)
{
	if ((uint64_t)ts->tv_sec >= UINT64_MAX / LX_NS - 1)
		return UINT64_MAX / 2;  /* far enough: centuries */
	return (uint64_t)ts->tv_sec * LX_NS + (uint64_t)ts->tv_nsec;
}

void lx_ns_ts(uint64_t ns, struct lx_timespec *ts)
{
	ts->tv_sec = (int64_t)(ns / LX_NS);
	ts->tv_nsec = (int64_t)(ns % LX_NS);
}

long lx_itimer_left(int clock, uint64_t deadline, uint64_t interval,
                    struct lx_itimerspec *out)
{
	uint64_t now, left = 0;
	long r = lx_clock_ns(clock, &now);

	if (r < 0)
		return r;
	if (deadline > now)
		left = deadline - now;
	else if (deadline && interval)
		left = interval - (now - deadline) % interval;
	lx_ns_ts(left, &out->it_value);
	lx_ns_ts(interval, &out->it_interval);
	return 0;
}
