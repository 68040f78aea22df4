/* SPDX-License-Identifier: MIT */
/*
 * mm_uaccess.c - the sleeping slow path of the user copies (uaccess.h).
 *
 * The page-fault handler resolves a fault that a user copy takes without
 * sleeping (mm_fault_atomic): it gives up while any other kthread holds
 * the mm's lock, even for a moment.  Under load that is often enough, and a
 * spurious EFAULT is not harmless: a syscall record that cannot be
 * completed leaves its caller waiting for ever, and a fork record left
 * with the child's "done, 0" sends the parent down the child's path.  So
 * the copies call uaccess_fault_in() after such a failure, and it takes
 * the fault again as a process's own fault would (mm_fault: waits for the
 * lock and for memory, reads file pages in), in the address space this
 * kthread has loaded, when the caller is allowed to sleep.
 *
 * Rules: callers are the routines of kern/arch/x86/uaccess.c only.  It
 * sleeps only with interrupts on, outside IRQ context and with no spinlock
 * held (the lock checker counts them when CONFIG_SPINLOCK_DEBUG is on);
 * a batch armed to detach (syscall/async.c) may detach in that sleep.
 */
#include <arch/irq.h>
#include <arch/trap.h>
#include <kthread.h>
#include <lockorder.h>
#include <mm.h>
#include <uaccess.h>

/* May this context sleep for a page? */
static bool uaccess_may_sleep(void)
{
	if (!irq_is_enabled() || in_irq_ctx())
		return false;
#ifdef CONFIG_SPINLOCK_DEBUG
	if (lockorder_held_depth())
		return false;
#endif
	return true;
}

bool uaccess_fault_in(const void __user *uaddr, bool write)
{
	struct kthread *kt = kthread_current();

	if (!kt || !kt->mm || !uaccess_may_sleep())
		return false;
	return mm_fault(kt->mm, (uintptr_t)uaddr, write, false);
}
