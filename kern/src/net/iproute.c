/* SPDX-License-Identifier: MIT */
/*
 * iproute.c - #ip/iproute: the routing table (route_table.c) behind one
 * spinlock, and its text form.
 *
 *	read:   one line per route, longest prefix first:
 *	        "DST MASK GATEWAY IFC FLAGS"  (gateway 0.0.0.0 = on link;
 *	        flags "i" for an interface's own subnet, "-" otherwise)
 *	write:  "add DST MASK GATEWAY"  (the interface is the one whose subnet
 *	        holds GATEWAY; "add DST MASK 0.0.0.0 IFC" for an on-link route)
 *	        "remove DST MASK", "flush" (every route that is not an
 *	        interface's subnet)
 *
 * Lock "ip route" (spinlock): held for each table call, never across
 * anything else; lookups copy the route out.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <slice.h>

#include <ip.h>
#include "route_table.h"

static spinlock_t iproute_lock = SPINLOCK_INITIALIZER("ip route");
static struct route_table iproute_table;        /* [iproute_lock] */

void iproute_init(void)
{
	route_table_init(&iproute_table);
}

bool iproute_lookup(uint32_t dst, struct route *r)
{
	bool ok;

	spin_lock(&iproute_lock);
	ok = route_lookup(&iproute_table, dst, r);
	spin_unlock(&iproute_lock);
	return ok;
}

int iproute_add(uint32_t dst, uint32_t mask, uint32_t gw, unsigned int ifc, uint32_t flags)
{
	int ret;

	spin_lock(&iproute_lock);
	ret = route_add(&iproute_table, dst, mask, gw, ifc, flags);
	spin_unlock(&iproute_lock);
	return ret;
}

int iproute_remove(uint32_t dst, uint32_t mask)
{
	int ret;

	spin_lock(&iproute_lock);
	ret = route_remove(&iproute_table, dst, mask);
	spin_unlock(&iproute_lock);
	return ret;
}

void iproute_flush_ifc(int ifc)
{
	spin_lock(&iproute_lock);
	route_flush(&iproute_table, ifc);
	spin_unlock(&iproute_lock);
}

/* Removes every user route (not ROUTE_IFC). */
static void iproute_flush_user(void)
{
	spin_lock(&iproute_lock);
	for (unsigned int i = iproute_table.n; i-- > 0;) {
		struct route *r = &iproute_table.v[i];

		if (!(r->flags & ROUTE_IFC))
			route_remove(&iproute_table, r->dst, r->mask);
	}
	spin_unlock(&iproute_lock);
}

void iproute_read(struct slice *s)
{
	struct route *copy = kmalloc_array(ROUTE_MAX, sizeof(*copy), MEM_WAIT);
	unsigned int n;
	char a[16], m[16], g[16];

	if (!copy)
		error(ENOMEM, "#ip/iproute: no memory for a listing");
	spin_lock(&iproute_lock);
	n = iproute_table.n;
	memcpy(copy, iproute_table.v, n * sizeof(copy[0]));
	spin_unlock(&iproute_lock);
	for (unsigned int i = 0; i < n; i++)
		slice_printf(s, "%-15s %-15s %-15s %u %s\n", ip_fmt_addr(a, copy[i].dst),
		             ip_fmt_addr(m, copy[i].mask), ip_fmt_addr(g, copy[i].gw),
		             copy[i].ifc, copy[i].flags & ROUTE_IFC ? "i" : "-");
	kfree(copy);
}

/* The interface of the on-link route that reaches gw. */
static unsigned int iproute_ifc_for(uint32_t gw)
{
	struct route r;
	char a[16];

	if (!iproute_lookup(gw, &r) || r.gw != 0)
		error(ENETUNREACH, "#ip/iproute: gateway %s is not on a connected subnet",
		      ip_fmt_addr(a, gw));
	return r.ifc;
}

static void iproute_ctl_add(int argc, char **argv)
{
	uint32_t dst, mask, gw;
	unsigned int ifc;
	uint64_t v;
	int ret;

	if (argc < 4 || argc > 5)
		error(EINVAL, "#ip/iproute: want 'add DST MASK GATEWAY [IFC]'");
	if (!ip_parse_addr(argv[1], &dst) || !ip_parse_mask(argv[2], &mask) ||
	    !ip_parse_addr(argv[3], &gw))
		error(EINVAL, "#ip/iproute: bad address, mask or gateway in 'add %s %s %s'",
		      argv[1], argv[2], argv[3]);
	if (argc == 5) {
		if (kstrtou64(argv[4], strlen(argv[4]), 10, &v) || v >= IP_MAX_IFC)
			error(EINVAL, "#ip/iproute: bad interface '%s'", argv[4]);
		ifc = (unsigned int)v;
	} else {
		if (!gw)
			error(EINVAL, "#ip/iproute: an on-link route needs an interface");
		ifc = iproute_ifc_for(gw);
	}
	ret = iproute_add(dst, mask, gw, ifc, 0);
	if (ret)
		error(-ret, "#ip/iproute: cannot add the route (table full or no memory)");
}

void iproute_ctl(char *msg)
{
	char *argv[8];
	int argc = ip_tokenize(msg, argv, ARRAY_SIZE(argv));
	uint32_t dst, mask;

	if (argc <= 0)
		error(EINVAL, "#ip/iproute: empty or overlong message");
	if (!strcmp(argv[0], "add")) {
		iproute_ctl_add(argc, argv);
	} else if (!strcmp(argv[0], "remove") || !strcmp(argv[0], "del")) {
		if (argc != 3 || !ip_parse_addr(argv[1], &dst) || !ip_parse_mask(argv[2], &mask))
			error(EINVAL, "#ip/iproute: want 'remove DST MASK'");
		if (iproute_remove(dst, mask))
			error(ENOENT, "#ip/iproute: no route %s %s", argv[1], argv[2]);
	} else if (!strcmp(argv[0], "flush") && argc == 1) {
		iproute_flush_user();
	} else {
		error(EINVAL, "#ip/iproute: unknown message '%s' (want add, remove, flush)",
		      argv[0]);
	}
}
