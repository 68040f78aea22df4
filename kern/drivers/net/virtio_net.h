/* SPDX-License-Identifier: MIT */
/*
 * virtio_net.h - what the virtio-net driver's files share: the device's
 * layout (virtio 1.2 section 5.1), the softc and its locks.
 *
 *	virtio_net.c       probe, open/close, link, interrupts, statistics
 *	virtio_net_rxtx.c  the receive and transmit queues
 *	virtio_net_ctrl.c  the control queue: promiscuous and multicast
 *
 * Locks and lifetimes: the comment at the top of virtio_net.c.
 */
#pragma once

#include <ether.h>
#include <sem.h>
#include <spinlock.h>
#include <virtio.h>

/* Feature bits (5.1.3). */
#define VNET_F_CSUM        0
#define VNET_F_GUEST_CSUM  1
#define VNET_F_MAC         5
#define VNET_F_MRG_RXBUF   15
#define VNET_F_STATUS      16
#define VNET_F_CTRL_VQ     17
#define VNET_F_CTRL_RX     18
#define VNET_WANTED (VIRTIO_FEATURE(VNET_F_GUEST_CSUM) |                   \
	             VIRTIO_FEATURE(VNET_F_MAC) |                           \
	             VIRTIO_FEATURE(VNET_F_STATUS) |                        \
	             VIRTIO_FEATURE(VNET_F_CTRL_VQ) |                       \
	             VIRTIO_FEATURE(VNET_F_CTRL_RX))

/* Device configuration (5.1.4). */
#define VNET_CFG_MAC       0
#define VNET_CFG_STATUS    6
#define VNET_S_LINK_UP     1

/* The virtio_net_hdr of 5.1.6: 12 bytes with VERSION_1. */
struct vnet_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __packed;
#define VNET_HDR_F_NEEDS_CSUM 1
#define VNET_HDR_F_DATA_VALID 2

/* Control queue (5.1.6.5). */
#define VNET_CTRL_RX           0
#define VNET_CTRL_RX_PROMISC   0
#define VNET_CTRL_RX_ALLMULTI  1
#define VNET_CTRL_MAC          1
#define VNET_CTRL_MAC_TABLE_SET 0
#define VNET_CTRL_OK           0
#define VNET_CTRL_TIMEOUT_US   1000000

#define VNET_RXQ 0
#define VNET_TXQ 1
#define VNET_CTRLQ 2
#define VNET_RX_RING 256        /* entries at most (the device may give fewer) */
#define VNET_TX_RING 256
#define VNET_CTRL_RING 16
/* A receive buffer: header, the largest frame and a VLAN tag (5.1.6.3.1:
 * without MRG_RXBUF or GUEST_TSO, at least 1526 bytes). */
#define VNET_RX_BUF (sizeof(struct vnet_hdr) + ETHER_MAX_FRAME + 4)
#define VNET_RX_ROUNDS 8       /* receive passes per interrupt */
#define VNET_TX_SEGS 16         /* descriptors per frame; more: linearised */
#define VNET_MAX_MC ETHER_MAX_MULTI

/* One control command's DMA buffer. */
struct vnet_ctrl {
	uint8_t class, cmd;
	uint8_t ack;
	uint8_t _pad;
	uint8_t data[8 + ETHER_ADDR_LEN * VNET_MAX_MC];
};

/* The driver's own counters (dump_stats). */
struct vnet_stats {
	uint64_t rx_bad_used, rx_too_long, rx_runts, rx_no_buf, rx_csum_done;
	uint64_t tx_bad_used, tx_linearised, ctrl_errors;
};

struct vnet {
	struct virtio_dev vd;
	struct ether e;
	char name[32];
	bool up;                        /* queues live (cleared under rx_lock) */
	bool broken;                    /* a queue broke: needs a reset */
	bool link;                      /* last link state reported */
	spinlock_t rx_lock;             /* "virtio-net rx" */
	struct virtqueue rxq;           /* [rx_lock] */
	spinlock_t tx_lock;             /* "virtio-net tx" */
	struct virtqueue txq;           /* [tx_lock] */
	struct block *tx_held;          /* [tx_lock] pulled, did not fit */
	struct vnet_hdr *tx_hdr;        /* all zero, read by the device */
	struct sem ctrl_qlock;          /* "virtio-net ctrl" */
	bool has_ctrl;                  /* [I] CTRL_VQ and CTRL_RX */
	bool ctrl_dead;                 /* [ctrl_qlock] a command timed out */
	struct virtqueue ctrlq;         /* [ctrl_qlock] */
	struct vnet_ctrl *ctrl;         /* [ctrl_qlock] */
	bool promisc;                   /* [ctrl_qlock] wanted */
	unsigned int nr_mc;             /* [ctrl_qlock] */
	uint8_t mc[VNET_MAX_MC][ETHER_ADDR_LEN];        /* [ctrl_qlock] */
	struct vnet_stats st;           /* [a] */
};

static inline void vnet_count(uint64_t *ctr)
{
	ether_stat_add(ctr, 1);
}

/* virtio_net_rxtx.c */
void vnet_rx_prefill(struct vnet *vn);
void vnet_rx_intr(struct vnet *vn);
void vnet_transmit(struct ether *e);
/* virtio_net_ctrl.c */
void vnet_filters_apply(struct vnet *vn);
int vnet_set_promisc(struct ether *e, bool on);
int vnet_set_multicast(struct ether *e, const uint8_t *addr, bool add);
