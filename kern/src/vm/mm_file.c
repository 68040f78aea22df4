/* SPDX-License-Identifier: MIT */
/*
 * mm_file.c - file-backed regions (VMR_FILE): the vmr_ops behind mmap of
 * an fd, and their page faults.
 *
 * A file region's backing is an open chan (one chan reference per region)
 * and each region also holds a reference on the chan's page-cache file
 * (page_cache.h), found again by the chan's identity.  Whoever inserts a
 * file region must hold a pcache_file reference across vmr_insert (so
 * backing_get finds it): mm_file_map() below does.
 *
 * Faults: MAP_SHARED regions map the cache page itself (writable if the
 * region is; the chan was checked for O_WRITE at mmap time); MAP_PRIVATE
 * regions map it read-only with PTE_COW, or a private copy at once for a
 * write fault.  A page beyond the end of the file fails the fault (-ENXIO;
 * mm_fault prints "beyond end of file" and the trap code kills the
 * process).  Unmapping a shared region marks the pages its PTEs dirtied and
 * writes them back through its chan; every PTE's page reference is dropped.
 * msync (mm_file_sync) does the same without unmapping: dirty PTEs marked
 * in the cache and made clean, the range shot down, then the write-back.
 *
 * Locking: the mm's lock, as for every vmr hook; the page cache has its own.
 */
#include <errno.h>
#include <kstring.h>
#include <mm.h>
#include <page.h>
#include <page_cache.h>
#include <pmap.h>
#include <printk.h>
#include <ros/mmap.h>

static uint64_t mmf_index(const struct vmr *v, uintptr_t va)
{
	return (v->offset + (va - v->start)) >> PGSHIFT;
}

static void mmf_backing_get(struct vmr *v)
{
	struct chan *c = v->backing;
	struct pcache_file *pcf = pcache_file_lookup(c);

	chan_incref(c);
	if (!pcf)
		warn("mm_file: region of '%s' without a page-cache file", c->name ? c->name->s : "?");
}

static void mmf_backing_put(struct vmr *v)
{
	struct chan *c = v->backing;
	struct pcache_file *pcf = pcache_file_lookup(c);

	if (pcf) {
		pcache_file_put(pcf);           /* the lookup's reference */
		pcache_file_put(pcf);           /* the region's */
	}
	cclose(c);
}

static void mmf_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start, uintptr_t end)
{
	struct chan *c = v->backing;
	bool shared = v->flags & VMR_F_SHARED;
	struct pcache_file *pcf = shared ? pcache_file_lookup(c) : NULL;

	mm_unmap_pages(set->owner, v, start, end, pcf, true);
	if (!pcf)
		return;
	if (c->mode & O_WRITE)
		pcache_writeback(pcf, c, mmf_index(v, start), mmf_index(v, end));
	pcache_file_put(pcf);
}

const struct vmr_ops mm_file_ops = {
	.name = "file",
	.backing_get = mmf_backing_get,
	.backing_put = mmf_backing_put,
	.unmap = mmf_unmap,
	.protect = mm_protect_pages,
	.dup = mm_dup_pages,
};

/* The cache page for a fault (with a reference), or NULL with *err set. */
static void *mmf_get_page(struct vmr *v, uintptr_t va, bool atomic, int *err)
{
	struct chan *c = v->backing;
	struct pcache_file *pcf = pcache_file_lookup(c);
	uint64_t idx = mmf_index(v, va);
	void *kva = NULL;

	if (!pcf) {
		*err = -EFAULT;
		return NULL;
	}
	if (atomic)
		*err = (kva = pcache_page_peek(pcf, idx)) ? 0 : -EAGAIN;
	else
		*err = pcache_page_get(pcf, c, idx, &kva);
	pcache_file_put(pcf);
	return *err ? NULL : kva;
}

int mm_file_fault(struct mm *mm, struct vmr *v, uintptr_t va, bool write, bool atomic)
{
	int mem_flags = MEM_ATOMIC, err;        /* user pages never wait (vm/mm.c) */
	uint64_t perm = mm_prot_to_pte(v->prot);
	void *kva = mmf_get_page(v, va, atomic, &err), *copy;

	if (!kva)
		return err;
	if ((v->flags & VMR_F_SHARED) && write) {
		perm |= PTE_D;          /* about to be written: dirty from the start */
	} else if (!(v->flags & VMR_F_SHARED)) {
		if (write) {
			copy = kpage_alloc(mem_flags);
			if (copy)
				memcpy(copy, kva, PGSIZE);
			kpage_free(kva);
			if (!copy)
				return -ENOMEM;
			kva = copy;
		} else {
			perm = (perm & ~PTE_W) | PTE_COW;
		}
	}
	if (pmap_map_range(mm->pml4, va, PADDR(kva), PGSIZE, perm, mem_flags)) {
		kpage_free(kva);
		return -ENOMEM;
	}
	atomic_inc(&mm->nr_resident);
	return 0;
}

/*
 * Maps [start, start + len) of c at offset off (page aligned), replacing
 * what was there if fixed.  The caller holds mm's lock and has checked c
 * (open for reading, for writing if shared and writable).  0 or -errno.
 */
int mm_file_map(struct mm *mm, struct chan *c, uintptr_t start, size_t len, uint32_t prot,
                uint32_t vmr_flags, bool fixed, uint64_t off)
{
	struct vmr_attr attr = { .prot = prot, .type = VMR_FILE, .ops = &mm_file_ops,
	                         .backing = c, .offset = off, .flags = vmr_flags };
	struct pcache_file *pcf = pcache_file_get(c);
	int ret;

	if (!pcf)
		return -ENOMEM;
	if (fixed)
		ret = vmr_replace(&mm->vmrs, start, len, &attr, MEM_WAIT, NULL);
	else
		ret = vmr_insert(&mm->vmrs, start, len, &attr, MEM_WAIT, NULL);
	pcache_file_put(pcf);
	return ret;
}

/* Can c be mapped at all?  Regular files of the RAM file systems. */
bool mm_file_mappable(struct chan *c)
{
	const char *dev = devtab_of(c)->name;

	if (c->qid.type & QTDIR)
		return false;
	return !strcmp(dev, "tmpfs") || !strcmp(dev, "kfs");
}

/* One shared file region's part [start, end): lock held. */
static int mmf_sync_region(struct mm *mm, struct vmr *v, uintptr_t start, uintptr_t end)
{
	struct chan *c = v->backing;
	struct pcache_file *pcf = pcache_file_lookup(c);
	int ret = 0;

	if (!pcf)
		return 0;
	mm_clean_pages(mm, v, start, end, pcf);
	tlb_shootdown(start, end - start);
	if (c->mode & O_WRITE)
		ret = pcache_writeback(pcf, c, mmf_index(v, start), mmf_index(v, end));
	pcache_file_put(pcf);
	return ret;
}

int mm_file_sync(struct mm *mm, uintptr_t start, uintptr_t end)
{
	uintptr_t at = start;
	struct vmr *v;
	int ret = 0, r;

	mm_lock(mm);
	for (v = vmr_lookup_from(&mm->vmrs, start); v && v->start < end; v = vmr_next(v)) {
		if (v->start > at)
			break;                  /* a hole */
		if (v->type == VMR_FILE && (v->flags & VMR_F_SHARED)) {
			r = mmf_sync_region(mm, v, MAX(at, v->start), MIN(end, v->end));
			ret = ret ? ret : r;
		}
		at = v->end;
	}
	mm_unlock(mm);
	return at < end ? -ENOMEM : ret;
}
