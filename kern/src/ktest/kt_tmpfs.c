/* SPDX-License-Identifier: MIT */
/*
 * kt_tmpfs.c - ktests of #tmpfs through the kernel file interface
 * (sysfile.h) and, for lifetimes, through chans directly: each attach is an
 * independent tree; files, directories and symlinks are made, listed,
 * renamed and removed (rmdir and unlink refuse the wrong type); a file
 * removed while open stays readable through its fd; O_REMCLO removes on
 * close; a directory of hundreds of files (the walk cache grows) lists and
 * walks correctly; a symlink with a target longer than the read buffer
 * lists (entries leave targets to stat), and a buffer too small for one
 * entry is EINVAL; a listing read in small pieces stays exact while
 * entries are removed, renamed and made, and rewinds to 0; rename across
 * file systems fails with EXDEV; and the whole tree is freed when its last
 * chan closes (kmalloc objects and chans back to where they were, checked
 * inside the test).
 *
 * Each test binds a private #tmpfs instance on /tmp of a private copy of
 * the kernel's name space (MREPL | MCREATE) with its own FD table
 * (kt_dev.h's kt_ns_env), so nothing it makes is seen outside it and
 * tearing the name space down frees the instance; the teardown checks that
 * no chan or kmalloc object leaked.  Checks live in helpers returning bool.
 */
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

/* Runs fn with a fresh #tmpfs on /tmp of a private name space. */
#define TMPFS_RUN(fn) KT_NS_RUN(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0 && fn())

static bool tmpfs_failed_with(long ret, int e)
{
	if (ret >= 0 || get_errno() != e) {
		printk("kt_tmpfs: expected errno %d, got ret %ld errno %d ('%s')\n", e, ret,
		       get_errno(), get_errstr());
		return false;
	}
	return true;
}

static bool tmpfs_cat_is(const char *path, const char *want)
{
	char buf[128];

	CHECK(kt_dev_cat(path, buf, sizeof(buf)) == (ssize_t)strlen(want));
	CHECK(!strcmp(buf, want));
	return true;
}

/* Creates an empty file (0644) and closes it. */
static bool tmpfs_touch(const char *path)
{
	int fd = syscreate(path, O_WRITE, 0644);

	return fd >= 0 && sysclose(fd) == 0;
}

/* Number of entries in directory path, or -1. */
static int tmpfs_count(const char *path)
{
	static uint8_t buf[4096];
	char strs[512];
	int fd = sysopen(path, O_READ, 0), count = 0;
	ssize_t n;

	if (fd < 0)
		return -1;
	while ((n = sysread(fd, buf, sizeof(buf))) > 0) {
		for (size_t off = 0, len; off < (size_t)n; off += len) {
			struct dir d;

			len = convM2D(buf + off, (size_t)n - off, &d, strs);
			if (!len) {
				count = -1;
				break;
			}
			count++;
		}
	}
	sysclose(fd);
	return n < 0 ? -1 : count;
}

/* ------------------------------------------------------------ tests */

static bool tmpfs_check_tree_ops(void)
{
	CHECK(tmpfs_count("/tmp") == 0);
	CHECK(sysmkdir("/tmp/d", 0755) == 0);
	CHECK(sysmkdir("/tmp/d/e", 0700) == 0);
	CHECK(kt_dev_echo("/tmp/d/e/f", "x") == -1);            /* does not exist */
	CHECK(tmpfs_touch("/tmp/d/e/f"));
	CHECK(kt_dev_echo("/tmp/d/e/f", "deep\n") == 5);
	CHECK(tmpfs_cat_is("/tmp/d/e/f", "deep\n"));
	CHECK(syssymlink("d/e", "/tmp/l") == 0);
	CHECK(tmpfs_cat_is("/tmp/l/f", "deep\n"));
	CHECK(tmpfs_count("/tmp") == 2 && tmpfs_count("/tmp/d/e") == 1);
	CHECK(tmpfs_failed_with(sysremove("/tmp/d"), ENOTEMPTY));
	CHECK(sysrename("/tmp/d/e/f", "/tmp/g") == 0);
	CHECK(tmpfs_cat_is("/tmp/g", "deep\n"));
	CHECK(tmpfs_failed_with(sysopen("/tmp/l/f", O_READ, 0), ENOENT));
	CHECK(tmpfs_failed_with(sysrename("/tmp/g", "/tmp/d"), EISDIR));
	CHECK(tmpfs_failed_with(sysrename("/tmp/d", "/tmp/g"), ENOTDIR));
	CHECK(tmpfs_failed_with(sysopen("/tmp/g", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST));
	CHECK(sysremove("/tmp/d/e") == 0 && sysremove("/tmp/d") == 0);
	CHECK(sysremove("/tmp/l") == 0);
	CHECK(tmpfs_count("/tmp") == 1);
	return true;
}

KTEST(tmpfs, files_dirs_symlinks)
{
	TMPFS_RUN(tmpfs_check_tree_ops);
}

#define TMPFS_LONG_TARGET 8000

/* The link's stat carries all of its target. */
static bool tmpfs_link_target_is(const char *path, const char *target)
{
	size_t n = STATFIXLEN + TMPFS_LONG_TARGET + 512;
	uint8_t *buf = kmalloc(2 * n, MEM_WAIT);
	struct dir d;
	ssize_t got;
	bool ok;

	CHECK(buf);
	got = sysstat(path, buf, n, O_NOFOLLOW);
	ok = got > 0 && convM2D(buf, (size_t)got, &d, (char *)buf + n) == (size_t)got &&
	     !strcmp(d.ext, target);
	kfree(buf);
	return ok;
}

/* A listing carries no symlink target, so a link whose target is longer
 * than the read buffer still lists, in a DIRENT_MAX buffer too. */
static bool tmpfs_check_long_link(void)
{
	char *target = kmalloc(TMPFS_LONG_TARGET + 1, MEM_WAIT);
	uint8_t buf[DIRENT_MAX];
	bool ok;
	int fd;

	CHECK(target);
	memset(target, 't', TMPFS_LONG_TARGET);
	target[TMPFS_LONG_TARGET] = '\0';
	ok = syssymlink(target, "/tmp/l") == 0 && tmpfs_touch("/tmp/f") &&
	     tmpfs_count("/tmp") == 2 && tmpfs_link_target_is("/tmp/l", target);
	kfree(target);
	CHECK(ok);
	fd = sysopen("/tmp", O_READ, 0);
	CHECK(fd >= 0);
	ok = tmpfs_failed_with(sysread(fd, buf, STATFIXLEN), EINVAL) &&
	     sysread(fd, buf, sizeof(buf)) > 0;
	sysclose(fd);
	return ok;
}

KTEST(tmpfs, listing_leaves_out_symlink_targets)
{
	TMPFS_RUN(tmpfs_check_long_link);
}

/* rmdir and unlink check the type on the chan they remove, and say so. */
static bool tmpfs_check_typed_remove(void)
{
	CHECK(sysmkdir("/tmp/d", 0700) == 0);
	CHECK(tmpfs_touch("/tmp/f"));
	CHECK(syssymlink("d", "/tmp/l") == 0);
	CHECK(tmpfs_failed_with(sysrmdir("/tmp/f"), ENOTDIR));
	CHECK(!strcmp(get_errstr(), "rmdir: '/tmp/f' is not a directory"));
	CHECK(tmpfs_failed_with(sysunlink("/tmp/d"), EISDIR));
	CHECK(!strncmp(get_errstr(), "unlink: '/tmp/d' is a directory", 31));
	CHECK(tmpfs_failed_with(sysrmdir("/tmp/none"), ENOENT));
	CHECK(sysunlink("/tmp/l") == 0);                /* the link, not its target */
	CHECK(sysunlink("/tmp/f") == 0 && sysrmdir("/tmp/d") == 0);
	CHECK(tmpfs_count("/tmp") == 0);
	return true;
}

KTEST(tmpfs, rmdir_and_unlink_check_the_type)
{
	TMPFS_RUN(tmpfs_check_typed_remove);
}

static bool tmpfs_check_removed_open(void)
{
	char buf[16];
	int fd, fd2;

	fd = syscreate("/tmp/f", O_RDWR, 0600);
	CHECK(fd >= 0);
	CHECK(syswrite(fd, "still here", 10) == 10);
	CHECK(sysremove("/tmp/f") == 0);
	CHECK(tmpfs_failed_with(sysopen("/tmp/f", O_READ, 0), ENOENT));
	CHECK(syspread(fd, buf, sizeof(buf), 0) == 10 && !memcmp(buf, "still here", 10));
	CHECK(syswrite(fd, "!", 1) == 1);
	CHECK(sysclose(fd) == 0);
	/* O_REMCLO: gone when the fd closes. */
	fd2 = sysopen("/tmp/r", O_RDWR | O_CREAT | O_REMCLO, 0600);
	CHECK(fd2 >= 0);
	CHECK(tmpfs_count("/tmp") == 1);
	CHECK(sysclose(fd2) == 0);
	CHECK(tmpfs_count("/tmp") == 0);
	return true;
}

KTEST(tmpfs, removed_file_lives_until_close)
{
	TMPFS_RUN(tmpfs_check_removed_open);
}

#define TMPFS_MANY 300

static bool tmpfs_check_many(void)
{
	char path[32], want[16];

	CHECK(sysmkdir("/tmp/many", 0755) == 0);
	for (int i = 0; i < TMPFS_MANY; i++) {
		snprintf(path, sizeof(path), "/tmp/many/f%d", i);
		snprintf(want, sizeof(want), "%d\n", i);
		CHECK(tmpfs_touch(path));
		CHECK(kt_dev_echo(path, want) == (ssize_t)strlen(want));
	}
	CHECK(tmpfs_count("/tmp/many") == TMPFS_MANY);
	for (int i = TMPFS_MANY - 1; i >= 0; i -= 7) {
		snprintf(path, sizeof(path), "/tmp/many/f%d", i);
		snprintf(want, sizeof(want), "%d\n", i);
		CHECK(tmpfs_cat_is(path, want));
	}
	for (int i = 0; i < TMPFS_MANY; i++) {
		snprintf(path, sizeof(path), "/tmp/many/f%d", i);
		CHECK(sysremove(path) == 0);
	}
	CHECK(tmpfs_count("/tmp/many") == 0);
	return sysremove("/tmp/many") == 0;
}

KTEST(tmpfs, many_files_walk_cache)
{
	TMPFS_RUN(tmpfs_check_many);
}

#define TMPFS_CHURN 60

struct tmpfs_listing {
	int fd;
	uint8_t seen[TMPFS_CHURN];      /* fN listed */
	int g59, h0;                    /* times the renamed and the new file came */
};

/* One small read of the listing; each fN with N % 3 == 0 is removed once
 * listed.  Returns the bytes read (0 at the end), -1 on a bad entry. */
static ssize_t tmpfs_listing_batch(struct tmpfs_listing *l)
{
	uint8_t buf[200];
	char strs[200], path[32];
	ssize_t n = sysread(l->fd, buf, sizeof(buf));

	for (size_t off = 0, len; n > 0 && off < (size_t)n; off += len) {
		struct dir d;
		uint64_t i;

		len = convM2D(buf + off, (size_t)n - off, &d, strs);
		CHECK(len);
		l->g59 += !strcmp(d.name, "g59");
		l->h0 += !strcmp(d.name, "h0");
		if (d.name[0] != 'f')
			continue;
		CHECK(kstrtou64(d.name + 1, strlen(d.name + 1), 10, &i) == 0);
		CHECK(i < TMPFS_CHURN && !l->seen[i]++);
		snprintf(path, sizeof(path), "/tmp/l/%s", d.name);
		CHECK(i % 3 || sysremove(path) == 0);
	}
	return n;
}

/* Removals, a rename and a create during a listing; then a rewind. */
static bool tmpfs_check_listing_churn(void)
{
	static struct tmpfs_listing l;
	char path[32];
	ssize_t n;
	int listed = 0;

	memset(&l, 0, sizeof(l));
	CHECK(sysmkdir("/tmp/l", 0755) == 0);
	for (int i = 0; i < TMPFS_CHURN; i++) {
		snprintf(path, sizeof(path), "/tmp/l/f%d", i);
		CHECK(tmpfs_touch(path));
	}
	l.fd = sysopen("/tmp/l", O_READ, 0);
	CHECK(l.fd >= 0 && tmpfs_listing_batch(&l) > 0);
	CHECK(sysrename("/tmp/l/f59", "/tmp/l/g59") == 0 && tmpfs_touch("/tmp/l/h0"));
	while ((n = tmpfs_listing_batch(&l)) > 0)
		;
	CHECK(n == 0 && l.g59 == 1 && l.h0 <= 1 && !l.seen[59]);
	for (int i = 0; i < TMPFS_CHURN - 1; i++)
		listed += l.seen[i];
	CHECK(listed == TMPFS_CHURN - 1);
	CHECK(sysseek(l.fd, 0, SEEK_SET) == 0);
	CHECK(tmpfs_failed_with(sysseek(l.fd, 1, SEEK_SET), EINVAL));
	CHECK(sysclose(l.fd) == 0);
	/* 20 fN removed, f59 renamed to g59, h0 made. */
	return tmpfs_count("/tmp/l") == TMPFS_CHURN - 20 + 1;
}

/* The listing cursor is the last child's sequence number, so removals
 * during a listing skip nothing (an index skipped one entry per removal). */
KTEST(tmpfs, listing_survives_removal_rename_create)
{
	TMPFS_RUN(tmpfs_check_listing_churn);
}

static bool tmpfs_check_exdev(void)
{
	CHECK(kt_dev_echo("/tmp/x", "") == -1);
	CHECK(tmpfs_touch("/tmp/x"));
	CHECK(tmpfs_failed_with(sysrename("/tmp/x", "/kt_tmpfs_x"), EXDEV));
	CHECK(tmpfs_cat_is("/tmp/x", ""));
	return true;
}

KTEST(tmpfs, rename_across_file_systems)
{
	TMPFS_RUN(tmpfs_check_exdev);
}

/* Whether a walk of 'name' from c finds a file (a failed walk raises). */
static bool tmpfs_walk_finds(struct chan *c, const char *name)
{
	ERRSTACK(1);
	struct walkqid *wq;
	bool found;

	if (waserror())
		return false;
	wq = devtab_of(c)->walk(c, NULL, &name, 1);
	poperror();
	found = wq->clone != NULL;
	cclose(wq->clone);
	kfree(wq);
	return found;
}

/* Two attaches, written through chans: separate trees, and everything
 * freed at the last close, even with a file chan outliving the root chan. */
static bool tmpfs_check_lifetime(void)
{
	ERRSTACK(1);
	struct chan *volatile a = NULL, *volatile b = NULL, *volatile f = NULL;
	char buf[8];

	if (waserror()) {
		printk("kt_tmpfs: %s\n", get_errstr());
		cclose(a);
		cclose(b);
		cclose(f);
		return false;
	}
	a = namec("#tmpfs", NAMEC_ACCESS, 0, 0, NULL);
	b = namec("#tmpfs", NAMEC_ACCESS, 0, 0, NULL);
	f = cclone(a);
	devtab_of(f)->create(f, "file", O_RDWR, 0644, "");
	devtab_of(f)->write(f, "abc", 3, 0);
	poperror();
	CHECK(a->dev != b->dev && f->dev == a->dev);
	CHECK(!tmpfs_walk_finds(b, "file"));
	CHECK(tmpfs_walk_finds(a, "file"));
	cclose(a);                      /* f keeps a's tree alive */
	cclose(b);                      /* b's tree: freed now */
	CHECK(devtab_of(f)->read(f, buf, sizeof(buf), 0) == 3 && !memcmp(buf, "abc", 3));
	cclose(f);                      /* the last chan of a's tree: freed */
	return true;
}

KTEST(tmpfs, freed_on_last_close)
{
	struct kt_ns_env t;
	bool ok, noleak;

	kt_ns_env_begin(&t);
	ok = tmpfs_check_lifetime();
	noleak = kt_ns_env_end(&t);
	KT_ASSERT_MSG(ok, "tmpfs_check_lifetime failed");
	KT_ASSERT_MSG(noleak, "a tmpfs tree was not freed on its last close");
}

/* Binding a tmpfs holds it; unmounting drops the last chan, and with it
 * every object the bind and the files in the instance made. */
static bool tmpfs_check_unmount_frees(void)
{
	int64_t trees = tree_fs_nr_live(), chans;
	size_t objs;

	CHECK(sysmkdir("/tmp/mnt", 0755) == 0);
	chans = chan_nr_live();
	objs = kt_kmalloc_objs();
	CHECK(sysbind("#tmpfs", "/tmp/mnt", MREPL | MCREATE) >= 0);
	CHECK(tree_fs_nr_live() == trees + 1);
	CHECK(kt_dev_echo("/tmp/mnt/x", "") == -1);
	CHECK(tmpfs_touch("/tmp/mnt/x"));
	CHECK(kt_dev_echo("/tmp/mnt/x", "0123456789") == 10);
	CHECK(tmpfs_count("/tmp/mnt") == 1 && tmpfs_count("/tmp") == 1);
	CHECK(sysunmount(NULL, "/tmp/mnt") == 0);
	CHECK(tree_fs_nr_live() == trees);      /* the instance is gone */
	CHECK(chan_nr_live() == chans);
	CHECK(kt_kmalloc_objs() == objs);       /* and nothing else stayed */
	CHECK(tmpfs_count("/tmp/mnt") == 0);
	CHECK(sysremove("/tmp/mnt") == 0);
	return true;
}

KTEST(tmpfs, unmount_frees_instance)
{
	TMPFS_RUN(tmpfs_check_unmount_frees);
}

/* A wstat that changes only what the caller set (Plan 9 "don't touch"). */
static ssize_t tmpfs_wstat(const char *path, const char *name, uint32_t mode,
                           int64_t length)
{
	uint8_t buf[STATFIXLEN + MAX_NAME_LEN + 8];
	struct dir d;
	size_t n;

	memset(&d, 0xff, sizeof(d));
	d.name = name;
	d.uid = d.gid = d.muid = d.ext = "";
	d.mode = mode;
	d.length = length;
	n = convD2M(&d, buf, sizeof(buf));
	return n ? syswstat(path, buf, n) : -1;
}

static bool tmpfs_check_wstat(void)
{
	uint8_t buf[256];
	char strs[256];
	struct dir d;
	ssize_t n;

	CHECK(tmpfs_touch("/tmp/w"));
	CHECK(kt_dev_echo("/tmp/w", "0123456789") == 10);
	CHECK(tmpfs_wstat("/tmp/w", "", 0600, -1) > 0);
	CHECK(tmpfs_wstat("/tmp/w", "renamed", 0xffffffffu, 4) > 0);
	CHECK(tmpfs_failed_with(sysopen("/tmp/w", O_READ, 0), ENOENT));
	CHECK(tmpfs_cat_is("/tmp/renamed", "0123"));
	n = sysstat("/tmp/renamed", buf, sizeof(buf), 0);
	CHECK(n > 0 && convM2D(buf, (size_t)n, &d, strs) == (size_t)n);
	CHECK((d.mode & 0777) == 0600 && d.length == 4 && !strcmp(d.name, "renamed"));
	CHECK(tmpfs_failed_with(tmpfs_wstat("/tmp/renamed", "", DMDIR | 0755, -1), EINVAL));
	CHECK(tmpfs_failed_with(tmpfs_wstat("/tmp/renamed", "a/b", 0xffffffffu, -1), EINVAL));
	CHECK(tmpfs_wstat("/tmp/renamed", "", 0400, -1) > 0);
	CHECK(tmpfs_failed_with(sysopen("/tmp/renamed", O_WRITE, 0), EACCES));
	CHECK(sysremove("/tmp/renamed") == 0);
	return true;
}

KTEST(tmpfs, wstat_mode_length_name)
{
	TMPFS_RUN(tmpfs_check_wstat);
}
