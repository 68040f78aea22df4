/* SPDX-License-Identifier: MIT */
/*
 * strace.c - /bin/strace: the system calls of a program, as the kernel's
 * tracer records them (#proc/PID/strace, Documentation/tools/strace.md).
 *
 *	strace [-f] [-R] [-o FILE] CMD [ARGS...]   run CMD, traced from its first
 *	                                           instruction; exit with its status
 *	strace [-f] [-R] [-o FILE] -p PID          trace a running process until it
 *	                                           exits or Ctrl-C
 *
 * CMD starts in two steps (vbin_create, then vbin_start): between them the
 * child's /proc/PID/ctl gets "strace on" ("strace follow" with -f: the
 * children it makes are traced into the same buffer) and its
 * /proc/PID/strace is opened, so no call is missed.  The kernel's lines
 * ("E|X TS PID VCORE CORE CALL", Documentation/dev/proc.md) become strace's:
 * an exit line prints its CALL (with " = result"); an entry line waits for
 * its exit, and one that never gets it (exit, a killed process) is printed
 * as "CALL = ?".  Lines of other processes than the first are tagged
 * "[pid N]", calls from an MCP's vcores "[vc N]"; "D N records dropped"
 * becomes "+++ N records dropped +++".  -R prints the kernel's lines as
 * they are.  Output goes to stderr, or FILE.
 *
 * Exit codes: CMD's (vbin_status_code), 0 for -p, 1 if tracing could not
 * start, 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vbin.h"

#define ST_LINE_MAX  1024       /* the kernel's STRACE_LINE_MAX */
#define ST_PENDING   32         /* entries waiting for their exits */

static const char st_usage[] =
	"usage: strace [-f] [-R] [-o FILE] CMD [ARGS...]\n"
	"       strace [-f] [-R] [-o FILE] -p PID\n";

struct st_opts {
	bool follow, raw;
	const char *out;
	int pid;                        /* -p, or 0 */
	char **cmd;
};

/* An entry line that has not seen its exit yet. */
struct st_pending {
	int pid;
	char vcore[12];
	char call[ST_LINE_MAX];
};

static struct st_pending st_pend[ST_PENDING];
static int st_first_pid;
static FILE *st_out;
static volatile sig_atomic_t st_ctl_fd = -1;

static int st_parse(int argc, char **argv, struct st_opts *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-f")) {
			o->follow = true;
		} else if (!strcmp(argv[i], "-R")) {
			o->raw = true;
		} else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
			o->out = argv[++i];
		} else if (!strcmp(argv[i], "-p") && i + 1 < argc) {
			o->pid = vbin_parse_pid(argv[++i]);
			if (o->pid <= 0)
				return -1;
		} else if (!strcmp(argv[i], "-h")) {
			return 1;
		} else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else {
			return -1;
		}
	}
	o->cmd = i < argc ? &argv[i] : NULL;
	return !o->cmd == !o->pid ? -1 : 0;
}

/* ----------------------------------------------------------- output */

/* "[pid N] " and "[vc N] " as the line needs them. */
static void st_prefix(int pid, const char *vcore)
{
	if (pid != st_first_pid)
		fprintf(st_out, "[pid %d] ", pid);
	if (strcmp(vcore, "-"))
		fprintf(st_out, "[vc %s] ", vcore);
}

static struct st_pending *st_find(int pid, const char *vcore)
{
	for (int i = 0; i < ST_PENDING; i++)
		if (st_pend[i].pid == pid && !strcmp(st_pend[i].vcore, vcore))
			return &st_pend[i];
	return NULL;
}

static void st_flush(struct st_pending *e)
{
	st_prefix(e->pid, e->vcore);
	fprintf(st_out, "%s = ?\n", e->call);
	e->pid = 0;
}

static void st_enter(int pid, const char *vcore, const char *call)
{
	struct st_pending *e = st_find(pid, vcore);

	if (e)
		st_flush(e);            /* the one before never returned */
	e = st_find(0, "");
	if (!e) {
		e = &st_pend[0];
		st_flush(e);
	}
	e->pid = pid;
	snprintf(e->vcore, sizeof(e->vcore), "%s", vcore);
	snprintf(e->call, sizeof(e->call), "%s", call);
}

static void st_line(char *line, bool raw)
{
	char kind, vcore[12];
	int pid, core, off = 0;
	unsigned long ts;
	struct st_pending *e;

	if (raw) {
		fprintf(st_out, "%s\n", line);
		return;
	}
	if (line[0] == 'D') {
		fprintf(st_out, "+++ %s +++\n", line + 2);
		return;
	}
	if (sscanf(line, "%c %lu %d %11s %d %n", &kind, &ts, &pid, vcore, &core, &off) != 5 ||
	    !off) {
		fprintf(st_out, "strace: unexpected line: %s\n", line);
		return;
	}
	if (!st_first_pid)
		st_first_pid = pid;
	if (kind == 'E') {
		st_enter(pid, vcore, line + off);
		return;
	}
	e = st_find(pid, vcore);
	if (e)
		e->pid = 0;
	st_prefix(pid, vcore);
	fprintf(st_out, "%s\n", line + off);
}

/* Reads the trace to its end, a line at a time. */
static void st_follow(int fd, bool raw)
{
	static char buf[2 * ST_LINE_MAX];
	size_t have = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n < 0 && errno == EINTR && st_ctl_fd >= 0)
			continue;
		if (n <= 0)
			break;
		have += (size_t)n;
		buf[have] = '\0';
		char *s = buf, *nl;

		while ((nl = strchr(s, '\n'))) {
			*nl = '\0';
			st_line(s, raw);
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		if (have == sizeof(buf) - 1)
			have = 0;       /* no line is this long: drop it */
	}
	if (n < 0)
		vbin_fail("strace", "read of the trace");
	for (int i = 0; i < ST_PENDING; i++)
		if (st_pend[i].pid)
			st_flush(&st_pend[i]);
	fflush(st_out);
}

/* ----------------------------------------------------------- tracing */

/* Opens pid's ctl and trace and turns tracing on: the trace's fd, with
 * the ctl's in *ctl, or -1 after reporting. */
static int st_attach(int pid, bool follow, int *ctl)
{
	char path[64];
	const char *cmd = follow ? "strace follow" : "strace on";
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ctl", pid);
	*ctl = open(path, O_WRONLY | O_CLOEXEC);
	if (*ctl < 0 || write(*ctl, cmd, strlen(cmd)) < 0) {
		vbin_fail("strace", path);
		if (*ctl >= 0)
			close(*ctl);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%d/strace", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		vbin_fail("strace", path);
		close(*ctl);
		return -1;
	}
	return fd;
}

/* Ctrl-C while attached with -p: tracing off, so the trace ends. */
static void st_sigint(int sig)
{
	int fd = st_ctl_fd;

	(void)sig;
	if (fd >= 0)
		write(fd, "strace off", 10);
}

static int st_run_cmd(const struct st_opts *o)
{
	int pid = vbin_create(o->cmd), fd, ctl, status;

	if (pid < 0) {
		vbin_fail("strace", o->cmd[0]);
		return 1;
	}
	fd = st_attach(pid, o->follow, &ctl);
	if (fd < 0) {
		kill(pid, SIGKILL);
		vbin_wait(pid, &status, 0);
		return 1;
	}
	close(ctl);
	if (vbin_start(pid) < 0) {
		vbin_fail("strace", o->cmd[0]);
		close(fd);
		return 1;
	}
	st_follow(fd, o->raw);
	close(fd);
	if (vbin_wait(pid, &status, 0) < 0) {
		vbin_fail("strace", "waitpid");
		return 1;
	}
	if (WIFSIGNALED(status))
		fprintf(st_out, "+++ killed by signal %d +++\n", WTERMSIG(status));
	else
		fprintf(st_out, "+++ exited with %d +++\n", vbin_status_code(status));
	fflush(st_out);
	return vbin_status_code(status);
}

static int st_run_pid(const struct st_opts *o)
{
	int ctl, fd = st_attach(o->pid, o->follow, &ctl);

	if (fd < 0)
		return 1;
	st_first_pid = o->pid;
	st_ctl_fd = ctl;
	signal(SIGINT, st_sigint);
	st_follow(fd, o->raw);
	signal(SIGINT, SIG_DFL);
	st_ctl_fd = -1;
	write(ctl, "strace off", 10);   /* fails if it ended: nothing to undo */
	close(ctl);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	struct st_opts o;
	int r = st_parse(argc, argv, &o), code;

	if (r) {
		fputs(st_usage, r > 0 ? stdout : stderr);
		return r > 0 ? 0 : 2;
	}
	st_out = stderr;
	if (o.out && !(st_out = fopen(o.out, "w"))) {
		vbin_fail("strace", o.out);
		return 1;
	}
	code = o.pid ? st_run_pid(&o) : st_run_cmd(&o);
	if (st_out != stderr)
		fclose(st_out);
	return code;
}
