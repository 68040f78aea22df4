/* SPDX-License-Identifier: MIT */
/*
 * virtio_net.c - the virtio network device (virtio 1.2 section 5.1) over
 * the modern PCI transport (kern/drivers/virtio/), as an #ether interface
 * (kern/include/ether.h).  QEMU: -device virtio-net-pci,disable-legacy=on
 * (1af4:1041).  Documentation/drivers/virtio-net.md says what is
 * negotiated and what is not done.
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
#include <ether.h>
#include <kmalloc.h>
#include <kstring.h>
#include <pci.h>
#include <printk.h>
#include <sem.h>
#include <slice.h>
#include <spinlock.h>
#include <time.h>
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
} __attribute__((packed));
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
	bool up;                        /* [rx+tx locks] queues live */
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

static void vnet_count(uint64_t *ctr)
{
	ether_stat_add(ctr, 1);
}

/* The device's used index ran ahead of what is in flight: the queue is
 * stopped until the interface is closed (said once). */
static void vnet_queue_broke(struct vnet *vn, const char *which,
                             const struct virtqueue *vq)
{
	if (!vn->broken)
		printk("%s: %s used index %u ran ahead of %u in flight: queue stopped\n",
		       vn->name, which, vq->last_bad_id, vq->in_flight);
	WRITE_ONCE(vn->broken, true);
}

/* ------------------------------------------------------------ receive */

/* Fills the receive ring with fresh blocks.  rx_lock held. */
static void __vnet_rx_refill(struct vnet *vn, int mem_flags)
{
	bool added = false;

	while (vn->rxq.nr_free > 0) {
		struct block *b = block_alloc(VNET_RX_BUF, mem_flags);
		struct vq_buf in;

		if (!b) {
			vnet_count(&vn->st.rx_no_buf);
			break;
		}
		in = (struct vq_buf){ .addr = PADDR(b->wp), .len = VNET_RX_BUF };
		if (vq_add(&vn->rxq, NULL, 0, &in, 1, b)) {
			freeb(b);
			break;
		}
		added = true;
	}
	if (added && vq_notify_needed(&vn->rxq))
		virtio_notify(&vn->vd, &vn->rxq);
}

/* Turns a used receive buffer into a frame; NULL (counted) if it is bad. */
static struct block *vnet_rx_frame(struct vnet *vn, struct block *b, uint32_t len)
{
	struct vnet_hdr h;

	if (len < sizeof(h) + ETHER_HDR_LEN) {
		vnet_count(&vn->st.rx_runts);
		ether_stat_add(&vn->e.stats.rx_errors, 1);
		freeb(b);
		return NULL;
	}
	memcpy(&h, b->rp, sizeof(h));
	b->wp = b->rp + len;
	b->rp += sizeof(h);
	if (virtio_has(&vn->vd, VNET_F_GUEST_CSUM)) {
		if (h.flags & VNET_HDR_F_DATA_VALID)
			b->flag |= BLOCK_F_RX_L4CK_OK;
		else if ((h.flags & VNET_HDR_F_NEEDS_CSUM) &&
		         virtio_net_csum_complete(b->rp, BHLEN(b), h.csum_start,
		                                  h.csum_offset)) {
			b->flag |= BLOCK_F_RX_L4CK_OK;
			vnet_count(&vn->st.rx_csum_done);
		}
	}
	return b;
}

/*
 * One pass over the receive queue (IRQ): with the device's interrupts for
 * it suppressed, takes the used buffers (at most twice the ring), refills,
 * allows interrupts again, and delivers the frames with no lock held.
 * Returns whether more buffers were used meanwhile (they raised no
 * interrupt, so the caller goes round again).
 */
static bool vnet_rx_round(struct vnet *vn)
{
	struct block *list = NULL, **tail = &list, *b;
	void *cookie;
	uint32_t len;
	uint64_t irq;
	bool more;
	int r;

	irq = spin_lock_irqsave(&vn->rx_lock);
	if (!vn->up) {
		spin_unlock_irqrestore(&vn->rx_lock, irq);
		return false;
	}
	vq_disable_intr(&vn->rxq);
	for (unsigned int n = 0; n < 2u * vn->rxq.size; n++) {
		r = vq_get_used(&vn->rxq, &cookie, &len);
		if (r == 0)
			break;
		if (r == -EOVERFLOW) {
			vnet_queue_broke(vn, "rx", &vn->rxq);
			break;
		}
		if (r < 0) {
			vnet_count(r == -EMSGSIZE ? &vn->st.rx_too_long :
			                            &vn->st.rx_bad_used);
			ether_stat_add(&vn->e.stats.rx_errors, 1);
			freeb(cookie);          /* NULL for a bad id */
			continue;
		}
		b = vnet_rx_frame(vn, cookie, len);
		if (b) {
			*tail = b;
			tail = &b->next;
		}
	}
	__vnet_rx_refill(vn, MEM_ATOMIC);
	more = vq_enable_intr(&vn->rxq) && !vn->broken;
	spin_unlock_irqrestore(&vn->rx_lock, irq);
	while ((b = list)) {
		list = b->next;
		b->next = NULL;
		ether_rx(&vn->e, b);
	}
	return more;
}

/* The receive interrupt: rounds until the queue is quiet, at most
 * VNET_RX_ROUNDS so a flood cannot hold the core (buffers used after the
 * last round wait for the next interrupt). */
static void vnet_rx_intr(struct vnet *vn)
{
	for (unsigned int i = 0; i < VNET_RX_ROUNDS; i++)
		if (!vnet_rx_round(vn))
			break;
}

/* ------------------------------------------------------------ transmit */

/* Frees the blocks the device is done with.  tx_lock held. */
static void __vnet_tx_reclaim(struct vnet *vn)
{
	void *cookie;
	uint32_t len;
	int r;

	while ((r = vq_get_used(&vn->txq, &cookie, &len)) != 0) {
		if (r == -EOVERFLOW) {
			vnet_queue_broke(vn, "tx", &vn->txq);
			return;
		}
		if (r < 0)
			vnet_count(&vn->st.tx_bad_used);
		freeb(cookie);          /* sent (the device wrote nothing) */
	}
}

/* The descriptors of b after the header; how many, or -E2BIG. */
static int vnet_tx_segs(struct block *b, struct vq_buf *seg, unsigned int max)
{
	unsigned int n = 0;

	if (BHLEN(b))
		seg[n++] = (struct vq_buf){ .addr = PADDR(b->rp), .len = (uint32_t)BHLEN(b) };
	for (unsigned int i = 0; i < b->nr_extra_bufs; i++) {
		struct extra_bdata *x = &b->extra_data[i];

		if (!x->base || !x->len)
			continue;
		if (n == max)
			return -E2BIG;
		seg[n++] = (struct vq_buf){ .addr = PADDR((void *)(x->base + x->off)),
		                            .len = x->len };
	}
	return (int)n;
}

/* Posts one frame: 0, -ENOSPC (keep it for later) or -EINVAL (dropped). */
static int __vnet_tx_post(struct vnet *vn, struct block **bp)
{
	struct vq_buf seg[VNET_TX_SEGS];
	struct block *b = *bp;
	int n;

	seg[0] = (struct vq_buf){ .addr = PADDR(vn->tx_hdr), .len = sizeof(struct vnet_hdr) };
	n = vnet_tx_segs(b, seg + 1, VNET_TX_SEGS - 1);
	if (n == -E2BIG) {
		struct block *lin = copyblock(b, MEM_ATOMIC);

		if (!lin)
			return -ENOSPC;         /* retried after the next completion */
		freeb(b);
		*bp = b = lin;
		vnet_count(&vn->st.tx_linearised);
		n = vnet_tx_segs(b, seg + 1, VNET_TX_SEGS - 1);
	}
	if (n <= 0 || BLEN(b) > ETHER_MAX_FRAME + 4)
		return -EINVAL;
	return vq_add(&vn->txq, seg, (unsigned int)n + 1, NULL, 0, b) ? -ENOSPC : 0;
}

/* Moves frames from #ether's queue onto the ring.  tx_lock held. */
static void __vnet_tx_fill(struct vnet *vn)
{
	bool posted = false;
	struct block *b;
	int r;

	__vnet_tx_reclaim(vn);
	while (!vn->broken && vn->txq.nr_free >= 2) {
		b = vn->tx_held;
		vn->tx_held = NULL;
		if (!b && !(b = ether_tx_next(&vn->e)))
			break;
		r = __vnet_tx_post(vn, &b);
		if (r == -ENOSPC) {
			vn->tx_held = b;
			break;
		}
		if (r) {
			ether_stat_add(&vn->e.stats.tx_errors, 1);
			freeb(b);
			continue;
		}
		posted = true;
	}
	if (posted && vq_notify_needed(&vn->txq))
		virtio_notify(&vn->vd, &vn->txq);
}

/* A receive ring that allocation failures left half empty raises few
 * interrupts (none when empty): the transmit path refills it too. */
static void vnet_rx_topup(struct vnet *vn)
{
	uint64_t irq;

	if (READ_ONCE(vn->rxq.nr_free) < vn->rxq.size / 2)
		return;
	irq = spin_lock_irqsave(&vn->rx_lock);
	if (vn->up)
		__vnet_rx_refill(vn, MEM_ATOMIC);
	spin_unlock_irqrestore(&vn->rx_lock, irq);
}

static void vnet_transmit(struct ether *e)
{
	struct vnet *vn = e->drv;
	uint64_t irq = spin_lock_irqsave(&vn->tx_lock);
	bool up = vn->up;

	if (up)
		__vnet_tx_fill(vn);
	spin_unlock_irqrestore(&vn->tx_lock, irq);
	if (up)
		vnet_rx_topup(vn);
}

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

/* ------------------------------------------------------------ control */

/* One command on the control queue, polled.  ctrl_qlock held.  0, -EIO
 * (the device said no), -ETIMEDOUT, -EOPNOTSUPP. */
static int __vnet_ctrl(struct vnet *vn, uint8_t class, uint8_t cmd,
                       const void *data, size_t len)
{
	struct vnet_ctrl *c = vn->ctrl;
	struct vq_buf out[2], in;
	void *cookie;
	uint32_t got;
	int r = 0;

	if (!vn->has_ctrl || !vn->up)
		return -EOPNOTSUPP;
	if (vn->ctrl_dead || len > sizeof(c->data))
		return -EIO;
	c->class = class;
	c->cmd = cmd;
	c->ack = 0xff;
	memcpy(c->data, data, len);
	out[0] = (struct vq_buf){ .addr = PADDR(&c->class), .len = 2 };
	out[1] = (struct vq_buf){ .addr = PADDR(c->data), .len = (uint32_t)len };
	in = (struct vq_buf){ .addr = PADDR(&c->ack), .len = 1 };
	if (vq_add(&vn->ctrlq, out, len ? 2 : 1, &in, 1, c))
		return -EIO;
	virtio_notify(&vn->vd, &vn->ctrlq);
	for (unsigned int us = 0; us < VNET_CTRL_TIMEOUT_US; us += 10) {
		r = vq_get_used(&vn->ctrlq, &cookie, &got);
		if (r != 0)
			break;
		udelay(10);
	}
	if (r == 1 && READ_ONCE(c->ack) == VNET_CTRL_OK)
		return 0;
	vnet_count(&vn->st.ctrl_errors);
	if (r != 1) {
		/* The device may still write the buffer: no more commands. */
		printk("%s: control command %u.%u %s\n", vn->name, class, cmd,
		       r == 0 ? "timed out" : "got a bad used entry");
		vn->ctrl_dead = true;
		return r == 0 ? -ETIMEDOUT : -EIO;
	}
	return -EIO;
}

static int __vnet_push_promisc(struct vnet *vn)
{
	uint8_t on = vn->promisc;

	return __vnet_ctrl(vn, VNET_CTRL_RX, VNET_CTRL_RX_PROMISC, &on, 1);
}

/* The multicast table: no unicast entries, then nr_mc addresses. */
static int __vnet_push_mc(struct vnet *vn)
{
	uint8_t buf[8 + ETHER_ADDR_LEN * VNET_MAX_MC];
	uint32_t zero = 0, n = vn->nr_mc;

	memcpy(buf, &zero, 4);
	memcpy(buf + 4, &n, 4);
	memcpy(buf + 8, vn->mc, ETHER_ADDR_LEN * n);
	return __vnet_ctrl(vn, VNET_CTRL_MAC, VNET_CTRL_MAC_TABLE_SET, buf,
	                   8 + ETHER_ADDR_LEN * n);
}

static int vnet_set_promisc(struct ether *e, bool on)
{
	struct vnet *vn = e->drv;
	int r = 0;

	sem_down(&vn->ctrl_qlock);
	vn->promisc = on;
	/* Without CTRL_RX the device receives everything already. */
	if (vn->has_ctrl && vn->up)
		r = __vnet_push_promisc(vn);
	sem_up(&vn->ctrl_qlock);
	return r;
}

static int vnet_mc_find(struct vnet *vn, const uint8_t *addr)
{
	for (unsigned int i = 0; i < vn->nr_mc; i++)
		if (!memcmp(vn->mc[i], addr, ETHER_ADDR_LEN))
			return (int)i;
	return -1;
}

static int vnet_set_multicast(struct ether *e, const uint8_t *addr, bool add)
{
	struct vnet *vn = e->drv;
	int i, r = 0;

	sem_down(&vn->ctrl_qlock);
	i = vnet_mc_find(vn, addr);
	if (add && i < 0) {
		if (vn->nr_mc == VNET_MAX_MC) {
			sem_up(&vn->ctrl_qlock);
			return -ENOSPC;
		}
		memcpy(vn->mc[vn->nr_mc++], addr, ETHER_ADDR_LEN);
	} else if (!add && i >= 0) {
		memmove(vn->mc[i], vn->mc[i + 1],
		        ETHER_ADDR_LEN * (vn->nr_mc - (unsigned int)i - 1));
		vn->nr_mc--;
	}
	if (vn->has_ctrl && vn->up)
		r = __vnet_push_mc(vn);
	sem_up(&vn->ctrl_qlock);
	return r;
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

/* Posts the first receive buffers (may sleep: before DRIVER_OK). */
static void vnet_rx_prefill(struct vnet *vn)
{
	uint64_t irq;

	while (vn->rxq.nr_free > 0) {
		struct block *b = block_alloc(VNET_RX_BUF, MEM_WAIT);
		struct vq_buf in = { .addr = PADDR(b->wp), .len = VNET_RX_BUF };

		irq = spin_lock_irqsave(&vn->rx_lock);
		if (vq_add(&vn->rxq, NULL, 0, &in, 1, b))
			freeb(b);
		spin_unlock_irqrestore(&vn->rx_lock, irq);
	}
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
	sem_down(&vn->ctrl_qlock);
	vn->ctrl_dead = false;
	if (vn->has_ctrl) {
		/* QEMU starts promiscuous; say what #ether wants. */
		if (__vnet_push_promisc(vn) || __vnet_push_mc(vn))
			printk("%s: receive filter not set\n", vn->name);
	}
	sem_up(&vn->ctrl_qlock);
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

static void vnet_dump_stats(struct ether *e, struct slice *s)
{
	struct vnet *vn = e->drv;
	struct vnet_stats *st = &vn->st;

	slice_printf(s, "features: %#llx\n", (unsigned long long)vn->vd.features);
	slice_printf(s, "rx_ring: %u\ntx_ring: %u\n", vn->rxq.size, vn->txq.size);
	slice_printf(s, "msix_vectors: %u\n", vn->vd.nr_vectors);
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
