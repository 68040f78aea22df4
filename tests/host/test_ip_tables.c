/* SPDX-License-Identifier: MIT */
/*
 * test_ip_tables.c - host tests of the ARP cache (kern/src/net/arp_cache.c)
 * and the routing table (kern/src/net/route_table.c).  ARP: a miss queues
 * and asks once, the answer releases the queue, the queue bound drops the
 * oldest, retries then give up returning the packets, OK entries expire,
 * static ones do not and the network cannot overwrite them, a flood of
 * addresses stays within max_entries.  Routes: longest prefix wins, the
 * default catches the rest, replace, remove, flush by interface,
 * non-contiguous masks refused, the ROUTE_MAX bound.  No leaks.
 */
#include <block.h>
#include <errno.h>
#include <string.h>

#include "arp_cache.h"
#include "htest.h"
#include "route_table.h"

long kmalloc_shim_live(void);

static const uint8_t mac_a[6] = { 2, 0, 0, 0, 0, 0xa };

static struct block *tb(uint8_t tag)
{
	struct block *b = allocb(4);

	*b->wp++ = tag;
	return b;
}

HTEST(arp_miss_queue_answer)
{
	struct arp_cache c;
	uint8_t mac[6];
	bool ask;
	struct block *out;

	arp_cache_init(&c, &arp_params_default);
	HT_ASSERT_EQ(arp_cache_resolve(&c, 0, IP4(10, 0, 2, 2), 0, tb(1), mac, &ask), 0);
	HT_ASSERT(ask);
	for (uint8_t i = 2; i <= 6; i++) {
		HT_ASSERT_EQ(arp_cache_resolve(&c, 0, IP4(10, 0, 2, 2), 0, tb(i), mac, &ask), 0);
		HT_ASSERT(!ask);
	}
	/* Someone else's pair is not created; ours is merged. */
	HT_ASSERT(arp_cache_learn(&c, 0, IP4(10, 0, 2, 9), mac_a, 0, 0) == NULL);
	HT_ASSERT(arp_cache_lookup(&c, 0, IP4(10, 0, 2, 9)) == NULL);
	out = arp_cache_learn(&c, 0, IP4(10, 0, 2, 2), mac_a, 0, 0);
	HT_ASSERT_EQ(block_list_count(out), arp_params_default.max_pending);
	HT_ASSERT_EQ(out->rp[0], 3);    /* 1 and 2 were dropped, oldest first */
	freeblist(out);
	struct block *b = tb(9);
	HT_ASSERT_EQ(arp_cache_resolve(&c, 0, IP4(10, 0, 2, 2), 1, b, mac, &ask), 1);
	HT_ASSERT(!memcmp(mac, mac_a, 6));
	freeb(b);
	arp_cache_flush(&c, -1);
	HT_ASSERT_EQ(block_live_count(), 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(arp_retry_then_give_up_and_expire)
{
	struct arp_cache c;
	struct arp_retry rt[4];
	struct block *dead;
	uint8_t mac[6];
	bool ask;
	uint64_t s = arp_params_default.retry_ns;

	arp_cache_init(&c, &arp_params_default);
	arp_cache_resolve(&c, 1, IP4(10, 0, 2, 3), 0, tb(1), mac, &ask);
	HT_ASSERT_EQ(arp_cache_age(&c, s - 1, rt, 4, &dead), 0);
	HT_ASSERT_EQ(arp_cache_age(&c, s, rt, 4, &dead), 1);
	HT_ASSERT(rt[0].ip == IP4(10, 0, 2, 3) && rt[0].ifc == 1);
	HT_ASSERT_EQ(arp_cache_age(&c, 2 * s, rt, 4, &dead), 1);
	HT_ASSERT(dead == NULL);
	HT_ASSERT_EQ(arp_cache_age(&c, 3 * s, rt, 4, &dead), 0);   /* third try: give up */
	HT_ASSERT_EQ(block_list_count(dead), 1);
	freeblist(dead);
	HT_ASSERT_EQ(c.nr, 0);
	/* OK entries expire after ttl; static ones never, nor are overwritten. */
	freeblist(arp_cache_learn(&c, 0, IP4(1, 1, 1, 1), mac_a, 0, ARP_OK));
	freeblist(arp_cache_learn(&c, 0, IP4(1, 1, 1, 2), mac_a, 0, ARP_STATIC));
	freeblist(arp_cache_learn(&c, 0, IP4(1, 1, 1, 2), mac, 0, ARP_OK));
	HT_ASSERT(!memcmp(arp_cache_lookup(&c, 0, IP4(1, 1, 1, 2))->mac, mac_a, 6));
	arp_cache_age(&c, arp_params_default.ttl_ns, rt, 4, &dead);
	HT_ASSERT(arp_cache_lookup(&c, 0, IP4(1, 1, 1, 1)) == NULL);
	HT_ASSERT(arp_cache_lookup(&c, 0, IP4(1, 1, 1, 2)) != NULL);
	HT_ASSERT_EQ(arp_cache_del(&c, 0, IP4(1, 1, 1, 2)), 0);
	HT_ASSERT_EQ(arp_cache_del(&c, 0, IP4(1, 1, 1, 2)), -ENOENT);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(arp_flood_bounded)
{
	struct arp_cache c;

	arp_cache_init(&c, &arp_params_default);
	freeblist(arp_cache_learn(&c, 0, IP4(9, 9, 9, 9), mac_a, 0, ARP_STATIC));
	for (uint32_t i = 0; i < 5000; i++) {
		uint8_t mac[6];
		bool ask;

		if (i & 1)
			freeblist(arp_cache_learn(&c, 0, IP4(10, 1, 0, 0) + i, mac_a, i, ARP_OK));
		else
			arp_cache_resolve(&c, 0, IP4(10, 2, 0, 0) + i, i, tb(0), mac, &ask);
		HT_ASSERT(c.nr <= arp_params_default.max_entries);
	}
	HT_ASSERT(c.st.evicted > 0);
	HT_ASSERT(arp_cache_lookup(&c, 0, IP4(9, 9, 9, 9)) != NULL);
	arp_cache_flush(&c, -1);
	HT_ASSERT_EQ(c.nr, 0);
	HT_ASSERT_EQ(block_live_count(), 0);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(route_longest_prefix)
{
	struct route_table t;
	struct route r;

	route_table_init(&t);
	HT_ASSERT_EQ(route_add(&t, 0, 0, IP4(10, 0, 2, 2), 0, 0), 0);
	HT_ASSERT_EQ(route_add(&t, IP4(10, 0, 2, 0), 0xffffff00, 0, 0, ROUTE_IFC), 0);
	HT_ASSERT_EQ(route_add(&t, IP4(127, 0, 0, 0), 0xff000000, 0, 1, ROUTE_IFC), 0);
	HT_ASSERT_EQ(route_add(&t, IP4(10, 0, 2, 77), 0xffffffff, IP4(10, 0, 2, 3), 0, 0), 0);
	HT_ASSERT(route_lookup(&t, IP4(10, 0, 2, 5), &r) && r.gw == 0 && r.plen == 24);
	HT_ASSERT(route_lookup(&t, IP4(10, 0, 2, 77), &r) && r.gw == IP4(10, 0, 2, 3));
	HT_ASSERT(route_lookup(&t, IP4(127, 1, 2, 3), &r) && r.ifc == 1);
	HT_ASSERT(route_lookup(&t, IP4(8, 8, 8, 8), &r) && r.gw == IP4(10, 0, 2, 2));
	/* Replace the default, then remove it: 8.8.8.8 has no route. */
	HT_ASSERT_EQ(route_add(&t, 0, 0, IP4(10, 0, 2, 4), 0, 0), 0);
	HT_ASSERT(route_lookup(&t, IP4(8, 8, 8, 8), &r) && r.gw == IP4(10, 0, 2, 4));
	HT_ASSERT_EQ(route_remove(&t, 0, 0), 0);
	HT_ASSERT(!route_lookup(&t, IP4(8, 8, 8, 8), &r));
	HT_ASSERT_EQ(route_remove(&t, 0, 0), -ENOENT);
	/* Destinations are masked; bad masks refused. */
	HT_ASSERT_EQ(route_add(&t, IP4(192, 168, 1, 9), 0xffffff00, 0, 2, 0), 0);
	HT_ASSERT(route_lookup(&t, IP4(192, 168, 1, 200), &r) && r.dst == IP4(192, 168, 1, 0));
	HT_ASSERT_EQ(route_add(&t, 0, 0xff00ff00, 0, 0, 0), -EINVAL);
	HT_ASSERT_EQ(route_mask_len(0xffffffff), 32);
	HT_ASSERT_EQ(route_mask_len(0), 0);
	HT_ASSERT_EQ(route_mask_len(0x80000001), -1);
	route_flush(&t, 0);
	HT_ASSERT(!route_lookup(&t, IP4(10, 0, 2, 5), &r));
	HT_ASSERT(route_lookup(&t, IP4(127, 0, 0, 1), &r));
	route_table_free(&t);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}

HTEST(route_bound)
{
	struct route_table t;

	route_table_init(&t);
	for (uint32_t i = 0; i < ROUTE_MAX; i++)
		HT_ASSERT_EQ(route_add(&t, i << 8, 0xffffff00, 0, 0, 0), 0);
	HT_ASSERT_EQ(route_add(&t, 0xff000000, 0xff000000, 0, 0, 0), -ENOSPC);
	HT_ASSERT_EQ(route_add(&t, 5 << 8, 0xffffff00, 7, 0, 0), 0);     /* replace ok */
	route_table_free(&t);
	HT_ASSERT_EQ(kmalloc_shim_live(), 0);
}
