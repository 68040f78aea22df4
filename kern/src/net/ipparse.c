/* SPDX-License-Identifier: MIT */
/*
 * ipparse.c - the text forms #ip's files use: dotted-quad addresses, masks
 * ("255.255.255.0" or "/24"), Plan 9 "addr!port" pairs ('*' is any
 * address), and splitting a ctl message into words.  Every function
 * refuses what it does not fully understand (a trailing byte, a number out
 * of range); none raises error(), the callers name what was wrong.
 */
#include <block.h>
#include <kstring.h>
#include <printk.h>

#include <ip.h>

/* A decimal number of at most max from [s, s+len). */
static bool parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v;

	if (len == 0 || len > 10 || kstrtou64(s, len, 10, &v) || v > max)
		return false;
	*out = v;
	return true;
}

bool ip_parse_addr(const char *s, uint32_t *out)
{
	uint32_t a = 0;

	for (int i = 0; i < 4; i++) {
		const char *dot = i < 3 ? strchr(s, '.') : s + strlen(s);
		uint64_t v;

		if (!dot || !parse_dec(s, (size_t)(dot - s), 255, &v))
			return false;
		a = (a << 8) | (uint32_t)v;
		s = dot + 1;
	}
	*out = a;
	return true;
}

bool ip_parse_mask(const char *s, uint32_t *out)
{
	uint64_t len;
	uint32_t m;

	if (s[0] == '/') {
		if (!parse_dec(s + 1, strlen(s + 1), 32, &len))
			return false;
		*out = len ? ~0u << (32 - len) : 0;
		return true;
	}
	if (!ip_parse_addr(s, &m))
		return false;
	/* contiguous: the complement plus one is a power of two */
	if (((~m + 1) & ~m) != 0)
		return false;
	*out = m;
	return true;
}

bool ip_parse_hostport(const char *s, uint32_t *addr, uint16_t *port)
{
	const char *bang = strchr(s, '!');
	const char *ps = bang ? bang + 1 : s;
	uint64_t v;

	*addr = 0;
	if (bang) {
		char host[20];
		size_t hl = (size_t)(bang - s);

		if (hl == 0 || hl >= sizeof(host))
			return false;
		memcpy(host, s, hl);
		host[hl] = '\0';
		if (strcmp(host, "*") && !ip_parse_addr(host, addr))
			return false;
	}
	if (!strcmp(ps, "*")) {
		*port = 0;
		return true;
	}
	if (!parse_dec(ps, strlen(ps), 65535, &v))
		return false;
	*port = (uint16_t)v;
	return true;
}

int ip_tokenize(char *msg, char **argv, int max)
{
	int n = 0;

	while (*msg && n < max) {
		while (*msg == ' ' || *msg == '\t' || *msg == '\n')
			*msg++ = '\0';
		if (!*msg)
			break;
		argv[n++] = msg;
		while (*msg && *msg != ' ' && *msg != '\t' && *msg != '\n')
			msg++;
	}
	while (*msg == ' ' || *msg == '\t' || *msg == '\n')
		*msg++ = '\0';
	return *msg ? -1 : n;
}

char *ip_fmt_addr(char *buf, uint32_t a)
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255, (a >> 8) & 255, a & 255);
	return buf;
}
