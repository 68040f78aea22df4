/* SPDX-License-Identifier: MIT */
/*
 * globalinfo.c - the global info page (globalinfo.h): one page-aligned page
 * in the kernel image (.bss), filled once with the TSC frequency (time.h), the cost of reading the
 * TSC, the number of cores and the CPU features user code may test
 * (cpuid), then mapped read-only into every process.
 *
 * Wall time: the pair starts as (0, TSC at initialisation); at boot
 * rtc_init() (kern/arch/x86/rtc.c) sets it from the CMOS clock, so user
 * space computes the epoch time from the TSC.  If the clock is unreadable
 * it stays time since boot.  The
 * kernel does not enable XSAVE for user state (it saves with fxsave), so
 * x86_default_xcr0 and x86_xsave_size stay 0; bus_freq stays 0 (the LAPIC
 * timer rate is private to the timer code).
 *
 * Locking: gi_lock serialises initialisation and wall-time updates; readers
 * (user space) follow the seqctr protocol of ros/globalinfo.h.
 */
#include <arch/x86.h>
#include <atomic.h>
#include <core_id.h>
#include <globalinfo.h>
#include <arch/mmu.h>
#include <printk.h>
#include <spinlock.h>
#include <time.h>

/* The page itself lives in the kernel image (PADDR works there): it is
 * never freed and costs no allocation, so first use cannot look like a leak. */
static union {
	struct proc_global_info gi;
	uint8_t page[PGSIZE];
} gi_store __attribute__((aligned(PGSIZE)));

static spinlock_t gi_lock = SPINLOCK_INITIALIZER("globalinfo");
static bool gi_ready;                   /* [gi_lock] gi_store is filled */

static void gi_feat(struct proc_global_info *gi, int bit, bool on)
{
	if (on)
		gi->cpu_feats[bit / 64] |= 1ULL << (bit % 64);
}

static void gi_fill_features(struct proc_global_info *gi)
{
	struct cpuid_regs l0 = cpuid(0, 0), l1 = cpuid(1, 0), l7 = { 0 }, ld1 = { 0 };
	struct cpuid_regs x0 = cpuid(0x80000000, 0), x1 = { 0 }, x7 = { 0 };

	if (l0.eax >= 7)
		l7 = cpuid(7, 0);
	if (l0.eax >= 0xd)
		ld1 = cpuid(0xd, 1);
	if (x0.eax >= 0x80000001)
		x1 = cpuid(0x80000001, 0);
	if (x0.eax >= 0x80000007)
		x7 = cpuid(0x80000007, 0);
	gi_feat(gi, CPU_FEAT_X86_XSAVE, l1.ecx & (1u << 26));
	gi_feat(gi, CPU_FEAT_X86_XSAVEOPT, ld1.eax & 1u);
	gi_feat(gi, CPU_FEAT_X86_FSGSBASE, l7.ebx & 1u);
	gi_feat(gi, CPU_FEAT_X86_RDTSCP, x1.edx & (1u << 27));
	gi_feat(gi, CPU_FEAT_X86_INVARIANT_TSC, x7.edx & (1u << 8));
	gi_feat(gi, CPU_FEAT_X86_AVX, l1.ecx & (1u << 28));
	gi_feat(gi, CPU_FEAT_X86_AVX512F, l7.ebx & (1u << 16));
	gi_feat(gi, CPU_FEAT_X86_MWAIT, l1.ecx & (1u << 3));
}

/* The fewest ticks between two serialized TSC reads, over a few tries. */
static uint64_t gi_tsc_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 16; i++) {
		uint64_t a = read_tsc_serialized(), b = read_tsc_serialized();

		best = MIN(best, b - a);
	}
	return best;
}

static void gi_fill(struct proc_global_info *gi)
{
	gi_fill_features(gi);
	gi->tsc_freq = tsc_freq_hz();
	gi->tsc_overhead = gi_tsc_overhead();
	gi->nr_cores = num_cores ? num_cores : 1;
	gi->walltime_ns_last = 0;
	gi->tsc_last = read_tsc();
}

struct proc_global_info *globalinfo_get(void)
{
	spin_lock(&gi_lock);
	if (!gi_ready) {
		gi_fill(&gi_store.gi);
		gi_ready = true;
	}
	spin_unlock(&gi_lock);
	return &gi_store.gi;
}

void globalinfo_init(void)
{
	struct proc_global_info *gi = globalinfo_get();

	printk("globalinfo: tsc %lu Hz, %u cores, features %#lx\n", gi->tsc_freq, gi->nr_cores,
	       gi->cpu_feats[0]);
}

void globalinfo_set_walltime(uint64_t walltime_ns, uint64_t tsc)
{
	struct proc_global_info *gi = globalinfo_get();

	spin_lock(&gi_lock);
	WRITE_ONCE(gi->walltime_seqctr, gi->walltime_seqctr + 1);
	wmb();
	gi->walltime_ns_last = walltime_ns;
	gi->tsc_last = tsc;
	wmb();
	WRITE_ONCE(gi->walltime_seqctr, gi->walltime_seqctr + 1);
	spin_unlock(&gi_lock);
}
