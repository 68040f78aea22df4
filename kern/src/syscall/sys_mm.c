/* SPDX-License-Identifier: MIT */
/*
 * sys_mm.c - syscall handlers of the "mem" group: mmap (anonymous and of a
 * file through mm_file.c and the page cache), munmap, mprotect and
 * populate_va over the process's VMR set (vm/mm.c), and futex, the
 * kernel futexes of shared mappings (vm/futex.c, ros/futex.h).
 *
 * No mapping, unmapping or protection change may touch the kernel-shared
 * pages [USHARED_BASE, USHARED_END) (EPERM, whatever is mapped there yet)
 * or reach USER_STACK_TOP (EINVAL).  A file mapping needs an fd open for
 * reading (EACCES), one open for writing too for a shared writable mapping
 * (EACCES, also for mprotect adding PROT_WRITE later), a regular file of a
 * device that can be mapped (ENODEV) and a page-aligned offset (EINVAL).
 * Device memory (a file whose device has dev->mmap: #pci's BARs) is mapped
 * MAP_SHARED only (EINVAL), never executable (EACCES, mprotect too), and
 * the device checks the range and its own rules (vm/mm_device.c).
 */
#include <arch/mmu.h>
#include <errno.h>
#include <fdtable.h>
#include <futex.h>
#include <mem_flags.h>
#include <mem_pressure.h>
#include <page.h>
#include <pmap.h>
#include <process.h>
#include <ros/futex.h>
#include <ros/mmap.h>
#include <sysfile.h>
#include <syscall.h>

#define MMAP_HINT_DEFAULT 0x0000100000000000UL  /* where anonymous memory goes */

static bool sysc_range_ok(uint64_t addr, uint64_t len)
{
	return IS_ALIGNED(addr, PGSIZE) && len && len <= USER_LIMIT &&
	       addr + len > addr && addr + len <= USER_STACK_TOP && addr >= PGSIZE;
}

/* Populating len bytes now must leave half of the free memory free (one
 * call must not take it all; pages cached by slab count as free). */
static bool sysc_populate_fits(uint64_t len)
{
	return len / PGSIZE <= USER_LIMIT / PGSIZE / 2 &&
	       mem_free_pages_at_least(2 * (len / PGSIZE));
}

static bool sysc_range_shared(uint64_t addr, uint64_t len)
{
	return addr < USHARED_END && addr + len > USHARED_BASE;
}

/* The mmap arguments, checked. */
struct mmap_req {
	uint64_t addr, len, off;
	uint32_t prot;
	int flags, fd;
	struct chan *c;                 /* file mappings: a reference */
	bool device;                    /* c's device memory, at pa */
	physaddr_t pa;
};

static int64_t mmap_check_args(struct syscall_ctx *ctx, struct mmap_req *r)
{
	if (r->prot & ~PROT_ALL)
		return sysc_fail(ctx, EINVAL, "mmap: unknown prot bits %#x", r->prot);
	if (r->flags & ~MAP_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "mmap: unknown flags %#x", r->flags);
	if ((r->flags & MAP_SHARED) == (r->flags & MAP_PRIVATE) >> 1 ||
	    ctx->sc.arg1 == 0 || ctx->sc.arg1 > USER_LIMIT)
		return sysc_fail(ctx, EINVAL, "mmap: need one of MAP_PRIVATE and MAP_SHARED and "
		                 "a length in 1..%#lx", USER_LIMIT);
	if ((r->flags & MAP_FIXED) && !sysc_range_ok(r->addr, r->len))
		return sysc_fail(ctx, EINVAL, "mmap: MAP_FIXED range %#lx + %#lx is not page "
		                 "aligned inside [%#lx, %#lx)", r->addr, r->len, (uint64_t)PGSIZE,
		                 USER_STACK_TOP);
	if ((r->flags & MAP_FIXED) && sysc_range_shared(r->addr, r->len))
		return sysc_fail(ctx, EPERM, "mmap: %#lx + %#lx overlaps the kernel-shared pages "
		                 "[%#lx, %#lx)", r->addr, r->len, USHARED_BASE, USHARED_END);
	if (!(r->flags & MAP_ANONYMOUS) &&
	    (!IS_ALIGNED(r->off, PGSIZE) || (int64_t)r->off < 0 ||
	     r->off > (uint64_t)INT64_MAX - r->len))
		return sysc_fail(ctx, EINVAL, "mmap: file offset %#lx is not page aligned or "
		                 "too large", r->off);
	return 0;
}

/* r->c's device memory: the device's answer for the range, checked. */
static int64_t mmap_get_device(struct syscall_ctx *ctx, struct mmap_req *r)
{
	struct chan *c = r->c;
	const char *why = "refused";
	int ret;

	if (!(r->flags & MAP_SHARED))
		return sysc_fail(ctx, EINVAL, "mmap: fd %d is device memory: MAP_SHARED only",
		                 r->fd);
	if (!(c->mode & O_READ))
		return sysc_fail(ctx, EACCES, "mmap: fd %d is not open for reading", r->fd);
	if (!mm_device_prot_ok(c, r->prot))
		return sysc_fail(ctx, EACCES, "mmap: device memory is never executable and "
		                 "writable only through an fd open for writing (fd %d)", r->fd);
	ret = devtab_of(c)->mmap(c, r->off, r->len, r->prot, &r->pa, &why);
	if (ret)
		return sysc_fail(ctx, -ret, "mmap: fd %d (%s): %s", r->fd,
		                 c->name ? c->name->s : "?", why);
	r->device = true;
	return 0;
}

/* Takes the fd's chan into r->c and checks that it can be mapped so. */
static int64_t mmap_get_file(struct syscall_ctx *ctx, struct mmap_req *r)
{
	struct chan *c = fd_get_chan(current_fdt(), r->fd);

	if (!c)
		return sysc_fail(ctx, EBADF, "mmap: fd %d is not open", r->fd);
	r->c = c;
	if (devtab_of(c)->mmap && !(c->qid.type & QTDIR))
		return mmap_get_device(ctx, r);
	if (!mm_file_mappable(c))
		return sysc_fail(ctx, ENODEV, "mmap: fd %d (%s, #%s) cannot be mapped: only regular "
		                 "files of #tmpfs and #kfs and device memory can", r->fd,
		                 c->name ? c->name->s : "?", devtab_of(c)->name);
	if (!(c->mode & O_READ))
		return sysc_fail(ctx, EACCES, "mmap: fd %d is not open for reading", r->fd);
	if ((r->flags & MAP_SHARED) && (r->prot & PROT_WRITE) && !(c->mode & O_WRITE))
		return sysc_fail(ctx, EACCES, "mmap: a shared writable mapping needs fd %d open "
		                 "for writing", r->fd);
	return 0;
}

/* Where the mapping goes without MAP_FIXED; 0 or -errno. */
static int mmap_place(struct mm *mm, struct mmap_req *r, uintptr_t *at)
{
	uint64_t hint = r->addr && sysc_range_ok(r->addr, r->len) &&
	                !sysc_range_shared(r->addr, r->len) ? r->addr + r->len : MMAP_HINT_DEFAULT;
	int ret = vmr_find_gap(&mm->vmrs, r->len, hint, at);

	if (!ret && sysc_range_shared(*at, r->len))
		ret = -ENOMEM;
	return ret;
}

static int mmap_do(struct mm *mm, struct mmap_req *r, uintptr_t at)
{
	bool fixed = r->flags & MAP_FIXED, shared = r->flags & MAP_SHARED;
	struct vmr_attr attr = { .prot = r->prot, .type = VMR_ANON, .ops = &mm_anon_ops,
	                         .flags = (shared ? VMR_F_SHARED : 0) |
	                                  ((r->flags & MAP_LOCKED) ? VMR_F_LOCKED : 0) };

	if (r->device)
		return mm_device_map(mm, r->c, at, r->len, r->prot, fixed, r->pa);
	if (r->c)
		return mm_file_map(mm, r->c, at, r->len, r->prot, attr.flags, fixed, r->off);
	if (fixed)
		return vmr_replace(&mm->vmrs, at, r->len, &attr, MEM_WAIT, NULL);
	return vmr_insert(&mm->vmrs, at, r->len, &attr, MEM_WAIT, NULL);
}

int64_t sys_mmap(struct syscall_ctx *ctx)
{
	struct mmap_req r = { .addr = ctx->sc.arg0, .len = ALIGN_UP(ctx->sc.arg1, PGSIZE),
	                      .prot = (uint32_t)ctx->sc.arg2, .flags = (int)ctx->sc.arg3,
	                      .fd = (int)ctx->sc.arg4, .off = ctx->sc.arg5 };
	struct mm *mm = ctx->p->mm;
	uintptr_t at = r.addr;
	int ret;

	if (mmap_check_args(ctx, &r) || (!(r.flags & MAP_ANONYMOUS) && mmap_get_file(ctx, &r))) {
		cclose(r.c);
		return -1;
	}
	if ((r.flags & (MAP_POPULATE | MAP_LOCKED)) && !sysc_populate_fits(r.len)) {
		cclose(r.c);
		return sysc_fail(ctx, ENOMEM, "mmap: populating %#lx bytes needs more than half "
		                 "of the %lu free pages", r.len, nr_free_pages());
	}
	mm_lock(mm);
	ret = mm_regions_full(mm) ? -E2BIG : 0;
	if (!ret && !(r.flags & MAP_FIXED))
		ret = mmap_place(mm, &r, &at);
	if (!ret)
		ret = mmap_do(mm, &r, at);
	if (!ret && !r.device && (r.flags & (MAP_POPULATE | MAP_LOCKED))) {
		ret = mm_populate(mm, at, r.len, MEM_WAIT | MEM_USER);
		if (ret == -ENXIO)
			ret = 0;        /* pages past the end of the file stay unbacked */
	}
	mm_unlock(mm);
	cclose(r.c);
	if (ret == -EPERM)
		return sysc_fail(ctx, EPERM, "mmap: %#lx + %#lx overlaps a kernel-owned region",
		                 at, r.len);
	if (ret == -E2BIG)
		return sysc_fail(ctx, ENOMEM, "mmap: the process has %d regions, the most "
		                 "allowed", MM_MAX_REGIONS);
	if (ret)
		return sysc_fail(ctx, -ret, "mmap: cannot map %#lx bytes at %#lx (error %d)",
		                 r.len, at, -ret);
	if (r.flags & MAP_FIXED)
		tlb_shootdown(at, r.len);
	return (int64_t)at;
}

int64_t sys_munmap(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, len = ALIGN_UP(ctx->sc.arg1, PGSIZE);
	int ret;

	if (!sysc_range_ok(addr, len))
		return sysc_fail(ctx, EINVAL, "munmap: bad range %#lx + %#lx", addr, ctx->sc.arg1);
	if (sysc_range_shared(addr, len))
		return sysc_fail(ctx, EPERM, "munmap: %#lx + %#lx overlaps the kernel-shared pages",
		                 addr, len);
	mm_lock(ctx->p->mm);
	ret = vmr_remove(&ctx->p->mm->vmrs, addr, len, MEM_WAIT);
	mm_unlock(ctx->p->mm);
	if (ret)
		return sysc_fail(ctx, -ret, "munmap: %#lx + %#lx: error %d", addr, len, -ret);
	tlb_shootdown(addr, len);
	return 0;
}

/* No shared file region in [addr, addr + len) may become writable unless
 * its chan can write; device memory follows mm_device_prot_ok.  mm's lock
 * held. */
static bool mprotect_file_ok(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot)
{
	struct vmr *v;

	for (v = vmr_lookup_from(&mm->vmrs, addr); v && v->start < addr + len; v = vmr_next(v)) {
		if (v->ops == &mm_device_ops && !mm_device_prot_ok(v->backing, prot))
			return false;
		if ((prot & PROT_WRITE) && v->type == VMR_FILE && (v->flags & VMR_F_SHARED) &&
		    !(((struct chan *)v->backing)->mode & O_WRITE))
			return false;
	}
	return true;
}

/* msync(addr, len): shared file mappings in the range written back (the
 * C library checks Linux's flags). */
int64_t sys_msync(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, len = ALIGN_UP(ctx->sc.arg1, PGSIZE);
	int ret;

	if (!ctx->sc.arg1)
		return 0;
	if (!sysc_range_ok(addr, len))
		return sysc_fail(ctx, EINVAL, "msync: bad range %#lx + %#lx", addr, ctx->sc.arg1);
	ret = mm_file_sync(ctx->p->mm, addr, addr + len);
	if (ret == -ENOMEM)
		return sysc_fail(ctx, ENOMEM, "msync: %#lx + %#lx is not all mapped", addr,
		                 ctx->sc.arg1);
	if (ret)
		return sysc_fail(ctx, -ret, "msync: write-back failed (error %d)", -ret);
	return 0;
}

int64_t sys_mprotect(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, len = ALIGN_UP(ctx->sc.arg1, PGSIZE);
	int prot = (int)ctx->sc.arg2, ret;

	if (prot & ~PROT_ALL)
		return sysc_fail(ctx, EINVAL, "mprotect: unknown prot bits %#x", prot);
	if (!sysc_range_ok(addr, len))
		return sysc_fail(ctx, EINVAL, "mprotect: bad range %#lx + %#lx", addr,
		                 ctx->sc.arg1);
	if (sysc_range_shared(addr, len))
		return sysc_fail(ctx, EPERM, "mprotect: %#lx + %#lx overlaps the kernel-shared "
		                 "pages", addr, len);
	mm_lock(ctx->p->mm);
	ret = mprotect_file_ok(ctx->p->mm, addr, len, (uint32_t)prot) ? 0 : -EACCES;
	if (!ret && mm_regions_full(ctx->p->mm))
		ret = -ENOMEM;                  /* a split could pass the limit */
	if (!ret)
		ret = vmr_protect(&ctx->p->mm->vmrs, addr, len, (uint32_t)prot, MEM_WAIT);
	mm_unlock(ctx->p->mm);
	if (ret == -EACCES)
		return sysc_fail(ctx, EACCES, "mprotect: %#lx + %#lx includes a shared mapping of "
		                 "a file not open for writing, or device memory (never "
		                 "executable)", addr, len);
	if (ret)
		return sysc_fail(ctx, ret == -ENOMEM ? ENOMEM : -ret,
		                 "mprotect: %#lx + %#lx is not all mapped (error %d)",
		                 addr, len, -ret);
	tlb_shootdown(addr, len);
	return 0;
}

int64_t sys_populate_va(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, nr = ctx->sc.arg1;
	int ret;

	if (nr > USER_LIMIT / PGSIZE || !sysc_range_ok(addr, nr * PGSIZE))
		return sysc_fail(ctx, EINVAL, "populate_va: bad range %#lx, %lu pages", addr, nr);
	if (sysc_range_shared(addr, nr * PGSIZE))
		return sysc_fail(ctx, EPERM, "populate_va: %#lx, %lu pages overlaps the "
		                 "kernel-shared pages", addr, nr);
	if (!sysc_populate_fits(nr * PGSIZE))
		return sysc_fail(ctx, ENOMEM, "populate_va: %lu pages is more than half of the "
		                 "%lu free pages", nr, nr_free_pages());
	mm_lock(ctx->p->mm);
	ret = mm_populate(ctx->p->mm, addr, nr * PGSIZE, MEM_WAIT | MEM_USER);
	mm_unlock(ctx->p->mm);
	if (ret)
		return sysc_fail(ctx, -ret, "populate_va: %#lx, %lu pages: error %d", addr, nr,
		                 -ret);
	return 0;
}

static const char *futex_why(int err)
{
	switch (err) {
	case EXDEV:
		return "the word is not in a shared mapping (a private futex)";
	case EFAULT:
		return "the word is not in a readable mapping";
	case EINVAL:
		return "the word is not 4-byte aligned";
	case EAGAIN:
		return "the word no longer holds the value";
	case ETIMEDOUT:
		return "timed out";
	case EINTR:
		return "interrupted";
	default:
		return "failed";
	}
}

int64_t sys_futex(struct syscall_ctx *ctx)
{
	uint64_t uaddr = ctx->sc.arg0, ns = ctx->sc.arg3;
	int op = (int)ctx->sc.arg1, val = (int)ctx->sc.arg2;
	int r;

	if (op == FUTEX_OP_WAIT || op == (FUTEX_OP_WAIT | FUTEX_OP_TIMED))
		r = futex_wait(ctx->p->mm, uaddr, val, op & FUTEX_OP_TIMED,
		               ns / 1000 + (ns % 1000 != 0));
	else if (op == FUTEX_OP_WAKE)
		r = futex_wake(ctx->p->mm, uaddr, val);
	else
		return sysc_fail(ctx, EINVAL, "futex: unknown op %#x", op);
	if (r < 0)
		return sysc_fail(ctx, -r, "futex: %s at %#lx: %s",
		                 op == FUTEX_OP_WAKE ? "wake" : "wait", uaddr, futex_why(-r));
	return r;
}
