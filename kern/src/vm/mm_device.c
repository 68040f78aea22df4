/* SPDX-License-Identifier: MIT */
/*
 * mm_device.c - device memory in a process (VMR_DEVICE regions made by
 * mmap of a device file whose dev->mmap names physical memory: a PCI BAR
 * through #pci/BB.DD.F/barN).
 *
 * A device region maps a physical range that is not RAM: no struct page,
 * no page references, nothing to fault in.  Every PTE is written when the
 * region is made, uncached (PCD|PWT: strong uncacheable under the default
 * PAT), and never points anywhere else afterwards; v->offset is the
 * physical address of v->start, so a split keeps each half's address.
 * Regions are always shared: fork maps the same range in the child.  The
 * backing is the mapped chan (one reference per region), so the device
 * file stays open while any mapping of it lives.
 *
 * Checks on the request (shared only, no exec, the fd's mode allows the
 * protection, the range inside what the device offers) are the syscall's
 * and the device's (sys_mm.c, dev->mmap); mprotect keeps the same rules
 * through mm_device_prot_ok().
 *
 * Locking: the mm's lock, as for every vmr hook and for mm_device_map.
 */
#include <errno.h>
#include <mem_flags.h>
#include <mm.h>
#include <ns.h>
#include <pmap.h>
#include <ros/mmap.h>

static uint64_t mmd_pte(uint32_t prot)
{
	return mm_prot_to_pte(prot) | PTE_PCD | PTE_PWT;
}

static void mmd_backing_get(struct vmr *v)
{
	chan_incref(v->backing);
}

static void mmd_backing_put(struct vmr *v)
{
	cclose(v->backing);
}

static void mmd_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start, uintptr_t end)
{
	mm_unmap_pages(set->owner, v, start, end, NULL, false);
}

static void mmd_protect(struct vmr_set *set, struct vmr *v, uint32_t old_prot)
{
	struct mm *mm = set->owner;

	pmap_protect_range(mm->pml4, v->start, v->end - v->start, mmd_pte(v->prot));
}

/* Fork: the child maps the same device range (device regions are shared). */
static int mmd_dup(struct vmr_set *dst, struct vmr *nv, struct vmr_set *src, struct vmr *ov)
{
	struct mm *dmm = dst->owner;
	size_t len = nv->end - nv->start;

	if (pmap_map_range(dmm->pml4, nv->start, nv->offset, len, mmd_pte(nv->prot), MEM_WAIT)) {
		pmap_unmap_range(dmm->pml4, nv->start, len);
		return -ENOMEM;
	}
	return 0;
}

const struct vmr_ops mm_device_ops = {
	.name = "device",
	.backing_get = mmd_backing_get,
	.backing_put = mmd_backing_put,
	.unmap = mmd_unmap,
	.protect = mmd_protect,
	.dup = mmd_dup,
};

bool mm_device_prot_ok(const struct chan *c, uint32_t prot)
{
	if (prot & PROT_EXEC)
		return false;
	return !(prot & PROT_WRITE) || (c->mode & O_WRITE);
}

int mm_device_map(struct mm *mm, struct chan *c, uintptr_t start, size_t len, uint32_t prot,
                  bool fixed, physaddr_t pa)
{
	struct vmr_attr attr = { .prot = prot, .type = VMR_DEVICE, .ops = &mm_device_ops,
	                         .backing = c, .offset = pa, .flags = VMR_F_SHARED };
	int ret;

	if (!IS_ALIGNED(pa, PGSIZE) || !IS_ALIGNED(len, PGSIZE) || !len || pa + len < pa)
		return -EINVAL;
	if (fixed)
		ret = vmr_replace(&mm->vmrs, start, len, &attr, MEM_WAIT, NULL);
	else
		ret = vmr_insert(&mm->vmrs, start, len, &attr, MEM_WAIT, NULL);
	if (ret)
		return ret;
	ret = pmap_map_range(mm->pml4, start, pa, len, mmd_pte(prot), MEM_WAIT);
	if (ret) {
		/* No page tables: take the region out again (its unmap hook
		 * drops whatever PTEs were written). */
		vmr_remove(&mm->vmrs, start, len, MEM_WAIT);
		return -ENOMEM;
	}
	return 0;
}
