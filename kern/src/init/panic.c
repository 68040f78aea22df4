/* SPDX-License-Identifier: MIT */
/*
 * panic.c - panic() and warn().
 *
 * A panic prints the message and a backtrace, stops every other core with
 * an NMI (they park in nmi_handler), and then either ends a test boot (ktest=,
 * or 'panicexit' on the command line) with a failure exit code, so a test run
 * never waits out its timeout in the monitor, or enters the kernel monitor
 * on the serial console.  A second panic while the first is being handled
 * (on any core) only prints and halts, so a broken panic path cannot loop.
 */
#include <arch/apic.h>
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <assert.h>
#include <atomic.h>
#include <backtrace.h>
#include <cmdline.h>
#include <console.h>
#include <core_id.h>
#include <ktest.h>
#include <monitor.h>
#include <printk.h>
#include <qemu.h>

static atomic32_t panic_owner = ATOMIC_INIT(-1);
bool smp_others_running;        /* set by smp.c once other cores are up */

static void __noreturn halt_forever(void)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}

void _panic(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	irq_disable();
	if (!atomic32_cas(&panic_owner, -1, (int32_t)core_id())) {
		printk("\nnested panic on core %u at %s:%d\n", core_id(), file, line);
		halt_forever();
	}
	console_panicking = true;
	printk("\nkernel panic on core %u at %s:%d: ", core_id(), file, line);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
	backtrace_here();
	if (smp_others_running)
		lapic_broadcast_nmi_others();
	if (ktest_boot_active()) {
		printk("ktest: FAIL kernel.panic: the kernel panicked during the tests\n");
		qemu_exit(QEMU_EXIT_FAILURE);
	}
	if (cmdline_has(&boot_cmdline, "panicexit")) {
		printk("panicexit: leaving QEMU with failure\n");
		qemu_exit(QEMU_EXIT_FAILURE);
	}
	monitor(NULL);
	halt_forever();
}

void _warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printk("warning on core %u at %s:%d: ", core_id(), file, line);
	va_start(ap, fmt);
	vprintk(fmt, ap);
	va_end(ap);
	printk("\n");
}

void nmi_handler(struct hw_trapframe *tf)
{
	if (atomic32_read(&panic_owner) >= 0 &&
	    atomic32_read(&panic_owner) != (int32_t)core_id())
		halt_forever();
	printk("NMI on core %u at rip %#lx\n", core_id(), tf->rip);
}
