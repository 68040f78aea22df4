/* SPDX-License-Identifier: MIT */
/*
 * test_iplib.c - the pure parts of iplib (user/iplib/dialstr.c, dns.c):
 * dial strings good and bad, netmkaddr's rules, the services table, host
 * names, /etc/hosts and resolv.conf text, DNS queries byte for byte, and
 * responses as a server sends them, with CNAMEs, compression, errors, and
 * hostile ones (pointer loops, lengths past the end, wrong id or question,
 * every truncation).
 */
#include <string.h>
#include "htest.h"
#include "iplib.h"

HTEST(iplib_dialstr_forms)
{
	struct ipl_dialstr d;

	HT_ASSERT(ipl_parse_dialstr("tcp!10.0.2.2!80", NULL, &d));
	HT_ASSERT_STREQ(d.net, "tcp");
	HT_ASSERT_STREQ(d.host, "10.0.2.2");
	HT_ASSERT_STREQ(d.serv, "80");
	HT_ASSERT(ipl_parse_dialstr("udp!*!53", NULL, &d));
	HT_ASSERT_STREQ(d.net, "udp");
	HT_ASSERT_STREQ(d.host, "*");
	HT_ASSERT(ipl_parse_dialstr("net!example.org!http", NULL, &d));
	HT_ASSERT_STREQ(d.net, "tcp");
	HT_ASSERT_STREQ(d.serv, "http");
	HT_ASSERT(ipl_parse_dialstr("host!9fs", "udp", &d));
	HT_ASSERT_STREQ(d.net, "udp");
	HT_ASSERT_STREQ(d.host, "host");
	HT_ASSERT(ipl_parse_dialstr("host", "tcp", &d));
	HT_ASSERT_STREQ(d.serv, "");
}

HTEST(iplib_dialstr_bad)
{
	struct ipl_dialstr d;
	char big[400];

	HT_ASSERT(!ipl_parse_dialstr("", "tcp", &d));
	HT_ASSERT(!ipl_parse_dialstr("host", NULL, &d));         /* no net at all */
	HT_ASSERT(!ipl_parse_dialstr("il!host!80", NULL, &d));   /* unknown net */
	HT_ASSERT(!ipl_parse_dialstr("tcp!!80", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("tcp!host!", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("!host!80", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("tcp!a!b!c", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("tcp!bad host!80", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("tcp!a..b!80", NULL, &d));
	HT_ASSERT(!ipl_parse_dialstr("verylongnetname!a!80", NULL, &d));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	HT_ASSERT(!ipl_parse_dialstr(big, "tcp", &d));
	memcpy(big, "tcp!a!", 6);
	HT_ASSERT(!ipl_parse_dialstr(big, NULL, &d));            /* service too long */
}

HTEST(iplib_netmkaddr)
{
	char b[IPL_ADDR_MAX];

	HT_ASSERT_STREQ(netmkaddr("host", "tcp", "http"), "tcp!host!http");
	HT_ASSERT_STREQ(netmkaddr("host", NULL, NULL), "net!host");
	HT_ASSERT_STREQ(netmkaddr("host", "udp", NULL), "udp!host");
	HT_ASSERT_STREQ(netmkaddr("tcp!host", NULL, "80"), "tcp!host!80");
	HT_ASSERT_STREQ(netmkaddr("tcp!host!25", "udp", "80"), "tcp!host!25");
	HT_ASSERT_STREQ(netmkaddr_r(b, 8, "tcp!host!25", NULL, NULL), "tcp!hos");
}

HTEST(iplib_services)
{
	HT_ASSERT_EQ(ipl_service_port("http", "tcp"), 80);
	HT_ASSERT_EQ(ipl_service_port("echo", "udp"), 7);
	HT_ASSERT_EQ(ipl_service_port("discard", "tcp"), 9);
	HT_ASSERT_EQ(ipl_service_port("9fs", "tcp"), 564);
	HT_ASSERT_EQ(ipl_service_port("domain", "udp"), 53);
	HT_ASSERT_EQ(ipl_service_port("http", "udp"), -1);
	HT_ASSERT_EQ(ipl_service_port("nosuch", "tcp"), -1);
	HT_ASSERT_EQ(ipl_service_port("0", "tcp"), 0);
	HT_ASSERT_EQ(ipl_service_port("65535", "tcp"), 65535);
	HT_ASSERT_EQ(ipl_service_port("65536", "tcp"), -1);
	HT_ASSERT_EQ(ipl_service_port("999999", "tcp"), -1);
	HT_ASSERT_EQ(ipl_service_port("80x", "tcp"), -1);
	HT_ASSERT_EQ(ipl_service_port("", "tcp"), -1);
	HT_ASSERT_STREQ(ipl_service_name(564, "tcp"), "9fs");
	HT_ASSERT(ipl_service_name(4, "tcp") == NULL);
}

HTEST(iplib_hostnames)
{
	char name[300];

	HT_ASSERT(ipl_valid_hostname("a"));
	HT_ASSERT(ipl_valid_hostname("www.example.org"));
	HT_ASSERT(ipl_valid_hostname("example.org."));
	HT_ASSERT(ipl_valid_hostname("_srv-x.a1"));
	HT_ASSERT(!ipl_valid_hostname(""));
	HT_ASSERT(!ipl_valid_hostname("."));
	HT_ASSERT(!ipl_valid_hostname(".a"));
	HT_ASSERT(!ipl_valid_hostname("a..b"));
	HT_ASSERT(!ipl_valid_hostname("a b"));
	HT_ASSERT(!ipl_valid_hostname("a/b"));
	memset(name, 'a', 64);
	name[64] = 0;
	HT_ASSERT(!ipl_valid_hostname(name));                   /* a 64-byte label */
	name[63] = 0;
	HT_ASSERT(ipl_valid_hostname(name));
	for (int i = 0; i < 254; i++)
		name[i] = i % 2 ? '.' : 'a';
	name[254] = 0;
	HT_ASSERT(!ipl_valid_hostname(name));                   /* over 253 bytes */
	name[253] = 0;
	HT_ASSERT(ipl_valid_hostname(name));
}

HTEST(iplib_hosts_text)
{
	static const char hosts[] =
		"# comment 1.2.3.4 x\n"
		"127.0.0.1\tlocalhost loopback\n"
		"  10.0.2.2 gateway Host # trailing\n"
		"bad.addr gateway\n"
		"10.0.2.3 other\r\n"
		"10.0.2.4 gateway";
	uint32_t a[4];

	HT_ASSERT_EQ(ipl_hosts_find(hosts, "loopback", a, 4), 1);
	HT_ASSERT_EQ(a[0], 0x7f000001);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "GATEWAY", a, 4), 2);
	HT_ASSERT_EQ(a[0], 0x0a000202);
	HT_ASSERT_EQ(a[1], 0x0a000204);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "gateway", a, 1), 1);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "host", a, 4), 1);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "other", a, 4), 1);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "trailing", a, 4), 0);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "comment", a, 4), 0);
	HT_ASSERT_EQ(ipl_hosts_find(hosts, "x", a, 4), 0);
	HT_ASSERT_EQ(ipl_hosts_find("", "x", a, 4), 0);
}

HTEST(iplib_resolv_text)
{
	uint32_t a[2];

	HT_ASSERT_EQ(ipl_resolv_servers("# x\nsearch example\nnameserver 10.0.2.3\n"
					"nameserver   1.1.1.1 # y\nnameserver bad\n"
					"nameservers 9.9.9.9\nnameserver 8.8.8.8\n", a, 2), 2);
	HT_ASSERT_EQ(a[0], 0x0a000203);
	HT_ASSERT_EQ(a[1], 0x01010101);
	HT_ASSERT_EQ(ipl_resolv_servers("nameserver", a, 2), 0);
	HT_ASSERT_EQ(ipl_resolv_servers("", a, 2), 0);
}

HTEST(iplib_dns_query_bytes)
{
	static const uint8_t want[] = {
		0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'o', 'r', 'g', 0,
		0, 1, 0, 1,
	};
	uint8_t b[IPL_DNS_MAX];

	HT_ASSERT_EQ(ipl_dns_query(b, sizeof(b), 0x1234, "www.example.org"), sizeof(want));
	HT_ASSERT(!memcmp(b, want, sizeof(want)));
	HT_ASSERT_EQ(ipl_dns_query(b, sizeof(b), 0x1234, "www.example.org."), sizeof(want));
	HT_ASSERT(!memcmp(b, want, sizeof(want)));
	HT_ASSERT_EQ(ipl_dns_query(b, sizeof(want) - 1, 0x1234, "www.example.org"), -1);
	HT_ASSERT_EQ(ipl_dns_query(b, sizeof(b), 1, "bad name"), -1);
	HT_ASSERT_EQ(ipl_dns_query(b, sizeof(b), 1, ""), -1);
}

/* A response to the query for name: the query with QR/RA set and the
 * answers appended. */
struct resp {
	uint8_t b[IPL_DNS_MAX];
	size_t n;
};

static void resp_start(struct resp *r, uint16_t id, const char *name, int rcode, int ancount)
{
	r->n = (size_t)ipl_dns_query(r->b, sizeof(r->b), id, name);
	r->b[2] |= 0x80;
	r->b[3] = (uint8_t)(0x80 | rcode);
	r->b[7] = (uint8_t)ancount;
}

static void resp_bytes(struct resp *r, const void *p, size_t n)
{
	memcpy(r->b + r->n, p, n);
	r->n += n;
}

/* An RR whose owner is a pointer to the question's name (offset 12). */
static void resp_rr(struct resp *r, const uint8_t *owner, size_t olen, uint16_t type,
		    const void *rdata, uint16_t rdlen)
{
	uint8_t fixed[10] = { 0, 0, 0, 1, 0, 0, 0x0e, 0x10, 0, 0 };

	fixed[1] = (uint8_t)type;
	fixed[8] = (uint8_t)(rdlen >> 8);
	fixed[9] = (uint8_t)rdlen;
	resp_bytes(r, owner, olen);
	resp_bytes(r, fixed, sizeof(fixed));
	resp_bytes(r, rdata, rdlen);
}

static const uint8_t PTR_Q[] = { 0xc0, 12 };
static const uint8_t A1[] = { 93, 184, 216, 34 };
static const uint8_t A2[] = { 10, 0, 2, 100 };

HTEST(iplib_dns_answer_a)
{
	struct resp r;
	uint32_t a[4];

	resp_start(&r, 7, "example.org", 0, 2);
	resp_rr(&r, PTR_Q, 2, 1, A1, 4);
	resp_rr(&r, PTR_Q, 2, 1, A2, 4);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 7, "example.org", a, 4), 2);
	HT_ASSERT_EQ(a[0], 0x5db8d822);
	HT_ASSERT_EQ(a[1], 0x0a000264);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 7, "EXAMPLE.org.", a, 1), 1);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 8, "example.org", a, 4), IPL_DNS_NOTOURS);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 7, "example.com", a, 4), IPL_DNS_NOTOURS);
	for (size_t cut = 0; cut < r.n; cut++)  /* every truncation fails cleanly */
		HT_ASSERT(ipl_dns_answer(r.b, cut, 7, "example.org", a, 4) < 0);
}

HTEST(iplib_dns_answer_cname)
{
	static const uint8_t target[] = { 3, 'c', 'd', 'n', 0xc0, 12 };     /* cdn.example.org */
	static const uint8_t other[] = { 5, 'o', 't', 'h', 'e', 'r', 0 };
	struct resp r;
	uint32_t a[4];
	size_t tpos;

	resp_start(&r, 9, "example.org", 0, 3);
	resp_rr(&r, other, sizeof(other), 1, A2, 4);          /* not ours: ignored */
	resp_rr(&r, PTR_Q, 2, 5, target, sizeof(target));
	tpos = r.n - sizeof(target);
	{
		uint8_t owner[2] = { 0xc0, (uint8_t)tpos };

		resp_rr(&r, owner, 2, 1, A1, 4);
	}
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 9, "example.org", a, 4), 1);
	HT_ASSERT_EQ(a[0], 0x5db8d822);
}

HTEST(iplib_dns_answer_errors)
{
	struct resp r;
	uint32_t a[4];

	resp_start(&r, 3, "nx.example", 3, 0);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 3, "nx.example", a, 4), IPL_DNS_NXDOMAIN);
	resp_start(&r, 3, "x.example", 2, 0);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 3, "x.example", a, 4), IPL_DNS_SERVFAIL);
	resp_start(&r, 3, "x.example", 0, 0);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 3, "x.example", a, 4), IPL_DNS_NOADDR);
	r.b[2] |= 0x02;
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 3, "x.example", a, 4), IPL_DNS_TRUNC);
	resp_start(&r, 3, "x.example", 0, 0);
	r.b[2] &= 0x7f;                                         /* a query, not a response */
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 3, "x.example", a, 4), IPL_DNS_NOTOURS);
	HT_ASSERT(strcmp(ipl_dns_strerror(IPL_DNS_NXDOMAIN), "no such name") == 0);
	HT_ASSERT(strcmp(ipl_dns_strerror(42), "unknown DNS error") == 0);
}

HTEST(iplib_dns_answer_hostile)
{
	static const uint8_t loop[] = { 0xc0, 0 };              /* patched to point at itself */
	struct resp r;
	uint32_t a[4];
	uint8_t self[2];

	/* an owner name that is a pointer to itself */
	resp_start(&r, 5, "a.b", 0, 1);
	self[0] = 0xc0;
	self[1] = (uint8_t)r.n;
	resp_rr(&r, self, 2, 1, A1, 4);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4), IPL_DNS_SHORT);
	/* a pointer past the end */
	resp_start(&r, 5, "a.b", 0, 1);
	self[1] = 0xff;
	resp_rr(&r, self, 2, 1, A1, 4);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4), IPL_DNS_SHORT);
	/* an rdlength past the end */
	resp_start(&r, 5, "a.b", 0, 1);
	resp_rr(&r, PTR_Q, 2, 1, A1, 4);
	r.b[r.n - 5] = 200;
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4), IPL_DNS_SHORT);
	/* an A record of the wrong size is skipped */
	resp_start(&r, 5, "a.b", 0, 1);
	resp_rr(&r, PTR_Q, 2, 1, A1, 3);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4), IPL_DNS_NOADDR);
	/* the reserved label type 0x40 */
	resp_start(&r, 5, "a.b", 0, 1);
	resp_rr(&r, loop, 1, 1, A1, 4);
	r.b[r.n - 15] = 0x41;
	HT_ASSERT(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4) < 0);
	/* an ancount claiming more than there is */
	resp_start(&r, 5, "a.b", 0, 9);
	resp_rr(&r, PTR_Q, 2, 1, A1, 4);
	HT_ASSERT_EQ(ipl_dns_answer(r.b, r.n, 5, "a.b", a, 4), IPL_DNS_SHORT);
}
