/* SPDX-License-Identifier: MIT */
/*
 * user_return.c - the last look at a user context before iretq loads it,
 * and the recovery when that iretq faults anyway.
 *
 * Every return to user mode passes trap_return's user half (trapentry.S),
 * which calls user_return_check() with interrupts off on the frame it is
 * about to load, on the kthread that owns the process's user context.  The
 * rules (Documentation/security.md, "CPU state at the boundary"):
 *
 *  - CS is the 64-bit user code segment.  Vireo runs only 64-bit
 *    programs: a process caught in compatibility mode (by a syscall
 *    through MSR_CSTAR, int $0x80, an interrupt or a fault) is killed.
 *  - SS is the user data segment.
 *  - RIP is a canonical user address (below USER_LIMIT).  syscall after
 *    the last byte of the lower half would return to 0x0000800000000000;
 *    that page is never mapped (mm.h's guard page), and this rule holds
 *    even if it were.
 *  - RFLAGS keeps only the bits a program may set itself (arithmetic,
 *    TF, DF, AC, ID), with IF on and no IOPL, NT, RF or VM.
 *
 * A refused context kills the process with a console line saying why.
 * Should iretq fault all the same, trap_dispatch sees a #NP, #SS or #GP
 * at trap_iret_user in kernel mode and calls user_return_faulted(), which
 * kills the process too.  RSP is not checked: the user picks it, and a bad
 * one faults in user mode at its first use.
 */
#include <arch/irq.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <arch/user.h>
#include <arch/x86.h>
#include <assert.h>
#include <printk.h>
#include <ros/mmu64.h>

extern char trap_iret_user[];

/* What popf at CPL 3 may change, minus NT (iretq would #GP on it). */
#define RFLAGS_USER_BITS (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF | \
                          RFLAGS_TF | RFLAGS_DF | RFLAGS_OF | RFLAGS_AC | RFLAGS_ID)
#define RFLAGS_FIXED     (RFLAGS_IF | 0x2ul)

#define WHY_LEN 160

uint64_t user_rflags_clean(uint64_t rflags)
{
	return (rflags & RFLAGS_USER_BITS) | RFLAGS_FIXED;
}

bool user_ctx_refused(const struct hw_trapframe *tf, char *why, size_t len)
{
	if (tf->cs == (GD_UT32 | 3)) {
		snprintf(why, len, "32-bit code (cs %#lx, rip %#lx): Vireo runs only "
		         "64-bit programs", tf->cs, tf->rip);
		return true;
	}
	if (tf->cs != (GD_UT | 3)) {
		snprintf(why, len, "return to code segment %#lx refused", tf->cs);
		return true;
	}
	if (tf->ss != (GD_UD | 3)) {
		snprintf(why, len, "return with stack segment %#lx refused", tf->ss);
		return true;
	}
	if (tf->rip >= USER_LIMIT) {
		snprintf(why, len, "return to non-canonical or kernel address %#lx refused",
		         tf->rip);
		return true;
	}
	return false;
}

static void __noreturn user_return_refused(const struct hw_trapframe *tf)
{
	char why[WHY_LEN];

	if (!user_ctx_refused(tf, why, sizeof(why)))
		panic("user_return_refused: the frame is acceptable");
	irq_enable();
	user_kill(why);
}

/* The rules of user_ctx_refused in three compares (every return to user
 * mode comes here); the message is made only for a refused frame. */
void user_return_check(struct hw_trapframe *tf);
void user_return_check(struct hw_trapframe *tf)
{
	if (__builtin_expect(tf->cs != (GD_UT | 3) || tf->ss != (GD_UD | 3) ||
	                     tf->rip >= USER_LIMIT, 0))
		user_return_refused(tf);
	tf->rflags = user_rflags_clean(tf->rflags);
}

bool tf_is_user_return_fault(const struct hw_trapframe *tf)
{
	return !tf_from_user(tf) && tf->rip == (uintptr_t)trap_iret_user &&
	       tf->vector >= T_SEGNP && tf->vector <= T_GPFLT;
}

void user_return_faulted(struct hw_trapframe *tf)
{
	/* iretq faulted with %rsp at the frame's rip: the rest is above it. */
	const uint64_t *f = (const uint64_t *)tf->rsp;
	char why[WHY_LEN];

	snprintf(why, sizeof(why), "return to user mode faulted (vector %lu, error %#lx): "
	         "rip %#lx cs %#lx rflags %#lx rsp %#lx ss %#lx", tf->vector, tf->err,
	         f[0], f[1], f[2], f[3], f[4]);
	irq_enable();
	user_kill(why);
}
