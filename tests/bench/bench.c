/* SPDX-License-Identifier: MIT */
/*
 * bench.c - timing rounds and printing BENCH lines (bench.h).
 *
 * Every round's per-operation time is kept; the median of the rounds is the
 * figure, min and max show the spread inside one boot.  Output goes through
 * stdio with a flush per line so a benchmark that dies later still leaves
 * what it measured.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"

uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

long bench_iters(long iters)
{
	const char *quick = getenv("BENCH_QUICK");

	if (quick && quick[0] == '1' && iters >= 10)
		return iters / 10;
	return iters;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void bench_report(const char *name, const char *unit,
                  void (*round)(void *arg, long iters), void *arg, long iters)
{
	double per_op[BENCH_ROUNDS];

	iters = bench_iters(iters);
	round(arg, iters / 10 + 1);             /* warm caches and TLBs */
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		uint64_t start = bench_now_ns();

		round(arg, iters);
		per_op[i] = (double)(bench_now_ns() - start) / (double)iters;
	}
	qsort(per_op, BENCH_ROUNDS, sizeof(per_op[0]), cmp_double);
	printf("BENCH %s %.1f %s min %.1f max %.1f rounds %d\n", name,
	       per_op[BENCH_ROUNDS / 2], unit, per_op[0], per_op[BENCH_ROUNDS - 1],
	       BENCH_ROUNDS);
	fflush(stdout);
}

void bench_print_once(const char *name, double value, const char *unit)
{
	printf("BENCH %s %.1f %s min %.1f max %.1f rounds 1\n", name, value, unit,
	       value, value);
	fflush(stdout);
}

void bench_die(const char *what)
{
	printf("BENCH-ERROR %s: %s\n", what, strerror(errno));
	fflush(stdout);
	exit(1);
}
