/* SPDX-License-Identifier: MIT */
/*
 * notify.c - /bin/notify PID EV [ARG2 [ARG4]]: sends event type EV to
 * process PID (SYS_notify: the message goes to the queue PID registered
 * for EV in procdata's kernel_evts; with none, the kernel refuses with
 * ENOENT), with ev_arg2 and ev_arg4 as given (decimal or 0x hex).  -h prints the usage.
 * Exit codes: 0, 1 if the kernel refused (its errstr is printed), 2 bad
 * usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <parlib/syscall.h>
#include <ros/event_msg.h>
#include "vbin.h"

static const char notify_usage[] = "usage: notify PID EV [ARG2 [ARG4]]\n";

/* A whole number (decimal, or hex with 0x) into *v; false if not one. */
static bool notify_num(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-')
		return false;
	*v = strtoull(s, &end, 0);
	return *end == 0;
}

int main(int argc, char **argv)
{
	struct event_msg m;
	unsigned long long ev, a2 = 0, a4 = 0;
	int pid;

	if (argc == 2 && strcmp(argv[1], "-h") == 0) {
		fputs(notify_usage, stdout);
		return 0;
	}
	if (argc < 3 || argc > 5 || (pid = vbin_parse_pid(argv[1])) < 0 ||
	    !notify_num(argv[2], &ev) || ev >= EV_NR_TYPES ||
	    (argc > 3 && !notify_num(argv[3], &a2)) || a2 > 0xffffffffull ||
	    (argc > 4 && !notify_num(argv[4], &a4))) {
		fputs(notify_usage, stderr);
		return 2;
	}
	memset(&m, 0, sizeof(m));
	m.ev_type = (uint16_t)ev;
	m.ev_arg2 = (uint32_t)a2;
	m.ev_arg4 = a4;
	if (ros_syscall(SYS_notify, pid, ev, (long)&m, 0, 0, 0) != 0) {
		vbin_fail("notify", argv[1]);
		return 1;
	}
	return 0;
}
