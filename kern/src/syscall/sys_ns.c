/* SPDX-License-Identifier: MIT */
/*
 * sys_ns.c - syscall handlers of the "ns" group: nbind, nmount, nunmount,
 * over sysbind/sysmount/sysunmount (kern/src/ns/sysfile.c).
 *
 * They change the caller's name space (its pgrp, shared with whoever shares
 * it), so every check comes first: the flags (MREPL, MBEFORE or MAFTER, plus
 * MCREATE; anything else is EINVAL), then the paths, copied in with
 * sysc_copy_path.  nbind returns the new mount's id.  nunmount with a
 * source length of 0 removes everything mounted on 'onto' (the source
 * pointer is then ignored).  nmount mounts the 9P server on the other
 * end of fd (#mnt, Documentation/dev/mnt.md) and returns the mount id.
 * A sysfile failure becomes err + errstr through sysc_fail_from_kthread().
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <syscall.h>
#include <sysfile.h>

static int64_t sysns_check_flags(struct syscall_ctx *ctx, const char *call, int flags)
{
	if (flags & ~MFLAGMASK)
		return sysc_fail(ctx, EINVAL, "%s: unknown flags %#x", call, flags & ~MFLAGMASK);
	if ((flags & MORDER) == MORDER)
		return sysc_fail(ctx, EINVAL, "%s: MBEFORE and MAFTER together", call);
	return 0;
}

int64_t sys_nbind(struct syscall_ctx *ctx)
{
	int flags = (int)ctx->sc.arg4;
	char *src = NULL, *onto = NULL;
	int64_t r = -1;

	if (sysns_check_flags(ctx, "nbind", flags) < 0)
		return -1;
	src = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "nbind (source)");
	if (src)
		onto = sysc_copy_path(ctx, ctx->sc.arg2, ctx->sc.arg3, "nbind (onto)");
	if (onto) {
		r = sysbind(src, onto, flags);
		if (r < 0)
			r = sysc_fail_from_kthread(ctx, "nbind");
	}
	kfree(src);
	kfree(onto);
	return r;
}

int64_t sys_nmount(struct syscall_ctx *ctx)
{
	int flags = (int)ctx->sc.arg3;
	char *onto;
	int64_t r;

	if (sysns_check_flags(ctx, "nmount", flags) < 0)
		return -1;
	onto = sysc_copy_path(ctx, ctx->sc.arg1, ctx->sc.arg2, "nmount");
	if (!onto)
		return -1;
	r = sysmount((int)ctx->sc.arg0, -1, onto, flags, "");
	kfree(onto);
	return r < 0 ? sysc_fail_from_kthread(ctx, "nmount") : r;
}

int64_t sys_nunmount(struct syscall_ctx *ctx)
{
	char *src = NULL, *onto;
	int64_t r = -1;

	if (ctx->sc.arg1) {
		src = sysc_copy_path(ctx, ctx->sc.arg0, ctx->sc.arg1, "nunmount (source)");
		if (!src)
			return -1;
	}
	onto = sysc_copy_path(ctx, ctx->sc.arg2, ctx->sc.arg3, "nunmount (onto)");
	if (onto)
		r = sysunmount(src, onto) < 0 ? sysc_fail_from_kthread(ctx, "nunmount") : 0;
	kfree(src);
	kfree(onto);
	return r;
}
