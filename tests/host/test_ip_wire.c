/* SPDX-License-Identifier: MIT */
/*
 * test_ip_wire.c - host tests of the wire formats (kern/include/ipwire.h):
 * the RFC 1071 example sum, odd lengths, block lists split at odd offsets
 * against a flat sum; IPv4 headers good and bad (truncated, version, header
 * length, total length, checksum, options running out, a fragment ending
 * past 65535); ICMP, UDP and ARP good and bad; random bytes into every
 * parser.  Leaks: kmalloc_shim_live() and block_live_count() end at zero.
 */
#include <block.h>
#include <errno.h>
#include <string.h>

#include "htest.h"
#include <ipwire.h>

long kmalloc_shim_live(void);

HTEST(csum_rfc1071_example)
{
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	HT_ASSERT_EQ(ip_csum_fold(ip_csum_add(0, v, sizeof(v))), (uint16_t)~0xddf2);
	HT_ASSERT_EQ(ip_csum(v, 3), (uint16_t)~(0x0001 + 0xf200));
}

HTEST(csum_blist_matches_flat)
{
	uint8_t flat[1000];

	for (size_t i = 0; i < sizeof(flat); i++)
		flat[i] = (uint8_t)htest_rand();
	for (int round = 0; round < 200; round++) {
		struct block *head = NULL, **tail = &head;
		size_t pos = 0, off = htest_rand() % 50, len = htest_rand() % 900;

		while (pos < sizeof(flat)) {
			size_t n = 1 + htest_rand() % 97;
			struct block *b;

			if (n > sizeof(flat) - pos)
				n = sizeof(flat) - pos;
			b = allocb(n);
			memcpy(b->wp, flat + pos, n);
			b->wp += n;
			*tail = b;
			tail = &b->next;
			pos += n;
		}
		HT_ASSERT_EQ(ip_csum_fold(ip_csum_blist(head, off, len, 0)),
		             ip_csum(flat + off, len));
		freeblist(head);
	}
	HT_ASSERT_EQ(block_live_count(), 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

static size_t good_ip(uint8_t *p, size_t payload)
{
	struct ip4_info h = { .src = IP4(10, 0, 2, 15), .dst = IP4(10, 0, 2, 2),
	                      .tot_len = (uint16_t)(IP4_HDR_LEN + payload), .id = 7,
	                      .ttl = 64, .proto = IP_PROTO_UDP };

	memset(p + IP4_HDR_LEN, 0xab, payload);
	return ip4_build(p, &h) + payload;
}

HTEST(ip4_good_roundtrip)
{
	uint8_t p[64];
	struct ip4_info h;
	const char *why = NULL;
	size_t n = good_ip(p, 10);

	HT_ASSERT_EQ(ip4_parse(p, n + 5, &h, true, &why), 0);   /* link padding */
	HT_ASSERT_EQ(h.src, IP4(10, 0, 2, 15));
	HT_ASSERT_EQ(h.dst, IP4(10, 0, 2, 2));
	HT_ASSERT_EQ(h.tot_len, 30);
	HT_ASSERT_EQ(h.hlen, 20);
	HT_ASSERT_EQ(h.ttl, 64);
	HT_ASSERT_EQ(h.proto, IP_PROTO_UDP);
	HT_ASSERT(!h.mf && !h.df && h.frag_off == 0);
	HT_ASSERT_EQ(ip_csum(p, 20), 0);
}

HTEST(ip4_bad_headers)
{
	uint8_t p[64];
	struct ip4_info h;
	const char *why = NULL;
	size_t n = good_ip(p, 10);

	for (size_t cut = 0; cut < IP4_HDR_LEN; cut++)
		HT_ASSERT_EQ(ip4_parse(p, cut, &h, true, &why), -EBADMSG);
	HT_ASSERT_EQ(ip4_parse(p, n - 1, &h, true, &why), -EBADMSG);   /* tot_len > len */
	p[0] = 0x65;
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), -EBADMSG);
	HT_ASSERT(strstr(why, "version"));
	p[0] = 0x44;                                                    /* hlen 16 */
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), -EBADMSG);
	p[0] = 0x4f;                                                    /* hlen 60 > 30 */
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), -EBADMSG);
	good_ip(p, 10);
	put_be16(p + 2, 19);                                            /* tot < hlen */
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), -EBADMSG);
	good_ip(p, 10);
	p[8] ^= 1;                                                      /* checksum */
	HT_ASSERT_EQ(ip4_parse(p, n, &h, true, &why), -EPROTO);
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), 0);
	good_ip(p, 10);
	put_be16(p + 6, IP4_OFF_MASK);                                  /* 65528 + 10 */
	HT_ASSERT_EQ(ip4_parse(p, n, &h, false, &why), -EBADMSG);
}

HTEST(ip4_options)
{
	uint8_t p[64], nr;
	const char *why = NULL;
	static const uint8_t ok[] = { 1, 7, 7, 4, 0, 0, 0, 0, 1, 1, 0, 0 };
	static const uint8_t runs_out[] = { 1, 1, 7, 40, 4, 0, 0, 0 };
	static const uint8_t too_short[] = { 7, 1, 0, 0 };
	static const uint8_t no_len[] = { 1, 1, 1, 7 };
	struct ip4_info h;

	HT_ASSERT_EQ(ip4_opts_walk(ok, sizeof(ok), &nr, &why), 0);
	HT_ASSERT_EQ(nr, 1);
	HT_ASSERT_EQ(ip4_opts_walk(runs_out, sizeof(runs_out), &nr, &why), -EBADMSG);
	HT_ASSERT_EQ(ip4_opts_walk(too_short, sizeof(too_short), &nr, &why), -EBADMSG);
	HT_ASSERT_EQ(ip4_opts_walk(no_len, sizeof(no_len), &nr, &why), -EBADMSG);
	/* A header with options parses, the options are counted and skipped. */
	good_ip(p, 20);
	memmove(p + 32, p + 20, 8);
	memcpy(p + 20, ok, sizeof(ok));
	p[0] = 0x48;
	put_be16(p + 10, 0);
	put_be16(p + 10, ip_csum(p, 32));
	HT_ASSERT_EQ(ip4_parse(p, 40, &h, true, &why), 0);
	HT_ASSERT_EQ(h.hlen, 32);
	HT_ASSERT_EQ(h.nr_opts, 1);
}

HTEST(icmp_udp_arp)
{
	uint8_t p[64];
	struct icmp_info m = { .type = ICMP_ECHO, .id = 0x1234, .seq = 9 }, m2;
	struct udp_info u = { .sport = 5000, .dport = 53, .len = 12 }, u2;
	struct arp_info a = { .op = ARP_REQUEST, .sha = { 1, 2, 3, 4, 5, 6 },
	                      .spa = IP4(10, 0, 2, 15), .tpa = IP4(10, 0, 2, 2) }, a2;
	const char *why = NULL;

	memset(p, 0x5a, sizeof(p));
	icmp_build(p, &m);
	icmp_set_csum(p, ip_csum(p, 20));
	HT_ASSERT_EQ(icmp_parse(p, 20, &m2, &why), 0);
	HT_ASSERT(m2.type == ICMP_ECHO && m2.id == 0x1234 && m2.seq == 9);
	HT_ASSERT_EQ(icmp_parse(p, 19, &m2, &why), -EPROTO);
	HT_ASSERT_EQ(icmp_parse(p, 7, &m2, &why), -EBADMSG);
	udp_build(p, &u);
	HT_ASSERT_EQ(udp_parse(p, 12, &u2, &why), 0);
	HT_ASSERT(u2.sport == 5000 && u2.dport == 53 && u2.len == 12);
	HT_ASSERT_EQ(udp_parse(p, 11, &u2, &why), -EBADMSG);   /* length beyond */
	HT_ASSERT_EQ(udp_parse(p, 7, &u2, &why), -EBADMSG);
	put_be16(p + 4, 7);
	HT_ASSERT_EQ(udp_parse(p, 12, &u2, &why), -EBADMSG);
	HT_ASSERT_EQ(udp_csum_final(0xffff), 0xffff);           /* 0 is sent as ffff */
	HT_ASSERT_EQ(arp_build(p, &a), ARP_PKT_LEN);
	HT_ASSERT_EQ(arp_parse(p, ARP_PKT_LEN, &a2, &why), 0);
	HT_ASSERT(a2.op == ARP_REQUEST && a2.spa == a.spa && a2.tpa == a.tpa);
	HT_ASSERT(!memcmp(a2.sha, a.sha, 6));
	HT_ASSERT_EQ(arp_parse(p, ARP_PKT_LEN - 1, &a2, &why), -EBADMSG);
	p[7] = 3;
	HT_ASSERT_EQ(arp_parse(p, ARP_PKT_LEN, &a2, &why), -EBADMSG);
	arp_build(p, &a);
	p[5] = 16;
	HT_ASSERT_EQ(arp_parse(p, ARP_PKT_LEN, &a2, &why), -EBADMSG);
}

HTEST(random_bytes_never_crash)
{
	uint8_t p[80];

	for (int round = 0; round < 20000; round++) {
		size_t len = htest_rand() % sizeof(p);
		struct ip4_info h;
		struct icmp_info m;
		struct udp_info u;
		struct arp_info a;
		const char *why = NULL;

		for (size_t i = 0; i < len; i++)
			p[i] = (uint8_t)htest_rand();
		if (round & 1)
			p[0] = 0x40 | (p[0] & 0xf);
		if (ip4_parse(p, len, &h, round & 2, &why) == 0) {
			HT_ASSERT(h.hlen >= 20 && h.hlen <= h.tot_len && h.tot_len <= len);
		} else {
			HT_ASSERT(why != NULL);
		}
		icmp_parse(p, len, &m, &why);
		if (udp_parse(p, len, &u, &why) == 0)
			HT_ASSERT(u.len >= 8 && u.len <= len);
		arp_parse(p, len, &a, &why);
	}
}
