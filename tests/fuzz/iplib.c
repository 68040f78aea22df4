/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/iplib.c - libFuzzer target for iplib's pure code
 * (user/iplib/dns.c, dialstr.c).
 *
 * The input is a DNS response twice: as an answer to the question it
 * carries itself (its id, and a name made from its first bytes, so the
 * fuzzer gets past the "not ours" check and into the records) and to a
 * fixed one.  The decoder's promises: a known code or a count within max.
 * The same bytes as a string are a dial string (parsed parts must be
 * NUL-terminated inside their arrays and valid), /etc/hosts text and
 * resolv.conf text (counts within max), and a host name for a query
 * (a query of a valid name decodes as our own question).
 */
#include <stdlib.h>
#include <string.h>
#include "iplib.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static void fz_answer(const uint8_t *p, size_t n, uint16_t id, const char *name)
{
	uint32_t a[4];
	int r = ipl_dns_answer(p, n, id, name, a, 4);

	FZ_CHECK(r <= 4 && r >= IPL_DNS_TRUNC && r != 0);
	FZ_CHECK(strcmp(ipl_dns_strerror(r < 0 ? r : 0), "unknown DNS error") != 0);
}

static void fz_text(const char *s)
{
	struct ipl_dialstr d;
	uint32_t a[3];
	uint8_t q[IPL_DNS_MAX];
	int n;

	if (ipl_parse_dialstr(s, "tcp", &d)) {
		FZ_CHECK(memchr(d.net, 0, sizeof(d.net)) && memchr(d.host, 0, sizeof(d.host)) &&
			 memchr(d.serv, 0, sizeof(d.serv)));
		FZ_CHECK(!strcmp(d.net, "tcp") || !strcmp(d.net, "udp"));
		FZ_CHECK(!strcmp(d.host, "*") || ipl_valid_hostname(d.host));
	}
	FZ_CHECK(ipl_hosts_find(s, "localhost", a, 3) <= 3);
	FZ_CHECK(ipl_resolv_servers(s, a, 3) <= 3);
	n = ipl_dns_query(q, sizeof(q), 77, s);
	FZ_CHECK(n < 0 || ipl_valid_hostname(s));
	if (n > 0) {
		q[2] |= 0x80;   /* our own query as an empty response: no address */
		FZ_CHECK(ipl_dns_answer(q, (size_t)n, 77, s, a, 3) == IPL_DNS_NOADDR);
	}
	FZ_CHECK(ipl_service_port(s, "tcp") <= 65535);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char s[512];
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	uint16_t id = size >= 2 ? (uint16_t)(data[0] << 8 | data[1]) : 0;
	char name[16];
	size_t nl = 0;

	for (size_t i = 2; i < size && nl < sizeof(name) - 1 && data[i] >= 'a' && data[i] <= 'z'; i++)
		name[nl++] = (char)data[i];
	name[nl] = 0;
	fz_answer(data, size, id, nl ? name : "a");
	fz_answer(data, size, 0x1234, "www.example.org");
	memcpy(s, data, n);
	s[n] = 0;
	fz_text(s);
	return 0;
}
