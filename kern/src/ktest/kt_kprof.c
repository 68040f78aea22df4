/* SPDX-License-Identifier: MIT */
/*
 * kt_kprof.c - ktests of the sampling profiler (kprof.h) and #kprof, suite
 * kprof: a kernel function that spins while the profiler runs shows up in
 * the samples, the report and the raw data, with its caller in the chain;
 * the control rules (one profile at a time, a minimum period, no clearing
 * while running) give their errors; and #kprof's control file parses and
 * refuses what it should.  Each test clears the profile before it ends so
 * the leak check sees the sample buffers freed.
 */
#include <arch/cpu.h>
#include <backtrace.h>
#include <kprof.h>
#include <slice.h>

#include "kt_dev.h"

/* Spins for ms milliseconds of the clock; noinline so its PC is its own. */
static __attribute__((noinline)) void kt_kprof_spin(uint64_t ms)
{
	uint64_t end = nsec_now() + ms * NSEC_PER_MSEC;

	while (nsec_now() < end)
		cpu_relax();
}

static __attribute__((noinline)) void kt_kprof_spin_caller(uint64_t ms)
{
	kt_kprof_spin(ms);
	__asm__ volatile("" ::: "memory");      /* not a tail call */
}

static bool in_function(uint64_t pc, const char *name)
{
	uintptr_t off;
	const char *found = ksym_lookup(pc, &off);

	return found && !strcmp(found, name);
}

/* How many samples this core took (*here), how many fell in kt_kprof_spin,
 * and how many of those name its caller (*with_caller).  Other cores were
 * sampled too, idle. */
static long spin_samples(long *here, long *with_caller)
{
	struct kprof_sample *smp;
	long n = kprof_copy_samples(&smp), hits = 0;

	*here = *with_caller = 0;
	for (long i = 0; i < n; i++) {
		if (smp[i].core != core_id())
			continue;
		(*here)++;
		if (smp[i].user || !in_function(smp[i].pc, "kt_kprof_spin"))
			continue;
		hits++;
		if (smp[i].depth && in_function(smp[i].chain[0], "kt_kprof_spin_caller"))
			(*with_caller)++;
	}
	kfree(smp);
	return hits;
}

KTEST(kprof, samples_name_the_spinning_function)
{
	struct kprof_status st;
	struct slice s;
	long hits, here, with_caller;

	uint64_t give_up = nsec_now() + 5 * NSEC_PER_SEC;

	KT_ASSERT_EQ(kprof_start(200 * NSEC_PER_USEC), 0);
	do      /* a loaded host may run this core seldom: spin until sampled */
		kt_kprof_spin_caller(20);
	while (spin_samples(&here, &with_caller) < 30 && nsec_now() < give_up);
	kprof_stop();
	kprof_get_status(&st);
	KT_ASSERT(!st.running);
	hits = spin_samples(&here, &with_caller);
	KT_ASSERT_MSG(here >= 30, "only %ld samples here in 5 s at 200 us", here);
	KT_ASSERT_MSG(hits * 2 >= here, "%ld of %ld samples here in the spin", hits, here);
	KT_ASSERT_MSG(with_caller * 10 >= hits * 9, "%ld of %ld name the caller", with_caller, hits);
	slice_init(&s);
	kprof_format_report(&s);
	KT_ASSERT(!slice_error(&s));
	KT_ASSERT(kt_dev_has(slice_str(&s), "kt_kprof_spin <- kt_kprof_spin_caller"));
	slice_free(&s);
	KT_ASSERT_EQ(kprof_clear(), 0);
}

KTEST(kprof, control_rules)
{
	KT_ASSERT_EQ(kprof_start(KPROF_MIN_PERIOD_NS - 1), -EINVAL);
	KT_ASSERT_EQ(kprof_start(KPROF_MIN_PERIOD_NS), 0);
	KT_ASSERT_EQ(kprof_start(KPROF_MIN_PERIOD_NS), -EBUSY);
	KT_ASSERT_EQ(kprof_clear(), -EBUSY);
	kprof_stop();
	kprof_stop();                           /* stopping twice is harmless */
	KT_ASSERT_EQ(kprof_clear(), 0);
	KT_ASSERT_EQ(kprof_clear(), 0);
}

/* Spins (10 ms at a time) until some sample was taken, for at most 5 s: a
 * loaded host may run this vCPU seldom. */
static void kt_kprof_spin_until_sampled(void)
{
	uint64_t give_up = nsec_now() + 5 * NSEC_PER_SEC;
	struct kprof_status st;

	do {
		kt_kprof_spin_caller(10);
		kprof_get_status(&st);
	} while (!st.samples && nsec_now() < give_up);
}

static bool kpctl(const char *msg)
{
	int fd = sysopen("#kprof/kpctl", O_WRITE, 0);
	bool ok;

	KT_CHECK(fd >= 0);
	ok = syswrite(fd, msg, strlen(msg)) == (ssize_t)strlen(msg);
	sysclose(fd);
	return ok;
}

KTEST(kprof, device_files)
{
	int64_t chans = chan_nr_live();
	char buf[256];

	KT_ASSERT(!kpctl("start 10"));
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(!kpctl("go"));
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT(kpctl("start 150\n"));
	KT_ASSERT(kt_dev_cat("#kprof/kpctl", buf, sizeof(buf)) > 0);
	KT_ASSERT(kt_dev_has(buf, "running period_us 150"));
	kt_kprof_spin_until_sampled();
	KT_ASSERT(!kpctl("clear"));
	KT_ASSERT_EQ(get_errno(), EBUSY);
	KT_ASSERT(kpctl("stop"));
	KT_ASSERT(kt_dev_cat("#kprof/profile", buf, sizeof(buf)) > 0);
	KT_ASSERT(!strncmp(buf, "samples ", 8));
	KT_ASSERT(kt_dev_cat("#kprof/kpdata", buf, sizeof(buf)) > 0);
	KT_ASSERT(buf[0] == 'k' || buf[0] == 'u');
	KT_ASSERT_EQ(sysopen("#kprof/profile", O_WRITE, 0), -1);
	KT_ASSERT(kpctl("clear"));
	KT_ASSERT_EQ(chan_nr_live(), chans);
}
