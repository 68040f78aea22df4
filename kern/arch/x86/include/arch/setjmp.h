/* SPDX-License-Identifier: MIT */
/*
 * arch/setjmp.h - the kernel's own setjmp/longjmp (setjmp.S), used only by
 * the error stacks of err.h.  A jmpbuf holds the callee-saved registers, the
 * stack pointer and the return address; nothing else survives a longjmp, so
 * locals changed between setjmp and longjmp must be volatile.
 */
#pragma once

#include <types.h>

struct jmpbuf {
	uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

int kj_setjmp(struct jmpbuf *jb) __attribute__((returns_twice));
void kj_longjmp(struct jmpbuf *jb, int val) __noreturn;
