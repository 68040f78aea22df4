/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/ninep.c - libFuzzer target for the 9P decoders (kern/src/ns/ninep.c).
 *
 * Each input is decoded as a message (convM2S) and as a sequence of stat
 * entries (convM2D, as a directory read would).  The first input byte is a
 * mode, not data: with bit 0 set the harness first rewrites the 4-byte
 * message size field to match the input, so the fuzzer reaches message bodies
 * without having to guess lengths; with it clear the size field is raw.
 * Bit 1 picks the dialect: 9P2000.u (convM2Sx, convM2Dx with dotu) or plain.
 *
 * Whatever decodes must re-encode: a message to exactly the same bytes, a
 * stat entry to an entry that decodes to the same struct dir (byte-identical
 * except that an empty ext string is dropped; a .u entry's numeric ids
 * come back as NINEP_NONUM, so only the struct is compared).  The decoders' yes/no must
 * agree with ninep_msg_error()/statcheck().  A failed check aborts, which
 * libFuzzer reports as a crash and keeps the input (Makefile `fuzz` rule,
 * scripts/check.sh).  Buffers are exact-size heap copies, so ASan sees any
 * read past n.
 */
#include <ninep.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                  \
	do {                                                              \
		if (!(cond)) {                                            \
			fprintf(stderr, "fuzz check failed: %s:%d: %s\n", \
			        __FILE__, __LINE__, #cond);               \
			abort();                                          \
		}                                                         \
	} while (0)

static bool fuzz_streq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool fuzz_dir_eq(const struct dir *a, const struct dir *b)
{
	return a->type == b->type && a->dev == b->dev &&
	       a->qid.path == b->qid.path && a->qid.vers == b->qid.vers &&
	       a->qid.type == b->qid.type && a->mode == b->mode &&
	       a->atime == b->atime && a->mtime == b->mtime &&
	       a->length == b->length && fuzz_streq(a->name, b->name) &&
	       fuzz_streq(a->uid, b->uid) && fuzz_streq(a->gid, b->gid) &&
	       fuzz_streq(a->muid, b->muid) && fuzz_streq(a->ext, b->ext);
}

static void fuzz_msg(const uint8_t *buf, size_t n, bool dotu)
{
	char *strs = malloc(n + 1), *strs2 = malloc(n + 1);
	struct fcall f, f2;
	size_t got = convM2Sx(buf, n, &f, strs, dotu);
	uint8_t *out;

	FUZZ_CHECK((got == 0) == (ninep_msg_errorx(buf, n, dotu) != NULL));
	if (got) {
		FUZZ_CHECK(got <= n && got == ninep_msg_size(buf, n));
		FUZZ_CHECK(sizeS2M(&f) == got);
		out = malloc(got);
		FUZZ_CHECK(convS2M(&f, out, got) == got);
		FUZZ_CHECK(memcmp(out, buf, got) == 0);
		FUZZ_CHECK(convS2M(&f, out, got - 1) == 0);
		FUZZ_CHECK(convM2Sx(out, got, &f2, strs2, dotu) == got);
		(void)ninep_check_msize(&f, 8192);
		free(out);
	}
	free(strs2);
	free(strs);
}

/* Re-encodes d (decoded from the got bytes at src) and checks it. */
static void fuzz_stat_reencode(const struct dir *d, const uint8_t *src, size_t got,
                               bool dotu)
{
	size_t need = sizeD2Mx(d, dotu);
	uint8_t *out = malloc(need);
	char *strs = malloc(need);
	struct dir d2;

	FUZZ_CHECK(need == got || (!dotu && need + BIT16SZ == got && d->ext[0] == '\0'));
	FUZZ_CHECK(convD2Mx(d, out, need, dotu) == need);
	FUZZ_CHECK(convD2Mx(d, out, need - 1, dotu) == 0);
	FUZZ_CHECK(ninep_stat_errorx(out, need, dotu) == NULL);
	FUZZ_CHECK(convM2Dx(out, need, &d2, strs, dotu) == need);
	FUZZ_CHECK(fuzz_dir_eq(d, &d2));
	if (need == got && !dotu)
		FUZZ_CHECK(memcmp(out, src, got) == 0);
	free(strs);
	free(out);
}

static void fuzz_stats(const uint8_t *buf, size_t n, bool dotu)
{
	char *strs = malloc(n + 1);
	size_t off = 0, got;
	struct dir d;

	while (off < n) {
		got = convM2Dx(buf + off, n - off, &d, strs, dotu);
		if (!got)
			break;
		FUZZ_CHECK(got <= n - off);
		FUZZ_CHECK(ninep_stat_errorx(buf + off, got, dotu) == NULL);
		fuzz_stat_reencode(&d, buf + off, got, dotu);
		off += got;
	}
	free(strs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	size_t n;

	if (size < 1)
		return 0;
	n = size - 1;
	buf = malloc(n ? n : 1);
	memcpy(buf, data + 1, n);
	if ((data[0] & 1) && n >= BIT32SZ) {
		for (int i = 0; i < BIT32SZ; i++)
			buf[i] = (uint8_t)(n >> (8 * i));
	}
	fuzz_msg(buf, n, data[0] & 2);
	fuzz_stats(buf, n, data[0] & 2);
	free(buf);
	return 0;
}
