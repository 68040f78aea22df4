/* SPDX-License-Identifier: MIT */
/*
 * arch/smp.h - x86 SMP bring-up: the real-mode trampoline's parameter
 * block (shared by trampoline.S and smp.c) and the AP entry point.
 *
 * smp_boot() (kern/include/init.h) starts the other cores one at a time:
 * it fills the parameter block inside the trampoline page at
 * SMP_TRAMPOLINE_PA, sends INIT-SIPI-SIPI and waits for the core to report
 * in by raising num_cores.  Documentation/smp.md tells the whole story.
 */
#pragma once

/* Offsets in struct smp_tramp_params, for trampoline.S. */
#define SMP_TP_CR3    0
#define SMP_TP_CR4    8
#define SMP_TP_EFER   16
#define SMP_TP_STACK  24
#define SMP_TP_ENTRY  32
#define SMP_TP_CORE   40
#define SMP_TP_APIC   44
#define SMP_TP_CR0    48
#define SMP_TP_SIZE   56

/* How long one core may take to report in (TCG is slow). */
#define SMP_AP_TIMEOUT_MS 2000

#ifndef __ASSEMBLY__
#include <types.h>

struct smp_tramp_params {
	uint64_t cr3;           /* kernel PML4, below 4 GiB (32-bit mov to CR3) */
	uint64_t cr4;           /* the boot core's, set once in long mode */
	uint64_t efer;          /* LME plus the boot core's SCE/NXE */
	uint64_t stack;         /* top of the core's kernel stack */
	uint64_t entry;         /* smp_ap_entry */
	uint32_t core;          /* core id to take */
	uint32_t apic_id;
	uint64_t cr0;           /* PE, PG and the boot core's other bits */
};

/* The trampoline image (trampoline.S), copied to SMP_TRAMPOLINE_PA. */
extern const char smp_trampoline_start[], smp_trampoline_end[];
extern const char smp_trampoline_params[];

/* Where the trampoline jumps, on the new core's own stack. */
void smp_ap_entry(uint32_t core, uint32_t apic_id) __attribute__((noreturn));

/* panic() NMIs the other cores once this is true (defined in panic.c). */
extern bool smp_others_running;
#endif
