/* SPDX-License-Identifier: MIT */
/*
 * test_argenv.c - host tests of the argv/envp blob and the initial stack
 * (kern/src/lib/argenv.c).
 *
 * Blobs and images live in heap buffers of exactly their size, so ASan
 * catches any access past the end.  Covered: the packed bytes of a known
 * blob; unpack and repack giving the same bytes; empty strings; packer
 * errors (argc 0, NULL strings, limits, a short buffer left untouched);
 * every prefix and an extended blob refused; each header and string rule
 * broken in turn (magic, counts, limits, offsets, missing NUL, trailing
 * bytes); unaligned blobs; random corruption (anything that still unpacks
 * repacks to the same bytes); the stack image walked the way a program
 * would (argc, argv, envp, auxv, AT_RANDOM, AT_PLATFORM, AT_EXECFN, every
 * pointer inside the image, alignment), the optional auxv entries, stack
 * errors, and the largest blob allowed.
 */
#include <argenv.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

static const char *const t_argv[] = { "prog", "-x", "hello world" };
static const char *const t_envp[] = { "PATH=/bin", "HOME=/" };

/* Packs into a malloc'd buffer of exactly the blob's size. */
static uint8_t *pack(const char *const *argv, uint32_t argc, const char *const *envp,
                     uint32_t envc, size_t *len)
{
	ssize_t n = argenv_packed_size(argv, argc, envp, envc);
	uint8_t *b;

	HT_ASSERT_MSG(n > 0, "packed size %zd", n);
	b = malloc(n);
	HT_ASSERT(b);
	HT_ASSERT_EQ(argenv_pack(argv, argc, envp, envc, b, n), n);
	*len = n;
	return b;
}

static uint8_t *pack_t(size_t *len)
{
	return pack(t_argv, 3, t_envp, 2, len);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void wr32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Repacks an unpacked blob and checks the bytes are the original's. */
static void check_repack(const struct argenv *ae, const uint8_t *orig, size_t len)
{
	const char *v[ARGENV_MAX_STRINGS];
	uint32_t n = ae->argc + ae->envc;
	uint8_t *b = malloc(len);

	HT_ASSERT(n <= ARGENV_MAX_STRINGS && b);
	for (uint32_t i = 0; i < n; i++)
		v[i] = argenv_str(ae, i);
	HT_ASSERT_EQ(argenv_pack(v, ae->argc, v + ae->argc, ae->envc, b, len), len);
	HT_ASSERT(memcmp(b, orig, len) == 0);
	free(b);
}

/* --------------------------------------------------------- the blob --- */

HTEST(argenv_pack_bytes)
{
	static const char strings[] = "prog\0-x\0hello world\0PATH=/bin\0HOME=/";
	static const uint32_t offs[] = { 0, 5, 8, 20, 30 };
	size_t len;
	uint8_t *b = pack_t(&len);

	HT_ASSERT_EQ(len, 16 + 5 * 4 + sizeof(strings));
	HT_ASSERT(memcmp(b, "AEV1", 4) == 0);
	HT_ASSERT_EQ(rd32(b + 4), 3);
	HT_ASSERT_EQ(rd32(b + 8), 2);
	HT_ASSERT_EQ(rd32(b + 12), sizeof(strings));
	for (int i = 0; i < 5; i++)
		HT_ASSERT_EQ(rd32(b + 16 + 4 * i), offs[i]);
	HT_ASSERT(memcmp(b + 36, strings, sizeof(strings)) == 0);
	free(b);
}

HTEST(argenv_unpack_roundtrip)
{
	struct argenv ae;
	const char *why = "x";
	size_t len;
	uint8_t *b = pack_t(&len);

	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, &why), 0);
	HT_ASSERT(why == NULL);
	HT_ASSERT_EQ(ae.argc, 3);
	HT_ASSERT_EQ(ae.envc, 2);
	for (uint32_t i = 0; i < 3; i++)
		HT_ASSERT_STREQ(argenv_str(&ae, i), t_argv[i]);
	for (uint32_t i = 0; i < 2; i++)
		HT_ASSERT_STREQ(argenv_str(&ae, 3 + i), t_envp[i]);
	check_repack(&ae, b, len);
	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	free(b);
}

HTEST(argenv_empty_strings_and_unaligned)
{
	static const char *const av[] = { "", "", "a" };
	struct argenv ae;
	size_t len;
	uint8_t *b = pack(av, 3, NULL, 0, &len);
	uint8_t *odd = malloc(len + 1);

	HT_ASSERT_EQ(len, 16 + 12 + 4);
	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	HT_ASSERT_STREQ(argenv_str(&ae, 0), "");
	HT_ASSERT_STREQ(argenv_str(&ae, 2), "a");
	/* At an odd address: every field is read with memcpy. */
	memcpy(odd + 1, b, len);
	HT_ASSERT_EQ(argenv_unpack(odd + 1, len, &ae, NULL), 0);
	HT_ASSERT_STREQ(argenv_str(&ae, 2), "a");
	free(odd);
	free(b);
}

HTEST(argenv_pack_errors)
{
	static const char *const with_null[] = { "a", NULL };
	static char big[ARGENV_MAX_LEN];
	const char *many[ARGENV_MAX_STRINGS + 1];
	const char *bigv[1] = { big };
	uint8_t buf[80];

	HT_ASSERT_EQ(argenv_packed_size(t_argv, 0, t_envp, 2), -EINVAL);
	HT_ASSERT_EQ(argenv_packed_size(NULL, 1, NULL, 0), -EINVAL);
	HT_ASSERT_EQ(argenv_packed_size(t_argv, 1, NULL, 1), -EINVAL);
	HT_ASSERT_EQ(argenv_packed_size(with_null, 2, NULL, 0), -EINVAL);
	HT_ASSERT_EQ(argenv_packed_size(t_argv, 1, with_null, 2), -EINVAL);
	for (size_t i = 0; i < ARRAY_SIZE(many); i++)
		many[i] = "";
	HT_ASSERT(argenv_packed_size(many, ARGENV_MAX_STRINGS, NULL, 0) > 0);
	HT_ASSERT_EQ(argenv_packed_size(many, ARGENV_MAX_STRINGS + 1, NULL, 0), -E2BIG);
	HT_ASSERT_EQ(argenv_packed_size(many, 1, many, UINT32_MAX), -E2BIG);
	/* The largest single string that fits, and one byte more. */
	memset(big, 'x', sizeof(big) - 1);
	big[ARGENV_MAX_LEN - 16 - 4 - 1] = '\0';
	HT_ASSERT_EQ(argenv_packed_size(bigv, 1, NULL, 0), ARGENV_MAX_LEN);
	big[ARGENV_MAX_LEN - 16 - 4 - 1] = 'x';
	HT_ASSERT_EQ(argenv_packed_size(bigv, 1, NULL, 0), -E2BIG);
	/* A short buffer is left untouched; the exact size works. */
	memset(buf, 0xa5, sizeof(buf));
	HT_ASSERT_EQ(argenv_pack(t_argv, 3, t_envp, 2, buf, 16 + 20 + 36), -ENOSPC);
	for (size_t i = 0; i < sizeof(buf); i++)
		HT_ASSERT_EQ(buf[i], 0xa5);
	HT_ASSERT_EQ(argenv_pack(t_argv, 3, t_envp, 2, buf, 16 + 20 + 37), 16 + 20 + 37);
	HT_ASSERT_EQ(argenv_pack(t_argv, 2, NULL, 0, buf, sizeof(buf)), 16 + 8 + 8);
}

/* -------------------------------------------------------- bad blobs --- */

static void expect_bad(const uint8_t *b, size_t len, int err, const char *what)
{
	struct argenv ae = { .argc = 77 };
	const char *why = NULL;
	int ret = argenv_unpack(b, len, &ae, &why);

	HT_ASSERT_MSG(ret == err, "expected %d for '%s', got %d", err, what, ret);
	HT_ASSERT_MSG(why && strstr(why, what), "reason '%s' lacks '%s'",
	              why ? why : "(null)", what);
	HT_ASSERT_EQ(ae.argc, 77);      /* untouched on failure */
}

HTEST(argenv_prefixes_and_extension)
{
	size_t len;
	uint8_t *b = pack_t(&len);
	uint8_t *longer = malloc(len + 1);

	for (size_t n = 0; n < len; n++) {
		uint8_t *p = malloc(n ? n : 1);
		struct argenv ae;

		memcpy(p, b, n);
		HT_ASSERT_MSG(argenv_unpack(p, n, &ae, NULL) == -EINVAL, "prefix %zu", n);
		free(p);
	}
	memcpy(longer, b, len);
	longer[len] = 0;
	expect_bad(longer, len + 1, -EINVAL, "does not match its counts");
	free(longer);
	free(b);
}

HTEST(argenv_broken_fields)
{
	size_t len;
	uint8_t *b = pack_t(&len);
	uint8_t *c = malloc(len);
	const size_t str = 36;          /* start of the string area */

#define FRESH() memcpy(c, b, len)
	FRESH(); c[0] = 'B';
	expect_bad(c, len, -EINVAL, "bad magic");
	FRESH(); wr32(c + 4, 0); wr32(c + 8, 5);
	expect_bad(c, len, -EINVAL, "argv is empty");
	FRESH(); wr32(c + 4, 4);
	expect_bad(c, len, -EINVAL, "does not match its counts");
	FRESH(); wr32(c + 4, ARGENV_MAX_STRINGS);
	expect_bad(c, len, -E2BIG, "too many");
	FRESH(); wr32(c + 4, UINT32_MAX); wr32(c + 8, 2);
	expect_bad(c, len, -E2BIG, "too many");
	FRESH(); wr32(c + 12, rd32(c + 12) + 1);
	expect_bad(c, len, -EINVAL, "does not match its counts");
	FRESH(); wr32(c + 12, UINT32_MAX);
	expect_bad(c, len, -EINVAL, "does not match its counts");
	FRESH(); wr32(c + 16, 1);
	expect_bad(c, len, -EINVAL, "not packed in order");
	FRESH(); wr32(c + 20, 0);       /* argv[1] aliasing argv[0] */
	expect_bad(c, len, -EINVAL, "not packed in order");
	FRESH(); wr32(c + 32, 31);
	expect_bad(c, len, -EINVAL, "not packed in order");
	FRESH(); wr32(c + 32, 0xfffffff0);
	expect_bad(c, len, -EINVAL, "not packed in order");
	FRESH(); c[len - 1] = 'x';      /* last string unterminated */
	expect_bad(c, len, -EINVAL, "not NUL-terminated");
	FRESH(); c[str + 4] = 'x';      /* "prog" runs into "-x" */
	expect_bad(c, len, -EINVAL, "not packed in order");
	FRESH(); c[len - 3] = '\0';     /* "HOME=/" ends early */
	expect_bad(c, len, -EINVAL, "bytes after its last string");
	expect_bad(c, 15, -EINVAL, "shorter than its header");
	free(c);
	free(b);
}

HTEST(argenv_too_large)
{
	uint8_t *b = calloc(1, ARGENV_MAX_LEN + 1);

	memcpy(b, "AEV1", 4);
	expect_bad(b, ARGENV_MAX_LEN + 1, -E2BIG, "larger than 256 KiB");
	expect_bad(b, SIZE_MAX, -E2BIG, "larger than 256 KiB");
	free(b);
}

HTEST(argenv_random_corruption)
{
	size_t len;
	uint8_t *b = pack_t(&len);
	int ok = 0;

	for (int round = 0; round < 20000; round++) {
		uint8_t *c = malloc(len);
		struct argenv ae;
		const char *why;
		int ret;

		memcpy(c, b, len);
		c[htest_rand() % len] ^= (uint8_t)(1u << (htest_rand() % 8));
		if (htest_rand() % 2)
			c[htest_rand() % len] = (uint8_t)htest_rand();
		ret = argenv_unpack(c, len, &ae, &why);
		HT_ASSERT(ret == 0 || ret == -EINVAL || ret == -E2BIG);
		if (ret == 0) {
			check_repack(&ae, c, len);
			ok++;
		} else {
			HT_ASSERT(why != NULL);
		}
		free(c);
	}
	/* Changing a character inside a string keeps the blob valid. */
	HT_ASSERT(ok > 0 && ok < 20000);
	free(b);
}

/* -------------------------------------------------------- the stack --- */

#define TOP 0x7ffffffff000ull

struct img {
	uint8_t *buf;
	uint64_t sp, top;
};

static uint64_t img_u64(const struct img *m, uint64_t addr)
{
	uint64_t v;

	HT_ASSERT_MSG(addr >= m->sp && addr + 8 <= m->top, "address %#llx outside the image",
	              (unsigned long long)addr);
	memcpy(&v, m->buf + (addr - m->sp), 8);
	return v;
}

static const char *img_str(const struct img *m, uint64_t addr)
{
	const char *s;

	HT_ASSERT(addr >= m->sp && addr < m->top);
	s = (const char *)m->buf + (addr - m->sp);
	HT_ASSERT(memchr(s, 0, m->top - addr) != NULL);
	return s;
}

static void t_auxinfo(struct argenv_auxinfo *ai)
{
	memset(ai, 0, sizeof(*ai));
	ai->entry = 0x401530;
	ai->phdr = 0x400040;
	ai->phdr_mapped = true;
	ai->phnum = 10;
	ai->phent = 56;
	ai->hwcap = 0x178bfbff;
	for (int i = 0; i < 16; i++)
		ai->random[i] = (uint8_t)(0xa0 + i);
	ai->execfn = "/bin/prog";
}

/* Builds the image in a buffer of exactly its size. */
static struct img build(const struct argenv *ae, const struct argenv_auxinfo *ai,
                        uint64_t top, struct argenv_stack *st)
{
	ssize_t n = argenv_stack_size(ae, ai);
	struct img m = { .top = top };

	HT_ASSERT(n > 0 && n % 16 == 0);
	m.buf = malloc(n);
	HT_ASSERT_EQ(argenv_build_stack(ae, ai, top, m.buf, n, st), 0);
	HT_ASSERT_EQ(st->size, n);
	HT_ASSERT_EQ(st->sp, top - n);
	HT_ASSERT_EQ(st->sp % 16, 0);
	m.sp = st->sp;
	return m;
}

/* Reads the auxv into vals[type] (types < 64); returns the pair count. */
static int read_auxv(const struct img *m, uint64_t at, uint64_t *vals, bool *seen)
{
	int n = 0;

	for (;; at += 16, n++) {
		uint64_t type = img_u64(m, at), val = img_u64(m, at + 8);

		HT_ASSERT(n < ARGENV_AUXV_MAX);
		if (type == AT_NULL)
			return n + 1;
		HT_ASSERT(type < 64 && !seen[type]);
		seen[type] = true;
		vals[type] = val;
	}
}

HTEST(argenv_stack_walk)
{
	struct argenv ae;
	struct argenv_auxinfo ai;
	struct argenv_stack st;
	uint64_t vals[64] = { 0 };
	bool seen[64] = { false };
	size_t len;
	uint8_t *b = pack_t(&len);
	struct img m;
	uint64_t p;

	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	t_auxinfo(&ai);
	m = build(&ae, &ai, TOP, &st);
	/* What _start sees at rsp. */
	HT_ASSERT_EQ(img_u64(&m, m.sp), 3);
	HT_ASSERT_EQ(st.argv, m.sp + 8);
	for (int i = 0; i < 3; i++)
		HT_ASSERT_STREQ(img_str(&m, img_u64(&m, st.argv + 8 * i)), t_argv[i]);
	HT_ASSERT_EQ(img_u64(&m, st.argv + 24), 0);
	HT_ASSERT_EQ(st.envp, st.argv + 32);
	for (int i = 0; i < 2; i++)
		HT_ASSERT_STREQ(img_str(&m, img_u64(&m, st.envp + 8 * i)), t_envp[i]);
	HT_ASSERT_EQ(img_u64(&m, st.envp + 16), 0);
	HT_ASSERT_EQ(st.auxv, st.envp + 24);
	HT_ASSERT(read_auxv(&m, st.auxv, vals, seen) <= ARGENV_AUXV_MAX);
	HT_ASSERT(seen[AT_PHDR] && vals[AT_PHDR] == 0x400040);
	HT_ASSERT(seen[AT_PHENT] && vals[AT_PHENT] == 56);
	HT_ASSERT(seen[AT_PHNUM] && vals[AT_PHNUM] == 10);
	HT_ASSERT(seen[AT_PAGESZ] && vals[AT_PAGESZ] == PGSIZE);
	HT_ASSERT(seen[AT_ENTRY] && vals[AT_ENTRY] == 0x401530);
	HT_ASSERT(seen[AT_BASE] && vals[AT_BASE] == 0);
	HT_ASSERT(seen[AT_HWCAP] && vals[AT_HWCAP] == 0x178bfbff);
	HT_ASSERT(seen[AT_SECURE] && vals[AT_SECURE] == 0);
	HT_ASSERT(seen[AT_UID] && seen[AT_EUID] && seen[AT_GID] && seen[AT_EGID]);
	HT_ASSERT(!seen[AT_SYSINFO_EHDR]);
	HT_ASSERT(seen[AT_RANDOM]);
	p = vals[AT_RANDOM];
	HT_ASSERT(p >= m.sp && p + 16 <= TOP);
	HT_ASSERT(memcmp(m.buf + (p - m.sp), ai.random, 16) == 0);
	HT_ASSERT_STREQ(img_str(&m, vals[AT_PLATFORM]), "x86_64");
	HT_ASSERT_STREQ(img_str(&m, vals[AT_EXECFN]), "/bin/prog");
	/* The strings are one copy of the blob's string area. */
	HT_ASSERT_EQ(img_u64(&m, st.argv), st.strings);
	HT_ASSERT(memcmp(m.buf + (st.strings - m.sp), ae.strings, ae.strbytes) == 0);
	HT_ASSERT(st.strings + ae.strbytes <= TOP && TOP - (st.strings + ae.strbytes) < 16);
	free(m.buf);
	free(b);
}

HTEST(argenv_stack_optional_aux)
{
	struct argenv ae;
	struct argenv_auxinfo ai;
	struct argenv_stack st;
	uint64_t vals[64] = { 0 };
	bool seen[64] = { false };
	size_t len;
	uint8_t *b = pack(t_argv, 1, NULL, 0, &len);
	struct img m;
	ssize_t with;

	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	t_auxinfo(&ai);
	with = argenv_stack_size(&ae, &ai);
	ai.phdr_mapped = false;
	ai.execfn = NULL;
	ai.sysinfo_ehdr = 0x7fff00000000ull;
	HT_ASSERT(argenv_stack_size(&ae, &ai) < with);
	m = build(&ae, &ai, TOP - 0x30, &st);
	HT_ASSERT_EQ(img_u64(&m, m.sp), 1);
	HT_ASSERT_EQ(img_u64(&m, st.envp), 0);
	read_auxv(&m, st.auxv, vals, seen);
	HT_ASSERT(!seen[AT_PHDR] && !seen[AT_PHNUM] && !seen[AT_PHENT] && !seen[AT_EXECFN]);
	HT_ASSERT(seen[AT_SYSINFO_EHDR] && vals[AT_SYSINFO_EHDR] == 0x7fff00000000ull);
	HT_ASSERT_STREQ(img_str(&m, img_u64(&m, st.argv)), "prog");
	free(m.buf);
	free(b);
}

HTEST(argenv_stack_errors)
{
	static char longpath[ARGENV_EXECFN_MAX + 1];
	struct argenv ae;
	struct argenv_auxinfo ai;
	struct argenv_stack st = { 0 };
	size_t len;
	uint8_t *b = pack_t(&len);
	ssize_t n;
	uint8_t *img;

	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	t_auxinfo(&ai);
	n = argenv_stack_size(&ae, &ai);
	img = malloc(n);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, TOP + 8, img, n, &st), -EINVAL);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, USER_LIMIT + 16, img, n, &st), -EINVAL);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, TOP, img, n - 1, &st), -ENOSPC);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, 0, img, n, &st), -E2BIG);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, PGSIZE + n - 16, img, n, &st), -E2BIG);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, PGSIZE + n, img, n, &st), 0);
	HT_ASSERT_EQ(st.sp, PGSIZE);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, USER_LIMIT, img, n, &st), 0);
	/* AT_EXECFN: the longest path allowed, and one byte more. */
	memset(longpath, '/', ARGENV_EXECFN_MAX);
	longpath[ARGENV_EXECFN_MAX - 1] = '\0';
	ai.execfn = longpath;
	HT_ASSERT(argenv_stack_size(&ae, &ai) >= n + ARGENV_EXECFN_MAX - 16);
	longpath[ARGENV_EXECFN_MAX - 1] = '/';
	HT_ASSERT_EQ(argenv_stack_size(&ae, &ai), -EINVAL);
	HT_ASSERT_EQ(argenv_build_stack(&ae, &ai, TOP, img, n, &st), -EINVAL);
	free(img);
	free(b);
}

HTEST(argenv_stack_largest)
{
	static const char *v[ARGENV_MAX_STRINGS];
	static char s[24];
	struct argenv ae;
	struct argenv_auxinfo ai;
	struct argenv_stack st;
	size_t len;
	uint8_t *b;
	struct img m;

	memset(s, 'e', sizeof(s) - 1);
	for (int i = 0; i < ARGENV_MAX_STRINGS; i++)
		v[i] = s;
	b = pack(v, 100, v, ARGENV_MAX_STRINGS - 100, &len);
	HT_ASSERT_EQ(argenv_unpack(b, len, &ae, NULL), 0);
	t_auxinfo(&ai);
	m = build(&ae, &ai, TOP, &st);
	HT_ASSERT(st.size < ARGENV_MAX_LEN + 8 * (ARGENV_MAX_STRINGS + 3 + 2 * ARGENV_AUXV_MAX) +
	          ARGENV_EXECFN_MAX + 64);
	HT_ASSERT_EQ(img_u64(&m, m.sp), 100);
	HT_ASSERT_STREQ(img_str(&m, img_u64(&m, st.envp + 8 * (ARGENV_MAX_STRINGS - 101))), s);
	HT_ASSERT_EQ(img_u64(&m, st.envp + 8 * (ARGENV_MAX_STRINGS - 100)), 0);
	free(m.buf);
	free(b);
}
