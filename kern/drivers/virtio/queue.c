/* SPDX-License-Identifier: MIT */
/*
 * queue.c - virtqueue set-up over the PCI transport (virtio 1.2 section
 * 4.1.5.1.3) and the interrupts: one MSI-X vector for configuration
 * changes and one per queue when the device grants them, else one shared
 * vector, else MSI or INTx with the ISR status read (4.1.4.5, 4.1.5.3).
 *
 * Ring memory comes from kpages_alloc (physically contiguous, direct-map
 * addresses, so PADDR gives the bus address; no IOMMU).  Set-up and
 * teardown run in probe/open/close, one caller at a time; the interrupt
 * entry runs in IRQ context and only reads the device's registers.
 */
#include <arch/mmu.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <pci.h>
#include <printk.h>
#include <virtio.h>

#include "virtio_internal.h"

#define VIRTIO_IRQ_CORE 0

/* The interrupt kinds offered to pci_irq_alloc (a ktest narrows it to
 * PCI_IRQ_INTX to run the ISR path). */
unsigned int virtio_irq_kinds = PCI_IRQ_ANY;

/* The largest power of two <= n (n > 0). */
static unsigned int pow2_floor(unsigned int n)
{
	unsigned int p = 1;

	while (p <= n / 2)
		p *= 2;
	return p;
}

/* Queue idx's MSI-X vector, or VIRTIO_MSI_NO_VECTOR. */
static uint16_t queue_vector(const struct virtio_dev *vd, unsigned int idx)
{
	if (!vd->nr_vectors || idx >= vd->nr_queues)
		return VIRTIO_MSI_NO_VECTOR;
	if (vd->nr_vectors >= 1 + vd->nr_queues)
		return (uint16_t)(1 + idx);
	return vd->nr_vectors >= 2 ? 1 : 0;
}

/* Writes the ring addresses and the vector of the selected queue, and
 * finds its notify register.  0 or -EIO. */
static int queue_program(struct virtio_dev *vd, struct virtqueue *vq,
                         unsigned int idx)
{
	volatile uint8_t *c = vd->common;
	uint16_t vec = queue_vector(vd, idx);
	uint64_t noff;

	vio_w64(c + VIRTIO_COMMON_Q_DESC, PADDR(vq->desc));
	vio_w64(c + VIRTIO_COMMON_Q_AVAIL, PADDR(vq->avail));
	vio_w64(c + VIRTIO_COMMON_Q_USED, PADDR(vq->used));
	if (vd->nr_vectors) {
		vio_w16(c + VIRTIO_COMMON_Q_MSIX, vec);
		if (vio_r16(c + VIRTIO_COMMON_Q_MSIX) != vec) {
			printk("%s: queue %u refused MSI-X vector %u\n", vd->name,
			       idx, vec);
			return -EIO;
		}
	}
	noff = (uint64_t)vio_r16(c + VIRTIO_COMMON_Q_NOFF) * vd->layout.notify_mult;
	if (noff + 2 > vd->layout.notify.len || (noff & 1)) {
		printk("%s: queue %u notify offset %#llx outside the %u-byte window\n",
		       vd->name, idx, (unsigned long long)noff,
		       vd->layout.notify.len);
		return -EIO;
	}
	vq->index = (uint16_t)idx;
	vq->notify = vd->notify + noff;
	return 0;
}

int virtio_queue_setup(struct virtio_dev *vd, struct virtqueue *vq,
                       unsigned int idx, unsigned int max_size)
{
	volatile uint8_t *c = vd->common;
	unsigned int dev_size, size;
	void *ring;
	struct vq_slot *slots;
	int r;

	memset(vq, 0, sizeof(*vq));
	if (idx >= virtio_num_queues(vd))
		return -ENOENT;
	vio_w16(c + VIRTIO_COMMON_Q_SELECT, (uint16_t)idx);
	dev_size = vio_r16(c + VIRTIO_COMMON_Q_SIZE);
	if (dev_size == 0 || max_size == 0)
		return -ENOENT;
	size = pow2_floor(MIN(MIN(dev_size, max_size), (unsigned int)VQ_MAX_SIZE));
	if (size != dev_size)
		vio_w16(c + VIRTIO_COMMON_Q_SIZE, (uint16_t)size);
	ring = kpages_alloc(vq_ring_bytes(size), MEM_WAIT);
	slots = kmalloc_array(size, sizeof(*slots), MEM_WAIT);
	vq_init(vq, size, ring, slots);
	r = queue_program(vd, vq, idx);
	if (r) {
		virtio_queue_free(vd, vq);
		return r;
	}
	vio_w16(c + VIRTIO_COMMON_Q_ENABLE, 1);
	return 0;
}

void virtio_queue_free(struct virtio_dev *vd, struct virtqueue *vq)
{
	if (!vq->desc)
		return;
	kpages_free(vq->desc, vq_ring_bytes(vq->size));
	kfree(vq->slot);
	memset(vq, 0, sizeof(*vq));
}

/* ------------------------------------------------------------ interrupts */

static void call_queues(struct virtio_dev *vd)
{
	for (unsigned int i = 0; i < vd->nr_queues; i++)
		vd->irq_fn(vd, (int)i, vd->irq_arg);
}

static void virtio_irq_entry(struct pci_dev *d, unsigned int idx, void *arg)
{
	struct virtio_dev *vd = arg;
	uint8_t isr;

	if (!vd->nr_vectors) {
		/* MSI or INTx: reading the ISR tells and acknowledges. */
		isr = vio_r8(vd->isr);
		if (isr & VIRTIO_ISR_CONFIG)
			vd->irq_fn(vd, VIRTIO_IRQ_CONFIG, vd->irq_arg);
		if (isr & VIRTIO_ISR_QUEUE)
			call_queues(vd);
		return;
	}
	if (idx == 0) {
		vd->irq_fn(vd, VIRTIO_IRQ_CONFIG, vd->irq_arg);
		if (vd->nr_vectors == 1)
			call_queues(vd);
	} else if (vd->nr_vectors >= 1 + vd->nr_queues) {
		vd->irq_fn(vd, (int)idx - 1, vd->irq_arg);
	} else {
		call_queues(vd);
	}
}

int virtio_irq_alloc(struct virtio_dev *vd, unsigned int nq, virtio_irq_fn fn,
                     void *arg)
{
	int n;

	vd->irq_fn = fn;
	vd->irq_arg = arg;
	vd->nr_queues = nq;
	n = pci_irq_alloc(vd->pci, 1 + nq, virtio_irq_kinds, virtio_irq_entry, vd,
	                  VIRTIO_IRQ_CORE);
	if (n < 0) {
		printk("%s: no interrupt (%d)\n", vd->name, n);
		return n;
	}
	vd->nr_vectors = vd->pci->irq.kind == PCI_IRQ_MSIX ? (unsigned int)n : 0;
	if (vd->nr_vectors) {
		vio_w16(vd->common + VIRTIO_COMMON_MSIX, 0);
		if (vio_r16(vd->common + VIRTIO_COMMON_MSIX) != 0) {
			printk("%s: config change refused MSI-X vector 0\n", vd->name);
			virtio_irq_free(vd);
			return -EIO;
		}
	}
	return 0;
}

void virtio_irq_free(struct virtio_dev *vd)
{
	pci_irq_free(vd->pci);
	vd->nr_vectors = 0;
}
