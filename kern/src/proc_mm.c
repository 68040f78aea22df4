/* SPDX-License-Identifier: MIT */
/*
 * proc_mm.c - an address space (mm.h): its page tables and its regions.
 *
 * The PML4's upper half (entries 256..511) is copied from kern_pml4 at
 * creation; the kernel never changes those entries afterwards (its own
 * tables hang below them), so every process sees the same kernel.  The lower
 * half belongs to the process: regions live in a VMR set (vmr.h); the pages
 * of anonymous regions come from kpage_zalloc(), at creation for what the
 * loader fills, on demand (proc_mm_fault) for the rest.  The anon ops unmap
 * and free pages when a range leaves the set and rewrite PTEs when its
 * protection changes; both skip unpopulated page-table levels
 * (pmap_next_table_addr), so a huge empty mapping costs nothing to drop.
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
#include <mm.h>
#include <ros/mmap.h>

#define PML4_USER_ENTRIES 256

static uint64_t prot_to_pte(uint32_t prot)
{
	uint64_t perm = PTE_U;

	if (prot & PROT_WRITE)
		perm |= PTE_W;
	if (!(prot & PROT_EXEC))
		perm |= PTE_NX;
	return perm;
}

static void anon_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start, uintptr_t end)
{
	struct mm *mm = set->owner;

	for (uintptr_t va = pmap_next_table_addr(mm->pml4, start, end); va < end;
	     va = pmap_next_table_addr(mm->pml4, va + PGSIZE, end)) {
		physaddr_t pa;

		if (!pmap_lookup(mm->pml4, va, &pa, NULL))
			continue;
		pmap_unmap_range(mm->pml4, va, PGSIZE);
		kpage_free(KADDR(pa & ~(physaddr_t)(PGSIZE - 1)));
	}
}

static void anon_protect(struct vmr_set *set, struct vmr *v, uint32_t old_prot)
{
	struct mm *mm = set->owner;

	for (uintptr_t va = pmap_next_table_addr(mm->pml4, v->start, v->end); va < v->end;
	     va = pmap_next_table_addr(mm->pml4, va + PGSIZE, v->end))
		if (pmap_lookup(mm->pml4, va, NULL, NULL))
			pmap_protect_range(mm->pml4, va, PGSIZE, prot_to_pte(v->prot));
}

const struct vmr_ops mm_anon_ops = {
	.name = "anon",
	.unmap = anon_unmap,
	.protect = anon_protect,
};

struct mm *mm_create(void)
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
	sem_init(&mm->lock, 1);
	kref_init(&mm->ref);
	return mm;
}

void mm_get(struct mm *mm)
{
	kref_get(&mm->ref);
}

/* Maps a fresh zero page at va (inside region v); 0 or -ENOMEM. */
static int mm_map_zero(struct mm *mm, struct vmr *v, uintptr_t va, int mem_flags)
{
	void *page = kpage_zalloc(mem_flags);

	if (!page)
		return -ENOMEM;
	if (pmap_map_range(mm->pml4, va, PADDR(page), PGSIZE, prot_to_pte(v->prot), mem_flags)) {
		kpage_free(page);
		return -ENOMEM;
	}
	return 0;
}

/* Caller holds mm->lock.  Backs every page of [va, va+len) in anon regions. */
int mm_populate(struct mm *mm, uintptr_t va, size_t len, int mem_flags)
{
	uintptr_t end = ALIGN_UP(va + len, PGSIZE);

	for (va = ALIGN_DOWN(va, PGSIZE); va < end; va += PGSIZE) {
		struct vmr *v = vmr_lookup(&mm->vmrs, va);
		int ret;

		if (!v || v->type != VMR_ANON)
			return -EFAULT;
		if (pmap_lookup(mm->pml4, va, NULL, NULL))
			continue;
		ret = mm_map_zero(mm, v, va, mem_flags);
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

/* A user page fault at va: true if it was resolved (demand-zero page). */
bool mm_fault(struct mm *mm, uintptr_t va, bool write, bool exec)
{
	struct vmr *v;
	bool ok = false;

	sem_down(&mm->lock);
	v = vmr_lookup(&mm->vmrs, va);
	if (v && v->type == VMR_ANON && !(write && !(v->prot & PROT_WRITE)) &&
	    !(exec && !(v->prot & PROT_EXEC)) && (v->prot & PROT_READ) &&
	    !pmap_lookup(mm->pml4, va, NULL, NULL))
		ok = mm_map_zero(mm, v, ALIGN_DOWN(va, PGSIZE), MEM_WAIT) == 0;
	sem_up(&mm->lock);
	return ok;
}

/*
 * The same from a context that must not sleep (a uaccess fault, interrupts
 * off): only if mm->lock is free right now and a page comes without
 * waiting; otherwise the access fails with EFAULT.
 */
bool mm_fault_atomic(struct mm *mm, uintptr_t va, bool write)
{
	struct vmr *v;
	bool ok = false;

	if (!sem_trydown(&mm->lock))
		return false;
	v = vmr_lookup(&mm->vmrs, va);
	if (v && v->type == VMR_ANON && (v->prot & PROT_READ) &&
	    !(write && !(v->prot & PROT_WRITE)) && !pmap_lookup(mm->pml4, va, NULL, NULL))
		ok = mm_map_zero(mm, v, ALIGN_DOWN(va, PGSIZE), MEM_ATOMIC) == 0;
	sem_up(&mm->lock);
	return ok;
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
