/* SPDX-License-Identifier: MIT */
/*
 * ps.c - /bin/ps: one line per process, read from #proc (/proc/PID/status,
 * Documentation/dev/proc.md): "PID PPID STATE NAME" under a heading, in pid
 * order.  A process that goes away while ps reads is skipped.  -h prints
 * the usage.  Exit codes: 0, 1 if /proc cannot be read.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "vbin.h"

#define PS_MAX 4096

static int ps_cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The pids listed in /proc, sorted; their count or -1. */
static int ps_pids(int *pids, int max)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)) && n < max) {
		int pid = vbin_parse_pid(e->d_name);

		if (pid > 0)
			pids[n++] = pid;
	}
	closedir(d);
	qsort(pids, (size_t)n, sizeof(*pids), ps_cmp);
	return n;
}

/* Prints pid's line from its status file; silent if it is gone. */
static void ps_one(int pid)
{
	char path[64], buf[256], name[128], state[32];
	int fd, p, pp;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;
	buf[n] = 0;
	if (sscanf(buf, "%d %d %127s %31s", &p, &pp, name, state) != 4) {
		fprintf(stderr, "ps: %s: unexpected text\n", path);
		return;
	}
	printf("%5d %5d %-10s %s\n", p, pp, state, name);
}

int main(int argc, char **argv)
{
	static int pids[PS_MAX];
	int n;

	if (argc > 1) {
		fputs("usage: ps\n", strcmp(argv[1], "-h") == 0 ? stdout : stderr);
		return strcmp(argv[1], "-h") == 0 ? 0 : 2;
	}
	n = ps_pids(pids, PS_MAX);
	if (n < 0) {
		vbin_fail("ps", "/proc");
		return 1;
	}
	printf("  PID  PPID STATE      NAME\n");
	for (int i = 0; i < n; i++)
		ps_one(pids[i]);
	return 0;
}
