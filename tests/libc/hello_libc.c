/* SPDX-License-Identifier: MIT */
/*
 * hello_libc.c - the first program built with the C library: printf to the
 * console, then exit 0.  Built by x86_64-vireo-gcc as /test/hello_libc
 * (/test/hello is the freestanding one from tests/user/).
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("hello from musl on Vireo (%s, %d argument%s)\n", argv[0], argc - 1,
	       argc == 2 ? "" : "s");
	return 0;
}
