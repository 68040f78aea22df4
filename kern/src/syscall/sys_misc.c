/* SPDX-License-Identifier: MIT */
/*
 * sys_misc.c - syscall handlers of the "misc" group: null, block,
 * getpcoreid, reboot, nanosleep, the aborts and set_fsbase (syscall.h has
 * the rules).  block and nanosleep sleep on a rendez, so abort_sysc and a
 * kill cut them short.
 */
#include <arch/user.h>
#include <core_id.h>
#include <errno.h>
#include <kthread.h>
#include <process.h>
#include <rendez.h>
#include <ros/kstat.h>
#include <syscall.h>
#include <time.h>
#include <uaccess.h>

#define SLEEP_MAX_USEC (3600ULL * 1000000)      /* one hour per call */

int64_t sys_null(struct syscall_ctx *ctx)
{
	return 0;
}

static bool sysc_never(void *arg)
{
	return false;
}

/* Sleeps usec, abortably: 0, or the microseconds left when aborted. */
static uint64_t sysc_sleep(uint64_t usec)
{
	struct rendez rv;
	uint64_t end = nsec_now() + usec * 1000, now;

	rendez_init(&rv);
	if (rendez_sleep_timeout(&rv, sysc_never, NULL, usec) != -ECANCELED)
		return 0;
	now = nsec_now();
	return now < end ? (end - now + 999) / 1000 : 0;
}

int64_t sys_block(struct syscall_ctx *ctx)
{
	uint64_t usec = ctx->sc.arg0;

	if (usec > SLEEP_MAX_USEC)
		return sysc_fail(ctx, EINVAL, "block: %lu us is longer than an hour", usec);
	if (sysc_sleep(usec))
		return sysc_fail(ctx, EINTR, "block: aborted");
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
	usec = (uint64_t)req.tv_sec * 1000000 + ((uint64_t)req.tv_nsec + 999) / 1000;
	usec = sysc_sleep(usec);
	rem.tv_sec = (int64_t)(usec / 1000000);
	rem.tv_nsec = (int64_t)(usec % 1000000) * 1000;
	if (ctx->sc.arg1 && copy_to_user((void *)ctx->sc.arg1, &rem, sizeof(rem)))
		return sysc_fail(ctx, EFAULT, "nanosleep: remainder at %#lx is not writable",
		                 ctx->sc.arg1);
	if (usec)
		return sysc_fail(ctx, EINTR, "nanosleep: aborted with %lu us left", usec);
	return 0;
}

/* Returns 1 if the call on that record was sleeping and is now aborted,
 * 0 if no call of ours runs on it (done already, or never issued). */
int64_t sys_abort_sysc(struct syscall_ctx *ctx)
{
	if (!ctx->sc.arg0)
		return sysc_fail(ctx, EINVAL, "abort_sysc: no syscall record given");
	return sysc_abort(ctx->p, ctx->sc.arg0, -1) > 0;
}

/* Returns how many of our calls working on fd were aborted. */
int64_t sys_abort_sysc_fd(struct syscall_ctx *ctx)
{
	int fd = (int)ctx->sc.arg0;

	if (fd < 0)
		return sysc_fail(ctx, EBADF, "abort_sysc_fd: bad fd %d", fd);
	return sysc_abort(ctx->p, 0, fd);
}

/* The thread pointer (%fs base) of the calling user context. */
int64_t sys_set_fsbase(struct syscall_ctx *ctx)
{
	if (!ctx->tf)
		return sysc_fail(ctx, EINVAL, "set_fsbase: an earlier call of this batch slept; "
		                 "the context went on without it");
	if (!user_set_fs_base(&ctx->p->uext, ctx->sc.arg0))
		return sysc_fail(ctx, EINVAL, "set_fsbase: %#lx is not a user address",
		                 ctx->sc.arg0);
	return 0;
}
