/* SPDX-License-Identifier: MIT */
/*
 * core_init.c - kernel_core_init(): kernel messages, kthreads and alarms.
 *
 * Runs once on the boot core, after smp_boot(): the APs are already parked
 * in smp_idle(), halted and waiting for kernel_core_ready().  Order: the
 * per-core queues and run queues of every core and the two IRQ handlers
 * (VEC_KMSG, VEC_LAPIC_TIMER) first, so any core may send or wake from then
 * on; then the boot context becomes the "boot" kthread with an idle kthread
 * beside it; then the APs are released (flag + IPI) and each turns its own
 * context into its idle kthread (kernel_core_init_ap).  We wait, bounded,
 * until they all report, so tests start on a settled machine, and finally
 * enable interrupts on the boot core.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <alarm.h>
#include <atomic.h>
#include <init.h>
#include <kmsg.h>
#include <kthread.h>
#include <percpu.h>
#include <printk.h>
#include <smp.h>
#include <time.h>

#define CORE_INIT_AP_TIMEOUT_MS 2000

static bool core_ready;                 /* [a] set once */
static atomic_t cores_up = ATOMIC_INIT(0);

bool kernel_core_ready(void)
{
	return __atomic_load_n(&core_ready, __ATOMIC_ACQUIRE);
}

void kernel_core_init_ap(void)
{
	kthread_init_ap_core();
	atomic_inc(&cores_up);
}

static void core_init_release_aps(void)
{
	uint64_t end;
	uint32_t aps = 0;

	__atomic_store_n(&core_ready, true, __ATOMIC_RELEASE);
	for (uint32_t c = 1; c < num_cores; c++) {
		if (READ_ONCE(percpu_of(c)->online)) {
			kmsg_kick_core(c);
			aps++;
		}
	}
	end = nsec_now() + CORE_INIT_AP_TIMEOUT_MS * NSEC_PER_MSEC;
	while (atomic_read(&cores_up) < aps && nsec_now() < end)
		cpu_relax();
	if (atomic_read(&cores_up) < aps)
		printk("kernel core: only %ld of %u other cores reported in\n",
		       atomic_read(&cores_up), aps);
}

void kernel_core_init(void)
{
	kthread_init_global();
	kmsg_init();
	alarm_init();
	kthread_init_boot_core();
	core_init_release_aps();
	irq_enable();
	printk("kernel core: kmsgs, kthreads and alarms up on %u cores\n", num_cores);
}
