/* SPDX-License-Identifier: MIT */
/*
 * libc_strace.c - /test/libc_strace: the syscall tracer (#proc/PID/strace,
 * the ctl's strace commands, /bin/strace; Documentation/tools/strace.md).
 *
 *	/test/libc_strace                  the utest suite
 *	/test/libc_strace child seq        a known sequence of calls, exit 3
 *	/test/libc_strace child fork       forks a child that opens a missing
 *	                                   file; exits 0
 *	/test/libc_strace child mcp R G    an MCP with two threads on two
 *	                                   vcores: "r" on fd R, then G's byte
 *	                                   starts their getvcoreid calls;
 *	                                   exits 0, or 90+ without a second
 *	                                   vcore
 *
 * Children forked by the tests wait for a pipe's byte and then exit
 * (st_child_wait) or make 1000 null calls first (st_child_nulls).  Most
 * tests run a child under /bin/strace -o FILE (its strace lines, or
 * the kernel's with -R) and check the file; the others drive #proc
 * directly.  Run by scripts/run-ktests.sh on four cores (an MCP needs
 * cores besides the low-latency core 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <parlib/parlib.h>
#include <parlib/syscall.h>
#include <parlib/vcore.h>
#include <utest/utest.h>

#define ST_OUT      "/tmp/strace.out"
#define ST_IN       "/tmp/strace.in"
#define ST_SELF     "/test/libc_strace"

extern char **environ;

static char st_buf[64 * 1024];          /* the last trace read */

/* ---------------------------------------------------------- children */

static int st_child_seq(void)
{
	char buf[64];
	int fd = open(ST_IN, O_RDONLY);

	if (fd < 0 || read(fd, buf, sizeof(buf)) != 6 || close(fd))
		return 99;
	if (open("/nope/strace", O_RDONLY) >= 0)
		return 98;
	return 3;
}

static int st_child_fork(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 99;
	if (pid == 0) {
		open("/strace-follow-child", O_RDONLY);
		_exit(0);
	}
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? 0 : 98;
}

static volatile int st_mcp_go;

/* Waits for the go mostly in user mode: every sched_yield of a threaded
 * process is a few traced calls (self_notify, poke_ksched), and a slow
 * reader would find the ring full of them, and the getvcoreid records
 * dropped, by the time the go comes.  A yield now and then lets main
 * (parked on the go pipe) have a vcore. */
static void *st_mcp_thread(void *arg)
{
	(void)arg;
	for (unsigned long n = 1; !__atomic_load_n(&st_mcp_go, __ATOMIC_SEQ_CST); n++) {
		if (n % 4096 == 0)
			sched_yield();
		else
			__asm__ volatile("pause");
	}
	for (int i = 0; i < 10; i++) {
		ros_syscall(SYS_getvcoreid, 0, 0, 0, 0, 0, 0);
		sched_yield();
	}
	return NULL;
}

/* Two threads on two vcores; "r" on ready_fd once they are ours, then
 * go_fd's byte starts their getvcoreid calls. */
static int st_child_mcp(int ready_fd, int go_fd)
{
	struct timespec ms = { 0, 1000 * 1000 };
	pthread_t t[2];
	int ret, tries = 0;
	char c;

	while ((ret = vcore_change_to_m()) == -EBUSY && tries++ < 5000)
		nanosleep(&ms, NULL);
	if (ret)
		return 95;
	for (int i = 0; i < 2; i++)
		if (pthread_create(&t[i], NULL, st_mcp_thread, NULL))
			return 94;
	for (int i = 0; i < 5000 && num_vcores() < 2; i++) {
		vcore_request_total(2);
		nanosleep(&ms, NULL);
	}
	if (num_vcores() < 2)
		return 93;
	if (write(ready_fd, "r", 1) != 1 || read(go_fd, &c, 1) != 1)
		return 92;
	__atomic_store_n(&st_mcp_go, 1, __ATOMIC_SEQ_CST);
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	return 0;
}

static int st_child_nulls(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		return 99;
	for (int i = 0; i < 1000; i++)
		ros_syscall(SYS_null, 0, 0, 0, 0, 0, 0);
	return 0;
}

/* ----------------------------------------------------------- helpers */

/* Runs argv (a NULL-terminated list) and waits: its wait status. */
static int st_run(char *const *argv)
{
	pid_t pid;
	int status;

	UT_ASSERT_EQ(posix_spawn(&pid, argv[0], NULL, NULL, argv, environ), 0);
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	return status;
}

/* Reads path into st_buf (NUL-terminated): its length. */
static size_t st_slurp(const char *path)
{
	int fd = UT_SYS(open(path, O_RDONLY));
	size_t n = 0;
	ssize_t r;

	while (n + 1 < sizeof(st_buf) && (r = read(fd, st_buf + n, sizeof(st_buf) - 1 - n)) > 0)
		n += (size_t)r;
	UT_SYS(close(fd));
	st_buf[n] = '\0';
	return n;
}

/* The whole of an open trace, to its end. */
static size_t st_drain(int fd)
{
	size_t n = 0;
	ssize_t r;

	while (n + 1 < sizeof(st_buf) && (r = read(fd, st_buf + n, sizeof(st_buf) - 1 - n)) > 0)
		n += (size_t)r;
	UT_ASSERT_MSG(n + 1 < sizeof(st_buf), "trace longer than %zu bytes", sizeof(st_buf));
	st_buf[n] = '\0';
	return n;
}

/* Whether st_buf holds 'line' as a whole line. */
static bool st_has_line(const char *line)
{
	size_t len = strlen(line);

	for (const char *s = st_buf; (s = strstr(s, line)); s++)
		if ((s == st_buf || s[-1] == '\n') && (s[len] == '\n' || !s[len]))
			return true;
	return false;
}

static int st_write_ctl(int pid, const char *msg)
{
	char path[64];
	int fd, r;

	snprintf(path, sizeof(path), "/proc/%d/ctl", pid);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	r = (int)write(fd, msg, strlen(msg));
	if (r < 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	close(fd);
	return 0;
}

static int st_open_trace(int pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/strace", pid);
	return open(path, O_RDONLY);
}

/* A forked child running mode with a pipe's read end; *wfd its write end. */
static pid_t st_fork_child(int (*fn)(int), int *wfd)
{
	int p[2];
	pid_t pid;

	UT_SYS(pipe(p));
	pid = UT_SYS(fork());
	if (pid == 0) {
		close(p[1]);
		_exit(fn(p[0]));
	}
	close(p[0]);
	*wfd = p[1];
	return pid;
}

static int st_child_wait(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : 99;
}

/* -------------------------------------------------------------- tests */

UTEST(trace, known_sequence_exact_lines)
{
	char *argv[] = { "/bin/strace", "-o", ST_OUT, ST_SELF, "child", "seq", NULL };
	int fd = UT_SYS(open(ST_IN, O_WRONLY | O_CREAT | O_TRUNC, 0644)), status;

	UT_ASSERT_EQ(write(fd, "hello\n", 6), 6);
	UT_SYS(close(fd));
	status = st_run(argv);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	              "strace exited with status %#x, not the child's 3", status);
	st_slurp(ST_OUT);
	UT_ASSERT_MSG(st_has_line("openat(AT_FDCWD, \"/tmp/strace.in\", O_RDONLY) = 3"),
	              "no openat line in:\n%s", st_buf);
	UT_ASSERT_MSG(st_has_line("read(3, \"hello\\n\", 64) = 6"), "no read line in:\n%s",
	              st_buf);
	UT_ASSERT_MSG(st_has_line("close(3) = 0"), "no close line in:\n%s", st_buf);
	UT_ASSERT_MSG(strstr(st_buf, "proc_destroy(") && strstr(st_buf, " = ?\n+++ exited"),
	              "no unfinished exit call at the end of:\n%s", st_buf);
	UT_ASSERT_MSG(strstr(st_buf, "+++ exited with 3 +++\n"), "no exit line in:\n%s", st_buf);
	/* In order: the open before the read before the close. */
	UT_ASSERT(strstr(st_buf, "openat(AT_FDCWD, \"/tmp/strace.in\"") <
	          strstr(st_buf, "read(3, \"hello"));
	UT_ASSERT(strstr(st_buf, "read(3, \"hello") < strstr(st_buf, "close(3) = 0"));
	UT_SYS(unlink(ST_OUT));
	UT_SYS(unlink(ST_IN));
}

UTEST(trace, failing_call_shows_errno_and_errstr)
{
	char *argv[] = { "/bin/strace", "-o", ST_OUT, ST_SELF, "child", "seq", NULL };
	const char *want = "openat(AT_FDCWD, \"/nope/strace\", O_RDONLY) = -1 ENOENT (openat: ";
	int fd = UT_SYS(open(ST_IN, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	char *line;

	UT_ASSERT_EQ(write(fd, "hello\n", 6), 6);
	UT_SYS(close(fd));
	st_run(argv);
	st_slurp(ST_OUT);
	line = strstr(st_buf, want);
	UT_ASSERT_MSG(line && (line == st_buf || line[-1] == '\n'), "no failing openat in:\n%s",
	              st_buf);
	line = strchr(line, '\n');
	UT_ASSERT(line && line[-1] == ')');
	UT_ASSERT_MSG(strstr(st_buf, "nope"), "errstr names nothing");
	UT_SYS(unlink(ST_OUT));
	UT_SYS(unlink(ST_IN));
}

UTEST(trace, raw_lines_carry_pid_and_both_records)
{
	char *argv[] = { "/bin/strace", "-R", "-o", ST_OUT, ST_SELF, "child", "seq", NULL };
	int fd = UT_SYS(open(ST_IN, O_WRONLY | O_CREAT | O_TRUNC, 0644));
	char kind, vc[16];
	unsigned long ts, last_ts = 0;
	int pid, core, n = 0, entries = 0, exits = 0, off;

	UT_ASSERT_EQ(write(fd, "hello\n", 6), 6);
	UT_SYS(close(fd));
	st_run(argv);
	st_slurp(ST_OUT);
	for (char *s = st_buf; *s && *s != '+'; s = strchr(s, '\n') + 1) {
		off = 0;       /* every line the kernel's, to the tool's "+++ exited" */
		UT_ASSERT_MSG(sscanf(s, "%c %lu %d %15s %d %n", &kind, &ts, &pid, vc, &core, &off) == 5
		              && off, "bad line: %.80s", s);
		UT_ASSERT_MSG(kind == 'E' || kind == 'X', "bad kind in: %.80s", s);
		UT_ASSERT_STREQ(vc, "-");       /* an SCP */
		UT_ASSERT_GE(ts, last_ts);
		last_ts = ts;
		entries += kind == 'E';
		exits += kind == 'X';
		n++;
		if (!strchr(s, '\n'))
			break;
	}
	UT_ASSERT_GT(n, 6);
	UT_ASSERT_EQ(entries, exits + 1);      /* the exit call never returns */
	UT_SYS(unlink(ST_OUT));
	UT_SYS(unlink(ST_IN));
}

UTEST(bad, no_such_pid)
{
	char *argv[] = { "/bin/strace", "-p", "99999", NULL };
	int status;

	UT_ASSERT_ERRNO(open("/proc/99999/ctl", O_WRONLY), ENOENT);
	UT_ASSERT_ERRNO(open("/proc/99999/strace", O_RDONLY), ENOENT);
	status = st_run(argv);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 1, "status %#x", status);
}

UTEST(bad, ctl_commands_and_untraced_reads)
{
	int wfd, status;
	pid_t pid = st_fork_child(st_child_wait, &wfd);

	UT_ASSERT_ERRSTR(st_write_ctl(pid, "strace sideways"), EINVAL, "unknown argument");
	UT_ASSERT_ERRSTR(st_write_ctl(pid, "strace"), EINVAL, "unknown command");
	UT_ASSERT_ERRSTR(st_write_ctl(pid, "strace off"), EINVAL, "not traced");
	UT_ASSERT_ERRSTR(st_open_trace(pid), EINVAL, "not traced");
	UT_ASSERT_ERRNO(open("/proc/self/strace", O_RDWR), EACCES);
	UT_SYS(st_write_ctl(pid, "strace on"));
	UT_SYS(st_write_ctl(pid, "strace on"));         /* again: still on */
	UT_SYS(st_write_ctl(pid, "strace off"));
	UT_ASSERT_ERRSTR(st_write_ctl(pid, "strace off"), EINVAL, "not traced");
	UT_ASSERT_EQ(write(wfd, "x", 1), 1);
	UT_SYS(close(wfd));
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	UT_ASSERT_ERRNO(st_write_ctl(pid, "strace on"), ENOENT);        /* reaped */
}

/* A child in its own session may not trace its parent's other child. */
UTEST(bad, process_we_may_not_trace)
{
	int wfd, status;
	pid_t victim = st_fork_child(st_child_wait, &wfd), tracer = UT_SYS(fork());

	if (tracer == 0) {
		int e1, e2, fd;

		if (setsid() < 0)
			_exit(90);
		e1 = st_write_ctl(victim, "strace on") < 0 ? errno : 0;
		fd = st_open_trace(victim);
		e2 = fd < 0 ? errno : 0;
		_exit(e1 == EPERM && e2 == EPERM ? 0 : 91);
	}
	UT_ASSERT_EQ(waitpid(tracer, &status, 0), tracer);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "tracer status %#x", status);
	UT_ASSERT_EQ(write(wfd, "x", 1), 1);
	UT_SYS(close(wfd));
	UT_ASSERT_EQ(waitpid(victim, &status, 0), victim);
}

/* A reader waits for records and sees the end once the process exits. */
UTEST(reader, process_exits_then_end_of_file)
{
	int wfd, status, fd;
	pid_t pid = st_fork_child(st_child_wait, &wfd);
	ssize_t r;

	UT_SYS(st_write_ctl(pid, "strace on"));
	fd = UT_SYS(st_open_trace(pid));
	UT_SYS(fcntl(fd, F_SETFL, O_NONBLOCK));
	/* What the child did before it blocked in its read, then nothing. */
	while ((r = read(fd, st_buf, sizeof(st_buf))) > 0)
		;
	UT_ASSERT_MSG(r < 0 && errno == EAGAIN, "read gave %zd, errno %d", r, errno);
	UT_SYS(fcntl(fd, F_SETFL, 0));
	UT_ASSERT_EQ(write(wfd, "x", 1), 1);
	UT_SYS(close(wfd));
	st_drain(fd);
	/* Its read began before tracing: the exit call is all there is. */
	UT_ASSERT_MSG(strstr(st_buf, "proc_destroy("), "trace of the exiting child:\n%s",
	              st_buf);
	r = read(fd, st_buf, sizeof(st_buf));
	UT_ASSERT_EQ(r, 0);                     /* and stays at its end */
	UT_SYS(close(fd));
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
}

UTEST(reader, full_buffer_drops_and_says_how_many)
{
	int wfd, status, fd, kept = 0;
	pid_t pid = st_fork_child(st_child_nulls, &wfd);
	unsigned long dropped = 0;
	char *d;

	UT_SYS(st_write_ctl(pid, "strace on"));
	fd = UT_SYS(st_open_trace(pid));
	UT_ASSERT_EQ(write(wfd, "x", 1), 1);
	UT_SYS(close(wfd));
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);    /* all posted, none read */
	st_drain(fd);
	UT_SYS(close(fd));
	for (char *s = st_buf; *s && (s = strchr(s, '\n')); s++)
		kept++;
	d = strstr(st_buf, "\nD ");
	UT_ASSERT_MSG(d && sscanf(d, "\nD %lu records dropped", &dropped) == 1,
	              "no D line in %d lines", kept);
	UT_ASSERT_EQ(kept, 256 + 1);            /* the ring, then the count */
	/* 2000 null records and the exit's entry: all but 256 dropped. */
	UT_ASSERT_GE(dropped + 256, 2000 + 1);
	UT_ASSERT_EQ(d[1 + strcspn(d + 1, "\n") + 1], '\0');    /* the last line */
}

/* What the MCP test counts in a trace it scans line by line. */
struct st_mcp_tally {
	int calls;           /* getvcoreid exits */
	int vcores;          /* vcores any record is tagged with */
	int mistagged;       /* getvcoreid exits tagged with another vcore */
	bool dropped;        /* a "D" line: the ring overflowed */
	char bad[96];        /* the first mistagged line */
};

static void st_mcp_line(struct st_mcp_tally *t, const char *s)
{
	int pid, core, ret, off = 0;
	unsigned long ts;
	char vc[16];

	if (s[0] == 'D')
		t->dropped = true;
	if (sscanf(s, "%*c %lu %d %15s %d %n", &ts, &pid, vc, &core, &off) != 4 || vc[0] == '-')
		return;
	t->vcores |= 1 << (atoi(vc) & 7);
	if (s[0] != 'X' || !off || sscanf(s + off, "getvcoreid() = %d", &ret) != 1)
		return;
	/* The tag is the vcore the call ran on: what it returned. */
	if (atoi(vc) != ret && !t->mistagged++)
		snprintf(t->bad, sizeof(t->bad), "%s", s);
	t->calls++;
}

/* Reads an open trace to its end, a line at a time: the idle vcores of an
 * MCP may keep the trace growing for as long as the reader is slow, so it
 * is never held whole. */
static void st_scan_mcp(int fd, struct st_mcp_tally *t)
{
	size_t have = 0;
	ssize_t r;
	char *nl;

	while ((r = read(fd, st_buf + have, sizeof(st_buf) - 1 - have)) > 0) {
		char *line = st_buf;

		have += (size_t)r;
		st_buf[have] = '\0';
		while ((nl = strchr(line, '\n'))) {
			*nl = '\0';
			st_mcp_line(t, line);
			line = nl + 1;
		}
		have -= (size_t)(line - st_buf);
		memmove(st_buf, line, have);
		UT_ASSERT_MSG(have + 1 < sizeof(st_buf), "a trace line of %zu bytes", have);
	}
	st_buf[have] = '\0';
	if (have)
		st_mcp_line(t, st_buf);
}

/* Traced once its vcores are up.  The idle vcores keep making calls
 * (self_notify, poke_ksched) that may fill the ring before the reader
 * drains it: with a "D" line, only the getvcoreid records kept count. */
UTEST(mcp, records_from_every_vcore_tagged)
{
	struct st_mcp_tally t = { 0 };
	int rp[2], gp[2], status, fd;
	char a1[16], a2[16], c;
	pid_t child;

	UT_SYS(pipe(rp));
	UT_SYS(pipe(gp));
	snprintf(a1, sizeof(a1), "%d", rp[1]);
	snprintf(a2, sizeof(a2), "%d", gp[0]);
	child = UT_SYS(fork());
	if (child == 0) {
		execv(ST_SELF, (char *[]){ "libc_strace", "child", "mcp", a1, a2, NULL });
		_exit(UTEST_CHILD_FAILED);
	}
	UT_SYS(close(rp[1]));
	UT_SYS(close(gp[0]));
	if (read(rp[0], &c, 1) != 1) {
		UT_ASSERT_EQ(waitpid(child, &status, 0), child);
		UT_SYS(close(rp[0]));
		UT_SYS(close(gp[1]));
		utest_skip("the child got no second vcore (status %#x)", status);
	}
	UT_SYS(st_write_ctl(child, "strace on"));
	fd = UT_SYS(st_open_trace(child));
	UT_ASSERT_EQ(write(gp[1], "g", 1), 1);
	st_scan_mcp(fd, &t);
	UT_SYS(close(fd));
	UT_SYS(close(rp[0]));
	UT_SYS(close(gp[1]));
	UT_ASSERT_EQ(waitpid(child, &status, 0), child);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	UT_ASSERT_MSG(!t.mistagged, "%d getvcoreid exits tagged with another vcore, first: %s",
	              t.mistagged, t.bad);
	/* The idle vcores' own calls can fill the buffer faster than we read
	 * it: then some getvcoreid records are among the dropped ones. */
	UT_ASSERT_MSG(t.dropped ? t.calls >= 1 && t.calls <= 20 : t.calls == 20,
	              "%d getvcoreid calls (records %s dropped)", t.calls, t.dropped ? "were" : "none");
	UT_ASSERT_MSG(__builtin_popcount(t.vcores) >= 2, "records from vcores %#x only", t.vcores);
}

UTEST(follow, children_traced_with_f_only)
{
	char *with[] = { "/bin/strace", "-f", "-o", ST_OUT, ST_SELF, "child", "fork", NULL };
	char *without[] = { "/bin/strace", "-o", ST_OUT, ST_SELF, "child", "fork", NULL };
	const char *child_open = "openat(AT_FDCWD, \"/strace-follow-child\", O_RDONLY) = -1 ENOENT";
	int status = st_run(with);
	char *line;

	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	st_slurp(ST_OUT);
	line = strstr(st_buf, child_open);
	UT_ASSERT_MSG(line, "no child's openat in:\n%s", st_buf);
	/* The child's lines are tagged with its pid. */
	while (line > st_buf && line[-1] != '\n')
		line--;
	UT_ASSERT_MSG(!strncmp(line, "[pid ", 5), "untagged: %.80s", line);
	status = st_run(without);
	UT_ASSERT_MSG(WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
	st_slurp(ST_OUT);
	UT_ASSERT_MSG(!strstr(st_buf, child_open), "child traced without -f:\n%s", st_buf);
	UT_ASSERT(strstr(st_buf, "fork() = "));
	UT_SYS(unlink(ST_OUT));
}

int main(int argc, char **argv)
{
	if (argc >= 3 && !strcmp(argv[1], "child")) {
		if (!strcmp(argv[2], "seq"))
			return st_child_seq();
		if (!strcmp(argv[2], "fork"))
			return st_child_fork();
		if (!strcmp(argv[2], "mcp") && argc == 5)
			return st_child_mcp(atoi(argv[3]), atoi(argv[4]));
		return UTEST_CHILD_FAILED;
	}
	return utest_main("libc_strace", argc, argv);
}
