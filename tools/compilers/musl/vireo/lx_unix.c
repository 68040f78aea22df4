/* SPDX-License-Identifier: MIT */
/*
 * lx_unix.c - named AF_UNIX stream sockets for the translation layer, over
 * #pipe and #srv (Documentation/sockets.md, "AF_UNIX").  The rendezvous:
 *  - socket(): the fd is one end of a fresh #pipe (nobody at the other
 *    end) until bind or connect replaces it (dup2 onto the same number).
 *  - bind(path): a new pipe P; P's end 1 is posted as #srv/unix-HASH
 *    (HASH: FNV-1a of the absolute path, or of an abstract name's bytes)
 *    and P's end 0 becomes the socket fd.  An existing post whose listener
 *    is gone (a probe record written to it fails with EPIPE) is removed
 *    and taken over; a live one is EADDRINUSE.
 *  - connect(path): a new pipe Q; Q's end 1 is posted as
 *    #srv/unixc-PID-N, and a request record naming that post is written to
 *    the listener's post; Q's end 0 becomes the socket fd.  No post:
 *    ENOENT; a listener gone: ECONNREFUSED.
 *  - accept: reads one record from the listening fd (blocks, or EAGAIN),
 *    opens the post it names (the connection's other end), removes it.
 * Records are LX_UNIX_REC bytes, written whole by one write (a pipe write
 * is not split), so readers see them whole.  The listening fd is a pipe
 * end: poll and epoll see requests as READABLE.  Limits: the path names a
 * post, not a file (nothing is created in the file system, unlink does
 * not remove it); requests a listener never accepts leave their posts.
 */
#include <string.h>
#include <ros/fcntl.h>
#include "lx_sock.h"

#define LX_UNIX_REC 64
#define LX_SRV_NAME 64
#define LX_UNIX_PATH 108

static unsigned int lx_unix_seq;        /* [a] client posts of this process */

static long lx_sys(unsigned int num, long a0, long a1, long a2, long a3)
{
	return ros_syscall_raw(num, a0, a1, a2, a3, 0, 0);
}

static long lx_open_path(const char *path, long flags)
{
	return lx_sys(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path), flags);
}

/* ------------------------------------------------------------ names */

static uint64_t lx_fnv(uint64_t h, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
	return h;
}

/* "#srv/unix-HASH" for the address at sa into srv; -errno. */
static long lx_unix_srv(const void *sa, uint32_t len, char *srv, char *path)
{
	const char *p = (const char *)sa + 2;
	size_t n = len > 2 ? len - 2 : 0, k = 0;
	uint64_t h = 0xcbf29ce484222325ull;
	uint16_t family;
	char cwd[256];
	long r;

	if (!sa)
		return -LX_EFAULT;
	if (len < 2 || len > 2 + LX_UNIX_PATH)
		return -LX_EINVAL;
	memcpy(&family, sa, sizeof(family));
	if (family != LX_AF_UNIX)
		return -LX_EINVAL;
	if (n && p[0] == '\0') {                /* abstract: the bytes are the name */
		h = lx_fnv(h, "@", 1);
		h = lx_fnv(h, p + 1, n - 1);
	} else {
		n = strnlen(p, n);
		if (!n)
			return -LX_EINVAL;
		if (p[0] != '/') {
			r = lx_sys(SYS_getcwd, (long)cwd, sizeof(cwd), 0, 0);
			if (r < 0)
				return r;
			h = lx_fnv(h, cwd, strlen(cwd));
			h = lx_fnv(h, "/", 1);
		}
		h = lx_fnv(h, p, n);
	}
	memcpy(path, p, n);
	path[n] = '\0';
	strcpy(srv, "#srv/unix-");
	k = strlen(srv);
	for (int i = 15; i >= 0; i--)
		srv[k++] = "0123456789abcdef"[(h >> (4 * i)) & 0xf];
	srv[k] = '\0';
	return 0;
}

/* ------------------------------------------------------------ pipes, posts */

long lx_unix_pipe(long fds[2], long flags0, long flags1)
{
	long dir = lx_open_path("#pipe", O_PATH | O_CLOEXEC);

	if (dir < 0)
		return dir;
	fds[0] = lx_sys(SYS_openat, dir, (long)"data", 4, O_RDWR | flags0);
	fds[1] = fds[0] < 0 ? fds[0] : lx_sys(SYS_openat, dir, (long)"data1", 5,
	                                       O_RDWR | flags1);
	lx_sys(SYS_close, dir, 0, 0, 0);
	if (fds[1] < 0 && fds[0] >= 0)
		lx_sys(SYS_close, fds[0], 0, 0, 0);
	return fds[1] < 0 ? fds[1] : 0;
}

static void lx_unix_unpost(const char *srv)
{
	lx_sys(SYS_unlink, (long)srv, (long)strlen(srv), 0, 0);
}

/* Posts fd as srv (closing fd); -EEXIST if the name is taken. */
static long lx_unix_post(const char *srv, long fd)
{
	char num[24];
	long pfd = ros_syscall_raw(SYS_openat, LX_AT_FDCWD, (long)srv, (long)strlen(srv),
	                           O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666, 0), r;

	if (pfd < 0) {
		lx_sys(SYS_close, fd, 0, 0, 0);
		return pfd;
	}
	lx_utoa(num, (uint64_t)fd);
	r = lx_sys(SYS_write, pfd, (long)num, (long)strlen(num), 0);
	lx_sys(SYS_close, pfd, 0, 0, 0);
	lx_sys(SYS_close, fd, 0, 0, 0);
	if (r < 0)
		lx_unix_unpost(srv);
	return r < 0 ? r : 0;
}

/* A new pipe whose end 1 is posted as srv: its end 0 in *end0; -errno. */
static long lx_unix_listen_post(const char *srv, long *end0)
{
	long fds[2], r = lx_unix_pipe(fds, 0, O_CLOEXEC);

	if (r < 0)
		return r;
	r = lx_unix_post(srv, fds[1]);
	if (r < 0)
		lx_sys(SYS_close, fds[0], 0, 0, 0);
	else
		*end0 = fds[0];
	return r;
}

/* Writes one record (a post's name, or "" to probe) to the post srv:
 * 0, -ENOENT (no post) or -EPIPE (its listener is gone). */
static long lx_unix_send_rec(const char *srv, const char *name)
{
	char rec[LX_UNIX_REC] = "";
	long fd = lx_open_path(srv, O_RDWR | O_CLOEXEC), r;

	if (fd < 0)
		return fd;
	strcpy(rec, name);
	r = lx_sys(SYS_write, fd, (long)rec, sizeof(rec), 0);
	lx_sys(SYS_close, fd, 0, 0, 0);
	return r < 0 ? r : 0;
}

/* Puts new (a pipe end) in place of the socket fd, keeping its flags. */
static long lx_unix_replace(long fd, long new)
{
	long fl = lx_sys(SYS_fcntl, fd, F_GETFL, 0, 0), cl = lx_sys(SYS_fcntl, fd, F_GETFD, 0, 0);
	long r;

	if (fl < 0 || cl < 0) {
		lx_sys(SYS_close, new, 0, 0, 0);
		return fl < 0 ? fl : cl;
	}
	lx_sys(SYS_fcntl, new, F_SETFL, fl & O_NONBLOCK, 0);
	lx_sys(SYS_close, fd, 0, 0, 0);
	r = lx_sys(SYS_fcntl, new, cl & FD_CLOEXEC ? F_DUPFD_CLOEXEC : F_DUPFD, fd, 0);
	lx_sys(SYS_close, new, 0, 0, 0);
	if (r >= 0 && r != fd) {
		lx_sys(SYS_close, r, 0, 0, 0);
		return -LX_EBUSY;               /* another thread took the number */
	}
	return r < 0 ? r : 0;
}

/* ------------------------------------------------------------ calls */

long lx_unix_socket(long flags)
{
	long fds[2], r;
	struct lx_sock *s = lx_sock_alloc(LX_SK_UNIX);

	if (!s)
		return -LX_ENOMEM;
	r = lx_unix_pipe(fds, flags, O_CLOEXEC);
	if (r == 0) {
		lx_sys(SYS_close, fds[1], 0, 0, 0);
		lx_sock_install(fds[0], s);
		r = fds[0];
	}
	lx_sock_put(s);
	return r;
}

/* Claims a name (s->lock not held): the bound flag is set by the caller. */
long lx_unix_bind(struct lx_sock *s, long fd, const void *sa, uint32_t len)
{
	char srv[LX_SRV_NAME], path[LX_UNIX_PATH + 1];
	long end0 = -1, r = lx_unix_srv(sa, len, srv, path);

	if (r == 0)
		r = lx_unix_listen_post(srv, &end0);
	if (r == -LX_EEXIST && lx_unix_send_rec(srv, "") == -LX_EPIPE) {
		lx_unix_unpost(srv);            /* its listener is gone */
		r = lx_unix_listen_post(srv, &end0);
	}
	if (r == -LX_EEXIST)
		r = -LX_EADDRINUSE;
	if (r == 0)
		r = lx_unix_replace(fd, end0);
	if (r == 0) {
		spin_pdr_lock(&s->lock);
		memcpy(s->upath, path, sizeof(s->upath));
		spin_pdr_unlock(&s->lock);
	}
	return r;
}

long lx_unix_connect(struct lx_sock *s, long fd, const void *sa, uint32_t len)
{
	char srv[LX_SRV_NAME], path[LX_UNIX_PATH + 1], mine[LX_SRV_NAME] = "#srv/unixc-";
	long fds[2], r = lx_unix_srv(sa, len, srv, path);
	const long none[6] = { 0 };

	if (r < 0)
		return r;
	r = lx_unix_pipe(fds, 0, O_CLOEXEC);
	if (r < 0)
		return r;
	lx_utoa(mine + strlen(mine), (uint64_t)lx_getpid(none));
	strcat(mine, "-");
	lx_utoa(mine + strlen(mine), __atomic_add_fetch(&lx_unix_seq, 1, __ATOMIC_RELAXED));
	r = lx_unix_post(mine, fds[1]);
	if (r == 0) {
		r = lx_unix_send_rec(srv, mine);
		if (r < 0)
			lx_unix_unpost(mine);
		r = r == -LX_EPIPE ? -LX_ECONNREFUSED : r;
	}
	if (r == 0)
		r = lx_unix_replace(fd, fds[0]);
	else
		lx_sys(SYS_close, fds[0], 0, 0, 0);
	if (r == 0) {
		spin_pdr_lock(&s->lock);
		memcpy(s->upath, path, sizeof(s->upath));
		s->connected = true;
		spin_pdr_unlock(&s->lock);
	}
	return r;
}

/* One request from the listening fd (probes skipped): the connection's
 * fd, opened with flags, or -errno. */
long lx_unix_accept(long fd, long flags)
{
	char rec[LX_UNIX_REC];
	long r, nfd;

	do {
		r = lx_sys(SYS_read, fd, (long)rec, sizeof(rec), 0);
		if (r == 0)
			return -LX_EINVAL;              /* not a listener any more */
		if (r < 0)
			return r;
		if (r != sizeof(rec))
			return -LX_EIO;
	} while (rec[0] == '\0');
	rec[sizeof(rec) - 1] = '\0';
	nfd = lx_open_path(rec, O_RDWR | (flags & (LX_O_NONBLOCK | LX_O_CLOEXEC)));
	lx_unix_unpost(rec);
	return nfd;
}
