/* SPDX-License-Identifier: MIT */
/*
 * prov.c - /bin/prov: provisioning cores to processes, and what MCPs hold.
 *
 *	prov -p PID -c CORE     core CORE becomes PID's first choice (PID 0:
 *	                        nobody's); if another MCP holds it and PID
 *	                        wants more cores, the ksched takes it back
 *	prov -s                 every MCP's vcores, from /proc/PID/vcores:
 *	                        "PID VCORE PCORE SENT DONE PENDING"
 *	prov -h                 the usage
 *
 * The kernel decides who may provision what (SYS_provision: oneself, a
 * child, or nobody; never a low-latency core); refusals are reported with
 * its errstr.  Exit codes: 0, 1 if the kernel refused or /proc could not
 * be read, 2 bad usage.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <parlib/syscall.h>
#include "vbin.h"

#define PROV_RES_CORES 0        /* ros/procinfo.h's RES_CORES */

static const char prov_usage[] = "usage: prov -p PID -c CORE | prov -s\n";

/* One process's /proc/PID/vcores lines, prefixed with its pid. */
static void prov_show_one(int pid)
{
	char path[64], buf[4096];
	int fd, n;

	snprintf(path, sizeof(path), "/proc/%d/vcores", pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return;                 /* gone meanwhile */
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return;                 /* an SCP: no vcores */
	buf[n] = 0;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		unsigned v, pc, sent, done, pending;

		if (sscanf(line, "%u %u %u %u %u", &v, &pc, &sent, &done, &pending) == 5)
			printf("%5d %5u %5u %5u %5u %7u\n", pid, v, pc, sent, done, pending);
	}
}

static int prov_show(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (!d) {
		vbin_fail("prov", "/proc");
		return 1;
	}
	printf("%5s %5s %5s %5s %5s %7s\n", "PID", "VCORE", "PCORE", "SENT", "DONE",
	       "PENDING");
	while ((e = readdir(d))) {
		int pid = vbin_parse_pid(e->d_name);

		if (pid > 0)
			prov_show_one(pid);
	}
	closedir(d);
	return 0;
}

int main(int argc, char **argv)
{
	int pid = -1, core = -1, opt;

	while ((opt = getopt(argc, argv, "hsp:c:")) != -1) {
		switch (opt) {
		case 'h':
			fputs(prov_usage, stdout);
			return 0;
		case 's':
			return prov_show();
		case 'p':
			pid = vbin_parse_pid(optarg);
			break;
		case 'c':
			core = vbin_parse_pid(optarg);
			break;
		default:
			fputs(prov_usage, stderr);
			return 2;
		}
	}
	if (pid < 0 || core < 0 || optind != argc) {
		fputs(prov_usage, stderr);
		return 2;
	}
	if (ros_syscall(SYS_provision, pid, PROV_RES_CORES, core, 0, 0, 0) != 0) {
		vbin_fail("prov", "provision");
		return 1;
	}
	return 0;
}
