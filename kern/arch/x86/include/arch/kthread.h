/* SPDX-License-Identifier: MIT */
/*
 * arch/kthread.h - the x86-64 half of a kthread context switch.
 *
 * A switched-out kthread is nothing but a stack pointer: kthread_switch
 * (kthread_switch.S) pushes the System V callee-saved registers (rbp, rbx,
 * r12-r15) on the old stack, stores %rsp, loads the new one and pops the
 * same registers, then returns into the new kthread.  Caller-saved
 * registers are dead across the call by the ABI, and the FPU is not used in
 * the kernel, so nothing else is saved.  Interrupts must be off across the
 * switch (kthread.c guarantees it); the GS base stays the core's, since a
 * kthread never changes cores.
 *
 * A new kthread's stack is prepared (arch_kthread_ctx_init) so that its
 * first switch-in "returns" into kthread_trampoline, which passes the
 * struct kthread (from r12) to kthread_entry() in kthread.c.
 */
#pragma once

#include <types.h>

struct kthread;

struct arch_kthread_ctx {
	uint64_t rsp;           /* saved stack pointer while switched out */
};

/* Saves the current context into *save_rsp and resumes the one at new_rsp. */
void kthread_switch(uint64_t *save_rsp, uint64_t new_rsp);
void kthread_trampoline(void);

/* Frame popped by kthread_switch, lowest address first. */
struct arch_kthread_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret;           /* kthread_trampoline */
	uint64_t fake_ret;      /* 0; %rsp is 16-byte aligned here at the call */
	uint64_t top_pad;
};

_Static_assert(sizeof(struct arch_kthread_frame) % 16 == 8,
               "after 'ret' the trampoline's %rsp must be 16-byte aligned");

static inline void arch_kthread_ctx_init(struct arch_kthread_ctx *ctx, void *stack_top,
                                         struct kthread *kt)
{
	struct arch_kthread_frame *f = (struct arch_kthread_frame *)stack_top - 1;

	*f = (struct arch_kthread_frame){
		.r12 = (uint64_t)kt,
		.ret = (uint64_t)kthread_trampoline,
	};
	ctx->rsp = (uint64_t)f;
}

struct user_ext;

/*
 * Called on every switch, interrupts off: saves the outgoing kthread's user
 * state (prev_ux, if it owns one), loads the next kthread's page tables
 * (cr3 0 means the kernel's) and, for a kthread that runs user code, its
 * user state and points syscall entry and the TSS at its stack
 * (arch/user.h).
 */
void arch_kthread_switch_space(struct user_ext *prev_ux, struct user_ext *next_ux,
                               uint64_t cr3, uintptr_t kstack_top);

