/* SPDX-License-Identifier: MIT */
/*
 * trapentry.S - the 256 interrupt entry stubs and the common path that
 * builds a struct hw_trapframe (arch/trap.h) and calls trap_dispatch().
 *
 * Stub n starts at trap_stubs + 16 * n.  Vectors for which the CPU pushes no
 * error code get a zero, so every frame has the same shape.  A trap from user
 * mode (CPL 3 in the saved CS) swaps GS on the way in and out, so kernel
 * code always finds its struct percpu at %gs:0.
 *
 * The way back to user mode is trap_return's user half: user_return_check()
 * (user_return.c) refuses a context the CPU must not be handed (and cleans
 * its RFLAGS), then swapgs and the one iretq to user mode, trap_iret_user.
 * Should that iretq itself fault (#NP, #SS, #GP: a bad selector or
 * address in the frame), the fault arrives at CPL 0 with the user's GS
 * already loaded: trap_common recognises it by its RIP and swaps GS back,
 * and trap_dispatch kills the process (user_return_faulted).  NMI, #DF and
 * #MC take trap_paranoid instead (below): they set the GS base themselves.
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

trap_common:
	PUSH_GPRS
	cmpq $T_NMI, TF_VECTOR(%rsp)
	je trap_paranoid
	cmpq $T_DBLFLT, TF_VECTOR(%rsp)
	je trap_paranoid
	cmpq $T_MCHK, TF_VECTOR(%rsp)
	je trap_paranoid
	testb $3, TF_CS(%rsp)
	jnz 1f
	/* From CPL 0: the user's GS is live only if iretq to user faulted. */
	leaq trap_iret_user(%rip), %rax
	cmpq %rax, TF_RIP(%rsp)
	jne 2f
	cmpq $T_SEGNP, TF_VECTOR(%rsp)
	jb 2f
	cmpq $T_GPFLT, TF_VECTOR(%rsp)
	ja 2f
1:	swapgs
2:	cld
	movq %rsp, %rdi
	call trap_dispatch
	.globl trap_return
trap_return:
	testb $3, TF_CS(%rsp)
	jnz trap_return_user
	POP_GPRS
	addq $16, %rsp          /* vector and error code */
	iretq

/* Interrupts are off; the frame at %rsp goes to user mode. */
	.globl trap_return_user
trap_return_user:
	movq %rsp, %rdi
	call user_return_check  /* returns only if the frame may be loaded */
	swapgs
	POP_GPRS
	addq $16, %rsp
	.globl trap_iret_user
trap_iret_user:
	iretq

/*
 * NMI, #DF and #MC (their own IST stacks) can arrive anywhere, also between
 * a swapgs and the iretq or syscall next to it, where CS says kernel but
 * the GS base is the user's (with CR4.FSGSBASE, any canonical value the
 * user chose).  So their GS base is not inferred: the word above their IST
 * frame holds this core's struct percpu (cpu.c), which becomes the GS base
 * for the handler; the base found on entry (kept in %r12, callee-saved)
 * goes back on the way out.  No swapgs, no user_return_check: the
 * interrupted context resumes as it was.
 */
#define MSR_GS_BASE       0xc0000101
#define TF_IST_PERCPU     0xb8          /* sizeof(struct hw_trapframe) + 8 */

trap_paranoid:
	movl $MSR_GS_BASE, %ecx
	rdmsr
	shlq $32, %rdx
	orq %rax, %rdx
	movq %rdx, %r12
	movq TF_IST_PERCPU(%rsp), %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	cld
	movq %rsp, %rdi
	call trap_dispatch
	movl $MSR_GS_BASE, %ecx
	movl %r12d, %eax
	movq %r12, %rdx
	shrq $32, %rdx
	wrmsr
	POP_GPRS
	addq $16, %rsp
	iretq
