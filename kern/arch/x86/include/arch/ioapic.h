/* SPDX-License-Identifier: MIT */
/*
 * arch/ioapic.h - the IOAPICs: external interrupt pins (GSIs) to vectors.
 *
 * Usage:
 *	ioapic_init(&platform);                  // boot core, once: all pins masked
 *	vec = ioapic_route_irq(4, lapic_id());   // ISA IRQ 4 (COM1) -> this core
 *	register_irq_handler(vec, fn, data, "com1");
 *	ioapic_unmask(4);
 *
 * 'irq' below is an ISA IRQ when < 16 (mapped to its GSI through the
 * firmware's interrupt source overrides, edge/high unless they say
 * otherwise) and a GSI otherwise (PCI: level, active low).  The vector is
 * always IRQ_BASE_VECTOR + GSI (arch/trap.h), so GSIs above IRQ_MAX_GSI
 * cannot be routed.  Routing and masking may run on any core at any time;
 * a per-IOAPIC spinlock orders the index/data register pair.
 */
#pragma once

#include <platform.h>
#include <types.h>

#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_REG_ID   0x00
#define IOAPIC_REG_VER  0x01
#define IOAPIC_REG_REDIR(pin) (0x10 + 2 * (pin))

#define IOAPIC_RTE_MASKED     (1ULL << 16)
#define IOAPIC_RTE_LEVEL      (1ULL << 15)
#define IOAPIC_RTE_ACTIVE_LOW (1ULL << 13)
#define IOAPIC_RTE_DEST_SHIFT 56

/* Maps and masks every IOAPIC the platform lists; returns how many work. */
int ioapic_init(const struct platform_info *pi);
/* Routes irq (ISA IRQ or GSI, see above) to dest_apic_id, still masked.
 * Returns the vector, or -EINVAL / -ENOENT (no IOAPIC serves it) / -ERANGE. */
int ioapic_route_irq(int irq, int dest_apic_id);
int ioapic_mask(int irq);
int ioapic_unmask(int irq);
/* The GSI an ISA IRQ (or GSI) arrives on; -EINVAL for a negative irq. */
int ioapic_irq_to_gsi(int irq);
