/* SPDX-License-Identifier: MIT */
/*
 * lx_sockio.c - the data calls of BSD sockets: sendto, recvfrom, sendmsg,
 * recvmsg, sendmmsg, recvmmsg (send and recv are musl's sendto and
 * recvfrom).  A socket fd is the kernel file itself, so the bytes are
 * plain reads and writes of it; what the layer adds:
 *  - UDP: an unconnected socket is in #ip's headers mode, so each datagram
 *    carries a 52-byte header with the peer (lx_sockaddr.c); a connected
 *    one is in plain mode (read and write of the fd behave as on Linux).
 *  - MSG_DONTWAIT on a blocking fd: the call reads or writes a second,
 *    O_NONBLOCK open of the same data file (AF_UNIX: the fd's flag is set
 *    around the call).
 *  - MSG_PEEK: the bytes read are kept in the record's peek buffer
 *    (LX_PEEK_MAX bytes, mmap'd on first use) and handed out first by the
 *    next receive, and by read() (lx_sock_read).
 *  - MSG_WAITALL: reads until the buffer is full, EOF or an error.
 *  - EPIPE raises SIGPIPE unless MSG_NOSIGNAL.
 *  - shutdown(SHUT_RD): receives return 0 (#ip has no "shutdown rd").
 *  - SO_RCVTIMEO/SO_SNDTIMEO on a blocking socket: a ppoll bounded by the
 *    time comes first (EAGAIN when it runs out); it covers the wait for
 *    the first bytes or the first room, not a MSG_WAITALL's later reads.
 * Records are taken with lx_sock_get and the peek buffer is used under
 * the record's lock.
 */
#include <string.h>
#include <ros/fcntl.h>
#include <ros/mmap.h>
#include "lx_sock.h"

#define LX_PEEK_MAX   (65536 + LX_UDP_HDR)
#define LX_UDP_MAX    65507
#define LX_TMP_SMALL  2048
#define LX_IOV_MAX    1024

struct lx_peek {
	size_t len;                     /* bytes held */
	char data[];
};

static long lx_sys(unsigned int num, long a0, long a1, long a2, long a3)
{
	return ros_syscall_raw(num, a0, a1, a2, a3, 0, 0);
}

/* ------------------------------------------------------------ scratch */

/* A scratch buffer: on the stack when small, else mmap'd. */
struct lx_tmp {
	char small[LX_TMP_SMALL];
	char *p;
	size_t n;
};

static long lx_tmp_get(struct lx_tmp *t, size_t n)
{
	long va;

	t->n = n;
	t->p = t->small;
	if (n <= sizeof(t->small))
		return 0;
	va = ros_syscall_raw(SYS_mmap, 0, (long)n, PROT_READ | PROT_WRITE,
	                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (va < 0 && va > -4096)
		return -LX_ENOMEM;
	t->p = (char *)va;
	return 0;
}

static void lx_tmp_put(struct lx_tmp *t)
{
	if (t->p != t->small)
		ros_syscall_raw(SYS_munmap, (long)t->p, (long)t->n, 0, 0, 0, 0);
}

/* ------------------------------------------------------------ raw I/O */

/* num (SYS_read or SYS_write) on the socket's data, without blocking
 * when dontwait. */
static long lx_sock_rw(struct lx_sock *s, long fd, unsigned int num, void *buf, size_t n,
                       bool dontwait)
{
	long r, fl = 0, nfd;
	char path[64];

	if (dontwait) {
		fl = lx_sys(SYS_fcntl, fd, F_GETFL, 0, 0);
		if (fl < 0)
			return fl;
		dontwait = !(fl & O_NONBLOCK);  /* already non-blocking: as it is */
	}
	if (!dontwait)
		return lx_sys(num, fd, (long)buf, (long)n, 0);
	if (s->kind == LX_SK_UNIX) {
		fl &= O_APPEND;
		lx_sys(SYS_fcntl, fd, F_SETFL, fl | O_NONBLOCK, 0);
		r = lx_sys(num, fd, (long)buf, (long)n, 0);
		lx_sys(SYS_fcntl, fd, F_SETFL, fl, 0);
		return r;
	}
	strcpy(path, s->dir);
	strcat(path, "/data");
	nfd = lx_sys(SYS_openat, LX_AT_FDCWD, (long)path, (long)strlen(path),
	             O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (nfd < 0)
		return nfd;
	r = lx_sys(num, nfd, (long)buf, (long)n, 0);
	lx_sys(SYS_close, nfd, 0, 0, 0);
	return r;
}

/* SO_RCVTIMEO (out: SO_SNDTIMEO) before a blocking transfer: 0 when fd
 * is ready or no time is set, -EAGAIN when the time ran out. */
static long lx_sock_wait(struct lx_sock *s, long fd, bool out, bool dontwait)
{
	struct lx_timeval tv;
	struct lx_timespec ts;
	struct { int fd; short events, revents; } p = { (int)fd, out ? LX_POLLOUT : LX_POLLIN, 0 };
	const long a[6] = { (long)&p, 1, (long)&ts, 0, 8 };
	long r;

	spin_pdr_lock(&s->lock);
	tv = out ? s->sndtimeo : s->rcvtimeo;
	if (!out && s->peek && ((struct lx_peek *)s->peek)->len)
		tv.tv_sec = tv.tv_usec = 0;     /* peeked bytes are there now */
	spin_pdr_unlock(&s->lock);
	if (dontwait || (tv.tv_sec <= 0 && tv.tv_usec <= 0))
		return 0;
	r = lx_sys(SYS_fcntl, fd, F_GETFL, 0, 0);
	if (r < 0 || (r & O_NONBLOCK))
		return r < 0 ? r : 0;
	ts.tv_sec = tv.tv_sec;
	ts.tv_nsec = tv.tv_usec * 1000;
	r = lx_ppoll(a);
	return r == 0 ? -LX_EAGAIN : r < 0 ? r : 0;
}

/* ------------------------------------------------------------ peek buffer */

static int lx_npeeked;                  /* [a] sockets holding peeked bytes */

/* The socket's peek buffer (s->lock held), mmap'd on first use. */
static struct lx_peek *lx_peek_buf(struct lx_sock *s)
{
	long va;

	if (s->peek)
		return s->peek;
	va = ros_syscall_raw(SYS_mmap, 0, sizeof(struct lx_peek) + LX_PEEK_MAX,
	                     PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (va < 0 && va > -4096)
		return NULL;
	s->peek = (void *)va;
	return s->peek;
}

void lx_sock_peek_free(struct lx_sock *s)
{
	if (s->peek) {
		if (((struct lx_peek *)s->peek)->len)
			__atomic_sub_fetch(&lx_npeeked, 1, __ATOMIC_RELAXED);
		ros_syscall_raw(SYS_munmap, (long)s->peek, sizeof(struct lx_peek) + LX_PEEK_MAX,
		                0, 0, 0, 0);
		s->peek = NULL;
	}
}

/* Takes up to n peeked bytes (all of a datagram, which is consumed
 * whole); s->lock held.  -1 when nothing is held. */
static long lx_peek_take(struct lx_sock *s, char *buf, size_t n, bool keep)
{
	struct lx_peek *p = s->peek;
	size_t k;

	if (!p || !p->len)
		return -1;
	k = n < p->len ? n : p->len;
	memcpy(buf, p->data, k);
	if (keep)
		return (long)k;
	if (s->kind == LX_SK_UDP || k == p->len) {
		p->len = 0;
		__atomic_sub_fetch(&lx_npeeked, 1, __ATOMIC_RELAXED);
	} else {
		memmove(p->data, p->data + k, p->len - k);
		p->len -= k;
	}
	return (long)k;
}

/* One raw receive of up to n bytes into buf (a UDP datagram: header
 * first when in headers mode), through the peek buffer. */
static long lx_recv_raw(struct lx_sock *s, long fd, char *buf, size_t n, long flags)
{
	bool peek = flags & LX_MSG_PEEK, dontwait = flags & LX_MSG_DONTWAIT;
	struct lx_peek *p;
	long r;

	spin_pdr_lock(&s->lock);
	r = lx_peek_take(s, buf, n, peek);
	spin_pdr_unlock(&s->lock);
	if (r >= 0)
		return r;
	if (!peek)
		return lx_sock_rw(s, fd, SYS_read, buf, n, dontwait);
	/* peek: read into the buffer (no lock while blocked), then copy */
	spin_pdr_lock(&s->lock);
	p = lx_peek_buf(s);
	spin_pdr_unlock(&s->lock);
	if (!p)
		return -LX_ENOMEM;
	r = lx_sock_rw(s, fd, SYS_read, p->data, s->kind == LX_SK_UDP ? LX_PEEK_MAX :
	               (n < LX_PEEK_MAX ? n : LX_PEEK_MAX), dontwait);
	if (r <= 0)
		return r;
	spin_pdr_lock(&s->lock);
	p->len = (size_t)r;
	__atomic_add_fetch(&lx_npeeked, 1, __ATOMIC_RELAXED);
	r = lx_peek_take(s, buf, n, true);
	spin_pdr_unlock(&s->lock);
	return r;
}

/* read() on a socket holding peeked bytes: those first (lx_fdev.c's
 * lx_read asks); -ENOSYS when the fd is not such a socket. */
long lx_sock_read(long fd, void *buf, size_t n)
{
	long r = -LX_ENOSYS;
	struct lx_sock *s;

	if (!__atomic_load_n(&lx_npeeked, __ATOMIC_RELAXED))
		return r;
	s = lx_sock_find(fd);
	if (!s)
		return r;
	spin_pdr_lock(&s->lock);
	if (s->kind != LX_SK_UDP || !s->connected)
		r = lx_peek_take(s, buf, n, false);
	spin_pdr_unlock(&s->lock);
	lx_sock_put(s);
	return r < 0 ? -LX_ENOSYS : r;
}

/* ------------------------------------------------------------ receive */

static long lx_recv_stream(struct lx_sock *s, long fd, char *buf, size_t n, long flags)
{
	size_t got = 0;
	long r;

	do {
		r = lx_recv_raw(s, fd, buf + got, n - got, flags);
		if (r <= 0)
			return got ? (long)got : r;
		got += (size_t)r;
	} while ((flags & LX_MSG_WAITALL) && !(flags & LX_MSG_PEEK) && got < n);
	return (long)got;
}

/* A UDP datagram in headers mode: the payload to buf, the peer out. */
static long lx_recv_dgram(struct lx_sock *s, long fd, char *buf, size_t n, long flags,
                          uint32_t *addr, uint16_t *port)
{
	struct lx_tmp t;
	size_t cap = n < LX_UDP_MAX ? n : LX_UDP_MAX;
	long r = lx_tmp_get(&t, cap + LX_UDP_HDR);

	if (r < 0)
		return r;
	r = lx_recv_raw(s, fd, t.p, cap + LX_UDP_HDR, flags);
	if (r >= 0 && r < LX_UDP_HDR) {
		r = -LX_EIO;
	} else if (r >= 0) {
		lx_udp_hdr_get((const uint8_t *)t.p, addr, port);
		r -= LX_UDP_HDR;
		memcpy(buf, t.p + LX_UDP_HDR, (size_t)r);
	}
	lx_tmp_put(&t);
	return r;
}

/* recvfrom's work: the bytes and, for UDP, the sender. */
static long lx_recv_from(long fd, char *buf, size_t n, long flags, void *sa, uint32_t *salen)
{
	long err, r;
	struct lx_sock *s = lx_sock_get(fd, &err);
	uint32_t addr = 0;
	uint16_t port = 0;
	bool udp_hdrs;

	if (!s)
		return err;
	if (flags & ~(long)(LX_MSG_PEEK | LX_MSG_DONTWAIT | LX_MSG_WAITALL | LX_MSG_NOSIGNAL |
	                    LX_MSG_TRUNC)) {
		lx_sock_put(s);
		return -LX_EOPNOTSUPP;
	}
	r = sa && !salen ? -LX_EFAULT : lx_sock_settle(s);
	if (r < 0) {
		lx_sock_put(s);
		return r;
	}
	spin_pdr_lock(&s->lock);
	udp_hdrs = s->kind == LX_SK_UDP && !s->connected;
	addr = s->peer_addr;
	port = s->peer_port;
	r = s->shut_rd ? 0 : 1;
	if (s->kind != LX_SK_UDP && !s->connected && !s->connecting && !s->shut_rd)
		r = -LX_ENOTCONN;
	spin_pdr_unlock(&s->lock);
	if (r > 0) {
		long w = lx_sock_wait(s, fd, false, flags & LX_MSG_DONTWAIT);

		r = w < 0 ? w : r;
	}
	if (r > 0 && udp_hdrs)
		r = lx_recv_dgram(s, fd, buf, n, flags, &addr, &port);
	else if (r > 0 && s->kind == LX_SK_UDP)
		r = lx_recv_raw(s, fd, buf, n, flags);
	else if (r > 0)
		r = lx_recv_stream(s, fd, buf, n, flags);
	if (r >= 0 && sa) {
		if (s->kind == LX_SK_UDP)
			lx_sa_in_put(sa, salen, addr, port);
		else
			*salen = 0;     /* streams: Linux leaves no address */
	}
	lx_sock_put(s);
	return r;
}

long lx_recvfrom(const long *a)
{
	if (!a[1] && a[2])
		return -LX_EFAULT;
	return lx_recv_from(a[0], (char *)a[1], (size_t)a[2], a[3], (void *)a[4],
	                    (uint32_t *)a[5]);
}

/* ------------------------------------------------------------ send */

static long lx_send_dgram(struct lx_sock *s, long fd, const char *buf, size_t n, bool dontwait,
                          uint32_t addr, uint16_t port)
{
	struct lx_tmp t;
	long r;

	if (n > LX_UDP_MAX)
		return -LX_EMSGSIZE;
	r = lx_tmp_get(&t, n + LX_UDP_HDR);
	if (r < 0)
		return r;
	lx_udp_hdr_put((uint8_t *)t.p, addr, port);
	memcpy(t.p + LX_UDP_HDR, buf, n);
	r = lx_sock_rw(s, fd, SYS_write, t.p, n + LX_UDP_HDR, dontwait);
	lx_tmp_put(&t);
	return r < 0 ? r : r - LX_UDP_HDR;
}

static long lx_send_to(long fd, const char *buf, size_t n, long flags, const void *sa,
                       uint32_t salen)
{
	long err, r = 0;
	struct lx_sock *s = lx_sock_get(fd, &err);
	bool dontwait = flags & LX_MSG_DONTWAIT, udp_hdrs;
	uint32_t addr = 0;
	uint16_t port = 0;

	if (!s)
		return err;
	if (flags & ~(long)(LX_MSG_DONTWAIT | LX_MSG_NOSIGNAL | LX_MSG_EOR | LX_MSG_MORE))
		r = -LX_EOPNOTSUPP;
	else
		r = lx_sock_settle(s);
	spin_pdr_lock(&s->lock);
	udp_hdrs = s->kind == LX_SK_UDP && !s->connected;
	if (r == 0 && s->shut_wr)
		r = -LX_EPIPE;
	else if (r == 0 && s->kind != LX_SK_UDP && !s->connected && !s->connecting)
		r = -LX_ENOTCONN;
	spin_pdr_unlock(&s->lock);
	if (r == 0 && s->kind == LX_SK_UDP && sa)
		r = udp_hdrs ? lx_sa_in_get(sa, salen, &addr, &port) : -LX_EISCONN;
	else if (r == 0 && udp_hdrs)
		r = -LX_EDESTADDRREQ;
	if (r == 0)
		r = lx_sock_wait(s, fd, true, dontwait);
	if (r == 0 && udp_hdrs)
		r = lx_send_dgram(s, fd, buf, n, dontwait, addr, port);
	else if (r == 0)
		r = lx_sock_rw(s, fd, SYS_write, (void *)buf, n, dontwait);
	if (r == -LX_EPIPE && !(flags & LX_MSG_NOSIGNAL))
		lx_sigpipe();
	lx_sock_put(s);
	return r;
}

long lx_sendto(const long *a)
{
	if (!a[1] && a[2])
		return -LX_EFAULT;
	return lx_send_to(a[0], (const char *)a[1], (size_t)a[2], a[3], (const void *)a[4],
	                  (uint32_t)a[5]);
}

/* ------------------------------------------------------------ msg */

/* 0 if fd is a socket, else its error. */
static long lx_sock_check(long fd)
{
	long err;
	struct lx_sock *s = lx_sock_get(fd, &err);

	if (!s)
		return err;
	lx_sock_put(s);
	return 0;
}

/* The total length of an iovec, or -errno. */
static long lx_iov_len(const struct lx_msghdr *m, size_t *total)
{
	size_t n = 0;

	if (m->msg_iovlen > LX_IOV_MAX)
		return -LX_EMSGSIZE;
	if (m->msg_iovlen && !m->msg_iov)
		return -LX_EFAULT;
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		if (m->msg_iov[i].iov_len > (size_t)0x7fffffff - n)
			return -LX_EINVAL;
		n += m->msg_iov[i].iov_len;
	}
	*total = n;
	return 0;
}

/* sendmsg/recvmsg: fd is a socket (checked before the header is read,
 * so a call on a file never follows its pointers), m is there, and the
 * iovec's total length; 0 or -errno. */
static long lx_msg_check(long fd, const struct lx_msghdr *m, size_t *total)
{
	long r = lx_sock_check(fd);

	if (r == 0)
		r = m ? lx_iov_len(m, total) : -LX_EFAULT;
	return r;
}

static long lx_sendmsg1(long fd, const struct lx_msghdr *m, long flags)
{
	struct lx_tmp t;
	size_t n, off = 0;
	long r = lx_msg_check(fd, m, &n);

	if (r < 0)
		return r;
	if (m->msg_iovlen == 1)
		return lx_send_to(fd, m->msg_iov[0].iov_base, n, flags, m->msg_name,
		                  m->msg_namelen);
	r = lx_tmp_get(&t, n);
	if (r < 0)
		return r;
	for (size_t i = 0; i < m->msg_iovlen; i++) {
		memcpy(t.p + off, m->msg_iov[i].iov_base, m->msg_iov[i].iov_len);
		off += m->msg_iov[i].iov_len;
	}
	r = lx_send_to(fd, t.p, n, flags, m->msg_name, m->msg_namelen);
	lx_tmp_put(&t);
	return r;
}

static long lx_recvmsg1(long fd, struct lx_msghdr *m, long flags)
{
	struct lx_tmp t;
	size_t n, off = 0;
	long r = lx_msg_check(fd, m, &n);

	if (r < 0)
		return r;
	m->msg_controllen = 0;
	m->msg_flags = 0;
	if (m->msg_iovlen == 1)
		return lx_recv_from(fd, m->msg_iov[0].iov_base, n, flags, m->msg_name,
		                    &m->msg_namelen);
	r = lx_tmp_get(&t, n);
	if (r < 0)
		return r;
	r = lx_recv_from(fd, t.p, n, flags, m->msg_name, &m->msg_namelen);
	for (size_t i = 0; r > 0 && i < m->msg_iovlen && off < (size_t)r; i++) {
		size_t k = m->msg_iov[i].iov_len;

		k = k < (size_t)r - off ? k : (size_t)r - off;
		memcpy(m->msg_iov[i].iov_base, t.p + off, k);
		off += k;
	}
	lx_tmp_put(&t);
	return r;
}

long lx_sendmsg(const long *a)
{
	return lx_sendmsg1(a[0], (const struct lx_msghdr *)a[1], a[2]);
}

long lx_recvmsg(const long *a)
{
	return lx_recvmsg1(a[0], (struct lx_msghdr *)a[1], a[2]);
}

/* sendmmsg/recvmmsg: a loop of the single calls; the first error is the
 * result only if nothing moved.  recvmmsg's timeout is not supported. */
long lx_sendmmsg(const long *a)
{
	struct lx_mmsghdr *v = (struct lx_mmsghdr *)a[1];
	unsigned int n = (unsigned int)a[2], i;
	long r = 0;

	if (!v && n)
		return -LX_EFAULT;
	for (i = 0; i < n && i < LX_IOV_MAX; i++) {
		r = lx_sendmsg1(a[0], &v[i].msg_hdr, a[3]);
		if (r < 0)
			break;
		v[i].msg_len = (unsigned int)r;
	}
	return i ? (long)i : r;
}

long lx_recvmmsg(const long *a)
{
	struct lx_mmsghdr *v = (struct lx_mmsghdr *)a[1];
	unsigned int n = (unsigned int)a[2], i;
	long r = 0, flags = a[3] & ~(long)0x10000;     /* MSG_WAITFORONE */

	if (a[4]) {
		lx_errstr("recvmmsg", "a timeout is not supported on Vireo");
		return -LX_EINVAL;
	}
	if (!v && n)
		return -LX_EFAULT;
	for (i = 0; i < n && i < LX_IOV_MAX; i++) {
		r = lx_recvmsg1(a[0], &v[i].msg_hdr, flags);
		if (r < 0)
			break;
		v[i].msg_len = (unsigned int)r;
		if (a[3] & 0x10000)
			flags |= LX_MSG_DONTWAIT;
	}
	return i ? (long)i : r;
}
