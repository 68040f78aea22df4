/* SPDX-License-Identifier: MIT */
/*
 * qio.c - queues of blocks (qio.h): the pipe between a producer and a
 * consumer that pipes, consoles, eventfds and network conversations use.
 *
 * Model.  A queue is a singly linked list of blocks (bfirst..blast) and a
 * byte count 'len'.  Producers append at the tail (qwrite copies into new
 * blocks, qbwrite queues the caller's block, qiwrite/qpass never block);
 * consumers take from the head (qread copies out, qbread returns blocks).
 * Flow control is by bytes: a writer may add a block while len < limit,
 * so a queue can overshoot its limit by one block; a full queue makes a
 * writer sleep, or fail with EAGAIN (Qnonblock / *_nonblock), or lose the
 * data (Qdropoverflow: counted in nr_dropped).  Readers sleep while len is
 * 0; with Qmsg a read returns bytes of one block only (a message) and
 * discards what it does not take.  With Qcoalesce small writes are copied
 * into the free room of the tail block instead of adding blocks.
 *
 * Qkeep.  A block a qread consumed to its end waits in q->kept (one, by
 * atomic exchange: no lock) for the next qwrite_block it has room for;
 * the reader (rlock) puts, the writer (wlock) takes; qfree frees it.
 *
 * Kick and bypass.  kick(arg) runs after each write that queued data, so
 * an output device can pull it to the hardware.  A bypass queue
 * (qbypass) has no list at all: each written block goes straight to the
 * bypass function.
 *
 * Hangup and EOF.  qhangup sets 'closed' and keeps the data: readers drain
 * it and then read 0 (EOF); writers get error(EPIPE, the hangup message).
 * qclose is a hangup that also discards the data.  qreopen undoes both.
 *
 * Sleeping.  Readers sleep on rr until len > 0 or closed; writers on rw
 * until len < limit or closed.  The rendez conditions read those fields
 * with READ_ONCE and without q->lock (rendez.h forbids taking it there);
 * every change that can make a condition true happens under q->lock and is
 * followed, after the unlock, by rendez_wakeup.  A woken sleeper retakes
 * q->lock and checks again.
 *
 * Wake callbacks.  Every operation snapshots "readable" (len > 0) and
 * "writable" (len < limit) under q->lock before changing the queue and
 * compares after; each flip to true is a transition that is reported
 * exactly once, to the rendez sleepers and to the wake callback, after
 * q->lock is dropped.  HANGUP is reported by the call that first hangs up.
 *
 * Locks.  q->lock (irqsave: qiwrite/qpass run in IRQ context) guards the
 * list, len, limit, flags, closed, the message and the callback.  It is a
 * leaf: nothing sleeps, allocates, calls error(), a callback, kick or
 * bypass while holding it; memcpy under it only when coalescing (bounded
 * by the tail's room).  rlock and wlock are sleeping locks (semaphores at
 * 1) taken outside q->lock: rlock makes readers one at a time, so a reader
 * may take blocks off the head, copy out with q->lock dropped and put an
 * unread remainder back at the head; wlock keeps one qwrite's blocks
 * together.  A flush (qflush/qclose) bumps 'gen' so a reader holding a
 * remainder frees it instead of putting it back.
 *
 * Not here: per-chan state (offsets, O_NONBLOCK of a chan: devices pass it
 * by calling the *_nonblock variants), and freeing a queue in use (owner).
 */
#include <assert.h>
#include <block.h>
#include <compiler.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <printk.h>
#include <qio.h>
#include <rendez.h>
#include <sem.h>
#include <spinlock.h>

/* Checks the "q->lock held" that __ helpers state in their comment. */
#define QLOCK_HELD(q) assert(spin_is_locked(&(q)->lock))

/* Header room qwrite gives small blocks of a Qcoalesce queue. */
#define QIO_COALESCE_ROOM 512
/* The largest block Qkeep keeps (its room after the reserve). */
#define QIO_KEEP_MAX 2048

struct queue {
	spinlock_t lock;
	struct block *bfirst;           /* [l] head: next to read */
	struct block *blast;            /* [l] tail */
	size_t len;                     /* [l] bytes queued (+ a held remainder) */
	size_t limit;                   /* [l] */
	int flags;                      /* [l] Qmsg, Qcoalesce, Qdropoverflow, Qnonblock */
	bool closed;                    /* [l] hung up */
	uint64_t gen;                   /* [l] bumped by each flush */
	uint64_t nr_dropped;            /* [l] blocks dropped */
	char msg[ERRSTR_MAX];           /* [l] hangup message */
	qio_wake_cb_t wake_cb;          /* [l] */
	void *wake_data;                /* [l] */
	void (*kick)(void *);           /* [I] */
	void (*bypass)(void *, struct block *); /* [I] */
	void *arg;                      /* [I] for kick and bypass */
	struct rendez rr;               /* readers wait for data or hangup */
	struct rendez rw;               /* writers wait for room or hangup */
	struct sem rlock;               /* one reader at a time */
	struct sem wlock;               /* one qwrite/qbwrite at a time */
	struct block *kept;             /* [a] Qkeep: an empty block for qwrite */
};

/* Transitions found under q->lock, delivered after it is dropped. */
struct qwake {
	bool readable, writable;        /* before the change */
	int filters;                    /* QIO_WAKE_* that became true */
	qio_wake_cb_t cb;
	void *data;
};

/* ================================================= block-list helpers */

/* q->lock held.  Appends the list b (non-empty blocks); returns its bytes. */
static size_t __qappend(struct queue *q, struct block *b)
{
	size_t n = 0;

	QLOCK_HELD(q);

	if (q->blast)
		q->blast->next = b;
	else
		q->bfirst = b;
	for (;; b = b->next) {
		n += BLEN(b);
		if (!b->next)
			break;
	}
	q->blast = b;
	q->len += n;
	return n;
}

/* q->lock held, queue not empty of blocks.  Unlinks the head block. */
static struct block *__qremove_first(struct queue *q)
{
	struct block *b = q->bfirst;

	QLOCK_HELD(q);

	q->bfirst = b->next;
	if (!q->bfirst)
		q->blast = NULL;
	b->next = NULL;
	return b;
}

/* q->lock held.  Copies b into the tail's free room if it fits there;
 * returns true if it did (the caller then frees b). */
static bool __qcoalesce(struct queue *q, struct block *b)
{
	struct block *t = q->blast;

	if (!(q->flags & Qcoalesce) || (q->flags & Qmsg) || !t)
		return false;
	if (t->extra_len || b->extra_len || BHLEN(b) > (size_t)(t->lim - t->wp))
		return false;
	memcpy(t->wp, b->rp, BHLEN(b));
	t->wp += BHLEN(b);
	q->len += BHLEN(b);
	return true;
}

/* Drops empty blocks from a list; returns what is left. */
static struct block *qstrip_empty(struct block *b)
{
	struct block *head = NULL, **tail = &head;

	while (b) {
		struct block *next = b->next;

		b->next = NULL;
		if (BLEN(b)) {
			*tail = b;
			tail = &b->next;
		} else {
			freeb(b);
		}
		b = next;
	}
	return head;
}

/* ================================================= transitions */

/* q->lock held. */
static void __qwake_begin(struct queue *q, struct qwake *w)
{
	QLOCK_HELD(q);
	w->readable = q->len > 0;
	w->writable = q->len < q->limit;
	w->filters = 0;
}

/* q->lock held. */
static void __qwake_end(struct queue *q, struct qwake *w)
{
	QLOCK_HELD(q);
	if (!w->readable && q->len > 0)
		w->filters |= QIO_WAKE_READABLE;
	if (!w->writable && q->len < q->limit)
		w->filters |= QIO_WAKE_WRITABLE;
	w->cb = q->wake_cb;
	w->data = q->wake_data;
}

/* q->lock not held.  Wakes the sleepers and tells the callback. */
static void qwake_fire(struct queue *q, const struct qwake *w)
{
	static const int order[] = { QIO_WAKE_READABLE, QIO_WAKE_WRITABLE,
	                             QIO_WAKE_HANGUP };

	if (!w->filters)        /* no transition: most reads and writes */
		return;
	if (w->filters & (QIO_WAKE_READABLE | QIO_WAKE_HANGUP))
		rendez_wakeup(&q->rr);
	if (w->filters & (QIO_WAKE_WRITABLE | QIO_WAKE_HANGUP))
		rendez_wakeup(&q->rw);
	if (!w->cb)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(order); i++)
		if (w->filters & order[i])
			w->cb(q, w->data, order[i]);
}

static bool qcond_readable(void *arg)
{
	struct queue *q = arg;

	return READ_ONCE(q->len) > 0 || READ_ONCE(q->closed);
}

static bool qcond_writable(void *arg)
{
	struct queue *q = arg;

	return READ_ONCE(q->len) < READ_ONCE(q->limit) || READ_ONCE(q->closed) ||
	       (READ_ONCE(q->flags) & Qdropoverflow);
}

/* ================================================= flow control */

/* Waits until a write may go in.  Returns 0 with q->lock held (*irq set),
 * or without it -EPIPE (msg filled in), -EAGAIN or -EINTR. */
static int qwait_room(struct queue *q, bool nonblock, uint64_t *irq,
                      char *msg)
{
	for (;;) {
		*irq = spin_lock_irqsave(&q->lock);
		if (q->closed) {
			strlcpy(msg, q->msg, ERRSTR_MAX);
			spin_unlock_irqrestore(&q->lock, *irq);
			return -EPIPE;
		}
		if (q->len < q->limit || (q->flags & Qdropoverflow))
			return 0;
		nonblock |= !!(q->flags & Qnonblock);
		spin_unlock_irqrestore(&q->lock, *irq);
		if (nonblock)
			return -EAGAIN;
		if (rendez_sleep(&q->rw, qcond_writable, q))
			return -EINTR;
	}
}

/* Waits for data.  Returns 0 (data) or 1 (EOF) with q->lock held (*irq
 * set), or without it -EAGAIN or -EINTR. */
static int qwait_data(struct queue *q, bool nonblock, uint64_t *irq)
{
	for (;;) {
		*irq = spin_lock_irqsave(&q->lock);
		if (q->len)
			return 0;
		if (q->closed || q->bypass)
			return 1;
		nonblock |= !!(q->flags & Qnonblock);
		spin_unlock_irqrestore(&q->lock, *irq);
		if (nonblock)
			return -EAGAIN;
		if (rendez_sleep(&q->rr, qcond_readable, q))
			return -EINTR;
	}
}

/* Raises the error for a failed wait (no lock held). */
static void __noreturn qraise(int err, const char *who, const char *msg)
{
	switch (err) {
	case -EPIPE:
		error(EPIPE, "%s: %s", who, msg[0] ? msg : "queue hung up");
	case -EAGAIN:
		error(EAGAIN, "%s: would block on a non-blocking queue", who);
	case -EINTR:
		error(EINTR, "%s: interrupted while waiting", who);
	default:
		error(-err, "%s: failed (%d)", who, err);
	}
}

void qset_wlock_class(struct queue *q, const char *cls)
{
	qlock_init(&q->wlock, cls);
}

void qsetlimit(struct queue *q, size_t limit)
{
	struct qwake w;
	uint64_t irq;

	if (limit == 0) {
		printk("qsetlimit: limit 0 ignored\n");
		return;
	}
	irq = spin_lock_irqsave(&q->lock);
	__qwake_begin(q, &w);
	q->limit = limit;
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	qwake_fire(q, &w);
}

static void qset_flag(struct queue *q, int flag, bool on)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);

	if (on)
		q->flags |= flag;
	else
		q->flags &= ~flag;
	spin_unlock_irqrestore(&q->lock, irq);
	if (on)         /* a sleeping writer may now go ahead (and drop) */
		rendez_wakeup(&q->rw);
}

void qdropoverflow(struct queue *q, bool on)
{
	qset_flag(q, Qdropoverflow, on);
}

void qnonblock(struct queue *q, bool on)
{
	qset_flag(q, Qnonblock, on);
}

/* ================================================= producer */

/* q->lock held, room checked (or Qdropoverflow).  Queues, coalesces or
 * drops the single non-empty block b.  Returns a block the caller must
 * free after unlocking, or NULL; *queued tells whether data went in. */
static struct block *__qadd(struct queue *q, struct block *b, bool *queued)
{
	QLOCK_HELD(q);
	*queued = false;
	if (q->len >= q->limit) {       /* only with Qdropoverflow */
		q->nr_dropped++;
		return b;
	}
	*queued = true;
	if (__qcoalesce(q, b))
		return b;
	__qappend(q, b);
	return NULL;
}

/* Hands b to the bypass function unless the queue is hung up. */
static int qbypass_write(struct queue *q, struct block *b, char *msg)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);
	bool closed = q->closed;

	if (closed)
		strlcpy(msg, q->msg, ERRSTR_MAX);
	spin_unlock_irqrestore(&q->lock, irq);
	if (closed) {
		freeblist(b);
		return -EPIPE;
	}
	q->bypass(q->arg, b);
	return 0;
}

/* Queues one non-empty block; the caller holds wlock if it wants to. */
static int qbwrite_one(struct queue *q, struct block *b, bool nonblock,
                       char *msg)
{
	struct block *spare;
	struct qwake w;
	uint64_t irq;
	bool queued;
	int ret;

	if (q->bypass)
		return qbypass_write(q, b, msg);
	ret = qwait_room(q, nonblock, &irq, msg);
	if (ret) {
		freeb(b);
		return ret;
	}
	__qwake_begin(q, &w);
	spare = __qadd(q, b, &queued);
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	freeb(spare);
	qwake_fire(q, &w);
	if (queued && q->kick)
		q->kick(q->arg);
	return 0;
}

static size_t qbwrite_common(struct queue *q, struct block *b, bool nonblock)
{
	char msg[ERRSTR_MAX];
	size_t n;
	int ret;

	if (b && b->next)
		b = concatblock(b);
	if (!b || BLEN(b) == 0) {
		freeb(b);
		return 0;
	}
	n = BLEN(b);
	sem_down(&q->wlock);
	ret = qbwrite_one(q, b, nonblock, msg);
	sem_up(&q->wlock);
	if (ret)
		qraise(ret, "qbwrite", msg);
	return n;
}

size_t qbwrite(struct queue *q, struct block *b)
{
	return qbwrite_common(q, b, false);
}

size_t qbwrite_nonblock(struct queue *q, struct block *b)
{
	return qbwrite_common(q, b, true);
}

/* Qkeep: the kept block if it has room for n bytes, emptied; else NULL
 * (a kept block too small is freed: the next read keeps another). */
static struct block *qkept_take(struct queue *q, size_t room)
{
	struct block *b;

	if (!READ_ONCE(q->kept))
		return NULL;
	b = __atomic_exchange_n(&q->kept, NULL, __ATOMIC_ACQUIRE);
	if (b && block_room(b) < room) {
		freeb(b);
		return NULL;
	}
	if (b)
		block_reset(b);
	return b;
}

/* Qkeep: b, read to its end, is kept for the next qwrite if it is plain,
 * small and the slot is free; else freed. */
static void qkeep_or_free(struct queue *q, struct block *b)
{
	struct block *empty = NULL;

	if ((READ_ONCE(q->flags) & Qkeep) && !b->extra_data &&
	    block_room(b) <= QIO_KEEP_MAX &&
	    __atomic_compare_exchange_n(&q->kept, &empty, b, false, __ATOMIC_RELEASE,
	                                __ATOMIC_RELAXED))
		return;
	freeb(b);
}

/* A block holding the n bytes at buf, with room for more if the queue
 * coalesces.  NULL only with MEM_ATOMIC. */
static struct block *qwrite_block(struct queue *q, const void *buf, size_t n,
                                  int mem_flags)
{
	size_t room = n;
	struct block *b;

	if ((READ_ONCE(q->flags) & (Qcoalesce | Qmsg)) == Qcoalesce)
		room = MAX(n, (size_t)QIO_COALESCE_ROOM);
	b = qkept_take(q, room);
	if (!b)
		b = block_alloc(room, mem_flags);
	if (!b)
		return NULL;
	memcpy(b->wp, buf, n);
	b->wp += n;
	return b;
}

static size_t qwrite_common(struct queue *q, const void *buf, size_t len,
                       bool nonblock)
{
	const uint8_t *p = buf;
	char msg[ERRSTR_MAX];
	size_t done = 0;
	int ret = 0;

	sem_down(&q->wlock);
	while (done < len) {
		size_t n = MIN(len - done, (size_t)QIO_MAX_BLOCK);

		ret = qbwrite_one(q, qwrite_block(q, p + done, n, MEM_WAIT),
		                  nonblock, msg);
		if (ret)
			break;
		done += n;
	}
	sem_up(&q->wlock);
	if (ret && !(ret == -EAGAIN && done))
		qraise(ret, "qwrite", msg);
	return done;
}

size_t qwrite(struct queue *q, const void *buf, size_t len)
{
	return qwrite_common(q, buf, len, false);
}

size_t qwrite_nonblock(struct queue *q, const void *buf, size_t len)
{
	return qwrite_common(q, buf, len, true);
}

/* Never blocks: queues b (one block) or says why not.  b is consumed. */
static ssize_t qiadd(struct queue *q, struct block *b)
{
	struct block *spare = NULL;
	size_t n = BLEN(b);
	struct qwake w;
	uint64_t irq;
	bool queued = false;
	ssize_t ret = n;

	irq = spin_lock_irqsave(&q->lock);
	__qwake_begin(q, &w);
	if (q->closed)
		ret = -EPIPE;
	else if (q->len >= q->limit && !(q->flags & Qdropoverflow))
		ret = -EAGAIN;
	else
		spare = __qadd(q, b, &queued);
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	freeb(ret < 0 ? b : spare);
	qwake_fire(q, &w);
	if (queued && q->kick)
		q->kick(q->arg);
	return ret;
}

ssize_t qiwrite(struct queue *q, const void *buf, size_t len)
{
	char msg[ERRSTR_MAX];
	struct block *b;

	if (len == 0)
		return 0;
	if (len > QIO_MAX_BLOCK)
		return -EINVAL;
	b = qwrite_block(q, buf, len, MEM_ATOMIC);
	if (!b)
		return -ENOMEM;
	if (q->bypass) {
		int ret = qbypass_write(q, b, msg);

		return ret ? ret : (ssize_t)len;
	}
	return qiadd(q, b);
}

ssize_t qpass(struct queue *q, struct block *b)
{
	char msg[ERRSTR_MAX];
	struct qwake w;
	uint64_t irq;
	ssize_t ret;

	b = qstrip_empty(b);
	if (!b)
		return 0;
	if (q->bypass) {
		size_t n = blocklen(b);
		int err = qbypass_write(q, b, msg);

		return err ? err : (ssize_t)n;
	}
	irq = spin_lock_irqsave(&q->lock);
	__qwake_begin(q, &w);
	if (q->closed) {
		ret = -EPIPE;
	} else if (q->len >= q->limit) {
		q->nr_dropped += block_list_count(b);
		ret = 0;
	} else {
		ret = __qappend(q, b);
		b = NULL;
	}
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	freeblist(b);
	qwake_fire(q, &w);
	if (ret > 0 && q->kick)
		q->kick(q->arg);
	return ret;
}

/* ================================================= consumer */

/* q->lock held, q->len > 0, rlock held.  Takes the blocks holding the
 * next bytes a read of len may return (only the head block if 'one');
 * sets *n to how many it returns.  Qmsg: one block, its unread rest
 * uncounted (discarded).  Otherwise the last block may hold more than
 * needed: its rest stays in q->len and must be given back (qputback). */
static struct block *__qtake(struct queue *q, size_t len, bool one, size_t *n)
{
	struct block *head = NULL, **tail = &head;
	size_t got = 0;

	QLOCK_HELD(q);
	if ((q->flags & Qmsg) || one) {
		head = __qremove_first(q);
		*n = MIN(len, BLEN(head));
		q->len -= (q->flags & Qmsg) ? BLEN(head) : *n;
		return head;
	}
	*n = MIN(len, q->len);
	while (got < *n) {
		struct block *b = __qremove_first(q);

		got += BLEN(b);
		*tail = b;
		tail = &b->next;
	}
	q->len -= *n;
	return head;
}

/* Puts the unread rest b back at the head, unless the queue was flushed
 * since the take (then the rest is gone: free it).  rlock held. */
static void qputback(struct queue *q, struct block *b, uint64_t gen)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);

	if (q->gen == gen) {
		b->next = q->bfirst;
		q->bfirst = b;
		if (!q->blast)
			q->blast = b;
		b = NULL;
	}
	spin_unlock_irqrestore(&q->lock, irq);
	freeb(b);
}

/* Takes under q->lock, then drops it.  Returns the list (NULL at EOF) or
 * a negative errno in *err; rlock held. */
static struct block *qtake(struct queue *q, size_t len, bool one,
                           bool nonblock, size_t *n, uint64_t *gen, int *err)
{
	struct block *list;
	struct qwake w;
	uint64_t irq;

	*err = qwait_data(q, nonblock, &irq);
	if (*err < 0)
		return NULL;
	if (*err == 1) {
		*err = 0;
		spin_unlock_irqrestore(&q->lock, irq);
		return NULL;
	}
	__qwake_begin(q, &w);
	list = __qtake(q, len, one, n);
	*gen = q->gen;
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	qwake_fire(q, &w);
	return list;
}

/* Frees the taken list after n bytes were read from it; gives back an
 * unread rest (not with Qmsg: that rest was discarded). */
static void qtake_done(struct queue *q, struct block *list, size_t n,
                       uint64_t gen)
{
	while (list) {
		struct block *next = list->next;

		list->next = NULL;
		n -= block_consume(list, n);
		if (BLEN(list) && !(READ_ONCE(q->flags) & Qmsg))
			qputback(q, list, gen);
		else
			qkeep_or_free(q, list);
		list = next;
	}
}

/* Takes the head block whole, or NULL when empty (EOF not told apart);
 * never blocks, never raises: the single consumer of a transmit queue,
 * IRQ context included.  Not mixed with qread/qbread on the same queue. */
struct block *qget(struct queue *q)
{
	struct block *b = NULL;
	struct qwake w;
	uint64_t irq;

	irq = spin_lock_irqsave(&q->lock);
	__qwake_begin(q, &w);
	if (q->bfirst) {
		b = __qremove_first(q);
		q->len -= BLEN(b);
	}
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	qwake_fire(q, &w);
	return b;
}

static size_t qread_common(struct queue *q, void *buf, size_t len, bool nonblock)
{
	struct block *list;
	uint64_t gen = 0;
	size_t n = 0;
	int err;

	if (len == 0)
		return 0;
	sem_down(&q->rlock);
	list = qtake(q, len, false, nonblock, &n, &gen, &err);
	if (list) {
		block_list_copy_out(list, buf, n);      /* q->lock not held */
		qtake_done(q, list, n, gen);
	}
	sem_up(&q->rlock);
	if (err)
		qraise(err, "qread", "");
	return n;
}

size_t qread(struct queue *q, void *buf, size_t len)
{
	return qread_common(q, buf, len, false);
}

size_t qread_nonblock(struct queue *q, void *buf, size_t len)
{
	return qread_common(q, buf, len, true);
}

/* The first n bytes of the taken list as one block; the rest goes back. */
static struct block *qbread_split(struct queue *q, struct block *b, size_t n,
                                  uint64_t gen)
{
	struct block *front;

	if (BLEN(b) <= n)
		return b;
	if (READ_ONCE(q->flags) & Qmsg) {
		block_truncate(b, n);
		return b;
	}
	front = copyblock(b, MEM_WAIT);
	block_truncate(front, n);
	block_consume(b, n);
	qputback(q, b, gen);
	return front;
}

static struct block *qbread_common(struct queue *q, size_t len, bool nonblock)
{
	struct block *b;
	uint64_t gen = 0;
	size_t n = 0;
	int err;

	if (len == 0)
		error(EINVAL, "qbread: length 0");
	sem_down(&q->rlock);
	b = qtake(q, len, true, nonblock, &n, &gen, &err);
	if (b)
		b = qbread_split(q, b, n, gen);
	sem_up(&q->rlock);
	if (err)
		qraise(err, "qbread", "");
	return b;
}

struct block *qbread(struct queue *q, size_t len)
{
	return qbread_common(q, len, false);
}

struct block *qbread_nonblock(struct queue *q, size_t len)
{
	return qbread_common(q, len, true);
}

size_t qdiscard(struct queue *q, size_t n)
{
	struct block *list;
	uint64_t gen = 0;
	size_t got = 0;
	int err;

	if (n == 0)
		return 0;
	sem_down(&q->rlock);
	list = qtake(q, n, false, true, &got, &gen, &err);
	if (list)
		qtake_done(q, list, got, gen);
	sem_up(&q->rlock);
	return got;
}

/* ================================================= hangup */

/* q->lock held.  Marks the queue hung up; true if it was not before. */
static bool __qhangup(struct queue *q, const char *msg)
{
	QLOCK_HELD(q);
	if (q->closed)
		return false;
	q->closed = true;
	strlcpy(q->msg, msg ? msg : "queue hung up", sizeof(q->msg));
	return true;
}

void qhangup(struct queue *q, const char *msg)
{
	struct qwake w;
	uint64_t irq = spin_lock_irqsave(&q->lock);

	__qwake_begin(q, &w);
	if (__qhangup(q, msg))
		w.filters |= QIO_WAKE_HANGUP;
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	qwake_fire(q, &w);
}

/* Detaches all data; returns it for freeing outside the lock. */
static struct block *__qflush(struct queue *q)
{
	struct block *b = q->bfirst;

	QLOCK_HELD(q);

	q->bfirst = q->blast = NULL;
	q->len = 0;
	q->gen++;
	return b;
}

static void qflush_common(struct queue *q, bool hangup)
{
	struct block *b;
	struct qwake w;
	uint64_t irq = spin_lock_irqsave(&q->lock);

	__qwake_begin(q, &w);
	if (hangup && __qhangup(q, NULL))
		w.filters |= QIO_WAKE_HANGUP;
	b = __qflush(q);
	__qwake_end(q, &w);
	spin_unlock_irqrestore(&q->lock, irq);
	freeblist(b);
	qwake_fire(q, &w);
}

void qflush(struct queue *q)
{
	qflush_common(q, false);
}

void qclose(struct queue *q)
{
	if (q)
		qflush_common(q, true);
}

void qreopen(struct queue *q)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);

	q->closed = false;
	q->msg[0] = '\0';
	spin_unlock_irqrestore(&q->lock, irq);
}

bool qisclosed(struct queue *q)
{
	return READ_ONCE(q->closed);
}

/* ================================================= life cycle and state */

static struct queue *qalloc(void)
{
	struct queue *q = kzmalloc(sizeof(*q), MEM_WAIT);

	spinlock_init(&q->lock, "queue");
	rendez_init(&q->rr);
	rendez_init(&q->rw);
	qlock_init(&q->rlock, "queue rlock");
	qlock_init(&q->wlock, "queue wlock");
	return q;
}

struct queue *qopen(int limit, int flags, void (*kick)(void *), void *arg)
{
	struct queue *q;

	if (limit <= 0) {
		printk("qopen: limit %d is not positive\n", limit);
		return NULL;
	}
	q = qalloc();
	q->limit = limit;
	q->flags = flags & (Qmsg | Qcoalesce | Qdropoverflow | Qnonblock | Qkeep);
	q->kick = kick;
	q->arg = arg;
	return q;
}

struct queue *qbypass(void (*bypass)(void *arg, struct block *b), void *arg)
{
	struct queue *q = qalloc();

	q->limit = 1;
	q->bypass = bypass;
	q->arg = arg;
	return q;
}

void qfree(struct queue *q)
{
	if (!q)
		return;
	qclose(q);
	freeb(q->kept);
	kfree(q);
}

void qio_set_wake_cb(struct queue *q, qio_wake_cb_t cb, void *data)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);

	q->wake_cb = cb;
	q->wake_data = data;
	spin_unlock_irqrestore(&q->lock, irq);
}

size_t qlen(struct queue *q)
{
	return READ_ONCE(q->len);
}

size_t qlimit(struct queue *q)
{
	return READ_ONCE(q->limit);
}

size_t qwindow(struct queue *q)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);
	size_t w = q->len < q->limit ? q->limit - q->len : 0;

	spin_unlock_irqrestore(&q->lock, irq);
	return w;
}

bool qcanread(struct queue *q)
{
	return qcond_readable(q) || q->bypass;  /* bypass: reads are EOF */
}

bool qcanwrite(struct queue *q)
{
	return qcond_writable(q);
}

size_t qnblocks(struct queue *q)
{
	uint64_t irq = spin_lock_irqsave(&q->lock);
	size_t n = block_list_count(q->bfirst);

	spin_unlock_irqrestore(&q->lock, irq);
	return n;
}

uint64_t qdropped(struct queue *q)
{
	return READ_ONCE(q->nr_dropped);
}

int qflags(struct queue *q)
{
	return READ_ONCE(q->flags);
}
