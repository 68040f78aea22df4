/* SPDX-License-Identifier: MIT */
/*
 * test_apic.c - host tests for kern/arch/x86/apic.c.
 *
 * The pure encoders are checked value by value: ICR layouts for xAPIC
 * (8-bit destination in bits 63:56) and x2APIC (32-bit destination in
 * 63:32), the refusals (wide destinations, read-only or reserved bits,
 * reserved delivery modes, low fixed vectors), the x2APIC MSR map and its
 * refusal of the xAPIC-only registers (DFR, ICR_HI), and timer tick
 * clamping.  Then apic.c runs in xAPIC mode against a fake register page
 * (ioremap_nocache below returns it), which shows what it writes for an
 * IPI, a refused IPI, a stuck ICR and the one-shot timer.  MSR access
 * would fault in user space, so x2APIC register traffic is only checked
 * for the paths that must refuse before touching an MSR.
 */
#include <arch/apic.h>
#include <arch/topology.h>
#include <arch/trap.h>
#include <arch/x86.h>
#include <errno.h>
#include <platform.h>
#include <string.h>
#include <time.h>

#include "htest.h"

/* ------------------------------------------------ what apic.c links to --- */

static uint32_t fake_mmio[1024] __attribute__((aligned(4096)));
static physaddr_t mapped_pa;
struct platform_info platform;

void *ioremap_nocache(physaddr_t pa, size_t len);
void *ioremap_nocache(physaddr_t pa, size_t len)
{
	mapped_pa = pa;
	return len <= sizeof(fake_mmio) ? fake_mmio : NULL;
}

int register_irq_handler(int vector, irq_handler_fn fn, void *data, const char *name)
{
	return 0;
}

struct platform_cpu *platform_cpu_by_apic_id(struct platform_info *pi, uint32_t apic_id)
{
	return NULL;
}

void udelay(uint64_t usec)
{
}

uint64_t tsc_to_nsec(uint64_t tsc)
{
	return tsc;
}

static uint32_t reg(uint32_t off)
{
	return fake_mmio[off / 4];
}

static bool host_has_x2apic(void)
{
	return cpuid(1, 0).ecx & (1u << 21);
}

/* ------------------------------------------------------------- encoders --- */

HTEST(icr_xapic_fixed_ipi)
{
	uint32_t low = ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | 0x40;

	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 3, low), (3ULL << 56) | 0x4040);
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 0xff, low), (0xffULL << 56) | 0x4040);
}

HTEST(icr_x2apic_dest_in_high_dword)
{
	uint32_t low = ICR_DELIVERY_FIXED | ICR_LEVEL_ASSERT | 0xe0;

	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_X2APIC, 0x12345, low),
	             (0x12345ULL << 32) | 0x40e0);
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_X2APIC, 0xffffffff, low),
	             (0xffffffffULL << 32) | 0x40e0);
}

HTEST(icr_xapic_refuses_wide_destination)
{
	uint32_t low = ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT;

	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 256, low), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 0x10000, low), LAPIC_ICR_BAD);
	HT_ASSERT(lapic_icr_encode(LAPIC_MODE_X2APIC, 256, low) != LAPIC_ICR_BAD);
}

HTEST(icr_refuses_bad_low_bits)
{
	enum lapic_mode m = LAPIC_MODE_X2APIC;

	HT_ASSERT_EQ(lapic_icr_encode(m, 1, ICR_SEND_PENDING | 0x40), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode(m, 1, (1u << 20) | 0x40), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode(m, 1, (1u << 31) | 0x40), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode(m, 1, (3u << 8) | 0x40), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode(m, 1, (7u << 8) | 0x40), LAPIC_ICR_BAD);
	/* fixed vectors 0-15 are illegal; other modes carry no vector */
	HT_ASSERT_EQ(lapic_icr_encode(m, 1, ICR_DELIVERY_FIXED | 15), LAPIC_ICR_BAD);
	HT_ASSERT(lapic_icr_encode(m, 1, ICR_DELIVERY_FIXED | 16) != LAPIC_ICR_BAD);
	HT_ASSERT(lapic_icr_encode(m, 1, ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT) != LAPIC_ICR_BAD);
	HT_ASSERT(lapic_icr_encode(m, 1, ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL |
	                           ICR_LEVEL_ASSERT) != LAPIC_ICR_BAD);
}

HTEST(icr_startup_carries_page)
{
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 2, ICR_DELIVERY_STARTUP |
	                              ICR_LEVEL_ASSERT | 0x08),
	             (2ULL << 56) | 0x4608);
}

HTEST(icr_shorthand_drops_destination)
{
	uint32_t low = ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_NMI | ICR_LEVEL_ASSERT;

	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_XAPIC, 999, low), low);
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_X2APIC, 999, low), low);
}

HTEST(icr_refuses_unknown_mode)
{
	HT_ASSERT_EQ(lapic_icr_encode(LAPIC_MODE_NONE, 1, 0x40), LAPIC_ICR_BAD);
	HT_ASSERT_EQ(lapic_icr_encode((enum lapic_mode)7, 1, 0x40), LAPIC_ICR_BAD);
}

HTEST(x2apic_msr_map)
{
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_ID), 0x802);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_VERSION), 0x803);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_TPR), 0x808);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_EOI), 0x80b);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_SVR), 0x80f);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_ESR), 0x828);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_ICR_LO), LAPIC_X2APIC_MSR_ICR);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_LVT_TIMER), 0x832);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_LVT_ERROR), 0x837);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_TIMER_INIT), 0x838);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_TIMER_CUR), 0x839);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_TIMER_DIV), 0x83e);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_SELF_IPI), 0x83f);
}

HTEST(x2apic_msr_refuses_xapic_only_and_junk)
{
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_DFR), LAPIC_MSR_NONE);
	HT_ASSERT_EQ(lapic_x2apic_msr(LAPIC_ICR_HI), LAPIC_MSR_NONE);
	HT_ASSERT_EQ(lapic_x2apic_msr(0x021), LAPIC_MSR_NONE);
	HT_ASSERT_EQ(lapic_x2apic_msr(0x308), LAPIC_MSR_NONE);
	HT_ASSERT_EQ(lapic_x2apic_msr(0x400), LAPIC_MSR_NONE);
	HT_ASSERT_EQ(lapic_x2apic_msr(0xfffffff0), LAPIC_MSR_NONE);
}

HTEST(timer_ticks_clamp)
{
	uint64_t hz = 62500000;

	HT_ASSERT_EQ(lapic_timer_ticks(0, hz), 1);
	HT_ASSERT_EQ(lapic_timer_ticks(1, hz), 1);
	HT_ASSERT_EQ(lapic_timer_ticks(NSEC_PER_MSEC, hz), 62500);
	HT_ASSERT_EQ(lapic_timer_ticks(NSEC_PER_SEC, hz), 62500000);
	HT_ASSERT_EQ(lapic_timer_ticks(1000 * NSEC_PER_SEC, hz), LAPIC_TIMER_MAX);
	HT_ASSERT_EQ(lapic_timer_ticks(UINT64_MAX, 4000000000ULL), LAPIC_TIMER_MAX);
	HT_ASSERT_EQ(lapic_timer_ticks(NSEC_PER_SEC, 0), 1);
}

/* ---------------------------------------------- xAPIC on a fake window --- */

static void xapic_up(void)
{
	memset(fake_mmio, 0, sizeof(fake_mmio));
	HT_ASSERT_EQ(lapic_init_bsp(0xfee00000, false), 0);
	HT_ASSERT_EQ(lapic_mode(), LAPIC_MODE_XAPIC);
	HT_ASSERT_EQ(mapped_pa, 0xfee00000);
}

HTEST(xapic_id_and_eoi)
{
	xapic_up();
	fake_mmio[LAPIC_ID / 4] = 7u << 24;
	HT_ASSERT_EQ(lapic_id(), 7);
	fake_mmio[LAPIC_EOI / 4] = 0xdead;
	lapic_eoi();
	HT_ASSERT_EQ(reg(LAPIC_EOI), 0);
}

HTEST(xapic_ipi_writes_high_then_low)
{
	xapic_up();
	HT_ASSERT_EQ(lapic_send_ipi(5, 0x41), 0);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 5u << 24);
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), 0x4041);
	HT_ASSERT_EQ(lapic_send_nmi(9), 0);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 9u << 24);
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), 0x4400);
	HT_ASSERT_EQ(lapic_send_startup(2, 0x08), 0);
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), 0x4608);
}

HTEST(xapic_init_sends_deassert_last)
{
	xapic_up();
	HT_ASSERT_EQ(lapic_send_init(3), 0);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 3u << 24);
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), ICR_DELIVERY_INIT | ICR_TRIGGER_LEVEL);
}

HTEST(xapic_refused_ipi_touches_nothing)
{
	xapic_up();
	HT_ASSERT_EQ(lapic_send_ipi(300, 0x41), -EINVAL);
	HT_ASSERT_EQ(lapic_send_ipi(1, 3), -EINVAL);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 0);
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), 0);
}

HTEST(xapic_stuck_icr_times_out)
{
	xapic_up();
	fake_mmio[LAPIC_ICR_LO / 4] = ICR_SEND_PENDING;
	HT_ASSERT_EQ(lapic_send_ipi(1, 0x41), -ETIMEDOUT);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 0);     /* never wrote over a pending IPI */
}

HTEST(xapic_broadcast_nmi_uses_shorthand)
{
	xapic_up();
	lapic_broadcast_nmi_others();
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), ICR_DEST_ALL_BUT_SELF | ICR_DELIVERY_NMI |
	             ICR_LEVEL_ASSERT);
	HT_ASSERT_EQ(reg(LAPIC_ICR_HI), 0);
}

HTEST(broadcast_nmi_before_init_is_silent)
{
	memset(fake_mmio, 0, sizeof(fake_mmio));
	lapic_broadcast_nmi_others();   /* must neither fault nor write */
	HT_ASSERT_EQ(reg(LAPIC_ICR_LO), 0);
	HT_ASSERT_EQ(lapic_mode(), LAPIC_MODE_NONE);
}

HTEST(xapic_timer_oneshot_and_stop)
{
	xapic_up();
	lapic_timer_oneshot_ns(NSEC_PER_MSEC);  /* uncalibrated: 62.5 MHz */
	HT_ASSERT_EQ(reg(LAPIC_LVT_TIMER), VEC_LAPIC_TIMER);
	HT_ASSERT_EQ(reg(LAPIC_TIMER_DIV), LAPIC_TIMER_DIV16);
	HT_ASSERT_EQ(reg(LAPIC_TIMER_INIT), 62500);
	lapic_timer_oneshot_ns(0);
	HT_ASSERT_EQ(reg(LAPIC_TIMER_INIT), 1);
	lapic_timer_stop();
	HT_ASSERT_EQ(reg(LAPIC_TIMER_INIT), 0);
	HT_ASSERT(reg(LAPIC_LVT_TIMER) & LAPIC_LVT_MASKED);
}

HTEST(x2apic_refuses_xapic_only_registers)
{
	if (!host_has_x2apic()) {
		printf("(host CPU has no x2APIC: nothing to check)\n");
		return;
	}
	HT_ASSERT_EQ(lapic_init_bsp(0xfee00000, true), 0);
	HT_ASSERT_EQ(lapic_mode(), LAPIC_MODE_X2APIC);
	/* Both must refuse before any RDMSR/WRMSR (which would fault here). */
	HT_ASSERT_EQ(lapic_read(LAPIC_DFR), 0);
	lapic_write(LAPIC_ICR_HI, 1);
	HT_ASSERT_EQ(lapic_send_ipi(5, 2), -EINVAL);
}
