/* SPDX-License-Identifier: MIT */
/*
 * devsnap.c - read-only text files whose text is built once per open
 * (#mem's statistics, #kprof's report), so every read of one open file,
 * at any offset, sees the same snapshot; opening again gives fresh text.
 *
 * devsnap_open() builds the text into a slice kept in c->aux (an
 * immutable slice once built: slice.h rule 1, so reads need no lock);
 * devsnap_read() serves reads from it; devsnap_close() frees it.  The
 * device's open calls devsnap_open() after devopen() for its text files
 * only, and its close and read call the other two for them.
 */
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <ns.h>
#include <slice.h>

void devsnap_open(struct chan *c, void (*build)(struct slice *s, uint64_t path),
                  const char *dev)
{
	struct slice *s = kmalloc(sizeof(*s), MEM_WAIT);

	if (!s) {
		c->flag &= ~COPEN;
		error(ENOMEM, "#%s: no memory to open '%s'", dev, c->name ? c->name->s : "?");
	}
	slice_init(s);
	build(s, c->qid.path);
	if (slice_error(s)) {
		slice_free(s);
		kfree(s);
		c->flag &= ~COPEN;
		error(ENOMEM, "#%s: no memory for the text of '%s'", dev,
		      c->name ? c->name->s : "?");
	}
	c->aux = s;
}

size_t devsnap_read(struct chan *c, void *buf, size_t n, int64_t off, const char *dev)
{
	if (!c->aux)
		error(EINVAL, "#%s: read of '%s' that was not opened", dev,
		      c->name ? c->name->s : "?");
	return slice_read(c->aux, buf, n, off);
}

void devsnap_close(struct chan *c)
{
	struct slice *s = c->aux;

	if (!(c->flag & COPEN) || !s)
		return;
	c->aux = NULL;
	slice_free(s);
	kfree(s);
}
