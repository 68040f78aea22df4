/* SPDX-License-Identifier: MIT */
/*
 * b_ftq.c - B11, OS noise seen by a thread that spins on a core (in the
 * manner of the FTQ/FWQ benchmarks): back-to-back reads of the clock for a
 * fixed time; a gap between two reads longer than FTQ_GAP_NS is time the
 * thread did not have (an interrupt, a tick, another thread).
 *
 *	ftq_noise       the lost time, in ns per ms spun (Vireo: in an MCP's
 *	                uthread, the process's vcore on the one core; Linux:
 *	                the main thread)
 *	ftq_max_gap     the longest gap, ns
 *	ftq_gaps        how many gaps per second spun
 *
 * Under icount the clock counts instructions, so a gap is the instructions
 * that ran elsewhere: the kernels' timer interrupts and whatever they do.
 * Run for FTQ_MS ms of that clock (a tenth in quick mode).
 */
#include <stdio.h>

#include "bench.h"

#define FTQ_MS 200
#define FTQ_GAP_NS 500

#ifdef __vireo__
#include <parlib/vcore.h>

static int ftq_setup(void)
{
	int ret = vcore_change_to_m();

	if (ret)
		printf("b_ftq: change_to_m: error %d\n", -ret);
	return ret;
}
#else
static int ftq_setup(void)
{
	return 0;
}
#endif

int main(void)
{
	uint64_t start, end, prev, now, lost = 0, max_gap = 0, gaps = 0;
	double ms;

	if (ftq_setup())
		return 1;
	start = prev = bench_now_ns();
	end = start + (uint64_t)bench_iters(FTQ_MS) * 1000000ull;
	do {
		now = bench_now_ns();
		if (now - prev > FTQ_GAP_NS) {
			lost += now - prev;
			gaps++;
			if (now - prev > max_gap)
				max_gap = now - prev;
		}
		prev = now;
	} while (now < end);
	ms = (double)(now - start) / 1e6;
	bench_print_once("ftq_noise", (double)lost / ms, "ns/ms");
	bench_print_once("ftq_max_gap", (double)max_gap, "ns");
	bench_print_once("ftq_gaps", (double)gaps * 1000.0 / ms, "per_s");
	return 0;
}
