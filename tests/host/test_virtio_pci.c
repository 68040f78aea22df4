/* SPDX-License-Identifier: MIT */
/*
 * test_virtio_pci.c - host tests of virtio_pci_layout_parse(): QEMU's
 * layout of a modern virtio device (four vendor capabilities on BAR 4),
 * and capabilities that must be skipped (window past the BAR, I/O BAR,
 * short capability, short common area, unknown type) with the first
 * usable one of each type winning.  Images are exact 256-byte heap copies.
 */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <errno.h>
#include <virtio.h>

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* A vendor capability at off, chained to next. */
static void vcap(uint8_t *c, unsigned int off, unsigned int next, uint8_t type,
                 uint8_t bar, uint32_t aoff, uint32_t alen, uint8_t len)
{
	c[off] = PCI_CAP_ID_VENDOR;
	c[off + 1] = (uint8_t)next;
	c[off + 2] = len;
	c[off + VIRTIO_PCI_CAP_TYPE] = type;
	c[off + VIRTIO_PCI_CAP_BAR] = bar;
	put32(c + off + VIRTIO_PCI_CAP_OFFSET, aoff);
	put32(c + off + VIRTIO_PCI_CAP_LENGTH, alen);
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		put32(c + off + VIRTIO_PCI_CAP_MULTIPLIER, 4);
}

static void bars_qemu(struct pci_bar *bars)
{
	memset(bars, 0, sizeof(struct pci_bar) * PCI_NR_BARS_NORMAL);
	bars[1] = (struct pci_bar){ .base = 0xfeb00000, .size = 0x1000,
	                            .kind = PCI_BAR_MEM32 };
	bars[4] = (struct pci_bar){ .base = 0xfe000000, .size = 0x4000,
	                            .kind = PCI_BAR_MEM64, .prefetch = true };
	bars[0] = (struct pci_bar){ .base = 0xc000, .size = 0x20,
	                            .kind = PCI_BAR_IOPORT };
}

/* QEMU's order: common 0x0, isr 0x1000, device 0x2000, notify 0x3000. */
static uint8_t *image_qemu(void)
{
	uint8_t *c = calloc(1, 256);

	c[PCI_STATUS] = PCI_STATUS_CAP_LIST;
	c[PCI_CAP_PTR] = 0x84;
	vcap(c, 0x84, 0x70, VIRTIO_PCI_CAP_COMMON_CFG, 4, 0x0, 0x1000, 16);
	vcap(c, 0x70, 0x60, VIRTIO_PCI_CAP_ISR_CFG, 4, 0x1000, 0x1000, 16);
	vcap(c, 0x60, 0x4c, VIRTIO_PCI_CAP_DEVICE_CFG, 4, 0x2000, 0x1000, 16);
	vcap(c, 0x4c, 0xa0, VIRTIO_PCI_CAP_NOTIFY_CFG, 4, 0x3000, 0x1000, 20);
	vcap(c, 0xa0, 0, VIRTIO_PCI_CAP_PCI_CFG, 0, 0, 0, 20);
	return c;
}

static int parse(uint8_t *c, struct pci_bar *bars, struct virtio_pci_layout *l)
{
	struct pci_caps caps;

	pci_caps_parse(c, 256, &caps);
	return virtio_pci_layout_parse(c, 256, &caps, bars, l);
}

HTEST(qemu_layout)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	HT_ASSERT_EQ(parse(c, bars, &l), 0);
	HT_ASSERT_EQ(l.common.bar, 4);
	HT_ASSERT_EQ(l.common.len, 0x1000);
	HT_ASSERT_EQ(l.isr.off, 0x1000);
	HT_ASSERT_EQ(l.device.off, 0x2000);
	HT_ASSERT_EQ(l.notify.off, 0x3000);
	HT_ASSERT_EQ(l.notify_mult, 4);
	free(c);
}

HTEST(window_past_bar_is_skipped)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	put32(c + 0x84 + VIRTIO_PCI_CAP_OFFSET, 0x3800);       /* 0x3800+0x1000 */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	put32(c + 0x84 + VIRTIO_PCI_CAP_OFFSET, 0xfffff000u);  /* wraps 32 bits */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	free(c);
}

HTEST(bad_bars_are_skipped)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	c[0x70 + VIRTIO_PCI_CAP_BAR] = 0;       /* I/O BAR */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	c[0x70 + VIRTIO_PCI_CAP_BAR] = 6;       /* no such BAR */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	c[0x70 + VIRTIO_PCI_CAP_BAR] = 2;       /* absent */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	free(c);
}

HTEST(short_caps_and_areas_are_skipped)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	c[0x4c + 2] = 16;                       /* notify without multiplier */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	c[0x4c + 2] = 20;
	put32(c + 0x84 + VIRTIO_PCI_CAP_LENGTH, 0x20);  /* common too short */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	put32(c + 0x84 + VIRTIO_PCI_CAP_LENGTH, 0x1000);
	c[0x84 + 2] = 8;                        /* capability too short */
	HT_ASSERT_EQ(parse(c, bars, &l), -ENODEV);
	free(c);
}

HTEST(first_usable_cap_wins_and_device_area_is_optional)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	/* The first common capability is unusable (past BAR 1's end); a
	 * second one after it on BAR 1 is taken instead. */
	vcap(c, 0x84, 0xb8, VIRTIO_PCI_CAP_COMMON_CFG, 1, 0x800, 0x1000, 16);
	vcap(c, 0xb8, 0x70, VIRTIO_PCI_CAP_COMMON_CFG, 1, 0x0, 0x100, 16);
	vcap(c, 0x60, 0x4c, 9, 4, 0x2000, 0x1000, 16);  /* unknown type */
	HT_ASSERT_EQ(parse(c, bars, &l), 0);
	HT_ASSERT_EQ(l.common.bar, 1);
	HT_ASSERT_EQ(l.common.len, 0x100);
	HT_ASSERT_EQ(l.device.len, 0);
	free(c);
}

HTEST(cap_at_end_of_config_space_is_not_read_past)
{
	uint8_t *c = image_qemu();
	struct pci_bar bars[PCI_NR_BARS_NORMAL];
	struct virtio_pci_layout l;

	bars_qemu(bars);
	c[0xa0 + 1] = 0xf8;
	c[0xf8] = PCI_CAP_ID_VENDOR;            /* 8 bytes from the end */
	c[0xf9] = 0;
	c[0xfa] = 20;
	c[0xfb] = VIRTIO_PCI_CAP_NOTIFY_CFG;
	HT_ASSERT_EQ(parse(c, bars, &l), 0);
	HT_ASSERT_EQ(l.notify.off, 0x3000);
	free(c);
}
