/* SPDX-License-Identifier: MIT */
/*
 * b_clock.c - clock_gettime(CLOCK_MONOTONIC): on both systems the C
 * library reads it without a trap (Vireo from the global info page and the
 * TSC, Linux from the vDSO), so this measures that path.
 */
#include <time.h>

#include "bench.h"

static void clock_round(void *arg, long iters)
{
	struct timespec ts;

	for (long i = 0; i < iters; i++)
		clock_gettime(CLOCK_MONOTONIC, &ts);
}

int main(void)
{
	bench_report("clock_gettime", "ns", clock_round, NULL, 20000);
	return 0;
}
