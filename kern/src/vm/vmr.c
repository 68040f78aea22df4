/* SPDX-License-Identifier: MIT */
/*
 * vmr.c - the region set behind mmap, munmap and mprotect.
 *
 * Model: a set is a red-black tree of disjoint regions keyed by start.
 * Each node also summarises its subtree: the lowest start, the highest end
 * and the largest hole between two regions of the subtree.  Holes depend
 * only on a node and its children, so rbtree.c keeps the summaries right
 * through rotations, and a gap search skips every subtree whose largest
 * hole (including the holes at its edges, known from the caller's bounds)
 * is too small.
 *
 * Every mutation is check-then-commit: validate the range and attributes,
 * refuse pinned regions, count the splits the change needs and allocate
 * that many regions up front (struct vmr_spares), and only then edit the
 * tree, which can no longer fail.  Edits are built from two steps: split
 * a region at an address (the high part is a new region with its own
 * backing reference) and merge two adjacent equal regions.
 *
 * Hooks (vmr.h, struct vmr_ops) run at commit time: unmap before a range
 * leaves the set, protect after a region's prot changed, backing_get and
 * backing_put around a region's life.  Nothing here touches page tables.
 * The caller holds the owner's address-space lock for every call.
 */
#include <vmr.h>
#include <assert.h>
#include <errno.h>
#include <kmalloc.h>
#include <printk.h>
#include <ros/mmu64.h>

/* More regions than any sane process needs; bounds the kernel memory one
 * process can pin with mmap/mprotect patterns (Linux: max_map_count). */
#define VMR_MAX_REGIONS 65536

#define VMR_F_ALL (VMR_F_SHARED | VMR_F_LOCKED | VMR_F_PINNED | VMR_F_NOCOPY)

static inline struct vmr *vmr_of(const struct rb_node *n)
{
	return n ? rb_entry(n, struct vmr, node) : NULL;
}

/* ---------------------------------------------------------- regions --- */

static void vmr_backing_get(struct vmr *v)
{
	if (v->backing && v->ops && v->ops->backing_get)
		v->ops->backing_get(v);
}

/* Frees a region that is out of the tree, dropping its backing. */
static void vmr_release(struct vmr *v)
{
	if (v->backing && v->ops && v->ops->backing_put)
		v->ops->backing_put(v);
	kfree(v);
}

static void vmr_fill(struct vmr *v, uintptr_t start, uintptr_t end,
                     const struct vmr_attr *attr)
{
	v->start = start;
	v->end = end;
	v->prot = attr->prot;
	v->flags = attr->flags;
	v->type = attr->type;
	v->ops = attr->ops;
	v->backing = attr->backing;
	v->offset = attr->offset;
	vmr_backing_get(v);
}

/* The subtree summary of n from its own range and its children's. */
static void vmr_augment(struct rb_node *n)
{
	struct vmr *v = vmr_of(n), *l = vmr_of(n->left), *r = vmr_of(n->right);
	uintptr_t gap = 0;

	v->sub_lo = l ? l->sub_lo : v->start;
	v->sub_hi = r ? r->sub_hi : v->end;
	if (l)
		gap = MAX(l->sub_gap, v->start - l->sub_hi);
	if (r)
		gap = MAX(gap, MAX(r->sub_gap, r->sub_lo - v->end));
	v->sub_gap = gap;
}

static void vmr_link(struct vmr_set *set, struct vmr *v)
{
	struct rb_node **link = &set->tree.top, *parent = NULL;

	while (*link) {
		parent = *link;
		if (v->start < vmr_of(parent)->start)
			link = &parent->left;
		else
			link = &parent->right;
	}
	rb_insert_at(&set->tree, &v->node, parent, link);
	set->nr++;
}

static void vmr_unlink(struct vmr_set *set, struct vmr *v)
{
	rb_erase(&set->tree, &v->node);
	set->nr--;
}

/* v's range leaves the set: the unmap hook, then out of the tree. */
static void vmr_drop(struct vmr_set *set, struct vmr *v)
{
	if (v->ops && v->ops->unmap)
		v->ops->unmap(set, v, v->start, v->end);
	vmr_unlink(set, v);
	vmr_release(v);
}

/* ------------------------------------------------------------ checks --- */

static int vmr_range_check(const struct vmr_set *set, uintptr_t start,
                           size_t len, uintptr_t *end)
{
	if (!len || !IS_ALIGNED(start, PGSIZE) || !IS_ALIGNED(len, PGSIZE))
		return -EINVAL;
	if (start < set->lo || start >= set->hi || len > set->hi - start)
		return -EINVAL;
	*end = start + len;
	return 0;
}

static int vmr_attr_check(const struct vmr_attr *attr, size_t len)
{
	if (attr->type > VMR_RESERVED || (attr->flags & ~VMR_F_ALL))
		return -EINVAL;
	if (attr->backing && attr->offset > UINT64_MAX - len)
		return -EINVAL;
	return 0;
}

static bool vmr_range_has_pinned(const struct vmr_set *set, uintptr_t start,
                                 uintptr_t end)
{
	struct vmr *v;

	for (v = vmr_lookup_from(set, start); v && v->start < end;
	     v = vmr_next(v)) {
		if (v->flags & VMR_F_PINNED)
			return true;
	}
	return false;
}

static bool vmr_range_covered(const struct vmr_set *set, uintptr_t start,
                              uintptr_t end)
{
	struct vmr *v;
	uintptr_t next = start;

	for (v = vmr_lookup_from(set, start); v && v->start < end;
	     v = vmr_next(v)) {
		if (v->start > next)
			return false;
		next = v->end;
	}
	return next >= end;
}

/* How many regions straddle start or end (0..2): the splits to isolate
 * [start, end). */
static int vmr_splits_needed(const struct vmr_set *set, uintptr_t start,
                             uintptr_t end)
{
	struct vmr *a = vmr_lookup(set, start), *b = vmr_lookup(set, end - 1);

	return (a && a->start < start) + (b && b->end > end);
}

/* ----------------------------------------------------------- spares --- */

/* Regions allocated before a commit, so the commit cannot fail. */
struct vmr_spares {
	struct vmr *v[3];
	int nr;
};

static int vmr_spares_get(const struct vmr_set *set, struct vmr_spares *s,
                          int n, int mem_flags)
{
	s->nr = 0;
	if (set->nr + n > VMR_MAX_REGIONS)
		return -ENOMEM;
	assert(n <= (int)ARRAY_SIZE(s->v));
	while (s->nr < n) {
		s->v[s->nr] = kzmalloc(sizeof(struct vmr), mem_flags);
		if (!s->v[s->nr]) {
			while (s->nr)
				kfree(s->v[--s->nr]);
			return -ENOMEM;
		}
		s->nr++;
	}
	return 0;
}

static struct vmr *vmr_spare_take(struct vmr_spares *s)
{
	assert(s->nr > 0);
	return s->v[--s->nr];
}

static void vmr_spares_put(struct vmr_spares *s)
{
	while (s->nr)
		kfree(s->v[--s->nr]);
}

/* ---------------------------------------------------- split and merge --- */

/* v keeps [start, addr); hi, a fresh region, gets [addr, end). */
static struct vmr *vmr_split_with(struct vmr_set *set, struct vmr *v,
                                  uintptr_t addr, struct vmr *hi)
{
	*hi = (struct vmr){ 0 };
	hi->start = addr;
	hi->end = v->end;
	hi->prot = v->prot;
	hi->flags = v->flags;
	hi->type = v->type;
	hi->ops = v->ops;
	hi->backing = v->backing;
	hi->offset = v->offset + (addr - v->start);
	vmr_backing_get(hi);
	v->end = addr;
	rb_augment_propagate(&set->tree, &v->node);
	vmr_link(set, hi);
	return hi;
}

static bool vmr_mergeable(const struct vmr *lo, const struct vmr *hi)
{
	uint64_t size = lo->end - lo->start;

	if (lo->end != hi->start || lo->prot != hi->prot ||
	    lo->flags != hi->flags || lo->type != hi->type ||
	    lo->ops != hi->ops || lo->backing != hi->backing)
		return false;
	if (lo->flags & VMR_F_PINNED)
		return false;
	if (lo->backing && (lo->offset > UINT64_MAX - size ||
	                    lo->offset + size != hi->offset))
		return false;
	if (lo->ops && lo->ops->can_merge && !lo->ops->can_merge(lo, hi))
		return false;
	return true;
}

/* lo absorbs its successor hi. */
static void vmr_merge_pair(struct vmr_set *set, struct vmr *lo, struct vmr *hi)
{
	uintptr_t end = hi->end;

	vmr_unlink(set, hi);
	vmr_release(hi);
	lo->end = end;
	rb_augment_propagate(&set->tree, &lo->node);
}

struct vmr *vmr_merge(struct vmr_set *set, struct vmr *v)
{
	struct vmr *p = vmr_prev(v), *n;

	if (p && vmr_mergeable(p, v)) {
		vmr_merge_pair(set, p, v);
		v = p;
	}
	n = vmr_next(v);
	if (n && vmr_mergeable(v, n))
		vmr_merge_pair(set, v, n);
	return v;
}

/* Merges what can be merged from the region before start through the
 * region starting at end; [start, end) is covered. */
static void vmr_merge_range(struct vmr_set *set, uintptr_t start,
                            uintptr_t end)
{
	struct vmr *v = vmr_lookup(set, start), *n, *p;

	if ((p = vmr_prev(v)))
		v = p;
	while ((n = vmr_next(v)) && n->start <= end) {
		if (vmr_mergeable(v, n))
			vmr_merge_pair(set, v, n);
		else
			v = n;
	}
}

int vmr_split(struct vmr_set *set, struct vmr *v, uintptr_t addr,
              int mem_flags, struct vmr **hi)
{
	struct vmr_spares s;
	int ret;

	if (!IS_ALIGNED(addr, PGSIZE) || addr <= v->start || addr >= v->end)
		return -EINVAL;
	ret = vmr_spares_get(set, &s, 1, mem_flags);
	if (ret)
		return ret;
	*hi = vmr_split_with(set, v, addr, vmr_spare_take(&s));
	return 0;
}

/* Splits the regions straddling start and end (taking spares); returns
 * the first region inside [start, end), or NULL if there is none. */
static struct vmr *vmr_isolate(struct vmr_set *set, uintptr_t start,
                               uintptr_t end, struct vmr_spares *s)
{
	struct vmr *v = vmr_lookup_from(set, start), *last;

	if (!v || v->start >= end)
		return NULL;
	if (v->start < start)
		v = vmr_split_with(set, v, start, vmr_spare_take(s));
	last = vmr_lookup(set, end - 1);
	if (last && last->end > end)
		vmr_split_with(set, last, end, vmr_spare_take(s));
	return v;
}

/* ----------------------------------------------------------- lookups --- */

struct vmr *vmr_lookup(const struct vmr_set *set, uintptr_t addr)
{
	struct rb_node *n = set->tree.top;
	struct vmr *v;

	while (n) {
		v = vmr_of(n);
		if (addr < v->start)
			n = n->left;
		else if (addr >= v->end)
			n = n->right;
		else
			return v;
	}
	return NULL;
}

struct vmr *vmr_lookup_from(const struct vmr_set *set, uintptr_t addr)
{
	struct rb_node *n = set->tree.top;
	struct vmr *v, *best = NULL;

	while (n) {
		v = vmr_of(n);
		if (v->end > addr) {
			best = v;
			n = n->left;
		} else {
			n = n->right;
		}
	}
	return best;
}

struct vmr *vmr_first(const struct vmr_set *set)
{
	return vmr_of(rb_first(&set->tree));
}

struct vmr *vmr_next(const struct vmr *v)
{
	return vmr_of(rb_next(&v->node));
}

struct vmr *vmr_prev(const struct vmr *v)
{
	return vmr_of(rb_prev(&v->node));
}

bool vmr_range_free(const struct vmr_set *set, uintptr_t start, size_t len)
{
	uintptr_t end;
	struct vmr *v;

	if (vmr_range_check(set, start, len, &end))
		return false;
	v = vmr_lookup_from(set, start);
	return !v || v->start >= end;
}

/* -------------------------------------------------------- gap search --- */

/* Wanted: [a, a + len) free with floor <= a and a + len <= top. */
struct vmr_gap_req {
	size_t len;
	uintptr_t floor, top;
};

/* The highest fit inside the hole [glo, ghi), or 0 (never a valid start). */
static uintptr_t vmr_gap_fit(const struct vmr_gap_req *r, uintptr_t glo,
                             uintptr_t ghi)
{
	uintptr_t lo = MAX(glo, r->floor), hi = MIN(ghi, r->top);

	if (hi < lo || hi - lo < r->len)
		return 0;
	return hi - r->len;
}

/*
 * The highest fit in [blo, bhi), a stretch of address space whose regions
 * are exactly n's subtree.  Prunes stretches outside the window and
 * subtrees whose largest hole, edges included, is too small.  Recursion
 * depth is the tree height (under 2 log2(VMR_MAX_REGIONS + 1)).
 */
static uintptr_t vmr_gap_search(const struct vmr_gap_req *r,
                                const struct rb_node *n, uintptr_t blo,
                                uintptr_t bhi)
{
	const struct vmr *v = vmr_of(n);
	uintptr_t a, widest;

	if (!v)
		return vmr_gap_fit(r, blo, bhi);
	if (blo >= r->top || r->top - blo < r->len || bhi <= r->floor ||
	    bhi - r->floor < r->len)
		return 0;
	widest = MAX(v->sub_gap, MAX(v->sub_lo - blo, bhi - v->sub_hi));
	if (widest < r->len)
		return 0;
	a = vmr_gap_search(r, n->right, v->end, bhi);
	if (!a)
		a = vmr_gap_search(r, n->left, blo, v->start);
	return a;
}

int vmr_find_gap(const struct vmr_set *set, size_t len, uintptr_t hint,
                 uintptr_t *addr)
{
	struct vmr_gap_req r = { .len = len, .floor = set->lo, .top = set->hi };
	uintptr_t a = 0;

	if (!len || !IS_ALIGNED(len, PGSIZE) || len > set->hi - set->lo)
		return -EINVAL;
	if (hint && ALIGN_DOWN(hint, PGSIZE) < set->hi) {
		r.top = ALIGN_DOWN(hint, PGSIZE);
		a = vmr_gap_search(&r, set->tree.top, set->lo, set->hi);
		r.top = set->hi;
	}
	if (!a)
		a = vmr_gap_search(&r, set->tree.top, set->lo, set->hi);
	if (!a)
		return -ENOMEM;
	*addr = a;
	return 0;
}

/* ----------------------------------------------------------- changes --- */

/* Puts a fresh region (from spares) over the free [start, end), merged. */
static struct vmr *vmr_add(struct vmr_set *set, uintptr_t start,
                           uintptr_t end, const struct vmr_attr *attr,
                           struct vmr *v)
{
	*v = (struct vmr){ 0 };
	vmr_fill(v, start, end, attr);
	vmr_link(set, v);
	return vmr_merge(set, v);
}

/* Drops everything in [start, end); may take two spares. */
static void vmr_remove_commit(struct vmr_set *set, uintptr_t start,
                              uintptr_t end, struct vmr_spares *s)
{
	struct vmr *v = vmr_isolate(set, start, end, s), *n;

	while (v && v->start < end) {
		n = vmr_next(v);
		vmr_drop(set, v);
		v = n;
	}
}

/* Checks the range and attributes of a region to be added; sets *end. */
static int vmr_new_check(const struct vmr_set *set, uintptr_t start,
                         size_t len, const struct vmr_attr *attr,
                         uintptr_t *end)
{
	int ret = vmr_range_check(set, start, len, end);

	return ret ? ret : vmr_attr_check(attr, len);
}

/* Refuses a range holding pinned regions, then takes the spares its
 * splits need plus extra. */
static int vmr_change_prepare(struct vmr_set *set, uintptr_t start,
                              uintptr_t end, int extra,
                              struct vmr_spares *s, int mem_flags)
{
	if (vmr_range_has_pinned(set, start, end))
		return -EPERM;
	return vmr_spares_get(set, s, extra + vmr_splits_needed(set, start, end),
	                      mem_flags);
}

int vmr_insert(struct vmr_set *set, uintptr_t start, size_t len,
               const struct vmr_attr *attr, int mem_flags, struct vmr **out)
{
	struct vmr_spares s;
	struct vmr *v;
	uintptr_t end;
	int ret;

	ret = vmr_new_check(set, start, len, attr, &end);
	if (ret)
		return ret;
	if (!vmr_range_free(set, start, len))
		return -EEXIST;
	ret = vmr_spares_get(set, &s, 1, mem_flags);
	if (ret)
		return ret;
	v = vmr_add(set, start, end, attr, vmr_spare_take(&s));
	if (out)
		*out = v;
	return 0;
}

int vmr_replace(struct vmr_set *set, uintptr_t start, size_t len,
                const struct vmr_attr *attr, int mem_flags, struct vmr **out)
{
	struct vmr_spares s;
	struct vmr *v;
	uintptr_t end;
	int ret;

	ret = vmr_new_check(set, start, len, attr, &end);
	if (ret)
		return ret;
	ret = vmr_change_prepare(set, start, end, 1, &s, mem_flags);
	if (ret)
		return ret;
	vmr_remove_commit(set, start, end, &s);
	v = vmr_add(set, start, end, attr, vmr_spare_take(&s));
	vmr_spares_put(&s);
	if (out)
		*out = v;
	return 0;
}

int vmr_remove(struct vmr_set *set, uintptr_t start, size_t len,
               int mem_flags)
{
	struct vmr_spares s;
	uintptr_t end;
	int ret;

	ret = vmr_range_check(set, start, len, &end);
	if (ret)
		return ret;
	ret = vmr_change_prepare(set, start, end, 0, &s, mem_flags);
	if (ret)
		return ret;
	vmr_remove_commit(set, start, end, &s);
	vmr_spares_put(&s);
	return 0;
}

int vmr_protect(struct vmr_set *set, uintptr_t start, size_t len,
                uint32_t prot, int mem_flags)
{
	struct vmr_spares s;
	struct vmr *v;
	uintptr_t end;
	uint32_t old;
	int ret;

	ret = vmr_range_check(set, start, len, &end);
	if (ret)
		return ret;
	if (!vmr_range_covered(set, start, end))
		return -ENOMEM;
	ret = vmr_change_prepare(set, start, end, 0, &s, mem_flags);
	if (ret)
		return ret;
	for (v = vmr_isolate(set, start, end, &s); v && v->start < end;
	     v = vmr_next(v)) {
		old = v->prot;
		v->prot = prot;
		if (old != prot && v->ops && v->ops->protect)
			v->ops->protect(set, v, old);
	}
	vmr_merge_range(set, start, end);
	vmr_spares_put(&s);
	return 0;
}

/* --------------------------------------------------------------- sets --- */

int vmr_set_init(struct vmr_set *set, void *owner, uintptr_t lo,
                 uintptr_t hi)
{
	if (!IS_ALIGNED(lo, PGSIZE) || !IS_ALIGNED(hi, PGSIZE) ||
	    lo < PGSIZE || lo >= hi || hi > USER_LIMIT) {
		printk("vmr: bad set bounds [%p, %p)\n", (void *)lo,
		       (void *)hi);
		return -EINVAL;
	}
	rb_root_init(&set->tree, vmr_augment);
	set->nr = 0;
	set->lo = lo;
	set->hi = hi;
	set->owner = owner;
	return 0;
}

void vmr_set_destroy(struct vmr_set *set)
{
	struct vmr *v;

	while ((v = vmr_first(set)))
		vmr_drop(set, v);
}

/* A copy of ov linked into dst (no hooks but backing_get), or NULL. */
static struct vmr *vmr_copy_into(struct vmr_set *dst, const struct vmr *ov,
                                 int mem_flags)
{
	struct vmr *nv = kzmalloc(sizeof(*nv), mem_flags);

	if (!nv)
		return NULL;
	nv->start = ov->start;
	nv->end = ov->end;
	nv->prot = ov->prot;
	nv->flags = ov->flags;
	nv->type = ov->type;
	nv->ops = ov->ops;
	nv->backing = ov->backing;
	nv->offset = ov->offset;
	vmr_backing_get(nv);
	vmr_link(dst, nv);
	return nv;
}

int vmr_set_dup(struct vmr_set *dst, struct vmr_set *src, int mem_flags)
{
	struct vmr *ov, *nv;
	int ret = 0;

	if (dst->nr || src->lo < dst->lo || src->hi > dst->hi)
		return -EINVAL;
	for (ov = vmr_first(src); ov && !ret; ov = vmr_next(ov)) {
		if (ov->flags & VMR_F_NOCOPY)
			continue;
		nv = vmr_copy_into(dst, ov, mem_flags);
		if (!nv)
			ret = -ENOMEM;
		else if (nv->ops && nv->ops->dup)
			ret = nv->ops->dup(dst, nv, src, ov);
	}
	if (ret)
		vmr_set_destroy(dst);
	return ret;
}

/* --------------------------------------------------------------- check --- */

static int vmr_cmp(const struct rb_node *a, const struct rb_node *b)
{
	uintptr_t x = vmr_of(a)->start, y = vmr_of(b)->start;

	return x < y ? -1 : x > y;
}

static int vmr_check_one(const struct vmr_set *set, const struct vmr *v,
                         const struct vmr *prev)
{
	if (!IS_ALIGNED(v->start, PGSIZE) || !IS_ALIGNED(v->end, PGSIZE) ||
	    v->start >= v->end || v->start < set->lo || v->end > set->hi) {
		printk("vmr: bad region [%p, %p)\n", (void *)v->start,
		       (void *)v->end);
		return -EINVAL;
	}
	if (prev && prev->end > v->start) {
		printk("vmr: regions at %p and %p overlap\n",
		       (void *)prev->start, (void *)v->start);
		return -EINVAL;
	}
	return 0;
}

static int vmr_check_summary(const struct vmr *v)
{
	struct vmr want = *v;

	vmr_augment(&want.node);
	if (want.sub_lo != v->sub_lo || want.sub_hi != v->sub_hi ||
	    want.sub_gap != v->sub_gap) {
		printk("vmr: stale gap summary at %p\n", (void *)v->start);
		return -EINVAL;
	}
	return 0;
}

int vmr_set_check(const struct vmr_set *set)
{
	struct vmr *v, *prev = NULL;
	size_t nr = 0;

	if (rb_validate(&set->tree, vmr_cmp) < 0)
		return -EINVAL;
	for (v = vmr_first(set); v; prev = v, v = vmr_next(v)) {
		if (vmr_check_one(set, v, prev))
			return -EINVAL;
		nr++;
	}
	if (nr != set->nr) {
		printk("vmr: %zu regions in the tree, count says %zu\n", nr,
		       set->nr);
		return -EINVAL;
	}
	/* summaries last: with the regions sane, a mismatch is stale data */
	for (v = vmr_first(set); v; v = vmr_next(v))
		if (vmr_check_summary(v))
			return -EINVAL;
	return 0;
}
