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
 * starts a context for the first time.  Every return is checked first
 * (user_return.c): a context that is not 64-bit user code at a canonical
 * user address is refused and the process killed; RFLAGS is cleaned.
 *
 * The rest of a user context lives in a struct user_ext: the x87/SSE state
 * (FXSAVE image) and the FS/GS bases.  The kernel never touches the FPU
 * (-mno-sse) and never changes FS, so that state stays live in the CPU while
 * the process's kthread runs kernel code; it is saved only when a kthread
 * that owns a user_ext switches out, and restored when one switches in
 * (arch_kthread_switch_space).  Exactly one kthread owns a process's
 * user_ext at a time: the one that will return to user mode.  To hand the
 * context to another kthread, user_ext_save() the live state first.
 */
#pragma once

#include <arch/trap.h>
#include <types.h>

#define T_SYSCALL 0x80          /* the vector number syscall frames carry */

void arch_user_init_core(void); /* syscall MSRs, FPU/SSE; every core, at boot */

struct user_ext {
	uint8_t fx[512] __attribute__((aligned(16)));   /* FXSAVE64 image */
	uint64_t fs_base;
	uint64_t gs_base;               /* user GS (KERNEL_GS_BASE in the kernel) */
};

void user_ext_init(struct user_ext *ux);        /* FPU defaults, bases 0 */
void user_ext_save(struct user_ext *ux);        /* live CPU state -> ux */
void user_ext_load(const struct user_ext *ux);  /* ux -> CPU */
/* SYS_set_fsbase: a canonical user address, else false. */
bool user_set_fs_base(struct user_ext *ux, uint64_t base);

/* A fresh user context: entry point and stack pointer, interrupts on. */
void user_ctx_init(struct hw_trapframe *tf, uintptr_t entry, uintptr_t sp);

/* Loads tf (on the current kthread's stack) and enters user mode. */
void user_ctx_pop(struct hw_trapframe *tf) __noreturn;

/* user_return.c: the rules trap_return applies before iretq to user mode.
 * user_ctx_refused() writes why into why[len] and returns true for a frame
 * that may not be loaded; user_rflags_clean() is the RFLAGS that may. */
bool user_ctx_refused(const struct hw_trapframe *tf, char *why, size_t len);
uint64_t user_rflags_clean(uint64_t rflags);
/* A #NP/#SS/#GP raised by trap_return's iretq to user mode (kernel CS). */
bool tf_is_user_return_fault(const struct hw_trapframe *tf);
void user_return_faulted(struct hw_trapframe *tf) __noreturn;

/* Called by syscall_entry.S with interrupts on. */
void syscall_entry_c(struct hw_trapframe *tf);

/*
 * Implemented by the process layer (kern/src/proc/fault.c): an exception from
 * user mode (interrupts on; may end the process), and a kernel uaccess
 * fault at a user address (interrupts off: true if the page could be
 * faulted in without sleeping, so the access may be retried).
 */
void user_exception(struct hw_trapframe *tf);
/* Every trap from user mode ends here before it returns (interrupts on):
 * a kill or an expired time slice is acted on (proc/scp_sched.c).  It
 * returns with interrupts off. */
void user_before_return(struct hw_trapframe *tf);
bool user_demand_fault(struct hw_trapframe *tf, uintptr_t addr);
/* Ends the current process (interrupts on): prints "proc N (name): why;
 * killed" and exits it as killed. */
void user_kill(const char *why) __noreturn;
