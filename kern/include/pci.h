/* SPDX-License-Identifier: MIT */
/*
 * pci.h - the PCI bus: devices found at boot, their config space, drivers
 * that claim them, and their interrupts.
 *
 * Usage (a driver):
 *	static const struct pci_id my_ids[] = {
 *		{ .vendor = 0x8086, .device = 0x100e, .class = PCI_ANY },
 *		{ 0 },
 *	};
 *	static int my_probe(struct pci_dev *d, const struct pci_id *id) { ... }
 *	static struct pci_driver my_drv = { .name = "mine", .ids = my_ids,
 *	                                    .probe = my_probe, .remove = my_remove };
 *	pci_register_driver(&my_drv);       // probes every matching device
 *	// in probe: regs = pci_bar_map(d, 0); pci_enable_master(d);
 *	//           n = pci_irq_alloc(d, 4, PCI_IRQ_ANY, my_irq, sc, core);
 *
 * Lifetimes and locking: pci_init() enumerates once on the boot core,
 * before the other cores run user code; the device list and each device's
 * identity, BARs and capabilities are [I] afterwards and read without
 * locks.  Binding (register/unregister, probe, remove) is serialised by
 * one qlock ("pci bind"), so probe and remove may sleep.  Config-space
 * accessors work in any context (the port mechanism takes an irqsave
 * spinlock; ECAM takes none).  A device's interrupts belong to its driver: pci_irq_alloc/free
 * and affinity changes come from the driver, one caller at a time.
 * Documentation/pci.md describes the whole.
 */
#pragma once

#include <arch/trap.h>
#include <list.h>
#include <pci_regs.h>
#include <types.h>

#define PCI_ANY 0xffffffffu     /* in a struct pci_id: matches anything */

struct pci_dev;

/* What a driver matches: vendor, device and (class << 16 | subclass << 8 |
 * prog_if) under class_mask; PCI_ANY for a field that does not matter. */
struct pci_id {
	uint32_t vendor;
	uint32_t device;
	uint32_t class;
	uint32_t class_mask;    /* 0 means 0xffffff when class != PCI_ANY */
};

struct pci_driver {
	const char *name;
	const struct pci_id *ids;       /* ends with an all-zero entry */
	/* 0: the driver owns d; negative: it does not (d stays free). */
	int (*probe)(struct pci_dev *d, const struct pci_id *id);
	void (*remove)(struct pci_dev *d);
	struct list_head link;          /* [bind sem] */
};

enum pci_irq_kind { PCI_IRQ_NONE = 0, PCI_IRQ_INTX = 1, PCI_IRQ_MSI = 2,
                    PCI_IRQ_MSIX = 4 };
#define PCI_IRQ_ANY (PCI_IRQ_INTX | PCI_IRQ_MSI | PCI_IRQ_MSIX)
#define PCI_MAX_VECTORS 32      /* per device, MSI-X */

/* Called in IRQ context with interrupts off; idx is 0..nr_vectors-1. */
typedef void (*pci_irq_fn)(struct pci_dev *d, unsigned int idx, void *arg);

struct pci_vec {
	struct pci_dev *dev;
	unsigned int idx;
	int vector;             /* IDT vector */
	unsigned int core;      /* where it is delivered */
	bool masked;
};

struct pci_irq {
	uint8_t kind;           /* enum pci_irq_kind */
	unsigned int nr;        /* vectors in use */
	pci_irq_fn fn;
	void *arg;
	int gsi;                /* INTx */
	volatile uint8_t *msix_table;  /* mapped MSI-X table */
	struct pci_vec vec[PCI_MAX_VECTORS];
};

struct pci_dev {
	struct list_head link;  /* [I] pci_devs */
	uint16_t segment;       /* [I] */
	char name[8];           /* [I] "BB.DD.F", hex: its #pci directory */
	uint8_t bus, dev, fn;   /* [I] */
	uint16_t vendor, device;/* [I] */
	uint32_t class;         /* [I] class << 16 | subclass << 8 | prog_if */
	uint8_t revision;       /* [I] */
	uint8_t hdr_type;       /* [I] PCI_HDR_NORMAL or PCI_HDR_BRIDGE */
	uint8_t irq_pin;        /* [I] 0: none, 1-4: INTA-INTD */
	uint8_t irq_line;       /* [I] what the firmware wrote */
	volatile uint8_t *ecam; /* [I] its 4 KiB of ECAM, or NULL: ports */
	unsigned int cfg_size;  /* [I] 256 or 4096 */
	unsigned int nr_bars;   /* [I] 6, or 2 for a bridge */
	struct pci_bar bar[PCI_NR_BARS_NORMAL];        /* [I] */
	struct pci_caps caps;   /* [I] */
	volatile uint8_t *bar_va[PCI_NR_BARS_NORMAL];  /* [bind sem] pci_bar_map */
	struct pci_driver *driver;      /* [bind sem] */
	void *drvdata;                  /* the driver's */
	struct pci_irq irq;             /* the driver's; see pci_irq_alloc */
};

/* Enumerates every bus once (boot core).  Returns the number of functions. */
int pci_init(void);

/* Iteration over the devices found (the list is [I]). */
extern struct list_head pci_devs;
#define pci_for_each_dev(d) list_for_each_entry(d, &pci_devs, link)
unsigned int pci_nr_devs(void);
/* The n'th device (0-based), or NULL. */
struct pci_dev *pci_dev_at(unsigned int n);
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, unsigned int instance);

/* ---- config space (any context; width 1, 2 or 4, off aligned to it) ---- */
uint32_t pci_cfg_read(const struct pci_dev *d, unsigned int off, unsigned int width);
void pci_cfg_write(const struct pci_dev *d, unsigned int off, unsigned int width,
                   uint32_t v);
/* Copies config space [off, off + n) into buf, dword by dword. */
void pci_cfg_read_bytes(const struct pci_dev *d, unsigned int off, void *buf,
                        size_t n);
void pci_enable_master(struct pci_dev *d);

/* Maps memory BAR i uncached; NULL (reported) for an I/O or absent BAR. */
volatile void *pci_bar_map(struct pci_dev *d, unsigned int i);

/* ---- drivers ---- */
int pci_register_driver(struct pci_driver *drv);
/* Calls remove for every device drv owns, then forgets drv. */
void pci_unregister_driver(struct pci_driver *drv);
/* The entry of ids that d matches, or NULL. */
const struct pci_id *pci_match(const struct pci_id *ids, const struct pci_dev *d);

/* ---- interrupts ---- */
/*
 * Gives d up to 'want' vectors, all delivered to 'core': MSI-X when allowed
 * and present (min(want, table size, PCI_MAX_VECTORS) vectors), else MSI
 * (one vector), else INTx through the IOAPIC (one, not shared).  'kinds'
 * limits the choice (PCI_IRQ_ANY for all).  The vectors are unmasked on
 * return.  Returns how many were granted (d->irq.kind says which kind), or
 * a negative errno.  Must not be called twice without pci_irq_free().
 */
int pci_irq_alloc(struct pci_dev *d, unsigned int want, unsigned int kinds,
                  pci_irq_fn fn, void *arg, unsigned int core);
/* Masks and releases every vector; the handler is not running afterwards
 * unless it is running right now on another core (callers quiesce the
 * device first). */
void pci_irq_free(struct pci_dev *d);
int pci_irq_set_affinity(struct pci_dev *d, unsigned int idx, unsigned int core);
void pci_irq_mask(struct pci_dev *d, unsigned int idx);
void pci_irq_unmask(struct pci_dev *d, unsigned int idx);

/* ---- names (generated from pci.ids) ---- */
const char *pci_vendor_name(uint16_t vendor);   /* NULL when unknown */
const char *pci_device_name(uint16_t vendor, uint16_t device);
const char *pci_class_name(uint8_t class, uint8_t subclass);

/* Prints one line per device (boot log, monitor). */
void pci_print(void);
