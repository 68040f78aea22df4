/* SPDX-License-Identifier: MIT */
/*
 * kt_platform.c - ktests for the x86 platform layer: the firmware tables
 * as the kernel found them, SMP bring-up, IPIs, the LAPIC timer, the HPET
 * and CPU topology (suite "platform").
 *
 * They run on the booted machine, so they check agreement between
 * independent sources: the MADT against the cores that really came up,
 * the HPET against the TSC, CPUID topology against the APIC ids the
 * firmware listed.  Corruption tests work on a kmalloc'd copy of the real
 * MADT.  Tests that need hardware the machine lacks (no HPET, booted from
 * the MP table) say so and pass; each test frees what it allocates.
 *
 * The raw IPI test uses its own vector, KT_IPI_VECTOR, registered on first
 * use and never released (registrations are permanent).
 */
#include <acpi.h>
#include <arch/apic.h>
#include <arch/hpet.h>
#include <arch/irq.h>
#include <arch/topology.h>
#include <arch/trap.h>
#include <atomic.h>
#include <cmdline.h>
#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <kmsg.h>
#include <kstring.h>
#include <ktest.h>
#include <mem_flags.h>
#include <percpu.h>
#include <printk.h>
#include <time.h>

#define KT_IPI_VECTOR        0xf0
#define KT_WAIT_NS           (500 * NSEC_PER_MSEC)
#define QEMU_IOAPIC_PA       0xfec00000u
#define QEMU_LAPIC_PA        0xfee00000u

static atomic_t kt_hits[MAX_CORES];
/* Scratch for re-parsing; static because it is several KiB (the tests run
 * one at a time, on the boot core). */
static struct platform_info kt_pi;

/* Polls 'done' until it returns true or KT_WAIT_NS pass. */
static bool kt_wait_for(bool (*done)(uint32_t), uint32_t arg)
{
	uint64_t end = nsec_now() + KT_WAIT_NS;

	while (!done(arg)) {
		if (nsec_now() > end)
			return false;
		__asm__ __volatile__("pause");
	}
	return true;
}

static bool kt_core_hit(uint32_t core)
{
	return atomic_read(&kt_hits[core]) > 0;
}

static void kt_hits_clear(void)
{
	for (uint32_t i = 0; i < MAX_CORES; i++)
		atomic_set(&kt_hits[i], 0);
}

static bool kt_cores_limited(void)
{
	return cmdline_has(&boot_cmdline, "nosmp") || cmdline_has(&boot_cmdline, "maxcores");
}

/* --------------------------------------------------------------- tables --- */

KTEST(platform, madt_matches_booted_cores)
{
	const struct acpi_header *h = acpi_find_table("APIC", 0);
	struct platform_info *pi = &kt_pi;
	bool ioapic_seen = false;
	int err;

	if (platform.source != PLATFORM_SRC_ACPI) {
		printk("ktest: (booted without an ACPI MADT; nothing to compare)\n");
		return;
	}
	KT_ASSERT(h);
	platform_info_init(pi);
	err = acpi_madt_parse(pi, h, h->length);
	for (unsigned int i = 0; i < pi->nr_ioapics; i++)
		ioapic_seen |= pi->ioapics[i].phys_addr == QEMU_IOAPIC_PA;
	KT_ASSERT_EQ(err, 0);
	KT_ASSERT_EQ(pi->lapic_phys, QEMU_LAPIC_PA);
	KT_ASSERT_MSG(ioapic_seen, "no IOAPIC at %#x", QEMU_IOAPIC_PA);
	if (kt_cores_limited())
		KT_ASSERT(pi->nr_cpus >= num_cores);
	else
		KT_ASSERT_EQ(pi->nr_cpus, num_cores);
	KT_ASSERT_EQ(pi->nr_cpus, platform.nr_cpus);
}

/* Copies the MADT, lets 'spoil' damage the copy, and parses it. */
static int kt_parse_spoiled_madt(void (*spoil)(uint8_t *t, uint32_t len))
{
	const struct acpi_header *h = acpi_find_table("APIC", 0);
	struct platform_info *pi = &kt_pi;
	uint8_t *copy = kmalloc(h->length, MEM_WAIT);
	int err;

	memcpy(copy, h, h->length);
	spoil(copy, h->length);
	platform_info_init(pi);
	err = acpi_madt_parse(pi, copy, h->length);
	if (err && pi->nr_cpus != 0)
		err = -EBUSY;           /* rejected, yet left processors behind */
	kfree(copy);
	return err;
}

static void kt_flip_entry_byte(uint8_t *t, uint32_t len)
{
	t[len - 1] ^= 0x5a;
}

static void kt_fix_checksum(uint8_t *t, uint32_t len)
{
	struct acpi_header *hdr = (struct acpi_header *)t;

	hdr->checksum = 0;
	hdr->checksum = (uint8_t)-acpi_checksum(t, len);
}

/* First subtable length 0 (an endless walk), with a correct checksum. */
static void kt_zero_entry_len(uint8_t *t, uint32_t len)
{
	t[sizeof(struct acpi_madt) + 1] = 0;
	kt_fix_checksum(t, len);
}

/* The header claims more bytes than the buffer holds. */
static void kt_overlong(uint8_t *t, uint32_t len)
{
	((struct acpi_header *)t)->length = len + 16;
	kt_fix_checksum(t, len);
}

KTEST(platform, madt_corrupt_copy_rejected)
{
	if (platform.source != PLATFORM_SRC_ACPI || !acpi_find_table("APIC", 0)) {
		printk("ktest: (no ACPI MADT to corrupt)\n");
		return;
	}
	KT_ASSERT_EQ(kt_parse_spoiled_madt(kt_flip_entry_byte), -EINVAL);
	KT_ASSERT_EQ(kt_parse_spoiled_madt(kt_zero_entry_len), -EINVAL);
	KT_ASSERT_EQ(kt_parse_spoiled_madt(kt_overlong), -EINVAL);
	/* and the untouched copy still parses: the harness is not the cause */
	KT_ASSERT_EQ(kt_parse_spoiled_madt(kt_fix_checksum), 0);
}

/* ----------------------------------------------------------------- IPIs --- */

static void kt_ipi_irq(struct hw_trapframe *tf, void *data)
{
	atomic_inc(&kt_hits[core_id()]);
}

KTEST(platform, raw_ipi_reaches_every_core)
{
	static bool registered;

	if (!registered) {
		KT_ASSERT_EQ(register_irq_handler(KT_IPI_VECTOR, kt_ipi_irq, NULL,
		                                  "ktest-ipi"), 0);
		registered = true;
	}
	kt_hits_clear();
	for (uint32_t c = 0; c < num_cores; c++) {
		KT_ASSERT_EQ(lapic_send_ipi(percpu_of(c)->apic_id, KT_IPI_VECTOR), 0);
		KT_ASSERT_MSG(kt_wait_for(kt_core_hit, c),
		              "core %u (APIC id %u) never took the IPI", c,
		              percpu_of(c)->apic_id);
	}
}

static void kt_kmsg_fn(uint64_t a0, uint64_t a1, uint64_t a2)
{
	atomic_inc(&kt_hits[core_id()]);
}

KTEST(platform, kmsg_reaches_every_core)
{
	kt_hits_clear();
	for (uint32_t c = 0; c < num_cores; c++) {
		KT_ASSERT_EQ(send_kernel_message(c, kt_kmsg_fn, 0, 0, 0, KMSG_IMMEDIATE), 0);
		KT_ASSERT_MSG(kt_wait_for(kt_core_hit, c),
		              "core %u never ran the immediate message", c);
	}
}

/* ---------------------------------------------------------------- timer --- */

static volatile uint64_t kt_timer_fired_at;

static void kt_timer_irq(struct hw_trapframe *tf, void *data)
{
	kt_timer_fired_at = nsec_now();
}

static bool kt_timer_done(uint32_t start_count)
{
	return kt_timer_fired_at || irq_count(VEC_LAPIC_TIMER) > start_count;
}

/*
 * Arms 10 ms and measures when the interrupt arrives.  If the alarm code
 * owns the vector, its handler runs and the interrupt count tells us.
 */
KTEST(platform, lapic_timer_oneshot_fires)
{
	const uint64_t want = 10 * NSEC_PER_MSEC;
	bool own = register_irq_handler(VEC_LAPIC_TIMER, kt_timer_irq, NULL,
	                                "ktest-timer") == 0;
	uint32_t count0 = (uint32_t)irq_count(VEC_LAPIC_TIMER);
	uint64_t t0, took;

	KT_ASSERT(lapic_timer_hz() > 0);
	kt_timer_fired_at = 0;
	t0 = nsec_now();
	lapic_timer_oneshot_ns(want);
	KT_ASSERT_MSG(kt_wait_for(kt_timer_done, count0), "the timer never fired");
	took = (own ? kt_timer_fired_at : nsec_now()) - t0;
	KT_ASSERT_MSG(took >= want * 9 / 10, "fired after %lu ns, wanted %lu", took, want);
	KT_ASSERT_MSG(took <= want + 200 * NSEC_PER_MSEC, "fired after %lu ns", took);
}

/* ----------------------------------------------------------------- HPET --- */

KTEST(platform, hpet_monotonic)
{
	uint64_t prev, now;

	if (!hpet_available()) {
		printk("ktest: (no HPET in use)\n");
		return;
	}
	prev = hpet_read_counter();
	for (int i = 0; i < 10000; i++) {
		now = hpet_read_counter();
		KT_ASSERT_MSG(now >= prev, "HPET went back: %lu -> %lu", prev, now);
		prev = now;
	}
}

KTEST(platform, hpet_rate_agrees_with_tsc)
{
	uint64_t h0, h1, t0, t1, hpet_ns, tsc_ns, diff;
	uint64_t flags;

	if (!hpet_available()) {
		printk("ktest: (no HPET in use)\n");
		return;
	}
	flags = irq_save();
	h0 = hpet_read_counter();
	t0 = nsec_now();
	udelay(50000);
	h1 = hpet_read_counter();
	t1 = nsec_now();
	irq_restore(flags);
	hpet_ns = (h1 - h0) * hpet_period_fs() / 1000000;  /* < 2^63 for 50 ms */
	tsc_ns = t1 - t0;
	diff = hpet_ns > tsc_ns ? hpet_ns - tsc_ns : tsc_ns - hpet_ns;
	KT_ASSERT_MSG(diff * 100 <= tsc_ns, "HPET %lu ns vs TSC %lu ns", hpet_ns, tsc_ns);
}

/* ------------------------------------------------------------- topology --- */

static bool kt_topo_same_place(const struct cpu_topology *a,
                               const struct cpu_topology *b)
{
	return a->package == b->package && a->core == b->core && a->thread == b->thread;
}

KTEST(platform, topology_sane)
{
	KT_ASSERT(num_cores >= 1 && num_cores <= platform.nr_cpus);
	KT_ASSERT_EQ(lapic_id(), this_cpu()->apic_id);
	for (uint32_t c = 0; c < num_cores; c++) {
		const struct cpu_topology *t = topology_of(c);

		KT_ASSERT_MSG(t, "core %u has no topology", c);
		KT_ASSERT(READ_ONCE(percpu_of(c)->online));
		KT_ASSERT_EQ(t->apic_id, percpu_of(c)->apic_id);
		KT_ASSERT_MSG(platform_cpu_by_apic_id(&platform, t->apic_id),
		              "APIC id %u is not in the platform tables", t->apic_id);
		KT_ASSERT(t->node < MAX_NUMA_NODES);
		KT_ASSERT(t->smt_bits < 32 && t->smt_bits + t->core_bits < 32);
		for (uint32_t d = 0; d < c; d++)
			KT_ASSERT_MSG(!kt_topo_same_place(t, topology_of(d)),
			              "cores %u and %u claim the same place", d, c);
	}
}
