/* SPDX-License-Identifier: MIT */
/*
 * mqueue.c - #mqueue: POSIX message queues, one file per queue, in one
 * directory for the whole system (ns_init binds it on /dev/mqueue, where
 * Linux mounts its mqueue file system).  Documentation/dev/mqueue.md.
 *
 *	#mqueue/
 *	    NAME    one queue: message I/O, control at offset MQ_OFF_CTL
 *
 * The protocol (header, offsets as waits, control messages) is in
 * ros/mqueue.h.  A queue is created with O_CREAT through the name space
 * with Linux's default attributes (MQ_MAXMSG_DEFAULT messages of
 * MQ_MSGSIZE_MAX bytes); the creating chan alone may then set its own with
 * "attr MAXMSG MSGSIZE" once, before any message was sent (the C library
 * does so at once inside mq_open).  Messages leave highest priority first,
 * in arrival order within one priority.  A full queue blocks senders, an
 * empty one receivers, as long as the offset says (EAGAIN on an O_NONBLOCK
 * chan, ETIMEDOUT past a timed wait, EINTR when the sleep is aborted).
 *
 * "access r" or "access w" narrows one chan to receiving or sending (the C
 * library opens every queue read-write, so that control works on any mqd,
 * and narrows it to the mqd's O_RDONLY/O_WRONLY): the other direction is
 * then EBADF, as on Linux.
 *
 * Notification ("notify signal SIGNO VALUE", "notify none", "notify
 * eventfd FD", "notify off"): one registration per queue, EBUSY for a
 * second; it belongs to the chan (the mqd) that made it and ends with that
 * chan's close.  It fires once, and is then removed, when a message arrives
 * on an empty queue with no receiver waiting: a signal is an
 * EV_POSIX_SIGNAL message with SI_MESGQ and the value (ros/event_msg.h) to
 * the registering process; an eventfd (the C library's SIGEV_THREAD; it
 * must be non-blocking, so a full counter never stalls a sender) gets 1
 * added, or 2 when the registration ends without firing.
 *
 * Taps (fdtap.h) on a queue: READABLE after each send (a message is
 * there), WRITABLE after each receive (room for one); an ADD fires at once
 * for what is already true.
 *
 * Lifetime: a queue has a kref: one for the directory's list (dropped by
 * remove, mq_unlink) and one per open chan (c->aux), so an unlinked queue
 * lives until its last close.  Walked but unopened chans hold nothing and
 * find their queue by qid.path.  Locking: mq_list_lock (spinlock) over the
 * list and the count; q->lock (irqsave spinlock) over the messages,
 * attributes and notification; nothing that errors or sleeps runs under
 * either.  Sleepers wait on q->rv with conditions read without the lock.
 * Memory is bounded: MQ_QUEUES_MAX queues of at most MQ_BYTES_MAX bytes of
 * messages each (mq_attr_valid).  No permission checks (every process
 * is the one user, as root on Linux).
 */
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <event.h>
#include <fdtable.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kref.h>
#include <kstring.h>
#include <list.h>
#include <ns.h>
#include <printk.h>
#include <process.h>
#include <rendez.h>
#include <spinlock.h>
#include <sysfile.h>
#include <ros/event_msg.h>
#include <ros/mqueue.h>

/* c->devpriv bits, set on an open chan before it is shared */
#define MQ_CHAN_CREATOR  1ULL           /* this chan created the queue */
#define MQ_CHAN_NORECV   2ULL           /* "access w": receives are EBADF */
#define MQ_CHAN_NOSEND   4ULL           /* "access r": sends are EBADF */
#define MQ_WAIT_USEC_CAP 1000000000000000ULL    /* ~31 years: no overflow in ns */
#define MQ_SI_MESGQ      (-3)           /* Linux's si_code */

enum { MQ_NOTIFY_OFF, MQ_NOTIFY_NONE, MQ_NOTIFY_SIGNAL, MQ_NOTIFY_EVENTFD };

/* What an eventfd registration adds to its counter. */
#define MQ_EFD_FIRED    1ULL            /* a message arrived */
#define MQ_EFD_REMOVED  2ULL            /* the registration ended unfired */

struct mq_msg {
	struct list_head link;          /* [q->lock] in q->msgs */
	uint32_t prio;                  /* [I] */
	uint32_t len;                   /* [I] */
	uint8_t data[];
};

struct mqueue {
	struct kref ref;                /* [a] the list's + one per open chan */
	struct list_head link;          /* [mq_list_lock] */
	uint64_t path;                  /* [I] qid.path, unique, never 0 */
	uint32_t perm;                  /* [I] */
	char name[MQ_NAME_MAX + 1];     /* [I] */
	spinlock_t lock;
	uint32_t maxmsg, msgsize;       /* [l] set once by "attr" */
	bool attr_fixed;                /* [l] "attr" used, or a message sent */
	uint32_t curmsgs;               /* [l], read racily by sleep conditions */
	uint32_t receivers;             /* [l] receivers asleep */
	struct list_head msgs;          /* [l] priority order, FIFO within one */
	int notify;                     /* [l] MQ_NOTIFY_* */
	const struct chan *notify_chan; /* [l] the registering mqd (identity only) */
	int notify_pid, notify_signo;   /* [l] */
	uint64_t notify_value;          /* [l] */
	struct chan *notify_efd;        /* [l] MQ_NOTIFY_EVENTFD: a reference */
	struct rendez rv;               /* senders and receivers */
	struct fdtap_list taps;
};

static struct list_head mq_list = LIST_HEAD_INIT(mq_list);
static spinlock_t mq_list_lock = SPINLOCK_INITIALIZER("mqueue list");
static uint64_t mq_next_path = 1;       /* [mq_list_lock] 0 is the directory */
static unsigned int mq_count;           /* [mq_list_lock] */
static char mq_genbuf[MAX_CORES][MQ_NAME_MAX + 1];     /* as srv.c's srv_genbuf */

static const char *mq_cname(const struct chan *c)
{
	return c->name ? c->name->s : "?";
}

/* ---------------------------------------------------------- the queues */

static void mq_release(struct kref *r)
{
	struct mqueue *q = container_of(r, struct mqueue, ref);
	struct mq_msg *m, *t;

	list_for_each_entry_safe(m, t, &q->msgs, link)
		kfree(m);
	if (q->notify_efd)              /* every chan closed first: never, in fact */
		cclose(q->notify_efd);
	kfree(q);
}

static void mq_put(struct mqueue *q)
{
	kref_put(&q->ref, mq_release);
}

static struct mqueue *__mq_find_path(uint64_t path)
{
	struct mqueue *q;

	list_for_each_entry(q, &mq_list, link)
		if (q->path == path)
			return q;
	return NULL;
}

static struct mqueue *__mq_find_name(const char *name)
{
	struct mqueue *q;

	list_for_each_entry(q, &mq_list, link)
		if (!strcmp(q->name, name))
			return q;
	return NULL;
}

/* The listed queue 'path' with a new reference, or NULL. */
static struct mqueue *mq_get_path(uint64_t path)
{
	uint64_t flags = spin_lock_irqsave(&mq_list_lock);
	struct mqueue *q = __mq_find_path(path);

	if (q)
		kref_get(&q->ref);
	spin_unlock_irqrestore(&mq_list_lock, flags);
	return q;
}

static struct mqueue *mq_alloc(const char *name, uint32_t perm)
{
	struct mqueue *q = kzmalloc(sizeof(*q), MEM_WAIT);

	if (!q)
		error(ENOMEM, "#mqueue: no memory for '%s'", name);
	kref_init(&q->ref);
	strlcpy(q->name, name, sizeof(q->name));
	q->perm = perm & 0666;
	spinlock_init(&q->lock, "mqueue");
	q->maxmsg = MQ_MAXMSG_DEFAULT;
	q->msgsize = MQ_MSGSIZE_MAX;
	list_init(&q->msgs);
	rendez_init(&q->rv);
	fdtap_list_init(&q->taps, "mqueue taps");
	return q;
}

static int mq_gen(struct chan *c, const char *name, const struct dirtab *tab, int ntab,
                  int i, struct dir *dp)
{
	char *buf = mq_genbuf[core_id()];
	struct mqueue *q;
	uint64_t path = 0, len = 0;
	uint32_t perm = 0;
	uint64_t flags = spin_lock_irqsave(&mq_list_lock);

	list_for_each_entry(q, &mq_list, link) {
		if (i-- == 0) {
			path = q->path;
			perm = q->perm;
			len = READ_ONCE(q->curmsgs);
			strlcpy(buf, q->name, MQ_NAME_MAX + 1);
			break;
		}
	}
	spin_unlock_irqrestore(&mq_list_lock, flags);
	if (!path)
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(path, 0, QTFILE), buf, (int64_t)len, "eve", perm);
	return DEVGEN_ENTRY;
}

/* --------------------------------------------------- registrations */

/* Adds v to a registration's eventfd and drops the reference; no locks
 * held.  Failures (a full counter) are ignored: the waiter is a helper
 * thread, and a non-blocking write never stalls the sender. */
static void mq_efd_write(struct chan *efd, uint64_t v)
{
	ERRSTACK(1);

	if (!waserror())
		devtab_of(efd)->write(efd, &v, sizeof(v), 0);
	poperror();
}

static void mq_efd_post(struct chan *efd, uint64_t v)
{
	if (!efd)
		return;
	mq_efd_write(efd, v);
	cclose(efd);
}

/* __: q->lock held.  Ends the registration; its eventfd, if any, for the
 * caller to post to once the lock is dropped. */
static struct chan *__mq_notify_end(struct mqueue *q)
{
	struct chan *efd = q->notify_efd;

	q->notify = MQ_NOTIFY_OFF;
	q->notify_chan = NULL;
	q->notify_efd = NULL;
	return efd;
}

/* ------------------------------------------------------- name space ops */

static struct chan *mq_attach(const char *spec)
{
	return devattach("mqueue", spec);
}

static struct walkqid *mq_walk(struct chan *c, struct chan *nc, const char **names,
                               unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, mq_gen);
}

static size_t mq_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, mq_gen);
}

static struct chan *mq_open(struct chan *c, int omode)
{
	struct mqueue *q;

	if (c->qid.type & QTDIR)
		return devopen(c, omode, NULL, 0, mq_gen);
	if (omode & O_TRUNC)
		error(EINVAL, "#mqueue: '%s' cannot be truncated", mq_cname(c));
	q = mq_get_path(c->qid.path);
	if (!q)
		error(ENOENT, "#mqueue: '%s' was removed", mq_cname(c));
	c->aux = q;
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
	return c;
}

/* Linux's rules: 1..MQ_NAME_MAX bytes, no '/', not "." or "..". */
static void mq_check_name(const char *name)
{
	size_t len = strnlen(name, MQ_NAME_MAX + 1);

	if (len > MQ_NAME_MAX)
		error(ENAMETOOLONG, "#mqueue: name longer than %d bytes", MQ_NAME_MAX);
	if (len == 0 || !strcmp(name, ".") || !strcmp(name, "..") || strchr(name, '/'))
		error(EACCES, "#mqueue: bad queue name '%s'", name);
}

/* Lists q under its name; 0, -EEXIST or -ENOSPC. */
static int mq_list_add(struct mqueue *q)
{
	uint64_t flags = spin_lock_irqsave(&mq_list_lock);
	int r = 0;

	if (__mq_find_name(q->name))
		r = -EEXIST;
	else if (mq_count >= MQ_QUEUES_MAX)
		r = -ENOSPC;
	if (!r) {
		q->path = mq_next_path++;
		mq_count++;
		kref_get(&q->ref);      /* the list's */
		list_add_tail(&q->link, &mq_list);
	}
	spin_unlock_irqrestore(&mq_list_lock, flags);
	return r;
}

static void mq_create(struct chan *c, const char *name, int omode, uint32_t perm,
                      const char *ext)
{
	struct mqueue *q;
	int r;

	if (perm & (DMDIR | DMSYMLINK))
		error(EPERM, "#mqueue: '%s' can only be a queue", name);
	mq_check_name(name);
	q = mq_alloc(name, perm);
	r = mq_list_add(q);
	if (r) {
		mq_put(q);
		error(-r, r == -EEXIST ? "#mqueue: '%s' already exists" :
		      "#mqueue: no room for '%s': %d queues exist", name, MQ_QUEUES_MAX);
	}
	c->qid = mkqid(q->path, 0, QTFILE);
	c->aux = q;                     /* alloc's reference */
	c->devpriv = MQ_CHAN_CREATOR;
	c->mode = (uint32_t)(omode & O_ACCMODE);
	c->flag |= COPEN;
	c->offset = 0;
}

static void mq_remove(struct chan *c)
{
	struct mqueue *q;
	uint64_t flags = spin_lock_irqsave(&mq_list_lock);

	q = __mq_find_path(c->qid.path);
	if (q) {
		list_del(&q->link);
		mq_count--;
	}
	spin_unlock_irqrestore(&mq_list_lock, flags);
	if (!q)
		error(ENOENT, "#mqueue: '%s' was already removed", mq_cname(c));
	mq_put(q);                      /* the list's; open chans keep theirs */
}

static void mq_close(struct chan *c)
{
	struct mqueue *q = c->aux;
	struct chan *efd = NULL;
	uint64_t flags;

	if (!q)
		return;
	flags = spin_lock_irqsave(&q->lock);
	if (q->notify != MQ_NOTIFY_OFF && q->notify_chan == c)
		efd = __mq_notify_end(q);
	spin_unlock_irqrestore(&q->lock, flags);
	mq_efd_post(efd, MQ_EFD_REMOVED);
	c->aux = NULL;
	mq_put(q);
}

/* ------------------------------------------------------------- waiting */

struct mq_wait {
	struct mqueue *q;
	bool send;
};

static bool mq_can_go(void *arg)
{
	struct mq_wait *w = arg;
	uint32_t cur = READ_ONCE(w->q->curmsgs);

	return w->send ? cur < READ_ONCE(w->q->maxmsg) : cur != 0;
}

/* Sleeps until the queue may let the caller go, as the offset says. */
static void mq_wait(struct chan *c, struct mqueue *q, bool send, int64_t off)
{
	struct mq_wait w = { .q = q, .send = send };
	const char *op = send ? "send" : "receive";
	uint64_t usec;
	int r;

	if (c->flag & CNONBLOCK)
		error(EAGAIN, "#mqueue: %s on '%s' would block", op, mq_cname(c));
	if (off & MQ_OFF_TIMED) {
		usec = MIN((uint64_t)(off & MQ_OFF_USEC_MASK), MQ_WAIT_USEC_CAP);
		r = rendez_sleep_timeout(&q->rv, mq_can_go, &w, usec);
	} else {
		r = rendez_sleep(&q->rv, mq_can_go, &w);
	}
	if (r == -ETIMEDOUT)
		error(ETIMEDOUT, "#mqueue: %s on '%s' timed out", op, mq_cname(c));
	if (r == -ECANCELED)
		error(EINTR, "#mqueue: %s on '%s' interrupted", op, mq_cname(c));
}

/* ----------------------------------------------------------- receiving */

static struct mq_msg *mq_try_take(struct mqueue *q)
{
	uint64_t flags = spin_lock_irqsave(&q->lock);
	struct mq_msg *m = NULL;

	if (!list_empty(&q->msgs)) {
		m = list_first_entry(&q->msgs, struct mq_msg, link);
		list_del(&m->link);
		WRITE_ONCE(q->curmsgs, q->curmsgs - 1);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	return m;
}

static void mq_count_receiver(struct mqueue *q, int delta)
{
	uint64_t flags = spin_lock_irqsave(&q->lock);

	q->receivers += delta;
	spin_unlock_irqrestore(&q->lock, flags);
}

/* One receiver's sleep, counted in q->receivers while it lasts. */
static void mq_wait_receiver(struct chan *c, struct mqueue *q, int64_t off)
{
	ERRSTACK(1);

	mq_count_receiver(q, 1);
	if (waserror()) {
		mq_count_receiver(q, -1);
		nexterror();
	}
	mq_wait(c, q, false, off);
	poperror();
	mq_count_receiver(q, -1);
}

static size_t mq_receive(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct mqueue *q = c->aux;
	struct mq_hdr h = { 0 };
	struct mq_msg *m;

	if (c->devpriv & MQ_CHAN_NORECV)
		error(EBADF, "#mqueue: '%s' is open for sending only", mq_cname(c));
	if (n < MQ_HDR_LEN + READ_ONCE(q->msgsize))
		error(EMSGSIZE, "#mqueue: read of %zu bytes; '%s' needs %u + %u", n,
		      mq_cname(c), MQ_HDR_LEN, READ_ONCE(q->msgsize));
	while (!(m = mq_try_take(q)))
		mq_wait_receiver(c, q, off);
	rendez_wakeup(&q->rv);          /* room for blocked senders */
	fdtap_list_fire(&q->taps, FDTAP_FILT_WRITABLE);
	fdtap_flush();
	h.prio = m->prio;
	memcpy(buf, &h, MQ_HDR_LEN);
	memcpy((uint8_t *)buf + MQ_HDR_LEN, m->data, m->len);
	n = MQ_HDR_LEN + m->len;
	kfree(m);
	return n;
}

/* ------------------------------------------------------------- sending */

/* After the last message of a priority >= m's: highest first, and equal
 * priorities keep their arrival order. */
static void __mq_insert(struct mqueue *q, struct mq_msg *m)
{
	struct mq_msg *p;

	list_for_each_entry(p, &q->msgs, link) {
		if (p->prio < m->prio) {
			list_add_tail(&m->link, &p->link);
			return;
		}
	}
	list_add_tail(&m->link, &q->msgs);
}

/* The registration that this send fires (taken off the queue), if any:
 * true for a signal (ev filled), *efd for an eventfd. */
static bool __mq_take_notify(struct mqueue *q, struct event_msg *ev, struct chan **efd)
{
	bool sig = q->notify == MQ_NOTIFY_SIGNAL;

	if (q->notify == MQ_NOTIFY_OFF || q->curmsgs != 1 || q->receivers)
		return false;
	*efd = __mq_notify_end(q);
	if (!sig)
		return false;
	ev->ev_type = EV_POSIX_SIGNAL;
	ev->ev_arg1 = (uint16_t)q->notify_signo;
	ev->ev_arg3 = q->notify_value;
	ev->ev_arg4 = (uint32_t)MQ_SI_MESGQ;
	ev->ev_arg2 = (uint32_t)q->notify_pid;  /* replaced by the sender below */
	return true;
}

static void mq_send_signal(struct event_msg *ev)
{
	struct proc *p = proc_lookup((int)ev->ev_arg2);
	struct proc *me = current_proc();

	if (!p)
		return;                 /* the registering process is gone */
	ev->ev_arg2 = me ? (uint32_t)me->pid : 0;
	send_kernel_event(p, ev, 0);
	proc_put(p);
}

/* Queues m if there is room; false if the queue is full. */
static bool mq_try_put(struct mqueue *q, struct mq_msg *m)
{
	struct event_msg ev = { 0 };
	struct chan *efd = NULL;
	bool ok, sig = false;
	uint64_t flags = spin_lock_irqsave(&q->lock);

	ok = q->curmsgs < q->maxmsg;
	if (ok) {
		__mq_insert(q, m);
		WRITE_ONCE(q->curmsgs, q->curmsgs + 1);
		q->attr_fixed = true;
		sig = __mq_take_notify(q, &ev, &efd);
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (sig)
		mq_send_signal(&ev);
	mq_efd_post(efd, MQ_EFD_FIRED);
	return ok;
}

static struct mq_msg *mq_msg_make(struct chan *c, struct mqueue *q, const void *buf,
                                  size_t n)
{
	struct mq_hdr h;
	struct mq_msg *m;

	if (n < MQ_HDR_LEN)
		error(EINVAL, "#mqueue: write of %zu bytes; the header is %u", n, MQ_HDR_LEN);
	memcpy(&h, buf, MQ_HDR_LEN);
	if (h.prio >= MQ_PRIO_MAX || h.pad)
		error(EINVAL, "#mqueue: priority %u (the limit is %u) or header pad %u",
		      h.prio, MQ_PRIO_MAX - 1, h.pad);
	n -= MQ_HDR_LEN;
	if (n > READ_ONCE(q->msgsize))
		error(EMSGSIZE, "#mqueue: message of %zu bytes; '%s' takes %u", n,
		      mq_cname(c), READ_ONCE(q->msgsize));
	m = kmalloc(sizeof(*m) + n, MEM_WAIT);
	if (!m)
		error(ENOMEM, "#mqueue: no memory for a message of %zu bytes", n);
	m->prio = h.prio;
	m->len = (uint32_t)n;
	memcpy(m->data, (const uint8_t *)buf + MQ_HDR_LEN, n);
	return m;
}

static size_t mq_send(struct chan *c, const void *buf, size_t n, int64_t off)
{
	ERRSTACK(1);
	struct mqueue *q = c->aux;
	struct mq_msg *m;

	if (c->devpriv & MQ_CHAN_NOSEND)
		error(EBADF, "#mqueue: '%s' is open for receiving only", mq_cname(c));
	m = mq_msg_make(c, q, buf, n);
	if (waserror()) {
		kfree(m);
		nexterror();
	}
	while (!mq_try_put(q, m))
		mq_wait(c, q, true, off);
	poperror();
	rendez_wakeup(&q->rv);
	fdtap_list_fire(&q->taps, FDTAP_FILT_READABLE);
	fdtap_flush();
	return n;
}

/* ------------------------------------------------------------- control */

static size_t mq_ctl_read(struct mqueue *q, void *buf, size_t n)
{
	char text[80];
	uint64_t flags = spin_lock_irqsave(&q->lock);

	snprintf(text, sizeof(text), "maxmsg %u msgsize %u curmsgs %u\n", q->maxmsg,
	         q->msgsize, q->curmsgs);
	spin_unlock_irqrestore(&q->lock, flags);
	return readstr(0, buf, n, text);
}

static uint64_t mq_ctl_num(const char *s, const char *what)
{
	uint64_t v;

	if (!s || kstrtou64(s, strlen(s), 0, &v))
		error(EINVAL, "#mqueue: control message needs a number for %s", what);
	return v;
}

static void mq_ctl_attr(struct chan *c, struct mqueue *q, char **f, int nf)
{
	uint64_t maxmsg, msgsize, flags;
	bool ok;

	if (nf != 3)
		error(EINVAL, "#mqueue: want 'attr MAXMSG MSGSIZE'");
	maxmsg = mq_ctl_num(f[1], "maxmsg");
	msgsize = mq_ctl_num(f[2], "msgsize");
	if (!mq_attr_valid(maxmsg, msgsize))
		error(EINVAL, "#mqueue: attributes %lu x %lu out of 1..%d x 1..%d, at most %d bytes",
		      maxmsg, msgsize, MQ_MAXMSG_MAX, MQ_MSGSIZE_MAX, MQ_BYTES_MAX);
	flags = spin_lock_irqsave(&q->lock);
	ok = (c->devpriv & MQ_CHAN_CREATOR) && !q->attr_fixed;
	if (ok) {
		q->maxmsg = (uint32_t)maxmsg;
		q->msgsize = (uint32_t)msgsize;
		q->attr_fixed = true;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	if (!ok)
		error(EPERM, "#mqueue: only the creating chan sets attributes, once");
}

/* "access r|w": narrows what this chan (this mqd) may do, for good. */
static void mq_ctl_access(struct chan *c, char **f, int nf)
{
	uint64_t bit;

	if (nf != 2 || (strcmp(f[1], "r") && strcmp(f[1], "w")))
		error(EINVAL, "#mqueue: want 'access r' or 'access w'");
	bit = f[1][0] == 'r' ? MQ_CHAN_NOSEND : MQ_CHAN_NORECV;
	if ((c->devpriv | bit) & MQ_CHAN_NOSEND && (c->devpriv | bit) & MQ_CHAN_NORECV)
		error(EINVAL, "#mqueue: '%s' cannot lose both directions", mq_cname(c));
	spin_lock(&c->lock);
	c->devpriv |= bit;
	spin_unlock(&c->lock);
}

/* Registers (kind != OFF) or removes this chan's notification; efd (a
 * reference, MQ_NOTIFY_EVENTFD) is the queue's if it registers. */
static void mq_ctl_notify_set(struct chan *c, struct mqueue *q, int kind, int signo,
                              uint64_t value, struct chan *efd)
{
	struct proc *me = current_proc();
	struct chan *old = NULL;
	uint64_t flags = spin_lock_irqsave(&q->lock);
	bool busy = kind != MQ_NOTIFY_OFF && q->notify != MQ_NOTIFY_OFF;

	if (kind == MQ_NOTIFY_OFF && q->notify != MQ_NOTIFY_OFF &&
	    (q->notify_chan == c || (me && q->notify_pid == me->pid))) {
		old = __mq_notify_end(q);
	} else if (kind != MQ_NOTIFY_OFF && !busy) {
		q->notify = kind;
		q->notify_chan = c;
		q->notify_pid = me ? me->pid : 0;
		q->notify_signo = signo;
		q->notify_value = value;
		q->notify_efd = efd;
		efd = NULL;
	}
	spin_unlock_irqrestore(&q->lock, flags);
	mq_efd_post(old, MQ_EFD_REMOVED);
	if (efd)
		cclose(efd);            /* not taken: busy */
	if (busy)
		error(EBUSY, "#mqueue: '%s' already has a notification registered", mq_cname(c));
}

/* The eventfd chan of fd, checked: #eventfd's counter, writable, non-blocking. */
static struct chan *mq_ctl_efd(uint64_t fd)
{
	struct chan *efd = fd > INT32_MAX ? NULL : fd_get_chan(current_fdt(), (int)fd);

	if (!efd)
		error(EBADF, "#mqueue: notify eventfd: fd %lu is not open", fd);
	if (strcmp(devtab_of(efd)->name, "eventfd") || (efd->qid.type & QTDIR) ||
	    !(efd->mode & O_WRITE) || !(efd->flag & CNONBLOCK)) {
		cclose(efd);
		error(EINVAL, "#mqueue: notify eventfd: fd %lu is not a writable, "
		      "non-blocking eventfd", fd);
	}
	return efd;
}

static void mq_ctl_notify(struct chan *c, struct mqueue *q, char **f, int nf)
{
	uint64_t signo;

	if (nf == 2 && !strcmp(f[1], "off"))
		return mq_ctl_notify_set(c, q, MQ_NOTIFY_OFF, 0, 0, NULL);
	if (nf == 2 && !strcmp(f[1], "none"))
		return mq_ctl_notify_set(c, q, MQ_NOTIFY_NONE, 0, 0, NULL);
	if (nf == 3 && !strcmp(f[1], "eventfd"))
		return mq_ctl_notify_set(c, q, MQ_NOTIFY_EVENTFD, 0, 0,
		                         mq_ctl_efd(mq_ctl_num(f[2], "fd")));
	if (nf != 4 || strcmp(f[1], "signal"))
		error(EINVAL, "#mqueue: want 'notify off|none|eventfd FD|signal SIGNO VALUE'");
	signo = mq_ctl_num(f[2], "signo");
	if (signo < 1 || signo > 64)
		error(EINVAL, "#mqueue: signal %lu out of 1..64", signo);
	mq_ctl_notify_set(c, q, MQ_NOTIFY_SIGNAL, (int)signo, mq_ctl_num(f[3], "value"), NULL);
}

/* Splits msg in place at blanks into at most max fields; their count. */
static int mq_ctl_split(char *msg, char **f, int max)
{
	int nf = 0;

	for (;;) {
		while (*msg == ' ' || *msg == '\t' || *msg == '\n')
			*msg++ = '\0';
		if (!*msg)
			return nf;
		if (nf == max)
			return max + 1;         /* more fields than the caller takes */
		f[nf++] = msg;
		while (*msg && *msg != ' ' && *msg != '\t' && *msg != '\n')
			msg++;
	}
}

static size_t mq_ctl_write(struct chan *c, struct mqueue *q, const void *buf, size_t n)
{
	char msg[96];
	char *f[5];
	int nf;

	if (n >= sizeof(msg))
		error(EINVAL, "#mqueue: control message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	nf = mq_ctl_split(msg, f, ARRAY_SIZE(f));
	if (nf > (int)ARRAY_SIZE(f))
		error(EINVAL, "#mqueue: control message has too many fields");
	if (nf >= 1 && !strcmp(f[0], "attr"))
		mq_ctl_attr(c, q, f, nf);
	else if (nf >= 1 && !strcmp(f[0], "access"))
		mq_ctl_access(c, f, nf);
	else if (nf >= 1 && !strcmp(f[0], "notify"))
		mq_ctl_notify(c, q, f, nf);
	else
		error(EINVAL, "#mqueue: unknown control message '%s'", nf ? f[0] : "");
	return n;
}

/* ------------------------------------------------------------------ I/O */

static size_t mq_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, mq_gen);
	if (off & MQ_OFF_CTL)
		return mq_ctl_read(c->aux, buf, n);
	return mq_receive(c, buf, n, off);
}

static size_t mq_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (c->qid.type & QTDIR)
		error(EISDIR, "#mqueue: '%s' is a directory", mq_cname(c));
	if (off & MQ_OFF_CTL)
		return mq_ctl_write(c, c->aux, buf, n);
	return mq_send(c, buf, n, off);
}

static void mq_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct mqueue *q = c->aux;
	uint32_t ready = 0, cur;

	if (!fdtap_dev_tapfd(q ? &q->taps : NULL, tap, cmd, "#mqueue", "a queue"))
		return;
	cur = READ_ONCE(q->curmsgs);
	if (cur)
		ready |= FDTAP_FILT_READABLE;
	if (cur < READ_ONCE(q->maxmsg))
		ready |= FDTAP_FILT_WRITABLE;
	if (ready & tap->filter)
		fdtap_fire(tap, ready & tap->filter);
}

static char *mq_chaninfo(struct chan *c, char *buf, size_t len)
{
	struct mqueue *q = c->aux;

	if (q)
		snprintf(buf, len, "mqueue %s msgs %u of %u", q->name, READ_ONCE(q->curmsgs),
		         READ_ONCE(q->maxmsg));
	else
		snprintf(buf, len, "mqueue %s", mq_cname(c));
	return buf;
}

struct dev mqueue_devtab __devtab = {
	.name = "mqueue",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = mq_attach,
	.walk = mq_walk,
	.stat = mq_stat,
	.open = mq_open,
	.create = mq_create,
	.close = mq_close,
	.read = mq_read,
	.bread = devbread,
	.write = mq_write,
	.bwrite = devbwrite,
	.remove = mq_remove,
	.rename = devrename,
	.wstat = devwstat,
	.chaninfo = mq_chaninfo,
	.tapfd = mq_tapfd,
};
