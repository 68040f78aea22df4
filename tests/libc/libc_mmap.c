/* SPDX-License-Identifier: MIT */
/*
 * libc_mmap.c - utest suites of mmap through the C library: file
 * (MAP_SHARED stores seen by read() once unmapped or after msync, whose
 * bad flags, alignment and holes are refused, write() seen by a page
 * filled after it,
 * MAP_PRIVATE stores that never reach the file) and anon (a 32 MiB mapping
 * touched page by page, a munmap hole in its middle leaving both sides,
 * mprotect to read-only then a store in a forked child, which must be
 * killed; skipped with a note while fork is ENOSYS).  Errors are in
 * libc_errors.c.  Run by scripts/run-ktests.sh (run_utest libc_mmap).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utest/utest.h>

#define LM_PAGE 4096

static int lm_file(const char *path, size_t len, char fill)
{
	static char page[LM_PAGE];
	int fd = UT_SYS(open(path, O_RDWR | O_CREAT | O_TRUNC, 0644));

	memset(page, fill, sizeof(page));
	for (size_t off = 0; off < len; off += sizeof(page))
		UT_ASSERT_EQ(write(fd, page, sizeof(page)), sizeof(page));
	return fd;
}

/* Documentation/address-spaces.md: the page cache is not coherent with
 * read/write; a shared mapping's stores reach the file when unmapped, and
 * a page filled after a write() sees it. */
UTEST(file, shared_stores_reach_the_file)
{
	int fd = lm_file("/tmp/lm_shared", 3 * LM_PAGE, 'a');
	char *m = mmap(NULL, 3 * LM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char b[8] = { 0 };

	UT_ASSERT_MSG(m != MAP_FAILED, "mmap: %s", utest_errdesc(errno));
	UT_ASSERT_EQ(pwrite(fd, "via-write", 9, 100), 9);
	UT_ASSERT_MEMEQ(m + 100, "via-write", 9);
	UT_ASSERT_EQ(m[LM_PAGE + 5], 'a');
	memcpy(m + LM_PAGE + 5, "shared", 6);
	m[3 * LM_PAGE - 1] = 'Z';
	UT_SYS(munmap(m, 3 * LM_PAGE));
	UT_ASSERT_EQ(pread(fd, b, 6, LM_PAGE + 5), 6);
	UT_ASSERT_STREQ(b, "shared");
	UT_ASSERT_EQ(pread(fd, b, 1, 3 * LM_PAGE - 1), 1);
	UT_ASSERT_EQ(b[0], 'Z');
	UT_ASSERT_EQ(lseek(fd, 0, SEEK_END), 3 * LM_PAGE);
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lm_shared"));
}

/* msync writes a shared mapping's stores back while it stays mapped; bad
 * flags, an unaligned start and a hole are refused as on Linux. */
UTEST(file, msync_writes_back_while_mapped)
{
	int fd = lm_file("/tmp/lm_msync", 2 * LM_PAGE, 'a');
	char *m = mmap(NULL, 2 * LM_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char b[8] = { 0 };

	UT_ASSERT_MSG(m != MAP_FAILED, "mmap: %s", utest_errdesc(errno));
	memcpy(m + LM_PAGE + 7, "synced", 6);
	UT_SYS(msync(m, 2 * LM_PAGE, MS_SYNC));
	UT_ASSERT_EQ(pread(fd, b, 6, LM_PAGE + 7), 6);
	UT_ASSERT_STREQ(b, "synced");
	memcpy(m + 9, "again", 5);              /* the PTE dirties anew */
	UT_SYS(msync(m, LM_PAGE, MS_ASYNC | MS_INVALIDATE));
	UT_ASSERT_EQ(pread(fd, b, 5, 9), 5);
	UT_ASSERT_MEMEQ(b, "again", 5);
	UT_ASSERT_ERRNO(msync(m, LM_PAGE, MS_SYNC | MS_ASYNC), EINVAL);
	UT_ASSERT_ERRNO(msync(m, LM_PAGE, 0x100), EINVAL);
	UT_ASSERT_ERRNO(msync(m + 1, LM_PAGE, MS_SYNC), EINVAL);
	UT_SYS(munmap(m + LM_PAGE, LM_PAGE));
	UT_ASSERT_ERRNO(msync(m, 2 * LM_PAGE, MS_SYNC), ENOMEM);
	UT_SYS(munmap(m, LM_PAGE));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lm_msync"));
}

UTEST(file, private_stores_stay_private)
{
	int fd = lm_file("/tmp/lm_priv", 2 * LM_PAGE, 'p');
	char *m = mmap(NULL, 2 * LM_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	char c;

	UT_ASSERT_MSG(m != MAP_FAILED, "mmap: %s", utest_errdesc(errno));
	memset(m, 'q', 2 * LM_PAGE);
	UT_ASSERT_EQ(pread(fd, &c, 1, LM_PAGE + 1), 1);
	UT_ASSERT_EQ(c, 'p');
	UT_ASSERT_EQ(m[LM_PAGE + 1], 'q');
	UT_SYS(munmap(m, 2 * LM_PAGE));
	m = mmap(NULL, LM_PAGE, PROT_READ, MAP_PRIVATE, fd, LM_PAGE);
	UT_ASSERT_MSG(m != MAP_FAILED, "mmap at offset: %s", utest_errdesc(errno));
	UT_ASSERT_EQ(m[0], 'p');
	UT_SYS(munmap(m, LM_PAGE));
	UT_SYS(close(fd));
	UT_SYS(unlink("/tmp/lm_priv"));
}

/* ----------------------------------------------------------------- anon */

#define LM_BIG (32u << 20)

UTEST(anon, big_mapping_zeroed_and_writable)
{
	unsigned char *m = mmap(NULL, LM_BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	                        -1, 0);

	UT_ASSERT_MSG(m != MAP_FAILED, "mmap 32 MiB: %s", utest_errdesc(errno));
	for (size_t off = 0; off < LM_BIG; off += LM_PAGE) {
		UT_ASSERT_MSG(m[off] == 0 && m[off + LM_PAGE - 1] == 0, "page at %zu not zero", off);
		m[off] = (unsigned char)(off >> 12);
	}
	for (size_t off = 0; off < LM_BIG; off += LM_PAGE)
		UT_ASSERT_EQ(m[off], (unsigned char)(off >> 12));
	UT_SYS(munmap(m, LM_BIG));
}

UTEST(anon, munmap_hole_keeps_both_sides)
{
	char *m = mmap(NULL, 16 * LM_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
	               -1, 0), *again;

	UT_ASSERT(m != MAP_FAILED);
	memset(m, 'h', 16 * LM_PAGE);
	UT_SYS(munmap(m + 4 * LM_PAGE, 8 * LM_PAGE));
	UT_ASSERT_EQ(m[4 * LM_PAGE - 1], 'h');
	UT_ASSERT_EQ(m[12 * LM_PAGE], 'h');
	again = mmap(m + 4 * LM_PAGE, 8 * LM_PAGE, PROT_READ | PROT_WRITE,
	             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	UT_ASSERT_MSG(again == m + 4 * LM_PAGE, "MAP_FIXED into the hole: %p, %s", (void *)again,
	              utest_errdesc(errno));
	UT_ASSERT_EQ(again[0], 0);
	UT_SYS(munmap(m, 16 * LM_PAGE));
}

UTEST(anon, mprotect_read_only_store_kills_a_child)
{
	char *m = mmap(NULL, LM_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int status = 0;
	pid_t pid;

	UT_ASSERT(m != MAP_FAILED);
	m[0] = 'w';
	UT_SYS(mprotect(m, LM_PAGE, PROT_READ));
	UT_ASSERT_EQ(m[0], 'w');
	pid = fork();
	if (pid < 0 && errno == ENOSYS) {
		munmap(m, LM_PAGE);
		utest_skip("NOTE: fork is ENOSYS in the C library: the store is not tried");
	}
	UT_ASSERT_MSG(pid >= 0, "fork: %s", utest_errdesc(errno));
	if (pid == 0) {
		*(volatile char *)m = 'x';
		_exit(0);       /* survived the store: the parent fails */
	}
	UT_ASSERT_EQ(waitpid(pid, &status, 0), pid);
	UT_ASSERT_MSG(!(WIFEXITED(status) && WEXITSTATUS(status) == 0),
	              "the child stored into a read-only page and exited 0 (status %#x)", status);
	UT_ASSERT_MSG(WIFSIGNALED(status), "child status %#x is not a kill", status);
	UT_ASSERT_EQ(m[0], 'w');
	UT_SYS(munmap(m, LM_PAGE));
}

int main(int argc, char **argv)
{
	return utest_main("libc_mmap", argc, argv);
}
