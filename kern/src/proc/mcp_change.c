/* SPDX-License-Identifier: MIT */
/*
 * mcp_change.c - change_vcore (mcp.h): a vcore hands its core to a
 * preempted vcore of its process (Documentation/mcp.md, "change_vcore").
 *
 * The use: vcore w finds vcore v preempted in vcore context (holding a
 * lock, say), which only v's own restart can resume; rather than wait for
 * the ksched to give the process another core, w gives v its own.  The
 * call remaps w's core to v in procinfo (ksched_change_vcore, under the
 * coremap counter) at once; w's kthread then leaves on its way back to
 * user mode as if preempted: its vcore context saved (unless
 * enable_my_notif: it restarts at vcore_entry), VC_PREEMPTED set,
 * EV_VCORE_PREEMPT sent, w's id on top of the free ids; and v's kthread
 * starts on the core, resuming v as any restart does (mcp_preempt.c).
 *
 * Rules: the caller is a vcore's own kthread in vcore context (a uthread
 * has nothing to hand over: it would be left on a vcore that is gone);
 * p->lock for the vcore fields, the ksched lock (taken by ksched.c with
 * p->lock not held) for the maps.  A target that gets a core from the
 * ksched between the check and the remap makes the call fail with EBUSY.
 */
#include <errno.h>
#include <ksched.h>
#include <mcp.h>
#include <process.h>
#include <ros/procdata.h>
#include <uaccess.h>

/* Vcore context: the VCPD's notif_disabled set (unreadable counts as not). */
static bool mcp_change_from_vcctx(uint32_t vcoreid)
{
	struct procdata __user *pd = (struct procdata __user *)UDATA;
	uint8_t disabled = 0;

	return !copy_from_user(&disabled, &pd->vcpd[vcoreid].notif_disabled, 1) && disabled;
}

/* With p->lock: 0 if vc may hand its core to tv. */
static int mcp_change_check_locked(struct proc *p, struct mcp_vcore *vc, struct mcp_vcore *tv)
{
	if (p->killed)
		return -ENOENT;
	if (vc->yielding || vc->changing)
		return -EBUSY;          /* already on its way out */
	if (!tv->preempted || tv->started)
		return -EBUSY;
	return 0;
}

int mcp_change_vcore(struct proc *p, uint32_t to, bool enable_my_notif)
{
	struct mcp_vcore *vc = mcp_vcore_current(), *tv;
	uint64_t flags;
	int ret;

	if (!vc || vc->p != p || !mcp_change_from_vcctx(vc->id))
		return -EINVAL;
	if (to >= p->nr_vcores_max)
		return -ERANGE;
	if (to == vc->id)
		return -EDEADLK;
	tv = &p->vcores[to];
	flags = spin_lock_irqsave(&p->lock);
	ret = mcp_change_check_locked(p, vc, tv);
	spin_unlock_irqrestore(&p->lock, flags);
	if (ret || (ret = ksched_change_vcore(p, vc->id, to)))
		return ret;
	flags = spin_lock_irqsave(&p->lock);
	p->nr_running--;
	vc->yielding = true;
	vc->preempted = true;
	vc->changing = true;
	spin_unlock_irqrestore(&p->lock, flags);
	vc->change_save = !enable_my_notif;
	return 0;
}

void mcp_change_leave(struct mcp_vcore *vc, const struct hw_trapframe *tf)
{
	mcp_preempt_save_mark(vc, tf, vc->change_save);
	vc->announce = true;
}
