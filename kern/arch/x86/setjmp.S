/* SPDX-License-Identifier: MIT */
/*
 * setjmp.S - kj_setjmp/kj_longjmp for the kernel's error stacks
 * (arch/setjmp.h).  kj_setjmp returns 0; kj_longjmp makes the matching
 * kj_setjmp return 'val' (1 if val is 0).  Interrupt state is not saved:
 * error() is never called with interrupts off by design (no spinlocks held).
 */
	.text
	.globl kj_setjmp
kj_setjmp:
	movq %rbx, 0(%rdi)
	movq %rbp, 8(%rdi)
	movq %r12, 16(%rdi)
	movq %r13, 24(%rdi)
	movq %r14, 32(%rdi)
	movq %r15, 40(%rdi)
	leaq 8(%rsp), %rax              /* %rsp as the caller sees it after return */
	movq %rax, 48(%rdi)
	movq (%rsp), %rax               /* return address */
	movq %rax, 56(%rdi)
	xorl %eax, %eax
	ret

	.globl kj_longjmp
kj_longjmp:
	movl %esi, %eax
	testl %eax, %eax
	jnz 1f
	movl $1, %eax
1:	movq 0(%rdi), %rbx
	movq 8(%rdi), %rbp
	movq 16(%rdi), %r12
	movq 24(%rdi), %r13
	movq 32(%rdi), %r14
	movq 40(%rdi), %r15
	movq 48(%rdi), %rsp
	jmp *56(%rdi)
