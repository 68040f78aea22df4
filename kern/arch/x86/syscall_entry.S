/* SPDX-License-Identifier: MIT */
/*
 * syscall_entry.S - the syscall instruction's landing points (MSR_LSTAR for
 * 64-bit callers, MSR_CSTAR for 32-bit ones), and user_ctx_pop.
 *
 * The syscall instruction leaves the user's %rip in %rcx and %rflags in
 * %r11, clears the RFLAGS bits of MSR_SFMASK (IF, TF, DF, AC, NT, IOPL, RF:
 * user.c) and changes nothing else, not even %rsp, which the user chose and
 * may point anywhere.  We swap to the kernel's GS, park the user %rsp in
 * percpu, switch to the kthread's stack (percpu->kstack_top) and build the
 * same struct hw_trapframe that trapentry.S builds for interrupts, with
 * vector T_SYSCALL.  Interrupts go back on while the call runs.  The way
 * out is trap_return's user half, trap_return_user (user_return_check,
 * swapgs, iretq), shared with interrupts: simple and correct for any frame
 * the kernel may have changed.
 * There is no sysret path: it would need the non-canonical-RCX check of
 * Intel's SYSRET erratum, and iretq already has user_return_check.
 *
 * Vireo runs only 64-bit programs.  A syscall from compatibility mode (a
 * program that far-jumped into the 32-bit code segment; AMD CPUs and QEMU's
 * TCG deliver it through MSR_CSTAR, Intel ones raise #UD) gets the same
 * frame with the 32-bit CS, and goes straight to trap_return, whose check
 * kills the process with a message; nothing of the call runs.
 */
#include <arch/trap.h>
#include <arch/trapframe_asm.h>

#define PERCPU_KSTACK_TOP   16
#define PERCPU_USER_RSP     24
#define GD_UD_RPL3          (0x20 | 3)
#define GD_UT_RPL3          (0x28 | 3)
#define GD_UT32_RPL3        (0x18 | 3)
#define T_SYSCALL           0x80

/* The frame of a syscall, CS = \cs; interrupts stay off. */
.macro SYSCALL_FRAME cs
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KSTACK_TOP, %rsp
	pushq $GD_UD_RPL3               /* ss */
	pushq %gs:PERCPU_USER_RSP       /* rsp */
	pushq %r11                      /* rflags */
	pushq $\cs                      /* cs */
	pushq %rcx                      /* rip */
	pushq $0                        /* err */
	pushq $T_SYSCALL                /* vector */
	PUSH_GPRS
.endm

	.text
	.globl syscall_entry
syscall_entry:
	SYSCALL_FRAME GD_UT_RPL3
	movq %rsp, %rdi
	xorl %ebp, %ebp                 /* backtraces stop here */
	sti
	call syscall_entry_c
	cli
	jmp trap_return_user            /* a syscall frame goes back to user mode */

	.globl syscall_compat_entry
syscall_compat_entry:
	SYSCALL_FRAME GD_UT32_RPL3
	xorl %ebp, %ebp
	jmp trap_return                 /* user_return_check refuses CS 0x1b */

	.globl user_ctx_pop
user_ctx_pop:
	cli
	movq %rdi, %rsp
	jmp trap_return
