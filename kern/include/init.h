/* SPDX-License-Identifier: MIT */
/*
 * init.h - the boot steps kernel_main() (init.c) calls in order.  Each is
 * called exactly once, on the boot core, and panics only when the kernel
 * cannot go on at all (no memory map, no usable RAM).
 */
#pragma once

void mem_init(void);          /* page tables, page allocator, arenas, slabs */
void platform_init(void);     /* ACPI/MP tables, APICs, HPET */
void smp_boot(void);          /* starts the other cores */
void kernel_core_init(void);  /* kernel messages, kthreads, alarms */

/* Starts argv[0] with argv from a kernel thread and waits for it (init=,
 * the monitor's run): 0 with *status, or a negative errno (reported). */
int init_run_program(const char *const *argv, int *status);
