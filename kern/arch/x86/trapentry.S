/* SPDX-License-Identifier: MIT */
/*
 * trapentry.S - the 256 interrupt entry stubs and the common path that
 * builds a struct hw_trapframe (arch/trap.h) and calls trap_dispatch().
 *
 * Stub n starts at trap_stubs + 16 * n.  Vectors for which the CPU pushes no
 * error code get a zero, so every frame has the same shape.  A trap from user
 * mode (CPL 3 in the saved CS) swaps GS on the way in and out, so kernel
 * code always finds its struct percpu at %gs:0.
 */
#include <arch/trap.h>
#include <arch/trapframe_asm.h>

/* Exceptions for which the CPU pushes an error code. */
#define HAS_ERRCODE(n) ((n) == 8 || ((n) >= 10 && (n) <= 14) || (n) == 17 || \
                        (n) == 21 || (n) == 29 || (n) == 30)

	.text
	.balign 16
	.globl trap_stubs
trap_stubs:
	.set vec, 0
	.rept NR_VECTORS
	.balign 16
	.if !HAS_ERRCODE(vec)
	pushq $0
	.endif
	pushq $vec
	jmp trap_common
	.set vec, vec + 1
	.endr

#define TF_CS 0x90

trap_common:
	PUSH_GPRS
	testb $3, TF_CS(%rsp)
	jz 1f
	swapgs
1:	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	testb $3, TF_CS(%rsp)
	jz 2f
	swapgs
2:	popq %rax
	popq %rbx
	popq %rcx
	popq %rdx
	popq %rbp
	popq %rsi
	popq %rdi
	popq %r8
	popq %r9
	popq %r10
	popq %r11
	popq %r12
	popq %r13
	popq %r14
	popq %r15
	addq $16, %rsp          /* vector and error code */
	iretq
