/* SPDX-License-Identifier: MIT */
/*
 * arch/trapframe_asm.h - for .S files only: PUSH_GPRS pushes the general
 * registers in the order struct hw_trapframe (arch/trap.h) lays them out,
 * rax ending lowest; trapentry.S and syscall_entry.S both build their frames
 * with it, and trap_return pops them in the reverse order.
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
