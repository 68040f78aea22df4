/* SPDX-License-Identifier: MIT */
/*
 * lx_fattr.c - a file's attributes, for the translation layer: the rows
 * chmod, fchmod, fchmodat, utime, utimes, futimesat, utimensat, chown,
 * fchown, lchown and fchownat, each one wstat/fwstat of Vireo's.
 *
 * Each call becomes one wstat whose entry changes only the fields asked for
 * (Plan 9's "null dir": every number ~0, every string empty, then the
 * fields set).  The mode keeps the file's type bits (DMDIR, DMSYMLINK), as
 * a wstat must; Linux's set-id and sticky bits have no 9P meaning and are
 * dropped.  File systems keep one time (the modification time): the access
 * time in utimensat is accepted and not kept (stat reports the mtime for
 * both, as before).  Vireo has one user: chown to the owner and group a
 * file already has (or -1) succeeds and changes nothing; any other owner
 * is EPERM, as for a Linux process without CAP_CHOWN.
 *
 * The *at forms serve AT_FDCWD, an absolute path, or (utimensat) a NULL
 * path meaning the file open on dirfd, like the rest of the layer.  No
 * state; safe from any thread.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include "lx.h"

#define LX_9P_MODE_OFF   21
#define LX_9P_ATIME_OFF  25
#define LX_9P_MTIME_OFF  29
#define LX_UTIME_NOW     ((1L << 30) - 1)
#define LX_UTIME_OMIT    ((1L << 30) - 2)
#define LX_MODE_PERM     0777

/* The wstat (path) or fwstat (path NULL: fd) of entry st changing flags. */
static long lx_wstat(const char *path, int fd, const unsigned char *st, int flags)
{
	long len;

	if (!path)
		return ros_syscall_raw(SYS_fwstat, fd, (long)st, LX_9P_STATFIX, flags, 0, 0);
	len = lx_path_len(path);
	if (len < 0)
		return len;
	return ros_syscall_raw(SYS_wstat, (long)path, len, (long)st, LX_9P_STATFIX, flags, 0);
}

/* The file's kstat, by path (following links unless !follow) or by fd
 * when path is NULL. */
static long lx_fattr_stat(const char *path, int fd, bool follow, struct kstat *k)
{
	if (!path)
		return ros_syscall_raw(SYS_fstat, fd, (long)k, 0, 0, 0, 0);
	return lx_path_call(follow ? SYS_stat : SYS_lstat, path, (long)k, 0);
}

/* --------------------------------------------------------------- chmod */

static long lx_chmod_common(const char *path, int fd, long mode)
{
	unsigned char st[LX_9P_STATFIX];
	struct kstat k;
	uint32_t type;
	long r = lx_fattr_stat(path, fd, true, &k);

	if (r < 0)
		return r;
	switch (k.st_mode & S_IFMT) {
	case S_IFDIR:
		type = DMDIR;
		break;
	case S_IFLNK:
		type = DMSYMLINK;
		break;
	default:
		type = 0;
	}
	lx_9p_nulldir(st);
	lx_9p_put(st, LX_9P_MODE_OFF, type | ((uint32_t)mode & LX_MODE_PERM), 4);
	return lx_wstat(path, fd, st, WSTAT_MODE);
}

long lx_chmod(const long *a)
{
	if (!a[0])
		return -LX_EFAULT;
	return lx_chmod_common((const char *)a[0], -1, a[1]);
}

long lx_fchmod(const long *a)
{
	return lx_chmod_common(NULL, (int)a[0], a[1]);
}

long lx_fchmodat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "fchmodat");

	if (!a[1])
		return -LX_EFAULT;
	return r < 0 ? r : lx_chmod_common((const char *)a[1], -1, a[2]);
}

/* --------------------------------------------------------------- times */

/* Seconds for one Linux timespec of utimensat: 1 set, 0 omitted, <0 error. */
static long lx_utime_seconds(const struct lx_timespec *ts, uint64_t *sec)
{
	uint64_t ns;

	if (!ts || ts->tv_nsec == LX_UTIME_NOW) {
		long r = lx_clock_ns(LX_CLOCK_REALTIME, &ns);

		if (r < 0)
			return r;
		*sec = ns / 1000000000;
		return 1;
	}
	if (ts->tv_nsec == LX_UTIME_OMIT)
		return 0;
	if (!lx_ts_ok(ts) || ts->tv_sec < 0 || ts->tv_sec > UINT32_MAX - 1)
		return -LX_EINVAL;
	*sec = (uint64_t)ts->tv_sec;
	return 1;
}

/* times[0] is the access time, times[1] the modification time (NULL: now). */
static long lx_utimens_common(const char *path, int fd, const struct lx_timespec *times)
{
	static const int off[2] = { LX_9P_ATIME_OFF, LX_9P_MTIME_OFF };
	static const int bit[2] = { WSTAT_ATIME, WSTAT_MTIME };
	unsigned char st[LX_9P_STATFIX];
	uint64_t sec;
	int flags = 0;

	lx_9p_nulldir(st);
	for (int i = 0; i < 2; i++) {
		long r = lx_utime_seconds(times ? &times[i] : NULL, &sec);

		if (r < 0)
			return r;
		if (r) {
			lx_9p_put(st, off[i], sec, 4);
			flags |= bit[i];
		}
	}
	if (!flags)
		return 0;               /* both omitted: Linux changes nothing */
	return lx_wstat(path, fd, st, flags);
}

long lx_utimensat(const long *a)
{
	const char *path = (const char *)a[1];
	long r;

	if (a[3] & ~(long)LX_AT_SYMLINK_NOFOLLOW)
		return -LX_EINVAL;
	if (!path)
		return lx_utimens_common(NULL, (int)a[0], (const struct lx_timespec *)a[2]);
	r = lx_at_check(a[0], path, "utimensat");
	return r < 0 ? r : lx_utimens_common(path, -1, (const struct lx_timespec *)a[2]);
}

/* utimes and futimesat: microseconds; NULL means now. */
static long lx_utimes_common(const char *path, const struct lx_timeval *tv)
{
	struct lx_timespec ts[2];

	if (!path)
		return -LX_EFAULT;
	if (!tv)
		return lx_utimens_common(path, -1, NULL);
	for (int i = 0; i < 2; i++) {
		if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
			return -LX_EINVAL;
		ts[i].tv_sec = tv[i].tv_sec;
		ts[i].tv_nsec = tv[i].tv_usec * 1000;
	}
	return lx_utimens_common(path, -1, ts);
}

long lx_utimes(const long *a)
{
	return lx_utimes_common((const char *)a[0], (const struct lx_timeval *)a[1]);
}

long lx_futimesat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "futimesat");

	return r < 0 ? r : lx_utimes_common((const char *)a[1], (const struct lx_timeval *)a[2]);
}

/* utime: struct utimbuf { actime, modtime } in whole seconds. */
long lx_utime(const long *a)
{
	const int64_t *ub = (const int64_t *)a[1];
	struct lx_timespec ts[2];

	if (!a[0])
		return -LX_EFAULT;
	if (!ub)
		return lx_utimens_common((const char *)a[0], -1, NULL);
	ts[0] = (struct lx_timespec){ ub[0], 0 };
	ts[1] = (struct lx_timespec){ ub[1], 0 };
	return lx_utimens_common((const char *)a[0], -1, ts);
}

/* --------------------------------------------------------------- chown */

static long lx_chown_common(const char *path, int fd, bool follow, long uid, long gid)
{
	struct kstat k;
	long r = lx_fattr_stat(path, fd, follow, &k);

	if (r < 0)
		return r;
	if (((uint32_t)uid != UINT32_MAX && (uint32_t)uid != k.st_uid) ||
	    ((uint32_t)gid != UINT32_MAX && (uint32_t)gid != k.st_gid)) {
		lx_errstr("chown", "Vireo has one user: a file's owner cannot change");
		return -LX_EPERM;
	}
	return 0;
}

long lx_chown(const long *a)
{
	if (!a[0])
		return -LX_EFAULT;
	return lx_chown_common((const char *)a[0], -1, true, a[1], a[2]);
}

long lx_lchown(const long *a)
{
	if (!a[0])
		return -LX_EFAULT;
	return lx_chown_common((const char *)a[0], -1, false, a[1], a[2]);
}

long lx_fchown(const long *a)
{
	return lx_chown_common(NULL, (int)a[0], true, a[1], a[2]);
}

long lx_fchownat(const long *a)
{
	const char *path = (const char *)a[1];
	long r;

	if (a[4] & ~(long)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	if ((a[4] & LX_AT_EMPTY_PATH) && path && !path[0])
		return lx_chown_common(NULL, (int)a[0], true, a[2], a[3]);
	if (!path)
		return -LX_EFAULT;
	r = lx_at_check(a[0], path, "fchownat");
	return r < 0 ? r : lx_chown_common(path, -1, !(a[4] & LX_AT_SYMLINK_NOFOLLOW), a[2], a[3]);
}
