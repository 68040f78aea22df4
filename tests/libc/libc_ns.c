/* SPDX-License-Identifier: MIT */
/*
 * libc_ns.c - utest suite of the name-space calls from C programs,
 * parlib's vireo_bind / vireo_mount / vireo_unmount (<parlib/ns.h>), each
 * checked with readdir: a bind after and before the target makes a union
 * showing both directories, MREPL shows only the source, unmount of one
 * member or of everything restores the target, a device (#proc) bound on a
 * directory, MCREATE sends creates to its member, mount of a non-9P fd
 * fails loudly.  Errors are in libc_errors.c.  Every test unmounts what it
 * bound and removes /tmp/ns*.  Run by scripts/run-ktests.sh
 * (run_utest libc_ns).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <parlib/ns.h>
#include <utest/utest.h>

static void ln_touch(const char *path)
{
	UT_SYS(close(UT_SYS(open(path, O_WRONLY | O_CREAT, 0644))));
}

static void ln_setup(void)
{
	UT_SYS(mkdir("/tmp/nsa", 0755));
	UT_SYS(mkdir("/tmp/nsb", 0755));
	ln_touch("/tmp/nsa/a1");
	ln_touch("/tmp/nsb/b1");
}

static void ln_teardown(void)
{
	UT_SYS(unlink("/tmp/nsa/a1"));
	UT_SYS(unlink("/tmp/nsb/b1"));
	UT_SYS(rmdir("/tmp/nsa"));
	UT_SYS(rmdir("/tmp/nsb"));
}

UTEST(ns, bind_after_and_before_make_a_union)
{
	ln_setup();
	UT_ASSERT_GE(vireo_bind("/tmp/nsa", "/tmp/nsb", VIREO_MAFTER), 0);
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "a1 b1");
	UT_ASSERT_EQ(access("/tmp/nsb/a1", F_OK), 0);
	UT_SYS(vireo_unmount("/tmp/nsa", "/tmp/nsb"));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	UT_ASSERT_GE(vireo_bind("/tmp/nsa", "/tmp/nsb", VIREO_MBEFORE), 0);
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "a1 b1");
	UT_SYS(vireo_unmount(NULL, "/tmp/nsb"));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	ln_teardown();
}

UTEST(ns, bind_replace_shows_only_the_source)
{
	ln_setup();
	UT_ASSERT_GE(vireo_bind("/tmp/nsa", "/tmp/nsb", VIREO_MREPL), 0);
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "a1");
	UT_ASSERT_ERRNO(access("/tmp/nsb/b1", F_OK), ENOENT);
	UT_SYS(vireo_unmount("/tmp/nsa", "/tmp/nsb"));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	ln_teardown();
}

UTEST(ns, create_goes_to_the_mcreate_member)
{
	ln_setup();
	UT_ASSERT_GE(vireo_bind("/tmp/nsa", "/tmp/nsb", VIREO_MAFTER | VIREO_MCREATE), 0);
	ln_touch("/tmp/nsb/new");
	UT_SYS(vireo_unmount("/tmp/nsa", "/tmp/nsb"));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsa"), "a1 new");
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	UT_SYS(unlink("/tmp/nsa/new"));
	ln_teardown();
}

UTEST(ns, device_bound_on_a_directory)
{
	ln_setup();
	UT_ASSERT_GE(vireo_bind("#proc", "/tmp/nsb", VIREO_MREPL), 0);
	UT_ASSERT_MSG(strstr(utest_dir_names("/tmp/nsb"), "self"), "#proc on /tmp/nsb lists '%s'",
	              utest_dir_names("/tmp/nsb"));
	UT_ASSERT_EQ(access("/tmp/nsb/self/status", R_OK), 0);
	UT_SYS(vireo_unmount(NULL, "/tmp/nsb"));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	ln_teardown();
}

UTEST(ns, mount_of_a_non_9p_fd_fails_loudly)
{
	int p[2];

	ln_setup();
	UT_SYS(pipe(p));
	/* What the kernel reads back instead of an Rversion: not 9P. */
	UT_ASSERT_EQ(write(p[1], "not a 9P server\n", 16), 16);
	errstr_set("");
	errno = 0;
	int r = vireo_mount(p[0], "/tmp/nsb", VIREO_MREPL), e = errno;

	close(p[0]);
	close(p[1]);
	UT_ASSERT_MSG(r == -1 && e != 0 && errstr()[0], "mount of a pipe: %d, %s", r,
	              utest_errdesc(e));
	utest_note("mount of a pipe: %s", utest_errdesc(e));
	UT_ASSERT_STREQ(utest_dir_names("/tmp/nsb"), "b1");
	ln_teardown();
}

int main(int argc, char **argv)
{
	return utest_main("libc_ns", argc, argv);
}
