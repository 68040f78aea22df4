/* SPDX-License-Identifier: MIT */
/*
 * libc_jobctl.c - stop and continue (Documentation/processes.md, "Stop and
 * continue"): SIGSTOP and SIGCONT of a process in a loop, spinning, blocked
 * in read or in nanosleep, and of an MCP whose threads spin; waitpid's
 * WUNTRACED and WCONTINUED reporting each change once, waitid's codes and
 * WNOWAIT; SIGCHLD with CLD_STOPPED and CLD_CONTINUED, and none under
 * SA_NOCLDSTOP; SIGKILL of a stopped process, another signal kept until it
 * continues; a whole group stopped and continued; SIGTSTP, SIGTTIN and
 * SIGTTOU stopping by default and not with a handler; raise(SIGSTOP);
 * a SIGCONT handler; SIGCONT discarding a pending SIGTSTP; the errors.
 * "/test/libc_jobctl --MODE" is an exec'd child (a forked one does not take
 * other processes' signal messages yet: Documentation/libc.md): it writes
 * "r" on fd 1 when ready, then does what its mode says (jc_child).
 * Run by scripts/run-ktests.sh (run_utest libc_jobctl; the MCP case with
 * four cores as libc_jobctl_smp4).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include <utest/utest.h>

#define NO_SUCH_PID 999999

extern char **environ;

/* ----------------------------------------------------------- children */

struct jc_kid {
	pid_t pid;
	int in, out;            /* its stdin (we write), its stdout (we read) */
};

/* Starts "/test/libc_jobctl --mode" (in group pgid if >= 0) and waits
 * for its "r". */
static struct jc_kid jc_spawn(const char *mode, pid_t pgid)
{
	char arg[32], *argv[] = { "libc_jobctl", arg, NULL };
	struct jc_kid k;
	int in[2], out[2];
	char c = 0;

	snprintf(arg, sizeof(arg), "--%s", mode);
	UT_SYS(pipe(in));
	UT_SYS(pipe(out));
	k.pid = fork();
	UT_ASSERT(k.pid >= 0);
	if (k.pid == 0) {
		if (pgid >= 0 && setpgid(0, pgid) != 0)
			_exit(1);
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execve("/test/libc_jobctl", argv, environ);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	k.in = in[1];
	k.out = out[0];
	UT_ASSERT_EQ(read(k.out, &c, 1), 1);
	UT_ASSERT_EQ(c, 'r');
	return k;
}

static void jc_close(struct jc_kid *k)
{
	close(k->in);
	close(k->out);
}

/* A byte from k's stdout within ms, or 0 when none came. */
static char jc_byte(struct jc_kid *k, int ms)
{
	struct pollfd pfd = { .fd = k->out, .events = POLLIN };
	char c = 0;

	if (poll(&pfd, 1, ms) != 1 || read(k->out, &c, 1) != 1)
		return 0;
	return c;
}

/* Reads and drops what k wrote until it says nothing for ms. */
static void jc_drain(struct jc_kid *k, int ms)
{
	while (jc_byte(k, ms))
		;
}

static int jc_wait(pid_t pid, int options)
{
	int st = -1;

	UT_ASSERT_EQ(waitpid(pid, &st, options), pid);
	return st;
}

static void jc_assert_stopped(pid_t pid, int sig)
{
	int st = jc_wait(pid, WUNTRACED);

	UT_ASSERT_MSG(WIFSTOPPED(st) && WSTOPSIG(st) == sig, "status %#x, want stopped by %d",
	              st, sig);
}

static void jc_assert_continued(pid_t pid)
{
	int st = jc_wait(pid, WCONTINUED);

	UT_ASSERT_MSG(WIFCONTINUED(st), "status %#x, want continued", st);
}

/* Kills pid and reaps it: killed by SIGKILL. */
static void jc_end(pid_t pid)
{
	int st;

	UT_SYS(kill(pid, SIGKILL));
	st = jc_wait(pid, 0);
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

/* Kills and reaps k, and closes its pipes. */
static void jc_finish(struct jc_kid *k)
{
	jc_end(k->pid);
	jc_close(k);
}

/* The state field (the fourth) of #proc/PID/status, into buf. */
static const char *jc_state(pid_t pid, char *buf, size_t len)
{
	char path[64], text[256], *f[4];
	int fd, n, nf = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = UT_SYS(open(path, O_RDONLY));
	n = (int)read(fd, text, sizeof(text) - 1);
	close(fd);
	UT_ASSERT(n > 0);
	text[n] = '\0';
	for (char *s = strtok(text, " \n"); s && nf < 4; s = strtok(NULL, " \n"))
		f[nf++] = s;
	UT_ASSERT_EQ(nf, 4);
	snprintf(buf, len, "%s", f[3]);
	return buf;
}

static void jc_nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ------------------------------------------------------ stop, continue */

UTEST(stop, loop_stops_and_continues)
{
	struct jc_kid k = jc_spawn("tick", -1);
	char st[32];

	for (int round = 0; round < 3; round++) {
		UT_SYS(kill(k.pid, SIGSTOP));
		jc_assert_stopped(k.pid, SIGSTOP);
		UT_ASSERT_STREQ(jc_state(k.pid, st, sizeof(st)), "STOPPED");
		jc_drain(&k, 30);               /* a write already under way */
		UT_ASSERT_EQ(jc_byte(&k, 150), 0);
		UT_SYS(kill(k.pid, SIGCONT));
		jc_assert_continued(k.pid);
		UT_ASSERT_EQ(jc_byte(&k, 2000), 't');
		UT_ASSERT(strcmp(jc_state(k.pid, st, sizeof(st)), "STOPPED") != 0);
	}
	jc_finish(&k);
}

static volatile unsigned long *jc_shared(void)
{
	void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	UT_ASSERT(m != MAP_FAILED);
	memset(m, 0, 4096);
	return m;
}

/* Whether *count moves within ms. */
static bool jc_moves(volatile unsigned long *count, int ms)
{
	unsigned long before = *count;

	for (int t = 0; t < ms; t += 10) {
		jc_nap(10);
		if (*count != before)
			return true;
	}
	return false;
}

UTEST(stop, spinning_process_stops)
{
	volatile unsigned long *count = jc_shared();
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		for (;;)
			(*count)++;
	UT_ASSERT(jc_moves(count, 2000));
	UT_SYS(kill(pid, SIGSTOP));
	jc_assert_stopped(pid, SIGSTOP);
	UT_ASSERT(!jc_moves(count, 200));
	UT_SYS(kill(pid, SIGCONT));
	jc_assert_continued(pid);
	UT_ASSERT(jc_moves(count, 2000));
	jc_end(pid);
	UT_SYS(munmap((void *)count, 4096));
}

UTEST(stop, blocked_read_stays_blocked_until_continued)
{
	struct jc_kid k = jc_spawn("echo", -1);

	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	UT_ASSERT_EQ(write(k.in, "x", 1), 1);   /* the read completes, in the kernel */
	UT_ASSERT_EQ(jc_byte(&k, 200), 0);      /* but no user code runs */
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(jc_byte(&k, 2000), 'x');
	jc_assert_continued(k.pid);
	jc_finish(&k);
}

UTEST(stop, nanosleep_ends_after_continue)
{
	struct jc_kid k = jc_spawn("sleep", -1);
	int st = -1;

	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	jc_nap(500);                            /* its 300 ms sleep is over */
	UT_ASSERT_EQ(waitpid(k.pid, &st, WNOHANG), 0);
	UT_ASSERT_EQ(jc_byte(&k, 0), 0);
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(jc_byte(&k, 2000), 'd');
	st = jc_wait(k.pid, 0);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	jc_close(&k);
}

static volatile unsigned long *jc_thread_count;

static void *jc_spinner(void *arg)
{
	(void)arg;
	for (;;)
		__atomic_fetch_add(jc_thread_count, 1, __ATOMIC_RELAXED);
	return NULL;
}

/* A child whose two threads spin (an MCP where cores are free). */
static void jc_mcp_child(volatile unsigned long *count, volatile int *ready)
{
	pthread_t t[2];

	jc_thread_count = count;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, jc_spinner, NULL) != 0)
			_exit(1);
	*ready = 1;
	pthread_join(t[0], NULL);
	_exit(2);
}

UTEST(stop, mcp_threads_stop_and_continue)
{
	volatile unsigned long *count = jc_shared();
	volatile int *ready = (volatile int *)(count + 8);
	char st[32];
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		jc_mcp_child(count, ready);
	for (int t = 0; t < 500 && !*ready; t++)
		jc_nap(10);
	UT_ASSERT(*ready);
	UT_ASSERT(jc_moves(count, 2000));
	utest_note("the child is %s", jc_state(pid, st, sizeof(st)));
	for (int round = 0; round < 3; round++) {
		UT_SYS(kill(pid, SIGSTOP));
		jc_assert_stopped(pid, SIGSTOP);
		UT_ASSERT_STREQ(jc_state(pid, st, sizeof(st)), "STOPPED");
		UT_ASSERT(!jc_moves(count, 200));
		UT_SYS(kill(pid, SIGCONT));
		jc_assert_continued(pid);
		UT_ASSERT(jc_moves(count, 2000));
	}
	UT_SYS(kill(pid, SIGSTOP));
	jc_assert_stopped(pid, SIGSTOP);
	jc_end(pid);                            /* killed while stopped */
	UT_SYS(munmap((void *)count, 4096));
}

static void jc_catch_chld(int flags);

/* A forked child waiting in select for ever, stopped and continued ten
 * times (sigaction/9-1's pattern), then ended by SIGHUP. */
UTEST(stop, forked_select_stopped_continued_then_hup)
{
	char st[32];
	pid_t pid = fork();
	int s;

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		select(0, NULL, NULL, NULL, NULL);
		_exit(0);
	}
	jc_catch_chld(SA_NOCLDSTOP);
	for (int i = 0; i < 4; i++) {
		struct timeval tv = { 1, 0 };

		UT_SYS(kill(pid, SIGSTOP));
		select(0, NULL, NULL, NULL, &tv);
		UT_SYS(kill(pid, SIGCONT));
		utest_note("round %d: %s", i, jc_state(pid, st, sizeof(st)));
	}
	UT_SYS(kill(pid, SIGHUP));
	s = jc_wait(pid, 0);
	UT_ASSERT_MSG(WIFSIGNALED(s) && WTERMSIG(s) == SIGHUP, "status %#x", s);
	signal(SIGCHLD, SIG_DFL);
}

/* ------------------------------------------------------------- waiting */

UTEST(wait, each_change_reported_once)
{
	struct jc_kid k = jc_spawn("tick", -1);
	int st = -1;

	UT_SYS(kill(k.pid, SIGCONT));           /* not stopped: nothing to report */
	UT_SYS(kill(k.pid, SIGSTOP));
	UT_ASSERT_EQ(waitpid(k.pid, &st, WNOHANG), 0);          /* not asked */
	jc_assert_stopped(k.pid, SIGSTOP);
	UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);      /* once */
	UT_SYS(kill(k.pid, SIGSTOP));           /* stopped already: no news */
	UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);
	jc_assert_continued(k.pid);
	UT_ASSERT_EQ(waitpid(k.pid, &st, WCONTINUED | WNOHANG), 0);
	UT_SYS(kill(k.pid, SIGSTOP));
	st = -1;
	UT_ASSERT_EQ(waitpid(-1, &st, WUNTRACED), k.pid);       /* any child */
	UT_ASSERT(WIFSTOPPED(st));
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(waitpid(-1, &st, WCONTINUED), k.pid);
	UT_ASSERT(WIFCONTINUED(st));
	jc_finish(&k);
}

UTEST(wait, waitid_codes_and_wnowait)
{
	struct jc_kid k = jc_spawn("tick", -1);
	siginfo_t si;

	UT_SYS(kill(k.pid, SIGSTOP));
	for (int i = 0; i < 2; i++) {           /* WNOWAIT leaves it there */
		memset(&si, 0, sizeof(si));
		UT_SYS(waitid(P_PID, (id_t)k.pid, &si, WSTOPPED | WNOWAIT));
		UT_ASSERT_EQ(si.si_pid, k.pid);
		UT_ASSERT_EQ(si.si_signo, SIGCHLD);
		UT_ASSERT_EQ(si.si_code, CLD_STOPPED);
		UT_ASSERT_EQ(si.si_status, SIGSTOP);
	}
	UT_SYS(waitid(P_PID, (id_t)k.pid, &si, WSTOPPED));
	UT_ASSERT_EQ(si.si_code, CLD_STOPPED);
	memset(&si, 0xff, sizeof(si));
	UT_SYS(waitid(P_PID, (id_t)k.pid, &si, WSTOPPED | WNOHANG));
	UT_ASSERT_EQ(si.si_pid, 0);             /* taken: nothing left */
	UT_SYS(kill(k.pid, SIGCONT));
	UT_SYS(waitid(P_ALL, 0, &si, WCONTINUED));
	UT_ASSERT_EQ(si.si_pid, k.pid);
	UT_ASSERT_EQ(si.si_code, CLD_CONTINUED);
	UT_ASSERT_EQ(si.si_status, SIGCONT);
	UT_SYS(kill(k.pid, SIGKILL));
	UT_SYS(waitid(P_PID, (id_t)k.pid, &si, WEXITED));
	UT_ASSERT_EQ(si.si_code, CLD_KILLED);
	UT_ASSERT_EQ(si.si_status, SIGKILL);
	UT_ASSERT_ERRNO(waitid(P_PID, (id_t)k.pid, &si, WEXITED), ECHILD);
	jc_close(&k);
}

/* ------------------------------------------------------------ SIGCHLD */

static volatile int jc_nr_chld;
static volatile int jc_chld_code[8], jc_chld_status[8], jc_chld_pid[8];

static void jc_on_chld(int sig, siginfo_t *si, void *uc)
{
	int n = jc_nr_chld;

	(void)sig;
	(void)uc;
	if (n < 8) {
		jc_chld_code[n] = si->si_code;
		jc_chld_status[n] = si->si_status;
		jc_chld_pid[n] = si->si_pid;
	}
	jc_nr_chld = n + 1;
}

static void jc_catch_chld(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = jc_on_chld;
	sa.sa_flags = SA_SIGINFO | flags;
	UT_SYS(sigaction(SIGCHLD, &sa, NULL));
	jc_nr_chld = 0;
}

/* Waits up to 2 s for the n-th SIGCHLD (1-based). */
static bool jc_chld_came(int n)
{
	for (int t = 0; t < 200 && jc_nr_chld < n; t++)
		jc_nap(10);
	return jc_nr_chld >= n;
}

UTEST(sigchld, stopped_continued_killed)
{
	struct jc_kid k;

	jc_catch_chld(0);
	k = jc_spawn("tick", -1);
	UT_SYS(kill(k.pid, SIGSTOP));
	UT_ASSERT(jc_chld_came(1));
	UT_ASSERT_EQ(jc_chld_code[0], CLD_STOPPED);
	UT_ASSERT_EQ(jc_chld_status[0], SIGSTOP);
	UT_ASSERT_EQ(jc_chld_pid[0], k.pid);
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT(jc_chld_came(2));
	UT_ASSERT_EQ(jc_chld_code[1], CLD_CONTINUED);
	UT_ASSERT_EQ(jc_chld_status[1], SIGCONT);
	jc_end(k.pid);
	UT_ASSERT(jc_chld_came(3));
	UT_ASSERT_EQ(jc_chld_code[2], CLD_KILLED);
	signal(SIGCHLD, SIG_DFL);
	jc_close(&k);
}

UTEST(sigchld, none_for_stops_under_sa_nocldstop)
{
	struct jc_kid k;

	jc_catch_chld(SA_NOCLDSTOP);
	k = jc_spawn("tick", -1);
	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	UT_SYS(kill(k.pid, SIGCONT));
	jc_assert_continued(k.pid);
	jc_nap(200);
	UT_ASSERT_EQ(jc_nr_chld, 0);
	jc_end(k.pid);
	UT_ASSERT(jc_chld_came(1));             /* its end is still told */
	UT_ASSERT_EQ(jc_chld_code[0], CLD_KILLED);
	signal(SIGCHLD, SIG_DFL);
	jc_close(&k);
}

/* ---------------------------------------------------------------- kill */

UTEST(kill, sigkill_ends_a_stopped_process)
{
	struct jc_kid k = jc_spawn("echo", -1);

	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	jc_finish(&k);
}

UTEST(kill, sigterm_waits_until_continued)
{
	struct jc_kid k = jc_spawn("tick", -1);
	int st = -1;

	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	UT_SYS(kill(k.pid, SIGTERM));
	jc_nap(200);
	UT_ASSERT_EQ(waitpid(k.pid, &st, WNOHANG), 0);          /* pending, stopped */
	UT_SYS(kill(k.pid, SIGCONT));
	st = jc_wait(k.pid, 0);
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
	jc_close(&k);
}

UTEST(kill, group_stop_and_continue)
{
	struct jc_kid a = jc_spawn("tick", 0), b = jc_spawn("tick", a.pid);

	UT_ASSERT_EQ(getpgid(b.pid), a.pid);
	UT_SYS(kill(-a.pid, SIGSTOP));
	jc_assert_stopped(a.pid, SIGSTOP);
	jc_assert_stopped(b.pid, SIGSTOP);
	jc_drain(&a, 30);
	jc_drain(&b, 30);
	UT_ASSERT_EQ(jc_byte(&a, 100), 0);
	UT_ASSERT_EQ(jc_byte(&b, 100), 0);
	UT_SYS(killpg(a.pid, SIGCONT));
	jc_assert_continued(a.pid);
	jc_assert_continued(b.pid);
	UT_ASSERT_EQ(jc_byte(&a, 2000), 't');
	UT_ASSERT_EQ(jc_byte(&b, 2000), 't');
	UT_SYS(kill(-a.pid, SIGTSTP));          /* the default stops both */
	jc_assert_stopped(a.pid, SIGTSTP);
	jc_assert_stopped(b.pid, SIGTSTP);
	UT_SYS(kill(-a.pid, SIGKILL));
	UT_ASSERT(WIFSIGNALED(jc_wait(a.pid, 0)));
	UT_ASSERT(WIFSIGNALED(jc_wait(b.pid, 0)));
	jc_close(&a);
	jc_close(&b);
}

/* --------------------------------------------------- stop signals, CONT */

UTEST(tstp, default_action_stops)
{
	static const int sigs[] = { SIGTSTP, SIGTTIN, SIGTTOU };
	struct jc_kid k = jc_spawn("tick", -1);

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		UT_SYS(kill(k.pid, sigs[i]));
		jc_assert_stopped(k.pid, sigs[i]);
		UT_SYS(kill(k.pid, SIGCONT));
		jc_assert_continued(k.pid);
	}
	jc_finish(&k);
}

UTEST(tstp, handler_runs_instead)
{
	struct jc_kid k = jc_spawn("tstp-handler", -1);
	int st = -1;

	UT_SYS(kill(k.pid, SIGTSTP));
	UT_ASSERT_EQ(jc_byte(&k, 2000), 'h');
	UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);
	jc_finish(&k);
}

UTEST(tstp, raise_sigstop_stops_the_caller)
{
	struct jc_kid k = jc_spawn("raise", -1);
	int st;

	jc_assert_stopped(k.pid, SIGSTOP);
	UT_ASSERT_EQ(jc_byte(&k, 100), 0);
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(jc_byte(&k, 2000), 'a');
	st = jc_wait(k.pid, 0);
	UT_ASSERT_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
	jc_close(&k);
}

UTEST(cont, handler_runs_after_the_continue)
{
	struct jc_kid k = jc_spawn("cont-handler", -1);

	UT_SYS(kill(k.pid, SIGSTOP));
	jc_assert_stopped(k.pid, SIGSTOP);
	UT_ASSERT_EQ(jc_byte(&k, 100), 0);
	UT_SYS(kill(k.pid, SIGCONT));
	UT_ASSERT_EQ(jc_byte(&k, 2000), 'c');
	jc_assert_continued(k.pid);
	jc_finish(&k);
}

/* A child that blocks SIGTSTP gets one; after it unblocks, it stops,
 * unless a SIGCONT came in between (cont). */
static void jc_pending_tstp(bool cont)
{
	struct jc_kid k = jc_spawn("block-tstp", -1);
	int st = -1;

	UT_SYS(kill(k.pid, SIGTSTP));
	jc_nap(100);
	if (cont)
		UT_SYS(kill(k.pid, SIGCONT));
	jc_nap(100);
	UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);      /* blocked */
	UT_ASSERT_EQ(write(k.in, "u", 1), 1);   /* unblock it */
	if (cont) {
		UT_ASSERT_EQ(jc_byte(&k, 2000), 'u');
		jc_nap(100);
		UT_ASSERT_EQ(waitpid(k.pid, &st, WUNTRACED | WNOHANG), 0);
	} else {
		jc_assert_stopped(k.pid, SIGTSTP);
	}
	jc_finish(&k);
}

UTEST(cont, pending_tstp_stops_once_unblocked)
{
	jc_pending_tstp(false);
}

UTEST(cont, sigcont_discards_a_pending_tstp)
{
	jc_pending_tstp(true);
}

/* ------------------------------------------------------------- errors */

UTEST(errors, bad_pids_signals_options)
{
	struct sigaction sa;
	siginfo_t si;
	int st;

	UT_ASSERT_ERRNO(kill(NO_SUCH_PID, SIGSTOP), ESRCH);
	UT_ASSERT_ERRNO(kill(NO_SUCH_PID, SIGCONT), ESRCH);
	UT_ASSERT_ERRNO(kill(getpid(), 65), EINVAL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	UT_ASSERT_ERRNO(sigaction(SIGSTOP, &sa, NULL), EINVAL);
	UT_ASSERT_ERRNO(waitpid(-1, &st, 0x40), EINVAL);
	UT_ASSERT_ERRNO(waitid(P_ALL, 0, &si, 0), EINVAL);
	UT_ASSERT_ERRNO(waitpid(NO_SUCH_PID, &st, WUNTRACED), ECHILD);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_proc_stop, 5, 0, 0, 0, 0, 0), -EINVAL);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_proc_stop, SIGCONT, 0, 0, 0, 0, 0), -EINVAL);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_signal_proc, -3, SIGSTOP, 0, 0, 0, 0), -EINVAL);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_signal_proc, getpid(), 99, 0, 0, 0, 0), -EINVAL);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_signal_proc, NO_SUCH_PID, SIGCONT, 0, 0, 0, 0), -ESRCH);
	UT_ASSERT_EQ(ros_syscall_raw(SYS_signal_proc, getpid(), 0, 0, 0, 0, 0), 0);
}

/* In a child: a sibling in another session is not ours to stop. */
UTEST(errors, stopping_another_session_is_eperm)
{
	int up[2];
	char c = 0;
	pid_t other, pid;

	UT_SYS(pipe(up));
	other = fork();
	UT_ASSERT(other >= 0);
	if (other == 0) {
		if (setsid() < 0 || write(up[1], "s", 1) != 1)
			_exit(1);
		for (;;)
			usleep(5000);
	}
	UT_ASSERT_EQ(read(up[0], &c, 1), 1);
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0)
		_exit(kill(other, SIGSTOP) == -1 && errno == EPERM &&
		      kill(other, SIGCONT) == -1 && errno == EPERM ? 0 : 1);
	UT_ASSERT_EQ(jc_wait(pid, 0), 0);
	jc_end(other);
	close(up[0]);
	close(up[1]);
}

/* -------------------------------------------------------- child modes */

static void jc_put(char c)
{
	if (write(1, &c, 1) != 1)
		_exit(3);
}

static void jc_on_sig_h(int sig)
{
	(void)sig;
	jc_put('h');
}

static void jc_on_sig_c(int sig)
{
	(void)sig;
	jc_put('c');
}

static void jc_block(int sig, int how)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, sig);
	sigprocmask(how, &s, NULL);
}

/* What "/test/libc_jobctl --MODE" does; never returns. */
static void jc_child(const char *mode)
{
	char c;

	if (!strcmp(mode, "--tstp-handler"))
		signal(SIGTSTP, jc_on_sig_h);
	if (!strcmp(mode, "--cont-handler"))
		signal(SIGCONT, jc_on_sig_c);
	if (!strcmp(mode, "--block-tstp"))
		jc_block(SIGTSTP, SIG_BLOCK);
	jc_put('r');
	if (!strcmp(mode, "--tick"))
		for (;;) {
			jc_put('t');
			usleep(2000);
		}
	if (!strcmp(mode, "--echo"))
		while (read(0, &c, 1) == 1)
			jc_put(c);
	if (!strcmp(mode, "--sleep")) {
		jc_nap(300);
		jc_put('d');
		_exit(0);
	}
	if (!strcmp(mode, "--raise")) {
		raise(SIGSTOP);
		jc_put('a');
		_exit(0);
	}
	if (!strcmp(mode, "--block-tstp")) {
		if (read(0, &c, 1) != 1)
			_exit(4);
		jc_block(SIGTSTP, SIG_UNBLOCK);
		jc_put('u');
	}
	for (;;)
		usleep(5000);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strncmp(argv[1], "--", 2) && argv[1][2])
		jc_child(argv[1]);
	return utest_main("libc_jobctl", argc, argv);
}
