/* SPDX-License-Identifier: MIT */
/*
 * irq.c - pci_irq_alloc(): the one way a driver gets interrupts, and what
 * follows (masking, affinity, release).
 *
 * Choice: MSI-X when allowed and usable (as many vectors as asked, up to
 * the table size and PCI_MAX_VECTORS), else MSI (one vector), else INTx.
 * MSI and MSI-X vectors come from irq_vector_alloc() and each is aimed at
 * one core's LAPIC (physical destination).  INTx uses the line the firmware
 * wrote in the interrupt-line register, routed through the IOAPIC as an ISA
 * IRQ (the MADT's overrides give trigger and polarity) or, from 16 on, as a
 * GSI; Vireo reads no AML, so it cannot look a pin up in _PRT, and an INTx
 * vector is not shared: a second device on the same line gets -EBUSY.
 *
 * Every vector runs pci_vec_irq(), which calls the driver's handler with
 * the device and the vector's index.  A device's interrupt state is the
 * driver's: calls for one device come one at a time (the driver's probe,
 * remove, or its own lock).  No lock here.
 */
#include <arch/ioapic.h>
#include <core_id.h>
#include <errno.h>
#include <kstring.h>
#include <percpu.h>
#include <printk.h>

#include "pci_internal.h"

static void pci_vec_irq(struct hw_trapframe *tf, void *data)
{
	struct pci_vec *v = data;
	struct pci_dev *d = v->dev;

	d->irq.fn(d, v->idx, d->irq.arg);
}

static void pci_vecs_release(struct pci_dev *d)
{
	for (unsigned int i = 0; i < d->irq.nr; i++)
		irq_vector_free(d->irq.vec[i].vector);
	d->irq.nr = 0;
}

/* n dynamic vectors on 'core', all masked; 0 or -ENOSPC. */
static int pci_vecs_take(struct pci_dev *d, unsigned int n, unsigned int core)
{
	for (unsigned int i = 0; i < n; i++) {
		struct pci_vec *v = &d->irq.vec[i];
		int vec;

		*v = (struct pci_vec){ .dev = d, .idx = i, .core = core, .masked = true };
		vec = irq_vector_alloc(pci_vec_irq, v, "pci");
		if (vec < 0) {
			pci_vecs_release(d);
			return vec;
		}
		v->vector = vec;
		d->irq.nr = i + 1;
	}
	return 0;
}

static int pci_try_msix(struct pci_dev *d, unsigned int want, unsigned int core)
{
	unsigned int n = pci_msix_count(d);
	int err;

	if (!n)
		return -ENOENT;
	n = MIN(MIN(n, want), (unsigned int)PCI_MAX_VECTORS);
	err = pci_vecs_take(d, n, core);
	if (err)
		return err;
	d->irq.kind = PCI_IRQ_MSIX;
	err = pci_msix_setup(d, n);
	if (err) {
		pci_msi_disable(d);
		pci_vecs_release(d);
		d->irq.kind = PCI_IRQ_NONE;
		return err;
	}
	return (int)n;
}

static int pci_try_msi(struct pci_dev *d, unsigned int core)
{
	int err = pci_vecs_take(d, 1, core);

	if (err)
		return err;
	d->irq.kind = PCI_IRQ_MSI;
	err = pci_msi_setup(d);
	if (err) {
		pci_vecs_release(d);
		d->irq.kind = PCI_IRQ_NONE;
		return err;
	}
	return 1;
}

/*
 * The vector of an IOAPIC line is fixed (IRQ_BASE_VECTOR + GSI), so the
 * handler is registered first: a line another device holds is refused
 * before its IOAPIC entry is touched.
 */
static int pci_try_intx(struct pci_dev *d, unsigned int core)
{
	struct pci_vec *v = &d->irq.vec[0];
	int gsi, vec;

	if (!d->irq_pin || d->irq_line == 0 || d->irq_line == 0xff)
		return -ENOENT;
	gsi = ioapic_irq_to_gsi(d->irq_line);
	if (gsi < 0 || gsi > IRQ_MAX_GSI)
		return -ERANGE;
	*v = (struct pci_vec){ .dev = d, .idx = 0, .vector = IRQ_BASE_VECTOR + gsi,
	                       .core = core, .masked = true };
	if (register_irq_handler(v->vector, pci_vec_irq, v, "pci intx"))
		return -EBUSY;
	vec = ioapic_route_irq(d->irq_line, (int)percpu_of(core)->apic_id);
	if (vec != v->vector) {
		unregister_irq_handler(v->vector);
		return vec < 0 ? vec : -EIO;
	}
	d->irq.kind = PCI_IRQ_INTX;
	d->irq.gsi = d->irq_line;
	d->irq.nr = 1;
	return 1;
}

int pci_irq_alloc(struct pci_dev *d, unsigned int want, unsigned int kinds,
                  pci_irq_fn fn, void *arg, unsigned int core)
{
	int n = -ENOENT;

	if (!fn || !want || core >= num_cores || d->irq.kind != PCI_IRQ_NONE)
		return -EINVAL;
	d->irq.fn = fn;
	d->irq.arg = arg;
	if (kinds & PCI_IRQ_MSIX)
		n = pci_try_msix(d, want, core);
	if (n < 0 && (kinds & PCI_IRQ_MSI))
		n = pci_try_msi(d, core);
	if (n < 0 && (kinds & PCI_IRQ_INTX))
		n = pci_try_intx(d, core);
	if (n < 0) {
		printk("pci: %02x:%02x.%u: no interrupt of the kinds %#x (%d)\n",
		       d->bus, d->dev, d->fn, kinds, n);
		return n;
	}
	for (int i = 0; i < n; i++)
		pci_irq_unmask(d, (unsigned int)i);
	return n;
}

void pci_irq_mask(struct pci_dev *d, unsigned int idx)
{
	if (idx >= d->irq.nr)
		return;
	if (d->irq.kind == PCI_IRQ_INTX)
		ioapic_mask(d->irq.gsi);
	else
		pci_msi_mask(d, idx, true);
	d->irq.vec[idx].masked = true;
}

void pci_irq_unmask(struct pci_dev *d, unsigned int idx)
{
	if (idx >= d->irq.nr)
		return;
	d->irq.vec[idx].masked = false;
	if (d->irq.kind == PCI_IRQ_INTX)
		ioapic_unmask(d->irq.gsi);
	else
		pci_msi_mask(d, idx, false);
}

int pci_irq_set_affinity(struct pci_dev *d, unsigned int idx, unsigned int core)
{
	struct pci_vec *v;
	bool was_masked;
	int err;

	if (idx >= d->irq.nr || core >= num_cores)
		return -EINVAL;
	v = &d->irq.vec[idx];
	was_masked = v->masked;
	pci_irq_mask(d, idx);
	v->core = core;
	if (d->irq.kind == PCI_IRQ_INTX)
		err = ioapic_route_irq(d->irq.gsi, (int)percpu_of(core)->apic_id) < 0 ?
		      -ERANGE : 0;
	else
		err = pci_msi_retarget(d, idx);
	if (!was_masked)
		pci_irq_unmask(d, idx);
	return err;
}

void pci_irq_free(struct pci_dev *d)
{
	for (unsigned int i = 0; i < d->irq.nr; i++)
		pci_irq_mask(d, i);
	if (d->irq.kind == PCI_IRQ_INTX) {
		unregister_irq_handler(d->irq.vec[0].vector);
		d->irq.nr = 0;
	} else if (d->irq.kind != PCI_IRQ_NONE) {
		pci_msi_disable(d);
		pci_vecs_release(d);
	}
	d->irq.msix_table = NULL;
	d->irq.kind = PCI_IRQ_NONE;
}
