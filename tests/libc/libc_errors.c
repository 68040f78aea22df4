/* SPDX-License-Identifier: MIT */
/*
 * libc_errors.c - utest suites of errno and errstr() on bad input, one
 * suite per area of the other libc suites: files, pipe, mm, time, ns.
 * Each call must fail with Linux's errno (or the difference documented in
 * Documentation/libc.md), and a failure the kernel reports must leave an
 * errstr() naming the problem (UT_ASSERT_ERRSTR).  Errors musl finds by
 * itself (EINVAL of a bad timespec...) only set errno.
 * Run by scripts/run-ktests.sh (run_utest libc_errors).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <parlib/ns.h>
#include <utest/utest.h>

UTEST(files, open_and_path_errors)
{
	int fd;

	UT_ASSERT_ERRSTR(open("/tmp/le_none/x", O_RDONLY), ENOENT, "");
	UT_ASSERT_ERRSTR(open("/tmp", O_RDWR), EISDIR, "");
	fd = UT_SYS(open("/tmp/le_f", O_RDWR | O_CREAT | O_TRUNC, 0644));
	UT_SYS(close(fd));
	UT_ASSERT_ERRSTR(open("/tmp/le_f", O_RDONLY | O_DIRECTORY), ENOTDIR, "");
	UT_ASSERT_ERRSTR(open("/tmp/le_f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST, "");
	UT_ASSERT_ERRSTR(mkdir("/tmp/le_f", 0755), EEXIST, "");
	UT_ASSERT_ERRSTR(mkdir("/tmp/le_none/d", 0755), ENOENT, "");
	UT_ASSERT_ERRSTR(rmdir("/tmp/le_f"), ENOTDIR, "");
	UT_ASSERT_ERRSTR(rename("/tmp/le_none", "/tmp/le_g"), ENOENT, "");
	UT_ASSERT_ERRSTR(truncate("/tmp/le_none", 0), ENOENT, "");
	UT_ASSERT_ERRNO_P(opendir("/tmp/le_f"), ENOTDIR);
	UT_ASSERT_ERRNO_P(fopen("/tmp/le_none/x", "r"), ENOENT);
	UT_SYS(unlink("/tmp/le_f"));
	UT_ASSERT_ERRSTR(unlink("/tmp/le_f"), ENOENT, "");
}

UTEST(files, fd_errors)
{
	int fd = UT_SYS(open("/tmp/le_fd", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	char b[4];

	UT_ASSERT_ERRSTR(read(fd, b, sizeof(b)), EBADF, "");
	UT_SYS(close(fd));
	fd = UT_SYS(open("/tmp/le_fd", O_RDONLY));
	UT_ASSERT_ERRSTR(write(fd, "x", 1), EBADF, "");
	UT_ASSERT_ERRNO(lseek(fd, -1, SEEK_SET), EINVAL);
	UT_ASSERT_ERRNO(lseek(fd, 0, 42), EINVAL);
	UT_ASSERT_ERRNO(pread(fd, b, 1, -5), EINVAL);
	UT_SYS(close(fd));
	UT_ASSERT_ERRSTR(close(fd), EBADF, "");
	UT_ASSERT_ERRSTR(read(-1, b, 1), EBADF, "");
	UT_ASSERT_ERRSTR(fcntl(999, F_GETFD), EBADF, "");
	UT_ASSERT_ERRNO(dup2(999, 5), EBADF);
	UT_ASSERT_ERRNO(dup2(0, -1), EBADF);
	UT_SYS(unlink("/tmp/le_fd"));
}

UTEST(pipe, pipe_end_errors)
{
	int p[2];
	char c;

	UT_SYS(pipe(p));
	UT_SYS(close(p[0]));
	UT_SYS(close(p[1]));
	UT_ASSERT_ERRNO(read(p[0], &c, 1), EBADF);
	UT_ASSERT_ERRNO(pipe2(p, 0x12345678), EINVAL);
}

/* Linux: EBADF, and ESPIPE for lseek; the layer opens both #pipe data
 * files read-write, and #pipe takes a seek. */
UTEST(pipe, ends_are_one_way)
{
	int p[2], e1, e2;
	ssize_t w, r;
	char c;

	UT_SYS(pipe(p));
	errno = 0;
	w = write(p[0], "x", 1);
	e1 = errno;
	errno = 0;
	r = read(p[1], &c, w == 1 ? 1 : 0);
	e2 = errno;
	errno = 0;
	off_t o = lseek(p[0], 0, SEEK_SET);
	int e3 = errno;

	close(p[0]);
	close(p[1]);
	UT_KNOWN_BUG(w == 1, "write on a pipe's read end works (Linux: EBADF)");
	UT_ASSERT_MSG(w == -1 && e1 == EBADF, "write on the read end: %zd, %s", w,
	              utest_errdesc(e1));
	UT_ASSERT_MSG(r == -1 && e2 == EBADF, "read on the write end: %zd, %s", r,
	              utest_errdesc(e2));
	UT_ASSERT_MSG(o == -1 && e3 == ESPIPE, "lseek on a pipe: %lld, %s", (long long)o,
	              utest_errdesc(e3));
}

/* Linux: EINVAL; Vireo accepts a size change through a read-only fd. */
UTEST(files, ftruncate_needs_a_writable_fd)
{
	int fd = UT_SYS(open("/tmp/le_ro", O_RDWR | O_CREAT | O_TRUNC, 0644)), r, e;

	UT_ASSERT_EQ(write(fd, "data", 4), 4);
	UT_SYS(close(fd));
	fd = UT_SYS(open("/tmp/le_ro", O_RDONLY));
	errno = 0;
	r = ftruncate(fd, 1);
	e = errno;
	close(fd);
	unlink("/tmp/le_ro");
	UT_KNOWN_BUG(r == 0, "ftruncate through an O_RDONLY fd succeeds (Linux: EINVAL)");
	UT_ASSERT_MSG(r == -1 && (e == EINVAL || e == EBADF), "ftruncate: %s", utest_errdesc(e));
}

UTEST(mm, mmap_errors)
{
	int fd = UT_SYS(open("/tmp/le_mm", O_RDWR | O_CREAT | O_TRUNC, 0644));
	void *bad = (void *)0x1001;

	UT_ASSERT_ERRNO_P(mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
	                  MAP_FAILED ? NULL : (void *)1, EINVAL);
	UT_ASSERT_ERRNO_P(mmap(NULL, 4096, PROT_READ, MAP_SHARED, 999, 0) == MAP_FAILED ?
	                  NULL : (void *)1, EBADF);
	UT_ASSERT_ERRNO_P(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 123) == MAP_FAILED ?
	                  NULL : (void *)1, EINVAL);
	UT_ASSERT_ERRNO_P(mmap(NULL, 4096, PROT_READ, MAP_ANONYMOUS, -1, 0) == MAP_FAILED ?
	                  NULL : (void *)1, EINVAL);
	UT_ASSERT_ERRNO(munmap(bad, 4096), EINVAL);
	UT_ASSERT_ERRNO(mprotect((void *)0x1000, 4096, PROT_READ), ENOMEM);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/le_mm"));
}

/* musl's mprotect rounds the start down to a page (as on Linux with musl),
 * so 0x1001 asks for the unmapped page 0x1000: ENOMEM.  The kernel itself
 * refuses an unaligned address with EINVAL (the raw syscall shows it). */
UTEST(mm, mprotect_unaligned)
{
	UT_ASSERT_ERRNO(mprotect((void *)0x1001, 4096, PROT_READ), ENOMEM);
	UT_ASSERT_ERRNO(syscall(SYS_mprotect, 0x1001, 4096, PROT_READ), EINVAL);
}

UTEST(time, clock_and_sleep_errors)
{
	struct timespec t = { 0, 1000000000 }, neg = { -1, 0 };

	UT_ASSERT_ERRNO(clock_gettime((clockid_t)12345, &t), EINVAL);
	UT_ASSERT_ERRNO(clock_gettime((clockid_t)-1, &t), EINVAL);    /* CPU clock kind 3 */
	UT_ASSERT_ERRNO(clock_gettime((clockid_t)((-999999 - 1) * 8 + 2), &t), EINVAL);
	t.tv_nsec = 1000000000;
	UT_ASSERT_ERRNO(nanosleep(&t, NULL), EINVAL);
	UT_ASSERT_ERRNO(nanosleep(&neg, NULL), EINVAL);
	UT_ASSERT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &neg, NULL), EINVAL);
	UT_ASSERT_EQ(clock_nanosleep((clockid_t)12345, 0, &t, NULL), EINVAL);
}

UTEST(ns, bind_and_unmount_errors)
{
	UT_ASSERT_ERRSTR(vireo_bind("/tmp/le_none", "/tmp", VIREO_MAFTER), ENOENT, "nbind");
	UT_ASSERT_ERRSTR(vireo_bind("/tmp", "/tmp/le_none", VIREO_MAFTER), ENOENT, "nbind");
	UT_ASSERT_ERRSTR(vireo_bind("/tmp", "/tmp", 0x40), EINVAL, "flags");
	UT_ASSERT_ERRSTR(vireo_bind("/tmp", "/tmp", VIREO_MBEFORE | VIREO_MAFTER), EINVAL, "");
	UT_ASSERT_ERRNO(vireo_bind(NULL, "/tmp", 0), EFAULT);
	UT_ASSERT_ERRSTR(vireo_mount(999, "/tmp", 0), EBADF, "nmount");
	errstr_set("");
	errno = 0;
	UT_ASSERT_EQ(vireo_unmount("/etc", "/tmp"), -1);
	UT_ASSERT_MSG(errno && errstr()[0], "unmount of what is not bound: %s",
	              utest_errdesc(errno));
	utest_note("unmount of what is not bound: %s", utest_errdesc(errno));
}

int main(int argc, char **argv)
{
	return utest_main("libc_errors", argc, argv);
}
