/* SPDX-License-Identifier: MIT */
/*
 * test_vmr.c - host tests of kern/src/vm/vmr.c (with rbtree.c).
 *
 * The model is an array with one entry per page of a small address space
 * (pages 1..NP; page 0 is outside the set): mapped or not, and the
 * attributes and backing offset each mapped page would have.  Random
 * insert, replace, remove, protect, gap searches and lookups run against
 * both; after each the set must pass vmr_set_check(), agree with the model
 * on every page, hold exactly as many regions as the model has maximal
 * mergeable runs (merging is complete), and keep the hooks' books: the
 * backing reference counts equal the regions naming each backing, every
 * "populated" page of a range leaving the set went through the unmap hook,
 * and every protection change went through the protect hook.  kzmalloc is
 * supplied here with a live count (leak check: live objects == regions)
 * and failure injection: a call that fails with -ENOMEM must leave the set
 * exactly as it was.  Also covered: bad ranges and attributes, pinned
 * regions, explicit split and merge, set_dup with a failing dup hook, the
 * region limit, and destroy.
 */
#include <vmr.h>
#include <errno.h>
#include <mem_flags.h>
#include <ros/mmu64.h>

#include <string.h>

#include "htest.h"

/* ------------------------------------------------------ fake kmalloc --- */

static long live_objects;
static int fail_in = -1;    /* fail the allocation after this many more */

void *kzmalloc(size_t size, int flags);
void kfree(void *p);

void *kzmalloc(size_t size, int flags)
{
	HT_ASSERT(mem_flags_ok(flags));
	if (fail_in == 0) {
		fail_in = -1;
		return NULL;
	}
	if (fail_in > 0)
		fail_in--;
	live_objects++;
	return calloc(1, size);
}

void kfree(void *p)
{
	if (!p)
		return;
	live_objects--;
	free(p);
}

/* ------------------------------------------------------------- model --- */

#define NP 160                          /* pages 1..NP are the set */
#define PG(i) ((uintptr_t)(i) * PGSIZE)
#define LO PG(1)
#define HI PG(NP + 1)

struct mpage {
	bool mapped;
	uint32_t prot, flags;
	enum vmr_type type;
	const struct vmr_ops *ops;
	void *backing;
	uint64_t off;
	int join_id;                    /* pinned and nomerge regions: one id
	                                 * each, pages join only within one */
};

static struct mpage model[NP + 2];
static int next_join_id = 1;

/* What the hooks saw. */
static bool populated[NP + 2];          /* "page table entry present" */
static uint32_t hw_prot[NP + 2];        /* prot the protect hook last set */
static int backing_refs[3];
static char backings[3];                /* their identities */
static int dup_fail_at = -1;            /* dup hook fails on this call */

static size_t page_of(uintptr_t a)
{
	return a / PGSIZE;
}

static void hook_get(struct vmr *v)
{
	backing_refs[(char *)v->backing - backings]++;
}

static void hook_put(struct vmr *v)
{
	int i = (char *)v->backing - backings;

	HT_ASSERT(backing_refs[i] > 0);
	backing_refs[i]--;
}

static void hook_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start,
                       uintptr_t end)
{
	HT_ASSERT(start >= v->start && end <= v->end && start < end);
	for (; start < end; start += PGSIZE)
		populated[page_of(start)] = false;
}

static void hook_protect(struct vmr_set *set, struct vmr *v, uint32_t old)
{
	uintptr_t a;

	HT_ASSERT(old != v->prot);
	for (a = v->start; a < v->end; a += PGSIZE) {
		HT_ASSERT_EQ(hw_prot[page_of(a)], old);
		hw_prot[page_of(a)] = v->prot;
	}
}

static int hook_dup(struct vmr_set *dst, struct vmr *nv, struct vmr_set *src,
                    struct vmr *ov)
{
	HT_ASSERT(nv->start == ov->start && nv->end == ov->end);
	if (dup_fail_at == 0)
		return -ENOMEM;
	if (dup_fail_at > 0)
		dup_fail_at--;
	return 0;
}

static bool no_merge(const struct vmr *lo, const struct vmr *hi)
{
	return false;
}

static const struct vmr_ops ops_anon = {
	.name = "anon", .unmap = hook_unmap, .protect = hook_protect,
	.dup = hook_dup,
};
static const struct vmr_ops ops_file = {
	.name = "file", .backing_get = hook_get, .backing_put = hook_put,
	.unmap = hook_unmap, .protect = hook_protect, .dup = hook_dup,
};
static const struct vmr_ops ops_nomerge = {
	.name = "nomerge", .unmap = hook_unmap, .protect = hook_protect,
	.can_merge = no_merge,
};

static bool same_attrs(const struct mpage *a, const struct mpage *b)
{
	return a->prot == b->prot && a->flags == b->flags &&
	       a->type == b->type && a->ops == b->ops &&
	       a->backing == b->backing;
}

/* Would pages i and i + 1 sit in one region after merging? */
static bool model_joined(size_t i)
{
	const struct mpage *a = &model[i], *b = &model[i + 1];

	if (!a->mapped || !b->mapped || !same_attrs(a, b))
		return false;
	if (a->join_id != b->join_id)
		return false;
	return !a->backing || b->off == a->off + PGSIZE;
}

static size_t model_regions(void)
{
	size_t i, n = 0;

	for (i = 1; i <= NP; i++)
		if (model[i].mapped && !(i > 1 && model_joined(i - 1)))
			n++;
	return n;
}

static void model_map(uintptr_t s, uintptr_t e, const struct vmr_attr *at)
{
	bool solo = (at->flags & VMR_F_PINNED) || at->ops == &ops_nomerge;
	size_t i, id = solo ? next_join_id++ : 0;

	for (i = page_of(s); i < page_of(e); i++) {
		HT_ASSERT_MSG(!populated[i], "page %zu not unmapped", i);
		model[i] = (struct mpage){
			.mapped = true, .prot = at->prot, .flags = at->flags,
			.type = at->type, .ops = at->ops,
			.backing = at->backing,
			.off = at->offset + (i - page_of(s)) * PGSIZE,
			.join_id = (int)id,
		};
		hw_prot[i] = at->prot;
	}
}

/* Pieces of nomerge regions cut out by a protect: each a new identity. */
static void model_rejoin(size_t from, size_t to)
{
	int last_old = 0, last_new = 0;
	size_t i;

	for (i = from; i < to; i++) {
		if (!model[i].join_id)
			continue;
		if (model[i].join_id != last_old) {
			last_old = model[i].join_id;
			last_new = next_join_id++;
		}
		model[i].join_id = last_new;
	}
}

static void model_unmap(uintptr_t s, uintptr_t e)
{
	size_t i;

	for (i = page_of(s); i < page_of(e); i++)
		model[i] = (struct mpage){ 0 };
}

static bool model_any(uintptr_t s, uintptr_t e, bool pinned_only)
{
	size_t i;

	for (i = page_of(s); i < page_of(e); i++)
		if (model[i].mapped && (!pinned_only ||
		                        (model[i].flags & VMR_F_PINNED)))
			return true;
	return false;
}

static bool model_all_mapped(uintptr_t s, uintptr_t e)
{
	size_t i;

	for (i = page_of(s); i < page_of(e); i++)
		if (!model[i].mapped)
			return false;
	return true;
}

/* The highest free run of len bytes ending at or below top, or 0. */
static uintptr_t model_gap(size_t len, uintptr_t top)
{
	uintptr_t a;

	if (top > HI)
		top = HI;
	for (a = top - len; top >= LO + len && a >= LO; a -= PGSIZE)
		if (!model_any(a, a + len, false))
			return a;
	return 0;
}

static void model_reset(void)
{
	memset(model, 0, sizeof(model));
	memset(populated, 0, sizeof(populated));
	memset(hw_prot, 0, sizeof(hw_prot));
	memset(backing_refs, 0, sizeof(backing_refs));
	live_objects = 0;
	fail_in = -1;
}

/* ------------------------------------------------------------ checks --- */

static void check_page(const struct vmr_set *set, size_t i)
{
	struct vmr *v = vmr_lookup(set, PG(i) + (i % 7) * 512);
	const struct mpage *m = &model[i];

	HT_ASSERT_MSG(!v == !m->mapped, "page %zu: set %s, model %s", i,
	              v ? "mapped" : "free", m->mapped ? "mapped" : "free");
	if (populated[i])
		HT_ASSERT_MSG(m->mapped, "page %zu populated but unmapped", i);
	if (!v)
		return;
	HT_ASSERT_EQ(v->prot, m->prot);
	HT_ASSERT_EQ(v->flags, m->flags);
	HT_ASSERT_EQ(v->type, m->type);
	HT_ASSERT(v->ops == m->ops && v->backing == m->backing);
	if (m->backing)
		HT_ASSERT_EQ(v->offset + (PG(i) - v->start), m->off);
	if (m->ops)
		HT_ASSERT_EQ(hw_prot[i], m->prot);
}

static void check_all(const struct vmr_set *set)
{
	int refs[3] = { 0 };
	struct vmr *v;
	size_t i, n = 0;

	HT_ASSERT_EQ(vmr_set_check(set), 0);
	for (i = 1; i <= NP; i++)
		check_page(set, i);
	for (v = vmr_first(set); v; v = vmr_next(v), n++)
		if (v->backing)
			refs[(char *)v->backing - backings]++;
	HT_ASSERT_EQ(n, set->nr);
	HT_ASSERT_EQ(n, model_regions());
	HT_ASSERT_EQ(live_objects, (long)n);
	for (i = 0; i < 3; i++)
		HT_ASSERT_EQ(backing_refs[i], refs[i]);
	HT_ASSERT(!vmr_lookup(set, 0) && !vmr_lookup(set, HI));
	HT_ASSERT(!vmr_lookup(set, UINTPTR_MAX));
}

/* --------------------------------------------------- random op driver --- */

static void rand_attr(struct vmr_attr *a)
{
	static const struct vmr_ops *ops[] = { &ops_anon, &ops_anon,
		&ops_file, &ops_file, &ops_nomerge, NULL };
	uint32_t r = (uint32_t)htest_rand();

	*a = (struct vmr_attr){ .prot = 1 + (r & 2), .type = VMR_ANON };
	a->ops = ops[(r >> 2) % ARRAY_SIZE(ops)];
	if ((r >> 5) % 8 == 0)
		a->flags |= VMR_F_SHARED;
	if ((r >> 8) % 24 == 0)
		a->flags |= VMR_F_PINNED;
	if ((r >> 13) % 16 == 0)
		a->flags |= VMR_F_NOCOPY;
	if (a->ops == &ops_file) {
		a->type = VMR_FILE;
		a->backing = &backings[(r >> 17) % 3];
		a->offset = PG((r >> 19) % 4 * 8);
	}
}

/* A range: usually valid pages, sometimes out of bounds or unaligned. */
static void rand_range(uintptr_t *s, size_t *len)
{
	uint64_t r = htest_rand();

	*s = PG(1 + r % NP);
	*len = PG(1 + (r >> 10) % 12);
	switch ((r >> 20) % 40) {
	case 0: *s = 0; break;
	case 1: *s += 8; break;
	case 2: *len += 1; break;
	case 3: *len = 0; break;
	case 4: *len = UINTPTR_MAX & ~(uintptr_t)(PGSIZE - 1); break;
	case 5: *s = HI; break;
	}
}

static bool range_ok(uintptr_t s, size_t len)
{
	return len && s % PGSIZE == 0 && len % PGSIZE == 0 && s >= LO &&
	       s < HI && len <= HI - s;
}

/* Arms failure injection sometimes; returns whether it is armed. */
static bool maybe_fail(void)
{
	if (htest_rand() % 6)
		return false;
	fail_in = (int)(htest_rand() % 3);
	return true;
}

static void populate_some(void)
{
	size_t i = 1 + htest_rand() % NP;

	if (model[i].mapped && model[i].ops)
		populated[i] = true;
}

static void op_insert(struct vmr_set *set, bool replace)
{
	struct vmr_attr at;
	struct vmr *v = NULL;
	uintptr_t s;
	size_t len;
	int want, got;
	bool armed;

	rand_range(&s, &len);
	rand_attr(&at);
	if (!range_ok(s, len))
		want = -EINVAL;
	else if (!replace && model_any(s, s + len, false))
		want = -EEXIST;
	else if (replace && model_any(s, s + len, true))
		want = -EPERM;
	else
		want = 0;
	armed = maybe_fail();
	got = replace ? vmr_replace(set, s, len, &at, MEM_WAIT, &v)
	              : vmr_insert(set, s, len, &at, MEM_ATOMIC, &v);
	fail_in = -1;
	if (armed && want == 0 && got == -ENOMEM)
		return;
	HT_ASSERT_MSG(got == want, "%s [%#lx +%#zx): got %d, want %d",
	              replace ? "replace" : "insert", (unsigned long)s, len,
	              got, want);
	if (got)
		return;
	HT_ASSERT(v && v->start <= s && v->end >= s + len);
	model_unmap(s, s + len);
	model_map(s, s + len, &at);
}

static void op_remove(struct vmr_set *set)
{
	uintptr_t s;
	size_t len;
	int want, got;
	bool armed;

	rand_range(&s, &len);
	if (!range_ok(s, len))
		want = -EINVAL;
	else if (model_any(s, s + len, true))
		want = -EPERM;
	else
		want = 0;
	armed = maybe_fail();
	got = vmr_remove(set, s, len, MEM_WAIT);
	fail_in = -1;
	if (armed && want == 0 && got == -ENOMEM)
		return;
	HT_ASSERT_MSG(got == want, "remove [%#lx +%#zx): got %d, want %d",
	              (unsigned long)s, len, got, want);
	if (!got)
		model_unmap(s, s + len);
}

static void op_protect(struct vmr_set *set)
{
	uint32_t prot = 1 + (htest_rand() & 2);
	uintptr_t s;
	size_t len, i;
	int want, got;
	bool armed;

	rand_range(&s, &len);
	if (!range_ok(s, len))
		want = -EINVAL;
	else if (!model_all_mapped(s, s + len))
		want = -ENOMEM;
	else if (model_any(s, s + len, true))
		want = -EPERM;
	else
		want = 0;
	armed = maybe_fail();
	got = vmr_protect(set, s, len, prot, MEM_WAIT);
	fail_in = -1;
	if (armed && want == 0 && got == -ENOMEM)
		return;
	HT_ASSERT_MSG(got == want, "protect [%#lx +%#zx): got %d, want %d",
	              (unsigned long)s, len, got, want);
	if (got)
		return;
	for (i = page_of(s); i < page_of(s + len); i++) {
		model[i].prot = prot;
		if (!model[i].ops)
			hw_prot[i] = prot;
	}
	model_rejoin(page_of(s), page_of(s + len));
}

static void op_find_gap(struct vmr_set *set)
{
	size_t len = PG(1 + htest_rand() % 24);
	uintptr_t hint = htest_rand() % 3 ? PG(htest_rand() % (NP + 8)) : 0;
	uintptr_t want = 0, a = 0;
	int ret;

	if (htest_rand() % 5 == 0)
		hint += 100;                    /* unaligned hints round down */
	if (hint && (hint & ~(uintptr_t)(PGSIZE - 1)) < HI)
		want = model_gap(len, hint & ~(uintptr_t)(PGSIZE - 1));
	if (!want)
		want = model_gap(len, HI);
	ret = vmr_find_gap(set, len, hint, &a);
	if (!want) {
		HT_ASSERT_EQ(ret, -ENOMEM);
		return;
	}
	HT_ASSERT_MSG(ret == 0 && a == want,
	              "gap of %zu pages below %#lx: got %d %#lx, want %#lx",
	              len / PGSIZE, (unsigned long)hint, ret,
	              (unsigned long)a, (unsigned long)want);
	HT_ASSERT(vmr_range_free(set, a, len));
}

static void run_random(struct vmr_set *set, int rounds)
{
	uint64_t r;
	int i;

	for (i = 0; i < rounds; i++) {
		r = htest_rand() % 100;
		if (r < 35)
			op_insert(set, false);
		else if (r < 50)
			op_insert(set, true);
		else if (r < 65)
			op_remove(set);
		else if (r < 80)
			op_protect(set);
		else if (r < 90)
			op_find_gap(set);
		else
			populate_some();
		check_all(set);
	}
}

/* -------------------------------------------------------------- tests --- */

HTEST(vmr_set_init_bounds)
{
	struct vmr_set set;

	htest_capture_begin();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, 0, HI), -EINVAL);
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO + 1, HI), -EINVAL);
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, HI, LO), -EINVAL);
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, USER_LIMIT + PGSIZE),
	             -EINVAL);
	htest_capture_end();
	HT_ASSERT_EQ(vmr_set_init(&set, &set, PGSIZE, USER_LIMIT), 0);
	HT_ASSERT(set.owner == &set && set.nr == 0);
	HT_ASSERT(!vmr_first(&set));
}

HTEST(vmr_insert_lookup_merge)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON, .ops = &ops_anon };
	struct vmr_set set;
	struct vmr *v, *w;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(10), PG(2), &a, MEM_WAIT, &v), 0);
	HT_ASSERT(v->start == PG(10) && v->end == PG(12));
	HT_ASSERT(vmr_lookup(&set, PG(11) + 5) == v);
	HT_ASSERT(!vmr_lookup(&set, PG(12)) && !vmr_lookup(&set, PG(9)));
	HT_ASSERT(vmr_lookup_from(&set, PG(3)) == v);
	HT_ASSERT(!vmr_lookup_from(&set, PG(12)));
	/* neighbours on both sides merge into one */
	HT_ASSERT_EQ(vmr_insert(&set, PG(13), PG(1), &a, MEM_WAIT, &w), 0);
	HT_ASSERT(w != v && set.nr == 2);
	HT_ASSERT_EQ(vmr_insert(&set, PG(12), PG(1), &a, MEM_WAIT, &w), 0);
	HT_ASSERT(w == v && v->end == PG(14) && set.nr == 1);
	HT_ASSERT_EQ(live_objects, 1);
	/* overlaps and bad ranges change nothing */
	HT_ASSERT_EQ(vmr_insert(&set, PG(13), PG(4), &a, MEM_WAIT, NULL),
	             -EEXIST);
	HT_ASSERT_EQ(vmr_insert(&set, 0, PG(1), &a, MEM_WAIT, NULL), -EINVAL);
	HT_ASSERT_EQ(vmr_insert(&set, PG(NP), PG(2), &a, MEM_WAIT, NULL),
	             -EINVAL);
	HT_ASSERT_EQ(vmr_insert(&set, PG(20), 0, &a, MEM_WAIT, NULL), -EINVAL);
	HT_ASSERT_EQ(vmr_insert(&set, PG(20) + 1, PG(1), &a, MEM_WAIT, NULL),
	             -EINVAL);
	a.type = 77;
	HT_ASSERT_EQ(vmr_insert(&set, PG(20), PG(1), &a, MEM_WAIT, NULL),
	             -EINVAL);
	a.type = VMR_ANON;
	a.flags = 1u << 30;
	HT_ASSERT_EQ(vmr_insert(&set, PG(20), PG(1), &a, MEM_WAIT, NULL),
	             -EINVAL);
	a.flags = 0;
	/* a different prot does not merge */
	a.prot = 1;
	HT_ASSERT_EQ(vmr_insert(&set, PG(14), PG(1), &a, MEM_WAIT, &w), 0);
	HT_ASSERT(w != v && set.nr == 2);
	HT_ASSERT_EQ(vmr_set_check(&set), 0);
	vmr_set_destroy(&set);
	HT_ASSERT_EQ(set.nr, 0);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(vmr_file_offsets_and_refs)
{
	struct vmr_attr a = { .prot = 1, .type = VMR_FILE, .ops = &ops_file,
	                      .backing = &backings[1], .offset = PG(4) };
	struct vmr_set set;
	struct vmr *v, *hi;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(10), PG(4), &a, MEM_WAIT, &v), 0);
	HT_ASSERT_EQ(backing_refs[1], 1);
	/* contiguous offsets merge, others do not */
	a.offset = PG(8);
	HT_ASSERT_EQ(vmr_insert(&set, PG(14), PG(1), &a, MEM_WAIT, NULL), 0);
	HT_ASSERT(set.nr == 1 && v->end == PG(15) && backing_refs[1] == 1);
	a.offset = PG(100);
	HT_ASSERT_EQ(vmr_insert(&set, PG(15), PG(1), &a, MEM_WAIT, NULL), 0);
	HT_ASSERT(set.nr == 2 && backing_refs[1] == 2);
	/* a split's high part gets its offset and its own reference */
	HT_ASSERT_EQ(vmr_split(&set, v, PG(12), MEM_WAIT, &hi), 0);
	HT_ASSERT(hi->start == PG(12) && hi->offset == PG(6));
	HT_ASSERT_EQ(backing_refs[1], 3);
	HT_ASSERT_EQ(vmr_split(&set, v, PG(10), MEM_WAIT, &hi), -EINVAL);
	HT_ASSERT_EQ(vmr_split(&set, v, PG(12), MEM_WAIT, &hi), -EINVAL);
	HT_ASSERT_EQ(vmr_split(&set, v, PG(11) + 1, MEM_WAIT, &hi), -EINVAL);
	/* and merging gives it back */
	HT_ASSERT(vmr_merge(&set, v) == v && v->end == PG(15));
	HT_ASSERT_EQ(backing_refs[1], 2);
	/* an offset that would wrap is refused */
	a.offset = UINT64_MAX - PGSIZE;
	HT_ASSERT_EQ(vmr_insert(&set, PG(40), PG(2), &a, MEM_WAIT, NULL),
	             -EINVAL);
	vmr_set_destroy(&set);
	HT_ASSERT_EQ(backing_refs[1], 0);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(vmr_remove_and_protect_split)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON, .ops = &ops_anon };
	struct vmr_set set;
	struct vmr *v;
	size_t i;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(10), PG(10), &a, MEM_WAIT, &v), 0);
	model_map(PG(10), PG(20), &a);
	for (i = 10; i < 20; i++)
		populated[i] = true;
	/* a hole in the middle: two regions, the hole unmapped */
	HT_ASSERT_EQ(vmr_remove(&set, PG(13), PG(2), MEM_WAIT), 0);
	model_unmap(PG(13), PG(15));
	HT_ASSERT(!populated[13] && !populated[14] && populated[12]);
	check_all(&set);
	HT_ASSERT_EQ(set.nr, 2);
	/* protect over the hole fails and changes nothing */
	HT_ASSERT_EQ(vmr_protect(&set, PG(12), PG(4), 1, MEM_WAIT), -ENOMEM);
	check_all(&set);
	/* protect inside one region: three pieces, then back to one */
	HT_ASSERT_EQ(vmr_protect(&set, PG(16), PG(2), 1, MEM_WAIT), 0);
	model[16].prot = model[17].prot = 1;
	check_all(&set);
	HT_ASSERT_EQ(set.nr, 4);
	HT_ASSERT_EQ(vmr_protect(&set, PG(15), PG(5), 3, MEM_WAIT), 0);
	model[16].prot = model[17].prot = 3;
	check_all(&set);
	HT_ASSERT_EQ(set.nr, 2);
	/* removing over holes and whole regions; nothing at all is fine */
	HT_ASSERT_EQ(vmr_remove(&set, PG(1), PG(NP), MEM_WAIT), 0);
	model_unmap(PG(1), PG(NP + 1));
	check_all(&set);
	HT_ASSERT_EQ(vmr_remove(&set, PG(1), PG(NP), MEM_WAIT), 0);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(vmr_failed_allocation_changes_nothing)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON, .ops = &ops_anon };
	struct vmr_attr b = a;
	struct vmr_set set;

	model_reset();
	b.prot = 1;
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(10), PG(10), &a, MEM_WAIT, NULL), 0);
	model_map(PG(10), PG(20), &a);
	fail_in = 0;
	HT_ASSERT_EQ(vmr_insert(&set, PG(30), PG(1), &a, MEM_ATOMIC, NULL),
	             -ENOMEM);
	fail_in = 1;            /* the second of two splits fails */
	HT_ASSERT_EQ(vmr_remove(&set, PG(12), PG(2), MEM_ATOMIC), -ENOMEM);
	check_all(&set);
	fail_in = 1;
	HT_ASSERT_EQ(vmr_protect(&set, PG(12), PG(2), 1, MEM_ATOMIC), -ENOMEM);
	check_all(&set);
	fail_in = 2;            /* two splits and the new region */
	HT_ASSERT_EQ(vmr_replace(&set, PG(12), PG(2), &b, MEM_ATOMIC, NULL),
	             -ENOMEM);
	check_all(&set);
	/* removing whole regions needs no memory at all */
	fail_in = 0;
	HT_ASSERT_EQ(vmr_remove(&set, PG(5), PG(20), MEM_ATOMIC), 0);
	fail_in = -1;
	model_unmap(PG(10), PG(20));
	check_all(&set);
}

HTEST(vmr_pinned_regions)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON, .ops = &ops_anon };
	struct vmr_attr pin = { .prot = 1, .type = VMR_RESERVED,
	                        .flags = VMR_F_PINNED };
	struct vmr_set set;
	uintptr_t g;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	/* two pinned pages side by side stay two regions */
	HT_ASSERT_EQ(vmr_insert(&set, PG(NP - 1), PG(1), &pin, MEM_WAIT, NULL),
	             0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(NP), PG(1), &pin, MEM_WAIT, NULL), 0);
	HT_ASSERT_EQ(set.nr, 2);
	HT_ASSERT_EQ(vmr_remove(&set, PG(NP - 4), PG(5), MEM_WAIT), -EPERM);
	HT_ASSERT_EQ(vmr_protect(&set, PG(NP), PG(1), 3, MEM_WAIT), -EPERM);
	HT_ASSERT_EQ(vmr_replace(&set, PG(NP), PG(1), &a, MEM_WAIT, NULL),
	             -EPERM);
	HT_ASSERT_EQ(vmr_insert(&set, PG(NP), PG(1), &a, MEM_WAIT, NULL),
	             -EEXIST);
	/* gap searches step around them */
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(3), 0, &g), 0);
	HT_ASSERT_EQ(g, PG(NP - 4));
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(NP - 2), 0, &g), 0);
	HT_ASSERT_EQ(g, LO);
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(NP - 1), 0, &g), -ENOMEM);
	HT_ASSERT_EQ(vmr_find_gap(&set, 0, 0, &g), -EINVAL);
	HT_ASSERT_EQ(vmr_find_gap(&set, PGSIZE + 1, 0, &g), -EINVAL);
	HT_ASSERT_EQ(vmr_set_check(&set), 0);
	/* destroy takes pinned regions too */
	vmr_set_destroy(&set);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(vmr_find_gap_with_hint)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON };
	struct vmr_set set;
	uintptr_t g;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(NP), 0, &g), 0);
	HT_ASSERT_EQ(g, LO);
	HT_ASSERT_EQ(vmr_insert(&set, PG(20), PG(10), &a, MEM_WAIT, NULL), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(40), PG(10), &a, MEM_WAIT, NULL), 0);
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(4), PG(45), &g), 0);
	HT_ASSERT_EQ(g, PG(36));
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(15), PG(45), &g), 0);
	HT_ASSERT_EQ(g, PG(5));        /* [1, 20) is the only fit below */
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(20), PG(45), &g), 0);
	HT_ASSERT_EQ(g, HI - PG(20));  /* nothing below the hint: the top */
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(2), PG(2), &g), 0);
	HT_ASSERT_EQ(g, HI - PG(2));   /* hint too low to fit anything */
	HT_ASSERT_EQ(vmr_find_gap(&set, PG(2), UINTPTR_MAX, &g), 0);
	HT_ASSERT_EQ(g, HI - PG(2));
	vmr_set_destroy(&set);
}

HTEST(vmr_random_against_model)
{
	struct vmr_set set;
	int run;

	for (run = 0; run < 6; run++) {
		model_reset();
		HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
		run_random(&set, 1500);
		vmr_set_destroy(&set);
		HT_ASSERT_EQ(live_objects, 0);
		HT_ASSERT(!backing_refs[0] && !backing_refs[1] &&
		          !backing_refs[2]);
		HT_ASSERT(!memchr(populated, true, sizeof(populated)));
	}
}

static void check_copy(const struct vmr_set *src, const struct vmr_set *dst)
{
	struct vmr *v = vmr_first(src), *w = vmr_first(dst);

	for (; v; v = vmr_next(v)) {
		if (v->flags & VMR_F_NOCOPY)
			continue;
		HT_ASSERT(w && w->start == v->start && w->end == v->end);
		HT_ASSERT(w->prot == v->prot && w->flags == v->flags);
		HT_ASSERT(w->backing == v->backing && w->offset == v->offset);
		w = vmr_next(w);
	}
	HT_ASSERT(!w);
}

HTEST(vmr_set_dup_copies_and_fails_cleanly)
{
	struct vmr_set set, copy;
	long before;
	int refs0, refs1, refs2;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	run_random(&set, 400);
	HT_ASSERT(set.nr > 4);
	before = live_objects;
	refs0 = backing_refs[0], refs1 = backing_refs[1];
	refs2 = backing_refs[2];

	HT_ASSERT_EQ(vmr_set_init(&copy, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_set_dup(&copy, &set, MEM_WAIT), 0);
	HT_ASSERT_EQ(vmr_set_check(&copy), 0);
	check_copy(&set, &copy);
	HT_ASSERT_EQ(vmr_set_dup(&copy, &set, MEM_WAIT), -EINVAL);
	vmr_set_destroy(&copy);

	dup_fail_at = 2;
	HT_ASSERT_EQ(vmr_set_dup(&copy, &set, MEM_WAIT), -ENOMEM);
	dup_fail_at = -1;
	HT_ASSERT_EQ(copy.nr, 0);
	fail_in = 3;
	HT_ASSERT_EQ(vmr_set_dup(&copy, &set, MEM_WAIT), -ENOMEM);
	fail_in = -1;
	HT_ASSERT_EQ(copy.nr, 0);
	HT_ASSERT_EQ(live_objects, before);
	HT_ASSERT(backing_refs[0] == refs0 && backing_refs[1] == refs1 &&
	          backing_refs[2] == refs2);
	vmr_set_destroy(&set);
	HT_ASSERT_EQ(live_objects, 0);
}

HTEST(vmr_set_check_catches_corruption)
{
	struct vmr_attr a = { .prot = 3, .type = VMR_ANON };
	struct vmr_set set;
	struct vmr *v, *w;
	const char *out;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, LO, HI), 0);
	HT_ASSERT_EQ(vmr_insert(&set, PG(10), PG(2), &a, MEM_WAIT, &v), 0);
	a.prot = 1;
	HT_ASSERT_EQ(vmr_insert(&set, PG(14), PG(2), &a, MEM_WAIT, &w), 0);
	htest_capture_begin();
	v->end = PG(15);                        /* overlaps w */
	HT_ASSERT_EQ(vmr_set_check(&set), -EINVAL);
	v->end = PG(13);                        /* gap summary now stale */
	HT_ASSERT_EQ(vmr_set_check(&set), -EINVAL);
	v->end = PG(12);
	set.nr++;
	HT_ASSERT_EQ(vmr_set_check(&set), -EINVAL);
	set.nr--;
	w->start += 8;
	HT_ASSERT_EQ(vmr_set_check(&set), -EINVAL);
	w->start -= 8;
	out = htest_capture_end();
	HT_ASSERT(strstr(out, "overlap") && strstr(out, "stale"));
	HT_ASSERT(strstr(out, "count says") && strstr(out, "bad region"));
	HT_ASSERT_EQ(vmr_set_check(&set), 0);
	vmr_set_destroy(&set);
}

HTEST(vmr_region_limit)
{
	struct vmr_attr a = { .prot = 1, .type = VMR_ANON };
	struct vmr_set set;
	uintptr_t base = PG(16), i;

	model_reset();
	HT_ASSERT_EQ(vmr_set_init(&set, NULL, PGSIZE, USER_LIMIT), 0);
	/* alternating prot: no two neighbours merge */
	for (i = 0; i < 65536; i++) {
		a.prot = 1 + (i & 1) * 2;
		HT_ASSERT_EQ(vmr_insert(&set, base + PG(i), PGSIZE, &a,
		                        MEM_WAIT, NULL), 0);
	}
	HT_ASSERT_EQ(set.nr, 65536);
	HT_ASSERT_EQ(vmr_insert(&set, PG(1), PGSIZE, &a, MEM_WAIT, NULL),
	             -ENOMEM);
	/* merging away two regions makes room for one split again */
	HT_ASSERT_EQ(vmr_protect(&set, base, PG(3), 1, MEM_WAIT), 0);
	HT_ASSERT_EQ(set.nr, 65534);
	/* the limit counts what a change allocates: 2 splits + 1 new */
	a.prot = 3;
	HT_ASSERT_EQ(vmr_replace(&set, base + PG(1), PGSIZE, &a, MEM_WAIT,
	                         NULL), -ENOMEM);
	HT_ASSERT_EQ(vmr_protect(&set, base + PG(1), PGSIZE, 3, MEM_WAIT), 0);
	HT_ASSERT_EQ(set.nr, 65536);
	HT_ASSERT_EQ(vmr_remove(&set, base + PG(8), PG(1), MEM_WAIT), 0);
	HT_ASSERT_EQ(set.nr, 65535);
	HT_ASSERT_EQ(vmr_set_check(&set), 0);
	HT_ASSERT_EQ(live_objects, (long)set.nr);
	vmr_set_destroy(&set);
	HT_ASSERT_EQ(live_objects, 0);
}
