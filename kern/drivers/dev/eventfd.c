/* SPDX-License-Identifier: MIT */
/*
 * eventfd.c - #eventfd: Linux eventfd counters as files.
 *
 *	#eventfd[.sem]/          each attach makes a new counter (spec "sem":
 *	    efd   rw             semaphore mode), shared by every chan walked
 *	    ctl   rw             from that attach
 *
 * efd speaks binary, as Linux's eventfd does: a read takes 8 bytes (a u64
 * in the machine's byte order, little-endian) and a write gives 8; shorter
 * buffers are EINVAL, longer ones use only their first 8 bytes.
 *  - read: blocks while the counter is 0; then returns the counter and
 *    zeroes it, or in semaphore mode returns 1 and decrements it.
 *  - write of v: v == 2^64-1 is EINVAL; blocks while counter + v would pass
 *    EFD_MAX (2^64-2), then adds v (v == 0 succeeds without a change).
 *  - non-blocking chans (O_NONBLOCK at open, or set later with
 *    setfl) get EAGAIN instead of blocking.  A sleep aborted through
 *    rendez_abort_kthread() fails with EINTR.
 * ctl: read gives "counter N\nsemaphore 0|1\n"; messages "semaphore on" /
 * "semaphore off" switch the mode.  Anything else is EINVAL, named.
 *
 * Taps (fdtap.h) on efd: READABLE after every write that adds (the
 * counter is then non-zero), WRITABLE after every read that takes (room
 * for at least 1); ERROR, HANGUP and PRIORITY are accepted and never fire.
 * An ADD fires at once for what is already true.
 *
 * Lifetime: the counter (struct efd, in c->aux of every chan from its
 * attach) holds one reference per chan: attach makes it, walk adds one per
 * clone, close (every chan reaches it) drops one.  Locking: efd->lock, an
 * irqsave spinlock, guards the counter and mode; sleepers wait on
 * efd->rv with a condition that reads the counter without the lock.
 */
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kref.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <rendez.h>
#include <spinlock.h>

#define EFD_MAX 0xfffffffffffffffeULL

enum { Qtop, Qefd, Qctl };

static const struct dirtab efd_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "efd", { Qefd, 0, QTFILE }, 8, 0666 },
	{ "ctl", { Qctl, 0, QTFILE }, 0, 0666 },
};

struct efd {
	struct kref ref;        /* [a] one per chan */
	spinlock_t lock;
	uint64_t counter;       /* [lock], read racily by sleep conditions */
	bool semaphore;         /* [lock] */
	struct rendez rv;       /* readers and writers wait here */
	struct fdtap_list taps; /* of efd */
};

static void efd_release(struct kref *r)
{
	kfree(container_of(r, struct efd, ref));
}

static void efd_put(struct efd *e)
{
	kref_put(&e->ref, efd_release);
}

static struct chan *efd_attach(const char *spec)
{
	struct efd *e;
	struct chan *c;
	bool sem = false;

	if (spec && !strcmp(spec, "sem"))
		sem = true;
	else if (spec && spec[0])
		error(EINVAL, "#eventfd: unknown attach spec '%s' (want \"\" or \"sem\")", spec);
	e = kzmalloc(sizeof(*e), MEM_WAIT);
	if (!e)
		error(ENOMEM, "#eventfd: no memory for a counter");
	kref_init(&e->ref);
	spinlock_init(&e->lock, "eventfd");
	rendez_init(&e->rv);
	fdtap_list_init(&e->taps, "eventfd taps");
	e->semaphore = sem;
	c = devattach("eventfd", spec);
	c->aux = e;
	return c;
}

static struct walkqid *efd_walk(struct chan *c, struct chan *nc, const char **names,
                                unsigned int nname)
{
	struct efd *e = c->aux;
	struct walkqid *wq;

	if (nc)                 /* the caller closes nc whatever happens */
		kref_get(&e->ref);
	wq = devwalk(c, nc, names, nname, efd_tab, ARRAY_SIZE(efd_tab), devgen);
	if (!nc && wq->clone)
		kref_get(&e->ref);
	return wq;
}

static size_t efd_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, efd_tab, ARRAY_SIZE(efd_tab), devgen);
}

static struct chan *efd_open(struct chan *c, int omode)
{
	c = devopen(c, omode, efd_tab, ARRAY_SIZE(efd_tab), devgen);
	return c;
}

static void efd_close(struct chan *c)
{
	if (c->aux)
		efd_put(c->aux);
	c->aux = NULL;
}


/* ---------------------------------------------------------- the counter */

static bool efd_readable(void *arg)
{
	return READ_ONCE(((struct efd *)arg)->counter) != 0;
}

/* Takes the counter (or 1 of it), or returns false if it is 0. */
static bool efd_try_take(struct efd *e, uint64_t *v)
{
	uint64_t flags = spin_lock_irqsave(&e->lock);
	bool ok = e->counter != 0;

	if (ok) {
		*v = e->semaphore ? 1 : e->counter;
		e->counter -= *v;
	}
	spin_unlock_irqrestore(&e->lock, flags);
	return ok;
}

static void efd_wait(struct chan *c, struct efd *e, bool (*cond)(void *), const char *op)
{
	if (c->flag & CNONBLOCK)
		error(EAGAIN, "#eventfd: %s would block", op);
	if (rendez_sleep(&e->rv, cond, e) == -ECANCELED)
		error(EINTR, "#eventfd: %s interrupted", op);
}

static size_t efd_read_counter(struct chan *c, void *buf, size_t n)
{
	struct efd *e = c->aux;
	uint64_t v;

	if (n < sizeof(v))
		error(EINVAL, "#eventfd: read of %zu bytes; the counter is 8", n);
	while (!efd_try_take(e, &v))
		efd_wait(c, e, efd_readable, "read");
	rendez_wakeup(&e->rv);          /* room for blocked writers */
	fdtap_list_fire(&e->taps, FDTAP_FILT_WRITABLE);
	fdtap_flush();
	memcpy(buf, &v, sizeof(v));
	return sizeof(v);
}

struct efd_add {
	struct efd *e;
	uint64_t v;
};

static bool efd_writable(void *arg)
{
	struct efd_add *a = arg;

	return READ_ONCE(a->e->counter) <= EFD_MAX - a->v;
}

static bool efd_try_add(struct efd *e, uint64_t v)
{
	uint64_t flags = spin_lock_irqsave(&e->lock);
	bool ok = e->counter <= EFD_MAX - v;

	if (ok)
		e->counter += v;
	spin_unlock_irqrestore(&e->lock, flags);
	return ok;
}

static size_t efd_write_counter(struct chan *c, const void *buf, size_t n)
{
	struct efd_add a = { .e = c->aux };

	if (n < sizeof(a.v))
		error(EINVAL, "#eventfd: write of %zu bytes; the counter is 8", n);
	memcpy(&a.v, buf, sizeof(a.v));
	if (a.v > EFD_MAX)
		error(EINVAL, "#eventfd: cannot add 0x%llx (the largest is 0x%llx)",
		      (unsigned long long)a.v, EFD_MAX);
	while (!efd_try_add(a.e, a.v)) {
		if (c->flag & CNONBLOCK)
			error(EAGAIN, "#eventfd: write would block (counter full)");
		if (rendez_sleep(&a.e->rv, efd_writable, &a) == -ECANCELED)
			error(EINTR, "#eventfd: write interrupted");
	}
	if (a.v) {
		rendez_wakeup(&a.e->rv);
		fdtap_list_fire(&a.e->taps, FDTAP_FILT_READABLE);
		fdtap_flush();
	}
	return sizeof(a.v);
}

/* ---------------------------------------------------------------- ctl */

static size_t efd_ctl_read(struct efd *e, void *buf, size_t n, int64_t off)
{
	char text[64];

	snprintf(text, sizeof(text), "counter %llu\nsemaphore %d\n",
	         (unsigned long long)READ_ONCE(e->counter), READ_ONCE(e->semaphore) ? 1 : 0);
	return readstr(off, buf, n, text);
}

static size_t efd_ctl_write(struct efd *e, const void *buf, size_t n)
{
	char msg[32];
	bool on;

	if (n >= sizeof(msg))
		error(EINVAL, "#eventfd/ctl: message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	if (!strcmp(msg, "semaphore on"))
		on = true;
	else if (!strcmp(msg, "semaphore off"))
		on = false;
	else
		error(EINVAL, "#eventfd/ctl: unknown message '%s' "
		      "(want 'semaphore on' or 'semaphore off')", msg);
	WRITE_ONCE(e->semaphore, on);
	return n;
}

static size_t efd_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qtop:
		return devdirread(c, buf, n, efd_tab, ARRAY_SIZE(efd_tab), devgen);
	case Qefd:
		return efd_read_counter(c, buf, n);
	case Qctl:
		return efd_ctl_read(c->aux, buf, n, off);
	}
	error(EINVAL, "#eventfd: read of unknown file %llu", (unsigned long long)c->qid.path);
}

static size_t efd_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	switch (c->qid.path) {
	case Qefd:
		return efd_write_counter(c, buf, n);
	case Qctl:
		return efd_ctl_write(c->aux, buf, n);
	}
	error(EPERM, "#eventfd: '%s' is not writable", c->name ? c->name->s : "?");
}

static void efd_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct efd *e = c->aux;
	uint64_t v;
	uint32_t ready = 0;

	if (!fdtap_dev_tapfd(c->qid.path == Qefd ? &e->taps : NULL, tap, cmd, "#eventfd", "efd"))
		return;
	v = READ_ONCE(e->counter);
	if (v)
		ready |= FDTAP_FILT_READABLE;
	if (v < EFD_MAX)
		ready |= FDTAP_FILT_WRITABLE;
	if (ready & tap->filter)
		fdtap_fire(tap, ready & tap->filter);
}

static char *efd_chaninfo(struct chan *c, char *buf, size_t len)
{
	struct efd *e = c->aux;

	snprintf(buf, len, "eventfd counter %llu%s",
	         (unsigned long long)(e ? READ_ONCE(e->counter) : 0),
	         e && READ_ONCE(e->semaphore) ? " semaphore" : "");
	return buf;
}

struct dev eventfd_devtab __devtab = {
	.name = "eventfd",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = efd_attach,
	.walk = efd_walk,
	.stat = efd_stat,
	.open = efd_open,
	.create = devcreate,
	.close = efd_close,
	.read = efd_read,
	.bread = devbread,
	.write = efd_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.chaninfo = efd_chaninfo,
	.tapfd = efd_tapfd,
};
