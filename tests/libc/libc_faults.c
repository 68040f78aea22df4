/* SPDX-License-Identifier: MIT */
/*
 * libc_faults.c - faults as signals (Documentation/libc.md, "Faults"):
 * SIGSEGV (SEGV_MAPERR, SEGV_ACCERR), SIGBUS (BUS_ADRERR past the end of a
 * file mapping), SIGFPE (FPE_INTDIV), SIGILL (ILL_ILLOPN) and SIGTRAP
 * reach a handler with si_addr and a ucontext whose gregs hold the faulting
 * registers; a handler that changes the context and returns resumes the
 * changed context; one that siglongjmps out lands at its sigsetjmp; a
 * uthread of a threaded program gets its own fault.  Without a handler, at
 * SIG_IGN, blocked, after SA_RESETHAND, or faulting in its own handler, a
 * child ends killed by that signal (WTERMSIG).  Bad contexts handed back
 * (a non-canonical rip, an unmapped rsp, privileged flags) only fault
 * again in user mode.
 * Run by scripts/run-ktests.sh (run_utest libc_faults).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <ucontext.h>
#include <unistd.h>
#include <utest/utest.h>

#define LF_PAGE 4096

static sigjmp_buf lf_jb;
static volatile int lf_sig, lf_code, lf_count;
static volatile uintptr_t lf_addr;
static volatile greg_t lf_rip, lf_trapno, lf_err, lf_cr2;

/* A load from address a (hidden from the compiler's bounds checks). */
static void lf_load(uintptr_t a)
{
	volatile int *p;

	__asm__("" : "=r"(p) : "0"(a));
	(void)*p;
}

/* Records what the handler got. */
static void lf_note(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	lf_sig = sig;
	lf_code = si->si_code;
	lf_addr = (uintptr_t)si->si_addr;
	lf_rip = uc->uc_mcontext.gregs[REG_RIP];
	lf_trapno = uc->uc_mcontext.gregs[REG_TRAPNO];
	lf_err = uc->uc_mcontext.gregs[REG_ERR];
	lf_cr2 = uc->uc_mcontext.gregs[REG_CR2];
	lf_count++;
}

static void lf_jump_out(int sig, siginfo_t *si, void *uc)
{
	lf_note(sig, si, uc);
	siglongjmp(lf_jb, 1);
}

static void lf_install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = fn;
	sa.sa_flags = SA_SIGINFO | flags;
	UT_SYS(sigaction(sig, &sa, NULL));
}

static void lf_default(int sig)
{
	signal(sig, SIG_DFL);
}

static void lf_reset(void)
{
	lf_sig = lf_code = lf_count = 0;
	lf_addr = 0;
}

/* --------------------------------------------------------- to a handler */

UTEST(handler, segv_maperr_with_si_addr)
{
	lf_reset();
	lf_install(SIGSEGV, lf_jump_out, 0);
	if (!sigsetjmp(lf_jb, 1))
		lf_load(0x18);
	lf_default(SIGSEGV);
	UT_ASSERT_EQ(lf_count, 1);
	UT_ASSERT_EQ(lf_sig, SIGSEGV);
	UT_ASSERT_EQ(lf_code, SEGV_MAPERR);
	UT_ASSERT_EQ(lf_addr, 0x18);
	UT_ASSERT_EQ(lf_trapno, 14);
	UT_ASSERT_EQ(lf_cr2, 0x18);
	UT_ASSERT_EQ(lf_err & 4, 4);            /* a user-mode access */
}

UTEST(handler, segv_accerr_on_a_read_only_page)
{
	char *m = mmap(NULL, LF_PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT(m != MAP_FAILED);
	lf_reset();
	lf_install(SIGSEGV, lf_jump_out, 0);
	if (!sigsetjmp(lf_jb, 1)) {
		(void)*(volatile char *)m;      /* present now */
		*(volatile char *)(m + 5) = 1;
	}
	lf_default(SIGSEGV);
	UT_SYS(munmap(m, LF_PAGE));
	UT_ASSERT_EQ(lf_sig, SIGSEGV);
	UT_ASSERT_EQ(lf_code, SEGV_ACCERR);
	UT_ASSERT_EQ(lf_addr, (uintptr_t)m + 5);
	UT_ASSERT_EQ(lf_err & 3, 3);            /* present, write */
}

UTEST(handler, sigbus_beyond_end_of_file)
{
	int fd = UT_SYS(open("/tmp/lf_short", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char *m;

	UT_ASSERT_EQ(write(fd, "short", 5), 5);
	m = mmap(NULL, 2 * LF_PAGE, PROT_READ, MAP_SHARED, fd, 0);
	UT_ASSERT(m != MAP_FAILED);
	lf_reset();
	lf_install(SIGBUS, lf_jump_out, 0);
	if (!sigsetjmp(lf_jb, 1)) {
		UT_ASSERT_EQ(m[0], 's');        /* the file's page is there */
		(void)*(volatile char *)(m + LF_PAGE + 8);
	}
	lf_default(SIGBUS);
	UT_SYS(munmap(m, 2 * LF_PAGE));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lf_short"));
	UT_ASSERT_EQ(lf_sig, SIGBUS);
	UT_ASSERT_EQ(lf_code, BUS_ADRERR);
	UT_ASSERT_EQ(lf_addr, (uintptr_t)m + LF_PAGE + 8);
}

UTEST(handler, sigfpe_intdiv_at_the_instruction)
{
	volatile int zero = 0, r = 7;

	lf_reset();
	lf_install(SIGFPE, lf_jump_out, 0);
	if (!sigsetjmp(lf_jb, 1))
		r = r / zero;
	lf_default(SIGFPE);
	UT_ASSERT_EQ(lf_sig, SIGFPE);
	UT_ASSERT_EQ(lf_code, FPE_INTDIV);
	UT_ASSERT_EQ(lf_addr, (uintptr_t)lf_rip);       /* si_addr: the idiv */
	UT_ASSERT_EQ(lf_trapno, 0);
}

/* The handler moves rip over the 2-byte ud2 and returns. */
static void lf_skip_ud2(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	lf_note(sig, si, ucv);
	uc->uc_mcontext.gregs[REG_RIP] += 2;
}

UTEST(handler, sigill_then_return_past_it)
{
	uintptr_t at;

	lf_reset();
	lf_install(SIGILL, lf_skip_ud2, 0);
	__asm__ volatile("lea 1f(%%rip), %0\n1: ud2" : "=r"(at));
	lf_default(SIGILL);
	UT_ASSERT_EQ(lf_count, 1);
	UT_ASSERT_EQ(lf_sig, SIGILL);
	UT_ASSERT_EQ(lf_code, ILL_ILLOPN);
	UT_ASSERT_EQ(lf_addr, at);
}

static void lf_count_only(int sig, siginfo_t *si, void *ucv)
{
	lf_note(sig, si, ucv);
}

UTEST(handler, sigtrap_on_int3_and_continue)
{
	lf_reset();
	lf_install(SIGTRAP, lf_count_only, 0);
	__asm__ volatile("int3");
	__asm__ volatile("int3");
	lf_default(SIGTRAP);
	UT_ASSERT_EQ(lf_count, 2);
	UT_ASSERT_EQ(lf_sig, SIGTRAP);
	UT_ASSERT_EQ(lf_trapno, 3);
}

static volatile long lf_good = 4242;

/* The load through rax faulted: point rax at lf_good and retry it. */
static void lf_fix_rax(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	lf_note(sig, si, ucv);
	uc->uc_mcontext.gregs[REG_RAX] = (greg_t)(uintptr_t)&lf_good;
}

UTEST(handler, changed_registers_are_resumed)
{
	long got, r12 = 0x1234567890L;
	double d = 1.5;

	lf_reset();
	lf_install(SIGSEGV, lf_fix_rax, 0);
	__asm__ volatile("mov $0x40, %%rax\n"
	                 "mov (%%rax), %0"
	                 : "=r"(got) : "r"(r12) : "rax", "memory");
	d *= 2;
	lf_default(SIGSEGV);
	UT_ASSERT_EQ(lf_count, 1);
	UT_ASSERT_EQ(lf_addr, 0x40);
	UT_ASSERT_EQ(got, 4242);
	UT_ASSERT_EQ(r12, 0x1234567890L);
	UT_ASSERT(d == 3.0);
}

/* The signal is blocked while its handler runs, the old mask comes back. */
static volatile int lf_blocked_inside;

static void lf_check_mask(int sig, siginfo_t *si, void *ucv)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, NULL, &now);
	lf_blocked_inside = sigismember(&now, SIGSEGV) && sigismember(&now, SIGUSR2);
	lf_jump_out(sig, si, ucv);
}

UTEST(handler, mask_during_and_after)
{
	struct sigaction sa;
	sigset_t now;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = lf_check_mask;
	sa.sa_flags = SA_SIGINFO;
	sigemptyset(&sa.sa_mask);
	sigaddset(&sa.sa_mask, SIGUSR2);
	UT_SYS(sigaction(SIGSEGV, &sa, NULL));
	lf_reset();
	if (!sigsetjmp(lf_jb, 1))
		lf_load(8);
	lf_default(SIGSEGV);
	sigprocmask(SIG_BLOCK, NULL, &now);
	UT_ASSERT(lf_blocked_inside);
	UT_ASSERT(!sigismember(&now, SIGSEGV));         /* siglongjmp restored it */
	UT_ASSERT(!sigismember(&now, SIGUSR2));
}

/* ---------------------------------------------- contexts that are wrong */

static volatile greg_t lf_last_efl;

/* 1: a non-canonical rip; 2: an unmapped rsp; 3: IOPL 3 and VM in rflags
 * (popfq in user mode ignores both); 4: out. */
static void lf_bad_context(int sig, siginfo_t *si, void *ucv)
{
	ucontext_t *uc = ucv;

	lf_note(sig, si, ucv);
	lf_last_efl = uc->uc_mcontext.gregs[REG_EFL];
	if (lf_count == 1)
		uc->uc_mcontext.gregs[REG_RIP] = (greg_t)0x8000000000000000UL;
	else if (lf_count == 2)
		uc->uc_mcontext.gregs[REG_RSP] = 0x1000;
	else if (lf_count == 3)
		uc->uc_mcontext.gregs[REG_EFL] |= 0x3000 | 0x20000;
	else
		siglongjmp(lf_jb, 1);
}

UTEST(handler, bad_contexts_only_fault_again)
{
	lf_reset();
	lf_install(SIGSEGV, lf_bad_context, 0);
	if (!sigsetjmp(lf_jb, 1))
		lf_load(16);
	lf_default(SIGSEGV);
	UT_ASSERT_EQ(lf_count, 4);
	UT_ASSERT_EQ(lf_sig, SIGSEGV);
	UT_ASSERT_EQ(lf_last_efl & (0x3000 | 0x20000), 0);
}

/* ------------------------------------------------------ killed by it */

enum lf_how { LF_NONE, LF_IGNORED, LF_BLOCKED, LF_RESETHAND, LF_HANDLER_FAULTS, LF_DIVIDE,
              LF_STACK };

static void lf_fault_in_handler(int sig, siginfo_t *si, void *ucv)
{
	lf_note(sig, si, ucv);
	lf_load(32);
}

static int lf_recurse(int n)
{
	volatile char pad[512];

	if (n == -1)
		return 0;
	pad[0] = (char)n;
	return lf_recurse(n + 1) + pad[0];
}

static void lf_child(enum lf_how how)
{
	sigset_t set;
	volatile int zero = 0, seven = 7;

	switch (how) {
	case LF_IGNORED:
		signal(SIGSEGV, SIG_IGN);
		break;
	case LF_BLOCKED:
		lf_install(SIGSEGV, lf_jump_out, 0);
		sigemptyset(&set);
		sigaddset(&set, SIGSEGV);
		sigprocmask(SIG_BLOCK, &set, NULL);
		break;
	case LF_RESETHAND:
		lf_reset();
		lf_install(SIGSEGV, lf_jump_out, SA_RESETHAND);
		if (!sigsetjmp(lf_jb, 1))
			lf_load(8);
		if (lf_count != 1)
			_exit(3);
		break;
	case LF_HANDLER_FAULTS:
		lf_install(SIGSEGV, lf_fault_in_handler, 0);
		break;
	case LF_DIVIDE:
		_exit(seven / zero);
	case LF_STACK:
		lf_install(SIGSEGV, lf_jump_out, 0);
		_exit(lf_recurse(0));
	case LF_NONE:
		break;
	}
	lf_load(8);
	_exit(2);
}

static int lf_child_status(enum lf_how how)
{
	int status = -1;
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		lf_child(how);
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

#define LF_KILLED_BY(how, sig)                                                  \
	do {                                                                    \
		int st_ = lf_child_status(how);                                 \
		UT_ASSERT_MSG(WIFSIGNALED(st_) && WTERMSIG(st_) == (sig),       \
		              "status %#x, not killed by signal %d", st_, sig); \
	} while (0)

UTEST(killed, no_handler_is_killed_by_sigsegv)
{
	LF_KILLED_BY(LF_NONE, SIGSEGV);
}

UTEST(killed, ignored_sigsegv_still_kills)
{
	LF_KILLED_BY(LF_IGNORED, SIGSEGV);
}

UTEST(killed, blocked_sigsegv_kills)
{
	LF_KILLED_BY(LF_BLOCKED, SIGSEGV);
}

UTEST(killed, resethand_second_fault_kills)
{
	LF_KILLED_BY(LF_RESETHAND, SIGSEGV);
}

UTEST(killed, fault_in_the_handler_kills)
{
	LF_KILLED_BY(LF_HANDLER_FAULTS, SIGSEGV);
}

UTEST(killed, divide_by_zero_is_sigfpe)
{
	LF_KILLED_BY(LF_DIVIDE, SIGFPE);
}

UTEST(killed, stack_overflow_is_sigsegv)
{
	LF_KILLED_BY(LF_STACK, SIGSEGV);
}

/* ------------------------------------------ threads (last: no fork after) */

static void *lf_thread_fault(void *arg)
{
	(void)arg;
	if (!sigsetjmp(lf_jb, 1))
		lf_load(24);
	return (void *)(uintptr_t)lf_addr;
}

static void lf_thread_jump(int sig, siginfo_t *si, void *uc)
{
	lf_note(sig, si, uc);
	siglongjmp(lf_jb, 1);
}

UTEST(threads, a_uthread_gets_its_fault)
{
	pthread_t t;
	void *ret = NULL;

	lf_reset();
	lf_install(SIGSEGV, lf_thread_jump, 0);
	UT_ASSERT_EQ(pthread_create(&t, NULL, lf_thread_fault, NULL), 0);
	UT_ASSERT_EQ(pthread_join(t, &ret), 0);
	lf_default(SIGSEGV);
	UT_ASSERT_EQ(lf_count, 1);
	UT_ASSERT_EQ((uintptr_t)ret, 24);
}

int main(int argc, char **argv)
{
	return utest_main("libc_faults", argc, argv);
}
