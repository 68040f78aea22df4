/* SPDX-License-Identifier: MIT */
/*
 * arch/user.h - getting into and out of user mode on x86-64.
 *
 * A user context is a struct hw_trapframe (arch/trap.h) with CPL 3 code and
 * stack selectors.  Three ways lead back into the kernel, all building the
 * same frame on the running kthread's stack: interrupts and exceptions
 * (through the TSS's rsp0), and the syscall instruction (syscall_entry.S,
 * through percpu->kstack_top).  Both stack pointers are set on every kthread
 * switch to a kthread that runs user code (arch_kthread_switch_space), so a
 * trap from user mode always lands on its process's kthread.
 *
 * Returning to user mode goes through trap_return (iretq); user_ctx_pop()
 * starts a context for the first time.
 */
#pragma once

#include <arch/trap.h>
#include <types.h>

#define T_SYSCALL 0x80          /* the vector number syscall frames carry */

void arch_user_init_core(void); /* syscall MSRs; every core, at boot */

/* A fresh user context: entry point and stack pointer, interrupts on. */
void user_ctx_init(struct hw_trapframe *tf, uintptr_t entry, uintptr_t sp);

/* Loads tf (on the current kthread's stack) and enters user mode. */
void user_ctx_pop(struct hw_trapframe *tf) __noreturn;

/* Called by syscall_entry.S with interrupts on. */
void syscall_entry_c(struct hw_trapframe *tf);

/*
 * Implemented by the process layer (kern/src/process.c): an exception from
 * user mode (interrupts on; may end the process), and a kernel uaccess
 * fault at a user address (interrupts off: true if the page could be
 * faulted in without sleeping, so the access may be retried).
 */
void user_exception(struct hw_trapframe *tf);
bool user_demand_fault(struct hw_trapframe *tf, uintptr_t addr);
