/* SPDX-License-Identifier: MIT */
/*
 * sys_event.c - syscall handlers of the "event" group.  Event delivery
 * (UCQ, bitmap and CEQ mailboxes, notify, FD taps) is the next part of the
 * process work; until it exists these answer ENOSYS with a message, never a
 * silent success.
 */
#include <errno.h>
#include <syscall.h>

int64_t sys_notify(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "notify: event delivery is not implemented yet");
}

int64_t sys_self_notify(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "self_notify: event delivery is not implemented yet");
}

int64_t sys_send_event(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "send_event: event delivery is not implemented yet");
}

int64_t sys_tap_fds(struct syscall_ctx *ctx)
{
	return sysc_fail(ctx, ENOSYS, "tap_fds: FD taps are not implemented yet");
}
