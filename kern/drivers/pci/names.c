/* SPDX-License-Identifier: MIT */
/*
 * names.c - human names of PCI vendors, devices and classes, from the
 * tables scripts/mkpciids.py generates out of Debian's pci.ids at build
 * time (which entries are kept: kern/drivers/pci/pci_ids.want).
 *
 * The tables are const and sorted by id; lookups are binary searches and
 * safe in any context.  Unknown ids give NULL (callers print the number).
 */
#include <pci.h>

struct pci_name {
	uint32_t id;
	const char *name;
};

#include <generated/pci_ids.h>

static const char *pci_name_find(const struct pci_name *t, size_t n, uint32_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t[mid].id == id)
			return t[mid].name;
		if (t[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

#define PCI_NAME_FIND(table, id) \
	pci_name_find(table, sizeof(table) / sizeof(table[0]), id)

const char *pci_vendor_name(uint16_t vendor)
{
	return PCI_NAME_FIND(pci_vendor_names, vendor);
}

const char *pci_device_name(uint16_t vendor, uint16_t device)
{
	return PCI_NAME_FIND(pci_device_names, (uint32_t)vendor << 16 | device);
}

const char *pci_class_name(uint8_t class, uint8_t subclass)
{
	const char *n = PCI_NAME_FIND(pci_class_names, (uint32_t)class << 8 | subclass);

	return n ? n : PCI_NAME_FIND(pci_class_names, (uint32_t)class << 8 | 0xff);
}
