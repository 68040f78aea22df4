/* SPDX-License-Identifier: MIT */
/*
 * mm_shared.c - the pages the kernel shares with every process (mm.h:
 * mm_map_shared, procinfo_alloc/free/fill), at the fixed addresses of
 * ros/mmu64.h.
 *
 *	UGINFO  the global info page (globalinfo.c): one page for the whole
 *	        system, read-only, VMR_DEVICE, pinned, not copied on fork
 *	UINFO   the process's procinfo: PROCINFO_NUM_PAGES contiguous kernel
 *	        pages, read-only, VMR_DEVICE, pinned, not copied on fork
 *	UDATA   procdata: PROCDATA_NUM_PAGES of demand-zero anon memory,
 *	        pinned; the head page and VCPD 0 are populated at once
 *
 * Fork: mm_dup leaves UGINFO and UINFO out (VMR_F_NOCOPY) and copies
 * procdata, as Akaros copies procdata: the child's user-level state (event
 * queues registered in kernel_evts, VCPD contents) is a copy of the
 * parent's, so its copies of those registrations stay meaningful.  The
 * copy is made at once (mm_dup_pages: a pinned region), not copy-on-write:
 * the kernel writes VCPDs with interrupts off, where no fault is served,
 * in the parent (an MCP forks too) as in the child.  mm_map_shared(child,
 * child_pi) then maps the child's own procinfo and the global page, and
 * makes sure procdata's head and VCPD 0 are present.
 *
 * Lifetime: the global page is never freed.  A procinfo lives in a box with
 * a kref: one for procinfo_alloc's caller (procinfo_free drops it) and one
 * per region mapping it (the region's backing), so an mm that outlives its
 * process (exec, a kthread holding it) never maps freed pages.  PTEs of
 * these regions hold no page references.
 *
 * Locking: pinfo_lock (spinlock) over the box list; the mm's lock around
 * region changes.
 */
#include <errno.h>
#include <globalinfo.h>
#include <kmalloc.h>
#include <kstring.h>
#include <list.h>
#include <mm.h>
#include <page.h>
#include <pmap.h>
#include <printk.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>
#include <spinlock.h>
#include <time.h>

struct pinfo_box {
	struct kref ref;                /* [a] owner + one per region */
	struct procinfo *pi;            /* [I] PROCINFO_NUM_PAGES kernel pages */
	struct list_head link;          /* [pinfo_lock] */
};

static spinlock_t pinfo_lock = SPINLOCK_INITIALIZER("procinfo");
static struct list_head pinfo_boxes = LIST_HEAD_INIT(pinfo_boxes);

#define PINFO_SIZE (PROCINFO_NUM_PAGES * PGSIZE)

/* ------------------------------------------------------------ procinfo --- */

struct procinfo *procinfo_alloc(void)
{
	struct pinfo_box *box = kzmalloc(sizeof(*box), MEM_WAIT);

	if (!box)
		return NULL;
	box->pi = kpages_alloc(PINFO_SIZE, MEM_WAIT);
	if (!box->pi) {
		kfree(box);
		return NULL;
	}
	memset(box->pi, 0, PINFO_SIZE);
	kref_init(&box->ref);
	spin_lock(&pinfo_lock);
	list_add(&box->link, &pinfo_boxes);
	spin_unlock(&pinfo_lock);
	return box->pi;
}

static void pinfo_release(struct kref *ref)
{
	struct pinfo_box *box = container_of(ref, struct pinfo_box, ref);

	spin_lock(&pinfo_lock);
	list_del(&box->link);
	spin_unlock(&pinfo_lock);
	kpages_free(box->pi, PINFO_SIZE);
	kfree(box);
}

/* pi's box with a new reference, or NULL if pi was not allocated here. */
static struct pinfo_box *pinfo_box_get(const struct procinfo *pi)
{
	struct pinfo_box *box, *found = NULL;

	spin_lock(&pinfo_lock);
	list_for_each_entry(box, &pinfo_boxes, link) {
		if (box->pi == pi && kref_get_not_zero(&box->ref)) {
			found = box;
			break;
		}
	}
	spin_unlock(&pinfo_lock);
	return found;
}

void procinfo_free(struct procinfo *pi)
{
	struct pinfo_box *box;

	if (!pi)
		return;
	box = pinfo_box_get(pi);
	if (!box) {
		warn("procinfo_free: %p is not a procinfo", pi);
		return;
	}
	kref_put(&box->ref, pinfo_release);     /* the lookup's */
	kref_put(&box->ref, pinfo_release);     /* the owner's */
}

void procinfo_fill(struct procinfo *pi, int pid, int ppid, uintptr_t program_end)
{
	struct proc_global_info *gi = globalinfo_get();

	pi->pid = (uint32_t)pid;
	pi->ppid = (uint32_t)ppid;
	pi->max_vcores = 1;                     /* SCPs only, until MCPs exist */
	pi->tsc_freq = tsc_freq_hz();
	pi->timing_overhead = gi ? gi->tsc_overhead : 0;
	pi->program_end = program_end;
}

/* ------------------------------------------------------ kernel regions --- */

static void kpages_backing_get(struct vmr *v)
{
	kref_get(&((struct pinfo_box *)v->backing)->ref);
}

static void kpages_backing_put(struct vmr *v)
{
	kref_put(&((struct pinfo_box *)v->backing)->ref, pinfo_release);
}

static void kpages_unmap(struct vmr_set *set, struct vmr *v, uintptr_t start, uintptr_t end)
{
	mm_unmap_pages(set->owner, v, start, end, NULL, false);
}

static const struct vmr_ops mm_kpages_ops = {
	.name = "kernel",
	.backing_get = kpages_backing_get,
	.backing_put = kpages_backing_put,
	.unmap = kpages_unmap,
};

/* Maps len bytes of kernel memory at kva read-only at va as a pinned,
 * uncopied region (backing: box or NULL); PTEs first, so a failure leaves
 * the reserved region as it was.  Lock held. */
static int mm_map_kpages(struct mm *mm, uintptr_t va, void *kva, size_t len,
                         struct pinfo_box *box)
{
	struct vmr_attr attr = { .prot = PROT_READ, .type = VMR_DEVICE, .ops = &mm_kpages_ops,
	                         .backing = box, .flags = VMR_F_PINNED | VMR_F_NOCOPY };
	struct vmr *v = vmr_lookup(&mm->vmrs, va);
	int ret;

	if (v && (v->flags & VMR_F_PINNED))
		return -EEXIST;
	ret = pmap_map_range(mm->pml4, va, PADDR(kva), len, mm_prot_to_pte(PROT_READ), MEM_WAIT);
	if (!ret)
		ret = vmr_replace(&mm->vmrs, va, len, &attr, MEM_WAIT, NULL);
	if (ret)
		pmap_unmap_range(mm->pml4, va, len);
	return ret;
}

/* procdata: pinned anon memory; the head page and VCPD 0 private and
 * present.  Lock held. */
static int mm_map_procdata(struct mm *mm)
{
	struct vmr_attr attr = { .prot = PROT_READ | PROT_WRITE, .type = VMR_ANON,
	                         .ops = &mm_anon_ops, .flags = VMR_F_PINNED };
	struct vmr *v = vmr_lookup(&mm->vmrs, UDATA);
	int ret = 0;

	if (!v || !(v->flags & VMR_F_PINNED))
		ret = vmr_replace(&mm->vmrs, UDATA, PROCDATA_NUM_PAGES * PGSIZE, &attr,
		                  MEM_WAIT, NULL);
	if (!ret)
		ret = mm_populate_write(mm, UDATA, PGSIZE + VCPD_SIZE);
	return ret;
}

int mm_map_shared(struct mm *mm, struct procinfo *pi)
{
	struct proc_global_info *gi = globalinfo_get();
	struct pinfo_box *box = pi ? pinfo_box_get(pi) : NULL;
	int ret = 0;

	if (!gi)
		return -ENOMEM;
	if (pi && !box) {
		printk("mm_map_shared: procinfo %p was not made by procinfo_alloc\n", pi);
		return -EINVAL;
	}
	mm_lock(mm);
	if (!vmr_lookup(&mm->vmrs, UGINFO) ||
	    !(vmr_lookup(&mm->vmrs, UGINFO)->flags & VMR_F_PINNED))
		ret = mm_map_kpages(mm, UGINFO, gi, GLOBALINFO_NUM_PAGES * PGSIZE, NULL);
	if (!ret && box)
		ret = mm_map_kpages(mm, UINFO, pi, PINFO_SIZE, box);
	if (!ret)
		ret = mm_map_procdata(mm);
	mm_unlock(mm);
	if (box)
		kref_put(&box->ref, pinfo_release);
	return ret;
}
