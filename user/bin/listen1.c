/* SPDX-License-Identifier: MIT */
/*
 * listen1.c - /bin/listen1: Plan 9's one-service listener
 * (Documentation/tools/listen1.md).
 *
 *	listen1 [-tv] ADDR CMD [ARGS...]
 *
 * Announces ADDR (a dial string, "tcp!*!7"), then for each call forks a
 * child that puts the connection on its fds 0 and 1 (2 stays ours: its
 * errors reach the console) and execs CMD (a path, or a name in /bin).
 * The parent closes its copies and reaps children as they end, so it
 * never holds a finished call's conversation.  -v prints each call
 * ("listen1: call from REMOTE in DIR"); -t (Plan 9: trusted, run as the
 * listener's user) is accepted and changes nothing, there being one user.
 * Runs until killed; exit code 1 if announcing fails, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

static const char l1_usage[] = "usage: listen1 [-tv] addr cmd [args...]\n";

static void l1_child(int data, char **cmd)
{
	char path[256];

	if (dup2(data, 0) < 0 || dup2(data, 1) < 0) {
		vbin_fail("listen1", "dup2");
		_exit(1);
	}
	if (data > 1)
		close(data);
	execv(cmd[0], cmd);
	if (!strchr(cmd[0], '/')) {
		snprintf(path, sizeof(path), "/bin/%s", cmd[0]);
		execv(path, cmd);
	}
	vbin_fail("listen1", cmd[0]);
	_exit(127);
}

static void l1_reap(void)
{
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

/* One call: its child started; false if listening itself failed. */
static bool l1_call(const char *adir, char **cmd, bool verbose)
{
	char ldir[IPL_DIR_MAX], path[IPL_DIR_MAX + 8], remote[64] = "?";
	int lcfd = listen9(adir, ldir), data;
	pid_t pid;

	if (lcfd < 0) {
		vbin_fail("listen1", "listen");
		return errno == EINTR;
	}
	data = accept9(lcfd, ldir);
	if (data < 0) {
		vbin_fail("listen1", "accept");
		close(lcfd);
		return true;
	}
	if (verbose) {
		snprintf(path, sizeof(path), "%s/remote", ldir);
		if (vbin_slurp(path, remote, sizeof(remote)) > 0)
			remote[strcspn(remote, "\n")] = 0;
		printf("listen1: call from %s in %s\n", remote, ldir);
		fflush(stdout);
	}
	pid = fork();
	if (pid == 0)
		l1_child(data, cmd);
	if (pid < 0)
		vbin_fail("listen1", "fork");
	close(data);
	close(lcfd);
	l1_reap();
	return true;
}

int main(int argc, char **argv)
{
	char adir[IPL_DIR_MAX];
	bool verbose = false;
	int opt, afd;

	while ((opt = getopt(argc, argv, "+htv")) != -1) {
		if (opt == 'v')
			verbose = true;
		else if (opt != 't') {
			fputs(l1_usage, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (argc - optind < 2) {
		fputs(l1_usage, stderr);
		return 2;
	}
	afd = announce9(argv[optind], adir);
	if (afd < 0) {
		vbin_fail("listen1", argv[optind]);
		return 1;
	}
	if (verbose) {
		printf("listen1: announced %s in %s\n", argv[optind], adir);
		fflush(stdout);
	}
	while (l1_call(adir, argv + optind + 1, verbose))
		;
	close(afd);
	return 1;
}
