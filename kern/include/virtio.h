/* SPDX-License-Identifier: MIT */
/*
 * virtio.h - the virtio 1.x PCI transport (modern devices only; virtio
 * 1.1/1.2 sections 3.1 and 4.1): the vendor capabilities that locate the
 * common, notify, ISR and device configuration areas, the device status
 * handshake, 64-bit feature negotiation, queue setup with one MSI-X vector
 * per queue, and notification.  Code: kern/drivers/virtio/ (README.md).
 *
 * A device driver (kern/drivers/net/virtio_net.c):
 *	virtio_pci_attach(vd, pci);             // caps, BARs, reset, ACK|DRIVER
 *	virtio_negotiate(vd, MY_FEATURES);      // VERSION_1 + FEATURES_OK check
 *	virtio_cfg_read(vd, off, buf, len);     // device config, generation-checked
 *	virtio_irq_alloc(vd, nq, fn, arg);      // config vector + one per queue
 *	virtio_queue_setup(vd, vq, i, 256);     // ring memory, vector, enable
 *	virtio_driver_ok(vd);
 *	... vq_add(); virtio_notify(vd, vq); ...
 *	virtio_reset(vd); virtio_queue_free(vd, vq); virtio_irq_free(vd);
 *
 * Everything from the device is untrusted: capabilities are checked
 * against the BARs (virtio_pci_layout_parse, pure, host-tested), queue
 * sizes and notify offsets against their windows, MSI-X vector
 * assignments read back.  Any failure during bring-up sets FAILED.
 *
 * Locking: a driver calls the set-up functions from probe or open (one
 * caller at a time, may sleep); virtio_notify() and the interrupt entry work in
 * any context; each queue is serialised by the driver's lock.
 */
#pragma once

#include <pci_regs.h>
#include <types.h>
#include <virtqueue.h>

#define VIRTIO_PCI_VENDOR       0x1af4
#define VIRTIO_PCI_MODERN_BASE  0x1040  /* device id = 0x1040 + virtio id */
#define VIRTIO_ID_NET           1

/* Device status bits (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER      2
#define VIRTIO_STATUS_DRIVER_OK   4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED      128

/* Reserved feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC   28
#define VIRTIO_F_EVENT_IDX       29
#define VIRTIO_F_VERSION_1       32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED     34
#define VIRTIO_FEATURE(bit)      (1ull << (bit))

/* Vendor capability cfg_type values (4.1.4). */
#define VIRTIO_PCI_CAP_COMMON_CFG 1
#define VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define VIRTIO_PCI_CAP_ISR_CFG    3
#define VIRTIO_PCI_CAP_DEVICE_CFG 4
#define VIRTIO_PCI_CAP_PCI_CFG    5
/* The spec's virtio_pci_cap: vndr, next, len, cfg_type, bar, id, pad[2],
 * offset (le32), length (le32); the notify capability adds
 * notify_off_multiplier (le32). */
#define VIRTIO_PCI_CAP_TYPE       3
#define VIRTIO_PCI_CAP_BAR        4
#define VIRTIO_PCI_CAP_OFFSET     8
#define VIRTIO_PCI_CAP_LENGTH     12
#define VIRTIO_PCI_CAP_MULTIPLIER 16
#define VIRTIO_PCI_CAP_MIN_LEN    16
#define VIRTIO_PCI_NOTIFY_CAP_MIN_LEN 20

/* Common configuration registers (4.1.4.3). */
#define VIRTIO_COMMON_DFSELECT    0x00  /* le32 device_feature_select */
#define VIRTIO_COMMON_DF          0x04  /* le32 device_feature */
#define VIRTIO_COMMON_GFSELECT    0x08  /* le32 driver_feature_select */
#define VIRTIO_COMMON_GF          0x0c  /* le32 driver_feature */
#define VIRTIO_COMMON_MSIX        0x10  /* le16 config_msix_vector */
#define VIRTIO_COMMON_NUMQ        0x12  /* le16 num_queues */
#define VIRTIO_COMMON_STATUS      0x14  /* u8 device_status */
#define VIRTIO_COMMON_CFGGEN      0x15  /* u8 config_generation */
#define VIRTIO_COMMON_Q_SELECT    0x16  /* le16 */
#define VIRTIO_COMMON_Q_SIZE      0x18  /* le16 */
#define VIRTIO_COMMON_Q_MSIX      0x1a  /* le16 */
#define VIRTIO_COMMON_Q_ENABLE    0x1c  /* le16 */
#define VIRTIO_COMMON_Q_NOFF      0x1e  /* le16 queue_notify_off */
#define VIRTIO_COMMON_Q_DESC      0x20  /* le64 */
#define VIRTIO_COMMON_Q_AVAIL     0x28  /* le64 queue_driver */
#define VIRTIO_COMMON_Q_USED      0x30  /* le64 queue_device */
#define VIRTIO_COMMON_MIN_LEN     0x38

#define VIRTIO_MSI_NO_VECTOR      0xffff
/* ISR status bits (4.1.4.5), when MSI-X is not in use. */
#define VIRTIO_ISR_QUEUE          1
#define VIRTIO_ISR_CONFIG         2

/* Where one configuration area is: BAR, offset and length in it. */
struct virtio_pci_area {
	uint8_t bar;
	uint32_t off;
	uint32_t len;           /* 0: absent */
};

struct virtio_pci_layout {
	struct virtio_pci_area common, notify, isr, device;
	uint32_t notify_mult;   /* notify_off_multiplier */
};

/*
 * Finds the vendor capabilities of a modern virtio device in config space
 * cfg[0, cfg_len) (caps already walked by pci_caps_parse) and checks each
 * against the decoded BARs: the first usable capability of each type wins
 * (4.1.4.1); one naming a missing, I/O or too small BAR, a window past the
 * BAR's end, or too short for its type is skipped.  Returns 0, or -ENODEV
 * when the common, notify or ISR area is missing (the device area is
 * optional: len 0).  Pure code.
 */
int virtio_pci_layout_parse(const uint8_t *cfg, size_t cfg_len,
                            const struct pci_caps *caps,
                            const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                            struct virtio_pci_layout *out);

struct pci_dev;
struct virtio_dev;

#define VIRTIO_IRQ_CONFIG (-1)
typedef void (*virtio_irq_fn)(struct virtio_dev *vd, int what, void *arg);

struct virtio_dev {
	struct pci_dev *pci;
	struct virtio_pci_layout layout;
	volatile uint8_t *common;
	volatile uint8_t *notify;       /* the notify window's start */
	volatile uint8_t *isr;
	volatile uint8_t *device;       /* NULL: no device area */
	uint64_t dev_features;          /* what the device offers */
	uint64_t features;              /* negotiated */
	unsigned int nr_vectors;        /* MSI-X vectors granted, 0: ISR */
	unsigned int nr_queues;         /* queues with vectors, for irq */
	virtio_irq_fn irq_fn;
	void *irq_arg;
	uint8_t status;                 /* the last status written */
	const char *name;               /* for messages: "virtio-net 00.03.0" */
};

/* Maps the areas, resets the device, sets ACKNOWLEDGE then DRIVER.
 * 0 or -errno (reported). */
int virtio_pci_attach(struct virtio_dev *vd, struct pci_dev *pci,
                      const char *name);
/* Offers (wanted & device's) | VERSION_1, sets FEATURES_OK and checks it
 * stuck.  -ENODEV (FAILED set) when the device lacks VERSION_1 or refuses. */
int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted);
static inline bool virtio_has(const struct virtio_dev *vd, unsigned int bit)
{
	return (vd->features >> bit) & 1;
}
/* Reads [off, off+len) of the device config area, retried until the
 * config generation is stable.  0, or -EINVAL past the area's end,
 * -EAGAIN if it never became stable. */
int virtio_cfg_read(struct virtio_dev *vd, unsigned int off, void *buf,
                    unsigned int len);
/* After a reset (a close): ACKNOWLEDGE, DRIVER and the features
 * negotiated before, again.  0 or -ENODEV. */
int virtio_restart(struct virtio_dev *vd);
/* Status: DRIVER_OK; FAILED; a reset (0, waited for). */
void virtio_driver_ok(struct virtio_dev *vd);
void virtio_fail(struct virtio_dev *vd);
void virtio_reset(struct virtio_dev *vd);
uint8_t virtio_status(struct virtio_dev *vd);
unsigned int virtio_num_queues(struct virtio_dev *vd);

/*
 * Interrupts for the config area and nq queues: MSI-X vector 0 for the
 * config area and vector 1 + i for queue i when granted that many (else
 * everything on vector 0), or MSI/INTx with the ISR read.  fn is called
 * in IRQ context once per source that may have fired: queue i
 * (0 <= i < nq) or VIRTIO_IRQ_CONFIG (a shared vector or the ISR's queue
 * bit calls it for every queue).  Queues numbered nq and up get no vector
 * (polled).  0 or -errno.
 */
int virtio_irq_alloc(struct virtio_dev *vd, unsigned int nq, virtio_irq_fn fn,
                     void *arg);
/* The kinds virtio_irq_alloc offers (PCI_IRQ_ANY; tests narrow it). */
extern unsigned int virtio_irq_kinds;
void virtio_irq_free(struct virtio_dev *vd);

/*
 * Sets queue idx up with at most max_size entries (the device's size when
 * smaller; a power of two), its MSI-X vector, and enables it.  Allocates
 * the ring and slots.  0, -ENOENT (no such queue), -EIO (the device
 * refused the vector or gave a bad notify offset), -ENOMEM.
 */
int virtio_queue_setup(struct virtio_dev *vd, struct virtqueue *vq,
                       unsigned int idx, unsigned int max_size);
/* Frees what virtio_queue_setup allocated (after a reset). */
void virtio_queue_free(struct virtio_dev *vd, struct virtqueue *vq);
/* Tells the device that queue vq has new buffers. */
void virtio_notify(struct virtio_dev *vd, struct virtqueue *vq);

/* kern/drivers/net/virtio_net.c: virtio_net_init() (ether.h) registers the
 * driver at boot (ether_drivers_init); this unbinds every device (tests). */
void virtio_net_exit(void);
/* Completes the partial checksum of a received frame the device marked
 * NEEDS_CSUM: the ones' complement of the sum of frame[start, len) (whose
 * field at start + off holds the pseudo-header sum) is stored at
 * start + off, big-endian.  False, frame untouched, when the field does
 * not lie inside the frame.  Pure (virtio_net_csum.c). */
bool virtio_net_csum_complete(uint8_t *frame, size_t len, size_t start,
                              size_t off);

struct ether;
/* The receive queue of a virtio-net interface, NULL for another model
 * (ktests reach into the used ring to play a misbehaving device). */
struct virtqueue *virtio_net_rxq(struct ether *e);
