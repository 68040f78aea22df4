/* SPDX-License-Identifier: MIT */
/*
 * vmr.h - a process's virtual memory regions: the bookkeeping half of
 * mmap, munmap and mprotect.
 *
 *	vmr_set_init(&set, owner, PGSIZE, USER_LIMIT);
 *	vmr_insert(&set, UINFO, PGSIZE, &pinned_ro_attr, MEM_WAIT, NULL);
 *	vmr_find_gap(&set, len, hint, &addr);          (mmap without FIXED)
 *	vmr_insert(&set, addr, len, &attr, MEM_WAIT, &v);
 *	vmr_replace(&set, addr, len, &attr, MEM_WAIT, &v);   (MAP_FIXED)
 *	vmr_protect(&set, addr, len, prot, MEM_WAIT);
 *	vmr_remove(&set, addr, len, MEM_WAIT);
 *	v = vmr_lookup(&set, fault_addr);              (page fault)
 *	vmr_set_destroy(&set);
 *
 * A set holds non-overlapping, page-aligned regions [start, end) inside its
 * bounds [lo, hi) (never page 0, never above USER_LIMIT), in a red-black
 * tree keyed by start and augmented with the largest free gap in each
 * subtree, so lookups and gap searches are O(log n).  Neighbours with
 * identical attributes are merged after every change.  Every call either
 * succeeds or changes nothing: it checks everything and allocates the
 * regions it may need before it touches the tree.
 *
 * What a region maps is described by its type and ops; vmr.c never touches
 * page tables.  It calls the ops hooks at the points where the owner must
 * act (a range leaves the set, a range changes protection, a backing
 * reference is taken or dropped); the hooks are where pmap work belongs.
 *
 * Locking: none inside.  Every call on a set, lookups included, runs under
 * the owner's address-space lock [mm->lock] (a qlock: MEM_WAIT allocations may
 * sleep).  Pointers to regions stay valid only while that lock is held.
 * Implementation: kern/src/vm/vmr.c; doc: Documentation/kapi/vmr.md.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <types.h>
#include <rbtree.h>

struct vmr;
struct vmr_set;

enum vmr_type {
	VMR_ANON,       /* zero-filled private or shared memory */
	VMR_FILE,       /* pages of a chan through the page cache */
	VMR_DEVICE,     /* device memory (ops decide what it maps) */
	VMR_RESERVED,   /* maps nothing: keeps a range out of mmap's reach */
};

/* vmr->flags */
#define VMR_F_SHARED (1u << 0)  /* writes shared with the backing / on fork */
#define VMR_F_LOCKED (1u << 1)  /* populated at map time, never evicted */
#define VMR_F_PINNED (1u << 2)  /* kernel-owned: replace/remove/protect
                                 * refuse it (-EPERM); never merged */
#define VMR_F_NOCOPY (1u << 3)  /* vmr_set_dup() leaves it out (per-process
                                 * pages such as procinfo) */

/*
 * Per-type operations; any hook may be NULL (the whole ops pointer too).
 * Hooks run with [mm->lock] held, must not fail (except dup) and must not call
 * back into the set.
 */
struct vmr_ops {
	const char *name;       /* "anon", "file", ...: for #proc maps */
	/* A new region v now names v->backing (insert, split, dup): take a
	 * reference.  Paired with backing_put when v is freed. */
	void (*backing_get)(struct vmr *v);
	void (*backing_put)(struct vmr *v);
	/* [start, end) of v stops being mapped (remove, replace, destroy):
	 * unmap its pages.  v still has its attributes. */
	void (*unmap)(struct vmr_set *set, struct vmr *v, uintptr_t start,
	              uintptr_t end);
	/* All of v just changed protection from old_prot to v->prot. */
	void (*protect)(struct vmr_set *set, struct vmr *v, uint32_t old_prot);
	/* nv in dst was just copied from ov in src (fork): set up its pages
	 * (copy-on-write).  A negative errno fails vmr_set_dup(). */
	int (*dup)(struct vmr_set *dst, struct vmr *nv, struct vmr_set *src,
	           struct vmr *ov);
	/* Optional veto on merging lo with hi (adjacent, same attributes). */
	bool (*can_merge)(const struct vmr *lo, const struct vmr *hi);
};

/* What a new region is; copied into the region by vmr_insert/replace. */
struct vmr_attr {
	uint32_t prot;               /* PROT_* bits (ros/mmap.h) */
	uint32_t flags;              /* VMR_F_* */
	enum vmr_type type;
	const struct vmr_ops *ops;
	void *backing;               /* chan or device object, or NULL */
	uint64_t offset;             /* backing offset of the first byte */
};

/* Every field [mm->lock]; start/end/offset change only through vmr.c. */
struct vmr {
	struct rb_node node;         /* in set->tree, keyed by start */
	uintptr_t start, end;        /* page aligned, start < end */
	uint32_t prot;               /* PROT_* bits; vmr.c only compares them */
	uint32_t flags;              /* VMR_F_* */
	enum vmr_type type;
	const struct vmr_ops *ops;
	void *backing;               /* one reference per region (ops) */
	uint64_t offset;             /* backing offset of start; meaningless
	                              * (but kept consistent) without backing */
	/* Subtree summary for gap searches, private to vmr.c. */
	uintptr_t sub_lo, sub_hi;    /* lowest start, highest end */
	uintptr_t sub_gap;           /* largest hole between its regions */
};

struct vmr_set {
	struct rb_root tree;         /* [mm->lock] */
	size_t nr;                   /* [mm->lock] regions in the tree */
	uintptr_t lo, hi;            /* [I] bounds of every region */
	void *owner;                 /* [I] for the hooks (the proc) */
};

/* lo and hi page aligned, PGSIZE <= lo < hi <= USER_LIMIT; else -EINVAL. */
int vmr_set_init(struct vmr_set *set, void *owner, uintptr_t lo,
                 uintptr_t hi);
/* Removes every region (unmap hook, backing_put), pinned ones too. */
void vmr_set_destroy(struct vmr_set *set);
/* Copies src's regions (except VMR_F_NOCOPY) into the empty dst: fork.
 * On failure dst is left empty. */
int vmr_set_dup(struct vmr_set *dst, struct vmr_set *src, int mem_flags);

/* The region holding addr, or NULL. */
struct vmr *vmr_lookup(const struct vmr_set *set, uintptr_t addr);
/* The lowest region ending above addr (holding it or after it), or NULL. */
struct vmr *vmr_lookup_from(const struct vmr_set *set, uintptr_t addr);
struct vmr *vmr_first(const struct vmr_set *set);
struct vmr *vmr_next(const struct vmr *v);
struct vmr *vmr_prev(const struct vmr *v);
/* True if [start, start + len) is a valid range of the set that no
 * region touches. */
bool vmr_range_free(const struct vmr_set *set, uintptr_t start, size_t len);

/*
 * Finds a free range of len bytes (a positive multiple of PGSIZE): the
 * highest one ending at or below hint, else (or with hint 0) the highest
 * one in the set.  Stores its start in *addr; -ENOMEM if none fits,
 * -EINVAL for a bad len.
 */
int vmr_find_gap(const struct vmr_set *set, size_t len, uintptr_t hint,
                 uintptr_t *addr);

/*
 * Creates a region over the free range [start, start + len) (page aligned,
 * inside the bounds: else -EINVAL; any overlap: -EEXIST), merged with equal
 * neighbours.  *out (if not NULL) gets the region now holding the range.
 */
int vmr_insert(struct vmr_set *set, uintptr_t start, size_t len,
               const struct vmr_attr *attr, int mem_flags, struct vmr **out);
/* MAP_FIXED: like vmr_insert, but first removes whatever the range
 * overlaps (-EPERM, changing nothing, if that includes a pinned region). */
int vmr_replace(struct vmr_set *set, uintptr_t start, size_t len,
                const struct vmr_attr *attr, int mem_flags, struct vmr **out);
/* munmap: removes [start, start + len) from every region it overlaps,
 * splitting partial overlaps.  Holes are fine.  -EPERM for pinned. */
int vmr_remove(struct vmr_set *set, uintptr_t start, size_t len,
               int mem_flags);
/* mprotect: sets prot on [start, start + len), splitting at the ends and
 * merging after.  -ENOMEM if part of the range is unmapped, -EPERM if part
 * is pinned; either way nothing changes. */
int vmr_protect(struct vmr_set *set, uintptr_t start, size_t len,
                uint32_t prot, int mem_flags);

/* Splits v at addr (page aligned, strictly inside): v keeps the low part,
 * the new high part is returned in *hi.  -EINVAL, -ENOMEM. */
int vmr_split(struct vmr_set *set, struct vmr *v, uintptr_t addr,
              int mem_flags, struct vmr **hi);
/* Merges v with its neighbours where their attributes allow; returns the
 * region now holding v's range (v itself may be freed). */
struct vmr *vmr_merge(struct vmr_set *set, struct vmr *v);

/* Checks the tree, bounds, alignment, order, the count and the gap
 * summaries: 0, or -EINVAL with a printk naming the problem.  O(n). */
int vmr_set_check(const struct vmr_set *set);
