/* SPDX-License-Identifier: MIT */
/*
 * bar_map.c - what a driver does to start using its device: map a memory
 * BAR and turn on memory decoding and bus mastering.
 *
 * A BAR is mapped uncached once and the mapping kept in the pci_dev for
 * the life of the system (drivers come and go; the device stays); a second
 * pci_bar_map() returns the same address.  Called from probe (under the
 * bind semaphore) or by the device's driver.
 */
#include <pmap.h>
#include <printk.h>

#include "pci_internal.h"

volatile void *pci_bar_map(struct pci_dev *d, unsigned int i)
{
	const struct pci_bar *b;

	if (i >= d->nr_bars)
		return NULL;
	b = &d->bar[i];
	if (d->bar_va[i])
		return d->bar_va[i];
	if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64) {
		printk("pci: %02x:%02x.%u: BAR %u is not a memory BAR\n", d->bus,
		       d->dev, d->fn, i);
		return NULL;
	}
	d->bar_va[i] = ioremap_nocache(b->base, b->size);
	if (!d->bar_va[i])
		printk("pci: %02x:%02x.%u: cannot map BAR %u (%#llx bytes)\n", d->bus,
		       d->dev, d->fn, i, (unsigned long long)b->size);
	return d->bar_va[i];
}

void pci_enable_master(struct pci_dev *d)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);

	pci_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_CMD_MEM | PCI_CMD_MASTER);
}
