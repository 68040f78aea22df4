/* SPDX-License-Identifier: MIT */
/*
 * cfg.c - reaching PCI configuration space: ECAM (memory-mapped, 4 KiB per
 * function, from the ACPI MCFG) when a window covers the bus, else the
 * legacy port pair 0xCF8/0xCFC (256 bytes per function).
 *
 * ECAM buses are mapped uncached, 1 MiB each, the first time enumeration
 * touches them; pci_init() runs on the boot core alone, so the bus table
 * needs no lock and is [I] afterwards (pci_dev.ecam points into it).  The
 * port mechanism is an address/data pair shared by every core: one irqsave
 * spinlock ("pci_cfg_port") covers each access.  Only segment 0 is used;
 * windows of other segments are reported and ignored.
 */
#include <arch/mmu.h>
#include <arch/x86.h>
#include <pmap.h>
#include <printk.h>
#include <spinlock.h>

#include "pci_internal.h"

#define PCI_PORT_ADDR   0xcf8
#define PCI_PORT_DATA   0xcfc
#define ECAM_BUS_SIZE   (1u << 20)

static const struct platform_ecam *ecam_windows[256];  /* [I] by bus */
static volatile uint8_t *ecam_bus_va[256];             /* [I] after pci_init */
static bool ecam_any;                                  /* [I] */
static spinlock_t pci_port_lock = SPINLOCK_INITIALIZER("pci_cfg_port");

void pci_cfg_init(const struct platform_info *pi)
{
	for (unsigned int i = 0; i < pi->nr_ecam; i++) {
		const struct platform_ecam *w = &pi->ecam[i];

		if (w->segment != 0) {
			printk("pci: ECAM window of segment %u ignored (only segment 0 is scanned)\n",
			       w->segment);
			continue;
		}
		for (unsigned int b = w->bus_start; b <= w->bus_end; b++)
			ecam_windows[b] = w;
		ecam_any = true;
	}
}

const char *pci_cfg_mechanism(void)
{
	return ecam_any ? "ECAM" : "ports";
}

volatile uint8_t *pci_ecam_page(uint8_t bus, uint8_t dev, uint8_t fn)
{
	const struct platform_ecam *w = ecam_windows[bus];

	if (!w)
		return NULL;
	if (!ecam_bus_va[bus]) {
		ecam_bus_va[bus] = ioremap_nocache(w->base + ((uint64_t)bus << 20),
		                                   ECAM_BUS_SIZE);
		if (!ecam_bus_va[bus]) {
			printk("pci: cannot map ECAM of bus %u; using ports\n", bus);
			ecam_windows[bus] = NULL;
			return NULL;
		}
	}
	return ecam_bus_va[bus] + ((unsigned int)dev << 15 | (unsigned int)fn << 12);
}

static uint32_t port_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned int off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)(dev & 31) << 11 |
	       (uint32_t)(fn & 7) << 8 | (off & 0xfc);
}

static uint32_t port_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned int off,
                          unsigned int width)
{
	uint64_t flags = spin_lock_irqsave(&pci_port_lock);
	uint16_t port = (uint16_t)(PCI_PORT_DATA + (off & 3));
	uint32_t v;

	outl(PCI_PORT_ADDR, port_addr(bus, dev, fn, off));
	if (width == 1)
		v = inb(port);
	else if (width == 2)
		v = inw(port);
	else
		v = inl(port);
	spin_unlock_irqrestore(&pci_port_lock, flags);
	return v;
}

static void port_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned int off,
                       unsigned int width, uint32_t v)
{
	uint64_t flags = spin_lock_irqsave(&pci_port_lock);
	uint16_t port = (uint16_t)(PCI_PORT_DATA + (off & 3));

	outl(PCI_PORT_ADDR, port_addr(bus, dev, fn, off));
	if (width == 1)
		outb(port, (uint8_t)v);
	else if (width == 2)
		outw(port, (uint16_t)v);
	else
		outl(port, v);
	spin_unlock_irqrestore(&pci_port_lock, flags);
}

static bool cfg_args_ok(volatile uint8_t *ecam, unsigned int off, unsigned int width)
{
	unsigned int size = ecam ? PCI_CFG_EXT_SIZE : PCI_CFG_LEGACY_SIZE;

	if (width != 1 && width != 2 && width != 4)
		return false;
	return off < size && width <= size - off && (off & (width - 1)) == 0;
}

uint32_t pci_raw_read(volatile uint8_t *ecam, uint8_t bus, uint8_t dev,
                      uint8_t fn, unsigned int off, unsigned int width)
{
	if (!cfg_args_ok(ecam, off, width))
		return width == 1 ? 0xffu : width == 2 ? 0xffffu : 0xffffffffu;
	if (!ecam)
		return port_read(bus, dev, fn, off, width);
	if (width == 1)
		return *(volatile uint8_t *)(ecam + off);
	if (width == 2)
		return *(volatile uint16_t *)(ecam + off);
	return *(volatile uint32_t *)(ecam + off);
}

void pci_raw_write(volatile uint8_t *ecam, uint8_t bus, uint8_t dev,
                   uint8_t fn, unsigned int off, unsigned int width, uint32_t v)
{
	if (!cfg_args_ok(ecam, off, width))
		return;
	if (!ecam)
		port_write(bus, dev, fn, off, width, v);
	else if (width == 1)
		*(volatile uint8_t *)(ecam + off) = (uint8_t)v;
	else if (width == 2)
		*(volatile uint16_t *)(ecam + off) = (uint16_t)v;
	else
		*(volatile uint32_t *)(ecam + off) = v;
}

uint32_t pci_cfg_read(const struct pci_dev *d, unsigned int off, unsigned int width)
{
	return pci_raw_read(d->ecam, d->bus, d->dev, d->fn, off, width);
}

void pci_cfg_write(const struct pci_dev *d, unsigned int off, unsigned int width,
                   uint32_t v)
{
	pci_raw_write(d->ecam, d->bus, d->dev, d->fn, off, width, v);
}

void pci_cfg_read_bytes(const struct pci_dev *d, unsigned int off, void *buf,
                        size_t n)
{
	uint8_t *out = buf;
	uint32_t v = 0;

	for (size_t i = 0; i < n; i++, off++) {
		if (i == 0 || (off & 3) == 0)
			v = pci_cfg_read(d, off & ~3u, 4);
		out[i] = (uint8_t)(v >> (8 * (off & 3)));
	}
}
