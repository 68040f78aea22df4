/* SPDX-License-Identifier: MIT */
/*
 * kt_pci_irq.c - ktests of PCI interrupts, suite pci_irq: INTx (e1000, on
 * bus 0 and behind the bridge), MSI and MSI-X (e1000e) really fire, on the
 * core asked for, move with pci_irq_set_affinity(), stay quiet while
 * masked, and are released by unregistering the driver.  The e1000 driver
 * that owns the NICs from boot is unregistered for the test and
 * registered again after it.
 *
 * The interrupt is made by the device itself: the e1000's interrupt cause
 * set register (ICS) raises a cause that the mask register (IMS) lets
 * through; reading the cause register (ICR) in the handler clears it.  For
 * the 82574 in MSI-X mode, IVAR sends the "other" cause to vector 0.
 * Register offsets: Intel 8254x and 82574 datasheets (ICR 0xC0, ICS 0xC8,
 * IMS 0xD0, IMC 0xD8, IVAR 0xE4).  Machines without these NICs skip,
 * saying so; the PCI boot configurations expect the line printed when
 * all three kinds fired.
 */
#include <atomic.h>
#include <core_id.h>
#include <errno.h>
#include <kthread.h>
#include <ktest.h>
#include <pci.h>
#include <printk.h>
#include <time.h>

#define E1K_ICR   0x00c0
#define E1K_ICS   0x00c8
#define E1K_IMS   0x00d0
#define E1K_IMC   0x00d8
#define E1K_IVAR  0x00e4
#define E1K_LSC   (1u << 2)
#define E1K_OTHER (1u << 24)           /* 82574 */
#define E1K_IVAR_OTHER_VEC0 (0x8u << 16)  /* valid, vector 0 */

struct kt_nic {
	volatile uint32_t *regs;
	atomic_t fired;
	volatile uint32_t core;
	unsigned int bound;
};

static struct kt_nic kt_nic;
static unsigned int kt_kinds_fired;

static void kt_nic_irq(struct pci_dev *d, unsigned int idx, void *arg)
{
	struct kt_nic *n = arg;

	(void)n->regs[E1K_ICR / 4];     /* read to clear: the line drops */
	n->core = core_id();
	atomic_add(&n->fired, 1);
}

static void kt_nic_quiet(struct kt_nic *n)
{
	n->regs[E1K_IMC / 4] = 0xffffffffu;
	(void)n->regs[E1K_ICR / 4];
}

/* Raises a cause; true when the handler ran within a second. */
static bool kt_nic_fire(struct kt_nic *n, uint64_t wait_ms)
{
	long before = atomic_read(&n->fired);
	uint64_t t0 = nsec_now();

	n->regs[E1K_IMS / 4] = E1K_LSC | E1K_OTHER;
	n->regs[E1K_ICS / 4] = E1K_LSC | E1K_OTHER;
	while ((nsec_now() - t0) / NSEC_PER_MSEC < wait_ms) {
		if (atomic_read(&n->fired) != before)
			return true;
		kthread_usleep(1000);
	}
	return false;
}

static int kt_nic_probe(struct pci_dev *d, const struct pci_id *id)
{
	if (kt_nic.bound)
		return -ENODEV;         /* one device per test */
	kt_nic.regs = (volatile uint32_t *)pci_bar_map(d, 0);
	if (!kt_nic.regs)
		return -ENOMEM;
	pci_enable_master(d);
	kt_nic_quiet(&kt_nic);
	kt_nic.bound = 1;
	d->drvdata = &kt_nic;
	return 0;
}

static void kt_nic_remove(struct pci_dev *d)
{
	kt_nic_quiet(&kt_nic);
	pci_irq_free(d);
}

static struct pci_id kt_nic_ids[2];
static struct pci_driver kt_nic_drv = {
	.name = "kt_nic", .ids = kt_nic_ids, .probe = kt_nic_probe,
	.remove = kt_nic_remove,
};

/* The NIC driver that owned a device before a test took it (the e1000
 * driver binds them at boot); kt_owner_back() binds it again. */
static struct pci_driver *kt_owner;

static void kt_owner_release(struct pci_dev *d)
{
	if (d && d->driver && d->driver != &kt_nic_drv && !kt_owner) {
		kt_owner = d->driver;
		pci_unregister_driver(kt_owner);
	}
}

static void kt_owner_back(void)
{
	if (kt_owner)
		pci_register_driver(kt_owner);
	kt_owner = NULL;
}

/* Binds the test driver to the first 8086:device; NULL if absent.  Its
 * probe refuses every further instance (kt_nic.bound). */
static struct pci_dev *kt_nic_bind(uint16_t device)
{
	struct pci_dev *d = pci_find(0x8086, device, 0);

	if (!d)
		return NULL;
	kt_owner_release(d);
	kt_nic = (struct kt_nic){ 0 };
	kt_nic_ids[0] = (struct pci_id){ .vendor = 0x8086, .device = device,
	                                 .class = PCI_ANY };
	pci_register_driver(&kt_nic_drv);
	if (d->driver != &kt_nic_drv) {
		pci_unregister_driver(&kt_nic_drv);
		kt_owner_back();
		return NULL;
	}
	return d;
}

/* Records that a kind fired; the boot configurations with NICs look for
 * the line printed once all three have. */
static void kt_kind_fired(unsigned int kind)
{
	kt_kinds_fired |= kind;
	if (kt_kinds_fired == (PCI_IRQ_INTX | PCI_IRQ_MSI | PCI_IRQ_MSIX))
		printk("kt_pci_irq: INTx, MSI and MSI-X fired\n");
}

static unsigned int kt_last_core(void)
{
	return num_cores - 1;
}

static bool kt_intx_on(uint16_t device, unsigned int instance)
{
	struct pci_dev *d = pci_find(0x8086, device, instance);
	bool ok;

	kt_owner_release(d);
	if (!d || d->driver)
		return false;
	kt_nic = (struct kt_nic){ 0 };
	kt_nic.regs = (volatile uint32_t *)pci_bar_map(d, 0);
	if (!kt_nic.regs)
		return false;
	pci_enable_master(d);
	kt_nic_quiet(&kt_nic);
	if (pci_irq_alloc(d, 1, PCI_IRQ_INTX, kt_nic_irq, &kt_nic, kt_last_core()) != 1)
		return false;
	ok = d->irq.kind == PCI_IRQ_INTX && kt_nic_fire(&kt_nic, 1000) &&
	     kt_nic.core == kt_last_core() && kt_nic_fire(&kt_nic, 1000);
	kt_nic_quiet(&kt_nic);
	pci_irq_free(d);
	return ok;
}

KTEST_FLAGS(pci_irq, intx_fires, KTEST_NO_LEAK_CHECK)
{
	bool ok;

	if (!pci_find(0x8086, 0x100e, 0)) {
		printk("kt_pci_irq: no e1000 on this machine; skipped\n");
		return;
	}
	ok = kt_intx_on(0x100e, 0) && kt_intx_on(0x100e, 1);   /* 1: behind the bridge */
	kt_owner_back();
	KT_ASSERT(ok);
	kt_kind_fired(PCI_IRQ_INTX);
}

/* Fires on the last core, moves vector 0 to core 0 and fires there. */
static bool kt_fire_and_move(struct pci_dev *d)
{
	bool ok = kt_nic_fire(&kt_nic, 1000) && kt_nic.core == kt_last_core();

	kt_nic_quiet(&kt_nic);
	ok = ok && pci_irq_set_affinity(d, 0, 0) == 0 && kt_nic_fire(&kt_nic, 1000) &&
	     kt_nic.core == 0;
	kt_nic_quiet(&kt_nic);
	if (!ok)
		printk("kt_pci_irq: fired %lld times, last on core %u\n",
		       (long long)atomic_read(&kt_nic.fired), kt_nic.core);
	return ok;
}

/* A masked vector stays quiet; its interrupt arrives when unmasked (on a
 * loaded host that can take a while: up to a second is waited for), once. */
static bool kt_mask_holds(struct pci_dev *d)
{
	long long before = atomic_read(&kt_nic.fired);
	uint64_t t0;
	bool quiet;

	pci_irq_mask(d, 0);
	quiet = !kt_nic_fire(&kt_nic, 100);
	pci_irq_unmask(d, 0);
	t0 = nsec_now();
	while (atomic_read(&kt_nic.fired) == before && nsec_now() - t0 < 1000 * NSEC_PER_MSEC)
		kthread_usleep(1000);
	kthread_usleep(20000);          /* a second one would come by now */
	kt_nic_quiet(&kt_nic);
	if (!quiet || atomic_read(&kt_nic.fired) != before + 1)
		printk("kt_pci_irq: masked vector %s, fired %lld times after the unmask\n",
		       quiet ? "quiet" : "fired", (long long)(atomic_read(&kt_nic.fired) - before));
	return quiet && atomic_read(&kt_nic.fired) == before + 1;
}

/* The e1000e bound to the test driver; NULL (said so) when there is none. */
static struct pci_dev *kt_e1000e(void)
{
	struct pci_dev *d = kt_nic_bind(0x10d3);

	if (!d)
		printk("kt_pci_irq: no e1000e bound (present: %d); skipped\n",
		       pci_find(0x8086, 0x10d3, 0) != NULL);
	return d;
}

/* Unbinds the test driver; whether the test went well and d is free. */
static bool kt_nic_done(struct pci_dev *d, bool ok, unsigned int kind)
{
	pci_unregister_driver(&kt_nic_drv);
	ok = ok && !d->driver && d->irq.kind == PCI_IRQ_NONE;
	kt_owner_back();
	if (ok)
		kt_kind_fired(kind);
	return ok;
}

KTEST_FLAGS(pci_irq, msi_fires, KTEST_NO_LEAK_CHECK)
{
	struct pci_dev *d = kt_e1000e();
	bool ok;

	if (!d) {
		KT_ASSERT(!pci_find(0x8086, 0x10d3, 0));
		return;
	}
	ok = pci_irq_alloc(d, 4, PCI_IRQ_MSI, kt_nic_irq, &kt_nic, kt_last_core()) == 1 &&
	     d->irq.kind == PCI_IRQ_MSI && kt_fire_and_move(d);
	KT_ASSERT(kt_nic_done(d, ok, PCI_IRQ_MSI));
}

KTEST_FLAGS(pci_irq, msix_fires_moves_and_masks, KTEST_NO_LEAK_CHECK)
{
	struct pci_dev *d = kt_e1000e();
	bool ok;

	if (!d) {
		KT_ASSERT(!pci_find(0x8086, 0x10d3, 0));
		return;
	}
	ok = pci_irq_alloc(d, 3, PCI_IRQ_ANY, kt_nic_irq, &kt_nic, kt_last_core()) == 3 &&
	     d->irq.kind == PCI_IRQ_MSIX;
	if (ok)
		kt_nic.regs[E1K_IVAR / 4] = E1K_IVAR_OTHER_VEC0;
	ok = ok && kt_fire_and_move(d) && kt_mask_holds(d);
	KT_ASSERT(kt_nic_done(d, ok, PCI_IRQ_MSIX));
}
