/* SPDX-License-Identifier: MIT */
/*
 * runall.c - the first program of a benchmark boot, on Vireo and on Linux.
 *
 *	runall [quick]
 *
 * Prints B20's figure first, boot_to_init: the time from the machine's
 * reset to this program's first instruction, read from the TSC (which
 * QEMU starts at 0 on reset) and converted with a frequency calibrated here
 * against CLOCK_MONOTONIC.  Then it runs every /bench/b_* program in name
 * order, one after the other, and waits for each; "quick" sets BENCH_QUICK
 * for them (bench.h).  It ends with "BENCH-DONE", which tells the runner
 * the boot finished its list; a benchmark that fails prints
 * "BENCH-ERROR name: why" and the others still run.
 */
#include <dirent.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench.h"

#define MAX_PROGS 64

extern char **environ;

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

/* TSC ticks per nanosecond, measured over about 20 ms of CLOCK_MONOTONIC. */
static double tsc_per_ns(void)
{
	uint64_t t0 = bench_now_ns(), c0 = rdtsc(), t1;

	do
		t1 = bench_now_ns();
	while (t1 - t0 < 20000000);
	return (double)(rdtsc() - c0) / (double)(t1 - t0);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_programs(char *names[MAX_PROGS])
{
	DIR *d = opendir("/bench");
	struct dirent *e;
	int n = 0;

	if (!d)
		bench_die("opendir /bench");
	while ((e = readdir(d)) && n < MAX_PROGS)
		if (strncmp(e->d_name, "b_", 2) == 0)
			names[n++] = strdup(e->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	return n;
}

static void run_one(const char *name)
{
	char path[64], *argv[] = { (char *)name, NULL };
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "/bench/%s", name);
	if (posix_spawn(&pid, path, NULL, NULL, argv, environ)) {
		printf("BENCH-ERROR %s: cannot start\n", name);
		return;
	}
	if (waitpid(pid, &status, 0) != pid || status != 0)
		printf("BENCH-ERROR %s: exit status %#x\n", name, status);
	fflush(stdout);
}

int main(int argc, char **argv)
{
	uint64_t start = rdtsc();
	char *names[MAX_PROGS];
	int n;

	bench_print_once("boot_to_init", (double)start / tsc_per_ns() / 1e6, "ms");
	if (argc > 1 && strcmp(argv[1], "quick") == 0)
		setenv("BENCH_QUICK", "1", 1);
	n = list_programs(names);
	for (int i = 0; i < n; i++)
		run_one(names[i]);
	printf("BENCH-DONE %d programs\n", n);
	fflush(stdout);
	return 0;
}
