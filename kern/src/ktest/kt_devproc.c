/* SPDX-License-Identifier: MIT */
/*
 * kt_devproc.c - ktests of #proc, suite dev_proc.  Each test makes a
 * process with proc_create("/test/hello") and leaves it CREATED (it never
 * runs), reads its files through the kernel file interface and checks
 * them against the live structures (pid, ppid, state, region and FD
 * counts, argv, the console FDs, the kernel's binds, zero CPU times), then kills it
 * through its ctl file and reaps it with proc_wait.  Also: the directory
 * listing, walks to processes and files that do not exist (ENOENT), "self"
 * from a kernel thread, bad ctl messages, ctl's close and closefds, reads
 * in small pieces of one snapshot, and a chan that outlives its process
 * (the final state, ESRCH from ctl, no use after free).  The runner checks
 * pages and kmalloc objects; the tests check chans and the process count.
 */
#include <errno.h>
#include <kstring.h>
#include <ktest.h>
#include <ninep.h>
#include <process.h>
#include <ros/syscall.h>
#include <sysfile.h>

#include "kt_dev.h"

static const char *const kt_proc_argv[] = { "/test/hello", "two words", "x", NULL };

/* "#proc/PID/FILE" (FILE "" for the directory). */
static const char *kt_proc_path(char *buf, size_t len, int pid, const char *file)
{
	snprintf(buf, len, "#proc/%d%s%s", pid, file[0] ? "/" : "", file);
	return buf;
}

static ssize_t kt_proc_cat(int pid, const char *file, char *buf, size_t n)
{
	char path[48];

	return kt_dev_cat(kt_proc_path(path, sizeof(path), pid, file), buf, n);
}

static ssize_t kt_proc_ctl(int pid, const char *msg)
{
	char path[48];

	return kt_dev_echo(kt_proc_path(path, sizeof(path), pid, "ctl"), msg);
}

static int kt_proc_count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

/* Reads a decimal at *s and skips one space after it. */
static long kt_proc_field(const char **s)
{
	long v = 0;
	bool neg = **s == '-';

	if (neg)
		(*s)++;
	while (**s >= '0' && **s <= '9')
		v = v * 10 + (*(*s)++ - '0');
	if (**s == ' ')
		(*s)++;
	return neg ? -v : v;
}

/* Kills p through ctl and reaps it; its status must be WSTATUS_KILLED. */
static bool kt_proc_kill_and_reap(struct proc *p)
{
	int status;

	KT_CHECK(kt_proc_ctl(p->pid, "kill\n") == 5);
	status = proc_wait(p);
	KT_CHECK(status == WSTATUS_KILLED);
	return true;
}

static bool kt_proc_make(struct proc **p)
{
	KT_CHECK(proc_create("/test/hello", kt_proc_argv, NULL, p) == 0);
	return true;
}

/* status: "pid ppid name state regions fds exit". */
static bool kt_proc_check_status(struct proc *p)
{
	char buf[128], want[96];
	const char *s = buf;

	KT_CHECK(kt_proc_cat(p->pid, "status", buf, sizeof(buf)) > 0);
	KT_CHECK(kt_proc_field(&s) == p->pid);
	KT_CHECK(kt_proc_field(&s) == p->ppid);
	snprintf(want, sizeof(want), "hello CREATED %zu 3 - %d %d\n", p->mm->vmrs.nr, p->pgid,
	         p->sid);
	KT_CHECK(p->mm->vmrs.nr > 0);
	if (strcmp(s, want))
		printk("status: got '%s' want '%s'\n", s, want);
	KT_CHECK(!strcmp(s, want));
	return true;
}

static bool kt_proc_check_args(struct proc *p)
{
	static const char want[] = "/test/hello\0two words\0x";   /* + the last NUL */
	char buf[64];

	KT_CHECK(kt_proc_cat(p->pid, "args", buf, sizeof(buf)) == sizeof(want));
	KT_CHECK(!memcmp(buf, want, sizeof(want)));
	return true;
}

/* One line per region, "start-end perms name offset", in address order. */
static bool kt_proc_check_maps(struct proc *p)
{
	static char buf[4096];
	const char *prev = NULL;

	KT_CHECK(kt_proc_cat(p->pid, "maps", buf, sizeof(buf)) > 0);
	KT_CHECK(kt_proc_count_lines(buf) == (int)p->mm->vmrs.nr);
	for (char *line = buf; *line; line = strchr(line, '\n') + 1) {
		KT_CHECK(line[16] == '-' && line[33] == ' ' && line[38] == ' ');
		KT_CHECK(line[37] == 'p' || line[37] == 's');
		KT_CHECK(strchr("r-", line[34]) && strchr("w-", line[35]) &&
		         strchr("x-", line[36]));
		KT_CHECK(memcmp(line, line + 17, 16) < 0);           /* start < end */
		KT_CHECK(!prev || memcmp(prev + 17, line, 16) <= 0); /* in order */
		prev = line;
	}
	KT_CHECK(kt_dev_has(buf, " anon "));
	return true;
}

/* The three console FDs proc_create installs. */
static bool kt_proc_check_fd(struct proc *p)
{
	char buf[256];

	KT_CHECK(kt_proc_cat(p->pid, "fd", buf, sizeof(buf)) > 0);
	KT_CHECK(kt_proc_count_lines(buf) == 3);
	KT_CHECK(kt_dev_has(buf, "0 r-- - cons 0 #cons/stdin\n"));
	KT_CHECK(kt_dev_has(buf, "1 -w- - cons 0 #cons/stdout\n"));
	KT_CHECK(kt_dev_has(buf, "2 -w- - cons 0 #cons/stderr\n"));
	return true;
}

/* The child copied the kernel's name space (ns_init.c's binds). */
static bool kt_proc_check_ns(struct proc *p)
{
	static char buf[2048];

	KT_CHECK(kt_proc_cat(p->pid, "ns", buf, sizeof(buf)) > 0);
	if (!kt_dev_has(buf, "bind #proc /proc\n"))
		printk("ns:\n%s", buf);
	KT_CHECK(!strncmp(buf, "bind #root /\n", 13));
	KT_CHECK(kt_dev_has(buf, "bind -c #kfs /\n"));
	KT_CHECK(kt_dev_has(buf, "bind #proc /proc\n"));
	KT_CHECK(kt_dev_has(buf, "bind -a #cons /dev\n"));
	return true;
}

/* A process that never ran used no CPU time: four zeros. */
static bool kt_proc_check_times(struct proc *p)
{
	char buf[64];

	KT_CHECK(kt_proc_cat(p->pid, "times", buf, sizeof(buf)) == 8);
	KT_CHECK(!strcmp(buf, "0 0 0 0\n"));
	return true;
}

KTEST(dev_proc, files_of_a_created_process)
{
	int64_t live = proc_nr_live(), chans = chan_nr_live();
	struct proc *p;
	bool st, ar, ma, fd, ns, tm;

	KT_ASSERT(kt_proc_make(&p));
	st = kt_proc_check_status(p);
	ar = kt_proc_check_args(p);
	ma = kt_proc_check_maps(p);
	fd = kt_proc_check_fd(p);
	ns = kt_proc_check_ns(p);
	tm = kt_proc_check_times(p);
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(st);
	KT_ASSERT(ar);
	KT_ASSERT(ma);
	KT_ASSERT(fd);
	KT_ASSERT(ns);
	KT_ASSERT(tm);
	KT_ASSERT_EQ(proc_nr_live(), live);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

/* Whether the listing of #proc names 'name'. */
static bool kt_proc_listed(const char *name, bool *found)
{
	static uint8_t buf[512];
	static char strs[512];
	int fd = sysopen("#proc", O_READ, 0);
	ssize_t n;

	*found = false;
	KT_CHECK(fd >= 0);
	while ((n = sysread(fd, buf, sizeof(buf))) > 0) {
		for (size_t at = 0; at < (size_t)n;) {
			struct dir d;
			size_t len = convM2D(buf + at, (size_t)n - at, &d, strs);

			if (!len)
				break;
			if (!strcmp(d.name, name))
				*found = true;
			at += len;
		}
	}
	sysclose(fd);
	KT_CHECK(n == 0);
	return true;
}

KTEST(dev_proc, listing_and_missing_names)
{
	int64_t chans = chan_nr_live();
	char name[16], path[48], buf[64];
	struct proc *p;
	bool found = false, ok;

	KT_ASSERT(kt_proc_make(&p));
	snprintf(name, sizeof(name), "%d", p->pid);
	ok = kt_proc_listed(name, &found);
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(ok && found);
	KT_ASSERT(kt_proc_listed(name, &found) && !found);        /* reaped: gone */
	KT_ASSERT(kt_proc_listed("self", &found) && !found);      /* a kthread */
	KT_ASSERT_EQ(kt_proc_cat(p->pid, "status", buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(kt_dev_cat("#proc/self/status", buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(kt_dev_cat("#proc/99999999/status", buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(kt_dev_cat("#proc/007/status", buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT_EQ(kt_dev_cat("#proc/status", buf, sizeof(buf)), -1);
	KT_ASSERT_EQ(get_errno(), ENOENT);
	KT_ASSERT(kt_proc_make(&p));
	ok = kt_proc_cat(p->pid, "nosuchfile", buf, sizeof(buf)) == -1 &&
	     get_errno() == ENOENT;
	ok = ok && kt_dev_cat(kt_proc_path(path, sizeof(path), p->pid, "status/x"),
	                      buf, sizeof(buf)) == -1 && get_errno() == ENOTDIR;
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(ok);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

/* ctl: bad messages, close N, closefds; ctl cannot be read. */
static bool kt_proc_ctl_checks(struct proc *p)
{
	char buf[256], path[48];

	KT_CHECK(kt_proc_ctl(p->pid, "frobnicate") == -1 && get_errno() == EINVAL);
	KT_CHECK(kt_dev_has(get_errstr(), "frobnicate"));
	KT_CHECK(kt_proc_ctl(p->pid, "close x") == -1 && get_errno() == EINVAL);
	KT_CHECK(kt_proc_ctl(p->pid, "close 99") == -1 && get_errno() == EBADF);
	KT_CHECK(kt_proc_ctl(p->pid, "kill now please, right now, as fast as you can do it, "
	                     "thank you") == -1 && get_errno() == EINVAL);
	KT_CHECK(sysopen(kt_proc_path(path, sizeof(path), p->pid, "ctl"), O_READ, 0) == -1);
	KT_CHECK(get_errno() == EACCES);
	KT_CHECK(sysopen(kt_proc_path(path, sizeof(path), p->pid, "status"), O_WRITE, 0) == -1);
	KT_CHECK(kt_proc_ctl(p->pid, "close 1\n") == 8);
	KT_CHECK(kt_proc_cat(p->pid, "fd", buf, sizeof(buf)) > 0);
	KT_CHECK(kt_proc_count_lines(buf) == 2 && !kt_dev_has(buf, "stdout"));
	KT_CHECK(fd_table_nr_open(&p->fdt) == 2);
	KT_CHECK(kt_proc_ctl(p->pid, "closefds") == 8);
	KT_CHECK(kt_proc_cat(p->pid, "fd", buf, sizeof(buf)) == 0);
	KT_CHECK(fd_table_nr_open(&p->fdt) == 0);
	return true;
}

KTEST(dev_proc, ctl_messages)
{
	int64_t live = proc_nr_live(), chans = chan_nr_live();
	struct proc *p;
	bool ok;

	KT_ASSERT(kt_proc_make(&p));
	ok = kt_proc_ctl_checks(p);
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(ok);
	KT_ASSERT_EQ(proc_nr_live(), live);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

/* Reads of 3 bytes at rising offsets give the text one read gives. */
static bool kt_proc_small_reads(int pid, const char *file)
{
	static char whole[2048], parts[2048];
	char path[48];
	ssize_t n, got = 0, r;
	int fd;

	n = kt_proc_cat(pid, file, whole, sizeof(whole));
	KT_CHECK(n > 0);
	fd = sysopen(kt_proc_path(path, sizeof(path), pid, file), O_READ, 0);
	KT_CHECK(fd >= 0);
	while (got < (ssize_t)sizeof(parts) && (r = sysread(fd, parts + got, 3)) > 0)
		got += r;
	sysclose(fd);
	KT_CHECK(got == n && !memcmp(whole, parts, (size_t)n));
	return true;
}

KTEST(dev_proc, small_reads_see_one_snapshot)
{
	int64_t chans = chan_nr_live();
	struct proc *p;
	bool ok;

	KT_ASSERT(kt_proc_make(&p));
	ok = kt_proc_small_reads(p->pid, "status") && kt_proc_small_reads(p->pid, "maps") &&
	     kt_proc_small_reads(p->pid, "fd") && kt_proc_small_reads(p->pid, "ns") &&
	     kt_proc_small_reads(p->pid, "args");
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(ok);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}

/* An open file of a process that was killed and reaped: the final state. */
KTEST(dev_proc, chan_outlives_its_process)
{
	int64_t live = proc_nr_live(), chans = chan_nr_live();
	char path[48], buf[128], want[64];
	struct proc *p;
	int sfd, mfd, cfd, pid;
	ssize_t n;

	KT_ASSERT(kt_proc_make(&p));
	pid = p->pid;
	sfd = sysopen(kt_proc_path(path, sizeof(path), pid, "status"), O_READ, 0);
	mfd = sysopen(kt_proc_path(path, sizeof(path), pid, "maps"), O_READ, 0);
	cfd = sysopen(kt_proc_path(path, sizeof(path), pid, "ctl"), O_WRITE, 0);
	KT_ASSERT(kt_proc_kill_and_reap(p));
	KT_ASSERT(sfd >= 0 && mfd >= 0 && cfd >= 0);
	KT_ASSERT_EQ(proc_nr_live(), live + 1);         /* our chans hold it */
	n = syspread(sfd, buf, sizeof(buf) - 1, 0);
	KT_ASSERT(n > 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "%d 0 hello DEAD 0 0 %#x %d %d\n", pid, WSTATUS_KILLED, pid,
	         pid);                  /* made by the kernel: its own group and session */
	KT_ASSERT_MSG(!strcmp(buf, want), "status '%s'", buf);
	KT_ASSERT_EQ(syspread(mfd, buf, sizeof(buf), 0), 0);
	KT_ASSERT_EQ(syswrite(cfd, "kill", 4), -1);
	KT_ASSERT_EQ(get_errno(), ESRCH);
	KT_ASSERT(kt_dev_has(get_errstr(), "has exited"));
	KT_ASSERT_EQ(syswrite(cfd, "closefds", 8), -1);
	KT_ASSERT_EQ(get_errno(), ESRCH);
	sysclose(sfd);
	sysclose(mfd);
	sysclose(cfd);
	KT_ASSERT_EQ(proc_nr_live(), live);
	KT_ASSERT_EQ(chan_nr_live(), chans);
}
