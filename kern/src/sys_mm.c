/* SPDX-License-Identifier: MIT */
/*
 * sys_mm.c - syscall handlers of the "mem" group: anonymous mmap, munmap,
 * mprotect and populate_va over the process's VMR set (proc_mm.c).  File
 * mappings (a chan and the page cache) come next: mmap of an fd answers
 * ENOSYS until then.
 */
#include <arch/mmu.h>
#include <errno.h>
#include <mem_flags.h>
#include <pmap.h>
#include <process.h>
#include <ros/mmap.h>
#include <syscall.h>

#define MMAP_HINT_DEFAULT 0x0000100000000000UL  /* where anonymous memory goes */

static bool sysc_range_ok(uint64_t addr, uint64_t len)
{
	return IS_ALIGNED(addr, PGSIZE) && len && len <= USER_LIMIT &&
	       addr + len > addr && addr + len <= USER_STACK_TOP && addr >= PGSIZE;
}

int64_t sys_mmap(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, len = ALIGN_UP(ctx->sc.arg1, PGSIZE);
	int prot = (int)ctx->sc.arg2, flags = (int)ctx->sc.arg3;
	struct vmr_attr attr = { .prot = (uint32_t)prot, .type = VMR_ANON,
	                         .ops = &mm_anon_ops };
	struct proc *p = ctx->p;
	uintptr_t at = addr;
	struct vmr *v;
	int ret;

	if (prot & ~PROT_ALL)
		return sysc_fail(ctx, EINVAL, "mmap: unknown prot bits %#x", prot);
	if (flags & ~MAP_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "mmap: unknown flags %#x", flags);
	if (!(flags & MAP_ANONYMOUS))
		return sysc_fail(ctx, ENOSYS, "mmap: file mappings are not implemented yet");
	if (!(flags & (MAP_PRIVATE | MAP_SHARED)) || ctx->sc.arg1 == 0 || ctx->sc.arg1 > USER_LIMIT)
		return sysc_fail(ctx, EINVAL, "mmap: need MAP_PRIVATE or MAP_SHARED and a "
		                 "length in 1..%#lx", USER_LIMIT);
	mm_lock(p->mm);
	if (flags & MAP_FIXED) {
		ret = sysc_range_ok(addr, len) ?
		      vmr_replace(&p->mm->vmrs, addr, len, &attr, MEM_WAIT, &v) : -EINVAL;
	} else {
		ret = vmr_find_gap(&p->mm->vmrs, len, addr && sysc_range_ok(addr, len) ? addr + len :
		                   MMAP_HINT_DEFAULT, &at);
		if (!ret)
			ret = vmr_insert(&p->mm->vmrs, at, len, &attr, MEM_WAIT, &v);
	}
	if (!ret && (flags & MAP_POPULATE))
		ret = mm_populate(p->mm, at, len, MEM_WAIT);
	mm_unlock(p->mm);
	if (ret)
		return sysc_fail(ctx, -ret, "mmap: cannot map %#lx bytes at %#lx (error %d)",
		                 len, addr, -ret);
	return (int64_t)at;
}

int64_t sys_munmap(struct syscall_ctx *ctx)
{
	uint64_t addr = ctx->sc.arg0, len = ALIGN_UP(ctx->sc.arg1, PGSIZE);
	int ret;

	if (!sysc_range_ok(addr, len))
		return sysc_fail(ctx, EINVAL, "munmap: bad range %#lx + %#lx", addr, ctx->sc.arg1);
	mm_lock(ctx->p->mm);
	ret = vmr_remove(&ctx->p->mm->vmrs, addr, len, MEM_WAIT);
	mm_unlock(ctx->p->mm);
	if (ret)
		return sysc_fail(ctx, -ret, "munmap: %#lx + %#lx: error %d", addr, len, -ret);
	tlb_shootdown(addr, len);
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
	mm_lock(ctx->p->mm);
	ret = vmr_protect(&ctx->p->mm->vmrs, addr, len, (uint32_t)prot, MEM_WAIT);
	mm_unlock(ctx->p->mm);
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
	mm_lock(ctx->p->mm);
	ret = mm_populate(ctx->p->mm, addr, nr * PGSIZE, MEM_WAIT);
	mm_unlock(ctx->p->mm);
	if (ret)
		return sysc_fail(ctx, -ret, "populate_va: %#lx, %lu pages: error %d", addr, nr,
		                 -ret);
	return 0;
}
