/* SPDX-License-Identifier: MIT */
/*
 * lx_socket.c - BSD sockets over #ip conversations: the per-socket table
 * and the calls that make, name and connect sockets (socket, socketpair,
 * bind, listen, accept, accept4, connect, shutdown, getsockname,
 * getpeername).  Data moves in lx_sockio.c, options in lx_sockopt.c,
 * named AF_UNIX sockets meet in lx_unix.c; the mapping of each call to
 * conversation files is Documentation/sockets.md.
 *
 * The table: lx_socks[fd] points to the fd's record (lx_sock.h), read and
 * written under one of LX_SOCK_LOCKS spin-PDR locks chosen by fd, so a
 * lookup is O(1) and safe against a close or dup in another thread; a
 * record is freed when its last reference goes (fds naming it, and
 * lx_sock_get()s in flight).  Records come from mmap'd chunks and go back
 * to a free list, never to malloc (a program's own malloc is not ours).
 * Sockets are at most LX_SOCK_FDS fds (Vireo's kernel fds); a record
 * lives in the memory fork copies, so a forked child has its own.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/mmap.h>
#include "lx_sock.h"

#define LX_SOCK_FDS   3840      /* kernel fds (library fds start here) */
#define LX_SOCK_LOCKS 64
#define LX_SOCK_CHUNK 64        /* records per mmap */

static struct lx_sock *lx_socks[LX_SOCK_FDS];
static struct spin_pdr_lock lx_sock_locks[LX_SOCK_LOCKS];
static struct spin_pdr_lock lx_sock_pool_lock;
static struct lx_sock *lx_sock_free;    /* [pool lock] linked through their first bytes */
static int lx_nsocks;                   /* [a] table entries: close skips the lock at 0 */

static struct spin_pdr_lock *lx_slot_lock(long fd)
{
	return &lx_sock_locks[fd % LX_SOCK_LOCKS];
}

static long lx_sys(unsigned int num, long a0, long a1, long a2, long a3)
{
	return ros_syscall_raw(num, a0, a1, a2, a3, 0, 0);
}

/* ------------------------------------------------------------ records */

/* The free list links records through their first bytes. */
static struct lx_sock **lx_sock_link(struct lx_sock *s)
{
	return (struct lx_sock **)(void *)s;
}

struct lx_sock *lx_sock_alloc(int kind)
{
	struct lx_sock *s;

	spin_pdr_lock(&lx_sock_pool_lock);
	if (!lx_sock_free) {
		long va = ros_syscall_raw(SYS_mmap, 0, LX_SOCK_CHUNK * sizeof(*s),
		                          PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (va < 0 && va > -4096) {
			spin_pdr_unlock(&lx_sock_pool_lock);
			return NULL;
		}
		for (int i = 0; i < LX_SOCK_CHUNK; i++) {
			s = (struct lx_sock *)va + i;
			*lx_sock_link(s) = lx_sock_free;
			lx_sock_free = s;
		}
	}
	s = lx_sock_free;
	lx_sock_free = *lx_sock_link(s);
	spin_pdr_unlock(&lx_sock_pool_lock);
	memset(s, 0, sizeof(*s));
	s->refs = 1;
	s->kind = (uint8_t)kind;
	spin_pdr_init(&s->lock);
	return s;
}

void lx_sock_put(struct lx_sock *s)
{
	if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL))
		return;
	lx_sock_peek_free(s);
	spin_pdr_lock(&lx_sock_pool_lock);
	*lx_sock_link(s) = lx_sock_free;
	lx_sock_free = s;
	spin_pdr_unlock(&lx_sock_pool_lock);
}

int lx_sock_type(const struct lx_sock *s)
{
	return s->kind == LX_SK_UDP ? LX_SOCK_DGRAM : LX_SOCK_STREAM;
}

/* Makes fd name s (taking one reference); the record fd had is dropped. */
void lx_sock_install(long fd, struct lx_sock *s)
{
	struct lx_sock *old;

	if (fd < 0 || fd >= LX_SOCK_FDS)
		return;
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	spin_pdr_lock(lx_slot_lock(fd));
	old = lx_socks[fd];
	lx_socks[fd] = s;
	spin_pdr_unlock(lx_slot_lock(fd));
	__atomic_add_fetch(&lx_nsocks, (s != NULL) - (old != NULL), __ATOMIC_RELAXED);
	if (old)
		lx_sock_put(old);
}

/* close(fd) worked: the fd's record, if any, loses that fd. */
void lx_sock_forget(long fd)
{
	if (__atomic_load_n(&lx_nsocks, __ATOMIC_RELAXED))
		lx_sock_install(fd, NULL);
}

/* A dup of old is new: both name the same socket. */
void lx_sock_dup(long old, long new)
{
	struct lx_sock *s;

	if (new < 0 || new == old)
		return;
	s = lx_sock_find(old);          /* a socket without a record yet gets its own */
	if (s) {
		lx_sock_install(new, s);
		lx_sock_put(s);
	}
}

/* What the record of an inherited socket can learn from #ip: TCP's
 * state, UDP's headers mode (the only UDP sockets without it are
 * connected ones). */
static void lx_sock_rebuild_state(struct lx_sock *s)
{
	char st[256];

	s->bound = true;
	if (lx_sock_file(s, "status", st, sizeof(st)) < 0)
		return;
	if (s->kind == LX_SK_UDP)
		s->connected = strstr(st, " Connected") != NULL;
	else if (strstr(st, " Listen "))
		s->listening = true;
	else if (strstr(st, " Syn_sent ") || strstr(st, " Syn_received "))
		s->connecting = true;
	else
		s->connected = !strstr(st, " Idle");
}

/* A record for an fd the table does not know: an inherited conversation
 * data file (after exec) is rebuilt from its path; NULL otherwise. */
static struct lx_sock *lx_sock_rebuild(long fd, long *err)
{
	char path[64] = "";
	size_t n;
	struct lx_sock *s;
	long r = lx_sys(SYS_fd2path, (int)fd, (long)path, sizeof(path) - 1, 0);
	const char *proto;

	if (r < 0) {
		*err = r;
		return NULL;
	}
	*err = -LX_ENOTSOCK;
	n = strlen(path);
	if (n < 12 || strcmp(path + n - 5, "/data"))
		return NULL;
	path[n - 5] = '\0';
	proto = strrchr(path, '/');
	while (proto > path && proto[-1] != '/')
		proto--;
	if (!strncmp(proto, "tcp/", 4))
		s = lx_sock_alloc(LX_SK_TCP);
	else if (!strncmp(proto, "udp/", 4))
		s = lx_sock_alloc(LX_SK_UDP);
	else
		return NULL;
	if (!s || n - 5 >= sizeof(s->dir)) {
		if (s)
			lx_sock_put(s);
		*err = -LX_ENOMEM;
		return NULL;
	}
	memcpy(s->dir, path, n - 4);
	lx_sock_rebuild_state(s);
	lx_sock_install(fd, s);
	return s;
}

struct lx_sock *lx_sock_find(long fd)
{
	struct lx_sock *s;

	if (fd < 0 || fd >= LX_SOCK_FDS || !__atomic_load_n(&lx_nsocks, __ATOMIC_RELAXED))
		return NULL;
	spin_pdr_lock(lx_slot_lock(fd));
	s = lx_socks[fd];
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	spin_pdr_unlock(lx_slot_lock(fd));
	return s;
}

struct lx_sock *lx_sock_get(long fd, long *err)
{
	struct lx_sock *s = lx_sock_find(fd);

	if (s)
		return s;
	if (fd < 0 || fd >= LX_SOCK_FDS) {
		*err = fd >= 0 && lx_libfd_is(fd) ? -LX_ENOTSOCK : -LX_EBADF;
		return NULL;
	}
	s = lx_sock_rebuild(fd, err);
	if (s)
		__atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

/* ------------------------------------------------------------ files */

/* s->dir + "/" + file at buf (room for 64 bytes). */
static void lx_sock_path(const struct lx_sock *s, const char *file, char *buf)
{
	size_t n = strlen(s->dir);

	memcpy(buf, s->dir, n);
	buf[n++] = '/';
	strcpy(buf + n, file);
}

/* Opens s's file with exactly flags (a data file that becomes a socket). */
static long lx_sock_open_as(const struct lx_sock *s, const char *file, long flags)
{
	char path[64];

	lx_sock_path(s, file, path);
	return lx_sys(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path), flags);
}

/* Opens one of s's files for the layer's own use (close-on-exec). */
static long lx_sock_open(const struct lx_sock *s, const char *file, long flags)
{
	return lx_sock_open_as(s, file, flags | O_CLOEXEC);
}

long lx_sock_ctl(struct lx_sock *s, const char *msg, bool nonblock)
{
	long fd = lx_sock_open(s, "ctl", O_RDWR | (nonblock ? O_NONBLOCK : 0)), r;

	if (fd < 0)
		return fd;
	r = lx_sys(SYS_write, fd, (long)msg, (long)strlen(msg), 0);
	lx_sys(SYS_close, fd, 0, 0, 0);
	return r < 0 ? r : 0;
}

long lx_sock_file(struct lx_sock *s, const char *file, char *buf, size_t n)
{
	long fd = lx_sock_open(s, file, O_RDONLY), r;

	if (fd < 0)
		return fd;
	r = lx_sys(SYS_read, fd, (long)buf, (long)n - 1, 0);
	lx_sys(SYS_close, fd, 0, 0, 0);
	buf[r > 0 ? r : 0] = '\0';
	return r < 0 ? r : 0;
}

long lx_sock_nonblock(long fd)
{
	long fl = lx_sys(SYS_fcntl, (int)fd, F_GETFL, 0, 0);

	return fl < 0 ? fl : !!(fl & O_NONBLOCK);
}

/* ------------------------------------------------------------ socket */

/* Opens PROTO/clone, then N/data (flags) as the socket fd. */
static long lx_sock_clone(struct lx_sock *s, const char *proto, long flags)
{
	char path[40] = "/net/", num[16] = "";
	long ctl, fd, r;

	strcat(path, proto);
	strcat(path, "/clone");
	ctl = lx_sys(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path), O_RDWR | O_CLOEXEC);
	if (ctl < 0)
		return ctl;
	r = lx_sys(SYS_read, ctl, (long)num, sizeof(num) - 1, 0);
	if (r > 0) {
		path[5 + strlen(proto)] = '/';
		strcpy(path + 6 + strlen(proto), num);
		if (path[strlen(path) - 1] == '\n')
			path[strlen(path) - 1] = '\0';
		strcpy(s->dir, path);
		fd = lx_sock_open_as(s, "data", O_RDWR | (flags & (LX_O_NONBLOCK | LX_O_CLOEXEC)));
		if (fd >= 0 && s->kind == LX_SK_UDP) {
			r = lx_sock_ctl(s, "headers", false);
			if (r < 0) {
				lx_sys(SYS_close, fd, 0, 0, 0);
				fd = r;
			}
		}
	} else {
		fd = r < 0 ? r : -LX_EIO;
	}
	lx_sys(SYS_close, ctl, 0, 0, 0);
	return fd;
}

long lx_socket(const long *a)
{
	int domain = (int)a[0], type = (int)a[1] & LX_SOCK_TYPE_MASK, proto = (int)a[2];
	long flags = a[1] & ~(long)LX_SOCK_TYPE_MASK, fd;
	struct lx_sock *s;

	if (flags & ~(long)(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
		return -LX_EINVAL;
	if (domain == LX_AF_UNIX && type == LX_SOCK_STREAM && proto == 0)
		return lx_unix_socket(flags);
	if (domain == LX_AF_UNIX)
		return type >= LX_SOCK_STREAM && type <= 6 ? -LX_EPROTONOSUPPORT : -LX_EINVAL;
	if (domain != LX_AF_INET)
		return -LX_EAFNOSUPPORT;
	if (type == LX_SOCK_STREAM && (proto == 0 || proto == LX_IPPROTO_TCP))
		s = lx_sock_alloc(LX_SK_TCP);
	else if (type == LX_SOCK_DGRAM && (proto == 0 || proto == LX_IPPROTO_UDP))
		s = lx_sock_alloc(LX_SK_UDP);
	else    /* a known type (raw, seqpacket...) is unsupported, others invalid */
		return (type >= LX_SOCK_STREAM && type <= 6) || type == 10 ? -LX_EPROTONOSUPPORT
		                                                           : -LX_EINVAL;
	if (!s)
		return -LX_ENOMEM;
	fd = lx_sock_clone(s, s->kind == LX_SK_TCP ? "tcp" : "udp", flags);
	if (fd >= 0)
		lx_sock_install(fd, s);
	lx_sock_put(s);
	return fd;
}

/* socketpair(AF_UNIX, SOCK_STREAM): the two files of one #pipe, both
 * ends read and write, each its own socket. */
long lx_socketpair(const long *a)
{
	int type = (int)a[1] & LX_SOCK_TYPE_MASK, *fds = (int *)a[3];
	long flags = a[1] & ~(long)LX_SOCK_TYPE_MASK, ends[2], r;
	struct lx_sock *s[2];

	if (a[0] != LX_AF_UNIX)
		return a[0] == LX_AF_INET ? -LX_EOPNOTSUPP : -LX_EAFNOSUPPORT;
	if (flags & ~(long)(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
		return -LX_EINVAL;
	if (type != LX_SOCK_STREAM || a[2])
		return type == LX_SOCK_STREAM ? -LX_EPROTONOSUPPORT : -LX_EOPNOTSUPP;
	if (!fds)
		return -LX_EFAULT;
	s[0] = lx_sock_alloc(LX_SK_UNIX);
	s[1] = lx_sock_alloc(LX_SK_UNIX);
	r = s[0] && s[1] ? lx_unix_pipe(ends, flags, flags) : -LX_ENOMEM;
	for (int i = 0; i < 2; i++) {
		if (r == 0) {
			s[i]->connected = true;
			lx_sock_install(ends[i], s[i]);
			fds[i] = (int)ends[i];
		}
		if (s[i])
			lx_sock_put(s[i]);
	}
	return r;
}

/* ------------------------------------------------------------ naming */

/* "VERB ADDR!PORT" (ADDR omitted when 0) to s's ctl. */
static long lx_sock_ctl_addr(struct lx_sock *s, const char *verb, uint32_t addr, uint16_t port,
                             bool nonblock)
{
	char msg[48];
	size_t n = strlen(verb);

	memcpy(msg, verb, n);
	msg[n++] = ' ';
	if (addr) {
		lx_sa_format(msg + n, addr, port);
	} else {
		memcpy(msg + n, "*!", 2);
		lx_utoa(msg + n + 2, port);
	}
	return lx_sock_ctl(s, msg, nonblock);
}

/* Sets *flag (bound, listening) unless s is bound, connected or
 * listening already (-EINVAL); s->lock not held. */
static long lx_sock_claim(struct lx_sock *s, bool *flag)
{
	long r;

	spin_pdr_lock(&s->lock);
	r = *flag || s->connected || s->connecting || s->listening ? -LX_EINVAL : 0;
	if (r == 0)
		*flag = true;
	spin_pdr_unlock(&s->lock);
	return r;
}

static void lx_sock_unclaim(struct lx_sock *s, bool *flag)
{
	spin_pdr_lock(&s->lock);
	*flag = false;
	spin_pdr_unlock(&s->lock);
}

/* UDP receives from anyone once announced; TCP only names its port here
 * and announces at listen. */
static long lx_bind_inet(struct lx_sock *s, const long *a)
{
	uint32_t addr;
	uint16_t port;
	long r = lx_sa_in_get((const void *)a[1], (uint32_t)a[2], &addr, &port);

	if (r < 0)
		return r;
	return lx_sock_ctl_addr(s, s->kind == LX_SK_UDP ? "announce" : "bind", addr, port, false);
}

long lx_bind(const long *a)
{
	long r = 0;
	struct lx_sock *s = lx_sock_get(a[0], &r);

	if (!s)
		return r;
	r = lx_sock_claim(s, &s->bound);        /* a racing bind gets EINVAL */
	if (r == 0) {
		r = s->kind == LX_SK_UNIX ? lx_unix_bind(s, a[0], (const void *)a[1], (uint32_t)a[2])
		                          : lx_bind_inet(s, a);
		if (r < 0)
			lx_sock_unclaim(s, &s->bound);
	}
	lx_sock_put(s);
	return r;
}

/* TCP: announce on the bound port (or an ephemeral one); the backlog is
 * #ip's: IP_LISTEN_MAX calls wait at most. */
static long lx_listen_tcp(struct lx_sock *s)
{
	char local[32];
	uint32_t addr = 0;
	uint16_t port = 0;

	if (s->bound && lx_sock_file(s, "local", local, sizeof(local)) == 0)
		lx_sa_parse(local, &addr, &port);
	return lx_sock_ctl_addr(s, "announce", addr, port, false);
}

long lx_listen(const long *a)
{
	long r = 0;
	struct lx_sock *s = lx_sock_get(a[0], &r);

	if (!s)
		return r;
	if (s->kind == LX_SK_UDP) {
		lx_sock_put(s);
		return -LX_EOPNOTSUPP;
	}
	if (__atomic_load_n(&s->listening, __ATOMIC_RELAXED)) {
		lx_sock_put(s);
		return 0;               /* a second listen only changes the backlog */
	}
	if (s->kind == LX_SK_UNIX && !__atomic_load_n(&s->bound, __ATOMIC_RELAXED))
		r = -LX_EINVAL;         /* no autobind: bind a name first */
	else
		r = lx_sock_claim(s, &s->listening);
	if (r == 0 && s->kind == LX_SK_TCP && (r = lx_listen_tcp(s)) < 0)
		lx_sock_unclaim(s, &s->listening);
	lx_sock_put(s);
	return r;
}

/* Opens the listener's listen file: the new conversation's ctl; then its
 * data file is the accepted socket. */
static long lx_accept_open(struct lx_sock *s, struct lx_sock *ns, bool nonblock, long flags)
{
	long lfd = lx_sock_open(s, "listen", O_RDWR | (nonblock ? O_NONBLOCK : 0)), r, fd;
	char num[16] = "";
	const char *slash = strrchr(s->dir, '/');
	size_t n = (size_t)(slash - s->dir) + 1;

	if (lfd < 0)
		return lfd;
	r = lx_sys(SYS_read, lfd, (long)num, sizeof(num) - 1, 0);
	if (r <= 0) {
		lx_sys(SYS_close, lfd, 0, 0, 0);
		return r < 0 ? r : -LX_EIO;
	}
	if (num[r - 1] == '\n')
		num[r - 1] = '\0';
	memcpy(ns->dir, s->dir, n);
	strcpy(ns->dir + n, num);
	fd = lx_sock_open_as(ns, "data", O_RDWR | (flags & (LX_O_NONBLOCK | LX_O_CLOEXEC)));
	lx_sys(SYS_close, lfd, 0, 0, 0);
	return fd;
}

/* The accepted connection's fd into ns (a new record), or -errno. */
static long lx_accept_into(struct lx_sock *s, struct lx_sock *ns, const long *a)
{
	char remote[32];
	uint32_t addr = 0;
	uint16_t port = 0;
	long nb = lx_sock_nonblock(a[0]), fd;

	if (nb < 0)
		return nb;
	fd = s->kind == LX_SK_UNIX ? lx_unix_accept(a[0], a[3]) : lx_accept_open(s, ns, nb, a[3]);
	if (fd < 0)
		return fd;
	ns->bound = ns->connected = true;
	lx_sock_install(fd, ns);
	if (!a[1])
		return fd;
	if (s->kind == LX_SK_UNIX)
		return lx_sa_un_put((void *)a[1], (uint32_t *)a[2], NULL) < 0 ? -LX_EFAULT : fd;
	if (lx_sock_file(ns, "remote", remote, sizeof(remote)) == 0)
		lx_sa_parse(remote, &addr, &port);
	if (lx_sa_in_put((void *)a[1], (uint32_t *)a[2], addr, port) < 0)
		return -LX_EFAULT;      /* the connection stays: as Linux */
	return fd;
}

long lx_accept4(const long *a)
{
	long fd = 0;
	struct lx_sock *s = lx_sock_get(a[0], &fd), *ns;

	if (!s)
		return fd;
	if (a[3] & ~(long)(LX_SOCK_NONBLOCK | LX_SOCK_CLOEXEC))
		fd = -LX_EINVAL;
	else if (!__atomic_load_n(&s->listening, __ATOMIC_RELAXED))
		fd = s->kind == LX_SK_UDP ? -LX_EOPNOTSUPP : -LX_EINVAL;
	else if (a[1] && !a[2])
		fd = -LX_EFAULT;
	else if (!(ns = lx_sock_alloc(s->kind)))
		fd = -LX_ENOMEM;
	else {
		fd = lx_accept_into(s, ns, a);
		lx_sock_put(ns);
	}
	lx_sock_put(s);
	return fd;
}

long lx_accept(const long *a)
{
	const long b[6] = { a[0], a[1], a[2], 0 };

	return lx_accept4(b);
}

/* A non-blocking connect still out: done yet?  0 connected, -EALREADY
 * still waiting, or the error it ended with (latched in so_error). */
long lx_sock_connect_poll(struct lx_sock *s)
{
	char st[256];
	const char *e;
	long r = lx_sock_file(s, "status", st, sizeof(st));

	if (r < 0)
		return r;
	if (strstr(st, " Syn_sent ") || strstr(st, " Syn_received "))
		return -LX_EALREADY;
	e = strstr(st, " err ");
	r = 0;
	if (e)
		for (e += 5; *e >= '0' && *e <= '9'; e++)
			r = r * 10 + (*e - '0');
	r = -r;
	spin_pdr_lock(&s->lock);
	if (s->connecting) {
		s->connecting = false;
		s->connected = r == 0;
		s->so_error = (int)-r;
	}
	spin_pdr_unlock(&s->lock);
	return r;
}

long lx_sock_settle(struct lx_sock *s)
{
	long r;

	if (!__atomic_load_n(&s->connecting, __ATOMIC_RELAXED))
		return 0;
	r = lx_sock_connect_poll(s);
	return r == -LX_EALREADY ? 0 : r;
}

static long lx_connect_udp(struct lx_sock *s, uint32_t addr, uint16_t port)
{
	long r;

	spin_pdr_lock(&s->lock);
	r = s->connected ? -LX_EISCONN : 0;
	if (!r)
		s->connected = true;
	spin_pdr_unlock(&s->lock);
	if (r)
		return r;
	r = lx_sock_ctl_addr(s, "connect", addr, port, false);
	if (r == 0)
		r = lx_sock_ctl(s, "noheaders", false);
	spin_pdr_lock(&s->lock);
	s->connected = r == 0;
	s->peer_addr = addr;
	s->peer_port = port;
	spin_pdr_unlock(&s->lock);
	return r;
}

static long lx_connect_unix(struct lx_sock *s, const long *a)
{
	long r;

	spin_pdr_lock(&s->lock);
	r = s->connected ? -LX_EISCONN : s->listening ? -LX_EINVAL : 0;
	spin_pdr_unlock(&s->lock);
	return r < 0 ? r : lx_unix_connect(s, a[0], (const void *)a[1], (uint32_t)a[2]);
}

/* TCP: the ctl write blocks until established, or (non-blocking) returns
 * with the SYN out: then EINPROGRESS. */
static long lx_connect_tcp(struct lx_sock *s, long fd, uint32_t addr, uint16_t port)
{
	long nb = lx_sock_nonblock(fd), r = nb < 0 ? nb : 0;

	spin_pdr_lock(&s->lock);
	if (r == 0)
		r = s->connecting ? -LX_EALREADY : s->connected || s->listening ? -LX_EISCONN : 0;
	if (r == 0)
		s->connecting = true;
	spin_pdr_unlock(&s->lock);
	if (r == -LX_EALREADY) {
		r = lx_sock_connect_poll(s);    /* a repeated connect: the outcome */
		return r == 0 ? -LX_EISCONN : r;
	}
	if (r < 0)
		return r;
	r = lx_sock_ctl_addr(s, "connect", addr ? addr : 0x7f000001, port, nb);
	spin_pdr_lock(&s->lock);
	s->connecting = nb && r == 0;
	s->connected = !nb && r == 0;
	spin_pdr_unlock(&s->lock);
	if (r < 0)
		return r;
	return nb ? -LX_EINPROGRESS : lx_sock_apply_opts(s);
}

long lx_connect(const long *a)
{
	long r = 0;
	uint32_t addr;
	uint16_t port;
	struct lx_sock *s = lx_sock_get(a[0], &r);

	if (!s)
		return r;
	if (s->kind == LX_SK_UNIX)
		r = lx_connect_unix(s, a);
	else if ((r = lx_sa_in_get((const void *)a[1], (uint32_t)a[2], &addr, &port)) < 0)
		;
	else if (s->kind == LX_SK_UDP)
		r = lx_connect_udp(s, addr, port);
	else
		r = lx_connect_tcp(s, a[0], addr, port);
	lx_sock_put(s);
	return r;
}

long lx_shutdown(const long *a)
{
	long err, r = 0;
	struct lx_sock *s = lx_sock_get(a[0], &err);
	int how = (int)a[1];

	if (!s)
		return err;
	if (how < LX_SHUT_RD || how > LX_SHUT_RDWR)
		r = -LX_EINVAL;
	else if (s->kind != LX_SK_UNIX && !__atomic_load_n(&s->connected, __ATOMIC_RELAXED))
		r = -LX_ENOTCONN;
	if (r == 0 && how != LX_SHUT_WR) {
		spin_pdr_lock(&s->lock);
		s->shut_rd = true;
		spin_pdr_unlock(&s->lock);
	}
	if (r == 0 && how != LX_SHUT_RD && s->kind == LX_SK_TCP) {
		r = lx_sock_ctl(s, "shutdown wr", false);
		spin_pdr_lock(&s->lock);
		s->shut_wr = true;
		spin_pdr_unlock(&s->lock);
	} else if (r == 0 && how != LX_SHUT_RD) {
		spin_pdr_lock(&s->lock);
		s->shut_wr = true;
		spin_pdr_unlock(&s->lock);
	}
	lx_sock_put(s);
	return r;
}

/* getsockname (file "local") and getpeername ("remote"). */
static long lx_sock_name(const long *a, const char *file)
{
	long r = 0;
	struct lx_sock *s = lx_sock_get(a[0], &r);
	char text[32];
	uint32_t addr = 0;
	uint16_t port = 0;
	bool peer = file[0] == 'r';

	if (!s)
		return r;
	r = lx_sock_settle(s);
	if (r == 0 && peer && !__atomic_load_n(&s->connected, __ATOMIC_RELAXED))
		r = -LX_ENOTCONN;
	if (r == 0 && s->kind == LX_SK_UNIX) {
		/* a bound socket's own name; a connecting one's peer */
		bool named = peer ? !s->bound : s->bound;

		r = lx_sa_un_put((void *)a[1], (uint32_t *)a[2], named ? s->upath : NULL);
	} else if (r == 0) {
		r = lx_sock_file(s, file, text, sizeof(text));
		if (r == 0)
			lx_sa_parse(text, &addr, &port);
		if (r == 0)
			r = lx_sa_in_put((void *)a[1], (uint32_t *)a[2], addr, port);
	}
	lx_sock_put(s);
	return r;
}

long lx_getsockname(const long *a)
{
	return lx_sock_name(a, "local");
}

long lx_getpeername(const long *a)
{
	return lx_sock_name(a, "remote");
}
