/* SPDX-License-Identifier: MIT */
/*
 * virtio_net_ctrl.c - virtio-net's control queue (virtio 1.2 section
 * 5.1.6.5): promiscuous mode and the multicast table, the #ether ops
 * set_promisc and set_multicast.
 *
 * The qlock "virtio-net ctrl" serialises commands; #ether calls the ops
 * under its "ether" qlock and they may sleep.  The queue has no interrupt
 * vector: a command is polled for up to a second.  Before open (or
 * without CTRL_RX) the wanted state is only recorded; open applies it.
 */
#include <arch/mmu.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <time.h>

#include "virtio_net.h"

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

int vnet_set_promisc(struct ether *e, bool on)
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

int vnet_set_multicast(struct ether *e, const uint8_t *addr, bool add)
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

/* At open: the filters #ether wants (QEMU's device starts promiscuous). */
void vnet_filters_apply(struct vnet *vn)
{
	sem_down(&vn->ctrl_qlock);
	vn->ctrl_dead = false;
	if (vn->has_ctrl && (__vnet_push_promisc(vn) || __vnet_push_mc(vn)))
		printk("%s: receive filter not set\n", vn->name);
	sem_up(&vn->ctrl_qlock);
}
