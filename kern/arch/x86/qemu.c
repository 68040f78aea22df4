/* SPDX-License-Identifier: MIT */
/*
 * qemu.c - qemu_exit() through the isa-debug-exit port (see qemu.h), with a
 * halt as the fallback on real hardware.
 */
#include <arch/cpu.h>
#include <arch/irq.h>
#include <arch/x86.h>
#include <printk.h>
#include <qemu.h>

#define ISA_DEBUG_EXIT_PORT 0xf4

void qemu_exit(int status)
{
	outl(ISA_DEBUG_EXIT_PORT, (uint32_t)status);
	printk("qemu_exit: no isa-debug-exit device; halting\n");
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}
