/* SPDX-License-Identifier: MIT */
/*
 * kprof_report.c - the text of #kprof's files, from the profiler's samples
 * (kprof.h; Documentation/profiling.md shows the output).
 *
 * kprof_format_raw(): one line per sample, for tools:
 *	k CORE PID PC CALLER...        a kernel sample and its callers
 *	u CORE PID PC                  a user sample
 * kprof_format_report(): the kernel side, symbolized: a flat profile by
 * function, the commonest call chains, and the user samples by process.
 * Aggregation sorts arrays of keys (sort.h) and counts runs: no hash
 * tables, no allocation beyond one key array per section.  Builders work
 * on a private copy of the samples, so the profiler may keep running.
 */
#include <backtrace.h>
#include <errno.h>
#include <kmalloc.h>
#include <kprof.h>
#include <kstring.h>
#include <slice.h>
#include <sort.h>

#define REPORT_TOP_FUNCS  40
#define REPORT_TOP_CHAINS 15
#define REPORT_TOP_PROCS  10

/* A key and how many samples share it. */
struct kp_count {
	uint64_t key[1 + KPROF_DEPTH];
	uint64_t count;
};

static uint64_t func_start(uint64_t pc)
{
	uintptr_t off = 0;

	return ksym_lookup(pc, &off) ? pc - off : pc;
}

static int cmp_keys(const void *a, const void *b)
{
	return memcmp(((const struct kp_count *)a)->key, ((const struct kp_count *)b)->key,
	              sizeof(((struct kp_count *)0)->key));
}

static int cmp_count_desc(const void *a, const void *b)
{
	uint64_t x = ((const struct kp_count *)a)->count, y = ((const struct kp_count *)b)->count;

	return (x < y) - (x > y);
}

/* Sorts keys, folds equal ones into counts, sorts by count; returns how
 * many distinct keys there are (in place, at the front of the array). */
static size_t count_runs(struct kp_count *k, size_t n)
{
	size_t out = 0;

	sort(k, n, sizeof(*k), cmp_keys);
	for (size_t i = 0; i < n; i++) {
		if (out && cmp_keys(&k[out - 1], &k[i]) == 0) {
			k[out - 1].count++;
			continue;
		}
		k[out] = k[i];
		k[out++].count = 1;
	}
	sort(k, out, sizeof(*k), cmp_count_desc);
	return out;
}

/* "count  pct%  " with the percentage to one decimal, in integers (the
 * kernel has no floating point). */
static void put_count(struct slice *s, uint64_t count, uint64_t total)
{
	uint64_t permille = total ? count * 1000 / total : 0;

	slice_printf(s, "%8llu %3llu.%llu%%  ", (unsigned long long)count,
	             (unsigned long long)(permille / 10), (unsigned long long)(permille % 10));
}

static void put_sym(struct slice *s, uint64_t pc)
{
	uintptr_t off = 0;
	const char *name = ksym_lookup(pc, &off);

	if (name)
		slice_printf(s, "%s", name);
	else
		slice_printf(s, "%#llx", (unsigned long long)pc);
}

static void report_flat(struct slice *s, struct kp_count *k, const struct kprof_sample *smp,
                        size_t n, size_t nkernel)
{
	size_t m = 0, distinct;

	for (size_t i = 0; i < n; i++)
		if (!smp[i].user) {
			memset(&k[m], 0, sizeof(k[m]));
			k[m++].key[0] = func_start(smp[i].pc);
		}
	distinct = count_runs(k, m);
	slice_printf(s, "\nkernel, by function (%zu samples):\n", nkernel);
	for (size_t i = 0; i < distinct && i < REPORT_TOP_FUNCS; i++) {
		put_count(s, k[i].count, nkernel);
		put_sym(s, k[i].key[0]);
		slice_printf(s, "\n");
	}
}

static void report_chains(struct slice *s, struct kp_count *k, const struct kprof_sample *smp,
                          size_t n, size_t nkernel)
{
	size_t m = 0, distinct;

	for (size_t i = 0; i < n; i++) {
		if (smp[i].user)
			continue;
		memset(&k[m], 0, sizeof(k[m]));
		k[m].key[0] = func_start(smp[i].pc);
		for (int d = 0; d < smp[i].depth && d < KPROF_DEPTH; d++)
			k[m].key[1 + d] = func_start(smp[i].chain[d]);
		m++;
	}
	distinct = count_runs(k, m);
	slice_printf(s, "\nkernel, by call chain (function <- its callers):\n");
	for (size_t i = 0; i < distinct && i < REPORT_TOP_CHAINS; i++) {
		put_count(s, k[i].count, nkernel);
		for (int d = 0; d <= KPROF_DEPTH && k[i].key[d]; d++) {
			slice_printf(s, d ? " <- " : "");
			put_sym(s, k[i].key[d]);
		}
		slice_printf(s, "\n");
	}
}

static void report_procs(struct slice *s, struct kp_count *k, const struct kprof_sample *smp,
                         size_t n)
{
	size_t m = 0, distinct;

	for (size_t i = 0; i < n; i++) {
		memset(&k[m], 0, sizeof(k[m]));
		k[m].key[0] = (uint64_t)smp[i].pid;
		k[m++].key[1] = smp[i].user;
	}
	distinct = count_runs(k, m);
	slice_printf(s, "\nby process (pid 0: kernel threads and idle):\n");
	for (size_t i = 0; i < distinct && i < 2 * REPORT_TOP_PROCS; i++) {
		put_count(s, k[i].count, n);
		slice_printf(s, "pid %llu %s\n", (unsigned long long)k[i].key[0],
		             k[i].key[1] ? "user" : "kernel");
	}
}

void kprof_format_report(struct slice *s)
{
	struct kprof_status st;
	struct kprof_sample *smp;
	struct kp_count *k = NULL;
	size_t nkernel = 0;
	long n;

	kprof_get_status(&st);
	n = kprof_copy_samples(&smp);
	if (n < 0) {
		s->err = (int)n;
		return;
	}
	for (long i = 0; i < n; i++)
		nkernel += !smp[i].user;
	slice_printf(s, "samples %ld (kernel %zu, user %zu), dropped %llu, period %llu us%s\n",
	             n, nkernel, (size_t)n - nkernel, (unsigned long long)st.dropped,
	             (unsigned long long)(st.period_ns / 1000), st.running ? ", running" : "");
	if (n)
		k = kmalloc_array((size_t)n, sizeof(*k), MEM_WAIT);
	if (n && !k) {
		s->err = -ENOMEM;
	} else if (n) {
		report_procs(s, k, smp, (size_t)n);
		if (nkernel) {
			report_flat(s, k, smp, (size_t)n, nkernel);
			report_chains(s, k, smp, (size_t)n, nkernel);
		}
	}
	kfree(k);
	kfree(smp);
}

void kprof_format_raw(struct slice *s)
{
	struct kprof_sample *smp;
	long n = kprof_copy_samples(&smp);

	if (n < 0) {
		s->err = (int)n;
		return;
	}
	for (long i = 0; i < n; i++) {
		slice_printf(s, "%c %u %d %#llx", smp[i].user ? 'u' : 'k', smp[i].core, smp[i].pid,
		             (unsigned long long)smp[i].pc);
		for (int d = 0; d < smp[i].depth && d < KPROF_DEPTH; d++)
			slice_printf(s, " %#llx", (unsigned long long)smp[i].chain[d]);
		slice_printf(s, "\n");
	}
	kfree(smp);
}
