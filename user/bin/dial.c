/* SPDX-License-Identifier: MIT */
/*
 * dial.c - /bin/dial: an nc-like client over iplib
 * (Documentation/tools/dial.md).
 *
 *	dial ADDR                  ADDR a dial string: tcp!10.0.2.2!80,
 *	                           host!http (net defaults to tcp)
 *
 * Dials ADDR and copies standard input to the connection and the
 * connection to standard output (ipl_relay); standard input's EOF
 * half-closes the connection and dial exits at the connection's EOF.
 * Exit codes: 0, 1 if the dial or the copying fails (the reason on
 * standard error: "dial: tcp!127.0.0.1!9: Connection refused ..."), 2 on
 * bad usage.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

int main(int argc, char **argv)
{
	char addr[IPL_ADDR_MAX];
	int data, ctl;

	if (argc != 2 || argv[1][0] == '-') {
		fputs("usage: dial addr\n", argc == 2 && !strcmp(argv[1], "-h") ? stdout : stderr);
		return argc == 2 && !strcmp(argv[1], "-h") ? 0 : 2;
	}
	netmkaddr_r(addr, sizeof(addr), argv[1], "tcp", NULL);
	data = dial9(addr, NULL, NULL, &ctl);
	if (data < 0) {
		vbin_fail("dial", addr);
		return 1;
	}
	if (ipl_relay(data, ctl) < 0) {
		vbin_fail("dial", "relay");
		return 1;
	}
	return 0;
}
