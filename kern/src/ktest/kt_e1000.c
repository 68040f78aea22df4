/* SPDX-License-Identifier: MIT */
/*
 * kt_e1000.c - ktests of the e1000 driver's receive path without the
 * device, suite e1000: a softc whose "registers" are plain memory and
 * whose receive ring is filled by the test the way a broken device might
 * (a length past the buffer, a frame without EOP and its tail, a CRC
 * error, a length of 0) between good frames.  Bad descriptors must be
 * dropped and counted with their block reused in place, good ones
 * delivered with a fresh block in the ring, RDT handed back, and the
 * checksum bits turned into block flags only when the device vouches.
 *
 * On the live devices of the PCI configurations (an 82540EM and an 82574
 * on QEMU user networking: scripts/run-ktests.sh PCI_DEVS) the test plays
 * a device that reports a malformed descriptor: with the device's
 * interrupts masked (IMC) an ARP request goes to the gateway, and once the
 * device has written the reply's descriptor its length is made larger
 * than the buffer before the driver sees it; unmasking delivers the held
 * interrupt.  The driver must drop and count it and go on answering.
 */
#include <block.h>
#include <ktest.h>
#include <qio.h>

#include "../../drivers/net/e1000.h"
#include "kt_dev.h"
#include "kt_nic.h"

static int kt_e1k_open(struct ether *e)
{
	return 0;
}

static void kt_e1k_transmit(struct ether *e)
{
	struct block *b;

	while ((b = ether_tx_next(e)))
		freeb(b);
}

static const struct ether_ops kt_e1k_ops = { .open = kt_e1k_open,
                                             .transmit = kt_e1k_transmit };

/* Descriptor i as the device would leave it; the frame's header goes to
 * our own address so every connection takes it. */
static void kt_e1k_desc(struct e1k *sc, unsigned int i, uint8_t status, uint8_t errors,
                        uint16_t len)
{
	struct e1k_rx_desc *d = &sc->rx_ring[i];
	uint8_t *p = sc->rx_blk[i]->rp;

	memcpy(p, sc->ether.addr, ETHER_ADDR_LEN);
	memset(p + 6, 0x22, ETHER_ADDR_LEN);
	p[12] = 0x88;
	p[13] = 0xb5;
	d->length = len;
	d->errors = errors;
	d->status = status | E1K_RXS_DD;
}

static struct e1k *kt_e1k_make(void)
{
	struct e1k *sc = kzmalloc(sizeof(*sc), MEM_WAIT);

	sc->regs = kzmalloc(0x4000, MEM_WAIT);  /* RDT at 0x2818 lands here */
	spinlock_init(&sc->tx_lock, "e1000 tx");
	sc->ether.ops = &kt_e1k_ops;
	sc->ether.drv = sc;
	sc->ether.model = "kt-e1000";
	sc->ether.mtu = 1500;
	memcpy(sc->ether.addr, (uint8_t[]){ 0x02, 0, 0, 0xe1, 0, 0 }, ETHER_ADDR_LEN);
	if (ether_register(&sc->ether)) {
		kfree((void *)sc->regs);
		kfree(sc);
		return NULL;
	}
	if (e1k_rings_alloc(sc)) {
		ether_unregister(&sc->ether);
		kfree((void *)sc->regs);
		kfree(sc);
		return NULL;
	}
	return sc;
}

static void kt_e1k_free(struct e1k *sc)
{
	ether_unregister(&sc->ether);
	e1k_rings_free(sc);
	kfree((void *)sc->regs);
	kfree(sc);
}

static int kt_e1k_conn(struct e1k *sc, int *ctl)
{
	char path[64], m[8];
	ssize_t n;

	snprintf(path, sizeof(path), "#ether/%s/clone", sc->ether.name);
	*ctl = sysopen(path, O_RDWR, 0);
	if (*ctl < 0 || syswrite(*ctl, "connect -1", 10) != 10)
		return -1;
	n = syspread(*ctl, m, sizeof(m) - 1, 0);
	m[n > 0 ? n : 0] = '\0';
	snprintf(path, sizeof(path), "#ether/%s/%s/data", sc->ether.name, m);
	return sysopen(path, O_RDWR | O_NONBLOCK, 0);
}

KTEST(e1000, malformed_descriptors_dropped)
{
	struct e1k *sc = kt_e1k_make();
	uint64_t addr[8];
	uint8_t buf[2100];
	int ctl, data;

	KT_ASSERT(sc);
	data = kt_e1k_conn(sc, &ctl);
	KT_ASSERT(data >= 0);
	for (int i = 0; i < 8; i++)
		addr[i] = sc->rx_ring[i].addr;
	kt_e1k_desc(sc, 0, E1K_RXS_EOP, 0, 60);                 /* good */
	kt_e1k_desc(sc, 1, E1K_RXS_EOP, 0, 5000);               /* past the buffer */
	kt_e1k_desc(sc, 2, 0, 0, 100);                          /* no EOP ... */
	kt_e1k_desc(sc, 3, E1K_RXS_EOP, 0, 60);                 /* ... and its tail */
	kt_e1k_desc(sc, 4, E1K_RXS_EOP, E1K_RXE_CE, 60);        /* CRC error */
	kt_e1k_desc(sc, 5, E1K_RXS_EOP, 0, 0);                  /* empty */
	kt_e1k_desc(sc, 6, E1K_RXS_EOP, 0, E1K_RXBUF);          /* good, full buffer */
	e1k_rx(sc);
	KT_ASSERT_EQ(sc->rx_next, 7);
	KT_ASSERT_EQ(*(volatile uint32_t *)(sc->regs + E1K_RDT), 6);
	KT_ASSERT_EQ(sc->rx_bad_desc, 4);
	KT_ASSERT_EQ(sc->ether.stats.rx_crc_errors, 1);
	KT_ASSERT_EQ(sc->ether.stats.rx_packets, 2);
	for (int i = 0; i < 7; i++) {
		KT_ASSERT_EQ(sc->rx_ring[i].status, 0);         /* handed back */
		KT_ASSERT_MSG((sc->rx_ring[i].addr != addr[i]) == (i == 0 || i == 6),
		              "descriptor %d: block %s", i,
		              sc->rx_ring[i].addr != addr[i] ? "replaced" : "kept");
	}
	KT_ASSERT_EQ(sysread(data, buf, sizeof(buf)), 60);
	KT_ASSERT_EQ(sysread(data, buf, sizeof(buf)), E1K_RXBUF);
	KT_ASSERT_EQ(sysread(data, buf, sizeof(buf)), -1);
	/* The ring goes on from there, wrapping past the end. */
	for (int round = 0; round < 3 * E1K_NRX; round++) {
		kt_e1k_desc(sc, sc->rx_next, E1K_RXS_EOP, 0, 64);
		e1k_rx(sc);
		KT_ASSERT_EQ(sysread(data, buf, sizeof(buf)), 64);
	}
	sysclose(data);
	sysclose(ctl);
	kt_e1k_free(sc);
}

KTEST(e1000, checksum_flags_only_when_vouched)
{
	KT_ASSERT_EQ(e1k_rx_csum_flags(E1K_RXS_IPCS | E1K_RXS_TCPCS, 0),
	             BLOCK_F_RX_IPCK_OK | BLOCK_F_RX_L4CK_OK);
	KT_ASSERT_EQ(e1k_rx_csum_flags(E1K_RXS_IPCS | E1K_RXS_TCPCS, E1K_RXE_TCPE),
	             BLOCK_F_RX_IPCK_OK);
	KT_ASSERT_EQ(e1k_rx_csum_flags(E1K_RXS_IPCS, E1K_RXE_IPE), 0);
	KT_ASSERT_EQ(e1k_rx_csum_flags(E1K_RXS_IXSM | E1K_RXS_IPCS | E1K_RXS_TCPCS, 0), 0);
	KT_ASSERT_EQ(e1k_rx_csum_flags(0, 0), 0);
}

/* Whether the driver's interrupt handler and receive watch act: off, an
 * interrupt of another device on a shared INTx line cannot make the
 * driver read the ring under the test. */
static void kt_e1k_handler_live(struct e1k *sc, bool live)
{
	uint64_t irq = spin_lock_irqsave(&sc->irq_lock);

	sc->irq_live = live;
	spin_unlock_irqrestore(&sc->irq_lock, irq);
}

/* The device writes the next receive descriptor with a length past the
 * buffer (see the top); false if it never wrote one. */
static bool kt_e1k_corrupt_next_rx(struct e1k *sc, int fd)
{
	struct e1k_rx_desc *d;
	uint8_t f[60];
	bool came = false;

	e1k_wr(sc, E1K_IMC, 0xffffffffu);
	kt_e1k_handler_live(sc, false);
	d = &sc->rx_ring[READ_ONCE(sc->rx_next)];
	kt_arp_request(&sc->ether, f);
	if (syswrite(fd, f, sizeof(f)) == (ssize_t)sizeof(f)) {
		for (unsigned int ms = 0; ms < KT_ARP_WAIT_MS && !came; ms++) {
			came = READ_ONCE(d->status) & E1K_RXS_DD;
			if (!came)
				kthread_usleep(1000);
		}
	}
	if (came)
		WRITE_ONCE(d->length, (uint16_t)(E1K_RXBUF + 100));
	kt_e1k_handler_live(sc, true);
	e1k_wr(sc, E1K_IMS, e1k_irq_mask(sc));
	return came;
}

/* One live device (vendor Intel, device id) if present: a corrupted
 * descriptor dropped and counted, traffic going on after it. */
static void kt_e1k_live_malformed(uint16_t device, const char *what)
{
	struct pci_dev *d = pci_find(0x8086, device, 0);
	struct e1k *sc = d ? d->drvdata : NULL;
	uint64_t bad0;
	int fds[2];

	if (!sc) {
		printk("kt_e1000: no %s driven here: nothing to check\n", what);
		return;
	}
	KT_ASSERT(kt_arp_conn(&sc->ether, fds));
	KT_ASSERT_EQ(kt_arp_burst(&sc->ether, fds[1], 2, 1), 2);       /* open, ARP warm */
	bad0 = ether_stat_read(&sc->rx_bad_desc);
	KT_ASSERT_MSG(kt_e1k_corrupt_next_rx(sc, fds[1]), "%s: no reply came", what);
	KT_ASSERT_EQ(kt_read_replies(&sc->ether, fds[1], 1, 300), 0);
	KT_ASSERT_EQ(ether_stat_read(&sc->rx_bad_desc), bad0 + 1);
	KT_ASSERT_EQ(kt_arp_burst(&sc->ether, fds[1], 200, 20), 200);
	kt_conn_close(fds);
}

KTEST_FLAGS(e1000, live_malformed_descriptor_dropped, KTEST_NO_LEAK_CHECK)
{
	kt_e1k_live_malformed(0x100e, "82540EM (e1000)");
	kt_e1k_live_malformed(0x10d3, "82574 (e1000e)");
}
