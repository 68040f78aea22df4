/* SPDX-License-Identifier: MIT */
/*
 * ipwire.h - what IPv4, ICMP, UDP and ARP look like on the wire: constants,
 * the host-order structs a parser fills in, and the pure functions that
 * parse, build and checksum them (cksum.c, ip4_hdr.c, icmp_hdr.c,
 * udp_hdr.c, arp_pkt.c).
 *
 *	struct ip4_info h;
 *	if (ip4_parse(p, len, &h, true) < 0) drop;   // validated, host order
 *	n = ip4_build(p, &h);                        // 20 bytes, checksum filled
 *
 * Rule: every field of a packet is bounds-checked once, here, at the edge;
 * the rest of the stack only sees these structs.  A parser never reads
 * outside [p, p+len), returns 0 or a negative errno (-EBADMSG malformed,
 * -EPROTO a checksum that does not match), and sets *why to a short reason
 * a caller can log.  Nothing here allocates, locks or calls error(), so the
 * files build for host unit tests and libFuzzer (tests/host/ip_wire.mk,
 * tests/fuzz/ip_parse.mk).  Addresses and ports are host order in structs.
 */
#pragma once

#include <types.h>

struct block;

/* RFC 791 */
#define IP4_HDR_LEN      20
#define IP4_MAX_HDR_LEN  60
#define IP4_MAX_LEN      65535
#define IP4_VERSION      4
#define IP4_DF           0x4000
#define IP4_MF           0x2000
#define IP4_OFF_MASK     0x1fff
#define IP4_DEFAULT_TTL  64

#define IP_PROTO_ICMP    1
#define IP_PROTO_TCP     6
#define IP_PROTO_UDP     17

/* RFC 792 */
#define ICMP_HDR_LEN     8
#define ICMP_ECHOREPLY   0
#define ICMP_UNREACH     3
#define ICMP_ECHO        8
#define ICMP_TIMEX       11
#define ICMP_UNREACH_NET   0
#define ICMP_UNREACH_HOST  1
#define ICMP_UNREACH_PROTO 2
#define ICMP_UNREACH_PORT  3
#define ICMP_UNREACH_NEEDFRAG 4
#define ICMP_TIMEX_TTL     0
#define ICMP_TIMEX_REASM   1

/* RFC 768 */
#define UDP_HDR_LEN      8

/* RFC 826 over Ethernet */
#define ETH_HDR_LEN      14
#define ETH_ALEN         6
#define ETHERTYPE_IP     0x0800
#define ETHERTYPE_ARP    0x0806
#define ARP_PKT_LEN      28
#define ARP_REQUEST      1
#define ARP_REPLY        2

/* Dotted quad helpers (host order). */
#define IP4(a, b, c, d) (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | \
                         ((uint32_t)(c) << 8) | (uint32_t)(d))
#define IP4_BCAST       0xffffffffu
#define IP4_LOOPBACK    IP4(127, 0, 0, 1)

static inline uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t get_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ---------------------------------------------------- checksum (cksum.c) */

/* RFC 1071 one's-complement sum: adds n bytes at p, as big-endian 16-bit
 * words starting at an even offset, to a running sum (start from 0). */
uint32_t ip_csum_add(uint32_t sum, const void *p, size_t n);
/* Folds a running sum to 16 bits and complements it: the checksum field. */
uint16_t ip_csum_fold(uint32_t sum);
/* The checksum of n bytes (0 when a header holding its checksum is good). */
uint16_t ip_csum(const void *p, size_t n);
/* The running sum over bytes [off, off+len) of a block list (header areas
 * and extra data), odd boundaries handled.  Stops at the list's end. */
uint32_t ip_csum_blist(const struct block *b, size_t off, size_t len, uint32_t sum);
/* The sum of the TCP/UDP pseudo header (RFC 768, 793). */
uint32_t ip_csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint16_t len);

/* ---------------------------------------------------- IPv4 (ip4_hdr.c) */

struct ip4_info {
	uint32_t src, dst;
	uint16_t tot_len;       /* header and payload */
	uint16_t id;
	uint16_t frag_off;      /* in bytes (8-byte units * 8) */
	bool mf, df;
	uint8_t hlen;           /* header bytes, 20..60 */
	uint8_t ttl, tos, proto;
	uint8_t nr_opts;        /* options seen (ignored) */
};

/* Validates and decodes the header at p (len bytes available, maybe more
 * than the datagram: the link may pad).  csum: verify the header checksum
 * (false when the NIC did).  0, -EBADMSG or -EPROTO; *why says why. */
int ip4_parse(const uint8_t *p, size_t len, struct ip4_info *h, bool csum,
              const char **why);
/* Walks options [p, p+len): 0 and their count in *nr, or -EBADMSG for an
 * option whose length runs out of the area or is below 2. */
int ip4_opts_walk(const uint8_t *p, size_t len, uint8_t *nr, const char **why);
/* Writes a 20-byte header (no options) from h, checksum included; h->hlen
 * is ignored.  Returns IP4_HDR_LEN. */
size_t ip4_build(uint8_t *p, const struct ip4_info *h);

/* ---------------------------------------------------- ICMP (icmp_hdr.c) */

struct icmp_info {
	uint8_t type, code;
	uint16_t id, seq;       /* echo and echo reply; 0 otherwise */
	uint32_t rest;          /* bytes 4..7 as one word */
};

/* Decodes the ICMP message [p, p+len) (the whole message, for the
 * checksum).  0, -EBADMSG (under 8 bytes) or -EPROTO. */
int icmp_parse(const uint8_t *p, size_t len, struct icmp_info *m, const char **why);
/* Writes an 8-byte ICMP header with a zero checksum field; the caller sums
 * the whole message and stores it with icmp_set_csum. */
void icmp_build(uint8_t *p, const struct icmp_info *m);
void icmp_set_csum(uint8_t *p, uint16_t csum);

/* ---------------------------------------------------- UDP (udp_hdr.c) */

struct udp_info {
	uint16_t sport, dport;
	uint16_t len;           /* header and payload, from the header */
	uint16_t csum;          /* as sent; 0 = none */
};

/* Decodes the header of a UDP datagram of len bytes (IP payload length):
 * 0, or -EBADMSG for a short datagram or a length field that disagrees. */
int udp_parse(const uint8_t *p, size_t len, struct udp_info *u, const char **why);
/* Writes the header; the checksum field is u->csum. */
void udp_build(uint8_t *p, const struct udp_info *u);
/* The value for the checksum field from the finished sum (0 becomes
 * 0xffff: RFC 768 keeps 0 for "no checksum"). */
uint16_t udp_csum_final(uint32_t sum);

/* ---------------------------------------------------- ARP (arp_pkt.c) */

struct arp_info {
	uint16_t op;
	uint8_t sha[ETH_ALEN], tha[ETH_ALEN];
	uint32_t spa, tpa;
};

/* Decodes an Ethernet/IPv4 ARP packet (after the Ethernet header):
 * 0, or -EBADMSG (short, or not hardware 1 / protocol 0x800 / 6 / 4, or
 * an op other than request and reply). */
int arp_parse(const uint8_t *p, size_t len, struct arp_info *a, const char **why);
/* Writes the 28-byte packet. */
size_t arp_build(uint8_t *p, const struct arp_info *a);
