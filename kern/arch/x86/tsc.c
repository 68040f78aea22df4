/* SPDX-License-Identifier: MIT */
/*
 * tsc.c - calibrates the TSC and turns it into monotonic nanoseconds.
 *
 * Calibration counts TSC ticks across a known interval measured by the
 * HPET (when hpet.c found one) or else by PIT channel 2 in one-shot mode
 * (the gate-and-OUT2 method, which needs no interrupts).  Five rounds; the
 * median wins, so one round disturbed by the host (TCG!) does not skew it.
 * After that, conversions are a 128-bit multiply and a shift: no division
 * on the hot path and no libgcc.
 */
#include <arch/hpet.h>
#include <arch/x86.h>
#include <printk.h>
#include <time.h>

#define PIT_HZ          1193182ULL
#define PIT_CH2_DATA    0x42
#define PIT_CMD         0x43
#define PIT_GATE_PORT   0x61
#define CALIB_MS        10
#define CALIB_ROUNDS    5

static uint64_t tsc_hz;
static uint64_t tsc_at_boot;
static uint64_t ns_mult;        /* ns = tsc * ns_mult >> 32 */
static uint64_t tsc_mult;       /* tsc = ns * tsc_mult >> 24 */
static const char *calib_source = "none";

static uint64_t pit_measure_round(void)
{
	uint16_t count = PIT_HZ * CALIB_MS / 1000;
	uint8_t gate = inb(PIT_GATE_PORT);
	uint64_t t0, t1;

	outb(PIT_GATE_PORT, (gate & ~0x02) & ~0x01);   /* gate low, speaker off */
	outb(PIT_CMD, 0xb0);                           /* ch2, lo/hi, mode 0 */
	outb(PIT_CH2_DATA, count & 0xff);
	outb(PIT_CH2_DATA, count >> 8);
	t0 = read_tsc_serialized();
	outb(PIT_GATE_PORT, (gate & ~0x02) | 0x01);    /* gate high: count */
	while (!(inb(PIT_GATE_PORT) & 0x20))
		;
	t1 = read_tsc_serialized();
	outb(PIT_GATE_PORT, gate);
	return (t1 - t0) * (1000 / CALIB_MS);
}

static uint64_t hpet_measure_round(void)
{
	uint64_t hpet_hz = 1000000000000000ULL / hpet_period_fs();   /* 1e15 fs/s */
	uint64_t ticks = hpet_hz * CALIB_MS / 1000;
	uint64_t h0 = hpet_read_counter(), t0 = read_tsc_serialized();
	uint64_t h1, t1;

	do {
		h1 = hpet_read_counter();
	} while (h1 - h0 < ticks);
	t1 = read_tsc_serialized();
	/* Scale by the HPET ticks that really elapsed; both factors are below
	 * 1e9 for a 10 ms window, so the product fits in 64 bits. */
	return (t1 - t0) * hpet_hz / (h1 - h0);
}

static void sort_u64(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++)
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t t = v[j];

			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

void tsc_calibrate(void)
{
	uint64_t rounds[CALIB_ROUNDS];
	bool use_hpet = hpet_available();

	for (int i = 0; i < CALIB_ROUNDS; i++)
		rounds[i] = use_hpet ? hpet_measure_round() : pit_measure_round();
	sort_u64(rounds, CALIB_ROUNDS);
	tsc_hz = rounds[CALIB_ROUNDS / 2];
	calib_source = use_hpet ? "HPET" : "PIT";
	if (tsc_hz < 1000000) {
		printk("tsc: calibration gave %lu Hz; assuming 1 GHz\n", tsc_hz);
		tsc_hz = 1000000000;
		calib_source = "fallback";
	}
	ns_mult = (NSEC_PER_SEC << 32) / tsc_hz;
	tsc_mult = (tsc_hz << 24) / NSEC_PER_SEC;
	tsc_at_boot = read_tsc();
	printk("tsc: %lu.%03lu MHz (calibrated against the %s)\n", tsc_hz / 1000000,
	       (tsc_hz / 1000) % 1000, calib_source);
}

uint64_t tsc_freq_hz(void)
{
	return tsc_hz;
}

const char *tsc_calibration_source(void)
{
	return calib_source;
}

uint64_t tsc_to_nsec(uint64_t tsc)
{
	return (uint64_t)(((unsigned __int128)tsc * ns_mult) >> 32);
}

uint64_t nsec_to_tsc(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns * tsc_mult) >> 24);
}

uint64_t nsec_now(void)
{
	return tsc_to_nsec(read_tsc() - tsc_at_boot);
}

void udelay(uint64_t usec)
{
	uint64_t end = read_tsc() + nsec_to_tsc(usec * NSEC_PER_USEC);

	while ((int64_t)(read_tsc() - end) < 0)
		__asm__ __volatile__("pause");
}
