/* SPDX-License-Identifier: MIT */
/*
 * arch/percpu.h - the x86 part of struct percpu: this core's GDT and TSS
 * (the TSS holds the IST stacks for double fault, NMI and machine check).
 */
#pragma once

#include <types.h>

/* GDT selectors; the order suits syscall/sysret (STAR). */
#define GD_KT   0x08   /* kernel code, 64-bit */
#define GD_KD   0x10   /* kernel data */
#define GD_UT32 0x18   /* user code, 32-bit (unused, required by sysret) */
#define GD_UD   0x20   /* user data */
#define GD_UT   0x28   /* user code, 64-bit */
#define GD_TSS  0x30   /* 16-byte TSS descriptor */
#define GDT_ENTRIES 8

struct __packed tss64 {
	uint32_t reserved0;
	uint64_t rsp[3];
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
};

struct arch_percpu {
	uint64_t gdt[GDT_ENTRIES] __aligned(16);
	struct tss64 tss __aligned(16);
	void *ist_stacks[3];
};

/* Gives a core its IST stacks (each KSTACK_SIZE bytes); before it boots. */
void percpu_set_ist_stacks(uint32_t core, void *stacks[3]);
