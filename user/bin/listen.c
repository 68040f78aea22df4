/* SPDX-License-Identifier: MIT */
/*
 * listen.c - /bin/listen: an nc -l like server over iplib, for one call
 * (Documentation/tools/dial.md).
 *
 *	listen [-v] ADDR           ADDR a dial string: tcp!*!7000
 *
 * Announces ADDR, waits for one call, accepts it, and copies standard
 * input to it and it to standard output (ipl_relay) until the caller's
 * EOF.  -v prints "listen: call from REMOTE" on standard error.  Exit
 * codes: 0, 1 if a step fails, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

static const char ls_usage[] = "usage: listen [-v] addr\n";

int main(int argc, char **argv)
{
	char addr[IPL_ADDR_MAX], adir[IPL_DIR_MAX], ldir[IPL_DIR_MAX], path[IPL_DIR_MAX + 8];
	char remote[64] = "?";
	int i = 1, afd, lcfd, data;
	bool verbose = argc > 1 && !strcmp(argv[1], "-v");

	i += verbose;
	if (argc != i + 1 || argv[i][0] == '-') {
		fputs(ls_usage, argc == 2 && !strcmp(argv[1], "-h") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : 2;
	}
	netmkaddr_r(addr, sizeof(addr), argv[i], "tcp", NULL);
	afd = announce9(addr, adir);
	if (afd < 0) {
		vbin_fail("listen", addr);
		return 1;
	}
	lcfd = listen9(adir, ldir);
	data = lcfd < 0 ? -1 : accept9(lcfd, ldir);
	if (data < 0) {
		vbin_fail("listen", lcfd < 0 ? "listen" : "accept");
		return 1;
	}
	close(afd);
	if (verbose) {
		snprintf(path, sizeof(path), "%s/remote", ldir);
		if (vbin_slurp(path, remote, sizeof(remote)) > 0)
			remote[strcspn(remote, "\n")] = 0;
		fprintf(stderr, "listen: call from %s\n", remote);
	}
	if (ipl_relay(data, lcfd) < 0) {
		vbin_fail("listen", "relay");
		return 1;
	}
	return 0;
}
