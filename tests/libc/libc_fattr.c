/* SPDX-License-Identifier: MIT */
/*
 * libc_fattr.c - utest suites of a file's attributes through the C library
 * (tools/compilers/musl/vireo/lx_fattr.c): chmod (chmod, fchmod, fchmodat
 * on files and directories: permissions change, the type stays), times
 * (utimensat with times, UTIME_OMIT, UTIME_NOW and a NULL path, utimes,
 * utime), chown (one user: the owner a file has is accepted, another is
 * EPERM), mkdir given a whole st_mode as cp -r passes it, and the errors of
 * each (missing paths, bad pointers, bad fds, bad times and flags).  Run by
 * scripts/run-ktests.sh (run_utest libc_fattr); every test removes what it
 * creates under /tmp/fa*.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <utime.h>
#include <utest/utest.h>

static mode_t fa_mode(const char *path)
{
	struct stat st;

	UT_SYS(stat(path, &st));
	return st.st_mode;
}

static time_t fa_mtime(const char *path)
{
	struct stat st;

	UT_SYS(stat(path, &st));
	return st.st_mtime;
}

static void fa_touch(const char *path)
{
	int fd = UT_SYS(open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644));

	UT_SYS(close(fd));
}

/* ---------------------------------------------------------------- chmod */

UTEST(chmod, file_permissions_change_type_stays)
{
	fa_touch("/tmp/fa_file");
	UT_SYS(chmod("/tmp/fa_file", 0600));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_file"), S_IFREG | 0600);
	UT_SYS(chmod("/tmp/fa_file", 0755));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_file"), S_IFREG | 0755);
	UT_SYS(unlink("/tmp/fa_file"));
}

UTEST(chmod, directory_stays_a_directory)
{
	UT_SYS(mkdir("/tmp/fa_dir", 0755));
	UT_SYS(chmod("/tmp/fa_dir", 0700));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_dir"), S_IFDIR | 0700);
	UT_SYS(rmdir("/tmp/fa_dir"));
}

UTEST(chmod, fchmod_and_fchmodat)
{
	int fd = UT_SYS(open("/tmp/fa_f2", O_CREAT | O_RDWR, 0644));

	UT_SYS(fchmod(fd, 0640));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_f2"), S_IFREG | 0640);
	UT_SYS(fchmodat(AT_FDCWD, "/tmp/fa_f2", 0604, 0));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_f2"), S_IFREG | 0604);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/fa_f2"));
}

UTEST(chmod, setid_bits_are_dropped)
{
	fa_touch("/tmp/fa_suid");
	UT_SYS(chmod("/tmp/fa_suid", 04755));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_suid") & 07777, 0755);
	UT_SYS(unlink("/tmp/fa_suid"));
}

UTEST(chmod, errors)
{
	UT_ASSERT_ERRNO(chmod("/tmp/fa_none", 0644), ENOENT);
	UT_ASSERT_ERRNO(chmod(NULL, 0644), EFAULT);
	UT_ASSERT_ERRNO(fchmod(-1, 0644), EBADF);
	UT_ASSERT_ERRNO(fchmod(999, 0644), EBADF);
}

/* ---------------------------------------------------------------- mkdir */

UTEST(mkdir, whole_st_mode_as_cp_passes_it)
{
	UT_SYS(mkdir("/tmp/fa_cpdir", S_IFDIR | 0750));
	UT_ASSERT_EQ(fa_mode("/tmp/fa_cpdir"), S_IFDIR | 0750);
	UT_SYS(rmdir("/tmp/fa_cpdir"));
}

/* ---------------------------------------------------------------- times */

UTEST(times, utimensat_sets_the_mtime)
{
	struct timespec ts[2] = { { 1000000000, 0 }, { 1234567890, 5 } };

	fa_touch("/tmp/fa_t");
	UT_SYS(utimensat(AT_FDCWD, "/tmp/fa_t", ts, 0));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_t"), 1234567890);
	ts[1].tv_nsec = UTIME_OMIT;
	UT_SYS(utimensat(AT_FDCWD, "/tmp/fa_t", ts, 0));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_t"), 1234567890);
	UT_SYS(unlink("/tmp/fa_t"));
}

UTEST(times, now_is_now)
{
	struct timespec ts[2] = { { 0, UTIME_OMIT }, { 0, UTIME_NOW } };
	time_t before;

	fa_touch("/tmp/fa_now");
	UT_SYS(utimensat(AT_FDCWD, "/tmp/fa_now", (struct timespec[2]){ { 5, 0 }, { 5, 0 } }, 0));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_now"), 5);
	before = time(NULL);
	UT_SYS(utimensat(AT_FDCWD, "/tmp/fa_now", ts, 0));
	UT_ASSERT(fa_mtime("/tmp/fa_now") >= before && fa_mtime("/tmp/fa_now") <= time(NULL));
	UT_SYS(utimes("/tmp/fa_now", (struct timeval[2]){ { 7, 0 }, { 7, 0 } }));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_now"), 7);
	UT_SYS(utimes("/tmp/fa_now", NULL));
	UT_ASSERT(fa_mtime("/tmp/fa_now") >= before);
	UT_SYS(unlink("/tmp/fa_now"));
}

UTEST(times, futimens_and_utime)
{
	int fd = UT_SYS(open("/tmp/fa_fut", O_CREAT | O_RDWR, 0644));

	UT_SYS(futimens(fd, (struct timespec[2]){ { 9, 0 }, { 99, 0 } }));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_fut"), 99);
	UT_SYS(utime("/tmp/fa_fut", &(struct utimbuf){ .actime = 1, .modtime = 42 }));
	UT_ASSERT_EQ(fa_mtime("/tmp/fa_fut"), 42);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/fa_fut"));
}

UTEST(times, errors)
{
	fa_touch("/tmp/fa_te");
	UT_ASSERT_ERRNO(utimensat(AT_FDCWD, "/tmp/fa_te",
	                          (struct timespec[2]){ { 0, -1 }, { 0, 0 } }, 0), EINVAL);
	UT_ASSERT_ERRNO(utimensat(AT_FDCWD, "/tmp/fa_te",
	                          (struct timespec[2]){ { 0, 0 }, { 0, 1000000000 } }, 0), EINVAL);
	UT_ASSERT_ERRNO(utimensat(AT_FDCWD, "/tmp/fa_te", NULL, 0x4000), EINVAL);
	UT_ASSERT_ERRNO(utimensat(AT_FDCWD, "/tmp/fa_none", NULL, 0), ENOENT);
	UT_ASSERT_ERRNO(futimens(-1, NULL), EBADF);
	UT_ASSERT_ERRNO(utimes("/tmp/fa_te", (struct timeval[2]){ { 0, 1000000 }, { 0, 0 } }),
	                EINVAL);
	UT_SYS(unlink("/tmp/fa_te"));
}

/* ---------------------------------------------------------------- chown */

UTEST(chown, own_owner_accepted_other_refused)
{
	struct stat st;

	fa_touch("/tmp/fa_own");
	UT_SYS(stat("/tmp/fa_own", &st));
	UT_SYS(chown("/tmp/fa_own", st.st_uid, st.st_gid));
	UT_SYS(chown("/tmp/fa_own", (uid_t)-1, (gid_t)-1));
	UT_SYS(lchown("/tmp/fa_own", st.st_uid, (gid_t)-1));
	UT_ASSERT_ERRNO(chown("/tmp/fa_own", st.st_uid + 1, (gid_t)-1), EPERM);
	UT_ASSERT_ERRNO(chown("/tmp/fa_own", (uid_t)-1, st.st_gid + 1), EPERM);
	UT_ASSERT_ERRNO(chown("/tmp/fa_none", 0, 0), ENOENT);
	UT_ASSERT_ERRNO(fchown(-1, 0, 0), EBADF);
	UT_SYS(unlink("/tmp/fa_own"));
}

int main(int argc, char **argv)
{
	return utest_main("libc_fattr", argc, argv);
}
