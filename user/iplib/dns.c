/* SPDX-License-Identifier: MIT */
/*
 * dns.c - DNS messages for iplib's resolver (RFC 1035 4.1): a standard
 * query for one A record, and the checks and decoding of the response.
 * Pure code: lookup.c does the sending, tests/host/test_iplib.c and
 * tests/fuzz/iplib.c feed it good, truncated and hostile messages.
 *
 * A response is believed only if it is a response (QR), carries our id,
 * and repeats our one question; its answers count only when their owner is
 * our name or the target of a CNAME already accepted.  Names are decoded
 * with compression pointers (RFC 1035 4.1.4) followed at most
 * DNS_MAX_JUMPS times and never past the message, so a loop or a pointer
 * out of bounds is a malformed message, not a hang.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "iplib.h"

#define DNS_HDR 12
#define DNS_TYPE_A 1
#define DNS_TYPE_CNAME 5
#define DNS_CLASS_IN 1
#define DNS_MAX_JUMPS 16
#define DNS_MAX_CHAIN 8         /* CNAMEs followed in one answer */
#define DNS_NAME_MAX 256

static uint16_t dns_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void dns_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

int ipl_dns_query(uint8_t *buf, size_t size, uint16_t id, const char *name)
{
	size_t len = DNS_HDR, nl = strlen(name);
	const char *label = name;

	if (!ipl_valid_hostname(name) || size < DNS_HDR + nl + 2 + 4)
		return -1;
	memset(buf, 0, DNS_HDR);
	dns_put16(buf, id);
	buf[2] = 0x01;                  /* RD: recursion desired */
	dns_put16(buf + 4, 1);          /* QDCOUNT */
	while (*label) {
		const char *dot = strchr(label, '.');
		size_t ll = dot ? (size_t)(dot - label) : strlen(label);

		buf[len++] = (uint8_t)ll;
		memcpy(buf + len, label, ll);
		len += ll;
		label += ll + (dot ? 1 : 0);
	}
	buf[len++] = 0;
	dns_put16(buf + len, DNS_TYPE_A);
	dns_put16(buf + len + 2, DNS_CLASS_IN);
	return (int)(len + 4);
}

/* Decodes the name at *off into out ("a.b.c", no trailing dot), moving
 * *off past it in the message; false if malformed. */
static bool dns_name(const uint8_t *m, size_t n, size_t *off, char *out)
{
	size_t p = *off, o = 0, end = 0;
	int jumps = 0;

	for (;;) {
		uint8_t l;

		if (p >= n)
			return false;
		l = m[p];
		if ((l & 0xc0) == 0xc0) {
			if (p + 1 >= n || ++jumps > DNS_MAX_JUMPS)
				return false;
			if (!end)
				end = p + 2;
			p = (size_t)(l & 0x3f) << 8 | m[p + 1];
			continue;
		}
		if (l & 0xc0)
			return false;   /* the reserved label types */
		if (l == 0)
			break;
		if (p + 1 + l > n || o + l + 1 >= DNS_NAME_MAX)
			return false;
		if (o)
			out[o++] = '.';
		memcpy(out + o, m + p + 1, l);
		o += l;
		p += 1 + l;
	}
	out[o] = 0;
	*off = end ? end : p + 1;
	return true;
}

/* Is owner one of the names accepted so far? */
static bool dns_wanted(const char *owner, char chain[][DNS_NAME_MAX], int nchain)
{
	for (int i = 0; i < nchain; i++)
		if (!strcasecmp(owner, chain[i]))
			return true;
	return false;
}

/* The header and the question; the offset of the answers or an error. */
static long dns_check_head(const uint8_t *m, size_t n, uint16_t id, const char *name)
{
	char q[DNS_NAME_MAX], want[DNS_NAME_MAX];
	size_t off = DNS_HDR, wl = strlen(name);

	if (n < DNS_HDR)
		return IPL_DNS_SHORT;
	if (dns_get16(m) != id || !(m[2] & 0x80) || (m[2] & 0x78) || dns_get16(m + 4) != 1)
		return IPL_DNS_NOTOURS;
	if (m[2] & 0x02)
		return IPL_DNS_TRUNC;
	if ((m[3] & 0x0f) == 3)
		return IPL_DNS_NXDOMAIN;
	if (m[3] & 0x0f)
		return IPL_DNS_SERVFAIL;
	if (!dns_name(m, n, &off, q) || off + 4 > n)
		return IPL_DNS_SHORT;
	if (wl >= DNS_NAME_MAX)
		return IPL_DNS_NOTOURS;
	memcpy(want, name, wl + 1);
	if (wl && want[wl - 1] == '.')
		want[wl - 1] = 0;
	if (strcasecmp(q, want) || dns_get16(m + off) != DNS_TYPE_A ||
	    dns_get16(m + off + 2) != DNS_CLASS_IN)
		return IPL_DNS_NOTOURS;
	return (long)(off + 4);
}

int ipl_dns_answer(const uint8_t *msg, size_t n, uint16_t id, const char *name,
		   uint32_t *addrs, int max)
{
	char chain[DNS_MAX_CHAIN][DNS_NAME_MAX], owner[DNS_NAME_MAX];
	long start = dns_check_head(msg, n, id, name);
	unsigned int ancount;
	int nchain = 1, count = 0;
	size_t off;

	if (start < 0)
		return (int)start;
	off = (size_t)start;
	snprintf(chain[0], DNS_NAME_MAX, "%s", name);
	if (chain[0][0] && chain[0][strlen(chain[0]) - 1] == '.')
		chain[0][strlen(chain[0]) - 1] = 0;
	ancount = dns_get16(msg + 6);
	for (unsigned int i = 0; i < ancount; i++) {
		uint16_t type, class, rdlen;
		size_t rd;

		if (!dns_name(msg, n, &off, owner) || off + 10 > n)
			return IPL_DNS_SHORT;
		type = dns_get16(msg + off);
		class = dns_get16(msg + off + 2);
		rdlen = dns_get16(msg + off + 8);
		rd = off + 10;
		if (rd + rdlen > n)
			return IPL_DNS_SHORT;
		off = rd + rdlen;
		if (class != DNS_CLASS_IN || !dns_wanted(owner, chain, nchain))
			continue;
		if (type == DNS_TYPE_A && rdlen == 4 && count < max) {
			addrs[count++] = (uint32_t)msg[rd] << 24 | (uint32_t)msg[rd + 1] << 16 |
					 (uint32_t)msg[rd + 2] << 8 | msg[rd + 3];
		} else if (type == DNS_TYPE_CNAME && nchain < DNS_MAX_CHAIN) {
			size_t t = rd;

			if (!dns_name(msg, n, &t, chain[nchain]) || t != rd + rdlen)
				return IPL_DNS_SHORT;
			nchain++;
		}
	}
	return count ? count : IPL_DNS_NOADDR;
}

const char *ipl_dns_strerror(int code)
{
	switch (code) {
	case IPL_DNS_OK: return "no error";
	case IPL_DNS_SHORT: return "malformed DNS response";
	case IPL_DNS_NOTOURS: return "DNS response to another query";
	case IPL_DNS_NXDOMAIN: return "no such name";
	case IPL_DNS_SERVFAIL: return "DNS server failure";
	case IPL_DNS_NOADDR: return "no address for the name";
	case IPL_DNS_TRUNC: return "DNS response truncated";
	default: return "unknown DNS error";
	}
}
