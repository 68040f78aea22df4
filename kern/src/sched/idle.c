/* SPDX-License-Identifier: MIT */
/*
 * idle.c - what a core does when it has nothing to do.
 *
 * smp_idle() is where every AP lands after smp.c brought it up (on the
 * stack smp.c gave it): it waits, halted, until the boot core has run
 * kernel_core_init(), does this core's part (kernel_core_init_ap), then
 * becomes the core's idle kthread running smp_idle_loop() for good.  The
 * boot core's idle kthread runs the same loop on a stack of its own.
 *
 * The loop is the core's scheduler and its safe point: run routine kernel
 * messages; if the idle kthread was replaced while one of them blocked, exit
 * (the new idle kthread carries on); keep a spare kthread ready; run the
 * next kthread of the run queue; when there is nothing at all, halt with
 * "sti; hlt" after checking the queues with IRQs off, so a wakeup IPI that
 * arrives in between ends the halt instead of being lost.  Idle cores never
 * spin.  Kthreads that block switch straight to each other while no
 * routine message waits (kthread.c), so the loop runs only for messages
 * and when the run queue is empty.
 */
#include <arch/irq.h>
#include <kmsg.h>
#include <kthread.h>
#include <smp.h>

void smp_idle_loop(void)
{
	for (;;) {
		/* A spare before any message: a new idle kthread (the spare
		 * promoted when a message blocked) may block at once too. */
		kthread_refill_spare();
		kmsg_run_routine();
		if (!kthread_is_idle())
			kthread_exit();         /* replaced while a message blocked */
		irq_disable();
		if (!kthread_run_next() && !kmsg_routine_pending())
			irq_enable_and_halt();
		irq_enable();
	}
}

static void smp_idle_wait_core_ready(void)
{
	for (;;) {
		irq_disable();
		if (kernel_core_ready())
			break;
		irq_enable_and_halt();
	}
	irq_enable();
}

void smp_idle(void)
{
	if (!kthread_current()) {
		smp_idle_wait_core_ready();
		kernel_core_init_ap();
	}
	smp_idle_loop();
}
