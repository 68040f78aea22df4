/* SPDX-License-Identifier: MIT */
/*
 * vcore_pop.c - leaving vcore context for a saved user context
 * (vcore_pop_ctx, parlib/vcore.h), with no notification lost between the
 * re-enable and the jump.
 *
 * vcore_pop_raw(ctx, &vcpd->notif_disabled, fx) restores the FXSAVE image
 * (if any), writes rip, rflags and rax below the context's red zone on its
 * own stack, loads every other register, and only then clears
 * notif_disabled and looks at notif_pending.  From that instant every
 * instruction left only finishes restoring the context (pop rax, popfq,
 * ret $128), so a notification that interrupts it saves a context that,
 * popped later, finishes the same way.  If notif_pending was already set,
 * it traps with an empty batch (rcx, r11, rdi and rsi kept on the stack):
 * the kernel delivers the notification on its way back (vcore_notify.c),
 * saving exactly that state.  This is the only other `syscall` instruction
 * in user space besides ros_syscall_trap (syscall_wait.c).
 *
 * Offsets are ros/vcore_ctx.h's HWC_*; the stack frame it builds at
 * S = rsp - 152: S rax, S+8 rflags, S+16 rip.
 */
#include <parlib/vcore.h>
#include <ros/procdata.h>

_Static_assert(HWC_RSP == 128 && HWC_RIP == 120 && HWC_RFLAGS == 136 && HWC_RDI == 40,
               "vcore_pop_raw's offsets");

__asm__(".text\n"
	".globl vcore_pop_raw\n"
	".type vcore_pop_raw, @function\n"
	"vcore_pop_raw:\n"
	"	test %rdx, %rdx\n"
	"	jz 1f\n"
	"	fxrstor64 (%rdx)\n"
	"1:	mov 128(%rdi), %rax\n"
	"	sub $152, %rax\n"
	"	mov 120(%rdi), %rcx\n"
	"	mov %rcx, 16(%rax)\n"
	"	mov 136(%rdi), %rcx\n"
	"	mov %rcx, 8(%rax)\n"
	"	mov 0(%rdi), %rcx\n"
	"	mov %rcx, 0(%rax)\n"
	"	mov %rax, %rsp\n"
	"	mov %rsi, %rax\n"
	"	mov 8(%rdi), %rbx\n"
	"	mov 16(%rdi), %rcx\n"
	"	mov 24(%rdi), %rdx\n"
	"	mov 32(%rdi), %rsi\n"
	"	mov 48(%rdi), %rbp\n"
	"	mov 56(%rdi), %r8\n"
	"	mov 64(%rdi), %r9\n"
	"	mov 72(%rdi), %r10\n"
	"	mov 80(%rdi), %r11\n"
	"	mov 88(%rdi), %r12\n"
	"	mov 96(%rdi), %r13\n"
	"	mov 104(%rdi), %r14\n"
	"	mov 112(%rdi), %r15\n"
	"	mov 40(%rdi), %rdi\n"
	"	movb $0, (%rax)\n"
	"	cmpb $0, 1(%rax)\n"
	"	jne 3f\n"
	"2:	pop %rax\n"
	"	popfq\n"
	"	ret $128\n"
	"3:	push %rdi\n"
	"	push %rsi\n"
	"	push %rcx\n"
	"	push %r11\n"
	"	xor %edi, %edi\n"
	"	xor %esi, %esi\n"
	"	syscall\n"
	"	pop %r11\n"
	"	pop %rcx\n"
	"	pop %rsi\n"
	"	pop %rdi\n"
	"	jmp 2b\n"
	".size vcore_pop_raw, . - vcore_pop_raw\n");

void vcore_pop_ctx(const struct hw_user_ctx *ctx, const void *fx, uint32_t vcoreid)
{
	struct procdata *pd = (struct procdata *)UDATA;

	vcore_set_fs_base(ctx->fs_base);
	vcore_pop_raw(ctx, &pd->vcpd[vcoreid].notif_disabled, fx);
}
