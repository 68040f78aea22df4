/* SPDX-License-Identifier: MIT */
/*
 * libc_files.c - utest suites of stdio and file I/O through the C library
 * on #tmpfs (/tmp): stdio (fopen/fwrite/fread/fseek/ftell, modes, line
 * reads), fileio (open/read/write/lseek with holes, pread/pwrite leave the
 * offset, ftruncate/truncate growing and shrinking, rename over a file,
 * unlink), dirs (mkdir/rmdir, readdir of many names in any order, rewinddir,
 * a file renamed between directories).  Errors of each call are in
 * libc_errors.c.  Run by scripts/run-ktests.sh (run_utest libc_files); every
 * test removes what it creates under /tmp/lf*.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utest/utest.h>

static unsigned char lf_buf[3 * 4096 + 123], lf_back[sizeof(lf_buf)];

static void lf_fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 8));
}

static off_t lf_size(const char *path)
{
	struct stat st;

	UT_SYS(stat(path, &st));
	return st.st_size;
}

/* ---------------------------------------------------------------- stdio */

UTEST(stdio, fwrite_fread_fseek_ftell)
{
	FILE *f = UT_PTR(fopen("/tmp/lf_stdio", "w+"));

	lf_fill(lf_buf, sizeof(lf_buf), 1);
	UT_ASSERT_EQ(fwrite(lf_buf, 1, sizeof(lf_buf), f), sizeof(lf_buf));
	UT_ASSERT_EQ(ftell(f), sizeof(lf_buf));
	UT_ASSERT_EQ(fseek(f, 100, SEEK_SET), 0);
	UT_ASSERT_EQ(fread(lf_back, 1, 50, f), 50);
	UT_ASSERT_MEMEQ(lf_back, lf_buf + 100, 50);
	UT_ASSERT_EQ(ftell(f), 150);
	UT_ASSERT_EQ(fseek(f, -10, SEEK_END), 0);
	UT_ASSERT_EQ(fread(lf_back, 1, 100, f), 10);
	UT_ASSERT(feof(f));
	rewind(f);
	UT_ASSERT_EQ(fread(lf_back, 1, sizeof(lf_back), f), sizeof(lf_buf));
	UT_ASSERT_MEMEQ(lf_back, lf_buf, sizeof(lf_buf));
	UT_ASSERT_EQ(fclose(f), 0);
	UT_ASSERT_EQ(lf_size("/tmp/lf_stdio"), sizeof(lf_buf));
	UT_SYS(unlink("/tmp/lf_stdio"));
}

UTEST(stdio, append_and_update_modes)
{
	char line[32];
	FILE *f = UT_PTR(fopen("/tmp/lf_modes", "w"));

	UT_ASSERT(fputs("one\n", f) >= 0);
	UT_ASSERT_EQ(fclose(f), 0);
	f = UT_PTR(fopen("/tmp/lf_modes", "a"));
	UT_ASSERT(fprintf(f, "two\n") == 4);
	UT_ASSERT_EQ(fclose(f), 0);
	f = UT_PTR(fopen("/tmp/lf_modes", "r+"));
	UT_ASSERT(fgets(line, sizeof(line), f));
	UT_ASSERT_STREQ(line, "one\n");
	UT_ASSERT_EQ(fseek(f, 0, SEEK_CUR), 0);
	UT_ASSERT(fputs("TWO\n", f) >= 0);
	UT_ASSERT_EQ(fclose(f), 0);
	f = UT_PTR(fopen("/tmp/lf_modes", "r"));
	UT_ASSERT(fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f));
	UT_ASSERT_STREQ(line, "TWO\n");
	UT_ASSERT(!fgets(line, sizeof(line), f));
	UT_ASSERT_EQ(fclose(f), 0);
	UT_SYS(unlink("/tmp/lf_modes"));
}

UTEST(stdio, getline_over_long_lines)
{
	FILE *f = UT_PTR(fopen("/tmp/lf_lines", "w"));
	char *line = NULL;
	size_t cap = 0;
	int n = 0;

	for (int i = 0; i < 20; i++) {
		for (int j = 0; j < i * 50; j++)
			fputc('a' + i, f);
		fputc('\n', f);
	}
	UT_ASSERT_EQ(fclose(f), 0);
	f = UT_PTR(fopen("/tmp/lf_lines", "r"));
	for (ssize_t len; (len = getline(&line, &cap, f)) >= 0; n++)
		UT_ASSERT_MSG(len == n * 50 + 1 && (n == 0 || line[0] == 'a' + n),
		              "line %d: %zd bytes", n, len);
	free(line);
	UT_ASSERT_EQ(n, 20);
	UT_ASSERT_EQ(fclose(f), 0);
	UT_SYS(unlink("/tmp/lf_lines"));
}

/* --------------------------------------------------------------- fileio */

UTEST(fileio, write_lseek_read_and_holes)
{
	int fd = UT_SYS(open("/tmp/lf_io", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char z[100];

	lf_fill(lf_buf, sizeof(lf_buf), 2);
	UT_ASSERT_EQ(write(fd, lf_buf, sizeof(lf_buf)), sizeof(lf_buf));
	UT_ASSERT_EQ(lseek(fd, 0, SEEK_CUR), sizeof(lf_buf));
	UT_ASSERT_EQ(lseek(fd, 4096, SEEK_SET), 4096);
	UT_ASSERT_EQ(read(fd, lf_back, 4096), 4096);
	UT_ASSERT_MEMEQ(lf_back, lf_buf + 4096, 4096);
	UT_ASSERT_EQ(lseek(fd, 1000, SEEK_END), sizeof(lf_buf) + 1000);
	UT_ASSERT_EQ(write(fd, "end", 3), 3);
	UT_ASSERT_EQ(pread(fd, z, sizeof(z), sizeof(lf_buf)), 100);
	for (int i = 0; i < 100; i++)
		UT_ASSERT_MSG(!z[i], "hole byte %d is %d", i, z[i]);
	UT_ASSERT_EQ(lseek(fd, -3, SEEK_END), sizeof(lf_buf) + 1000);
	UT_ASSERT_EQ(read(fd, z, sizeof(z)), 3);
	UT_ASSERT_MEMEQ(z, "end", 3);
	UT_ASSERT_EQ(read(fd, z, sizeof(z)), 0);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lf_io"));
}

UTEST(fileio, pread_pwrite_keep_the_offset)
{
	int fd = UT_SYS(open("/tmp/lf_p", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char b[8] = { 0 };

	UT_ASSERT_EQ(write(fd, "0123456789", 10), 10);
	UT_ASSERT_EQ(lseek(fd, 2, SEEK_SET), 2);
	UT_ASSERT_EQ(pwrite(fd, "AB", 2, 7), 2);
	UT_ASSERT_EQ(pread(fd, b, 4, 6), 4);
	UT_ASSERT_STREQ(b, "6AB9");
	UT_ASSERT_EQ(lseek(fd, 0, SEEK_CUR), 2);
	UT_ASSERT_EQ(read(fd, b, 2), 2);
	UT_ASSERT_MEMEQ(b, "23", 2);
	UT_ASSERT_EQ(pwrite(fd, "Z", 1, 20), 1);
	UT_ASSERT_EQ(lf_size("/tmp/lf_p"), 21);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lf_p"));
}

UTEST(fileio, truncate_shrinks_and_grows)
{
	int fd = UT_SYS(open("/tmp/lf_t", O_RDWR | O_CREAT | O_TRUNC, 0644));
	char b[16];

	lf_fill(lf_buf, sizeof(lf_buf), 3);
	UT_ASSERT_EQ(write(fd, lf_buf, sizeof(lf_buf)), sizeof(lf_buf));
	UT_SYS(ftruncate(fd, 5000));
	UT_ASSERT_EQ(lf_size("/tmp/lf_t"), 5000);
	UT_SYS(ftruncate(fd, 9000));
	UT_ASSERT_EQ(pread(fd, b, sizeof(b), 5000), sizeof(b));
	for (size_t i = 0; i < sizeof(b); i++)
		UT_ASSERT_MSG(!b[i], "byte %zu past the old end is %d", 5000 + i, b[i]);
	UT_ASSERT_EQ(pread(fd, lf_back, 5000, 0), 5000);
	UT_ASSERT_MEMEQ(lf_back, lf_buf, 5000);
	UT_SYS(close(fd));
	UT_SYS(truncate("/tmp/lf_t", 0));
	UT_ASSERT_EQ(lf_size("/tmp/lf_t"), 0);
	UT_SYS(unlink("/tmp/lf_t"));
}

UTEST(fileio, rename_replaces_the_target)
{
	int fd = UT_SYS(open("/tmp/lf_a", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	char b[8] = { 0 };

	UT_ASSERT_EQ(write(fd, "new", 3), 3);
	UT_SYS(close(fd));
	fd = UT_SYS(open("/tmp/lf_b", O_WRONLY | O_CREAT | O_TRUNC, 0644));
	UT_ASSERT_EQ(write(fd, "old-data", 8), 8);
	UT_SYS(close(fd));
	UT_SYS(rename("/tmp/lf_a", "/tmp/lf_b"));
	UT_ASSERT_ERRNO(access("/tmp/lf_a", F_OK), ENOENT);
	fd = UT_SYS(open("/tmp/lf_b", O_RDONLY));
	UT_ASSERT_EQ(read(fd, b, sizeof(b)), 3);
	UT_ASSERT_STREQ(b, "new");
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lf_b"));
	UT_ASSERT_ERRNO(unlink("/tmp/lf_b"), ENOENT);
}

/* ----------------------------------------------------------------- dirs */

enum { LF_NFILES = 40 };

static void lf_make_files(const char *dir, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%02d", dir, i);
		UT_SYS(close(UT_SYS(open(path, O_WRONLY | O_CREAT, 0644))));
	}
}

static void lf_remove_files(const char *dir, int n)
{
	char path[64];

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/f%02d", dir, i);
		UT_SYS(unlink(path));
	}
}

/* Reads dir; every fNN must appear once, nothing else but . and ..; returns
 * how many names it saw. */
static int lf_scan(DIR *d, int n)
{
	unsigned char seen[LF_NFILES] = { 0 };
	struct dirent *de;
	int count = 0;

	while ((de = readdir(d))) {
		int i;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		UT_ASSERT_MSG(sscanf(de->d_name, "f%d", &i) == 1 && i >= 0 && i < n,
		              "unexpected entry '%s'", de->d_name);
		UT_ASSERT_MSG(!seen[i]++, "entry '%s' listed twice", de->d_name);
		UT_ASSERT_EQ(de->d_type, DT_REG);
		count++;
	}
	return count;
}

UTEST(dirs, readdir_lists_every_name_once)
{
	DIR *d;

	UT_SYS(mkdir("/tmp/lf_dir", 0755));
	lf_make_files("/tmp/lf_dir", LF_NFILES);
	d = UT_PTR(opendir("/tmp/lf_dir"));
	UT_ASSERT_EQ(lf_scan(d, LF_NFILES), LF_NFILES);
	rewinddir(d);
	UT_ASSERT_EQ(lf_scan(d, LF_NFILES), LF_NFILES);
	UT_SYS(closedir(d));
	lf_remove_files("/tmp/lf_dir", LF_NFILES / 2);
	d = UT_PTR(opendir("/tmp/lf_dir"));
	UT_ASSERT_EQ(lf_scan(d, LF_NFILES), LF_NFILES - LF_NFILES / 2);
	UT_SYS(closedir(d));
	for (int i = LF_NFILES / 2; i < LF_NFILES; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/tmp/lf_dir/f%02d", i);
		UT_SYS(unlink(path));
	}
	UT_SYS(rmdir("/tmp/lf_dir"));
}

UTEST(dirs, mkdir_nested_rename_rmdir)
{
	struct stat st;
	DIR *d;

	UT_SYS(mkdir("/tmp/lf_d1", 0755));
	UT_SYS(mkdir("/tmp/lf_d1/sub", 0700));
	UT_SYS(stat("/tmp/lf_d1/sub", &st));
	UT_ASSERT(S_ISDIR(st.st_mode));
	lf_make_files("/tmp/lf_d1/sub", 1);
	UT_SYS(mkdir("/tmp/lf_d2", 0755));
	UT_SYS(rename("/tmp/lf_d1/sub/f00", "/tmp/lf_d2/f00"));
	d = UT_PTR(opendir("/tmp/lf_d1/sub"));
	UT_ASSERT_EQ(lf_scan(d, 1), 0);
	UT_SYS(closedir(d));
	d = UT_PTR(opendir("/tmp/lf_d2"));
	UT_ASSERT_EQ(lf_scan(d, 1), 1);
	UT_SYS(closedir(d));
	UT_ASSERT_ERRNO(rmdir("/tmp/lf_d1"), ENOTEMPTY);
	UT_SYS(rmdir("/tmp/lf_d1/sub"));
	UT_SYS(rmdir("/tmp/lf_d1"));
	lf_remove_files("/tmp/lf_d2", 1);
	UT_SYS(rmdir("/tmp/lf_d2"));
	UT_ASSERT_ERRNO(stat("/tmp/lf_d1", &st), ENOENT);
}

int main(int argc, char **argv)
{
	return utest_main("libc_files", argc, argv);
}
