/* SPDX-License-Identifier: MIT */
/*
 * libc_time.c - utest suite of the clocks and sleeping through the C
 * library (clock_gettime and gettimeofday are computed from the global
 * info page, without a trap): monotonic reads never go back, the direct
 * clock_gettime and the translated syscall agree, REALTIME,
 * gettimeofday and time() agree, clock_getres, nanosleep and
 * clock_nanosleep (relative and TIMER_ABSTIME) sleep at least as long as
 * asked and not absurdly longer (QEMU TCG: a generous LT_SLACK_NS).
 * Errors are in libc_errors.c.  Run by scripts/run-ktests.sh
 * (run_utest libc_time).
 */
#include <errno.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utest/utest.h>

#define LT_SLACK_NS (2000LL * 1000 * 1000)

static int64_t lt_ns(clockid_t id)
{
	struct timespec t;

	UT_SYS(clock_gettime(id, &t));
	UT_ASSERT_MSG(t.tv_nsec >= 0 && t.tv_nsec < 1000000000, "tv_nsec %ld", t.tv_nsec);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

UTEST(time, monotonic_never_goes_back)
{
	int64_t prev = lt_ns(CLOCK_MONOTONIC), first = prev;

	for (int i = 0; i < 20000; i++) {
		int64_t now = lt_ns(i & 1 ? CLOCK_MONOTONIC : CLOCK_BOOTTIME);

		UT_ASSERT_MSG(now >= prev, "read %d went back %lld ns", i, (long long)(prev - now));
		prev = now;
	}
	UT_ASSERT_GT(prev, first);
}

/* clock_gettime reads the clock directly (overlay/src/time/clock_gettime.c);
 * syscall(SYS_clock_gettime) goes through the translation table: the two
 * agree, in order, and both refuse an unknown clock. */
UTEST(time, direct_and_translated_reads_agree)
{
	struct timespec t;
	int64_t a = lt_ns(CLOCK_MONOTONIC), b, c;

	UT_SYS(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &t));
	b = (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
	c = lt_ns(CLOCK_MONOTONIC);
	UT_ASSERT_MSG(a <= b && b <= c, "reads %lld %lld %lld", (long long)a, (long long)b,
	              (long long)c);
	errno = 0;
	UT_ASSERT_EQ(clock_gettime((clockid_t)99, &t), -1);
	UT_ASSERT_EQ(errno, EINVAL);
	errno = 0;
	UT_ASSERT_EQ(syscall(SYS_clock_gettime, 99, &t), -1);
	UT_ASSERT_EQ(errno, EINVAL);
}

UTEST(time, realtime_gettimeofday_and_time_agree)
{
	struct timeval tv;
	int64_t rt = lt_ns(CLOCK_REALTIME), tod;
	time_t t;

	UT_SYS(gettimeofday(&tv, NULL));
	t = time(NULL);
	tod = (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
	UT_ASSERT_MSG(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "tv_usec %ld", (long)tv.tv_usec);
	UT_ASSERT_MSG(tod >= rt - 1000 && tod - rt < 50 * 1000 * 1000,
	              "gettimeofday %lld ns after CLOCK_REALTIME", (long long)(tod - rt));
	UT_ASSERT_MSG(t >= rt / 1000000000 && t <= rt / 1000000000 + 1, "time() %lld, realtime %lld s",
	              (long long)t, (long long)(rt / 1000000000));
	/* The kernel reads the RTC at boot (kern/arch/x86/rtc.c): the wall
	 * clock is a real date, after this code was written (2026-01-01). */
	UT_ASSERT_MSG(rt / 1000000000 > 1767225600, "CLOCK_REALTIME reads %lld s",
	              (long long)(rt / 1000000000));
}

UTEST(time, clock_getres)
{
	struct timespec r;

	UT_SYS(clock_getres(CLOCK_MONOTONIC, &r));
	UT_ASSERT(r.tv_sec == 0 && r.tv_nsec > 0 && r.tv_nsec <= 1000000);
	UT_SYS(clock_getres(CLOCK_REALTIME, &r));
	UT_ASSERT(r.tv_sec == 0 && r.tv_nsec > 0);
}

static void lt_sleep_check(int64_t asked, int64_t start)
{
	int64_t took = lt_ns(CLOCK_MONOTONIC) - start;

	UT_ASSERT_MSG(took >= asked, "asked %lld ns, slept %lld", (long long)asked, (long long)took);
	UT_ASSERT_MSG(took < asked + LT_SLACK_NS, "asked %lld ns, slept %lld", (long long)asked,
	              (long long)took);
}

UTEST(time, nanosleep_accuracy)
{
	static const long asks[] = { 1000, 1000 * 1000, 30 * 1000 * 1000, 120 * 1000 * 1000 };

	for (unsigned i = 0; i < sizeof(asks) / sizeof(asks[0]); i++) {
		struct timespec ts = { 0, asks[i] }, rem = { 7, 7 };
		int64_t start = lt_ns(CLOCK_MONOTONIC);

		UT_SYS(nanosleep(&ts, &rem));
		lt_sleep_check(asks[i], start);
	}
}

UTEST(time, clock_nanosleep_relative_and_absolute)
{
	struct timespec ts = { 0, 40 * 1000 * 1000 }, until;
	int64_t start = lt_ns(CLOCK_MONOTONIC);

	UT_ASSERT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &ts, NULL), 0);
	lt_sleep_check(ts.tv_nsec, start);
	start = lt_ns(CLOCK_MONOTONIC);
	until.tv_sec = (start + 60 * 1000 * 1000) / 1000000000;
	until.tv_nsec = (start + 60 * 1000 * 1000) % 1000000000;
	UT_ASSERT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL), 0);
	lt_sleep_check(60 * 1000 * 1000, start);
	start = lt_ns(CLOCK_MONOTONIC);
	until.tv_sec = 0;
	UT_ASSERT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, NULL), 0);
	UT_ASSERT_LT(lt_ns(CLOCK_MONOTONIC) - start, LT_SLACK_NS);
}

int main(int argc, char **argv)
{
	return utest_main("libc_time", argc, argv);
}
