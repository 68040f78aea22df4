/* SPDX-License-Identifier: MIT */
/*
 * netstat.c - /bin/netstat: the conversations of #ip.
 *
 *	netstat [-p PROTO]
 *
 * For each protocol folder of /net (tcp, udp, icmp, or just PROTO) and
 * each conversation N in it, one line: the protocol, N, the state from
 * N/status (state_word()), N/local and N/remote (addr!port).  Exit codes: 0, 1 if no protocol could be read, 2 on bad
 * usage.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "netcfg.h"
#include "vbin.h"

static const char netstat_usage[] = "usage: netstat [-p PROTO]\n";
static const char *const netstat_protos[] = { "tcp", "udp", "icmp" };

/* The first line of path, without its newline ("-" if unreadable). */
static void first_line(const char *path, char *out, size_t size)
{
	if (vbin_slurp(path, out, size) < 0)
		snprintf(out, size, "-");
	out[strcspn(out, "\n")] = 0;
}

/* The state word of a status line: "udp/3 1 Announced" (the name, the
 * open count, the state: #ip's common form) or "Established ..." (a
 * protocol's own, state first). */
static const char *state_word(char *line, const char *proto, int n)
{
	char name[64];
	char *w = line;

	snprintf(name, sizeof(name), "%s/%d", proto, n);
	if (strncmp(w, name, strlen(name)) == 0 && (w[strlen(name)] == ' ' || !w[strlen(name)])) {
		w += strspn(w + strlen(name), " ") + strlen(name);
		if (*w >= '0' && *w <= '9' && w[strspn(w, "0123456789")] == ' ')
			w += strspn(w, "0123456789 ");
	}
	w[strcspn(w, " \t")] = 0;
	return *w ? w : "-";
}

static void netstat_conv(int n, void *arg)
{
	const char *proto = arg;
	char path[NET_PATH_MAX], status[512], local[128], remote[128];
	const char *state;

	snprintf(path, sizeof(path), NET_ROOT "/%s/%d/status", proto, n);
	first_line(path, status, sizeof(status));
	state = state_word(status, proto, n);
	snprintf(path, sizeof(path), NET_ROOT "/%s/%d/local", proto, n);
	first_line(path, local, sizeof(local));
	snprintf(path, sizeof(path), NET_ROOT "/%s/%d/remote", proto, n);
	first_line(path, remote, sizeof(remote));
	printf("%-5s %-4d %-12s %-22s %s\n", proto, n, state, local, remote);
}

static int netstat_proto(const char *proto)
{
	char dir[NET_PATH_MAX];

	snprintf(dir, sizeof(dir), NET_ROOT "/%s", proto);
	if (net_each_conv(dir, netstat_conv, (void *)proto) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	int ok = 0;

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		printf("%s", netstat_usage);
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "-p") == 0) {
		if (netstat_proto(argv[2]) == 0)
			return 0;
		vbin_fail("netstat", argv[2]);
		return 1;
	}
	if (argc != 1) {
		fprintf(stderr, "%s", netstat_usage);
		return 2;
	}
	printf("%-5s %-4s %-12s %-22s %s\n", "proto", "N", "state", "local", "remote");
	for (size_t i = 0; i < sizeof(netstat_protos) / sizeof(netstat_protos[0]); i++)
		if (netstat_proto(netstat_protos[i]) == 0)
			ok++;
	if (ok == 0) {
		fprintf(stderr, "netstat: no protocol under " NET_ROOT "\n");
		return 1;
	}
	return 0;
}
