/* SPDX-License-Identifier: MIT */
/*
 * ipaddr.c - IPv4 address text and #ip's UDP "headers" header (ipaddr.h).
 */
#include <stdio.h>
#include <string.h>
#include "ipaddr.h"

bool ip_parse(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int part = 0; part < 4; part++) {
		unsigned int v = 0, digits = 0;

		while (*s >= '0' && *s <= '9' && digits < 4) {
			v = v * 10 + (unsigned int)(*s++ - '0');
			digits++;
		}
		if (digits == 0 || digits > 3 || v > 255)
			return false;
		a = a << 8 | v;
		if (part < 3 && *s++ != '.')
			return false;
	}
	if (*s != 0)
		return false;
	*out = a;
	return true;
}

uint32_t ip_mask_of_len(unsigned int len)
{
	return len == 0 ? 0 : len >= 32 ? 0xffffffffu : ~(0xffffffffu >> len);
}

bool ip_mask_valid(uint32_t m)
{
	uint32_t inv = ~m;

	return (inv & (inv + 1)) == 0;
}

bool ip_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask)
{
	char buf[IP_STR];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : 0;
	unsigned int len = 0, digits = 0;
	const char *p;

	if (!slash || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (!ip_parse(buf, addr))
		return false;
	if (strchr(slash + 1, '.'))
		return ip_parse(slash + 1, mask) && ip_mask_valid(*mask);
	for (p = slash + 1; *p >= '0' && *p <= '9' && digits < 3; p++, digits++)
		len = len * 10 + (unsigned int)(*p - '0');
	if (digits == 0 || *p != 0 || len > 32)
		return false;
	*mask = ip_mask_of_len(len);
	return true;
}

void ip_format(uint32_t a, char out[IP_STR])
{
	snprintf(out, IP_STR, "%u.%u.%u.%u", a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff);
}

static void put_v4mapped(uint8_t *p, uint32_t a)
{
	memset(p, 0, 16);
	if (a == 0)
		return;
	p[10] = p[11] = 0xff;
	p[12] = (uint8_t)(a >> 24);
	p[13] = (uint8_t)(a >> 16);
	p[14] = (uint8_t)(a >> 8);
	p[15] = (uint8_t)a;
}

static bool get_v4mapped(const uint8_t *p, uint32_t *a)
{
	static const uint8_t zero[12];
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	*a = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 | (uint32_t)p[14] << 8 | p[15];
	if (memcmp(p, prefix, 12) == 0)
		return true;
	return memcmp(p, zero, 12) == 0 && *a == 0;
}

void udp_hdr_pack(uint8_t out[UDP_HDR_LEN], const struct udp_hdr *h)
{
	put_v4mapped(out, h->raddr);
	put_v4mapped(out + 16, h->laddr);
	put_v4mapped(out + 32, h->ifcaddr);
	out[48] = (uint8_t)(h->rport >> 8);
	out[49] = (uint8_t)h->rport;
	out[50] = (uint8_t)(h->lport >> 8);
	out[51] = (uint8_t)h->lport;
}

bool udp_hdr_unpack(const uint8_t in[UDP_HDR_LEN], struct udp_hdr *h)
{
	if (!get_v4mapped(in, &h->raddr) || !get_v4mapped(in + 16, &h->laddr) ||
	    !get_v4mapped(in + 32, &h->ifcaddr))
		return false;
	h->rport = (uint16_t)(in[48] << 8 | in[49]);
	h->lport = (uint16_t)(in[50] << 8 | in[51]);
	return true;
}
