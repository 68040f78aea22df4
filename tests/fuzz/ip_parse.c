/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/ip_parse.c - libFuzzer target for the wire parsers
 * (kern/include/ipwire.h).  The input is tried as an IPv4 datagram (with
 * and without the checksum check), then its payload as ICMP and UDP, and
 * the whole input as ARP.  Beyond the sanitizers' checks: an accepted IPv4
 * header has 20 <= hlen <= tot_len <= size and a fragment that ends by
 * 65535; an accepted UDP header's length lies inside its datagram; a
 * refusal always says why; the checksum of a block-list split of the
 * input equals the flat one.
 */
#include <block.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <ipwire.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static void fz_l4(const uint8_t *p, size_t len)
{
	struct icmp_info m;
	struct udp_info u;
	const char *why = NULL;

	if (icmp_parse(p, len, &m, &why) < 0)
		FZ_CHECK(why);
	why = NULL;
	if (udp_parse(p, len, &u, &why) == 0)
		FZ_CHECK(u.len >= UDP_HDR_LEN && u.len <= len);
	else
		FZ_CHECK(why);
}

static void fz_blist(const uint8_t *data, size_t size)
{
	size_t cut = size ? data[0] % size : 0;
	struct block *a = allocb(cut), *b = allocb(size - cut);

	memcpy(a->wp, data, cut);
	a->wp += cut;
	memcpy(b->wp, data + cut, size - cut);
	b->wp += size - cut;
	a->next = b;
	FZ_CHECK(ip_csum_fold(ip_csum_blist(a, 0, size, 0)) == ip_csum(data, size));
	freeblist(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ip4_info h;
	struct arp_info a;
	const char *why = NULL;

	for (int csum = 0; csum < 2; csum++) {
		why = NULL;
		if (ip4_parse(data, size, &h, csum, &why) == 0) {
			FZ_CHECK(h.hlen >= IP4_HDR_LEN && h.hlen <= h.tot_len && h.tot_len <= size);
			FZ_CHECK((uint32_t)h.frag_off + h.tot_len - h.hlen <= IP4_MAX_LEN);
			fz_l4(data + h.hlen, h.tot_len - h.hlen);
		} else {
			FZ_CHECK(why);
		}
	}
	why = NULL;
	if (arp_parse(data, size, &a, &why) == 0)
		FZ_CHECK(a.op == ARP_REQUEST || a.op == ARP_REPLY);
	else
		FZ_CHECK(why);
	fz_blist(data, size);
	return 0;
}
