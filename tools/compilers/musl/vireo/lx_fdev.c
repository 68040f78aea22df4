/* SPDX-License-Identifier: MIT */
/*
 * lx_fdev.c - eventfd over #eventfd and timerfd over #alarm, for the
 * translation layer (Documentation/dev/eventfd.md, dev/alarm.md).
 *
 * eventfd: an open of #eventfd/efd (#eventfd.sem/efd for EFD_SEMAPHORE)
 * with EFD_NONBLOCK/EFD_CLOEXEC as O_NONBLOCK/O_CLOEXEC; #eventfd speaks
 * Linux's 8-byte values already, so read and write go straight through.
 * A non-zero initial value is written once.
 *
 * timerfd: opening #alarm/clone makes alarm aN; the timerfd is an open of
 * aN/count (which keeps the alarm alive).  settime is one write of
 * "set TIMER PERIOD" to it, which disarms, clears the count, sets the
 * interval and arms ("+N": N ns from now; "0" leaves it disarmed) at once,
 * as Linux does; an absolute time is made relative with the timer's own
 * clock (REALTIME, MONOTONIC or BOOTTIME; #alarm runs on the kernel's
 * monotonic clock).  gettime answers from the deadline and interval the
 * layer recorded.  #alarm's count is decimal text, so read() on a timerfd
 * comes here (lx_read) and returns Linux's 8-byte expiration count.
 *
 * The layer's timerfd table: an fd entry per timerfd fd (a dup, dup2, dup3
 * or F_DUPFD of one gets its own entry, sharing the timer), and a timer
 * entry per alarm with a count of its fds.  close() and dup2 onto an fd
 * drop its entry (lx_fdev_forget).  Limits: LX_TFD_TIMERS timers and
 * LX_TFD_FDS fds per process (EMFILE beyond); after an exec the table is
 * empty, so an inherited timerfd reads #alarm's decimal text.
 */
#include <stdbool.h>
#include <string.h>
#include <ros/fcntl.h>
#include "lx.h"

#define LX_EFD_SEMAPHORE 1
#define LX_TFD_TIMER_ABSTIME 1
#define LX_TFD_TIMER_CANCEL_ON_SET 2
#define LX_TFD_TIMERS 32
#define LX_TFD_FDS    64

struct lx_tfd_timer {
	int nfds;               /* fd entries naming it; 0: free */
	unsigned int id;        /* the alarm aN */
	int clock;
	uint64_t interval;      /* ns, 0: one-shot */
	uint64_t deadline;      /* ns on clock; 0: disarmed */
};

struct lx_tfd_fd {
	bool used;
	int fd;
	int timer;              /* index into lx_tfd_timers */
};

static struct lx_tfd_timer lx_tfd_timers[LX_TFD_TIMERS];
static struct lx_tfd_fd lx_tfd_fds[LX_TFD_FDS];
static int lx_tfd_nfds;         /* entries in use: read() skips the scan at 0 */

static long lx_sys3(unsigned int num, long a0, long a1, long a2)
{
	return ros_syscall_raw(num, a0, a1, a2, 0, 0, 0);
}

static long lx_open_rel(long dirfd, const char *path, long flags)
{
	return ros_syscall_raw(SYS_openat, dirfd, (long)path, (long)strlen(path), flags, 0, 0);
}

/* ------------------------------------------------------------- eventfd */

long lx_eventfd2(const long *a)
{
	uint64_t init = (uint32_t)a[0];
	long flags = a[1], fd, r;

	if (flags & ~(long)(LX_EFD_SEMAPHORE | LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -LX_EINVAL;
	fd = lx_open_rel(LX_AT_FDCWD, flags & LX_EFD_SEMAPHORE ? "#eventfd.sem/efd" : "#eventfd/efd",
	                 O_RDWR | (flags & (LX_O_CLOEXEC | LX_O_NONBLOCK)));
	if (fd < 0 || !init)
		return fd;
	r = lx_sys3(SYS_write, fd, (long)&init, sizeof(init));
	if (r < 0) {
		lx_sys3(SYS_close, fd, 0, 0);
		return r;
	}
	return fd;
}

long lx_eventfd(const long *a)
{
	const long b[6] = { a[0], 0 };

	return lx_eventfd2(b);
}

/* ------------------------------------------------------- timerfd table */

static struct lx_tfd_fd *lx_tfd_find(long fd)
{
	if (!lx_tfd_nfds || fd < 0)
		return NULL;
	for (int i = 0; i < LX_TFD_FDS; i++)
		if (lx_tfd_fds[i].used && lx_tfd_fds[i].fd == fd)
			return &lx_tfd_fds[i];
	return NULL;
}

/* A free fd entry for fd naming timer t, or -EMFILE. */
static long lx_tfd_add(long fd, int t)
{
	for (int i = 0; i < LX_TFD_FDS; i++) {
		struct lx_tfd_fd *e = &lx_tfd_fds[i];

		if (e->used)
			continue;
		e->used = true;
		e->fd = (int)fd;
		e->timer = t;
		lx_tfd_timers[t].nfds++;
		lx_tfd_nfds++;
		return 0;
	}
	lx_errstr("timerfd", "the layer's table of timerfd fds is full");
	return -LX_EMFILE;
}

void lx_fdev_forget(long fd)
{
	struct lx_tfd_fd *e = lx_tfd_find(fd);

	lx_mq_forget(fd);
	lx_wtimer_forget(fd);
	if (!e)
		return;
	lx_tfd_timers[e->timer].nfds--;
	lx_tfd_nfds--;
	e->used = false;
}

void lx_fdev_dup(long old, long new)
{
	struct lx_tfd_fd *e = lx_tfd_find(old);

	if (e && new >= 0 && new != old)
		(void)lx_tfd_add(new, e->timer);        /* full: new reads text (errstr) */
}

static int lx_tfd_timer_alloc(void)
{
	for (int t = 0; t < LX_TFD_TIMERS; t++)
		if (!lx_tfd_timers[t].nfds)
			return t;
	return -1;
}

/* ------------------------------------------------------------- timerfd */

long lx_alarm_read_num(long fd, uint64_t *v)
{
	char buf[32];
	long n = ros_syscall_raw(SYS_pread, fd, (long)buf, sizeof(buf) - 1, 0, 0, 0);
	long i = 0;

	if (n <= 0)
		return n < 0 ? n : -LX_EIO;
	*v = 0;
	while (i < n && buf[i] >= '0' && buf[i] <= '9')
		*v = *v * 10 + (uint64_t)(buf[i++] - '0');
	if (i == 0 || i > 20) {
		lx_errstr("timerfd", "#alarm gave text that is not a number");
		return -LX_EIO;
	}
	return 0;
}

static bool lx_tfd_clock_ok(long clk)
{
	return clk == LX_CLOCK_REALTIME || clk == LX_CLOCK_MONOTONIC || clk == LX_CLOCK_BOOTTIME;
}

long lx_alarm_open(unsigned int id, const char *name, long flags)
{
	char path[48] = "#alarm/a";
	size_t len = 8 + lx_utoa(path + 8, id);

	path[len++] = '/';
	strcpy(path + len, name);
	return lx_open_rel(LX_AT_FDCWD, path, flags);
}

long lx_alarm_new(uint64_t *id)
{
	long ctl = lx_open_rel(LX_AT_FDCWD, "#alarm/clone", O_RDWR | O_CLOEXEC);
	long r;

	if (ctl < 0)
		return ctl;
	r = lx_alarm_read_num(ctl, id);
	if (r < 0) {
		lx_sys3(SYS_close, ctl, 0, 0);
		return r;
	}
	return ctl;
}

long lx_timerfd_create(const long *a)
{
	long flags = a[1], ctl, fd, r;
	uint64_t id;
	int t;

	if (!lx_tfd_clock_ok(a[0]) || (flags & ~(long)(LX_O_CLOEXEC | LX_O_NONBLOCK)))
		return -LX_EINVAL;
	t = lx_tfd_timer_alloc();
	if (t < 0) {
		lx_errstr("timerfd_create", "the layer's table of timers is full");
		return -LX_EMFILE;
	}
	ctl = lx_alarm_new(&id);
	if (ctl < 0)
		return ctl;
	fd = lx_alarm_open((unsigned int)id, "count", O_RDWR | flags);
	lx_sys3(SYS_close, ctl, 0, 0);
	if (fd < 0)
		return fd;
	memset(&lx_tfd_timers[t], 0, sizeof(lx_tfd_timers[t]));
	lx_tfd_timers[t].id = (unsigned int)id;
	lx_tfd_timers[t].clock = (int)a[0];
	r = lx_tfd_add(fd, t);
	if (r < 0) {
		lx_sys3(SYS_close, fd, 0, 0);
		return r;
	}
	return fd;
}

long lx_alarm_set(long fd, int clock, bool abs, const struct lx_itimerspec *nv,
                  uint64_t *deadline, uint64_t *interval)
{
	uint64_t now, value = lx_ts_ns(&nv->it_value), ival = lx_ts_ns(&nv->it_interval);
	uint64_t rel = 0;
	char msg[64] = "set ";
	size_t len = 4;
	long r = lx_clock_ns(clock, &now);

	if (r < 0)
		return r;
	if (value) {
		rel = !abs ? value : value > now ? value - now : 0;
		msg[len++] = '+';
		len += lx_utoa(msg + len, rel);
	} else {
		msg[len++] = '0';
	}
	msg[len++] = ' ';
	len += lx_utoa(msg + len, ival);
	if (fd >= 0 && (r = ros_syscall_raw(SYS_write, fd, (long)msg, (long)len, 0, 0, 0)) < 0)
		return r;
	*interval = ival;
	*deadline = value ? now + rel : 0;
	return 0;
}

long lx_timerfd_settime(const long *a)
{
	struct lx_tfd_fd *e = lx_tfd_find(a[0]);
	const struct lx_itimerspec *nv = (const struct lx_itimerspec *)a[2];
	struct lx_itimerspec *old = (struct lx_itimerspec *)a[3];
	struct lx_tfd_timer *tm;
	long r;

	if (!e)
		return lx_sys3(SYS_fcntl, a[0], F_GETFD, 0) < 0 ? -LX_EBADF : -LX_EINVAL;
	if (a[1] & ~(long)(LX_TFD_TIMER_ABSTIME | LX_TFD_TIMER_CANCEL_ON_SET))
		return -LX_EINVAL;
	if (!nv)
		return -LX_EFAULT;
	if (!lx_ts_ok(&nv->it_value) || !lx_ts_ok(&nv->it_interval))
		return -LX_EINVAL;
	tm = &lx_tfd_timers[e->timer];
	if (old && (r = lx_itimer_left(tm->clock, tm->deadline, tm->interval, old)) < 0)
		return r;
	return lx_alarm_set(a[0], tm->clock, a[1] & LX_TFD_TIMER_ABSTIME, nv, &tm->deadline,
	                    &tm->interval);
}

long lx_timerfd_gettime(const long *a)
{
	struct lx_tfd_fd *e = lx_tfd_find(a[0]);
	struct lx_itimerspec *out = (struct lx_itimerspec *)a[1];
	const struct lx_tfd_timer *tm;

	if (!e)
		return lx_sys3(SYS_fcntl, a[0], F_GETFD, 0) < 0 ? -LX_EBADF : -LX_EINVAL;
	if (!out)
		return -LX_EFAULT;
	tm = &lx_tfd_timers[e->timer];
	return lx_itimer_left(tm->clock, tm->deadline, tm->interval, out);
}

/* ------------------------------------------------------- read and close */

static long lx_tfd_read(long fd, void *buf, size_t len)
{
	uint64_t count;
	long r;

	if (len < sizeof(count))
		return -LX_EINVAL;
	r = lx_alarm_read_num(fd, &count);
	if (r < 0)
		return r;
	memcpy(buf, &count, sizeof(count));
	return sizeof(count);
}

long lx_read(const long *a)
{
	long r;

	if (lx_tfd_nfds && lx_tfd_find((int)a[0]))
		return lx_tfd_read((int)a[0], (void *)a[1], (size_t)a[2]);
	r = lx_sock_read((int)a[0], (void *)a[1], (size_t)a[2]);
	if (r != -LX_ENOSYS)
		return r;
	return ros_syscall_raw(SYS_read, a[0], a[1], a[2], 0, 0, 0);
}

long lx_close_call(const long *a)
{
	long r;

	if (lx_libfd_close((int)a[0]))
		return 0;
	r = lx_sys3(SYS_close, a[0], 0, 0);

	if (r == 0) {
		lx_fdev_forget((int)a[0]);
		lx_sock_forget((int)a[0]);
	}
	return r;
}
