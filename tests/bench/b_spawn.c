/* SPDX-License-Identifier: MIT */
/*
 * b_spawn.c - B12: posix_spawn of a tiny static program that exits at
 * once, and waitpid for it; the figure is one whole create-run-exit-reap.
 * (On Vireo posix_spawn is proc_create + proc_run underneath.)
 */
#include <spawn.h>
#include <sys/wait.h>

#include "bench.h"

extern char **environ;

static void spawn_round(void *arg, long iters)
{
	char *argv[] = { "bench_true", NULL };

	for (long i = 0; i < iters; i++) {
		pid_t pid;
		int status;

		if (posix_spawn(&pid, "/bench/bench_true", NULL, NULL, argv, environ))
			bench_die("posix_spawn /bench/bench_true");
		if (waitpid(pid, &status, 0) != pid || status != 0)
			bench_die("waitpid");
	}
}

int main(void)
{
	bench_report("spawn", "ns", spawn_round, NULL, 40);
	return 0;
}
