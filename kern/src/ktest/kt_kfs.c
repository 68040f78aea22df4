/* SPDX-License-Identifier: MIT */
/*
 * kt_kfs.c - ktests of #kfs, the root file system, through the kernel file
 * interface (sysfile.h): the initramfs files (initramfs/ in the repository,
 * packed into obj/initramfs.cpio and booted as the first module) read back
 * byte for byte, directory listings, symlinks followed and not followed,
 * and the writable side: create, write with holes, append, truncate both
 * ways, rename, remove; the errors (remove of a non-empty directory,
 * O_EXCL on an existing file, write to a read-only file or through a
 * read-only fd, a directory opened for writing, a walk through a file, a
 * directory moved into itself).  The loader is also fed hostile archives
 * directly (tree_fs_load_cpio on a fresh tree): the valid entries before
 * the bad spot stay, ".." paths and device files are skipped.
 *
 * Each test runs with a private FD table and a copy of the kernel's name
 * space (kt_dev.h's kt_ns_env), and checks that no chan or kmalloc object
 * leaked.  Every
 * file a test makes is removed before it ends.  Checks live in helpers
 * returning bool so that a failure still tears down.
 */
#include <boot.h>
#include <cpio.h>
#include <errno.h>
#include <fdtable.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ktest.h>
#include <ninep.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>
#include <tree_file.h>

#include "kt_dev.h"

#define CHECK(c) KT_CHECK(c)

#define KFS_RUN(fn) KT_NS_RUN(fn())

/* ------------------------------------------------------------ helpers */

static bool kfs_cat_is(const char *path, const char *want)
{
	char buf[128];

	CHECK(kt_dev_cat(path, buf, sizeof(buf)) == (ssize_t)strlen(want));
	if (strcmp(buf, want)) {
		printk("kt_kfs: %s holds '%s', want '%s'\n", path, buf, want);
		return false;
	}
	return true;
}

/* Reads all of path (binary) into buf; the byte count or -1. */
static ssize_t kfs_slurp(const char *path, char *buf, size_t n)
{
	int fd = sysopen(path, O_READ, 0);
	ssize_t got = 0, r = 0;

	if (fd < 0)
		return -1;
	while (got < (ssize_t)n && (r = sysread(fd, buf + got, n - (size_t)got)) > 0)
		got += r;
	sysclose(fd);
	return r < 0 ? -1 : got;
}

/* True if the call failed with errno e. */
static bool kfs_failed_with(long ret, int e)
{
	if (ret >= 0 || get_errno() != e) {
		printk("kt_kfs: expected errno %d, got ret %ld errno %d ('%s')\n", e, ret,
		       get_errno(), get_errstr());
		return false;
	}
	return true;
}

/* The names in directory path, space-separated and sorted by arrival, in out. */
static bool kfs_list(const char *path, char *out, size_t outlen)
{
	static uint8_t buf[2048];
	char strs[512];
	int fd = sysopen(path, O_READ, 0);
	ssize_t n;

	CHECK(fd >= 0);
	out[0] = '\0';
	while ((n = sysread(fd, buf, sizeof(buf))) > 0) {
		for (size_t off = 0; off < (size_t)n;) {
			struct dir d;
			size_t len = convM2D(buf + off, (size_t)n - off, &d, strs);

			if (!len) {
				sysclose(fd);
				CHECK(!"malformed directory entry");
			}
			strlcpy(out + strlen(out), d.name, outlen - strlen(out));
			strlcpy(out + strlen(out), " ", outlen - strlen(out));
			off += len;
		}
	}
	sysclose(fd);
	CHECK(n == 0);
	return true;
}

/* stat of path (not following a final symlink if nofollow) into d/strs. */
static bool kfs_stat(const char *path, bool nofollow, struct dir *d, char *strs)
{
	uint8_t buf[512];
	ssize_t n = sysstat(path, buf, sizeof(buf), nofollow ? O_NOFOLLOW : 0);

	CHECK(n > 0);
	CHECK(convM2D(buf, (size_t)n, d, strs) == (size_t)n);
	return true;
}

/* --------------------------------------------------- the initramfs */

static bool kfs_check_initramfs(void)
{
	if (boot_info.nr_modules < 1) {
		printk("kt_kfs: no boot module: boot with -initrd obj/initramfs.cpio\n");
		return false;
	}
	CHECK(kfs_cat_is("/etc/motd", "Welcome to Vireo.\n"));
	CHECK(kfs_cat_is("#kfs/etc/motd", "Welcome to Vireo.\n"));
	CHECK(kfs_cat_is("/etc/hostname", "vireo\n"));
	CHECK(kfs_cat_is("/lib/test/nested/deep.txt", "a file three levels down\n"));
	CHECK(kfs_failed_with(sysopen("/etc/no-such-file", O_READ, 0), ENOENT));
	return true;
}

KTEST(kfs, initramfs_files)
{
	KFS_RUN(kfs_check_initramfs);
}

static bool kfs_check_listing(void)
{
	char names[256];
	struct dir d;
	char strs[512];

	CHECK(kfs_list("#kfs/etc", names, sizeof(names)));
	CHECK(!strcmp(names, "hostname hosts issue motd profile rc "));
	CHECK(kfs_list("#kfs/lib/test", names, sizeof(names)));
	CHECK(!strcmp(names, "dirlink nested "));
	CHECK(kfs_stat("/etc/motd", false, &d, strs));
	CHECK(d.length == 18 && !(d.mode & DMDIR) && (d.mode & 0777) == 0644);
	CHECK(kfs_stat("#kfs/lib", false, &d, strs));
	CHECK((d.mode & DMDIR) && (d.qid.type & QTDIR));
	return true;
}

KTEST(kfs, directory_listing)
{
	KFS_RUN(kfs_check_listing);
}

static bool kfs_check_symlinks(void)
{
	struct dir d;
	char strs[512];

	CHECK(kfs_cat_is("/etc/issue", "Welcome to Vireo.\n"));
	CHECK(kfs_cat_is("/lib/test/dirlink/deep.txt", "a file three levels down\n"));
	CHECK(kfs_stat("/etc/issue", true, &d, strs));
	CHECK((d.mode & DMSYMLINK) && !strcmp(d.ext, "motd"));
	CHECK(kfs_stat("/etc/issue", false, &d, strs));
	CHECK(!(d.mode & DMSYMLINK) && d.length == 18);
	CHECK(kfs_failed_with(sysopen("/etc/issue", O_READ | O_NOFOLLOW, 0), ELOOP));
	/* A new link, made at run time. */
	CHECK(syssymlink("etc/hostname", "/kt_kfs_link") == 0);
	CHECK(kfs_cat_is("/kt_kfs_link", "vireo\n"));
	CHECK(kfs_failed_with(syssymlink("x", "/kt_kfs_link"), EEXIST));
	CHECK(sysremove("/kt_kfs_link") == 0);
	CHECK(kfs_cat_is("/etc/hostname", "vireo\n"));        /* not the target */
	return true;
}

KTEST(kfs, symlinks)
{
	KFS_RUN(kfs_check_symlinks);
}

/* ------------------------------------------------------ writable side */

static bool kfs_check_write_paths(void)
{
	char buf[64];
	int fd = syscreate("/kt_kfs_file", O_RDWR, 0644);

	CHECK(fd >= 0);
	CHECK(syswrite(fd, "hello", 5) == 5);
	CHECK(syspwrite(fd, "world", 5, 10) == 5);              /* a hole at 5..9 */
	CHECK(syspread(fd, buf, sizeof(buf), 0) == 15);
	CHECK(!memcmp(buf, "hello\0\0\0\0\0world", 15));
	CHECK(sysclose(fd) == 0);
	fd = sysopen("/kt_kfs_file", O_WRITE | O_APPEND, 0);
	CHECK(fd >= 0);
	CHECK(syswrite(fd, "!", 1) == 1);
	CHECK(sysclose(fd) == 0);
	CHECK(kfs_slurp("/kt_kfs_file", buf, sizeof(buf)) == 16 && buf[15] == '!');
	CHECK(systruncate("/kt_kfs_file", 3) == 0);
	CHECK(kfs_cat_is("/kt_kfs_file", "hel"));
	CHECK(systruncate("/kt_kfs_file", 8) == 0);
	CHECK(kfs_slurp("/kt_kfs_file", buf, sizeof(buf)) == 8);
	CHECK(!memcmp(buf, "hel\0\0\0\0\0", 8));
	fd = sysopen("/kt_kfs_file", O_WRITE | O_TRUNC, 0);
	CHECK(fd >= 0 && sysclose(fd) == 0);
	CHECK(kfs_slurp("/kt_kfs_file", buf, sizeof(buf)) == 0);
	return true;
}

static bool kfs_check_rename_remove(void)
{
	CHECK(kt_dev_echo("/kt_kfs_file", "data\n") == 5);
	CHECK(sysmkdir("/kt_kfs_dir", 0755) == 0);
	CHECK(sysrename("/kt_kfs_file", "/kt_kfs_dir/moved") == 0);
	CHECK(kfs_failed_with(sysopen("/kt_kfs_file", O_READ, 0), ENOENT));
	CHECK(kfs_cat_is("/kt_kfs_dir/moved", "data\n"));
	CHECK(sysrename("/kt_kfs_dir/moved", "/kt_kfs_dir/again") == 0);
	CHECK(kfs_cat_is("/kt_kfs_dir/again", "data\n"));
	CHECK(kfs_failed_with(sysremove("/kt_kfs_dir"), ENOTEMPTY));
	CHECK(kfs_failed_with(sysrename("/kt_kfs_dir", "/kt_kfs_dir/inner"), EINVAL));
	CHECK(sysremove("/kt_kfs_dir/again") == 0);
	CHECK(sysremove("/kt_kfs_dir") == 0);
	CHECK(kfs_failed_with(sysopen("/kt_kfs_dir", O_READ, 0), ENOENT));
	return true;
}

static bool kfs_check_writable(void)
{
	bool ok = kfs_check_write_paths() && kfs_check_rename_remove();

	sysremove("/kt_kfs_file");
	return ok;
}

KTEST(kfs, create_write_truncate_rename_remove)
{
	KFS_RUN(kfs_check_writable);
}

static bool kfs_check_error_cases(void)
{
	int fd;

	CHECK(sysmkdir("/kt_kfs_e", 0755) == 0);
	fd = syscreate("/kt_kfs_e/f", O_WRITE, 0644);
	CHECK(fd >= 0 && sysclose(fd) == 0);
	CHECK(kfs_failed_with(sysopen("/kt_kfs_e/f", O_WRITE | O_CREAT | O_EXCL, 0644), EEXIST));
	CHECK(kfs_failed_with(sysremove("/kt_kfs_e"), ENOTEMPTY));
	CHECK(kfs_failed_with(sysopen("/kt_kfs_e", O_WRITE, 0), EISDIR));
	CHECK(kfs_failed_with(sysopen("/kt_kfs_e/f/below", O_READ, 0), ENOTDIR));
	fd = syscreate("/kt_kfs_e/ro", O_READ, 0444);
	CHECK(fd >= 0 && sysclose(fd) == 0);
	CHECK(kfs_failed_with(sysopen("/kt_kfs_e/ro", O_WRITE, 0), EACCES));
	fd = sysopen("/kt_kfs_e/f", O_READ, 0);
	CHECK(fd >= 0);
	CHECK(kfs_failed_with(syswrite(fd, "x", 1), EBADF));
	CHECK(sysclose(fd) == 0);
	CHECK(kfs_failed_with(sysremove("#kfs"), EBUSY));
	return true;
}

static bool kfs_check_errors(void)
{
	bool ok = kfs_check_error_cases();

	sysremove("/kt_kfs_e/ro");
	sysremove("/kt_kfs_e/f");
	sysremove("/kt_kfs_e");
	return ok;
}

KTEST(kfs, errors)
{
	KFS_RUN(kfs_check_errors);
}

/* ------------------------------------------------ loader, hostile input */

struct kfs_ar {
	uint8_t buf[1024];
	size_t len;
};

static void kfs_ar_add(struct kfs_ar *a, uint32_t mode, const char *name, const char *data)
{
	size_t nlen = strlen(name) + 1, dlen = data ? strlen(data) : 0;

	snprintf((char *)a->buf + a->len, CPIO_HDR_LEN + 1,
	         "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
	         1u, mode, 0u, 0u, 1u, 1000u, dlen, 0u, 0u, 0u, 0u, nlen, 0u);
	a->len += CPIO_HDR_LEN;
	memcpy(a->buf + a->len, name, nlen);
	a->len += nlen;
	while (a->len % 4)
		a->buf[a->len++] = 0;
	if (dlen)
		memcpy(a->buf + a->len, data, dlen);
	a->len += dlen;
	while (a->len % 4)
		a->buf[a->len++] = 0;
}

/* Reads the file a (or a/b) of the tree into buf; -1 if absent. */
static ssize_t kfs_tree_cat(struct tree_fs *tfs, const char *a, const char *b,
                            char *buf, size_t n)
{
	struct tree_file *d = NULL, *f = tree_file_lookup(tfs->root, a);
	ssize_t r = -1;

	if (f && b) {
		d = f;
		f = tree_file_lookup(d, b);
	}
	if (f && !(f->mode & DMDIR))
		r = (ssize_t)tree_file_read(f, buf, n - 1, 0);
	if (r >= 0)
		buf[r] = '\0';
	tree_file_put(f);
	tree_file_put(d);
	return r;
}

static bool kfs_check_hostile(void)
{
	static struct kfs_ar a;
	struct tree_fs *tfs = tree_fs_create("eve");
	char buf[32];
	size_t good_end;
	int ret;

	a.len = 0;
	kfs_ar_add(&a, CPIO_S_IFREG | 0644, "./ok", "fine\n");
	kfs_ar_add(&a, CPIO_S_IFREG | 0644, "d/../../escape", "bad");   /* skipped */
	kfs_ar_add(&a, CPIO_S_IFCHR | 0600, "dev", NULL);                /* skipped */
	kfs_ar_add(&a, CPIO_S_IFREG | 0600, "/made/parent", "p");         /* dir made */
	good_end = a.len;
	kfs_ar_add(&a, CPIO_S_IFREG | 0644, "late", "never");
	memcpy(a.buf + good_end + 6, "zzzzzzzz", 8);                      /* bad ino */
	ret = tree_fs_load_cpio(tfs, a.buf, a.len, "kt_kfs: hostile");
	CHECK(ret == -EBADMSG);
	CHECK(kfs_tree_cat(tfs, "ok", NULL, buf, sizeof(buf)) == 5 && !strcmp(buf, "fine\n"));
	CHECK(kfs_tree_cat(tfs, "made", "parent", buf, sizeof(buf)) == 1);
	CHECK(kfs_tree_cat(tfs, "escape", NULL, buf, sizeof(buf)) == -1);
	CHECK(kfs_tree_cat(tfs, "dev", NULL, buf, sizeof(buf)) == -1);
	CHECK(kfs_tree_cat(tfs, "late", NULL, buf, sizeof(buf)) == -1);
	CHECK(tfs->nr_files == 4);      /* root, ok, made, made/parent */
	/* Truncated: the header of the 'late' entry is cut in half. */
	ret = tree_fs_load_cpio(tfs, a.buf, good_end + 50, "kt_kfs: truncated");
	CHECK(ret == -EBADMSG);
	tree_fs_put(tfs);
	return true;
}

KTEST(kfs, malformed_archive_keeps_valid_entries)
{
	KFS_RUN(kfs_check_hostile);
}
