/* SPDX-License-Identifier: MIT */
/*
 * err.c - the error stacks of err.h.
 *
 * Each kthread owns a struct errstate (in struct kthread): a linked list of
 * waserror() frames living in its callers' stack frames, and the errno and
 * message of the last error().  error() formats the message, pops the
 * innermost frame and longjmps to it; the frame's waserror() then returns
 * non-zero.  nexterror() does the same from inside an error branch (the
 * frame it ran under was already popped by error()).  set_error() records
 * an errno and message the same way without unwinding, for a boundary that
 * fails before (or without) running anything that raises.
 *
 * The frame checks are there because error-stack bugs otherwise corrupt a
 * stack far from their cause: pushing past ERRSTACK's room, popping a frame
 * that is not the innermost, and error() with interrupts off or no frame all
 * panic with a message.
 */
#include <arch/irq.h>
#include <assert.h>
#include <err.h>
#include <kstring.h>
#include <kthread.h>
#include <printk.h>

struct errstate *errstate_current(void)
{
	return &kthread_current()->err;
}

void errframe_push(struct errframe *f, struct errframe *limit)
{
	struct errstate *es = errstate_current();

	if (f >= limit)
		panic("waserror(): more frames than ERRSTACK declared");
	f->prev = es->top;
	es->top = f;
}

void errframe_pop(struct errframe *f)
{
	struct errstate *es = errstate_current();

	if (es->top != f)
		panic("poperror(): frame %p is not the innermost (%p)", f, es->top);
	es->top = f->prev;
}

static void __noreturn error_unwind(struct errstate *es)
{
	struct errframe *f = es->top;

	if (!f)
		panic("error() with no waserror() frame: errno %d, '%s'",
		      es->errno_, es->errstr);
	if (!irq_is_enabled())
		panic("error() with interrupts off (spinlock held?): '%s'", es->errstr);
	es->top = f->prev;
	kj_longjmp(&f->jb, 1);
}

/* Records errno_ and the formatted message in this kthread's error state. */
static struct errstate *errstate_vrecord(int errno_, const char *fmt, va_list ap)
{
	struct errstate *es = errstate_current();

	es->errno_ = errno_;
	vsnprintf(es->errstr, sizeof(es->errstr), fmt, ap);
	return es;
}

void error(int errno_, const char *fmt, ...)
{
	struct errstate *es;
	va_list ap;

	va_start(ap, fmt);
	es = errstate_vrecord(errno_, fmt, ap);
	va_end(ap);
	error_unwind(es);
}

int set_error(int errno_, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errstate_vrecord(errno_, fmt, ap);
	va_end(ap);
	return -1;
}

void nexterror(void)
{
	error_unwind(errstate_current());
}

int get_errno(void)
{
	return errstate_current()->errno_;
}

const char *get_errstr(void)
{
	return errstate_current()->errstr;
}

void set_errstr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	errstate_vrecord(get_errno(), fmt, ap);   /* the message only */
	va_end(ap);
}
