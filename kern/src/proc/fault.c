/* SPDX-License-Identifier: MIT */
/*
 * fault.c - an exception from user mode (arch/user.h: user_exception):
 * resolved (a page the process may have), reflected to user space, or the
 * end of the process.
 *
 * Reflection is one path for both kinds of process: the faulting context
 * goes into a VCPD's uthread_ctx and preempt_anc, the vector, error code
 * and address into its refl_fault, VC_UTHREAD_FAULT into its rflags, and
 * the vcore restarts at vcore_entry in vcore context (ros/vcpd.h).  An
 * MCP's uthread fault uses its vcore's VCPD (always: parlib's 2LS decides);
 * an SCP's uses VCPD 0, only if the process set VC_SCP_FAULTS there (the
 * C library does, to turn faults into signals; other programs are ended as
 * before).  A fault in vcore context (notif_disabled) is never reflected:
 * the code that handles faults faulted, and the process ends.
 *
 * The kernel takes nothing back: user space resumes the (possibly changed)
 * context itself, in user mode, where a bad context only faults again.
 * Every VCPD field is read once through uaccess; an unusable one ends the
 * process (vcore_notify.c), never the kernel.
 *
 * Runs on the kthread that owns the user context, interrupts on.
 */
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <errno.h>
#include <kthread.h>
#include <mcp.h>
#include <mm.h>
#include <printk.h>
#include <process.h>
#include <ros/procdata.h>
#include <ros/syscall.h>
#include <uaccess.h>

static struct vcpd __user *fault_vcpd(uint32_t vcoreid)
{
	return &((struct procdata __user *)UDATA)->vcpd[vcoreid];
}

/* Whether an SCP asked for its faults (VC_SCP_FAULTS in VCPD 0). */
static bool fault_scp_wants(void)
{
	uint32_t flags = 0;

	return !get_user_u32(&flags, &fault_vcpd(0)->flags) && (flags & VC_SCP_FAULTS);
}

/* The context into VCPD v with the fault's description: 0 or -EFAULT. */
static int fault_save(uint32_t vcoreid, struct user_ext *ux, const struct hw_trapframe *tf,
                      const struct vcpd_refl_fault *rf)
{
	struct vcpd __user *vcpd = fault_vcpd(vcoreid);
	uint32_t rflags;

	if (vcore_save_uthread(vcoreid, tf, ux) ||
	    copy_to_user(&vcpd->refl_fault, rf, sizeof(*rf)) ||
	    get_user_u32(&rflags, &vcpd->rflags))
		return -EFAULT;
	rflags |= VC_UTHREAD_FAULT;
	return copy_to_user(&vcpd->rflags, &rflags, sizeof(rflags)) ? -EFAULT : 0;
}

/*
 * True if the fault went to user space: tf then enters vcore_entry (an
 * SCP at once; an MCP's vcore on its way out, mcp_before_user).  eof: a
 * page fault on a file page beyond the end of its file.
 */
static bool fault_reflect(struct hw_trapframe *tf, uintptr_t addr, bool eof)
{
	struct mcp_vcore *vc = mcp_vcore_current();
	struct kthread *kt = kthread_current();
	struct vcpd_refl_fault rf = { .addr = addr, .trap = (uint32_t)tf->vector,
	                              .err = (uint32_t)tf->err };
	uint32_t vcoreid = vc ? vc->id : 0;
	struct user_ext *ux = vc ? &vc->uext : kt->uext;
	uint8_t disabled = 1;

	if (eof)
		rf.err |= VC_REFL_BEYOND_EOF;
	if (!vc && (proc_is_mcp(kt->proc) || !ux || !fault_scp_wants()))
		return false;           /* a detached MCP kthread, or not asked */
	if (copy_from_user(&disabled, &fault_vcpd(vcoreid)->notif_disabled, 1) || disabled)
		return false;           /* vcore context: the fault handler itself */
	if (fault_save(vcoreid, ux, tf, &rf))
		return false;
	if (vc)
		vc->fresh = true;       /* the way out enters vcore_entry */
	else
		vcore_enter_entry(0, ux, tf);
	return true;
}

static const char *user_trap_name(uint64_t vec)
{
	switch (vec) {
	case T_DIVIDE: return "divide error";
	case T_DEBUG: return "debug trap (single step)";
	case T_BRKPT: return "breakpoint";
	case T_ILLOP: return "invalid opcode";
	case T_GPFLT: return "general protection fault";
	case T_PGFLT: return "page fault";
	case T_STACK: return "stack fault";
	case T_ALIGN: return "alignment check";
	default: return "exception";
	}
}

void user_exception(struct hw_trapframe *tf)
{
	struct proc *p = current_proc();
	uintptr_t addr = tf->vector == T_PGFLT ? read_cr2() : tf->rip;
	struct mcp_vcore *vc = mcp_vcore_current();
	char why[160];
	int n = 0, err = 0;

	assert(p);
	if (tf->vector == T_PGFLT &&
	    !(err = mm_fault_err(p->mm, addr, tf->err & 2, tf->err & 16)))
		return;
	if (fault_reflect(tf, addr, err == -ENXIO))
		return;         /* user space handles it (vcore_entry) */
	if (vc)         /* an MCP's vcore context: the 2LS itself faulted */
		n = snprintf(why, sizeof(why), "vcore %u (vcore context): ", vc->id);
	n += snprintf(why + n, sizeof(why) - (size_t)n, "%s at address %#lx, rip %#lx (error %#lx)",
	              user_trap_name(tf->vector), addr, tf->rip, tf->err);
	if (err == -ENXIO)
		snprintf(why + n, sizeof(why) - (size_t)n, ", a file page beyond end of file");
	user_kill(why);
}

void user_kill(const char *why)
{
	struct proc *p = current_proc();

	assert(p);
	printk("proc %d (%s): %s; killed\n", p->pid, p->name, why);
	proc_exit(p, WSTATUS_KILLED);
}

/* From uaccess with interrupts off: only a lock-free, non-sleeping try, in
 * whichever address space this kthread has loaded. */
bool user_demand_fault(struct hw_trapframe *tf, uintptr_t addr)
{
	struct mm *mm = kthread_current()->mm;  /* the one loaded (proc_switch_to) */

	return mm && mm_fault_atomic(mm, addr, tf->err & 2);
}
