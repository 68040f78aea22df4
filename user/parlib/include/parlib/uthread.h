/* SPDX-License-Identifier: MIT */
/*
 * parlib/uthread.h - user threads, shaped for the MCP issue's 2LS.
 *
 * A uthread is a user context the second-level scheduler can save and
 * resume: its registers (struct user_context) and its TLS base.  Today the
 * only uthread is thread0, the program's main thread, statically allocated
 * and never switched away from: current_uthread() always returns it, and
 * the saved context is filled only by uthread_save_context() (callee-saved
 * registers, rsp, rip and the TLS base), which a future switch will use.
 * Fields: [o] written only by the owning vcore while the uthread is not
 * running elsewhere.
 */
#pragma once

#include <stdint.h>

struct syscall;

/* Callee-saved state of a uthread stopped at a call boundary (x86-64 SysV). */
struct user_context {
	uint64_t rbx, rbp, r12, r13, r14, r15;
	uint64_t rsp, rip;
	uint64_t fsbase;                /* TLS base (ARCH_SET_FS) */
};

#define UTHREAD_RUNNING  1
#define UTHREAD_BLOCKED  2
#define UTHREAD_DYING    3

struct uthread {
	struct user_context u_ctx;      /* [o] saved when not running */
	int state;                      /* [o] UTHREAD_* */
	uint32_t flags;                 /* [o] none defined yet */
	struct syscall *sysc;           /* [o] the call it blocks on, or NULL */
	void *tls_base;                 /* [o] its thread pointer */
	const char *name;               /* [o] for debugging */
};

/* The running uthread: &thread0 until the 2LS exists. */
struct uthread *current_uthread(void);

/* Fills ctx with the caller's callee-saved registers, rsp and rip. */
void uthread_save_context(struct user_context *ctx);
