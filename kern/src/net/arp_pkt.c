/* SPDX-License-Identifier: MIT */
/*
 * arp_pkt.c - the ARP packet for IPv4 over Ethernet (RFC 826): hardware
 * type 1, protocol 0x0800, address lengths 6 and 4, operation request or
 * reply.  Anything else is refused so that the cache (arp_cache.c) only
 * ever sees well-formed pairs.  Pure code: see ipwire.h.
 */
#include <block.h>
#include <errno.h>
#include <kstring.h>

#include <ipwire.h>

int arp_parse(const uint8_t *p, size_t len, struct arp_info *a, const char **why)
{
	if (len < ARP_PKT_LEN) {
		*why = "shorter than an ARP packet";
		return -EBADMSG;
	}
	if (get_be16(p) != 1 || get_be16(p + 2) != ETHERTYPE_IP || p[4] != ETH_ALEN ||
	    p[5] != 4) {
		*why = "ARP for another hardware or protocol";
		return -EBADMSG;
	}
	a->op = get_be16(p + 6);
	if (a->op != ARP_REQUEST && a->op != ARP_REPLY) {
		*why = "ARP operation neither request nor reply";
		return -EBADMSG;
	}
	memcpy(a->sha, p + 8, ETH_ALEN);
	a->spa = get_be32(p + 14);
	memcpy(a->tha, p + 18, ETH_ALEN);
	a->tpa = get_be32(p + 24);
	return 0;
}

size_t arp_build(uint8_t *p, const struct arp_info *a)
{
	put_be16(p, 1);
	put_be16(p + 2, ETHERTYPE_IP);
	p[4] = ETH_ALEN;
	p[5] = 4;
	put_be16(p + 6, a->op);
	memcpy(p + 8, a->sha, ETH_ALEN);
	put_be32(p + 14, a->spa);
	memcpy(p + 18, a->tha, ETH_ALEN);
	put_be32(p + 24, a->tpa);
	return ARP_PKT_LEN;
}
