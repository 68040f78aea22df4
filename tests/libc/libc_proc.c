/* SPDX-License-Identifier: MIT */
/*
 * libc_proc.c - processes through the C library: fork (copy-on-write of
 * the stack and the heap), execve/execvp with argv and envp checked through
 * a pipe, waitpid of many children and WNOHANG, posix_spawn/posix_spawnp
 * with file actions (dup2 capture, close-on-exec, open, errors), kill of a
 * child (SIGKILL, a default SIGTERM, a handler with si_pid), raise and the
 * signal mask, and the errors of bad input.  The child program is
 * /test/printargs (tests/libc/printargs.c).
 * Run by scripts/run-ktests.sh (run_utest libc_proc) as the first process.
 * Every test reaps its children and closes its fds.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include "lutest.h"

#define PRINTARGS "/test/printargs"
#define NR_KIDS 16

extern char **environ;

/* Reads fd to EOF into buf (NUL-terminated); the length, or -1. */
static long read_all(int fd, char *buf, size_t cap)
{
	size_t have = 0;
	long n;

	while (have + 1 < cap && (n = read(fd, buf + have, cap - 1 - have)) > 0)
		have += (size_t)n;
	buf[have] = '\0';
	return (long)have;
}

/* Reads one line (up to '\n') from fd into buf; its length, or -1. */
static long read_line(int fd, char *buf, size_t cap)
{
	size_t have = 0;

	while (have + 1 < cap && read(fd, buf + have, 1) == 1)
		if (buf[have++] == '\n')
			break;
	buf[have] = '\0';
	return have ? (long)have : -1;
}

static int wait_for(pid_t pid)
{
	int status = -1;

	return waitpid(pid, &status, 0) == pid ? status : -1;
}

/* ---------------------------------------------------------------- fork */

LT_TEST(fork_copies_stack_and_heap_on_write)
{
	volatile int on_stack = 1234;
	char *heap = malloc(64 * 1024);
	pid_t pid;
	int status;

	LT_ASSERT(heap);
	memset(heap, 'p', 64 * 1024);
	pid = fork();
	if (pid == 0) {
		int ok = on_stack == 1234 && heap[0] == 'p' && heap[64 * 1024 - 1] == 'p';

		on_stack = 99;
		memset(heap, 'c', 64 * 1024);
		_exit(ok && on_stack == 99 && heap[4096] == 'c' ? 21 : 1);
	}
	LT_ASSERT_MSG(pid > 0, "fork: %s (%s)", strerror(errno), errstr());
	status = wait_for(pid);
	LT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 21, "status %#x", status);
	LT_ASSERT_EQ(on_stack, 1234);
	for (int i = 0; i < 64 * 1024; i += 4096)
		LT_ASSERT_MSG(heap[i] == 'p', "parent's heap changed at %d", i);
	free(heap);
}

LT_TEST(fork_child_knows_its_parent)
{
	pid_t me = getpid(), pid = fork();

	if (pid == 0)
		_exit(getppid() == me && getpid() != me ? 22 : 1);
	LT_ASSERT(pid > 0 && pid != me);
	LT_ASSERT_EQ(wait_for(pid), 22 << 8);
}

/* ---------------------------------------------------------------- exec */

static const char printargs_expect[] =
	"argc 3\nargv[0] printargs\nargv[1] one\nargv[2] two words\nenv A=1\nenv LONG=xyz\n";

/* Runs path with argv and envp under fork+execve, its stdout into out; the
 * child's wait status. */
static int run_capture(const char *path, char *const argv[], char *const envp[], char *out,
                       size_t len)
{
	int p[2];
	pid_t pid;

	LT_ASSERT_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	LT_ASSERT(pid > 0);
	close(p[1]);
	read_all(p[0], out, len);
	close(p[0]);
	return wait_for(pid);
}

LT_TEST(execve_passes_argv_and_envp)
{
	char *const argv[] = { "printargs", "one", "two words", NULL };
	char *const envp[] = { "A=1", "LONG=xyz", NULL };
	char out[512];

	LT_ASSERT_EQ(run_capture(PRINTARGS, argv, envp, out, sizeof(out)), 3 << 8);
	LT_ASSERT_MSG(!strcmp(out, printargs_expect), "child printed '%s'", out);
}

static void write_script(const char *path, const char *text)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0755);

	LT_ASSERT_MSG(fd >= 0, "open %s: %s", path, strerror(errno));
	LT_ASSERT_EQ(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

LT_TEST(execve_script_runs_its_interpreter)
{
	char *const argv[] = { "ignored", "one", NULL };
	char *const envp[] = { "A=1", NULL };
	char out[512];

	write_script("/tmp/lp_script", "#! " PRINTARGS "  -x y \t\nbody\n");
	LT_ASSERT_EQ(run_capture("/tmp/lp_script", argv, envp, out, sizeof(out)), 3 << 8);
	LT_ASSERT_MSG(!strcmp(out, "argc 4\nargv[0] " PRINTARGS "\nargv[1] -x y\n"
	                      "argv[2] /tmp/lp_script\nargv[3] one\nenv A=1\n"),
	              "child printed '%s'", out);
	/* A script whose interpreter is a script: two levels. */
	write_script("/tmp/lp_script2", "#!/tmp/lp_script\n");
	LT_ASSERT_EQ(run_capture("/tmp/lp_script2", argv, envp, out, sizeof(out)), 3 << 8);
	LT_ASSERT_MSG(!strcmp(out, "argc 5\nargv[0] " PRINTARGS "\nargv[1] -x y\n"
	                      "argv[2] /tmp/lp_script\nargv[3] /tmp/lp_script2\n"
	                      "argv[4] one\nenv A=1\n"), "child printed '%s'", out);
	unlink("/tmp/lp_script2");
	unlink("/tmp/lp_script");
}

LT_TEST(execve_script_errors)
{
	char *const argv[] = { "x", NULL };
	char *const envp[] = { NULL };

	write_script("/tmp/lp_bad", "#!/no/such/interpreter\n");
	LT_ASSERT_EQ(execve("/tmp/lp_bad", argv, envp), -1);
	LT_ASSERT_MSG(errno == ENOENT && strstr(errstr(), "bad interpreter"),
	              "errno %d (%s)", errno, errstr());
	write_script("/tmp/lp_bad", "#!   \n");
	LT_ASSERT_EQ(execve("/tmp/lp_bad", argv, envp), -1);
	LT_ASSERT_MSG(errno == ENOEXEC, "errno %d (%s)", errno, errstr());
	/* A script that names itself loops: ELOOP after four levels. */
	write_script("/tmp/lp_bad", "#!/tmp/lp_bad\n");
	LT_ASSERT_EQ(execve("/tmp/lp_bad", argv, envp), -1);
	LT_ASSERT_MSG(errno == ELOOP, "errno %d (%s)", errno, errstr());
	unlink("/tmp/lp_bad");
}

LT_TEST(execvp_searches_path)
{
	pid_t pid = fork();

	if (pid == 0) {
		char *const argv[] = { "printargs", NULL };
		int fd = open("/dev/null", O_WRONLY);

		dup2(fd, 1);
		setenv("PATH", "/nonexistent:/test", 1);
		execvp("printargs", argv);
		_exit(100 + errno);
	}
	LT_ASSERT(pid > 0);
	LT_ASSERT_EQ(wait_for(pid), 3 << 8);
}

LT_TEST(execve_errors_leave_the_caller_running)
{
	char *const argv[] = { "x", NULL };
	char *const envp[] = { NULL };

	errno = 0;
	LT_ASSERT_EQ(execve("/no/such/program", argv, envp), -1);
	LT_ASSERT_EQ(errno, ENOENT);
	LT_ASSERT_EQ(execve("/etc/motd", argv, envp), -1);
	LT_ASSERT_MSG(errno == ENOEXEC, "errno %d (%s)", errno, errstr());
	LT_ASSERT_EQ(execve(PRINTARGS, NULL, envp), -1);
	LT_ASSERT_EQ(errno, EFAULT);
	LT_ASSERT_EQ(fexecve(-1, argv, envp), -1);
	LT_ASSERT_EQ(errno, EBADF);
}

/* ------------------------------------------------------------- waitpid */

LT_TEST(waitpid_reaps_many_children)
{
	pid_t pids[NR_KIDS];
	unsigned int seen = 0;
	int status;

	for (int i = 0; i < NR_KIDS; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(i + 1);
		LT_ASSERT(pids[i] > 0);
	}
	for (int i = 0; i < NR_KIDS; i++) {
		pid_t pid = waitpid(-1, &status, 0);
		int code = WEXITSTATUS(status);

		LT_ASSERT_MSG(pid > 0, "waitpid: %s", strerror(errno));
		LT_ASSERT(WIFEXITED(status) && code >= 1 && code <= NR_KIDS);
		LT_ASSERT_EQ(pids[code - 1], pid);
		LT_ASSERT(!(seen & 1u << code));
		seen |= 1u << code;
	}
	LT_ASSERT_EQ(waitpid(-1, &status, 0), -1);
	LT_ASSERT_EQ(errno, ECHILD);
}

LT_TEST(waitpid_wnohang)
{
	int p[2], status = -1;
	char c = 0;
	pid_t pid;

	LT_ASSERT_EQ(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 5 : 6);     /* waits for the parent's close */
	}
	LT_ASSERT(pid > 0);
	close(p[0]);
	LT_ASSERT_EQ(waitpid(pid, &status, WNOHANG), 0);
	close(p[1]);
	LT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	LT_ASSERT_EQ(status, 5 << 8);
	LT_ASSERT_EQ(waitpid(pid, &status, WNOHANG), -1);
	LT_ASSERT_EQ(errno, ECHILD);
	LT_ASSERT_EQ(waitpid(-1, &status, 0x40), -1);
	LT_ASSERT_EQ(errno, EINVAL);
}

/* --------------------------------------------------------- posix_spawn */

LT_TEST(posix_spawn_dup2_captures_stdout)
{
	char *const argv[] = { "printargs", "one", "two words", NULL };
	char *const envp[] = { "A=1", "LONG=xyz", NULL };
	posix_spawn_file_actions_t fa;
	char out[512];
	int p[2], err;
	pid_t pid = -1;

	LT_ASSERT_EQ(pipe(p), 0);
	LT_ASSERT_EQ(posix_spawn_file_actions_init(&fa), 0);
	LT_ASSERT_EQ(posix_spawn_file_actions_adddup2(&fa, p[1], 1), 0);
	LT_ASSERT_EQ(posix_spawn_file_actions_addclose(&fa, p[0]), 0);
	LT_ASSERT_EQ(posix_spawn_file_actions_addclose(&fa, p[1]), 0);
	err = posix_spawn(&pid, PRINTARGS, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	LT_ASSERT_MSG(err == 0, "posix_spawn: %s (%s)", strerror(err), errstr());
	read_all(p[0], out, sizeof(out));
	close(p[0]);
	LT_ASSERT_EQ(wait_for(pid), 3 << 8);
	LT_ASSERT_MSG(!strcmp(out, printargs_expect), "child printed '%s'", out);
}

/* The child's open fds, as printed by printargs --fds, in a bit mask;
 * *status is the child's status, or -errno of a failed spawn. */
static uint64_t spawn_fds(posix_spawn_file_actions_t *extra, int *status)
{
	int err;
	char *const argv[] = { "printargs", "--fds", NULL };
	posix_spawn_file_actions_t fa;
	char out[1024], *line;
	uint64_t fds = 0;
	int p[2];
	pid_t pid = -1;

	if (pipe2(p, O_CLOEXEC))
		return ~0ull;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	err = posix_spawn(&pid, PRINTARGS, extra ? extra : &fa, NULL, argv, environ);
	if (err)
		pid = -err;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	read_all(p[0], out, sizeof(out));
	close(p[0]);
	*status = pid > 0 ? wait_for(pid) : pid;
	for (line = strtok(out, "\n"); line; line = strtok(NULL, "\n"))
		if (!strncmp(line, "fd ", 3))
			fds |= 1ull << (atoi(line + 3) & 63);
	return fds;
}

LT_TEST(posix_spawn_drops_cloexec_fds)
{
	int keep = open("/dev/null", O_RDONLY);
	int drop = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint64_t fds;
	int status;

	LT_ASSERT(keep > 2 && drop > 2 && keep < 64 && drop < 64);
	fds = spawn_fds(NULL, &status);
	close(keep);
	close(drop);
	LT_ASSERT_EQ(status, 4 << 8);
	LT_ASSERT_MSG(fds & 1ull << keep, "fd %d not inherited (fds %#llx)", keep,
	              (unsigned long long)fds);
	LT_ASSERT_MSG(!(fds & 1ull << drop), "cloexec fd %d inherited (fds %#llx)", drop,
	              (unsigned long long)fds);
	LT_ASSERT(fds & 1ull << 1);
}

LT_TEST(posix_spawn_addopen_and_addclose)
{
	char *const argv[] = { "printargs", "to-file", NULL };
	posix_spawn_file_actions_t fa;
	char out[256];
	pid_t pid = -1;
	int fd, err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/tmp/spawn_out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addclose(&fa, 0);
	err = posix_spawn(&pid, PRINTARGS, &fa, NULL, argv, NULL);
	posix_spawn_file_actions_destroy(&fa);
	LT_ASSERT_MSG(err == 0, "posix_spawn: %s (%s)", strerror(err), errstr());
	LT_ASSERT_EQ(wait_for(pid), 3 << 8);
	fd = open("/tmp/spawn_out", O_RDONLY);
	LT_ASSERT(fd >= 0);
	read_all(fd, out, sizeof(out));
	close(fd);
	unlink("/tmp/spawn_out");
	LT_ASSERT_MSG(!strcmp(out, "argc 2\nargv[0] printargs\nargv[1] to-file\n"), "'%s'", out);
}

LT_TEST(posix_spawnp_searches_path)
{
	char *const argv[] = { "printargs", NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;
	int err;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	err = posix_spawnp(&pid, "printargs", &fa, NULL, argv, environ);
	LT_ASSERT_MSG(err == 0, "posix_spawnp: %s (%s)", strerror(err), errstr());
	LT_ASSERT_EQ(wait_for(pid), 3 << 8);
	err = posix_spawnp(&pid, "no-such-program", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	LT_ASSERT_EQ(err, ENOENT);
}

LT_TEST(posix_spawn_errors_start_no_child)
{
	char *const argv[] = { "printargs", NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid = -7;
	int status;

	LT_ASSERT_EQ(posix_spawn(&pid, "/no/such", NULL, NULL, argv, environ), ENOENT);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, 63, 1);           /* 63 is not open */
	LT_ASSERT_EQ(posix_spawn(&pid, PRINTARGS, &fa, NULL, argv, environ), EBADF);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 5, "/no/such/file", O_RDONLY, 0);
	LT_ASSERT_EQ(posix_spawn(&pid, PRINTARGS, &fa, NULL, argv, environ), ENOENT);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
	LT_ASSERT_EQ(posix_spawn(&pid, PRINTARGS, NULL, &attr, argv, environ), ENOSYS);
	posix_spawnattr_destroy(&attr);
	LT_ASSERT_EQ(pid, -7);
	LT_ASSERT_EQ(waitpid(-1, &status, WNOHANG), -1);
	LT_ASSERT_EQ(errno, ECHILD);
}

/* ------------------------------------------------------------- signals */

/* Spawns printargs MODE with stdout on a pipe and waits for "ready". */
static pid_t spawn_ready(const char *mode)
{
	char *const argv[] = { "printargs", (char *)mode, NULL };
	posix_spawn_file_actions_t fa;
	char line[32];
	pid_t pid = -1;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	if (posix_spawn(&pid, PRINTARGS, &fa, NULL, argv, environ))
		pid = -1;
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (pid > 0 && (read_line(p[0], line, sizeof(line)) < 0 || strcmp(line, "ready\n")))
		pid = -2;
	close(p[0]);
	return pid;
}

LT_TEST(kill_sigkill_of_a_child)
{
	pid_t pid = spawn_ready("--sleep");
	int status;

	LT_ASSERT_MSG(pid > 0, "spawn: %d", pid);
	LT_ASSERT_EQ(kill(pid, 0), 0);
	LT_ASSERT_EQ(kill(pid, SIGKILL), 0);
	status = wait_for(pid);
	LT_ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "status %#x", status);
	LT_ASSERT_EQ(kill(pid, 0), -1);
	LT_ASSERT_EQ(errno, ESRCH);
}

LT_TEST(kill_sigterm_default_ends_a_sleeping_child)
{
	pid_t pid = spawn_ready("--sleep");
	int status;

	LT_ASSERT_MSG(pid > 0, "spawn: %d", pid);
	LT_ASSERT_EQ(kill(pid, SIGTERM), 0);
	status = wait_for(pid);
	/* The target's default action ends it "by signal SIGTERM". */
	LT_ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	              "status %#x", status);
}

/* A program without the C library takes no signal events: kill applies
 * the default action for it (ignored, or ended "by" the signal). */
LT_TEST(kill_of_a_process_without_signal_queue)
{
	char *argv[] = { "/test/victim", "spin", NULL };
	pid_t pid;
	int status;

	LT_ASSERT_EQ(posix_spawn(&pid, "/test/victim", NULL, NULL, argv, environ), 0);
	LT_ASSERT_EQ(kill(pid, SIGCHLD), 0);            /* ignored by default */
	LT_ASSERT_EQ(kill(pid, 0), 0);                  /* still there */
	LT_ASSERT_EQ(kill(pid, SIGTERM), 0);
	status = wait_for(pid);
	LT_ASSERT_MSG(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM, "status %#x", status);
}

LT_TEST(kill_runs_the_childs_handler_with_si_pid)
{
	pid_t pid = spawn_ready("--catch");

	LT_ASSERT_MSG(pid > 0, "spawn: %d", pid);
	LT_ASSERT_EQ(kill(pid, SIGUSR1), 0);
	LT_ASSERT_EQ(wait_for(pid), 42 << 8);
}

static volatile int usr1_count, usr2_count;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
}

static void on_usr2(int sig)
{
	(void)sig;
	usr2_count++;
}

LT_TEST(raise_and_kill_self_run_handlers_at_once)
{
	sigset_t set, pending;

	usr1_count = usr2_count = 0;
	LT_ASSERT(signal(SIGUSR1, on_usr1) != SIG_ERR);
	LT_ASSERT(signal(SIGUSR2, on_usr2) != SIG_ERR);
	LT_ASSERT_EQ(raise(SIGUSR1), 0);
	LT_ASSERT_EQ(usr1_count, 1);
	LT_ASSERT_EQ(kill(getpid(), SIGUSR2), 0);
	LT_ASSERT_EQ(usr2_count, 1);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	LT_ASSERT_EQ(sigprocmask(SIG_BLOCK, &set, NULL), 0);
	LT_ASSERT_EQ(raise(SIGUSR1), 0);
	LT_ASSERT_EQ(usr1_count, 1);
	LT_ASSERT_EQ(sigpending(&pending), 0);
	LT_ASSERT(sigismember(&pending, SIGUSR1));
	LT_ASSERT_EQ(sigprocmask(SIG_UNBLOCK, &set, NULL), 0);
	LT_ASSERT_EQ(usr1_count, 2);
	LT_ASSERT(signal(SIGUSR1, SIG_IGN) == on_usr1);
	LT_ASSERT_EQ(raise(SIGUSR1), 0);
	LT_ASSERT_EQ(usr1_count, 2);
	signal(SIGUSR1, SIG_DFL);
	signal(SIGUSR2, SIG_DFL);
}

LT_TEST(default_actions_in_a_child)
{
	pid_t pid = fork();

	if (pid == 0) {
		raise(SIGCHLD);                 /* ignored by default */
		raise(SIGTERM);
		_exit(1);
	}
	LT_ASSERT(pid > 0);
	LT_ASSERT_EQ(wait_for(pid), SIGTERM);     /* WIFSIGNALED, WTERMSIG 15 */
	pid = fork();
	if (pid == 0)
		abort();
	LT_ASSERT(pid > 0);
	LT_ASSERT_EQ(wait_for(pid), SIGABRT);
}

LT_TEST(signal_errors)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	LT_ASSERT_EQ(kill(getpid(), -1), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(kill(getpid(), 65), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(kill(999999, SIGTERM), -1);
	LT_ASSERT_EQ(errno, ESRCH);
	LT_ASSERT_EQ(kill(-999999, 0), -1);     /* groups: tests/libc/libc_pgrp.c */
	LT_ASSERT_EQ(errno, ESRCH);
	LT_ASSERT_EQ(sigaction(SIGKILL, &sa, NULL), -1);
	LT_ASSERT_EQ(errno, EINVAL);
	LT_ASSERT_EQ(kill(getpid(), 0), 0);
}

static const struct lt_test tests[] = {
	LT_ENTRY(fork_copies_stack_and_heap_on_write),
	LT_ENTRY(fork_child_knows_its_parent),
	LT_ENTRY(execve_passes_argv_and_envp),
	LT_ENTRY(execve_script_runs_its_interpreter),
	LT_ENTRY(execve_script_errors),
	LT_ENTRY(execvp_searches_path),
	LT_ENTRY(execve_errors_leave_the_caller_running),
	LT_ENTRY(waitpid_reaps_many_children),
	LT_ENTRY(waitpid_wnohang),
	LT_ENTRY(posix_spawn_dup2_captures_stdout),
	LT_ENTRY(posix_spawn_drops_cloexec_fds),
	LT_ENTRY(posix_spawn_addopen_and_addclose),
	LT_ENTRY(posix_spawnp_searches_path),
	LT_ENTRY(posix_spawn_errors_start_no_child),
	LT_ENTRY(kill_sigkill_of_a_child),
	LT_ENTRY(kill_sigterm_default_ends_a_sleeping_child),
	LT_ENTRY(kill_of_a_process_without_signal_queue),
	LT_ENTRY(kill_runs_the_childs_handler_with_si_pid),
	LT_ENTRY(raise_and_kill_self_run_handlers_at_once),
	LT_ENTRY(default_actions_in_a_child),
	LT_ENTRY(signal_errors),
};

int main(int argc, char **argv)
{
	setenv("PATH", "/nonexistent:/test", 1);         /* the search tests: first a miss */
	return lt_main("libc_proc", tests, LT_COUNT(tests), argc, argv);
}
