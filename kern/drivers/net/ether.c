/* SPDX-License-Identifier: MIT */
/*
 * ether.c - the driver side of #ether: the table of interfaces, the
 * receive demultiplexer, the transmit queue and the connections' settings
 * (the API is kern/include/ether.h; the files are devether.c).
 *
 * Receive: ether_rx() looks at the destination and the ethertype and
 * hands the frame to every connection that wants it (its type or all
 * types; unicast to another station only to promiscuous ones), with
 * qpass() into the connection's read queue: the last taker gets the block
 * itself, the others a copy (MEM_ATOMIC; a failed copy is a drop).  A full
 * queue drops and counts.  It holds e->conn_lock (irqsave) over the walk,
 * so a connection cannot be freed under it.
 *
 * Transmit: one Qmsg queue per interface (e->txq).  Writers queue with
 * qbwrite (blocking, or EAGAIN when non-blocking); the queue's kick calls
 * ops->transmit, which drains with ether_tx_next() (qget: never blocks).
 * When the queue goes from full to not full, the writable taps of every
 * connection fire.
 *
 * Connections are made, changed and freed holding e->qlock (sleeping ops
 * of the driver are called under it); the array e->conns changes under
 * e->conn_lock too.  The interface table is guarded by ether_ifc_lock.
 */
#include <block.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <printk.h>
#include <qio.h>

#include "ether_internal.h"

struct sem ether_ifc_lock = QLOCK_INITIALIZER(ether_ifc_lock, "ether ifcs");
static struct ether *ether_ifcs[ETHER_MAX_IFC];        /* [ether_ifc_lock] */

/* ------------------------------------------------------------ the table */

struct ether *ether_lookup(unsigned int idx)
{
	return idx < ETHER_MAX_IFC ? READ_ONCE(ether_ifcs[idx]) : NULL;
}

void ether_drivers_init(void)
{
	if (e1000_init)
		e1000_init();
	if (virtio_net_init)
		virtio_net_init();
}

/* Any context: the transmit queue has frames for the driver. */
static void ether_tx_kick(void *arg)
{
	struct ether *e = arg;

	if (READ_ONCE(e->opened))
		e->ops->transmit(e);
}

/* The transmit queue has room again: every data file is writable. */
static void ether_txq_wake(struct queue *q, void *data, int filter)
{
	struct ether *e = data;
	uint64_t irq;

	if (filter != QIO_WAKE_WRITABLE)
		return;
	irq = spin_lock_irqsave(&e->conn_lock);
	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++)
		if (e->conns[i])
			fdtap_list_fire(&e->conns[i]->taps, FDTAP_FILT_WRITABLE);
	spin_unlock_irqrestore(&e->conn_lock, irq);
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

int ether_register(struct ether *e)
{
	int err = ether_check_driver(e);
	unsigned int i;

	if (err)
		return err;
	sem_down(&ether_ifc_lock);
	for (i = 0; i < ETHER_MAX_IFC && ether_ifcs[i]; i++)
		;
	if (i == ETHER_MAX_IFC) {
		sem_up(&ether_ifc_lock);
		printk("ether: no room for a %s (%d interfaces)\n", e->model, ETHER_MAX_IFC);
		return -ENOSPC;
	}
	qlock_init(&e->qlock, "ether");
	spinlock_init(&e->conn_lock, "ether conns");
	e->idx = i;
	snprintf(e->name, sizeof(e->name), "ether%u", i);
	e->opened = e->gone = false;
	e->nprom = 0;
	memset(e->multi, 0, sizeof(e->multi));
	memset(e->conns, 0, sizeof(e->conns));
	e->txq = qopen(ETHER_TXQ_LIMIT, Qmsg, ether_tx_kick, e);
	qio_set_wake_cb(e->txq, ether_txq_wake, e);
	WRITE_ONCE(ether_ifcs[i], e);
	sem_up(&ether_ifc_lock);
	printk("%s: %s %02x:%02x:%02x:%02x:%02x:%02x mtu %u\n", e->name, e->model,
	       e->addr[0], e->addr[1], e->addr[2], e->addr[3], e->addr[4], e->addr[5],
	       e->mtu);
	return 0;
}

static bool ether_has_conns(struct ether *e)
{
	bool any = false;
	uint64_t irq = spin_lock_irqsave(&e->conn_lock);

	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++)
		any |= e->conns[i] != NULL;
	spin_unlock_irqrestore(&e->conn_lock, irq);
	return any;
}

/* Hangs up every connection: readers drain then see EOF. */
static void __ether_hangup_all(struct ether *e)
{
	uint64_t irq = spin_lock_irqsave(&e->conn_lock);

	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++)
		if (e->conns[i])
			qhangup(e->conns[i]->rq, "ether: the interface is gone");
	spin_unlock_irqrestore(&e->conn_lock, irq);
}

void ether_unregister(struct ether *e)
{
	struct block *b;

	sem_down(&ether_ifc_lock);
	if (e->idx < ETHER_MAX_IFC && ether_ifcs[e->idx] == e)
		WRITE_ONCE(ether_ifcs[e->idx], NULL);
	sem_up(&ether_ifc_lock);
	sem_down(&e->qlock);
	e->gone = true;
	qhangup(e->txq, "ether: the interface is gone");
	__ether_hangup_all(e);
	sem_up(&e->qlock);
	while (ether_has_conns(e))      /* their chans close in their own time */
		kthread_usleep(10 * 1000);
	sem_down(&e->qlock);
	if (e->opened && e->ops->close)
		e->ops->close(e);
	WRITE_ONCE(e->opened, false);
	sem_up(&e->qlock);
	while ((b = qget(e->txq))) {
		ether_stat_add(&e->stats.tx_dropped, 1);
		freeb(b);
	}
	qfree(e->txq);
	e->txq = NULL;
	printk("%s: %s removed\n", e->name, e->model);
}

/* ------------------------------------------------------------ receive */

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
	struct ether_conn *prev = NULL;
	uint64_t irq;

	if (BHLEN(b) < ETHER_HDR_LEN) {
		ether_stat_add(&e->stats.rx_dropped, 1);
		freeb(b);
		return;
	}
	ether_stat_add(&e->stats.rx_packets, 1);
	ether_stat_add(&e->stats.rx_bytes, BLEN(b));
	irq = spin_lock_irqsave(&e->conn_lock);
	for (unsigned int i = 0; i < ETHER_MAX_CONNS; i++) {
		struct ether_conn *cv = e->conns[i];

		if (!cv || !ether_conn_wants(cv->type, cv->prom, b->rp, e->addr))
			continue;
		if (prev)
			ether_deliver(e, prev, b, false);
		prev = cv;
	}
	if (prev)
		ether_deliver(e, prev, b, true);
	spin_unlock_irqrestore(&e->conn_lock, irq);
	if (!prev) {
		ether_stat_add(&e->rx_unwanted, 1);
		freeb(b);
	}
}

/* ------------------------------------------------------------ transmit */

struct block *ether_tx_next(struct ether *e)
{
	struct block *b = qget(e->txq);

	if (!b)
		return NULL;
	ether_stat_add(&e->stats.tx_packets, 1);
	ether_stat_add(&e->stats.tx_bytes, BLEN(b));
	return b;
}

/* Checks and completes a frame from a writer: its length, its source
 * address, one linear block unless the driver takes extra data.  Returns
 * the frame or error()s (b freed). */
static struct block *ether_frame_prepare(struct ether *e, struct block *b)
{
	size_t n = blocklen(b);

	if (n < ETHER_HDR_LEN || n > e->mtu + ETHER_HDR_LEN) {
		freeblist(b);
		error(EINVAL, "%s: a frame of %zu bytes (want %d..%u with the header)",
		      e->name, n, ETHER_HDR_LEN, e->mtu + ETHER_HDR_LEN);
	}
	if (b->next || (b->extra_len && !(e->features & ETHER_F_SG)))
		b = concatblock(b);
	else if (BHLEN(b) < ETHER_HDR_LEN)
		b = pullupblock(b, ETHER_HDR_LEN);
	if (!b)
		error(ENOMEM, "%s: no memory to linearise a frame", e->name);
	memcpy(b->rp + ETHER_ADDR_LEN, e->addr, ETHER_ADDR_LEN);
	return b;
}

void ether_send(struct ether *e, struct ether_conn *cv, struct block *b, bool nonblock)
{
	b = ether_frame_prepare(e, b);
	if (nonblock)
		qbwrite_nonblock(e->txq, b);
	else
		qbwrite(e->txq, b);
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

/* ------------------------------------------------------------ connections */

int __ether_open_dev(struct ether *e)
{
	int err;

	if (e->gone)
		return -ENODEV;
	if (e->opened)
		return 0;
	err = e->ops->open(e);
	if (err)
		return err;
	WRITE_ONCE(e->opened, true);
	if (qlen(e->txq))
		e->ops->transmit(e);
	return 0;
}

/* The read queue's edges fire the data file's taps. */
static void ether_conn_wake(struct queue *q, void *data, int filter)
{
	struct ether_conn *cv = data;

	if (filter == QIO_WAKE_READABLE)
		fdtap_list_fire(&cv->taps, FDTAP_FILT_READABLE);
	else if (filter == QIO_WAKE_HANGUP)
		fdtap_list_fire(&cv->taps, FDTAP_FILT_HANGUP | FDTAP_FILT_READABLE);
}

uint32_t ether_conn_ready(struct ether_conn *cv)
{
	uint32_t r = 0;

	if (qcanread(cv->rq))
		r |= FDTAP_FILT_READABLE;
	if (qcanwrite(cv->e->txq))
		r |= FDTAP_FILT_WRITABLE;
	if (qisclosed(cv->rq))
		r |= FDTAP_FILT_HANGUP;
	return r;
}

static int __ether_conn_publish(struct ether *e, struct ether_conn *cv)
{
	uint64_t irq = spin_lock_irqsave(&e->conn_lock);
	int slot = -1;

	for (unsigned int i = 0; i < ETHER_MAX_CONNS && slot < 0; i++)
		if (!e->conns[i])
			slot = (int)i;
	if (slot >= 0) {
		cv->idx = (unsigned int)slot;
		e->conns[slot] = cv;
	}
	spin_unlock_irqrestore(&e->conn_lock, irq);
	return slot;
}

struct ether_conn *__ether_conn_alloc(struct ether *e, int *err)
{
	struct ether_conn *cv = kzmalloc(sizeof(*cv), MEM_WAIT);

	if (!cv) {
		*err = -ENOMEM;
		return NULL;
	}
	cv->e = e;
	cv->type = ETHER_TYPE_NONE;
	cv->inuse = 1;
	cv->rq = qopen(ETHER_CONN_QLIMIT, Qmsg, NULL, NULL);
	fdtap_list_init(&cv->taps, "ether taps");
	qio_set_wake_cb(cv->rq, ether_conn_wake, cv);
	if (__ether_conn_publish(e, cv) < 0) {
		qfree(cv->rq);
		kfree(cv);
		*err = -ENOSPC;
		return NULL;
	}
	return cv;
}

struct ether_conn *__ether_conn_get(struct ether *e, unsigned int m)
{
	struct ether_conn *cv = m < ETHER_MAX_CONNS ? e->conns[m] : NULL;

	if (cv) {
		cv->inuse++;
	}
	return cv;
}

/* Undoes what the connection asked of the device. */
static void __ether_conn_undo(struct ether_conn *cv)
{
	struct ether *e = cv->e;

	while (cv->nmulti)
		__ether_conn_multi(cv, cv->multi[cv->nmulti - 1], false);
	if (cv->prom && --e->nprom == 0 && e->ops->set_promisc && !e->gone)
		e->ops->set_promisc(e, false);
}

void __ether_conn_put(struct ether_conn *cv)
{
	struct ether *e = cv->e;
	uint64_t irq;

	if (--cv->inuse)
		return;
	irq = spin_lock_irqsave(&e->conn_lock);
	e->conns[cv->idx] = NULL;
	spin_unlock_irqrestore(&e->conn_lock, irq);
	__ether_conn_undo(cv);
	qfree(cv->rq);          /* frees what was still queued */
	kfree(cv);
}

int __ether_conn_set_type(struct ether_conn *cv, int type)
{
	uint64_t irq;

	if (type != ETHER_TYPE_ALL && (type <= 0 || type > 0xffff))
		return -EINVAL;
	irq = spin_lock_irqsave(&cv->e->conn_lock);
	cv->type = type;
	spin_unlock_irqrestore(&cv->e->conn_lock, irq);
	return 0;
}

int __ether_conn_set_prom(struct ether_conn *cv)
{
	struct ether *e = cv->e;
	uint64_t irq;

	if (cv->prom)
		return 0;
	if (!e->nprom) {
		int err = e->ops->set_promisc ? e->ops->set_promisc(e, true) : -EOPNOTSUPP;

		if (err)
			return err;
	}
	e->nprom++;
	irq = spin_lock_irqsave(&e->conn_lock);
	cv->prom = true;
	spin_unlock_irqrestore(&e->conn_lock, irq);
	return 0;
}

void __ether_conn_set_headersonly(struct ether_conn *cv)
{
	uint64_t irq = spin_lock_irqsave(&cv->e->conn_lock);

	cv->headersonly = true;
	spin_unlock_irqrestore(&cv->e->conn_lock, irq);
}

/* The interface's slot for addr, or (add) a free one; NULL if none. */
static struct ether_multi *__ether_multi_slot(struct ether *e, const uint8_t *addr,
                                              bool add)
{
	struct ether_multi *free_slot = NULL;

	for (unsigned int i = 0; i < ETHER_MAX_MULTI; i++) {
		struct ether_multi *m = &e->multi[i];

		if (m->refs && !memcmp(m->addr, addr, ETHER_ADDR_LEN))
			return m;
		if (!m->refs && !free_slot)
			free_slot = m;
	}
	return add ? free_slot : NULL;
}

/* Adds or removes addr on the interface (counted per address). */
static int __ether_multi_change(struct ether *e, const uint8_t *addr, bool add)
{
	struct ether_multi *m = __ether_multi_slot(e, addr, add);
	int err = 0;

	if (!m)
		return add ? -ENOSPC : -ENOENT;
	if (add && m->refs++)
		return 0;
	if (!add && --m->refs)
		return 0;
	if (!e->gone)
		err = e->ops->set_multicast(e, addr, add);
	if (err && add)
		m->refs = 0;
	memcpy(m->addr, addr, ETHER_ADDR_LEN);
	return add ? err : 0;
}

static int __ether_conn_multi_find(struct ether_conn *cv, const uint8_t *addr)
{
	for (unsigned int i = 0; i < cv->nmulti; i++)
		if (!memcmp(cv->multi[i], addr, ETHER_ADDR_LEN))
			return (int)i;
	return -1;
}

int __ether_conn_multi(struct ether_conn *cv, const uint8_t *addr, bool add)
{
	int i = __ether_conn_multi_find(cv, addr);
	int err;

	if (!(addr[0] & 1))
		return -EINVAL;         /* not a group address */
	if (!cv->e->ops->set_multicast)
		return -EOPNOTSUPP;
	if (add && i >= 0)
		return 0;
	if (!add && i < 0)
		return -ENOENT;
	if (add && cv->nmulti == ETHER_CONN_MULTI)
		return -ENOSPC;
	err = __ether_multi_change(cv->e, addr, add);
	if (err)
		return err;
	if (add)
		memcpy(cv->multi[cv->nmulti++], addr, ETHER_ADDR_LEN);
	else
		memcpy(cv->multi[i], cv->multi[--cv->nmulti], ETHER_ADDR_LEN);
	return 0;
}
