/* SPDX-License-Identifier: MIT */
/*
 * slice.c - growable byte buffers (contract and concurrency rules:
 * kern/include/slice.h, Documentation/kapi/slice.md).
 *
 * The buffer always has one byte more than it holds, for the NUL that keeps
 * it a C string.  Growth doubles the capacity (at least SLICE_MIN_CAP) up to
 * SLICE_MAX; any failure is recorded in s->err and turns every later append
 * into a no-op, so builders check once at the end.  slice_printf formats
 * into the free space first and, if that was too short, grows to the exact
 * length reported by vsnprintf and formats again from a copy of the
 * arguments.  Nothing here takes a lock: the owner's rule applies.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <overflow.h>
#include <printk.h>
#include <slice.h>

#define SLICE_MIN_CAP 64

void slice_init(struct slice *s)
{
	s->buf = NULL;
	s->len = 0;
	s->cap = 0;
	s->err = 0;
}

void slice_free(struct slice *s)
{
	kfree(s->buf);
	slice_init(s);
}

int slice_error(const struct slice *s)
{
	return s->err;
}

/* The capacity to grow to so that 'need' bytes (NUL included) fit. */
static size_t slice_new_cap(size_t cap, size_t need)
{
	size_t c = cap < SLICE_MIN_CAP ? SLICE_MIN_CAP : cap;

	while (c < need)
		c *= 2;
	return c > SLICE_MAX + 1 ? SLICE_MAX + 1 : c;
}

int slice_reserve(struct slice *s, size_t more)
{
	size_t need;
	char *nbuf;

	if (s->err)
		return s->err;
	if (add_overflows(s->len, more, &need) || need > SLICE_MAX) {
		s->err = -EFBIG;
		return s->err;
	}
	need++;                 /* the NUL */
	if (need <= s->cap)
		return 0;
	need = slice_new_cap(s->cap, need);
	nbuf = krealloc(s->buf, need, MEM_WAIT);
	if (!nbuf) {
		s->err = -ENOMEM;
		return s->err;
	}
	if (!s->buf)
		nbuf[0] = '\0';
	s->buf = nbuf;
	s->cap = need;
	return 0;
}

int slice_append(struct slice *s, const void *p, size_t n)
{
	int ret = slice_reserve(s, n);

	if (ret)
		return ret;
	if (!s->buf)
		return 0;       /* n == 0 on an empty slice: nothing to do */
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return 0;
}

int slice_append_str(struct slice *s, const char *str)
{
	return slice_append(s, str, strlen(str));
}

int slice_vprintf(struct slice *s, const char *fmt, va_list ap)
{
	size_t room = s->cap ? s->cap - s->len : 0;
	va_list again;
	int n;

	if (s->err)
		return s->err;
	va_copy(again, ap);
	n = vsnprintf(room ? s->buf + s->len : NULL, room, fmt, ap);
	if (n < 0 || (size_t)n >= room) {
		/* Too short (or no buffer yet): grow to fit, format again. */
		if (n >= 0 && !slice_reserve(s, (size_t)n))
			n = vsnprintf(s->buf + s->len, s->cap - s->len, fmt, again);
		else if (n < 0)
			s->err = -EINVAL;
	}
	va_end(again);
	if (s->err) {
		if (s->buf)
			s->buf[s->len] = '\0';  /* undo a truncated attempt */
		return s->err;
	}
	s->len += (size_t)n;
	return 0;
}

int slice_printf(struct slice *s, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = slice_vprintf(s, fmt, ap);
	va_end(ap);
	return ret;
}

void slice_truncate(struct slice *s, size_t len)
{
	if (len >= s->len)
		return;
	s->len = len;
	s->buf[len] = '\0';
}

size_t slice_read(const struct slice *s, void *buf, size_t n, int64_t off)
{
	size_t avail;

	if (off < 0 || (uint64_t)off >= s->len)
		return 0;
	avail = s->len - (size_t)off;
	if (n > avail)
		n = avail;
	memcpy(buf, s->buf + off, n);
	return n;
}
