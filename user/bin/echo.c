/* SPDX-License-Identifier: MIT */
/*
 * echo.c - /bin/echo [-n] [ARGS...]: prints the arguments separated by one
 * blank, then a newline unless -n.  -h prints the usage.  Options are
 * read only as the first argument; no escapes are interpreted.
 * Exit codes: 0, or 1 if the write failed (the error on stderr).
 */
#include <stdio.h>
#include <string.h>
#include "vbin.h"

int main(int argc, char **argv)
{
	int i = 1;
	bool newline = true;

	if (argc > 1 && strcmp(argv[1], "-h") == 0) {
		printf("usage: echo [-n] [ARGS...]\n");
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		i++;
	}
	for (int first = i; i < argc; i++)
		printf("%s%s", i > first ? " " : "", argv[i]);
	if (newline)
		putchar('\n');
	if (fflush(stdout) != 0) {
		vbin_fail("echo", "write");
		return 1;
	}
	return 0;
}
