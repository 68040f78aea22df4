/* SPDX-License-Identifier: MIT */
/*
 * ipaddr.h - IPv4 addresses as the network tools write them, and the
 * header that #ip's UDP conversations in "headers" mode put before each
 * datagram.  Pure code (tests/host/test_dhcp.c tests it too).
 *
 *	uint32_t a, m;
 *	ip_parse("10.0.2.15", &a);              // true; a = 0x0a00020f
 *	ip_parse_cidr("198.18.0.2/15", &a, &m); // true; "/255.254.0.0" too
 *	char s[IP_STR]; ip_format(a, s);
 *
 * The UDP header (Plan 9's, 52 bytes): the remote address, the local
 * address and the interface's address, each 16 bytes in IPv6 form (an
 * IPv4 address is v4-mapped: ::ffff:a.b.c.d), then the remote and the local
 * port, big-endian.  Reads of the data file return it before the payload;
 * writes give it to say where a datagram goes.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP_STR 16               /* "255.255.255.255" and the NUL */
#define UDP_HDR_LEN 52

struct udp_hdr {
	uint32_t raddr, laddr, ifcaddr;
	uint16_t rport, lport;
};

/* A dotted quad, four decimal numbers 0-255 and nothing else. */
bool ip_parse(const char *s, uint32_t *out);
/* "A.B.C.D/LEN" (0-32) or "A.B.C.D/M.M.M.M" (a contiguous mask). */
bool ip_parse_cidr(const char *s, uint32_t *addr, uint32_t *mask);
void ip_format(uint32_t a, char out[IP_STR]);
uint32_t ip_mask_of_len(unsigned int len);
/* True for a mask of ones followed by zeros (0.0.0.0 included). */
bool ip_mask_valid(uint32_t m);

void udp_hdr_pack(uint8_t out[UDP_HDR_LEN], const struct udp_hdr *h);
/* False if the 16-byte addresses are not v4-mapped (nor all zero). */
bool udp_hdr_unpack(const uint8_t in[UDP_HDR_LEN], struct udp_hdr *h);
