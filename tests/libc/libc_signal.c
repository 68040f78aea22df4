/* SPDX-License-Identifier: MIT */
/*
 * libc_signal.c - utest suites of POSIX signal semantics in the C library
 * (Documentation/libc.md, Signals): real-time signals queued in order with
 * their values and a bound (EAGAIN), standard ones kept once; sigqueue's
 * siginfo and the handler's ucontext (uc_sigmask, restored on return);
 * sigtimedwait/sigwaitinfo taking a signal without its handler, timing
 * out, woken by another process; blocking calls interrupted (EINTR, the
 * time left in nanosleep's rem) or restarted under SA_RESTART, and not
 * interrupted by an ignored signal; sigaltstack and SA_ONSTACK; SIGKILL of
 * a process in waitpid or sigwaitinfo; abort()
 * ending with SIGABRT although caught; a threaded child whose threads all
 * wait (a futex, a read, sem_wait) still ended by SIGTERM or interrupted
 * by a handler; and, last (they make this process an MCP), per-thread
 * masks and pthread_kill, a handler run in a thread waiting in
 * pthread_cond_wait (which waits on) or sem_wait (EINTR, or resumed under
 * SA_RESTART).  Bad inputs of each call too.
 * Run by scripts/run-ktests.sh (run_utest libc_signal).
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>
#include <utest/utest.h>

#define LS_RTQ_MAX 128          /* the layer's bound on queued real-time signals */

static volatile int ls_hits;
static volatile int ls_log_n;
static volatile int ls_log_sig[16];
static volatile int ls_log_val[16];
static volatile int ls_log_code[16];
static volatile int ls_log_pid[16];

static void ls_reset(void)
{
	ls_hits = 0;
	ls_log_n = 0;
}

static void ls_count(int sig)
{
	(void)sig;
	ls_hits++;
}

static void ls_log(int sig, siginfo_t *si, void *uc)
{
	int i = ls_log_n;

	(void)uc;
	if (i < 16) {
		ls_log_sig[i] = sig;
		ls_log_val[i] = si->si_value.sival_int;
		ls_log_code[i] = si->si_code;
		ls_log_pid[i] = si->si_pid;
		ls_log_n = i + 1;
	}
}

static void ls_on(int sig, void (*h)(int), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = h;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

static void ls_on_info(int sig, void (*h)(int, siginfo_t *, void *), int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = h;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

static void ls_mask(int how, int sig)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

static void ls_nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static long ls_ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (t.tv_sec - t0->tv_sec) * 1000 + (t.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A child that, after ms, sends sig to us (value v with sigqueue when
 * v >= 0), and after write_ms more writes a byte to fd (if >= 0). */
static pid_t ls_sender(long ms, int sig, int v, long write_ms, int fd)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	ls_nap_ms(ms);
	if (v >= 0)
		sigqueue(getppid(), sig, (union sigval){ .sival_int = v });
	else
		kill(getppid(), sig);
	if (fd >= 0) {
		ls_nap_ms(write_ms);
		if (write(fd, "x", 1) != 1)
			_exit(2);
	}
	_exit(0);
}

static int ls_wait_child(pid_t pid);

static void ls_reap(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------ queueing, siginfo */

UTEST(queue, realtime_in_order_with_values_lowest_first)
{
	int lo = SIGRTMIN, hi = SIGRTMIN + 1;

	ls_reset();
	ls_on_info(lo, ls_log, 0);
	ls_on_info(hi, ls_log, 0);
	ls_mask(SIG_BLOCK, lo);
	ls_mask(SIG_BLOCK, hi);
	for (int v = 1; v <= 3; v++)
		UT_SYS(sigqueue(getpid(), hi, (union sigval){ .sival_int = v }));
	UT_SYS(sigqueue(getpid(), lo, (union sigval){ .sival_int = 10 }));
	UT_SYS(sigqueue(getpid(), lo, (union sigval){ .sival_int = 11 }));
	UT_ASSERT_EQ(ls_log_n, 0);
	ls_mask(SIG_UNBLOCK, hi);       /* hi first: runs its three alone */
	ls_mask(SIG_UNBLOCK, lo);
	UT_ASSERT_EQ(ls_log_n, 5);
	for (int i = 0; i < 3; i++) {
		UT_ASSERT_EQ(ls_log_sig[i], hi);
		UT_ASSERT_EQ(ls_log_val[i], i + 1);
		UT_ASSERT_EQ(ls_log_code[i], SI_QUEUE);
		UT_ASSERT_EQ(ls_log_pid[i], getpid());
	}
	UT_ASSERT_EQ(ls_log_sig[3], lo);
	UT_ASSERT_EQ(ls_log_val[3], 10);
	UT_ASSERT_EQ(ls_log_val[4], 11);

	/* Both blocked, then unblocked at once: the lower number first. */
	ls_reset();
	sigset_t both;

	sigemptyset(&both);
	sigaddset(&both, lo);
	sigaddset(&both, hi);
	sigprocmask(SIG_BLOCK, &both, NULL);
	UT_SYS(sigqueue(getpid(), hi, (union sigval){ .sival_int = 7 }));
	UT_SYS(sigqueue(getpid(), lo, (union sigval){ .sival_int = 8 }));
	sigprocmask(SIG_UNBLOCK, &both, NULL);
	UT_ASSERT_EQ(ls_log_n, 2);
	UT_ASSERT_EQ(ls_log_sig[0], lo);
	UT_ASSERT_EQ(ls_log_sig[1], hi);
	signal(lo, SIG_DFL);
	signal(hi, SIG_DFL);
}

UTEST(queue, standard_signal_pending_once)
{
	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	ls_mask(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);                 /* pending for this thread ... */
	raise(SIGUSR1);
	UT_ASSERT_EQ(ls_hits, 0);
	ls_mask(SIG_UNBLOCK, SIGUSR1);
	UT_ASSERT_EQ(ls_hits, 1);
	ls_mask(SIG_BLOCK, SIGUSR1);
	kill(getpid(), SIGUSR1);        /* ... and for the process: once each */
	kill(getpid(), SIGUSR1);
	ls_mask(SIG_UNBLOCK, SIGUSR1);
	UT_ASSERT_EQ(ls_hits, 2);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(queue, bounded_eagain_then_drained_by_sigtimedwait)
{
	int sig = SIGRTMIN + 2, n = 0;
	struct timespec zero = { 0, 0 };
	sigset_t set;
	siginfo_t si;

	ls_mask(SIG_BLOCK, sig);
	while (n < 1000 && sigqueue(getpid(), sig, (union sigval){ .sival_int = n }) == 0)
		n++;
	UT_ASSERT_EQ(errno, EAGAIN);
	UT_ASSERT_EQ(n, LS_RTQ_MAX);
	sigemptyset(&set);
	sigaddset(&set, sig);
	for (int i = 0; i < n; i++) {
		UT_ASSERT_EQ(sigtimedwait(&set, &si, &zero), sig);
		UT_ASSERT_EQ(si.si_value.sival_int, i);
	}
	UT_ASSERT_ERRNO(sigtimedwait(&set, &si, &zero), EAGAIN);
	ls_mask(SIG_UNBLOCK, sig);
}

UTEST(queue, sigqueue_bad_inputs)
{
	union sigval v = { .sival_int = 1 };
	siginfo_t si;
	pid_t other = fork();
	int st;

	if (other == 0) {
		ls_nap_ms(5000);
		_exit(0);
	}
	UT_ASSERT_GT(other, 0);

	UT_ASSERT_ERRNO(sigqueue(getpid(), 65, v), EINVAL);
	UT_ASSERT_ERRNO(sigqueue(getpid(), -1, v), EINVAL);
	UT_ASSERT_ERRNO(sigqueue(999999, SIGUSR1, v), ESRCH);
	UT_ASSERT_EQ(sigqueue(getpid(), 0, v), 0);     /* only the check */
	/* Kernel codes to another process are refused. */
	memset(&si, 0, sizeof(si));
	si.si_code = SI_USER;
	UT_ASSERT_ERRNO(syscall(SYS_rt_sigqueueinfo, other, SIGUSR1, &si), EPERM);
	si.si_code = SI_TKILL;
	UT_ASSERT_ERRNO(syscall(SYS_rt_sigqueueinfo, other, SIGUSR1, &si), EPERM);
	UT_SYS(kill(other, SIGKILL));
	UT_ASSERT_EQ(waitpid(other, &st, 0), other);
	UT_ASSERT_ERRNO(syscall(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, NULL), EFAULT);
	UT_ASSERT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &si), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_rt_tgsigqueueinfo, getpid(), 12345, SIGUSR1, &si), ESRCH);
}

static volatile unsigned long ls_uc_mask0;

static void ls_uc(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	(void)si;
	ls_uc_mask0 = uc->uc_sigmask.__bits[0];
	sigaddset(&uc->uc_sigmask, SIGHUP);     /* takes effect on return */
	(void)sig;
}

UTEST(siginfo, ucontext_mask_and_return_like_sigreturn)
{
	sigset_t now;

	ls_on_info(SIGUSR1, ls_uc, 0);
	ls_mask(SIG_BLOCK, SIGUSR2);
	raise(SIGUSR1);
	UT_ASSERT(ls_uc_mask0 & (1UL << (SIGUSR2 - 1)));
	UT_ASSERT(!(ls_uc_mask0 & (1UL << (SIGUSR1 - 1))));
	sigprocmask(SIG_BLOCK, NULL, &now);
	UT_ASSERT(sigismember(&now, SIGHUP));
	UT_ASSERT(!sigismember(&now, SIGUSR1));
	ls_mask(SIG_UNBLOCK, SIGHUP);
	ls_mask(SIG_UNBLOCK, SIGUSR2);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(siginfo, kill_from_another_process)
{
	sigset_t set;
	siginfo_t si;
	pid_t pid;

	ls_mask(SIG_BLOCK, SIGUSR2);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2);
	pid = ls_sender(50, SIGUSR2, -1, 0, -1);
	UT_ASSERT_EQ(sigwaitinfo(&set, &si), SIGUSR2);
	UT_ASSERT_EQ(si.si_code, SI_USER);
	UT_ASSERT_EQ(si.si_pid, pid);
	ls_reap(pid);
	ls_mask(SIG_UNBLOCK, SIGUSR2);
}

UTEST(siginfo, sigchld_carries_cld_code_and_status)
{
	struct timespec t = { 5, 0 };
	sigset_t set;
	siginfo_t si;
	pid_t pid;
	int st;

	ls_mask(SIG_BLOCK, SIGCHLD);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	pid = fork();
	if (pid == 0)
		_exit(7);
	UT_ASSERT_EQ(sigtimedwait(&set, &si, &t), SIGCHLD);
	UT_ASSERT_EQ(si.si_pid, pid);
	UT_ASSERT_EQ(si.si_code, CLD_EXITED);
	UT_ASSERT_EQ(si.si_status, 7);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	pid = fork();
	if (pid == 0)
		for (;;)
			pause();
	UT_SYS(kill(pid, SIGKILL));
	UT_ASSERT_EQ(sigtimedwait(&set, &si, &t), SIGCHLD);
	UT_ASSERT_EQ(si.si_code, CLD_KILLED);
	UT_ASSERT_EQ(si.si_status, SIGKILL);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ls_mask(SIG_UNBLOCK, SIGCHLD);
}

/* ------------------------------------------------------------ sigwait */

UTEST(wait, sigtimedwait_takes_without_the_handler)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;
	siginfo_t si;
	int sig = 0;

	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	ls_mask(SIG_BLOCK, SIGUSR1);
	raise(SIGUSR1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	UT_ASSERT_EQ(sigtimedwait(&set, &si, &zero), SIGUSR1);
	UT_ASSERT_EQ(si.si_signo, SIGUSR1);
	UT_ASSERT_EQ(si.si_pid, getpid());
	raise(SIGUSR1);
	UT_ASSERT_EQ(sigwait(&set, &sig), 0);
	UT_ASSERT_EQ(sig, SIGUSR1);
	UT_ASSERT_EQ(ls_hits, 0);
	ls_mask(SIG_UNBLOCK, SIGUSR1);
	UT_ASSERT_EQ(ls_hits, 0);       /* taken: nothing left pending */
	signal(SIGUSR1, SIG_DFL);
}

UTEST(wait, sigtimedwait_times_out_eagain)
{
	struct timespec t = { 0, 100 * 1000000 }, t0;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	ls_mask(SIG_BLOCK, SIGUSR1);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_ERRNO(sigtimedwait(&set, NULL, &t), EAGAIN);
	UT_ASSERT_GE(ls_ms_since(&t0), 95);
	ls_mask(SIG_UNBLOCK, SIGUSR1);
}

UTEST(wait, sigwaitinfo_woken_by_sigqueue_of_a_child)
{
	int sig = SIGRTMIN + 3;
	sigset_t set;
	siginfo_t si;
	pid_t pid;

	ls_mask(SIG_BLOCK, sig);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pid = ls_sender(100, sig, 4242, 0, -1);
	UT_ASSERT_EQ(sigwaitinfo(&set, &si), sig);
	UT_ASSERT_EQ(si.si_value.sival_int, 4242);
	UT_ASSERT_EQ(si.si_code, SI_QUEUE);
	UT_ASSERT_EQ(si.si_pid, pid);
	ls_reap(pid);
	ls_mask(SIG_UNBLOCK, sig);
}

UTEST(wait, sigtimedwait_bad_inputs)
{
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	UT_ASSERT_ERRNO(sigtimedwait(&set, NULL, &bad), EINVAL);
	UT_ASSERT_ERRNO(sigtimedwait(&set, NULL, &neg), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_rt_sigtimedwait, &set, NULL, &bad, 4), EINVAL);
	UT_ASSERT_ERRNO(syscall(SYS_rt_sigtimedwait, NULL, NULL, NULL, 8), EFAULT);
}

/* ---------------------------------------------------- interrupted calls */

UTEST(intr, nanosleep_eintr_with_time_left)
{
	struct timespec req = { 3, 0 }, rem = { 0, 0 }, t0;
	pid_t pid;

	ls_reset();
	ls_on(SIGUSR1, ls_count, SA_RESTART);   /* nanosleep never restarts */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = ls_sender(200, SIGUSR1, -1, 0, -1);
	UT_ASSERT_ERRNO(nanosleep(&req, &rem), EINTR);
	UT_ASSERT_LT(ls_ms_since(&t0), 2500);
	UT_ASSERT_EQ(ls_hits, 1);
	UT_ASSERT(rem.tv_sec >= 1 && rem.tv_sec <= 3);
	ls_reap(pid);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(intr, pipe_read_eintr_without_sa_restart)
{
	char c;
	int p[2];
	pid_t pid;

	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	UT_SYS(pipe(p));
	pid = ls_sender(100, SIGUSR1, -1, 0, -1);
	UT_ASSERT_ERRNO(read(p[0], &c, 1), EINTR);
	UT_ASSERT_EQ(ls_hits, 1);
	ls_reap(pid);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(intr, pipe_read_restarts_with_sa_restart)
{
	char c = 0;
	int p[2];
	pid_t pid;

	ls_reset();
	ls_on(SIGUSR1, ls_count, SA_RESTART);
	UT_SYS(pipe(p));
	pid = ls_sender(100, SIGUSR1, -1, 200, p[1]);
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	UT_ASSERT_EQ(c, 'x');
	UT_ASSERT_EQ(ls_hits, 1);
	ls_reap(pid);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

static pid_t ls_sleeper(long ms)
{
	pid_t pid = fork();

	if (pid == 0) {
		ls_nap_ms(ms);
		_exit(5);
	}
	return pid;
}

UTEST(intr, waitpid_eintr_then_restarted_under_sa_restart)
{
	pid_t kid, snd;
	int st;

	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	kid = ls_sleeper(600);
	snd = ls_sender(100, SIGUSR1, -1, 0, -1);
	UT_ASSERT_ERRNO(waitpid(kid, &st, 0), EINTR);
	UT_ASSERT_EQ(ls_hits, 1);
	UT_ASSERT_EQ(waitpid(kid, &st, 0), kid);        /* still ours to reap */
	UT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	ls_reap(snd);

	ls_on(SIGUSR1, ls_count, SA_RESTART);
	kid = ls_sleeper(600);
	snd = ls_sender(100, SIGUSR1, -1, 0, -1);
	UT_ASSERT_EQ(waitpid(kid, &st, 0), kid);
	UT_ASSERT_EQ(ls_hits, 2);
	UT_ASSERT(WIFEXITED(st) && WEXITSTATUS(st) == 5);
	ls_reap(snd);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(intr, ignored_signal_does_not_interrupt)
{
	char c = 0;
	int p[2];
	pid_t pid;

	signal(SIGUSR1, SIG_IGN);
	UT_SYS(pipe(p));
	pid = ls_sender(100, SIGUSR1, -1, 200, p[1]);
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	ls_reap(pid);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(intr, poll_and_pause_eintr)
{
	fd_set rd;
	int p[2];
	pid_t pid;

	ls_reset();
	ls_on(SIGUSR1, ls_count, SA_RESTART);   /* select never restarts */
	UT_SYS(pipe(p));
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	pid = ls_sender(100, SIGUSR1, -1, 0, -1);
	UT_ASSERT_ERRNO(select(p[0] + 1, &rd, NULL, NULL, NULL), EINTR);
	UT_ASSERT_EQ(ls_hits, 1);
	ls_reap(pid);
	pid = ls_sender(100, SIGUSR1, -1, 0, -1);
	UT_ASSERT_ERRNO(pause(), EINTR);
	UT_ASSERT_EQ(ls_hits, 2);
	ls_reap(pid);
	close(p[0]);
	close(p[1]);
	signal(SIGUSR1, SIG_DFL);
}

/* --------------------------------------------------------- sigaltstack */

static char ls_alt[16384] __attribute__((aligned(16)));
static volatile int ls_alt_on, ls_alt_flags, ls_alt_eperm;

static void ls_alt_handler(int sig)
{
	char here;
	stack_t now, set = { .ss_sp = ls_alt, .ss_size = sizeof(ls_alt) };

	(void)sig;
	ls_alt_on = &here >= ls_alt && &here < ls_alt + sizeof(ls_alt);
	sigaltstack(NULL, &now);
	ls_alt_flags = now.ss_flags;
	ls_alt_eperm = sigaltstack(&set, NULL) == -1 && errno == EPERM;
}

UTEST(altstack, handler_runs_on_it_and_sees_ss_onstack)
{
	stack_t ss = { .ss_sp = ls_alt, .ss_size = sizeof(ls_alt) }, old;

	UT_SYS(sigaltstack(&ss, &old));
	UT_ASSERT_EQ(old.ss_flags, SS_DISABLE);
	ls_on(SIGUSR1, ls_alt_handler, SA_ONSTACK);
	raise(SIGUSR1);
	UT_ASSERT(ls_alt_on);
	UT_ASSERT_EQ(ls_alt_flags, SS_ONSTACK);
	UT_ASSERT(ls_alt_eperm);
	/* Without SA_ONSTACK the handler stays on the thread's stack. */
	ls_on(SIGUSR1, ls_alt_handler, 0);
	raise(SIGUSR1);
	UT_ASSERT(!ls_alt_on);
	UT_ASSERT_EQ(ls_alt_flags, 0);
	UT_SYS(sigaltstack(NULL, &old));
	UT_ASSERT(old.ss_sp == ls_alt && old.ss_size == sizeof(ls_alt) && old.ss_flags == 0);
	ss.ss_flags = SS_DISABLE;
	UT_SYS(sigaltstack(&ss, NULL));
	UT_SYS(sigaltstack(NULL, &old));
	UT_ASSERT_EQ(old.ss_flags, SS_DISABLE);
	signal(SIGUSR1, SIG_DFL);
}

UTEST(altstack, bad_inputs)
{
	stack_t ss = { .ss_sp = ls_alt, .ss_size = MINSIGSTKSZ - 1 };

	UT_ASSERT_ERRNO(sigaltstack(&ss, NULL), ENOMEM);
	ss.ss_size = sizeof(ls_alt);
	ss.ss_flags = 0x10;
	UT_ASSERT_ERRNO(sigaltstack(&ss, NULL), EINVAL);
	/* The raw call: below Linux's MINSIGSTKSZ, and bad flags. */
	ss.ss_flags = 0;
	ss.ss_size = 100;
	UT_ASSERT_ERRNO(syscall(SYS_sigaltstack, &ss, NULL), ENOMEM);
	ss.ss_size = sizeof(ls_alt);
	ss.ss_flags = 4;
	UT_ASSERT_ERRNO(syscall(SYS_sigaltstack, &ss, NULL), EINVAL);
}

/* ------------------------------------------------------------- SIGKILL */

/* SIGKILL ends a process blocked in waitpid (the kernel's wait for a
 * child's death is abortable), and one blocked in sigwaitinfo. */
UTEST(sigkill, ends_a_process_in_waitpid_or_sigwaitinfo)
{
	pid_t kid, grandkid = 0;
	int p[2], st;

	UT_SYS(pipe(p));
	kid = fork();
	if (kid == 0) {
		pid_t g = fork();

		if (g == 0) {
			ls_nap_ms(20000);
			_exit(0);
		}
		if (write(p[1], &g, sizeof(g)) != sizeof(g))
			_exit(1);
		waitpid(g, NULL, 0);
		_exit(1);
	}
	UT_ASSERT_EQ(read(p[0], &grandkid, sizeof(grandkid)), (ssize_t)sizeof(grandkid));
	ls_nap_ms(100);
	UT_SYS(kill(kid, SIGKILL));
	st = ls_wait_child(kid);
	kill(grandkid, SIGKILL);        /* an orphan now: nobody reaps it */
	close(p[0]);
	close(p[1]);
	UT_ASSERT_MSG(st != -1, "SIGKILL did not end a process in waitpid");
	UT_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);

	kid = fork();
	if (kid == 0) {
		sigset_t set;

		sigfillset(&set);
		sigprocmask(SIG_BLOCK, &set, NULL);
		sigwaitinfo(&set, NULL);
		_exit(1);
	}
	ls_nap_ms(100);
	UT_SYS(kill(kid, SIGKILL));
	st = ls_wait_child(kid);
	UT_ASSERT_MSG(st != -1, "SIGKILL did not end a process in sigwaitinfo");
	UT_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
}

/* ------------------------------------------------------------- abort */

static void ls_abrt(int sig)
{
	(void)sig;
}

UTEST(abort, ends_with_sigabrt_although_caught)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		ls_on(SIGABRT, ls_abrt, 0);
		abort();
	}
	UT_ASSERT_GT(pid, 0);
	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	UT_ASSERT(WIFSIGNALED(st));
	UT_ASSERT_EQ(WTERMSIG(st), SIGABRT);
}

/* ------------------------------- a threaded child whose threads all wait */

#define LS_NO_THREADS 3         /* the child could not start a thread */

static pthread_mutex_t ls_dead = PTHREAD_MUTEX_INITIALIZER;

static void *ls_lock_dead(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&ls_dead);   /* held by main: waits for ever */
	return NULL;
}

/* The child's status within 10 s, or -1 (then it is killed). */
static int ls_wait_child(pid_t pid)
{
	int st;

	for (int i = 0; i < 1000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return st;
		ls_nap_ms(10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return -1;
}

static pid_t ls_deadlocked_child(void (*then)(void))
{
	pid_t pid = fork();
	pthread_t t;

	if (pid)
		return pid;
	pthread_mutex_lock(&ls_dead);
	if (pthread_create(&t, NULL, ls_lock_dead, NULL))
		_exit(LS_NO_THREADS);
	then();
	_exit(1);
}

static void ls_relock(void)
{
	pthread_mutex_lock(&ls_dead);   /* a normal mutex: deadlocks */
}

UTEST(vcore, default_terminate_ends_a_process_whose_threads_all_wait)
{
	pid_t pid = ls_deadlocked_child(ls_relock);
	int st;

	ls_nap_ms(300);
	UT_SYS(kill(pid, SIGTERM));
	st = ls_wait_child(pid);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == LS_NO_THREADS)
		utest_skip("no core for the child's threads");
	UT_ASSERT_MSG(st != -1, "the child did not end on SIGTERM");
	UT_ASSERT(WIFSIGNALED(st));
	UT_ASSERT_EQ(WTERMSIG(st), SIGTERM);
}

static void ls_read_until_signal(void)
{
	char c;
	int p[2];

	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	if (pipe(p))
		_exit(1);
	if (read(p[0], &c, 1) == -1 && errno == EINTR && ls_hits == 1)
		_exit(0);
	_exit(1);
}

/* SIGUSR1 to the waiting child pid, which must then exit 0 (assertions
 * leave the test from here too). */
static void ls_expect_interrupted(pid_t pid, const char *what)
{
	int st;

	ls_nap_ms(300);
	UT_SYS(kill(pid, SIGUSR1));
	st = ls_wait_child(pid);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == LS_NO_THREADS)
		utest_skip("no core for the child's threads");
	UT_ASSERT_MSG(st != -1, "the child's %s was not interrupted", what);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

UTEST(vcore, handler_interrupts_a_thread_parked_in_read)
{
	ls_expect_interrupted(ls_deadlocked_child(ls_read_until_signal), "read");
}

static void ls_sem_wait_until_signal(void)
{
	sem_t sem;

	ls_reset();
	ls_on(SIGUSR1, ls_count, 0);
	ls_mask(SIG_UNBLOCK, SIGUSR1);  /* here only: the other thread blocks it */
	if (sem_init(&sem, 0, 0))
		_exit(1);
	if (sem_wait(&sem) == -1 && errno == EINTR && ls_hits == 1)
		_exit(0);
	_exit(1);
}

UTEST(vcore, handler_interrupts_a_thread_waiting_in_sem_wait)
{
	pid_t pid;

	ls_mask(SIG_BLOCK, SIGUSR1);    /* the child's threads inherit it */
	pid = ls_deadlocked_child(ls_sem_wait_until_signal);
	ls_mask(SIG_UNBLOCK, SIGUSR1);
	ls_expect_interrupted(pid, "sem_wait");
}

static volatile int ls_new_mask_ok = -1;

static void *ls_note_mask(void *arg)
{
	sigset_t m, p;

	(void)arg;
	pthread_sigmask(SIG_SETMASK, NULL, &m);
	sigpending(&p);
	ls_new_mask_ok = sigismember(&m, SIGUSR1) | sigismember(&m, SIGUSR2) << 1 |
	                 !sigismember(&m, SIGTERM) << 2 | !sigismember(&p, SIGUSR1) << 3;
	return NULL;
}

UTEST(vcore, first_thread_inherits_the_mask_not_the_pending_signals)
{
	pid_t pid = fork();
	sigset_t s;
	pthread_t t;
	int st;

	if (pid == 0) {
		sigemptyset(&s);
		sigaddset(&s, SIGUSR1);
		sigaddset(&s, SIGUSR2);
		pthread_sigmask(SIG_SETMASK, &s, NULL);
		raise(SIGUSR1);         /* pending for this thread only */
		if (pthread_create(&t, NULL, ls_note_mask, NULL))
			_exit(LS_NO_THREADS);
		pthread_join(t, NULL);
		_exit(ls_new_mask_ok == 15 ? 0 : 20 + ls_new_mask_ok);  /* 20 + what held */
	}
	UT_ASSERT_GT(pid, 0);
	st = ls_wait_child(pid);
	if (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == LS_NO_THREADS)
		utest_skip("no core for the child's threads");
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child status %#x", st);
}

/* ------------------------------------------- threads (the process: MCP) */

static volatile int ls_thr_hits;
static volatile pthread_t ls_thr_who;

static void ls_thr_handler(int sig)
{
	(void)sig;
	ls_thr_hits++;
	ls_thr_who = pthread_self();
}

static void *ls_thr_wait(void *arg)
{
	volatile int *stop = arg;

	while (!*stop)
		sched_yield();          /* a call each time: signals come here */
	return NULL;
}

UTEST(threads, pthread_kill_reaches_that_thread_and_masks_are_per_thread)
{
	volatile int stop = 0;
	sigset_t set, mine;
	pthread_t t;

	utest_no_leak_check();          /* the first thread maps the vcore stacks */
	ls_thr_hits = 0;
	ls_on(SIGUSR1, ls_thr_handler, 0);
	ls_mask(SIG_BLOCK, SIGUSR1);    /* the thread inherits it ... */
	UT_ASSERT_EQ(pthread_create(&t, NULL, ls_thr_wait, (void *)&stop), 0);
	ls_mask(SIG_UNBLOCK, SIGUSR1);  /* ... and keeps it: masks are per thread */
	sigprocmask(SIG_BLOCK, NULL, &mine);
	UT_ASSERT(!sigismember(&mine, SIGUSR1));
	UT_ASSERT_EQ(pthread_kill(t, SIGUSR1), 0);
	ls_nap_ms(50);
	UT_ASSERT_EQ(ls_thr_hits, 0);   /* pending in t, which blocks it */
	UT_ASSERT_EQ(pthread_kill(pthread_self(), SIGUSR1), 0);
	UT_ASSERT_EQ(ls_thr_hits, 1);
	UT_ASSERT(pthread_equal(ls_thr_who, pthread_self()));
	sigemptyset(&set);
	UT_ASSERT_EQ(pthread_sigmask(SIG_SETMASK, &set, NULL), 0);
	stop = 1;
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	UT_ASSERT_EQ(pthread_kill(pthread_self(), 99), EINVAL);
	signal(SIGUSR1, SIG_DFL);
}

static void *ls_thr_unblock_then_wait(void *arg)
{
	volatile int *stop = arg;

	ls_mask(SIG_UNBLOCK, SIGUSR2);
	while (!*stop)
		sched_yield();
	return NULL;
}

UTEST(threads, process_signal_goes_to_a_thread_that_takes_it)
{
	volatile int stop = 0;
	pthread_t t;

	ls_thr_hits = 0;
	ls_on(SIGUSR2, ls_thr_handler, 0);
	ls_mask(SIG_BLOCK, SIGUSR2);
	UT_ASSERT_EQ(pthread_create(&t, NULL, ls_thr_unblock_then_wait, (void *)&stop), 0);
	UT_SYS(kill(getpid(), SIGUSR2));
	for (int i = 0; i < 200 && !ls_thr_hits; i++)
		ls_nap_ms(10);
	UT_ASSERT_EQ(ls_thr_hits, 1);
	UT_ASSERT(pthread_equal(ls_thr_who, t));
	stop = 1;
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	ls_mask(SIG_UNBLOCK, SIGUSR2);
	signal(SIGUSR2, SIG_DFL);
}

static volatile int ls_thr_sleep_err;

static void *ls_thr_sleep(void *arg)
{
	struct timespec ts = { 5, 0 };

	(void)arg;
	ls_thr_sleep_err = nanosleep(&ts, NULL) ? errno : 0;
	return NULL;
}

UTEST(threads, pthread_kill_interrupts_a_thread_parked_in_nanosleep)
{
	struct timespec t0;
	pthread_t t;

	ls_thr_hits = 0;
	ls_thr_sleep_err = -1;
	ls_on(SIGUSR1, ls_thr_handler, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	UT_ASSERT_EQ(pthread_create(&t, NULL, ls_thr_sleep, NULL), 0);
	ls_nap_ms(200);
	UT_ASSERT_EQ(pthread_kill(t, SIGUSR1), 0);
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	UT_ASSERT_LT(ls_ms_since(&t0), 3000);
	UT_ASSERT_EQ(ls_thr_sleep_err, EINTR);
	UT_ASSERT_EQ(ls_thr_hits, 1);
	UT_ASSERT(pthread_equal(ls_thr_who, t));
	signal(SIGUSR1, SIG_DFL);
}

static pthread_mutex_t ls_cv_m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ls_cv = PTHREAD_COND_INITIALIZER;
static int ls_cv_go, ls_cv_hits_seen;
static sem_t ls_thr_sem;

static void *ls_thr_cond_wait(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&ls_cv_m);
	while (!ls_cv_go)
		pthread_cond_wait(&ls_cv, &ls_cv_m);
	ls_cv_hits_seen = ls_thr_hits;
	pthread_mutex_unlock(&ls_cv_m);
	return NULL;
}

UTEST(threads, handler_runs_in_a_thread_in_cond_wait_which_then_waits_on)
{
	pthread_t t;

	ls_thr_hits = 0;
	ls_cv_go = 0;
	ls_on(SIGUSR1, ls_thr_handler, 0);
	UT_ASSERT_EQ(pthread_create(&t, NULL, ls_thr_cond_wait, NULL), 0);
	ls_nap_ms(100);
	UT_ASSERT_EQ(pthread_kill(t, SIGUSR1), 0);
	for (int i = 0; i < 200 && !ls_thr_hits; i++)
		ls_nap_ms(10);
	UT_ASSERT_EQ(ls_thr_hits, 1);   /* ran while t waited ... */
	UT_ASSERT(pthread_equal(ls_thr_who, t));
	pthread_mutex_lock(&ls_cv_m);
	ls_cv_go = 1;                   /* ... and t waits on for this */
	pthread_cond_signal(&ls_cv);
	pthread_mutex_unlock(&ls_cv_m);
	UT_ASSERT_EQ(pthread_join(t, NULL), 0);
	UT_ASSERT_EQ(ls_cv_hits_seen, 1);
	signal(SIGUSR1, SIG_DFL);
}

static void *ls_thr_sem_wait(void *arg)
{
	(void)arg;
	ls_thr_sleep_err = sem_wait(&ls_thr_sem) ? errno : 0;
	return NULL;
}

UTEST(threads, sem_wait_eintr_without_sa_restart_resumes_with_it)
{
	pthread_t t;

	UT_ASSERT_EQ(sem_init(&ls_thr_sem, 0, 0), 0);
	for (int restart = 0; restart < 2; restart++) {
		ls_thr_hits = 0;
		ls_thr_sleep_err = -1;
		ls_on(SIGUSR1, ls_thr_handler, restart ? SA_RESTART : 0);
		UT_ASSERT_EQ(pthread_create(&t, NULL, ls_thr_sem_wait, NULL), 0);
		ls_nap_ms(100);
		UT_ASSERT_EQ(pthread_kill(t, SIGUSR1), 0);
		for (int i = 0; i < 200 && !ls_thr_hits; i++)
			ls_nap_ms(10);
		UT_ASSERT_EQ(ls_thr_hits, 1);
		if (restart) {
			ls_nap_ms(50);
			UT_ASSERT_EQ(ls_thr_sleep_err, -1);     /* waits on */
			UT_ASSERT_EQ(sem_post(&ls_thr_sem), 0);
		}
		UT_ASSERT_EQ(pthread_join(t, NULL), 0);
		UT_ASSERT_EQ(ls_thr_sleep_err, restart ? 0 : EINTR);
	}
	sem_destroy(&ls_thr_sem);
	signal(SIGUSR1, SIG_DFL);
}

int main(int argc, char **argv)
{
	return utest_main("libc_signal", argc, argv);
}
