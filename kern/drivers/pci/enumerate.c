/* SPDX-License-Identifier: MIT */
/*
 * enumerate.c - finding every PCI function at boot: the bus walk, bridges
 * and their secondary buses, BAR sizing, and the capability lists.
 *
 * Walk: buses are visited breadth-first from bus 0 (and the first bus of
 * each segment-0 ECAM window).  A PCI-to-PCI bridge's secondary bus is
 * queued when it is above the bridge's own bus, not above its subordinate
 * bus, and not visited yet; anything else is reported and not followed, so
 * a device that names its own bus or loops back cannot make the walk run
 * forever.  Bus numbers are the firmware's; Vireo assigns none.
 *
 * BAR sizing: with memory and I/O decoding off (so the device answers at
 * no address while a BAR holds all ones), each BAR is written with ones,
 * read back and restored; bar.c turns the pair into base and size.  A BAR
 * bar.c refuses is reported and left empty.
 *
 * Lifetime: pci_dev structures are allocated here and never freed; the
 * list is [I] once pci_init() returns.  Boot core only, no locks.
 */
#include <arch/topology.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>

#include "pci_internal.h"

struct list_head pci_devs = LIST_HEAD_INIT(pci_devs);
static unsigned int pci_nr;             /* [I] */

struct bus_queue {
	uint8_t bus[256];
	unsigned int head, tail;
	uint8_t seen[256 / 8];
};

static void bus_queue_push(struct bus_queue *q, unsigned int bus)
{
	if (q->seen[bus / 8] & (1u << (bus % 8)))
		return;
	q->seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
	q->bus[q->tail++ % 256] = (uint8_t)bus;
}

/* ------------------------------------------------------------- BARs --- */

static uint32_t bar_probe(struct pci_dev *d, unsigned int off, uint32_t *mask)
{
	uint32_t orig = pci_cfg_read(d, off, 4);

	pci_cfg_write(d, off, 4, 0xffffffffu);
	*mask = pci_cfg_read(d, off, 4);
	pci_cfg_write(d, off, 4, orig);
	return orig;
}

static void pci_size_bars(struct pci_dev *d)
{
	uint16_t cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);

	pci_cfg_write(d, PCI_COMMAND, 2, cmd & ~(PCI_CMD_IO | PCI_CMD_MEM));
	for (unsigned int i = 0; i < d->nr_bars;) {
		uint32_t mask, mask_hi = 0, hi = 0;
		uint32_t lo = bar_probe(d, PCI_BAR0 + 4 * i, &mask);
		bool have_hi = i + 1 < d->nr_bars;
		int used;

		if (!(lo & PCI_BAR_IO) && (lo & PCI_BAR_MEM_TYPE_MASK) ==
		    PCI_BAR_MEM_TYPE_64 && have_hi)
			hi = bar_probe(d, PCI_BAR0 + 4 * (i + 1), &mask_hi);
		used = pci_bar_decode(lo, mask, have_hi, hi, mask_hi, &d->bar[i]);
		if (used < 0) {
			printk("pci: %02x:%02x.%u: BAR %u (%#x, mask %#x) is unusable; ignored\n",
			       d->bus, d->dev, d->fn, i, lo, mask);
			used = 1;
		}
		i += (unsigned int)used;
	}
	pci_cfg_write(d, PCI_COMMAND, 2, cmd);
}

/* ----------------------------------------------------- capabilities --- */

static void pci_read_caps(struct pci_dev *d)
{
	static const char *const what[] = { "loops", "points outside its area",
	                                    "is too long" };
	uint8_t *cfg = kmalloc(d->cfg_size, MEM_WAIT);
	int err;

	if (!cfg)
		return;
	pci_cfg_read_bytes(d, 0, cfg, d->cfg_size);
	err = pci_caps_parse(cfg, d->cfg_size, &d->caps);
	kfree(cfg);
	if (err)
		printk("pci: %02x:%02x.%u: capability list %s at %#x; walk stopped after %u\n",
		       d->bus, d->dev, d->fn,
		       what[err == -ELOOP ? 0 : err == -ERANGE ? 1 : 2],
		       d->caps.bad_off, d->caps.nr);
}

/* ---------------------------------------------------------- the walk --- */

/* Follows a bridge to its secondary bus when its numbers make sense. */
static void pci_follow_bridge(struct pci_dev *d, struct bus_queue *q)
{
	unsigned int sec = pci_cfg_read(d, PCI_SECONDARY_BUS, 1);
	unsigned int sub = pci_cfg_read(d, PCI_SUBORDINATE_BUS, 1);

	if (sec <= d->bus || sec > sub) {
		printk("pci: %02x:%02x.%u: bridge to bus %u (subordinate %u) not followed\n",
		       d->bus, d->dev, d->fn, sec, sub);
		return;
	}
	bus_queue_push(q, sec);
}

static struct pci_dev *pci_add_function(uint8_t bus, uint8_t dev, uint8_t fn,
                                        volatile uint8_t *ecam, uint32_t id)
{
	struct pci_dev *d = kzmalloc(sizeof(*d), MEM_WAIT);
	uint32_t cls;

	if (!d)
		return NULL;
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	snprintf(d->name, sizeof(d->name), "%02x.%02x.%x", bus, dev, fn);
	d->ecam = ecam;
	d->cfg_size = ecam ? PCI_CFG_EXT_SIZE : PCI_CFG_LEGACY_SIZE;
	d->vendor = id & 0xffff;
	d->device = id >> 16;
	cls = pci_cfg_read(d, PCI_REVISION, 4);
	d->revision = cls & 0xff;
	d->class = cls >> 8;
	d->hdr_type = pci_cfg_read(d, PCI_HEADER_TYPE, 1) & PCI_HDR_TYPE_MASK;
	d->irq_line = (uint8_t)pci_cfg_read(d, PCI_INT_LINE, 1);
	d->irq_pin = (uint8_t)pci_cfg_read(d, PCI_INT_PIN, 1);
	if (d->irq_pin > 4)
		d->irq_pin = 0;
	d->nr_bars = d->hdr_type == PCI_HDR_BRIDGE ? PCI_NR_BARS_BRIDGE :
	             d->hdr_type == PCI_HDR_NORMAL ? PCI_NR_BARS_NORMAL : 0;
	pci_size_bars(d);
	pci_read_caps(d);
	list_add_tail(&d->link, &pci_devs);
	pci_nr++;
	return d;
}

/* Returns the header type of a present function, or -1. */
static int pci_probe_function(uint8_t bus, uint8_t dev, uint8_t fn,
                              struct bus_queue *q)
{
	volatile uint8_t *ecam = pci_ecam_page(bus, dev, fn);
	uint32_t id = pci_raw_read(ecam, bus, dev, fn, PCI_VENDOR_ID, 4);
	struct pci_dev *d;

	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return -1;
	d = pci_add_function(bus, dev, fn, ecam, id);
	if (!d)
		return -1;
	if (d->hdr_type == PCI_HDR_BRIDGE)
		pci_follow_bridge(d, q);
	return (int)pci_cfg_read(d, PCI_HEADER_TYPE, 1);
}

static void pci_scan_bus(uint8_t bus, struct bus_queue *q)
{
	for (uint8_t dev = 0; dev < 32; dev++) {
		int hdr = pci_probe_function(bus, dev, 0, q);

		if (hdr < 0 || !(hdr & PCI_HDR_MULTIFN))
			continue;
		for (uint8_t fn = 1; fn < 8; fn++)
			pci_probe_function(bus, dev, fn, q);
	}
}

int pci_init(void)
{
	static struct bus_queue q;

	pci_cfg_init(&platform);
	bus_queue_push(&q, 0);
	for (unsigned int i = 0; i < platform.nr_ecam; i++)
		if (platform.ecam[i].segment == 0)
			bus_queue_push(&q, platform.ecam[i].bus_start);
	while (q.head != q.tail)
		pci_scan_bus(q.bus[q.head++ % 256], &q);
	printk("pci: %u functions (config space through %s)\n", pci_nr,
	       pci_cfg_mechanism());
	pci_print();
	return (int)pci_nr;
}

unsigned int pci_nr_devs(void)
{
	return pci_nr;
}

struct pci_dev *pci_dev_at(unsigned int n)
{
	struct pci_dev *d;

	pci_for_each_dev(d)
		if (n-- == 0)
			return d;
	return NULL;
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned int instance)
{
	struct pci_dev *d;

	pci_for_each_dev(d)
		if (d->vendor == vendor && d->device == device && instance-- == 0)
			return d;
	return NULL;
}
