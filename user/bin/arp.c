/* SPDX-License-Identifier: MIT */
/*
 * arp.c - /bin/arp: the ARP cache of #ip (/net/arp).
 *
 *	arp              prints /net/arp
 *	arp -f           flushes it ("flush")
 *	arp -d ADDR      forgets one entry ("del ADDR")
 *
 * Exit codes: 0, 1 if #ip refused or the file is missing, 2 on bad usage.
 */
#include <stdio.h>
#include <string.h>
#include "ipaddr.h"
#include "netcfg.h"
#include "vbin.h"

#define ARP_FILE NET_ROOT "/arp"

static const char arp_usage[] = "usage: arp [-f | -d ADDR]\n";

int main(int argc, char **argv)
{
	char msg[64];
	uint32_t a;

	if (argc == 1) {
		if (net_print(ARP_FILE) == 0)
			return 0;
		vbin_fail("arp", ARP_FILE);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		printf("%s", arp_usage);
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-f") == 0) {
		snprintf(msg, sizeof(msg), "flush");
	} else if (argc == 3 && strcmp(argv[1], "-d") == 0 && ip_parse(argv[2], &a)) {
		snprintf(msg, sizeof(msg), "del %s", argv[2]);
	} else {
		fprintf(stderr, "%s", arp_usage);
		return 2;
	}
	if (net_write(ARP_FILE, msg) < 0) {
		vbin_fail("arp", msg);
		return 1;
	}
	return 0;
}
