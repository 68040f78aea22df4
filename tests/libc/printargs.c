/* SPDX-License-Identifier: MIT */
/*
 * printargs.c - /test/printargs: the child that libc_proc and libc_fds
 * start with exec and posix_spawn.
 *
 *	printargs ARGS...    prints "argc N", "argv[i] S" for each argument
 *	                     and "env S" for each environment string, one per
 *	                     line on stdout; exits 3
 *	printargs --fds      prints "fd N" for each open fd below 64; exits 4
 *	printargs --sleep    prints "ready", then sleeps until a signal ends it
 *	printargs --catch    installs a SIGUSR1 handler, prints "ready", waits
 *	                     in pause(); exits 42 if the handler saw si_pid ==
 *	                     getppid(), 43 if not
 * stdout is unbuffered, so "ready" reaches a pipe before the wait.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t printargs_sender;

static void printargs_on_usr1(int sig, siginfo_t *info, void *ctx)
{
	(void)sig;
	(void)ctx;
	printargs_sender = info ? info->si_pid : -1;
}

static int printargs_catch(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = printargs_on_usr1;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGUSR1, &sa, NULL))
		return 1;
	printf("ready\n");
	while (!printargs_sender)
		pause();
	return printargs_sender == getppid() ? 42 : 43;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc == 2 && !strcmp(argv[1], "--fds")) {
		for (int fd = 0; fd < 64; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				printf("fd %d\n", fd);
		return 4;
	}
	if (argc == 2 && !strcmp(argv[1], "--sleep")) {
		printf("ready\n");
		for (;;)
			sleep(1);
	}
	if (argc == 2 && !strcmp(argv[1], "--catch"))
		return printargs_catch();
	printf("argc %d\n", argc);
	for (int i = 0; i < argc; i++)
		printf("argv[%d] %s\n", i, argv[i]);
	for (char **e = environ; e && *e; e++)
		printf("env %s\n", *e);
	return 3;
}
