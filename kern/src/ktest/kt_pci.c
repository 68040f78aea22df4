/* SPDX-License-Identifier: MIT */
/*
 * kt_pci.c - ktests of PCI enumeration, suite pci: what pci_init() found
 * is consistent with the device's own config space, every bus behind a
 * bridge was walked, BARs are sane, capability lists were read, names come
 * from pci.ids, and drivers match by vendor, device and class.
 *
 * The boot configurations smp4-1g (q35: ECAM) and pc-nohpet (i440FX: the
 * port mechanism) add NICs and a bridge (scripts/run-ktests.sh); the
 * checks of those devices are skipped, saying so, on machines without
 * them (kt_pci_irq.c prints the line those two boots look for).
 */
#include <arch/topology.h>
#include <kstring.h>
#include <ktest.h>
#include <pci.h>
#include <printk.h>

#define VID_INTEL   0x8086
#define DID_E1000   0x100e
#define DID_E1000E  0x10d3
#define VID_REDHAT  0x1af4
#define DID_VNET    0x1041

static bool kt_pci_bar_sane(const struct pci_bar *b)
{
	if (b->kind == PCI_BAR_NONE)
		return b->size == 0;
	return b->size && !(b->size & (b->size - 1)) && !(b->base & (b->size - 1));
}

/* Each device agrees with its config space, and the fields are in range. */
KTEST(pci, devices_match_config_space)
{
	struct pci_dev *d;
	unsigned int n = 0;

	KT_ASSERT(pci_nr_devs() > 0);
	pci_for_each_dev(d) {
		KT_ASSERT(d->dev < 32 && d->fn < 8);
		KT_ASSERT_EQ(pci_cfg_read(d, PCI_VENDOR_ID, 2), d->vendor);
		KT_ASSERT_EQ(pci_cfg_read(d, PCI_DEVICE_ID, 2), d->device);
		KT_ASSERT_EQ(pci_cfg_read(d, PCI_REVISION, 4) >> 8, d->class);
		KT_ASSERT(d->cfg_size == (platform.nr_ecam ? 4096u : 256u));
		KT_ASSERT(d->caps.nr <= PCI_MAX_CAPS);
		for (unsigned int i = 0; i < d->nr_bars; i++)
			KT_ASSERT_MSG(kt_pci_bar_sane(&d->bar[i]), "%s BAR %u", d->name, i);
		n++;
	}
	KT_ASSERT_EQ(n, pci_nr_devs());
	d = pci_dev_at(0);
	KT_ASSERT(d && d->bus == 0 && d->dev == 0 && d->fn == 0);
	KT_ASSERT_EQ(d->class >> 8, 0x0600u);           /* host bridge */
}

/* Out-of-range and unaligned accesses read as ones and write nothing. */
KTEST(pci, config_bounds)
{
	struct pci_dev *d = pci_dev_at(0);

	KT_ASSERT_EQ(pci_cfg_read(d, d->cfg_size, 4), 0xffffffffu);
	KT_ASSERT_EQ(pci_cfg_read(d, 2, 4), 0xffffffffu);
	KT_ASSERT_EQ(pci_cfg_read(d, 1, 2), 0xffffu);
	KT_ASSERT_EQ(pci_cfg_read(d, 0, 3), 0xffffffffu);
	pci_cfg_write(d, d->cfg_size - 2, 4, 0);
	KT_ASSERT_EQ(pci_cfg_read(d, PCI_VENDOR_ID, 2), d->vendor);
}

/* Every bus but 0 is the secondary bus of a bridge that was found. */
KTEST(pci, buses_come_from_bridges)
{
	struct pci_dev *d, *b;

	pci_for_each_dev(d) {
		bool found = d->bus == 0;

		pci_for_each_dev(b)
			if (b->hdr_type == PCI_HDR_BRIDGE &&
			    pci_cfg_read(b, PCI_SECONDARY_BUS, 1) == d->bus)
				found = true;
		KT_ASSERT_MSG(found, "%s: no bridge leads to bus %u", d->name, d->bus);
	}
}

KTEST(pci, names_from_pci_ids)
{
	KT_ASSERT(pci_vendor_name(VID_INTEL) &&
	          !strcmp(pci_vendor_name(VID_INTEL), "Intel Corporation"));
	KT_ASSERT(pci_class_name(0x02, 0x00) &&
	          !strcmp(pci_class_name(0x02, 0x00), "Ethernet controller"));
	KT_ASSERT(pci_device_name(VID_INTEL, DID_E1000) &&
	          !strncmp(pci_device_name(VID_INTEL, DID_E1000), "82540EM", 7));
	KT_ASSERT(pci_class_name(0x02, 0x77));          /* falls back to the class */
	KT_ASSERT(!pci_device_name(0xffff, 0xffff));
}

KTEST(pci, driver_id_matching)
{
	static const struct pci_id by_class[] = {
		{ .vendor = PCI_ANY, .device = PCI_ANY, .class = 0x060000,
		  .class_mask = 0xffff00 },
		{ 0 },
	};
	static const struct pci_id by_id[] = {
		{ .vendor = 0x1234, .device = 0x5678, .class = PCI_ANY },
		{ .vendor = PCI_ANY, .device = PCI_ANY, .class = PCI_ANY },
		{ 0 },
	};
	struct pci_dev *host = pci_dev_at(0);

	KT_ASSERT(pci_match(by_class, host) == &by_class[0]);
	KT_ASSERT(pci_match(by_id, host) == &by_id[1]);
	KT_ASSERT(pci_match(by_id + 2, host) == NULL);
}

/* The NICs and the bridge of the PCI boot configurations. */
KTEST(pci, nics_bars_and_caps)
{
	struct pci_dev *e1000 = pci_find(VID_INTEL, DID_E1000, 0);
	struct pci_dev *behind = pci_find(VID_INTEL, DID_E1000, 1);
	struct pci_dev *e1000e = pci_find(VID_INTEL, DID_E1000E, 0);
	struct pci_dev *vnet = pci_find(VID_REDHAT, DID_VNET, 0);
	unsigned int vendor_caps = 0;

	if (!e1000 || !e1000e) {
		printk("kt_pci: no e1000/e1000e on this machine; NIC checks skipped\n");
		return;
	}
	KT_ASSERT(behind && behind->bus > 0);
	KT_ASSERT(e1000->bar[0].kind == PCI_BAR_MEM32 && e1000->bar[0].size == 0x20000);
	KT_ASSERT(e1000->bar[1].kind == PCI_BAR_IOPORT && e1000->bar[1].size == 0x40);
	KT_ASSERT(e1000e->bar[0].kind == PCI_BAR_MEM32 && e1000e->bar[0].size == 0x20000);
	KT_ASSERT(pci_cap_find(&e1000e->caps, PCI_CAP_ID_MSIX, false));
	KT_ASSERT(pci_cap_find(&e1000e->caps, PCI_CAP_ID_MSI, false));
	KT_ASSERT(pci_cap_find(&e1000e->caps, PCI_CAP_ID_PCIE, false));
	if (!vnet)
		return;
	KT_ASSERT(vnet->bar[4].kind == PCI_BAR_MEM64 && vnet->bar[4].prefetch);
	KT_ASSERT(vnet->bar[5].kind == PCI_BAR_NONE);   /* upper half of BAR 4 */
	KT_ASSERT(pci_cap_find(&vnet->caps, PCI_CAP_ID_MSIX, false));
	for (unsigned int i = 0; i < vnet->caps.nr; i++)
		vendor_caps += vnet->caps.cap[i].id == PCI_CAP_ID_VENDOR;
	KT_ASSERT(vendor_caps >= 4);                    /* virtio common/notify/isr/device */
}
