/* SPDX-License-Identifier: MIT */
/*
 * ether_parse.c - the pure parts of #ether that untrusted input reaches:
 * addresses and ethertypes in ctl messages, which connection a received
 * frame's header selects, and how much a connection's queue holds (from
 * the driver's receive ring, whose size a device may report).  No locks,
 * no allocation, no error(): 0 or -EINVAL, so host tests run them under
 * ASan/UBSan (tests/host/test_ether_parse.c).
 */
#include <errno.h>
#include <kstring.h>

#include "ether_internal.h"

int ether_parse_addr(const char *s, uint8_t *addr)
{
	uint8_t a[ETHER_ADDR_LEN];

	for (int i = 0; i < ETHER_ADDR_LEN; i++) {
		uint64_t v;

		/* two hex digits ("0x" alone has none after its prefix) */
		if (strnlen(s, 2) < 2 || kstrtou64(s, 2, 16, &v))
			return -EINVAL;
		a[i] = (uint8_t)v;
		s += 2;
		if (*s == ':' && i < ETHER_ADDR_LEN - 1)
			s++;
	}
	if (*s)
		return -EINVAL;
	memcpy(addr, a, ETHER_ADDR_LEN);
	return 0;
}

int ether_parse_type(const char *s, int *type)
{
	uint64_t v;

	if (!strcmp(s, "-1")) {
		*type = ETHER_TYPE_ALL;
		return 0;
	}
	if (!s[0] || kstrtou64(s, strlen(s), 0, &v) || v == 0 || v > 0xffff)
		return -EINVAL;
	*type = (int)v;
	return 0;
}

bool ether_conn_wants(int conn_type, bool prom, const uint8_t *hdr, const uint8_t *mac)
{
	int type = hdr[12] << 8 | hdr[13];
	bool mine = (hdr[0] & 1) || !memcmp(hdr, mac, ETHER_ADDR_LEN);

	if (conn_type != type && conn_type != ETHER_TYPE_ALL)
		return false;
	return mine || prom;
}

size_t ether_conn_qlimit(unsigned int rx_burst, unsigned int mtu)
{
	size_t frame = (size_t)mtu + ETHER_HDR_LEN;
	size_t want = MIN((size_t)rx_burst, ETHER_CONN_QMAX / frame) * frame;

	return MAX(want, (size_t)ETHER_CONN_QLIMIT);
}
