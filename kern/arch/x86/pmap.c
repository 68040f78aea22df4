/* SPDX-License-Identifier: MIT */
/*
 * pmap.c - kernel page tables (see pmap.h for the rules callers keep).
 *
 * pmap_init() replaces the boot page tables: a fresh PML4 with the direct
 * map (1 GiB pages when the CPU has them, else 2 MiB) over [0, 4 GiB) and
 * every RAM range, and the kernel image at KERN_LOAD_ADDR.  No identity
 * map survives; AP start-up borrows one briefly (pmap_boot_identity).
 *
 * Tables come from boot_alloc() until the page allocator runs, then from
 * kpage_zalloc().  pmap_lock (irqsave) serialises every change to kernel
 * page tables.  MMIO windows come from the vmap arena (KERN_VMAP_BASE ..
 * KERN_VMAP_END, ros/mmu64.h) and are mapped uncached.
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <arena.h>
#include <assert.h>
#include <boot.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <pmap.h>
#include <printk.h>
#include <smp.h>
#include <spinlock.h>

extern pte_t boot_pml4[];
extern char kernel_end[];

pte_t *kern_pml4;
static spinlock_t pmap_lock = SPINLOCK_INITIALIZER("pmap");
static bool pmap_pages_ready;
static bool have_1g_pages;
static uint64_t dmap_end;           /* the direct map covers [0, dmap_end) minus holes */
static uint64_t pte_nx;             /* PTE_NX if the CPU has NX, else 0 */
struct arena *vmap_arena;

/* ------------------------------------------------------------- tables */

static pte_t *pmap_alloc_table(int mem_flags)
{
	if (pmap_pages_ready)
		return kpage_zalloc(mem_flags);
	return boot_alloc(PGSIZE, PGSIZE);
}

/* user: the table maps user addresses, so it must allow user access. */
static pte_t *pte_next_table(pte_t *entry, bool create, bool user, int mem_flags)
{
	pte_t *t;

	if (*entry & PTE_P) {
		if (*entry & PTE_PS)
			return NULL;        /* a large page: no table below */
		return KADDR(*entry & PTE_ADDR_MASK);
	}
	if (!create)
		return NULL;
	t = pmap_alloc_table(mem_flags);
	if (!t)
		return NULL;
	*entry = PADDR(t) | PTE_P | PTE_W | (user ? PTE_U : 0);
	return t;
}

/* Returns the 4 KiB PTE for va, creating tables on the way if asked. */
static pte_t *pmap_walk(pte_t *pml4, uintptr_t va, bool create, int mem_flags)
{
	pte_t *t = pml4;
	static const int shifts[] = { PML4_SHIFT, PDPT_SHIFT, PD_SHIFT };

	for (int i = 0; i < 3; i++) {
		t = pte_next_table(&t[PT_INDEX(va, shifts[i])], create, va < USER_LIMIT,
		                   mem_flags);
		if (!t)
			return NULL;
	}
	return &t[PT_INDEX(va, PT_SHIFT)];
}

/* Maps one large page (level: PDPT_SHIFT or PD_SHIFT) during pmap_init. */
static void pmap_map_large(pte_t *pml4, uintptr_t va, physaddr_t pa, int shift, uint64_t perm)
{
	pte_t *t = pml4;

	t = pte_next_table(&t[PT_INDEX(va, PML4_SHIFT)], true, false, MEM_WAIT);
	if (shift == PD_SHIFT)
		t = pte_next_table(&t[PT_INDEX(va, PDPT_SHIFT)], true, false, MEM_WAIT);
	if (!t)
		panic("pmap: no memory for the direct map at %#lx", va);
	t[PT_INDEX(va, shift)] = pa | perm | PTE_P | PTE_PS;
}

/* ----------------------------------------------------------- pmap_init */

static void dmap_range(uint64_t base, uint64_t end)
{
	uint64_t step = have_1g_pages ? HUGE_PGSIZE : LARGE_PGSIZE;
	int shift = have_1g_pages ? PDPT_SHIFT : PD_SHIFT;

	base = ALIGN_DOWN(base, step);
	end = ALIGN_UP(end, step);
	if (end > KERN_DMAP_SIZE)
		end = KERN_DMAP_SIZE;
	for (uint64_t pa = base; pa < end; pa += step)
		pmap_map_large(kern_pml4, KERN_DMAP_BASE + pa, pa, shift,
		               PTE_W | PTE_G | pte_nx);
	if (end > dmap_end)
		dmap_end = end;
}

static void pmap_enable_cpu_features(void)
{
	struct cpuid_regs ext = cpuid(0x80000001, 0);

	if (ext.edx & (1u << 20))
		write_msr(MSR_EFER, read_msr(MSR_EFER) | EFER_NXE);
	write_cr4(read_cr4() | CR4_PGE);
}

void pmap_init(void)
{
	uint64_t img_end = ALIGN_UP(PADDR(kernel_end), LARGE_PGSIZE);

	have_1g_pages = cpuid(0x80000001, 0).edx & (1u << 26);
	pmap_enable_cpu_features();
	/* Without NX, PTE bit 63 is reserved: setting it would fault. */
	pte_nx = (read_msr(MSR_EFER) & EFER_NXE) ? PTE_NX : 0;
	if (!pte_nx)
		printk("pmap: CPU without NX; kernel data is executable\n");
	kern_pml4 = boot_alloc(PGSIZE, PGSIZE);
	dmap_range(0, BOOT_MAP_SIZE);
	memmap_for_each(&boot_info.ram, r)
		dmap_range(r->base, r->end);
	for (uint64_t pa = 0; pa < img_end; pa += LARGE_PGSIZE)
		pmap_map_large(kern_pml4, KERN_LOAD_ADDR + pa, pa, PD_SHIFT, PTE_W | PTE_G);
	write_cr3(PADDR(kern_pml4));
	printk("pmap: direct map of %lu MiB with %s pages\n", dmap_end / MiB,
	       have_1g_pages ? "1 GiB" : "2 MiB");
}

/* Called once the page allocator works: later tables come from it. */
void pmap_pages_now_ready(void)
{
	pmap_pages_ready = true;
}

/* ------------------------------------------------ 4 KiB page mappings */

static bool pmap_va_is_reserved(uintptr_t va, size_t len)
{
	uintptr_t end = va + len;

	if (end < va)
		return true;
	if (va < KERN_DMAP_BASE + KERN_DMAP_SIZE && end > KERN_DMAP_BASE)
		return true;        /* the direct map is built with large pages */
	return end > KERN_LOAD_ADDR;
}

static bool pmap_args_ok(uintptr_t va, size_t len)
{
	return IS_ALIGNED(va, PGSIZE) && IS_ALIGNED(len, PGSIZE) && len &&
	       !pmap_va_is_reserved(va, len);
}

/* The bits of a leaf entry for perm: present unless PTE_NOACCESS. */
static uint64_t pmap_leaf_bits(uint64_t perm)
{
	perm &= ~PTE_NX | pte_nx;
	return perm & PTE_NOACCESS ? perm & ~PTE_P : perm | PTE_P;
}

/* A leaf entry that maps a page, accessible or not. */
static bool pmap_leaf_mapped(pte_t e)
{
	return e & (PTE_P | PTE_NOACCESS);
}

int pmap_map_range(pte_t *pml4, uintptr_t va, physaddr_t pa, size_t len,
                   uint64_t perm, int mem_flags)
{
	uint64_t flags;
	int ret = 0;

	if (!pmap_args_ok(va, len) || !IS_ALIGNED(pa, PGSIZE))
		return -EINVAL;
	perm = pmap_leaf_bits(perm);
	flags = spin_lock_irqsave(&pmap_lock);
	for (size_t off = 0; off < len; off += PGSIZE) {
		pte_t *pte = pmap_walk(pml4, va + off, true, mem_flags);

		if (!pte) {
			ret = -ENOMEM;
			break;
		}
		*pte = (pa + off) | perm;
		invlpg(va + off);
	}
	spin_unlock_irqrestore(&pmap_lock, flags);
	return ret;
}

size_t pmap_unmap_range(pte_t *pml4, uintptr_t va, size_t len)
{
	size_t unmapped = 0;
	uint64_t flags;

	if (!pmap_args_ok(va, len))
		return 0;
	flags = spin_lock_irqsave(&pmap_lock);
	for (size_t off = 0; off < len; off += PGSIZE) {
		pte_t *pte = pmap_walk(pml4, va + off, false, 0);

		if (pte && pmap_leaf_mapped(*pte)) {
			*pte = 0;
			invlpg(va + off);
			unmapped++;
		}
	}
	spin_unlock_irqrestore(&pmap_lock, flags);
	return unmapped;
}

int pmap_protect_range(pte_t *pml4, uintptr_t va, size_t len, uint64_t perm)
{
	uint64_t flags;
	int ret = 0;

	if (!pmap_args_ok(va, len))
		return -EINVAL;
	perm = pmap_leaf_bits(perm);
	flags = spin_lock_irqsave(&pmap_lock);
	for (size_t off = 0; off < len; off += PGSIZE) {
		pte_t *pte = pmap_walk(pml4, va + off, false, 0);

		if (!pte || !pmap_leaf_mapped(*pte)) {
			ret = -ENOENT;
			continue;
		}
		*pte = (*pte & PTE_ADDR_MASK) | perm;
		invlpg(va + off);
	}
	spin_unlock_irqrestore(&pmap_lock, flags);
	return ret;
}

/* Walks the tables by hand so large pages (the direct map) resolve too. */
bool pmap_lookup(pte_t *pml4, uintptr_t va, physaddr_t *pa, uint64_t *perm)
{
	static const int shifts[] = { PML4_SHIFT, PDPT_SHIFT, PD_SHIFT, PT_SHIFT };
	pte_t *t = pml4;

	for (int i = 0; i < 4; i++) {
		pte_t e = t[PT_INDEX(va, shifts[i])];
		uint64_t page_mask = (1ULL << shifts[i]) - 1;

		if (i == 3 ? !pmap_leaf_mapped(e) : !(e & PTE_P))
			return false;
		if (i == 3 || (i > 0 && (e & PTE_PS))) {
			if (pa)
				*pa = ((e & PTE_ADDR_MASK) & ~page_mask) | (va & page_mask);
			if (perm)
				*perm = e & ~PTE_ADDR_MASK;
			return true;
		}
		t = KADDR(e & PTE_ADDR_MASK);
	}
	return false;
}

/*
 * The lowest address in [va, end) whose page table (the 4 KiB level)
 * exists, or end: empty PML4, PDPT and PD entries are skipped whole, so a
 * walk over a huge, mostly empty range costs what is mapped, not its size.
 * Caller holds whatever guards pml4's lower levels.
 */
uintptr_t pmap_next_table_addr(pte_t *pml4, uintptr_t va, uintptr_t end)
{
	static const int shifts[] = { PML4_SHIFT, PDPT_SHIFT, PD_SHIFT };

	while (va < end) {
		pte_t *t = pml4;
		int i;

		for (i = 0; i < 3; i++) {
			pte_t e = t[PT_INDEX(va, shifts[i])];

			if (!(e & PTE_P) || (e & PTE_PS))
				break;
			t = KADDR(e & PTE_ADDR_MASK);
		}
		if (i == 3)
			return va;
		va = ALIGN_DOWN(va, 1UL << shifts[i]) + (1UL << shifts[i]);
	}
	return end;
}

/* ------------------------------------------------------ TLB shootdown */

struct shootdown_req {
	uintptr_t va;
	size_t len;
};

static void tlb_invalidate_local(void *arg)
{
	const struct shootdown_req *req = arg;

	if (req->len > 64 * PGSIZE) {
		tlbflush_all_nonglobal();
		write_cr4(read_cr4() & ~CR4_PGE);   /* toggling PGE drops globals */
		write_cr4(read_cr4() | CR4_PGE);
		return;
	}
	for (size_t off = 0; off < req->len; off += PGSIZE)
		invlpg(req->va + off);
}

void tlb_shootdown(uintptr_t va, size_t len)
{
	struct shootdown_req req = { .va = ALIGN_DOWN(va, PGSIZE),
	                             .len = ALIGN_UP(len + (va & (PGSIZE - 1)), PGSIZE) };

	smp_call_function_all(tlb_invalidate_local, &req, true);
}

/* ---------------------------------------------------------------- MMIO */

void *ioremap_nocache(physaddr_t pa, size_t len)
{
	physaddr_t base = ALIGN_DOWN(pa, PGSIZE);
	size_t size = ALIGN_UP(len + (pa - base), PGSIZE);
	void *va = arena_alloc(vmap_arena, size, MEM_WAIT);

	if (!va)
		return NULL;
	if (pmap_map_range(kern_pml4, (uintptr_t)va, base, size,
	                   PTE_W | PTE_PCD | PTE_PWT | PTE_G | PTE_NX, MEM_WAIT)) {
		arena_free(vmap_arena, va, size);
		return NULL;
	}
	return (uint8_t *)va + (pa - base);
}

bool pmap_dmap_covers(physaddr_t pa, size_t len)
{
	uint64_t end = pa + len;

	if (end < pa)
		return false;
	if (end <= BOOT_MAP_SIZE)
		return true;
	return memmap_contains(&boot_info.ram, pa, len);
}

void pmap_boot_identity(bool on)
{
	uint64_t flags = spin_lock_irqsave(&pmap_lock);

	pte_t *boot = KADDR((physaddr_t)boot_pml4);

	kern_pml4[0] = on ? boot[0] : 0;
	spin_unlock_irqrestore(&pmap_lock, flags);
	tlbflush_all_nonglobal();
}
