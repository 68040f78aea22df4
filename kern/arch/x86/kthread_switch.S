/* SPDX-License-Identifier: MIT */
/*
 * kthread_switch.S - kthread_switch(save_rsp, new_rsp) and the first-run
 * trampoline (see arch/kthread.h for the frame layout).
 *
 * kthread_switch is an ordinary call for its caller: it returns when some
 * other kthread switches back to this one.  Only callee-saved registers
 * and %rsp make up the saved context.
 */

	.text
	.globl kthread_switch
	.type kthread_switch, @function
kthread_switch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdi)
	movq %rsi, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.size kthread_switch, . - kthread_switch

/* First switch-in of a new kthread: %r12 holds its struct kthread. */
	.globl kthread_trampoline
	.type kthread_trampoline, @function
kthread_trampoline:
	xorl %ebp, %ebp
	movq %r12, %rdi
	call kthread_entry
	ud2
	.size kthread_trampoline, . - kthread_trampoline
