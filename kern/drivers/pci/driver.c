/* SPDX-License-Identifier: MIT */
/*
 * driver.c - drivers claiming devices: matching by vendor, device and
 * class, probe and remove.
 *
 * A registered driver is offered every device no driver owns, in bus
 * order; its probe returns 0 to own the device.  Unregistering calls
 * remove for each device the driver owns.  One qlock ("pci bind")
 * serialises registration, probe and remove, so those may sleep; it is
 * never taken in IRQ context.  Devices are found once at boot (the list is
 * [I]); there is no hot-plug.
 */
#include <errno.h>
#include <printk.h>
#include <sem.h>

#include "pci_internal.h"

static struct sem pci_bind_sem = QLOCK_INITIALIZER(pci_bind_sem, "pci bind");
static struct list_head pci_drivers = LIST_HEAD_INIT(pci_drivers);  /* [sem] */

static bool pci_id_matches(const struct pci_id *id, const struct pci_dev *d)
{
	uint32_t mask = id->class_mask ? id->class_mask : 0xffffff;

	if (id->vendor != PCI_ANY && id->vendor != d->vendor)
		return false;
	if (id->device != PCI_ANY && id->device != d->device)
		return false;
	return id->class == PCI_ANY || ((id->class ^ d->class) & mask) == 0;
}

static bool pci_id_is_end(const struct pci_id *id)
{
	return !id->vendor && !id->device && !id->class && !id->class_mask;
}

const struct pci_id *pci_match(const struct pci_id *ids, const struct pci_dev *d)
{
	for (; !pci_id_is_end(ids); ids++)
		if (pci_id_matches(ids, d))
			return ids;
	return NULL;
}

static void pci_try_bind(struct pci_driver *drv, struct pci_dev *d)
{
	const struct pci_id *id = pci_match(drv->ids, d);
	int err;

	if (!id || d->driver)
		return;
	err = drv->probe(d, id);
	if (err) {
		if (err != -ENODEV)
			printk("pci: %02x:%02x.%u: %s: probe failed (%d)\n", d->bus,
			       d->dev, d->fn, drv->name, err);
		return;
	}
	d->driver = drv;
}

int pci_register_driver(struct pci_driver *drv)
{
	struct pci_dev *d;

	if (!drv->ids || !drv->probe)
		return -EINVAL;
	sem_down(&pci_bind_sem);
	list_add_tail(&drv->link, &pci_drivers);
	pci_for_each_dev(d)
		pci_try_bind(drv, d);
	sem_up(&pci_bind_sem);
	return 0;
}

void pci_unregister_driver(struct pci_driver *drv)
{
	struct pci_dev *d;

	sem_down(&pci_bind_sem);
	pci_for_each_dev(d) {
		if (d->driver != drv)
			continue;
		if (drv->remove)
			drv->remove(d);
		if (d->irq.kind != PCI_IRQ_NONE)
			pci_irq_free(d);        /* what the driver left behind */
		d->driver = NULL;
		d->drvdata = NULL;
	}
	list_del(&drv->link);
	sem_up(&pci_bind_sem);
}
