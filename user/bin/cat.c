/* SPDX-License-Identifier: MIT */
/*
 * cat.c - /bin/cat [FILE...]: copies each file, or standard input when
 * there is none or for "-", to standard output.  -h prints the usage.
 * A file that cannot be opened or read is reported on stderr (with the
 * kernel's errstr) and skipped.  Exit codes: 0, 1 if anything failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "vbin.h"

#define CAT_BUF 8192

/* Copies fd to stdout; 0, or -1 after a report naming 'name'. */
static int cat_fd(int fd, const char *name)
{
	static char buf[CAT_BUF];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (ssize_t done = 0, w; done < n; done += w) {
			w = write(1, buf + done, (size_t)(n - done));
			if (w <= 0) {
				vbin_fail("cat", "write");
				return -1;
			}
		}
	}
	if (n < 0) {
		vbin_fail("cat", name);
		return -1;
	}
	return 0;
}

static int cat_path(const char *path)
{
	int fd, r;

	if (strcmp(path, "-") == 0)
		return cat_fd(0, "stdin");
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		vbin_fail("cat", path);
		return -1;
	}
	r = cat_fd(fd, path);
	close(fd);
	return r;
}

int main(int argc, char **argv)
{
	int bad = 0;

	if (argc > 1 && strcmp(argv[1], "-h") == 0) {
		printf("usage: cat [FILE...]   (- or no FILE: standard input)\n");
		return 0;
	}
	if (argc == 1)
		return cat_fd(0, "stdin") ? 1 : 0;
	for (int i = 1; i < argc; i++)
		if (cat_path(argv[i]))
			bad = 1;
	return bad;
}
