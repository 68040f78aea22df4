/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/cpio.c - libFuzzer target for the newc parser
 * (kern/src/lib/cpio.c, linked alone with -Ikern/include).
 *
 * Feeds arbitrary bytes to cpio_parse() and checks, beyond the sanitizers'
 * own out-of-bounds and UB checks, the parser's promises: the result is 0
 * or -EBADMSG; every delivered entry's name and data lie inside the input,
 * the name is NUL-terminated at name_len, entries come in increasing
 * offset order and end before st.end; a malformed input reports a reason
 * and an offset inside the input.  Any broken promise aborts (a crash for
 * libFuzzer).
 */
#include <cpio.h>
#include <errno.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz_state {
	const uint8_t *base;
	size_t len;
	size_t last_offset;
	unsigned int count;
};

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static int fz_entry(const struct cpio_entry *e, void *arg)
{
	struct fz_state *s = arg;
	const uint8_t *name = (const uint8_t *)e->name;

	FZ_CHECK(name >= s->base && name + e->name_len < s->base + s->len);
	FZ_CHECK(name[e->name_len] == '\0');
	FZ_CHECK(strlen(e->name) == e->name_len);
	FZ_CHECK(e->offset + CPIO_HDR_LEN <= s->len);
	FZ_CHECK(s->count == 0 || e->offset > s->last_offset);
	if (e->size) {
		FZ_CHECK(e->data >= s->base && e->data <= s->base + s->len);
		FZ_CHECK(e->size <= (size_t)(s->base + s->len - e->data));
	}
	s->last_offset = e->offset;
	s->count++;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_state s = { .base = data, .len = size };
	struct cpio_status st;
	int ret = cpio_parse(data, size, fz_entry, &s, &st);

	FZ_CHECK(ret == 0 || ret == -EBADMSG);
	FZ_CHECK(st.nr_entries == s.count);
	FZ_CHECK(st.end <= size);
	FZ_CHECK(s.count == 0 || s.last_offset < st.end);
	if (ret == -EBADMSG) {
		FZ_CHECK(st.why != NULL);
		FZ_CHECK(st.bad_offset <= size);
	}
	return 0;
}
