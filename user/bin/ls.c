/* SPDX-License-Identifier: MIT */
/*
 * ls.c - /bin/ls [-l] [PATH...]: lists each directory's entries (sorted by
 * name; a union lists a name once per member that has it, as Plan 9 does)
 * and names each other file; no PATH means ".".  With -l each line is
 * "MODE SIZE NAME": MODE is ls's ten characters (d, l or -, then rwx three
 * times; Vireo keeps only the permission bits and the type), SIZE the
 * length in bytes.  With several PATHs each directory gets a "PATH:"
 * heading.  -h prints the usage.  Errors go to stderr with the kernel's
 * errstr; exit code 0, 1 if any PATH failed, 2 bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "vbin.h"

#define LS_PATH_MAX 4096

static const char ls_usage[] = "usage: ls [-l] [PATH...]\n";
static bool ls_long;

static void ls_mode(mode_t m, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : '-';
	for (int i = 0; i < 9; i++)
		out[i + 1] = (m & (0400u >> i)) ? rwx[i] : '-';
	out[10] = 0;
}

/* Prints one entry; path is what to stat, name what to show. */
static int ls_entry(const char *path, const char *name)
{
	struct stat st;
	char mode[11];

	if (!ls_long) {
		printf("%s\n", name);
		return 0;
	}
	if (lstat(path, &st) < 0) {
		vbin_fail("ls", path);
		return -1;
	}
	ls_mode(st.st_mode, mode);
	printf("%s %10lld %s\n", mode, (long long)st.st_size, name);
	return 0;
}

static int ls_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Reads the names of dir into a sorted, malloc'd array; count or -1. */
static long ls_read_dir(const char *dir, char ***names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0, cap = 0;
	char **v = NULL;

	if (!d)
		return -1;
	while ((e = readdir(d))) {
		if (n == cap) {
			char **nv = realloc(v, (cap = cap ? 2 * cap : 64) * sizeof(*v));

			if (!nv)
				break;
			v = nv;
		}
		if (!(v[n] = strdup(e->d_name)))
			break;
		n++;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), ls_cmp);
	*names = v;
	return (long)n;
}

static int ls_dir(const char *dir)
{
	char **names, path[LS_PATH_MAX];
	long n = ls_read_dir(dir, &names);
	int bad = 0;

	if (n < 0) {
		vbin_fail("ls", dir);
		return -1;
	}
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s%s%s", dir,
			 dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (ls_entry(path, names[i]))
			bad = -1;
		free(names[i]);
	}
	free(names);
	return bad;
}

static int ls_path(const char *path, bool heading)
{
	struct stat st;

	if (stat(path, &st) < 0) {
		vbin_fail("ls", path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return ls_entry(path, path);
	if (heading)
		printf("%s:\n", path);
	return ls_dir(path);
}

int main(int argc, char **argv)
{
	int i = 1, bad = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		if (strcmp(argv[i], "-l") == 0) {
			ls_long = true;
		} else if (strcmp(argv[i], "-h") == 0) {
			fputs(ls_usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "ls: unknown option %s\n%s", argv[i], ls_usage);
			return 2;
		}
	}
	if (i == argc)
		return ls_path(".", false) ? 1 : 0;
	for (int first = i; i < argc; i++)
		if (ls_path(argv[i], argc - first > 1))
			bad = 1;
	return bad;
}
