/* SPDX-License-Identifier: MIT */
/*
 * proc_mm.c - a process's address space: its page tables and its regions.
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
 * Locking: p->mm_lock (a semaphore) around every change to the regions and
 * to the lower-half page tables.  Only the process's own kthread and its
 * creator (before it runs) touch them today, so the lock is uncontended;
 * it is there for the syscalls that will change a running process.
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <pmap.h>
#include <process.h>
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
	struct proc *p = set->owner;

	for (uintptr_t va = pmap_next_table_addr(p->pml4, start, end); va < end;
	     va = pmap_next_table_addr(p->pml4, va + PGSIZE, end)) {
		physaddr_t pa;

		if (!pmap_lookup(p->pml4, va, &pa, NULL))
			continue;
		pmap_unmap_range(p->pml4, va, PGSIZE);
		kpage_free(KADDR(pa & ~(physaddr_t)(PGSIZE - 1)));
	}
}

static void anon_protect(struct vmr_set *set, struct vmr *v, uint32_t old_prot)
{
	struct proc *p = set->owner;

	for (uintptr_t va = pmap_next_table_addr(p->pml4, v->start, v->end); va < v->end;
	     va = pmap_next_table_addr(p->pml4, va + PGSIZE, v->end))
		if (pmap_lookup(p->pml4, va, NULL, NULL))
			pmap_protect_range(p->pml4, va, PGSIZE, prot_to_pte(v->prot));
}

const struct vmr_ops proc_anon_ops = {
	.name = "anon",
	.unmap = anon_unmap,
	.protect = anon_protect,
};

int proc_mm_init(struct proc *p)
{
	p->pml4 = kpage_zalloc(MEM_WAIT);
	if (!p->pml4)
		return -ENOMEM;
	for (int i = PML4_USER_ENTRIES; i < 512; i++)
		p->pml4[i] = kern_pml4[i];
	sem_init(&p->mm_lock, 1);
	return vmr_set_init(&p->vmrs, p, PGSIZE, PROC_STACK_TOP);
}

/* Maps a fresh zero page at va (inside region v); 0 or -ENOMEM. */
static int proc_mm_map_zero(struct proc *p, struct vmr *v, uintptr_t va, int mem_flags)
{
	void *page = kpage_zalloc(mem_flags);

	if (!page)
		return -ENOMEM;
	if (pmap_map_range(p->pml4, va, PADDR(page), PGSIZE, prot_to_pte(v->prot), mem_flags)) {
		kpage_free(page);
		return -ENOMEM;
	}
	return 0;
}

/* Caller holds mm_lock.  Backs every page of [va, va+len) in anon regions. */
int proc_mm_populate(struct proc *p, uintptr_t va, size_t len, int mem_flags)
{
	uintptr_t end = ALIGN_UP(va + len, PGSIZE);

	for (va = ALIGN_DOWN(va, PGSIZE); va < end; va += PGSIZE) {
		struct vmr *v = vmr_lookup(&p->vmrs, va);
		int ret;

		if (!v || v->type != VMR_ANON)
			return -EFAULT;
		if (pmap_lookup(p->pml4, va, NULL, NULL))
			continue;
		ret = proc_mm_map_zero(p, v, va, mem_flags);
		if (ret)
			return ret;
	}
	return 0;
}

/* Copies into the process's memory through the direct map (its page
 * tables need not be loaded).  Caller holds mm_lock; pages must exist. */
int proc_mm_write(struct proc *p, uintptr_t va, const void *buf, size_t len)
{
	const uint8_t *src = buf;

	while (len) {
		size_t chunk = MIN(len, PGSIZE - (va & (PGSIZE - 1)));
		physaddr_t pa;

		if (!pmap_lookup(p->pml4, va, &pa, NULL))
			return -EFAULT;
		memcpy(KADDR(pa), src, chunk);
		va += chunk;
		src += chunk;
		len -= chunk;
	}
	return 0;
}

/* A user page fault at va: true if it was resolved (demand-zero page). */
bool proc_mm_fault(struct proc *p, uintptr_t va, bool write, bool exec)
{
	struct vmr *v;
	bool ok = false;

	sem_down(&p->mm_lock);
	v = vmr_lookup(&p->vmrs, va);
	if (v && v->type == VMR_ANON && !(write && !(v->prot & PROT_WRITE)) &&
	    !(exec && !(v->prot & PROT_EXEC)) && (v->prot & PROT_READ) &&
	    !pmap_lookup(p->pml4, va, NULL, NULL))
		ok = proc_mm_map_zero(p, v, ALIGN_DOWN(va, PGSIZE), MEM_WAIT) == 0;
	sem_up(&p->mm_lock);
	return ok;
}

/*
 * The same from a context that must not sleep (a uaccess fault, interrupts
 * off): only if mm_lock is free right now and a page comes without
 * waiting; otherwise the access fails with EFAULT.
 */
bool proc_mm_fault_atomic(struct proc *p, uintptr_t va, bool write)
{
	struct vmr *v;
	bool ok = false;

	if (!sem_trydown(&p->mm_lock))
		return false;
	v = vmr_lookup(&p->vmrs, va);
	if (v && v->type == VMR_ANON && (v->prot & PROT_READ) &&
	    !(write && !(v->prot & PROT_WRITE)) && !pmap_lookup(p->pml4, va, NULL, NULL))
		ok = proc_mm_map_zero(p, v, ALIGN_DOWN(va, PGSIZE), MEM_ATOMIC) == 0;
	sem_up(&p->mm_lock);
	return ok;
}

/* Frees the lower-half page-table pages below table t at 'level' (3 = PDPT). */
static void proc_mm_free_tables(pte_t *t, int level)
{
	for (int i = 0; i < 512; i++) {
		if (!(t[i] & PTE_P))
			continue;
		if (level > 1 && !(t[i] & PTE_PS))
			proc_mm_free_tables(KADDR(t[i] & PTE_ADDR_MASK), level - 1);
		if (!(t[i] & PTE_PS))
			kpage_free(KADDR(t[i] & PTE_ADDR_MASK));
	}
}

/* Must not run with p's page tables loaded (the caller switched to the
 * kernel's cr3 first). */
void proc_mm_destroy(struct proc *p)
{
	if (!p->pml4)
		return;
	sem_down(&p->mm_lock);
	vmr_set_destroy(&p->vmrs);
	sem_up(&p->mm_lock);
	for (int i = 0; i < PML4_USER_ENTRIES; i++) {
		if (!(p->pml4[i] & PTE_P))
			continue;
		proc_mm_free_tables(KADDR(p->pml4[i] & PTE_ADDR_MASK), 2);
		kpage_free(KADDR(p->pml4[i] & PTE_ADDR_MASK));
	}
	kpage_free(p->pml4);
	p->pml4 = NULL;
}
