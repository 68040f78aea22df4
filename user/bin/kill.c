/* SPDX-License-Identifier: MIT */
/*
 * kill.c - /bin/kill [-SIG | -s SIG] PID...: sends a signal (default TERM)
 * to each process.  SIG is a number or a name (KILL, TERM, INT, HUP, QUIT,
 * USR1, USR2; an optional SIG prefix).  -h prints the usage.
 *
 * kill(2) does the work.  While the C library answers ENOSYS for it, KILL
 * and TERM fall back to Vireo's proc_destroy, and other signals fail.
 * Today's kernel lets a process destroy only its own children (or itself):
 * anything else is refused with ESRCH, reported with the kernel's errstr.
 * Exit codes: 0, 1 if any process could not be signalled, 2 bad usage.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <parlib/syscall.h>
#include "vbin.h"

static const char kill_usage[] = "usage: kill [-SIG | -s SIG] PID...\n";

static const struct { const char *name; int sig; } kill_sigs[] = {
	{ "HUP", SIGHUP }, { "INT", SIGINT }, { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "TERM", SIGTERM },
};

/* A signal number from a name or number; -1 if unknown. */
static int kill_parse_sig(const char *s)
{
	int n = vbin_parse_pid(s);

	if (n >= 0)
		return n > 0 && n < 65 ? n : -1;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(kill_sigs) / sizeof(kill_sigs[0]); i++)
		if (strcasecmp(s, kill_sigs[i].name) == 0)
			return kill_sigs[i].sig;
	return -1;
}

static int kill_one(int pid, int sig)
{
	if (kill(pid, sig) == 0)
		return 0;
	if (errno == ENOSYS && (sig == SIGKILL || sig == SIGTERM) &&
	    ros_syscall(SYS_proc_destroy, pid, 0, 0, 0, 0, 0) == 0)
		return 0;
	return -1;
}

/* The index of the first PID argument (0 for -h, -1 bad usage); *sig set. */
static int kill_options(int argc, char **argv, int *sig)
{
	int i = 1;

	*sig = SIGTERM;
	if (i < argc && strcmp(argv[i], "-h") == 0)
		return 0;
	if (i + 1 < argc && strcmp(argv[i], "-s") == 0) {
		*sig = kill_parse_sig(argv[i + 1]);
		i += 2;
	} else if (i < argc && argv[i][0] == '-' && argv[i][1]) {
		*sig = kill_parse_sig(argv[i] + 1);
		i++;
	}
	if (*sig < 0) {
		fprintf(stderr, "kill: unknown signal\n%s", kill_usage);
		return -1;
	}
	if (i >= argc) {
		fputs(kill_usage, stderr);
		return -1;
	}
	return i;
}

int main(int argc, char **argv)
{
	int sig, bad = 0, i = kill_options(argc, argv, &sig);

	if (i == 0)
		fputs(kill_usage, stdout);
	if (i <= 0)
		return i == 0 ? 0 : 2;
	for (; i < argc; i++) {
		int pid = vbin_parse_pid(argv[i]);

		if (pid <= 0) {
			fprintf(stderr, "kill: %s: not a process id\n", argv[i]);
			bad = 1;
		} else if (kill_one(pid, sig)) {
			vbin_fail("kill", argv[i]);
			bad = 1;
		}
	}
	return bad;
}
