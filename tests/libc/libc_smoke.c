/* SPDX-License-Identifier: MIT */
/*
 * libc_smoke.c - the first utest built with the C library (musl over the
 * translation layer): stdio through a #tmpfs file and back, the file calls,
 * malloc/free of many sizes, string functions, readdir over /bin, pipes,
 * dup2, the current directory, errno and errstr() on bad input, ENOSYS for
 * an untranslated call, uname, the environment, __thread variables (%fs
 * set through set_fsbase), and the clocks (which
 * either work or fail with ENOSYS while the kernel does not map the global
 * info page, as Documentation/libc.md says).
 * Run by scripts/run-ktests.sh as the first process (run_utest libc_smoke).
 * Every test removes what it creates under /tmp.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <parlib/parlib.h>
#include <parlib/syscall.h>
#include "lutest.h"

LT_TEST(stdio_tmpfs_roundtrip)
{
	char line[64];
	FILE *f = fopen("/tmp/smoke.txt", "w");

	LT_ASSERT_MSG(f, "fopen w: %s (%s)", strerror(errno), errstr());
	for (int i = 0; i < 100; i++)
		LT_ASSERT(fprintf(f, "line %d of %s\n", i, "smoke") > 0);
	LT_ASSERT_EQ(fclose(f), 0);
	f = fopen("/tmp/smoke.txt", "r");
	LT_ASSERT(f);
	for (int i = 0; i < 100; i++) {
		char want[64];

		snprintf(want, sizeof(want), "line %d of smoke\n", i);
		LT_ASSERT_MSG(fgets(line, sizeof(line), f) && !strcmp(line, want),
		              "line %d reads back wrong", i);
	}
	LT_ASSERT(!fgets(line, sizeof(line), f) && feof(f));
	LT_ASSERT_EQ(fseek(f, 5, SEEK_SET), 0);
	LT_ASSERT_EQ(fgetc(f), '0');
	LT_ASSERT_EQ(ftell(f), 6);
	LT_ASSERT_EQ(fclose(f), 0);
	LT_ASSERT_EQ(remove("/tmp/smoke.txt"), 0);
	LT_ASSERT(!fopen("/tmp/smoke.txt", "r") && errno == ENOENT);
}

LT_TEST(file_calls)
{
	struct stat st;
	char buf[128];
	int fd;

	LT_ASSERT_MSG(mkdir("/tmp/sd", 0755) == 0, "mkdir: %s", errstr());
	LT_ASSERT(stat("/tmp/sd", &st) == 0 && S_ISDIR(st.st_mode));
	fd = open("/tmp/sd/f", O_RDWR | O_CREAT | O_EXCL, 0644);
	LT_ASSERT_MSG(fd >= 0, "open: %s", errstr());
	LT_ASSERT(open("/tmp/sd/f", O_RDWR | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);
	memset(buf, 'x', sizeof(buf));
	LT_ASSERT_EQ(write(fd, buf, 100), 100);
	LT_ASSERT(fstat(fd, &st) == 0 && S_ISREG(st.st_mode));
	LT_ASSERT_EQ(st.st_size, 100);
	LT_ASSERT_EQ(lseek(fd, 10, SEEK_SET), 10);
	LT_ASSERT_EQ(read(fd, buf, sizeof(buf)), 90);
	LT_ASSERT_MSG(ftruncate(fd, 7) == 0, "ftruncate: %s", errstr());
	LT_ASSERT(fstat(fd, &st) == 0 && st.st_size == 7);
	LT_ASSERT_EQ((fcntl(fd, F_GETFL) & O_ACCMODE), O_RDWR);
	LT_ASSERT_EQ(close(fd), 0);
	LT_ASSERT_MSG(truncate("/tmp/sd/f", 3) == 0, "truncate: %s", errstr());
	LT_ASSERT(stat("/tmp/sd/f", &st) == 0 && st.st_size == 3);
	LT_ASSERT_EQ(rename("/tmp/sd/f", "/tmp/sd/g"), 0);
	LT_ASSERT(access("/tmp/sd/g", R_OK) == 0);
	LT_ASSERT(access("/tmp/sd/f", F_OK) == -1 && errno == ENOENT);
	LT_ASSERT(rmdir("/tmp/sd") == -1 && errno == ENOTEMPTY);
	LT_ASSERT_EQ(unlink("/tmp/sd/g"), 0);
	LT_ASSERT_EQ(rmdir("/tmp/sd"), 0);
	LT_ASSERT(stat("/tmp/sd", &st) == -1 && errno == ENOENT);
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 7);
}

static int check(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 7))
			return 0;
	return 1;
}

LT_TEST(malloc_many_sizes)
{
	enum { N = 64 };
	unsigned char *p[N];
	size_t sz[N];

	for (int i = 0; i < N; i++) {
		sz[i] = (size_t)1 << (i % 21);
		sz[i] += (size_t)(i * 13);
		p[i] = malloc(sz[i]);
		LT_ASSERT_MSG(p[i], "malloc(%zu) failed", sz[i]);
		fill(p[i], sz[i], (unsigned)i);
	}
	for (int i = 0; i < N; i++)
		LT_ASSERT_MSG(check(p[i], sz[i], (unsigned)i), "block %d (%zu bytes) changed", i, sz[i]);
	for (int i = 0; i < N; i += 2)
		free(p[i]);
	for (int i = 1; i < N; i += 2) {
		p[i] = realloc(p[i], sz[i] * 3);
		LT_ASSERT(p[i] && check(p[i], sz[i], (unsigned)i));
		free(p[i]);
	}
	unsigned char *z = calloc(1000, 1000);

	LT_ASSERT(z);
	for (size_t i = 0; i < 1000 * 1000; i++)
		LT_ASSERT_MSG(!z[i], "calloc byte %zu not zero", i);
	free(z);
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

LT_TEST(strings)
{
	char buf[64], *d;
	int v[] = { 5, -3, 9, 0, 2 };

	LT_ASSERT_EQ(snprintf(buf, sizeof(buf), "%d|%s|%x|%5.2s|%ld", -42, "ab", 255, "xyz",
	                      1234567890123L), 29);
	LT_ASSERT_MSG(!strcmp(buf, "-42|ab|ff|   xy|1234567890123"), "got '%s'", buf);
	LT_ASSERT_EQ(strtol("-0x1f", NULL, 16), -31);
	LT_ASSERT_EQ(strtoul("777", NULL, 8), 511);
	LT_ASSERT(strchr("hello", 'l') == (char *)"hello" + 2 || strchr("hello", 'l')[0] == 'l');
	LT_ASSERT(strstr("haystack", "st") != NULL);
	strcpy(buf, "abcdef");
	memmove(buf + 1, buf, 5);
	LT_ASSERT(!strcmp(buf, "aabcde"));
	qsort(v, 5, sizeof(v[0]), cmp_int);
	LT_ASSERT(v[0] == -3 && v[4] == 9);
	d = strdup("copy");
	LT_ASSERT(d && !strcmp(d, "copy"));
	free(d);
	LT_ASSERT(strncmp("abcd", "abce", 3) == 0 && strcmp("a", "b") < 0);
}

LT_TEST(readdir_test)
{
	DIR *dir = opendir("/test");
	struct dirent *de;
	int n = 0, self = 0, hello = 0;

	LT_ASSERT_MSG(dir, "opendir: %s (%s)", strerror(errno), errstr());
	while ((de = readdir(dir))) {
		n++;
		if (!strcmp(de->d_name, "libc_smoke")) {
			self = 1;
			LT_ASSERT(de->d_type == DT_REG);
		}
		if (!strcmp(de->d_name, "hello_libc"))
			hello = 1;
	}
	LT_ASSERT_EQ(closedir(dir), 0);
	LT_ASSERT_MSG(n >= 2 && self && hello, "%d entries, self %d hello %d", n, self, hello);
	dir = opendir("/tmp/none");
	LT_ASSERT(!dir && errno == ENOENT);
}

LT_TEST(errno_and_errstr)
{
	char buf[4];

	errstr_set("");
	LT_ASSERT(open("/no/such/file", O_RDONLY) == -1);
	LT_ASSERT_EQ(errno, ENOENT);
	LT_ASSERT_MSG(errstr()[0] != '\0', "errstr empty after ENOENT");
	LT_ASSERT(strerror(ENOENT)[0] != '\0');
	LT_ASSERT(close(-1) == -1 && errno == EBADF);
	LT_ASSERT(read(12345, buf, sizeof(buf)) == -1 && errno == EBADF);
	LT_ASSERT(open("/tmp", O_WRONLY) == -1 && errno == EISDIR);
	LT_ASSERT(open("/tmp/x", O_RDONLY | O_SYNC) == -1 && errno == EINVAL);
	LT_ASSERT(lseek(0, 0, 99) == -1);
}

LT_TEST(enosys_is_loud)
{
	char page[64];

	errno = 0;
	LT_ASSERT(madvise(page, sizeof(page), MADV_NORMAL) == -1);
	LT_ASSERT_EQ(errno, ENOSYS);
	LT_ASSERT_MSG(strstr(errstr(), "madvise"), "errstr '%s' does not name madvise", errstr());
	errno = 0;
	LT_ASSERT(syscall(999) == -1 && errno == ENOSYS);
	LT_ASSERT_MSG(strstr(errstr(), "999"), "errstr '%s' does not name 999", errstr());
}

LT_TEST(pipe_roundtrip)
{
	int fds[2];
	char buf[16] = { 0 };

	LT_ASSERT_MSG(pipe(fds) == 0, "pipe: %s", errstr());
	LT_ASSERT_EQ(write(fds[1], "pipe!", 5), 5);
	LT_ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 5);
	LT_ASSERT(!memcmp(buf, "pipe!", 5));
	LT_ASSERT_EQ(close(fds[1]), 0);
	LT_ASSERT_EQ(read(fds[0], buf, sizeof(buf)), 0);
	LT_ASSERT_EQ(close(fds[0]), 0);
}

LT_TEST(dup2_redirects)
{
	char buf[8] = { 0 };
	int fd = open("/tmp/dup.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);

	LT_ASSERT(fd >= 0);
	LT_ASSERT_EQ(dup2(fd, 20), 20);
	LT_ASSERT_EQ(write(20, "dup", 3), 3);
	LT_ASSERT_EQ(close(20), 0);
	LT_ASSERT_EQ(dup2(fd, fd), fd);
	LT_ASSERT(dup2(99, 21) == -1 && errno == EBADF);
	LT_ASSERT_EQ(pread(fd, buf, sizeof(buf), 0), 3);
	LT_ASSERT(!memcmp(buf, "dup", 3));
	int d = dup(fd);

	LT_ASSERT(d >= 0 && d != fd);
	LT_ASSERT_EQ(close(d), 0);
	LT_ASSERT_EQ(close(fd), 0);
	LT_ASSERT_EQ(unlink("/tmp/dup.txt"), 0);
}

LT_TEST(current_directory)
{
	char buf[256], start[256];

	LT_ASSERT(getcwd(start, sizeof(start)));
	LT_ASSERT_MSG(chdir("/tmp") == 0, "chdir: %s", errstr());
	LT_ASSERT(getcwd(buf, sizeof(buf)) && !strcmp(buf, "/tmp"));
	LT_ASSERT(!getcwd(buf, 2) && errno == ERANGE);
	LT_ASSERT(chdir("/no/such") == -1 && errno == ENOENT);
	LT_ASSERT_EQ(chdir(start), 0);
}

LT_TEST(uname_and_environment)
{
	struct utsname u;

	utest_no_leak_check();  /* musl keeps the environ array setenv made */
	LT_ASSERT_EQ(uname(&u), 0);
	LT_ASSERT(!strcmp(u.sysname, "Vireo") && !strcmp(u.machine, "x86_64"));
	LT_ASSERT_EQ(setenv("SMOKE", "yes", 1), 0);
	LT_ASSERT(getenv("SMOKE") && !strcmp(getenv("SMOKE"), "yes"));
	LT_ASSERT_EQ(unsetenv("SMOKE"), 0);
	LT_ASSERT(!getenv("SMOKE"));
}

static int64_t ns_of(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000 + t->tv_nsec;
}

LT_TEST(clocks)
{
	struct timespec a, b, sl = { 0, 20 * 1000 * 1000 };

	if (clock_gettime(CLOCK_MONOTONIC, &a) != 0) {
		/* Documented: ENOSYS until the kernel maps the global info page. */
		printf("note: the global info page is not mapped: clocks are ENOSYS\n");
		LT_ASSERT_MSG(errno == ENOSYS, "clock_gettime: errno %d", errno);
		LT_ASSERT_EQ(nanosleep(&sl, NULL), 0);
		return;
	}
	LT_ASSERT_EQ(nanosleep(&sl, NULL), 0);
	LT_ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
	LT_ASSERT_MSG(ns_of(&b) - ns_of(&a) >= 20 * 1000 * 1000,
	              "slept only %lld ns", (long long)(ns_of(&b) - ns_of(&a)));
	LT_ASSERT_EQ(clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &a), 0);     /* libc_cputime.c */
}

static __thread int tls_counter = 41;
static __thread char tls_buf[32];

/* __thread uses %fs: musl's arch_prctl(ARCH_SET_FS) reached set_fsbase. */
LT_TEST(thread_local_storage)
{
	unsigned long fs = 0;

	tls_counter++;
	strcpy(tls_buf, "tls");
	LT_ASSERT_EQ(tls_counter, 42);
	LT_ASSERT(!strcmp(tls_buf, "tls"));
	__asm__ volatile("movq %%fs:0, %0" : "=r"(fs));
	LT_ASSERT_MSG(fs != 0, "%%fs:0 (the thread pointer) is 0");
}

/* getpid reads procinfo; -ENOSYS (raw, as musl returns it) while unmapped. */
LT_TEST(getpid_from_procinfo)
{
	const struct procinfo *pi = parlib_procinfo();

	if (!pi) {
		printf("note: procinfo is not mapped: getpid is -ENOSYS\n");
		LT_ASSERT_EQ(getpid(), -ENOSYS);
		return;
	}
	LT_ASSERT_EQ(getpid(), pi->pid);
	LT_ASSERT(getpid() >= 1);
	LT_ASSERT_EQ(getppid(), pi->ppid);
}

static const struct lt_test tests[] = {
	LT_ENTRY(thread_local_storage),
	LT_ENTRY(stdio_tmpfs_roundtrip),
	LT_ENTRY(file_calls),
	LT_ENTRY(malloc_many_sizes),
	LT_ENTRY(strings),
	LT_ENTRY(readdir_test),
	LT_ENTRY(errno_and_errstr),
	LT_ENTRY(enosys_is_loud),
	LT_ENTRY(pipe_roundtrip),
	LT_ENTRY(dup2_redirects),
	LT_ENTRY(current_directory),
	LT_ENTRY(uname_and_environment),
	LT_ENTRY(clocks),
	LT_ENTRY(getpid_from_procinfo),
};

int main(int argc, char **argv)
{
	return lt_main("libc_smoke", tests, LT_COUNT(tests), argc, argv);
}
