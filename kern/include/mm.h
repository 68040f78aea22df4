/* SPDX-License-Identifier: MIT */
/*
 * mm.h - an address space: the lower-half page tables and the VMR set that
 * describes them (vm/mm.c).
 *
 *	struct mm *mm = mm_create();             // empty; kernel upper half
 *	mm_lock(mm); vmr_insert(&mm->vmrs, ...); mm_populate(mm, va, len, MEM_WAIT);
 *	mm_unlock(mm);
 *	mm_fault(mm, va, write, exec);           // a user page fault
 *	mm_put(mm);                              // last reference frees it all
 *
 * A process points at one mm (p->mm).  exec builds a whole new mm, loads
 * the image into it and only then swaps it in, so a failed exec leaves the
 * caller untouched; fork copies one (mm_dup, copy-on-write).
 *
 * Pages: every user PTE holds one reference on its page (page.h).  A
 * private page shared with another mm (after mm_dup) or with the page cache
 * (a MAP_PRIVATE file page) is mapped read-only with PTE_COW; the first
 * write copies it, or just makes it writable if the refcount says it is no
 * longer shared.  Shared regions (VMR_F_SHARED) share pages on fork.
 * [USHARED_BASE, USHARED_END) is reserved at creation (a VMR_RESERVED
 * region) and filled by mm_map_shared() (mm_shared.c).
 *
 * Locking: mm->lock (a semaphore: page allocation may sleep) around every
 * change to the regions and to the lower-half page tables, lookups
 * included.  The page tables may be walked without it only by the MMU.
 * Lifetime: a kref; the process holds one, a kthread that loaded mm's cr3
 * must hold one for as long as it may run with it.
 *
 * Field tags ([I], [l], ...): the legend in Documentation/style.md.
 */
#pragma once

#include <arch/mmu.h>
#include <atomic.h>
#include <kref.h>
#include <sem.h>
#include <types.h>
#include <vmr.h>

/* The top of the user stack, below one guard page under USER_LIMIT; the
 * VMR set of every mm ends here. */
#define USER_STACK_TOP 0x00007ffffffff000UL

struct mm {
	pte_t *pml4;                    /* [I] upper half = kern_pml4's */
	struct sem lock;                /* guards [l] */
	struct vmr_set vmrs;            /* [l] the regions, owner = this mm */
	struct kref ref;                /* [a] */
	atomic_t nr_resident;           /* [a] user PTEs holding a page reference
	                                 * (the OOM policy's measure; vm/mm.c) */
	bool multi_core;                /* [a] an MCP's: may be live on several
	                                 * cores, so a copy-on-write copy is shot
	                                 * down everywhere (vm/mm.c) */
};

/* A software PTE bit: read-only because the page is shared copy-on-write. */
#define PTE_COW (1ULL << 9)

struct procinfo;
struct pcache_file;

extern const struct vmr_ops mm_anon_ops;

/* Regions one address space may hold: each costs kernel memory, so a
 * process that asks for more gets ENOMEM from mmap and mprotect (which may
 * split two) instead of exhausting the kernel. */
#define MM_MAX_REGIONS 65530

static inline bool mm_regions_full(const struct mm *mm)
{
	return mm->vmrs.nr + 2 > MM_MAX_REGIONS;
}
extern const struct vmr_ops mm_file_ops;        /* mm_file.c; backing = a chan */

struct mm *mm_create(void);                     /* NULL: no memory */
void mm_get(struct mm *mm);
void mm_put(struct mm *mm);                     /* must not have mm's cr3 loaded */
#define mm_lock(mm) sem_down(&(mm)->lock)
static inline void mm_unlock(struct mm *mm) { sem_up(&mm->lock); }

/* Copy-on-write fork: a new mm with src's regions (not VMR_F_NOCOPY ones:
 * procinfo and the global info page) whose private pages are shared
 * read-only until written; NULL without memory.  Takes src's lock and
 * shoots down src's stale writable TLB entries.  The caller then calls
 * mm_map_shared(new, child's procinfo). */
struct mm *mm_dup(struct mm *src);

/* Shared pages (mm_shared.c), mm's lock not held.  Maps the global info
 * page at UGINFO and, if pi, pi's pages at UINFO (both read-only, pinned,
 * not copied by mm_dup), and procdata at UDATA (pinned, demand-zero, head
 * page and VCPD 0 populated; mm_dup copies it copy-on-write, and a second
 * call only makes those pages private again).  0 or -errno. */
int mm_map_shared(struct mm *mm, struct procinfo *pi);
/* A zeroed procinfo (PROCINFO_NUM_PAGES kernel pages), or NULL.  Every
 * mapping holds a reference; procinfo_free drops the caller's and the pages
 * go when the last mapping is unmapped. */
struct procinfo *procinfo_alloc(void);
void procinfo_free(struct procinfo *pi);
/* Fills the fields set before a process runs (pid, ppid, tsc_freq,
 * timing_overhead, max_vcores, program_end). */
void procinfo_fill(struct procinfo *pi, int pid, int ppid, uintptr_t program_end);

/* With the lock held.  Backs every page of [va, va+len): anon regions get
 * zero pages, file regions read theirs (MAP_POPULATE, MAP_LOCKED). */
int mm_populate(struct mm *mm, uintptr_t va, size_t len, int mem_flags);
/* With the lock held: makes [va, va+len) present and privately writable
 * (breaks copy-on-write), for pages the kernel writes (procdata). */
int mm_populate_write(struct mm *mm, uintptr_t va, size_t len);
/* With the lock held: copies into mapped pages through the direct map. */
int mm_write(struct mm *mm, uintptr_t va, const void *buf, size_t len);
/* A user page fault at va: true if it was resolved.  Takes the lock. */
bool mm_fault(struct mm *mm, uintptr_t va, bool write, bool exec);
/* The same, saying why not: 0, -ENXIO (a file page beyond end of file, a
 * SIGBUS for the C library), or another -errno. */
int mm_fault_err(struct mm *mm, uintptr_t va, bool write, bool exec);
/* The same without sleeping (uaccess, interrupts off): only if the lock is
 * free and a page comes without waiting. */
bool mm_fault_atomic(struct mm *mm, uintptr_t va, bool write);

/* ---- between vm/mm.c, mm_file.c and mm_shared.c (lock held) ---- */
uint64_t mm_prot_to_pte(uint32_t prot);
/* Drops the pages mapped in [start, end) of v; with dirty_to, a page whose
 * PTE is dirty is marked dirty in that cache file first (file index from
 * v->offset).  put_pages false: unmap only (kernel-owned pages). */
void mm_unmap_pages(struct mm *mm, struct vmr *v, uintptr_t start, uintptr_t end,
                    struct pcache_file *dirty_to, bool put_pages);
void mm_protect_pages(struct vmr_set *set, struct vmr *v, uint32_t old_prot);
/* The pages of [start, end) of v whose PTE is dirty: marked dirty in
 * dirty_to and their PTEs clean again (the caller shoots the range down
 * before writing back, so a later store dirties the PTE anew). */
void mm_clean_pages(struct mm *mm, struct vmr *v, uintptr_t start, uintptr_t end,
                    struct pcache_file *dirty_to);
int mm_dup_pages(struct vmr_set *dst, struct vmr *nv, struct vmr_set *src, struct vmr *ov);
/* Resolves a not-present fault at page va of file region v (mm_file.c):
 * 0, -ENXIO beyond the end of the file, -EAGAIN (atomic, page not cached),
 * -ENOMEM, -EIO. */
int mm_file_fault(struct mm *mm, struct vmr *v, uintptr_t va, bool write, bool atomic);
/* mmap of a chan (mm_file.c), lock held: a VMR_FILE region over [start,
 * start + len) at file offset off (page aligned); fixed replaces what is
 * there.  vmr_flags: VMR_F_SHARED, VMR_F_LOCKED.  The caller checked c's
 * open mode.  0 or -errno. */
struct chan;
int mm_file_map(struct mm *mm, struct chan *c, uintptr_t start, size_t len, uint32_t prot,
                uint32_t vmr_flags, bool fixed, uint64_t off);
/* Regular files of devices whose reads at an offset are stable (#tmpfs,
 * #kfs). */
bool mm_file_mappable(struct chan *c);
/* msync of [start, end) (page aligned), lock NOT held: the stores of every
 * shared file region in it written back through its chan, as an unmap
 * would.  0, -ENOMEM (a hole in the range), or the first writeback's
 * error. */
int mm_file_sync(struct mm *mm, uintptr_t start, uintptr_t end);

/* Device memory (mm_device.c), lock held: a shared VMR_DEVICE region over
 * [start, start + len) mapping the physical range [pa, pa + len) uncached,
 * PTEs written at once (no faults, no page references); backing c (a
 * reference per region); fixed replaces what is there.  pa and len page
 * aligned (-EINVAL); -ENOMEM.  The caller checked the protection with
 * mm_device_prot_ok and the range with the device (dev->mmap). */
extern const struct vmr_ops mm_device_ops;
int mm_device_map(struct mm *mm, struct chan *c, uintptr_t start, size_t len, uint32_t prot,
                  bool fixed, physaddr_t pa);
/* May c's device memory be mapped (or mprotected) with prot: never
 * executable, writable only through a chan open for writing. */
bool mm_device_prot_ok(const struct chan *c, uint32_t prot);
