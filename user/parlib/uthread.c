/* SPDX-License-Identifier: MIT */
/*
 * uthread.c - thread0, the only uthread for now (parlib/uthread.h).
 *
 * thread0 is the program's main thread.  It is never switched away from,
 * so its saved context is only what uthread_save_context() last wrote.
 */
#include <parlib/uthread.h>

static struct uthread thread0 = {
	.state = UTHREAD_RUNNING,
	.name = "thread0",
};

struct uthread *current_uthread(void)
{
	return &thread0;
}

void uthread_save_context(struct user_context *ctx)
{
	__asm__ volatile("movq %%rbx, 0(%0)\n\t"
	                 "movq %%rbp, 8(%0)\n\t"
	                 "movq %%r12, 16(%0)\n\t"
	                 "movq %%r13, 24(%0)\n\t"
	                 "movq %%r14, 32(%0)\n\t"
	                 "movq %%r15, 40(%0)\n\t"
	                 "movq %%rsp, 48(%0)\n\t"
	                 "leaq 1f(%%rip), %%rax\n\t"
	                 "movq %%rax, 56(%0)\n"
	                 "1:"
	                 :
	                 : "r"(ctx)
	                 : "rax", "memory");
	ctx->fsbase = (uint64_t)(uintptr_t)current_uthread()->tls_base;
}
