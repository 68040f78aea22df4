/* SPDX-License-Identifier: MIT */
/*
 * shebang.c - parsing the "#!" line that makes a text file a program.
 *
 * The rules are Linux's (its script loader, binfmt_script): the file
 * starts with "#!"; blanks (space, tab) may follow; the interpreter's path
 * runs to the next blank or newline; the rest of the line, with its leading
 * and trailing blanks removed, is one optional argument (never split).  Only
 * the first SHEBANG_BUF_MAX bytes are looked at: a line longer than that
 * still works if the interpreter's name ends inside them (the argument is
 * then cut there), else it is -ENOEXEC.  A NUL ends the line as a newline
 * does.
 *
 * Pure code for the loader (load.c turns a script into its interpreter's
 * argv) and the host tests: no allocation, no locks, no printing.
 */
#include <errno.h>
#include <kstring.h>
#include <shebang.h>

static bool shebang_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool shebang_eol(char c)
{
	return c == '\n' || c == '\0';
}

bool shebang_is_script(const void *buf, size_t len)
{
	const char *p = buf;

	return len >= 2 && p[0] == '#' && p[1] == '!';
}

int shebang_parse(const void *buf, size_t len, struct shebang *sb, const char **why)
{
	const char *p = buf;
	size_t n = len < SHEBANG_BUF_MAX ? len : SHEBANG_BUF_MAX;
	size_t i = 2, start, end;
	bool complete;

	*why = "not a script";
	if (!shebang_is_script(buf, len))
		return -ENOEXEC;
	while (i < n && shebang_blank(p[i]))
		i++;
	start = i;
	while (i < n && !shebang_blank(p[i]) && !shebang_eol(p[i]))
		i++;
	complete = i < n || n == len;   /* the name ended inside the buffer */
	if (i == start) {
		*why = "no interpreter named after #!";
		return -ENOEXEC;
	}
	if (!complete) {
		*why = "the interpreter's name does not end in the first 256 bytes";
		return -ENOEXEC;
	}
	memcpy(sb->interp, p + start, i - start);
	sb->interp[i - start] = '\0';
	while (i < n && shebang_blank(p[i]))
		i++;
	start = i;
	while (i < n && !shebang_eol(p[i]))
		i++;
	end = i;
	while (end > start && shebang_blank(p[end - 1]))
		end--;
	sb->has_arg = end > start;
	memcpy(sb->arg, p + start, end - start);
	sb->arg[end - start] = '\0';
	return 0;
}
