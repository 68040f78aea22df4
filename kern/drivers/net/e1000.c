/* SPDX-License-Identifier: MIT */
/*
 * e1000.c - the Intel e1000 family: 82540EM ("e1000", 8086:100e) and
 * 82574L ("e1000e", 8086:10d3) as one driver; what differs is in struct
 * e1k_model (interrupt kinds, IVAR, the EERD layout).  Documentation:
 * Documentation/drivers/e1000.md; registers: e1000_regs.h; rings:
 * e1000_ring.c.
 *
 * Probe (PCI bind lock held, may sleep): map BAR 0, reset the device,
 * read the MAC (RAL0/RAH0, else the EEPROM through EERD) and register an
 * ether.  Open (#ether's first open): rings, one interrupt vector (MSI-X
 * with IVAR routing every cause to it on the 82574, else MSI, else INTx),
 * throttling (ITR), checksum offload on receive, then receive and transmit
 * enabled.  The interrupt handler reads and clears ICR, reports link
 * changes (LSC: STATUS.LU and the speed), takes received frames, reclaims
 * and refills the transmit ring, and now and then folds the statistics
 * registers (cleared on read) into 64-bit totals.  On the 82574 under a
 * hypervisor an alarm watches the receive ring: a second without a
 * descriptor taken kicks the receiver (e1k_rx_kick(): QEMU's model wedges
 * on a zero-length frame; on bare metal the watch never runs).  Close resets the device before freeing anything it could
 * still write.
 *
 * Locking: see e1000.h.  Promiscuous mode and the multicast table are
 * changed under #ether's interface qlock ("ether"); RCTL is written only
 * there (under "e1000 irq" too), in open and by the receive watch.
 */
#include <alarm.h>
#include <arch/x86.h>
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>
#include <slice.h>
#include <time.h>

#include "e1000.h"

static const struct e1k_model e1k_models[] = {
	{ .name = "e1000", .device = 0x100e, .irq_kinds = PCI_IRQ_MSI | PCI_IRQ_INTX,
	  .eerd_done = E1K_8254X_EERD_DONE, .eerd_shift = E1K_8254X_EERD_SHIFT },
	{ .name = "e1000e", .device = 0x10d3, .irq_kinds = PCI_IRQ_ANY, .is_82574 = true,
	  .eerd_done = E1K_82574_EERD_DONE, .eerd_shift = E1K_82574_EERD_SHIFT },
};

/* ------------------------------------------------------------ reset, MAC */

static bool e1k_reset(struct e1k *sc)
{
	uint32_t ctrl;

	e1k_wr(sc, E1K_IMC, 0xffffffffu);
	e1k_wr(sc, E1K_RCTL, 0);
	e1k_wr(sc, E1K_TCTL, 0);
	e1k_wr(sc, E1K_CTRL, e1k_rd(sc, E1K_CTRL) | E1K_CTRL_RST);
	for (int i = 0; i < 1000 && (e1k_rd(sc, E1K_CTRL) & E1K_CTRL_RST); i++)
		udelay(100);
	if (e1k_rd(sc, E1K_CTRL) & E1K_CTRL_RST)
		return false;
	e1k_wr(sc, E1K_IMC, 0xffffffffu);
	(void)e1k_rd(sc, E1K_ICR);
	ctrl = e1k_rd(sc, E1K_CTRL);
	ctrl &= ~(E1K_CTRL_LRST | E1K_CTRL_PHY_RST | E1K_CTRL_VME);
	e1k_wr(sc, E1K_CTRL, ctrl | E1K_CTRL_SLU | E1K_CTRL_ASDE);
	return true;
}

/* One EEPROM word, or -1 if the read never completes. */
static int e1k_eeprom_word(struct e1k *sc, unsigned int word)
{
	const struct e1k_model *m = sc->model;

	e1k_wr(sc, E1K_EERD, E1K_EERD_START | word << m->eerd_shift);
	for (int i = 0; i < 1000; i++) {
		uint32_t v = e1k_rd(sc, E1K_EERD);

		if (v & m->eerd_done)
			return (int)(v >> 16);
		udelay(10);
	}
	return -1;
}

static bool e1k_mac_valid(const uint8_t *a)
{
	static const uint8_t zero[ETHER_ADDR_LEN];

	return !(a[0] & 1) && memcmp(a, zero, ETHER_ADDR_LEN);
}

static bool e1k_read_mac(struct e1k *sc, uint8_t *a)
{
	uint32_t lo = e1k_rd(sc, E1K_RAL0), hi = e1k_rd(sc, E1K_RAH0);

	for (int i = 0; i < 4; i++)
		a[i] = (uint8_t)(lo >> (8 * i));
	a[4] = (uint8_t)hi;
	a[5] = (uint8_t)(hi >> 8);
	if ((hi & E1K_RAH_AV) && e1k_mac_valid(a))
		return true;
	for (unsigned int w = 0; w < 3; w++) {
		int v = e1k_eeprom_word(sc, w);

		if (v < 0)
			return false;
		a[2 * w] = (uint8_t)v;
		a[2 * w + 1] = (uint8_t)(v >> 8);
	}
	if (!e1k_mac_valid(a))
		return false;
	e1k_wr(sc, E1K_RAL0, a[0] | a[1] << 8 | a[2] << 16 | (uint32_t)a[3] << 24);
	e1k_wr(sc, E1K_RAH0, a[4] | a[5] << 8 | E1K_RAH_AV);
	return true;
}

/* ------------------------------------------------------------ statistics */

static const uint32_t e1k_st_regs[E1K_NR_ST] = {
	[E1K_ST_CRC] = E1K_CRCERRS, [E1K_ST_RXERR] = E1K_RXERRC,
	[E1K_ST_MISSED] = E1K_MPC, [E1K_ST_NOBUF] = E1K_RNBC, [E1K_ST_RUNT] = E1K_RUC,
	[E1K_ST_OVERSIZE] = E1K_ROC, [E1K_ST_COLL] = E1K_COLC, [E1K_ST_GPRC] = E1K_GPRC,
	[E1K_ST_GPTC] = E1K_GPTC, [E1K_ST_TPR] = E1K_TPR, [E1K_ST_TPT] = E1K_TPT,
};

static const char *const e1k_st_names[E1K_NR_ST] = {
	[E1K_ST_CRC] = "crc_errors", [E1K_ST_RXERR] = "rx_symbol_errors",
	[E1K_ST_MISSED] = "missed", [E1K_ST_NOBUF] = "no_buffer",
	[E1K_ST_RUNT] = "undersize", [E1K_ST_OVERSIZE] = "oversize",
	[E1K_ST_COLL] = "collisions", [E1K_ST_GPRC] = "good_rx", [E1K_ST_GPTC] = "good_tx",
	[E1K_ST_TPR] = "total_rx", [E1K_ST_TPT] = "total_tx",
};

/* Any context: the registers clear on read, so each read is added once.
 * The device's own error counts go into #ether's counters too. */
static void e1k_stats_fold(struct e1k *sc)
{
	struct ether_stats *st = &sc->ether.stats;
	uint32_t v[E1K_NR_ST];

	for (int i = 0; i < E1K_NR_ST; i++) {
		v[i] = e1k_rd(sc, e1k_st_regs[i]);
		ether_stat_add(&sc->st[i], v[i]);
	}
	ether_stat_add(&st->rx_crc_errors, v[E1K_ST_CRC]);
	ether_stat_add(&st->rx_errors, v[E1K_ST_RXERR] + v[E1K_ST_RUNT] + v[E1K_ST_OVERSIZE]);
	ether_stat_add(&st->rx_overruns, v[E1K_ST_MISSED]);
}

static void e1k_dump_stats(struct ether *e, struct slice *s)
{
	struct e1k *sc = e->drv;
	unsigned int kind = sc->pci->irq.kind;

	e1k_stats_fold(sc);
	for (int i = 0; i < E1K_NR_ST; i++)
		slice_printf(s, "%s: %llu\n", e1k_st_names[i],
		             (unsigned long long)ether_stat_read(&sc->st[i]));
	slice_printf(s, "bad_descriptors: %llu\n",
	             (unsigned long long)ether_stat_read(&sc->rx_bad_desc));
	slice_printf(s, "rx_kicks: %llu\n", (unsigned long long)ether_stat_read(&sc->rx_kicks));
	slice_printf(s, "irq: %s\nitr: %u\nrx_ring: %u\ntx_ring: %u\n",
	             kind == PCI_IRQ_MSIX ? "msix" : kind == PCI_IRQ_MSI ? "msi" :
	             kind == PCI_IRQ_INTX ? "intx" : "none", E1K_ITR_INTERVAL, E1K_NRX, E1K_NTX);
}

/* ------------------------------------------------------------ interrupts */

static void e1k_link(struct e1k *sc)
{
	static const unsigned int mbps[] = { 10, 100, 1000, 1000 };
	uint32_t status = e1k_rd(sc, E1K_STATUS);

	ether_link_changed(&sc->ether, status & E1K_STATUS_LU, mbps[E1K_STATUS_SPEED(status)]);
}

static void e1k_irq_work(struct e1k *sc)
{
	uint32_t icr = e1k_rd(sc, E1K_ICR);

	if (!icr)
		return;
	e1k_wr(sc, E1K_ICR, icr);       /* MSI-X mode does not clear on read */
	ether_stat_add(&sc->ether.stats.interrupts, 1);
	if (icr & E1K_INT_LSC)
		e1k_link(sc);
	e1k_rx(sc);
	e1k_transmit(&sc->ether);
	if ((ether_stat_read(&sc->ether.stats.interrupts) & 1023) == 0 ||
	    (icr & (E1K_INT_RXO | E1K_INT_LSC)))
		e1k_stats_fold(sc);
}

static void e1k_irq(struct pci_dev *d, unsigned int idx, void *arg)
{
	struct e1k *sc = arg;
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);

	if (sc->irq_live)
		e1k_irq_work(sc);
	spin_unlock_irqrestore(&sc->irq_lock, irq);
}

/* ALARM_IRQ, 82574 only: a second in which the receive ring took nothing
 * kicks the receiver (e1k_rx_kick()); re-arms itself until close stops
 * it. */
static void e1k_rx_watch(struct alarm_waiter *a)
{
	struct e1k *sc = a->data;
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);

	if (sc->irq_live && sc->rx_watching) {
		if (sc->rx_taken == sc->rx_watch_seen)
			e1k_rx_kick(sc);
		sc->rx_watch_seen = sc->rx_taken;
		set_awaiter_rel(a, E1K_RX_WATCH_NS);
		set_alarm(this_tchain(), a);
	}
	spin_unlock_irqrestore(&sc->irq_lock, irq);
}

static void e1k_irq_live(struct e1k *sc, bool live)
{
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);

	sc->irq_live = live;
	spin_unlock_irqrestore(&sc->irq_lock, irq);
}

uint32_t e1k_irq_mask(struct e1k *sc)
{
	uint32_t m = E1K_INT_TXDW | E1K_INT_LSC | E1K_INT_RXSEQ | E1K_INT_RXDMT0 |
	             E1K_INT_RXO | E1K_INT_RXT0;

	if (sc->model->is_82574)
		m |= E1K_82574_INT_RXQ0 | E1K_82574_INT_TXQ0 | E1K_82574_INT_OTHER;
	return m;
}

static int e1k_irq_setup(struct e1k *sc)
{
	int n = pci_irq_alloc(sc->pci, 1, sc->model->irq_kinds, e1k_irq, sc, 0);

	if (n < 0)
		return n;
	if (sc->model->is_82574 && sc->pci->irq.kind == PCI_IRQ_MSIX)
		e1k_wr(sc, E1K_82574_IVAR, E1K_IVAR_RXQ0(0) | E1K_IVAR_TXQ0(0) |
		       E1K_IVAR_OTHER(0) | E1K_IVAR_TX_EVERY_WB);
	e1k_wr(sc, E1K_ITR, E1K_ITR_INTERVAL);
	e1k_wr(sc, E1K_RDTR, 0);
	e1k_wr(sc, E1K_RADV, 0);
	e1k_wr(sc, E1K_TIDV, 0);
	e1k_wr(sc, E1K_TADV, 0);
	return 0;
}

/* ------------------------------------------------------------ filters */

/* The multicast table (8254x ch. 13, figure 13-2; RCTL.MO = 00): bits
 * 47:36 of the address pick one of 4096 bits (row 11:5, bit 4:0). */
static void __e1k_mta_write(struct e1k *sc)
{
	uint32_t mta[128] = { 0 };

	for (unsigned int i = 0; i < sc->nmc; i++) {
		const uint8_t *a = sc->mc[i];
		unsigned int h = ((a[4] >> 4) | (unsigned int)a[5] << 4) & 0xfff;

		mta[h >> 5] |= 1u << (h & 31);
	}
	for (unsigned int i = 0; i < 128; i++)
		e1k_wr(sc, E1K_MTA + 4 * i, mta[i]);
}

static int e1k_set_multicast(struct ether *e, const uint8_t *addr, bool add)
{
	struct e1k *sc = e->drv;
	unsigned int i;

	for (i = 0; i < sc->nmc && memcmp(sc->mc[i], addr, ETHER_ADDR_LEN); i++)
		;
	if (add && i == sc->nmc) {
		if (sc->nmc == ETHER_MAX_MULTI)
			return -ENOSPC;
		memcpy(sc->mc[sc->nmc++], addr, ETHER_ADDR_LEN);
	} else if (!add && i < sc->nmc) {
		memcpy(sc->mc[i], sc->mc[--sc->nmc], ETHER_ADDR_LEN);
	}
	__e1k_mta_write(sc);
	return 0;
}

static int e1k_set_promisc(struct ether *e, bool on)
{
	struct e1k *sc = e->drv;
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);      /* the receive watch */

	if (on)
		sc->rctl |= E1K_RCTL_UPE | E1K_RCTL_MPE;
	else
		sc->rctl &= ~(E1K_RCTL_UPE | E1K_RCTL_MPE);
	e1k_wr(sc, E1K_RCTL, sc->rctl);
	spin_unlock_irqrestore(&sc->irq_lock, irq);
	return 0;
}

/* ------------------------------------------------------------ open/close */

static int e1k_open(struct ether *e)
{
	struct e1k *sc = e->drv;
	uint64_t irq;
	int err = e1k_rings_alloc(sc);

	if (err)
		return err;
	e1k_rings_program(sc);
	e1k_irq_live(sc, true);
	err = e1k_irq_setup(sc);
	if (err) {
		e1k_reset(sc);
		e1k_irq_live(sc, false);
		e1k_rings_free(sc);
		return err;
	}
	irq = spin_lock_irqsave(&sc->tx_lock);
	sc->up = true;
	spin_unlock_irqrestore(&sc->tx_lock, irq);
	e1k_wr(sc, E1K_TIPG, E1K_TIPG_DEFAULT);
	e1k_wr(sc, E1K_TCTL, E1K_TCTL_EN | E1K_TCTL_PSP | E1K_TCTL_CT(0x0f) |
	       E1K_TCTL_COLD(0x40) | E1K_TCTL_RTLC);
	e1k_wr(sc, E1K_RXCSUM, E1K_RXCSUM_IPOFL | E1K_RXCSUM_TUOFL);
	__e1k_mta_write(sc);
	irq = spin_lock_irqsave(&sc->irq_lock);
	/* QEMU's model wedges, not the chip: bare metal never toggles RCTL.EN. */
	sc->rx_watching = sc->model->is_82574 && cpu_under_hypervisor();
	sc->rx_watch_seen = sc->rx_taken;
	sc->rctl |= E1K_RCTL_EN | E1K_RCTL_BAM | E1K_RCTL_BSIZE_2048 | E1K_RCTL_SECRC;
	e1k_wr(sc, E1K_RCTL, sc->rctl);
	spin_unlock_irqrestore(&sc->irq_lock, irq);
	e1k_wr(sc, E1K_IMS, e1k_irq_mask(sc));
	e1k_link(sc);
	if (sc->model->is_82574) {
		init_alarm(&sc->rx_watch, e1k_rx_watch, sc, ALARM_IRQ);
		set_awaiter_rel(&sc->rx_watch, E1K_RX_WATCH_NS);
		set_alarm(this_tchain(), &sc->rx_watch);
	}
	return 0;
}

static void e1k_close(struct ether *e)
{
	struct e1k *sc = e->drv;
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);
	bool watching = sc->rx_watching;

	sc->rx_watching = false;        /* the watch no longer kicks or re-arms */
	spin_unlock_irqrestore(&sc->irq_lock, irq);
	if (watching)
		unset_alarm(sc->rx_watch.tchain, &sc->rx_watch);
	e1k_stats_fold(sc);
	e1k_reset(sc);                  /* no more DMA or interrupts */
	e1k_irq_live(sc, false);        /* a handler running elsewhere is done */
	pci_irq_free(sc->pci);
	e1k_rings_free(sc);
	sc->rctl = 0;
	ether_link_changed(e, false, 0);
}

static const struct ether_ops e1k_ops = {
	.open = e1k_open,
	.transmit = e1k_transmit,
	.set_promisc = e1k_set_promisc,
	.set_multicast = e1k_set_multicast,
	.dump_stats = e1k_dump_stats,
	.close = e1k_close,
};

/* ------------------------------------------------------------ PCI */

static const struct e1k_model *e1k_model_of(uint16_t device)
{
	for (size_t i = 0; i < ARRAY_SIZE(e1k_models); i++)
		if (e1k_models[i].device == device)
			return &e1k_models[i];
	return NULL;
}

static int e1k_probe(struct pci_dev *d, const struct pci_id *id)
{
	struct e1k *sc;
	int err;

	sc = kzmalloc(sizeof(*sc), MEM_WAIT);
	if (!sc)
		return -ENOMEM;
	sc->pci = d;
	sc->model = e1k_model_of(d->device);
	sc->regs = (volatile uint8_t *)pci_bar_map(d, 0);
	spinlock_init(&sc->tx_lock, "e1000 tx");
	spinlock_init(&sc->irq_lock, "e1000 irq");
	err = !sc->model || !sc->regs ? -ENODEV : 0;
	if (!err) {
		pci_enable_master(d);
		if (!e1k_reset(sc) || !e1k_read_mac(sc, sc->ether.addr))
			err = -EIO;
	}
	if (!err) {
		sc->ether.ops = &e1k_ops;
		sc->ether.drv = sc;
		sc->ether.model = sc->model->name;
		sc->ether.mtu = 1500;
		sc->ether.features = ETHER_F_RX_CSUM;
		sc->ether.rx_burst = E1K_NRX;
		err = ether_register(&sc->ether);
	}
	if (err) {
		printk("e1000: %s: not attached (%d)\n", d->name, err);
		kfree(sc);
		return err;
	}
	d->drvdata = sc;
	return 0;
}

static void e1k_remove(struct pci_dev *d)
{
	struct e1k *sc = d->drvdata;

	ether_unregister(&sc->ether);
	e1k_reset(sc);
	kfree(sc);
}

static const struct pci_id e1k_ids[] = {
	{ .vendor = 0x8086, .device = 0x100e, .class = PCI_ANY },
	{ .vendor = 0x8086, .device = 0x10d3, .class = PCI_ANY },
	{ 0 },
};

static struct pci_driver e1k_driver = {
	.name = "e1000", .ids = e1k_ids, .probe = e1k_probe, .remove = e1k_remove,
};

void e1000_init(void)
{
	pci_register_driver(&e1k_driver);
}
