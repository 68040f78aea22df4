/* SPDX-License-Identifier: MIT */
/*
 * lx_sigaltstack.c - sigaltstack and running a handler on that stack.
 *
 * Each thread has one alternate stack (struct lx_sig_thr.alt).  A handler
 * with SA_ONSTACK runs on it when one is set and the thread is not on it
 * already (nested signals stay where they are): lx_sig_on_stack switches
 * %rsp to its top (16-byte aligned), calls the handler's frame, and
 * switches back.  "On it" is Linux's test: the current stack pointer lies
 * in [ss_sp, ss_sp + ss_size).  sigaltstack's rules are Linux's: EPERM to
 * change it while on it, EINVAL for flags other than SS_DISABLE,
 * SS_ONSTACK (accepted and ignored, as Linux does) and SS_AUTODISARM
 * (the stack is disarmed while a handler runs on it), ENOMEM below
 * MINSIGSTKSZ (2048); the old value (SS_ONSTACK while on it, SS_DISABLE
 * when none) is written only on success.
 */
#include "lx_sig.h"

#define LX_SS_ONSTACK    1
#define LX_SS_DISABLE    2
#define LX_SS_AUTODISARM (1U << 31)
#define LX_MINSIGSTKSZ   2048

/* fn(arg) with %rsp = top (rdi arg, rsi fn, rdx top); a plain call. */
void lx_sig_on_stack(void *arg, void (*fn)(void *), uint64_t top);
__asm__(".text\n"
        ".globl lx_sig_on_stack\n"
        ".hidden lx_sig_on_stack\n"
        ".type lx_sig_on_stack, @function\n"
        "lx_sig_on_stack:\n"
        "	push %rbp\n"
        "	mov %rsp, %rbp\n"
        "	mov %rdx, %rsp\n"
        "	and $-16, %rsp\n"
        "	call *%rsi\n"
        "	mov %rbp, %rsp\n"
        "	pop %rbp\n"
        "	ret\n"
        ".size lx_sig_on_stack, . - lx_sig_on_stack\n");

static bool lx_sig_on_alt(const struct lx_stack *alt)
{
	uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);

	return alt->ss_size && sp - alt->ss_sp < alt->ss_size;
}

/* What sigaltstack reports: the stack, and its flags now. */
static struct lx_stack lx_sig_alt_now(const struct lx_stack *alt)
{
	struct lx_stack s = *alt;

	if (lx_sig_on_alt(alt))
		s.ss_flags = LX_SS_ONSTACK;
	else if (!alt->ss_size)
		s.ss_flags = LX_SS_DISABLE;
	return s;
}

void lx_sig_run_on_stack(unsigned long sa_flags, void (*fn)(void *), void *arg,
                         struct lx_stack *uc_stack)
{
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_stack alt = me->alt;

	*uc_stack = lx_sig_alt_now(&alt);
	if (!(sa_flags & LX_SA_ONSTACK) || !alt.ss_size || lx_sig_on_alt(&alt)) {
		fn(arg);
		return;
	}
	if (alt.ss_flags & (int32_t)LX_SS_AUTODISARM)
		me->alt = (struct lx_stack){ 0 };
	lx_sig_on_stack(arg, fn, alt.ss_sp + alt.ss_size);
	if (alt.ss_flags & (int32_t)LX_SS_AUTODISARM)
		me->alt = alt;
}

long lx_sigaltstack(const long *a)
{
	const struct lx_stack *ss = (const struct lx_stack *)a[0];
	struct lx_stack *old = (struct lx_stack *)a[1];
	struct lx_sig_thr *me = lx_sig_me();
	struct lx_stack now = lx_sig_alt_now(&me->alt);

	if (ss) {
		uint32_t mode = (uint32_t)ss->ss_flags & ~LX_SS_AUTODISARM;

		if (lx_sig_on_alt(&me->alt))
			return -LX_EPERM;
		if (mode != 0 && mode != LX_SS_DISABLE && mode != LX_SS_ONSTACK)
			return -LX_EINVAL;
		if (mode == LX_SS_DISABLE) {
			me->alt = (struct lx_stack){ 0 };
		} else {
			if (ss->ss_size < LX_MINSIGSTKSZ)
				return -LX_ENOMEM;
			if (ss->ss_sp + ss->ss_size < ss->ss_sp)
				return -LX_EINVAL;      /* wraps around */
			me->alt.ss_sp = ss->ss_sp;
			me->alt.ss_size = ss->ss_size;
			me->alt.ss_flags = (int32_t)((uint32_t)ss->ss_flags & LX_SS_AUTODISARM);
		}
	}
	if (old)
		*old = now;
	return 0;
}
