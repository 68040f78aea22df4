/* SPDX-License-Identifier: MIT */
/*
 * libc_cputime.c - utest suite of CPU time through the C library (the
 * kernel's accounting, kern/src/proc/cputime.c, read from #proc/PID/times
 * by lx_cputime.c): a busy loop adds about its length to
 * CLOCK_PROCESS_CPUTIME_ID and to the user time, sleeping adds almost
 * nothing, system calls add system time; the thread clock, the ids of
 * clock_getcpuclockid and pthread_getcpuclockid; another process's clock;
 * a reaped child's time in times(), getrusage(RUSAGE_CHILDREN) and wait4's
 * rusage; Vireo's cputime call against #proc/self/times; bad ids
 * and arguments; last, with threads, each thread's clock its own (a
 * spinner's grows, a sleeper's and a joiner's barely).  Bounds are loose (QEMU TCG, a shared host).  Run by
 * scripts/run-ktests.sh (run_utest libc_cputime).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <stdio.h>
#include <unistd.h>
#include <parlib/parlib.h>
#include <parlib/syscall.h>
#include <utest/utest.h>

#define LC_MS 1000000LL

static int64_t lc_ns(clockid_t id)
{
	struct timespec t;

	UT_SYS(clock_gettime(id, &t));
	UT_ASSERT(t.tv_nsec >= 0 && t.tv_nsec < 1000000000);
	return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* Spins (no system call: the monotonic clock is read without a trap). */
static void lc_spin_ms(long ms)
{
	struct timespec a, b;

	clock_gettime(CLOCK_MONOTONIC, &a);
	do {
		clock_gettime(CLOCK_MONOTONIC, &b);
	} while ((b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec) < ms * LC_MS);
}

static int64_t lc_tv_ns(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000000 + tv->tv_usec * 1000;
}

UTEST(cputime, busy_loop_is_counted_as_user_time)
{
	struct rusage r0, r1;
	int64_t c0, c1, w0, w1;

	UT_SYS(getrusage(RUSAGE_SELF, &r0));
	c0 = lc_ns(CLOCK_PROCESS_CPUTIME_ID);
	w0 = lc_ns(CLOCK_MONOTONIC);
	lc_spin_ms(300);
	c1 = lc_ns(CLOCK_PROCESS_CPUTIME_ID);
	w1 = lc_ns(CLOCK_MONOTONIC);
	UT_SYS(getrusage(RUSAGE_SELF, &r1));
	/* All of it unless the core was shared; never more than the wall. */
	UT_ASSERT_MSG(c1 - c0 >= (w1 - w0) / 3 && c1 - c0 <= w1 - w0 + 20 * LC_MS,
	              "%lld ns of CPU in %lld ns", (long long)(c1 - c0), (long long)(w1 - w0));
	UT_ASSERT_GE(lc_tv_ns(&r1.ru_utime) - lc_tv_ns(&r0.ru_utime), (w1 - w0) / 3);
}

UTEST(cputime, sleeping_is_not_counted)
{
	int64_t c0 = lc_ns(CLOCK_PROCESS_CPUTIME_ID), c1;
	struct timespec ts = { 0, 300 * LC_MS };

	UT_SYS(nanosleep(&ts, NULL));
	c1 = lc_ns(CLOCK_PROCESS_CPUTIME_ID);
	UT_ASSERT_MSG(c1 - c0 < 100 * LC_MS, "%lld ns of CPU while asleep", (long long)(c1 - c0));
	UT_ASSERT_GE(c1, c0);
}

UTEST(cputime, system_calls_are_system_time)
{
	struct rusage r0, r1;

	UT_SYS(getrusage(RUSAGE_SELF, &r0));
	for (int i = 0; i < 3000; i++)
		close(-1);                      /* a trap each: EBADF */
	UT_SYS(getrusage(RUSAGE_SELF, &r1));
	UT_ASSERT_GT(lc_tv_ns(&r1.ru_stime), lc_tv_ns(&r0.ru_stime));
	UT_ASSERT_GE(lc_tv_ns(&r1.ru_utime), lc_tv_ns(&r0.ru_utime));
}

UTEST(cputime, clock_ids_of_ours)
{
	clockid_t pc, pc0, tc;
	struct timespec res;
	int64_t a, b, c, d;

	UT_ASSERT_EQ(clock_getcpuclockid(getpid(), &pc), 0);
	UT_ASSERT_EQ(clock_getcpuclockid(0, &pc0), 0);
	UT_ASSERT_EQ(pthread_getcpuclockid(pthread_self(), &tc), 0);
	lc_spin_ms(20);
	a = lc_ns(pc);
	b = lc_ns(pc0);
	c = lc_ns(tc);
	d = lc_ns(CLOCK_THREAD_CPUTIME_ID);
	UT_ASSERT(a > 0 && a <= b && b <= c && c <= d);
	UT_SYS(clock_getres(CLOCK_PROCESS_CPUTIME_ID, &res));
	UT_ASSERT(res.tv_sec == 0 && res.tv_nsec == 1);
	UT_SYS(clock_getres(tc, &res));
}

UTEST(cputime, another_process_and_children)
{
	struct tms t0, t1;
	struct rusage ru;
	clockid_t cc;
	int64_t seen = 0;
	int status;
	pid_t pid;
	clock_t r0, r1;

	r0 = times(&t0);
	UT_ASSERT(r0 != (clock_t)-1);
	pid = UT_SYS(fork());
	if (pid == 0) {
		lc_spin_ms(250);
		usleep(300 * 1000);
		_exit(0);
	}
	UT_ASSERT_EQ(clock_getcpuclockid(pid, &cc), 0);
	for (int i = 0; i < 100 && seen < 100 * LC_MS; i++) {
		usleep(10 * 1000);
		seen = lc_ns(cc);
	}
	UT_ASSERT_MSG(seen >= 100 * LC_MS, "the child's clock says %lld ns", (long long)seen);
	UT_SYS(waitpid(pid, &status, 0));
	UT_ASSERT_ERRNO(clock_gettime(cc, &(struct timespec){ 0 }), EINVAL);     /* reaped */
	r1 = times(&t1);
	UT_ASSERT_GE(r1 - r0, 25);              /* 100 Hz: at least 250 ms passed */
	UT_ASSERT_GE((t1.tms_cutime + t1.tms_cstime) - (t0.tms_cutime + t0.tms_cstime), 10);
	UT_SYS(getrusage(RUSAGE_CHILDREN, &ru));
	UT_ASSERT_GE(lc_tv_ns(&ru.ru_utime) + lc_tv_ns(&ru.ru_stime), 100 * LC_MS);
}

UTEST(cputime, wait4_rusage_is_the_child)
{
	struct rusage ru;
	int status;
	pid_t pid = UT_SYS(fork());

	if (pid == 0) {
		lc_spin_ms(150);
		_exit(0);
	}
	UT_ASSERT_EQ(wait4(pid, &status, 0, &ru), pid);
	UT_ASSERT(WIFEXITED(status));
	UT_ASSERT_MSG(lc_tv_ns(&ru.ru_utime) + lc_tv_ns(&ru.ru_stime) >= 50 * LC_MS &&
	              lc_tv_ns(&ru.ru_utime) + lc_tv_ns(&ru.ru_stime) < 2000 * LC_MS,
	              "child used %lld ns",
	              (long long)(lc_tv_ns(&ru.ru_utime) + lc_tv_ns(&ru.ru_stime)));
	UT_ASSERT_EQ(ru.ru_maxrss, 0);
	UT_ASSERT_ERRNO(wait4(pid, &status, 0, &ru), ECHILD);
}

/* Vireo's own call for the caller's figures (what CLOCK_PROCESS_CPUTIME_ID
 * reads) against #proc/self/times read just after: the same clock. */
UTEST(cputime, cputime_call_agrees_with_proc_times)
{
	uint64_t w[4], f[4];
	char buf[128];
	FILE *fp;

	lc_spin_ms(20);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_cputime, 0, 0, 0, 0, 0, 0), -EFAULT);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_cputime, (long)w, 0, 0, 0, 0, 0), 0);
	UT_PTR(fp = fopen("#proc/self/times", "r"));
	UT_PTR(fgets(buf, sizeof(buf), fp));
	fclose(fp);
	UT_ASSERT_EQ(sscanf(buf, "%lu %lu %lu %lu", &f[0], &f[1], &f[2], &f[3]), 4);
	UT_ASSERT_GE(w[0], (uint64_t)15 * LC_MS);       /* the spin */
	UT_ASSERT(f[0] >= w[0] && f[0] - w[0] < (uint64_t)500 * LC_MS);
	UT_ASSERT(f[1] >= w[1] && f[1] - w[1] < (uint64_t)500 * LC_MS);
	UT_ASSERT(f[2] == w[2] && f[3] == w[3]);
}

UTEST(cputime, bad_ids_and_arguments)
{
	struct timespec t = { 0, 0 };
	clockid_t c;

	UT_ASSERT_EQ(clock_getcpuclockid(999999, &c), EINVAL);
	UT_ASSERT_ERRNO(clock_gettime((clockid_t)-1, &t), EINVAL);      /* kind 3 */
	UT_ASSERT_ERRNO(clock_gettime((clockid_t)((-0x0fff0000 - 1) * 8 + 6), &t), EINVAL);
	UT_ASSERT_ERRNO(clock_getres((clockid_t)((-999999 - 1) * 8 + 2), &t), EINVAL);
	UT_ASSERT_ERRNO(getrusage(5, &(struct rusage){ 0 }), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_getrusage, RUSAGE_SELF, NULL), EFAULT);
	UT_ASSERT(times(NULL) != (clock_t)-1);
	/* Setting a CPU clock, or sleeping on one, is refused. */
	UT_ASSERT_ERRNO(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &t), EINVAL);
	UT_ASSERT_EQ(clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){ 0, 1 },
	                             NULL), EINVAL);
}

/* Last: the first thread makes the process an MCP, and from then on a
 * thread clock is that thread's own time (lx_cputime.c). */
static void *lc_spinner(void *arg)
{
	lc_spin_ms(300);
	*(int64_t *)arg = lc_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

static void *lc_sleeper(void *arg)
{
	usleep(150000);
	*(int64_t *)arg = lc_ns(CLOCK_THREAD_CPUTIME_ID);
	return NULL;
}

UTEST(cputime, thread_clocks_are_each_threads_own)
{
	int64_t spun = -1, slept = -1, m0, m1, p0, p1;
	clockid_t tc;
	pthread_t a, b;

	utest_no_leak_check();          /* the first thread maps the vcore stacks */
	p0 = lc_ns(CLOCK_PROCESS_CPUTIME_ID);
	UT_ASSERT_EQ(pthread_create(&a, NULL, lc_spinner, &spun), 0);
	UT_ASSERT_EQ(pthread_create(&b, NULL, lc_sleeper, &slept), 0);
	UT_ASSERT_EQ(pthread_getcpuclockid(a, &tc), 0);
	UT_ASSERT_GE(lc_ns(tc), 0);             /* a live thread's clock reads */
	m0 = lc_ns(CLOCK_THREAD_CPUTIME_ID);
	UT_ASSERT_EQ(pthread_join(a, NULL), 0);
	UT_ASSERT_EQ(pthread_join(b, NULL), 0);
	m1 = lc_ns(CLOCK_THREAD_CPUTIME_ID);
	p1 = lc_ns(CLOCK_PROCESS_CPUTIME_ID);
	UT_ASSERT_MSG(spun >= 250 * LC_MS && spun < 5000 * LC_MS, "spinner %ld ns", (long)spun);
	UT_ASSERT_MSG(slept >= 0 && slept < 60 * LC_MS, "sleeper %ld ns", (long)slept);
	/* main waited in join: its clock went on from the process's, barely */
	UT_ASSERT_MSG(m1 >= m0 && m1 - m0 < 100 * LC_MS, "main %ld -> %ld", (long)m0, (long)m1);
	UT_ASSERT_GE(p1 - p0, 250 * LC_MS);     /* the process has the spin */
	UT_ASSERT_GE(m1, p0 - 10 * LC_MS);
}

int main(int argc, char **argv)
{
	return utest_main("libc_cputime", argc, argv);
}
