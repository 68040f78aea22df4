/* SPDX-License-Identifier: MIT */
/*
 * utest_files.c - /test/utest_files: the file and name-space syscalls that
 * utest_syscalls does not reach (kern/src/syscall/sys_file.c, kern/src/syscall/sys_ns.c):
 * fcntl, mkdir/rmdir/unlink types, rename, symlink/readlink, getcwd, chdir,
 * fchdir, fd2path, wstat/fwstat, openat with a dirfd, reads and writes
 * larger than the kernel's 64 KiB bounce buffer (and partial ones at the
 * edge of the image), nbind/nmount/nunmount and dup_fds_to.  Each failure
 * must come with its errno and an errstr.  Works in /tmp (#tmpfs) and
 * removes what it creates.
 */
#include <ros/fcntl.h>
#include <ros/kstat.h>
#include <tiny/print.h>
#include <tiny/proc.h>
#include <tiny/start.h>
#include <tiny/string.h>
#include <tiny/syscall.h>
#include <tiny/utest.h>

#define KADDR  0xffff800000100000ull    /* a kernel address */
#define BIG    (200 * 1000)             /* > 3 bounce buffers, not a multiple */

static char big_out[BIG], big_in[BIG];

/* ------------------------------------------------------------- helpers */

static int64_t p1(struct syscall *sc, uint32_t num, const char *path, uint64_t a2, uint64_t a3)
{
	return sysc(sc, num, UP(path), strlen(path), a2, a3);
}

static int64_t p2(struct syscall *sc, uint32_t num, const char *a, const char *b, uint64_t a4)
{
	return sysc(sc, num, UP(a), strlen(a), UP(b), strlen(b), a4);
}

static int64_t open_path(struct syscall *sc, const char *path, int flags)
{
	return sysc(sc, SYS_openat, (uint64_t)TINY_AT_FDCWD, UP(path), strlen(path),
	            (uint64_t)flags, 0644);
}

static bool close_fd(int64_t fd)
{
	return tsys(SYS_close, (uint64_t)fd) == 0;
}

static bool make_file(const char *path, const char *text)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, path, O_RDWR | O_CREAT | O_TRUNC);

	if (fd < 0)
		return false;
	return tsys(SYS_write, (uint64_t)fd, UP(text), strlen(text)) == (int64_t)strlen(text) &&
	       close_fd(fd);
}

static uint32_t stat_mode(const char *path, bool l)
{
	struct kstat st;
	struct syscall sc;

	memset(&st, 0, sizeof(st));
	if (p1(&sc, l ? SYS_lstat : SYS_stat, path, UP(&st), 0) < 0)
		return 0;
	return st.st_mode;
}

static int64_t stat_size(const char *path)
{
	struct kstat st;
	struct syscall sc;

	if (p1(&sc, SYS_stat, path, UP(&st), 0) < 0)
		return -1;
	return st.st_size;
}

/* Encodes a 9P stat entry (no ext); its length. */
static size_t put9(uint8_t *b, size_t at, uint64_t v, int n)
{
	for (int i = 0; i < n; i++)
		b[at + i] = (uint8_t)(v >> (8 * i));
	return at + (size_t)n;
}

static size_t put9s(uint8_t *b, size_t at, const char *s)
{
	size_t n = strlen(s);

	at = put9(b, at, n, 2);
	memcpy(b + at, s, n);
	return at + n;
}

static size_t stat9(uint8_t *b, uint32_t mode, int64_t length, const char *name)
{
	size_t at = 2;

	at = put9(b, at, 0xffff, 2);            /* type */
	at = put9(b, at, 0xffffffff, 4);        /* dev */
	at = put9(b, at, 0xff, 1);              /* qid */
	at = put9(b, at, 0xffffffff, 4);
	at = put9(b, at, ~0ull, 8);
	at = put9(b, at, mode, 4);
	at = put9(b, at, 0xffffffff, 4);        /* atime */
	at = put9(b, at, 0xffffffff, 4);        /* mtime */
	at = put9(b, at, (uint64_t)length, 8);
	at = put9s(b, at, name);
	at = put9s(b, at, "");
	at = put9s(b, at, "");
	at = put9s(b, at, "");
	put9(b, 0, at - 2, 2);
	return at;
}

/* ----------------------------------------------------------------- fcntl */

UTEST(fcntl_fd_flags_and_dup)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, "/dev/null", O_RDWR), d;

	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFD), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_SETFD, FD_CLOEXEC), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFD), FD_CLOEXEC);
	sysc(&sc, SYS_fcntl, (uint64_t)fd, F_SETFD, 2);
	UT_SYSC_ERR(&sc, EINVAL);
	d = sysc(&sc, SYS_fcntl, (uint64_t)fd, F_DUPFD, 40);
	UT_SYSC_OK(&sc);
	UT_ASSERT(d >= 40);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)d, F_GETFD), 0);
	UT_ASSERT(close_fd(d));
	d = sysc(&sc, SYS_fcntl, (uint64_t)fd, F_DUPFD_CLOEXEC, 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)d, F_GETFD), FD_CLOEXEC);
	UT_ASSERT(close_fd(d));
	sysc(&sc, SYS_fcntl, (uint64_t)fd, F_DUPFD, 1 << 20);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fcntl, (uint64_t)fd, 99, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fcntl, 300, F_GETFD);
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_fcntl, 300, F_GETFL);
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_fcntl, 300, F_DUPFD, 0);
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT(close_fd(fd));
}

UTEST(fcntl_file_flags)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, "/dev/null", O_RDWR), fl;

	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFL), O_RDWR);
	fl = sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFL);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_SETFL, (uint64_t)fl | O_NONBLOCK), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFL), O_RDWR | O_NONBLOCK);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_SETFL, O_APPEND), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFL), O_RDWR | O_APPEND);
	sysc(&sc, SYS_fcntl, (uint64_t)fd, F_SETFL, 0x80000000u);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_EQ(sysc(&sc, SYS_fcntl, (uint64_t)fd, F_GETFL), O_RDWR | O_APPEND);
	UT_ASSERT(close_fd(fd));
}

/* ------------------------------------------------- directories and names */

UTEST(mkdir_rmdir_unlink_types)
{
	struct syscall sc;

	UT_ASSERT_EQ(p1(&sc, SYS_mkdir, "/tmp/ud", 0755, 0), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(stat_mode("/tmp/ud", false), S_IFDIR | 0755);
	p1(&sc, SYS_mkdir, "/tmp/ud", 0755, 0);
	UT_SYSC_ERR(&sc, EEXIST);
	p1(&sc, SYS_mkdir, "/tmp/ud2", 0x10000, 0);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT(make_file("/tmp/ud/f", "x"));
	UT_ASSERT_EQ(stat_mode("/tmp/ud/f", false) & S_IFMT, S_IFREG);
	p1(&sc, SYS_unlink, "/tmp/ud", 0, 0);
	UT_SYSC_ERR(&sc, EISDIR);
	p1(&sc, SYS_rmdir, "/tmp/ud/f", 0, 0);
	UT_SYSC_ERR(&sc, ENOTDIR);
	p1(&sc, SYS_rmdir, "/tmp/ud", 0, 0);
	UT_SYSC_ERR2(&sc, ENOTEMPTY, EBUSY);
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/ud/f", 0, 0), 0);
	UT_ASSERT_EQ(p1(&sc, SYS_rmdir, "/tmp/ud", 0, 0), 0);
	p1(&sc, SYS_rmdir, "/tmp/ud", 0, 0);
	UT_SYSC_ERR(&sc, ENOENT);
	p1(&sc, SYS_unlink, "/tmp/ud", 0, 0);
	UT_SYSC_ERR(&sc, ENOENT);
}

UTEST(rename_moves)
{
	struct syscall sc;

	UT_ASSERT(make_file("/tmp/ra", "hello"));
	UT_ASSERT_EQ(p2(&sc, SYS_rename, "/tmp/ra", "/tmp/rb", 0), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(stat_size("/tmp/ra"), -1);
	UT_ASSERT_EQ(stat_size("/tmp/rb"), 5);
	p2(&sc, SYS_rename, "/tmp/ra", "/tmp/rc", 0);
	UT_SYSC_ERR(&sc, ENOENT);
	sysc(&sc, SYS_rename, UP("/tmp/rb"), 7, KADDR, 5);
	UT_SYSC_ERR(&sc, EFAULT);
	UT_ASSERT_EQ(stat_size("/tmp/rb"), 5);
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/rb", 0, 0), 0);
}

UTEST(symlink_readlink)
{
	char buf[64];
	struct syscall sc;

	UT_ASSERT_EQ(p2(&sc, SYS_symlink, "/etc/motd", "/tmp/ul", 0), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(stat_mode("/tmp/ul", true) & S_IFMT, S_IFLNK);
	UT_ASSERT_EQ(stat_mode("/tmp/ul", false) & S_IFMT, S_IFREG);
	memset(buf, 'z', sizeof(buf));
	UT_ASSERT_EQ(p1(&sc, SYS_readlink, "/tmp/ul", UP(buf), sizeof(buf)), 9);
	UT_ASSERT(!memcmp(buf, "/etc/motd", 9) && buf[9] == 'z');
	UT_ASSERT_EQ(p1(&sc, SYS_readlink, "/tmp/ul", UP(buf), 4), 4);
	p1(&sc, SYS_readlink, "/tmp/ul", UP(buf), 0);
	UT_SYSC_ERR(&sc, EINVAL);
	p1(&sc, SYS_readlink, "/tmp/ul", KADDR, 16);
	UT_SYSC_ERR(&sc, EFAULT);
	p1(&sc, SYS_readlink, "/etc/motd", UP(buf), sizeof(buf));
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/ul", 0, 0), 0);   /* the link, not motd */
	UT_ASSERT(stat_size("/etc/motd") > 0);
}

/* ------------------------------------------------------- cwd and paths */

UTEST(getcwd_chdir_fchdir)
{
	char buf[64];
	struct syscall sc;
	int64_t fd;

	UT_ASSERT_EQ(sysc(&sc, SYS_chdir, 0, UP("/tmp"), 4), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_getcwd, UP(buf), sizeof(buf)), 5);
	UT_ASSERT(!strcmp(buf, "/tmp"));
	sysc(&sc, SYS_getcwd, UP(buf), 3);
	UT_SYSC_ERR(&sc, ERANGE);
	sysc(&sc, SYS_getcwd, KADDR, 64);
	UT_SYSC_ERR(&sc, EFAULT);
	UT_ASSERT(make_file("rel", "relative"));        /* in /tmp now */
	UT_ASSERT_EQ(stat_size("/tmp/rel"), 8);
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "rel", 0, 0), 0);
	sysc(&sc, SYS_chdir, 12345, UP("/"), 1);
	UT_SYSC_ERR(&sc, ESRCH);
	sysc(&sc, SYS_chdir, 0, UP("/etc/motd"), 9);
	UT_SYSC_ERR(&sc, ENOTDIR);
	fd = open_path(&sc, "/dev", O_PATH);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fchdir, 0, (uint64_t)fd), 0);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(sysc(&sc, SYS_getcwd, UP(buf), sizeof(buf)), 5);
	UT_ASSERT(!strcmp(buf, "/dev"));
	UT_ASSERT(stat_size("null") >= 0);
	fd = open_path(&sc, "/etc", O_READ);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fchdir, 0, (uint64_t)fd), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(sysc(&sc, SYS_getcwd, UP(buf), sizeof(buf)), 5);
	UT_ASSERT(!strcmp(buf, "/etc"));
	fd = open_path(&sc, "motd", O_READ);
	UT_SYSC_OK(&sc);
	sysc(&sc, SYS_fchdir, 0, (uint64_t)fd);
	UT_SYSC_ERR(&sc, ENOTDIR);
	sysc(&sc, SYS_fchdir, 7, (uint64_t)fd);
	UT_SYSC_ERR(&sc, ESRCH);
	UT_ASSERT(close_fd(fd));
	sysc(&sc, SYS_fchdir, 0, 300);
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT_EQ(sysc(&sc, SYS_chdir, 0, UP("/"), 1), 0);
}

UTEST(fd2path_and_openat_dirfd)
{
	char buf[64];
	struct syscall sc;
	int64_t dfd = open_path(&sc, "/etc", O_PATH), fd;

	UT_SYSC_OK(&sc);
	fd = sysc(&sc, SYS_openat, (uint64_t)dfd, UP("motd"), 4, O_READ, 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_fd2path, (uint64_t)fd, UP(buf), sizeof(buf)), 10);
	UT_ASSERT_MSG(!strcmp(buf, "/etc/motd"), "fd2path gave '%s'", buf);
	sysc(&sc, SYS_fd2path, (uint64_t)fd, UP(buf), 5);
	UT_SYSC_ERR(&sc, ERANGE);
	sysc(&sc, SYS_fd2path, 300, UP(buf), sizeof(buf));
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_fd2path, (uint64_t)fd, KADDR, 64);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_openat, 300, UP("motd"), 4, O_READ, 0);
	UT_SYSC_ERR(&sc, EBADF);
	sysc(&sc, SYS_openat, (uint64_t)dfd, UP("x"), 1, O_RDWR | O_CREAT, 0x10000);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT(close_fd(dfd));
}

/* A directory opened for reading (opendir) as the dirfd. */
UTEST(openat_open_dirfd)
{
	struct syscall sc;
	int64_t dfd = open_path(&sc, "/etc", O_READ), fd;

	UT_SYSC_OK(&sc);
	fd = sysc(&sc, SYS_openat, (uint64_t)dfd, UP("motd"), 4, O_READ, 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT(close_fd(dfd));
}

/* ---------------------------------------------------------- wstat */

UTEST(wstat_fwstat_fields)
{
	uint8_t blob[128];
	struct syscall sc;
	size_t n;
	int64_t fd;

	UT_ASSERT(make_file("/tmp/uw", "0123456789abcdef"));
	fd = open_path(&sc, "/tmp/uw", O_RDWR);
	UT_SYSC_OK(&sc);
	n = stat9(blob, 0600, 10, "ignored");
	/* Only the length is applied: mode and name stay. */
	UT_ASSERT_EQ(sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), n, WSTAT_LENGTH), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(stat_size("/tmp/uw"), 10);
	UT_ASSERT_EQ(stat_mode("/tmp/uw", false), S_IFREG | 0644);
	p1(&sc, SYS_wstat, "/tmp/uw", UP(blob), n);     /* flags 0 */
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT_EQ(sysc(&sc, SYS_wstat, UP("/tmp/uw"), 7, UP(blob), n, WSTAT_MODE), 0);
	UT_ASSERT_EQ(stat_mode("/tmp/uw", false), S_IFREG | 0600);
	UT_ASSERT_EQ(stat_size("/tmp/uw"), 10);
	n = stat9(blob, 0, -1, "uw2");
	UT_ASSERT_EQ(sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), n, WSTAT_NAME), 0);
	UT_ASSERT_EQ(stat_size("/tmp/uw2"), 10);
	sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), n, 0x100);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), 10, WSTAT_LENGTH);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), n - 1, WSTAT_LENGTH);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fwstat, (uint64_t)fd, UP(blob), 1 << 20, WSTAT_LENGTH);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_fwstat, (uint64_t)fd, KADDR, n, WSTAT_LENGTH);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_fwstat, 300, UP(blob), n, WSTAT_LENGTH);
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/uw2", 0, 0), 0);
}

/* ------------------------------------------------- bounced reads and writes */

UTEST(big_write_and_read_back)
{
	struct syscall sc;
	int64_t fd = open_path(&sc, "/tmp/ubig", O_RDWR | O_CREAT | O_TRUNC);

	UT_SYSC_OK(&sc);
	for (size_t i = 0; i < BIG; i++)
		big_out[i] = (char)(i * 7 + i / 251);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, (uint64_t)fd, UP(big_out), BIG), BIG);
	UT_ASSERT_EQ(stat_size("/tmp/ubig"), BIG);
	UT_ASSERT_EQ(sysc(&sc, SYS_pread, (uint64_t)fd, UP(big_in), BIG, 0), BIG);
	UT_ASSERT(!memcmp(big_in, big_out, BIG));
	UT_ASSERT_EQ(sysc(&sc, SYS_pread, (uint64_t)fd, UP(big_in), BIG, 1000), BIG - 1000);
	UT_ASSERT(!memcmp(big_in, big_out + 1000, BIG - 1000));
	UT_ASSERT_EQ(sysc(&sc, SYS_llseek, (uint64_t)fd, 70000, TINY_SEEK_SET), 70000);
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)fd, UP(big_in), BIG), BIG - 70000);
	UT_ASSERT(!memcmp(big_in, big_out + 70000, BIG - 70000));
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)fd, UP(big_in), BIG), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_pwrite, (uint64_t)fd, UP(big_out), 100000, 150000), 100000);
	UT_ASSERT_EQ(stat_size("/tmp/ubig"), 250000);
	sysc(&sc, SYS_pwrite, (uint64_t)fd, UP(big_out), 10, -5);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_pread, (uint64_t)fd, UP(big_in), 10, 0x7ffffffffffffffbull);
	UT_SYSC_ERR(&sc, EINVAL);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/ubig", 0, 0), 0);
}

UTEST(partial_at_unmapped_edge)
{
	char *edge = tiny_edge_page + TINY_EDGE_SIZE - 100;
	struct syscall sc;
	int64_t z = open_path(&sc, "/dev/zero", O_READ), fd;

	UT_SYSC_OK(&sc);
	memset(edge, 0x55, 100);
	UT_ASSERT_EQ(sysc(&sc, SYS_read, (uint64_t)z, UP(edge), 300), 100);
	UT_ASSERT(edge[0] == 0 && edge[99] == 0);
	UT_ASSERT(close_fd(z));
	fd = open_path(&sc, "/tmp/uedge", O_RDWR | O_CREAT | O_TRUNC);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, (uint64_t)fd, UP(edge), 300), 100);
	UT_ASSERT_EQ(stat_size("/tmp/uedge"), 100);
	sysc(&sc, SYS_write, (uint64_t)fd, UP(tiny_image_end), 10);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_write, (uint64_t)fd, KADDR, 10);
	UT_SYSC_ERR(&sc, EFAULT);
	UT_ASSERT_EQ(sysc(&sc, SYS_write, (uint64_t)fd, UP(edge), 0), 0);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/uedge", 0, 0), 0);
}

/* ---------------------------------------------------------- name space */

UTEST(nbind_nunmount)
{
	struct syscall sc;
	int64_t fd;

	UT_ASSERT_EQ(p1(&sc, SYS_mkdir, "/tmp/um", 0755, 0), 0);
	UT_ASSERT(sysc(&sc, SYS_nbind, UP("/etc"), 4, UP("/tmp/um"), 7, MREPL) >= 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT(stat_size("/tmp/um/motd") > 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_nunmount, UP("/etc"), 4, UP("/tmp/um"), 7), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(stat_size("/tmp/um/motd"), -1);
	UT_ASSERT(sysc(&sc, SYS_nbind, UP("/etc"), 4, UP("/tmp/um"), 7, MAFTER) >= 0);
	UT_ASSERT(stat_size("/tmp/um/motd") > 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_nunmount, 0, 0, UP("/tmp/um"), 7), 0);   /* everything */
	UT_ASSERT_EQ(stat_size("/tmp/um/motd"), -1);
	sysc(&sc, SYS_nbind, UP("/etc"), 4, UP("/tmp/um"), 7, MBEFORE | MAFTER);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_nbind, UP("/etc"), 4, UP("/tmp/um"), 7, 0x100);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_nbind, UP("/nonexistent"), 12, UP("/tmp/um"), 7, MREPL);
	UT_SYSC_ERR(&sc, ENOENT);
	sysc(&sc, SYS_nbind, UP("/etc"), 4, KADDR, 7, MREPL);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_nmount, 300, UP("/tmp/um"), 7, MREPL);
	UT_SYSC_ERR(&sc, EBADF);
	/* #mnt's Tversion vanishes into /dev/null, whose read is EOF: the
	 * server "hung up" */
	fd = open_path(&sc, "/dev/null", O_RDWR);
	sysc(&sc, SYS_nmount, (uint64_t)fd, UP("/tmp/um"), 7, MREPL);
	UT_SYSC_ERR(&sc, EIO);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(p1(&sc, SYS_rmdir, "/tmp/um", 0, 0), 0);
}

static int64_t create_hello(struct syscall *sc)
{
	static const char *const argv[] = { "/test/hello", NULL };

	return tiny_spawn_sc(sc, "/test/hello", argv, 0);
}

/* A CREATED child gets our fd as its stdout and /tmp as its cwd. */
UTEST(dup_fds_to_and_chdir_of_child)
{
	static const char want[] = "hello from user space\n";
	struct childfdmap map[3];
	char buf[64];
	struct syscall sc;
	int status = -1;
	int64_t fd = open_path(&sc, "/tmp/uchild", O_RDWR | O_CREAT | O_TRUNC), pid, dfd;

	UT_SYSC_OK(&sc);
	pid = create_hello(&sc);
	UT_SYSC_OK(&sc);
	memset(map, 0, sizeof(map));
	map[0].parentfd = (uint32_t)fd;
	map[0].childfd = 1;
	map[1].parentfd = 300;                  /* not open: only this entry fails */
	map[1].childfd = 5;
	map[2].parentfd = (uint32_t)fd;
	map[2].childfd = 7;
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP(map), 3);
	UT_SYSC_ERR(&sc, EBADF);
	UT_ASSERT_EQ(map[0].ok, 0);
	UT_ASSERT_EQ(map[1].ok, -EBADF);
	UT_ASSERT_EQ(map[2].ok, 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP(map), 1), 1);
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP(map), 0);
	UT_SYSC_ERR(&sc, EINVAL);
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, KADDR, 1);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP("read-only string"), 1);
	UT_SYSC_ERR(&sc, EFAULT);
	sysc(&sc, SYS_dup_fds_to, 9999, UP(map), 1);
	UT_SYSC_ERR(&sc, ESRCH);
	UT_ASSERT_EQ(sysc(&sc, SYS_chdir, (uint64_t)pid, UP("/tmp"), 4), 0);
	dfd = open_path(&sc, "/dev", O_PATH);
	UT_ASSERT_EQ(sysc(&sc, SYS_fchdir, (uint64_t)pid, (uint64_t)dfd), 0);
	UT_SYSC_OK(&sc);
	UT_ASSERT(close_fd(dfd));
	UT_ASSERT_EQ(sysc(&sc, SYS_getcwd, UP(buf), sizeof(buf)), 2);   /* ours is unchanged */
	UT_ASSERT_EQ(sysc(&sc, SYS_proc_run, (uint64_t)pid), 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_waitpid, (uint64_t)pid, UP(&status), 0), pid);
	UT_ASSERT_EQ(status, 0);
	UT_ASSERT_EQ(sysc(&sc, SYS_pread, (uint64_t)fd, UP(buf), sizeof(buf), 0),
	             sizeof(want) - 1);
	UT_ASSERT(!memcmp(buf, want, sizeof(want) - 1));
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP(map), 1);
	UT_SYSC_ERR2(&sc, ESRCH, EINVAL);
	sysc(&sc, SYS_chdir, (uint64_t)pid, UP("/"), 1);
	UT_SYSC_ERR2(&sc, ESRCH, EINVAL);
	UT_ASSERT(close_fd(fd));
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/uchild", 0, 0), 0);
}

/* A child that is running can no longer be changed. */
UTEST(dup_fds_to_running_child_refused)
{
	struct childfdmap map = { .parentfd = 1, .childfd = 1 };
	struct syscall sc;
	int status = -1;
	int64_t pid = create_hello(&sc);

	UT_SYSC_OK(&sc);
	UT_ASSERT_EQ(sysc(&sc, SYS_proc_run, (uint64_t)pid), 0);
	sysc(&sc, SYS_dup_fds_to, (uint64_t)pid, UP(&map), 1);
	UT_SYSC_ERR2(&sc, EINVAL, ESRCH);
	UT_ASSERT_EQ(sysc(&sc, SYS_waitpid, (uint64_t)pid, UP(&status), 0), pid);
}

/* An unlinked file stays readable through its open fd but is gone from
 * its directory at once: the directory can be removed. */
UTEST(unlinked_open_file_leaves_the_directory)
{
	struct syscall sc;
	char buf[8];
	int64_t fd;

	UT_ASSERT_EQ(p1(&sc, SYS_mkdir, "/tmp/ud", 0755, 0), 0);
	UT_ASSERT(make_file("/tmp/ud/f", "still here"));
	fd = open_path(&sc, "/tmp/ud/f", O_RDWR);
	UT_ASSERT(fd >= 0);
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/ud/f", 0, 0), 0);
	UT_ASSERT_EQ(p1(&sc, SYS_rmdir, "/tmp/ud", 0, 0), 0);
	UT_ASSERT_EQ(tsys(SYS_pread, (uint64_t)fd, UP(buf), 5, 0), 5);
	UT_ASSERT(!memcmp(buf, "still", 5));
	UT_ASSERT(close_fd(fd));
}

/* Files in /tmp until memory runs out: each write fails with ENOSPC or
 * EFBIG (never a panic), and removing the files gives the memory back. */
UTEST(tmpfs_full_is_enospc)
{
	static const char *const names[] = { "/tmp/f1", "/tmp/f2", "/tmp/f3", "/tmp/f4" };
	struct syscall sc;
	int64_t err = 0, fd;
	uint64_t total = 0;

	for (int f = 0; f < 4 && !err; f++) {
		fd = open_path(&sc, names[f], O_RDWR | O_CREAT | O_TRUNC);
		UT_ASSERT(fd >= 0);
		for (;;) {
			int64_t n = tsys(SYS_write, (uint64_t)fd, UP(big_out), BIG);

			if (n != BIG) {
				if (n != -EFBIG)
					err = n;
				break;
			}
			total += BIG;
		}
		UT_ASSERT(close_fd(fd));
	}
	UT_ASSERT_MSG(err == -ENOSPC, "after %llu bytes: %lld", (unsigned long long)total,
	              (long long)err);
	for (int f = 0; f < 4; f++)
		p1(&sc, SYS_unlink, names[f], 0, 0);
	UT_ASSERT(make_file("/tmp/after", "memory is back"));
	UT_ASSERT_EQ(p1(&sc, SYS_unlink, "/tmp/after", 0, 0), 0);
}

int main(int argc, char **argv, char **envp __attribute__((unused)))
{
	return utest_main("files", argc, argv);
}

