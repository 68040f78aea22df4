/* SPDX-License-Identifier: MIT */
/*
 * arch/apic.h - the local APIC, in xAPIC (MMIO) or x2APIC (MSR) mode behind
 * one interface (apic.c).  The IOAPIC is arch/ioapic.h.
 *
 * Usage:
 *	lapic_init_bsp(pa, allow_x2apic);   // boot core, once: mode + mapping
 *	lapic_init_core();                  // every core, on itself
 *	lapic_timer_calibrate();            // boot core, after tsc_calibrate()
 *	lapic_send_ipi(apic_id, vector);    // any core, any context
 *	lapic_timer_oneshot_ns(ns);         // this core's timer -> VEC_LAPIC_TIMER
 *
 * Register offsets are the xAPIC MMIO offsets; in x2APIC mode register
 * 'off' lives in MSR 0x800 + off / 16 and the ICR is one 64-bit MSR with the
 * destination in bits 63:32.  DFR and ICR_HI do not exist in x2APIC mode.
 * The pure encoders (lapic_icr_encode, lapic_x2apic_msr,
 * lapic_timer_ticks) are unit tested on the host (tests/host/test_apic.c).
 *
 * IPIs may be sent with interrupts on or off and from IRQ or NMI-free
 * context; each send disables interrupts around the ICR write.  EOI:
 * lapic_eoi() after every LAPIC-delivered interrupt (trap.c does it).
 */
#pragma once

#include <types.h>

#define LAPIC_ID        0x020
#define LAPIC_VERSION   0x030
#define LAPIC_TPR       0x080
#define LAPIC_EOI       0x0b0
#define LAPIC_LDR       0x0d0
#define LAPIC_DFR       0x0e0   /* xAPIC only */
#define LAPIC_SVR       0x0f0
#define LAPIC_ISR0      0x100
#define LAPIC_ESR       0x280
#define LAPIC_ICR_LO    0x300
#define LAPIC_ICR_HI    0x310   /* xAPIC only */
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERM 0x330
#define LAPIC_LVT_PERF  0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LAPIC_SELF_IPI   0x3f0  /* x2APIC only */
#define LAPIC_REG_LAST   0x3f0

#define LAPIC_X2APIC_MSR_BASE 0x800
#define LAPIC_X2APIC_MSR_ICR  0x830

#define MSR_APIC_BASE_BSP    (1u << 8)
#define MSR_APIC_BASE_EXTD   (1u << 10)   /* x2APIC mode */
#define MSR_APIC_BASE_EN     (1u << 11)   /* APIC globally enabled */
#define MSR_APIC_BASE_ADDR   0x000ffffffffff000ULL

#define LAPIC_DEFAULT_PA     0xfee00000ULL

/* SVR, LVT and timer fields */
#define LAPIC_SVR_ENABLE     (1u << 8)
#define LAPIC_LVT_MASKED     (1u << 16)
#define LAPIC_LVT_LEVEL      (1u << 15)
#define LAPIC_LVT_ACTIVE_LOW (1u << 13)
#define LAPIC_LVT_DM_NMI     (4u << 8)
#define LAPIC_TIMER_DIV16    0x3u
#define LAPIC_TIMER_MAX      0xffffffffu

/* ICR fields (the low 32 bits) */
#define ICR_DELIVERY_FIXED   (0u << 8)
#define ICR_DELIVERY_NMI     (4u << 8)
#define ICR_DELIVERY_INIT    (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_DELIVERY_MASK    (7u << 8)
#define ICR_DEST_LOGICAL     (1u << 11)
#define ICR_SEND_PENDING     (1u << 12)
#define ICR_LEVEL_ASSERT     (1u << 14)
#define ICR_TRIGGER_LEVEL    (1u << 15)
#define ICR_DEST_SELF        (1u << 18)
#define ICR_DEST_ALL         (2u << 18)
#define ICR_DEST_ALL_BUT_SELF (3u << 18)
#define ICR_DEST_SHORTHAND_MASK (3u << 18)
#define ICR_LOW_VALID_BITS   0x000ccfffu  /* what a sender may set */

/* lapic_icr_encode()'s refusal; never a real ICR value. */
#define LAPIC_ICR_BAD        (~0ULL)
/* lapic_x2apic_msr()'s refusal. */
#define LAPIC_MSR_NONE       0u

enum lapic_mode {
	LAPIC_MODE_NONE = 0,     /* lapic_init_bsp() has not run */
	LAPIC_MODE_XAPIC = 1,
	LAPIC_MODE_X2APIC = 2,
};

/*
 * The 64-bit ICR value for 'low_bits' sent to 'dest_apic_id' in 'mode':
 * xAPIC puts an 8-bit destination in bits 63:56, x2APIC a 32-bit one in
 * 63:32.  Returns LAPIC_ICR_BAD for a destination the mode cannot address,
 * low bits outside ICR_LOW_VALID_BITS (delivery status is read-only), a
 * reserved delivery mode, or a fixed IPI with a vector below 16.  A
 * destination shorthand ignores dest_apic_id (encoded as 0).
 */
uint64_t lapic_icr_encode(enum lapic_mode mode, uint32_t dest_apic_id, uint32_t low_bits);
/* The x2APIC MSR of xAPIC register 'off', or LAPIC_MSR_NONE for an offset
 * that is misaligned, out of range, or has no x2APIC twin (DFR, ICR_HI). */
uint32_t lapic_x2apic_msr(uint32_t xapic_offset);
/* LAPIC timer ticks for 'ns' at 'hz' ticks per second, clamped to
 * [1, LAPIC_TIMER_MAX]; 0 ns (or a tiny one) gives 1: "as soon as possible". */
uint32_t lapic_timer_ticks(uint64_t ns, uint64_t hz);

/* Boot core: picks the mode (x2APIC if the CPU has it and allow_x2apic),
 * maps the MMIO window (mmio_pa 0: take it from MSR_APIC_BASE).  Returns 0
 * or a negative errno (no APIC, or the window cannot be mapped). */
int lapic_init_bsp(physaddr_t mmio_pa, bool allow_x2apic);
/* Every core, on itself, interrupts off: mode enable, SVR, LVTs, ESR. */
void lapic_init_core(void);
enum lapic_mode lapic_mode(void);
uint32_t lapic_read(uint32_t off);
void lapic_write(uint32_t off, uint32_t val);
uint32_t lapic_id(void);
void lapic_eoi(void);

/* IPIs; each returns 0 or -EINVAL (unencodable) / -ETIMEDOUT (xAPIC:
 * the previous IPI never left the ICR). */
int lapic_send_ipi(uint32_t apic_id, uint8_t vector);
int lapic_send_nmi(uint32_t apic_id);
int lapic_send_init(uint32_t apic_id);
int lapic_send_startup(uint32_t apic_id, uint8_t page);
int lapic_broadcast_ipi_others(uint8_t vector);
/* For panic(): NMI to every other core; safe before the LAPIC exists. */
void lapic_broadcast_nmi_others(void);

/* Measures the timer's rate (divide 16) against the TSC; boot core, after
 * tsc_calibrate().  All cores share the rate (one bus clock). */
void lapic_timer_calibrate(void);
uint64_t lapic_timer_hz(void);
/* Arms this core's timer once, VEC_LAPIC_TIMER, 'ns' from now (clamped,
 * see lapic_timer_ticks).  Re-arming replaces the previous deadline. */
void lapic_timer_oneshot_ns(uint64_t ns);
/* Disarms this core's timer; a pending interrupt may still arrive. */
void lapic_timer_stop(void);
