/* SPDX-License-Identifier: MIT */
/*
 * test_cleanname.c - host tests of kern/src/ns/cleanname.c.
 *
 * A table of (input, expected) pairs covering the three roots ("/",
 * "#dev", relative), "." and ".." at every position, ".." above each kind
 * of root, repeated and trailing slashes; then properties checked on random
 * paths over a small alphabet: the result is never longer than the input,
 * is a fixed point (cleaning twice changes nothing), and holds no "//",
 * no "." element and no ".." except leading ones of a relative path.  Every
 * input is a heap copy of exact size so ASan catches a read or write past
 * it (the empty path gets 2 bytes: it becomes ".").
 */
#include <stdlib.h>
#include <string.h>

#include "htest.h"

char *cleanname(char *path);

static char *dup_exact(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = malloc(n < 2 ? 2 : n);        /* "" becomes "." */

	memcpy(p, s, n);
	return p;
}

static const char *const cases[][2] = {
	{ "/", "/" },           { "//", "/" },          { "/.", "/" },
	{ "/..", "/" },         { "/../..", "/" },      { "/a/..", "/" },
	{ "/a/b/../c", "/a/c" }, { "a//b/./c/..", "a/b" }, { "/a/b/", "/a/b" },
	{ ".", "." },           { "", "." },            { "./", "." },
	{ "a/..", "." },        { "..", ".." },         { "../..", "../.." },
	{ "../a/..", ".." },    { "a/../..", ".." },    { "a/../../b", "../b" },
	{ "./../a", "../a" },   { "#cons", "#cons" },   { "#cons/", "#cons" },
	{ "#cons/..", "#cons" }, { "#cons/../x", "#cons/x" },
	{ "#cons//a/./b/..", "#cons/a" }, { "#pipe.3/data", "#pipe.3/data" },
	{ "/dev/cons/..", "/dev" }, { "/a/./b/./", "/a/b" }, { "...", "..." },
	{ "/.../a", "/.../a" },  { "a/.b/..", "a" },     { "/a/b/c/../../..", "/" },
};

HTEST(cleanname_table)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *p = dup_exact(cases[i][0]);

		cleanname(p);
		HT_ASSERT_MSG(!strcmp(p, cases[i][1]), "'%s' -> '%s', want '%s'",
		              cases[i][0], p, cases[i][1]);
		free(p);
	}
}

static void random_path(char *buf, size_t len)
{
	static const char *const parts[] = { "/", "a", "bc", ".", "..", "#d" };

	buf[0] = '\0';
	while (strlen(buf) + 3 < len) {
		const char *part = parts[rand() % 6];

		if (!strcmp(part, "#d") && buf[0])
			part = "x";
		strcat(buf, part);
		if (rand() % 2)
			strcat(buf, "/");
	}
}

/* No "//", no "." element, no ".." after a non-".." element. */
static int is_clean(const char *p)
{
	int seen_name = 0;
	const char *e = p;

	if (strstr(p, "//"))
		return 0;
	while (*e) {
		size_t len = strcspn(e, "/");

		if (len == 1 && e[0] == '.' && strcmp(p, "."))
			return 0;
		if (len == 2 && !strncmp(e, "..", 2)) {
			if (seen_name || p[0] == '/' || p[0] == '#')
				return 0;
		} else if (len)
			seen_name = 1;
		e += len + (e[len] == '/');
	}
	return 1;
}

HTEST(cleanname_random_properties)
{
	srand(12345);
	for (int i = 0; i < 20000; i++) {
		char buf[48];
		char *p, *again;

		random_path(buf, sizeof(buf) - 8);
		p = dup_exact(buf);
		cleanname(p);
		HT_ASSERT_MSG(strlen(p) <= strlen(buf) || !strcmp(p, "."),
		              "'%s' grew to '%s'", buf, p);
		HT_ASSERT_MSG(is_clean(p), "'%s' -> '%s' is not clean", buf, p);
		again = dup_exact(p);
		cleanname(again);
		HT_ASSERT_MSG(!strcmp(p, again), "not a fixed point: '%s' -> '%s' -> '%s'",
		              buf, p, again);
		free(again);
		free(p);
	}
}

HTEST(cleanname_root_kinds_survive)
{
	char *p = dup_exact("/../../../../etc/../..");

	cleanname(p);
	HT_ASSERT_STREQ(p, "/");
	free(p);
	p = dup_exact("#root/../../dev");
	cleanname(p);
	HT_ASSERT_STREQ(p, "#root/dev");
	free(p);
}
