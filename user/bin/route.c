/* SPDX-License-Identifier: MIT */
/*
 * route.c - /bin/route: the routing table of #ip (/net/iproute).
 *
 *	route                        prints /net/iproute
 *	route add DEST MASK GW       "add DEST MASK GW" (0.0.0.0 0.0.0.0 GW:
 *	                             the default route)
 *	route del DEST MASK          "remove DEST MASK"
 *	route flush                  "flush"
 *
 * Addresses and masks are dotted quads (a mask must be contiguous).
 * Exit codes: 0, 1 if #ip refused, 2 on bad usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "ipaddr.h"
#include "netcfg.h"
#include "vbin.h"

#define ROUTE_FILE NET_ROOT "/iproute"

static const char route_usage[] =
	"usage: route [add DEST MASK GW | del DEST MASK | flush]\n";

/* argv[from..from+n) are addresses, argv[from+1] a mask. */
static int route_args_ok(char **argv, int from, int n)
{
	uint32_t v;

	for (int i = from; i < from + n; i++)
		if (!ip_parse(argv[i], &v) || (i == from + 1 && !ip_mask_valid(v)))
			return 0;
	return 1;
}

/* The message the arguments ask for, into msg; false if they are bad. */
static bool route_msg(int argc, char **argv, char *msg, size_t size)
{
	if (argc == 5 && strcmp(argv[1], "add") == 0 && route_args_ok(argv, 2, 3))
		snprintf(msg, size, "add %s %s %s", argv[2], argv[3], argv[4]);
	else if (argc == 4 && strcmp(argv[1], "del") == 0 && route_args_ok(argv, 2, 2))
		snprintf(msg, size, "remove %s %s", argv[2], argv[3]);
	else if (argc == 2 && strcmp(argv[1], "flush") == 0)
		snprintf(msg, size, "flush");
	else
		return false;
	return true;
}

int main(int argc, char **argv)
{
	char msg[96];
	bool ok = argc > 1 && route_msg(argc, argv, msg, sizeof(msg));

	return net_table_main("route", ROUTE_FILE, route_usage, argc, argv, ok ? msg : NULL);
}
