/* SPDX-License-Identifier: MIT */
/*
 * test_lx_sockaddr.c - host tests of the socket addresses of the
 * translation layer (tools/compilers/musl/vireo/lx_sockaddr.c): Linux's
 * sockaddr_in in (family, length, byte order) and out (truncation to the
 * caller's length, the full length reported), #ip's "ADDR!PORT" text both
 * ways with malformed text refused, and the 52-byte UDP headers-mode
 * header.  Part of the libc_lx suite (tests/host/libc_lx.mk).
 */
#include <string.h>
#include "htest.h"
#include "lx_sock.h"

HTEST(sockaddr_in_in_checks_family_and_length)
{
	struct lx_sockaddr_in in = { .sin_family = LX_AF_INET, .sin_port = 0x5000,
	                             .sin_addr = 0x0100007f };      /* 80, 127.0.0.1 */
	uint32_t addr = 0;
	uint16_t port = 0;

	HT_ASSERT_EQ(lx_sa_in_get(&in, sizeof(in), &addr, &port), 0);
	HT_ASSERT_EQ(addr, 0x7f000001);
	HT_ASSERT_EQ(port, 80);
	HT_ASSERT_EQ(lx_sa_in_get(NULL, sizeof(in), &addr, &port), -LX_EFAULT);
	HT_ASSERT_EQ(lx_sa_in_get(&in, 1, &addr, &port), -LX_EINVAL);
	HT_ASSERT_EQ(lx_sa_in_get(&in, sizeof(in) - 1, &addr, &port), -LX_EINVAL);
	in.sin_family = 10;     /* AF_INET6 */
	HT_ASSERT_EQ(lx_sa_in_get(&in, sizeof(in), &addr, &port), -LX_EAFNOSUPPORT);
	in.sin_family = LX_AF_UNIX;
	HT_ASSERT_EQ(lx_sa_in_get(&in, 2, &addr, &port), -LX_EAFNOSUPPORT);
}

HTEST(sockaddr_in_out_truncates_and_reports_the_length)
{
	unsigned char buf[32];
	struct lx_sockaddr_in in;
	uint32_t len = sizeof(buf);

	memset(buf, 0xee, sizeof(buf));
	HT_ASSERT_EQ(lx_sa_in_put(buf, &len, 0x0a00020f, 8080), 0);
	HT_ASSERT_EQ(len, sizeof(in));
	memcpy(&in, buf, sizeof(in));
	HT_ASSERT_EQ(in.sin_family, LX_AF_INET);
	HT_ASSERT_EQ(in.sin_port, 0x901f);
	HT_ASSERT_EQ(in.sin_addr, 0x0f02000a);
	HT_ASSERT_EQ(buf[sizeof(in)], 0xee);
	memset(buf, 0xee, sizeof(buf));
	len = 4;
	HT_ASSERT_EQ(lx_sa_in_put(buf, &len, 0x0a00020f, 8080), 0);
	HT_ASSERT_EQ(len, sizeof(in));
	HT_ASSERT_EQ(buf[4], 0xee);
	len = (uint32_t)-1;
	HT_ASSERT_EQ(lx_sa_in_put(buf, &len, 1, 1), -LX_EINVAL);
	HT_ASSERT_EQ(lx_sa_in_put(NULL, &len, 1, 1), -LX_EFAULT);
	HT_ASSERT_EQ(lx_sa_in_put(buf, NULL, 1, 1), -LX_EFAULT);
	len = sizeof(buf);
	HT_ASSERT_EQ(lx_sa_un_put(buf, &len, NULL), 0);
	HT_ASSERT_EQ(len, 2);
	HT_ASSERT_EQ(buf[0], LX_AF_UNIX);
	len = sizeof(buf);
	HT_ASSERT_EQ(lx_sa_un_put(buf, &len, "/tmp/s"), 0);
	HT_ASSERT_EQ(len, 2 + 7);               /* the path and its NUL */
	HT_ASSERT_STREQ((char *)buf + 2, "/tmp/s");
	len = 4;                                /* truncated, full length reported */
	memset(buf, 0xee, sizeof(buf));
	HT_ASSERT_EQ(lx_sa_un_put(buf, &len, "/tmp/s"), 0);
	HT_ASSERT_EQ(len, 9);
	HT_ASSERT_EQ(buf[4], 0xee);
}

HTEST(ip_text_parses_and_formats)
{
	char buf[24];
	uint32_t addr;
	uint16_t port;

	HT_ASSERT(lx_sa_parse("127.0.0.1!80\n", &addr, &port));
	HT_ASSERT_EQ(addr, 0x7f000001);
	HT_ASSERT_EQ(port, 80);
	HT_ASSERT(lx_sa_parse("0.0.0.0!0", &addr, &port));
	HT_ASSERT_EQ(addr, 0);
	HT_ASSERT(lx_sa_parse("255.255.255.255!65535", &addr, &port));
	HT_ASSERT_EQ(addr, 0xffffffff);
	HT_ASSERT_EQ(port, 65535);
	HT_ASSERT(!lx_sa_parse("256.0.0.1!80", &addr, &port));
	HT_ASSERT(!lx_sa_parse("1.2.3!80", &addr, &port));
	HT_ASSERT(!lx_sa_parse("1.2.3.4!65536", &addr, &port));
	HT_ASSERT(!lx_sa_parse("1.2.3.4!", &addr, &port));
	HT_ASSERT(!lx_sa_parse("1.2.3.4!80x", &addr, &port));
	HT_ASSERT(!lx_sa_parse("", &addr, &port));
	HT_ASSERT(!lx_sa_parse("1.2.3.4.5!80", &addr, &port));
	lx_sa_format(buf, 0x0a00020f, 8080);
	HT_ASSERT_STREQ(buf, "10.0.2.15!8080");
	lx_sa_format(buf, 0xffffffff, 65535);
	HT_ASSERT_STREQ(buf, "255.255.255.255!65535");
}

HTEST(udp_headers_mode_header_round_trips)
{
	uint8_t h[LX_UDP_HDR];
	uint32_t addr;
	uint16_t port;

	lx_udp_hdr_put(h, 0xc0a80102, 5353);
	HT_ASSERT_EQ(h[10], 0xff);
	HT_ASSERT_EQ(h[11], 0xff);
	HT_ASSERT_EQ(h[12], 192);
	HT_ASSERT_EQ(h[15], 2);
	HT_ASSERT_EQ(h[48], 5353 >> 8);
	HT_ASSERT_EQ(h[49], 5353 & 0xff);
	for (int i = 16; i < 48; i++)
		HT_ASSERT_EQ(h[i], 0);  /* laddr, ifcaddr: the kernel chooses */
	lx_udp_hdr_get(h, &addr, &port);
	HT_ASSERT_EQ(addr, 0xc0a80102);
	HT_ASSERT_EQ(port, 5353);
}
