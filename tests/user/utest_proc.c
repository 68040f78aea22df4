/* SPDX-License-Identifier: MIT */
/*
 * utest_proc.c - /test/utest_proc: #proc from user space (kern/drivers/dev/
 * proc.c, Documentation/dev/proc.md).
 *
 * Reads #proc/self/status (its pid must be the one the #proc listing gives
 * "self", its name and state the program's own); reads #proc/self/args and compares it with
 * argv; lists #proc and finds "self" and its own pid; checks that an FD it
 * opens shows in #proc/self/fd and its regions in maps; creates a child
 * (/test/hello, left CREATED), reads the child's status (its ppid is us),
 * kills it through the child's ctl and sees WSTATUS_KILLED from waitpid,
 * after which the child's directory is gone; and sends bad ctl messages
 * (EINVAL naming the command).  Every failure must carry its errno and an
 * errstr.  Run all: /test/utest_proc; some: /test/utest_proc self_args.
 */
#include <ros/fcntl.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define TEXT_MAX 4096

static int my_argc;
static char **my_argv;
static char text[TEXT_MAX];

/* ------------------------------------------------------------- helpers */

static int64_t open_path(struct syscall *sc, const char *path, int flags)
{
	return sysc(sc, SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(path), strlen(path),
	            (uint64_t)flags, 0);
}

/* Reads all of path into text (NUL-terminated); the length, or -errno. */
static int64_t cat(const char *path)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, path, O_READ), got = 0, n;

	if (fd < 0)
		return fd;
	while (got < TEXT_MAX - 1 &&
	       (n = tsys(SYS_read, (uint64_t)fd, UP(text + got), (uint64_t)(TEXT_MAX - 1 - got))) > 0)
		got += n;
	tsys(SYS_close, (uint64_t)fd);
	text[got] = '\0';
	return got;
}

/* Writes msg to path (opened write-only) with sc keeping the result. */
static int64_t echo(struct syscall *sc, const char *path, const char *msg)
{
	int64_t fd = open_path(sc, path, O_WRITE), r;

	if (fd < 0)
		return fd;
	r = sysc(sc, SYS_write, (uint64_t)fd, UP(msg), strlen(msg));
	tsys(SYS_close, (uint64_t)fd);
	return r;
}

/* Reads a decimal at *s and skips one space after it. */
static long field(const char **s)
{
	long v = 0;

	while (**s >= '0' && **s <= '9')
		v = v * 10 + (*(*s)++ - '0');
	if (**s == ' ')
		(*s)++;
	return v;
}

static int64_t create_hello(struct syscall *sc)
{
	static const char *const argv[] = { "/test/hello", NULL };

	return tiny_spawn_sc(sc, "/test/hello", argv, 0);
}

static uint64_t get64(const uint8_t *b)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/*
 * Lists #proc: whether it has an entry called name, and in *self_pid the
 * pid of the numbered entry whose qid is the one of "self" (or -1).
 * A 9P stat entry: size[2] type[2] dev[4] qid[13] (type[1] vers[4]
 * path[8]) mode[4] atime[4] mtime[4] length[8] name[s] ...
 */
static bool listed(const char *name, long *self_pid)
{
	static uint8_t buf[8192];
	struct syscall sc;
	int64_t fd = open_path(&sc, "#proc", O_READ), n, got = 0;
	uint64_t self_qid = 0;
	bool found = false;

	if (fd < 0)
		return false;
	while (got < (int64_t)sizeof(buf) &&
	       (n = tsys(SYS_read, (uint64_t)fd, UP(buf + got), sizeof(buf) - (uint64_t)got)) > 0)
		got += n;
	tsys(SYS_close, (uint64_t)fd);
	for (int pass = 0; pass < 2; pass++) {
		for (int64_t at = 0; at + 43 <= got;) {
			size_t len = 2 + (size_t)(buf[at] | buf[at + 1] << 8);
			size_t nlen = (size_t)(buf[at + 41] | buf[at + 42] << 8);
			const char *nm = (const char *)buf + at + 43;
			uint64_t qid = get64(buf + at + 13);

			if (at + 43 + (int64_t)nlen > got)
				break;
			if (pass == 0 && nlen == strlen(name) && !memcmp(nm, name, nlen))
				found = true;
			if (pass == 0 && nlen == 4 && !memcmp(nm, "self", 4))
				self_qid = qid;
			if (pass == 1 && self_qid && qid == self_qid && nm[0] != 's') {
				const char *p = nm;

				*self_pid = field(&p);
			}
			at += (int64_t)len;
		}
	}
	return found;
}

/* Our pid, as #proc/self/status says (its first field), or -1. */
static long status_pid(void)
{
	const char *s = text;

	if (cat("#proc/self/status") <= 0)
		return -1;
	return field(&s);
}

/* --------------------------------------------------------------- tests */

UTEST(self_status)
{
	char path[48], copy[128];
	const char *s = text;
	long pid;

	UT_ASSERT(cat("#proc/self/status") > 0);
	pid = field(&s);
	UT_ASSERT(pid > 0);
	field(&s);                                                  /* ppid */
	UT_ASSERT_MSG(!strncmp(s, "utest_proc RUNNING_S ", 21), "status '%s'", text);
	UT_ASSERT(strchr(text, '\n') == text + strlen(text) - 1);     /* one line */
	UT_ASSERT(strlen(text) < sizeof(copy));
	memcpy(copy, text, strlen(text) + 1);
	tiny_snprintf(path, sizeof(path), "#proc/%ld/status", pid);
	UT_ASSERT(cat(path) > 0);
	UT_ASSERT_MSG(!strcmp(text, copy), "'%s' != '%s'", text, copy);
}

UTEST(self_args)
{
	int64_t n = cat("#proc/self/args");
	int64_t at = 0;

	UT_ASSERT(n > 0);
	for (int i = 0; i < my_argc; i++) {
		size_t len = strlen(my_argv[i]) + 1;

		UT_ASSERT_MSG(at + (int64_t)len <= n, "args too short for argv[%d]", i);
		UT_ASSERT_MSG(!memcmp(text + at, my_argv[i], len), "argv[%d] '%s' vs '%s'",
		              i, my_argv[i], text + at);
		at += (int64_t)len;
	}
	UT_ASSERT_EQ(at, n);
}

UTEST(listing_has_self_and_pid)
{
	long pid = status_pid(), self_pid = -1;
	char name[16];

	UT_ASSERT(pid > 0);
	tiny_snprintf(name, sizeof(name), "%ld", pid);
	UT_ASSERT(listed("self", &self_pid));
	UT_ASSERT_EQ(self_pid, pid);                /* "self" is our directory */
	UT_ASSERT(listed(name, &self_pid));
	UT_ASSERT(!listed("99999999", &self_pid));
}

UTEST(fd_and_maps_of_self)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, "/etc/motd", O_READ);
	char want[64];

	UT_SYSC_OK(&sc);
	tiny_snprintf(want, sizeof(want), "\n%lld r-- - ", (long long)fd);
	UT_ASSERT(cat("#proc/self/fd") > 0);
	UT_ASSERT(tsys(SYS_close, (uint64_t)fd) == 0);
	UT_ASSERT_MSG(strstr(text, want) && strstr(text, " /etc/motd\n"), "fd:\n%s", text);
	UT_ASSERT(cat("#proc/self/maps") > 0);
	UT_ASSERT_MSG(strstr(text, " r-xp ") && strstr(text, " rw-p "), "maps:\n%s", text);
	UT_ASSERT(cat("#proc/self/ns") > 0);
	UT_ASSERT_MSG(strstr(text, "bind #proc /proc\n"), "ns:\n%s", text);
}

UTEST(kill_child_through_ctl)
{
	char path[48];
	struct syscall sc;
	int status = -1;
	long me = status_pid();
	int64_t pid = create_hello(&sc);
	const char *s = text;

	UT_SYSC_OK(&sc);
	tiny_snprintf(path, sizeof(path), "#proc/%lld/status", (long long)pid);
	UT_ASSERT(me > 0);
	UT_ASSERT(cat(path) > 0);
	UT_ASSERT_EQ(field(&s), pid);
	UT_ASSERT_EQ(field(&s), me);                /* its parent is us */
	UT_ASSERT_MSG(!strncmp(s, "hello CREATED ", 14), "status '%s'", text);
	tiny_snprintf(path, sizeof(path), "#proc/%lld/ctl", (long long)pid);
	UT_ASSERT_EQ(echo(&sc, path, "kill\n"), 5);
	UT_ASSERT_EQ(sysc(&sc, SYS_waitpid, (uint64_t)pid, UP(&status), 0), pid);
	UT_ASSERT_EQ(status, WSTATUS_KILLED);
	tiny_snprintf(path, sizeof(path), "#proc/%lld/status", (long long)pid);
	UT_ASSERT_EQ(cat(path), -ENOENT);
}

UTEST(bad_ctl_messages)
{
	struct syscall sc;

	echo(&sc, "#proc/self/ctl", "bogus");
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_MSG(strstr(sc.errstr, "bogus"), "errstr '%s'", sc.errstr);
	echo(&sc, "#proc/self/ctl", "close 4000");
	UT_SYSC_ERR(&sc, EBADF);
	open_path(&sc, "#proc/self/ctl", O_READ);
	UT_SYSC_ERR(&sc, EACCES);
	open_path(&sc, "#proc/99999999/status", O_READ);
	UT_SYSC_ERR(&sc, ENOENT);
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	my_argc = argc;
	my_argv = argv;
	return utest_main("proc", argc, argv);
}
