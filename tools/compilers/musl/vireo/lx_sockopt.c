/* SPDX-License-Identifier: MIT */
/*
 * lx_sockopt.c - getsockopt and setsockopt of the translation layer's
 * sockets.  What #ip has a ctl message for is written to the
 * conversation's ctl once the connection exists (SO_KEEPALIVE:
 * "keepalive on|off", TCP_NODELAY: "nodelay"; set before connect, they
 * are written when a blocking connect succeeds); SO_ERROR asks #ip
 * (status's "err N") when a non-blocking connect is out; the rest is
 * recorded in the socket's record and read back (SO_RCVTIMEO/SO_SNDTIMEO
 * bound the wait of receives and sends, lx_sockio.c; SO_RCVBUF of a UDP
 * socket becomes the conversation's "rcvbuf" at once, twice the value
 * asked as Linux doubles it, at most LX_UDP_RCVBUF_MAX; SO_REUSEADDR,
 * SO_SNDBUF, TCP's SO_RCVBUF and SO_LINGER are not applied,
 * Documentation/sockets.md).  Unknown options are ENOPROTOOPT; short
 * lengths EINVAL; NULL pointers EFAULT.
 */
#include <string.h>
#include "lx_sock.h"

#define LX_SOCK_QUEUE 262144    /* #ip's conversation queues (256 KiB) */
#define LX_UDP_RCVBUF_MAX (1024 * 1024) /* #ip's UDP_RCVBUF_MAX */

/* Writes the options #ip knows to a connected TCP socket's ctl. */
long lx_sock_apply_opts(struct lx_sock *s)
{
	long r = 0;
	bool keep, nodelay;

	spin_pdr_lock(&s->lock);
	keep = s->keepalive;
	nodelay = s->nodelay;
	spin_pdr_unlock(&s->lock);
	if (s->kind != LX_SK_TCP)
		return 0;
	if (keep)
		r = lx_sock_ctl(s, "keepalive on", false);
	if (nodelay && r == 0)
		r = lx_sock_ctl(s, "nodelay", false);
	return r;
}

static long lx_opt_int(const void *val, uint32_t len, int *v)
{
	if (!val)
		return -LX_EFAULT;
	if (len < sizeof(int))
		return -LX_EINVAL;
	memcpy(v, val, sizeof(*v));
	return 0;
}

/* An option #ip applies with a ctl message: now if connected. */
static long lx_opt_ctl(struct lx_sock *s, bool *field, bool on, const char *msg)
{
	bool live;

	spin_pdr_lock(&s->lock);
	*field = on;
	live = s->connected && s->kind == LX_SK_TCP;
	spin_pdr_unlock(&s->lock);
	return live && msg ? lx_sock_ctl(s, msg, false) : 0;
}

/* A timeout's microseconds are below a second (Linux: EDOM otherwise). */
static bool lx_timeval_ok(const void *val)
{
	struct lx_timeval tv;

	memcpy(&tv, val, sizeof(tv));
	return tv.tv_usec >= 0 && tv.tv_usec < 1000000;
}

/* A UDP socket's receive queue holds n bytes (#ip's ctl "rcvbuf N"). */
static long lx_udp_rcvbuf(struct lx_sock *s, int n)
{
	char msg[32] = "rcvbuf ";

	if (s->kind != LX_SK_UDP)
		return 0;
	lx_utoa(msg + 7, n > LX_UDP_RCVBUF_MAX ? LX_UDP_RCVBUF_MAX : (uint32_t)n);
	return lx_sock_ctl(s, msg, false);
}

static long lx_setopt_socket(struct lx_sock *s, int name, const void *val, uint32_t len)
{
	int v = 0;
	long r;

	if (name == LX_SO_LINGER || name == LX_SO_RCVTIMEO || name == LX_SO_SNDTIMEO) {
		size_t need = name == LX_SO_LINGER ? sizeof(struct lx_linger)
		                                   : sizeof(struct lx_timeval);

		if (!val)
			return -LX_EFAULT;
		if (len < need)
			return -LX_EINVAL;
		if (name != LX_SO_LINGER && !lx_timeval_ok(val))
			return -LX_EDOM;
		spin_pdr_lock(&s->lock);
		memcpy(name == LX_SO_LINGER ? (void *)&s->linger : name == LX_SO_RCVTIMEO ?
		       (void *)&s->rcvtimeo : (void *)&s->sndtimeo, val, need);
		spin_pdr_unlock(&s->lock);
		return 0;
	}
	r = lx_opt_int(val, len, &v);
	if (r < 0)
		return r;
	switch (name) {
	case LX_SO_REUSEADDR:
		return lx_opt_ctl(s, &s->reuseaddr, v, NULL);
	case LX_SO_KEEPALIVE:
		return lx_opt_ctl(s, &s->keepalive, v, v ? "keepalive on" : "keepalive off");
	case LX_SO_RCVBUF:
	case LX_SO_SNDBUF:
		v = v < 1024 ? 2048 : v > LX_UDP_RCVBUF_MAX / 2 ? LX_UDP_RCVBUF_MAX : 2 * v;
		spin_pdr_lock(&s->lock);
		*(name == LX_SO_RCVBUF ? &s->rcvbuf : &s->sndbuf) = v;
		spin_pdr_unlock(&s->lock);
		return name == LX_SO_RCVBUF ? lx_udp_rcvbuf(s, v) : 0;
	default:
		return -LX_ENOPROTOOPT;
	}
}

long lx_setsockopt(const long *a)
{
	long err, r;
	struct lx_sock *s = lx_sock_get(a[0], &err);
	int level = (int)a[1], name = (int)a[2], v;

	if (!s)
		return err;
	if (level == LX_SOL_SOCKET) {
		r = lx_setopt_socket(s, name, (const void *)a[3], (uint32_t)a[4]);
	} else if (level == LX_IPPROTO_TCP && s->kind == LX_SK_TCP && name == LX_TCP_NODELAY) {
		r = lx_opt_int((const void *)a[3], (uint32_t)a[4], &v);
		/* #ip turns Nagle off, never back on: off is only recorded */
		if (r == 0)
			r = lx_opt_ctl(s, &s->nodelay, v, v ? "nodelay" : NULL);
	} else {
		r = -LX_ENOPROTOOPT;
	}
	lx_sock_put(s);
	return r;
}

/* SO_ERROR: the pending error, cleared by the read (Linux). */
static int lx_so_error(struct lx_sock *s)
{
	int e;

	if (__atomic_load_n(&s->connecting, __ATOMIC_RELAXED))
		lx_sock_connect_poll(s);
	spin_pdr_lock(&s->lock);
	e = s->so_error;
	s->so_error = 0;
	spin_pdr_unlock(&s->lock);
	return e;
}

/* The value of a SOL_SOCKET or TCP option into buf; its size or -errno. */
static long lx_getopt(struct lx_sock *s, int level, int name, char *buf)
{
	int v;

	if (level == LX_IPPROTO_TCP && s->kind == LX_SK_TCP && name == LX_TCP_NODELAY)
		v = s->nodelay;
	else if (level != LX_SOL_SOCKET)
		return -LX_ENOPROTOOPT;
	else if (name == LX_SO_LINGER || name == LX_SO_RCVTIMEO || name == LX_SO_SNDTIMEO) {
		size_t n = name == LX_SO_LINGER ? sizeof(s->linger) : sizeof(s->rcvtimeo);

		spin_pdr_lock(&s->lock);
		memcpy(buf, name == LX_SO_LINGER ? (void *)&s->linger : name == LX_SO_RCVTIMEO ?
		       (void *)&s->rcvtimeo : (void *)&s->sndtimeo, n);
		spin_pdr_unlock(&s->lock);
		return (long)n;
	} else if (name == LX_SO_TYPE)
		v = lx_sock_type(s);
	else if (name == LX_SO_ERROR)
		v = lx_so_error(s);
	else if (name == LX_SO_REUSEADDR)
		v = s->reuseaddr;
	else if (name == LX_SO_KEEPALIVE)
		v = s->keepalive;
	else if (name == LX_SO_RCVBUF)
		v = s->rcvbuf ? s->rcvbuf : LX_SOCK_QUEUE;
	else if (name == LX_SO_SNDBUF)
		v = s->sndbuf ? s->sndbuf : LX_SOCK_QUEUE;
	else if (name == LX_SO_ACCEPTCONN)
		v = s->listening;
	else if (name == LX_SO_DOMAIN)
		v = s->kind == LX_SK_UNIX ? LX_AF_UNIX : LX_AF_INET;
	else if (name == LX_SO_PROTOCOL)
		v = s->kind == LX_SK_TCP ? LX_IPPROTO_TCP : s->kind == LX_SK_UDP ? LX_IPPROTO_UDP : 0;
	else
		return -LX_ENOPROTOOPT;
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

long lx_getsockopt(const long *a)
{
	long err, r;
	struct lx_sock *s = lx_sock_get(a[0], &err);
	uint32_t *lenp = (uint32_t *)a[4], len;
	char buf[16];

	if (!s)
		return err;
	if (!a[3] || !lenp) {
		lx_sock_put(s);
		return -LX_EFAULT;
	}
	memcpy(&len, lenp, sizeof(len));
	if ((int32_t)len < 0) {
		lx_sock_put(s);
		return -LX_EINVAL;
	}
	r = lx_getopt(s, (int)a[1], (int)a[2], buf);
	if (r > 0) {
		memcpy((void *)a[3], buf, len < (uint32_t)r ? len : (size_t)r);
		len = len < (uint32_t)r ? len : (uint32_t)r;
		memcpy(lenp, &len, sizeof(len));
		r = 0;
	}
	lx_sock_put(s);
	return r;
}
