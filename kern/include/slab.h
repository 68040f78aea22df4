/* SPDX-License-Identifier: MIT */
/*
 * slab.h - object caches (Bonwick's slab allocator with per-core magazines).
 *
 *	struct kmem_cache *c = kmem_cache_create("proc", sizeof(struct proc),
 *	                                         64, 0, proc_ctor, NULL, NULL);
 *	struct proc *p = kmem_cache_alloc(c, MEM_WAIT);
 *	kmem_cache_free(c, p);
 *	kmem_cache_destroy(c);
 *
 * Three layers.  Each core has a loaded and a previous magazine (arrays of
 * KMEM_MAG_ROUNDS free objects); most allocs and frees touch only those,
 * with the core's lock taken irqsave (uncontended: only reap and drain,
 * from other cores, ever take it).  Below, the depot keeps full and empty
 * magazines per cache.  Below that, the slab layer carves slabs imported
 * from an arena into objects.  Objects are constructed (ctor) when their
 * slab is made and destroyed (dtor) when it is given back, so an object in
 * a magazine is still constructed.
 *
 * Small objects (stride <= PGSIZE/8) live in one-page slabs with the slab
 * header at the end of the page; larger ones (and KMC_QCACHE caches, whose
 * "objects" are arena ranges that may not be memory at all) keep the slab
 * header and one bufctl per object outside, found through a hash.
 *
 * Contexts: kmem_cache_alloc/free are safe in IRQ context with MEM_ATOMIC.
 * kmem_cache_create/destroy may block.  Freeing an object that does not
 * belong to the cache panics.  Lock order: core magazine -> depot -> slab
 * layer -> arena.
 */
#pragma once

#include <types.h>
#include <list.h>
#include <spinlock.h>
#include <core_id.h>
#include <mem_flags.h>

struct arena;

#define KMEM_NAME_LEN    32
#define KMEM_MAG_ROUNDS  14
#define KMEM_HASH_SIZE   128

/* kmem_cache_create flags */
#define KMC_NOMAGS  (1 << 0)   /* no magazine layer (internal caches) */
#define KMC_NOTOUCH (1 << 1)   /* never write into objects: off-page only */
#define KMC_QCACHE  (KMC_NOTOUCH)

struct kmem_magazine {
	struct kmem_magazine *next;          /* depot list */
	size_t nr;                           /* rounds present */
	void *rounds[KMEM_MAG_ROUNDS];
};

/* Per-core magazines; [l] this struct's lock. */
struct kmem_pcc {
	spinlock_t lock;
	struct kmem_magazine *loaded;        /* [l] partially full or NULL */
	struct kmem_magazine *prev;          /* [l] full, empty or NULL */
} __aligned(64);

/*
 * Field tags (Documentation/style.md): [I] set at creation, [l] c->lock (slab layer), [depot_lock] c->depot_lock,
 * [a] atomic/relaxed counters, [kmem_caches_lock] the global cache list lock.
 */
struct kmem_cache {
	char name[KMEM_NAME_LEN];            /* [I] */
	size_t obj_size, align;              /* [I] */
	size_t stride;                       /* [I] object spacing in a slab */
	size_t link_off;                     /* [I] in-page free link offset */
	size_t slab_size, slab_align;        /* [I] bytes imported per slab */
	size_t objs_per_slab;                /* [I] */
	int flags;                           /* [I] KMC_* */
	bool in_page;                        /* [I] slab header in the page */
	bool dynamic;                        /* [I] from kmem_cache_cache */
	void (*ctor)(void *obj);             /* [I] */
	void (*dtor)(void *obj);             /* [I] */
	struct arena *source;                /* [I] */

	spinlock_t lock;
	struct list_head full, partial, empty;     /* [l] slabs */
	size_t nr_slabs, nr_empty_slabs;           /* [l] */
	size_t nr_busy;                            /* [l] objects out of slabs */
	struct kmem_bufctl *hash[KMEM_HASH_SIZE];  /* [l] off-page, busy */

	spinlock_t depot_lock;
	struct kmem_magazine *depot_full;          /* [depot_lock] */
	struct kmem_magazine *depot_empty;         /* [depot_lock] */
	size_t nr_full_mags, nr_empty_mags;        /* [depot_lock] */

	uint64_t nr_allocs, nr_frees;              /* [a] all calls */
	struct list_head link;                     /* [kmem_caches_lock] */
	struct kmem_pcc pcc[MAX_CORES];
};

struct kmem_cache_stats {
	size_t obj_size, stride;
	size_t nr_slabs, objs_per_slab;
	size_t slab_bytes;       /* nr_slabs * bytes imported per slab */
	struct arena *source;    /* where the slabs came from */
	size_t nr_in_use;        /* exact: handed to callers, not in magazines */
	size_t nr_in_mags;       /* free objects cached in magazines */
	size_t nr_full_mags, nr_empty_mags;    /* in the depot */
	uint64_t nr_allocs, nr_frees;
};

/*
 * source NULL: the default arena given to kmem_init().  align 0: 8 bytes.
 * ctor/dtor may be NULL and must not allocate from this cache.
 */
struct kmem_cache *kmem_cache_create(const char *name, size_t obj_size,
                                     size_t align, int flags,
                                     void (*ctor)(void *), void (*dtor)(void *),
                                     struct arena *source);
/* Drains; if objects are still in use, warns, keeps the cache and returns
 * -EBUSY (the leak stays visible in the stats); else frees it, 0. */
int kmem_cache_destroy(struct kmem_cache *c);

void *kmem_cache_alloc(struct kmem_cache *c, int flags);
void kmem_cache_free(struct kmem_cache *c, void *obj);

/* Gives every magazine's objects back to the slab layer. */
void kmem_cache_drain(struct kmem_cache *c);
/* Drain, then give empty slabs back to the arena. */
void kmem_cache_reap(struct kmem_cache *c);
/* Reaps every cache, internal ones last: afterwards free memory and
 * "objects in use" are exact, which is what leak checks compare. */
void kmem_reap_all(void);

void kmem_cache_get_stats(struct kmem_cache *c, struct kmem_cache_stats *st);
/* Calls fn on every cache with the global list locked. */
void kmem_cache_for_each(void (*fn)(struct kmem_cache *, void *), void *arg);
void kmem_cache_print(struct kmem_cache *c, void *unused);
/* Objects in use summed over every cache but slab's own four (kmalloc
 * objects and kpages quantum-cache pages included): for leak checks. */
size_t kmem_nr_in_use(void);

/* Brings slab up on its default arena, then the arenas' quantum caches. */
void kmem_init(struct arena *default_arena);
bool kmem_is_ready(void);
