/* SPDX-License-Identifier: MIT */
/*
 * arp.c - /bin/arp: the ARP cache of #ip (/net/arp).
 *
 *	arp                      prints /net/arp
 *	arp -f                   flushes it ("flush")
 *	arp -d ADDR [IFC]        forgets one entry ("del ADDR [IFC]")
 *	arp -s ADDR MAC [IFC]    adds a static one ("add ADDR MAC [IFC]";
 *	                         MAC as XX:XX:XX:XX:XX:XX)
 *
 * IFC is the interface's number (#ip takes 0 when it is missing).
 * Exit codes: 0, 1 if #ip refused or the file is missing, 2 on bad usage.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ipaddr.h"
#include "netcfg.h"
#include "vbin.h"

#define ARP_FILE NET_ROOT "/arp"

static const char arp_usage[] = "usage: arp [-f | -d ADDR [IFC] | -s ADDR MAC [IFC]]\n";

/* XX:XX:XX:XX:XX:XX with hex digits. */
static bool arp_mac_ok(const char *s)
{
	if (strlen(s) != 17)
		return false;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
	return true;
}

/* A whole decimal interface number, or absent. */
static bool arp_ifc_ok(int argc, char **argv, int at)
{
	return argc <= at || vbin_parse_pid(argv[at]) >= 0;
}

/* The message the arguments ask for, into msg; false if they are bad. */
static bool arp_msg(int argc, char **argv, char *msg, size_t size)
{
	uint32_t a;

	if (argc == 2 && strcmp(argv[1], "-f") == 0) {
		snprintf(msg, size, "flush");
	} else if ((argc == 3 || argc == 4) && strcmp(argv[1], "-d") == 0 &&
		   ip_parse(argv[2], &a) && arp_ifc_ok(argc, argv, 3)) {
		snprintf(msg, size, "del %s%s%s", argv[2], argc == 4 ? " " : "",
			 argc == 4 ? argv[3] : "");
	} else if ((argc == 4 || argc == 5) && strcmp(argv[1], "-s") == 0 &&
		   ip_parse(argv[2], &a) && arp_mac_ok(argv[3]) && arp_ifc_ok(argc, argv, 4)) {
		snprintf(msg, size, "add %s %s%s%s", argv[2], argv[3], argc == 5 ? " " : "",
			 argc == 5 ? argv[4] : "");
	} else {
		return false;
	}
	return true;
}

int main(int argc, char **argv)
{
	char msg[96];
	bool ok = argc > 1 && arp_msg(argc, argv, msg, sizeof(msg));

	return net_table_main("arp", ARP_FILE, arp_usage, argc, argv, ok ? msg : NULL);
}
