/* SPDX-License-Identifier: MIT */
/*
 * lx_timer.c - POSIX timers (timer_create, timer_settime, timer_gettime,
 * timer_getoverrun, timer_delete) and the real-time interval timer
 * (setitimer, getitimer, alarm) over #alarm, for the translation layer
 * (Documentation/libc.md, "Timers"; Documentation/dev/alarm.md).
 *
 * A timer that signals owns one #alarm: its count file arms it (one write
 * of "set +N PERIOD", lx_alarm_set) and its signal file says what an
 * expiration sends: "timer SIG VALUE ID" (si_code SI_TIMER) for
 * timer_create, "kernel 14" (SIGALRM, SI_KERNEL) for ITIMER_REAL.  The
 * kernel posts the EV_POSIX_SIGNAL message itself and counts the
 * expirations that come while that signal is outstanding; the signal
 * layer calls lx_timer_delivered() when it delivers, accepts or discards
 * one of these signals, which reads the signal file (acknowledging it)
 * and keeps the overrun for timer_getoverrun and si_overrun.  A
 * SIGEV_NONE timer needs no alarm: only its times are recorded.  The
 * itimer's alarm is made by the first setitimer that arms it and closed
 * by one that disarms it.
 * timer_gettime and getitimer answer from the deadline and interval
 * recorded at settime (lx_itimer_left).
 *
 * The alarm's fds are moved to LX_TIMER_FD_BASE and up, out of the way
 * of the program's lowest-free fds, with close-on-exec: timers and the
 * itimer end at exec (a documented difference: Linux keeps the itimer)
 * and in a fork child (lx_timer_after_fork), as POSIX says.
 *
 * Ids are the table's indices 0..LX_TIMERS_MAX-1 (EAGAIN when full, as
 * Linux's RLIMIT_SIGPENDING bound on timers).  musl's SIGEV_THREAD makes
 * a thread that waits in sigwaitinfo for SIGTIMER (32) and asks for a
 * SIGEV_THREAD_ID timer on that thread: the id must name a live thread
 * of ours, and the timer's signals are queued for that thread
 * (lx_timer_target, asked when the signal queue decodes the alarm's
 * message), or for the process once the thread has ended.  Bad clocks, ids,
 * flags and times are EINVAL and NULL pointers EFAULT; other bad pointers
 * fault in the layer (libc.md, "Paths").  Single-threaded state, as the
 * rest of the layer (lx.h): calls that change timers are not expected
 * from several threads at once.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <parlib/parlib.h>
#include "lx.h"

#define LX_TIMERS_MAX     32
#define LX_TIMER_FD_BASE  3700          /* below NR_FILE_DESC_USER_BASE (3840) */
#define LX_SIGEV_SIGNAL   0
#define LX_SIGEV_NONE     1
#define LX_SIGEV_THREAD_ID 4
#define LX_SIGALRM        14
#define LX_ITIMER_REAL    0
#define LX_ITIMER_VIRTUAL 1
#define LX_ITIMER_PROF    2
#define LX_USEC_PER_SEC   1000000
#define LX_TIMER_ABSTIME  1

/* Linux's struct sigevent as the kernel reads it (musl's ksigevent). */
struct lx_sigevent {
	uint64_t sigev_value;
	int32_t sigev_signo;
	int32_t sigev_notify;
	int32_t sigev_tid;
};

struct lx_itimerval {
	struct lx_timeval it_interval;
	struct lx_timeval it_value;
};

struct lx_timer {
	bool used;
	bool signals;           /* an alarm sends signals: count_fd, sig_fd valid */
	int clock;
	int signo;
	int tid;                /* SIGEV_THREAD_ID's thread, 0: the process */
	long count_fd, sig_fd;
	uint64_t deadline;      /* ns on clock, 0: disarmed */
	uint64_t interval;
	int overrun;            /* of the last signal delivered */
};

static struct lx_timer lx_timers[LX_TIMERS_MAX];
static struct lx_timer lx_itimer;      /* ITIMER_REAL */

static long lx_tsys(unsigned int num, long a0, long a1, long a2)
{
	return ros_syscall_raw(num, a0, a1, a2, 0, 0, 0);
}

/* Moves fd to LX_TIMER_FD_BASE or above (close-on-exec); the new fd or -errno. */
static long lx_timer_fd_up(long fd)
{
	long nfd;

	if (fd < 0)
		return fd;
	nfd = lx_tsys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, LX_TIMER_FD_BASE);
	lx_tsys(SYS_close, fd, 0, 0);
	return nfd;
}

static void lx_timer_close(struct lx_timer *t)
{
	if (t->signals) {
		lx_tsys(SYS_close, t->count_fd, 0, 0);
		lx_tsys(SYS_close, t->sig_fd, 0, 0);
	}
	memset(t, 0, sizeof(*t));
}

/* Gives t an alarm whose expirations send what msg says (the signal
 * file's syntax); 0 or -errno (t unchanged then). */
static long lx_timer_alarm(struct lx_timer *t, const char *msg)
{
	uint64_t id;
	long ctl = lx_alarm_new(&id), cfd, sfd, r;

	if (ctl < 0)
		return ctl;
	cfd = lx_timer_fd_up(lx_alarm_open((unsigned int)id, "count", O_RDWR | O_CLOEXEC));
	sfd = lx_timer_fd_up(lx_alarm_open((unsigned int)id, "signal", O_RDWR | O_CLOEXEC));
	lx_tsys(SYS_close, ctl, 0, 0);
	r = cfd < 0 ? cfd : sfd < 0 ? sfd : 0;
	if (!r && (r = lx_tsys(SYS_write, sfd, (long)msg, (long)strlen(msg))) > 0)
		r = 0;
	if (r < 0) {
		if (cfd >= 0)
			lx_tsys(SYS_close, cfd, 0, 0);
		if (sfd >= 0)
			lx_tsys(SYS_close, sfd, 0, 0);
		return r;
	}
	t->signals = true;
	t->count_fd = cfd;
	t->sig_fd = sfd;
	return 0;
}

static bool lx_timer_clock_ok(long clk)
{
	return clk == LX_CLOCK_REALTIME || clk == LX_CLOCK_MONOTONIC || clk == LX_CLOCK_BOOTTIME;
}

/* The notification a sigevent asks for, checked: 0 or -EINVAL. */
static long lx_sigevent_check(const struct lx_sigevent *ev)
{
	switch (ev->sigev_notify) {
	case LX_SIGEV_NONE:
		return 0;
	case LX_SIGEV_THREAD_ID:
		if (ev->sigev_tid != parlib_getpid() && !lx_tid_is_thread(ev->sigev_tid))
			return -LX_EINVAL;
		/* fall through */
	case LX_SIGEV_SIGNAL:
		return ev->sigev_signo >= 1 && ev->sigev_signo < LX_NSIG ? 0 : -LX_EINVAL;
	default:
		return -LX_EINVAL;
	}
}

/* "timer SIG VALUE ID" for the signal file. */
static void lx_timer_sigmsg(char *msg, const struct lx_sigevent *ev, int id)
{
	size_t len = 6;

	strcpy(msg, "timer ");
	len += lx_utoa(msg + len, (uint64_t)ev->sigev_signo);
	msg[len++] = ' ';
	len += lx_utoa(msg + len, ev->sigev_value);
	msg[len++] = ' ';
	lx_utoa(msg + len, (uint64_t)id);
}

long lx_timer_create(const long *a)
{
	const struct lx_sigevent *uev = (const struct lx_sigevent *)a[1];
	int *idp = (int *)a[2];
	struct lx_sigevent ev;
	char msg[80];
	long r;
	int id;

	if (!lx_timer_clock_ok(a[0]))
		return -LX_EINVAL;
	if (!idp)
		return -LX_EFAULT;
	for (id = 0; id < LX_TIMERS_MAX && lx_timers[id].used; id++)
		;
	if (uev) {
		ev = *uev;
	} else {
		ev = (struct lx_sigevent){ .sigev_notify = LX_SIGEV_SIGNAL,
		                           .sigev_signo = LX_SIGALRM, .sigev_value = (uint64_t)id };
	}
	if ((r = lx_sigevent_check(&ev)) < 0)
		return r;
	if (id == LX_TIMERS_MAX) {
		lx_errstr("timer_create", "the layer's table of 32 timers is full");
		return -LX_EAGAIN;
	}
	if (ev.sigev_notify != LX_SIGEV_NONE) {
		lx_timer_sigmsg(msg, &ev, id);
		if ((r = lx_timer_alarm(&lx_timers[id], msg)) < 0)
			return r;
	}
	lx_timers[id].used = true;
	lx_timers[id].clock = (int)a[0];
	lx_timers[id].signo = ev.sigev_notify == LX_SIGEV_NONE ? 0 : ev.sigev_signo;
	lx_timers[id].tid = ev.sigev_notify == LX_SIGEV_THREAD_ID ? ev.sigev_tid : 0;
	*idp = id;
	return 0;
}

static struct lx_timer *lx_timer_get(long id)
{
	if (id < 0 || id >= LX_TIMERS_MAX || !lx_timers[id].used)
		return NULL;
	return &lx_timers[id];
}

static long lx_timer_left(const struct lx_timer *t, struct lx_itimerspec *out)
{
	return lx_itimer_left(t->clock, t->deadline, t->interval, out);
}

long lx_timer_settime(const long *a)
{
	struct lx_timer *t = lx_timer_get(a[0]);
	const struct lx_itimerspec *nv = (const struct lx_itimerspec *)a[2];
	struct lx_itimerspec *old = (struct lx_itimerspec *)a[3], cur;
	long r;

	if (!t || (a[1] & ~(long)LX_TIMER_ABSTIME) || !nv)
		return -LX_EINVAL;
	if (!lx_ts_ok(&nv->it_value) || !lx_ts_ok(&nv->it_interval))
		return -LX_EINVAL;
	if (old && (r = lx_timer_left(t, &cur)) < 0)
		return r;
	r = lx_alarm_set(t->signals ? t->count_fd : -1, t->clock, a[1] & LX_TIMER_ABSTIME, nv,
	                 &t->deadline, &t->interval);
	if (r == 0 && old)
		*old = cur;
	return r;
}

long lx_timer_gettime(const long *a)
{
	struct lx_timer *t = lx_timer_get(a[0]);
	struct lx_itimerspec *out = (struct lx_itimerspec *)a[1];

	if (!t)
		return -LX_EINVAL;
	if (!out)
		return -LX_EFAULT;
	return lx_timer_left(t, out);
}

long lx_timer_getoverrun(const long *a)
{
	struct lx_timer *t = lx_timer_get(a[0]);

	return t ? t->overrun : -LX_EINVAL;
}

long lx_timer_delete(const long *a)
{
	struct lx_timer *t = lx_timer_get(a[0]);

	if (!t)
		return -LX_EINVAL;
	lx_timer_close(t);
	return 0;
}

/* ------------------------------------------------------------ itimers */

static bool lx_tv_ok(const struct lx_timeval *tv)
{
	return tv->tv_sec >= 0 && tv->tv_usec >= 0 && tv->tv_usec < LX_USEC_PER_SEC;
}

static void lx_tv_from_ts(const struct lx_timespec *ts, struct lx_timeval *tv)
{
	tv->tv_sec = ts->tv_sec;
	tv->tv_usec = (ts->tv_nsec + 999) / 1000;       /* never report 0 while armed */
	if (tv->tv_usec == LX_USEC_PER_SEC) {
		tv->tv_sec++;
		tv->tv_usec = 0;
	}
}

static long lx_itimer_get(struct lx_itimerval *out)
{
	struct lx_itimerspec cur;
	long r;

	if (!lx_itimer.used) {
		memset(out, 0, sizeof(*out));
		return 0;
	}
	if ((r = lx_timer_left(&lx_itimer, &cur)) < 0)
		return r;
	lx_tv_from_ts(&cur.it_value, &out->it_value);
	lx_tv_from_ts(&cur.it_interval, &out->it_interval);
	return 0;
}

/* ITIMER_VIRTUAL and ITIMER_PROF count CPU time: not supported. */
static long lx_itimer_which(long which)
{
	if (which == LX_ITIMER_REAL)
		return 0;
	if (which == LX_ITIMER_VIRTUAL || which == LX_ITIMER_PROF)
		lx_errstr("setitimer", "only ITIMER_REAL: no CPU-time interval timers on Vireo");
	return -LX_EINVAL;
}

long lx_getitimer(const long *a)
{
	long r = lx_itimer_which(a[0]);

	if (r < 0)
		return r;
	if (!a[1])
		return -LX_EFAULT;
	return lx_itimer_get((struct lx_itimerval *)a[1]);
}

long lx_setitimer(const long *a)
{
	const struct lx_itimerval *nv = (const struct lx_itimerval *)a[1];
	struct lx_itimerval *old = (struct lx_itimerval *)a[2], cur;
	struct lx_itimerspec spec = { { 0, 0 }, { 0, 0 } };
	long r = lx_itimer_which(a[0]);

	if (r < 0)
		return r;
	if (nv && (!lx_tv_ok(&nv->it_value) || !lx_tv_ok(&nv->it_interval)))
		return -LX_EINVAL;
	if (old && (r = lx_itimer_get(&cur)) < 0)
		return r;
	if (nv) {               /* NULL disarms, as Linux */
		spec.it_value.tv_sec = nv->it_value.tv_sec;
		spec.it_value.tv_nsec = nv->it_value.tv_usec * 1000;
		spec.it_interval.tv_sec = nv->it_interval.tv_sec;
		spec.it_interval.tv_nsec = nv->it_interval.tv_usec * 1000;
	}
	if (!lx_itimer.used && (spec.it_value.tv_sec || spec.it_value.tv_nsec)) {
		if ((r = lx_timer_alarm(&lx_itimer, "kernel 14")) < 0)
			return r;
		lx_itimer.used = true;
		lx_itimer.clock = LX_CLOCK_MONOTONIC;
		lx_itimer.signo = LX_SIGALRM;
	}
	if (lx_itimer.used && !spec.it_value.tv_sec && !spec.it_value.tv_nsec)
		lx_timer_close(&lx_itimer);     /* disarmed: the alarm goes */
	else if (lx_itimer.used)
		r = lx_alarm_set(lx_itimer.count_fd, LX_CLOCK_MONOTONIC, false, &spec,
		                 &lx_itimer.deadline, &lx_itimer.interval);
	if (r == 0 && old)
		*old = cur;
	return r;
}

/* alarm(seconds): setitimer(ITIMER_REAL) one-shot; the seconds that were
 * left, rounded as Linux does (up from half a second, and 1 for less). */
long lx_alarm(const long *a)
{
	struct lx_itimerval nv = { { 0, 0 }, { (int64_t)(unsigned int)a[0], 0 } }, old;
	const long b[6] = { LX_ITIMER_REAL, (long)&nv, (long)&old };
	long r = lx_setitimer(b);

	if (r < 0)
		return r;
	if ((!old.it_value.tv_sec && old.it_value.tv_usec) || old.it_value.tv_usec >= 500000)
		old.it_value.tv_sec++;
	return (long)old.it_value.tv_sec;
}

/* -------------------------------------------------- the signal layer's side */

int lx_timer_delivered(int sig, int32_t code, uint32_t id)
{
	struct lx_timer *t = NULL;
	uint64_t overrun = 0;

	if (code == LX_SI_TIMER)
		t = lx_timer_get(id);
	else if (code == LX_SI_KERNEL && sig == LX_SIGALRM && lx_itimer.used)
		t = &lx_itimer;
	if (!t || !t->signals || t->signo != sig)
		return 0;
	if (lx_alarm_read_num(t->sig_fd, &overrun) < 0)
		overrun = 0;
	t->overrun = overrun > 0x7fffffff ? 0x7fffffff : (int)overrun;
	return t->overrun;
}

int lx_timer_target(uint32_t id)
{
	if (id >= LX_TIMERS_MAX)
		return 0;
	return __atomic_load_n(&lx_timers[id].tid, __ATOMIC_RELAXED);
}

void lx_timer_after_fork(void)
{
	for (int i = 0; i < LX_TIMERS_MAX; i++)
		if (lx_timers[i].used)
			lx_timer_close(&lx_timers[i]);
	if (lx_itimer.used)
		lx_timer_close(&lx_itimer);
}
