/* SPDX-License-Identifier: MIT */
/*
 * kt_mm.c - ktests of address spaces (mm.h) on bare mms that no process
 * runs on: copy-on-write fork of a populated mm (a write in either side
 * copies or, once unshared, just re-enables writing; the other side keeps
 * its bytes; every page is freed when both mms go: the runner's leak
 * check), which accesses each protection allows, shared anon regions that stay shared across mm_dup, file
 * mappings of a #tmpfs file (private: cache page read-only then a private
 * copy on write; shared: the write reaches the file at unmap; a fault past
 * the end of the file fails), and the kernel-shared pages (global info,
 * procinfo read-only and not inherited, procdata inherited copy-on-write
 * and made private again by mm_map_shared).
 */
#include <errno.h>
#include <fdtable.h>
#include <globalinfo.h>
#include <kstring.h>
#include <kthread.h>
#include <ktest.h>
#include <mm.h>
#include <page.h>
#include <page_cache.h>
#include <pmap.h>
#include <process.h>
#include <ros/mmap.h>
#include <ros/procdata.h>
#include <ros/procinfo.h>
#include <sysfile.h>
#include <uaccess.h>

#include "kt_dev.h"

#define CHECK(c) KT_CHECK(c)
#define VA 0x400000UL

static bool kt_mm_pte(struct mm *mm, uintptr_t va, physaddr_t *pa, uint64_t *perm)
{
	physaddr_t p;
	uint64_t f;

	if (!pmap_lookup(mm->pml4, va, &p, &f))
		return false;
	if (pa)
		*pa = p;
	if (perm)
		*perm = f;
	return true;
}

/* npages of read-write anon memory at VA, the first populated with "parent". */
static struct mm *kt_mm_anon(uint32_t vflags, size_t npages)
{
	struct vmr_attr attr = { .prot = PROT_READ | PROT_WRITE, .type = VMR_ANON,
	                         .ops = &mm_anon_ops, .flags = vflags };
	struct mm *mm = mm_create();

	if (!mm)
		return NULL;
	mm_lock(mm);
	if (vmr_insert(&mm->vmrs, VA, npages * PGSIZE, &attr, MEM_WAIT, NULL) ||
	    mm_populate(mm, VA, PGSIZE, MEM_WAIT) || mm_write(mm, VA, "parent", 7)) {
		mm_unlock(mm);
		mm_put(mm);
		return NULL;
	}
	mm_unlock(mm);
	return mm;
}

static bool kt_mm_says(struct mm *mm, uintptr_t va, const char *s)
{
	physaddr_t pa;

	CHECK(kt_mm_pte(mm, va, &pa, NULL));
	CHECK(!strcmp(KADDR(pa), s));
	return true;
}

static bool kt_mm_cow(struct mm *mm)
{
	struct mm *child = mm_dup(mm);
	physaddr_t pp, cp, np;
	uint64_t pf, cf;

	CHECK(child);
	CHECK(kt_mm_pte(mm, VA, &pp, &pf) && kt_mm_pte(child, VA, &cp, &cf));
	CHECK(pp == cp && page_refcnt(pa2page(pp)) == 2);
	CHECK(!(pf & PTE_W) && (pf & PTE_COW) && !(cf & PTE_W) && (cf & PTE_COW));
	CHECK(!kt_mm_pte(child, VA + PGSIZE, NULL, NULL));      /* never populated: still not */
	CHECK(mm_fault(child, VA, true, false));                /* copies */
	CHECK(kt_mm_pte(child, VA, &np, &cf) && np != pp && (cf & PTE_W) && !(cf & PTE_COW));
	CHECK(page_refcnt(pa2page(pp)) == 1);
	mm_lock(child);
	CHECK(mm_write(child, VA, "child", 6) == 0);
	mm_unlock(child);
	CHECK(kt_mm_says(mm, VA, "parent") && kt_mm_says(child, VA, "child"));
	CHECK(mm_fault(mm, VA, true, false));                   /* alone now: same page */
	CHECK(kt_mm_pte(mm, VA, &np, &pf) && np == pp && (pf & PTE_W));
	CHECK(mm_fault(child, VA + PGSIZE, true, false));       /* demand zero in the child */
	mm_put(child);
	return true;
}

KTEST(mm, cow_dup)
{
	struct mm *mm = kt_mm_anon(0, 4);
	bool ok;

	KT_ASSERT(mm);
	ok = kt_mm_cow(mm);
	mm_put(mm);
	KT_ASSERT(ok);
}

static bool kt_mm_shared_dup(struct mm *mm)
{
	struct mm *child = mm_dup(mm);
	physaddr_t pp, cp;
	uint64_t pf, cf;

	CHECK(child);
	CHECK(kt_mm_pte(mm, VA, &pp, &pf) && kt_mm_pte(child, VA, &cp, &cf));
	CHECK(pp == cp && (pf & PTE_W) && (cf & PTE_W) && !(cf & PTE_COW));
	mm_lock(child);
	CHECK(mm_write(child, VA, "both", 5) == 0);
	mm_unlock(child);
	CHECK(kt_mm_says(mm, VA, "both"));
	mm_put(child);
	CHECK(page_refcnt(pa2page(pp)) == 1);
	return true;
}

struct kt_mm_holder {
	struct mm *mm;
	atomic_t held;
};

static void kt_mm_hold_fn(void *arg)
{
	struct kt_mm_holder *h = arg;

	mm_lock(h->mm);
	atomic_set(&h->held, 1);
	kthread_usleep(20000);
	mm_unlock(h->mm);
}

/* A user copy whose fault finds the mm's lock held by another kthread
 * waits for it (uaccess_fault_in) instead of failing with EFAULT; an
 * address with no region still fails. */
KTEST(mm, uaccess_fault_waits_for_the_lock)
{
	struct mm *mm = kt_mm_anon(0, 2), *child, *prev;
	struct kt_mm_holder h = { .held = ATOMIC_INIT(0) };
	struct kthread *kt;
	int ret, bad;

	KT_ASSERT(mm);
	child = mm_dup(mm);                     /* VA is copy-on-write now */
	KT_ASSERT(child);
	h.mm = mm;
	kt = kt_dev_start(kt_mm_hold_fn, &h);
	for (int i = 0; i < 5000 && !atomic_read(&h.held); i++)
		kthread_usleep(100);
	prev = proc_kthread_swap_mm(mm);
	ret = copy_to_user((void *)VA, "waited", 7);
	bad = copy_to_user((void *)(VA + 8 * PGSIZE), "x", 2);
	proc_kthread_swap_mm(prev);
	kthread_join(kt);
	KT_ASSERT_EQ(atomic_read(&h.held), 1);
	KT_ASSERT_EQ(ret, 0);
	KT_ASSERT_EQ(bad, -EFAULT);
	KT_ASSERT(kt_mm_says(mm, VA, "waited") && kt_mm_says(child, VA, "parent"));
	mm_put(child);
	mm_put(mm);
}

KTEST(mm, shared_anon_stays_shared)
{
	struct mm *mm = kt_mm_anon(VMR_F_SHARED, 1);
	bool ok;

	KT_ASSERT(mm);
	ok = kt_mm_shared_dup(mm);
	mm_put(mm);
	KT_ASSERT(ok);
}

/* A region of each protection at VA, VA + 1 page, ...: faults as x86
 * and Linux have them (every right but PROT_NONE reads). */
KTEST(mm, any_right_implies_read)
{
	static const uint32_t prots[] = { PROT_WRITE, PROT_EXEC, PROT_NONE, PROT_READ };
	struct mm *mm = mm_create();
	int bad = 0;

	KT_ASSERT(mm);
	mm_lock(mm);
	for (size_t i = 0; i < ARRAY_SIZE(prots); i++) {
		struct vmr_attr attr = { .prot = prots[i], .type = VMR_ANON, .ops = &mm_anon_ops };

		bad |= vmr_insert(&mm->vmrs, VA + i * PGSIZE, PGSIZE, &attr, MEM_WAIT, NULL);
	}
	mm_unlock(mm);
	KT_ASSERT_EQ(bad, 0);
	KT_ASSERT(mm_fault(mm, VA, false, false));                     /* write-only reads */
	KT_ASSERT(mm_fault(mm, VA, true, false));                      /* and writes */
	KT_ASSERT(!mm_fault(mm, VA, false, true));                     /* not exec */
	KT_ASSERT(mm_fault(mm, VA + PGSIZE, false, false));            /* exec-only reads */
	KT_ASSERT(!mm_fault(mm, VA + PGSIZE, true, false));            /* not write */
	KT_ASSERT(!mm_fault(mm, VA + 2 * PGSIZE, false, false));       /* none: nothing */
	KT_ASSERT(!mm_fault(mm, VA + 3 * PGSIZE, true, false));        /* read-only */
	mm_put(mm);
}

/* ----------------------------------------------------------- files --- */

static int kt_mm_file(const char *path, int omode)
{
	int fd = syscreate(path, O_RDWR, 0644);
	bool ok = fd >= 0 && syswrite(fd, "file bytes", 10) == 10;

	if (fd >= 0)
		sysclose(fd);
	return ok ? sysopen(path, omode, 0) : -1;
}

static bool kt_mm_map_file(struct mm *mm, int fd, uintptr_t va, size_t len, uint32_t vflags)
{
	struct chan *c = fd_get_chan(current_fdt(), fd);
	int ret;

	CHECK(c && mm_file_mappable(c));
	mm_lock(mm);
	ret = mm_file_map(mm, c, va, len, PROT_READ | PROT_WRITE, vflags, false, 0);
	mm_unlock(mm);
	cclose(c);
	return ret == 0;
}

static bool kt_mm_file_private(struct mm *mm)
{
	int fd = kt_mm_file("/tmp/f", O_READ);
	physaddr_t pa, cpa;
	uint64_t perm;

	CHECK(fd >= 0 && kt_mm_map_file(mm, fd, VA, 2 * PGSIZE, 0));
	CHECK(mm_fault(mm, VA, false, false));
	CHECK(kt_mm_pte(mm, VA, &pa, &perm) && !(perm & PTE_W) && (perm & PTE_COW));
	CHECK(!memcmp(KADDR(pa), "file bytes", 10));
	CHECK(page_refcnt(pa2page(pa)) == 2);                  /* cache + PTE */
	CHECK(mm_fault(mm, VA, true, false));
	CHECK(kt_mm_pte(mm, VA, &cpa, &perm) && cpa != pa && (perm & PTE_W));
	CHECK(!memcmp(KADDR(cpa), "file bytes", 10));
	CHECK(!mm_fault(mm, VA + PGSIZE, false, false));       /* past the end of the file */
	mm_lock(mm);
	CHECK(vmr_remove(&mm->vmrs, VA, 2 * PGSIZE, MEM_WAIT) == 0);
	mm_unlock(mm);
	return sysclose(fd) == 0;
}

static bool kt_mm_file_shared(struct mm *mm)
{
	int fd = kt_mm_file("/tmp/g", O_RDWR);
	char buf[16] = { 0 };
	physaddr_t pa;

	CHECK(fd >= 0 && kt_mm_map_file(mm, fd, VA, PGSIZE, VMR_F_SHARED));
	CHECK(mm_fault(mm, VA, true, false));
	CHECK(kt_mm_pte(mm, VA, &pa, NULL));
	memcpy(KADDR(pa), "FILE", 4);
	CHECK(syspread(fd, buf, 10, 0) == 10 && !memcmp(buf, "file bytes", 10));
	mm_lock(mm);
	CHECK(vmr_remove(&mm->vmrs, VA, PGSIZE, MEM_WAIT) == 0);   /* writes back */
	mm_unlock(mm);
	CHECK(syspread(fd, buf, 16, 0) == 10 && !memcmp(buf, "FILE bytes", 10));
	return sysclose(fd) == 0;
}

static bool kt_mm_files(void)
{
	struct mm *mm = mm_create();
	size_t files = pcache_nr_files();
	bool ok;

	CHECK(mm);
	ok = kt_mm_file_private(mm) && kt_mm_file_shared(mm);
	mm_put(mm);
	CHECK(pcache_nr_files() == files);
	return ok;
}

KTEST(mm, file_private_and_shared)
{
	KT_NS_RUN(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0 && kt_mm_files());
}

/* ----------------------------------------------------- shared pages --- */

/* The global page: filled once, the same page every time, sane values. */
static bool kt_mm_globalinfo(void)
{
	struct proc_global_info *gi = globalinfo_get();

	CHECK(gi && globalinfo_get() == gi);
	CHECK(gi->tsc_freq > 1000000 && gi->nr_cores >= 1 && gi->tsc_last);
	CHECK(gi->walltime_seqctr % 2 == 0);
	return true;
}

static bool kt_mm_shared_pages(struct mm *mm, struct procinfo *pi, struct procinfo *pi2)
{
	struct proc_global_info *gi = globalinfo_get();
	struct mm *child;
	physaddr_t pa, cpa;
	uint64_t perm;

	CHECK(gi && gi->tsc_freq);
	CHECK(mm_map_shared(mm, pi) == 0);
	CHECK(kt_mm_pte(mm, UGINFO, &pa, &perm) && pa == PADDR(gi) && !(perm & PTE_W));
	CHECK(kt_mm_pte(mm, UINFO + PGSIZE, &pa, &perm) && pa == PADDR(pi) + PGSIZE &&
	      !(perm & PTE_W));
	CHECK(!mm_fault(mm, UINFO, true, false));
	CHECK(kt_mm_pte(mm, UDATA, &pa, &perm) && (perm & PTE_W));
	CHECK(kt_mm_pte(mm, UDATA + PGSIZE + VCPD_SIZE - 1, NULL, NULL));
	CHECK(!kt_mm_pte(mm, UDATA + PGSIZE + VCPD_SIZE, NULL, NULL));
	mm_lock(mm);
	CHECK(vmr_remove(&mm->vmrs, UDATA, PGSIZE, MEM_WAIT) == -EPERM);
	CHECK(mm_write(mm, UDATA, "pd", 3) == 0);
	mm_unlock(mm);
	child = mm_dup(mm);
	CHECK(child);
	/* procdata is copied at once: the parent's pages stay writable */
	CHECK(kt_mm_pte(mm, UDATA, &cpa, &perm) && cpa == pa && (perm & PTE_W) &&
	      !(perm & PTE_COW));
	CHECK(kt_mm_pte(child, UDATA + PGSIZE, &cpa, &perm) && (perm & PTE_W) &&
	      !(perm & PTE_COW));
	CHECK(!kt_mm_pte(child, UINFO, NULL, NULL) && !kt_mm_pte(child, UGINFO, NULL, NULL));
	CHECK(mm_map_shared(child, pi2) == 0);
	CHECK(kt_mm_pte(child, UINFO, &cpa, NULL) && cpa == PADDR(pi2));
	CHECK(kt_mm_pte(child, UDATA, &cpa, &perm) && (perm & PTE_W) && cpa != pa);
	CHECK(kt_mm_says(child, UDATA, "pd"));
	CHECK(mm_map_shared(child, pi2) == -EEXIST);
	mm_put(child);
	return true;
}

KTEST(mm, shared_pages)
{
	struct procinfo *pi = procinfo_alloc(), *pi2 = procinfo_alloc();
	struct mm *mm = mm_create();
	bool ok;

	KT_ASSERT(pi && pi2 && mm);
	procinfo_fill(pi, 7, 1, 0x500000);
	KT_ASSERT_EQ(pi->pid, 7u);
	ok = kt_mm_shared_pages(mm, pi, pi2);
	procinfo_free(pi);                      /* still mapped: the mm keeps it */
	procinfo_free(pi2);
	mm_put(mm);
	KT_ASSERT(ok);
}

KTEST(mm, globalinfo_page)
{
	KT_ASSERT(kt_mm_globalinfo());
}
