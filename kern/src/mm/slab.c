/* SPDX-License-Identifier: MIT */
/*
 * slab.c - object caches with per-core magazines (see slab.h).
 *
 * The file follows the three layers, bottom up: the slab layer (slabs made
 * from arena memory, objects threaded on per-slab free lists, c->lock), the
 * depot (full and empty magazines, c->depot_lock) and the per-core layer
 * (two magazines per core, pcc->lock, taken irqsave so an interrupt on the
 * same core cannot re-enter it).  kmem_cache_alloc/free try the per-core
 * layer, then the depot, then the slab layer.
 *
 * Four internal caches, static and without magazines, bootstrap the rest:
 * slab headers and bufctls (small, in-page, so they never recurse),
 * magazines, and struct kmem_cache itself (large, off-page).  Slabs are
 * imported with arena_xalloc(), which never goes through quantum caches,
 * so a quantum cache can feed on its own arena.
 *
 * A fully free slab is kept if it is the cache's only empty one, else it is
 * given back at once; kmem_cache_reap() gives back the rest.  Nothing here
 * shrinks magazines or the depot on its own: reap does.
 */
#include <slab.h>
#include <arena.h>
#include <assert.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <ros/mmu64.h>

struct kmem_slab {
	struct list_head link;      /* [l] c->full/partial/empty */
	struct kmem_cache *cache;   /* [I] */
	void *base;                 /* [I] the imported memory */
	size_t nr_busy;             /* [l] */
	void *free;                 /* [l] object (in-page) or bufctl list */
};

struct kmem_bufctl {
	struct kmem_bufctl *next;   /* [l] slab free list or hash chain */
	void *obj;                  /* [I] */
	struct kmem_slab *slab;     /* [I] */
};

static struct kmem_cache kmem_cache_cache, kmem_slab_cache;
static struct kmem_cache kmem_bufctl_cache, kmem_magazine_cache;
static struct arena *kmem_default_arena;
static bool kmem_ready;

static spinlock_t kmem_caches_lock = SPINLOCK_INITIALIZER("kmem_caches");
static struct list_head kmem_caches = LIST_HEAD_INIT(kmem_caches);

bool kmem_is_ready(void)
{
	return READ_ONCE(kmem_ready);
}

/* --------------------------------------------------------- slab layer --- */

static void **obj_link(struct kmem_cache *c, void *obj)
{
	return (void **)((char *)obj + c->link_off);
}

static void *slab_obj(struct kmem_cache *c, void *base, size_t i)
{
	return (char *)base + i * c->stride;
}

static struct kmem_slab *kmem_slab_init_inpage(struct kmem_cache *c, void *mem)
{
	struct kmem_slab *slab = (void *)((char *)mem + PGSIZE - sizeof(*slab));

	*slab = (struct kmem_slab){ .cache = c, .base = mem };
	for (size_t i = c->objs_per_slab; i-- > 0;) {
		void *obj = slab_obj(c, mem, i);

		if (c->ctor)
			c->ctor(obj);
		*obj_link(c, obj) = slab->free;
		slab->free = obj;
	}
	return slab;
}

static void kmem_bufctls_free(struct kmem_bufctl *bc, void (*dtor)(void *))
{
	while (bc) {
		struct kmem_bufctl *next = bc->next;

		if (dtor)
			dtor(bc->obj);
		kmem_cache_free(&kmem_bufctl_cache, bc);
		bc = next;
	}
}

static struct kmem_slab *kmem_slab_init_offpage(struct kmem_cache *c,
                                                void *mem, int flags)
{
	struct kmem_slab *slab = kmem_cache_alloc(&kmem_slab_cache, flags);

	if (!slab)
		return NULL;
	*slab = (struct kmem_slab){ .cache = c, .base = mem };
	for (size_t i = c->objs_per_slab; i-- > 0;) {
		struct kmem_bufctl *bc = kmem_cache_alloc(&kmem_bufctl_cache, flags);

		if (!bc) {
			kmem_bufctls_free(slab->free, NULL);
			kmem_cache_free(&kmem_slab_cache, slab);
			return NULL;
		}
		*bc = (struct kmem_bufctl){ .next = slab->free,
		                            .obj = slab_obj(c, mem, i), .slab = slab };
		slab->free = bc;
	}
	for (struct kmem_bufctl *bc = slab->free; bc && c->ctor; bc = bc->next)
		c->ctor(bc->obj);
	return slab;
}

static struct kmem_slab *kmem_slab_create(struct kmem_cache *c)
{
	void *mem = arena_xalloc(c->source, c->slab_size, c->slab_align, 0, 0,
	                         NULL, NULL, MEM_ATOMIC);
	struct kmem_slab *slab;

	if (!mem)
		return NULL;
	if (c->in_page)
		slab = kmem_slab_init_inpage(c, mem);
	else
		slab = kmem_slab_init_offpage(c, mem, MEM_ATOMIC);
	if (!slab)
		arena_xfree(c->source, mem, c->slab_size);
	return slab;
}

/* The slab must be wholly free and unlinked. */
static void kmem_slab_destroy(struct kmem_cache *c, struct kmem_slab *slab)
{
	void *base = slab->base;

	if (c->in_page) {
		for (size_t i = 0; c->dtor && i < c->objs_per_slab; i++)
			c->dtor(slab_obj(c, base, i));
	} else {
		kmem_bufctls_free(slab->free, c->dtor);
		kmem_cache_free(&kmem_slab_cache, slab);
	}
	arena_xfree(c->source, base, c->slab_size);
}

static size_t kmem_hash_idx(void *obj)
{
	return ((uintptr_t)obj * 0x9e3779b97f4a7c15ull) >> 57;
}

static_assert_msg(KMEM_HASH_SIZE == 128, "kmem_hash_idx gives 7 bits");

/* Caller holds c->lock.  Takes one object out of a slab with free ones. */
static void *__kmem_slab_take(struct kmem_cache *c, struct kmem_slab *slab)
{
	void *obj;

	if (slab->nr_busy == 0)
		c->nr_empty_slabs--;
	if (c->in_page) {
		obj = slab->free;
		slab->free = *obj_link(c, obj);
	} else {
		struct kmem_bufctl *bc = slab->free;
		size_t h = kmem_hash_idx(bc->obj);

		slab->free = bc->next;
		obj = bc->obj;
		bc->next = c->hash[h];
		c->hash[h] = bc;
	}
	slab->nr_busy++;
	c->nr_busy++;
	list_del(&slab->link);
	list_add(&slab->link, slab->nr_busy == c->objs_per_slab ? &c->full
	                                                         : &c->partial);
	return obj;
}

/* An object from the slab layer, growing the cache as needed; NULL when
 * the source arena has nothing (MEM_ATOMIC). */
static void *kmem_slab_alloc(struct kmem_cache *c)
{
	struct kmem_slab *slab;
	uint64_t irq;
	void *obj;

	for (;;) {
		irq = spin_lock_irqsave(&c->lock);
		if (!list_empty(&c->partial) || !list_empty(&c->empty)) {
			slab = list_first_entry(list_empty(&c->partial) ? &c->empty
			                        : &c->partial, struct kmem_slab, link);
			obj = __kmem_slab_take(c, slab);
			spin_unlock_irqrestore(&c->lock, irq);
			return obj;
		}
		spin_unlock_irqrestore(&c->lock, irq);
		slab = kmem_slab_create(c);
		if (!slab)
			return NULL;
		irq = spin_lock_irqsave(&c->lock);
		list_add(&slab->link, &c->empty);
		c->nr_slabs++;
		c->nr_empty_slabs++;
		spin_unlock_irqrestore(&c->lock, irq);
	}
}

/* The slab an in-page object claims to belong to; panics if it is not c's. */
static struct kmem_slab *kmem_inpage_slab(struct kmem_cache *c, void *obj)
{
	uintptr_t page = ALIGN_DOWN((uintptr_t)obj, PGSIZE);
	struct kmem_slab *slab = (void *)(page + PGSIZE - sizeof(*slab));
	size_t off = (uintptr_t)obj - page;

	if (slab->cache != c || off % c->stride ||
	    off / c->stride >= c->objs_per_slab)
		panic("kmem_cache_free(%s): %p is not an object of this cache",
		      c->name, obj);
	return slab;
}

/* Caller holds c->lock.  Puts obj back on its slab's free list. */
static struct kmem_slab *__kmem_slab_put(struct kmem_cache *c, void *obj)
{
	struct kmem_bufctl **pp, *bc;
	struct kmem_slab *slab;

	if (c->in_page) {
		slab = kmem_inpage_slab(c, obj);
		*obj_link(c, obj) = slab->free;
		slab->free = obj;
		return slab;
	}
	for (pp = &c->hash[kmem_hash_idx(obj)]; *pp; pp = &(*pp)->next)
		if ((*pp)->obj == obj)
			break;
	if (!*pp)
		panic("kmem_cache_free(%s): %p was not allocated from this cache "
		      "(or is freed twice)", c->name, obj);
	bc = *pp;
	*pp = bc->next;
	slab = bc->slab;
	bc->next = slab->free;
	slab->free = bc;
	return slab;
}

static void kmem_slab_free(struct kmem_cache *c, void *obj)
{
	struct kmem_slab *slab, *dead = NULL;
	uint64_t irq = spin_lock_irqsave(&c->lock);

	slab = __kmem_slab_put(c, obj);
	if (slab->nr_busy == 0)
		panic("kmem_cache_free(%s): %p freed twice", c->name, obj);
	slab->nr_busy--;
	c->nr_busy--;
	list_del(&slab->link);
	if (slab->nr_busy) {
		list_add(&slab->link, &c->partial);
	} else if (c->nr_empty_slabs) {
		c->nr_slabs--;
		dead = slab;
	} else {
		list_add(&slab->link, &c->empty);
		c->nr_empty_slabs++;
	}
	spin_unlock_irqrestore(&c->lock, irq);
	if (dead)
		kmem_slab_destroy(c, dead);
}

/* ------------------------------------------------------------- depot --- */

static struct kmem_magazine *kmem_depot_get(struct kmem_cache *c, bool full)
{
	uint64_t irq = spin_lock_irqsave(&c->depot_lock);
	struct kmem_magazine **head = full ? &c->depot_full : &c->depot_empty;
	struct kmem_magazine *m = *head;

	if (m) {
		*head = m->next;
		if (full)
			c->nr_full_mags--;
		else
			c->nr_empty_mags--;
	}
	spin_unlock_irqrestore(&c->depot_lock, irq);
	return m;
}

static void kmem_depot_put(struct kmem_cache *c, struct kmem_magazine *m)
{
	uint64_t irq = spin_lock_irqsave(&c->depot_lock);
	bool full = m->nr > 0;

	m->next = full ? c->depot_full : c->depot_empty;
	if (full) {
		c->depot_full = m;
		c->nr_full_mags++;
	} else {
		c->depot_empty = m;
		c->nr_empty_mags++;
	}
	spin_unlock_irqrestore(&c->depot_lock, irq);
}

/* ---------------------------------------------------- per-core layer --- */

static void pcc_swap(struct kmem_pcc *pcc)
{
	struct kmem_magazine *m = pcc->loaded;

	pcc->loaded = pcc->prev;
	pcc->prev = m;
}

/* Caller holds pcc->lock.  An object from the core's magazines, or NULL. */
static void *__kmem_pcc_alloc(struct kmem_cache *c, struct kmem_pcc *pcc)
{
	struct kmem_magazine *full;

	for (;;) {
		if (pcc->loaded && pcc->loaded->nr)
			return pcc->loaded->rounds[--pcc->loaded->nr];
		if (pcc->prev && pcc->prev->nr) {
			pcc_swap(pcc);
			continue;
		}
		full = kmem_depot_get(c, true);
		if (!full)
			return NULL;
		if (pcc->prev)
			kmem_depot_put(c, pcc->prev);
		pcc->prev = pcc->loaded;
		pcc->loaded = full;
	}
}

/* Caller holds pcc->lock.  True if obj went into a magazine. */
static bool __kmem_pcc_free(struct kmem_cache *c, struct kmem_pcc *pcc,
                            void *obj)
{
	struct kmem_magazine *empty;

	for (;;) {
		if (pcc->loaded && pcc->loaded->nr < KMEM_MAG_ROUNDS) {
			pcc->loaded->rounds[pcc->loaded->nr++] = obj;
			return true;
		}
		if (pcc->prev && pcc->prev->nr == 0) {
			pcc_swap(pcc);
			continue;
		}
		empty = kmem_depot_get(c, false);
		if (!empty)
			return false;
		if (pcc->prev)
			kmem_depot_put(c, pcc->prev);
		pcc->prev = pcc->loaded;
		pcc->loaded = empty;
	}
}

static struct kmem_pcc *kmem_my_pcc(struct kmem_cache *c)
{
	uint32_t id = core_id();

	if (c->flags & KMC_NOMAGS || id >= MAX_CORES)
		return NULL;
	return &c->pcc[id];
}

static void *kmem_mag_alloc(struct kmem_cache *c)
{
	struct kmem_pcc *pcc = kmem_my_pcc(c);
	uint64_t irq;
	void *obj;

	if (!pcc)
		return NULL;
	irq = spin_lock_irqsave(&pcc->lock);
	obj = __kmem_pcc_alloc(c, pcc);
	spin_unlock_irqrestore(&pcc->lock, irq);
	return obj;
}

/* True if obj was cached; adds an empty magazine to the depot if needed. */
static bool kmem_mag_free(struct kmem_cache *c, void *obj)
{
	struct kmem_pcc *pcc = kmem_my_pcc(c);
	struct kmem_magazine *m;
	uint64_t irq;
	bool done;

	for (int tries = 0; pcc && tries < 2; tries++) {
		irq = spin_lock_irqsave(&pcc->lock);
		done = __kmem_pcc_free(c, pcc, obj);
		spin_unlock_irqrestore(&pcc->lock, irq);
		if (done)
			return true;
		m = kmem_cache_alloc(&kmem_magazine_cache, MEM_ATOMIC);
		if (!m)
			return false;
		m->nr = 0;
		kmem_depot_put(c, m);
	}
	return false;
}

void *kmem_cache_alloc(struct kmem_cache *c, int flags)
{
	struct mem_wait w = { 0 };
	void *obj;

	if (!mem_flags_ok(flags)) {
		warn("kmem_cache_alloc(%s): give exactly one of MEM_WAIT, "
		     "MEM_ATOMIC (flags %#x)", c->name, flags);
		return NULL;
	}
	for (;;) {
		obj = kmem_mag_alloc(c);
		if (!obj)
			obj = kmem_slab_alloc(c);
		if (obj) {
			__atomic_fetch_add(&c->nr_allocs, 1, __ATOMIC_RELAXED);
			return obj;
		}
		if ((flags & MEM_ATOMIC) || !mem_wait_for_memory(flags, &w))
			return NULL;
	}
}

void kmem_cache_free(struct kmem_cache *c, void *obj)
{
	if (!obj) {
		warn("kmem_cache_free(%s): NULL", c->name);
		return;
	}
	__atomic_fetch_add(&c->nr_frees, 1, __ATOMIC_RELAXED);
	if (c->in_page && !(c->flags & KMC_NOMAGS))
		kmem_inpage_slab(c, obj);     /* cheap check before caching */
	if (!kmem_mag_free(c, obj))
		kmem_slab_free(c, obj);
}

/* ------------------------------------------------------- drain, reap --- */

static void kmem_mag_flush(struct kmem_cache *c, struct kmem_magazine *m)
{
	while (m) {
		struct kmem_magazine *next = m->next;

		while (m->nr)
			kmem_slab_free(c, m->rounds[--m->nr]);
		kmem_cache_free(&kmem_magazine_cache, m);
		m = next;
	}
}

static void kmem_depot_flush(struct kmem_cache *c)
{
	uint64_t irq = spin_lock_irqsave(&c->depot_lock);
	struct kmem_magazine *full = c->depot_full, *empty = c->depot_empty;

	c->depot_full = c->depot_empty = NULL;
	c->nr_full_mags = c->nr_empty_mags = 0;
	spin_unlock_irqrestore(&c->depot_lock, irq);
	kmem_mag_flush(c, full);
	kmem_mag_flush(c, empty);
}

void kmem_cache_drain(struct kmem_cache *c)
{
	struct kmem_magazine *m[2];
	uint64_t irq;

	if (c->flags & KMC_NOMAGS)
		return;
	for (int i = 0; i < MAX_CORES; i++) {
		struct kmem_pcc *pcc = &c->pcc[i];

		irq = spin_lock_irqsave(&pcc->lock);
		m[0] = pcc->loaded;
		m[1] = pcc->prev;
		pcc->loaded = pcc->prev = NULL;
		spin_unlock_irqrestore(&pcc->lock, irq);
		for (int j = 0; j < 2; j++) {
			if (m[j])
				m[j]->next = NULL;
			kmem_mag_flush(c, m[j]);
		}
	}
	kmem_depot_flush(c);
}

void kmem_cache_reap(struct kmem_cache *c)
{
	struct list_head dead = LIST_HEAD_INIT(dead);
	struct kmem_slab *slab, *tmp;
	uint64_t irq;

	kmem_cache_drain(c);
	irq = spin_lock_irqsave(&c->lock);
	list_for_each_entry_safe(slab, tmp, &c->empty, link) {
		list_del(&slab->link);
		list_add(&slab->link, &dead);
		c->nr_slabs--;
	}
	c->nr_empty_slabs = 0;
	spin_unlock_irqrestore(&c->lock, irq);
	list_for_each_entry_safe(slab, tmp, &dead, link) {
		list_del(&slab->link);
		kmem_slab_destroy(c, slab);
	}
}

static bool kmem_is_internal(struct kmem_cache *c)
{
	return c == &kmem_cache_cache || c == &kmem_slab_cache ||
	       c == &kmem_bufctl_cache || c == &kmem_magazine_cache;
}

void kmem_reap_all(void)
{
	uint64_t irq = spin_lock_irqsave(&kmem_caches_lock);
	struct kmem_cache *c;

	list_for_each_entry(c, &kmem_caches, link)
		if (!kmem_is_internal(c))
			kmem_cache_reap(c);
	spin_unlock_irqrestore(&kmem_caches_lock, irq);
	kmem_cache_reap(&kmem_cache_cache);
	kmem_cache_reap(&kmem_magazine_cache);
	kmem_cache_reap(&kmem_bufctl_cache);
	kmem_cache_reap(&kmem_slab_cache);
}

/* ------------------------------------------------ creation and stats --- */

static int kmem_cache_geometry(struct kmem_cache *c, size_t size, size_t align)
{
	size_t q = c->source->quantum, objsz = size;

	if (!(c->flags & KMC_NOTOUCH)) {
		c->link_off = c->ctor ? ALIGN_UP(size, sizeof(void *)) : 0;
		objsz = c->ctor ? c->link_off + sizeof(void *)
		                : MAX(size, sizeof(void *));
	}
	c->stride = ALIGN_UP(objsz, align);
	c->in_page = !(c->flags & KMC_NOTOUCH) && c->stride <= PGSIZE / 8 &&
	             q <= PGSIZE;
	if (c->in_page) {
		c->slab_size = c->slab_align = PGSIZE;
		c->objs_per_slab = (PGSIZE - sizeof(struct kmem_slab)) / c->stride;
		return 0;
	}
	if (c->stride > (SIZE_MAX >> 4) / 8)
		return -EINVAL;
	c->slab_size = ALIGN_UP(c->stride * 8, q);
	c->slab_align = align > q ? align : 0;
	c->objs_per_slab = c->slab_size / c->stride;
	return 0;
}

static int kmem_cache_setup(struct kmem_cache *c, const char *name,
                            size_t size, size_t align, int flags,
                            void (*ctor)(void *), void (*dtor)(void *),
                            struct arena *source)
{
	uint64_t irq;

	align = align ? align : sizeof(void *);
	if (!size || !IS_POWER_OF_2(align) || !source ||
	    ((flags & KMC_NOTOUCH) && (ctor || dtor))) {
		warn("kmem_cache_create(%s): bad size %zu, align %zu or flags %#x",
		     name, size, align, flags);
		return -EINVAL;
	}
	memset(c, 0, sizeof(*c));
	strlcpy(c->name, name, sizeof(c->name));
	c->obj_size = size;
	c->align = align;
	c->flags = flags;
	c->ctor = ctor;
	c->dtor = dtor;
	c->source = source;
	if (kmem_cache_geometry(c, size, align))
		return -EINVAL;
	spinlock_init(&c->lock, "kmem_cache");
	spinlock_init(&c->depot_lock, "kmem_depot");
	for (int i = 0; i < MAX_CORES; i++)
		spinlock_init(&c->pcc[i].lock, "kmem_pcc");
	list_init(&c->full);
	list_init(&c->partial);
	list_init(&c->empty);
	irq = spin_lock_irqsave(&kmem_caches_lock);
	list_add_tail(&c->link, &kmem_caches);
	spin_unlock_irqrestore(&kmem_caches_lock, irq);
	return 0;
}

struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size,
                                     size_t align, int flags,
                                     void (*ctor)(void *), void (*dtor)(void *),
                                     struct arena *source)
{
	struct kmem_cache *c;

	if (!kmem_is_ready()) {
		warn("kmem_cache_create(%s): before kmem_init()", name);
		return NULL;
	}
	c = kmem_cache_alloc(&kmem_cache_cache, MEM_WAIT);
	if (!c)
		return NULL;
	if (kmem_cache_setup(c, name, obj_size, align, flags, ctor, dtor,
	                     source ? source : kmem_default_arena)) {
		kmem_cache_free(&kmem_cache_cache, c);
		return NULL;
	}
	c->dynamic = true;
	return c;
}

int kmem_cache_destroy(struct kmem_cache *c)
{
	uint64_t irq;
	size_t busy;

	kmem_cache_reap(c);
	irq = spin_lock_irqsave(&c->lock);
	busy = c->nr_busy;
	spin_unlock_irqrestore(&c->lock, irq);
	if (busy) {
		warn("kmem_cache_destroy(%s): %zu objects still in use (leaked); "
		     "the cache is kept", c->name, busy);
		return -EBUSY;
	}
	irq = spin_lock_irqsave(&kmem_caches_lock);
	list_del(&c->link);
	spin_unlock_irqrestore(&kmem_caches_lock, irq);
	if (c->dynamic)
		kmem_cache_free(&kmem_cache_cache, c);
	return 0;
}

static size_t kmem_rounds_in(struct kmem_magazine *m)
{
	return m ? m->nr : 0;
}

/* Free objects sitting in the magazine layer (per-core and depot). */
static size_t kmem_count_mag_rounds(struct kmem_cache *c)
{
	size_t n = 0;
	uint64_t irq;

	for (int i = 0; i < MAX_CORES && !(c->flags & KMC_NOMAGS); i++) {
		irq = spin_lock_irqsave(&c->pcc[i].lock);
		n += kmem_rounds_in(c->pcc[i].loaded) + kmem_rounds_in(c->pcc[i].prev);
		spin_unlock_irqrestore(&c->pcc[i].lock, irq);
	}
	irq = spin_lock_irqsave(&c->depot_lock);
	for (struct kmem_magazine *m = c->depot_full; m; m = m->next)
		n += m->nr;
	spin_unlock_irqrestore(&c->depot_lock, irq);
	return n;
}

void kmem_cache_get_stats(struct kmem_cache *c, struct kmem_cache_stats *st)
{
	size_t in_mags = kmem_count_mag_rounds(c);
	uint64_t irq = spin_lock_irqsave(&c->lock);

	*st = (struct kmem_cache_stats){ .obj_size = c->obj_size,
		.stride = c->stride, .nr_slabs = c->nr_slabs,
		.objs_per_slab = c->objs_per_slab, .nr_in_mags = in_mags,
		.slab_bytes = c->nr_slabs * c->slab_size, .source = c->source,
		.nr_in_use = c->nr_busy - MIN(in_mags, c->nr_busy) };
	spin_unlock_irqrestore(&c->lock, irq);
	irq = spin_lock_irqsave(&c->depot_lock);
	st->nr_full_mags = c->nr_full_mags;
	st->nr_empty_mags = c->nr_empty_mags;
	spin_unlock_irqrestore(&c->depot_lock, irq);
	st->nr_allocs = __atomic_load_n(&c->nr_allocs, __ATOMIC_RELAXED);
	st->nr_frees = __atomic_load_n(&c->nr_frees, __ATOMIC_RELAXED);
}

void kmem_cache_for_each(void (*fn)(struct kmem_cache *, void *), void *arg)
{
	uint64_t irq = spin_lock_irqsave(&kmem_caches_lock);
	struct kmem_cache *c;

	list_for_each_entry(c, &kmem_caches, link)
		fn(c, arg);
	spin_unlock_irqrestore(&kmem_caches_lock, irq);
}

static void kmem_add_in_use(struct kmem_cache *c, void *arg)
{
	struct kmem_cache_stats st;

	if (kmem_is_internal(c))
		return;
	kmem_cache_get_stats(c, &st);
	*(size_t *)arg += st.nr_in_use;
}

size_t kmem_nr_in_use(void)
{
	size_t n = 0;

	kmem_cache_for_each(kmem_add_in_use, &n);
	return n;
}

void kmem_cache_print(struct kmem_cache *c, void *unused)
{
	struct kmem_cache_stats st;

	kmem_cache_get_stats(c, &st);
	printk("slab %-20s size %zu slabs %zu (%zu objs) in use %zu in mags %zu "
	       "depot %zu/%zu allocs %llu\n", c->name, st.obj_size, st.nr_slabs,
	       st.objs_per_slab, st.nr_in_use, st.nr_in_mags, st.nr_full_mags,
	       st.nr_empty_mags, (unsigned long long)st.nr_allocs);
}

void kmem_init(struct arena *default_arena)
{
	kmem_default_arena = default_arena;
	kmem_cache_setup(&kmem_slab_cache, "kmem_slab", sizeof(struct kmem_slab),
	                 0, KMC_NOMAGS, NULL, NULL, default_arena);
	kmem_cache_setup(&kmem_bufctl_cache, "kmem_bufctl",
	                 sizeof(struct kmem_bufctl), 0, KMC_NOMAGS, NULL, NULL,
	                 default_arena);
	kmem_cache_setup(&kmem_magazine_cache, "kmem_magazine",
	                 sizeof(struct kmem_magazine), 0, KMC_NOMAGS, NULL, NULL,
	                 default_arena);
	kmem_cache_setup(&kmem_cache_cache, "kmem_cache",
	                 sizeof(struct kmem_cache), 64, KMC_NOMAGS, NULL, NULL,
	                 default_arena);
	WRITE_ONCE(kmem_ready, true);
	arena_qcaches_init_pending();
}
