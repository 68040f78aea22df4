/* SPDX-License-Identifier: MIT */
/*
 * strace.c - the syscall tracer's buffer (strace.h): switching a process's
 * tracing on and off, the records the syscall path posts, and the readers
 * of #proc/PID/strace.
 *
 * Model: one producer side (every traced kthread, at each syscall's entry
 * and exit: strace_enter/strace_exit build a record on the dispatcher's
 * stack and strace_post copies it into the ring) and one consumer side
 * (readers, which take records in order and format them outside the
 * lock).  The ring keeps STRACE_NR_RECS records; when it is full a new
 * record is dropped and counted, and the next record kept carries the
 * count, so a reader gets a "D N records dropped" line at the gap (or
 * before the end, if nothing was kept after it).  A reader waits on st->rv
 * until there is a record or no process has tracing on any more (the end).
 *
 * Copies from user memory (the first bytes of paths and buffers) use
 * copy_from_user: a bad pointer marks the slot unreadable and the line
 * shows the address.  A copy may fault pages in and so sleep, like the
 * handler's own copies.
 *
 * Locks: p->lock ("proc") -> st->lock ("strace", irqsave) -> st->rv's.
 * p->strace, p->strace_on and p->sysc_batch_max (0 while tracing is on,
 * which sends every batch down the dispatcher's slow path) change under
 * p->lock; the syscall path reads them without it (p->strace stays until strace_proc_gone, which runs
 * after p's syscalls have drained).
 */
#include <strace.h>

#include <core_id.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <mcp.h>
#include <process.h>
#include <syscall.h>
#include <sysfile.h>
#include <time.h>
#include <uaccess.h>

_Static_assert(STRACE_AT_FDCWD == AT_FDCWD, "strace.h's AT_FDCWD");

/* ------------------------------------------------------ the buffer */

static struct strace *strace_alloc(void)
{
	struct strace *st = kzmalloc(sizeof(*st), MEM_WAIT);

	if (!st)
		return NULL;
	st->recs = kmalloc_array(STRACE_NR_RECS, sizeof(*st->recs), MEM_WAIT);
	if (!st->recs) {
		kfree(st);
		return NULL;
	}
	kref_init(&st->ref);
	spinlock_init(&st->lock, "strace");
	rendez_init(&st->rv);
	return st;
}

static void strace_release(struct kref *ref)
{
	struct strace *st = container_of(ref, struct strace, ref);

	kfree(st->recs);
	kfree(st);
}

static void strace_put(struct strace *st)
{
	kref_put(&st->ref, strace_release);
}

/* One process fewer with tracing on: readers may have reached the end. */
static void strace_drop_on(struct strace *st)
{
	uint64_t flags = spin_lock_irqsave(&st->lock);

	st->nr_on--;
	spin_unlock_irqrestore(&st->lock, flags);
	rendez_wakeup(&st->rv);
}

/* ------------------------------------------------ switching it on/off */

/* With p->lock held: tracing on into p->strace (which exists). */
static void __strace_set_on(struct proc *p, bool follow)
{
	struct strace *st = p->strace;
	uint64_t flags = spin_lock_irqsave(&st->lock);

	st->follow = follow;
	if (!p->strace_on)
		st->nr_on++;
	spin_unlock_irqrestore(&st->lock, flags);
	WRITE_ONCE(p->strace_on, true);
	WRITE_ONCE(p->sysc_batch_max, 0);       /* every batch: the slow path */
}

/* With p->lock held: tracing off (the fast path again). */
static void __strace_set_off(struct proc *p)
{
	WRITE_ONCE(p->strace_on, false);
	WRITE_ONCE(p->sysc_batch_max, SYSC_MAX_BATCH);
}

int strace_on(struct proc *p, bool follow)
{
	struct strace *fresh = NULL;
	uint64_t flags;
	int ret = 0;

	for (;;) {
		flags = spin_lock_irqsave(&p->lock);
		if (p->strace || fresh || p->state >= PROC_DYING)
			break;
		spin_unlock_irqrestore(&p->lock, flags);
		fresh = strace_alloc();
		if (!fresh)
			return -ENOMEM;
	}
	if (p->state >= PROC_DYING) {
		ret = -ESRCH;
	} else {
		if (!p->strace) {
			p->strace = fresh;
			fresh = NULL;
		}
		__strace_set_on(p, follow);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (fresh)
		strace_put(fresh);
	return ret;
}

int strace_off(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct strace *st = p->strace_on ? p->strace : NULL;

	if (st) {
		__strace_set_off(p);
		kref_get(&st->ref);
	}
	spin_unlock_irqrestore(&p->lock, flags);
	if (!st)
		return -EINVAL;
	strace_drop_on(st);
	strace_put(st);
	return 0;
}

void strace_inherit(struct proc *child, struct proc *creator)
{
	struct strace *st = NULL;
	uint64_t flags, sflags;

	if (!creator || !READ_ONCE(creator->strace_on))
		return;
	flags = spin_lock_irqsave(&creator->lock);
	if (creator->strace_on) {
		sflags = spin_lock_irqsave(&creator->strace->lock);
		if (creator->strace->follow) {
			st = creator->strace;
			kref_get(&st->ref);
		}
		spin_unlock_irqrestore(&creator->strace->lock, sflags);
	}
	spin_unlock_irqrestore(&creator->lock, flags);
	if (!st)
		return;
	flags = spin_lock_irqsave(&child->lock);
	child->strace = st;
	__strace_set_on(child, true);
	spin_unlock_irqrestore(&child->lock, flags);
}

void strace_proc_gone(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct strace *st = p->strace;
	bool on = p->strace_on;

	p->strace = NULL;
	__strace_set_off(p);
	spin_unlock_irqrestore(&p->lock, flags);
	if (!st)
		return;
	if (on)
		strace_drop_on(st);
	strace_put(st);
}

/* ---------------------------------------------------------- records */

static const struct syscall_desc *strace_desc(uint32_t num)
{
	return num < SYS_MAX_NR && syscall_table[num].name ? &syscall_table[num] : NULL;
}

static void strace_post(struct strace *st, const struct strace_rec *r)
{
	uint64_t flags = spin_lock_irqsave(&st->lock);
	struct strace_rec *slot;

	if (st->wr - st->rd >= STRACE_NR_RECS) {
		st->dropped++;
		spin_unlock_irqrestore(&st->lock, flags);
		return;
	}
	slot = &st->recs[st->wr % STRACE_NR_RECS];
	*slot = *r;
	slot->dropped_before = st->dropped;
	st->dropped = 0;
	st->wr++;
	spin_unlock_irqrestore(&st->lock, flags);
	rendez_wakeup(&st->rv);
}

static void strace_rec_head(struct strace_rec *r, struct syscall_ctx *ctx, uint8_t kind)
{
	struct mcp_vcore *vc = mcp_vcore_current();

	r->ts_ns = nsec_now();
	r->pid = ctx->p->pid;
	r->vcore = vc ? vc->id : STRACE_NO_VCORE;
	r->core = core_id();
	r->kind = kind;
}

/* The first bytes of len at uptr into data slot s. */
static void strace_copy(struct strace_rec *r, unsigned int s, uint64_t uptr, uint64_t len)
{
	size_t n = len < STRACE_DATA_MAX ? len : STRACE_DATA_MAX;

	r->bad &= (uint8_t)~(1u << s);
	r->data_len[s] = (uint8_t)n;
	if (n && copy_from_user(r->data[s], (const void *)uptr, n))
		r->bad |= (uint8_t)(1u << s);
}

/* The data slots in argument order (strace_fmt.c reads them so): paths
 * and buffers the call reads at the entry, buffers it filled at the exit
 * (retval bytes of them, when it succeeded). */
static void strace_capture(struct strace_rec *r, const struct syscall_desc *d, bool at_exit)
{
	unsigned int slot = 0;

	for (unsigned int i = 0; d && i < d->nargs && i < 5; i++) {
		uint8_t k = d->argk[i];
		unsigned int s;

		if (k != SYSCALL_ARG_PATH && k != SYSCALL_ARG_INBUF && k != SYSCALL_ARG_OUTBUF)
			continue;
		s = slot++;
		if (s >= STRACE_NR_DATA)
			return;
		if (k != SYSCALL_ARG_OUTBUF && !at_exit)
			strace_copy(r, s, r->args[i], r->args[i + 1]);
		else if (k == SYSCALL_ARG_OUTBUF && at_exit && !r->err && r->retval >= 0)
			strace_copy(r, s, r->args[i],
			            MIN((uint64_t)r->retval, r->args[i + 1]));
	}
}

void strace_enter(struct syscall_ctx *ctx, struct strace_rec *r)
{
	struct strace *st = READ_ONCE(ctx->p->strace);

	if (!st)
		return;
	memset(r, 0, __builtin_offsetof(struct strace_rec, data));
	strace_rec_head(r, ctx, STRACE_ENTER);
	r->num = ctx->sc.num;
	memcpy(r->args, &ctx->sc.arg0, sizeof(r->args));
	r->errstr[0] = '\0';
	strace_capture(r, strace_desc(r->num), false);
	strace_post(st, r);
}

void strace_exit(struct syscall_ctx *ctx, struct strace_rec *r)
{
	struct strace *st = READ_ONCE(ctx->p->strace);

	if (!st)
		return;
	strace_rec_head(r, ctx, STRACE_EXIT);
	r->retval = ctx->sc.retval;
	r->err = ctx->sc.err;
	if (r->err)
		strlcpy(r->errstr, ctx->sc.errstr, sizeof(r->errstr));
	strace_capture(r, strace_desc(r->num), true);
	strace_post(st, r);
}

/* ---------------------------------------------------------- readers */

struct strace *strace_open(struct proc *p)
{
	uint64_t flags = spin_lock_irqsave(&p->lock);
	struct strace *st = p->strace;

	if (st)
		kref_get(&st->ref);
	spin_unlock_irqrestore(&p->lock, flags);
	return st;
}

void strace_close(struct strace *st)
{
	strace_put(st);
}

static bool strace_readable(void *arg)
{
	struct strace *st = arg;

	return READ_ONCE(st->wr) != READ_ONCE(st->rd) || READ_ONCE(st->nr_on) == 0;
}

/* The next line into rd: true, or false if there is none now (*end: and
 * there will be none). */
static bool strace_next_line(struct strace *st, struct strace_reader *rd, bool *end)
{
	uint64_t flags = spin_lock_irqsave(&st->lock), dropped = 0;
	struct strace_rec *rec, r;

	*end = false;
	if (st->rd == st->wr) {
		*end = st->nr_on == 0;
		if (*end && st->dropped) {
			dropped = st->dropped;
			st->dropped = 0;
			*end = false;
		}
		spin_unlock_irqrestore(&st->lock, flags);
		if (!dropped)
			return false;
		rd->len = strace_format_dropped(dropped, rd->line, sizeof(rd->line));
		rd->pos = 0;
		return true;
	}
	rec = &st->recs[st->rd % STRACE_NR_RECS];
	dropped = rec->dropped_before;
	rec->dropped_before = 0;
	if (!dropped) {
		r = *rec;
		st->rd++;
	}
	spin_unlock_irqrestore(&st->lock, flags);
	if (dropped)
		rd->len = strace_format_dropped(dropped, rd->line, sizeof(rd->line));
	else
		rd->len = strace_format(&r, strace_desc(r.num), rd->line, sizeof(rd->line));
	rd->pos = 0;
	return true;
}

ssize_t strace_read(struct strace *st, struct strace_reader *rd, char *buf, size_t n,
                    bool wait)
{
	size_t got = 0;
	bool end = false;
	int err;

	while (got < n) {
		if (rd->pos < rd->len) {
			size_t m = MIN(n - got, rd->len - rd->pos);

			memcpy(buf + got, rd->line + rd->pos, m);
			rd->pos += m;
			got += m;
			continue;
		}
		if (strace_next_line(st, rd, &end))
			continue;
		if (got || end)
			break;
		if (!wait)
			return -EAGAIN;
		err = rendez_sleep(&st->rv, strace_readable, st);
		if (err)
			return err;
	}
	return (ssize_t)got;
}
