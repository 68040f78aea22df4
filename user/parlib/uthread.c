/* SPDX-License-Identifier: MIT */
/*
 * uthread.c - uthreads and switching between them and vcore context
 * (parlib/uthread.h): thread0, new uthreads' first context, the yield that
 * every block, exit and plain yield goes through, the direct switch to the
 * next uthread, and the hook into the installed 2LS (struct schedule_ops).
 *
 * uthread_yield() marks the uthread DONT_MIGRATE, disables notifications
 * on its vcore (so it cannot be moved meanwhile), saves what a call keeps
 * (rbx, rbp, r12-r15, rsp, rip, MXCSR and the x87 control word: a "light"
 * context, uthread_save_switch), and calls uthread_yielded() on the
 * vcore's stack: there the uthread is off the vcore, its yield callback
 * runs (or, without one, it is runnable again).  Then the direct switch:
 * with no notification pending, the 2LS's thread_next picks the uthread to
 * run and it is popped at once (uthread_run), without vcore_entry's event
 * handling and sched_entry; every UTH_DIRECT_MAX-th time, or when the 2LS
 * has nothing, vcore context goes on as before (vcore_continue).  Popping a
 * uthread returns from its uthread_yield with notifications enabled.
 *
 * The switch keeps the notification protocol's invariants: notifications
 * stay off on the vcore from uth_notifs_off to the pop, so a preemption
 * anywhere in between saves vcore context (VC_VCCTX_SAVED) that only the
 * vcore's own restart resumes, with vcore_current_of(v) naming the uthread
 * it has in hand (none while the callback runs, the next one from
 * uthread_run on: a stuck vcore others help, mcp.md).  A light pop loads
 * FS base and the FPU control words first, then the registers, and only
 * then clears notif_disabled and looks at notif_pending (trapping with an
 * empty batch to take it), as vcore_pop_raw does: what is left after the
 * re-enable is vcore-independent, so a uthread interrupted there is saved
 * whole and may be stolen.  A context the kernel saved (a notification, a
 * preemption) is full and goes through vcore_pop_ctx.
 *
 * Freestanding: the test programs of user/tiny link this file (they have
 * no 2LS and no TLS, so thread0 is their only uthread); the C library's
 * libparlib.a adds the FIFO 2LS (uth_fifo.c) and the futex (futex.c).
 */
#include <stddef.h>
#include <ros/errno.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>

static struct uthread thread0 = {
	.state = UTHREAD_RUNNING,
	.name = "thread0",
};

const struct schedule_ops *sched_ops;
struct uthread *(*uthread_self_hook)(void);
bool (*uthread_wait_hook)(struct uthread *u);

bool uthread_wait_interrupted(struct uthread *u)
{
	bool (*hook)(struct uthread *) = __atomic_load_n(&uthread_wait_hook, __ATOMIC_ACQUIRE);

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return hook && hook(u);
}
static bool uth_on_scp;                 /* the 2LS runs inside an SCP */

static struct procdata *const uth_pd = (struct procdata *)UDATA;

struct uthread *current_uthread(void)
{
	if (!uthread_self_hook && !sched_ops)
		return &thread0;        /* the only uthread, from either context */
	if (in_vcore_context())
		return vcore_current_of(vcore_id());
	if (uthread_self_hook)
		return uthread_self_hook();
	return &thread0;
}

bool uthread_claim(struct uthread *u)
{
	int expected = UTHREAD_RUNNABLE;

	return __atomic_compare_exchange_n(&u->state, &expected, UTHREAD_RUNNING, false,
	                                   __ATOMIC_ACQUIRE, __ATOMIC_RELAXED);
}

/* uthread_pop_light(ctx, &vcpd->notif_disabled): loads a light context's
 * registers, re-enables notifications, takes one that is pending (an
 * empty-batch trap: the kernel delivers it on the way back, saving this
 * point, where only the jump to rip is left) and jumps to rip. */
void uthread_pop_light(const struct hw_user_ctx *ctx, uint8_t *notif_disabled)
	__attribute__((noreturn));
__asm__(".text\n"
	".globl uthread_pop_light\n"
	".type uthread_pop_light, @function\n"
	"uthread_pop_light:\n"
	"	mov 8(%rdi), %rbx\n"
	"	mov 48(%rdi), %rbp\n"
	"	mov 88(%rdi), %r12\n"
	"	mov 96(%rdi), %r13\n"
	"	mov 104(%rdi), %r14\n"
	"	mov 112(%rdi), %r15\n"
	"	mov 120(%rdi), %rcx\n"
	"	mov 128(%rdi), %rsp\n"
	"	movb $0, (%rsi)\n"
	"	cmpb $0, 1(%rsi)\n"
	"	jne 1f\n"
	"	jmp *%rcx\n"
	"1:	push %rcx\n"
	"	xor %edi, %edi\n"
	"	xor %esi, %esi\n"
	"	syscall\n"
	"	pop %rcx\n"
	"	jmp *%rcx\n"
	".size uthread_pop_light, . - uthread_pop_light\n");

void uthread_run(struct uthread *u, uint32_t vcoreid)
{
	__atomic_store_n(&u->run_tsc, __builtin_ia32_rdtsc(), __ATOMIC_RELEASE);
	u->vcoreid = vcoreid;
	vcore_set_current(vcoreid, u);
	if (!u->ctx_light)
		vcore_pop_ctx(&u->ctx, u->fpu_saved ? u->fx : NULL, vcoreid);
	/* The x87 stack empty (as at any call), the control words its own. */
	__asm__ volatile("fninit\n\tfldcw %0\n\tldmxcsr %1" : : "m"(u->fcw), "m"(u->mxcsr));
	vcore_set_fs_base(u->ctx.fs_base);
	uthread_pop_light(&u->ctx, &uth_pd->vcpd[vcoreid].notif_disabled);
}

int uthread_lib_init(const struct schedule_ops *ops)
{
	int ret;

	if (sched_ops)
		return 0;
	ret = vcore_change_to_m();
	if (ret == -EBUSY && !(ret = vcore_scp_setup()))
		uth_on_scp = true;      /* no core: the 2LS runs in this SCP */
	if (ret)
		return ret;
	__atomic_store_n(&sched_ops, ops, __ATOMIC_RELEASE);
	return 0;
}

bool uthread_on_scp(void)
{
	return uth_on_scp;
}

/* Whether uthreads switch through vcore context: an MCP, or a 2LS on an
 * SCP. */
static bool uth_switching(void)
{
	return in_multi_mode() || uth_on_scp;
}

void uthread_vcore_schedule(uint32_t vcoreid)
{
	const struct schedule_ops *ops = __atomic_load_n(&sched_ops, __ATOMIC_ACQUIRE);
	struct uthread *u;

	if (ops)
		ops->sched_entry(vcoreid);
	if ((u = vcore_current_of(vcoreid)))
		uthread_run(u, vcoreid);        /* interrupted: run it again */
	if (uthread_claim(&thread0))
		uthread_run(&thread0, vcoreid);
}

/* ------------------------------------------------------------ new ones */

/* A new uthread's first code: r12 = arg, r13 = entry; rsp 16-aligned. */
void uthread_start(void);
__asm__(".text\n"
	".globl uthread_start\n"
	".type uthread_start, @function\n"
	"uthread_start:\n"
	"	mov %r12, %rdi\n"
	"	call *%r13\n"
	"	call uthread_exit\n"
	"	ud2\n"
	".size uthread_start, . - uthread_start\n");

void uthread_init(struct uthread *u, void (*entry)(void *), void *arg, void *stack_top,
                  void *tls)
{
	uint8_t *fx = u->fx;

	__builtin_memset(u, 0, sizeof(*u));
	u->ctx.rip = (uintptr_t)uthread_start;
	u->ctx.rsp = (uintptr_t)stack_top & ~(uintptr_t)15;
	u->ctx.r12 = (uintptr_t)arg;
	u->ctx.r13 = (uintptr_t)entry;
	u->ctx.rflags = 0x202;
	u->ctx.fs_base = (uintptr_t)tls;
	u->tls_base = tls;
	/* A clean FPU: x87 control word 0x37f, MXCSR 0x1f80 (every exception
	 * masked), as after FNINIT and at process start. */
	fx[0] = 0x7f;
	fx[1] = 0x03;
	fx[24] = 0x80;
	fx[25] = 0x1f;
	u->fpu_saved = true;
	u->fcw = 0x37f;
	u->mxcsr = 0x1f80;
	u->ctx_light = true;            /* entry's registers are r12, r13, rsp */
	u->state = UTHREAD_BLOCKED;
}

void uthread_runnable(struct uthread *u)
{
	const struct schedule_ops *ops = __atomic_load_n(&sched_ops, __ATOMIC_ACQUIRE);

	if (ops) {
		ops->thread_runnable(u);
		return;
	}
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
}

/* ------------------------------------------------------------ CPU time */

/* Vcore context: u stopped running (a yield, or the kernel interrupted
 * it): its current run joins cpu_tsc and run_tsc is 0 (not running).
 * Readers retry while cpu_tsc moves (uthread_cpu_tsc). */
void uthread_cpu_stop(struct uthread *u)
{
	uint64_t since = __atomic_load_n(&u->run_tsc, __ATOMIC_RELAXED), now;

	if (!since)
		return;
	now = __builtin_ia32_rdtsc();
	__atomic_store_n(&u->run_tsc, 0, __ATOMIC_RELEASE);
	__atomic_fetch_add(&u->cpu_tsc, now > since ? now - since : 0, __ATOMIC_RELEASE);
}

uint64_t uthread_cpu_tsc(struct uthread *u)
{
	uint64_t total, since, again;

	do {
		total = __atomic_load_n(&u->cpu_tsc, __ATOMIC_ACQUIRE);
		since = __atomic_load_n(&u->run_tsc, __ATOMIC_ACQUIRE);
		again = __atomic_load_n(&u->cpu_tsc, __ATOMIC_ACQUIRE);
	} while (total != again);
	if (since) {
		uint64_t now = __builtin_ia32_rdtsc();

		total += now > since ? now - since : 0;
	}
	return total;
}

/* ------------------------------------------------------------ yielding */

#define UTH_DIRECT_MAX 16         /* direct switches, then one through vcore_continue */
static uint8_t uth_direct_run[ROS_MAX_VCORES];   /* [v] direct switches in a row */

/* Vcore context, v's uthread just off it: runs the 2LS's next uthread at
 * once, or returns (no thread_next, a notification pending, the periodic
 * full pass that handles events, or nothing to run). */
static void uth_direct(uint32_t v)
{
	const struct schedule_ops *ops = __atomic_load_n(&sched_ops, __ATOMIC_ACQUIRE);
	struct uthread *next;

	if (!ops || !ops->thread_next || ++uth_direct_run[v] > UTH_DIRECT_MAX ||
	    __atomic_load_n(&uth_pd->vcpd[v].notif_pending, __ATOMIC_SEQ_CST)) {
		uth_direct_run[v] = 0;
		return;
	}
	if ((next = ops->thread_next(v)))
		uthread_run(next, v);
}

/* On vcore v's stack, u saved (or ending): u is off the vcore now. */
static void uthread_yielded(void) __attribute__((noreturn, used));
static void uthread_yielded(void)
{
	uint32_t v = vcore_id();
	struct uthread *u = vcore_current_of(v);
	uthread_yield_fn fn = u->yield_fn;

	uthread_cpu_stop(u);
	vcore_set_current(v, NULL);
	if (fn) {
		__atomic_store_n(&u->state, UTHREAD_BLOCKED, __ATOMIC_RELAXED);
		fn(u, u->yield_arg);
	} else {
		uthread_runnable(u);
	}
	uth_direct(v);
	vcore_continue(v);
}

/* uthread_save_switch(ctx, &u->mxcsr, stack_top): saves the caller as a
 * light context that returns from this call (the callee-saved registers,
 * rsp, rip, MXCSR and the x87 control word at mxcsr + 4), then runs
 * uthread_yielded on stack_top.  uthread_switch(stack_top) only switches
 * (the caller never resumes). */
void uthread_save_switch(struct hw_user_ctx *ctx, uint32_t *mxcsr, uintptr_t stack_top);
void uthread_switch(uintptr_t stack_top) __attribute__((noreturn));
_Static_assert(HWC_RBX == 8 && HWC_RBP == 48 && HWC_R12 == 88 && HWC_RSP == 128 &&
               HWC_RIP == 120, "uthread_save_switch's and uthread_pop_light's offsets");
_Static_assert(__builtin_offsetof(struct uthread, fcw) ==
               __builtin_offsetof(struct uthread, mxcsr) + 4, "fcw at mxcsr + 4");
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
	"	stmxcsr (%rsi)\n"
	"	fnstcw 4(%rsi)\n"
	"	mov %rdx, %rsp\n"
	"	call uthread_yielded\n"
	"	ud2\n"
	".size uthread_save_switch, . - uthread_save_switch\n"
	".globl uthread_switch\n"
	".type uthread_switch, @function\n"
	"uthread_switch:\n"
	"	mov %rdi, %rsp\n"
	"	call uthread_yielded\n"
	"	ud2\n"
	".size uthread_switch, . - uthread_switch\n");

/* Disables notifications on the caller's vcore: DONT_MIGRATE first, so the
 * vcore read is still ours when the flag lands.  The vcore id. */
static uint32_t uth_notifs_off(struct uthread *u)
{
	uint32_t v;

	u->flags |= UTHREAD_DONT_MIGRATE;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	v = u->vcoreid;
	__atomic_store_n(&uth_pd->vcpd[v].notif_disabled, 1, __ATOMIC_SEQ_CST);
	u->flags &= ~UTHREAD_DONT_MIGRATE;
	return v;
}

/* In uthread context: the caller (current_uthread without its vcore
 * context check). */
static struct uthread *uth_self(void)
{
	struct uthread *(*hook)(void) = uthread_self_hook;

	return hook ? hook() : &thread0;
}

void uthread_yield(bool save_state, uthread_yield_fn fn, void *arg)
{
	struct uthread *u;
	uint32_t v;

	if (!uth_switching() || in_vcore_context())
		return;
	u = uth_self();
	v = uth_notifs_off(u);
	u->yield_fn = fn;
	u->yield_arg = arg;
	if (!save_state)
		uthread_switch(vcore_stack_top(v));
	u->ctx_light = true;            /* the switch saves what a call keeps */
	uthread_save_switch(&u->ctx, &u->mxcsr, vcore_stack_top(v));
}

static void uthread_exited(struct uthread *u, void *arg)
{
	(void)arg;
	__atomic_store_n(&u->state, UTHREAD_DYING, __ATOMIC_RELEASE);
	if (sched_ops)
		sched_ops->thread_exited(u);
}

void uthread_exit(void)
{
	uthread_yield(false, uthread_exited, NULL);
	for (;;)                        /* an SCP, or vcore context: no 2LS */
		__builtin_trap();
}

void uthread_after_fork(void)
{
	const char *name = thread0.name;

	__atomic_store_n(&sched_ops, NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&uthread_self_hook, NULL, __ATOMIC_RELEASE);
	uth_on_scp = false;
	__builtin_memset(&thread0, 0, sizeof(thread0));
	thread0.name = name;
	thread0.state = UTHREAD_RUNNING;
}

uint32_t uth_disable_notifs_vcoreid(void)
{
	struct uthread *u;

	if (!in_multi_mode())
		return 0;
	if (in_vcore_context())
		return vcore_id();
	u = uth_self();
	if (u->notif_depth++ == 0)
		return uth_notifs_off(u);
	return u->vcoreid;
}

void uth_disable_notifs(void)
{
	(void)uth_disable_notifs_vcoreid();
}

void uth_enable_notifs(void)
{
	struct uthread *u;
	struct vcpd *vcpd;

	if (!in_multi_mode() || in_vcore_context())
		return;
	u = uth_self();
	if (--u->notif_depth)
		return;
	vcpd = &uth_pd->vcpd[u->vcoreid];
	__atomic_store_n(&vcpd->notif_disabled, 0, __ATOMIC_SEQ_CST);
	/* A notification that came while they were off: take it now. */
	if (__atomic_load_n(&vcpd->notif_pending, __ATOMIC_SEQ_CST))
		uthread_yield(true, NULL, NULL);
}
