/* SPDX-License-Identifier: MIT */
/*
 * init.c - /bin/init, the first process (Documentation/init.md).
 *
 *	init [-h] [CMD [ARGS...]]
 *
 * 1. Opens the console on whichever of fds 0, 1 and 2 is closed.
 * 2. Ignores the terminal's signals (SIGINT, SIGQUIT, SIGTSTP, SIGTTIN,
 *    SIGTTOU): init is group 1, the console's foreground group until a
 *    shell takes the terminal, and Vireo does not spare process 1 a signal
 *    it does not catch.  Its children start with the default actions (a
 *    process made by proc_create inherits no dispositions).
 * 3. Runs CMD with ARGS (the kernel passes the rest of init= as our argv),
 *    by default "/bin/sh /etc/rc": the boot script, which ends in the
 *    console's shell.  When it ends, init reaps what has finished and exits
 *    with its exit code; the kernel then leaves QEMU (initexit) or starts
 *    its monitor.
 *
 * As process 1, init inherits orphans: its wait takes any child until the
 * one it started is reaped, and the leftovers are reaped with WNOHANG
 * before it exits (later orphans reap themselves once init is gone).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vbin.h"

static const char init_usage[] = "usage: init [-h] [CMD [ARGS...]]\n";

/* Without CMD: the boot script, run by the shell. */
static char *const init_default[] = { "/bin/sh", "/etc/rc", NULL };

/* Puts the console on fds 0-2 where they are closed. */
static void init_fds(void)
{
	static const char *const names[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };

	for (int fd = 0; fd < 3; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		nfd = open(names[fd], fd == 0 ? O_RDONLY : O_WRONLY);
		if (nfd < 0) {
			vbin_fail("init", names[fd]);
			continue;
		}
		if (nfd != fd) {
			if (dup2(nfd, fd) < 0)
				vbin_fail("init", "dup2");
			close(nfd);
		}
	}
}

static void init_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_IGN);
}

/* Waits for pid, reaping any other child (orphans) on the way. */
static int init_wait_for(int pid)
{
	int status, r;

	for (;;) {
		r = vbin_wait(-1, &status, 0);
		if (r == pid)
			return status;
		if (r < 0) {
			vbin_fail("init", "waitpid");
			return 255 << 8;
		}
	}
}

/* Runs argv and waits: its exit code, or 127 if it could not start. */
static int init_run(char *const *argv)
{
	int pid, status;

	fflush(NULL);
	pid = vbin_spawn(argv);
	if (pid < 0) {
		vbin_fail("init", argv[0]);
		return 127;
	}
	status = init_wait_for(pid);
	if (WIFSIGNALED(status))
		fprintf(stderr, "init: %s: killed\n", argv[0]);
	return vbin_status_code(status);
}

/* Reaps what has already exited; children still running become orphans. */
static void init_reap_finished(void)
{
	int status;

	while (vbin_wait(-1, &status, WNOHANG) > 0)
		;
}

int main(int argc, char **argv)
{
	int code;

	init_fds();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && strcmp(argv[1], "-h") == 0) {
		fputs(init_usage, stdout);
		return 0;
	}
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "init: bad option %s\n%s", argv[1], init_usage);
		return 2;
	}
	init_signals();
	code = init_run(argc > 1 ? argv + 1 : init_default);
	fflush(NULL);
	init_reap_finished();
	return code;
}
