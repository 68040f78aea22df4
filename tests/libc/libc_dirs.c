/* SPDX-License-Identifier: MIT */
/*
 * libc_dirs.c - utest suites of directory listings and deep directories
 * through the C library on #tmpfs (/tmp).
 *
 * listing: readdir stays exact while the directory changes under it (each
 * entry unlinked right after it is read; entries unlinked and others
 * created meanwhile; a raw getdents64 cursor going on after removals, then
 * lseek back to 0), a symlink with a 4,096-byte target and a 255-byte name
 * listed next to ordinary files, and a getdents64 buffer too small for one
 * entry refused with EINVAL and a reason.
 * deep: a chain of directories whose path passes PATH_MAX: files are made
 * and read by short relative names from the bottom, an fd on the bottom
 * directory works with openat and fchdir, getcwd fails cleanly there
 * (ENAMETOOLONG or ERANGE), and chdir("..") climbs back all the way.
 *
 * Run by scripts/run-ktests.sh (run_utest libc_dirs); every test removes
 * what it creates under /tmp/ld* and goes back to the directory it began in.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <utest/utest.h>

enum { LD_MAX = 300 };

static void ld_touch(const char *dir, const char *prefix, int i)
{
	char path[96];

	snprintf(path, sizeof(path), "%s/%s%03d", dir, prefix, i);
	UT_SYS(close(UT_SYS(open(path, O_WRONLY | O_CREAT | O_EXCL, 0644))));
}

static void ld_unlink(const char *dir, const char *name)
{
	char path[96 + NAME_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	UT_SYS(unlink(path));
}

/* Makes dir holding f000 .. f(n-1). */
static void ld_make_dir(const char *dir, int n)
{
	UT_SYS(mkdir(dir, 0755));
	for (int i = 0; i < n; i++)
		ld_touch(dir, "f", i);
}

/* Index of an "fNNN" name below n, -1 for "." and "..", -2 for anything else. */
static int ld_index(const char *name, const char *prefix, int n)
{
	int i;
	char tail;

	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return -1;
	if (strncmp(name, prefix, strlen(prefix)) ||
	    sscanf(name + strlen(prefix), "%d%c", &i, &tail) != 1 || i < 0 || i >= n)
		return -2;
	return i;
}

/* Removes every entry of dir (plain files only), then dir. */
static void ld_clear(const char *dir)
{
	DIR *d = UT_PTR(opendir(dir));
	struct dirent *de;

	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			ld_unlink(dir, de->d_name);
	UT_SYS(closedir(d));
	d = UT_PTR(opendir(dir));
	while ((de = readdir(d)))
		UT_ASSERT_MSG(ld_index(de->d_name, "", 0) == -1, "'%s' left after a "
		              "listing that removed every entry", de->d_name);
	UT_SYS(closedir(d));
	UT_SYS(rmdir(dir));
}

/* --------------------------------------------------------------- listing */

/* The reported bug: 300 entries, each unlinked once read; 135 were never
 * returned because the cursor was an index into the shrinking list. */
UTEST(listing, unlink_each_entry_after_reading_it)
{
	static unsigned char seen[LD_MAX];
	struct dirent *de;
	int count = 0;
	DIR *d;

	memset(seen, 0, sizeof(seen));
	ld_make_dir("/tmp/ld_unlink", LD_MAX);
	d = UT_PTR(opendir("/tmp/ld_unlink"));
	while ((de = readdir(d))) {
		int i = ld_index(de->d_name, "f", LD_MAX);

		if (i == -1)
			continue;
		UT_ASSERT_MSG(i >= 0, "unexpected entry '%s'", de->d_name);
		UT_ASSERT_MSG(!seen[i]++, "entry '%s' listed twice", de->d_name);
		ld_unlink("/tmp/ld_unlink", de->d_name);
		count++;
	}
	UT_SYS(closedir(d));
	UT_ASSERT_EQ(count, LD_MAX);
	UT_SYS(rmdir("/tmp/ld_unlink"));
}

/* Every second old entry is unlinked when read and a new one is made: each
 * old entry still comes exactly once; a new one may come, but only once. */
UTEST(listing, unlink_and_create_while_listing)
{
	static unsigned char old_seen[LD_MAX], new_seen[LD_MAX];
	int nold = 0, nnew = 0, made = 0;
	struct dirent *de;
	DIR *d;

	memset(old_seen, 0, sizeof(old_seen));
	memset(new_seen, 0, sizeof(new_seen));
	ld_make_dir("/tmp/ld_churn", LD_MAX);
	d = UT_PTR(opendir("/tmp/ld_churn"));
	while ((de = readdir(d))) {
		int i = ld_index(de->d_name, "f", LD_MAX);
		int j = ld_index(de->d_name, "n", LD_MAX);

		if (i == -1)
			continue;
		if (j >= 0) {
			UT_ASSERT_MSG(!new_seen[j]++, "new entry '%s' listed twice", de->d_name);
			nnew++;
			continue;
		}
		UT_ASSERT_MSG(i >= 0, "unexpected entry '%s'", de->d_name);
		UT_ASSERT_MSG(!old_seen[i]++, "entry '%s' listed twice", de->d_name);
		nold++;
		if (i % 2 == 0) {
			ld_unlink("/tmp/ld_churn", de->d_name);
			ld_touch("/tmp/ld_churn", "n", made++);
		}
	}
	UT_SYS(closedir(d));
	UT_ASSERT_EQ(nold, LD_MAX);
	UT_ASSERT_LE(nnew, made);
	utest_note("%d of %d entries made during the listing were listed", nnew, made);
	ld_clear("/tmp/ld_churn");
}

/* Reads one getdents64 batch of at most len bytes from fd; returns the
 * number of "fNNN" entries, unlinking each one if 'unlink'. */
static int ld_batch(int fd, size_t len, unsigned char *seen, bool unlink_them)
{
	static char buf[4096];
	long n = UT_SYS(syscall(SYS_getdents64, fd, buf, len));
	int count = 0;

	for (long off = 0; off < n;) {
		struct dirent *de = (struct dirent *)(buf + off);
		int i = ld_index(de->d_name, "f", LD_MAX);

		off += de->d_reclen;
		if (i == -1)
			continue;
		UT_ASSERT_MSG(i >= 0, "unexpected entry '%s'", de->d_name);
		UT_ASSERT_MSG(!seen[i]++, "entry '%s' listed twice", de->d_name);
		if (unlink_them)
			ld_unlink("/tmp/ld_seek", de->d_name);
		count++;
	}
	return n == 0 ? -1 : count;
}

/* A raw getdents64 cursor goes on after removals, and lseek to 0 starts
 * the listing again with what is left; any other offset is EINVAL. */
UTEST(listing, getdents_cursor_survives_unlink_and_rewinds)
{
	static unsigned char seen[LD_MAX];
	int fd, got, first = 0, total = 0;

	memset(seen, 0, sizeof(seen));
	ld_make_dir("/tmp/ld_seek", 100);
	fd = UT_SYS(open("/tmp/ld_seek", O_RDONLY | O_DIRECTORY));
	for (int k = 0; k < 3 && (got = ld_batch(fd, 512, seen, true)) >= 0; k++)
		first += got;
	while ((got = ld_batch(fd, 512, seen, false)) >= 0)
		total += got;
	UT_ASSERT_EQ(first + total, 100);
	UT_ASSERT_EQ(lseek(fd, 0, SEEK_SET), 0);
	memset(seen, 0, sizeof(seen));
	total = 0;
	while ((got = ld_batch(fd, 4096, seen, false)) >= 0)
		total += got;
	UT_ASSERT_EQ(total, 100 - first);
	UT_ASSERT_ERRNO(lseek(fd, 5, SEEK_SET), EINVAL);
	UT_SYS(close(fd));
	ld_clear("/tmp/ld_seek");
}

/* The listing carries no symlink target, so a link to the longest path a
 * syscall takes lists like any file; readlink still returns all of it. */
UTEST(listing, symlink_with_4096_byte_target_and_255_byte_name)
{
	static char target[4097], back[4200], name[NAME_MAX + 1], path[300];
	int nfiles = 0, nlinks = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	memset(target, 't', 4096);
	target[0] = '/';
	target[4096] = '\0';
	memset(name, 'n', NAME_MAX);
	name[NAME_MAX] = '\0';
	ld_make_dir("/tmp/ld_link", 3);
	UT_SYS(symlink(target, "/tmp/ld_link/link"));
	snprintf(path, sizeof(path), "/tmp/ld_link/%s", name);
	UT_SYS(symlink(target, path));
	d = UT_PTR(opendir("/tmp/ld_link"));
	while ((de = readdir(d))) {
		if (de->d_type == DT_LNK) {
			UT_ASSERT(!strcmp(de->d_name, "link") || !strcmp(de->d_name, name));
			nlinks++;
		} else if (ld_index(de->d_name, "f", 3) >= 0) {
			UT_ASSERT_EQ(de->d_type, DT_REG);
			nfiles++;
		}
	}
	UT_SYS(closedir(d));
	UT_ASSERT_EQ(nfiles, 3);
	UT_ASSERT_EQ(nlinks, 2);
	UT_ASSERT_EQ(readlink(path, back, sizeof(back)), 4096);
	UT_ASSERT_MEMEQ(back, target, 4096);
	UT_SYS(lstat("/tmp/ld_link/link", &st));
	UT_ASSERT(S_ISLNK(st.st_mode));
	UT_ASSERT_EQ(st.st_size, 4096);
	ld_clear("/tmp/ld_link");
}

/* Whole entries only: a buffer too small for the first one is EINVAL with
 * a reason, and the entry is still there for a large enough buffer. */
UTEST(listing, getdents_buffer_too_small_for_one_entry)
{
	static char buf[512];
	int fd;

	ld_make_dir("/tmp/ld_small", 1);
	fd = UT_SYS(open("/tmp/ld_small", O_RDONLY | O_DIRECTORY));
	UT_ASSERT_ERRSTR(syscall(SYS_getdents64, fd, buf, 24), EINVAL, "too small");
	UT_ASSERT_GT(syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0);
	UT_SYS(close(fd));
	ld_clear("/tmp/ld_small");
}

/* ------------------------------------------------------------------ deep */

enum { LD_DEPTH = 20 };         /* 20 names of 250 bytes: a 5,000-byte path */

static void ld_deep_name(char *name)
{
	memset(name, 'd', 250);
	name[250] = '\0';
}

/* From /tmp/ld_deep, LD_DEPTH directories down by relative names; a file
 * is made, written and read at the bottom by its short name. */
static void ld_descend(const char *name)
{
	char buf[8];
	int fd;

	for (int i = 0; i < LD_DEPTH; i++) {
		UT_SYS(mkdir(name, 0755));
		UT_SYS(chdir(name));
	}
	fd = UT_SYS(open("x", O_RDWR | O_CREAT | O_EXCL, 0644));
	UT_ASSERT_EQ(write(fd, "deep", 4), 4);
	UT_SYS(close(fd));
	fd = UT_SYS(open("./x", O_RDONLY));
	UT_ASSERT_EQ(read(fd, buf, sizeof(buf)), 4);
	UT_ASSERT_MEMEQ(buf, "deep", 4);
	UT_SYS(close(fd));
}

/* An fd on the (deep) current directory: listing, openat, fchdir. */
static void ld_deep_dirfd(void)
{
	DIR *d = UT_PTR(opendir("."));
	int n = 0, fd;
	struct dirent *de;

	while ((de = readdir(d)))
		n += !strcmp(de->d_name, "x");
	UT_ASSERT_EQ(n, 1);
	UT_SYS(close(UT_SYS(openat(dirfd(d), "x", O_RDONLY))));
	UT_SYS(chdir("/"));
	UT_SYS(fchdir(dirfd(d)));
	UT_SYS(closedir(d));
	fd = UT_SYS(open("x", O_RDONLY));
	UT_SYS(close(fd));
}

UTEST(deep, relative_names_and_dotdot_past_path_max)
{
	static char name[256], cwd[8192];
	struct stat st;

	ld_deep_name(name);
	UT_SYS(mkdir("/tmp/ld_deep", 0755));
	UT_SYS(chdir("/tmp/ld_deep"));
	ld_descend(name);
	ld_deep_dirfd();
	errno = 0;
	UT_ASSERT(getcwd(cwd, sizeof(cwd)) == NULL);
	UT_ASSERT_MSG(errno == ENAMETOOLONG || errno == ERANGE, "getcwd: %s",
	              utest_errdesc(errno));
	UT_ASSERT_ERRNO(stat("../../x", &st), ENOENT);  /* ".." from the bottom */
	UT_SYS(unlink("x"));
	for (int i = 0; i < LD_DEPTH; i++) {
		UT_SYS(chdir(".."));
		UT_SYS(rmdir(name));
	}
	UT_ASSERT_STREQ(UT_PTR(getcwd(cwd, sizeof(cwd))), "/tmp/ld_deep");
	UT_SYS(chdir("/"));
	UT_SYS(rmdir("/tmp/ld_deep"));
}

int main(int argc, char **argv)
{
	return utest_main("libc_dirs", argc, argv);
}
