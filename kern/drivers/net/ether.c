/* SPDX-License-Identifier: MIT */
/*
 * ether.c - the driver side of #ether: the table of interfaces, the
 * receive demultiplexer and the transmit queue (the API is
 * kern/include/ether.h; connections are ether_conn.c, the files
 * devether.c).
 *
 * Interfaces: ether_register() gives the driver's struct ether a
 * struct ether_ifc of #ether's own (ether_internal.h), counted: the table
 * holds one reference, each connection one.  ether_unregister() takes it
 * out of the table, hangs up the transmit queue and every connection,
 * closes the device, then cuts ifc->e under the locks its readers hold
 * (qlock, kick_lock), so nothing calls the driver or reads its struct
 * afterwards (ether_rx and ether_tx_next come from the driver itself, which
 * stopped at close); the connections' chans close in their own
 * time and the last reference frees the interface.
 *
 * Receive: ether_rx() hands the frame to every connection that wants it
 * (ether_conn_wants: its type or all types; unicast to another station
 * only to promiscuous ones), with qpass() into the connection's read
 * queue: the last taker gets the block itself, the others a copy
 * (MEM_ATOMIC; a failed copy is a drop).  A full queue drops and counts;
 * a queue holds a whole receive ring of full frames (the driver's
 * rx_burst), so a burst that one interrupt hands over fits before the
 * reader (#ip's medium kthread) has run.  A small frame in a big receive
 * buffer is first copied into a block of its size (ether_rx_compact), so
 * that limit, counted in bytes of data, also bounds the memory held.
 * It holds ifc->conn_lock (irqsave) over the walk, so a connection cannot
 * be freed under it.
 *
 * Transmit: one Qmsg queue per interface (ifc->txq).  Writers queue with
 * qbwrite (blocking, or EAGAIN when non-blocking); the queue's kick calls
 * ops->transmit under kick_lock, and the driver drains with
 * ether_tx_next() (qget: never blocks).  When the queue goes from full to
 * not full, the writable taps of every connection fire.
 */
#include <block.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>
#include <qio.h>

#include "ether_internal.h"

struct sem ether_ifc_lock = QLOCK_INITIALIZER(ether_ifc_lock, "ether ifcs");
static struct ether_ifc *ether_ifcs[ETHER_MAX_IFC];    /* [ether_ifc_lock] */

void ether_drivers_init(void)
{
	if (e1000_init)
		e1000_init();
	if (virtio_net_init)
		virtio_net_init();
}

/* ------------------------------------------------------------ the table */

struct ether_ifc *__ether_ifc_lookup(unsigned int idx)
{
	return idx < ETHER_MAX_IFC ? READ_ONCE(ether_ifcs[idx]) : NULL;
}

struct ether *ether_lookup(unsigned int idx)
{
	struct ether_ifc *ifc = __ether_ifc_lookup(idx);

	return ifc ? READ_ONCE(ifc->e) : NULL;
}

static void ether_ifc_release(struct kref *r)
{
	struct ether_ifc *ifc = container_of(r, struct ether_ifc, ref);
	struct block *b;

	while ((b = qget(ifc->txq)))    /* queued after the driver went */
		freeb(b);
	qfree(ifc->txq);
	kfree(ifc);
}

void ether_ifc_put(struct ether_ifc *ifc)
{
	kref_put(&ifc->ref, ether_ifc_release);
}

/* Any context: the transmit queue has frames for the driver. */
static void ether_tx_kick(void *arg)
{
	struct ether_ifc *ifc = arg;
	uint64_t irq = spin_lock_irqsave(&ifc->kick_lock);
	struct ether *e = ifc->e;

	if (e && READ_ONCE(ifc->opened))
		e->ops->transmit(e);
	spin_unlock_irqrestore(&ifc->kick_lock, irq);
}

/* The transmit queue has room again: every data file is writable. */
static void ether_txq_wake(struct queue *q, void *data, int filter)
{
	struct ether_ifc *ifc = data;
	uint64_t irq;

	if (filter != QIO_WAKE_WRITABLE)
		return;
	irq = spin_lock_irqsave(&ifc->conn_lock);
	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++)
		if (ifc->conns[i])
			fdtap_list_fire(&ifc->conns[i]->taps, FDTAP_FILT_WRITABLE);
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
}

static int ether_check_driver(const struct ether *e)
{
	if (!e->ops || !e->ops->open || !e->ops->transmit) {
		printk("ether: a driver registered without open/transmit ops\n");
		return -EINVAL;
	}
	if (e->mtu < 68 || e->mtu > 9000) {
		printk("ether: %s: mtu %u is not in 68..9000\n", e->model, e->mtu);
		return -EINVAL;
	}
	return 0;
}

static struct ether_ifc *ether_ifc_alloc(struct ether *e)
{
	struct ether_ifc *ifc = kzmalloc(sizeof(*ifc), MEM_WAIT);

	if (!ifc)
		return NULL;
	kref_init(&ifc->ref);
	ifc->e = e;
	ifc->mtu = e->mtu;
	ifc->features = e->features;
	ifc->conn_qlimit = ether_conn_qlimit(e->rx_burst, e->mtu);
	memcpy(ifc->addr, e->addr, ETHER_ADDR_LEN);
	qlock_init(&ifc->qlock, "ether");
	spinlock_init(&ifc->conn_lock, "ether conns");
	spinlock_init(&ifc->kick_lock, "ether kick");
	ifc->txq = qopen(ETHER_TXQ_LIMIT, Qmsg, ether_tx_kick, ifc);
	/* TCP writes here from its write queue's kick, under that wlock */
	qset_wlock_class(ifc->txq, "ether txq wlock");
	qio_set_wake_cb(ifc->txq, ether_txq_wake, ifc);
	return ifc;
}

int ether_register(struct ether *e)
{
	int err = ether_check_driver(e);
	struct ether_ifc *ifc;
	unsigned int i;

	if (err)
		return err;
	ifc = ether_ifc_alloc(e);
	if (!ifc)
		return -ENOMEM;
	sem_down(&ether_ifc_lock);
	for (i = 0; i < ETHER_MAX_IFC && ether_ifcs[i]; i++)
		;
	if (i == ETHER_MAX_IFC) {
		sem_up(&ether_ifc_lock);
		printk("ether: no room for a %s (%d interfaces)\n", e->model, ETHER_MAX_IFC);
		ether_ifc_put(ifc);
		return -ENOSPC;
	}
	e->idx = ifc->idx = i;
	snprintf(e->name, sizeof(e->name), "ether%u", i);
	memcpy(ifc->name, e->name, sizeof(ifc->name));
	e->ifc = ifc;
	WRITE_ONCE(ether_ifcs[i], ifc);
	sem_up(&ether_ifc_lock);
	printk("%s: %s %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", e->name, e->model,
	       e->addr[0], e->addr[1], e->addr[2], e->addr[3], e->addr[4], e->addr[5],
	       e->mtu);
	return 0;
}

/* Hangs up every connection: readers drain then see EOF. */
static void __ether_hangup_all(struct ether_ifc *ifc)
{
	uint64_t irq = spin_lock_irqsave(&ifc->conn_lock);

	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++)
		if (ifc->conns[i])
			qhangup(ifc->conns[i]->rq, "ether: the interface is gone");
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
}

/* qlock held.  Cuts the interface from the driver: a kick in progress
 * finishes first, later ones find nothing to call. */
static void __ether_ifc_cut(struct ether_ifc *ifc)
{
	uint64_t irq = spin_lock_irqsave(&ifc->kick_lock);

	ifc->e = NULL;
	spin_unlock_irqrestore(&ifc->kick_lock, irq);
}

void ether_unregister(struct ether *e)
{
	struct ether_ifc *ifc = e->ifc;
	struct block *b;

	sem_down(&ether_ifc_lock);
	if (ether_ifcs[ifc->idx] == ifc)
		WRITE_ONCE(ether_ifcs[ifc->idx], NULL);
	sem_up(&ether_ifc_lock);
	sem_down(&ifc->qlock);
	ifc->gone = true;
	qhangup(ifc->txq, "ether: the interface is gone");
	__ether_hangup_all(ifc);
	if (ifc->opened && e->ops->close)
		e->ops->close(e);       /* the device is quiet from here on */
	__ether_ifc_cut(ifc);
	WRITE_ONCE(ifc->opened, false);
	sem_up(&ifc->qlock);
	while ((b = qget(ifc->txq))) {
		ether_stat_add(&e->stats.tx_dropped, 1);
		freeb(b);
	}
	e->ifc = NULL;
	printk("%s: %s removed\n", e->name, e->model);
	ether_ifc_put(ifc);
}

/* ------------------------------------------------------------ receive */

struct block *ether_rx_compact(struct block *b)
{
	size_t n = BLEN(b);
	struct block *nb;

	if (n > ETHER_RX_COPYBREAK || b->extra_len || BALLOC(b) < n + ETHER_RX_SPARE)
		return b;
	nb = block_alloc(n, MEM_ATOMIC);
	if (!nb)
		return b;
	memcpy(nb->wp, b->rp, n);
	nb->wp += n;
	nb->flag = b->flag;
	freeb(b);
	return nb;
}

/* Gives cv its copy of a frame (b itself when 'own'; else b is kept). */
static void ether_deliver(struct ether *e, struct ether_conn *cv, struct block *b,
                          bool own)
{
	struct block *nb = b;

	if (cv->headersonly) {
		size_t n = MIN(BLEN(b), (size_t)ETHER_HEADERSONLY);

		nb = block_alloc(n, MEM_ATOMIC);
		if (nb) {
			nb->wp += block_copy_out(b, 0, nb->wp, n);
			nb->flag = b->flag;
		}
		if (own)
			freeb(b);
	} else if (!own) {
		nb = copyblock(b, MEM_ATOMIC);
	}
	if (!nb || qpass(cv->rq, nb) == 0) {
		ether_stat_add(&e->stats.rx_dropped, 1);
		ether_stat_add(&e->conn_overflows, 1);
		return;
	}
	ether_stat_add(&cv->rx_frames, 1);
}

void ether_rx(struct ether *e, struct block *b)
{
	struct ether_ifc *ifc = e->ifc;
	struct ether_conn *prev = NULL;
	uint64_t irq;

	if (BHLEN(b) < ETHER_HDR_LEN) {
		ether_stat_add(&e->stats.rx_dropped, 1);
		freeb(b);
		return;
	}
	ether_stat_add(&e->stats.rx_packets, 1);
	ether_stat_add(&e->stats.rx_bytes, BLEN(b));
	b = ether_rx_compact(b);
	irq = spin_lock_irqsave(&ifc->conn_lock);
	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++) {
		struct ether_conn *cv = ifc->conns[i];

		if (!cv || !ether_conn_wants(cv->type, cv->prom, b->rp, e->addr))
			continue;
		if (prev)
			ether_deliver(e, prev, b, false);
		prev = cv;
	}
	if (prev)
		ether_deliver(e, prev, b, true);
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
	if (!prev) {
		ether_stat_add(&e->rx_unwanted, 1);
		freeb(b);
	}
}

/* ------------------------------------------------------------ transmit */

struct block *ether_tx_next(struct ether *e)
{
	struct block *b = qget(e->ifc->txq);

	if (!b)
		return NULL;
	ether_stat_add(&e->stats.tx_packets, 1);
	ether_stat_add(&e->stats.tx_bytes, BLEN(b));
	return b;
}

/* Checks and completes a frame from a writer: its length, its source
 * address, one linear block unless the driver takes extra data.  Returns
 * the frame or error()s (b freed). */
static struct block *ether_frame_prepare(struct ether_ifc *ifc, struct block *b)
{
	size_t n = blocklen(b);

	if (n < ETHER_HDR_LEN || n > ifc->mtu + ETHER_HDR_LEN) {
		freeblist(b);
		error(EINVAL, "%s: a frame of %zu bytes (want %d..%u with the header)",
		      ifc->name, n, ETHER_HDR_LEN, ifc->mtu + ETHER_HDR_LEN);
	}
	if (b->next || (b->extra_len && !(ifc->features & ETHER_F_SG)))
		b = concatblock(b);
	else if (BHLEN(b) < ETHER_HDR_LEN)
		b = pullupblock(b, ETHER_HDR_LEN);
	if (!b)
		error(ENOMEM, "%s: no memory to linearise a frame", ifc->name);
	memcpy(b->rp + ETHER_ADDR_LEN, ifc->addr, ETHER_ADDR_LEN);
	return b;
}

void ether_send(struct ether_conn *cv, struct block *b, bool nonblock)
{
	b = ether_frame_prepare(cv->ifc, b);
	if (nonblock)
		qbwrite_nonblock(cv->ifc->txq, b);
	else
		qbwrite(cv->ifc->txq, b);
	ether_stat_add(&cv->tx_frames, 1);
}

/* ------------------------------------------------------------ link */

void ether_link_changed(struct ether *e, bool up, unsigned int mbps)
{
	bool was = READ_ONCE(e->link_up);

	WRITE_ONCE(e->link_mbps, up ? mbps : 0);
	WRITE_ONCE(e->link_up, up);
	if (was != up)
		ether_stat_add(&e->stats.link_changes, 1);
}
