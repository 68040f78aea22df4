/* SPDX-License-Identifier: MIT */
/*
 * cpu.c - per-core CPU state: the GDT and TSS of each core, its IST stacks
 * and its GS base (the per-cpu pointer).
 *
 * There is no LDT (lldt 0, gdt_load): selectors with TI set fault.
 *
 * percpu_init_core() runs once on each core, on that core, early in its
 * boot: the boot core calls it before memory allocators exist, so the boot
 * core's IST stacks are static; other cores get theirs from the page
 * allocator (smp.c passes them in through percpu_set_ist_stacks()).  The
 * top word of each IST stack holds the core's struct percpu: the NMI, #DF
 * and #MC entry (trapentry.S, trap_paranoid) takes its GS base from there.
 */
#include <arch/mmu.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <kstring.h>
#include <percpu.h>

struct percpu percpu_area[MAX_CORES] __aligned(64);

static uint8_t bsp_ist_stacks[NR_IST][KSTACK_SIZE] __aligned(16);

/* A code/data descriptor: base and limit are ignored in long mode. */
static uint64_t gdt_seg(bool code, int dpl, bool is64)
{
	uint64_t d = 0x0000ffff | (0xfULL << 48);       /* limit 0xfffff */

	d |= 1ULL << 47;                                 /* present */
	d |= 1ULL << 44;                                 /* code/data */
	d |= (uint64_t)dpl << 45;
	d |= 1ULL << 55;                                 /* 4 KiB granularity */
	if (code) {
		d |= 0xaULL << 40;                       /* execute/read */
		d |= is64 ? 1ULL << 53 : 1ULL << 54;     /* L, or D for 32-bit */
	} else {
		d |= 0x2ULL << 40;                       /* read/write */
		d |= 1ULL << 54;
	}
	return d;
}

static void gdt_set_tss(uint64_t *gdt, const struct tss64 *tss)
{
	uint64_t base = (uint64_t)tss, limit = sizeof(*tss) - 1;

	gdt[GD_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
	                  (0x9ULL << 40) | (1ULL << 47) |
	                  (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[GD_TSS / 8 + 1] = base >> 32;
}

static void gdt_build(struct arch_percpu *a)
{
	memset(a->gdt, 0, sizeof(a->gdt));
	a->gdt[GD_KT / 8] = gdt_seg(true, 0, true);
	a->gdt[GD_KD / 8] = gdt_seg(false, 0, false);
	a->gdt[GD_UT32 / 8] = gdt_seg(true, 3, false);
	a->gdt[GD_UD / 8] = gdt_seg(false, 3, false);
	a->gdt[GD_UT / 8] = gdt_seg(true, 3, true);
	gdt_set_tss(a->gdt, &a->tss);
}

static void gdt_load(struct arch_percpu *a)
{
	struct desc_ptr p = { .limit = sizeof(a->gdt) - 1, .base = (uint64_t)a->gdt };

	lgdt(&p);
	/* Reload CS through a far return, then the data segments. */
	__asm__ __volatile__(
		"pushq %0\n\t"
		"leaq 1f(%%rip), %%rax\n\t"
		"pushq %%rax\n\t"
		"lretq\n"
		"1:\n\t"
		"movw %w1, %%ax\n\t"
		"movw %%ax, %%ds\n\t"
		"movw %%ax, %%es\n\t"
		"movw %%ax, %%ss\n\t"
		: : "i"(GD_KT), "i"(GD_KD) : "rax", "memory");
	ltr(GD_TSS);
	/* No LDT.  The LDTR's state from reset (base 0, limit 0xffff) would
	 * make user memory at 0x1000..0xffff a descriptor table that any
	 * selector with TI set reads: a call gate there reaches CPL 0. */
	lldt(0);
}

void percpu_set_ist_stacks(uint32_t core, void *stacks[NR_IST])
{
	struct arch_percpu *a = &percpu_of(core)->arch;

	for (int i = 0; i < NR_IST; i++) {
		uint64_t top = (uint64_t)stacks[i] + KSTACK_SIZE;

		a->ist_stacks[i] = stacks[i];
		/* The word under the top: this core's percpu, for trap_paranoid
		 * (trapentry.S); the frame starts 16 bytes down (aligned). */
		*(uint64_t *)(top - 8) = (uint64_t)percpu_of(core);
		a->tss.ist[i] = top - 16;
	}
}

void percpu_init_core(uint32_t core, uint32_t apic_id)
{
	struct percpu *p = percpu_of(core);

	assert(core < MAX_CORES);
	p->self = p;
	p->core_id = core;
	p->apic_id = apic_id;
	if (core == 0) {
		void *st[NR_IST] = { bsp_ist_stacks[0], bsp_ist_stacks[1], bsp_ist_stacks[2] };

		percpu_set_ist_stacks(0, st);
	}
	p->arch.tss.iomap_base = sizeof(struct tss64);   /* no I/O bitmap */
	gdt_build(&p->arch);
	gdt_load(&p->arch);
	/* %fs and %gs selectors are zero; their bases come from MSRs. */
	__asm__ __volatile__("movw %w0, %%fs; movw %w0, %%gs" : : "r"(0));
	write_msr(MSR_GS_BASE, (uint64_t)p);
	write_msr(MSR_KERNEL_GS_BASE, 0);
	trap_load_idt();
	arch_user_init_core();
}
