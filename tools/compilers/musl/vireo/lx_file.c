/* SPDX-License-Identifier: MIT */
/*
 * lx_file.c - the file calls of the translation layer (see lx.h and the
 * table in linux_syscalls.c).
 *
 * Paths: Vireo takes (pointer, length), so every path is measured here with
 * strnlen (longer than SYSC_MAX_PATH_LEN: -ENAMETOOLONG; NULL: -EFAULT).  A
 * path pointer that is not NULL but bad faults in user space while it is
 * measured, where Linux would return -EFAULT (a documented difference).
 * The *at calls other than openat accept only AT_FDCWD or an absolute path
 * (-ENOSYS and an errstr otherwise): Vireo's calls take no dirfd.
 * Open flags: Linux and Vireo share every value except the access mode
 * (checked below at compile time); flags Vireo lacks (O_SYNC, O_DIRECT,
 * O_TMPFILE...) are -EINVAL rather than silently dropped.
 * getdents64 converts 9P stat records to dirent64 in the caller's buffer:
 * each dirent is shorter than the stat record it comes from, so the
 * conversion runs in place, front to back.  A record is at most DIRENT_MAX
 * bytes (ros/fcntl.h), which readdir's buffer holds; a caller's buffer too
 * small for the next record gets the kernel's EINVAL.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include "lx.h"

_Static_assert(O_CREAT == LX_O_CREAT && O_EXCL == LX_O_EXCL && O_NOCTTY == LX_O_NOCTTY &&
               O_TRUNC == LX_O_TRUNC && O_APPEND == LX_O_APPEND &&
               O_NONBLOCK == LX_O_NONBLOCK && O_DIRECTORY == LX_O_DIRECTORY &&
               O_NOFOLLOW == LX_O_NOFOLLOW && O_CLOEXEC == LX_O_CLOEXEC &&
               O_PATH == LX_O_PATH, "Vireo's open flags are Linux's but for the access mode");
_Static_assert(sizeof(struct lx_stat) == 144, "Linux x86-64 struct stat");
_Static_assert(DIRENT_MAX <= 2048, "musl's readdir reads into a 2048-byte buffer "
               "(struct __dirstream in src/dirent/__dirent.h)");

#define LX_O_SAME (LX_O_CREAT | LX_O_EXCL | LX_O_NOCTTY | LX_O_TRUNC | LX_O_APPEND | \
                   LX_O_NONBLOCK | LX_O_DIRECTORY | LX_O_NOFOLLOW | LX_O_CLOEXEC)
#define LX_O_KNOWN (LX_O_ACCMODE | LX_O_SAME | LX_O_LARGEFILE | LX_O_PATH)

#define LX_F_GETFL   3
#define LX_F_SETFL   4
#define LX_F_GETLK   5
#define LX_F_SETLK   6
#define LX_F_SETLKW  7
#define LX_IOV_MAX   1024
#define LX_SSIZE_MAX 0x7fffffffffffffffL

static char lx_errstr_buf[SYSC_ERRSTR_LEN];

size_t lx_utoa(char *buf, uint64_t v)
{
	char t[20];
	size_t i = 0, len;

	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (len = 0; i; len++)
		buf[len] = t[--i];
	buf[len] = '\0';
	return len;
}

void lx_errstr(const char *what, const char *why)
{
	lx_errstr_buf[0] = '\0';
	strncat(lx_errstr_buf, what, sizeof(lx_errstr_buf) - 1);
	strncat(lx_errstr_buf, ": ", sizeof(lx_errstr_buf) - strlen(lx_errstr_buf) - 1);
	strncat(lx_errstr_buf, why, sizeof(lx_errstr_buf) - strlen(lx_errstr_buf) - 1);
	errstr_set(lx_errstr_buf);
}

long lx_path_len(const char *path)
{
	size_t n;

	if (!path)
		return -LX_EFAULT;
	n = strnlen(path, SYSC_MAX_PATH_LEN + 1);
	if (n > SYSC_MAX_PATH_LEN)
		return -LX_ENAMETOOLONG;
	return (long)n;
}

long lx_oflags_to_vireo(long l)
{
	long acc = l & LX_O_ACCMODE;
	long v;

	if ((l & ~(long)LX_O_KNOWN) || acc == LX_O_ACCMODE)
		return -LX_EINVAL;
	if (l & LX_O_PATH)
		v = O_PATH;
	else if (acc == LX_O_RDONLY)
		v = O_READ;
	else if (acc == LX_O_WRONLY)
		v = O_WRITE;
	else
		v = O_READ | O_WRITE;
	return v | (l & LX_O_SAME);
}

long lx_oflags_from_vireo(long v)
{
	long l;

	if ((v & O_ACCMODE & (O_READ | O_WRITE)) == (O_READ | O_WRITE))
		l = LX_O_RDWR;
	else if (v & O_WRITE)
		l = LX_O_WRONLY;
	else if (v & O_READ)
		l = LX_O_RDONLY;
	else
		l = LX_O_PATH;
	return l | (v & (LX_O_APPEND | LX_O_NONBLOCK));
}

/* Calls f(path, len, x, y) of Vireo after measuring the path. */
long lx_path_call(unsigned int vsys, const char *path, long x, long y)
{
	long len = lx_path_len(path);

	if (len < 0)
		return len;
	return ros_syscall_raw(vsys, (long)path, len, x, y, 0, 0);
}

/* AT_FDCWD or an absolute path: what the *at emulation can serve. */
long lx_at_check(long dirfd, const char *path, const char *call)
{
	if ((int)dirfd == LX_AT_FDCWD || (path && path[0] == '/'))
		return 0;
	lx_errstr(call, "only AT_FDCWD or an absolute path are supported on Vireo");
	return -LX_ENOSYS;
}

long lx_openat(const long *a)
{
	const char *path = (const char *)a[1];
	long len = lx_path_len(path);
	long vflags = lx_oflags_to_vireo(a[2]);

	if (len < 0)
		return len;
	if (vflags < 0)
		return vflags;
	/* Linux keeps only the permission bits of the mode (cp passes st_mode). */
	return ros_syscall_raw(SYS_openat, (int)a[0], (long)path, len, vflags,
	                       (long)(uint32_t)(a[3] & 07777), 0);
}

long lx_open(const long *a)
{
	const long b[6] = { LX_AT_FDCWD, a[0], a[1], a[2], 0, 0 };

	return lx_openat(b);
}

/* ------------------------------------------------------------------ stat */

static void lx_stat_convert(struct lx_stat *l, const struct kstat *k)
{
	memset(l, 0, sizeof(*l));
	l->st_dev = k->st_dev;
	l->st_ino = k->st_ino;
	l->st_nlink = k->st_nlink;
	l->st_mode = k->st_mode;
	l->st_uid = k->st_uid;
	l->st_gid = k->st_gid;
	l->st_rdev = k->st_rdev;
	l->st_size = k->st_size;
	l->st_blksize = k->st_blksize;
	l->st_blocks = k->st_blocks;
	l->st_atime_sec = k->st_atim.tv_sec;
	l->st_atime_nsec = k->st_atim.tv_nsec;
	l->st_mtime_sec = k->st_mtim.tv_sec;
	l->st_mtime_nsec = k->st_mtim.tv_nsec;
	l->st_ctime_sec = k->st_ctim.tv_sec;
	l->st_ctime_nsec = k->st_ctim.tv_nsec;
}

/* Copies a kstat result out when the call r worked. */
static long lx_stat_out(long r, const struct kstat *k, long ubuf)
{
	struct lx_stat l;

	if (r < 0)
		return r;
	lx_stat_convert(&l, k);
	memcpy((void *)ubuf, &l, sizeof(l));
	return 0;
}

static long lx_stat_path(unsigned int vsys, const char *path, long ubuf)
{
	struct kstat k;

	if (!ubuf)
		return -LX_EFAULT;
	return lx_stat_out(lx_path_call(vsys, path, (long)&k, 0), &k, ubuf);
}

long lx_stat(const long *a)
{
	return lx_stat_path(SYS_stat, (const char *)a[0], a[1]);
}

long lx_lstat(const long *a)
{
	return lx_stat_path(SYS_lstat, (const char *)a[0], a[1]);
}

long lx_fstat(const long *a)
{
	struct kstat k;

	if (!a[1])
		return -LX_EFAULT;
	return lx_stat_out(ros_syscall_raw(SYS_fstat, (int)a[0], (long)&k, 0, 0, 0, 0), &k, a[1]);
}

long lx_newfstatat(const long *a)
{
	const char *path = (const char *)a[1];
	long flags = a[3], r;

	if (flags & ~(long)(LX_AT_SYMLINK_NOFOLLOW | LX_AT_EMPTY_PATH))
		return -LX_EINVAL;
	if ((flags & LX_AT_EMPTY_PATH) && path && !path[0]) {
		const long b[6] = { a[0], a[2] };

		return lx_fstat(b);
	}
	r = lx_at_check(a[0], path, "newfstatat");
	if (r < 0)
		return r;
	return lx_stat_path(flags & LX_AT_SYMLINK_NOFOLLOW ? SYS_lstat : SYS_stat, path, a[2]);
}

/* --------------------------------------------------------- names, dirs */

long lx_access(const long *a)
{
	return lx_path_call(SYS_access, (const char *)a[0], (int)a[1], 0);
}

long lx_faccessat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "faccessat");

	if (r < 0)
		return r;
	if (a[3] & ~0x200L)             /* AT_EACCESS: no user ids, same answer */
		return -LX_EINVAL;
	return lx_path_call(SYS_access, (const char *)a[1], (int)a[2], 0);
}

long lx_getcwd(const long *a)
{
	return ros_syscall_raw(SYS_getcwd, a[0], a[1], 0, 0, 0, 0);
}

long lx_chdir(const long *a)
{
	long len = lx_path_len((const char *)a[0]);

	if (len < 0)
		return len;
	return ros_syscall_raw(SYS_chdir, 0, a[0], len, 0, 0, 0);
}

long lx_fchdir(const long *a)
{
	return ros_syscall_raw(SYS_fchdir, 0, (int)a[0], 0, 0, 0, 0);
}

long lx_mkdir(const long *a)
{
	return lx_path_call(SYS_mkdir, (const char *)a[0], (long)(uint32_t)(a[1] & LX_MKDIR_MODE), 0);
}

long lx_mkdirat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "mkdirat");

	return r < 0 ? r : lx_path_call(SYS_mkdir, (const char *)a[1], (long)(uint32_t)(a[2] & LX_MKDIR_MODE), 0);
}

long lx_rmdir(const long *a)
{
	return lx_path_call(SYS_rmdir, (const char *)a[0], 0, 0);
}

long lx_unlink(const long *a)
{
	return lx_path_call(SYS_unlink, (const char *)a[0], 0, 0);
}

long lx_unlinkat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "unlinkat");

	if (r < 0)
		return r;
	if (a[2] & ~(long)LX_AT_REMOVEDIR)
		return -LX_EINVAL;
	return lx_path_call(a[2] ? SYS_rmdir : SYS_unlink, (const char *)a[1], 0, 0);
}

/* Vireo calls of the shape (p1, len1, p2, len2). */
static long lx_two_paths(unsigned int vsys, const char *p1, const char *p2)
{
	long l1 = lx_path_len(p1), l2 = lx_path_len(p2);

	if (l1 < 0)
		return l1;
	if (l2 < 0)
		return l2;
	return ros_syscall_raw(vsys, (long)p1, l1, (long)p2, l2, 0, 0);
}

long lx_rename(const long *a)
{
	return lx_two_paths(SYS_rename, (const char *)a[0], (const char *)a[1]);
}

long lx_renameat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "renameat");

	if (r == 0)
		r = lx_at_check(a[2], (const char *)a[3], "renameat");
	return r < 0 ? r : lx_two_paths(SYS_rename, (const char *)a[1], (const char *)a[3]);
}

long lx_symlink(const long *a)
{
	return lx_two_paths(SYS_symlink, (const char *)a[0], (const char *)a[1]);
}

long lx_readlink(const long *a)
{
	return lx_path_call(SYS_readlink, (const char *)a[0], a[1], a[2]);
}

long lx_readlinkat(const long *a)
{
	long r = lx_at_check(a[0], (const char *)a[1], "readlinkat");

	return r < 0 ? r : lx_path_call(SYS_readlink, (const char *)a[1], a[2], a[3]);
}

/* ------------------------------------------------------------ getdents64 */

#define LX_9P_QIDPATH  13       /* offset of qid.path */
#define LX_9P_MODE     21
#define LX_9P_NAME     41       /* name[s]: length[2], then the bytes */
#define LX_DT_DIR      4
#define LX_DT_REG      8
#define LX_DT_LNK      10

static uint16_t lx_le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t lx_le32(const unsigned char *p)
{
	return (uint32_t)lx_le16(p) | (uint32_t)lx_le16(p + 2) << 16;
}

static uint64_t lx_le64(const unsigned char *p)
{
	return (uint64_t)lx_le32(p) | (uint64_t)lx_le32(p + 4) << 32;
}

/*
 * Converts the stat entry at buf + in (avail bytes from there) into a
 * dirent at buf + out (out <= in).  Returns the entry's size, or -EIO.
 */
static long lx_dirent_convert(unsigned char *buf, size_t out, size_t in, size_t avail,
                              size_t *out_len)
{
	const unsigned char *st = buf + in;
	struct lx_dirent64 d;
	size_t size, namelen, reclen;
	uint32_t mode;

	if (avail < LX_9P_STATFIX)
		return -LX_EIO;
	size = (size_t)lx_le16(st) + 2;
	namelen = lx_le16(st + LX_9P_NAME);
	if (size < LX_9P_STATFIX || size > avail || LX_9P_NAME + 2 + namelen > size)
		return -LX_EIO;
	mode = lx_le32(st + LX_9P_MODE);
	d.d_ino = lx_le64(st + LX_9P_QIDPATH);
	d.d_type = mode & DMDIR ? LX_DT_DIR : mode & DMSYMLINK ? LX_DT_LNK : LX_DT_REG;
	reclen = (offsetof(struct lx_dirent64, d_name) + namelen + 1 + 7) & ~(size_t)7;
	d.d_reclen = (uint16_t)reclen;
	d.d_off = (int64_t)(in + size);
	memmove(buf + out + offsetof(struct lx_dirent64, d_name), st + LX_9P_NAME + 2, namelen);
	memcpy(buf + out, &d, offsetof(struct lx_dirent64, d_name));
	memset(buf + out + offsetof(struct lx_dirent64, d_name) + namelen, 0,
	       reclen - offsetof(struct lx_dirent64, d_name) - namelen);
	*out_len = reclen;
	return (long)size;
}

long lx_getdents64(const long *a)
{
	unsigned char *buf = (unsigned char *)a[1];
	size_t len = (size_t)(unsigned int)a[2], in = 0, out = 0, dlen;
	long n = ros_syscall_raw(SYS_read, (int)a[0], (long)buf, (long)len, 0, 0, 0);

	if (n <= 0)
		return n;
	while (in < (size_t)n) {
		long used = lx_dirent_convert(buf, out, in, (size_t)n - in, &dlen);

		if (used < 0) {
			lx_errstr("getdents64", "malformed directory entry from the kernel");
			return used;
		}
		in += (size_t)used;
		out += dlen;
	}
	return (long)out;
}

/* ------------------------------------------------------- vectors, pipes */

/* Runs read or write over an iovec array; stops at a short transfer. */
static long lx_rwv(unsigned int vsys, long fd, const struct lx_iovec *iov, long cnt)
{
	long total = 0, r;

	if (cnt < 0 || cnt > LX_IOV_MAX)
		return -LX_EINVAL;
	for (long i = 0; i < cnt; i++) {
		if (iov[i].iov_len > (size_t)(LX_SSIZE_MAX - total))
			return -LX_EINVAL;
		if (!iov[i].iov_len)
			continue;
		r = ros_syscall_raw(vsys, (int)fd, (long)iov[i].iov_base, (long)iov[i].iov_len,
		                    0, 0, 0);
		if (r < 0)
			return total ? total : r;
		total += r;
		if ((size_t)r < iov[i].iov_len)
			break;
	}
	return total;
}

long lx_readv(const long *a)
{
	return lx_rwv(SYS_read, a[0], (const struct lx_iovec *)a[1], a[2]);
}

long lx_writev(const long *a)
{
	return lx_rwv(SYS_write, a[0], (const struct lx_iovec *)a[1], a[2]);
}

static void lx_close(long fd)
{
	if (lx_libfd_close(fd))
		return;
	if (ros_syscall_raw(SYS_close, (int)fd, 0, 0, 0, 0, 0) == 0) {
		lx_fdev_forget(fd);
		lx_sock_forget(fd);
	}
}

long lx_pipe2(const long *a)
{
	int *fds = (int *)a[0];
	long extra = a[1], dir, fd0, fd1;

	if (!fds)
		return -LX_EFAULT;
	if (extra & ~(long)(LX_O_CLOEXEC | LX_O_NONBLOCK))
		return -LX_EINVAL;
	dir = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)"#pipe", 5, O_PATH | O_CLOEXEC, 0, 0);
	if (dir < 0)
		return dir;
	/* POSIX ends: [0] reads, [1] writes (a #pipe file could do both). */
	fd0 = ros_syscall_raw(SYS_openat, dir, (long)"data", 4, O_READ | extra, 0, 0);
	fd1 = fd0 < 0 ? fd0 : ros_syscall_raw(SYS_openat, dir, (long)"data1", 5, O_WRITE | extra, 0, 0);
	lx_close(dir);
	if (fd1 < 0) {
		if (fd0 >= 0)
			lx_close(fd0);
		return fd1;
	}
	fds[0] = (int)fd0;
	fds[1] = (int)fd1;
	return 0;
}

long lx_pipe(const long *a)
{
	const long b[6] = { a[0], 0 };

	return lx_pipe2(b);
}

/* ------------------------------------------------------------ fds, fcntl */

static long lx_fcntl3(long fd, long cmd, long arg)
{
	return ros_syscall_raw(SYS_fcntl, (int)fd, (int)cmd, arg, 0, 0, 0);
}

/* A dup that worked: a timerfd's copy is a timerfd too (lx_fdev.c), a
 * socket's the same socket (lx_socket.c). */
static long lx_dup_done(long old, long r)
{
	if (r >= 0) {
		lx_fdev_dup(old, r);
		lx_sock_dup(old, r);
	}
	return r;
}

long lx_dup(const long *a)
{
	if (lx_libfd_is(a[0]))
		return lx_libfd_nodup(a[0]);
	return lx_dup_done(a[0], lx_fcntl3(a[0], F_DUPFD, 0));
}

/* dup2/dup3: new is closed first, then the lowest free fd >= new is new. */
static long lx_dup_to(long old, long new, long cmd)
{
	long r = lx_libfd_nodup(old);

	if (r < 0)
		return r;
	r = lx_fcntl3(old, F_GETFD, 0);

	if (r < 0)
		return r;
	if (new < 0)
		return -LX_EBADF;
	lx_close(new);
	r = lx_fcntl3(old, cmd, new);
	if (r >= 0 && r != new) {
		lx_close(r);
		lx_errstr("dup2", "the new fd was taken again before the dup");
		return -LX_EBUSY;
	}
	return lx_dup_done(old, r);
}

long lx_dup2(const long *a)
{
	if ((int)a[0] == (int)a[1]) {
		long r = lx_fcntl3(a[0], F_GETFD, 0);

		return r < 0 ? r : (int)a[1];
	}
	return lx_dup_to((int)a[0], (int)a[1], F_DUPFD);
}

long lx_dup3(const long *a)
{
	if ((int)a[0] == (int)a[1] || (a[2] & ~(long)LX_O_CLOEXEC))
		return -LX_EINVAL;
	return lx_dup_to((int)a[0], (int)a[1], a[2] ? F_DUPFD_CLOEXEC : F_DUPFD);
}

long lx_fcntl(const long *a)
{
	long cmd = (int)a[1], r;

	switch (cmd) {
	case LX_F_GETFL:
		r = lx_fcntl3(a[0], cmd, 0);
		return r < 0 ? r : lx_oflags_from_vireo(r);
	case LX_F_SETFL:
		return lx_fcntl3(a[0], cmd, a[2] & (LX_O_APPEND | LX_O_NONBLOCK));
	case LX_F_GETLK:
	case LX_F_SETLK:
	case LX_F_SETLKW:
		lx_errstr("fcntl", "no file locks on Vireo");
		return -LX_EINVAL;
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		if (lx_libfd_is(a[0]))
			return lx_libfd_nodup(a[0]);
		return lx_dup_done(a[0], lx_fcntl3(a[0], cmd, a[2]));
	default:
		return lx_fcntl3(a[0], cmd, a[2]);
	}
}

/* ------------------------------------------------------------- truncate */

#define LX_9P_LENGTH_OFF 33
#define LX_9P_STRINGS    41             /* name, uid, gid, muid lengths */

void lx_9p_nulldir(unsigned char *st)
{
	memset(st, 0xff, LX_9P_STATFIX);
	st[0] = LX_9P_STATFIX - 2;
	st[1] = 0;
	memset(st + LX_9P_STRINGS, 0, LX_9P_STATFIX - LX_9P_STRINGS);
}

void lx_9p_put(unsigned char *st, int off, uint64_t v, int bytes)
{
	for (int i = 0; i < bytes; i++)
		st[off + i] = (unsigned char)(v >> (8 * i));
}

long lx_truncate(const long *a)
{
	unsigned char st[LX_9P_STATFIX];
	long len = lx_path_len((const char *)a[0]);

	if (len < 0)
		return len;
	if (a[1] < 0)
		return -LX_EINVAL;
	lx_9p_nulldir(st);
	lx_9p_put(st, LX_9P_LENGTH_OFF, (uint64_t)a[1], 8);
	return ros_syscall_raw(SYS_wstat, a[0], len, (long)st, sizeof(st), WSTAT_LENGTH, 0);
}

long lx_ftruncate(const long *a)
{
	unsigned char st[LX_9P_STATFIX];
	long fl = ros_syscall_raw(SYS_fcntl, (int)a[0], F_GETFL, 0, 0, 0, 0);

	if (fl < 0)
		return fl;
	if (a[1] < 0 || (fl & O_ACCMODE) == O_READ)
		return -LX_EINVAL;              /* Linux: not open for writing */
	lx_9p_nulldir(st);
	lx_9p_put(st, LX_9P_LENGTH_OFF, (uint64_t)a[1], 8);
	return ros_syscall_raw(SYS_fwstat, (int)a[0], (long)st, sizeof(st), WSTAT_LENGTH, 0, 0);
}
