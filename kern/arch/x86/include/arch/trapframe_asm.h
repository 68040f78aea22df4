/* SPDX-License-Identifier: MIT */
/*
 * arch/trapframe_asm.h - for .S files only: PUSH_GPRS pushes the general
 * registers in the order struct hw_trapframe (arch/trap.h) lays them out,
 * rax ending lowest; trapentry.S and syscall_entry.S both build their frames
 * with it, and trap_return pops them in the reverse order (POP_GPRS).
 * TF_* are the frame's offsets the entry code reads (trap.c asserts them).
 */
#pragma once

.macro PUSH_GPRS
	pushq %r15
	pushq %r14
	pushq %r13
	pushq %r12
	pushq %r11
	pushq %r10
	pushq %r9
	pushq %r8
	pushq %rdi
	pushq %rsi
	pushq %rbp
	pushq %rdx
	pushq %rcx
	pushq %rbx
	pushq %rax
.endm

.macro POP_GPRS
	popq %rax
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
.endm

#define TF_VECTOR 0x78
#define TF_RIP    0x88
#define TF_CS     0x90
