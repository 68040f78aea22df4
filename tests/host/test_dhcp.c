/* SPDX-License-Identifier: MIT */
/*
 * test_dhcp.c - DHCP message building and parsing (user/bin/net/dhcp.c)
 * and the address helpers (user/bin/net/ipaddr.c): what a server sends,
 * what a broken or hostile one sends, every truncation of a good reply.
 */
#include <string.h>
#include "htest.h"
#include "dhcp.h"
#include "ipaddr.h"

static const uint8_t MAC[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
#define XID 0x11223344u

/* A reply under construction: the fixed part and the cookie, then options. */
struct reply {
	uint8_t b[DHCP_MAX_LEN + 64];
	size_t len;
};

static void reply_start(struct reply *r, uint8_t type, uint32_t yiaddr)
{
	memset(r, 0, sizeof(*r));
	r->b[0] = 2;
	r->b[1] = 1;
	r->b[2] = 6;
	r->b[4] = XID >> 24;
	r->b[5] = (XID >> 16) & 0xff;
	r->b[6] = (XID >> 8) & 0xff;
	r->b[7] = XID & 0xff;
	for (int i = 0; i < 4; i++)
		r->b[16 + i] = (uint8_t)(yiaddr >> (24 - 8 * i));
	memcpy(r->b + 28, MAC, 6);
	r->b[236] = 99;
	r->b[237] = 130;
	r->b[238] = 83;
	r->b[239] = 99;
	r->len = 240;
	r->b[r->len++] = 53;
	r->b[r->len++] = 1;
	r->b[r->len++] = type;
}

static void opt(struct reply *r, uint8_t code, uint8_t len, const void *val)
{
	r->b[r->len++] = code;
	r->b[r->len++] = len;
	memcpy(r->b + r->len, val, len);
	r->len += len;
}

static void opt32(struct reply *r, uint8_t code, uint32_t v)
{
	uint8_t b[4] = { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff };

	opt(r, code, 4, b);
}

static void end(struct reply *r)
{
	r->b[r->len++] = 255;
}

/* slirp's answer: 10.0.2.15/24, router and DNS, a day's lease. */
static void good_ack(struct reply *r)
{
	static const uint8_t dns[12] = { 10, 0, 2, 3, 8, 8, 8, 8, 1, 1, 1, 1 };

	reply_start(r, DHCP_ACK, 0x0a00020f);
	opt32(r, 54, 0x0a000202);
	opt32(r, 1, 0xffffff00);
	opt32(r, 3, 0x0a000202);
	opt(r, 6, sizeof(dns), dns);
	opt32(r, 51, 86400);
	opt(r, 15, 7, "example");
	end(r);
}

static int parse(const struct reply *r, struct dhcp_reply *out)
{
	return dhcp_parse(r->b, r->len, XID, MAC, out);
}

HTEST(build_discover)
{
	uint8_t b[DHCP_MAX_LEN];
	struct dhcp_req q = { .type = DHCP_DISCOVER, .xid = XID, .broadcast = true, .secs = 3 };
	size_t n;

	memcpy(q.mac, MAC, 6);
	n = dhcp_build(b, sizeof(b), &q);
	HT_ASSERT(n >= DHCP_MIN_LEN && n <= DHCP_MAX_LEN);
	HT_ASSERT(b[0] == 1 && b[1] == 1 && b[2] == 6 && b[3] == 0);
	HT_ASSERT(b[4] == 0x11 && b[7] == 0x44);
	HT_ASSERT(b[8] == 0 && b[9] == 3);
	HT_ASSERT(b[10] == 0x80 && b[11] == 0);
	HT_ASSERT(memcmp(b + 28, MAC, 6) == 0);
	HT_ASSERT(b[236] == 99 && b[237] == 130 && b[238] == 83 && b[239] == 99);
	HT_ASSERT(b[240] == 53 && b[241] == 1 && b[242] == DHCP_DISCOVER);
	/* Walk the options: client id, no 50 or 54, a parameter list, end. */
	bool saw55 = false, saw61 = false, saw_end = false;
	for (size_t i = 240; i < n && !saw_end; ) {
		if (b[i] == 255) {
			saw_end = true;
			break;
		}
		HT_ASSERT(b[i] != 50 && b[i] != 54);
		saw55 |= b[i] == 55;
		if (b[i] == 61) {
			saw61 = true;
			HT_ASSERT(b[i + 1] == 7 && b[i + 2] == 1 && memcmp(b + i + 3, MAC, 6) == 0);
		}
		i += 2 + b[i + 1];
	}
	HT_ASSERT(saw55 && saw61 && saw_end);
}

HTEST(build_request_carries_address_and_server)
{
	uint8_t b[DHCP_MAX_LEN];
	struct dhcp_req q = { .type = DHCP_REQUEST, .xid = XID, .requested = 0x0a00020f,
			      .server = 0x0a000202 };
	size_t n = dhcp_build(b, sizeof(b), &q);
	int found = 0;

	for (size_t i = 243; i < n && b[i] != 255; i += 2 + b[i + 1]) {
		if (b[i] == 50) {
			HT_ASSERT(b[i + 1] == 4 && b[i + 2] == 10 && b[i + 5] == 15);
			found++;
		}
		if (b[i] == 54) {
			HT_ASSERT(b[i + 1] == 4 && b[i + 5] == 2);
			found++;
		}
	}
	HT_ASSERT_EQ(found, 2);
	HT_ASSERT(b[10] == 0);
}

HTEST(build_refuses_small_buffer)
{
	uint8_t b[DHCP_MAX_LEN];
	struct dhcp_req q = { .type = DHCP_DISCOVER };

	HT_ASSERT_EQ(dhcp_build(b, DHCP_MAX_LEN - 1, &q), 0);
}

HTEST(parse_good_ack)
{
	struct reply r;
	struct dhcp_reply d;

	good_ack(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	HT_ASSERT_EQ(d.type, DHCP_ACK);
	HT_ASSERT_EQ(d.yiaddr, 0x0a00020f);
	HT_ASSERT_EQ(d.server, 0x0a000202);
	HT_ASSERT_EQ(d.mask, 0xffffff00);
	HT_ASSERT_EQ(d.router, 0x0a000202);
	HT_ASSERT_EQ(d.ndns, 3);
	HT_ASSERT_EQ(d.dns[0], 0x0a000203);
	HT_ASSERT_EQ(d.dns[2], 0x01010101);
	HT_ASSERT_EQ(d.lease, 86400);
	HT_ASSERT(strcmp(d.domain, "example") == 0);
}

/* An ACK as busybox 1.35's udhcpd sent it on the network tests' wire
 * (tests/net/udhcpd.conf), captured there: its first 44 bytes and its 49
 * bytes from the cookie on; the 300-byte message is zero elsewhere. */
HTEST(parse_udhcpd_ack)
{
	static const uint8_t head[44] = {
		0x02, 0x01, 0x06, 0x00, 0x4e, 0x5c, 0x49, 0x71, 0, 0, 0, 0, 0, 0, 0, 0,
		0xc6, 0x12, 0x00, 0x95, 0, 0, 0, 0, 0, 0, 0, 0,
		0x52, 0x54, 0x00, 0x18, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	};
	static const uint8_t tail[49] = {
		0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x05, 0x36, 0x04, 0xc6, 0x12, 0x00, 0x01,
		0x33, 0x04, 0x00, 0x00, 0x00, 0x28, 0x01, 0x04, 0xff, 0xfe, 0x00, 0x00,
		0x03, 0x04, 0xc6, 0x12, 0x00, 0x01, 0x06, 0x04, 0xc6, 0x12, 0x00, 0x01,
		0x0f, 0x09, 'w', 'i', 'r', 'e', '.', 't', 'e', 's', 't', 0xff,
	};
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x18, 0x00, 0x02 };
	uint8_t pkt[300] = { 0 };
	struct dhcp_reply d;

	memcpy(pkt, head, sizeof(head));
	memcpy(pkt + 236, tail, sizeof(tail));
	HT_ASSERT_EQ(dhcp_parse(pkt, sizeof(pkt), 0x4e5c4971, mac, &d), DHCP_OK);
	HT_ASSERT_EQ(d.type, DHCP_ACK);
	HT_ASSERT_EQ(d.yiaddr, 0xc6120095);
	HT_ASSERT_EQ(d.server, 0xc6120001);
	HT_ASSERT_EQ(d.mask, 0xfffe0000);
	HT_ASSERT_EQ(d.router, 0xc6120001);
	HT_ASSERT(d.ndns == 1 && d.dns[0] == 0xc6120001);
	HT_ASSERT_EQ(d.lease, 40);
	HT_ASSERT(strcmp(d.domain, "wire.test") == 0);
}

HTEST(parse_own_request_is_not_a_reply)
{
	uint8_t b[DHCP_MAX_LEN];
	struct dhcp_req q = { .type = DHCP_DISCOVER, .xid = XID };
	struct dhcp_reply d;
	size_t n;

	memcpy(q.mac, MAC, 6);
	n = dhcp_build(b, sizeof(b), &q);
	HT_ASSERT_EQ(dhcp_parse(b, n, XID, MAC, &d), DHCP_ENOTREPLY);
}

HTEST(parse_refuses_others_and_short)
{
	struct reply r;
	struct dhcp_reply d;
	uint8_t other[6] = { 1, 2, 3, 4, 5, 6 };

	good_ack(&r);
	HT_ASSERT_EQ(dhcp_parse(r.b, 239, XID, MAC, &d), DHCP_ESHORT);
	HT_ASSERT_EQ(dhcp_parse(r.b, 0, XID, MAC, &d), DHCP_ESHORT);
	HT_ASSERT_EQ(dhcp_parse(r.b, r.len, XID + 1, MAC, &d), DHCP_ENOTOURS);
	HT_ASSERT_EQ(dhcp_parse(r.b, r.len, XID, other, &d), DHCP_ENOTOURS);
	r.b[2] = 8;
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ENOTREPLY);
	good_ack(&r);
	r.b[239] = 0;
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ECOOKIE);
}

HTEST(parse_refuses_bad_option_lengths)
{
	static const struct { uint8_t code, len; } bad[] = {
		{ 1, 3 }, { 1, 5 }, { 3, 0 }, { 3, 5 }, { 6, 0 }, { 6, 7 }, { 51, 2 },
		{ 54, 8 }, { 58, 1 }, { 59, 0 }, { 52, 2 }, { 53, 0 }, { 53, 2 },
	};
	uint8_t val[16] = { 1 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct reply r;
		struct dhcp_reply d;

		reply_start(&r, DHCP_OFFER, 0x0a00020f);
		opt32(&r, 54, 0x0a000202);
		opt(&r, bad[i].code, bad[i].len, val);
		end(&r);
		HT_ASSERT_MSG(parse(&r, &d) == DHCP_EOPTION, "option %u length %u accepted",
			      bad[i].code, bad[i].len);
	}
}

HTEST(parse_refuses_option_past_the_end)
{
	struct reply r;
	struct dhcp_reply d;

	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	opt32(&r, 54, 0x0a000202);
	r.b[r.len++] = 6;
	r.b[r.len++] = 200;     /* 200 bytes claimed, 4 present */
	memset(r.b + r.len, 8, 4);
	r.len += 4;
	HT_ASSERT_EQ(parse(&r, &d), DHCP_EOPTION);
	/* A code with no room for its length byte. */
	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	opt32(&r, 54, 0x0a000202);
	r.b[r.len++] = 1;
	HT_ASSERT_EQ(parse(&r, &d), DHCP_EOPTION);
}

HTEST(parse_requires_end_type_and_server)
{
	struct reply r;
	struct dhcp_reply d;

	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	opt32(&r, 54, 0x0a000202);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ENOEND);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	/* No type: overwrite option 53 with pad bytes. */
	r.b[240] = r.b[241] = r.b[242] = 0;
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ENOTYPE);
	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ENOADDR);
	reply_start(&r, DHCP_OFFER, 0);
	opt32(&r, 54, 0x0a000202);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_ENOADDR);
	/* A NAK needs neither. */
	reply_start(&r, DHCP_NAK, 0);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	HT_ASSERT_EQ(d.type, DHCP_NAK);
}

HTEST(parse_skips_pad_and_unknown_options)
{
	struct reply r;
	struct dhcp_reply d;

	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	r.b[r.len++] = 0;
	r.b[r.len++] = 0;
	opt(&r, 224, 3, "abc");
	opt(&r, 12, 0, "");
	opt32(&r, 54, 0x0a000202);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	HT_ASSERT_EQ(d.lease, DHCP_INFINITE);
	HT_ASSERT_EQ(d.mask, 0);
}

HTEST(parse_reads_overloaded_fields)
{
	struct reply r;
	struct dhcp_reply d;
	uint8_t ov = 3;

	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	opt(&r, 52, 1, &ov);
	end(&r);
	/* file (108..235): the server id, then an overload option that must
	 * not be followed again; sname (44..107): the mask, no end. */
	memcpy(r.b + 108, (uint8_t[]){ 54, 4, 10, 0, 2, 2, 52, 1, 1, 255 }, 10);
	memcpy(r.b + 44, (uint8_t[]){ 1, 4, 255, 255, 0, 0 }, 6);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	HT_ASSERT_EQ(d.server, 0x0a000202);
	HT_ASSERT_EQ(d.mask, 0xffff0000);
	/* An option in file that runs past the field. */
	memcpy(r.b + 230, (uint8_t[]){ 0, 0, 0, 6, 40, 1 }, 6);
	memset(r.b + 108, 0, 10);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_EOPTION);
	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	ov = 4;
	opt(&r, 52, 1, &ov);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_EOPTION);
}

HTEST(parse_every_truncation)
{
	struct reply r;
	struct dhcp_reply d;

	good_ack(&r);
	for (size_t n = 0; n < r.len; n++) {
		/* A copy of exactly n bytes, so ASan sees any read past it. */
		uint8_t *p = malloc(n ? n : 1);
		int e;

		memcpy(p, r.b, n);
		e = dhcp_parse(p, n, XID, MAC, &d);
		HT_ASSERT_MSG(e != DHCP_OK, "a reply cut to %zu of %zu bytes parsed", n, r.len);
		free(p);
	}
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
}

HTEST(parse_long_domain_and_many_dns)
{
	struct reply r;
	struct dhcp_reply d;
	char dom[200];
	uint8_t dns[40];

	memset(dom, 'x', sizeof(dom));
	memset(dns, 9, sizeof(dns));
	reply_start(&r, DHCP_OFFER, 0x0a00020f);
	opt32(&r, 54, 0x0a000202);
	opt(&r, 15, sizeof(dom), dom);
	opt(&r, 6, sizeof(dns), dns);
	end(&r);
	HT_ASSERT_EQ(parse(&r, &d), DHCP_OK);
	HT_ASSERT_EQ(strlen(d.domain), DHCP_DOMAIN_MAX - 1);
	HT_ASSERT_EQ(d.ndns, DHCP_DNS_MAX);
}

HTEST(lease_times)
{
	struct dhcp_reply r = { .lease = 1000 };
	uint32_t t1, t2;

	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == 500 && t2 == 875);
	r.t1 = 100;
	r.t2 = 900;
	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == 100 && t2 == 900);
	r.t1 = 950;             /* T1 after T2: ignored */
	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == 500 && t2 == 875);
	r.t1 = 100;
	r.t2 = 2000;            /* T2 after the lease: ignored */
	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == 500 && t2 == 875);
	r.lease = 0xfffffffe;   /* no overflow */
	r.t1 = r.t2 = 0;
	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == 0x7fffffff && t2 == (uint32_t)((uint64_t)0xfffffffe * 7 / 8));
	r.lease = DHCP_INFINITE;
	dhcp_lease_times(&r, &t1, &t2);
	HT_ASSERT(t1 == DHCP_INFINITE && t2 == DHCP_INFINITE);
}

HTEST(backoff)
{
	HT_ASSERT_EQ(dhcp_backoff_ms(0, 0), 4000);
	HT_ASSERT_EQ(dhcp_backoff_ms(1, 0), 8000);
	HT_ASSERT_EQ(dhcp_backoff_ms(3, 0), 32000);
	HT_ASSERT_EQ(dhcp_backoff_ms(4, 0), 64000);
	HT_ASSERT_EQ(dhcp_backoff_ms(40, 0), 64000);
	HT_ASSERT_EQ(dhcp_backoff_ms(0, -1000), 3000);
	HT_ASSERT_EQ(dhcp_backoff_ms(0, 99999), 5000);
	HT_ASSERT_EQ(dhcp_backoff_ms(0, -99999), 3000);
}

HTEST(strerror_names)
{
	HT_ASSERT(strcmp(dhcp_strerror(DHCP_ENOEND), "no end option") == 0);
	HT_ASSERT(strcmp(dhcp_strerror(-1), "unknown error") == 0);
	HT_ASSERT(strcmp(dhcp_strerror(99), "unknown error") == 0);
	HT_ASSERT(strcmp(dhcp_type_name(DHCP_ACK), "ACK") == 0);
	HT_ASSERT(strcmp(dhcp_type_name(200), "?") == 0);
}

HTEST(ip_parse_and_format)
{
	static const char *const bad[] = {
		"", "1.2.3", "1.2.3.4.", "256.1.1.1", "1..2.3", "1.2.3.4x", "0001.1.1.1",
		" 1.2.3.4", "1.2.3.-4", "1.2.3.4/8",
	};
	uint32_t a;
	char s[IP_STR];

	HT_ASSERT(ip_parse("10.0.2.15", &a) && a == 0x0a00020f);
	HT_ASSERT(ip_parse("255.255.255.255", &a) && a == 0xffffffff);
	HT_ASSERT(ip_parse("0.0.0.0", &a) && a == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		HT_ASSERT_MSG(!ip_parse(bad[i], &a), "'%s' parsed", bad[i]);
	ip_format(0xc6120002, s);
	HT_ASSERT(strcmp(s, "198.18.0.2") == 0);
	ip_format(0xffffffff, s);
	HT_ASSERT(strcmp(s, "255.255.255.255") == 0);
}

HTEST(ip_cidr)
{
	uint32_t a, m;

	HT_ASSERT(ip_parse_cidr("198.18.0.2/15", &a, &m) && a == 0xc6120002 && m == 0xfffe0000);
	HT_ASSERT(ip_parse_cidr("10.0.2.15/255.255.255.0", &a, &m) && m == 0xffffff00);
	HT_ASSERT(ip_parse_cidr("1.2.3.4/0", &a, &m) && m == 0);
	HT_ASSERT(ip_parse_cidr("1.2.3.4/32", &a, &m) && m == 0xffffffff);
	HT_ASSERT(!ip_parse_cidr("1.2.3.4/33", &a, &m));
	HT_ASSERT(!ip_parse_cidr("1.2.3.4/", &a, &m));
	HT_ASSERT(!ip_parse_cidr("1.2.3.4/1x", &a, &m));
	HT_ASSERT(!ip_parse_cidr("1.2.3.4", &a, &m));
	HT_ASSERT(!ip_parse_cidr("1.2.3.4/255.0.255.0", &a, &m));
	HT_ASSERT(!ip_parse_cidr("1.2.3.4444444444444444/8", &a, &m));
	HT_ASSERT(ip_mask_valid(0) && ip_mask_valid(0xffffffff) && ip_mask_valid(0xff800000));
	HT_ASSERT(!ip_mask_valid(0x00ffffff) && !ip_mask_valid(0xfffffffd));
}

HTEST(udp_header_round_trip)
{
	struct udp_hdr h = { 0xc6120001, 0xc6120002, 0xc6120002, 7001, 68 }, g;
	uint8_t b[UDP_HDR_LEN];

	udp_hdr_pack(b, &h);
	HT_ASSERT(b[10] == 0xff && b[11] == 0xff && b[12] == 198 && b[15] == 1);
	HT_ASSERT(b[48] == 7001 >> 8 && b[49] == (7001 & 0xff) && b[51] == 68);
	HT_ASSERT(udp_hdr_unpack(b, &g));
	HT_ASSERT(memcmp(&g, &h, sizeof(h)) == 0);
	h.laddr = 0;
	udp_hdr_pack(b, &h);
	HT_ASSERT(udp_hdr_unpack(b, &g) && g.laddr == 0);
	b[0] = 0x20;            /* an IPv6 remote address */
	HT_ASSERT(!udp_hdr_unpack(b, &g));
}
