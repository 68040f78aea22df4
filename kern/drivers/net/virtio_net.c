/* SPDX-License-Identifier: MIT */
/*
 * virtio_net.c - the virtio network device (virtio 1.2 section 5.1) over
 * the modern PCI transport (kern/drivers/virtio/), as an #ether interface
 * (kern/include/ether.h).  QEMU: -device virtio-net-pci,disable-legacy=on
 * (1af4:1041).  Documentation/drivers/virtio-net.md says what is
 * negotiated and what is not done.
 *
 * This file: probe, open and close, link state, the interrupt dispatch,
 * statistics; the queues are in virtio_net_rxtx.c, the control queue in
 * virtio_net_ctrl.c, the shared layout and softc in virtio_net.h.
 *
 * Queues: 0 receive, 1 transmit, 2 control (when VIRTIO_NET_F_CTRL_VQ).
 * Receive buffers are blocks whose header area is the DMA target: the
 * device writes the 12-byte virtio_net_hdr and the frame into it, the
 * driver moves rp past the header and hands the block to ether_rx without
 * a copy.  Transmit chains are a shared all-zero header (no offload is
 * asked for) followed by the block's header area and its extra buffers
 * (ETHER_F_SG).  Used entries are checked by the virtqueue code: unknown
 * ids and lengths beyond the buffer are dropped and counted, never
 * followed.
 *
 * Locks (Documentation/locking.md): "virtio-net rx" and "virtio-net tx"
 * (irqsave spinlocks, one queue each; tx is held while ether_tx_next runs,
 * rx is dropped before ether_rx); "virtio-net ctrl" (qlock) serialises
 * control commands, which poll the control queue (it has no vector) and
 * are called under #ether's "ether" qlock.  The interrupt handler runs on
 * core 0; it reads vn->up before touching a queue.  Lifetimes: the softc
 * lives from probe to remove; queues from open to close.
 */
#include <arch/mmu.h>
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <pci.h>
#include <printk.h>
#include <slice.h>

#include "virtio_net.h"

/* ------------------------------------------------------------ link, irq */

static void vnet_link_update(struct vnet *vn)
{
	uint16_t status = VNET_S_LINK_UP;
	bool up;

	if (virtio_has(&vn->vd, VNET_F_STATUS) &&
	    virtio_cfg_read(&vn->vd, VNET_CFG_STATUS, &status, 2))
		return;
	up = status & VNET_S_LINK_UP;
	if (up != vn->link || up != READ_ONCE(vn->e.link_up)) {
		printk("%s: %s link %s\n", vn->name, vn->e.name, up ? "up" : "down");
		vn->link = up;
		/* virtio has no link speed without SPEED_DUPLEX: 0 = unknown */
		ether_link_changed(&vn->e, up, 0);
	}
}

static void vnet_irq(struct virtio_dev *vd, int what, void *arg)
{
	struct vnet *vn = arg;

	ether_stat_add(&vn->e.stats.interrupts, 1);
	if (what == VIRTIO_IRQ_CONFIG)
		vnet_link_update(vn);
	else if (what == VNET_RXQ)
		vnet_rx_intr(vn);
	else if (what == VNET_TXQ)
		vnet_transmit(&vn->e);
}

/* ------------------------------------------------------------ open, close */

/* Takes every buffer back after a reset and frees the queues. */
static void vnet_queues_free(struct vnet *vn)
{
	struct block *b;
	uint64_t irq;

	irq = spin_lock_irqsave(&vn->rx_lock);
	vn->up = false;
	while (vn->rxq.desc && (b = vq_detach(&vn->rxq)))
		freeb(b);
	spin_unlock_irqrestore(&vn->rx_lock, irq);
	irq = spin_lock_irqsave(&vn->tx_lock);
	while (vn->txq.desc && (b = vq_detach(&vn->txq)))
		freeb(b);
	freeb(vn->tx_held);
	vn->tx_held = NULL;
	spin_unlock_irqrestore(&vn->tx_lock, irq);
	virtio_queue_free(&vn->vd, &vn->rxq);
	virtio_queue_free(&vn->vd, &vn->txq);
	virtio_queue_free(&vn->vd, &vn->ctrlq);
	kfree(vn->tx_hdr);
	kfree(vn->ctrl);
	vn->tx_hdr = NULL;
	vn->ctrl = NULL;
}

static int vnet_queues_setup(struct vnet *vn)
{
	int r;

	r = virtio_queue_setup(&vn->vd, &vn->rxq, VNET_RXQ, VNET_RX_RING);
	if (!r)
		r = virtio_queue_setup(&vn->vd, &vn->txq, VNET_TXQ, VNET_TX_RING);
	if (!r && vn->has_ctrl)
		r = virtio_queue_setup(&vn->vd, &vn->ctrlq, VNET_CTRLQ, VNET_CTRL_RING);
	if (r)
		return r;
	vn->tx_hdr = kzmalloc(sizeof(*vn->tx_hdr), MEM_WAIT);
	vn->ctrl = kzmalloc(sizeof(*vn->ctrl), MEM_WAIT);
	return 0;
}

static int vnet_open(struct ether *e)
{
	struct vnet *vn = e->drv;
	int r;

	if ((vn->vd.status & (VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_FAILED)) !=
	    VIRTIO_STATUS_FEATURES_OK) {
		r = virtio_restart(&vn->vd);    /* after a close or a failed open */
		if (r)
			return r;
	}
	r = virtio_irq_alloc(&vn->vd, 2, vnet_irq, vn);
	if (r)
		goto fail;
	r = vnet_queues_setup(vn);
	if (r)
		goto fail_irq;
	vnet_rx_prefill(vn);
	vn->broken = false;
	WRITE_ONCE(vn->up, true);
	virtio_driver_ok(&vn->vd);
	virtio_notify(&vn->vd, &vn->rxq);
	vnet_filters_apply(vn);
	vnet_link_update(vn);
	printk("%s: %s up: rx ring %u, tx ring %u, %u MSI-X vectors\n", vn->name,
	       e->name, vn->rxq.size, vn->txq.size, vn->vd.nr_vectors);
	return 0;
fail_irq:
	virtio_reset(&vn->vd);
	vnet_queues_free(vn);
	virtio_irq_free(&vn->vd);
fail:
	virtio_fail(&vn->vd);
	printk("%s: open failed (%d)\n", vn->name, r);
	return r;
}

static void vnet_close(struct ether *e)
{
	struct vnet *vn = e->drv;

	/* The device stops touching memory once the reset reads back. */
	virtio_reset(&vn->vd);
	vnet_queues_free(vn);
	virtio_irq_free(&vn->vd);
}

/* The interrupt kind as e1000's ifstats names it. */
static const char *vnet_irq_kind(const struct pci_dev *d)
{
	switch (d->irq.kind) {
	case PCI_IRQ_MSIX:
		return "msix";
	case PCI_IRQ_MSI:
		return "msi";
	case PCI_IRQ_INTX:
		return "intx";
	default:
		return "none";
	}
}

static void vnet_dump_stats(struct ether *e, struct slice *s)
{
	struct vnet *vn = e->drv;
	struct vnet_stats *st = &vn->st;

	slice_printf(s, "features: %#llx\n", (unsigned long long)vn->vd.features);
	slice_printf(s, "rx_ring: %u\ntx_ring: %u\n", vn->rxq.size, vn->txq.size);
	slice_printf(s, "irq: %s\nmsix_vectors: %u\n", vnet_irq_kind(vn->vd.pci),
	             vn->vd.nr_vectors);
	slice_printf(s, "rx_bad_used: %llu\nrx_too_long: %llu\nrx_runts: %llu\n",
	             (unsigned long long)ether_stat_read(&st->rx_bad_used),
	             (unsigned long long)ether_stat_read(&st->rx_too_long),
	             (unsigned long long)ether_stat_read(&st->rx_runts));
	slice_printf(s, "rx_no_buf: %llu\nrx_csum_done: %llu\n",
	             (unsigned long long)ether_stat_read(&st->rx_no_buf),
	             (unsigned long long)ether_stat_read(&st->rx_csum_done));
	slice_printf(s, "tx_bad_used: %llu\ntx_linearised: %llu\nctrl_errors: %llu\n",
	             (unsigned long long)ether_stat_read(&st->tx_bad_used),
	             (unsigned long long)ether_stat_read(&st->tx_linearised),
	             (unsigned long long)ether_stat_read(&st->ctrl_errors));
	slice_printf(s, "broken: %d\n", READ_ONCE(vn->broken));
	/* What the device was last told (racy reads, for tests). */
	slice_printf(s, "promisc: %d\nmulticast: %u\n", READ_ONCE(vn->promisc),
	             READ_ONCE(vn->nr_mc));
}

static const struct ether_ops vnet_ops = {
	.open = vnet_open,
	.transmit = vnet_transmit,
	.set_promisc = vnet_set_promisc,
	.set_multicast = vnet_set_multicast,
	.dump_stats = vnet_dump_stats,
	.close = vnet_close,
};

/* ------------------------------------------------------------ probe */

/* The MAC from the device config; -EINVAL for none, multicast or zero. */
static int vnet_read_mac(struct vnet *vn)
{
	static const uint8_t zero[ETHER_ADDR_LEN];
	uint8_t *a = vn->e.addr;

	if (!virtio_has(&vn->vd, VNET_F_MAC) ||
	    virtio_cfg_read(&vn->vd, VNET_CFG_MAC, a, ETHER_ADDR_LEN))
		return -EINVAL;
	if ((a[0] & 1) || !memcmp(a, zero, ETHER_ADDR_LEN))
		return -EINVAL;
	return 0;
}

static int vnet_setup(struct vnet *vn, struct pci_dev *d)
{
	unsigned int need;
	int r;

	r = virtio_pci_attach(&vn->vd, d, vn->name);
	if (!r)
		r = virtio_negotiate(&vn->vd, VNET_WANTED);
	if (r)
		return r;
	vn->has_ctrl = virtio_has(&vn->vd, VNET_F_CTRL_VQ) &&
	               virtio_has(&vn->vd, VNET_F_CTRL_RX);
	need = vn->has_ctrl ? 3 : 2;
	if (virtio_num_queues(&vn->vd) < need) {
		printk("%s: %u queues, %u needed\n", vn->name,
		       virtio_num_queues(&vn->vd), need);
		return -ENODEV;
	}
	if (vnet_read_mac(vn)) {
		printk("%s: no usable MAC address in the device config\n", vn->name);
		return -ENODEV;
	}
	return 0;
}

static int vnet_probe(struct pci_dev *d, const struct pci_id *id)
{
	struct vnet *vn = kzmalloc(sizeof(*vn), MEM_WAIT);
	const uint8_t *a;
	int r;

	snprintf(vn->name, sizeof(vn->name), "virtio-net %s", d->name);
	spinlock_init(&vn->rx_lock, "virtio-net rx");
	spinlock_init(&vn->tx_lock, "virtio-net tx");
	qlock_init(&vn->ctrl_qlock, "virtio-net ctrl");
	r = vnet_setup(vn, d);
	if (r)
		goto fail;
	vn->e.ops = &vnet_ops;
	vn->e.drv = vn;
	vn->e.model = "virtio-net";
	vn->e.mtu = 1500;
	vn->e.features = ETHER_F_SG;
	vn->e.rx_burst = VNET_RX_RING;  /* the ring may come out smaller: a bound */
	if (virtio_has(&vn->vd, VNET_F_GUEST_CSUM))
		vn->e.features |= ETHER_F_RX_CSUM;
	if (vn->has_ctrl)
		vn->e.features |= ETHER_F_MULTICAST;
	d->drvdata = vn;
	r = ether_register(&vn->e);
	if (r)
		goto fail;
	vnet_link_update(vn);
	a = vn->e.addr;
	printk("%s: %s MAC %02x:%02x:%02x:%02x:%02x:%02x features %#llx\n",
	       vn->name, vn->e.name, a[0], a[1], a[2], a[3], a[4], a[5],
	       (unsigned long long)vn->vd.features);
	return 0;
fail:
	if (vn->vd.common) {
		virtio_reset(&vn->vd);
		virtio_fail(&vn->vd);
	}
	d->drvdata = NULL;
	kfree(vn);
	return r;
}

static void vnet_remove(struct pci_dev *d)
{
	struct vnet *vn = d->drvdata;

	ether_unregister(&vn->e);       /* closes it if it was open */
	virtio_reset(&vn->vd);
	d->drvdata = NULL;
	kfree(vn);
}

static const struct pci_id vnet_ids[] = {
	{ .vendor = VIRTIO_PCI_VENDOR, .device = VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_NET,
	  .class = PCI_ANY },
	{ 0 },
};

static struct pci_driver vnet_driver = {
	.name = "virtio-net",
	.ids = vnet_ids,
	.probe = vnet_probe,
	.remove = vnet_remove,
};

void virtio_net_init(void)
{
	pci_register_driver(&vnet_driver);
}

void virtio_net_exit(void)
{
	pci_unregister_driver(&vnet_driver);
}

struct virtqueue *virtio_net_rxq(struct ether *e)
{
	return e->ops == &vnet_ops ? &((struct vnet *)e->drv)->rxq : NULL;
}
