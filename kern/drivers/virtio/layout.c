/* SPDX-License-Identifier: MIT */
/*
 * layout.c - where a modern virtio device keeps its configuration areas:
 * the vendor-specific PCI capabilities (virtio 1.2 section 4.1.4) read
 * from a copy of config space and checked against the decoded BARs.
 *
 * Pure code: config space and BARs are untrusted values the caller read;
 * nothing is mapped here (transport.c maps what this accepts).
 */
#include <errno.h>
#include <kstring.h>
#include <virtio.h>

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* The smallest window each area may have. */
static uint32_t area_min_len(unsigned int type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return VIRTIO_COMMON_MIN_LEN;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return 2;
	default:
		return 1;
	}
}

static struct virtio_pci_area *area_of(struct virtio_pci_layout *l,
                                       unsigned int type)
{
	switch (type) {
	case VIRTIO_PCI_CAP_COMMON_CFG:
		return &l->common;
	case VIRTIO_PCI_CAP_NOTIFY_CFG:
		return &l->notify;
	case VIRTIO_PCI_CAP_ISR_CFG:
		return &l->isr;
	case VIRTIO_PCI_CAP_DEVICE_CFG:
		return &l->device;
	default:
		return NULL;    /* PCI_CFG access window, shared memory: unused */
	}
}

/* Takes the capability at off if it is usable and its area still unset. */
static void take_cap(const uint8_t *cfg, size_t cfg_len, unsigned int off,
                     const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                     struct virtio_pci_layout *l)
{
	unsigned int cap_len, type, bar;
	uint32_t aoff, alen;
	struct virtio_pci_area *a;
	const struct pci_bar *b;

	if (off + VIRTIO_PCI_CAP_MIN_LEN > cfg_len)
		return;
	cap_len = cfg[off + 2];
	type = cfg[off + VIRTIO_PCI_CAP_TYPE];
	bar = cfg[off + VIRTIO_PCI_CAP_BAR];
	aoff = get_le32(cfg + off + VIRTIO_PCI_CAP_OFFSET);
	alen = get_le32(cfg + off + VIRTIO_PCI_CAP_LENGTH);
	a = area_of(l, type);
	if (!a || a->len || cap_len < VIRTIO_PCI_CAP_MIN_LEN)
		return;
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG &&
	    (cap_len < VIRTIO_PCI_NOTIFY_CAP_MIN_LEN ||
	     off + VIRTIO_PCI_NOTIFY_CAP_MIN_LEN > cfg_len))
		return;
	if (bar >= PCI_NR_BARS_NORMAL || alen < area_min_len(type))
		return;
	b = &bars[bar];
	if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
		return;
	if ((uint64_t)aoff + alen > b->size)
		return;
	a->bar = (uint8_t)bar;
	a->off = aoff;
	a->len = alen;
	if (type == VIRTIO_PCI_CAP_NOTIFY_CFG)
		l->notify_mult = get_le32(cfg + off + VIRTIO_PCI_CAP_MULTIPLIER);
}

int virtio_pci_layout_parse(const uint8_t *cfg, size_t cfg_len,
                            const struct pci_caps *caps,
                            const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                            struct virtio_pci_layout *out)
{
	memset(out, 0, sizeof(*out));
	for (unsigned int i = 0; i < caps->nr && i < PCI_MAX_CAPS; i++) {
		const struct pci_cap *c = &caps->cap[i];

		if (c->ext || c->id != PCI_CAP_ID_VENDOR)
			continue;
		take_cap(cfg, cfg_len, c->off, bars, out);
	}
	if (!out->common.len || !out->notify.len || !out->isr.len)
		return -ENODEV;
	return 0;
}
