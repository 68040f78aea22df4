/* SPDX-License-Identifier: MIT */
/*
 * virtio_net_rxtx.c - virtio-net's receive and transmit queues (virtio 1.2
 * sections 5.1.6.2-5.1.6.4): receive blocks posted as DMA targets and
 * handed to ether_rx without a copy, transmit chains of a shared zero
 * header and the block's pieces, completions reclaimed in the interrupt.
 *
 * Locks: "virtio-net rx" guards the receive queue and is dropped before
 * ether_rx; "virtio-net tx" guards the transmit queue and is held while
 * ether_tx_next runs; never both at once.  Both are irqsave: the
 * interrupt handler takes them.  vn->up is read under each before a
 * queue is touched (close clears it).
 */
#include <arch/mmu.h>
#include <block.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

#include "virtio_net.h"

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
void vnet_rx_intr(struct vnet *vn)
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

void vnet_transmit(struct ether *e)
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

/* Posts the first receive buffers (may sleep: before DRIVER_OK). */
void vnet_rx_prefill(struct vnet *vn)
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
