/* SPDX-License-Identifier: MIT */
/*
 * lx_clockset.c - setting and adjusting the clocks, for the translation
 * layer (rows clock_settime, settimeofday, adjtimex, clock_adjtime).
 *
 * Vireo's rule: no program sets the clocks.  The wall clock comes from the
 * RTC at boot (kern/arch/x86/rtc.c) and runs on the TSC; the monotonic
 * clocks are the TSC.  The global info page that every process reads the
 * time from is the kernel's alone, and Vireo has no user identities that
 * could single out a privileged "host owner" yet.  So, as Linux does for a
 * process without CAP_SYS_TIME: bad clocks and values are EINVAL (checked
 * first, as Linux), NULL pointers EFAULT, and every request that would
 * change a clock is EPERM.  adjtimex with no modes (what adjtime(NULL, &old)
 * asks) only reads: no adjustment in progress, the clock unsynchronised.
 */
#include <string.h>
#include "lx.h"

#define LX_STA_UNSYNC 0x0040
#define LX_TIME_ERROR 5
#define LX_ADJ_OFFSET_SS_READ 0xa001
#define LX_USEC_PER_SEC 1000000

/* Linux's struct timex (x86-64, 208 bytes): the fields read back. */
struct lx_timex {
	uint32_t modes;
	int32_t __pad0;
	int64_t offset, freq, maxerror, esterror;
	int32_t status;
	int32_t __pad1;
	int64_t constant, precision, tolerance;
	struct lx_timeval time;
	int64_t tick, ppsfreq, jitter;
	int32_t shift;
	int32_t __pad2;
	int64_t stabil, jitcnt, calcnt, errcnt, stbcnt;
	int32_t tai;
	int32_t __pad3[11];
};
_Static_assert(sizeof(struct lx_timex) == 208, "Linux struct timex");

static long lx_clockset_refused(const char *call)
{
	lx_errstr(call, "Vireo's clocks are set by the kernel only (Documentation/libc.md, "
	          "\"Clocks\")");
	return -LX_EPERM;
}

long lx_clock_settime(const long *a)
{
	const struct lx_timespec *ts = (const struct lx_timespec *)a[1];
	uint64_t now;
	long r = lx_clock_ns(a[0], &now);

	if (r < 0)
		return r;
	if (a[0] != LX_CLOCK_REALTIME)
		return -LX_EINVAL;      /* the monotonic clocks cannot be set */
	if (!ts)
		return -LX_EFAULT;
	if (!lx_ts_ok(ts))
		return -LX_EINVAL;
	return lx_clockset_refused("clock_settime");
}

long lx_settimeofday(const long *a)
{
	const struct lx_timeval *tv = (const struct lx_timeval *)a[0];

	if (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= LX_USEC_PER_SEC))
		return -LX_EINVAL;
	return lx_clockset_refused("settimeofday");
}

long lx_adjtimex(const long *a)
{
	struct lx_timex *tx = (struct lx_timex *)a[0];
	uint64_t now;
	long r;

	if (!tx)
		return -LX_EFAULT;
	if (tx->modes && tx->modes != LX_ADJ_OFFSET_SS_READ)
		return lx_clockset_refused("adjtimex");
	if ((r = lx_clock_ns(LX_CLOCK_REALTIME, &now)) < 0)
		return r;
	memset(tx, 0, sizeof(*tx));
	tx->status = LX_STA_UNSYNC;
	tx->maxerror = 16000000;        /* Linux's NTP_PHASE_LIMIT: unsynchronised */
	tx->esterror = 16000000;
	tx->precision = 1;
	tx->tolerance = 32768000;       /* MAXFREQ_SCALED as Linux reports it */
	tx->time.tv_sec = (int64_t)(now / 1000000000);
	tx->time.tv_usec = (int64_t)(now % 1000000000 / 1000);
	tx->tick = 10000;
	return LX_TIME_ERROR;           /* the clock is not synchronised */
}

long lx_clock_adjtime(const long *a)
{
	const long b[6] = { a[1] };

	if (a[0] != LX_CLOCK_REALTIME)
		return a[0] == LX_CLOCK_MONOTONIC || a[0] == LX_CLOCK_BOOTTIME ? -LX_EOPNOTSUPP :
		       -LX_EINVAL;
	return lx_adjtimex(b);
}
