/* SPDX-License-Identifier: MIT */
/*
 * unmount.c - /bin/unmount (Documentation/init.md).
 *
 *	unmount [new] old [-- cmd...]: takes new (or everything) off old.
 *
 * A name space is copied when a process starts, so the change lasts as
 * long as this process: the command after -- runs in it and its exit code
 * is ours (/etc/rc starts the console's shell that way).  Everything
 * is in user/bin/lib/vbin.c (vbin_ns_main), shared with the other two.
 *
 * Exit codes: 0 done, 1 the kernel refused (the error on stderr, with
 * errstr), 2 bad usage; with a command, the command's.
 */
#include "vbin.h"

int main(int argc, char **argv)
{
	return vbin_ns_main(VBIN_UNMOUNT, argc, argv);
}
