/* SPDX-License-Identifier: MIT */
/*
 * lx_mq.c - POSIX message queues for musl (Linux's mq_open, mq_unlink,
 * mq_timedsend, mq_timedreceive, mq_notify, mq_getsetattr) over #mqueue,
 * bound on /dev/mqueue (Documentation/dev/mqueue.md; the protocol is
 * ros/mqueue.h).
 *
 * An mqd is an fd of /dev/mqueue/NAME, always opened read-write so that
 * the control offset works on every mqd; an O_RDONLY or O_WRONLY mqd is
 * then narrowed in the kernel ("access r|w"), which answers EBADF for the
 * other direction.  mq_open checks Linux's name rules (EACCES,
 * ENAMETOOLONG) and attributes (EINVAL) first; the creator's attributes
 * are set right after the create ("attr": refused, EPERM, on a queue that
 * already existed, which keeps its own).  A message goes to and from the
 * kernel through a buffer on the stack (MQ_HDR_LEN + MQ_MSGSIZE_MAX
 * bytes): header (priority) then data.  Absolute CLOCK_REALTIME timeouts
 * become a relative wait in microseconds in the offset (rounded up).
 *
 * Which fds are queues: a bitmap of fds below LX_MQ_FDS known to be, set
 * after an fstat showed #mqueue's device type (found once by a stat of
 * "#mqueue") and cleared on close (lx_fdev_forget), so a call on any other
 * fd is EBADF and never a write into a file at a control offset.  The
 * bitmap is per program image (an exec starts empty and fstats again).
 *
 * mq_notify: SIGEV_SIGNAL and SIGEV_NONE are kernel registrations, and so
 * is SIGEV_THREAD as Vireo's mq_notify (overlay/src/mq/mq_notify.c) makes
 * it: sigev_signo is then a non-blocking eventfd that the kernel posts to
 * ("notify eventfd FD") and a helper thread waits on.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include <ros/mqueue.h>
#include "lx.h"

#define LX_MQ_FDS        1024
#define LX_SIGEV_SIGNAL  0
#define LX_SIGEV_NONE    1
#define LX_SIGEV_THREAD  2
#define LX_NSEC          1000000000ull
#define LX_MQ_PATH       "/dev/mqueue/"

/* Linux's struct mq_attr (x86-64). */
struct lx_mq_attr {
	long mq_flags, mq_maxmsg, mq_msgsize, mq_curmsgs;
	long reserved[4];
};

/* The head of Linux's struct sigevent (x86-64). */
struct lx_sigevent {
	uint64_t sigev_value;
	int sigev_signo;
	int sigev_notify;
};

static uint64_t lx_mq_known[LX_MQ_FDS / 64];
static long lx_mq_devtype = -1;         /* #mqueue's st_dev >> 32, once known */

void lx_mq_forget(long fd)
{
	if (fd >= 0 && fd < LX_MQ_FDS)
		__atomic_fetch_and(&lx_mq_known[fd / 64], ~(1ull << (fd % 64)), __ATOMIC_RELAXED);
}

static void lx_mq_remember(long fd)
{
	if (fd >= 0 && fd < LX_MQ_FDS)
		__atomic_fetch_or(&lx_mq_known[fd / 64], 1ull << (fd % 64), __ATOMIC_RELAXED);
}

static long lx_mq_type(void)
{
	struct kstat k;

	if (lx_mq_devtype < 0 &&
	    ros_syscall_raw(SYS_stat, (long)"#mqueue", 7, (long)&k, 0, 0, 0) == 0)
		lx_mq_devtype = (long)(k.st_dev >> 32);
	return lx_mq_devtype;
}

/* 0 if fd is an open queue, else -EBADF. */
static long lx_mq_check(long fd)
{
	struct kstat k;

	if (fd >= 0 && fd < LX_MQ_FDS &&
	    (__atomic_load_n(&lx_mq_known[fd / 64], __ATOMIC_RELAXED) & (1ull << (fd % 64))))
		return 0;
	if (fd < 0 || (int)fd != fd ||
	    ros_syscall_raw(SYS_fstat, fd, (long)&k, 0, 0, 0, 0) != 0 ||
	    (k.st_mode & S_IFMT) != S_IFREG || (long)(k.st_dev >> 32) != lx_mq_type())
		return -LX_EBADF;
	lx_mq_remember(fd);
	return 0;
}

/* Linux's name rules (musl took one leading '/'); 0 or -errno. */
static long lx_mq_name(const char *name, char *path)
{
	size_t len = strnlen(name, MQ_NAME_MAX + 1);

	if (len > MQ_NAME_MAX)
		return -LX_ENAMETOOLONG;
	if (len == 0 || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return -LX_EACCES;
	memcpy(path, LX_MQ_PATH, sizeof(LX_MQ_PATH) - 1);
	memcpy(path + sizeof(LX_MQ_PATH) - 1, name, len + 1);
	return 0;
}

static long lx_mq_ctl_write(long fd, const char *msg)
{
	return ros_syscall_raw(SYS_pwrite, fd, (long)msg, (long)strlen(msg), MQ_OFF_CTL, 0, 0);
}

/* Appends " v" in decimal to s. */
static void lx_mq_cat_num(char *s, uint64_t v)
{
	size_t n = strlen(s);

	s[n++] = ' ';
	lx_utoa(s + n, v);
}

static long lx_mq_attr_ok(const struct lx_mq_attr *at)
{
	if (at->mq_maxmsg <= 0 || at->mq_msgsize <= 0 ||
	    !mq_attr_valid((uint64_t)at->mq_maxmsg, (uint64_t)at->mq_msgsize))
		return -LX_EINVAL;
	return 0;
}

/* After the open: the creator's attributes, then the access mode. */
static long lx_mq_setup(long fd, long flags, const struct lx_mq_attr *at)
{
	char msg[64] = "attr";
	long r = 0;

	if ((flags & LX_O_CREAT) && at) {
		lx_mq_cat_num(msg, (uint64_t)at->mq_maxmsg);
		lx_mq_cat_num(msg, (uint64_t)at->mq_msgsize);
		r = lx_mq_ctl_write(fd, msg);
		if (r == -LX_EPERM)
			r = 0;          /* it existed: it keeps its attributes */
	}
	if (r >= 0 && (flags & LX_O_ACCMODE) != LX_O_RDWR)
		r = lx_mq_ctl_write(fd, (flags & LX_O_ACCMODE) == LX_O_RDONLY ? "access r" :
		                    "access w");
	return r < 0 ? r : 0;
}

long lx_mq_open(const long *a)
{
	char path[sizeof(LX_MQ_PATH) + MQ_NAME_MAX];
	long flags = a[1], fd, r;
	const struct lx_mq_attr *at = (flags & LX_O_CREAT) ? (const void *)a[3] : NULL;

	if (!a[0])
		return -LX_EFAULT;
	r = lx_mq_name((const char *)a[0], path);
	if (r < 0)
		return r;
	if ((flags & LX_O_ACCMODE) == LX_O_ACCMODE || (at && lx_mq_attr_ok(at) < 0))
		return -LX_EINVAL;
	r = lx_oflags_to_vireo(LX_O_RDWR | (flags & (LX_O_CREAT | LX_O_EXCL | LX_O_NONBLOCK |
	                                            LX_O_CLOEXEC)));
	if (r < 0)
		return r;
	fd = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path), r,
	                     (long)(uint32_t)(a[2] & 0777), 0);
	if (fd < 0)
		return fd;
	r = lx_mq_setup(fd, flags, at);
	if (r < 0) {
		ros_syscall_raw(SYS_close, fd, 0, 0, 0, 0, 0);
		return r;
	}
	lx_mq_remember(fd);
	return fd;
}

long lx_mq_unlink(const long *a)
{
	char path[sizeof(LX_MQ_PATH) + MQ_NAME_MAX];
	long r;

	if (!a[0])
		return -LX_EFAULT;
	r = lx_mq_name((const char *)a[0], path);
	if (r < 0)
		return r;
	return ros_syscall_raw(SYS_unlink, (long)path, (long)strlen(path), 0, 0, 0, 0);
}

/* The pread/pwrite offset for an absolute CLOCK_REALTIME timeout (NULL:
 * none); -EINVAL for a bad timespec. */
static long lx_mq_wait_off(const struct lx_timespec *ts, int64_t *off)
{
	uint64_t now, want, usec;
	long r;

	*off = 0;
	if (!ts)
		return 0;
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (long)LX_NSEC)
		return -LX_EINVAL;
	r = lx_clock_ns(LX_CLOCK_REALTIME, &now);
	if (r < 0)
		return r;
	want = (uint64_t)ts->tv_sec * LX_NSEC + (uint64_t)ts->tv_nsec;
	usec = want > now ? (want - now + 999) / 1000 : 0;
	if (usec > (uint64_t)MQ_OFF_USEC_MASK)
		usec = (uint64_t)MQ_OFF_USEC_MASK;
	*off = MQ_OFF_TIMED | (int64_t)usec;
	return 0;
}

/* Linux's order of checks: priority, timeout, mqd, length. */
long lx_mq_timedsend(const long *a)
{
	uint8_t buf[MQ_HDR_LEN + MQ_MSGSIZE_MAX];
	struct mq_hdr h = { .prio = (uint32_t)a[3] };
	size_t len = (size_t)a[2];
	int64_t off;
	long r;

	if ((unsigned long)a[3] >= MQ_PRIO_MAX)
		return -LX_EINVAL;
	r = lx_mq_wait_off((const struct lx_timespec *)a[4], &off);
	if (r == 0)
		r = lx_mq_check(a[0]);
	if (r < 0)
		return r;
	if (len > MQ_MSGSIZE_MAX)
		return -LX_EMSGSIZE;
	if (len && !a[1])
		return -LX_EFAULT;
	memcpy(buf, &h, MQ_HDR_LEN);
	if (len)
		memcpy(buf + MQ_HDR_LEN, (const void *)a[1], len);
	r = ros_syscall_raw(SYS_pwrite, a[0], (long)buf, (long)(MQ_HDR_LEN + len), off, 0, 0);
	return r < 0 ? r : 0;
}

long lx_mq_timedreceive(const long *a)
{
	uint8_t buf[MQ_HDR_LEN + MQ_MSGSIZE_MAX];
	struct mq_hdr h;
	size_t len = (size_t)a[2];
	int64_t off;
	long r = lx_mq_wait_off((const struct lx_timespec *)a[4], &off);

	if (r == 0)
		r = lx_mq_check(a[0]);
	if (r < 0)
		return r;
	if (len > MQ_MSGSIZE_MAX)
		len = MQ_MSGSIZE_MAX;
	if (!a[1])
		return -LX_EFAULT;
	r = ros_syscall_raw(SYS_pread, a[0], (long)buf, (long)(MQ_HDR_LEN + len), off, 0, 0);
	if (r < 0)
		return r;
	if (r < MQ_HDR_LEN)
		return -LX_EIO;
	memcpy(&h, buf, MQ_HDR_LEN);
	memcpy((void *)a[1], buf + MQ_HDR_LEN, (size_t)r - MQ_HDR_LEN);
	if (a[3])
		*(unsigned int *)a[3] = h.prio;
	return r - MQ_HDR_LEN;
}

/* The control message registering sev, in msg (80 bytes); 0 or -EINVAL. */
static long lx_mq_notify_msg(const struct lx_sigevent *sev, char *msg)
{
	switch (sev->sigev_notify) {
	case LX_SIGEV_NONE:
		strcpy(msg, "notify none");
		return 0;
	case LX_SIGEV_THREAD:
		strcpy(msg, "notify eventfd");
		lx_mq_cat_num(msg, (uint64_t)(uint32_t)sev->sigev_signo);
		return 0;
	case LX_SIGEV_SIGNAL:
		if (sev->sigev_signo < 1 || sev->sigev_signo >= LX_NSIG)
			return -LX_EINVAL;
		strcpy(msg, "notify signal");
		lx_mq_cat_num(msg, (uint64_t)sev->sigev_signo);
		lx_mq_cat_num(msg, sev->sigev_value);
		return 0;
	default:
		return -LX_EINVAL;
	}
}

long lx_mq_notify(const long *a)
{
	const struct lx_sigevent *sev = (const struct lx_sigevent *)a[1];
	char msg[80] = "notify off";
	long r = sev ? lx_mq_notify_msg(sev, msg) : 0;

	if (r == 0)
		r = lx_mq_check(a[0]);          /* Linux: a bad sigevent first */
	if (r == 0)
		r = lx_mq_ctl_write(a[0], msg);
	return r < 0 ? r : 0;
}

/* "maxmsg M msgsize S curmsgs C": the numbers in order. */
static void lx_mq_parse(const char *s, long *v, int n)
{
	for (int i = 0; i < n; i++) {
		v[i] = 0;
		while (*s && (*s < '0' || *s > '9'))
			s++;
		while (*s >= '0' && *s <= '9')
			v[i] = v[i] * 10 + (*s++ - '0');
	}
}

static long lx_mq_getattr(long fd, struct lx_mq_attr *old)
{
	char text[96];
	long v[3], fl;
	long r = ros_syscall_raw(SYS_pread, fd, (long)text, sizeof(text) - 1, MQ_OFF_CTL, 0, 0);

	if (r < 0)
		return r;
	text[r] = '\0';
	fl = ros_syscall_raw(SYS_fcntl, fd, F_GETFL, 0, 0, 0, 0);
	if (fl < 0)
		return fl;
	lx_mq_parse(text, v, 3);
	memset(old, 0, sizeof(*old));
	old->mq_flags = fl & O_NONBLOCK ? LX_O_NONBLOCK : 0;
	old->mq_maxmsg = v[0];
	old->mq_msgsize = v[1];
	old->mq_curmsgs = v[2];
	return 0;
}

long lx_mq_getsetattr(const long *a)
{
	const struct lx_mq_attr *new = (const struct lx_mq_attr *)a[1];
	struct lx_mq_attr cur;
	long r, fl;

	if (new && (new->mq_flags & ~(long)LX_O_NONBLOCK))
		return -LX_EINVAL;
	r = lx_mq_check(a[0]);
	if (r == 0)
		r = lx_mq_getattr(a[0], &cur);
	if (r < 0)
		return r;
	if (new) {
		fl = ros_syscall_raw(SYS_fcntl, a[0], F_GETFL, 0, 0, 0, 0);
		if (fl < 0)
			return fl;
		fl = new->mq_flags & LX_O_NONBLOCK ? fl | O_NONBLOCK : fl & ~(long)O_NONBLOCK;
		r = ros_syscall_raw(SYS_fcntl, a[0], F_SETFL, fl, 0, 0, 0);
		if (r < 0)
			return r;
	}
	if (a[2])
		*(struct lx_mq_attr *)a[2] = cur;
	return 0;
}
