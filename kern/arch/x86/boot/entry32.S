/* SPDX-License-Identifier: MIT */
/*
 * entry32.S - the first instructions: from the boot loader's 32-bit
 * protected mode to the higher-half 64-bit kernel.
 *
 * Both QEMU's -kernel (Multiboot v1, through the a.out kludge fields, since
 * QEMU refuses to load an ELF64 image otherwise) and GRUB (Multiboot2) jump
 * to boot_entry32 with paging off, EAX = the protocol's magic and EBX = the
 * physical address of the boot information.  We:
 *   1. check that the CPU has long mode (else print a message on COM1, halt);
 *   2. load the boot page tables (built at assembly time below): physical
 *      0..1 GiB mapped at 0 (identity, for this code), at KERN_DMAP_BASE and
 *      at KERN_LOAD_ADDR, all with 2 MiB pages;
 *   3. enable PAE, long mode and paging, load a 64-bit GDT, far-jump to
 *      64-bit code and then to kernel_entry64 in the higher half;
 *   4. set up the boot stack and call kernel_main(magic, info_pa).
 * Everything here lives in .boot at its physical address (kernel.ld).
 */
#include <ros/mmu64.h>
#include "multiboot.h"

#define PDE_LARGE_RW_P 0x83     /* present, writable, 2 MiB page */
#define PTE_RW_P       0x03

	.section .multiboot, "a"
	.balign 4
mb1_header:
	.long MB1_HEADER_MAGIC
	.long MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE
	.long -(MB1_HEADER_MAGIC + (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE))
	.long mb1_header                /* header_addr */
	.long kernel_phys_start         /* load_addr */
	.long kernel_load_end_phys      /* load_end_addr */
	.long kernel_bss_end_phys       /* bss_end_addr */
	.long boot_entry32              /* entry_addr */

	.balign 8
mb2_header:
	.long MB2_HEADER_MAGIC
	.long MB2_ARCH_I386
	.long mb2_header_end - mb2_header
	.long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
	.balign 8
	.short MB2_HTAG_MODULE_ALIGN, 0
	.long 8
	.balign 8
	.short MB2_HTAG_END, 0
	.long 8
mb2_header_end:

	.section .boot.text, "ax"
	.code32
	.globl boot_entry32
boot_entry32:
	cli
	cld
	movl %eax, %edi                 /* magic: kernel_main's 1st argument */
	movl %ebx, %esi                 /* info:  kernel_main's 2nd argument */
	movl $boot_stack32_top, %esp

	/* Long mode needs CPUID leaf 0x80000001 EDX bit 29. */
	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb no_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx
	jz no_long_mode

	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl %cr4, %eax
	orl $(1 << 5), %eax             /* PAE */
	movl %eax, %cr4
	movl $0xc0000080, %ecx          /* EFER */
	rdmsr
	orl $(1 << 8), %eax             /* LME */
	wrmsr
	movl %cr0, %eax
	orl $((1 << 31) | (1 << 16) | 1), %eax  /* PG, WP, PE */
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $0x08, $boot_entry64_low

no_long_mode:
	movl $no_long_mode_msg, %ebx
1:	movb (%ebx), %al
	testb %al, %al
	jz 3f
	movw $0x3fd, %dx                /* COM1 line status */
2:	inb %dx, %al
	testb $0x20, %al
	jz 2b
	movb (%ebx), %al
	movw $0x3f8, %dx
	outb %al, %dx
	incl %ebx
	jmp 1b
3:	hlt
	jmp 3b

	.code64
boot_entry64_low:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movabsq $kernel_entry64, %rax
	jmp *%rax

	.section .boot.data, "aw"
no_long_mode_msg:
	.asciz "Vireo: this CPU has no 64-bit long mode; halting.\r\n"

	.balign 16
boot_stack32:
	.space 256
boot_stack32_top:

	.balign 8
boot_gdt:
	.quad 0                         /* null */
	.quad 0x00af9a000000ffff        /* 0x08: 64-bit code, ring 0 */
	.quad 0x00cf92000000ffff        /* 0x10: data, ring 0 */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	/* The boot page tables: one PD of 2 MiB pages covers 0..1 GiB. */
	.balign 4096
	.globl boot_pml4
boot_pml4:
	.quad boot_pdpt_low + PTE_RW_P                 /* [0]: identity */
	.fill 255, 8, 0
	.quad boot_pdpt_low + PTE_RW_P                 /* [256]: KERN_DMAP_BASE */
	.fill 254, 8, 0
	.quad boot_pdpt_high + PTE_RW_P                /* [511]: KERN_LOAD_ADDR */
boot_pdpt_low:
	.quad boot_pd + PTE_RW_P
	.quad boot_pd + 0x1000 + PTE_RW_P
	.quad boot_pd + 0x2000 + PTE_RW_P
	.quad boot_pd + 0x3000 + PTE_RW_P
	.fill 508, 8, 0
boot_pdpt_high:
	.fill 510, 8, 0
	.quad boot_pd + PTE_RW_P                       /* [510]: -2 GiB */
	.quad 0
boot_pd:                                        /* four PDs: 0..4 GiB */
	.set i, 0
	.rept 2048
	.quad (i << 21) + PDE_LARGE_RW_P
	.set i, i + 1
	.endr

	.text
	.globl kernel_entry64
kernel_entry64:
	movabsq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	movl %edi, %edi                 /* zero-extend magic and info */
	movl %esi, %esi
	call kernel_main
1:	hlt
	jmp 1b

	.bss
	.balign 4096
	.globl boot_stack, boot_stack_top
boot_stack:
	.space KSTACK_SIZE
boot_stack_top:
