/* SPDX-License-Identifier: MIT */
/*
 * ether_conn.c - #ether's connections: made by opening clone, changed by
 * ctl messages, freed by the last close (ether_internal.h has the model).
 *
 * Everything here runs holding ifc->qlock (the "__" prefix): the driver's
 * open, set_promisc and set_multicast ops are called under it, and only
 * while ifc->e is set (not unregistered).  The array ifc->conns and the
 * fields ether_rx reads (type, prom, headersonly) change under
 * ifc->conn_lock too.  A connection holds a reference on its interface;
 * __ether_conn_put says when the caller must drop it (after the qlock).
 * Promiscuous mode and multicast addresses are counted across
 * connections: the device hears of the first and the last.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <qio.h>

#include "ether_internal.h"

int __ether_open_dev(struct ether_ifc *ifc)
{
	int err;

	if (ifc->gone)
		return -ENODEV;
	if (ifc->opened)
		return 0;
	err = ifc->e->ops->open(ifc->e);
	if (err)
		return err;
	WRITE_ONCE(ifc->opened, true);
	if (qlen(ifc->txq))
		ifc->e->ops->transmit(ifc->e);
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
	if (qcanwrite(cv->ifc->txq))
		r |= FDTAP_FILT_WRITABLE;
	if (qisclosed(cv->rq))
		r |= FDTAP_FILT_HANGUP;
	return r;
}

static int __ether_conn_publish(struct ether_ifc *ifc, struct ether_conn *cv)
{
	uint64_t irq = spin_lock_irqsave(&ifc->conn_lock);
	int slot = -1;

	for (unsigned int i = 0; i < ETHER_MAX_CONNS && slot < 0; i++)
		if (!ifc->conns[i])
			slot = (int)i;
	if (slot >= 0) {
		cv->idx = (unsigned int)slot;
		ifc->conns[slot] = cv;
	}
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
	return slot;
}

struct ether_conn *__ether_conn_alloc(struct ether_ifc *ifc, int *err)
{
	struct ether_conn *cv;

	if (ifc->gone) {
		*err = -ENODEV;
		return NULL;
	}
	cv = kzmalloc(sizeof(*cv), MEM_WAIT);
	if (!cv) {
		*err = -ENOMEM;
		return NULL;
	}
	cv->ifc = ifc;
	cv->type = ETHER_TYPE_NONE;
	cv->inuse = 1;
	cv->rq = qopen((int)ifc->conn_qlimit, Qmsg, NULL, NULL);
	fdtap_list_init(&cv->taps, "ether taps");
	qio_set_wake_cb(cv->rq, ether_conn_wake, cv);
	if (__ether_conn_publish(ifc, cv) < 0) {
		qfree(cv->rq);
		kfree(cv);
		*err = -ENOSPC;
		return NULL;
	}
	kref_get(&ifc->ref);
	return cv;
}

struct ether_conn *__ether_conn_get(struct ether_ifc *ifc, unsigned int m)
{
	struct ether_conn *cv = m < ETHER_MAX_CONNS ? ifc->conns[m] : NULL;

	if (cv)
		cv->inuse++;
	return cv;
}

/* Undoes what the connection asked of the device. */
static void __ether_conn_undo(struct ether_conn *cv)
{
	struct ether_ifc *ifc = cv->ifc;

	while (cv->nmulti)
		__ether_conn_multi(cv, cv->multi[cv->nmulti - 1], false);
	if (cv->prom && --ifc->nprom == 0 && !ifc->gone && ifc->e->ops->set_promisc)
		ifc->e->ops->set_promisc(ifc->e, false);
}

bool __ether_conn_put(struct ether_conn *cv)
{
	struct ether_ifc *ifc = cv->ifc;
	uint64_t irq;

	if (--cv->inuse)
		return false;
	irq = spin_lock_irqsave(&ifc->conn_lock);
	ifc->conns[cv->idx] = NULL;
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
	__ether_conn_undo(cv);
	qfree(cv->rq);          /* frees what was still queued */
	kfree(cv);
	return true;
}

int __ether_conn_set_type(struct ether_conn *cv, int type)
{
	uint64_t irq;

	if (type != ETHER_TYPE_ALL && (type <= 0 || type > 0xffff))
		return -EINVAL;
	irq = spin_lock_irqsave(&cv->ifc->conn_lock);
	cv->type = type;
	spin_unlock_irqrestore(&cv->ifc->conn_lock, irq);
	return 0;
}

int __ether_conn_set_prom(struct ether_conn *cv)
{
	struct ether_ifc *ifc = cv->ifc;
	uint64_t irq;

	if (cv->prom)
		return 0;
	if (!ifc->nprom) {
		int err = ifc->e->ops->set_promisc ? ifc->e->ops->set_promisc(ifc->e, true) :
		          -EOPNOTSUPP;

		if (err)
			return err;
	}
	ifc->nprom++;
	irq = spin_lock_irqsave(&ifc->conn_lock);
	cv->prom = true;
	spin_unlock_irqrestore(&ifc->conn_lock, irq);
	return 0;
}

void __ether_conn_set_headersonly(struct ether_conn *cv)
{
	uint64_t irq = spin_lock_irqsave(&cv->ifc->conn_lock);

	cv->headersonly = true;
	spin_unlock_irqrestore(&cv->ifc->conn_lock, irq);
}

/* The interface's slot for addr, or (add) a free one; NULL if none. */
static struct ether_multi *__ether_multi_slot(struct ether_ifc *ifc, const uint8_t *addr,
                                              bool add)
{
	struct ether_multi *free_slot = NULL;

	for (unsigned int i = 0; i < ETHER_MAX_MULTI; i++) {
		struct ether_multi *m = &ifc->multi[i];

		if (m->refs && !memcmp(m->addr, addr, ETHER_ADDR_LEN))
			return m;
		if (!m->refs && !free_slot)
			free_slot = m;
	}
	return add ? free_slot : NULL;
}

/* Adds or removes addr on the interface (counted per address). */
static int __ether_multi_change(struct ether_ifc *ifc, const uint8_t *addr, bool add)
{
	struct ether_multi *m = __ether_multi_slot(ifc, addr, add);
	int err = 0;

	if (!m)
		return add ? -ENOSPC : -ENOENT;
	if (add && m->refs++)
		return 0;
	if (!add && --m->refs)
		return 0;
	if (!ifc->gone)
		err = ifc->e->ops->set_multicast(ifc->e, addr, add);
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
	if (add && (cv->ifc->gone || !cv->ifc->e->ops->set_multicast))
		return cv->ifc->gone ? -ENODEV : -EOPNOTSUPP;
	if (add && i >= 0)
		return 0;
	if (!add && i < 0)
		return -ENOENT;
	if (add && cv->nmulti == ETHER_CONN_MULTI)
		return -ENOSPC;
	err = __ether_multi_change(cv->ifc, addr, add);
	if (err)
		return err;
	if (add)
		memcpy(cv->multi[cv->nmulti++], addr, ETHER_ADDR_LEN);
	else
		memcpy(cv->multi[i], cv->multi[--cv->nmulti], ETHER_ADDR_LEN);
	return 0;
}
