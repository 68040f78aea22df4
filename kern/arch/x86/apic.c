/* SPDX-License-Identifier: MIT */
/*
 * apic.c - the local APIC: mode selection, per-core set-up, EOI, IPIs and
 * the one-shot timer.
 *
 * Model: the boot core picks the mode once (lapic_init_bsp): x2APIC when
 * the CPU offers it and the caller allows it (CONFIG_X2APIC and no
 * 'nox2apic', decided in platform.c), else xAPIC through an uncached MMIO
 * mapping.  Every core then enables its own APIC in that mode
 * (lapic_init_core).  All register access goes through lapic_read/write,
 * which hide the mode; the ICR is the one register that differs in shape,
 * and lapic_icr_encode() builds it for either mode.
 *
 * IPIs: in xAPIC mode the ICR is two registers and has a delivery-status
 * bit, so a send disables interrupts, waits (bounded) for the previous IPI
 * to leave, writes high then low, and waits again.  x2APIC sends are one
 * WRMSR.  The timer runs in one-shot mode with divide 16; its rate is
 * measured once against the TSC and shared by all cores.
 *
 * Not here: the IOAPIC (ioapic.c), the legacy PIC (pic.c), interrupt
 * routing policy and the alarm chains that use the timer.
 */
#include <arch/apic.h>
#include <arch/irq.h>
#include <arch/topology.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <core_id.h>
#include <errno.h>
#include <platform.h>
#include <pmap.h>
#include <printk.h>
#include <time.h>

#define CPUID1_ECX_X2APIC  (1u << 21)
#define CPUID1_EDX_APIC    (1u << 9)
#define LAPIC_ICR_SPINS    1000000     /* bounded wait for delivery status */
#define LAPIC_CALIB_ROUNDS 3
#define LAPIC_CALIB_US     10000
/* Used only if a timer is armed before calibration: QEMU's 1 GHz / 16. */
#define LAPIC_FALLBACK_HZ  62500000ULL

static enum lapic_mode lapic_cur_mode;          /* [I] after lapic_init_bsp */
static volatile uint32_t *lapic_mmio;           /* [I] xAPIC only */
static uint64_t lapic_tmr_hz;                   /* [I] after calibration */

/* ------------------------------------------------------- pure encoders --- */

uint32_t lapic_x2apic_msr(uint32_t off)
{
	if (off & 0xf || off > LAPIC_REG_LAST)
		return LAPIC_MSR_NONE;
	if (off == LAPIC_DFR || off == LAPIC_ICR_HI)
		return LAPIC_MSR_NONE;
	return LAPIC_X2APIC_MSR_BASE + off / 16;
}

static bool lapic_icr_low_ok(uint32_t low)
{
	uint32_t dm = low & ICR_DELIVERY_MASK;

	if (low & ~ICR_LOW_VALID_BITS)
		return false;
	if (dm == (3u << 8) || dm == (7u << 8))         /* reserved modes */
		return false;
	if (dm == ICR_DELIVERY_FIXED && (low & 0xff) < 16)
		return false;
	return true;
}

uint64_t lapic_icr_encode(enum lapic_mode mode, uint32_t dest, uint32_t low)
{
	if (!lapic_icr_low_ok(low))
		return LAPIC_ICR_BAD;
	if (low & ICR_DEST_SHORTHAND_MASK)
		dest = 0;
	switch (mode) {
	case LAPIC_MODE_XAPIC:
		if (dest > 0xff)
			return LAPIC_ICR_BAD;
		return ((uint64_t)dest << 56) | low;
	case LAPIC_MODE_X2APIC:
		return ((uint64_t)dest << 32) | low;
	default:
		return LAPIC_ICR_BAD;
	}
}

/* No 128-bit division in the kernel (no libgcc): first compare against the
 * largest ns that fits, then ns * hz is below 2^32 * 1e9 and fits in 64 bits. */
uint32_t lapic_timer_ticks(uint64_t ns, uint64_t hz)
{
	uint64_t t;

	if (hz == 0)
		return 1;
	if (ns >= ((uint64_t)LAPIC_TIMER_MAX + 1) * NSEC_PER_SEC / hz)
		return LAPIC_TIMER_MAX;
	t = ns * hz / NSEC_PER_SEC;
	return t ? (uint32_t)t : 1;
}

/* ------------------------------------------------------ register access --- */

enum lapic_mode lapic_mode(void)
{
	return lapic_cur_mode;
}

uint32_t lapic_read(uint32_t off)
{
	uint32_t msr;

	if (lapic_cur_mode == LAPIC_MODE_XAPIC)
		return lapic_mmio[off / 4];
	msr = lapic_x2apic_msr(off);
	if (msr == LAPIC_MSR_NONE) {
		printk("lapic: register %#x has no x2APIC form\n", off);
		return 0;
	}
	return (uint32_t)read_msr(msr);
}

void lapic_write(uint32_t off, uint32_t val)
{
	uint32_t msr;

	if (lapic_cur_mode == LAPIC_MODE_XAPIC) {
		lapic_mmio[off / 4] = val;
		return;
	}
	msr = lapic_x2apic_msr(off);
	if (msr == LAPIC_MSR_NONE) {
		printk("lapic: register %#x has no x2APIC form\n", off);
		return;
	}
	write_msr(msr, val);
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(LAPIC_ID);

	return lapic_cur_mode == LAPIC_MODE_X2APIC ? id : id >> 24;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* ------------------------------------------------------------- set-up --- */

/* Puts this core's APIC into lapic_cur_mode through MSR_APIC_BASE. */
static void lapic_enable_mode(void)
{
	uint64_t base = read_msr(MSR_APIC_BASE);
	bool in_x2 = base & MSR_APIC_BASE_EXTD;

	if (lapic_cur_mode == LAPIC_MODE_X2APIC) {
		base |= MSR_APIC_BASE_EN;
		write_msr(MSR_APIC_BASE, base);
		write_msr(MSR_APIC_BASE, base | MSR_APIC_BASE_EXTD);
		return;
	}
	if (in_x2)      /* x2APIC -> xAPIC must pass through disabled */
		write_msr(MSR_APIC_BASE, base & ~(MSR_APIC_BASE_EN | MSR_APIC_BASE_EXTD));
	write_msr(MSR_APIC_BASE, (base & ~MSR_APIC_BASE_EXTD) | MSR_APIC_BASE_EN);
}

/* Vector 0xfe: report what the error status register latched. */
static void lapic_error_irq(struct hw_trapframe *tf, void *data)
{
	uint32_t esr;

	lapic_write(LAPIC_ESR, 0);
	esr = lapic_read(LAPIC_ESR);
	printk("lapic: error interrupt on core %u, ESR %#x\n", core_id(), esr);
}

static int lapic_map_xapic(physaddr_t mmio_pa)
{
	if (!mmio_pa)
		mmio_pa = read_msr(MSR_APIC_BASE) & MSR_APIC_BASE_ADDR;
	lapic_mmio = ioremap_nocache(mmio_pa, PGSIZE);
	if (!lapic_mmio) {
		printk("lapic: cannot map the register window at %#lx\n", mmio_pa);
		return -ENOMEM;
	}
	return 0;
}

int lapic_init_bsp(physaddr_t mmio_pa, bool allow_x2apic)
{
	struct cpuid_regs r = cpuid(1, 0);
	int err;

	if (!(r.edx & CPUID1_EDX_APIC)) {
		printk("lapic: this CPU has no local APIC\n");
		return -ENODEV;
	}
	if (allow_x2apic && (r.ecx & CPUID1_ECX_X2APIC)) {
		lapic_cur_mode = LAPIC_MODE_X2APIC;
	} else {
		err = lapic_map_xapic(mmio_pa);
		if (err)
			return err;
		lapic_cur_mode = LAPIC_MODE_XAPIC;
	}
	err = register_irq_handler(VEC_LAPIC_ERROR, lapic_error_irq, NULL, "lapic-error");
	if (err)
		printk("lapic: cannot register the error vector: %d\n", err);
	return 0;
}

/* LINT0/LINT1: masked, unless the firmware wired this core's pin to NMI. */
static void lapic_setup_lints(void)
{
	const struct platform_cpu *c = platform_cpu_by_apic_id(&platform, lapic_id());
	uint32_t nmi = LAPIC_LVT_DM_NMI;

	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_MASKED);
	if (!c || c->nmi_lint > 1)
		return;
	if (c->nmi_polarity == PLATFORM_POL_LOW)
		nmi |= LAPIC_LVT_ACTIVE_LOW;
	/* NMI delivery is always edge; the trigger flag is ignored. */
	lapic_write(c->nmi_lint ? LAPIC_LVT_LINT1 : LAPIC_LVT_LINT0, nmi);
}

static void lapic_clear_esr(void)
{
	lapic_write(LAPIC_ESR, 0);      /* ESR latches on write (xAPIC) */
	lapic_write(LAPIC_ESR, 0);
}

void lapic_init_core(void)
{
	uint32_t nr_lvt;

	lapic_enable_mode();
	if (lapic_cur_mode == LAPIC_MODE_XAPIC)
		lapic_write(LAPIC_DFR, 0xffffffff);     /* flat model */
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VEC_LAPIC_SPURIOUS);
	nr_lvt = ((lapic_read(LAPIC_VERSION) >> 16) & 0xff) + 1;
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0);
	if (nr_lvt >= 5)
		lapic_write(LAPIC_LVT_THERM, LAPIC_LVT_MASKED);
	if (nr_lvt >= 4)
		lapic_write(LAPIC_LVT_PERF, LAPIC_LVT_MASKED);
	lapic_setup_lints();
	lapic_write(LAPIC_LVT_ERROR, VEC_LAPIC_ERROR);
	lapic_clear_esr();
	lapic_eoi();                    /* drop anything left in service */
}

/* ---------------------------------------------------------------- IPIs --- */

static bool lapic_icr_wait_idle(void)
{
	for (int i = 0; i < LAPIC_ICR_SPINS; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & ICR_SEND_PENDING))
			return true;
		__asm__ __volatile__("pause");
	}
	return false;
}

static int lapic_xapic_send(uint64_t icr)
{
	if (!lapic_icr_wait_idle())
		return -ETIMEDOUT;
	lapic_mmio[LAPIC_ICR_HI / 4] = (uint32_t)(icr >> 32);
	lapic_mmio[LAPIC_ICR_LO / 4] = (uint32_t)icr;
	return lapic_icr_wait_idle() ? 0 : -ETIMEDOUT;
}

static int lapic_icr_send(uint32_t dest, uint32_t low)
{
	uint64_t icr = lapic_icr_encode(lapic_cur_mode, dest, low);
	uint64_t flags;
	int err = 0;

	if (icr == LAPIC_ICR_BAD) {
		printk("lapic: cannot send ICR %#x to APIC id %u\n", low, dest);
		return -EINVAL;
	}
	flags = irq_save();
	if (lapic_cur_mode == LAPIC_MODE_X2APIC)
		write_msr(LAPIC_X2APIC_MSR_ICR, icr);
	else
		err = lapic_xapic_send(icr);
	irq_restore(flags);
	if (err)
		printk("lapic: IPI %#x to APIC id %u stuck pending\n", low, dest);
	return err;
}

int lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	return lapic_icr_send(apic_id, ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | vector);
}

int lapic_send_nmi(uint32_t apic_id)
{
	return lapic_icr_send(apic_id, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

/* INIT assert; then, in xAPIC mode, the de-assert older CPUs expect
 * (x2APIC has no INIT de-assert). */
int lapic_send_init(uint32_t apic_id)
{
	int err = lapic_icr_send(apic_id, ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL |
	                         ICR_LEVEL_ASSERT);

	if (err || lapic_cur_mode == LAPIC_MODE_X2APIC)
		return err;
	return lapic_icr_send(apic_id, ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL);
}

int lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	return lapic_icr_send(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | page);
}

int lapic_broadcast_ipi_others(uint8_t vector)
{
	return lapic_icr_send(0, ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_FIXED |
	                      ICR_LEVEL_ASSERT | vector);
}

void lapic_broadcast_nmi_others(void)
{
	if (lapic_cur_mode == LAPIC_MODE_NONE)
		return;
	lapic_icr_send(0, ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT);
}

/* --------------------------------------------------------------- timer --- */

/* Timer ticks per second over one LAPIC_CALIB_US window, timed by the TSC. */
static uint64_t lapic_timer_measure(void)
{
	uint64_t t0, t1, ns;
	uint32_t left;

	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV16);
	t0 = read_tsc_serialized();
	lapic_write(LAPIC_TIMER_INIT, LAPIC_TIMER_MAX);
	udelay(LAPIC_CALIB_US);
	left = lapic_read(LAPIC_TIMER_CUR);
	t1 = read_tsc_serialized();
	lapic_write(LAPIC_TIMER_INIT, 0);
	ns = tsc_to_nsec(t1 - t0);
	if (ns == 0 || left == 0)
		return 0;
	return (uint64_t)(LAPIC_TIMER_MAX - left) * NSEC_PER_SEC / ns;
}

void lapic_timer_calibrate(void)
{
	uint64_t r[LAPIC_CALIB_ROUNDS];

	for (int i = 0; i < LAPIC_CALIB_ROUNDS; i++)
		r[i] = lapic_timer_measure();
	/* median of three */
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 2 - i; j++)
			if (r[j] > r[j + 1]) {
				uint64_t t = r[j];

				r[j] = r[j + 1];
				r[j + 1] = t;
			}
	lapic_tmr_hz = r[1];
	if (lapic_tmr_hz < 1000) {
		printk("lapic: timer calibration gave %lu Hz; assuming %llu\n",
		       lapic_tmr_hz, LAPIC_FALLBACK_HZ);
		lapic_tmr_hz = LAPIC_FALLBACK_HZ;
	}
	printk("lapic: timer %lu.%03lu MHz (divide 16)\n", lapic_tmr_hz / 1000000,
	       (lapic_tmr_hz / 1000) % 1000);
}

uint64_t lapic_timer_hz(void)
{
	return lapic_tmr_hz;
}

void lapic_timer_oneshot_ns(uint64_t ns)
{
	uint64_t hz = lapic_tmr_hz ? lapic_tmr_hz : LAPIC_FALLBACK_HZ;
	uint64_t flags = irq_save();

	lapic_write(LAPIC_LVT_TIMER, VEC_LAPIC_TIMER);          /* one-shot */
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV16);
	lapic_write(LAPIC_TIMER_INIT, lapic_timer_ticks(ns, hz));
	irq_restore(flags);
}

void lapic_timer_stop(void)
{
	uint64_t flags = irq_save();

	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VEC_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0);
	irq_restore(flags);
}
