/* SPDX-License-Identifier: MIT */
/*
 * print.c - the boot log's list of PCI functions: one line per function
 * with its address, ids, class and names, and one per memory or I/O BAR.
 * Reads only [I] fields, so it may run at any time after pci_init().
 */
#include <printk.h>

#include "pci_internal.h"

static const char *const pci_bar_kinds[] = {
	[PCI_BAR_NONE] = "none", [PCI_BAR_MEM32] = "mem32",
	[PCI_BAR_MEM64] = "mem64", [PCI_BAR_IOPORT] = "io",
};

static void pci_print_bars(const struct pci_dev *d)
{
	for (unsigned int i = 0; i < d->nr_bars; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->kind == PCI_BAR_NONE)
			continue;
		printk("      BAR %u: %s%s at %#llx, %#llx bytes\n", i,
		       pci_bar_kinds[b->kind], b->prefetch ? " prefetchable" : "",
		       (unsigned long long)b->base, (unsigned long long)b->size);
	}
}

void pci_print(void)
{
	struct pci_dev *d;

	pci_for_each_dev(d) {
		const char *v = pci_vendor_name(d->vendor);
		const char *n = pci_device_name(d->vendor, d->device);
		const char *c = pci_class_name(d->class >> 16, (d->class >> 8) & 0xff);

		printk("  %02x:%02x.%u %04x:%04x class %06x %s: %s %s\n", d->bus,
		       d->dev, d->fn, d->vendor, d->device, d->class, c ? c : "?",
		       v ? v : "?", n ? n : "");
		pci_print_bars(d);
	}
}
