/* SPDX-License-Identifier: MIT */
/*
 * test_strace_fmt.c - host tests of the syscall tracer's formatter
 * (kern/src/syscall/strace_fmt.c): records of real calls, decoded through
 * the generated syscall table (instantiated here with stub handlers, so the
 * argument kinds scripts/mksyscalls.py derives are the ones under test),
 * entries and exits, failures with errno names, paths and buffers cut and
 * escaped, unreadable ones, open flags and modes, vcores, unknown numbers,
 * the dropped line, and lines cut by a short buffer (ASan watches).
 */
#define SYSCALL_TABLE_DEFINE
#include <strace.h>
#include <generated/syscall_table.h>
#include <ros/fcntl.h>

#include <string.h>

#include "htest.h"

/* Handlers for the table: never called. */
#define HT_STUB(nr, name, nargs, reserved) \
	int64_t sys_##name(struct syscall_ctx *c) { (void)c; return 0; }
SYS_FOREACH(HT_STUB)

static char line[STRACE_LINE_MAX];

static struct strace_rec rec(uint32_t num, char kind)
{
	struct strace_rec r;

	memset(&r, 0, sizeof(r));
	r.num = num;
	r.kind = (uint8_t)kind;
	r.ts_ns = 5;
	r.pid = 7;
	r.vcore = STRACE_NO_VCORE;
	r.core = 1;
	return r;
}

static void data(struct strace_rec *r, int slot, const char *s, size_t len)
{
	memcpy(r->data[slot], s, len);
	r->data_len[slot] = (uint8_t)len;
}

static const char *fmt(const struct strace_rec *r)
{
	size_t n = strace_format(r, r->num < SYS_MAX_NR && syscall_table[r->num].name ?
	                         &syscall_table[r->num] : NULL, line, sizeof(line));

	HT_ASSERT_EQ(n, strlen(line));
	return line;
}

HTEST(openat_exit_success)
{
	struct strace_rec r = rec(SYS_openat, STRACE_EXIT);

	r.args[0] = (uint64_t)-100;
	r.args[1] = 0x1000;
	r.args[2] = 9;
	r.args[3] = O_RDONLY;
	r.args[4] = 0777;               /* no O_CREAT: not shown */
	data(&r, 0, "/etc/motd", 9);
	r.retval = 3;
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 openat(AT_FDCWD, \"/etc/motd\", O_RDONLY) = 3\n");
}

HTEST(openat_create_shows_mode_and_flags)
{
	struct strace_rec r = rec(SYS_openat, STRACE_ENTER);

	r.args[0] = 4;
	r.args[1] = 0x1000;
	r.args[2] = 1;
	r.args[3] = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | 0x40000000;
	r.args[4] = 0644;
	data(&r, 0, "x", 1);
	HT_ASSERT_STREQ(fmt(&r), "E 5 7 - 1 openat(4, \"x\", "
	                "O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC|0x40000000, 0644)\n");
}

HTEST(openat_failure_errno_name_and_errstr)
{
	struct strace_rec r = rec(SYS_openat, STRACE_EXIT);

	r.args[0] = (uint64_t)-100;
	r.args[2] = 5;
	r.args[3] = O_RDONLY;
	data(&r, 0, "/nope", 5);
	r.retval = -1;
	r.err = 2;
	strcpy(r.errstr, "openat: /nope: file does not exist");
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 openat(AT_FDCWD, \"/nope\", O_RDONLY) = -1 ENOENT "
	                "(openat: /nope: file does not exist)\n");
	r.err = 1000;                   /* no name: its number */
	HT_ASSERT(strstr(fmt(&r), "= -1 E1000 (openat:"));
}

HTEST(read_buffer_at_entry_and_exit)
{
	struct strace_rec r = rec(SYS_read, STRACE_ENTER);

	r.args[0] = 3;
	r.args[1] = 0x7f00;
	r.args[2] = 4096;
	HT_ASSERT_STREQ(fmt(&r), "E 5 7 - 1 read(3, 0x7f00, 4096)\n");
	r.kind = STRACE_EXIT;
	r.retval = 6;
	data(&r, 0, "hello\n", 6);
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 read(3, \"hello\\n\", 4096) = 6\n");
	r.retval = 100;                 /* more than was kept */
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 read(3, \"hello\\n\"..., 4096) = 100\n");
	r.retval = -1;
	r.err = 9;
	strcpy(r.errstr, "read: fd 3 is not open");
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 read(3, 0x7f00, 4096) = -1 EBADF "
	                "(read: fd 3 is not open)\n");
}

HTEST(write_escapes_and_cuts)
{
	struct strace_rec r = rec(SYS_write, STRACE_ENTER);

	r.args[0] = 1;
	r.args[1] = 0x2000;
	r.args[2] = 40;
	data(&r, 0, "a\"b\\c\td\x01\xff", 9);
	HT_ASSERT_STREQ(fmt(&r), "E 5 7 - 1 write(1, \"a\\\"b\\\\c\\td\\x01\\xff\"..., 40)\n");
}

HTEST(unreadable_path_is_its_address)
{
	struct strace_rec r = rec(SYS_stat, STRACE_EXIT);

	r.args[0] = 0xdead0000;
	r.args[1] = 4;
	r.args[2] = 0;
	r.bad = 1;
	r.retval = -1;
	r.err = 14;
	strcpy(r.errstr, "stat: bad address");
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 stat(0xdead0000, NULL) = -1 EFAULT "
	                "(stat: bad address)\n");
}

HTEST(two_paths_use_two_slots)
{
	struct strace_rec r = rec(SYS_rename, STRACE_ENTER);

	r.args[1] = 2;
	r.args[3] = 2;
	data(&r, 0, "/a", 2);
	data(&r, 1, "/b", 2);
	HT_ASSERT_STREQ(fmt(&r), "E 5 7 - 1 rename(\"/a\", \"/b\")\n");
}

HTEST(vcore_hex_and_no_args)
{
	struct strace_rec r = rec(SYS_mmap, STRACE_EXIT);

	r.vcore = 2;
	r.core = 3;
	r.args[1] = 4096;
	r.args[2] = 3;
	r.args[3] = 0x22;
	r.args[4] = (uint64_t)-1;
	r.retval = 0x7fff0000;
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 2 3 mmap(NULL, 4096, 0x3, 0x22, -1, 0) = 0x7fff0000\n");
	r = rec(SYS_null, STRACE_EXIT);
	HT_ASSERT_STREQ(fmt(&r), "X 5 7 - 1 null() = 0\n");
}

HTEST(unknown_number)
{
	struct strace_rec r = rec(999, STRACE_ENTER);

	r.args[0] = 1;
	HT_ASSERT_STREQ(fmt(&r), "E 5 7 - 1 syscall_999(0x1, 0, 0, 0, 0, 0)\n");
}

HTEST(dropped_line)
{
	HT_ASSERT_EQ(strace_format_dropped(12, line, sizeof(line)), 21);
	HT_ASSERT_STREQ(line, "D 12 records dropped\n");
}

/* Every size of buffer: a NUL-terminated line that ends in '\n'. */
HTEST(short_buffers_cut_safely)
{
	struct strace_rec r = rec(SYS_write, STRACE_EXIT);
	char small[64];

	r.args[2] = 32;
	memset(r.data[0], 0x01, 32);
	r.data_len[0] = 32;
	r.retval = -1;
	r.err = 22;
	memset(r.errstr, 'e', sizeof(r.errstr) - 1);
	for (size_t n = 0; n <= sizeof(small); n++) {
		char *buf = malloc(n ? n : 1);
		size_t len = strace_format(&r, &syscall_table[SYS_write], buf, n);

		HT_ASSERT(n < 2 ? len == 0 : len == n - 1 || len == strlen(buf));
		if (n >= 2)
			HT_ASSERT(buf[len - 1] == '\n' && buf[len] == '\0');
		free(buf);
	}
	HT_ASSERT(strace_format(&r, &syscall_table[SYS_write], line, sizeof(line)) < sizeof(line));
}
