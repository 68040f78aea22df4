/* SPDX-License-Identifier: MIT */
/*
 * lx_cputime.c - CPU-time clocks, times() and getrusage() for the
 * translation layer (Documentation/libc.md, "Clocks").
 *
 * The kernel accounts each process's user and system time, and its reaped
 * children's (kern/include/cputime.h), and shows them in #proc/PID/times
 * as "user sys child_user child_sys" in ns; a read of another process's is
 * an open, a read and a close, our own one SYS_cputime (the same four
 * figures; clock() is called in tight loops).  The trap itself charges the
 * user time up to now, so the figure is current.  Linux's CPU clock ids:
 * CLOCK_PROCESS_CPUTIME_ID (2) and CLOCK_THREAD_CPUTIME_ID (3) for the
 * caller, and the dynamic ids
 * clock_getcpuclockid and pthread_getcpuclockid make, ~pid << 3 | kind
 * (kind bit 2: a thread; bits 0..1: 0 PROF = user + sys, 1 VIRT = user,
 * 2 SCHED = user + sys; 3 is invalid).  A process clock may name any live
 * process; a thread clock must name one of our threads (0, our pid, or a
 * uthread's tid).  Single-threaded, a thread clock is the process's; once
 * threads run it is the uthread's time on vcores (parlib's
 * uthread_cpu_tsc: from the pop that starts it to the yield or
 * interruption that stops it, a syscall that keeps the vcore included),
 * thread0's counted from the process's time when threads began
 * (lx_cpu_thread0_start).  An id that names nothing is EINVAL.
 * wait4's rusage is the growth of our children figures across the wait,
 * which is the reaped child's (a thread reaping at the same time would
 * add its child too).
 */
#include <string.h>
#include <ros/fcntl.h>
#include <parlib/parlib.h>
#include <parlib/uthread.h>
#include "lx_sig.h"

#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CPUCLOCK_VIRT   1
#define LX_CPUCLOCK_THREAD 4
#define LX_CPUCLOCK_MASK   3
#define LX_RUSAGE_SELF     0
#define LX_RUSAGE_CHILDREN (-1)
#define LX_RUSAGE_THREAD   1
#define LX_HZ              100          /* musl's sysconf(_SC_CLK_TCK) */
#define LX_NS_PER_TICK     (1000000000ull / LX_HZ)
#define LX_NSEC            1000000000ull

struct lx_cputimes {              /* SYS_cputime's four words */
	uint64_t user, sys, child_user, child_sys;
};

/* Linux's struct rusage (144 bytes): two timevals, then 14 longs. */
struct lx_rusage {
	struct lx_timeval ru_utime, ru_stime;
	int64_t ru_rest[14];
};

struct lx_tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};

/* Parses the next decimal number at *p (moving past it and one blank). */
static bool lx_cpu_num(const char **p, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return false;
	while (*s >= '0' && *s <= '9')
		*v = *v * 10 + (uint64_t)(*s++ - '0');
	if (*s == ' ' || *s == '\n')
		s++;
	*p = s;
	return true;
}

/* pid's figures (0: ours); 0, -ESRCH (no such process) or -errno. */
static long lx_cpu_read(int pid, struct lx_cputimes *t)
{
	char path[40] = "#proc/", buf[128];
	const char *p = buf;
	long fd, n;

	if (!pid)
		return ros_syscall_raw(SYS_cputime, (long)t, 0, 0, 0, 0, 0);
	strcpy(path + 6 + lx_utoa(path + 6, (uint64_t)pid), "/times");
	fd = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path),
	                     O_RDONLY | O_CLOEXEC, 0, 0);
	if (fd < 0)
		return fd == -LX_ENOENT ? -LX_ESRCH : fd;
	n = ros_syscall_raw(SYS_read, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0);
	ros_syscall_raw(SYS_close, fd, 0, 0, 0, 0, 0);
	if (n < 0)
		return n;
	buf[n] = '\0';
	if (!lx_cpu_num(&p, &t->user) || !lx_cpu_num(&p, &t->sys) ||
	    !lx_cpu_num(&p, &t->child_user) || !lx_cpu_num(&p, &t->child_sys)) {
		lx_errstr("clock_gettime", "#proc/PID/times is not four numbers");
		return -LX_EIO;
	}
	return 0;
}

bool lx_clock_is_cpu(long clk)
{
	return clk == LX_CLOCK_PROCESS_CPUTIME_ID || clk == LX_CLOCK_THREAD_CPUTIME_ID ||
	       (clk < 0 && clk == (int32_t)clk);
}

static uint64_t lx_cpu_freq(void)
{
	const struct proc_global_info *gi = parlib_globalinfo();

	return gi && gi->tsc_freq ? gi->tsc_freq : 0;
}

void lx_cpu_thread0_start(struct uthread *t0)
{
	struct lx_cputimes t;
	uint64_t f = lx_cpu_freq(), ns;

	if (!f || lx_cpu_read(0, &t) < 0)
		return;
	ns = t.user + t.sys;
	t0->cpu_tsc = ns / LX_NSEC * f + ns % LX_NSEC * f / LX_NSEC;
}

struct lx_cpu_find {
	int tid;
	struct uthread *u;
};

static bool lx_cpu_find_thr(struct lx_sig_thr *t, void *arg)
{
	struct lx_cpu_find *f = arg;

	if (t->tid != f->tid)
		return false;
	f->u = __atomic_load_n(&t->uth, __ATOMIC_ACQUIRE);
	return true;
}

/* Thread tid's clock (0: the caller) once threads run: its uthread's time
 * on vcores (thread0's began with the process's time so far).  -EINVAL if
 * tid is none of our live threads. */
static long lx_cpu_thread_ns(int tid, uint64_t *ns)
{
	struct lx_cpu_find f = { tid ? tid : (int)lx_gettid(NULL), NULL };
	uint64_t tsc, freq = lx_cpu_freq();

	lx_sig_thr_each(lx_cpu_find_thr, &f);
	if (!f.u || !freq)
		return -LX_EINVAL;
	tsc = uthread_cpu_tsc(f.u);
	*ns = tsc / freq * LX_NSEC + tsc % freq * LX_NSEC / freq;
	return 0;
}

long lx_cpuclock_ns(long clk, uint64_t *ns)
{
	struct lx_cputimes t;
	int kind = 2, pid = 0;
	long r;

	if (clk < 0) {
		kind = (int)(clk & 7);
		pid = ~((int32_t)clk >> 3);
		if ((kind & LX_CPUCLOCK_MASK) == LX_CPUCLOCK_MASK || pid < 0)
			return -LX_EINVAL;
	} else if (clk == LX_CLOCK_THREAD_CPUTIME_ID) {
		kind |= LX_CPUCLOCK_THREAD;
	}
	if (kind & LX_CPUCLOCK_THREAD) {
		if (pid && pid != parlib_getpid() && !lx_tid_is_thread(pid))
			return -LX_EINVAL;
		if (lx_threads_running())
			return lx_cpu_thread_ns(pid, ns);
		pid = 0;
	} else if (pid == parlib_getpid()) {
		pid = 0;
	}
	r = lx_cpu_read(pid, &t);
	if (r < 0)
		return r == -LX_ESRCH ? -LX_EINVAL : r;
	*ns = (kind & LX_CPUCLOCK_MASK) == LX_CPUCLOCK_VIRT ? t.user : t.user + t.sys;
	return 0;
}

static void lx_ns_tv(uint64_t ns, struct lx_timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / 1000000000);
	tv->tv_usec = (int64_t)(ns % 1000000000 / 1000);
}

long lx_getrusage(const long *a)
{
	struct lx_rusage *ru = (struct lx_rusage *)a[1];
	struct lx_cputimes t;
	long r;

	if (a[0] != LX_RUSAGE_SELF && a[0] != LX_RUSAGE_CHILDREN && a[0] != LX_RUSAGE_THREAD)
		return -LX_EINVAL;
	if (!ru)
		return -LX_EFAULT;
	if ((r = lx_cpu_read(0, &t)) < 0)
		return r;
	memset(ru, 0, sizeof(*ru));
	lx_ns_tv(a[0] == LX_RUSAGE_CHILDREN ? t.child_user : t.user, &ru->ru_utime);
	lx_ns_tv(a[0] == LX_RUSAGE_CHILDREN ? t.child_sys : t.sys, &ru->ru_stime);
	return 0;
}

long lx_wait4_rusage(const long *a)
{
	struct lx_rusage *ru = (struct lx_rusage *)a[3];
	struct lx_cputimes t0, t1;
	long r = lx_cpu_read(0, &t0), pid;

	if (r < 0)
		return r;
	pid = lx_waitpid(a[0], a[1], a[2]);
	if (pid < 0)
		return pid;
	t1 = t0;
	if (pid > 0 && (r = lx_cpu_read(0, &t1)) < 0)
		return r;
	memset(ru, 0, sizeof(*ru));
	lx_ns_tv(t1.child_user - t0.child_user, &ru->ru_utime);
	lx_ns_tv(t1.child_sys - t0.child_sys, &ru->ru_stime);
	return pid;
}

long lx_times(const long *a)
{
	struct lx_tms *tms = (struct lx_tms *)a[0];
	struct lx_cputimes t;
	uint64_t now;
	long r;

	if ((r = lx_clock_ns(LX_CLOCK_MONOTONIC, &now)) < 0)
		return r;
	if (tms) {
		if ((r = lx_cpu_read(0, &t)) < 0)
			return r;
		tms->tms_utime = (int64_t)(t.user / LX_NS_PER_TICK);
		tms->tms_stime = (int64_t)(t.sys / LX_NS_PER_TICK);
		tms->tms_cutime = (int64_t)(t.child_user / LX_NS_PER_TICK);
		tms->tms_cstime = (int64_t)(t.child_sys / LX_NS_PER_TICK);
	}
	return (long)(now / LX_NS_PER_TICK);
}
