/* SPDX-License-Identifier: MIT */
/*
 * msi.c - programming a device's MSI or MSI-X capability: messages, per
 * vector masking and retargeting to another core.
 *
 * MSI-X: the capability is checked against the BARs (pci_msix_layout), the
 * table is mapped uncached, every entry is masked, the function is enabled
 * with "mask all" set, each used entry gets its message, and "mask all" is
 * cleared: entries stay masked one by one until pci_irq_unmask().  A
 * retarget masks the entry, rewrites address and data, and restores the
 * mask, so the device never sees half a message.
 * MSI: one vector (multiple-message MSI needs aligned vector blocks, which
 * Vireo does not hand out).  The message is written with MSI disabled;
 * masking uses the per-vector mask bit when the capability has one, else
 * the enable bit.
 *
 * Callers (irq.c) hold the device's interrupts: one caller at a time per
 * device, no lock here.  INTx is disabled in the command register while
 * MSI or MSI-X is on.
 */
#include <errno.h>
#include <percpu.h>
#include <printk.h>

#include "pci_internal.h"

static uint32_t vec_apic(struct pci_dev *d, unsigned int idx)
{
	return percpu_of(d->irq.vec[idx].core)->apic_id;
}

static void intx_set(struct pci_dev *d, bool on)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);

	cmd = on ? cmd & ~PCI_CMD_INTX_DISABLE : cmd | PCI_CMD_INTX_DISABLE;
	pci_cfg_write(d, PCI_COMMAND, 2, cmd);
}

/* ------------------------------------------------------------ MSI-X --- */

static volatile uint32_t *msix_entry(struct pci_dev *d, unsigned int idx)
{
	return (volatile uint32_t *)(d->irq.msix_table + idx * PCI_MSIX_ENTRY_SIZE);
}

static int msix_layout_of(struct pci_dev *d, struct pci_msix_layout *l)
{
	unsigned int cap = pci_cap_find(&d->caps, PCI_CAP_ID_MSIX, false);
	const char *why;

	if (!cap)
		return -ENOENT;
	if (pci_msix_layout((uint16_t)pci_cfg_read(d, cap + PCI_MSIX_CTL, 2),
	                    pci_cfg_read(d, cap + PCI_MSIX_TABLE, 4),
	                    pci_cfg_read(d, cap + PCI_MSIX_PBA, 4), d->bar, l, &why)) {
		printk("pci: %02x:%02x.%u: MSI-X %s; not used\n", d->bus, d->dev,
		       d->fn, why);
		return -EINVAL;
	}
	return (int)cap;
}

unsigned int pci_msix_count(struct pci_dev *d)
{
	struct pci_msix_layout l;

	return msix_layout_of(d, &l) > 0 ? l.nr_vectors : 0;
}

static int msix_write_msg(struct pci_dev *d, unsigned int idx)
{
	volatile uint32_t *e = msix_entry(d, idx);
	uint64_t addr;
	uint32_t data, ctl;
	int err = pci_msi_message(vec_apic(d, idx), (unsigned int)d->irq.vec[idx].vector,
	                          &addr, &data);

	if (err)
		return err;
	ctl = e[PCI_MSIX_ENTRY_CTL / 4];
	e[PCI_MSIX_ENTRY_CTL / 4] = ctl | PCI_MSIX_ENTRY_MASKED;
	e[PCI_MSIX_ENTRY_ADDR_LO / 4] = (uint32_t)addr;
	e[PCI_MSIX_ENTRY_ADDR_HI / 4] = (uint32_t)(addr >> 32);
	e[PCI_MSIX_ENTRY_DATA / 4] = data;
	e[PCI_MSIX_ENTRY_CTL / 4] = ctl;
	return 0;
}

int pci_msix_setup(struct pci_dev *d, unsigned int n)
{
	struct pci_msix_layout l;
	int cap = msix_layout_of(d, &l);
	volatile uint8_t *bar;
	uint16_t ctl;

	if (cap < 0)
		return cap;
	bar = pci_bar_map(d, l.table_bar);
	if (!bar)
		return -ENOMEM;
	d->irq.msix_table = bar + l.table_off;
	for (unsigned int i = 0; i < l.nr_vectors; i++)
		msix_entry(d, i)[PCI_MSIX_ENTRY_CTL / 4] |= PCI_MSIX_ENTRY_MASKED;
	ctl = (uint16_t)pci_cfg_read(d, (unsigned int)cap + PCI_MSIX_CTL, 2);
	pci_cfg_write(d, (unsigned int)cap + PCI_MSIX_CTL, 2,
	              ctl | PCI_MSIX_CTL_ENABLE | PCI_MSIX_CTL_MASKALL);
	for (unsigned int i = 0; i < n; i++)
		if (msix_write_msg(d, i))
			return -ERANGE;
	intx_set(d, false);
	pci_cfg_write(d, (unsigned int)cap + PCI_MSIX_CTL, 2,
	              (ctl | PCI_MSIX_CTL_ENABLE) & ~PCI_MSIX_CTL_MASKALL);
	return 0;
}

/* -------------------------------------------------------------- MSI --- */

static void msi_write_msg(struct pci_dev *d, unsigned int cap,
                          const struct pci_msi_layout *l)
{
	uint64_t addr;
	uint32_t data;

	pci_msi_message(vec_apic(d, 0), (unsigned int)d->irq.vec[0].vector, &addr, &data);
	pci_cfg_write(d, cap + PCI_MSI_ADDR_LO, 4, (uint32_t)addr);
	if (l->is_64)
		pci_cfg_write(d, cap + PCI_MSI_ADDR_LO + 4, 4, (uint32_t)(addr >> 32));
	pci_cfg_write(d, cap + l->data_off, 2, data);
}

static void msi_enable(struct pci_dev *d, unsigned int cap, bool on)
{
	uint16_t ctl = (uint16_t)pci_cfg_read(d, cap + PCI_MSI_CTL, 2);

	ctl &= (uint16_t)~(7u << PCI_MSI_CTL_MME_SHIFT);        /* one message */
	ctl = on ? ctl | PCI_MSI_CTL_ENABLE : ctl & ~PCI_MSI_CTL_ENABLE;
	pci_cfg_write(d, cap + PCI_MSI_CTL, 2, ctl);
}

int pci_msi_setup(struct pci_dev *d)
{
	unsigned int cap = pci_cap_find(&d->caps, PCI_CAP_ID_MSI, false);
	struct pci_msi_layout l;
	uint64_t addr;
	uint32_t data;

	if (!cap)
		return -ENOENT;
	if (pci_msi_message(vec_apic(d, 0), (unsigned int)d->irq.vec[0].vector,
	                    &addr, &data))
		return -ERANGE;
	pci_msi_layout((uint16_t)pci_cfg_read(d, cap + PCI_MSI_CTL, 2), &l);
	msi_enable(d, cap, false);
	msi_write_msg(d, cap, &l);
	if (l.maskable)
		pci_cfg_write(d, cap + l.mask_off, 4, 1);       /* vector 0 masked */
	intx_set(d, false);
	msi_enable(d, cap, l.maskable);   /* else masked = disabled */
	return 0;
}

void pci_msi_disable(struct pci_dev *d)
{
	unsigned int msix = pci_cap_find(&d->caps, PCI_CAP_ID_MSIX, false);
	unsigned int msi = pci_cap_find(&d->caps, PCI_CAP_ID_MSI, false);

	if (d->irq.kind == PCI_IRQ_MSIX && msix) {
		uint16_t ctl = (uint16_t)pci_cfg_read(d, msix + PCI_MSIX_CTL, 2);

		pci_cfg_write(d, msix + PCI_MSIX_CTL, 2, ctl & ~PCI_MSIX_CTL_ENABLE);
	} else if (d->irq.kind == PCI_IRQ_MSI && msi) {
		msi_enable(d, msi, false);
	}
	intx_set(d, true);
}

void pci_msi_mask(struct pci_dev *d, unsigned int idx, bool masked)
{
	unsigned int cap = pci_cap_find(&d->caps, PCI_CAP_ID_MSI, false);
	struct pci_msi_layout l;

	if (d->irq.kind == PCI_IRQ_MSIX) {
		volatile uint32_t *e = msix_entry(d, idx);
		uint32_t ctl = e[PCI_MSIX_ENTRY_CTL / 4];

		e[PCI_MSIX_ENTRY_CTL / 4] = masked ? ctl | PCI_MSIX_ENTRY_MASKED :
		                                     ctl & ~PCI_MSIX_ENTRY_MASKED;
		return;
	}
	pci_msi_layout((uint16_t)pci_cfg_read(d, cap + PCI_MSI_CTL, 2), &l);
	if (l.maskable)
		pci_cfg_write(d, cap + l.mask_off, 4, masked ? 1 : 0);
	else
		msi_enable(d, cap, !masked);
}

int pci_msi_retarget(struct pci_dev *d, unsigned int idx)
{
	unsigned int cap = pci_cap_find(&d->caps, PCI_CAP_ID_MSI, false);
	struct pci_msi_layout l;
	uint64_t addr;
	uint32_t data;

	if (pci_msi_message(vec_apic(d, idx), (unsigned int)d->irq.vec[idx].vector,
	                    &addr, &data))
		return -ERANGE;
	if (d->irq.kind == PCI_IRQ_MSIX)
		return msix_write_msg(d, idx);
	pci_msi_layout((uint16_t)pci_cfg_read(d, cap + PCI_MSI_CTL, 2), &l);
	msi_write_msg(d, cap, &l);      /* irq.c masked the vector around this */
	return 0;
}
