/* SPDX-License-Identifier: MIT */
/*
 * sys_misc.c - syscall handlers of the "misc" group: null, block,
 * getpcoreid, reboot, nanosleep, and the aborts (syscall.h has the rules).
 */
#include <core_id.h>
#include <errno.h>
#include <kthread.h>
#include <ros/kstat.h>
#include <syscall.h>
#include <time.h>
#include <uaccess.h>

#define SLEEP_MAX_USEC (3600ULL * 1000000)      /* one hour per call */

int64_t sys_null(struct syscall_ctx *ctx)
{
	return 0;
}

int64_t sys_block(struct syscall_ctx *ctx)
{
	uint64_t usec = ctx->sc.arg0;

	if (usec > SLEEP_MAX_USEC)
		return sysc_fail(ctx, EINVAL, "block: %lu us is longer than an hour", usec);
	kthread_usleep(usec);
	return 0;
}

int64_t sys_getpcoreid(struct syscall_ctx *ctx)
{
	return core_id();
}

int64_t sys_reboot(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, EPERM, "reboot: only the kernel monitor reboots the machine "
	                 "until processes have privileges");
}

int64_t sys_nanosleep(struct syscall_ctx *ctx)
{
	struct ktimespec req, rem = { 0 };
	uint64_t usec;

	if (copy_from_user(&req, (const void *)ctx->sc.arg0, sizeof(req)))
		return sysc_fail(ctx, EFAULT, "nanosleep: request at %#lx is not readable",
		                 ctx->sc.arg0);
	if (req.tv_sec < 0 || req.tv_nsec < 0 || req.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return sysc_fail(ctx, EINVAL, "nanosleep: bad time %ld s %ld ns",
		                 (long)req.tv_sec, (long)req.tv_nsec);
	if ((uint64_t)req.tv_sec > SLEEP_MAX_USEC / 1000000)
		return sysc_fail(ctx, EINVAL, "nanosleep: %ld s is longer than an hour",
		                 (long)req.tv_sec);
	usec = (uint64_t)req.tv_sec * 1000000 + (uint64_t)req.tv_nsec / 1000;
	kthread_usleep(usec);
	if (ctx->sc.arg1 && copy_to_user((void *)ctx->sc.arg1, &rem, sizeof(rem)))
		return sysc_fail(ctx, EFAULT, "nanosleep: remainder at %#lx is not writable",
		                 ctx->sc.arg1);
	return 0;
}

int64_t sys_abort_sysc(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "abort_sysc: needs asynchronous syscalls (not yet)");
}

int64_t sys_abort_sysc_fd(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "abort_sysc_fd: needs asynchronous syscalls (not yet)");
}
