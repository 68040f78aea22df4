/* SPDX-License-Identifier: MIT */
/*
 * mm.c - an address space (mm.h): its page tables and its regions.
 *
 * The PML4's upper half (entries 256..511) is copied from kern_pml4 at
 * creation; the kernel never changes those entries afterwards (its own
 * tables hang below them), so every process sees the same kernel.  The lower
 * half belongs to the process: regions live in a VMR set (vmr.h).  Faults
 * (mm_fault) resolve demand-zero anon pages, file pages (mm_file.c, through
 * the page cache) and copy-on-write writes.  Every user PTE holds a page
 * reference; the generic hooks here (mm_unmap_pages, mm_protect_pages,
 * mm_dup_pages) serve anon and file regions: unmapping drops references,
 * protection changes keep PTE_COW pages read-only, and fork (mm_dup) shares
 * every mapped page, private ones copy-on-write in both mms (a pinned
 * region's, procdata's, are copied at once instead); a shared
 * anonymous region is populated whole first, so that parent and child
 * share every page of it, not only those touched before the fork.  Walks skip
 * unpopulated page-table levels (pmap_next_table_addr), so a huge empty
 * mapping costs nothing to drop or copy.  [USHARED_BASE, USHARED_END) is a
 * VMR_RESERVED region from creation on (mm_shared.c fills it).
 *
 * Locking and lifetime: mm.h.
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <pmap.h>
#include <printk.h>
#include <mm.h>
#include <page_cache.h>
#include <mem_pressure.h>
#include <ros/mmap.h>

#define PML4_USER_ENTRIES 256

/* PROT_NONE pages stay mapped (they keep their contents) but become
 * PTE_NOACCESS, not present: any access faults, the kernel's user copies
 * included (a page merely without PTE_U would still be open to the
 * kernel), and mm_access_ok refuses the fault. */
uint64_t mm_prot_to_pte(uint32_t prot)
{
	uint64_t perm = PTE_U;

	if (!(prot & PROT_ALL))
		return PTE_NOACCESS | PTE_NX;

	if (prot & PROT_WRITE)
		perm |= PTE_W;
	if (!(prot & PROT_EXEC))
		perm |= PTE_NX;
	return perm;
}

/* The next mapped page of [va, end) at or after va (its pa and perm), or end. */
static uintptr_t mm_next_mapped(struct mm *mm, uintptr_t va, uintptr_t end, physaddr_t *pa,
                                uint64_t *perm)
{
	for (va = pmap_next_table_addr(mm->pml4, va, end); va < end;
	     va = pmap_next_table_addr(mm->pml4, va + PGSIZE, end))
		if (pmap_lookup(mm->pml4, va, pa, perm))
			return va;
	return end;
}

#define for_each_mapped(mm, va, lo, hi, pa, perm)                                   \
	for (va = mm_next_mapped(mm, lo, hi, &pa, &perm); va < (hi);               \
	     va = mm_next_mapped(mm, va + PGSIZE, hi, &pa, &perm))

void mm_unmap_pages(struct mm *mm, struct vmr *v, uintptr_t start, uintptr_t end,
                    struct pcache_file *dirty_to, bool put_pages)
{
	physaddr_t pa;
	uint64_t perm;
	uintptr_t va;

	for_each_mapped(mm, va, start, end, pa, perm) {
		if (dirty_to && (perm & PTE_D))
			pcache_page_dirty(dirty_to, (v->offset + (va - v->start)) >> PGSHIFT);
		pmap_unmap_range(mm->pml4, va, PGSIZE);
		if (put_pages) {
			kpage_free(KADDR(pa & ~(physaddr_t)(PGSIZE - 1)));
			atomic_dec(&mm->nr_resident);
		}
	}
}

void mm_clean_pages(struct mm *mm, struct vmr *v, uintptr_t start, uintptr_t end,
                    struct pcache_file *dirty_to)
{
	physaddr_t pa;
	uint64_t perm;
	uintptr_t va;

	for_each_mapped(mm, va, start, end, pa, perm) {
		if (!(perm & PTE_D))
			continue;
		pcache_page_dirty(dirty_to, (v->offset + (va - v->start)) >> PGSHIFT);
		pmap_protect_range(mm->pml4, va, PGSIZE,
		                   mm_prot_to_pte(v->prot) | (perm & (PTE_COW | PTE_A)));
	}
}

static void anon_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start, uintptr_t end)
{
	mm_unmap_pages(set->owner, v, start, end, NULL, true);
}

/* Rewrites v's PTEs for v->prot; copy-on-write pages stay read-only. */
void mm_protect_pages(struct vmr_set *set, struct vmr *v, uint32_t old_prot)
{
	struct mm *mm = set->owner;
	physaddr_t pa;
	uint64_t perm, np;
	uintptr_t va;

	for_each_mapped(mm, va, v->start, v->end, pa, perm) {
		np = mm_prot_to_pte(v->prot) | (perm & (PTE_COW | PTE_D | PTE_A));
		if (perm & PTE_COW)
			np &= ~PTE_W;
		pmap_protect_range(mm->pml4, va, PGSIZE, np);
	}
}

/*
 * A shared anonymous region has no backing object: its pages are shared
 * because both mms map them, so before its first fork it is made whole
 * (a page the parent or child faulted in later would be its own).  The
 * pages must fit in half of the free memory, else the fork fails (ENOMEM).
 */
static int mm_dup_fill_shared_anon(struct mm *smm, struct vmr *ov)
{
	size_t nr = (ov->end - ov->start) / PGSIZE;

	if (ov->type != VMR_ANON || !(ov->flags & VMR_F_SHARED) || ov->prot == PROT_NONE)
		return 0;
	if (!mem_free_pages_at_least(2 * nr))
		return -ENOMEM;
	return mm_populate(smm, ov->start, ov->end - ov->start, MEM_WAIT | MEM_USER);
}

/* Maps page (a new one of ours, NULL: allocation failed) at va with prot:
 * 0, or -ENOMEM (the page freed). */
static int mm_map_new(struct mm *mm, uintptr_t va, void *page, uint32_t prot, int mem_flags)
{
	if (!page)
		return -ENOMEM;
	if (pmap_map_range(mm->pml4, va, PADDR(page), PGSIZE, mm_prot_to_pte(prot), mem_flags)) {
		kpage_free(page);
		return -ENOMEM;
	}
	atomic_inc(&mm->nr_resident);
	return 0;
}

/* A page of a pinned private region (procdata) for the child: a copy at
 * once, so the parent's stays writable (the kernel writes its VCPDs with
 * interrupts off, where no copy-on-write fault can be served). */
static int mm_dup_copy_page(struct mm *dmm, struct vmr *ov, uintptr_t va, physaddr_t pa)
{
	void *copy = kpage_alloc(MEM_WAIT);

	if (copy)
		memcpy(copy, KADDR(pa & ~(physaddr_t)(PGSIZE - 1)), PGSIZE);
	return mm_map_new(dmm, va, copy, ov->prot, MEM_WAIT);
}

/* Fork of one region: every mapped page gets a reference for the child;
 * private ones become copy-on-write in both, but a pinned region's are
 * copied at once. */
int mm_dup_pages(struct vmr_set *dst, struct vmr *nv, struct vmr_set *src, struct vmr *ov)
{
	struct mm *smm = src->owner, *dmm = dst->owner;
	bool shared = ov->flags & VMR_F_SHARED;
	bool pinned = !shared && (ov->flags & VMR_F_PINNED);
	physaddr_t pa;
	uint64_t perm;
	uintptr_t va;
	int ret = mm_dup_fill_shared_anon(smm, ov);

	if (ret)
		return ret;

	for_each_mapped(smm, va, ov->start, ov->end, pa, perm) {
		if (pinned) {
			if ((ret = mm_dup_copy_page(dmm, ov, va, pa)))
				return ret;
			continue;
		}
		if (!shared && !(perm & PTE_COW)) {
			perm = (perm & ~PTE_W) | PTE_COW;
			pmap_protect_range(smm->pml4, va, PGSIZE, perm);
		}
		page_incref(pa2page(pa));
		if (pmap_map_range(dmm->pml4, va, pa & ~(physaddr_t)(PGSIZE - 1), PGSIZE,
		                   perm & ~(PTE_D | PTE_A | PTE_P), MEM_WAIT)) {
			page_decref(pa2page(pa));
			return -ENOMEM;
		}
		atomic_inc(&dmm->nr_resident);
	}
	return 0;
}

const struct vmr_ops mm_anon_ops = {
	.name = "anon",
	.unmap = anon_unmap,
	.protect = mm_protect_pages,
	.dup = mm_dup_pages,
};

/* An empty mm: kernel upper half, no regions. */
static struct mm *mm_alloc(void)
{
	struct mm *mm = kzmalloc(sizeof(*mm), MEM_WAIT);

	if (!mm)
		return NULL;
	mm->pml4 = kpage_zalloc(MEM_WAIT);
	if (!mm->pml4 || vmr_set_init(&mm->vmrs, mm, PGSIZE, USER_STACK_TOP)) {
		kpage_free(mm->pml4);
		kfree(mm);
		return NULL;
	}
	for (int i = PML4_USER_ENTRIES; i < 512; i++)
		mm->pml4[i] = kern_pml4[i];
	qlock_init(&mm->lock, "mm");
	kref_init(&mm->ref);
	return mm;
}

struct mm *mm_create(void)
{
	struct vmr_attr attr = { .type = VMR_RESERVED };
	struct mm *mm = mm_alloc();

	if (mm && vmr_insert(&mm->vmrs, USHARED_BASE, USHARED_END - USHARED_BASE, &attr,
	                     MEM_WAIT, NULL)) {
		mm_put(mm);
		return NULL;
	}
	return mm;
}

struct mm *mm_dup(struct mm *src)
{
	struct mm *dst = mm_alloc();
	int ret;

	if (!dst)
		return NULL;
	mm_lock(src);
	ret = vmr_set_dup(&dst->vmrs, &src->vmrs, MEM_WAIT);
	/* src's private pages lost PTE_W: no core may keep a writable entry,
	 * and none may write through one once a fault (which needs the lock)
	 * has copied the page (an MCP's other vcores run meanwhile). */
	tlb_shootdown(PGSIZE, USER_STACK_TOP - PGSIZE);
	mm_unlock(src);
	if (ret) {
		mm_put(dst);
		return NULL;
	}
	return dst;
}

void mm_get(struct mm *mm)
{
	kref_get(&mm->ref);
}

/* Maps a fresh zero page at va (inside region v); 0 or -ENOMEM. */
static int mm_map_zero(struct mm *mm, struct vmr *v, uintptr_t va, int mem_flags)
{
	return mm_map_new(mm, va, kpage_zalloc(mem_flags), v->prot, mem_flags);
}

/* A write to the copy-on-write page pa at va: take it over if nobody else
 * holds it, else copy it.  0 or -ENOMEM.  A copy moves va to a new frame:
 * in an MCP's mm other cores may still read the old one through their
 * TLBs (an update made here would be invisible to them), so they forget
 * it before the fault returns.  A take-over keeps the frame: a stale
 * read-only entry only faults again. */
static int mm_cow_break(struct mm *mm, struct vmr *v, uintptr_t va, physaddr_t pa,
                        int mem_flags)
{
	struct page *pg = pa2page(pa);
	uint64_t perm = mm_prot_to_pte(v->prot) | PTE_D;
	void *copy;

	if (page_refcnt(pg) == 1)
		return pmap_map_range(mm->pml4, va, pa, PGSIZE, perm, mem_flags);
	copy = kpage_alloc(mem_flags);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, KADDR(pa), PGSIZE);
	if (pmap_map_range(mm->pml4, va, PADDR(copy), PGSIZE, perm, mem_flags)) {
		kpage_free(copy);
		return -ENOMEM;
	}
	if (READ_ONCE(mm->multi_core))
		tlb_shootdown(va, PGSIZE);
	page_decref(pg);
	return 0;
}

/* Does the region allow this access at all?  Any access right implies
 * reading, as x86's page tables (and Linux on x86) have it: a PROT_WRITE
 * or PROT_EXEC region is readable, only PROT_NONE is not. */
static bool mm_access_ok(const struct vmr *v, bool write, bool exec)
{
	return v && (v->prot & PROT_ALL) && !(write && !(v->prot & PROT_WRITE)) &&
	       !(exec && !(v->prot & PROT_EXEC));
}

/* A fault at page va with the lock held: 0 if resolved, else -errno. */
static int mm_fault_locked(struct mm *mm, uintptr_t va, bool write, bool exec, bool atomic)
{
	struct vmr *v = vmr_lookup(&mm->vmrs, va);
	/* User pages never wait for memory: without it the fault fails and
	 * the process is killed, the kernel carries on. */
	int mem_flags = MEM_ATOMIC;
	physaddr_t pa;
	uint64_t perm;

	if (!mm_access_ok(v, write, exec))
		return -EFAULT;
	if (pmap_lookup(mm->pml4, va, &pa, &perm)) {
		if (write && (perm & PTE_COW))
			return mm_cow_break(mm, v, va, pa & ~(physaddr_t)(PGSIZE - 1), mem_flags);
		/* already resolved (another core, a racing fault)? */
		return (!write || (perm & PTE_W)) && !(exec && (perm & PTE_NX)) ? 0 : -EFAULT;
	}
	if (v->type == VMR_ANON)
		return mm_map_zero(mm, v, va, mem_flags);
	if (v->type == VMR_FILE)
		return mm_file_fault(mm, v, va, write, atomic);
	return -EFAULT;
}

/* Caller holds mm->lock (so it may sleep: file pages are read in).  Backs
 * every page of [va, va+len); anon pages come with mem_flags. */
int mm_populate(struct mm *mm, uintptr_t va, size_t len, int mem_flags)
{
	uintptr_t end = ALIGN_UP(va + len, PGSIZE);

	for (va = ALIGN_DOWN(va, PGSIZE); va < end; va += PGSIZE) {
		struct vmr *v = vmr_lookup(&mm->vmrs, va);
		int ret;

		if (!v || (v->type != VMR_ANON && v->type != VMR_FILE))
			return -EFAULT;
		if (pmap_lookup(mm->pml4, va, NULL, NULL))
			continue;
		if (v->type == VMR_ANON)
			ret = mm_map_zero(mm, v, va, mem_flags);
		else
			ret = mm_file_fault(mm, v, va, false, false);  /* may read: we may sleep */
		if (ret)
			return ret;
	}
	return 0;
}

/* Makes the pages of [va, va + len) present and privately writable (breaks
 * copy-on-write): for pages the kernel writes (procdata).  Lock held. */
int mm_populate_write(struct mm *mm, uintptr_t va, size_t len)
{
	uintptr_t end = ALIGN_UP(va + len, PGSIZE);
	int ret;

	for (va = ALIGN_DOWN(va, PGSIZE); va < end; va += PGSIZE) {
		ret = mm_fault_locked(mm, va, true, false, false);
		if (ret)
			return ret;
	}
	return 0;
}

/* Copies into the process's memory through the direct map (its page
 * tables need not be loaded).  Caller holds mm->lock; pages must exist. */
int mm_write(struct mm *mm, uintptr_t va, const void *buf, size_t len)
{
	const uint8_t *src = buf;

	while (len) {
		size_t chunk = MIN(len, PGSIZE - (va & (PGSIZE - 1)));
		physaddr_t pa;

		if (!pmap_lookup(mm->pml4, va, &pa, NULL))
			return -EFAULT;
		memcpy(KADDR(pa), src, chunk);
		va += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/* A user page fault at va: 0 if it was resolved (demand zero, file page,
 * copy-on-write), -ENXIO for a file page beyond the end of its file, else
 * another -errno (no region, no permission, no memory). */
int mm_fault_err(struct mm *mm, uintptr_t va, bool write, bool exec)
{
	int ret;

	if (va >= USER_STACK_TOP)
		return -EFAULT;
	sem_down(&mm->lock);
	ret = mm_fault_locked(mm, ALIGN_DOWN(va, PGSIZE), write, exec, false);
	sem_up(&mm->lock);
	return ret;
}

bool mm_fault(struct mm *mm, uintptr_t va, bool write, bool exec)
{
	return mm_fault_err(mm, va, write, exec) == 0;
}

/*
 * The same from a context that must not sleep (a uaccess fault, interrupts
 * off): only if mm->lock is free right now, a page comes without waiting
 * and a file page is already cached; otherwise the access fails with EFAULT.
 */
bool mm_fault_atomic(struct mm *mm, uintptr_t va, bool write)
{
	int ret;

	if (va >= USER_STACK_TOP || !sem_trydown(&mm->lock))
		return false;
	ret = mm_fault_locked(mm, ALIGN_DOWN(va, PGSIZE), write, false, true);
	sem_up(&mm->lock);
	return ret == 0;
}

/* Frees the lower-half page-table pages below table t at 'level' (3 = PDPT). */
static void mm_free_tables(pte_t *t, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1 && !(t[i] & PTE_PS))
			mm_free_tables(KADDR(t[i] & PTE_ADDR_MASK), level - 1);
		if (!(t[i] & PTE_PS))
			kpage_free(KADDR(t[i] & PTE_ADDR_MASK));
	}
}

static void mm_release(struct kref *ref)
{
	struct mm *mm = container_of(ref, struct mm, ref);

	sem_down(&mm->lock);
	vmr_set_destroy(&mm->vmrs);
	sem_up(&mm->lock);
	for (int i = 0; i < PML4_USER_ENTRIES; i++) {
		if (!(mm->pml4[i] & PTE_P))
			continue;
		mm_free_tables(KADDR(mm->pml4[i] & PTE_ADDR_MASK), 2);
		kpage_free(KADDR(mm->pml4[i] & PTE_ADDR_MASK));
	}
	kpage_free(mm->pml4);
	kfree(mm);
}

void mm_put(struct mm *mm)
{
	kref_put(&mm->ref, mm_release);
}
