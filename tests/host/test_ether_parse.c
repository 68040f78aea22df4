/* SPDX-License-Identifier: MIT */
/*
 * test_ether_parse.c - host tests of kern/drivers/net/ether_parse.c.
 *
 * Addresses in both spellings and every malformed shape (short, long,
 * bad digits, misplaced colons, "0x"), ethertypes (decimal, hex, -1, out
 * of range, signs, spaces, empty), and the receive filter over unicast to
 * us, to others, broadcast and multicast, with and without promiscuous
 * mode and the all-types connection; a connection queue's limit from the
 * receive ring (the floor, a ring of full frames, the ceiling, absurd
 * sizes a device could report).  Inputs are heap copies of exact size
 * so ASan catches a read past them; a seeded random pass feeds garbage
 * and checks that a refused input leaves the output untouched.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ether_internal.h"
#include "htest.h"

static char *dup_exact(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n);

	memcpy(p, s, n);
	return p;
}

static int addr_of(const char *s, uint8_t *a)
{
	char *p = dup_exact(s);
	int r = ether_parse_addr(p, a);

	free(p);
	return r;
}

static int type_of(const char *s, int *t)
{
	char *p = dup_exact(s);
	int r = ether_parse_type(p, t);

	free(p);
	return r;
}

HTEST(ether_addr_both_spellings)
{
	static const uint8_t want[6] = { 0x01, 0x00, 0x5e, 0xab, 0xCD, 0xef };
	uint8_t a[6];

	HT_ASSERT_EQ(addr_of("01:00:5e:ab:cd:ef", a), 0);
	HT_ASSERT(!memcmp(a, want, 6));
	memset(a, 0, 6);
	HT_ASSERT_EQ(addr_of("01005EABCDEF", a), 0);
	HT_ASSERT(!memcmp(a, want, 6));
	HT_ASSERT_EQ(addr_of("01:005e:abcd:ef", a), 0);        /* colons optional */
	HT_ASSERT(!memcmp(a, want, 6));
}

HTEST(ether_addr_malformed_refused)
{
	static const char *const bad[] = {
		"", "0", "01:00:5e:ab:cd", "01:00:5e:ab:cd:e", "01:00:5e:ab:cd:ef:",
		"01:00:5e:ab:cd:ef:00", "01::00:5e:ab:cd:ef", ":01:00:5e:ab:cd:ef",
		"0g:00:5e:ab:cd:ef", "0x:00:5e:ab:cd:ef", "01:00:5e:ab:cd:ef ",
		" 01:00:5e:ab:cd:ef", "01-00-5e-ab-cd-ef", "01005eabcdef0", "+1005eabcdef",
	};
	uint8_t a[6], keep[6] = { 9, 9, 9, 9, 9, 9 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(a, keep, 6);
		HT_ASSERT_MSG(addr_of(bad[i], a) == -EINVAL, "'%s' taken", bad[i]);
		HT_ASSERT_MSG(!memcmp(a, keep, 6), "'%s' wrote the output", bad[i]);
	}
}

HTEST(ether_type_forms)
{
	static const struct { const char *s; int t; } good[] = {
		{ "2054", 0x806 }, { "0x806", 0x806 }, { "0X86dd", 0x86dd }, { "-1", -1 },
		{ "1", 1 }, { "65535", 0xffff }, { "0xffff", 0xffff },
	};
	static const char *const bad[] = {
		"", "0", "0x0", "65536", "0x10000", "-2", "+1", " 1", "1 ", "0x",
		"x806", "08o6", "99999999999999999999999", "-1 ", "--1",
	};
	int t;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		HT_ASSERT_MSG(type_of(good[i].s, &t) == 0, "'%s' refused", good[i].s);
		HT_ASSERT_EQ(t, good[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 1234;
		HT_ASSERT_MSG(type_of(bad[i], &t) == -EINVAL, "'%s' taken", bad[i]);
		HT_ASSERT_EQ(t, 1234);
	}
}

static void header(uint8_t *h, const uint8_t *dst, int type)
{
	memcpy(h, dst, 6);
	memset(h + 6, 0x22, 6);
	h[12] = (uint8_t)(type >> 8);
	h[13] = (uint8_t)type;
}

HTEST(ether_receive_filter)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x56 };
	static const uint8_t other[6] = { 0x52, 0x54, 0, 0x12, 0x34, 0x57 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 };
	uint8_t h[14];

	header(h, mac, 0x806);
	HT_ASSERT(ether_conn_wants(0x806, false, h, mac));
	HT_ASSERT(ether_conn_wants(ETHER_TYPE_ALL, false, h, mac));
	HT_ASSERT(!ether_conn_wants(0x800, false, h, mac));
	HT_ASSERT(!ether_conn_wants(ETHER_TYPE_NONE, true, h, mac));
	header(h, other, 0x806);                        /* for someone else */
	HT_ASSERT(!ether_conn_wants(0x806, false, h, mac));
	HT_ASSERT(ether_conn_wants(0x806, true, h, mac));
	HT_ASSERT(!ether_conn_wants(0x800, true, h, mac));
	header(h, bcast, 0x800);
	HT_ASSERT(ether_conn_wants(0x800, false, h, mac));
	header(h, mcast, 0x800);
	HT_ASSERT(ether_conn_wants(0x800, false, h, mac));
	HT_ASSERT(ether_conn_wants(ETHER_TYPE_ALL, false, h, mac));
}

HTEST(ether_conn_qlimit_from_ring)
{
	HT_ASSERT_EQ(ether_conn_qlimit(0, 1500), (size_t)ETHER_CONN_QLIMIT);
	HT_ASSERT_EQ(ether_conn_qlimit(8, 1500), (size_t)ETHER_CONN_QLIMIT);
	HT_ASSERT_EQ(ether_conn_qlimit(256, 1500), (size_t)256 * 1514);
	HT_ASSERT_EQ(ether_conn_qlimit(1024, 1500), (size_t)1024 * 1514);
	/* A huge ring (or jumbo frames) stops at whole frames under the cap. */
	HT_ASSERT(ether_conn_qlimit(UINT32_MAX, 1500) <= (size_t)ETHER_CONN_QMAX);
	HT_ASSERT(ether_conn_qlimit(UINT32_MAX, 1500) > (size_t)ETHER_CONN_QMAX - 1514);
	HT_ASSERT_EQ(ether_conn_qlimit(UINT32_MAX, 1500) % 1514, (size_t)0);
	HT_ASSERT(ether_conn_qlimit(4096, 9000) <= (size_t)ETHER_CONN_QMAX);
	HT_ASSERT_EQ(ether_conn_qlimit(UINT32_MAX, UINT32_MAX), (size_t)ETHER_CONN_QLIMIT);
}

HTEST(ether_parse_random_garbage)
{
	static const char alphabet[] = "0123456789abcdefABCDEFxX:- +g";
	char buf[24];
	uint8_t a[6];
	int t;

	for (int round = 0; round < 20000; round++) {
		size_t n = htest_rand() % (sizeof(buf) - 1);
		char *p;
		uint8_t keep[6] = { 7, 7, 7, 7, 7, 7 };

		for (size_t i = 0; i < n; i++)
			buf[i] = alphabet[htest_rand() % (sizeof(alphabet) - 1)];
		buf[n] = '\0';
		p = dup_exact(buf);
		memcpy(a, keep, 6);
		if (ether_parse_addr(p, a))
			HT_ASSERT_MSG(!memcmp(a, keep, 6), "'%s' refused but written", buf);
		else
			HT_ASSERT_MSG(n >= 12 && n <= 17, "'%s' taken", buf);
		t = 4321;
		if (ether_parse_type(p, &t))
			HT_ASSERT_EQ(t, 4321);
		else
			HT_ASSERT_MSG(t == -1 || (t >= 1 && t <= 0xffff), "'%s' gave %d", buf, t);
		free(p);
	}
}
