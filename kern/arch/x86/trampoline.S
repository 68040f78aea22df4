/* SPDX-License-Identifier: MIT */
/*
 * trampoline.S - where a freshly started core begins: 16-bit real mode at
 * SMP_TRAMPOLINE_PA (the SIPI vector is its page number), to 32-bit
 * protected mode, to long mode, to smp_ap_entry() in the higher half.
 *
 * The image is assembled into .rodata and copied to SMP_TRAMPOLINE_PA by
 * smp.c, so every absolute address here is computed as that physical
 * address plus the offset from smp_trampoline_start.  smp.c fills the
 * parameter block at the end (layout: arch/smp.h) before each start.  The
 * kernel page tables must identity-map this page while paging turns on
 * (pmap_boot_identity), and CR3 must lie below 4 GiB because 32-bit code
 * loads it.  The core runs with interrupts off and no IDT until
 * percpu_init_core(); a fault before that resets the core, and the boot
 * core reports it as not started.
 */
#include <ros/mmu64.h>
#include <arch/smp.h>

#define TRAMP_ADDR(x) (SMP_TRAMPOLINE_PA + ((x) - smp_trampoline_start))
#define CR0_PE 0x1
#define CR4_PAE 0x20
#define MSR_EFER 0xc0000080

	.section .rodata.smp_trampoline, "a"
	.balign 16
	.globl smp_trampoline_start, smp_trampoline_end, smp_trampoline_params

	.code16
smp_trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	lgdtl tramp_gdt_ptr - smp_trampoline_start
	movl %cr0, %eax
	orl $CR0_PE, %eax
	movl %eax, %cr0
	ljmpl $0x08, $TRAMP_ADDR(tramp32)

	.code32
tramp32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movl $TRAMP_ADDR(smp_trampoline_params), %ebx
	movl %cr4, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl SMP_TP_CR3(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl SMP_TP_EFER(%ebx), %eax
	movl SMP_TP_EFER+4(%ebx), %edx
	wrmsr
	movl SMP_TP_CR0(%ebx), %eax     /* PG with LME set: long mode */
	movl %eax, %cr0
	ljmpl $0x18, $TRAMP_ADDR(tramp64)

	.code64
tramp64:
	movl $TRAMP_ADDR(smp_trampoline_params), %ebx
	movq SMP_TP_CR4(%rbx), %rax
	movq %rax, %cr4
	movq SMP_TP_STACK(%rbx), %rsp
	movl SMP_TP_CORE(%rbx), %edi
	movl SMP_TP_APIC(%rbx), %esi
	movq SMP_TP_ENTRY(%rbx), %rax
	xorl %ebp, %ebp
	pushq $0                        /* no return address: ends backtraces */
	jmp *%rax

	.balign 8
tramp_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff        /* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff        /* 0x10: data */
	.quad 0x00af9a000000ffff        /* 0x18: 64-bit code */
tramp_gdt_end:
tramp_gdt_ptr:
	.short tramp_gdt_end - tramp_gdt - 1
	.long TRAMP_ADDR(tramp_gdt)

	.balign 8
smp_trampoline_params:
	.space SMP_TP_SIZE
smp_trampoline_end:
