/* SPDX-License-Identifier: MIT */
/*
 * greet.c - /bin/greet: the example program of README "Writing a program".
 * Any apps/NAME.c becomes /bin/NAME, built with x86_64-vireo-gcc.
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	time_t now = time(NULL);

	printf("hello from %s, pid %d, at %s", argc > 0 ? argv[0] : "greet", getpid(),
	       ctime(&now));
	return 0;
}
