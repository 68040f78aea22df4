/* SPDX-License-Identifier: MIT */
/*
 * cleanname.c - lexical clean-up of path names, in place.
 *
 * cleanname() rewrites a path to the shortest equivalent by lexical rules
 * alone (no walking): repeated slashes become one, "." elements go, and
 * ".." removes the element before it.  A path has one of three roots:
 * "/" (rooted), "#dev[.spec]" (a device, the first element), or none
 * (relative).  ".." never climbs above a root: "/.." is "/" and
 * "#cons/../x" is "#cons/x"; in a relative path leading ".." elements are
 * kept ("../../a").  An empty result is "." (relative), "/" or "#dev".
 *
 * This is what makes ".." in namec() mean "the parent by name", as in
 * Plan 9: /a/b/.. is /a even when b is a mount point or a symlink target.
 * The output is never longer than the input, except that the empty path
 * becomes "." (its buffer needs 2 bytes; namec never passes it).  Pure string code, host
 * tested (tests/host/cleanname.mk).
 */
#include <kstring.h>
#include <types.h>
#ifndef VIREO_HOST
#include <ns.h>
#endif

struct clean_state {
	char *start;    /* where the element area starts */
	char *q;        /* write position */
	char *floor;    /* ".." cannot backtrack before this */
	bool sep_first; /* device roots put a '/' before every element */
};

static void clean_append(struct clean_state *st, const char *elem, size_t len)
{
	if (st->q != st->start || st->sep_first)
		*st->q++ = '/';
	memmove(st->q, elem, len);
	st->q += len;
}

static void clean_backtrack(struct clean_state *st)
{
	while (st->q > st->floor && st->q[-1] != '/')
		st->q--;
	if (st->q > st->start && st->q[-1] == '/')
		st->q--;
}

static void clean_dotdot(struct clean_state *st, bool relative)
{
	if (st->q > st->floor)
		clean_backtrack(st);
	else if (relative) {
		clean_append(st, "..", 2);
		st->floor = st->q;
	}
	/* else: above the root, which is its own parent */
}

/* Sets up the root of path; returns where the elements start. */
static char *clean_root(char *path, struct clean_state *st)
{
	char *p = path;

	if (path[0] == '/')
		p = path + 1;
	else if (path[0] == '#') {
		while (*p && *p != '/')
			p++;
		st->sep_first = true;
	}
	st->start = st->q = st->floor = p;
	return p;
}

char *cleanname(char *path)
{
	struct clean_state st = { 0 };
	bool relative = path[0] != '/' && path[0] != '#';
	char *p = clean_root(path, &st);

	while (*p) {
		size_t len = 0;

		if (*p == '/') {
			p++;
			continue;
		}
		while (p[len] && p[len] != '/')
			len++;
		if (len == 2 && p[0] == '.' && p[1] == '.')
			clean_dotdot(&st, relative);
		else if (!(len == 1 && p[0] == '.'))
			clean_append(&st, p, len);
		p += len;
	}
	if (st.q == path)
		*st.q++ = '.';
	*st.q = '\0';
	return path;
}
