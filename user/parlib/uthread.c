/* SPDX-License-Identifier: MIT */
/*
 * uthread.c - thread0, the only uthread for now, and switching between it
 * and vcore context (parlib/uthread.h).
 *
 * uthread_yield() disables notifications on its vcore (so it cannot be
 * moved meanwhile), saves the callee-saved registers, rsp, rip, rflags and
 * the FPU state into thread0 (uthread_save_switch), and calls
 * uthread_yielded() on the vcore's stack: thread0 becomes runnable and
 * vcore context goes on (vcore_continue).  Popping thread0 returns from
 * uthread_yield with notifications enabled.
 */
#include <stddef.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>

static struct uthread thread0 = {
	.state = UTHREAD_RUNNING,
	.name = "thread0",
};

struct uthread *current_uthread(void)
{
	return &thread0;
}

bool uthread_claim(struct uthread *u)
{
	int expected = UTHREAD_RUNNABLE;

	return __atomic_compare_exchange_n(&u->state, &expected, UTHREAD_RUNNING, false,
	                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

void uthread_run(struct uthread *u, uint32_t vcoreid)
{
	u->vcoreid = vcoreid;
	vcore_set_current(vcoreid, u);
	vcore_pop_ctx(&u->ctx, u->fpu_saved ? u->fx : NULL, vcoreid);
}

/* On vcore v's stack, thread0 saved: it may run anywhere now. */
static void uthread_yielded(void) __attribute__((noreturn, used));
static void uthread_yielded(void)
{
	uint32_t v = vcore_id();

	thread0.fpu_saved = true;
	vcore_set_current(v, NULL);
	__atomic_store_n(&thread0.state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
	vcore_continue(v);
}

/* uthread_save_switch(ctx, fx, stack_top): saves the caller as a context
 * that returns from this call, then runs uthread_yielded on stack_top. */
void uthread_save_switch(struct hw_user_ctx *ctx, uint8_t *fx, uintptr_t stack_top);
_Static_assert(HWC_RBX == 8 && HWC_RBP == 48 && HWC_R12 == 88 && HWC_RSP == 128,
               "uthread_save_switch's offsets");
__asm__(".text\n"
	".globl uthread_save_switch\n"
	".type uthread_save_switch, @function\n"
	"uthread_save_switch:\n"
	"	mov %rbx, 8(%rdi)\n"
	"	mov %rbp, 48(%rdi)\n"
	"	mov %r12, 88(%rdi)\n"
	"	mov %r13, 96(%rdi)\n"
	"	mov %r14, 104(%rdi)\n"
	"	mov %r15, 112(%rdi)\n"
	"	lea 8(%rsp), %rax\n"
	"	mov %rax, 128(%rdi)\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, 120(%rdi)\n"
	"	pushfq\n"
	"	pop %rax\n"
	"	mov %rax, 136(%rdi)\n"
	"	fxsave64 (%rsi)\n"
	"	mov %rdx, %rsp\n"
	"	call uthread_yielded\n"
	"	ud2\n"
	".size uthread_save_switch, . - uthread_save_switch\n");

void uthread_yield(void)
{
	struct procdata *pd = (struct procdata *)UDATA;
	uint32_t v;

	if (!in_multi_mode() || in_vcore_context())
		return;
	v = vcore_id();
	__atomic_store_n(&pd->vcpd[v].notif_disabled, 1, __ATOMIC_SEQ_CST);
	uthread_save_switch(&thread0.ctx, thread0.fx, vcore_stack_top(v));
}
