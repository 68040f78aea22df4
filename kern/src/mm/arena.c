/* SPDX-License-Identifier: MIT */
/*
 * arena.c - vmem-style resource arenas (see arena.h for the interface).
 *
 * Model: an arena owns spans; each span is split into segments, each free
 * or allocated, all described by boundary tags (struct btag) kept on one
 * address-ordered list (a span's marker tag comes right before its
 * segments, so coalescing never crosses spans).  Free segments also sit on
 * the power-of-two free list of their size; allocated segments sit in a
 * hash keyed by address, which is how a free finds (and checks) its tag.
 *
 * An allocation first takes up to BTAG_STASH tags from the global pool
 * (without the arena lock: refilling the pool allocates a page, possibly
 * from another arena), then under the arena lock finds a segment with the
 * chosen policy and carves the range out of it.  When nothing fits and the
 * arena has a source, it drops its lock, imports a span and tries again.
 * A free coalesces with free neighbours and gives a wholly free imported
 * span back to its source.
 *
 * The tag pool starts with a static bootstrap array (the first arenas exist
 * before any page allocator) and grows a page at a time; pages are never
 * given back.  It keeps BTAG_RESERVE tags for the nested allocation that
 * its own refill makes.  Quantum caches are slab caches (slab.c) that the
 * arena_alloc/arena_free front end uses for small sizes.
 */
#include <arena.h>
#include <slab.h>
#include <kmalloc.h>
#include <assert.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <ros/mmu64.h>

enum btag_type { BT_SPAN = 1, BT_FREE, BT_ALLOC };

struct btag {
	struct list_head seg_link;   /* [l] arena's address-ordered list */
	struct list_head free_link;  /* [l] free list (BT_FREE) or pool */
	struct btag *hnext;          /* [l] hash chain (BT_ALLOC) */
	uintptr_t start;
	size_t size;
	uint8_t type;
	bool imported;               /* BT_SPAN: came from the source */
};

/* What one allocation asks for; addresses as integers. */
struct arena_req {
	size_t size, align, phase, nocross;
	uintptr_t minaddr, maxaddr;  /* maxaddr 0: no limit */
	int policy;
};

/* ------------------------------------------------------ boundary tags --- */

#define BTAG_STASH     4     /* most tags one operation uses */
#define BTAG_RESERVE   16    /* left for the refill's own allocation */
#define BTAG_BOOTSTRAP 128

static struct btag btag_bootstrap[BTAG_BOOTSTRAP];
static struct {
	spinlock_t lock;
	struct list_head free;     /* [lock] */
	size_t nr_free;            /* [lock] */
	size_t nr_pages;           /* [lock] */
	bool seeded, refilling;    /* [lock] */
	uint32_t refiller;         /* [lock] core refilling, if refilling */
} btag_pool = {
	.lock = SPINLOCK_INITIALIZER("btag_pool"),
	.free = LIST_HEAD_INIT(btag_pool.free),
};

struct btag_stash {
	struct btag *tags[BTAG_STASH];
	int nr;
};

/* Caller holds btag_pool.lock. */
static void __btag_pool_add(struct btag *tags, size_t n)
{
	for (size_t i = 0; i < n; i++)
		list_add(&tags[i].free_link, &btag_pool.free);
	btag_pool.nr_free += n;
}

/* Caller holds btag_pool.lock; may drop and retake it.  False: no page. */
static bool __btag_pool_refill(uint64_t *irq)
{
	void *page;

	btag_pool.refilling = true;
	btag_pool.refiller = core_id();
	spin_unlock_irqrestore(&btag_pool.lock, *irq);
	page = arena_btag_page_alloc();
	*irq = spin_lock_irqsave(&btag_pool.lock);
	btag_pool.refilling = false;
	if (!page)
		return false;
	__btag_pool_add(page, PGSIZE / sizeof(struct btag));
	btag_pool.nr_pages++;
	return true;
}

/*
 * Caller holds btag_pool.lock.  Makes sure 'need' tags (plus the reserve,
 * when a page can be had) are free.  While another core refills, wait for
 * it rather than fail: its page is usually all we need.
 */
static void __btag_pool_wait_for(size_t need, uint64_t *irq)
{
	while (btag_pool.nr_free < need + BTAG_RESERVE) {
		if (!btag_pool.refilling) {
			if (!__btag_pool_refill(irq))
				return;
			continue;
		}
		/* The reserve exists for the refill's own allocation (and for
		 * interrupts on the refilling core): never wait for ourselves. */
		if (btag_pool.nr_free >= need || btag_pool.refiller == core_id())
			return;
		spin_unlock_irqrestore(&btag_pool.lock, *irq);
		cpu_relax();
		*irq = spin_lock_irqsave(&btag_pool.lock);
	}
}

/* Fills the stash with BTAG_STASH tags; -ENOMEM if the pool is dry. */
static int btag_stash_fill(struct btag_stash *st)
{
	uint64_t irq = spin_lock_irqsave(&btag_pool.lock);
	int need = BTAG_STASH - st->nr;

	if (!btag_pool.seeded) {
		__btag_pool_add(btag_bootstrap, BTAG_BOOTSTRAP);
		btag_pool.seeded = true;
	}
	__btag_pool_wait_for(need, &irq);
	if (btag_pool.nr_free < (size_t)need) {
		spin_unlock_irqrestore(&btag_pool.lock, irq);
		return -ENOMEM;
	}
	while (st->nr < BTAG_STASH) {
		struct btag *bt = list_first_entry(&btag_pool.free,
		                                   struct btag, free_link);
		list_del(&bt->free_link);
		st->tags[st->nr++] = bt;
	}
	btag_pool.nr_free -= need;
	spin_unlock_irqrestore(&btag_pool.lock, irq);
	return 0;
}

static void btag_put(struct btag *bt)
{
	uint64_t irq = spin_lock_irqsave(&btag_pool.lock);

	list_add(&bt->free_link, &btag_pool.free);
	btag_pool.nr_free++;
	spin_unlock_irqrestore(&btag_pool.lock, irq);
}

static void btag_stash_empty(struct btag_stash *st)
{
	while (st->nr > 0)
		btag_put(st->tags[--st->nr]);
}

static struct btag *btag_stash_take(struct btag_stash *st)
{
	assert(st->nr > 0);
	return st->tags[--st->nr];
}

size_t arena_btag_nr_pages(void)
{
	return READ_ONCE(btag_pool.nr_pages);
}

/* ------------------------------------------------- segment bookkeeping --- */

static unsigned int highbit(size_t x)
{
	return 63 - __builtin_clzll(x);
}

static size_t arena_hash_idx(uintptr_t addr)
{
	return (addr * 0x9e3779b97f4a7c15ull) >> 56;
}

static void __arena_freelist_add(struct arena *a, struct btag *bt)
{
	bt->type = BT_FREE;
	list_add(&bt->free_link, &a->freelists[highbit(bt->size)]);
}

static void __arena_hash_add(struct arena *a, struct btag *bt)
{
	struct btag **head = &a->hash[arena_hash_idx(bt->start)];

	bt->type = BT_ALLOC;
	bt->hnext = *head;
	*head = bt;
}

/* Unlinks and returns the allocated tag that starts at addr, or NULL. */
static struct btag *__arena_hash_remove(struct arena *a, uintptr_t addr)
{
	struct btag **pp = &a->hash[arena_hash_idx(addr)];

	for (; *pp; pp = &(*pp)->hnext) {
		struct btag *bt = *pp;

		if (bt->start == addr) {
			*pp = bt->hnext;
			bt->hnext = NULL;
			return bt;
		}
	}
	return NULL;
}

static struct btag *seg_next(struct arena *a, struct btag *bt)
{
	if (bt->seg_link.next == &a->segs)
		return NULL;
	return list_entry(bt->seg_link.next, struct btag, seg_link);
}

static struct btag *seg_prev(struct arena *a, struct btag *bt)
{
	if (bt->seg_link.prev == &a->segs)
		return NULL;
	return list_entry(bt->seg_link.prev, struct btag, seg_link);
}

/* ------------------------------------------------------------- fitting --- */

/* Smallest a >= x with a % align == phase; 0 on overflow. */
static uintptr_t phase_up(uintptr_t x, size_t align, size_t phase)
{
	uintptr_t a;

	if (x <= phase)
		return phase;
	a = ALIGN_UP(x - phase, align) + phase;
	return a < x ? 0 : a;
}

static bool crosses(uintptr_t addr, size_t size, size_t nocross)
{
	return nocross && ((addr ^ (addr + size - 1)) & ~(uintptr_t)(nocross - 1));
}

/*
 * Finds the lowest address >= floor inside free segment bt that satisfies
 * r; true and *out on success.
 */
static bool seg_fit(const struct btag *bt, const struct arena_req *r,
                    uintptr_t floor, uintptr_t *out)
{
	uintptr_t end = bt->start + bt->size;
	uintptr_t lo = MAX(MAX(bt->start, r->minaddr), floor);
	uintptr_t hi = r->maxaddr ? MIN(end, r->maxaddr) : end;
	uintptr_t addr = phase_up(lo, r->align, r->phase);

	if (lo >= hi || addr < lo)
		return false;
	if (crosses(addr, r->size, r->nocross)) {
		uintptr_t next = ALIGN_UP(addr, r->nocross);

		addr = next < addr ? 0 : phase_up(next, r->align, r->phase);
		if (addr < next || crosses(addr, r->size, r->nocross))
			return false;
	}
	if (addr + r->size < addr || addr + r->size > hi)
		return false;
	*out = addr;
	return true;
}

/* Instant fit: the first segment of the first list that must be big enough. */
static struct btag *__fit_instant(struct arena *a, const struct arena_req *r,
                                  uintptr_t *out)
{
	unsigned int lo = highbit(r->size);
	unsigned int first = IS_POWER_OF_2(r->size) ? lo : lo + 1;
	struct btag *bt;

	for (unsigned int i = first; i < ARENA_NR_FREELISTS; i++)
		list_for_each_entry(bt, &a->freelists[i], free_link)
			if (seg_fit(bt, r, 0, out))
				return bt;
	if (first == lo)
		return NULL;
	list_for_each_entry(bt, &a->freelists[lo], free_link)
		if (seg_fit(bt, r, 0, out))
			return bt;
	return NULL;
}

/* Best fit: the smallest fitting segment (lists are ordered by size class). */
static struct btag *__fit_best(struct arena *a, const struct arena_req *r,
                               uintptr_t *out)
{
	struct btag *bt, *best = NULL;
	uintptr_t addr;

	for (unsigned int i = highbit(r->size); i < ARENA_NR_FREELISTS; i++) {
		list_for_each_entry(bt, &a->freelists[i], free_link) {
			if ((!best || bt->size < best->size) &&
			    seg_fit(bt, r, 0, &addr)) {
				best = bt;
				*out = addr;
			}
		}
		if (best)
			return best;
	}
	return NULL;
}

/* Next fit: the first fit at or after the rotor, wrapping around once. */
static struct btag *__fit_next(struct arena *a, const struct arena_req *r,
                               uintptr_t *out)
{
	struct btag *bt;

	list_for_each_entry(bt, &a->segs, seg_link)
		if (bt->type == BT_FREE && seg_fit(bt, r, a->rotor, out))
			return bt;
	list_for_each_entry(bt, &a->segs, seg_link)
		if (bt->type == BT_FREE && seg_fit(bt, r, 0, out))
			return bt;
	return NULL;
}

static struct btag *__arena_fit(struct arena *a, const struct arena_req *r,
                                uintptr_t *out)
{
	switch (r->policy) {
	case ARENA_BESTFIT:
		return __fit_best(a, r, out);
	case ARENA_NEXTFIT:
		return __fit_next(a, r, out);
	default:
		return __fit_instant(a, r, out);
	}
}

/* Makes a free tag for [start, start + size) beside 'at' (before/after). */
static void __arena_split_off(struct arena *a, struct btag *at, bool before,
                              uintptr_t start, size_t size,
                              struct btag_stash *st)
{
	struct btag *nb = btag_stash_take(st);

	nb->start = start;
	nb->size = size;
	nb->imported = false;
	if (before)
		list_add_tail(&nb->seg_link, &at->seg_link);
	else
		list_add(&nb->seg_link, &at->seg_link);
	__arena_freelist_add(a, nb);
}

/* Allocates [addr, addr + size) out of free segment bt. */
static void __arena_carve(struct arena *a, struct btag *bt, uintptr_t addr,
                          size_t size, struct btag_stash *st)
{
	uintptr_t end = bt->start + bt->size;

	list_del(&bt->free_link);
	if (addr > bt->start)
		__arena_split_off(a, bt, true, bt->start, addr - bt->start, st);
	if (addr + size < end)
		__arena_split_off(a, bt, false, addr + size, end - addr - size, st);
	bt->start = addr;
	bt->size = size;
	__arena_hash_add(a, bt);
	a->allocated += size;
	a->nr_allocs++;
	a->rotor = addr + size;
}

/* -------------------------------------------------------------- spans --- */

/* Inserts a span and its one free segment; -EINVAL if it overlaps. */
static int __arena_add_span(struct arena *a, uintptr_t start, size_t size,
                            bool imported, struct btag_stash *st)
{
	struct btag *bt, *span, *seg;
	struct list_head *pos = &a->segs;

	list_for_each_entry(bt, &a->segs, seg_link) {
		if (bt->type != BT_SPAN)
			continue;
		if (start < bt->start + bt->size && bt->start < start + size)
			return -EINVAL;
		if (bt->start > start) {
			pos = &bt->seg_link;
			break;
		}
	}
	span = btag_stash_take(st);
	seg = btag_stash_take(st);
	*span = (struct btag){ .start = start, .size = size, .type = BT_SPAN,
	                       .imported = imported };
	*seg = (struct btag){ .start = start, .size = size };
	list_add_tail(&span->seg_link, pos);
	list_add_tail(&seg->seg_link, pos);
	__arena_freelist_add(a, seg);
	a->total += size;
	return 0;
}

static int arena_add_span(struct arena *a, uintptr_t start, size_t size,
                          bool imported)
{
	struct btag_stash st = { .nr = 0 };
	uint64_t irq;
	int ret;

	if (btag_stash_fill(&st))
		return -ENOMEM;
	irq = spin_lock_irqsave(&a->lock);
	ret = __arena_add_span(a, start, size, imported, &st);
	if (!ret && imported)
		a->nr_imports++;
	spin_unlock_irqrestore(&a->lock, irq);
	btag_stash_empty(&st);
	return ret;
}

int arena_add(struct arena *a, void *base, size_t size, int flags)
{
	uintptr_t start = (uintptr_t)base;

	if (!mem_flags_ok(flags)) {
		warn("arena_add(%s): give exactly one of MEM_WAIT, MEM_ATOMIC", a->name);
		return -EINVAL;
	}
	if (!size || !start || start + size < start ||
	    !IS_ALIGNED(start, a->quantum) || !IS_ALIGNED(size, a->quantum)) {
		printk("arena_add(%s): bad span [%p, +%zu)\n", a->name, base, size);
		return -EINVAL;
	}
	return arena_add_span(a, start, size, false);
}

/* Imports a span big enough for r from the source; 0 or -ENOMEM. */
static int arena_import(struct arena *a, const struct arena_req *r, int flags)
{
	size_t q = MAX(a->quantum, a->source ? a->source->quantum : 1);
	size_t size = r->size + (r->align > a->quantum ? r->align - a->quantum : 0);
	void *base;

	if (size < r->size || ALIGN_UP(size, q) < size)
		return -ENOMEM;
	size = ALIGN_UP(size, q);
	base = a->import_fn(a->source, size, MEM_ATOMIC);
	if (!base)
		return -ENOMEM;
	if (arena_add_span(a, (uintptr_t)base, size, true)) {
		a->release_fn(a->source, base, size);
		return -ENOMEM;
	}
	return 0;
}

/* ------------------------------------------------------ alloc and free --- */

/* One attempt: 0 and *out, or -ENOMEM if nothing fits right now. */
static int arena_try_alloc(struct arena *a, const struct arena_req *r,
                           uintptr_t *out)
{
	struct btag_stash st = { .nr = 0 };
	struct btag *bt;
	uint64_t irq;

	if (btag_stash_fill(&st))
		return -ENOMEM;
	irq = spin_lock_irqsave(&a->lock);
	bt = __arena_fit(a, r, out);
	if (bt)
		__arena_carve(a, bt, *out, r->size, &st);
	spin_unlock_irqrestore(&a->lock, irq);
	btag_stash_empty(&st);
	return bt ? 0 : -ENOMEM;
}

static void *arena_do_alloc(struct arena *a, const struct arena_req *r,
                            int flags)
{
	struct mem_wait w = { 0 };
	uintptr_t addr;

	for (;;) {
		if (!arena_try_alloc(a, r, &addr))
			return (void *)addr;
		if (a->import_fn && !arena_import(a, r, flags))
			continue;
		if ((flags & MEM_ATOMIC) || !mem_wait_for_memory(flags, &w))
			return NULL;
	}
}

static int arena_policy(struct arena *a, int flags)
{
	int p = flags & ARENA_POLICYMASK;

	if (!p)
		return a->policy;
	return IS_POWER_OF_2(p) ? p : -1;
}

/* Validates and normalises an xalloc request; false (and a warning) if bad. */
static bool arena_req_init(struct arena *a, struct arena_req *r, size_t size,
                           size_t align, size_t phase, size_t nocross,
                           void *minaddr, void *maxaddr, int flags)
{
	size_t q = a->quantum;

	*r = (struct arena_req){ .size = ALIGN_UP(size, q),
		.align = align ? align : q, .phase = phase, .nocross = nocross,
		.minaddr = (uintptr_t)minaddr, .maxaddr = (uintptr_t)maxaddr,
		.policy = arena_policy(a, flags) };
	if (!mem_flags_ok(flags) || r->policy < 0 || !size || r->size < size ||
	    !IS_POWER_OF_2(r->align) || r->align % q || phase % q ||
	    phase >= r->align || (nocross && !IS_POWER_OF_2(nocross)) ||
	    (nocross && r->size > nocross) ||
	    (r->maxaddr && r->minaddr >= r->maxaddr)) {
		warn("arena_xalloc(%s): bad request size %zu align %zu phase %zu "
		     "nocross %zu min %p max %p flags %#x", a->name, size, align,
		     phase, nocross, minaddr, maxaddr, flags);
		return false;
	}
	return true;
}

void *arena_xalloc(struct arena *a, size_t size, size_t align, size_t phase,
                   size_t nocross, void *minaddr, void *maxaddr, int flags)
{
	struct arena_req r;

	if (!arena_req_init(a, &r, size, align, phase, nocross, minaddr,
	                    maxaddr, flags))
		return NULL;
	return arena_do_alloc(a, &r, flags);
}

static struct kmem_cache *arena_qcache_for(struct arena *a, size_t size)
{
	size_t n = size / a->quantum;

	if (!size || size > a->qcache_max || n > READ_ONCE(a->nr_qcaches))
		return NULL;
	return a->qcaches[n - 1];
}

void *arena_alloc(struct arena *a, size_t size, int flags)
{
	struct kmem_cache *qc = arena_qcache_for(a, ALIGN_UP(size, a->quantum));

	if (qc)
		return kmem_cache_alloc(qc, flags);
	return arena_xalloc(a, size, 0, 0, 0, NULL, NULL, flags);
}

/* Merges bt's free neighbour nb into bt; nb goes to *dead. */
static void __arena_merge(struct arena *a, struct btag *bt, struct btag *nb,
                          struct list_head *dead)
{
	list_del(&nb->free_link);
	list_del(&nb->seg_link);
	if (nb->start < bt->start)
		bt->start = nb->start;
	bt->size += nb->size;
	list_add(&nb->free_link, dead);
}

/* If bt now fills an imported span, unlinks both; true if so. */
static bool __arena_span_done(struct arena *a, struct btag *bt,
                              struct list_head *dead)
{
	struct btag *span = seg_prev(a, bt);

	if (!span || span->type != BT_SPAN || !span->imported ||
	    span->size != bt->size)
		return false;
	list_del(&span->seg_link);
	list_del(&bt->seg_link);
	list_add(&span->free_link, dead);
	list_add(&bt->free_link, dead);
	a->total -= bt->size;
	return true;
}

void arena_xfree(struct arena *a, void *addr, size_t size)
{
	struct list_head dead = LIST_HEAD_INIT(dead);
	struct btag *bt, *nb, *tmp;
	bool release = false;
	uint64_t irq;

	size = ALIGN_UP(size, a->quantum);
	irq = spin_lock_irqsave(&a->lock);
	bt = __arena_hash_remove(a, (uintptr_t)addr);
	if (!bt || bt->size != size)
		panic("arena_free(%s): [%p, +%zu) was never allocated%s",
		      a->name, addr, size, bt ? " with that size" : "");
	a->allocated -= size;
	a->nr_frees++;
	if ((nb = seg_next(a, bt)) && nb->type == BT_FREE)
		__arena_merge(a, bt, nb, &dead);
	if ((nb = seg_prev(a, bt)) && nb->type == BT_FREE)
		__arena_merge(a, bt, nb, &dead);
	if (a->release_fn && __arena_span_done(a, bt, &dead))
		release = true;
	else
		__arena_freelist_add(a, bt);
	spin_unlock_irqrestore(&a->lock, irq);
	if (release)
		a->release_fn(a->source, (void *)bt->start, bt->size);
	list_for_each_entry_safe(nb, tmp, &dead, free_link) {
		list_del(&nb->free_link);
		btag_put(nb);
	}
}

void arena_free(struct arena *a, void *addr, size_t size)
{
	struct kmem_cache *qc = arena_qcache_for(a, ALIGN_UP(size, a->quantum));

	if (qc)
		kmem_cache_free(qc, addr);
	else
		arena_xfree(a, addr, size);
}

/* ------------------------------------------------- creation, the list --- */

static spinlock_t arenas_lock = SPINLOCK_INITIALIZER("arenas");
static struct list_head arenas = LIST_HEAD_INIT(arenas);

static void *arena_default_import(struct arena *src, size_t size, int flags)
{
	return arena_alloc(src, size, flags);
}

/* Creates the quantum caches; needs slab (kmem_init) to be up. */
static void arena_qcache_setup(struct arena *a)
{
	size_t n = MIN(a->qcache_max / a->quantum, (size_t)ARENA_MAX_QCACHES);
	char name[KMEM_NAME_LEN];
	size_t i;

	for (i = a->nr_qcaches; i < n; i++) {
		snprintf(name, sizeof(name), "%.24s-q%zu", a->name, i + 1);
		a->qcaches[i] = kmem_cache_create(name, (i + 1) * a->quantum,
		                                  a->quantum, KMC_QCACHE, NULL,
		                                  NULL, a);
		if (!a->qcaches[i])
			break;
	}
	WRITE_ONCE(a->nr_qcaches, i);
	a->qcache_max = i * a->quantum;
}

void arena_qcaches_init_pending(void)
{
	struct arena *a, *todo[8];
	size_t n = 0;
	uint64_t irq = spin_lock_irqsave(&arenas_lock);

	list_for_each_entry(a, &arenas, link)
		if (a->qcache_max && !a->nr_qcaches && n < ARRAY_SIZE(todo))
			todo[n++] = a;
	spin_unlock_irqrestore(&arenas_lock, irq);
	for (size_t i = 0; i < n; i++)
		arena_qcache_setup(todo[i]);
}

static bool arena_args_ok(const char *name, size_t quantum, int flags,
                          arena_import_fn import_fn, struct arena *source)
{
	int p = flags & ARENA_POLICYMASK;

	if (!mem_flags_ok(flags) || (p && !IS_POWER_OF_2(p)) ||
	    !IS_POWER_OF_2(quantum) || (import_fn && !source)) {
		warn("arena_create(%s): bad quantum %zu or flags %#x", name,
		     quantum, flags);
		return false;
	}
	return true;
}

int arena_init(struct arena *a, const char *name, void *base, size_t size,
               size_t quantum, arena_import_fn import_fn,
               arena_release_fn release_fn, struct arena *source,
               size_t qcache_max, int flags)
{
	uint64_t irq;

	if (!arena_args_ok(name, quantum, flags, import_fn, source))
		return -EINVAL;
	memset(a, 0, sizeof(*a));
	spinlock_init(&a->lock, "arena");
	strlcpy(a->name, name, sizeof(a->name));
	a->quantum = quantum;
	a->policy = (flags & ARENA_POLICYMASK) ? (flags & ARENA_POLICYMASK)
	                                       : ARENA_INSTANTFIT;
	a->source = source;
	a->import_fn = import_fn ? import_fn : (source ? arena_default_import : NULL);
	a->release_fn = release_fn ? release_fn : (source ? arena_free : NULL);
	a->qcache_max = ALIGN_DOWN(qcache_max, quantum);
	list_init(&a->segs);
	for (int i = 0; i < ARENA_NR_FREELISTS; i++)
		list_init(&a->freelists[i]);
	if (size && arena_add(a, base, size, flags))
		return -EINVAL;
	irq = spin_lock_irqsave(&arenas_lock);
	list_add_tail(&a->link, &arenas);
	spin_unlock_irqrestore(&arenas_lock, irq);
	if (a->qcache_max && kmem_is_ready())
		arena_qcache_setup(a);
	return 0;
}

struct arena *arena_create(const char *name, void *base, size_t size,
                           size_t quantum, arena_import_fn import_fn,
                           arena_release_fn release_fn, struct arena *source,
                           size_t qcache_max, int flags)
{
	struct arena *a;

	if (!arena_args_ok(name, quantum, flags, import_fn, source))
		return NULL;
	a = kmalloc(sizeof(*a), flags & MEM_WAITMASK);
	if (!a)
		return NULL;
	if (arena_init(a, name, base, size, quantum, import_fn, release_fn,
	               source, qcache_max, flags)) {
		kfree(a);
		return NULL;
	}
	a->dynamic = true;
	return a;
}

/* Gives back every span and tag; leaks imported spans still in use. */
static void arena_teardown_segs(struct arena *a)
{
	while (!list_empty(&a->segs)) {
		struct btag *bt, *span = list_first_entry(&a->segs, struct btag,
		                                          seg_link);
		bool busy = false;

		list_del(&span->seg_link);
		while (!list_empty(&a->segs)) {
			bt = list_first_entry(&a->segs, struct btag, seg_link);
			if (bt->type == BT_SPAN)
				break;
			busy |= bt->type == BT_ALLOC;
			list_del(&bt->seg_link);
			btag_put(bt);
		}
		if (span->imported && !busy)
			a->release_fn(a->source, (void *)span->start, span->size);
		btag_put(span);
	}
}

void arena_destroy(struct arena *a)
{
	uint64_t irq;

	for (size_t i = 0; i < a->nr_qcaches; i++)
		kmem_cache_destroy(a->qcaches[i]);
	a->nr_qcaches = 0;
	if (a->allocated)
		warn("arena_destroy(%s): %zu bytes still allocated (leaked)",
		     a->name, a->allocated);
	irq = spin_lock_irqsave(&arenas_lock);
	list_del(&a->link);
	spin_unlock_irqrestore(&arenas_lock, irq);
	arena_teardown_segs(a);
	if (a->dynamic)
		kfree(a);
}

/* ----------------------------------------------------------- stats ------ */

void arena_get_stats(struct arena *a, struct arena_stats *st)
{
	uint64_t irq = spin_lock_irqsave(&a->lock);
	struct btag *bt;

	*st = (struct arena_stats){ .total = a->total,
		.allocated = a->allocated, .free = a->total - a->allocated,
		.nr_allocs = a->nr_allocs, .nr_frees = a->nr_frees,
		.nr_imports = a->nr_imports };
	list_for_each_entry(bt, &a->segs, seg_link) {
		st->nr_segs += bt->type != BT_SPAN;
		st->nr_free_segs += bt->type == BT_FREE;
	}
	spin_unlock_irqrestore(&a->lock, irq);
}

size_t arena_amt_free(struct arena *a)
{
	uint64_t irq = spin_lock_irqsave(&a->lock);
	size_t free = a->total - a->allocated;

	spin_unlock_irqrestore(&a->lock, irq);
	return free;
}

void arena_for_each(void (*fn)(struct arena *, void *), void *arg)
{
	uint64_t irq = spin_lock_irqsave(&arenas_lock);
	struct arena *a;

	list_for_each_entry(a, &arenas, link)
		fn(a, arg);
	spin_unlock_irqrestore(&arenas_lock, irq);
}

void arena_print(struct arena *a, void *unused)
{
	struct arena_stats st;

	arena_get_stats(a, &st);
	printk("arena %-16s total %zu alloc %zu free %zu segs %zu/%zu free, "
	       "allocs %llu frees %llu imports %llu\n", a->name, st.total,
	       st.allocated, st.free, st.nr_free_segs, st.nr_segs,
	       (unsigned long long)st.nr_allocs, (unsigned long long)st.nr_frees,
	       (unsigned long long)st.nr_imports);
}

/* The kernel links its policy (mm/mem_wait.c); host tests get this. */
__weak bool mem_wait_for_memory(int flags, struct mem_wait *w)
{
	panic("out of memory (a MEM_WAIT allocation cannot be satisfied)");
}
