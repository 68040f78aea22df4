/* SPDX-License-Identifier: MIT */
/*
 * sys_event.c - syscall handlers of the "event" group, over event.c.
 *
 *   send_event(ev_q, msg, vcoreid)           msg to the caller's own ev_q
 *   self_notify(vcoreid, ev_type, msg, priv) msg into a VCPD mailbox, notify
 *   notify(pid, ev_type, msg)                a kernel event (kernel_evts[])
 *                                            for any live process
 *
 * Each copies the message in (msg 0: a zeroed message, except for
 * send_event, which needs one), checks what it can name a specific error
 * for (ev_type range, vcoreid, the queue's flags), then delivers.  notify is
 * one-sided: the target decides through kernel_evts[] whether it wants the
 * type, so a message it does not want is dropped and notify still succeeds.
 * tap_fds(reqs, n) applies n FD tap requests (ros/fdtap.h) in order
 * through fdtap_request() and returns how many were done: all n, or i < n
 * when request i > 0 failed (with no error: reissuing from i reports it);
 * -1 with the error when the first one failed.  An ADD or MOD's ev_q must be
 * a readable, 8-byte aligned event queue with known flags.
 */
#include <errno.h>
#include <event.h>
#include <fdtap.h>
#include <process.h>
#include <ros/procinfo.h>
#include <syscall.h>
#include <uaccess.h>

/* The message at umsg (0: zeroed) with ev_type set; false after sysc_fail. */
static bool sys_ev_copy_msg(struct syscall_ctx *ctx, uint64_t umsg, uint64_t ev_type,
                            struct event_msg *msg, const char *what)
{
	if (ev_type >= EV_NR_TYPES) {
		sysc_fail(ctx, EINVAL, "%s: event type %lu is not below %u", what, ev_type,
		          EV_NR_TYPES);
		return false;
	}
	*msg = (struct event_msg){ 0 };
	if (umsg && copy_from_user(msg, (const void __user *)umsg, sizeof(*msg))) {
		sysc_fail(ctx, EFAULT, "%s: cannot read the message at %#lx", what, umsg);
		return false;
	}
	msg->ev_type = (uint16_t)ev_type;
	return true;
}

/* The errstr for a failed delivery. */
static int64_t sys_ev_fail(struct syscall_ctx *ctx, int err, const char *what, uint64_t where)
{
	switch (err) {
	case -EFAULT:
		return sysc_fail(ctx, EFAULT, "%s: the queue or mailbox at %#lx (or memory it "
		                 "names) is not readable and writable", what, where);
	case -EINVAL:
		return sysc_fail(ctx, EINVAL, "%s: mailbox refused: unknown type, UCQ not "
		                 "initialised, bad CEQ geometry or ev_type past nr_events", what);
	case -ENOSPC:
		return sysc_fail(ctx, ENOSPC, "%s: mailbox full (UCQ page bound reached): "
		                 "message dropped and counted in nr_dropped", what);
	default:
		return sysc_fail(ctx, -err, "%s: delivery failed (error %d)", what, -err);
	}
}

int64_t sys_send_event(struct syscall_ctx *ctx)
{
	uint64_t uevq = ctx->sc.arg0, umsg = ctx->sc.arg1, vcoreid = ctx->sc.arg2;
	struct event_msg msg;
	uint32_t flags;
	int ret;

	if (!umsg || copy_from_user(&msg, (const void __user *)umsg, sizeof(msg)))
		return sysc_fail(ctx, EFAULT, "send_event: cannot read the message at %#lx", umsg);
	if (vcoreid >= ROS_MAX_VCORES)
		return sysc_fail(ctx, EINVAL, "send_event: vcore %lu is not below %u", vcoreid,
		                 ROS_MAX_VCORES);
	if ((uevq & 7) || get_user_u32(&flags, (const void __user *)(uevq +
	    __builtin_offsetof(struct event_queue, ev_flags))))
		return sysc_fail(ctx, EFAULT, "send_event: cannot read an event queue at %#lx "
		                 "(8-byte aligned, mapped)", uevq);
	if (flags & ~EVENT_ALL_FLAGS)
		return sysc_fail(ctx, EINVAL, "send_event: unknown ev_flags bits %#x",
		                 flags & ~EVENT_ALL_FLAGS);
	ret = send_event(ctx->p, uevq, &msg, (uint32_t)vcoreid);
	return ret ? sys_ev_fail(ctx, ret, "send_event", uevq) : 0;
}

int64_t sys_self_notify(struct syscall_ctx *ctx)
{
	uint64_t vcoreid = ctx->sc.arg0;
	struct event_msg msg;
	int ret;

	if (vcoreid >= ROS_MAX_VCORES)
		return sysc_fail(ctx, EINVAL, "self_notify: vcore %lu is not below %u", vcoreid,
		                 ROS_MAX_VCORES);
	if (!sys_ev_copy_msg(ctx, ctx->sc.arg2, ctx->sc.arg1, &msg, "self_notify"))
		return -1;
	ret = send_vcpd_event(ctx->p, &msg, (uint32_t)vcoreid, ctx->sc.arg3 != 0);
	return ret ? sys_ev_fail(ctx, ret, "self_notify (VCPD mailbox)", UDATA) : 0;
}

int64_t sys_notify(struct syscall_ctx *ctx)
{
	int64_t pid = (int64_t)ctx->sc.arg0;
	struct event_msg msg;
	struct proc *target;
	int ret;

	if (!sys_ev_copy_msg(ctx, ctx->sc.arg2, ctx->sc.arg1, &msg, "notify"))
		return -1;
	target = pid > 0 && pid <= INT32_MAX ? proc_lookup((int)pid) : NULL;
	if (!target)
		return sysc_fail(ctx, ESRCH, "notify: no process with pid %ld", pid);
	ret = send_kernel_event(target, &msg, 0);
	proc_put(target);
	if (ret == -ENOENT)
		return sysc_fail(ctx, ENOENT, "notify: process %ld takes no events of type %u "
		                 "(its kernel_evts entry is 0)", pid, msg.ev_type);
	if (ret)
		return sysc_fail(ctx, -ret, "notify: event for process %ld not delivered (error %d)",
		                 pid, -ret);
	return 0;
}

/* The queue a tap will post to: readable, aligned, known flags. */
static bool sys_tap_check_evq(struct syscall_ctx *ctx, const struct fd_tap_req *r)
{
	uint32_t flags;

	if (r->cmd == FDTAP_CMD_REM)
		return true;
	if (!r->ev_q || (r->ev_q & 7) || get_user_u32(&flags, (const void __user *)(r->ev_q +
	    __builtin_offsetof(struct event_queue, ev_flags)))) {
		sysc_fail(ctx, EFAULT, "tap_fds: fd %d: cannot read an event queue at %#llx "
		          "(8-byte aligned, mapped)", r->fd, (unsigned long long)r->ev_q);
		return false;
	}
	if (flags & ~EVENT_ALL_FLAGS) {
		sysc_fail(ctx, EINVAL, "tap_fds: fd %d: unknown ev_flags bits %#x", r->fd,
		          flags & ~EVENT_ALL_FLAGS);
		return false;
	}
	return true;
}

/* Request i of the user's array; false after sysc_fail. */
static bool sys_tap_one(struct syscall_ctx *ctx, uint64_t ureqs, size_t i)
{
	struct fd_tap_req r;

	if (copy_from_user(&r, (const void __user *)(ureqs + i * sizeof(r)), sizeof(r))) {
		sysc_fail(ctx, EFAULT, "tap_fds: cannot read request %zu at %#lx", i,
		          ureqs + i * sizeof(r));
		return false;
	}
	if (!sys_tap_check_evq(ctx, &r))
		return false;
	if (fdtap_request(&ctx->p->fdt, ctx->p, NULL, &r)) {
		sysc_fail_from_kthread(ctx, "tap_fds");
		return false;
	}
	return true;
}

int64_t sys_tap_fds(struct syscall_ctx *ctx)
{
	uint64_t ureqs = ctx->sc.arg0, n = ctx->sc.arg1;
	size_t i;

	if (n > FDTAP_MAX_BATCH)
		return sysc_fail(ctx, EINVAL, "tap_fds: %lu requests; at most %u per call", n,
		                 FDTAP_MAX_BATCH);
	for (i = 0; i < n; i++) {
		if (!sys_tap_one(ctx, ureqs, i)) {
			if (!i)
				return -1;
			/* Progress wins, as for a short read: reissuing
			 * from request i reports its error. */
			ctx->failed = false;
			ctx->sc.err = 0;
			ctx->sc.errstr[0] = '\0';
			break;
		}
	}
	return (int64_t)i;
}
