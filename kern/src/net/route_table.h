/* SPDX-License-Identifier: MIT */
/*
 * route_table.h - the IPv4 routing table as a pure data structure
 * (route_table.c): routes (destination, mask, gateway, interface) kept
 * sorted by prefix length, longest first, so the first match of a lookup
 * is the longest-prefix match; 0.0.0.0/0 is the default route.
 *
 *	route_table_init(&t);
 *	route_add(&t, dst, mask, gw, ifc);     // 0, -EINVAL, -ENOSPC, -ENOMEM
 *	r = route_lookup(&t, addr, &copy);    // true: copy filled
 *	route_remove(&t, dst, mask);           // 0 or -ENOENT
 *
 * A gateway of 0 means "on link": the next hop is the destination itself.
 * Masks must be contiguous; the destination is masked on entry.  Adding a
 * route with the destination and mask of an existing one replaces it.
 * Tables are small (interfaces' subnets, a default, a few statics), so the
 * lookup is a scan of a sorted array: at most ROUTE_MAX entries.
 *
 * Locking: none inside; iproute.c holds its lock around every call.
 * Pure, built for host tests (tests/host/ip_tables.mk).
 */
#pragma once

#include <types.h>

#define ROUTE_MAX 256

/* Route flags: ROUTE_IFC routes are made by ipifc 'add' (the subnet of an
 * address) and removed with it; user routes are not. */
#define ROUTE_IFC  (1u << 0)

struct route {
	uint32_t dst, mask, gw;
	unsigned int ifc;
	uint32_t flags;
	uint8_t plen;
};

struct route_table {
	struct route *v;                /* sorted by plen, longest first */
	unsigned int n, cap;
};

void route_table_init(struct route_table *t);
void route_table_free(struct route_table *t);
/* The prefix length of a contiguous mask, or -1. */
int route_mask_len(uint32_t mask);
int route_add(struct route_table *t, uint32_t dst, uint32_t mask, uint32_t gw,
              unsigned int ifc, uint32_t flags);
int route_remove(struct route_table *t, uint32_t dst, uint32_t mask);
/* Removes every route (ifc < 0) or every route through ifc. */
void route_flush(struct route_table *t, int ifc);
bool route_lookup(const struct route_table *t, uint32_t addr, struct route *out);
