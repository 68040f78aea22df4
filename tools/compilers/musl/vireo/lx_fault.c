/* SPDX-License-Identifier: MIT */
/*
 * lx_fault.c - a program's faults as signals (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGTRAP) with si_addr and a ucontext, as on Linux.
 *
 * The path.  lx_fault_start() (the first system call) asks the kernel to
 * reflect this SCP's faults (parlib's vcore_scp_faults: VC_SCP_FAULTS in
 * VCPD 0); an MCP's uthread faults are reflected anyway.  Either way the
 * kernel saves the faulting context in the VCPD and enters vcore_entry,
 * which hands the uthread and the fault to vcore_refl_fault_hook:
 * lx_fault_hook, in vcore context (another stack and FS base: no TLS, no C
 * library calls, no system call but the one that ends the process).  It
 * builds a frame on the uthread's own stack below the red zone - a Linux
 * siginfo_t and ucontext_t (uc_mcontext.gregs from the saved registers,
 * fpregs pointing at the saved FXSAVE image, uc_sigmask filled later) -
 * and points the uthread at lx_fault_run(frame) with a clean FPU state;
 * vcore context then runs it again.
 *
 * lx_fault_run, back in the uthread with its own TLS, acts as the kernel
 * acts on Linux for a fault: if the signal is blocked, ignored or at
 * SIG_DFL the process ends "killed by signal N" (PROC_EXIT_SIGNALED: the
 * parent's WTERMSIG is N); so does a fault inside the handler (its signal
 * is blocked meanwhile, unless SA_NODEFER).  Otherwise the handler runs with
 * sa_mask and the signal blocked (SA_RESETHAND, SA_ONSTACK honoured): both
 * are the signal layer's lx_sig_deliver_sync (lx_sig_deliver.c), so its
 * state is the only state.  When it returns, the mask saved in uc_sigmask
 * is set again and the context in uc_mcontext - changed or not - is resumed in
 * user mode (vcore_pop_raw with a private flag pair): a handler may fix the
 * cause and return, change rip/registers, or longjmp/siglongjmp out.  The
 * kernel never takes that context back, so a bad one only faults again.
 *
 * A fault whose address is where the frame would go (a stack overflow)
 * ends the process with SIGSEGV at once: there is no alternate stack here.
 * Programs without the C library keep the kernel's default (killed).
 */
#include <string.h>
#include <parlib/uthread.h>
#include <parlib/vcore.h>
#include <ros/procdata.h>
#include <ros/syscall.h>
#include "lx.h"
#include "lx_fault.h"

_Static_assert(LX_FAULT_BEYOND_EOF == VC_REFL_BEYOND_EOF, "the kernel's beyond-EOF bit");

#define LX_NGREG     23
#define LX_REG_R8     0
#define LX_REG_RDI    8
#define LX_REG_RSI    9
#define LX_REG_RBP   10
#define LX_REG_RBX   11
#define LX_REG_RDX   12
#define LX_REG_RAX   13
#define LX_REG_RCX   14
#define LX_REG_RSP   15
#define LX_REG_RIP   16
#define LX_REG_EFL   17
#define LX_REG_CSGSFS 18
#define LX_REG_ERR   19
#define LX_REG_TRAPNO 20
#define LX_REG_CR2   22

#define LX_USER_CS   0x2bUL             /* Vireo's user code and stack selectors */
#define LX_USER_SS   0x23UL
#define LX_RED_ZONE  128
#define LX_FRAME_GAP 256                /* room vcore_pop_raw writes below rsp */
#define LX_RFLAGS_CLEAR (0x100UL | 0x400UL | 0x40000UL)        /* TF, DF, AC */

_Static_assert(sizeof(struct lx_ucontext) == 936, "ucontext_t");
_Static_assert(__builtin_offsetof(struct lx_ucontext, gregs) == 40, "uc_mcontext.gregs");
_Static_assert(__builtin_offsetof(struct lx_ucontext, uc_sigmask) == 296, "uc_sigmask");
_Static_assert(__builtin_offsetof(struct lx_siginfo, si_addr) == 16, "siginfo_t's si_addr");

struct lx_fault_frame {
	struct lx_ucontext uc;
	struct lx_siginfo info;
	volatile uint8_t notif[2];      /* vcore_pop_raw's flag pair: {1, 0} */
	uint8_t fx[FXSAVE_SIZE] __attribute__((aligned(64)));
} __attribute__((aligned(64)));

static void lx_fault_run(struct lx_fault_frame *f) __attribute__((noreturn, used));

/* Ends the process as killed by sig; safe in vcore context. */
static void __attribute__((noreturn)) lx_fault_die(int sig)
{
	struct syscall sc = { .num = SYS_proc_destroy, .arg0 = 0,
	                      .arg1 = PROC_EXIT_SIGNALED | ((uint64_t)sig & 0x7f) };

	for (;;)
		ros_syscall_run(&sc);
}

/* A clean FPU, as after FNINIT with every SSE exception masked. */
static void lx_fault_fpu_clean(uint8_t *fx)
{
	memset(fx, 0, FXSAVE_SIZE);
	fx[0] = 0x7f;
	fx[1] = 0x03;
	fx[24] = 0x80;
	fx[25] = 0x1f;
}

/* The unmasked x87 (#MF) or SIMD (#XM) exception flags of an image. */
static uint32_t lx_fault_fp_status(uint32_t trap, const uint8_t *fx)
{
	uint32_t fcw = fx[0] | (uint32_t)fx[1] << 8, fsw = fx[2] | (uint32_t)fx[3] << 8;
	uint32_t mxcsr;

	memcpy(&mxcsr, fx + 24, sizeof(mxcsr));
	if (trap == 19)
		return mxcsr & ~(mxcsr >> 7) & 0x3f;
	return fsw & ~fcw & 0x3f;
}

static void lx_fault_fill_gregs(uint64_t *g, const struct hw_user_ctx *c,
                                const struct vcpd_refl_fault *rf)
{
	const uint64_t r8_15[8] = { c->r8, c->r9, c->r10, c->r11, c->r12, c->r13, c->r14, c->r15 };

	memcpy(&g[LX_REG_R8], r8_15, sizeof(r8_15));
	g[LX_REG_RDI] = c->rdi;
	g[LX_REG_RSI] = c->rsi;
	g[LX_REG_RBP] = c->rbp;
	g[LX_REG_RBX] = c->rbx;
	g[LX_REG_RDX] = c->rdx;
	g[LX_REG_RAX] = c->rax;
	g[LX_REG_RCX] = c->rcx;
	g[LX_REG_RSP] = c->rsp;
	g[LX_REG_RIP] = c->rip;
	g[LX_REG_EFL] = c->rflags;
	g[LX_REG_CSGSFS] = LX_USER_CS | LX_USER_SS << 48;
	g[LX_REG_ERR] = rf->err & ~LX_FAULT_BEYOND_EOF;
	g[LX_REG_TRAPNO] = rf->trap;
	g[LX_REG_CR2] = rf->trap == 14 ? rf->addr : 0;
}

/* vcore_refl_fault_hook, in vcore context: u faulted as rf says. */
static void lx_fault_hook(struct uthread *u, const struct vcpd_refl_fault *rf)
{
	uintptr_t sp = u->ctx.rsp - LX_RED_ZONE - LX_FRAME_GAP - sizeof(struct lx_fault_frame);
	struct lx_fault_frame *f = (struct lx_fault_frame *)(sp & ~(uintptr_t)63);
	struct lx_fault_in in = { .trap = rf->trap, .err = rf->err, .addr = rf->addr,
	                          .rip = u->ctx.rip };
	struct lx_fault_sig s;

	if (u->fpu_saved)
		in.fp_status = lx_fault_fp_status(rf->trap, u->fx);
	lx_fault_classify(&in, &s);
	/* No room for the frame: the stack itself is what faulted. */
	if (rf->trap == 14 && rf->addr >= (uintptr_t)f - 4096 && rf->addr < u->ctx.rsp + 4096)
		lx_fault_die(s.sig);
	memset(f, 0, sizeof(*f));
	f->info.si_signo = s.sig;
	f->info.si_code = s.code;
	f->info.si_addr = s.addr;
	lx_fault_fill_gregs(f->uc.gregs, &u->ctx, rf);
	if (u->fpu_saved)
		memcpy(f->fx, u->fx, FXSAVE_SIZE);
	else
		lx_fault_fpu_clean(f->fx);
	f->uc.fpregs = (uintptr_t)f->fx;
	lx_fault_fpu_clean(u->fx);
	u->fpu_saved = true;
	/* As if lx_fault_run(f) were called: a zero return address. */
	*(uint64_t *)((uintptr_t)f - 8) = 0;
	u->ctx.rsp = (uintptr_t)f - 8;
	u->ctx.rip = (uintptr_t)lx_fault_run;
	u->ctx.rdi = (uintptr_t)f;
	u->ctx.rbp = 0;
	u->ctx.rflags &= ~LX_RFLAGS_CLEAR;
	__atomic_store_n(&u->state, UTHREAD_RUNNABLE, __ATOMIC_RELEASE);
}

/* The context in uc_mcontext, resumed in user mode. */
static void __attribute__((noreturn)) lx_fault_resume(struct lx_fault_frame *f)
{
	const uint64_t *g = f->uc.gregs;
	struct hw_user_ctx c = {
		.rax = g[LX_REG_RAX], .rbx = g[LX_REG_RBX], .rcx = g[LX_REG_RCX],
		.rdx = g[LX_REG_RDX], .rsi = g[LX_REG_RSI], .rdi = g[LX_REG_RDI],
		.rbp = g[LX_REG_RBP], .r8 = g[0], .r9 = g[1], .r10 = g[2], .r11 = g[3],
		.r12 = g[4], .r13 = g[5], .r14 = g[6], .r15 = g[7],
		.rip = g[LX_REG_RIP], .rsp = g[LX_REG_RSP], .rflags = g[LX_REG_EFL],
	};

	f->notif[0] = 1;
	f->notif[1] = 0;
	vcore_pop_raw(&c, f->notif, (const void *)(uintptr_t)f->uc.fpregs);
}

static void lx_fault_run(struct lx_fault_frame *f)
{
	/* The handler runs (and returns), or the process ends: blocked,
	 * ignored and default all kill, since no fault signal is ignored by
	 * default. */
	lx_sig_deliver_sync(&f->info, &f->uc);
	lx_fault_resume(f);
}

void lx_fault_start(void)
{
	vcore_refl_fault_hook = lx_fault_hook;
	vcore_scp_faults();             /* no memory for the stacks: killed as before */
}
