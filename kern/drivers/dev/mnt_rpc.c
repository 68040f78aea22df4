/* SPDX-License-Identifier: MIT */
/*
 * mnt_rpc.c - the 9P request multiplexer of #mnt (mnt_internal.h; design:
 * Documentation/dev/mnt.md).
 *
 * Many kthreads may have requests in flight on one mount.  Each request
 * takes a tag (a slot of m->tags), writes its T-message whole under
 * m->wlock, and waits.  There is no reader kthread: while nobody reads the
 * server's chan, one of the waiters becomes the reader (m->reading), reads
 * until one whole reply is in m->rbuf, hands it to the request with its
 * tag, gives the role up and wakes everyone; a waiter whose reply has come
 * returns, the others elect the next reader.  So replies are read only
 * while someone waits for one, and nothing is left blocked in a read when
 * the last request returns.
 *
 * Nothing in a reply is trusted: a size below the header or above msize,
 * a tag not in flight, or a read error or EOF kills the mount (m->dead,
 * with the reason): every waiter and every later request gets EIO naming
 * it.  A reply that is malformed inside a good frame, or of the wrong type,
 * fails only its request.  Abort: a waiter whose syscall is aborted marks
 * its request an orphan and sends a Tflush for it, also an orphan, without
 * waiting; the reader frees orphans as their replies come, and keeps the
 * old tag reserved until the Rflush (9P's rule), so a late reply can never
 * land on a new request.  The last reference frees what is left.
 *
 * Dialect: the client offers 9P2000.u and speaks what the server answers,
 * 9P2000 or 9P2000.u (m->dotu); every request is encoded and every reply
 * decoded in it here, so mnt.c sees .u only in stat bytes and Rerror's
 * errno.
 *
 * Locks: m->wlock (qlock "mnt write") is held only across one write to the
 * server's chan; m->lock (spinlock "mnt") guards the tag table and the
 * reader and dead state, and is never held across a sleep or error().
 */
#include <atomic.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>

#include "mnt_internal.h"

static atomic_t mnt_ids;

/* ------------------------------------------------------------ the mount */

struct mnt *mnt_new(struct chan *server)
{
	struct mnt *m = kzmalloc(sizeof(*m), MEM_WAIT);

	if (m)
		m->rbuf = kmalloc(MNT_MSIZE, MEM_WAIT);
	if (!m || !m->rbuf) {
		kfree(m);
		error(ENOMEM, "mount: no memory for a 9P client");
	}
	kref_init(&m->ref);
	m->id = (uint32_t)atomic_fetch_add(&mnt_ids, 1) + 1;
	chan_incref(server);
	m->c = server;
	m->msize = MNT_MSIZE;
	qlock_init(&m->wlock, "mnt write");
	rendez_init(&m->rv);
	spinlock_init(&m->lock, "mnt");
	m->nfree = MNT_NTAGS;
	return m;
}

static void mnt_rpc_release(struct mntrpc *r)
{
	kfree(r->reply);
	kfree(r->strs);
	kfree(r);
}

static void mnt_release(struct kref *k)
{
	struct mnt *m = container_of(k, struct mnt, ref);

	for (int i = 0; i <= MNT_NTAGS; i++)
		if (m->tags[i])
			mnt_rpc_release(m->tags[i]);
	cclose(m->c);
	kfree(m->rbuf);
	kfree(m);
}

void mnt_put(struct mnt *m)
{
	kref_put(&m->ref, mnt_release);
}

void mnt_kill(struct mnt *m, const char *why)
{
	spin_lock(&m->lock);
	if (!m->dead) {
		m->dead = true;
		snprintf(m->why, sizeof(m->why), "9P server of mount %u: %s", m->id, why);
	}
	spin_unlock(&m->lock);
	rendez_wakeup(&m->rv);
}

/* Raises EIO with the reason m died; m->lock held, and dropped. */
static void __noreturn __mnt_raise_dead(struct mnt *m)
{
	char why[ERRSTR_MAX];

	strlcpy(why, m->why, sizeof(why));
	spin_unlock(&m->lock);
	error(EIO, "%s", why);
}

uint32_t mnt_fid(struct mnt *m)
{
	uint32_t fid;

	spin_lock(&m->lock);
	fid = m->next_fid;
	if (fid != NOFID)
		m->next_fid++;
	spin_unlock(&m->lock);
	if (fid == NOFID)
		error(EIO, "mount %u: out of fids", m->id);
	return fid;
}

/* ----------------------------------------------------------------- tags */

/* The slot of a wire tag, or NULL; m->lock held. */
static struct mntrpc **__mnt_slot(struct mnt *m, uint16_t tag)
{
	if (tag == NOTAG)
		return &m->tags[MNT_VTAG];
	return tag < MNT_NTAGS ? &m->tags[tag] : NULL;
}

/* Takes a free slot for r (Tversion: the NOTAG one); false if none.
 * m->lock held. */
static bool __mnt_take_slot(struct mnt *m, struct mntrpc *r, bool version)
{
	if (version) {
		if (m->tags[MNT_VTAG])
			return false;
		r->tag = NOTAG;
		m->tags[MNT_VTAG] = r;
		return true;
	}
	if (!m->nfree)
		return false;
	for (uint16_t t = 0; t < MNT_NTAGS; t++) {
		if (!m->tags[t]) {
			r->tag = t;
			m->tags[t] = r;
			m->nfree--;
			return true;
		}
	}
	return false;
}

/* Frees r's slot; m->lock held. */
static void __mnt_drop_slot(struct mnt *m, struct mntrpc *r)
{
	struct mntrpc **s = __mnt_slot(m, r->tag);

	if (s && *s == r) {
		*s = NULL;
		if (r->tag != NOTAG)
			m->nfree++;
	}
}

void mnt_rpc_free(struct mnt *m, struct mntrpc *r)
{
	if (!r)
		return;
	spin_lock(&m->lock);
	__mnt_drop_slot(m, r);
	spin_unlock(&m->lock);
	rendez_wakeup(&m->rv);  /* a slot is free */
	mnt_rpc_release(r);
}

/* ---------------------------------------------------------- the reader */

/* Reader: collects one whole message in m->rbuf; returns its length. */
static size_t mnt_read_msg(struct mnt *m)
{
	for (;;) {
		size_t want = ninep_msg_size(m->rbuf, m->rlen), n;

		if (want && (want < NINEP_HDRSZ || want > m->msize))
			error(EPROTO, "a reply of %zu bytes (msize %u)", want, m->msize);
		if (want && m->rlen >= want)
			return want;
		n = devtab_of(m->c)->read(m->c, m->rbuf + m->rlen, MNT_MSIZE - m->rlen, 0);
		if (n == 0)
			error(EPIPE, "hung up");
		if (n > MNT_MSIZE - m->rlen)
			error(EPROTO, "its chan returned more than asked");
		m->rlen += n;
	}
}

/* An orphan's reply is in: frees what no one will look at; m->lock held.
 * Returns up to two requests to release after unlocking. */
static void __mnt_reap(struct mnt *m, struct mntrpc *r, struct mntrpc **gone)
{
	if (r->flushes) {               /* an Rflush: the old tag is free too */
		__mnt_drop_slot(m, r->flushes);
		gone[1] = r->flushes;
	} else if (r->flush) {
		return;                 /* its Rflush will free both */
	}
	__mnt_drop_slot(m, r);
	gone[0] = r;
}

/* Reader: hands the message at m->rbuf[0..n) to its request. */
static void mnt_dispatch(struct mnt *m, size_t n)
{
	uint16_t tag = (uint16_t)(m->rbuf[5] | m->rbuf[6] << 8);
	uint8_t *copy = kmalloc(n, MEM_WAIT);
	struct mntrpc **s, *gone[2] = { NULL, NULL };

	if (!copy)
		error(ENOMEM, "no memory for a reply of %zu bytes", n);
	memcpy(copy, m->rbuf, n);
	memmove(m->rbuf, m->rbuf + n, m->rlen - n);
	m->rlen -= n;
	spin_lock(&m->lock);
	s = __mnt_slot(m, tag);
	if (!s || !*s || (*s)->done) {
		spin_unlock(&m->lock);
		kfree(copy);
		error(EPROTO, "a reply with tag %u, which is not in flight", tag);
	}
	(*s)->reply = copy;
	(*s)->rlen = n;
	WRITE_ONCE((*s)->done, true);
	if ((*s)->orphan)
		__mnt_reap(m, *s, gone);
	spin_unlock(&m->lock);
	rendez_wakeup(&m->rv);
	for (int i = 0; i < 2; i++)
		if (gone[i])
			mnt_rpc_release(gone[i]);
}

/* Gives the reader role up and wakes the waiters to elect another. */
static void mnt_unread(struct mnt *m)
{
	spin_lock(&m->lock);
	m->reading = false;
	spin_unlock(&m->lock);
	rendez_wakeup(&m->rv);
}

/* As the reader (m->reading set by us): reads and hands out one reply.  An
 * abort (EINTR) passes through; any other failure kills the mount. */
static void mnt_pump(struct mnt *m)
{
	ERRSTACK(1);
	char why[ERRSTR_MAX];

	if (waserror()) {
		if (get_errno() != EINTR) {
			strlcpy(why, get_errstr(), sizeof(why));
			mnt_kill(m, why);
			set_error(EIO, "9P server of mount %u: %s", m->id, why);
		}
		mnt_unread(m);
		nexterror();
	}
	mnt_dispatch(m, mnt_read_msg(m));
	poperror();
	mnt_unread(m);
}

struct mnt_waiter {
	struct mnt *m;
	struct mntrpc *r;       /* NULL: waiting for a free tag */
};

static bool mnt_ready(struct mnt *m, struct mntrpc *r)
{
	return r ? READ_ONCE(r->done) : READ_ONCE(m->nfree) > 0;
}

static bool mnt_wake_cond(void *arg)
{
	struct mnt_waiter *w = arg;

	return mnt_ready(w->m, w->r) || READ_ONCE(w->m->dead) || !READ_ONCE(w->m->reading);
}

/*
 * Waits until r's reply is in (r NULL: until a tag is free), reading
 * replies whenever no one else does.  Returns with m->lock held; raises
 * (without it) EIO if the mount dies, EINTR if the sleep is aborted.
 */
static void mnt_wait(struct mnt *m, struct mntrpc *r)
{
	struct mnt_waiter w = { .m = m, .r = r };

	for (;;) {
		spin_lock(&m->lock);
		if (mnt_ready(m, r))
			return;
		if (m->dead)
			__mnt_raise_dead(m);
		if (!m->reading) {
			m->reading = true;
			spin_unlock(&m->lock);
			mnt_pump(m);
			continue;
		}
		spin_unlock(&m->lock);
		if (rendez_sleep(&m->rv, mnt_wake_cond, &w) == -ECANCELED)
			error(EINTR, "9P request on mount %u: interrupted", m->id);
	}
}

/* ---------------------------------------------------------- requests */

static struct mntrpc *mnt_rpc_alloc(struct mnt *m, bool version)
{
	ERRSTACK(1);
	struct mntrpc *volatile r = kzmalloc(sizeof(*r), MEM_WAIT);

	if (!r)
		error(ENOMEM, "mount %u: no memory for a request", m->id);
	if (waserror()) {
		kfree(r);
		nexterror();
	}
	for (;;) {
		mnt_wait(m, NULL);              /* m->lock held: a tag is free */
		if (m->dead)
			__mnt_raise_dead(m);
		if (__mnt_take_slot(m, r, version))
			break;
		spin_unlock(&m->lock);
		if (version)
			error(EBUSY, "mount %u: a Tversion is already in flight", m->id);
	}
	spin_unlock(&m->lock);
	poperror();
	return r;
}

/* Writes tx whole; any failure kills the mount (a partial message would
 * leave the stream out of step) and raises EIO. */
static void mnt_send(struct mnt *m, const struct fcall *tx)
{
	ERRSTACK(1);
	size_t n = sizeS2M(tx);
	uint8_t *volatile buf;
	char why[ERRSTR_MAX];

	if (!n || ninep_check_msize(tx, m->msize))
		error(EMSGSIZE, "mount %u: a %s of %zu bytes does not fit msize %u", m->id,
		      ninep_type_name(tx->type), n, m->msize);
	buf = kmalloc(n, MEM_WAIT);
	if (!buf)
		error(ENOMEM, "mount %u: no memory for a %zu-byte request", m->id, n);
	convS2M(tx, buf, n);
	sem_down(&m->wlock);
	if (waserror()) {
		sem_up(&m->wlock);
		kfree(buf);
		strlcpy(why, get_errstr(), sizeof(why));
		mnt_kill(m, why);
		set_error(EIO, "9P server of mount %u: %s", m->id, why);
		nexterror();
	}
	if (READ_ONCE(m->dead))
		error(EIO, "already dead");
	if (devtab_of(m->c)->write(m->c, buf, n, 0) != n)
		error(EIO, "a short write of a %zu-byte request", n);
	poperror();
	sem_up(&m->wlock);
	kfree(buf);
}

/* r's caller gives up (its syscall was aborted): r becomes an orphan and a
 * Tflush goes out for it, neither waited for.  Never raises. */
static void mnt_abandon(struct mnt *m, struct mntrpc *r)
{
	ERRSTACK(1);
	struct mntrpc *f = kzmalloc(sizeof(*f), MEM_WAIT);
	struct fcall tx = { .type = Tflush };

	spin_lock(&m->lock);
	if (r->done || m->dead || r->tag == NOTAG) {
		spin_unlock(&m->lock);
		kfree(f);
		mnt_rpc_free(m, r);
		return;
	}
	r->orphan = true;
	if (f && __mnt_take_slot(m, f, false)) {
		f->orphan = true;
		f->flushes = r;
		r->flush = f;
	} else {
		kfree(f);       /* no tag: r's own reply will free it */
		f = NULL;
	}
	spin_unlock(&m->lock);
	if (!f)
		return;
	tx.tag = f->tag;
	tx.oldtag = r->tag;
	if (waserror())         /* the mount is dead: its release frees both */
		return;
	mnt_send(m, &tx);
	poperror();
}

/* Decodes r's reply into r->rx: the server's Rerror, a malformed reply or
 * one of the wrong type raise. */
static void mnt_decode(struct mnt *m, struct mntrpc *r, uint8_t ttype)
{
	/* QEMU's server (hw/9pfs) puts 0 in an Rstat's n[2], and Linux's client
	 * ignores the field: take it from the message's size instead. */
	if (m->dotu && r->rlen >= NINEP_HDRSZ + BIT16SZ && r->reply[4] == Rstat &&
	    r->rlen - NINEP_HDRSZ - BIT16SZ <= 0xffff) {
		r->reply[7] = (uint8_t)(r->rlen - NINEP_HDRSZ - BIT16SZ);
		r->reply[8] = (uint8_t)((r->rlen - NINEP_HDRSZ - BIT16SZ) >> 8);
	}
	r->strs = kmalloc(r->rlen, MEM_WAIT);
	if (!r->strs)
		error(ENOMEM, "mount %u: no memory for a reply", m->id);
	if (!convM2Sx(r->reply, r->rlen, &r->rx, r->strs, m->dotu))
		error(EIO, "mount %u: malformed reply to %s: %s", m->id, ninep_type_name(ttype),
		      ninep_msg_errorx(r->reply, r->rlen, m->dotu));
	if (r->rx.type == Rerror)
		error(m->dotu && r->rx.errnum > 0 && r->rx.errnum < 134 ? (int)r->rx.errnum :
		      mnt_errno(r->rx.ename), "%s", r->rx.ename);
	if (r->rx.type != ttype + 1)
		error(EIO, "mount %u: %s answered with %s", m->id, ninep_type_name(ttype),
		      ninep_type_name(r->rx.type));
}

struct mntrpc *mnt_rpc(struct mnt *m, struct fcall *tx)
{
	ERRSTACK(1);
	struct mntrpc *volatile r = NULL;

	if (waserror()) {
		if (r && get_errno() == EINTR)
			mnt_abandon(m, r);
		else
			mnt_rpc_free(m, r);
		nexterror();
	}
	r = mnt_rpc_alloc(m, tx->type == Tversion);
	tx->tag = r->tag;
	tx->dotu = m->dotu;
	mnt_send(m, tx);
	mnt_wait(m, r);
	spin_unlock(&m->lock);
	mnt_decode(m, r, tx->type);
	poperror();
	return r;
}

void mnt_version(struct mnt *m)
{
	ERRSTACK(1);
	struct fcall tx = { .type = Tversion, .msize = MNT_MSIZE, .version = NINEP_VERSION_U };
	struct mntrpc *volatile r = NULL;

	if (waserror()) {
		mnt_rpc_free(m, r);
		nexterror();
	}
	r = mnt_rpc(m, &tx);
	if (strcmp(r->rx.version, NINEP_VERSION) && strcmp(r->rx.version, NINEP_VERSION_U))
		error(EPROTO, "mount: the server speaks '%s', not " NINEP_VERSION " or "
		      NINEP_VERSION_U, r->rx.version);
	if (r->rx.msize < MNT_MINSIZE || r->rx.msize > MNT_MSIZE)
		error(EPROTO, "mount: the server's msize %u is outside [%u, %u]", r->rx.msize,
		      MNT_MINSIZE, MNT_MSIZE);
	m->msize = r->rx.msize;
	m->dotu = !strcmp(r->rx.version, NINEP_VERSION_U);
	poperror();
	mnt_rpc_free(m, r);
}

/* ---------------------------------------------------------------- errors */

/* Server texts, Plan 9's and POSIX's strerror, to errnos; first match wins. */
static const struct {
	const char *text;
	int err;
} mnt_errs[] = {
	{ "does not exist", ENOENT }, { "no such file", ENOENT }, { "not found", ENOENT },
	{ "exists", EEXIST }, { "permission denied", EACCES }, { "not permitted", EPERM },
	{ "not a directory", ENOTDIR }, { "is a directory", EISDIR },
	{ "not empty", ENOTEMPTY }, { "no space", ENOSPC }, { "read-only", EROFS },
	{ "too long", ENAMETOOLONG }, { "in use", EBUSY }, { "invalid", EINVAL },
	{ "bad offset", EINVAL }, { "not supported", ENOTSUP },
};

static char mnt_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether hay holds needle (lower case), ignoring case. */
static bool mnt_has(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++) {
		size_t i = 0;

		while (i < n && hay[i] && mnt_lower(hay[i]) == needle[i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

int mnt_errno(const char *ename)
{
	for (size_t i = 0; i < ARRAY_SIZE(mnt_errs); i++)
		if (mnt_has(ename, mnt_errs[i].text))
			return mnt_errs[i].err;
	return EIO;
}
