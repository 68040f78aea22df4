/* SPDX-License-Identifier: MIT */
/*
 * ioapic.c - the IOAPICs: register access, boot-time masking, routing of
 * ISA IRQs and GSIs to LAPIC vectors.
 *
 * Model: each IOAPIC serves the GSIs [gsi_base, gsi_base + nr_pins); its
 * pin count comes from its version register, and an IOAPIC the MP table
 * left without a base gets the next free GSI after the ones before it.
 * ioapic_init() maps each window (uncached), checks that something answers
 * there, and masks every pin; nothing is delivered until a driver routes
 * and unmasks its line.  Redirection entries are written high half first,
 * so a half-written entry is never live, and the low half last (it holds
 * the mask bit).
 *
 * Locking: the select/window pair of one IOAPIC is a critical section
 * (spinlock, irqsave).  The table of IOAPICs is [I] after ioapic_init().
 * Not here: MSI, interrupt remapping, PCI interrupt pin lookup.
 */
#include <arch/ioapic.h>
#include <arch/trap.h>
#include <errno.h>
#include <arch/mmu.h>
#include <pmap.h>
#include <printk.h>
#include <spinlock.h>

struct ioapic {
	volatile uint32_t *regs;        /* [I] */
	uint32_t id;                    /* [I] */
	uint32_t gsi_base;              /* [I] */
	uint32_t nr_pins;               /* [I] */
	spinlock_t lock;                /* orders REGSEL/WINDOW use */
};

static struct ioapic ioapics[PLATFORM_MAX_IOAPICS];
static unsigned int nr_ioapics;                 /* [I] after ioapic_init */
static const struct platform_info *ioapic_pi;   /* [I] overrides */

/* ------------------------------------------------------ register access --- */

static uint32_t __ioapic_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	return io->regs[IOAPIC_WINDOW / 4];
}

static void __ioapic_write(struct ioapic *io, uint32_t reg, uint32_t val)
{
	io->regs[IOAPIC_REGSEL / 4] = reg;
	io->regs[IOAPIC_WINDOW / 4] = val;
}

static void ioapic_write_rte(struct ioapic *io, uint32_t pin, uint64_t rte)
{
	uint64_t flags = spin_lock_irqsave(&io->lock);

	__ioapic_write(io, IOAPIC_REG_REDIR(pin), IOAPIC_RTE_MASKED);
	__ioapic_write(io, IOAPIC_REG_REDIR(pin) + 1, (uint32_t)(rte >> 32));
	__ioapic_write(io, IOAPIC_REG_REDIR(pin), (uint32_t)rte);
	spin_unlock_irqrestore(&io->lock, flags);
}

static void ioapic_set_mask(struct ioapic *io, uint32_t pin, bool masked)
{
	uint64_t flags = spin_lock_irqsave(&io->lock);
	uint32_t lo = __ioapic_read(io, IOAPIC_REG_REDIR(pin));

	lo = masked ? lo | IOAPIC_RTE_MASKED : lo & ~(uint32_t)IOAPIC_RTE_MASKED;
	__ioapic_write(io, IOAPIC_REG_REDIR(pin), lo);
	spin_unlock_irqrestore(&io->lock, flags);
}

/* --------------------------------------------------------------- set-up --- */

static int ioapic_probe(struct ioapic *io, const struct platform_ioapic *p,
                        uint32_t next_gsi)
{
	uint32_t ver;

	io->regs = ioremap_nocache(p->phys_addr, PGSIZE);
	if (!io->regs) {
		printk("ioapic: cannot map id %u at %#x\n", p->id, p->phys_addr);
		return -ENOMEM;
	}
	spinlock_init(&io->lock, "ioapic");
	ver = __ioapic_read(io, IOAPIC_REG_VER);
	if (ver == 0xffffffff || (ver & 0xff) == 0) {
		printk("ioapic: nothing answers for id %u at %#x (version %#x)\n",
		       p->id, p->phys_addr, ver);
		return -ENODEV;
	}
	io->id = p->id;
	io->nr_pins = ((ver >> 16) & 0xff) + 1;
	io->gsi_base = p->gsi_base == PLATFORM_GSI_UNKNOWN ? next_gsi : p->gsi_base;
	return 0;
}

int ioapic_init(const struct platform_info *pi)
{
	uint32_t next_gsi = 0;

	ioapic_pi = pi;
	for (unsigned int i = 0; i < pi->nr_ioapics; i++) {
		struct ioapic *io = &ioapics[nr_ioapics];

		if (ioapic_probe(io, &pi->ioapics[i], next_gsi))
			continue;
		for (uint32_t pin = 0; pin < io->nr_pins; pin++)
			ioapic_write_rte(io, pin, IOAPIC_RTE_MASKED);
		next_gsi = io->gsi_base + io->nr_pins;
		printk("ioapic: id %u at %#x, GSIs %u-%u, all masked\n", io->id,
		       pi->ioapics[i].phys_addr, io->gsi_base, next_gsi - 1);
		nr_ioapics++;
	}
	if (pi->nr_ioapics && !nr_ioapics)
		printk("ioapic: none of the %u IOAPICs works\n", pi->nr_ioapics);
	return nr_ioapics;
}

/* -------------------------------------------------------------- routing --- */

static const struct platform_irq_override *ioapic_override(int isa_irq)
{
	if (!ioapic_pi)
		return NULL;
	for (unsigned int i = 0; i < ioapic_pi->nr_overrides; i++)
		if (ioapic_pi->overrides[i].isa_irq == isa_irq)
			return &ioapic_pi->overrides[i];
	return NULL;
}

int ioapic_irq_to_gsi(int irq)
{
	const struct platform_irq_override *ov;

	if (irq < 0)
		return -EINVAL;
	if (irq >= 16)
		return irq;
	ov = ioapic_override(irq);
	return ov ? (int)ov->gsi : irq;
}

static struct ioapic *ioapic_for_gsi(uint32_t gsi, uint32_t *pin)
{
	for (unsigned int i = 0; i < nr_ioapics; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

/* Polarity and trigger bits: ISA defaults edge/high, PCI level/low. */
static uint64_t ioapic_rte_mode(int irq)
{
	const struct platform_irq_override *ov = irq < 16 ? ioapic_override(irq) : NULL;
	uint8_t pol = ov ? ov->polarity : PLATFORM_POL_CONFORM;
	uint8_t trig = ov ? ov->trigger : PLATFORM_TRIG_CONFORM;
	uint64_t rte = 0;

	if (pol == PLATFORM_POL_LOW || (pol == PLATFORM_POL_CONFORM && irq >= 16))
		rte |= IOAPIC_RTE_ACTIVE_LOW;
	if (trig == PLATFORM_TRIG_LEVEL || (trig == PLATFORM_TRIG_CONFORM && irq >= 16))
		rte |= IOAPIC_RTE_LEVEL;
	return rte;
}

int ioapic_route_irq(int irq, int dest_apic_id)
{
	int gsi = ioapic_irq_to_gsi(irq);
	struct ioapic *io;
	uint32_t pin;
	int vec;

	if (gsi < 0 || dest_apic_id < 0 || dest_apic_id > 0xfe)
		return -EINVAL;      /* IOAPICs address 8-bit physical ids */
	if (gsi > IRQ_MAX_GSI)
		return -ERANGE;
	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return -ENOENT;
	vec = IRQ_BASE_VECTOR + gsi;
	ioapic_write_rte(io, pin, IOAPIC_RTE_MASKED | ioapic_rte_mode(irq) |
	                 ((uint64_t)dest_apic_id << IOAPIC_RTE_DEST_SHIFT) | vec);
	return vec;
}

static int ioapic_mask_set(int irq, bool masked)
{
	int gsi = ioapic_irq_to_gsi(irq);
	struct ioapic *io;
	uint32_t pin;

	if (gsi < 0)
		return gsi;
	io = ioapic_for_gsi(gsi, &pin);
	if (!io)
		return -ENOENT;
	ioapic_set_mask(io, pin, masked);
	return 0;
}

int ioapic_mask(int irq)
{
	return ioapic_mask_set(irq, true);
}

int ioapic_unmask(int irq)
{
	return ioapic_mask_set(irq, false);
}
