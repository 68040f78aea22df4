/* SPDX-License-Identifier: MIT */
/*
 * 9p.c - the virtio-9p transport (virtio 1.2 section 5.3 for the device;
 * the 9P messages themselves are #mnt's): interface in virtio9p.h, design
 * in Documentation/drivers/virtio-9p.md.
 *
 * One request queue (queue 0).  A write is one request: a chain of the
 * T-message (device-readable) and a reply buffer of V9P_MSG_MAX bytes
 * (device-writable).  Completions are collected by whoever calls in
 * (v9p_reap, under d->lock) onto d->done in completion order, and a read
 * copies from the first of them; the interrupt only wakes sleepers, and
 * sleepers also poll every V9P_POLL_US in case an interrupt is lost.
 *
 * Sessions: one open at a time per device (#mnt holds it for a mount);
 * each request carries the session number it was sent in, and replies of
 * an older session are freed unread, so a mount never sees another's
 * replies.  The device itself is set up once, at probe, and never reset.
 *
 * Locks: d->lock (spinlock "virtio-9p", irqsave) guards the queue, the
 * done list and the session state; nothing sleeps or allocates under it.
 * v9p_devs is written only by probe (boot, one core) before any open.
 */
#include <arch/mmu.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <list.h>
#include <pci.h>
#include <printk.h>
#include <rendez.h>
#include <spinlock.h>
#include <virtio.h>
#include <virtio9p.h>

#define VIRTIO_ID_9P        9
#define V9P_F_MOUNT_TAG     0           /* the config holds the tag */
#define V9P_QSIZE           128         /* descriptors: 64 requests */
#define V9P_MAX_DEVS        8
#define V9P_POLL_US         10000

struct v9p_req {
	struct list_head link;  /* on d->done, or a list to free */
	uint64_t session;       /* [I] the session that sent it */
	uint8_t *out;           /* [I] the T-message */
	uint8_t *in;            /* [I] the reply buffer */
	uint32_t in_len;        /* [d->lock] bytes the device wrote */
	uint32_t rd;            /* [d->lock] bytes of it already read */
};

struct v9p {
	struct virtio_dev vd;
	struct virtqueue vq;            /* [d->lock] */
	char name[32];                  /* [I] "virtio-9p 00.04.0" */
	char tag[V9P_TAG_MAX + 1];      /* [I] */
	spinlock_t lock;
	struct rendez rv;               /* readers and writers */
	struct list_head done;          /* [d->lock] replies not yet read */
	uint64_t session;               /* [d->lock] bumped at open and close */
	bool open;                      /* [d->lock] */
	bool broken;                    /* [d->lock] the queue failed: EIO */
};

static struct v9p *v9p_devs[V9P_MAX_DEVS];
static int v9p_ndevs;

struct v9p *v9p_get(int i)
{
	return i >= 0 && i < READ_ONCE(v9p_ndevs) ? v9p_devs[i] : NULL;
}

const char *v9p_tag(const struct v9p *d)
{
	return d->tag;
}

static void v9p_req_free(struct v9p_req *r)
{
	kfree(r->out);
	kfree(r->in);
	kfree(r);
}

static void v9p_free_list(struct list_head *l)
{
	struct v9p_req *r, *tmp;

	list_for_each_entry_safe(r, tmp, l, link) {
		list_del(&r->link);
		v9p_req_free(r);
	}
}

static void v9p_move_all(struct list_head *from, struct list_head *to)
{
	while (!list_empty(from)) {
		struct list_head *n = from->next;

		list_del(n);
		list_add_tail(n, to);
	}
}

/* Moves completed requests to d->done (this session's) or to gone (older
 * sessions', and what the device got wrong); d->lock held. */
static void __v9p_reap(struct v9p *d, struct list_head *gone)
{
	void *cookie;
	uint32_t len;
	int r;

	while (!d->broken && (r = vq_get_used(&d->vq, &cookie, &len)) != 0) {
		struct v9p_req *q = cookie;

		if (r == -EOVERFLOW) {
			d->broken = true;
			printk("%s: the device broke its used ring\n", d->name);
		} else if (r == -EBADMSG) {
			continue;
		} else if (r < 0 || q->session != d->session || len < 7) {
			list_add_tail(&q->link, gone);
		} else {
			q->in_len = len;
			list_add_tail(&q->link, &d->done);
		}
	}
}

static bool v9p_ready(void *arg)
{
	struct v9p *d = arg;

	return READ_ONCE(d->broken) || !list_empty(&d->done) || vq_has_used(&d->vq) ||
	       READ_ONCE(d->vq.nr_free) >= 2;
}

/* Sleeps until the device may have made progress (or V9P_POLL_US). */
static void v9p_sleep(struct v9p *d)
{
	if (rendez_sleep_timeout(&d->rv, v9p_ready, d, V9P_POLL_US) == -ECANCELED)
		error(EINTR, "%s: interrupted", d->name);
}

void v9p_open(struct v9p *d)
{
	struct list_head gone = LIST_HEAD_INIT(gone);
	uint64_t irq = spin_lock_irqsave(&d->lock);
	bool busy = d->open, broken = d->broken;

	if (!busy && !broken) {
		d->open = true;
		d->session++;
		__v9p_reap(d, &gone);
		v9p_move_all(&d->done, &gone);
	}
	spin_unlock_irqrestore(&d->lock, irq);
	v9p_free_list(&gone);
	if (busy)
		error(EBUSY, "%s (tag '%s'): already mounted", d->name, d->tag);
	if (broken)
		error(EIO, "%s: the device is broken", d->name);
}

void v9p_close(struct v9p *d)
{
	struct list_head gone = LIST_HEAD_INIT(gone);
	uint64_t irq = spin_lock_irqsave(&d->lock);

	d->open = false;
	d->session++;
	v9p_move_all(&d->done, &gone);
	spin_unlock_irqrestore(&d->lock, irq);
	v9p_free_list(&gone);
}

static struct v9p_req *v9p_req_new(struct v9p *d, const void *buf, size_t n)
{
	struct v9p_req *r = kzmalloc(sizeof(*r), MEM_WAIT);

	if (r) {
		r->out = kmalloc(n, MEM_WAIT);
		r->in = kmalloc(V9P_MSG_MAX, MEM_WAIT);
	}
	if (!r || !r->out || !r->in) {
		if (r)
			v9p_req_free(r);
		error(ENOMEM, "%s: no memory for a request", d->name);
	}
	memcpy(r->out, buf, n);
	return r;
}

/* Adds r to the queue; false if it is full (d->lock held). */
static bool __v9p_add(struct v9p *d, struct v9p_req *r, size_t n)
{
	struct vq_buf out = { .addr = PADDR(r->out), .len = (uint32_t)n };
	struct vq_buf in = { .addr = PADDR(r->in), .len = V9P_MSG_MAX };

	r->session = d->session;
	return vq_add(&d->vq, &out, 1, &in, 1, r) == 0;
}

size_t v9p_write(struct v9p *d, const void *buf, size_t n)
{
	ERRSTACK(1);
	struct list_head gone = LIST_HEAD_INIT(gone);
	struct v9p_req *volatile r;
	const uint8_t *p = buf;
	volatile bool sent = false, notify = false;
	bool broken;
	uint64_t irq;

	if (n < 7 || n > V9P_MSG_MAX || (p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24) != n)
		error(EINVAL, "%s: a write must be one whole 9P message", d->name);
	r = v9p_req_new(d, buf, n);
	if (waserror()) {
		v9p_req_free(r);
		nexterror();
	}
	while (!sent) {
		irq = spin_lock_irqsave(&d->lock);
		__v9p_reap(d, &gone);
		broken = d->broken;
		if (!broken && (sent = __v9p_add(d, r, n)))
			notify = vq_notify_needed(&d->vq);
		spin_unlock_irqrestore(&d->lock, irq);
		v9p_free_list(&gone);
		if (broken)
			error(EIO, "%s: the device is broken", d->name);
		if (!sent)
			v9p_sleep(d);
	}
	poperror();
	if (notify)
		virtio_notify(&d->vd, &d->vq);
	return n;
}

size_t v9p_read(struct v9p *d, void *buf, size_t n)
{
	struct list_head gone = LIST_HEAD_INIT(gone);
	struct v9p_req *r;
	size_t k = 0;
	bool broken;
	uint64_t irq;

	for (;;) {
		irq = spin_lock_irqsave(&d->lock);
		__v9p_reap(d, &gone);
		broken = d->broken;
		if (!list_empty(&d->done)) {
			r = list_first_entry(&d->done, struct v9p_req, link);
			k = MIN(n, (size_t)(r->in_len - r->rd));
			memcpy(buf, r->in + r->rd, k);
			r->rd += (uint32_t)k;
			if (r->rd == r->in_len) {
				list_del(&r->link);
				list_add_tail(&r->link, &gone);
			}
		}
		spin_unlock_irqrestore(&d->lock, irq);
		v9p_free_list(&gone);
		if (k || !n)
			return k;
		if (broken)
			error(EIO, "%s: the device is broken", d->name);
		v9p_sleep(d);
	}
}

/* ---------------------------------------------------------------- probe */

static void v9p_irq(struct virtio_dev *vd, int what, void *arg)
{
	struct v9p *d = arg;

	(void)vd;
	(void)what;
	rendez_wakeup(&d->rv);
}

/* The mount tag: tag_len[2] then the bytes (5.3.4), at most V9P_TAG_MAX,
 * printable and without '/'. */
static int v9p_read_tag(struct v9p *d)
{
	uint16_t len;

	if (!virtio_has(&d->vd, V9P_F_MOUNT_TAG) || virtio_cfg_read(&d->vd, 0, &len, 2))
		return -EINVAL;
	if (len == 0 || len > V9P_TAG_MAX || virtio_cfg_read(&d->vd, 2, d->tag, len))
		return -EINVAL;
	d->tag[len] = '\0';
	for (int i = 0; i < len; i++)
		if (d->tag[i] <= ' ' || d->tag[i] > '~' || d->tag[i] == '/')
			return -EINVAL;
	return 0;
}

static int v9p_setup(struct v9p *d, struct pci_dev *pci)
{
	int r = virtio_pci_attach(&d->vd, pci, d->name);

	if (!r)
		r = virtio_negotiate(&d->vd, VIRTIO_FEATURE(V9P_F_MOUNT_TAG));
	if (!r && v9p_read_tag(d)) {
		printk("%s: no usable mount tag\n", d->name);
		r = -ENODEV;
	}
	if (!r)
		r = virtio_irq_alloc(&d->vd, 1, v9p_irq, d);
	if (!r)
		r = virtio_queue_setup(&d->vd, &d->vq, 0, V9P_QSIZE);
	return r;
}

static int v9p_probe(struct pci_dev *pci, const struct pci_id *id)
{
	struct v9p *d;
	int r;

	(void)id;
	if (v9p_ndevs == V9P_MAX_DEVS)
		return -ENOSPC;
	d = kzmalloc(sizeof(*d), MEM_WAIT);
	if (!d)
		return -ENOMEM;
	snprintf(d->name, sizeof(d->name), "virtio-9p %s", pci->name);
	spinlock_init(&d->lock, "virtio-9p");
	rendez_init(&d->rv);
	list_init(&d->done);
	r = v9p_setup(d, pci);
	if (r) {
		if (d->vd.common) {
			virtio_reset(&d->vd);
			virtio_fail(&d->vd);
		}
		kfree(d);
		return r;
	}
	virtio_driver_ok(&d->vd);
	pci->drvdata = d;
	v9p_devs[v9p_ndevs] = d;
	WRITE_ONCE(v9p_ndevs, v9p_ndevs + 1);
	printk("%s: mount tag '%s', %u-entry queue\n", d->name, d->tag, d->vq.size);
	return 0;
}

static const struct pci_id v9p_ids[] = {
	{ .vendor = VIRTIO_PCI_VENDOR, .device = VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_9P,
	  .class = PCI_ANY },
	{ 0 },
};

static struct pci_driver v9p_driver = {
	.name = "virtio-9p",
	.ids = v9p_ids,
	.probe = v9p_probe,
};

void virtio_9p_init(void)
{
	pci_register_driver(&v9p_driver);
}
