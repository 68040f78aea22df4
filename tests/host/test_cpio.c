/* SPDX-License-Identifier: MIT */
/*
 * test_cpio.c - host tests of the newc parser (kern/src/lib/cpio.c).
 *
 * Archives are built here (ar_add/ar_trailer write exact newc headers) into
 * heap buffers of exactly the archive's size, so ASan catches any read past
 * the end.  Covered: a normal archive of files, dirs and a symlink with
 * every field decoded; 070702 checksums; the trailer ending the parse with
 * junk after it ignored; every proper prefix of a valid archive failing
 * with a bad offset inside the archive and delivering only whole entries;
 * one hostile field at a time (non-hex digits, bad magic, name sizes 0, 1
 * and huge, a missing NUL, a NUL inside the name, non-zero padding, file
 * sizes past the end or near 2^32, directory with data, unknown types,
 * empty or NUL-holding symlink targets, a non-zero check in 070701); a
 * callback that stops the parse; and random byte corruption.
 */
#include <cpio.h>
#include <errno.h>

#include <stdio.h>
#include <string.h>

#include "htest.h"

/* ------------------------------------------------ archive builder --- */

struct ar {
	unsigned char buf[1 << 16];
	size_t len;
};

static void ar_pad(struct ar *a)
{
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* Appends an entry with a header built from the given values. */
static void ar_add_raw(struct ar *a, const char *magic, uint32_t mode, const char *name,
                       uint32_t namesize, const void *data, uint32_t size,
                       uint32_t check)
{
	char hdr[CPIO_HDR_LEN + 1];

	snprintf(hdr, sizeof(hdr),
	         "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic,
	         7u, mode, 1000u, 100u, 1u, 1700000000u, size, 0u, 0u, 0u, 0u,
	         namesize, check);
	HT_ASSERT(a->len + CPIO_HDR_LEN + strlen(name) + 1 + size + 8 < sizeof(a->buf));
	memcpy(a->buf + a->len, hdr, CPIO_HDR_LEN);
	a->len += CPIO_HDR_LEN;
	memcpy(a->buf + a->len, name, strlen(name) + 1);
	a->len += strlen(name) + 1;
	ar_pad(a);
	if (size)
		memcpy(a->buf + a->len, data, size);
	a->len += size;
	ar_pad(a);
}

static void ar_add(struct ar *a, uint32_t mode, const char *name, const char *data)
{
	uint32_t size = data ? (uint32_t)strlen(data) : 0;

	ar_add_raw(a, "070701", mode, name, (uint32_t)strlen(name) + 1, data, size, 0);
}

static void ar_trailer(struct ar *a)
{
	ar_add(a, 0, "TRAILER!!!", NULL);
}

/* A small archive: a dir, two files, a symlink. */
static void ar_sample(struct ar *a)
{
	a->len = 0;
	ar_add(a, CPIO_S_IFDIR | 0755, "etc", NULL);
	ar_add(a, CPIO_S_IFREG | 0644, "etc/motd", "hello from the initramfs\n");
	ar_add(a, CPIO_S_IFREG | 0600, "etc/empty", NULL);
	ar_add(a, CPIO_S_IFLNK | 0777, "motd", "etc/motd");
	ar_trailer(a);
}

/* --------------------------------------------------- collecting --- */

#define MAX_SEEN 64

struct seen {
	int n;
	struct cpio_entry e[MAX_SEEN];
	char names[MAX_SEEN][64];
	int stop_after;         /* > 0: fail the callback after this many */
};

static int collect(const struct cpio_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->stop_after && s->n == s->stop_after)
		return -ENOSPC;
	if (s->n < MAX_SEEN) {
		s->e[s->n] = *e;
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", e->name);
	}
	s->n++;
	return 0;
}

/* Parses an exact-size heap copy of the first len bytes. */
static int parse_copy(const void *buf, size_t len, struct seen *s, struct cpio_status *st)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	HT_ASSERT(copy);
	memcpy(copy, buf, len);
	memset(s, 0, sizeof(*s));
	ret = cpio_parse(copy, len, collect, s, st);
	free(copy);
	return ret;
}

static int parse_ar(struct ar *a, struct seen *s, struct cpio_status *st)
{
	return parse_copy(a->buf, a->len, s, st);
}

/* -------------------------------------------------------- valid --- */

HTEST(sample_archive)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;

	ar_sample(&a);
	HT_ASSERT_EQ(parse_copy(a.buf, a.len, &s, &st), 0);
	HT_ASSERT_EQ(st.nr_entries, 4);
	HT_ASSERT_EQ(s.n, 4);
	HT_ASSERT_EQ(st.end, a.len);
	HT_ASSERT(st.why == NULL);
	HT_ASSERT_STREQ(s.names[0], "etc");
	HT_ASSERT_EQ(s.e[0].mode, CPIO_S_IFDIR | 0755);
	HT_ASSERT_STREQ(s.names[1], "etc/motd");
	HT_ASSERT_EQ(s.e[1].size, 25);
	HT_ASSERT_EQ(s.e[1].uid, 1000);
	HT_ASSERT_EQ(s.e[1].gid, 100);
	HT_ASSERT_EQ(s.e[1].ino, 7);
	HT_ASSERT_EQ(s.e[1].mtime, 1700000000u);
	HT_ASSERT_EQ(s.e[1].name_len, 8);
	HT_ASSERT_EQ(s.e[1].offset, 112 + 4);
	HT_ASSERT_EQ(s.e[2].size, 0);
	HT_ASSERT_STREQ(s.names[3], "motd");
	HT_ASSERT_EQ(s.e[3].mode & CPIO_S_IFMT, CPIO_S_IFLNK);
	HT_ASSERT_EQ(s.e[3].size, 8);
}

HTEST(data_points_into_archive)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;

	ar_sample(&a);
	memset(&s, 0, sizeof(s));
	HT_ASSERT_EQ(cpio_parse(a.buf, a.len, collect, &s, &st), 0);
	HT_ASSERT(s.e[1].data >= a.buf && s.e[1].data + s.e[1].size <= a.buf + a.len);
	HT_ASSERT(memcmp(s.e[1].data, "hello from the initramfs\n", 25) == 0);
	HT_ASSERT(memcmp(s.e[3].data, "etc/motd", 8) == 0);
	HT_ASSERT_EQ((s.e[1].data - a.buf) % 4, 0);
}

HTEST(trailer_ends_parse_junk_after_ignored)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;
	size_t end;

	ar_sample(&a);
	end = a.len;
	memcpy(a.buf + a.len, "garbage that is not a header", 28);
	a.len += 28;
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), 0);
	HT_ASSERT_EQ(s.n, 4);
	HT_ASSERT_EQ(st.end, end);
}

HTEST(empty_archive_is_only_a_trailer)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;

	a.len = 0;
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), 0);
	HT_ASSERT_EQ(s.n, 0);
	HT_ASSERT_EQ(parse_copy("", 0, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 0);
}

HTEST(lowercase_hex_accepted)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;

	a.len = 0;
	ar_add(&a, CPIO_S_IFREG | 0644, "f", "data");
	ar_trailer(&a);
	memcpy(a.buf + 6 + 8, "000081a4", 8);          /* mode, lowercase */
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), 0);
	HT_ASSERT_EQ(s.e[0].mode, 0100644);
}

HTEST(crc_format_checksum)
{
	static struct ar a;
	struct cpio_status st;
	static struct seen s;
	uint32_t sum = 'a' + 'b' + 'c';

	a.len = 0;
	ar_add_raw(&a, "070702", CPIO_S_IFREG | 0644, "f", 2, "abc", 3, sum);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), 0);
	HT_ASSERT_EQ(s.n, 1);
	a.len = 0;
	ar_add_raw(&a, "070702", CPIO_S_IFREG | 0644, "f", 2, "abc", 3, sum + 1);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 6 + 8 * 12);
	HT_ASSERT_EQ(s.n, 0);
}

/* ---------------------------------------------------- truncated --- */

HTEST(every_prefix_fails_cleanly)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;
	size_t cut;

	ar_sample(&a);
	for (cut = 0; cut < a.len; cut++) {
		int ret = parse_copy(a.buf, cut, &s, &st);

		HT_ASSERT_MSG(ret == -EBADMSG, "prefix %zu: ret %d", cut, ret);
		HT_ASSERT_MSG(st.why != NULL, "prefix %zu: no reason", cut);
		HT_ASSERT_MSG(st.bad_offset <= cut, "prefix %zu: offset %zu", cut,
		              st.bad_offset);
		HT_ASSERT(st.end <= cut);
		HT_ASSERT_EQ(s.n, st.nr_entries);
		HT_ASSERT(s.n <= 4);
	}
	/* Cut inside the second file's data: the dir arrived, nothing else. */
	HT_ASSERT_EQ(parse_copy(a.buf, 116 + 110 + 12 + 5, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(s.n, 1);
	HT_ASSERT_EQ(st.bad_offset, 116 + 110 + 10);   /* "etc/motd" padded */
	HT_ASSERT_STREQ(st.why, "file data runs past the end of the archive");
}

HTEST(missing_trailer)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	a.len = 0;
	ar_add(&a, CPIO_S_IFREG | 0644, "a", "x");
	HT_ASSERT_EQ(parse_ar(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(s.n, 1);
	HT_ASSERT_EQ(st.bad_offset, a.len);
	HT_ASSERT_EQ(st.end, a.len);
}

/* ------------------------------------------------------ hostile --- */

/* One valid entry "a", then the entry under test at offset 116, then a trailer. */
static int parse_second(struct ar *a, struct seen *s, struct cpio_status *st)
{
	int ret = parse_ar(a, s, st);

	if (ret == -EBADMSG) {
		HT_ASSERT_EQ(s->n, 1);
		HT_ASSERT_STREQ(s->names[0], "a");
	}
	return ret;
}

static void ar_first(struct ar *a)
{
	a->len = 0;
	ar_add(a, CPIO_S_IFREG | 0644, "a", "x");
	HT_ASSERT_EQ(a->len, 116);
}

HTEST(bad_magic)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	ar_first(&a);
	ar_add_raw(&a, "070707", CPIO_S_IFREG, "b", 2, NULL, 0, 0);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 116);
}

HTEST(non_hex_digit_in_each_field)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;
	const char bad[] = { 'g', ' ', '-', 'x', '\0', 0x80 };

	for (int field = 0; field < 13; field++) {
		for (size_t b = 0; b < sizeof(bad); b++) {
			ar_first(&a);
			ar_add(&a, CPIO_S_IFREG | 0644, "b", "yy");
			ar_trailer(&a);
			a.buf[116 + 6 + 8 * field + (field % 8)] = (unsigned char)bad[b];
			HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
			HT_ASSERT_EQ(st.bad_offset, 116 + 6 + 8 * (size_t)field);
			HT_ASSERT_STREQ(st.why, "header field is not 8 hex digits");
		}
	}
}

HTEST(name_size_out_of_range)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;
	uint32_t sizes[] = { 0, 1, CPIO_NAME_MAX + 1, 0xffffffffu };

	for (size_t i = 0; i < 4; i++) {
		ar_first(&a);
		ar_add_raw(&a, "070701", CPIO_S_IFREG, "b", sizes[i], NULL, 0, 0);
		ar_trailer(&a);
		HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
		HT_ASSERT_EQ(st.bad_offset, 116 + 6 + 8 * 11);
	}
}

HTEST(name_past_end)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	ar_first(&a);
	ar_add_raw(&a, "070701", CPIO_S_IFREG, "b", CPIO_NAME_MAX, NULL, 0, 0);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 116 + 110);
	HT_ASSERT_STREQ(st.why, "name runs past the end of the archive");
}

HTEST(name_without_nul_or_with_inner_nul)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	/* namesize 2 for "bc": the byte at the NUL's place is 'c'. */
	ar_first(&a);
	ar_add_raw(&a, "070701", CPIO_S_IFREG, "bc", 2, NULL, 0, 0);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "name is not NUL-terminated");
	HT_ASSERT_EQ(st.bad_offset, 116 + 110 + 1);

	ar_first(&a);
	ar_add(&a, CPIO_S_IFREG, "bcd", NULL);
	ar_trailer(&a);
	a.buf[116 + 110 + 1] = 0;
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "NUL inside the name");
	HT_ASSERT_EQ(st.bad_offset, 116 + 110 + 1);
}

HTEST(nonzero_padding)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	/* Name "b": 110 + 2 = 112, no name padding; data "xyz" pads one byte. */
	ar_first(&a);
	ar_add(&a, CPIO_S_IFREG, "b", "xyz");
	ar_trailer(&a);
	a.buf[116 + 112 + 3] = 'P';
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 116 + 112 + 3);
	HT_ASSERT_STREQ(st.why, "bad or missing padding after the data");

	/* Name "bc": 110 + 3 = 113, three bytes of name padding. */
	ar_first(&a);
	ar_add(&a, CPIO_S_IFREG, "bc", NULL);
	ar_trailer(&a);
	a.buf[116 + 114] = 1;
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 116 + 113);
	HT_ASSERT_STREQ(st.why, "bad or missing padding after the name");
}

HTEST(file_size_past_end)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;
	uint32_t sizes[] = { 1000, 0x7fffffffu, 0xfffffffcu, 0xffffffffu };

	for (size_t i = 0; i < 4; i++) {
		ar_first(&a);
		ar_add(&a, CPIO_S_IFREG, "b", "data");
		ar_trailer(&a);
		{
			char f[9];

			snprintf(f, sizeof(f), "%08X", sizes[i]);
			memcpy(a.buf + 116 + 6 + 8 * 6, f, 8);
		}
		HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
		HT_ASSERT_EQ(st.bad_offset, 116 + 112);
	}
}

HTEST(type_checks)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;
	char target[CPIO_SYMLINK_MAX + 2];

	ar_first(&a);
	ar_add(&a, CPIO_S_IFDIR | 0755, "d", "data");
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "directory with data");
	HT_ASSERT_EQ(st.bad_offset, 116 + 6 + 8);

	ar_first(&a);
	ar_add(&a, 0150000 | 0644, "u", NULL);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "unknown file type in mode");

	ar_first(&a);
	ar_add(&a, 0644, "notype", NULL);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);

	ar_first(&a);
	ar_add(&a, CPIO_S_IFLNK | 0777, "l", NULL);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "symlink target size out of range");

	memset(target, 't', sizeof(target) - 1);
	target[sizeof(target) - 1] = 0;
	ar_first(&a);
	ar_add(&a, CPIO_S_IFLNK | 0777, "l", target);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "symlink target size out of range");

	ar_first(&a);
	ar_add_raw(&a, "070701", CPIO_S_IFLNK | 0777, "l", 2, "a\0b", 3, 0);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_STREQ(st.why, "NUL inside a symlink target");

	ar_first(&a);
	ar_add(&a, CPIO_S_IFCHR | 0600, "c", "x");
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);

	ar_first(&a);
	ar_add(&a, CPIO_S_IFIFO | 0600, "p", NULL);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), 0);
	HT_ASSERT_EQ(s.n, 2);
}

HTEST(check_field_must_be_zero_in_070701)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	ar_first(&a);
	ar_add_raw(&a, "070701", CPIO_S_IFREG, "b", 2, "x", 1, 5);
	ar_trailer(&a);
	HT_ASSERT_EQ(parse_second(&a, &s, &st), -EBADMSG);
	HT_ASSERT_EQ(st.bad_offset, 116 + 6 + 8 * 12);
}

HTEST(callback_stops_parse)
{
	static struct ar a;
	static struct seen s;
	struct cpio_status st;

	ar_sample(&a);
	memset(&s, 0, sizeof(s));
	s.stop_after = 2;
	HT_ASSERT_EQ(cpio_parse(a.buf, a.len, collect, &s, &st), -ENOSPC);
	HT_ASSERT_EQ(st.nr_entries, 2);
	HT_ASSERT_EQ(st.bad_offset, 264);      /* the third entry's header */
}

/* Random corruption: never a crash, a read out of bounds or a lie about
 * where the archive went bad. */
HTEST(random_corruption)
{
	static struct ar a, orig;
	static struct seen s;
	struct cpio_status st;

	ar_sample(&orig);
	for (int iter = 0; iter < 20000; iter++) {
		int flips = 1 + (int)(htest_rand() % 4);
		size_t first = orig.len;

		a = orig;
		for (int i = 0; i < flips; i++) {
			size_t at = htest_rand() % a.len;

			a.buf[at] = (unsigned char)htest_rand();
			if (a.buf[at] != orig.buf[at] && at < first)
				first = at;
		}
		int ret = parse_ar(&a, &s, &st);

		HT_ASSERT(ret == 0 || ret == -EBADMSG);
		if (ret == -EBADMSG) {
			HT_ASSERT(st.bad_offset < a.len);
			HT_ASSERT(st.why != NULL);
		}
		/* Entries that end before the first change are all delivered. */
		HT_ASSERT(st.end <= a.len);
		for (int i = 0; i < s.n && i < MAX_SEEN; i++)
			HT_ASSERT(s.e[i].data == NULL || s.e[i].size <= a.len);
	}
}
