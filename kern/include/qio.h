/* SPDX-License-Identifier: MIT */
/*
 * qio.h - queues of blocks between a producer and a consumer
 * (kern/src/ns/qio.c; model and locking: the comment at its top and
 * Documentation/kapi/qio.md).  Blocks themselves: block.h.
 *
 *	struct queue *q = qopen(64 * 1024, Qmsg, NULL, NULL);   // MEM_WAIT
 *	writer:  qwrite(q, buf, n);        // blocks while the queue is full
 *	reader:  n = qread(q, buf, len);   // blocks while it is empty; 0 = EOF
 *	either:  qhangup(q, "peer closed"); // readers drain then EOF, writers EPIPE
 *	owner:   qfree(q);
 *
 * Byte limit: a write may start while qlen(q) < limit (so the queue can
 * overshoot by one write's last block); a full queue blocks writers, or
 * fails them with error(EAGAIN) in non-blocking mode, or drops the data
 * (counted by qdropped()) with Qdropoverflow.
 *
 * Flags for qopen: Qmsg keeps message boundaries (a read returns bytes of
 * at most one block; the unread rest of that block is discarded, as in
 * Plan 9); Qcoalesce packs small writes into the free room of the last
 * queued block; Qdropoverflow and Qnonblock as set by qdropoverflow() and
 * qnonblock().  Qkeep (a pipe's ping-pong of small writes) keeps one block
 * that qread consumed to its end, if small and plain, for the next qwrite
 * that fits in it: one allocation and one free less per write and read;
 * qfree frees it (it counts in block_live_count meanwhile).
 *
 * Errors: qread/qwrite/qbread/qbwrite raise error() (err.h) and so need a
 * kthread with an error stack: EAGAIN (non-blocking and empty/full), EPIPE
 * (write after hangup, with the hangup message), EINTR (sleep aborted, see
 * rendez_abort_kthread), EINVAL (a bad length).  qiwrite and qpass never
 * block and never raise: they return a negative errno, so IRQ handlers can
 * use them.
 *
 * Wake callbacks (for FD taps): qio_set_wake_cb(q, cb, data) registers one
 * cb, called after the queue's lock is dropped, exactly once per
 * transition: QIO_WAKE_READABLE when the queue goes from empty to holding
 * bytes, QIO_WAKE_WRITABLE when it goes from full (len >= limit) to not
 * full, QIO_WAKE_HANGUP when it is hung up (once until qreopen).  cb may
 * run in IRQ context; it must not block, raise error() or sleep on q.
 *
 * Lifetime: the queue's owner (the device) frees it with qfree() once no
 * reader, writer or callback can touch it any more; qclose() does not free.
 */
#pragma once

#include <block.h>
#include <types.h>

struct queue;

/* qopen flags (also reported by qflags()). */
#define Qmsg          (1 << 0)   /* message mode: reads stop at block boundaries */
#define Qcoalesce     (1 << 1)   /* pack small writes into the tail block */
#define Qdropoverflow (1 << 2)   /* writes to a full queue are dropped, counted */
#define Qnonblock     (1 << 3)   /* reads/writes that would block: EAGAIN */
#define Qkeep         (1 << 4)   /* a block read to its end serves the next qwrite */

/* Wake callback filters (one per call). */
#define QIO_WAKE_READABLE (1 << 0)
#define QIO_WAKE_WRITABLE (1 << 1)
#define QIO_WAKE_HANGUP   (1 << 2)

typedef void (*qio_wake_cb_t)(struct queue *q, void *data, int filter);

/* Largest block qwrite() puts in the queue; longer writes are split. */
#define QIO_MAX_BLOCK (64 * 1024)

/* ------------------------------------------------------------ life cycle */

/* A queue holding at most about 'limit' bytes (limit > 0).  kick(arg), if
 * not NULL, is called after every write that queued data (output queues:
 * the device pulls the data out to the hardware); it runs without the
 * queue's lock and may be called from the writer's context, IRQ included
 * for qiwrite/qpass.  MEM_WAIT; NULL (and a printk) only for limit <= 0. */
struct queue *qopen(int limit, int flags, void (*kick)(void *), void *arg);
/* A queue whose writes never queue: qbwrite/qwrite/qiwrite/qpass hand each
 * block straight to bypass(arg, b), which owns it from then on.  Reads of
 * a bypass queue return EOF. */
struct queue *qbypass(void (*bypass)(void *arg, struct block *b), void *arg);
/* Hangs up and discards all data: readers get EOF at once. */
void qclose(struct queue *q);
/* qclose() then frees the queue.  NULL is ignored. */
void qfree(struct queue *q);
/* Makes a hung-up or closed queue usable again (not hung up, no message). */
void qreopen(struct queue *q);
/* Hangs up: readers get the queued bytes and then EOF (0); writers get
 * error(EPIPE, msg) (msg may be NULL: "queue hung up").  msg is copied. */
void qhangup(struct queue *q, const char *msg);
/* Discards all queued data (not a hangup). */
void qflush(struct queue *q);

/* ------------------------------------------------------------ producer */

/* Copies len bytes into blocks of at most QIO_MAX_BLOCK and queues them,
 * sleeping while the queue is full.  Returns len, or in non-blocking mode
 * the bytes queued before the queue filled (EAGAIN only if none were).
 * One qwrite's blocks are never interleaved with another writer's. */
size_t qwrite(struct queue *q, const void *buf, size_t len);
size_t qwrite_nonblock(struct queue *q, const void *buf, size_t len);
/* Queues b (consumed, even on error) as one message; sleeps while full.
 * Returns BLEN(b). */
size_t qbwrite(struct queue *q, struct block *b);
size_t qbwrite_nonblock(struct queue *q, struct block *b);
/* Never blocks, never raises; MEM_ATOMIC.  Returns len, or -EAGAIN (full,
 * nothing queued), -EPIPE (hung up), -ENOMEM, -EINVAL.  With
 * Qdropoverflow a full queue drops the data, counts it and returns len. */
ssize_t qiwrite(struct queue *q, const void *buf, size_t len);
/* Like qiwrite for a block list (consumed).  Returns the bytes queued,
 * 0 if dropped because full (always counted in qdropped), -EPIPE. */
ssize_t qpass(struct queue *q, struct block *b);

/* ------------------------------------------------------------ consumer */

/* Copies up to len bytes into buf, sleeping while the queue is empty.
 * Returns the bytes read (Qmsg: from one block), 0 at EOF (hung up and
 * drained) or for len 0. */
size_t qread(struct queue *q, void *buf, size_t len);
size_t qread_nonblock(struct queue *q, void *buf, size_t len);
/* Returns one block of at most len bytes (len > 0; the rest of the first
 * block stays queued, or is discarded with Qmsg), sleeping while empty;
 * NULL at EOF.  The caller frees it. */
struct block *qbread(struct queue *q, size_t len);
struct block *qbread_nonblock(struct queue *q, size_t len);
/* The head block, whole, or NULL if the queue holds none; never blocks,
 * never raises, any context (a driver draining its transmit queue).  For
 * a queue whose only consumer uses qget. */
struct block *qget(struct queue *q);
/* Discards up to n queued bytes (Qmsg: of one message) without waiting
 * for data (it does wait for a reader in progress); returns how many. */
size_t qdiscard(struct queue *q, size_t n);

/* ------------------------------------------------------------ state */

/* Bytes queued; the limit; bytes a writer may add before it is full. */
size_t qlen(struct queue *q);
size_t qlimit(struct queue *q);
size_t qwindow(struct queue *q);
/* A read would not block (data, or EOF); a write would not block. */
bool qcanread(struct queue *q);
bool qcanwrite(struct queue *q);
/* Hung up (or closed) and not reopened. */
bool qisclosed(struct queue *q);
/* Blocks currently queued (tests, statistics). */
size_t qnblocks(struct queue *q);
/* Writes dropped (Qdropoverflow, qpass on a full queue) since qopen. */
uint64_t qdropped(struct queue *q);
int qflags(struct queue *q);

/* ------------------------------------------------------------ settings */

/* Changes the limit (> 0); wakes writers and fires WRITABLE if that made
 * room. */
void qsetlimit(struct queue *q, size_t limit);
/* Names the lock-order class of q's writer lock (qopen's is "queue
 * wlock"), for a queue written from inside another queue's kick while that
 * queue's writer lock is held (a NIC's transmit queue fed by TCP's write
 * queue): two classes in one order, not one class nesting.  Call it right
 * after qopen, before any writer. */
void qset_wlock_class(struct queue *q, const char *cls);
void qdropoverflow(struct queue *q, bool on);
void qnonblock(struct queue *q, bool on);
/* Sets or (cb NULL) clears the wake callback.  After it returns, the old
 * callback may still be running on another core for one last event. */
void qio_set_wake_cb(struct queue *q, qio_wake_cb_t cb, void *data);
