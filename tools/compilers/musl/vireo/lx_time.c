/* SPDX-License-Identifier: MIT */
/*
 * lx_time.c - clocks and sleeps of the translation layer.
 *
 * Reading a clock never traps: the global info page (ros/globalinfo.h, at
 * UGINFO) gives tsc_freq and a (walltime_ns_last, tsc_last) pair published
 * under walltime_seqctr.  Monotonic time is rdtsc scaled to nanoseconds;
 * wall time is walltime_ns_last plus the ticks since tsc_last, scaled.  The
 * scaling splits ticks into whole seconds and a remainder so nothing
 * overflows for any uptime.  While the kernel does not map the page
 * (parlib_globalinfo() is NULL), clock reads return -ENOSYS with an errstr.
 * musl's clock_gettime calls __vireo_clock_gettime() directly (lx_clock.h).
 * Sleeps are Vireo's nanosleep (struct ktimespec is struct timespec);
 * TIMER_ABSTIME is made relative with the clock first.  The CPU-time
 * clocks are lx_cputime.c's.
 */
#include <ros/kstat.h>
#include <parlib/parlib.h>
#include "lx.h"
#include "lx_clock.h"

#define LX_CLOCK_MONOTONIC_RAW    4
#define LX_CLOCK_REALTIME_COARSE  5
#define LX_CLOCK_MONOTONIC_COARSE 6
#define LX_TIMER_ABSTIME          1
#define LX_NSEC_PER_SEC           1000000000ull

_Static_assert(sizeof(struct ktimespec) == sizeof(struct lx_timespec), "timespec");

/* ticks of a freq Hz counter as whole seconds and nanoseconds. */
static void lx_ticks_split(uint64_t ticks, uint64_t freq, struct lx_timespec *ts)
{
	ts->tv_sec = (int64_t)(ticks / freq);
	ts->tv_nsec = (int64_t)(ticks % freq * LX_NSEC_PER_SEC / freq);
}

static uint64_t lx_ticks_to_ns(uint64_t ticks, uint64_t freq)
{
	struct lx_timespec ts;

	lx_ticks_split(ticks, freq, &ts);
	return (uint64_t)ts.tv_sec * LX_NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
}

static bool lx_clock_is_monotonic(long clk)
{
	return clk == LX_CLOCK_MONOTONIC || clk == LX_CLOCK_MONOTONIC_RAW ||
	       clk == LX_CLOCK_MONOTONIC_COARSE || clk == LX_CLOCK_BOOTTIME;
}

/* Wall-clock nanoseconds from the pair, read under the seqctr. */
static uint64_t lx_walltime_ns(const struct proc_global_info *gi)
{
	uint64_t seq, base, tsc, now;

	do {
		seq = __atomic_load_n(&gi->walltime_seqctr, __ATOMIC_ACQUIRE);
		base = gi->walltime_ns_last;
		tsc = gi->tsc_last;
		now = __builtin_ia32_rdtsc();
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((seq & 1) || seq != __atomic_load_n(&gi->walltime_seqctr, __ATOMIC_RELAXED));
	return base + (now > tsc ? lx_ticks_to_ns(now - tsc, gi->tsc_freq) : 0);
}

/* Nanoseconds on clock clk, or -errno. */
long lx_clock_ns(long clk, uint64_t *ns)
{
	const struct proc_global_info *gi = parlib_globalinfo();

	if (!gi || !gi->tsc_freq) {
		lx_errstr("clock_gettime", "the global info page is not mapped by this kernel");
		return -LX_ENOSYS;
	}
	switch (clk) {
	case LX_CLOCK_REALTIME:
	case LX_CLOCK_REALTIME_COARSE:
		*ns = lx_walltime_ns(gi);
		return 0;
	default:
		if (lx_clock_is_cpu(clk))
			return lx_cpuclock_ns(clk, ns);
		if (!lx_clock_is_monotonic(clk))
			return -LX_EINVAL;
		*ns = lx_ticks_to_ns(__builtin_ia32_rdtsc(), gi->tsc_freq);
		return 0;
	}
}

long __vireo_clock_gettime(long clk, struct timespec *uts)
{
	struct lx_timespec *ts = (struct lx_timespec *)uts;
	const struct proc_global_info *gi = parlib_globalinfo();
	uint64_t ns;
	long r;

	/* The common case in one division pair: no round trip through ns. */
	if (ts && gi && gi->tsc_freq && lx_clock_is_monotonic(clk)) {
		lx_ticks_split(__builtin_ia32_rdtsc(), gi->tsc_freq, ts);
		return 0;
	}
	r = lx_clock_ns(clk, &ns);
	if (r < 0)
		return r;
	if (!ts)
		return -LX_EFAULT;
	ts->tv_sec = (int64_t)(ns / LX_NSEC_PER_SEC);
	ts->tv_nsec = (int64_t)(ns % LX_NSEC_PER_SEC);
	return 0;
}

long lx_clock_gettime(const long *a)
{
	return __vireo_clock_gettime(a[0], (struct timespec *)a[1]);
}

long lx_clock_getres(const long *a)
{
	struct lx_timespec *ts = (struct lx_timespec *)a[1];
	uint64_t ns;
	long r = lx_clock_ns(a[0], &ns);

	if (r < 0)
		return r;
	if (ts) {
		ts->tv_sec = 0;
		ts->tv_nsec = 1;
	}
	return 0;
}

long lx_gettimeofday(const long *a)
{
	struct lx_timeval *tv = (struct lx_timeval *)a[0];
	uint64_t ns;
	long r;

	if (!tv)
		return 0;
	r = lx_clock_ns(LX_CLOCK_REALTIME, &ns);
	if (r < 0)
		return r;
	tv->tv_sec = (int64_t)(ns / LX_NSEC_PER_SEC);
	tv->tv_usec = (int64_t)(ns % LX_NSEC_PER_SEC / 1000);
	return 0;
}

long lx_time(const long *a)
{
	int64_t *t = (int64_t *)a[0];
	uint64_t ns;
	long r = lx_clock_ns(LX_CLOCK_REALTIME, &ns);

	if (r < 0)
		return r;
	if (t)
		*t = (int64_t)(ns / LX_NSEC_PER_SEC);
	return (long)(ns / LX_NSEC_PER_SEC);
}

long lx_nanosleep(const long *a)
{
	const struct lx_timespec *req = (const struct lx_timespec *)a[0];

	if (!req)
		return -LX_EFAULT;
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)LX_NSEC_PER_SEC)
		return -LX_EINVAL;
	return ros_syscall_raw(SYS_nanosleep, a[0], a[1], 0, 0, 0, 0);
}

long lx_clock_nanosleep(const long *a)
{
	const struct lx_timespec *req = (const struct lx_timespec *)a[2];
	struct lx_timespec rel;
	uint64_t now, want;
	long r;

	if (a[0] != LX_CLOCK_REALTIME && a[0] != LX_CLOCK_MONOTONIC && a[0] != LX_CLOCK_BOOTTIME)
		return -LX_EINVAL;
	if (!(a[1] & LX_TIMER_ABSTIME)) {
		const long b[6] = { a[2], a[3] };

		return lx_nanosleep(b);
	}
	if (!req)
		return -LX_EFAULT;
	if (req->tv_sec < 0 || req->tv_nsec < 0 || req->tv_nsec >= (long)LX_NSEC_PER_SEC)
		return -LX_EINVAL;
	r = lx_clock_ns(a[0], &now);
	if (r < 0)
		return r;
	want = (uint64_t)req->tv_sec * LX_NSEC_PER_SEC + (uint64_t)req->tv_nsec;
	if (want <= now)
		return 0;
	rel.tv_sec = (int64_t)((want - now) / LX_NSEC_PER_SEC);
	rel.tv_nsec = (int64_t)((want - now) % LX_NSEC_PER_SEC);
	return ros_syscall_raw(SYS_nanosleep, (long)&rel, 0, 0, 0, 0, 0);
}
