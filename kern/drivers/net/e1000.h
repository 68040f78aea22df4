/* SPDX-License-Identifier: MIT */
/*
 * e1000.h - the e1000 family driver's state, shared by e1000.c (probe,
 * bring-up, interrupts, filters, statistics) and e1000_ring.c (the
 * descriptor rings).  Documentation/drivers/e1000.md.
 *
 * One struct e1k per function.  The interrupt handler runs under irq_lock
 * (irqsave spinlock "e1000 irq") and does nothing once close has cleared
 * irq_live, so close can free the rings without racing a handler still
 * running on another core.  The receive ring is touched only by the
 * handler and by open/close.  The transmit ring is guarded by tx_lock
 * (irqsave spinlock "e1000 tx", taken under "e1000 irq" by the handler):
 * transmit runs from a writer's kick and from the interrupt handler.
 * rctl and the multicast list change under #ether's interface qlock
 * "ether" (the set_promisc/set_multicast ops are called holding it);
 * RCTL is written under irq_lock too, since the 82574's receive watch
 * (an ALARM_IRQ alarm) rewrites it.
 */
#pragma once

#include <alarm.h>
#include <ether.h>
#include <pci.h>
#include <spinlock.h>

#include "e1000_regs.h"

#define E1K_NRX     256     /* receive descriptors: one page */
#define E1K_NTX     256     /* transmit descriptors: one page */
#define E1K_RXBUF   2048    /* RCTL.BSIZE 2048 */
#define E1K_ITR_INTERVAL 200 /* 200 * 256 ns = 51 us: at most ~19500 interrupts/s */
#define E1K_RX_WATCH_NS 1000000000ull /* 82574: receiver kicked after 1 s without a frame */

/* What differs between the parts. */
struct e1k_model {
	const char *name;       /* the ether model string */
	uint16_t device;        /* PCI device id (vendor 8086) */
	unsigned int irq_kinds; /* PCI_IRQ_* the part may use */
	bool is_82574;          /* IVAR, the extra MSI-X causes */
	uint32_t eerd_done;     /* EERD done bit */
	unsigned int eerd_shift;/* EERD word-address shift */
};

/* Statistics registers folded into 64-bit totals ([a]). */
enum { E1K_ST_CRC, E1K_ST_RXERR, E1K_ST_MISSED, E1K_ST_NOBUF, E1K_ST_RUNT,
       E1K_ST_OVERSIZE, E1K_ST_COLL, E1K_ST_GPRC, E1K_ST_GPTC, E1K_ST_TPR,
       E1K_ST_TPT, E1K_NR_ST };

struct e1k {
	struct ether ether;             /* first: #ether's view */
	struct pci_dev *pci;            /* [I] */
	const struct e1k_model *model;  /* [I] */
	volatile uint8_t *regs;         /* [I] BAR 0 */
	spinlock_t irq_lock;
	bool irq_live;                  /* [irq_lock] the rings exist: handle */
	bool rx_watching;               /* [irq_lock] the 82574's receive watch runs */
	/* receive: the interrupt handler */
	struct e1k_rx_desc *rx_ring;
	struct block *rx_blk[E1K_NRX];
	unsigned int rx_next;           /* next descriptor to look at */
	bool rx_discard;                /* dropping the rest of a frame without EOP */
	uint64_t rx_bad_desc;           /* [a] malformed descriptors dropped */
	uint64_t rx_taken;              /* [irq_lock] descriptors taken, good or bad */
	uint64_t rx_watch_seen;         /* [irq_lock] rx_taken at the last watch */
	uint64_t rx_kicks;              /* [a] receiver kicks (e1k_rx_watch) */
	struct alarm_waiter rx_watch;   /* 82574: the idle-receiver watch */
	/* transmit */
	spinlock_t tx_lock;
	struct e1k_tx_desc *tx_ring;    /* [tx_lock] */
	struct block *tx_blk[E1K_NTX];  /* [tx_lock] */
	unsigned int tx_head, tx_tail, tx_used;  /* [tx_lock] oldest, next free, in flight */
	bool up;                        /* [tx_lock] rings exist */
	/* filters, under #ether's "ether" qlock */
	uint32_t rctl;                  /* ["ether" and irq_lock] to change */
	uint8_t mc[ETHER_MAX_MULTI][ETHER_ADDR_LEN];
	unsigned int nmc;
	uint64_t st[E1K_NR_ST];         /* [a] */
	uint64_t nirq;                  /* [a] */
};

static inline uint32_t e1k_rd(struct e1k *sc, uint32_t reg)
{
	return *(volatile uint32_t *)(sc->regs + reg);
}

static inline void e1k_wr(struct e1k *sc, uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(sc->regs + reg) = v;
}

/* e1000.c: the interrupt causes the driver enables (IMS) while open. */
uint32_t e1k_irq_mask(struct e1k *sc);

/* e1000_ring.c */
int e1k_rings_alloc(struct e1k *sc);
void e1k_rings_program(struct e1k *sc);
void e1k_rings_free(struct e1k *sc);
void e1k_rx(struct e1k *sc);
void e1k_rx_kick(struct e1k *sc);
/* BLOCK_F_RX_* for a descriptor's status and errors (ktests too). */
uint32_t e1k_rx_csum_flags(uint8_t status, uint8_t errors);
void e1k_transmit(struct ether *e);
