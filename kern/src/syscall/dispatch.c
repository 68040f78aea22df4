/* SPDX-License-Identifier: MIT */
/*
 * dispatch.c - the syscall dispatcher.
 *
 * The syscall instruction arrives with rdi = the user's array of struct
 * syscall and rsi = its length (syscall_entry.S builds the trap frame).
 * Every entry is run, in order (Akaros ran only the first): copy in the
 * record's num and the arguments its call declares (never the errstr; the
 * whole head, SYSC_HEAD_LEN bytes, when the inline copy cannot), check the
 * number, run the handler from the generated table, copy err and
 * retval out (the errstr only when the call failed, and only up to its
 * NUL), then set SC_DONE with one atomic update of the user's flags word.  A record that cannot be read or written (a bad
 * pointer) is skipped: there is nowhere to report to.  A call that acts on
 * the caller's context (SYSCALL_ATTR_CTX: yield, fork, exec, ...) must be
 * the last of its batch; elsewhere it fails with EINVAL and the batch goes
 * on.  This file is the one place where a failure becomes err + errstr:
 * sysc_fail() for the handlers' own checks, sysc_fail_from_kthread() for
 * what a sysfile.c call (the 9ns layer's error boundary) left in the
 * kthread, named after the syscall.
 *
 * The batch is armed once (not per call), at its first call that may
 * sleep (not nosleep, not a ctx call: a batch of null calls or a lone
 * yield makes no spare), so that a sleep from then on (a handler, or a
 * page fault while copying a later record) sends the user context back to
 * user space without waiting (syscall/async.c): this kthread finishes the batch on its own, each
 * record completing under the SC_K_LOCK protocol, and then exits.  A ctx
 * call in a batch that went asynchronous fails: the context has moved on.
 *
 * The batch's length is compared with p->sysc_batch_max, SYSC_MAX_BATCH
 * or 0 while the process is traced (strace.h): a longer batch takes
 * sysc_run_slow, which cuts it to SYSC_MAX_BATCH and records each call's
 * entry and exit if tracing is on.  So the tracer costs a process that is
 * not traced nothing but the test that was there for the length.
 */
#define SYSCALL_TABLE_DEFINE
#include <syscall.h>

#include <arch/uaccess.h>
#include <arch/user.h>
#include <cputime.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <kthread.h>
#include <printk.h>
#include <process.h>
#include <strace.h>
#include <uaccess.h>

int64_t sysc_fail(struct syscall_ctx *ctx, int err, const char *fmt, ...)
{
	va_list ap;

	ctx->failed = true;
	ctx->sc.err = err;
	va_start(ap, fmt);
	vsnprintf(ctx->sc.errstr, sizeof(ctx->sc.errstr), fmt, ap);
	va_end(ap);
	return -1;
}

int64_t sysc_fail_from_kthread(struct syscall_ctx *ctx, const char *call)
{
	const char *msg = get_errstr();
	size_t n = strlen(call);
	int err = get_errno() ? get_errno() : EIO;

	if (!strncmp(msg, call, n) && msg[n] == ':')
		return sysc_fail(ctx, err, "%s", msg);
	return sysc_fail(ctx, err, "%s: %s", call, msg);
}

char *sysc_copy_path(struct syscall_ctx *ctx, uint64_t uptr, uint64_t len, const char *what)
{
	char *path;

	if (len == 0) {
		sysc_fail(ctx, EINVAL, "%s: empty path", what);
		return NULL;
	}
	if (len > SYSC_MAX_PATH_LEN) {
		sysc_fail(ctx, ENAMETOOLONG, "%s: path of %lu bytes (at most %d)", what, len,
		          SYSC_MAX_PATH_LEN);
		return NULL;
	}
	path = kmalloc(len + 1, MEM_WAIT | MEM_USER);
	if (!path) {
		sysc_fail(ctx, ENOMEM, "%s: no memory for the path", what);
		return NULL;
	}
	if (copy_from_user(path, (const void *)uptr, len)) {
		kfree(path);
		sysc_fail(ctx, EFAULT, "%s: path at %#lx is not readable", what, uptr);
		return NULL;
	}
	path[len] = 0;
	if (strnlen(path, len) != len) {
		kfree(path);
		sysc_fail(ctx, EINVAL, "%s: path contains a NUL byte", what);
		return NULL;
	}
	return path;
}

/* -------------------------------------------------------- dispatching */

/* Runs d's handler where abort and kill can find it.  The batch is armed
 * to go asynchronous if it sleeps; a ctx call (always the last) needs the
 * context, so it runs disarmed. */
static __always_inline int64_t sysc_run_tracked(struct syscall_ctx *ctx, const struct syscall_desc *d)
{
	int64_t ret;

	ctx->fd = d->fd_arg >= 0 ? (int)(&ctx->sc.arg0)[d->fd_arg] : -1;
	if (!sysc_track_begin(ctx))
		return -1;
	if (d->attrs & SYSCALL_ATTR_CTX)
		sysc_disarm_detach(ctx);
	ret = d->handler(ctx);
	sysc_track_end(ctx);
	return ret;
}

/* d: num's entry, or NULL when num is past the table. */
static __always_inline int64_t sysc_run_handler(struct syscall_ctx *ctx,
                                                const struct syscall_desc *d, bool last)
{
	uint32_t num = ctx->sc.num;

	/* First the calls that need no check and no tracking (a nosleep call
	 * with a handler, not a ctx one: the generator allows that pair, so
	 * it takes the checks below). */
	if (d && (d->attrs & (SYSCALL_ATTR_NOSLEEP | SYSCALL_ATTR_CTX)) == SYSCALL_ATTR_NOSLEEP &&
	    d->handler)
		return d->handler(ctx);
	if (!d || !d->name)
		return sysc_fail(ctx, ENOSYS, "no syscall number %u", num);
	if (!d->handler)
		return sysc_fail(ctx, ENOSYS, "%s is reserved for %s", d->name, d->reserved_for);
	if ((d->attrs & SYSCALL_ATTR_CTX) && !last)
		return sysc_fail(ctx, EINVAL, "%s acts on the caller's context: it must be "
		                 "the last call of its batch", d->name);
	if ((d->attrs & SYSCALL_ATTR_CTX) && ctx->detached)
		return sysc_fail(ctx, EINVAL, "%s: an earlier call of this batch slept, and "
		                 "the caller's context went on without it", d->name);
	if (d->attrs & SYSCALL_ATTR_NOSLEEP)
		return d->handler(ctx);         /* nothing to abort: no tracking */
	if (!(d->attrs & SYSCALL_ATTR_CTX) && !ctx->armed)
		sysc_arm_detach(ctx);           /* once, at the first call that may sleep */
	return sysc_run_tracked(ctx, d);
}

static __always_inline const struct syscall_desc *sysc_desc(uint32_t num)
{
	return num < SYS_MAX_NR ? &syscall_table[num] : NULL;
}

/* The record's num and the arguments its call declares (d->nargs: a
 * handler reads no other), copied inline when the head lies below
 * USER_LIMIT and nothing faults (true: the record's range is checked,
 * and *d is num's entry); else copy_from_user (which faults pages in and
 * retries) copies the whole head and decides *ok.  The head's last word
 * is read too (and dropped): a head that is not all readable takes the
 * slow path whatever its call, as when the whole head was copied. */
static __always_inline bool sysc_copy_head(struct syscall_ctx *ctx, uintptr_t usc,
                                           const struct syscall_desc **d, bool *ok)
{
	const struct syscall *u = (const struct syscall *)usc;
	uint32_t num, last;

	*ok = false;
	if (user_range_ok(usc, SYSC_HEAD_LEN)) {
		UACCESS_LOAD_U32_OR(num, &u->num, slow);
		UACCESS_LOAD_U32_OR(last, (const char *)&u->arg5 + 4, slow);
		(void)last;
		ctx->sc.num = num;
		*d = sysc_desc(num);
		if (!*d || !(*d)->nargs ||
		    !uaccess_copy_words(&ctx->sc.arg0, &u->arg0, (*d)->nargs))
			return true;
	}
slow:
	*ok = !copy_from_user(&ctx->sc, (const void *)usc, SYSC_HEAD_LEN);
	*d = sysc_desc(ctx->sc.num);
	return false;
}

/* The common completion (sysc_complete does the same in general): a
 * success on an aligned record whose range sysc_copy_head checked and
 * whose flags the user left 0.  err, retval and SC_DONE in one inline
 * block; false if anything is otherwise (a fault, SC_UEVENT set), and
 * then sysc_complete does it all again. */
static __always_inline bool sysc_complete_quick(struct syscall_ctx *ctx)
{
	if (ctx->sc.err || ctx->no_complete || (ctx->usc & 7))
		return false;
	UACCESS_SYSC_DONE_OR((struct syscall *)ctx->usc, ctx->sc.retval, SC_DONE, other);
	return true;
other:
	return false;
}

/* One record of the batch.  tr is NULL unless the process is traced
 * (strace.h): the fast loop passes a constant NULL, so the compiler drops
 * the tracer's calls from it. */
static __always_inline void sysc_run_one(struct syscall_ctx *ctx, uintptr_t usc, bool last,
                                         struct strace_rec *tr)
{
	const struct syscall_desc *d;
	bool checked, ok;

	ctx->usc = usc;
	ctx->failed = false;
	ctx->no_complete = false;
	/* Only what a handler reads: num and the arguments, not the errstr. */
	checked = sysc_copy_head(ctx, usc, &d, &ok);
	if (!checked && !ok)
		return;                 /* nowhere to report: skip the entry */
	ctx->sc.err = 0;                /* the errstr is written with any err */
	if (tr)
		strace_enter(ctx, tr);
	ctx->sc.retval = sysc_run_handler(ctx, d, last);
	if (ctx->sc.retval == -1 && !ctx->failed && ctx->sc.err == 0) {
		ctx->sc.err = EIO;      /* a handler bug must not look like success */
		ctx->sc.errstr[0] = 0;
	}
	if (tr)
		strace_exit(ctx, tr);
	if (!checked || !sysc_complete_quick(ctx))
		sysc_complete(ctx);
}

/* The slow path of a batch: one longer than SYSC_MAX_BATCH (cut to it), or
 * any batch of a traced process (p->sysc_batch_max is 0 then), which gets
 * a record at each call's entry and exit. */
static __attribute__((noinline)) void sysc_run_slow(struct syscall_ctx *ctx, uintptr_t arr,
                                                    size_t n)
{
	struct strace_rec rec;
	struct strace_rec *tr = READ_ONCE(ctx->p->strace_on) ? &rec : NULL;

	if (n > SYSC_MAX_BATCH)
		n = SYSC_MAX_BATCH;
	for (size_t i = 0; i < n; i++)
		sysc_run_one(ctx, arr + i * sizeof(struct syscall), i + 1 == n, tr);
}

void syscall_entry_c(struct hw_trapframe *tf)
{
	uintptr_t arr = tf->rdi;
	size_t n = tf->rsi;
	/* On the stack: a call that ends the process never comes back here.
	 * Not zeroed as a whole: sysc_run_one sets what each call uses. */
	struct syscall_ctx ctx;

	cputime_user_exit();
	ctx.kt = kthread_current();
	ctx.p = ctx.kt->proc;
	ctx.tf = tf;
	ctx.detached = false;
	ctx.armed = false;
	/* One test chooses the slow path: a long batch, or tracing on. */
	if (unlikely(n > READ_ONCE(ctx.p->sysc_batch_max)))
		sysc_run_slow(&ctx, arr, n);
	else
		for (size_t i = 0; i < n; i++)
			sysc_run_one(&ctx, arr + i * sizeof(struct syscall), i + 1 == n, NULL);
	if (ctx.armed)
		sysc_disarm_detach(&ctx);
	if (ctx.detached)
		sysc_detached_exit(&ctx);
	user_before_return(tf);
}
