/* SPDX-License-Identifier: MIT */
/*
 * vcore_notify.c - the kernel's side of a VCPD (ros/vcpd.h) for a running
 * vcore: entering it at vcore_entry, and notifying it (saving the
 * interrupted uthread's context into the VCPD, then entering vcore context).
 *
 * Everything here runs on the vcore's own kthread, in its process's
 * address space, just before a return to user mode (mcp.h).  The VCPD is
 * user memory the process may scribble over at any time: each field is
 * read once through uaccess, checked, and used from the copy; a field that
 * cannot be used (vcore_entry, vcore_stack or vcore_tls_desc not a user
 * address, an unreadable or unwritable VCPD) kills the process with a
 * message naming the vcore and the field, never the kernel.
 */
#include <arch/x86.h>
#include <errno.h>
#include <mcp.h>
#include <printk.h>
#include <process.h>
#include <ros/procdata.h>
#include <ros/vcore_ctx.h>
#include <uaccess.h>

_Static_assert(sizeof(struct hw_user_ctx) <= VCPD_CTX_SIZE, "hw_user_ctx fits a VCPD context");
_Static_assert(FXSAVE_SIZE <= VCPD_ANC_SIZE, "an FXSAVE image fits preempt_anc");

static struct vcpd __user *vcpd_of(uint32_t vcoreid)
{
	return &((struct procdata __user *)UDATA)->vcpd[vcoreid];
}

static void vcore_kill(uint32_t vcoreid, const char *field, uint64_t val)
{
	char why[96];

	snprintf(why, sizeof(why), "vcore %u: VCPD %s %#lx is not usable", vcoreid, field, val);
	user_kill(why);
}

static bool vcore_user_addr(uint64_t a, uint64_t min)
{
	return a >= min && a < USER_LIMIT;
}

void vcore_enter_entry(uint32_t vcoreid, struct user_ext *ux, struct hw_trapframe *tf)
{
	struct vcpd __user *vcpd = vcpd_of(vcoreid);
	static const uint8_t one = 1;
	uint64_t e[3];                  /* vcore_entry, vcore_stack, vcore_tls_desc */

	_Static_assert(__builtin_offsetof(struct vcpd, vcore_tls_desc) ==
	               __builtin_offsetof(struct vcpd, vcore_entry) + 16, "vcpd entry fields");
	if (copy_from_user(e, &vcpd->vcore_entry, sizeof(e)) ||
	    copy_to_user(&vcpd->notif_disabled, &one, 1))
		vcore_kill(vcoreid, "at", (uint64_t)vcpd);
	if (!vcore_user_addr(e[0], 1))
		vcore_kill(vcoreid, "vcore_entry", e[0]);
	if (!vcore_user_addr(e[1], PGSIZE))
		vcore_kill(vcoreid, "vcore_stack", e[1]);
	if (!vcore_user_addr(e[2], 0))
		vcore_kill(vcoreid, "vcore_tls_desc", e[2]);
	/* As if called: rsp + 8 is 16-aligned at the first instruction. */
	user_ctx_init(tf, e[0], (e[1] & ~15ul) - 8);
	tf->rdi = vcoreid;
	user_set_fs_base(ux, e[2]);
}

void vcore_enter_fresh(struct mcp_vcore *vc, struct hw_trapframe *tf)
{
	vcore_enter_entry(vc->id, &vc->uext, tf);
}

bool vcore_notif_pending(uint32_t vcoreid)
{
	uint8_t pending = 0;

	return !copy_from_user(&pending, &vcpd_of(vcoreid)->notif_pending, 1) && pending;
}

/*
 * tf and the live FPU/FS state into VCPD v's uthread_ctx and preempt_anc
 * (VC_FPU_SAVED), or (vcctx) into vcore_ctx only (VC_VCCTX_SAVED): vcore
 * context resumes from the kernel's copy, FPU state included (ux), and a
 * uthread image in preempt_anc that vcore context had not taken back yet
 * (a notification, then a preemption before vcore_entry's take-back) must
 * survive, with its VC_FPU_SAVED and a VC_UTHREAD_FAULT.
 */
static int vcore_save_ctx(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux,
                          bool vcctx)
{
	struct vcpd __user *vcpd = vcpd_of(vcoreid);
	struct hw_user_ctx c = {
		.rax = tf->rax, .rbx = tf->rbx, .rcx = tf->rcx, .rdx = tf->rdx,
		.rsi = tf->rsi, .rdi = tf->rdi, .rbp = tf->rbp, .r8 = tf->r8,
		.r9 = tf->r9, .r10 = tf->r10, .r11 = tf->r11, .r12 = tf->r12,
		.r13 = tf->r13, .r14 = tf->r14, .r15 = tf->r15, .rip = tf->rip,
		.rsp = tf->rsp, .rflags = tf->rflags,
	};
	uint32_t rflags = VC_FPU_SAVED;

	user_ext_save(ux);              /* the live FPU and FS state */
	c.fs_base = ux->fs_base;
	if (vcctx) {
		if (get_user_u32(&rflags, &vcpd->rflags))
			return -EFAULT;
		rflags = (rflags & (VC_FPU_SAVED | VC_UTHREAD_FAULT)) | VC_VCCTX_SAVED;
		return copy_to_user(&vcpd->vcore_ctx, &c, sizeof(c)) ||
		       copy_to_user(&vcpd->rflags, &rflags, sizeof(rflags)) ? -EFAULT : 0;
	}
	if (copy_to_user(&vcpd->uthread_ctx, &c, sizeof(c)) ||
	    copy_to_user(&vcpd->preempt_anc, ux->fx, FXSAVE_SIZE) ||
	    copy_to_user(&vcpd->rflags, &rflags, sizeof(rflags)))
		return -EFAULT;
	return 0;
}

int vcore_save_uthread(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux)
{
	return vcore_save_ctx(vcoreid, tf, ux, false);
}

int vcore_save_vcctx(uint32_t vcoreid, const struct hw_trapframe *tf, struct user_ext *ux)
{
	return vcore_save_ctx(vcoreid, tf, ux, true);
}

void vcore_notify_check(struct mcp_vcore *vc, struct hw_trapframe *tf)
{
	struct vcpd __user *vcpd = vcpd_of(vc->id);
	uint8_t f[2];                   /* notif_disabled, notif_pending */

	_Static_assert(__builtin_offsetof(struct vcpd, notif_pending) ==
	               __builtin_offsetof(struct vcpd, notif_disabled) + 1, "vcpd notif fields");
	if (copy_from_user(f, &vcpd->notif_disabled, sizeof(f)))
		vcore_kill(vc->id, "at", (uint64_t)vcpd);
	if (f[0] || !f[1])
		return;                 /* disabled (pending stays set), or nothing */
	if (vcore_save_uthread(vc->id, tf, &vc->uext))
		vcore_kill(vc->id, "uthread_ctx at", (uint64_t)&vcpd->uthread_ctx);
	vcore_enter_fresh(vc, tf);
}
