/* SPDX-License-Identifier: MIT */
/*
 * transport.c - the virtio 1.x PCI transport: mapping the configuration
 * areas, the status handshake (virtio 1.2 section 3.1.1), feature
 * negotiation, device configuration reads, and notification.
 *
 * The set-up calls come from a driver's probe or open, one at a time (they
 * may sleep: udelay while a reset completes).  virtio_notify() and
 * virtio_cfg_read() work in any context.  Register accesses are
 * volatile and naturally aligned; 64-bit registers are written as two
 * 32-bit halves (4.1.3.1).  Queues and interrupts: queue.c.
 */
#include <errno.h>
#include <kstring.h>
#include <pci.h>
#include <printk.h>
#include <time.h>
#include <virtio.h>

#include "virtio_internal.h"

#define VIRTIO_RESET_WAIT_US  1000000
#define VIRTIO_CFG_TRIES      16

static volatile uint8_t *area_map(struct virtio_dev *vd,
                                  const struct virtio_pci_area *a)
{
	volatile uint8_t *base;

	if (!a->len)
		return NULL;
	base = pci_bar_map(vd->pci, a->bar);
	return base ? base + a->off : NULL;
}

int virtio_pci_attach(struct virtio_dev *vd, struct pci_dev *pci,
                      const char *name)
{
	uint8_t cfg[PCI_CFG_LEGACY_SIZE];
	int r;

	memset(vd, 0, sizeof(*vd));
	vd->pci = pci;
	vd->name = name;
	/* Vendor capabilities live in the standard list (first 256 bytes). */
	pci_cfg_read_bytes(pci, 0, cfg, sizeof(cfg));
	r = virtio_pci_layout_parse(cfg, sizeof(cfg), &pci->caps, pci->bar,
	                            &vd->layout);
	if (r) {
		printk("%s: no usable common/notify/ISR capabilities (legacy device?)\n",
		       name);
		return r;
	}
	vd->common = area_map(vd, &vd->layout.common);
	vd->notify = area_map(vd, &vd->layout.notify);
	vd->isr = area_map(vd, &vd->layout.isr);
	vd->device = area_map(vd, &vd->layout.device);
	if (!vd->common || !vd->notify || !vd->isr ||
	    (vd->layout.device.len && !vd->device)) {
		printk("%s: cannot map the configuration areas\n", name);
		return -ENOMEM;
	}
	pci_enable_master(pci);
	virtio_reset(vd);
	if (virtio_status(vd) != 0) {
		printk("%s: device does not reset (status %#x)\n", name,
		       virtio_status(vd));
		return -EIO;
	}
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_set_status(vd, VIRTIO_STATUS_DRIVER);
	return 0;
}

uint8_t virtio_status(struct virtio_dev *vd)
{
	return vio_r8(vd->common + VIRTIO_COMMON_STATUS);
}

void virtio_set_status(struct virtio_dev *vd, uint8_t bits)
{
	vd->status |= bits;
	vio_w8(vd->common + VIRTIO_COMMON_STATUS, vd->status);
}

void virtio_reset(struct virtio_dev *vd)
{
	vd->status = 0;
	vio_w8(vd->common + VIRTIO_COMMON_STATUS, 0);
	/* The reset is done when the status reads back 0 (4.1.4.3.2). */
	for (unsigned int us = 0; us < VIRTIO_RESET_WAIT_US; us += 10) {
		if (virtio_status(vd) == 0)
			return;
		udelay(10);
	}
}

void virtio_fail(struct virtio_dev *vd)
{
	virtio_set_status(vd, VIRTIO_STATUS_FAILED);
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	virtio_set_status(vd, VIRTIO_STATUS_DRIVER_OK);
}

unsigned int virtio_num_queues(struct virtio_dev *vd)
{
	return vio_r16(vd->common + VIRTIO_COMMON_NUMQ);
}

static uint64_t read_features(struct virtio_dev *vd)
{
	uint64_t lo, hi;

	vio_w32(vd->common + VIRTIO_COMMON_DFSELECT, 0);
	lo = vio_r32(vd->common + VIRTIO_COMMON_DF);
	vio_w32(vd->common + VIRTIO_COMMON_DFSELECT, 1);
	hi = vio_r32(vd->common + VIRTIO_COMMON_DF);
	return lo | hi << 32;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted)
{
	uint64_t f;

	vd->dev_features = read_features(vd);
	if (!(vd->dev_features & VIRTIO_FEATURE(VIRTIO_F_VERSION_1))) {
		printk("%s: device does not offer VIRTIO_F_VERSION_1\n", vd->name);
		virtio_fail(vd);
		return -ENODEV;
	}
	f = (wanted & vd->dev_features) | VIRTIO_FEATURE(VIRTIO_F_VERSION_1);
	vio_w32(vd->common + VIRTIO_COMMON_GFSELECT, 0);
	vio_w32(vd->common + VIRTIO_COMMON_GF, (uint32_t)f);
	vio_w32(vd->common + VIRTIO_COMMON_GFSELECT, 1);
	vio_w32(vd->common + VIRTIO_COMMON_GF, (uint32_t)(f >> 32));
	virtio_set_status(vd, VIRTIO_STATUS_FEATURES_OK);
	if (!(virtio_status(vd) & VIRTIO_STATUS_FEATURES_OK)) {
		printk("%s: device refused features %#llx\n", vd->name,
		       (unsigned long long)f);
		virtio_fail(vd);
		return -ENODEV;
	}
	vd->features = f;
	return 0;
}

int virtio_restart(struct virtio_dev *vd)
{
	uint64_t f = vd->features;

	virtio_reset(vd);
	virtio_set_status(vd, VIRTIO_STATUS_ACKNOWLEDGE);
	virtio_set_status(vd, VIRTIO_STATUS_DRIVER);
	return virtio_negotiate(vd, f);
}

/* One read of [off, off+len) with accesses of the fields' widths. */
static void cfg_read_once(struct virtio_dev *vd, unsigned int off, void *buf,
                          unsigned int len)
{
	volatile uint8_t *p = vd->device + off;
	uint8_t *b = buf;
	uint32_t v;

	if (len == 2 && !(off & 1)) {
		uint16_t h = vio_r16(p);

		memcpy(b, &h, 2);
	} else if ((len == 4 || len == 8) && !(off & 3)) {
		for (unsigned int i = 0; i < len; i += 4) {
			v = vio_r32(p + i);
			memcpy(b + i, &v, 4);
		}
	} else {
		for (unsigned int i = 0; i < len; i++)
			b[i] = vio_r8(p + i);
	}
}

int virtio_cfg_read(struct virtio_dev *vd, unsigned int off, void *buf,
                    unsigned int len)
{
	if (!vd->device || (uint64_t)off + len > vd->layout.device.len)
		return -EINVAL;
	for (unsigned int t = 0; t < VIRTIO_CFG_TRIES; t++) {
		uint8_t gen = vio_r8(vd->common + VIRTIO_COMMON_CFGGEN);

		cfg_read_once(vd, off, buf, len);
		if (vio_r8(vd->common + VIRTIO_COMMON_CFGGEN) == gen)
			return 0;
	}
	return -EAGAIN;
}

void virtio_notify(struct virtio_dev *vd, struct virtqueue *vq)
{
	vio_w16((volatile uint8_t *)vq->notify, vq->index);
}
