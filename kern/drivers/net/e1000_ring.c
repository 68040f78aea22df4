/* SPDX-License-Identifier: MIT */
/*
 * e1000_ring.c - the e1000 family's descriptor rings (8254x manual ch. 3:
 * legacy descriptors; the 82574 keeps that format unless told otherwise).
 *
 * Receive: E1K_NRX descriptors, each pointing at the data area of a block
 * allocated ahead (the block's buffer is the DMA target: no copy).  The
 * hardware owns [RDH, RDT); the driver hands a descriptor back by writing
 * RDT past it.  e1k_rx() (interrupt context) takes each descriptor with DD
 * set: a good frame leaves in its block for ether_rx() and a new block
 * takes its place (MEM_ATOMIC; without one the frame is dropped and the
 * old block stays); a bad one (error bits, no EOP, a length of 0, under a
 * header or over the buffer) is dropped and its block reused.  Lengths
 * from the device are never trusted beyond E1K_RXBUF.  e1k_rx_kick()
 * restarts a receiver that QEMU's 82574 model has wedged (e1000.c's
 * receive watch calls it after a second without a frame).
 *
 * Transmit: E1K_NTX descriptors, one linear block each (EOP, IFCS, RS);
 * TCTL.PSP pads short frames.  e1k_transmit() reclaims descriptors the
 * device marked done (DD), then fills free ones from ether_tx_next()
 * (one kept empty, so head == tail means empty) and writes TDT once.
 * It runs under tx_lock from a writer's kick and from the interrupt.
 */
#include <arch/mmu.h>
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <page.h>
#include <printk.h>

#include "e1000.h"

static void e1k_rx_give(struct e1k *sc, unsigned int i, struct block *b)
{
	struct e1k_rx_desc *d = &sc->rx_ring[i];

	sc->rx_blk[i] = b;
	d->addr = PADDR(b->rp);
	d->length = 0;
	d->errors = 0;
	wmb();
	d->status = 0;
}

int e1k_rings_alloc(struct e1k *sc)
{
	sc->rx_ring = kpage_zalloc(MEM_WAIT);
	sc->tx_ring = kpage_zalloc(MEM_WAIT);
	if (!sc->rx_ring || !sc->tx_ring) {
		e1k_rings_free(sc);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < E1K_NRX; i++) {
		struct block *b = block_alloc(E1K_RXBUF, MEM_WAIT);

		if (!b) {
			e1k_rings_free(sc);
			return -ENOMEM;
		}
		e1k_rx_give(sc, i, b);
	}
	sc->rx_next = 0;
	sc->rx_discard = false;
	sc->tx_head = sc->tx_tail = sc->tx_used = 0;
	return 0;
}

static void e1k_ring_base(struct e1k *sc, uint32_t lo, void *ring, unsigned int n,
                          size_t desc)
{
	physaddr_t pa = PADDR(ring);

	e1k_wr(sc, lo, (uint32_t)pa);
	e1k_wr(sc, lo + 4, (uint32_t)(pa >> 32));
	e1k_wr(sc, lo + 8, (uint32_t)(n * desc));       /* *DLEN */
}

void e1k_rings_program(struct e1k *sc)
{
	e1k_ring_base(sc, E1K_RDBAL, sc->rx_ring, E1K_NRX, sizeof(struct e1k_rx_desc));
	e1k_wr(sc, E1K_RDH, 0);
	e1k_wr(sc, E1K_RDT, E1K_NRX - 1);
	e1k_ring_base(sc, E1K_TDBAL, sc->tx_ring, E1K_NTX, sizeof(struct e1k_tx_desc));
	e1k_wr(sc, E1K_TDH, 0);
	e1k_wr(sc, E1K_TDT, 0);
}

/* The device is reset (no DMA): frees the blocks and the rings. */
void e1k_rings_free(struct e1k *sc)
{
	uint64_t irq = spin_lock_irqsave(&sc->tx_lock);

	for (unsigned int i = 0; i < E1K_NTX; i++) {
		freeb(sc->tx_blk[i]);
		sc->tx_blk[i] = NULL;
	}
	sc->up = false;
	spin_unlock_irqrestore(&sc->tx_lock, irq);
	for (unsigned int i = 0; i < E1K_NRX; i++) {
		freeb(sc->rx_blk[i]);
		sc->rx_blk[i] = NULL;
	}
	if (sc->rx_ring)
		kpage_free(sc->rx_ring);
	if (sc->tx_ring)
		kpage_free(sc->tx_ring);
	sc->rx_ring = NULL;
	sc->tx_ring = NULL;
}

/* ------------------------------------------------------------ receive */

/* Whether descriptor (status, errors, len) holds a whole good frame;
 * counts what it drops.  Tracks frames split over descriptors (no EOP:
 * not with 2048-byte buffers and LPE off, so only a broken device). */
static bool e1k_rx_good(struct e1k *sc, uint8_t status, uint8_t errors, unsigned int len)
{
	struct ether_stats *st = &sc->ether.stats;
	bool was_discarding = sc->rx_discard;

	sc->rx_discard = !(status & E1K_RXS_EOP);
	if (was_discarding || sc->rx_discard || len < ETHER_HDR_LEN || len > E1K_RXBUF) {
		ether_stat_add(&sc->rx_bad_desc, 1);
		ether_stat_add(&st->rx_errors, 1);
		return false;
	}
	if (errors & E1K_RXE_FRAME) {
		ether_stat_add(errors & E1K_RXE_CE ? &st->rx_crc_errors : &st->rx_errors, 1);
		return false;
	}
	return true;
}

uint32_t e1k_rx_csum_flags(uint8_t status, uint8_t errors)
{
	uint32_t f = 0;

	if (status & E1K_RXS_IXSM)
		return 0;
	if ((status & E1K_RXS_IPCS) && !(errors & E1K_RXE_IPE))
		f |= BLOCK_F_RX_IPCK_OK;
	if ((status & E1K_RXS_TCPCS) && !(errors & E1K_RXE_TCPE))
		f |= BLOCK_F_RX_L4CK_OK;
	return f;
}

/* Takes descriptor i: the frame to deliver, or NULL (dropped; the
 * descriptor got its block back). */
static struct block *e1k_rx_one(struct e1k *sc, unsigned int i)
{
	struct e1k_rx_desc *d = &sc->rx_ring[i];
	uint8_t status = READ_ONCE(d->status), errors;
	struct block *b = sc->rx_blk[i], *nb;
	unsigned int len;

	rmb();                  /* the rest of the descriptor after DD */
	len = READ_ONCE(d->length);
	errors = READ_ONCE(d->errors);
	if (!e1k_rx_good(sc, status, errors, len)) {
		e1k_rx_give(sc, i, b);
		return NULL;
	}
	nb = block_alloc(E1K_RXBUF, MEM_ATOMIC);
	if (!nb) {
		ether_stat_add(&sc->ether.stats.rx_overruns, 1);
		e1k_rx_give(sc, i, b);
		return NULL;
	}
	e1k_rx_give(sc, i, nb);
	b->wp = b->rp + len;
	b->flag = e1k_rx_csum_flags(status, errors);
	return b;
}

void e1k_rx(struct e1k *sc)
{
	unsigned int budget = E1K_NRX, last = E1K_NRX;

	while (budget-- && (READ_ONCE(sc->rx_ring[sc->rx_next].status) & E1K_RXS_DD)) {
		unsigned int i = sc->rx_next;
		struct block *b = e1k_rx_one(sc, i);

		sc->rx_next = (i + 1) % E1K_NRX;
		sc->rx_taken++;
		last = i;
		if (b)
			ether_rx(&sc->ether, b);
	}
	if (last != E1K_NRX) {
		wmb();
		e1k_wr(sc, E1K_RDT, last);      /* hand back up to and including last - 1 */
	}
}

/* irq_lock held, the rings live.  Makes the device look at the receive
 * ring again with the receiver off, then turns it back on: QEMU's 82574
 * model answers a frame of zero bytes from its backend (a hostile peer's,
 * over a socket netdev) with "no room", keeps it queued, stops reading the
 * backend and retries it at every RDT write, getting the same answer: the
 * receiver stays silent for good.  A retry while RCTL.EN is clear drops
 * the frame instead.  On a real 82574 the receiver of an idle link is off
 * for the time of three register writes. */
void e1k_rx_kick(struct e1k *sc)
{
	ether_stat_add(&sc->rx_kicks, 1);
	e1k_wr(sc, E1K_RCTL, sc->rctl & ~E1K_RCTL_EN);
	e1k_wr(sc, E1K_RDT, e1k_rd(sc, E1K_RDT));
	e1k_wr(sc, E1K_RCTL, sc->rctl);
}

/* ------------------------------------------------------------ transmit */

/* tx_lock held.  Frees the blocks of descriptors the device is done with. */
static void __e1k_tx_reap(struct e1k *sc)
{
	while (sc->tx_used && (READ_ONCE(sc->tx_ring[sc->tx_head].status) & E1K_TXS_DD)) {
		freeb(sc->tx_blk[sc->tx_head]);
		sc->tx_blk[sc->tx_head] = NULL;
		sc->tx_head = (sc->tx_head + 1) % E1K_NTX;
		sc->tx_used--;
	}
}

/* tx_lock held.  Puts b in the next free descriptor. */
static void __e1k_tx_post(struct e1k *sc, struct block *b)
{
	struct e1k_tx_desc *d = &sc->tx_ring[sc->tx_tail];

	sc->tx_blk[sc->tx_tail] = b;
	d->addr = PADDR(b->rp);
	d->length = (uint16_t)BHLEN(b);
	d->cso = 0;
	d->css = 0;
	d->special = 0;
	d->status = 0;
	d->cmd = E1K_TXC_EOP | E1K_TXC_IFCS | E1K_TXC_RS;
	sc->tx_tail = (sc->tx_tail + 1) % E1K_NTX;
	sc->tx_used++;
}

void e1k_transmit(struct ether *e)
{
	struct e1k *sc = e->drv;
	struct block *b;
	bool posted = false;
	uint64_t irq = spin_lock_irqsave(&sc->tx_lock);

	if (!sc->up) {
		spin_unlock_irqrestore(&sc->tx_lock, irq);
		return;
	}
	__e1k_tx_reap(sc);
	while (sc->tx_used < E1K_NTX - 1 && (b = ether_tx_next(e))) {
		if (BHLEN(b) == 0 || BHLEN(b) > E1K_RXBUF || b->extra_len) {
			ether_stat_add(&e->stats.tx_errors, 1);     /* #ether linearises */
			freeb(b);
			continue;
		}
		__e1k_tx_post(sc, b);
		posted = true;
	}
	if (posted) {
		wmb();
		e1k_wr(sc, E1K_TDT, sc->tx_tail);
	}
	spin_unlock_irqrestore(&sc->tx_lock, irq);
}
