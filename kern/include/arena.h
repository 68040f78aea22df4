/* SPDX-License-Identifier: MIT */
/*
 * arena.h - resource arenas (Bonwick and Adams' vmem): allocators of
 * integer ranges, used for physical pages, kernel virtual ranges and ids.
 *
 *	struct arena *a = arena_create("ids", (void *)1, 1000, 1, NULL, NULL,
 *	                               NULL, 0, MEM_WAIT);
 *	void *x = arena_alloc(a, 1, MEM_ATOMIC);  ...  arena_free(a, x, 1);
 *	void *p = arena_xalloc(a, size, align, phase, nocross, min, max, flags);
 *	arena_xfree(a, p, size);
 *
 * An arena hands out quantum-multiple ranges of the spans it was given
 * (arena_add) or imports from a source arena.  Address 0 is never handed
 * out: NULL means failure, so spans containing 0 are refused.  Sizes are
 * rounded up to the quantum; frees must pass the size that was allocated.
 *
 * Policies (one per call, or the arena's default from arena_create's flags):
 * instant-fit (power-of-two free lists, constant time, the default),
 * best-fit (smallest segment that fits), next-fit (rotor; for ids that
 * should not be reused soon).  arena_alloc() of at most qcache_max bytes
 * goes through quantum caches (slab caches of 1..16 quanta, slab.h), which
 * exist once kmem_init() has run; arena_xalloc() never uses them.
 *
 * Locking: one irqsave spinlock per arena, so MEM_ATOMIC calls are fine in
 * IRQ context.  Boundary tags come from a global pool refilled a page at a
 * time by arena_btag_page_alloc(), never from kmalloc.  The lock order is
 * arena -> btag pool; an arena never holds its lock across a call into
 * its source.  A free of a range that was never allocated panics.
 */
#pragma once

#include <types.h>
#include <list.h>
#include <spinlock.h>
#include <mem_flags.h>

/* Allocation policies; share the flags word with MEM_*. */
#define ARENA_INSTANTFIT (1 << 8)
#define ARENA_BESTFIT    (1 << 9)
#define ARENA_NEXTFIT    (1 << 10)
#define ARENA_POLICYMASK (ARENA_INSTANTFIT | ARENA_BESTFIT | ARENA_NEXTFIT)

#define ARENA_NAME_LEN     32
#define ARENA_NR_FREELISTS 64
#define ARENA_HASH_SIZE    256
#define ARENA_MAX_QCACHES  16

struct arena;
struct btag;
struct kmem_cache;

typedef void *(*arena_import_fn)(struct arena *src, size_t size, int flags);
typedef void (*arena_release_fn)(struct arena *src, void *addr, size_t size);

/*
 * Field tags (legend: Documentation/style.md): [I] set at creation (the
 * qcaches: by arena_qcache_setup, before any arena_alloc uses them),
 * [l] a->lock, [arenas_lock] the global arena list lock.
 */
struct arena {
	spinlock_t lock;
	char name[ARENA_NAME_LEN];                         /* [I] */
	size_t quantum;                                    /* [I] power of 2 */
	int policy;                                        /* [I] ARENA_*FIT */
	struct arena *source;                              /* [I] */
	arena_import_fn import_fn;                         /* [I] */
	arena_release_fn release_fn;                       /* [I] */
	bool dynamic;                                      /* [I] kfree on destroy */
	struct list_head segs;                             /* [l] by address */
	struct list_head freelists[ARENA_NR_FREELISTS];    /* [l] by highbit(size) */
	struct btag *hash[ARENA_HASH_SIZE];                /* [l] allocated segs */
	uintptr_t rotor;                                   /* [l] next-fit */
	size_t total;                                      /* [l] bytes in spans */
	size_t allocated;                                  /* [l] bytes handed out */
	uint64_t nr_allocs, nr_frees, nr_imports;          /* [l] */
	size_t qcache_max;                                 /* [I] */
	size_t nr_qcaches;                                 /* [I] */
	struct kmem_cache *qcaches[ARENA_MAX_QCACHES];     /* [I] */
	struct list_head link;                             /* [arenas_lock] */
};

struct arena_stats {
	size_t total;        /* bytes in all spans */
	size_t allocated;    /* bytes allocated from the arena (incl. qcache slabs) */
	size_t free;         /* total - allocated */
	uint64_t nr_allocs;  /* successful segment allocations */
	uint64_t nr_frees;
	uint64_t nr_imports; /* spans imported from the source */
	size_t nr_segs;      /* segments (free and allocated), not spans */
	size_t nr_free_segs;
};

/*
 * Creates an arena, optionally with an initial span [base, base + size).
 * With a source: import_fn/release_fn (NULL: arena_alloc/arena_free on the
 * source) bring in spans on demand.  flags: MEM_WAIT or MEM_ATOMIC for the
 * arena's own memory, optionally one ARENA_*FIT as the default policy.
 * arena_init() is the same on caller-provided storage (boot-time arenas).
 */
struct arena *arena_create(const char *name, void *base, size_t size,
                           size_t quantum, arena_import_fn import_fn,
                           arena_release_fn release_fn, struct arena *source,
                           size_t qcache_max, int flags);
int arena_init(struct arena *a, const char *name, void *base, size_t size,
               size_t quantum, arena_import_fn import_fn,
               arena_release_fn release_fn, struct arena *source,
               size_t qcache_max, int flags);
/* Warns about outstanding allocations (and leaks their spans). */
void arena_destroy(struct arena *a);

/* Adds the span [base, base + size); 0 or -EINVAL / -ENOMEM. */
int arena_add(struct arena *a, void *base, size_t size, int flags);

void *arena_alloc(struct arena *a, size_t size, int flags);
void arena_free(struct arena *a, void *addr, size_t size);
/*
 * The returned range [r, r + size) satisfies r % align == phase
 * (align 0 = quantum), does not cross a multiple of nocross (0 = no
 * limit), and lies inside [minaddr, maxaddr) (NULL = no limit).
 */
void *arena_xalloc(struct arena *a, size_t size, size_t align, size_t phase,
                   size_t nocross, void *minaddr, void *maxaddr, int flags);
void arena_xfree(struct arena *a, void *addr, size_t size);

void arena_get_stats(struct arena *a, struct arena_stats *st);
/* Bytes free (total - allocated) without walking the segments: O(1). */
size_t arena_amt_free(struct arena *a);
/* Calls fn on every arena, with the global list locked: fn must not
 * create or destroy arenas. */
void arena_for_each(void (*fn)(struct arena *, void *), void *arg);
/* printk one line of stats; fits arena_for_each. */
void arena_print(struct arena *a, void *unused);

/* Boundary tags: pages currently owned by the tag pool (for leak checks). */
size_t arena_btag_nr_pages(void);
/* Provided by the environment: one zeroed or dirty PGSIZE page, or NULL.
 * Called with no arena lock held, possibly from IRQ context. */
void *arena_btag_page_alloc(void);

/* Called by kmem_init(): creates quantum caches deferred until slab was up. */
void arena_qcaches_init_pending(void);
