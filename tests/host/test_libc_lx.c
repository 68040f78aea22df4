/* SPDX-License-Identifier: MIT */
/*
 * test_libc_lx.c - host tests of the translation layer's file calls
 * (tools/compilers/musl/vireo/lx_file.c), its eventfd and timerfd
 * (lx_fdev.c), its message queues (lx_mq.c: checks before any call, the
 * opens and control writes, timeouts as offsets), and parlib's argv/envp packer (user/parlib/argenv.c, which
 * counts NULL-terminated vectors for the kernel's argenv_pack): its bytes
 * checked field by field against the format of ros/argenv.h and read back
 * by the kernel's own unpacker (kern/src/lib/argenv.c).
 *
 * ros_syscall_raw() and errstr_set() are faked: each Vireo call is logged
 * (number and arguments) and answered by fake_answer(), which serves reads
 * from a prepared byte buffer, fills kstat for fstat, copies the wstat
 * blob, and runs a tiny fd table for fcntl/close/openat (each open path
 * is logged, each write's text appended to fake_writes).  lx_clock_ns()
 * is faked as fake_now.  The tests then check what the layer asked of
 * Vireo and what it returned in Linux's terms.
 */
#include <stdbool.h>
#include <string.h>
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include <ros/mqueue.h>
#include <errno.h>
#include <parlib/argenv.h>
#include "argenv.h"
#include "htest.h"
#include "lx.h"

#define FAKE_MAX_CALLS 32

struct fake_call {
	unsigned int num;
	long a[6];
};

static struct fake_call fake_calls[FAKE_MAX_CALLS];
static int fake_nr_calls;
static unsigned char fake_read_data[4096];
static long fake_read_len;
static long fake_read_chunk;            /* 0: no limit per read */
static unsigned char fake_wstat_blob[64];
static long fake_wstat_len;
static bool fake_fd_open[64];
static char fake_errstr[128];
static char fake_paths[8][64];          /* openat paths, in order */
static int fake_nr_paths;
static long fake_open_flags[8];
static char fake_writes[512];           /* every write's bytes, '|' after each */
static uint64_t fake_now;
static uint64_t fake_fstat_dev = 7;     /* #mqueue's type is 5 (fake_stat) */

long lx_clock_ns(long clk, uint64_t *ns)
{
	if (clk != 0 && clk != 1 && clk != 7)
		return -LX_EINVAL;
	*ns = fake_now;
	return 0;
}

/* The layer's lock (lx_ready.c, over parlib's futex) is not under test
 * here: one thread, as lx_lock behaves without a 2LS (a held lock refuses). */
bool lx_lock(struct lx_lock *l)
{
	if (l->word)
		return false;
	l->word = 1;
	return true;
}

void lx_unlock(struct lx_lock *l)
{
	l->word = 0;
}

/* The wait timers of poll and epoll (lx_wtimer.c) are not under test
 * here: no fd is one. */
void lx_wtimer_forget(long fd)
{
	(void)fd;
}

/* The socket table is not under test here: no fd is a socket. */
void lx_sock_forget(long fd)
{
	(void)fd;
}

void lx_sock_dup(long old, long new)
{
	(void)old;
	(void)new;
}

long lx_sock_read(long fd, void *buf, size_t n)
{
	(void)fd;
	(void)buf;
	(void)n;
	return -LX_ENOSYS;
}

void errstr_set(const char *msg)
{
	strncpy(fake_errstr, msg, sizeof(fake_errstr) - 1);
}

static long fake_read(long buf, long len)
{
	long n = len < fake_read_len ? len : fake_read_len;

	if (fake_read_chunk && n > fake_read_chunk)
		n = fake_read_chunk;
	memcpy((void *)buf, fake_read_data, (size_t)n);
	memmove(fake_read_data, fake_read_data + n, (size_t)(fake_read_len - n));
	fake_read_len -= n;
	return n;
}

static long fake_fstat(long ubuf)
{
	struct kstat k = {
		.st_dev = fake_fstat_dev, .st_ino = 99, .st_mode = S_IFREG | 0640, .st_nlink = 1,
		.st_size = 12345, .st_blksize = 4096, .st_blocks = 25,
		.st_mtim = { 1700000000, 5 },
	};

	memcpy((void *)ubuf, &k, sizeof(k));
	return 0;
}

static long fake_lowest_free(long from)
{
	for (long fd = from; fd < 64; fd++)
		if (!fake_fd_open[fd])
			return fd;
	return -24;
}

static bool fake_fd_rdonly[64];         /* F_GETFL answers O_READ only */

static long fake_fcntl(long fd, long cmd, long arg)
{
	long nfd;

	if (fd < 0 || fd >= 64 || !fake_fd_open[fd])
		return -LX_EBADF;
	if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
		nfd = fake_lowest_free(arg);
		if (nfd >= 0)
			fake_fd_open[nfd] = true;
		return nfd;
	}
	if (cmd == F_GETFL)
		return fake_fd_rdonly[fd] ? O_READ : O_READ | O_WRITE | O_APPEND;
	return 0;
}

static long fake_openat(const long *a)
{
	long fd = fake_lowest_free(3);

	if (fake_nr_paths < 8) {
		snprintf(fake_paths[fake_nr_paths], sizeof(fake_paths[0]), "%.*s", (int)a[2],
		         (const char *)a[1]);
		fake_open_flags[fake_nr_paths++] = a[3];
	}
	if (fd >= 0)
		fake_fd_open[fd] = true;
	return fd;
}

static long fake_write(const long *a)
{
	size_t have = strlen(fake_writes);

	if (have + (size_t)a[2] + 2 < sizeof(fake_writes)) {
		memcpy(fake_writes + have, (const void *)a[1], (size_t)a[2]);
		strcpy(fake_writes + have + a[2], "|");
	}
	return fake_read_chunk && a[2] > fake_read_chunk ? fake_read_chunk : a[2];
}

static long fake_answer(unsigned int num, const long *a)
{
	switch (num) {
	case SYS_read:
	case SYS_pread:
		return fake_read(a[1], a[2]);
	case SYS_openat:
		return fake_openat(a);
	case SYS_write:
		return fake_write(a);
	case SYS_fstat:
		return fake_fstat(a[1]);
	case SYS_stat:
		memset((void *)a[2], 0, sizeof(struct kstat));
		((struct kstat *)a[2])->st_dev = 5ull << 32;
		return 0;
	case SYS_pwrite:
		return fake_write(a);
	case SYS_fwstat:
		fake_wstat_len = a[2];
		memcpy(fake_wstat_blob, (void *)a[1], (size_t)a[2]);
		return 0;
	case SYS_fcntl:
		return fake_fcntl(a[0], a[1], a[2]);
	case SYS_close:
		if (a[0] < 0 || a[0] >= 64 || !fake_fd_open[a[0]])
			return -LX_EBADF;
		fake_fd_open[a[0]] = false;
		return 0;
	default:
		return 3;
	}
}

long ros_syscall_raw(unsigned int num, long a0, long a1, long a2, long a3, long a4, long a5)
{
	const long a[6] = { a0, a1, a2, a3, a4, a5 };

	if (fake_nr_calls < FAKE_MAX_CALLS) {
		fake_calls[fake_nr_calls].num = num;
		memcpy(fake_calls[fake_nr_calls].a, a, sizeof(a));
		fake_nr_calls++;
	}
	return fake_answer(num, a);
}

/* Appends one 9P stat record (name, qid path, mode) to the read data. */
static void put_stat(const char *name, uint64_t path, uint32_t mode)
{
	unsigned char *p = fake_read_data + fake_read_len;
	size_t nlen = strlen(name), size = 49 + nlen + 4;   /* uid "sys", no gid/muid */

	memset(p, 0, size);
	p[0] = (unsigned char)(size - 2);
	p[1] = (unsigned char)((size - 2) >> 8);
	for (int i = 0; i < 8; i++)
		p[13 + i] = (unsigned char)(path >> (8 * i));
	for (int i = 0; i < 4; i++)
		p[21 + i] = (unsigned char)(mode >> (8 * i));
	p[41] = (unsigned char)nlen;
	memcpy(p + 43, name, nlen);
	p[43 + nlen] = 3;                   /* uid */
	memcpy(p + 45 + nlen, "sys", 3);
	fake_read_len += (long)size;
}

static void fake_reset(void)
{
	fake_nr_calls = 0;
	fake_read_len = 0;
	fake_read_chunk = 0;
	memset(fake_fd_open, 0, sizeof(fake_fd_open));
	memset(fake_fd_rdonly, 0, sizeof(fake_fd_rdonly));
	fake_errstr[0] = '\0';
	fake_nr_paths = 0;
	fake_writes[0] = '\0';
	fake_now = 0;
	fake_fstat_dev = 7;
}

static void fake_read_text(const char *text)
{
	fake_read_len = (long)strlen(text);
	memcpy(fake_read_data, text, (size_t)fake_read_len);
}

HTEST(oflags_translate_access_mode_and_keep_the_rest)
{
	HT_ASSERT_EQ(lx_oflags_to_vireo(LX_O_RDONLY), O_READ);
	HT_ASSERT_EQ(lx_oflags_to_vireo(LX_O_WRONLY | LX_O_CREAT | LX_O_TRUNC),
	             O_WRITE | O_CREAT | O_TRUNC);
	HT_ASSERT_EQ(lx_oflags_to_vireo(LX_O_RDWR | LX_O_CLOEXEC | LX_O_DIRECTORY | LX_O_LARGEFILE),
	             O_READ | O_WRITE | O_CLOEXEC | O_DIRECTORY);
	HT_ASSERT_EQ(lx_oflags_to_vireo(LX_O_PATH | LX_O_NOFOLLOW), O_PATH | O_NOFOLLOW);
	HT_ASSERT_EQ(lx_oflags_to_vireo(3), -LX_EINVAL);
	HT_ASSERT_EQ(lx_oflags_to_vireo(04010000 /* O_SYNC */), -LX_EINVAL);
	HT_ASSERT_EQ(lx_oflags_to_vireo(020200000 /* O_TMPFILE */), -LX_EINVAL);
	HT_ASSERT_EQ(lx_oflags_from_vireo(O_READ | O_WRITE | O_APPEND), LX_O_RDWR | LX_O_APPEND);
	HT_ASSERT_EQ(lx_oflags_from_vireo(O_WRITE | O_NONBLOCK), LX_O_WRONLY | LX_O_NONBLOCK);
	HT_ASSERT_EQ(lx_oflags_from_vireo(O_READ), LX_O_RDONLY);
}

HTEST(open_measures_the_path_and_refuses_bad_ones)
{
	static char longpath[SYSC_MAX_PATH_LEN + 2];
	const long ok[6] = { (long)"/tmp/f", LX_O_WRONLY | LX_O_CREAT, 0644 };
	const long null[6] = { 0, 0, 0 };
	const long toolong[6] = { (long)longpath, 0, 0 };
	const long badflags[6] = { (long)"/tmp/f", 3, 0 };

	fake_reset();
	memset(longpath, 'a', sizeof(longpath) - 1);
	HT_ASSERT_EQ(lx_open(ok), 3);
	HT_ASSERT_EQ(fake_nr_calls, 1);
	HT_ASSERT_EQ(fake_calls[0].num, SYS_openat);
	HT_ASSERT_EQ(fake_calls[0].a[0], LX_AT_FDCWD);
	HT_ASSERT_EQ(fake_calls[0].a[2], 6);
	HT_ASSERT_EQ(fake_calls[0].a[3], O_WRITE | O_CREAT);
	HT_ASSERT_EQ(fake_calls[0].a[4], 0644);
	HT_ASSERT_EQ(lx_open(null), -LX_EFAULT);
	HT_ASSERT_EQ(lx_open(toolong), -LX_ENAMETOOLONG);
	HT_ASSERT_EQ(lx_open(badflags), -LX_EINVAL);
	HT_ASSERT_EQ(fake_nr_calls, 1);
}

HTEST(fstat_converts_kstat_to_linux_stat)
{
	struct lx_stat st;
	const long a[6] = { 4, (long)&st };
	const long nullbuf[6] = { 4, 0 };

	fake_reset();
	memset(&st, 0xaa, sizeof(st));
	HT_ASSERT_EQ(lx_fstat(a), 0);
	HT_ASSERT_EQ(st.st_dev, 7);
	HT_ASSERT_EQ(st.st_ino, 99);
	HT_ASSERT_EQ(st.st_mode, S_IFREG | 0640);
	HT_ASSERT_EQ(st.st_nlink, 1);
	HT_ASSERT_EQ(st.st_size, 12345);
	HT_ASSERT_EQ(st.st_blocks, 25);
	HT_ASSERT_EQ(st.st_mtime_sec, 1700000000);
	HT_ASSERT_EQ(st.st_mtime_nsec, 5);
	HT_ASSERT_EQ(st.__reserved[2], 0);
	HT_ASSERT_EQ(lx_fstat(nullbuf), -LX_EFAULT);
}

HTEST(getdents64_converts_9p_records)
{
	unsigned char buf[512];
	const long a[6] = { 5, (long)buf, sizeof(buf) };
	struct lx_dirent64 *d;
	long n;

	fake_reset();
	put_stat("bin", 11, DMDIR | 0755);
	put_stat("hello", 12, 0755);
	put_stat("link", 13, DMSYMLINK | 0777);
	n = lx_getdents64(a);
	HT_ASSERT_EQ(n, 24 + 32 + 24);    /* 19 + name + NUL, to 8 bytes */
	d = (struct lx_dirent64 *)buf;
	HT_ASSERT(d->d_ino == 11 && d->d_type == 4 && !strcmp(d->d_name, "bin"));
	HT_ASSERT_EQ(d->d_reclen, 24);
	d = (struct lx_dirent64 *)(buf + 24);
	HT_ASSERT(d->d_ino == 12 && d->d_type == 8 && !strcmp(d->d_name, "hello"));
	HT_ASSERT_EQ(d->d_reclen, 32);
	d = (struct lx_dirent64 *)(buf + 56);
	HT_ASSERT(d->d_ino == 13 && d->d_type == 10 && !strcmp(d->d_name, "link"));
	HT_ASSERT_EQ(lx_getdents64(a), 0);  /* end of directory */
}

HTEST(getdents64_refuses_malformed_records)
{
	unsigned char buf[512];
	const long a[6] = { 5, (long)buf, sizeof(buf) };

	fake_reset();
	put_stat("x", 1, 0);
	fake_read_data[0] = 0xff;           /* size runs past the data */
	HT_ASSERT_EQ(lx_getdents64(a), -LX_EIO);
	HT_ASSERT(strstr(fake_errstr, "malformed"));

	fake_reset();
	put_stat("name", 1, 0);
	fake_read_data[41] = 200;           /* name longer than the record */
	HT_ASSERT_EQ(lx_getdents64(a), -LX_EIO);

	fake_reset();
	put_stat("y", 1, 0);
	fake_read_len = 30;                 /* shorter than a stat's fixed part */
	HT_ASSERT_EQ(lx_getdents64(a), -LX_EIO);

	fake_reset();
	put_stat("z", 1, 0);
	fake_read_data[0] = 10;             /* size below the fixed part */
	fake_read_data[1] = 0;
	HT_ASSERT_EQ(lx_getdents64(a), -LX_EIO);
}

HTEST(writev_stops_at_a_short_write)
{
	char b1[10], b2[10];
	struct lx_iovec iov[3] = { { b1, 10 }, { b2, 10 }, { b1, 5 } };
	const long a[6] = { 1, (long)iov, 3 };
	const long toomany[6] = { 1, (long)iov, 1025 };
	const long negative[6] = { 1, (long)iov, -1 };

	fake_reset();
	HT_ASSERT_EQ(lx_writev(a), 25);
	HT_ASSERT_EQ(fake_nr_calls, 3);
	fake_reset();
	fake_read_chunk = 4;
	HT_ASSERT_EQ(lx_writev(a), 4);
	HT_ASSERT_EQ(fake_nr_calls, 1);
	HT_ASSERT_EQ(lx_writev(toomany), -LX_EINVAL);
	HT_ASSERT_EQ(lx_writev(negative), -LX_EINVAL);
}

HTEST(dup2_closes_then_duplicates_onto_new)
{
	const long a[6] = { 3, 10 };
	const long same[6] = { 3, 3 };
	const long badold[6] = { 30, 10 };
	const long dup3same[6] = { 3, 3, 0 };

	fake_reset();
	fake_fd_open[3] = true;
	fake_fd_open[10] = true;
	HT_ASSERT_EQ(lx_dup2(a), 10);
	HT_ASSERT(fake_fd_open[10]);
	HT_ASSERT_EQ(lx_dup2(same), 3);
	HT_ASSERT_EQ(lx_dup2(badold), -LX_EBADF);
	HT_ASSERT(fake_fd_open[10]);        /* a bad old fd closes nothing */
	HT_ASSERT_EQ(lx_dup3(dup3same), -LX_EINVAL);
}

HTEST(fcntl_translates_getfl_and_refuses_locks)
{
	const long getfl[6] = { 3, 3 };
	const long setfl[6] = { 3, 4, LX_O_APPEND | LX_O_RDWR | LX_O_CREAT };
	const long lock[6] = { 3, 6, 0 };

	fake_reset();
	fake_fd_open[3] = true;
	HT_ASSERT_EQ(lx_fcntl(getfl), LX_O_RDWR | LX_O_APPEND);
	HT_ASSERT_EQ(lx_fcntl(setfl), 0);
	HT_ASSERT_EQ(fake_calls[fake_nr_calls - 1].a[2], LX_O_APPEND);
	HT_ASSERT_EQ(lx_fcntl(lock), -LX_EINVAL);
}

HTEST(ftruncate_sends_a_length_only_stat)
{
	const long a[6] = { 3, 0x123456789L };
	const long neg[6] = { 3, -1 };

	fake_reset();
	fake_fd_open[3] = true;
	HT_ASSERT_EQ(lx_ftruncate(a), 0);
	HT_ASSERT_EQ(fake_wstat_len, 49);
	HT_ASSERT_EQ(fake_calls[fake_nr_calls - 1].a[3], WSTAT_LENGTH);
	HT_ASSERT(fake_wstat_blob[0] == 47 && fake_wstat_blob[1] == 0);
	HT_ASSERT(fake_wstat_blob[33] == 0x89 && fake_wstat_blob[36] == 0x23 &&
	          fake_wstat_blob[37] == 0x01 && fake_wstat_blob[40] == 0);
	HT_ASSERT(fake_wstat_blob[21] == 0xff && fake_wstat_blob[41] == 0);
	HT_ASSERT_EQ(lx_ftruncate(neg), -LX_EINVAL);
	fake_fd_rdonly[3] = true;                 /* Linux: not open for writing */
	HT_ASSERT_EQ(lx_ftruncate(a), -LX_EINVAL);
	fake_fd_open[3] = false;
	HT_ASSERT_EQ(lx_ftruncate(a), -LX_EBADF);
}

/* ------------------------------------------------------ eventfd, timerfd */

HTEST(eventfd2_opens_the_right_file_and_writes_the_start_value)
{
	const long sem[6] = { 5, 1 | LX_O_NONBLOCK };
	const long plain[6] = { 0, LX_O_CLOEXEC };
	const long bad[6] = { 0, 2 };

	fake_reset();
	HT_ASSERT_EQ(lx_eventfd2(sem), 3);
	HT_ASSERT_STREQ(fake_paths[0], "#eventfd.sem/efd");
	HT_ASSERT_EQ(fake_open_flags[0], O_RDWR | O_NONBLOCK);
	HT_ASSERT(!memcmp(fake_writes, "\x05\0\0\0\0\0\0\0|", 9));
	fake_writes[0] = '\0';
	HT_ASSERT_EQ(lx_eventfd2(plain), 4);
	HT_ASSERT_STREQ(fake_paths[1], "#eventfd/efd");
	HT_ASSERT_EQ(fake_open_flags[1], O_RDWR | O_CLOEXEC);
	HT_ASSERT_STREQ(fake_writes, "");           /* 0 is not written */
	HT_ASSERT_EQ(lx_eventfd2(bad), -LX_EINVAL);
	HT_ASSERT_EQ(fake_nr_paths, 2);
}

/* A timerfd: the clone's ctl opens first (fd 3, closed again), count on 4. */
static long make_timerfd(long clock, long flags)
{
	const long a[6] = { clock, flags };

	fake_read_text("7\n");                      /* the clone's ctl: alarm a7 */
	return lx_timerfd_create(a);
}

HTEST(timerfd_create_opens_the_alarms_count)
{
	const long badclock[6] = { 2, 0 };
	const long badflags[6] = { 1, 1 };
	long fd;

	fake_reset();
	fd = make_timerfd(1, LX_O_NONBLOCK);
	HT_ASSERT_EQ(fd, 4);
	HT_ASSERT_STREQ(fake_paths[0], "#alarm/clone");
	HT_ASSERT_STREQ(fake_paths[1], "#alarm/a7/count");
	HT_ASSERT_EQ(fake_open_flags[1], O_RDWR | O_NONBLOCK);
	HT_ASSERT(!fake_fd_open[3]);                /* the clone's ctl is closed */
	HT_ASSERT_EQ(lx_timerfd_create(badclock), -LX_EINVAL);
	HT_ASSERT_EQ(lx_timerfd_create(badflags), -LX_EINVAL);
	fake_read_text("junk\n");
	HT_ASSERT_EQ(lx_timerfd_create((const long[6]){ 1, 0 }), -LX_EIO);
	lx_close_call((const long[6]){ fd });
}

HTEST(timerfd_settime_is_one_set_write_to_count)
{
	struct { struct lx_timespec interval, value; } its = { { 0, 50000000 }, { 1, 5 } }, cur;
	long fd, r;

	fake_reset();
	fd = make_timerfd(1, 0);
	fake_writes[0] = '\0';
	fake_now = 1000;
	r = lx_timerfd_settime((const long[6]){ fd, 0, (long)&its, 0 });
	HT_ASSERT_EQ(r, 0);
	HT_ASSERT_STREQ(fake_writes, "set +1000000005 50000000|");
	HT_ASSERT_EQ(fake_nr_paths, 2);             /* no file opened: the timerfd itself */
	fake_now = 1000 + 400000000;                /* 0.4 s later */
	HT_ASSERT_EQ(lx_timerfd_gettime((const long[6]){ fd, (long)&cur }), 0);
	HT_ASSERT(cur.value.tv_sec == 0 && cur.value.tv_nsec == 600000005);
	HT_ASSERT_EQ(cur.interval.tv_nsec, 50000000);
	fake_now = 1000 + 1000000005 + 70000000;     /* expired, 70 ms into the period */
	HT_ASSERT_EQ(lx_timerfd_gettime((const long[6]){ fd, (long)&cur }), 0);
	HT_ASSERT(cur.value.tv_sec == 0 && cur.value.tv_nsec == 30000000);
	/* Absolute, already past: fires at once ("+0"). */
	fake_writes[0] = '\0';
	its.interval.tv_nsec = 0;
	HT_ASSERT_EQ(lx_timerfd_settime((const long[6]){ fd, 1, (long)&its, 0 }), 0);
	HT_ASSERT_STREQ(fake_writes, "set +0 0|");
	/* A zero value disarms. */
	fake_writes[0] = '\0';
	its.value.tv_sec = 0;
	its.value.tv_nsec = 0;
	HT_ASSERT_EQ(lx_timerfd_settime((const long[6]){ fd, 0, (long)&its, 0 }), 0);
	HT_ASSERT_STREQ(fake_writes, "set 0 0|");
	HT_ASSERT_EQ(lx_timerfd_gettime((const long[6]){ fd, (long)&cur }), 0);
	HT_ASSERT(cur.value.tv_sec == 0 && cur.value.tv_nsec == 0);
	its.value.tv_nsec = 1000000000;
	HT_ASSERT_EQ(lx_timerfd_settime((const long[6]){ fd, 0, (long)&its, 0 }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_timerfd_settime((const long[6]){ fd, 4, (long)&its, 0 }), -LX_EINVAL);
	lx_close_call((const long[6]){ fd });
}

/* lx_timespec.c: validity, the cap on huge times, what gettime says. */
HTEST(timespec_helpers_validate_cap_and_count_down)
{
	struct lx_timespec ts = { 1, 999999999 };
	struct lx_itimerspec out;

	HT_ASSERT(lx_ts_ok(&ts));
	HT_ASSERT_EQ(lx_ts_ns(&ts), 1999999999ull);
	ts.tv_nsec = 1000000000;
	HT_ASSERT(!lx_ts_ok(&ts));
	ts.tv_nsec = -1;
	HT_ASSERT(!lx_ts_ok(&ts));
	ts = (struct lx_timespec){ -1, 0 };
	HT_ASSERT(!lx_ts_ok(&ts));
	ts = (struct lx_timespec){ INT64_MAX, 0 };
	HT_ASSERT_EQ(lx_ts_ns(&ts), UINT64_MAX / 2);   /* no overflow */
	ts = (struct lx_timespec){ 18446744071, 5 };    /* the largest uncapped */
	HT_ASSERT_EQ(lx_ts_ns(&ts), 18446744071000000005ull);
	lx_ns_ts(3000000007ull, &ts);
	HT_ASSERT(ts.tv_sec == 3 && ts.tv_nsec == 7);
	fake_now = 500;
	HT_ASSERT_EQ(lx_itimer_left(1, 0, 0, &out), 0);               /* disarmed */
	HT_ASSERT(!out.it_value.tv_sec && !out.it_value.tv_nsec && !out.it_interval.tv_nsec);
	HT_ASSERT_EQ(lx_itimer_left(1, 800, 0, &out), 0);
	HT_ASSERT_EQ(out.it_value.tv_nsec, 300);
	HT_ASSERT_EQ(lx_itimer_left(1, 400, 0, &out), 0);             /* one-shot, expired */
	HT_ASSERT_EQ(out.it_value.tv_nsec, 0);
	HT_ASSERT_EQ(lx_itimer_left(1, 400, 30, &out), 0);            /* 100 ns in: 10 left */
	HT_ASSERT(out.it_value.tv_nsec == 20 && out.it_interval.tv_nsec == 30);
	HT_ASSERT_EQ(lx_itimer_left(99, 400, 30, &out), -LX_EINVAL);  /* the clock's error */
}

HTEST(timerfd_read_gives_8_bytes_and_follows_dup_and_close)
{
	uint64_t count = 0;
	uint32_t small;
	long fd, fd2;

	fake_reset();
	fd = make_timerfd(0, 0);
	fake_read_text("3\n");
	HT_ASSERT_EQ(lx_read((const long[6]){ fd, (long)&count, 8 }), 8);
	HT_ASSERT_EQ(count, 3);
	HT_ASSERT_EQ(lx_read((const long[6]){ fd, (long)&small, 4 }), -LX_EINVAL);
	fake_fd_open[fd] = true;
	fd2 = lx_dup((const long[6]){ fd });
	HT_ASSERT(fd2 >= 0 && fd2 != fd);
	fake_read_text("12\n");
	HT_ASSERT_EQ(lx_read((const long[6]){ fd2, (long)&count, 8 }), 8);
	HT_ASSERT_EQ(count, 12);
	HT_ASSERT_EQ(lx_close_call((const long[6]){ fd }), 0);
	HT_ASSERT_EQ(lx_close_call((const long[6]){ fd2 }), 0);
	/* Closed: the fd is no timerfd any more; a read goes to the kernel as is. */
	fake_read_text("5\n");
	HT_ASSERT_EQ(lx_read((const long[6]){ fd, (long)&count, 8 }), 2);
	HT_ASSERT_EQ(lx_timerfd_gettime((const long[6]){ fd, (long)&count }), -LX_EBADF);
}

/* -------------------------------------------------------------- argenv */

/* The u32 at byte off of a blob (little-endian, as the format says). */
static uint32_t blob_u32(const uint8_t *b, size_t off)
{
	return (uint32_t)b[off] | (uint32_t)b[off + 1] << 8 | (uint32_t)b[off + 2] << 16 |
	       (uint32_t)b[off + 3] << 24;
}

/* ------------------------------------------------------ message queues */

struct ht_mq_attr {
	long flags, maxmsg, msgsize, curmsgs, reserved[4];
};

HTEST(mq_open_refuses_bad_names_and_attributes_before_any_call)
{
	static char longname[MQ_NAME_MAX + 2];
	struct ht_mq_attr zero = { .maxmsg = 0, .msgsize = 8 };
	struct ht_mq_attr big = { .maxmsg = 1025, .msgsize = 8 };
	struct ht_mq_attr huge = { .maxmsg = 1, .msgsize = MQ_MSGSIZE_MAX + 1 };

	fake_reset();
	memset(longname, 'n', sizeof(longname) - 1);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"", LX_O_RDWR }), -LX_EACCES);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"a/b", LX_O_RDWR }), -LX_EACCES);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"..", LX_O_RDWR }), -LX_EACCES);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)longname, LX_O_RDWR }), -LX_ENAMETOOLONG);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ 0, LX_O_RDWR }), -LX_EFAULT);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"q", 3 }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"q", LX_O_RDWR | LX_O_CREAT, 0600,
	                                         (long)&zero }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"q", LX_O_RDWR | LX_O_CREAT, 0600,
	                                         (long)&big }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_open((const long[6]){ (long)"q", LX_O_RDWR | LX_O_CREAT, 0600,
	                                         (long)&huge }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_unlink((const long[6]){ (long)"a/b" }), -LX_EACCES);
	HT_ASSERT_EQ(fake_nr_calls, 0);
}

HTEST(mq_open_opens_read_write_then_sets_attributes_and_access)
{
	struct ht_mq_attr at = { .maxmsg = 3, .msgsize = 100 };
	long fd;

	fake_reset();
	fd = lx_mq_open((const long[6]){ (long)"q", LX_O_WRONLY | LX_O_CREAT | LX_O_NONBLOCK,
	                                 0600, (long)&at });
	HT_ASSERT(fd >= 3);
	HT_ASSERT_STREQ(fake_paths[0], "/dev/mqueue/q");
	HT_ASSERT_EQ(fake_open_flags[0], O_READ | O_WRITE | O_CREAT | O_NONBLOCK);
	HT_ASSERT_STREQ(fake_writes, "attr 3 100|access w|");
	HT_ASSERT_EQ(fake_calls[1].num, SYS_pwrite);
	HT_ASSERT_EQ(fake_calls[1].a[3], MQ_OFF_CTL);
	/* Without O_CREAT the attributes are ignored; O_RDWR narrows nothing. */
	fake_writes[0] = '\0';
	fd = lx_mq_open((const long[6]){ (long)"/q2" + 1, LX_O_RDWR, 0, (long)&at });
	HT_ASSERT(fd >= 3);
	HT_ASSERT_STREQ(fake_writes, "");
}

HTEST(mq_timed_calls_wait_as_an_offset_and_check_the_fd)
{
	struct lx_timespec ts = { .tv_sec = 10, .tv_nsec = 1500 };
	struct lx_timespec bad = { .tv_sec = 1, .tv_nsec = 1000000000 };
	long fd;

	fake_reset();
	fd = lx_mq_open((const long[6]){ (long)"q", LX_O_RDWR });
	HT_ASSERT(fd >= 3);
	fake_now = 10ull * 1000000000ull;
	fake_nr_calls = 0;
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", 2, 7, (long)&ts }), 0);
	HT_ASSERT_EQ(fake_calls[0].num, SYS_pwrite);
	HT_ASSERT_EQ(fake_calls[0].a[2], MQ_HDR_LEN + 2);
	HT_ASSERT_EQ(fake_calls[0].a[3], MQ_OFF_TIMED | 2);     /* 1.5 us, rounded up */
	fake_now = 20ull * 1000000000ull;                       /* passed: no wait */
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", 2, 7, (long)&ts }), 0);
	HT_ASSERT_EQ(fake_calls[1].a[3], MQ_OFF_TIMED);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", 2, 7, 0 }), 0);
	HT_ASSERT_EQ(fake_calls[2].a[3], 0);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", 2, 7, (long)&bad }),
	             -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", 2, MQ_PRIO_MAX, 0 }),
	             -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, (long)"hi", MQ_MSGSIZE_MAX + 1, 0, 0 }),
	             -LX_EMSGSIZE);
	HT_ASSERT_EQ(lx_mq_timedreceive((const long[6]){ fd, 0, 8, 0, (long)&bad }), -LX_EINVAL);
	HT_ASSERT_EQ(lx_mq_timedreceive((const long[6]){ fd, 0, 8, 0, 0 }), -LX_EFAULT);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ fd, 0, 2, 0, 0 }), -LX_EFAULT);
	/* An fd that is not a queue (fstat: another device) is EBADF. */
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ 40, (long)"hi", 2, 0, 0 }), -LX_EBADF);
	HT_ASSERT_EQ(lx_mq_notify((const long[6]){ -1, 0 }), -LX_EBADF);
	/* A closed fd is forgotten: fstat decides again. */
	fake_fstat_dev = 5ull << 32;
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ 41, (long)"hi", 2, 0, 0 }), 0);
	fake_fstat_dev = 7;
	lx_fdev_forget(41);
	HT_ASSERT_EQ(lx_mq_timedsend((const long[6]){ 41, (long)"hi", 2, 0, 0 }), -LX_EBADF);
	lx_fdev_forget(fd);
}

HTEST(argenv_packer_writes_the_format)
{
	char *const argv[] = { "prog", "", "two words", NULL };
	char *const envp[] = { "A=1", "PATH=/bin", NULL };
	static const char strings[] = "prog\0\0two words\0A=1\0PATH=/bin";
	static const uint32_t offs[] = { 0, 5, 6, 16, 20 };
	uint8_t blob[256];
	struct argenv ae;
	ssize_t n = parlib_argenv_pack(argv, envp, blob, sizeof(blob));

	HT_ASSERT_EQ(n, 16 + 4 * 5 + (ssize_t)sizeof(strings));
	HT_ASSERT_EQ(n, parlib_argenv_size(argv, envp));
	HT_ASSERT(!memcmp(blob, "AEV1", 4));
	HT_ASSERT_EQ(blob_u32(blob, 4), 3);
	HT_ASSERT_EQ(blob_u32(blob, 8), 2);
	HT_ASSERT_EQ(blob_u32(blob, 12), sizeof(strings));
	for (size_t i = 0; i < 5; i++)
		HT_ASSERT_EQ(blob_u32(blob, 16 + 4 * i), offs[i]);
	HT_ASSERT(!memcmp(blob + 36, strings, sizeof(strings)));
	HT_ASSERT_EQ(argenv_unpack(blob, (size_t)n, &ae, NULL), 0);
	HT_ASSERT(ae.argc == 3 && ae.envc == 2);
	HT_ASSERT_STREQ(argenv_str(&ae, 2), "two words");
	HT_ASSERT_STREQ(argenv_str(&ae, 4), "PATH=/bin");
	/* No environment: a NULL envp, or an empty one. */
	n = parlib_argenv_pack(argv, NULL, blob, sizeof(blob));
	HT_ASSERT_EQ(n, 16 + 4 * 3 + 16);
	HT_ASSERT_EQ(argenv_unpack(blob, (size_t)n, &ae, NULL), 0);
	HT_ASSERT_EQ(ae.envc, 0);
	HT_ASSERT_EQ(parlib_argenv_pack(argv, (char *const[]){ NULL }, blob, sizeof(blob)), n);
}

HTEST(argenv_packer_refuses_bad_vectors)
{
	static char big[ARGENV_MAX_LEN];
	static char *many[ARGENV_MAX_STRINGS + 2];
	char *const empty[] = { NULL };
	char *const argv[] = { "prog", NULL };
	char *const huge[] = { "prog", big, NULL };
	uint8_t buf[64];

	memset(big, 'x', sizeof(big) - 1);
	for (size_t i = 0; i < ARGENV_MAX_STRINGS + 1; i++)
		many[i] = "x";          /* one string too many; many[last] is NULL */
	HT_ASSERT_EQ(parlib_argenv_size(NULL, NULL), -EINVAL);
	HT_ASSERT_EQ(parlib_argenv_size(empty, NULL), -EINVAL);
	HT_ASSERT_EQ(parlib_argenv_size(huge, NULL), -E2BIG);
	HT_ASSERT_EQ(parlib_argenv_size(many, NULL), -E2BIG);
	HT_ASSERT_EQ(parlib_argenv_size(argv, many), -E2BIG);
	HT_ASSERT_EQ(parlib_argenv_pack(argv, NULL, buf, 20), -ENOSPC);
	HT_ASSERT_EQ(parlib_argenv_pack(argv, NULL, NULL, sizeof(buf)), -ENOSPC);
	HT_ASSERT_EQ(parlib_argenv_pack(empty, NULL, NULL, 0), -EINVAL);
	HT_ASSERT_EQ(parlib_argenv_pack(argv, NULL, buf, sizeof(buf)), 16 + 4 + 5);
}
