/* SPDX-License-Identifier: MIT */
/*
 * kt_qio.c - ktests of queues (qio.h) and blocks (block.h), suite qio:
 * byte limits, message mode, coalescing, Qdropoverflow counts,
 * non-blocking EAGAIN both ways, a blocked reader (and writer) woken from
 * another core, hangup and EOF, qclose/qreopen, wake callbacks firing
 * exactly once per transition, partial reads with qread and qbread,
 * bypass, kick, an aborted sleep (EINTR), and Qkeep's reuse of a
 * consumed block.
 *
 * Every test also checks block_live_count() is back where it started (on
 * top of the runner's page/slab/kmalloc leak checks).  Errors raised by
 * qio are caught by the qt_* wrappers and returned as an errno.
 */
#include <atomic.h>
#include <block.h>
#include <core_id.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <ktest.h>
#include <qio.h>
#include <rendez.h>
#include <time.h>

#define QT_WAIT_MS 20000

/* ------------------------------------------------------------ helpers */

/* Wrappers that catch error(): 0 or the errno raised. */
static int qt_read(struct queue *q, void *buf, size_t len, bool nb, size_t *got)
{
	ERRSTACK(1);

	*got = 0;
	if (waserror())
		return get_errno();
	*got = nb ? qread_nonblock(q, buf, len) : qread(q, buf, len);
	poperror();
	return 0;
}

static int qt_write(struct queue *q, const void *buf, size_t len, bool nb,
                    size_t *put)
{
	ERRSTACK(1);

	*put = 0;
	if (waserror())
		return get_errno();
	*put = nb ? qwrite_nonblock(q, buf, len) : qwrite(q, buf, len);
	poperror();
	return 0;
}

static int qt_bread(struct queue *q, size_t len, bool nb, struct block **out)
{
	ERRSTACK(1);

	*out = NULL;
	if (waserror())
		return get_errno();
	*out = nb ? qbread_nonblock(q, len) : qbread(q, len);
	poperror();
	return 0;
}

/* Writes a string; true if all of it went in without error. */
static bool qt_puts(struct queue *q, const char *s)
{
	size_t put;

	return qt_write(q, s, strlen(s), false, &put) == 0 && put == strlen(s);
}

/* Reads up to len-1 bytes into a NUL-terminated buf; returns the count. */
static size_t qt_gets(struct queue *q, char *buf, size_t len)
{
	size_t got;

	if (qt_read(q, buf, len - 1, true, &got))
		got = 0;
	buf[got] = '\0';
	return got;
}

static bool qt_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (strncmp(hay, needle, n) == 0)
			return true;
	return false;
}

static uint32_t qt_other_core(void)
{
	return num_cores > 1 ? (core_id() + 1) % num_cores : core_id();
}

static bool qt_wait_atomic(atomic_t *ctr, int64_t want)
{
	uint64_t end = nsec_now() + QT_WAIT_MS * NSEC_PER_MSEC;

	while (atomic_read(ctr) < want) {
		if (nsec_now() > end)
			return false;
		kthread_usleep(200);
	}
	return true;
}

static struct kthread *qt_start(void (*fn)(void *), void *arg)
{
	struct kthread *kt = kthread_create(fn, arg, "kt_qio");

	kthread_get(kt);
	kthread_run_on(kt, qt_other_core());
	return kt;
}

/* ------------------------------------------------------------ limits */

KTEST(qio, byte_limit_and_window)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(100, 0, NULL, NULL);
	char buf[200] = { 0 };
	size_t n;

	KT_ASSERT(q);
	KT_ASSERT_EQ(qwindow(q), 100);
	KT_ASSERT_EQ(qt_write(q, buf, 60, true, &n), 0);
	KT_ASSERT_EQ(qt_write(q, buf, 60, true, &n), 0);   /* 60 < 100: goes in */
	KT_ASSERT_EQ(qlen(q), 120);
	KT_ASSERT_EQ(qwindow(q), 0);
	KT_ASSERT(!qcanwrite(q));
	KT_ASSERT_EQ(qt_write(q, buf, 1, true, &n), EAGAIN);
	KT_ASSERT_EQ(qt_read(q, buf, 50, true, &n), 0);
	KT_ASSERT_EQ(n, 50);
	KT_ASSERT_EQ(qwindow(q), 30);
	qsetlimit(q, 50);
	KT_ASSERT_EQ(qt_write(q, buf, 1, true, &n), EAGAIN);
	qsetlimit(q, 1000);
	KT_ASSERT_EQ(qwindow(q), 930);
	KT_ASSERT(qopen(0, 0, NULL, NULL) == NULL);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ reads */

KTEST(qio, message_mode_keeps_boundaries)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(1024, Qmsg, NULL, NULL);
	char buf[64];

	KT_ASSERT(qt_puts(q, "hello") && qt_puts(q, "world!!") && qt_puts(q, "x"));
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 5);
	KT_ASSERT(strcmp(buf, "hello") == 0);
	KT_ASSERT_EQ(qt_gets(q, buf, 4), 3);                /* rest discarded */
	KT_ASSERT(strcmp(buf, "wor") == 0);
	KT_ASSERT_EQ(qlen(q), 1);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 1);
	KT_ASSERT(strcmp(buf, "x") == 0);
	KT_ASSERT_EQ(qlen(q), 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, byte_mode_partial_reads_cross_blocks)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(1024, 0, NULL, NULL);
	char buf[64];

	KT_ASSERT(qt_puts(q, "abcdef") && qt_puts(q, "ghij"));
	KT_ASSERT_EQ(qnblocks(q), 2);
	KT_ASSERT_EQ(qt_gets(q, buf, 5), 4);
	KT_ASSERT(strcmp(buf, "abcd") == 0);
	KT_ASSERT_EQ(qnblocks(q), 2);                       /* rest put back */
	KT_ASSERT_EQ(qlen(q), 6);
	KT_ASSERT_EQ(qt_gets(q, buf, 5), 4);
	KT_ASSERT(strcmp(buf, "efgh") == 0);
	KT_ASSERT_EQ(qnblocks(q), 1);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 2);
	KT_ASSERT(strcmp(buf, "ij") == 0);
	KT_ASSERT_EQ(qdiscard(q, 10), 0);
	KT_ASSERT(qt_puts(q, "0123456789"));
	KT_ASSERT_EQ(qdiscard(q, 3), 3);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 7);
	KT_ASSERT(strcmp(buf, "3456789") == 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, qbread_partial_blocks)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(1024, 0, NULL, NULL);
	struct queue *m = qopen(1024, Qmsg, NULL, NULL);
	struct block *b;
	char buf[16];

	KT_ASSERT(qt_puts(q, "0123456789") && qt_puts(q, "ab"));
	KT_ASSERT_EQ(qt_bread(q, 4, true, &b), 0);
	KT_ASSERT(b && BLEN(b) == 4 && memcmp(b->rp, "0123", 4) == 0);
	freeb(b);
	KT_ASSERT_EQ(qlen(q), 8);
	KT_ASSERT_EQ(qt_bread(q, 100, true, &b), 0);        /* one block only */
	KT_ASSERT(b && BLEN(b) == 6 && memcmp(b->rp, "456789", 6) == 0);
	freeb(b);
	KT_ASSERT_EQ(qlen(q), 2);
	KT_ASSERT_EQ(qt_bread(q, 0, true, &b), EINVAL);
	KT_ASSERT(qt_puts(m, "0123456789"));
	KT_ASSERT_EQ(qt_bread(m, 4, true, &b), 0);
	KT_ASSERT(b && BLEN(b) == 4);
	freeb(b);
	KT_ASSERT_EQ(qlen(m), 0);
	KT_ASSERT_EQ(qt_bread(m, 4, true, &b), EAGAIN);
	KT_ASSERT(b == NULL);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 2);
	qfree(q);
	qfree(m);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ writes */

KTEST(qio, coalescing_packs_small_writes)
{
	int64_t live = block_live_count();
	struct queue *c = qopen(4096, Qcoalesce, NULL, NULL);
	struct queue *p = qopen(4096, 0, NULL, NULL);
	char buf[16], big[600] = { 0 };
	size_t n;

	for (char ch = '0'; ch <= '9'; ch++) {
		KT_ASSERT_EQ(qiwrite(c, &ch, 1), 1);
		KT_ASSERT_EQ(qiwrite(p, &ch, 1), 1);
	}
	KT_ASSERT_EQ(qnblocks(c), 1);
	KT_ASSERT_EQ(qnblocks(p), 10);
	KT_ASSERT_EQ(qlen(c), 10);
	KT_ASSERT_EQ(block_live_count(), live + 11);
	qfree(p);
	KT_ASSERT(qt_puts(c, "abc"));
	KT_ASSERT(qt_puts(c, "de"));
	KT_ASSERT_EQ(qnblocks(c), 1);
	KT_ASSERT_EQ(qt_write(c, big, sizeof(big), false, &n), 0); /* no room */
	KT_ASSERT_EQ(qnblocks(c), 2);
	KT_ASSERT_EQ(qt_gets(c, buf, sizeof(buf)), 15);
	KT_ASSERT(strcmp(buf, "0123456789abcde") == 0);
	KT_ASSERT_EQ(qlen(c), sizeof(big));
	qfree(c);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* Qkeep: a block read to its end waits for the next write that fits in it
 * (no new block), a bigger write allocates as before, a partly read block
 * is not kept, and qfree frees the kept one. */
KTEST(qio, keep_reuses_a_consumed_block)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(4096, Qkeep, NULL, NULL);
	char buf[1200], big[1100];
	size_t n;

	memset(big, 'b', sizeof(big));
	for (int i = 0; i < 4; i++) {
		KT_ASSERT(qt_puts(q, "x"));
		KT_ASSERT_EQ(block_live_count(), live + 1);     /* the kept one, reused */
		KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 1);
		KT_ASSERT(strcmp(buf, "x") == 0);
		KT_ASSERT_EQ(block_live_count(), live + 1);     /* kept, not freed */
	}
	KT_ASSERT_EQ(qt_write(q, big, sizeof(big), false, &n), 0);     /* too big for it */
	KT_ASSERT_EQ(n, sizeof(big));
	KT_ASSERT_EQ(block_live_count(), live + 1);     /* the small one freed */
	KT_ASSERT_EQ(qt_gets(q, buf, 11), 10);          /* a partial read keeps nothing */
	KT_ASSERT_EQ(block_live_count(), live + 1);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), sizeof(big) - 10);
	KT_ASSERT(buf[0] == 'b' && buf[sizeof(big) - 11] == 'b');
	KT_ASSERT_EQ(block_live_count(), live + 1);     /* now kept: 1100 bytes of room */
	KT_ASSERT(qt_puts(q, "yz"));
	KT_ASSERT_EQ(block_live_count(), live + 1);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 2);
	KT_ASSERT(strcmp(buf, "yz") == 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, dropoverflow_counts_drops)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(10, Qdropoverflow, NULL, NULL);
	char buf[32] = "abcdefgh";
	size_t n;

	KT_ASSERT_EQ(qt_write(q, buf, 8, false, &n), 0);
	KT_ASSERT_EQ(qt_write(q, buf, 8, false, &n), 0);    /* 8 < 10: queued */
	KT_ASSERT_EQ(qt_write(q, buf, 8, false, &n), 0);    /* full: dropped */
	KT_ASSERT_EQ(n, 8);
	KT_ASSERT_EQ(qdropped(q), 1);
	KT_ASSERT_EQ(qiwrite(q, buf, 4), 4);
	KT_ASSERT_EQ(qdropped(q), 2);
	KT_ASSERT_EQ(qpass(q, allocb(0)), 0);               /* empty: nothing */
	KT_ASSERT_EQ(qlen(q), 16);
	qdropoverflow(q, false);
	KT_ASSERT_EQ(qiwrite(q, buf, 4), -EAGAIN);
	KT_ASSERT_EQ(qdropped(q), 2);
	KT_ASSERT_EQ(qt_write(q, buf, 8, true, &n), EAGAIN);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, nonblock_eagain_both_directions)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(10, 0, NULL, NULL);
	static char big[QIO_MAX_BLOCK + 100];
	struct block *b;
	size_t n;

	qnonblock(q, true);
	KT_ASSERT_EQ(qt_read(q, big, 10, false, &n), EAGAIN);
	KT_ASSERT_MSG(qt_contains(get_errstr(), "qread"), "errstr '%s'", get_errstr());
	KT_ASSERT_EQ(qt_bread(q, 10, false, &b), EAGAIN);
	KT_ASSERT_EQ(qt_write(q, big, 10, false, &n), 0);
	KT_ASSERT_EQ(qt_write(q, big, 1, false, &n), EAGAIN);
	qnonblock(q, false);
	KT_ASSERT_EQ(qt_write(q, big, 1, true, &n), EAGAIN); /* per-call form */
	KT_ASSERT_EQ(qt_read(q, big, 100, true, &n), 0);
	KT_ASSERT_EQ(n, 10);
	KT_ASSERT_EQ(qt_read(q, big, 100, true, &n), EAGAIN);
	/* A partial non-blocking write returns what went in. */
	KT_ASSERT_EQ(qt_write(q, big, sizeof(big), true, &n), 0);
	KT_ASSERT_EQ(n, QIO_MAX_BLOCK);
	KT_ASSERT_EQ(qlen(q), QIO_MAX_BLOCK);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ cross-core */

struct qt_io {
	struct queue *q;
	char buf[64];
	size_t len;
	size_t done;            /* bytes moved */
	int err;                /* errno caught, or 0 */
	atomic_t started;
	atomic_t finished;
};

static void qt_io_init(struct qt_io *io, struct queue *q, size_t len)
{
	memset(io, 0, sizeof(*io));
	io->q = q;
	io->len = len;
}

static void qt_reader_fn(void *arg)
{
	struct qt_io *io = arg;

	atomic_inc(&io->started);
	io->err = qt_read(io->q, io->buf, io->len, false, &io->done);
	rendez_abort_clear();           /* an abort is sticky until cleared */
	atomic_inc(&io->finished);
}

static void qt_writer_fn(void *arg)
{
	struct qt_io *io = arg;

	atomic_inc(&io->started);
	io->err = qt_write(io->q, io->buf, io->len, false, &io->done);
	atomic_inc(&io->finished);
}

KTEST(qio, blocked_reader_woken_by_writer)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(1024, 0, NULL, NULL);
	struct qt_io io;
	struct kthread *kt;

	qt_io_init(&io, q, 32);
	kt = qt_start(qt_reader_fn, &io);
	KT_ASSERT(qt_wait_atomic(&io.started, 1));
	kthread_usleep(5000);
	KT_ASSERT_EQ(atomic_read(&io.finished), 0);        /* really asleep */
	KT_ASSERT(qt_puts(q, "wake up"));
	kthread_join(kt);
	KT_ASSERT_EQ(io.err, 0);
	KT_ASSERT_EQ(io.done, 7);
	KT_ASSERT(memcmp(io.buf, "wake up", 7) == 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, blocked_writer_woken_by_reader)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(8, 0, NULL, NULL);
	struct qt_io io;
	struct kthread *kt;
	char buf[32];

	KT_ASSERT(qt_puts(q, "12345678"));                  /* full */
	qt_io_init(&io, q, 4);
	memcpy(io.buf, "WXYZ", 4);
	kt = qt_start(qt_writer_fn, &io);
	KT_ASSERT(qt_wait_atomic(&io.started, 1));
	kthread_usleep(5000);
	KT_ASSERT_EQ(atomic_read(&io.finished), 0);
	KT_ASSERT_EQ(qt_gets(q, buf, 3), 2);                /* 6 < 8: room */
	kthread_join(kt);
	KT_ASSERT_EQ(io.err, 0);
	KT_ASSERT_EQ(io.done, 4);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 10);
	KT_ASSERT(strcmp(buf, "345678WXYZ") == 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, aborted_reader_gets_eintr)
{
	struct queue *q = qopen(64, 0, NULL, NULL);
	struct qt_io io;
	struct kthread *kt;

	qt_io_init(&io, q, 8);
	kt = qt_start(qt_reader_fn, &io);
	KT_ASSERT(qt_wait_atomic(&io.started, 1));
	kthread_usleep(5000);
	KT_ASSERT_EQ(atomic_read(&io.finished), 0);        /* really asleep */
	rendez_abort_kthread(kt);
	kthread_join(kt);
	KT_ASSERT_EQ(io.err, EINTR);
	KT_ASSERT_EQ(io.done, 0);
	KT_ASSERT(qt_puts(q, "still usable"));              /* rlock released */
	qfree(q);
}

/* Two writers on other cores push numbered 4-byte records through a
 * 64-byte queue; the reader sees every record once, each writer's in
 * order, and EOF after the hangup. */
#define QT_RECORDS 1000

struct qt_stream {
	struct queue *q;
	uint8_t id;
	int err;
};

static void qt_stream_writer(void *arg)
{
	struct qt_stream *w = arg;
	uint8_t rec[4];
	size_t n;

	for (uint32_t i = 0; i < QT_RECORDS && !w->err; i++) {
		rec[0] = w->id;
		rec[1] = i & 0xff;
		rec[2] = i >> 8;
		rec[3] = 0x5a;
		w->err = qt_write(w->q, rec, 4, false, &n);
	}
}

/* Reads until EOF, checking records; returns an error description. */
static const char *qt_stream_check(struct queue *q, uint32_t next[2],
                                   int *total)
{
	uint8_t buf[64], rec[4];
	size_t got, have = 0;

	for (;;) {
		if (qt_read(q, buf, 1 + *total % sizeof(buf), false, &got))
			return "read failed";
		if (got == 0)
			return have ? "EOF inside a record" : NULL;
		for (size_t i = 0; i < got; i++) {
			rec[have++] = buf[i];
			if (have < 4)
				continue;
			have = 0;
			if (rec[0] > 1 || rec[3] != 0x5a)
				return "torn record";
			if ((uint32_t)(rec[1] | rec[2] << 8) != next[rec[0]]++)
				return "record out of order";
			(*total)++;
		}
	}
}

struct qt_closer {
	struct queue *q;
	struct kthread *writers[2];
};

/* Waits for both writers, then hangs up so the reader sees EOF. */
static void qt_stream_closer(void *arg)
{
	struct qt_closer *c = arg;

	kthread_join(c->writers[0]);
	kthread_join(c->writers[1]);
	qhangup(c->q, NULL);
}

KTEST(qio, two_writers_one_reader_stream)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(64, 0, NULL, NULL);
	struct qt_stream w[2] = { { .q = q, .id = 0 }, { .q = q, .id = 1 } };
	struct qt_closer c = { .q = q };
	uint32_t next[2] = { 0, 0 };
	struct kthread *closer;
	const char *why;
	int total = 0;

	for (int i = 0; i < 2; i++)
		c.writers[i] = qt_start(qt_stream_writer, &w[i]);
	closer = qt_start(qt_stream_closer, &c);
	why = qt_stream_check(q, next, &total);         /* on this core */
	kthread_join(closer);
	KT_ASSERT_MSG(why == NULL, "%s after %d records", why, total);
	KT_ASSERT_EQ(w[0].err, 0);
	KT_ASSERT_EQ(w[1].err, 0);
	KT_ASSERT_EQ(total, 2 * QT_RECORDS);
	KT_ASSERT_EQ(next[0], QT_RECORDS);
	KT_ASSERT_EQ(next[1], QT_RECORDS);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ hangup */

KTEST(qio, hangup_drains_then_eof_and_epipe)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(64, 0, NULL, NULL);
	char buf[16];
	size_t n;

	KT_ASSERT(qt_puts(q, "abc"));
	qhangup(q, "peer went away");
	KT_ASSERT(qisclosed(q));
	KT_ASSERT(qcanread(q));
	KT_ASSERT_EQ(qt_write(q, "x", 1, false, &n), EPIPE);
	KT_ASSERT_MSG(qt_contains(get_errstr(), "peer went away"), "errstr '%s'",
	              get_errstr());
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 3);
	KT_ASSERT_EQ(qt_read(q, buf, 8, false, &n), 0);     /* EOF, no sleep */
	KT_ASSERT_EQ(n, 0);
	KT_ASSERT_EQ(qiwrite(q, "x", 1), -EPIPE);
	KT_ASSERT_EQ(qpass(q, allocb(4)), 0);               /* empty: freed */
	qreopen(q);
	KT_ASSERT(!qisclosed(q));
	KT_ASSERT(qt_puts(q, "again"));
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 5);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, hangup_wakes_blocked_reader_and_close_discards)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(64, 0, NULL, NULL);
	struct qt_io io;
	struct kthread *kt;
	char buf[8];
	size_t n;

	qt_io_init(&io, q, 8);
	kt = qt_start(qt_reader_fn, &io);
	KT_ASSERT(qt_wait_atomic(&io.started, 1));
	kthread_usleep(5000);
	qhangup(q, NULL);
	kthread_join(kt);
	KT_ASSERT_EQ(io.err, 0);
	KT_ASSERT_EQ(io.done, 0);                           /* EOF */
	qreopen(q);
	KT_ASSERT(qt_puts(q, "lost"));
	qclose(q);
	KT_ASSERT_EQ(qlen(q), 0);
	KT_ASSERT_EQ(qt_read(q, buf, 8, false, &n), 0);
	KT_ASSERT_EQ(n, 0);
	KT_ASSERT_EQ(qt_write(q, "x", 1, false, &n), EPIPE);
	KT_ASSERT_MSG(qt_contains(get_errstr(), "queue hung up"), "errstr '%s'",
	              get_errstr());
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ callbacks */

struct qt_wake_count {
	int readable, writable, hangup, bad;
	struct queue *q;
};

static void qt_wake_cb(struct queue *q, void *data, int filter)
{
	struct qt_wake_count *c = data;

	if (q != c->q)
		c->bad++;
	if (filter == QIO_WAKE_READABLE)
		c->readable++;
	else if (filter == QIO_WAKE_WRITABLE)
		c->writable++;
	else if (filter == QIO_WAKE_HANGUP)
		c->hangup++;
	else
		c->bad++;
}

KTEST(qio, wake_callback_once_per_transition)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(10, 0, NULL, NULL);
	struct qt_wake_count c = { .q = q };
	char buf[32];

	qio_set_wake_cb(q, qt_wake_cb, &c);
	KT_ASSERT(qt_puts(q, "ab"));
	KT_ASSERT(qt_puts(q, "cd"));                        /* still readable */
	KT_ASSERT_EQ(c.readable, 1);
	KT_ASSERT(qt_puts(q, "efghij"));                    /* now full */
	KT_ASSERT_EQ(c.writable, 0);
	KT_ASSERT_EQ(qt_gets(q, buf, 2), 1);                /* 9 < 10 */
	KT_ASSERT_EQ(c.writable, 1);
	KT_ASSERT_EQ(qt_gets(q, buf, 2), 1);
	KT_ASSERT_EQ(c.writable, 1);                        /* no transition */
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 8);
	KT_ASSERT_EQ(c.readable, 1);
	KT_ASSERT_EQ(qiwrite(q, "0123456789", 10), 10);     /* empty -> full */
	KT_ASSERT_EQ(c.readable, 2);
	qsetlimit(q, 20);                                   /* room again */
	KT_ASSERT_EQ(c.writable, 2);
	qsetlimit(q, 30);
	KT_ASSERT_EQ(c.writable, 2);
	qhangup(q, "bye");
	qhangup(q, "bye again");
	KT_ASSERT_EQ(c.hangup, 1);
	qreopen(q);
	qclose(q);                                          /* hangup + flush */
	KT_ASSERT_EQ(c.hangup, 2);
	KT_ASSERT_EQ(c.readable, 2);
	KT_ASSERT_EQ(c.bad, 0);
	qio_set_wake_cb(q, NULL, NULL);
	qreopen(q);
	KT_ASSERT(qt_puts(q, "quiet"));
	KT_ASSERT_EQ(c.readable, 2);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ kick, bypass */

struct qt_sink {
	int calls;
	size_t bytes;
	char data[32];
};

static void qt_kick(void *arg)
{
	((struct qt_sink *)arg)->calls++;
}

static void qt_bypass_fn(void *arg, struct block *b)
{
	struct qt_sink *s = arg;
	size_t n = MIN(BLEN(b), sizeof(s->data) - s->bytes);

	s->calls++;
	s->bytes += block_copy_out(b, 0, s->data + s->bytes, n);
	freeb(b);
}

KTEST(qio, kick_runs_after_queued_writes)
{
	int64_t live = block_live_count();
	struct qt_sink s = { 0 };
	struct queue *q = qopen(8, Qdropoverflow, qt_kick, &s);

	KT_ASSERT(qt_puts(q, "abc"));
	KT_ASSERT_EQ(s.calls, 1);
	KT_ASSERT_EQ(qiwrite(q, "defghi", 6), 6);
	KT_ASSERT_EQ(s.calls, 2);
	KT_ASSERT_EQ(qiwrite(q, "j", 1), 1);                /* dropped: no kick */
	KT_ASSERT_EQ(qdropped(q), 1);
	KT_ASSERT_EQ(s.calls, 2);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

KTEST(qio, bypass_skips_the_queue)
{
	int64_t live = block_live_count();
	struct qt_sink s = { 0 };
	struct queue *q = qbypass(qt_bypass_fn, &s);
	struct block *b = allocb(2);
	char buf[4];
	size_t n;

	KT_ASSERT(qt_puts(q, "xyz"));
	memcpy(b->wp, "12", 2);
	b->wp += 2;
	KT_ASSERT_EQ(qbwrite(q, b), 2);
	KT_ASSERT_EQ(qiwrite(q, "!", 1), 1);
	KT_ASSERT_EQ(s.calls, 3);
	KT_ASSERT_EQ(s.bytes, 6);
	KT_ASSERT(memcmp(s.data, "xyz12!", 6) == 0);
	KT_ASSERT_EQ(qlen(q), 0);
	KT_ASSERT_EQ(qt_read(q, buf, 4, false, &n), 0);     /* EOF, no sleep */
	KT_ASSERT_EQ(n, 0);
	qhangup(q, "bypass closed");
	KT_ASSERT_EQ(qt_write(q, "x", 1, false, &n), EPIPE);
	KT_ASSERT_EQ(s.calls, 3);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}

/* ------------------------------------------------------------ blocks */

KTEST(qio, blocks_extra_data_through_queue)
{
	int64_t live = block_live_count();
	struct queue *q = qopen(1024, 0, NULL, NULL);
	struct block *b = allocb(3);
	char *ext = kmalloc(8, MEM_WAIT);
	char buf[16];

	memcpy(b->wp, "hdr", 3);
	b->wp += 3;
	memcpy(ext, "--data--", 8);
	KT_ASSERT_EQ(block_append_extra(b, ext, 2, 4, MEM_WAIT), 0);
	KT_ASSERT_EQ(BLEN(b), 7);
	KT_ASSERT_EQ(qbwrite(q, b), 7);
	KT_ASSERT_EQ(qt_gets(q, buf, 6), 5);                /* splits extra data */
	KT_ASSERT(strcmp(buf, "hdrda") == 0);
	KT_ASSERT_EQ(qt_gets(q, buf, sizeof(buf)), 2);
	KT_ASSERT(strcmp(buf, "ta") == 0);
	qfree(q);
	KT_ASSERT_EQ(block_live_count(), live);
}
