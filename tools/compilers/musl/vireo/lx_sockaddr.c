/* SPDX-License-Identifier: MIT */
/*
 * lx_sockaddr.c - socket addresses for the translation layer's socket
 * calls: Linux's struct sockaddr_in in and out, #ip's "ADDR!PORT" text,
 * and the 52-byte header of UDP's headers mode (ros/ip.h: raddr, laddr,
 * ifcaddr as IPv4-mapped IPv6 addresses, then rport and lport, big-endian).
 * Pure functions, no state.  A NULL address is -EFAULT; a pointer to
 * unmapped memory faults in the caller (the layer reads it directly).
 */
#include <string.h>
#include "lx_sock.h"

static uint16_t lx_be16(uint16_t v)
{
	return (uint16_t)(v << 8 | v >> 8);
}

static uint32_t lx_be32(uint32_t v)
{
	return __builtin_bswap32(v);
}

long lx_sa_in_get(const void *sa, uint32_t len, uint32_t *addr, uint16_t *port)
{
	struct lx_sockaddr_in in;

	if (!sa)
		return -LX_EFAULT;
	if (len < sizeof(uint16_t))
		return -LX_EINVAL;
	memcpy(&in.sin_family, sa, sizeof(in.sin_family));
	if (in.sin_family != LX_AF_INET)
		return -LX_EAFNOSUPPORT;
	if (len < sizeof(in))
		return -LX_EINVAL;
	memcpy(&in, sa, sizeof(in));
	*addr = lx_be32(in.sin_addr);
	*port = lx_be16(in.sin_port);
	return 0;
}

/* Copies min(*lenp, n) bytes of v to sa; *lenp = n (Linux's truncation). */
static long lx_sa_out(void *sa, uint32_t *lenp, const void *v, uint32_t n)
{
	uint32_t room;

	if (!sa || !lenp)
		return -LX_EFAULT;
	memcpy(&room, lenp, sizeof(room));
	if ((int32_t)room < 0)
		return -LX_EINVAL;
	memcpy(sa, v, room < n ? room : n);
	memcpy(lenp, &n, sizeof(n));
	return 0;
}

long lx_sa_in_put(void *sa, uint32_t *lenp, uint32_t addr, uint16_t port)
{
	struct lx_sockaddr_in in = { .sin_family = LX_AF_INET };

	in.sin_port = lx_be16(port);
	in.sin_addr = lx_be32(addr);
	return lx_sa_out(sa, lenp, &in, sizeof(in));
}

long lx_sa_un_put(void *sa, uint32_t *lenp, const char *path)
{
	char un[2 + 108] = "";
	uint16_t family = LX_AF_UNIX;
	size_t n = path ? strnlen(path, 107) : 0;

	memcpy(un, &family, sizeof(family));
	if (n)
		memcpy(un + 2, path, n);
	return lx_sa_out(sa, lenp, un, (uint32_t)(2 + (n ? n + 1 : 0)));
}

/* A decimal number of at most max from *s, which moves past it. */
static bool lx_sa_num(const char **s, uint32_t max, uint32_t *v)
{
	const char *p = *s;
	uint32_t n = 0;

	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9') {
		n = n * 10 + (uint32_t)(*p++ - '0');
		if (n > max)
			return false;
	}
	*s = p;
	*v = n;
	return true;
}

bool lx_sa_parse(const char *text, uint32_t *addr, uint16_t *port)
{
	uint32_t a = 0, v;

	for (int i = 0; i < 4; i++) {
		if (!lx_sa_num(&text, 255, &v) || *text++ != (i < 3 ? '.' : '!'))
			return false;
		a = a << 8 | v;
	}
	if (!lx_sa_num(&text, 65535, &v) || (*text && *text != '\n'))
		return false;
	*addr = a;
	*port = (uint16_t)v;
	return true;
}

void lx_sa_format(char *buf, uint32_t addr, uint16_t port)
{
	size_t n = 0;

	for (int i = 3; i >= 0; i--) {
		n += lx_utoa(buf + n, (addr >> (8 * i)) & 0xff);
		buf[n++] = i ? '.' : '!';
	}
	lx_utoa(buf + n, port);
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) at p. */
static void lx_v4mapped(uint8_t *p, uint32_t addr)
{
	memset(p, 0, 10);
	p[10] = p[11] = 0xff;
	for (int i = 0; i < 4; i++)
		p[12 + i] = (uint8_t)(addr >> (24 - 8 * i));
}

void lx_udp_hdr_put(uint8_t *h, uint32_t raddr, uint16_t rport)
{
	memset(h, 0, LX_UDP_HDR);
	lx_v4mapped(h, raddr);
	h[48] = (uint8_t)(rport >> 8);
	h[49] = (uint8_t)rport;
}

void lx_udp_hdr_get(const uint8_t *h, uint32_t *raddr, uint16_t *rport)
{
	*raddr = (uint32_t)h[12] << 24 | (uint32_t)h[13] << 16 | (uint32_t)h[14] << 8 | h[15];
	*rport = (uint16_t)(h[48] << 8 | h[49]);
}
