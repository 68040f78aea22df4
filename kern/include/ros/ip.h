/* SPDX-License-Identifier: MIT */
/*
 * ros/ip.h - what user space and #ip share (kernel side:
 * kern/src/net/udp.c; user side: the BSD socket layer and tools that use
 * "headers" mode, Documentation/dev/ip.md).
 *
 * A UDP conversation with "headers" set in its ctl carries, in front of
 * each datagram read from or written to its data file, this header (Plan
 * 9's layout, so IPv6 fits later): addresses are 16 bytes, an IPv4 address
 * in the IPv4-mapped form ::ffff:a.b.c.d; ports are big-endian.  On a
 * write, raddr and rport say where the datagram goes; laddr, if not zero,
 * is the source address (it must be one of ours); ifcaddr and lport are
 * ignored.  On a read, raddr/rport are the sender, laddr the address it
 * was sent to, ifcaddr the address of the interface it arrived on.
 */
#pragma once

#include <stdint.h>

#define IP_UDP_HDRS_LEN 52

struct ip_udp_hdrs {
	uint8_t raddr[16];
	uint8_t laddr[16];
	uint8_t ifcaddr[16];
	uint8_t rport[2];
	uint8_t lport[2];
};
