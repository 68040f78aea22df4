/* SPDX-License-Identifier: MIT */
/*
 * libc_pgrp.c - process groups and sessions (Documentation/processes.md,
 * "Process groups and sessions"): getpgrp/getpgid/getsid, inheritance over
 * fork and posix_spawn, setpgid's moves and its errors (EINVAL, ESRCH,
 * EPERM for a session leader, another session or a missing group, EACCES
 * after exec), setsid, kill(0), kill(-pgid) and killpg reaching every
 * member and only them, ESRCH for an empty group, EPERM outside the
 * sender's session and descendants, kill(pid, 0), and the pgid and sid
 * fields of #proc/PID/status.
 * "/test/libc_pgrp --ready" is the exec'd child of the EACCES test: it
 * writes "r" on fd 1 and waits for EOF on fd 0; "--nap" writes "r" and
 * sleeps in short naps until a signal ends it.
 * Run by scripts/run-ktests.sh (run_utest libc_pgrp).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

#define NO_SUCH_PID 999999

extern char **environ;

static int lp_wait(pid_t pid)
{
	int st = -1;

	UT_ASSERT_EQ(waitpid(pid, &st, 0), pid);
	return st;
}

/* A child that sleeps in short naps until a signal ends it (a signal is
 * acted on between calls; a sleeping call is not interrupted yet). */
static pid_t lp_napper(void)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		for (;;)
			usleep(5000);
	return pid;
}

/* A napper in group pgid (0: its own) that runs a new program (a forked
 * child's copied signal queue does not take the kernel's messages yet:
 * Documentation/libc.md, "Signals"): its pid once it runs. */
static pid_t lp_exec_napper(pid_t pgid)
{
	char *argv[] = { "libc_pgrp", "--nap", NULL };
	int p[2];
	char c = 0;
	pid_t pid;

	UT_SYS(pipe(p));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		if (setpgid(0, pgid) != 0)
			_exit(1);
		dup2(p[1], 1);
		execve("/test/libc_pgrp", argv, environ);
		_exit(127);
	}
	close(p[1]);
	UT_ASSERT_EQ(read(p[0], &c, 1), 1);
	close(p[0]);
	UT_ASSERT_EQ(getpgid(pid), pgid ? pgid : pid);
	return pid;
}

/* Ends a napper and reaps it: killed by SIGKILL. */
static void lp_end(pid_t pid)
{
	int st;

	UT_SYS(kill(pid, SIGKILL));
	st = lp_wait(pid);
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status %#x", st);
}

/* The pgid and sid fields (the last two) of #proc/PID/status. */
static void lp_status_ids(pid_t pid, int *pgid, int *sid)
{
	char path[64], buf[256], *f[9];
	int fd, n, nf = 0;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	fd = UT_SYS(open(path, O_RDONLY));
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	UT_ASSERT(n > 0);
	buf[n] = '\0';
	for (char *s = strtok(buf, " \n"); s && nf < 9; s = strtok(NULL, " \n"))
		f[nf++] = s;
	UT_ASSERT_EQ(nf, 9);
	*pgid = atoi(f[7]);
	*sid = atoi(f[8]);
}

/* --------------------------------------------------------------- ids */

UTEST(ids, getpgrp_getpgid_getsid_agree)
{
	int pgid, sid;

	UT_ASSERT_EQ(getpgrp(), getpgid(0));
	UT_ASSERT_EQ(getpgid(0), getpgid(getpid()));
	UT_ASSERT_EQ(getsid(0), getsid(getpid()));
	UT_ASSERT(getpgrp() > 0 && getsid(0) > 0);
	lp_status_ids(getpid(), &pgid, &sid);
	UT_ASSERT_EQ(pgid, getpgrp());
	UT_ASSERT_EQ(sid, getsid(0));
}

UTEST(ids, bad_pids)
{
	UT_ASSERT_ERRNO(getpgid(NO_SUCH_PID), ESRCH);
	UT_ASSERT_ERRNO(getsid(NO_SUCH_PID), ESRCH);
	UT_ASSERT_ERRNO(getpgid(-5), ESRCH);
	UT_ASSERT_ERRNO(setpgid(-1, 0), EINVAL);
	UT_ASSERT_ERRNO(setpgid(0, -1), EINVAL);
	UT_ASSERT_ERRNO(setpgid(NO_SUCH_PID, 0), ESRCH);
	UT_ASSERT_ERRNO(kill(NO_SUCH_PID, 0), ESRCH);
	UT_ASSERT_EQ(kill(getpid(), 0), 0);
}

UTEST(ids, inherited_over_fork_and_spawn)
{
	char *argv[] = { "printargs", NULL };
	int p[2], pgid = -1, sid = -1, st;
	pid_t pid;

	UT_SYS(pipe(p));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		int ids[2] = { getpgrp(), getsid(0) };

		_exit(write(p[1], ids, sizeof(ids)) == sizeof(ids) ? 0 : 1);
	}
	{
		int ids[2] = { 0, 0 };

		UT_ASSERT_EQ(read(p[0], ids, sizeof(ids)), (ssize_t)sizeof(ids));
		UT_ASSERT_EQ(ids[0], getpgrp());
		UT_ASSERT_EQ(ids[1], getsid(0));
	}
	UT_ASSERT_EQ(lp_wait(pid), 0);
	close(p[0]);
	close(p[1]);
	UT_ASSERT_EQ(posix_spawn(&pid, "/test/printargs", NULL, NULL, argv, environ), 0);
	lp_status_ids(pid, &pgid, &sid);        /* running or DEAD, not reaped */
	st = lp_wait(pid);
	UT_ASSERT(WIFEXITED(st));
	UT_ASSERT_EQ(pgid, getpgrp());
	UT_ASSERT_EQ(sid, getsid(0));
}

/* ---------------------------------------------------------- setpgid */

UTEST(setpgid, move_a_child_and_back)
{
	pid_t c = lp_napper();

	UT_ASSERT_EQ(getpgid(c), getpgrp());
	UT_SYS(setpgid(c, 0));                  /* its own group */
	UT_ASSERT_EQ(getpgid(c), c);
	UT_SYS(setpgid(c, c));                  /* again: no change */
	UT_ASSERT_ERRNO(setpgid(c, NO_SUCH_PID), EPERM);        /* no such group */
	UT_SYS(setpgid(c, getpgrp()));          /* back to ours */
	UT_ASSERT_EQ(getpgid(c), getpgrp());
	lp_end(c);
}

UTEST(setpgid, not_our_child_is_esrch)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)                           /* its parent is not its child */
		_exit(setpgid(getppid(), 0) == -1 && errno == ESRCH ? 0 : 1);
	UT_ASSERT_EQ(lp_wait(pid), 0);
}

UTEST(setpgid, after_exec_is_eacces)
{
	char *argv[] = { "libc_pgrp", "--ready", NULL };
	int in[2], out[2];
	char c = 0;
	pid_t pid;

	UT_SYS(pipe(in));
	UT_SYS(pipe(out));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execve("/test/libc_pgrp", argv, environ);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	UT_ASSERT_EQ(read(out[0], &c, 1), 1);   /* it runs the new program */
	UT_ASSERT_EQ(c, 'r');
	UT_ASSERT_ERRNO(setpgid(pid, pid), EACCES);
	close(in[1]);
	UT_ASSERT_EQ(lp_wait(pid), 0);
	close(out[0]);
}

/* ----------------------------------------------------------- setsid */

/* In a child: setsid and its errors; the exit code says which failed. */
static int lp_setsid_child(void)
{
	pid_t me = getpid();

	if (setsid() != me)
		return 1;
	if (getsid(0) != me || getpgrp() != me)
		return 2;
	if (setsid() != -1 || errno != EPERM)           /* a group leader now */
		return 3;
	if (setpgid(0, 0) != -1 || errno != EPERM)      /* a session leader */
		return 4;
	return 0;
}

UTEST(setsid, new_session_then_eperm)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		_exit(lp_setsid_child());
	UT_ASSERT_EQ(lp_wait(pid), 0);
}

UTEST(setsid, group_leader_is_eperm)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		if (setpgid(0, 0) != 0)
			_exit(1);
		_exit(setsid() == -1 && errno == EPERM ? 0 : 2);
	}
	UT_ASSERT_EQ(lp_wait(pid), 0);
}

UTEST(setsid, child_in_another_session_is_eperm)
{
	int up[2], down[2];
	char c = 0;
	pid_t pid;

	UT_SYS(pipe(up));
	UT_SYS(pipe(down));
	pid = fork();
	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		close(up[0]);
		close(down[1]);
		if (setsid() < 0 || write(up[1], "s", 1) != 1)
			_exit(1);
		while (read(down[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	UT_ASSERT_EQ(read(up[0], &c, 1), 1);
	UT_ASSERT_EQ(getsid(pid), pid);
	UT_ASSERT_ERRNO(setpgid(pid, getpgrp()), EPERM);
	close(down[1]);
	UT_ASSERT_EQ(lp_wait(pid), 0);
	close(up[0]);
}

/* ------------------------------------------------------------- kill */

static volatile int lp_usr1;

static void lp_on_usr1(int sig)
{
	(void)sig;
	lp_usr1++;
}

/* In a child leading its own group (the first process's group is 1,
 * which kill(-1) cannot name): kill(0), killpg(0) and killpg(ours). */
static int lp_own_group_child(void)
{
	if (setpgid(0, 0) != 0)
		return 1;
	signal(SIGUSR1, lp_on_usr1);
	lp_usr1 = 0;
	if (kill(0, SIGUSR1) != 0 || lp_usr1 != 1)
		return 2;
	if (killpg(getpgrp(), 0) != 0 || lp_usr1 != 1)
		return 3;
	if (killpg(0, SIGUSR1) != 0 || killpg(getpgrp(), SIGUSR1) != 0 || lp_usr1 != 3)
		return 4;
	return 0;
}

UTEST(kill, own_group_includes_us)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0)
		_exit(lp_own_group_child());
	UT_ASSERT_EQ(lp_wait(pid), 0);
}

UTEST(kill, a_group_and_only_it)
{
	pid_t a = lp_exec_napper(0), b = lp_exec_napper(a), other = lp_exec_napper(0);
	int st;

	UT_SYS(kill(-a, 0));
	UT_SYS(kill(-a, SIGTERM));
	st = lp_wait(a);
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "a: status %#x", st);
	st = lp_wait(b);
	UT_ASSERT_MSG(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "b: status %#x", st);
	UT_SYS(killpg(other, 0));               /* still there */
	UT_ASSERT_ERRNO(kill(-a, 0), ESRCH);    /* the group is empty now */
	lp_end(other);
}

UTEST(kill, empty_or_bad_groups)
{
	UT_ASSERT_ERRNO(kill(-NO_SUCH_PID, SIGTERM), ESRCH);
	UT_ASSERT_ERRNO(killpg(NO_SUCH_PID, 0), ESRCH);
	UT_ASSERT_ERRNO(killpg(-3, SIGTERM), EINVAL);
	UT_ASSERT_ERRNO(kill(0, 65), EINVAL);
	UT_ASSERT_ERRNO(kill(-getpgrp(), -1), EINVAL);
}

/* In a grandchild, in a session of its own: the group of its parent (an
 * ancestor in another session) may not be signalled, nor anyone by -1. */
static int lp_eperm_grandchild(pid_t parent_group)
{
	if (setsid() < 0)
		return 1;
	if (kill(-parent_group, SIGTERM) != -1 || errno != EPERM)
		return 2;
	if (kill(-1, 0) != -1 || errno != EPERM)
		return 3;
	if (kill(0, 0) != 0)                    /* our own group: ourselves */
		return 4;
	return 0;
}

UTEST(kill, outside_the_session_is_eperm)
{
	pid_t pid = fork();

	UT_ASSERT(pid >= 0);
	if (pid == 0) {
		int st = -1;
		pid_t g;

		if (setpgid(0, 0) != 0)
			_exit(10);
		g = fork();
		if (g < 0)
			_exit(11);
		if (g == 0)
			_exit(lp_eperm_grandchild(getppid()));
		if (waitpid(g, &st, 0) != g || !WIFEXITED(st))
			_exit(12);
		_exit(WEXITSTATUS(st));
	}
	UT_ASSERT_EQ(lp_wait(pid), 0);
}

int main(int argc, char **argv)
{
	char c;

	if (argc > 1 && !strcmp(argv[1], "--nap")) {
		if (write(1, "r", 1) != 1)
			return 1;
		for (;;)
			usleep(5000);
	}
	if (argc > 1 && !strcmp(argv[1], "--ready")) {
		if (write(1, "r", 1) != 1)
			return 1;
		while (read(0, &c, 1) > 0)
			;
		return 0;
	}
	return utest_main("libc_pgrp", argc, argv);
}
