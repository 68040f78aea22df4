/* SPDX-License-Identifier: MIT */
/*
 * hello.c - /test/hello: the smallest user program.
 *
 * Prints one line on fd 1 and exits 0, or 1 if the write failed.  It shows
 * that a program loads, starts at _start with a usable stack, makes a
 * syscall and exits through proc_destroy.
 */
#include <tiny/print.h>
#include <tiny/start.h>

int main(int argc, char **argv, char **envp)
{
	(void)argc;
	(void)argv;
	(void)envp;
	return tiny_printf("hello from user space\n") > 0 ? 0 : 1;
}
