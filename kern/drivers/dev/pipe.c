/* SPDX-License-Identifier: MIT */
/*
 * pipe.c - #pipe (#|): two-way pipes.
 *
 *	#pipe/           each attach makes a new pipe
 *	    data    rw   end 0: reads what end 1 writes, writes what end 1 reads
 *	    data1   rw   end 1: the mirror image
 *	    ctl     rw   read: "limit N\n"; write: "limit N" sets the byte limit
 *	                 of both directions (1 .. PIPE_LIMIT_MAX)
 *
 * Each direction is a qio queue (qio.h) of PIPE_LIMIT bytes, a byte stream
 * (no message boundaries): q[0] is read through data and written through
 * data1, q[1] the other way.  Writers block while their queue is full and
 * readers while theirs is empty; a non-blocking chan (O_NONBLOCK, or
 * set later with setfl) gets EAGAIN instead.
 *
 * Hangup: when the last open chan of one end closes, that end can neither
 * read nor write any more, so both queues are hung up: the other end's
 * reader gets what is queued and then EOF (0), its writer gets EPIPE.  A
 * pipe does not come back from a hangup.
 *
 * Taps (fdtap.h) on data and data1: READABLE (bytes to read, or EOF),
 * WRITABLE (room in the queue the end writes), HANGUP (the other end is
 * gone; the reader end then also fires READABLE, the writer WRITABLE, as
 * a read or write no longer blocks); ERROR and PRIORITY are accepted and
 * never fire.  Each
 * end has its list; the queues' wake callbacks fire them on edges.
 *
 * Lifetime: struct pipe holds one reference per chan (attach makes it,
 * walk adds one per clone, close drops one) and frees its queues with the
 * last.  p->lock (a spinlock) guards only the open counts; the queues have
 * their own locks.  ctl's limit is checked before anything changes.
 */
#include <err.h>
#include <errno.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kref.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <qio.h>
#include <spinlock.h>

#define PIPE_LIMIT      (64 * 1024)
#define PIPE_LIMIT_MAX  (16 * 1024 * 1024)

enum { Qtop, Qdata0, Qdata1, Qctl };
#define PIPE_KIND(path)  ((int)((path) & 15))
#define PIPE_PATH(p, k)  (((p)->id << 4) | (uint64_t)(k))

struct pipe {
	struct kref ref;        /* [a] one per chan */
	uint64_t id;            /* [I] */
	struct queue *q[2];     /* [I] q[0] read by end 0, q[1] read by end 1 */
	spinlock_t lock;
	int nopen[2];           /* [lock] open chans of each end */
	struct fdtap_list taps[2];      /* of end 0 (data) and end 1 (data1) */
};


static atomic_t pipe_next_id = ATOMIC_INIT(1);

static void pipe_release(struct kref *r)
{
	struct pipe *p = container_of(r, struct pipe, ref);

	qfree(p->q[0]);
	qfree(p->q[1]);
	kfree(p);
}

static void pipe_put(struct pipe *p)
{
	kref_put(&p->ref, pipe_release);
}

/* The directory entries of one pipe (names are constants; qids per pipe). */
static int pipe_gen(struct chan *c, const char *name, const struct dirtab *tab,
                    int ntab, int i, struct dir *dp)
{
	static const char *const names[] = { "data", "data1", "ctl" };
	struct pipe *p = c->aux;
	int64_t len;

	if (i < 0 || i >= (int)ARRAY_SIZE(names))
		return DEVGEN_END;
	len = i < 2 ? (int64_t)qlen(p->q[i]) : 0;
	mkdir_entry(dp, mkqid(PIPE_PATH(p, Qdata0 + i), 0, QTFILE), names[i], len, "eve",
	            0666);
	return DEVGEN_ENTRY;
}

/* ------------------------------------------------------------ taps */

/* Wake callback of q[end] (any context): end reads it, !end writes it. */
static void pipe_wake(struct queue *q, void *data, int filter)
{
	struct pipe *p = data;
	int end = q == p->q[1];

	if (filter == QIO_WAKE_READABLE)
		fdtap_list_fire(&p->taps[end], FDTAP_FILT_READABLE);
	else if (filter == QIO_WAKE_WRITABLE)
		fdtap_list_fire(&p->taps[!end], FDTAP_FILT_WRITABLE);
	else if (filter == QIO_WAKE_HANGUP) {
		fdtap_list_fire(&p->taps[end], FDTAP_FILT_HANGUP | FDTAP_FILT_READABLE);
		fdtap_list_fire(&p->taps[!end], FDTAP_FILT_HANGUP | FDTAP_FILT_WRITABLE);
	}
}

static void pipe_taps_init(struct pipe *p)
{
	fdtap_list_init(&p->taps[0], "pipe taps");
	fdtap_list_init(&p->taps[1], "pipe taps");
	qio_set_wake_cb(p->q[0], pipe_wake, p);
	qio_set_wake_cb(p->q[1], pipe_wake, p);
}

/* What is true of end 'end' now. */
static uint32_t pipe_ready(struct pipe *p, int end)
{
	uint32_t r = 0;

	if (qcanread(p->q[end]))
		r |= FDTAP_FILT_READABLE;
	if (qcanwrite(p->q[!end]))
		r |= FDTAP_FILT_WRITABLE;
	if (qisclosed(p->q[end]))
		r |= FDTAP_FILT_HANGUP;
	return r;
}

static void pipe_tapfd(struct chan *c, struct fd_tap *tap, int cmd)
{
	struct pipe *p = c->aux;
	int kind = PIPE_KIND(c->qid.path);
	bool data = kind == Qdata0 || kind == Qdata1;
	uint32_t ready;

	if (!fdtap_dev_tapfd(data ? &p->taps[kind - Qdata0] : NULL, tap, cmd, "#pipe",
	                     "data and data1"))
		return;
	ready = pipe_ready(p, kind - Qdata0) & tap->filter;
	if (ready)
		fdtap_fire(tap, ready);
}

static struct chan *pipe_attach(const char *spec)
{
	struct pipe *p;
	struct chan *c;

	if (spec && spec[0])
		error(EINVAL, "#pipe: unknown attach spec '%s' (want none)", spec);
	p = kzmalloc(sizeof(*p), MEM_WAIT);
	if (!p)
		error(ENOMEM, "#pipe: no memory for a pipe");
	kref_init(&p->ref);
	spinlock_init(&p->lock, "pipe");
	p->id = (uint64_t)atomic_fetch_add(&pipe_next_id, 1);
	p->q[0] = qopen(PIPE_LIMIT, Qkeep, NULL, NULL);
	p->q[1] = qopen(PIPE_LIMIT, Qkeep, NULL, NULL);
	pipe_taps_init(p);
	c = devattach("pipe", spec);
	c->qid = mkqid(PIPE_PATH(p, Qtop), 0, QTDIR);
	c->aux = p;
	return c;
}

static struct walkqid *pipe_walk(struct chan *c, struct chan *nc, const char **names,
                                 unsigned int nname)
{
	struct pipe *p = c->aux;
	struct walkqid *wq;

	if (nc)                 /* the caller closes nc whatever happens */
		kref_get(&p->ref);
	wq = devwalk(c, nc, names, nname, NULL, 0, pipe_gen);
	if (!nc && wq->clone)
		kref_get(&p->ref);
	return wq;
}

static size_t pipe_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, pipe_gen);
}

static struct chan *pipe_open(struct chan *c, int omode)
{
	struct pipe *p = c->aux;
	int kind = PIPE_KIND(c->qid.path);

	c = devopen(c, omode, NULL, 0, pipe_gen);
	if (kind == Qdata0 || kind == Qdata1) {
		uint64_t flags = spin_lock_irqsave(&p->lock);

		p->nopen[kind - Qdata0]++;
		spin_unlock_irqrestore(&p->lock, flags);
	}
	return c;
}

/* The last open chan of end 'end' closed: nobody reads or writes there. */
static void pipe_hangup_end(struct pipe *p, int end)
{
	qhangup(p->q[!end], "pipe: the other end was closed");  /* its reader: EOF */
	qhangup(p->q[end], "pipe: the other end was closed");   /* its writer: EPIPE */
}

static void pipe_close(struct chan *c)
{
	struct pipe *p = c->aux;
	int kind = PIPE_KIND(c->qid.path);

	if (!p)
		return;
	if ((c->flag & COPEN) && (kind == Qdata0 || kind == Qdata1)) {
		int end = kind - Qdata0;
		uint64_t flags = spin_lock_irqsave(&p->lock);
		bool last = --p->nopen[end] == 0;

		spin_unlock_irqrestore(&p->lock, flags);
		if (last)
			pipe_hangup_end(p, end);
	}
	c->aux = NULL;
	pipe_put(p);
}


/* ------------------------------------------------------------ I/O */

static size_t pipe_ctl_read(struct pipe *p, void *buf, size_t n, int64_t off)
{
	char text[32];

	snprintf(text, sizeof(text), "limit %zu\n", qlimit(p->q[0]));
	return readstr(off, buf, n, text);
}

static size_t pipe_ctl_write(struct pipe *p, const void *buf, size_t n)
{
	char msg[32];
	uint64_t v = 0;
	int ret;

	if (n >= sizeof(msg))
		error(EINVAL, "#pipe/ctl: message of %zu bytes is too long", n);
	memcpy(msg, buf, n);
	msg[n] = '\0';
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	if (strncmp(msg, "limit ", 6) || !msg[6])
		error(EINVAL, "#pipe/ctl: unknown message '%s' (want 'limit N')", msg);
	ret = kstrtou64(msg + 6, strlen(msg + 6), 10, &v);
	if (ret == -EINVAL)
		error(EINVAL, "#pipe/ctl: bad limit '%s' (want a decimal number)", msg + 6);
	if (ret || v == 0 || v > PIPE_LIMIT_MAX)
		error(EINVAL, "#pipe/ctl: limit %llu is not in 1..%d", (unsigned long long)v,
		      PIPE_LIMIT_MAX);
	qsetlimit(p->q[0], v);
	qsetlimit(p->q[1], v);
	return n;
}

static size_t pipe_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	struct pipe *p = c->aux;
	int kind = PIPE_KIND(c->qid.path);

	switch (kind) {
	case Qtop:
		return devdirread(c, buf, n, NULL, 0, pipe_gen);
	case Qdata0:
	case Qdata1:
		n = c->flag & CNONBLOCK ? qread_nonblock(p->q[kind - Qdata0], buf, n) :
		    qread(p->q[kind - Qdata0], buf, n);
		fdtap_flush();          /* a WRITABLE edge, posted before we return */
		return n;
	case Qctl:
		return pipe_ctl_read(p, buf, n, off);
	}
	error(EINVAL, "#pipe: read of unknown file %llu", (unsigned long long)c->qid.path);
}

static size_t pipe_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	struct pipe *p = c->aux;
	int kind = PIPE_KIND(c->qid.path);

	switch (kind) {
	case Qdata0:
	case Qdata1:
		n = c->flag & CNONBLOCK ? qwrite_nonblock(p->q[!(kind - Qdata0)], buf, n) :
		    qwrite(p->q[!(kind - Qdata0)], buf, n);
		fdtap_flush();          /* a READABLE edge, posted before we return */
		return n;
	case Qctl:
		return pipe_ctl_write(p, buf, n);
	}
	error(EPERM, "#pipe: '%s' is not writable", c->name ? c->name->s : "?");
}

static char *pipe_chaninfo(struct chan *c, char *buf, size_t len)
{
	struct pipe *p = c->aux;

	snprintf(buf, len, "pipe %llu kind %d", p ? (unsigned long long)p->id : 0ULL,
	         PIPE_KIND(c->qid.path));
	return buf;
}

struct dev pipe_devtab __devtab = {
	.name = "pipe",
	.letter = '|',
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = pipe_attach,
	.walk = pipe_walk,
	.stat = pipe_stat,
	.open = pipe_open,
	.create = devcreate,
	.close = pipe_close,
	.read = pipe_read,
	.bread = devbread,
	.write = pipe_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.chaninfo = pipe_chaninfo,
	.tapfd = pipe_tapfd,
};
