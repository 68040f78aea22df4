/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/dhcp.c - libFuzzer target for the DHCP reply parser
 * (user/bin/net/dhcp.c) and address text (user/bin/net/ipaddr.c).
 *
 * The input is parsed twice: as a reply to the exchange it names itself
 * (xid and chaddr taken from its own bytes, so the fuzzer gets past the
 * "not ours" check and into the options) and as a reply to a fixed one.
 * Beyond the sanitizers' checks, the parser's promises: a known result
 * code; on DHCP_OK a message type, at most DHCP_DNS_MAX servers, a
 * NUL-terminated domain inside its array, and an address and a server for
 * an OFFER or ACK; the lease times it derives are ordered.  The text
 * helpers get the input as a string and must agree with themselves.
 */
#include <stdlib.h>
#include <string.h>
#include "dhcp.h"
#include "ipaddr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static void fz_parse(const uint8_t *p, size_t n, uint32_t xid, const uint8_t mac[6])
{
	struct dhcp_reply r;
	uint32_t t1, t2;
	int e = dhcp_parse(p, n, xid, mac, &r);

	FZ_CHECK(e >= DHCP_OK && e <= DHCP_ENOADDR);
	FZ_CHECK(strcmp(dhcp_strerror(e), "unknown error") != 0);
	if (e != DHCP_OK)
		return;
	FZ_CHECK(r.type != 0);
	FZ_CHECK(r.ndns <= DHCP_DNS_MAX);
	FZ_CHECK(memchr(r.domain, 0, sizeof(r.domain)) != NULL);
	if (r.type == DHCP_OFFER || r.type == DHCP_ACK)
		FZ_CHECK(r.yiaddr != 0 && r.server != 0);
	dhcp_lease_times(&r, &t1, &t2);
	FZ_CHECK(t1 <= t2);
	FZ_CHECK(r.lease == DHCP_INFINITE || t2 <= r.lease);
}

static void fz_text(const uint8_t *data, size_t size)
{
	char s[64], out[IP_STR];
	uint32_t a, m, b;
	size_t n = size < sizeof(s) - 1 ? size : sizeof(s) - 1;
	struct udp_hdr h, g;
	uint8_t hdr[UDP_HDR_LEN];

	memcpy(s, data, n);
	s[n] = 0;
	if (ip_parse(s, &a)) {
		ip_format(a, out);
		FZ_CHECK(ip_parse(out, &b) && a == b);
	}
	if (ip_parse_cidr(s, &a, &m))
		FZ_CHECK(ip_mask_valid(m));
	if (size >= UDP_HDR_LEN && udp_hdr_unpack(data, &h)) {
		udp_hdr_pack(hdr, &h);
		FZ_CHECK(udp_hdr_unpack(hdr, &g) && memcmp(&g, &h, sizeof(h)) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	/* A copy of exactly size bytes: reads past it trip ASan. */
	uint8_t *p = malloc(size ? size : 1);

	memcpy(p, data, size);
	if (size >= 34) {
		uint32_t xid = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];

		fz_parse(p, size, xid, p + 28);
	}
	fz_parse(p, size, 0x11223344, mac);
	fz_text(p, size);
	free(p);
	return 0;
}
