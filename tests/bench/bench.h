/* SPDX-License-Identifier: MIT */
/*
 * bench.h - the harness every benchmark program in tests/bench/ shares.
 *
 *	static void one_round(void *arg, long iters) { ...iters operations... }
 *	bench_report("null_syscall", "ns", one_round, NULL, 20000);
 *
 * A benchmark times whole loops, never single operations (a clock read
 * costs about a microsecond under TCG): bench_report() runs a warm-up round,
 * then BENCH_ROUNDS rounds of `iters` operations, each timed with two reads
 * of CLOCK_MONOTONIC, and prints one line
 *
 *	BENCH <name> <median per op> <unit> min <min> max <max> rounds <n>
 *
 * which scripts/bench.py collects.  Under QEMU's icount the clock advances
 * one nanosecond per guest instruction, so the figures are instruction
 * counts and repeat to a fraction of a percent.
 *
 * The same source builds for Vireo (x86_64-vireo-gcc defines __vireo__) and
 * for Linux (Debian's musl-gcc -static); a benchmark that measures a
 * mechanism only one side has uses #ifdef __vireo__ and, where there is
 * one, Linux's nearest equivalent under the same name (Documentation/
 * benchmarks.md says which).  Setting BENCH_QUICK in the environment (the
 * runner's quick mode) divides every iteration count by 10.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#define BENCH_ROUNDS 7

/* Nanoseconds of CLOCK_MONOTONIC. */
uint64_t bench_now_ns(void);

/* The iteration count to use: iters, or iters / 10 in quick mode. */
long bench_iters(long iters);

/* Times `round` (BENCH_ROUNDS times, iters ops each) and prints its line. */
void bench_report(const char *name, const char *unit,
                  void (*round)(void *arg, long iters), void *arg, long iters);

/* Prints a line for a figure measured once (e.g. boot time). */
void bench_print_once(const char *name, double value, const char *unit);

/* Exits with a message naming what failed (errno's text). */
void bench_die(const char *what) __attribute__((noreturn));
