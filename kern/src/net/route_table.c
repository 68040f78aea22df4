/* SPDX-License-Identifier: MIT */
/*
 * route_table.c - the routing table (model: route_table.h).  The array
 * grows by doubling up to ROUTE_MAX; insertion keeps it sorted by prefix
 * length (longest first, ties in insertion order).
 */
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>

#include "route_table.h"

void route_table_init(struct route_table *t)
{
	memset(t, 0, sizeof(*t));
}

void route_table_free(struct route_table *t)
{
	kfree(t->v);
	route_table_init(t);
}

int route_mask_len(uint32_t mask)
{
	int n = 0;

	while (n < 32 && (mask & (0x80000000u >> n)))
		n++;
	if (n < 32 && (mask << n) != 0)
		return -1;
	return n;
}

static int route_find(const struct route_table *t, uint32_t dst, uint32_t mask)
{
	for (unsigned int i = 0; i < t->n; i++)
		if (t->v[i].dst == dst && t->v[i].mask == mask)
			return (int)i;
	return -1;
}

static int route_grow(struct route_table *t)
{
	unsigned int cap = t->cap ? t->cap * 2 : 8;
	struct route *v;

	if (t->n < t->cap)
		return 0;
	if (t->n >= ROUTE_MAX)
		return -ENOSPC;
	if (cap > ROUTE_MAX)
		cap = ROUTE_MAX;
	v = krealloc(t->v, cap * sizeof(*v), MEM_ATOMIC);
	if (!v)
		return -ENOMEM;
	t->v = v;
	t->cap = cap;
	return 0;
}

int route_add(struct route_table *t, uint32_t dst, uint32_t mask, uint32_t gw,
              unsigned int ifc, uint32_t flags)
{
	int plen = route_mask_len(mask), i, ret;
	unsigned int at;
	struct route r;

	if (plen < 0)
		return -EINVAL;
	r = (struct route){ .dst = dst & mask, .mask = mask, .gw = gw, .ifc = ifc,
	                    .flags = flags, .plen = (uint8_t)plen };
	i = route_find(t, r.dst, mask);
	if (i >= 0) {
		t->v[i] = r;
		return 0;
	}
	ret = route_grow(t);
	if (ret)
		return ret;
	for (at = 0; at < t->n && t->v[at].plen >= r.plen; at++)
		;
	memmove(&t->v[at + 1], &t->v[at], (t->n - at) * sizeof(r));
	t->v[at] = r;
	t->n++;
	return 0;
}

static void route_del_at(struct route_table *t, unsigned int i)
{
	memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof(t->v[0]));
	t->n--;
}

int route_remove(struct route_table *t, uint32_t dst, uint32_t mask)
{
	int i = route_find(t, dst & mask, mask);

	if (i < 0)
		return -ENOENT;
	route_del_at(t, (unsigned int)i);
	return 0;
}

void route_flush(struct route_table *t, int ifc)
{
	for (unsigned int i = t->n; i-- > 0;)
		if (ifc < 0 || t->v[i].ifc == (unsigned int)ifc)
			route_del_at(t, i);
}

bool route_lookup(const struct route_table *t, uint32_t addr, struct route *out)
{
	for (unsigned int i = 0; i < t->n; i++)
		if ((addr & t->v[i].mask) == t->v[i].dst) {
			*out = t->v[i];
			return true;
		}
	return false;
}
