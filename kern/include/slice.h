/* SPDX-License-Identifier: MIT */
/*
 * slice.h - growable byte buffers, the way synthetic files build their
 * contents (#mem, #version, #env, ...) without guessing a size.
 *
 *	struct slice s;
 *
 *	slice_init(&s);
 *	slice_printf(&s, "free %zu\n", nr_free);
 *	slice_append(&s, raw, raw_len);
 *	if (slice_error(&s)) {                  // checked once, at the end
 *		slice_free(&s);
 *		error(ENOMEM, "mem: out of memory building the stats");
 *	}
 *	n = slice_read(&s, ubuf, n, off);       // serve read(2) at an offset
 *	slice_free(&s);
 *
 * Model: 'buf' holds 'len' bytes in 'cap' allocated bytes; whenever buf is
 * not NULL, buf[len] is a NUL, so a slice built from text is also a C
 * string.  Growth doubles the capacity (kmalloc, MEM_WAIT: may sleep, never
 * in IRQ context or under a spinlock).  A failed allocation, or a length
 * past SLICE_MAX, makes the slice sticky-failed: the bytes so far stay, later
 * appends do nothing, and slice_error() returns -ENOMEM (or -EFBIG) until
 * slice_free().  So a builder may append many pieces and check once.
 *
 * Concurrency: a slice has no lock of its own.  Exactly one of these holds
 * for every slice, and its owner says which at the declaration:
 *   1. built by one kthread, then published immutable: after publication
 *      nobody appends, any number of readers call slice_read()/slice_str(),
 *      and it is freed only once no reader can reach it (e.g. by the last
 *      close of the chan that holds it in c->aux);
 *   2. guarded by its owner's lock (a qlock/sem, since growth may sleep):
 *      every append, read and free happens with that lock held.
 * Core code: functions return 0 or a negative errno and never call error().
 */
#pragma once

#include <types.h>

#define SLICE_MAX   (64UL << 20)   /* largest slice: a synthetic file, not a disk */

struct slice {
	char *buf;      /* kmalloc'd, or NULL while empty */
	size_t len;     /* bytes in use */
	size_t cap;     /* bytes allocated (buf[len] is always NUL when buf != NULL) */
	int err;        /* 0, or the sticky -ENOMEM / -EFBIG of a failed growth */
};

/* An empty slice (no allocation yet). */
void slice_init(struct slice *s);
/* Frees the buffer and returns s to the empty state; s may be reused. */
void slice_free(struct slice *s);
/* Makes room for 'more' bytes past len.  0 or the (sticky) error. */
int slice_reserve(struct slice *s, size_t more);
/* Appends n bytes (n may be 0).  0 or the (sticky) error. */
int slice_append(struct slice *s, const void *p, size_t n);
/* Appends a NUL-terminated string, without its NUL. */
int slice_append_str(struct slice *s, const char *str);
/* Appends formatted text (printk.h conversions).  0 or the (sticky) error. */
int slice_printf(struct slice *s, const char *fmt, ...) __printf(2, 3);
int slice_vprintf(struct slice *s, const char *fmt, va_list ap);
/* Drops everything past 'len' (a no-op if len >= s->len); keeps the memory. */
void slice_truncate(struct slice *s, size_t len);
/* 0, or the error that made the slice stop growing. */
int slice_error(const struct slice *s);

/*
 * Copies up to n bytes starting at byte 'off' into buf; returns the count
 * (0 at or past the end, or for a negative offset).  For read(2) on a file
 * whose contents are the slice.
 */
size_t slice_read(const struct slice *s, void *buf, size_t n, int64_t off);

/* The contents as a C string ("" for an empty slice); valid until the next
 * append or slice_free(). */
static inline const char *slice_str(const struct slice *s)
{
	return s->buf ? s->buf : "";
}

static inline size_t slice_len(const struct slice *s)
{
	return s->len;
}
