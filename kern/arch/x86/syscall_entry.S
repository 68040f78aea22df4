/* SPDX-License-Identifier: MIT */
/*
 * syscall_entry.S - the syscall instruction's landing point (MSR_LSTAR),
 * and user_ctx_pop.
 *
 * The syscall instruction leaves the user's %rip in %rcx and %rflags in
 * %r11, masks IF/DF/TF/AC (MSR_SFMASK) and changes nothing else, not even
 * %rsp.  We swap to the kernel's GS, park the user %rsp in percpu, switch to
 * the kthread's stack (percpu->kstack_top) and build the same struct
 * hw_trapframe that trapentry.S builds for interrupts, with vector
 * T_SYSCALL.  Interrupts go back on while the call runs.  The way out is
 * trap_return (swapgs, iretq), shared with interrupts: simple and correct
 * for any frame the kernel may have changed (sysret is a later fast path).
 */
#include <arch/trap.h>
#include <arch/trapframe_asm.h>

#define PERCPU_KSTACK_TOP   16
#define PERCPU_USER_RSP     24
#define GD_UD_RPL3          (0x20 | 3)
#define GD_UT_RPL3          (0x28 | 3)
#define T_SYSCALL           0x80

	.text
	.globl syscall_entry
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KSTACK_TOP, %rsp
	pushq $GD_UD_RPL3               /* ss */
	pushq %gs:PERCPU_USER_RSP       /* rsp */
	pushq %r11                      /* rflags */
	pushq $GD_UT_RPL3               /* cs */
	pushq %rcx                      /* rip */
	pushq $0                        /* err */
	pushq $T_SYSCALL                /* vector */
	PUSH_GPRS
	movq %rsp, %rdi
	xorl %ebp, %ebp                 /* backtraces stop here */
	sti
	call syscall_entry_c
	cli
	jmp trap_return

	.globl user_ctx_pop
user_ctx_pop:
	cli
	movq %rdi, %rsp
	jmp trap_return
