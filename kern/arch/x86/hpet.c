/* SPDX-License-Identifier: MIT */
/*
 * hpet.c - the HPET main counter as a clock for calibration.
 *
 * Only the main counter is used; the comparators stay disabled and the
 * legacy-replacement route stays off (the LAPIC timer does the alarms).
 * hpet_init() maps the register block uncached, validates the
 * capabilities register, enables the counter and checks that it advances.
 * A 32-bit counter is widened in software: the last value seen is kept in
 * one 64-bit word, and readers advance it with compare-and-swap, adding
 * 2^32 whenever the low half went backwards (see arch/hpet.h for the limit).
 *
 * State is written once on the boot core before other cores run and read
 * without locks afterwards; the widening word is the only shared variable.
 */
#include <arch/hpet.h>
#include <arch/mmu.h>
#include <errno.h>
#include <pmap.h>
#include <printk.h>

#define HPET_MAP_LEN      1024
#define HPET_SPIN_LIMIT   1000000     /* reads before "the counter is stuck" */

static volatile uint64_t *hpet_regs;    /* [I] */
static uint64_t hpet_period;            /* [I] fs per tick; 0: not usable */
static bool hpet_is_64;                 /* [I] */
static uint64_t hpet_last;              /* [a] 32-bit widening */

static uint64_t hpet_reg(uint32_t off)
{
	return hpet_regs[off / 8];
}

static void hpet_reg_write(uint32_t off, uint64_t v)
{
	hpet_regs[off / 8] = v;
}

int hpet_check_caps(uint64_t cap)
{
	uint64_t period = cap >> 32;

	if (cap == ~0ULL || (cap & 0xff) == 0) {
		printk("hpet: no device answers (capabilities %#lx)\n", cap);
		return -EINVAL;
	}
	if (period == 0 || period > HPET_MAX_PERIOD_FS) {
		printk("hpet: rejected: period %lu fs is %s\n", period,
		       period ? "above 100 ns" : "zero");
		return -EINVAL;
	}
	return 0;
}

static uint64_t hpet_raw(void)
{
	return hpet_is_64 ? hpet_reg(HPET_REG_COUNTER)
	                  : *(volatile uint32_t *)&hpet_regs[HPET_REG_COUNTER / 8];
}

static bool hpet_counter_runs(void)
{
	uint64_t first = hpet_raw();

	for (int i = 0; i < HPET_SPIN_LIMIT; i++)
		if (hpet_raw() != first)
			return true;
	return false;
}

int hpet_init(physaddr_t mmio_pa)
{
	uint64_t cap;

	if (!mmio_pa)
		return -ENODEV;
	hpet_regs = ioremap_nocache(mmio_pa, HPET_MAP_LEN);
	if (!hpet_regs) {
		printk("hpet: cannot map %#lx\n", mmio_pa);
		return -ENOMEM;
	}
	cap = hpet_reg(HPET_REG_CAP);
	if (hpet_check_caps(cap))
		return -EINVAL;
	hpet_is_64 = cap & HPET_CAP_COUNT_64;
	hpet_reg_write(HPET_REG_CONF, (hpet_reg(HPET_REG_CONF) & ~HPET_CONF_LEGACY) |
	               HPET_CONF_ENABLE);
	if (!hpet_counter_runs()) {
		printk("hpet: the main counter does not advance; not used\n");
		return -ENODEV;
	}
	__atomic_store_n(&hpet_last, hpet_raw(), __ATOMIC_RELAXED);
	hpet_period = cap >> 32;
	printk("hpet: %lu.%03lu MHz, %s counter at %#lx\n",
	       (uint64_t)(1000000000ULL / hpet_period),
	       (uint64_t)((1000000000000ULL / hpet_period) % 1000),
	       hpet_is_64 ? "64-bit" : "32-bit", mmio_pa);
	return 0;
}

bool hpet_available(void)
{
	return hpet_period != 0;
}

uint64_t hpet_period_fs(void)
{
	return hpet_period;
}

static uint64_t hpet_read_widened(void)
{
	uint64_t old = __atomic_load_n(&hpet_last, __ATOMIC_ACQUIRE), now;

	do {
		uint32_t lo = (uint32_t)hpet_raw();

		now = (old & ~0xffffffffULL) | lo;
		if (lo < (uint32_t)old)
			now += 1ULL << 32;
	} while (!__atomic_compare_exchange_n(&hpet_last, &old, now, false,
	                                      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE));
	return now;
}

uint64_t hpet_read_counter(void)
{
	if (!hpet_period)
		return 0;
	return hpet_is_64 ? hpet_reg(HPET_REG_COUNTER) : hpet_read_widened();
}
