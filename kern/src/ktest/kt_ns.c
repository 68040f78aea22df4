/* SPDX-License-Identifier: MIT */
/*
 * kt_ns.c - ktests of the name space core through the kernel file
 * interface (sysfile.h): walk/open/read on #root, #template and every
 * device present; path errors (too long, NUL inside, empty, unknown
 * device, walk through a file, ".." at the root); bind in each mode with
 * the union order seen by walks and directory reads; unmount of one member
 * and of all; create in unions (MCREATE); symlinks and O_NOFOLLOW;
 * fd2path, chdir, openat; a cwd whose name passes MAX_PATH_LEN.
 *
 * Each test runs in a private name space (a copy of the kernel's) and a
 * private FD table (kt_dev.h's kt_ns_env), whose teardown checks that live
 * chans and kmalloc objects are back to where they started; bind/unmount
 * tests also check kmalloc objects right after the unmount.  Checks live in
 * helpers returning bool (KT_ASSERT returns from the test, which would skip
 * the teardown).
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

#include "kt_dev.h"

#define CHECK(c) KT_CHECK(c)

/* Runs fn in a private name space; fails the test on a failed check or leak. */
#define NS_RUN(fn) KT_NS_RUN(fn())

static bool has_substr(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (!strncmp(s, sub, n))
			return true;
	return false;
}

/* open(path) fails with errno e. */
static bool open_fails(const char *path, int omode, int e)
{
	int fd = sysopen(path, omode, 0);

	if (fd >= 0) {
		sysclose(fd);
		printk("kt_ns: open '%s' succeeded, want errno %d\n", path, e);
		return false;
	}
	if (get_errno() != e)
		printk("kt_ns: open '%s': errno %d '%s', want %d\n", path, get_errno(),
		       get_errstr(), e);
	return get_errno() == e;
}

static bool read_is(const char *path, const char *want)
{
	char buf[64];
	int fd = sysopen(path, O_READ, 0);
	ssize_t n;

	CHECK(fd >= 0);
	n = sysread(fd, buf, sizeof(buf) - 1);
	sysclose(fd);
	CHECK(n >= 0);
	buf[n] = '\0';
	if (strcmp(buf, want))
		printk("kt_ns: '%s' reads '%s', want '%s'\n", path, buf, want);
	return !strcmp(buf, want);
}

static bool fd_path_is(int fd, const char *want)
{
	char buf[128];

	CHECK(sysfd2path(fd, buf, sizeof(buf)) == 0);
	if (strcmp(buf, want))
		printk("kt_ns: fd2path '%s', want '%s'\n", buf, want);
	return !strcmp(buf, want);
}

/* Reads the directory at path; its names joined by ' ' into out. */
static bool dir_names(const char *path, char *out, size_t outlen)
{
	uint8_t *buf = kmalloc(1024, MEM_WAIT);
	int fd = sysopen(path, O_READ, 0);
	ssize_t n;

	out[0] = '\0';
	CHECK(buf && fd >= 0);
	while ((n = sysread(fd, buf, 1024)) > 0) {
		for (size_t off = 0; off < (size_t)n;) {
			char strs[256];
			struct dir d;
			size_t m = convM2D(buf + off, (size_t)n - off, &d, strs);

			CHECK(m > 0);
			if (out[0])
				strlcpy(out + strlen(out), " ", outlen - strlen(out));
			strlcpy(out + strlen(out), d.name, outlen - strlen(out));
			off += m;
		}
	}
	sysclose(fd);
	kfree(buf);
	CHECK(n == 0);
	return true;
}

static bool names_are(const char *path, const char *want)
{
	char got[256];

	CHECK(dir_names(path, got, sizeof(got)));
	if (strcmp(got, want))
		printk("kt_ns: '%s' lists '%s', want '%s'\n", path, got, want);
	return !strcmp(got, want);
}

/* ---------------------------------------------------------------- walks */

static bool t_root_dir(void)
{
	char got[256];

	CHECK(names_are("#root", "bin dev env etc lib mnt net proc srv tmp"));
	CHECK(names_are("#root/mnt", ""));
	/* #root/dev is the mount point of /dev here: its own entries first. */
	CHECK(dir_names("#root/dev", got, sizeof(got)) && !strncmp(got, "mqueue shm", 10));
	CHECK(names_are("#root/dev/shm", ""));
	CHECK(open_fails("#root/mnt/x", O_READ, ENOENT));
	CHECK(open_fails("#root/dev/shm/x", O_READ, ENOENT));
	CHECK(open_fails("#root", O_WRITE, EISDIR));
	return true;
}

/* The boot name space: a tmpfs of its own on /dev/shm (files made there
 * are not in /tmp) and #mqueue on /dev/mqueue. */
static bool t_boot_dev_mounts(void)
{
	int fd = sysopen("/dev/shm/kt_ns_shm", O_RDWR | O_CREAT | O_EXCL, 0600);

	CHECK(fd >= 0);
	sysclose(fd);
	CHECK(open_fails("/tmp/kt_ns_shm", O_READ, ENOENT));
	CHECK(sysremove("/dev/shm/kt_ns_shm") == 0);
	fd = sysopen("/dev/mqueue/kt_ns_mq", O_RDWR | O_CREAT | O_EXCL, 0600);
	CHECK(fd >= 0);
	sysclose(fd);
	fd = sysopen("#mqueue/kt_ns_mq", O_RDWR, 0);
	CHECK(fd >= 0);
	sysclose(fd);
	CHECK(sysremove("/dev/mqueue/kt_ns_mq") == 0);
	return true;
}

KTEST(ns, boot_dev_shm_and_mqueue)
{
	NS_RUN(t_boot_dev_mounts);
}

KTEST(ns, root_lists_its_mount_points)
{
	NS_RUN(t_root_dir);
}

static bool t_template_files(void)
{
	int fd;
	char buf[16];

	CHECK(read_is("#template/hello", "hello, world\n"));
	CHECK(names_are("#template", "ctl data hello link"));
	fd = sysopen("#template/ctl", O_WRITE, 0);
	CHECK(fd >= 0);
	CHECK(syswrite(fd, "fill z 5\n", 9) == 9);
	CHECK(syswrite(fd, "frobnicate", 10) == -1 && get_errno() == EINVAL);
	CHECK(has_substr(get_errstr(), "frobnicate"));
	CHECK(syswrite(fd, "fill z 999", 10) == -1 && get_errno() == EINVAL);
	sysclose(fd);
	CHECK(read_is("#template/data", "zzzzz"));
	fd = sysopen("#template/data", O_RDWR, 0);
	CHECK(fd >= 0);
	CHECK(syspwrite(fd, "AB", 2, 1) == 2);
	CHECK(syspread(fd, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "zABzz", 5));
	CHECK(sysseek(fd, 3, SEEK_SET) == 3);
	CHECK(sysread(fd, buf, 2) == 2 && !memcmp(buf, "zz", 2));
	CHECK(sysseek(fd, 0, SEEK_END) == 5);
	sysclose(fd);
	fd = sysopen("#template/ctl", O_WRITE, 0);
	CHECK(fd >= 0 && syswrite(fd, "reset", 5) == 5);
	sysclose(fd);
	return true;
}

KTEST(ns, template_read_write_ctl)
{
	NS_RUN(t_template_files);
}

static bool t_path_errors(void)
{
	char *long_path = kmalloc(MAX_PATH_LEN + 2, MEM_WAIT);

	CHECK(long_path);
	memset(long_path, 'a', MAX_PATH_LEN + 1);
	for (int i = 1; i < MAX_PATH_LEN; i += 2)
		long_path[i] = '/';
	long_path[MAX_PATH_LEN + 1] = '\0';
	CHECK(open_fails(long_path, O_READ, ENAMETOOLONG));
	memset(long_path, 'b', MAX_NAME_LEN + 2);
	long_path[0] = '/';                     /* then 256 bytes of name */
	long_path[MAX_NAME_LEN + 2] = '\0';
	CHECK(open_fails(long_path, O_READ, ENAMETOOLONG));
	kfree(long_path);
	CHECK(sysopenat_n(AT_FDCWD, "#template\0/hello", 16, O_READ, 0) == -1);
	CHECK(get_errno() == EINVAL);
	CHECK(open_fails("", O_READ, ENOENT));
	CHECK(open_fails("#nosuchdevice/x", O_READ, ENODEV));
	CHECK(open_fails("#template/nope", O_READ, ENOENT));
	CHECK(open_fails("#template/hello/x", O_READ, ENOTDIR));
	CHECK(open_fails("#template/hello", O_WRITE, EACCES));
	CHECK(open_fails("#template/hello", O_READ | O_DIRECTORY, ENOTDIR));
	CHECK(open_fails("#template/hello", O_READ | 0x40000000, EINVAL));
	CHECK(sysread(1000, NULL, 0) == -1 && get_errno() == EBADF);
	return true;
}

KTEST(ns, path_errors)
{
	NS_RUN(t_path_errors);
}

static bool t_dotdot(void)
{
	int fd = sysopen("/../../..", O_READ, 0);

	CHECK(fd >= 0 && fd_path_is(fd, "/"));
	sysclose(fd);
	fd = sysopen("#template/../../hello", O_READ, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "#template/hello"));
	sysclose(fd);
	fd = sysopen("/mnt/../mnt/./", O_READ, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "/mnt"));
	sysclose(fd);
	return true;
}

KTEST(ns, dotdot_never_climbs_above_the_root)
{
	NS_RUN(t_dotdot);
}

static bool t_every_device(void)
{
	for (int i = 0; i < devtab_count(); i++) {
		char path[40];
		uint8_t st[256];
		ssize_t n;

		if (!strcmp(devtab_start[i].name, "mnt"))
			continue;       /* #mnt's attach takes a 9P chan, not a name */
		snprintf(path, sizeof(path), "#%s", devtab_start[i].name);
		n = sysstat(path, st, sizeof(st), 0);
		if (n <= 0)
			printk("kt_ns: stat '%s': %s\n", path, get_errstr());
		CHECK(n > 0 && statcheck(st, (size_t)n) == 0);
	}
	return true;
}

KTEST(ns, every_device_attaches_and_stats)
{
	NS_RUN(t_every_device);
}

/* ---------------------------------------------------------------- binds */

static bool t_bind_repl(void)
{
	size_t objs;
	int fd;

	CHECK(open_fails("/mnt/hello", O_READ, ENOENT));
	objs = kt_kmalloc_objs();
	CHECK(sysbind("#template", "/mnt", MREPL) >= 0);
	fd = sysopen("/mnt/hello", O_READ, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "/mnt/hello"));
	sysclose(fd);
	CHECK(names_are("/mnt", "ctl data hello link"));
	CHECK(read_is("/mnt/hello/../hello", "hello, world\n"));
	CHECK(sysunmount("#template", "/mnt") == 0);
	CHECK(kt_kmalloc_objs() == objs);       /* mount, mhead, chans: all gone */
	CHECK(open_fails("/mnt/hello", O_READ, ENOENT));
	CHECK(sysunmount("#template", "/mnt") == -1 && get_errno() == EINVAL);
	return true;
}

KTEST(ns, bind_replace_and_unmount)
{
	NS_RUN(t_bind_repl);
}

static bool t_union_order(void)
{
	size_t objs = kt_kmalloc_objs();

	CHECK(sysbind("#template", "/mnt", MAFTER) >= 0);
	/* the first MAFTER keeps /mnt's own (empty) directory in front */
	CHECK(names_are("/mnt", "ctl data hello link"));
	CHECK(sysbind("#root/etc", "/mnt", MBEFORE) >= 0);
	CHECK(sysbind("#root", "/mnt", MBEFORE) >= 0);
	CHECK(names_are("/mnt", "bin dev env etc lib mnt net proc srv tmp ctl data hello link"));
	CHECK(read_is("/mnt/hello", "hello, world\n"));     /* found in member 3 */
	CHECK(names_are("/mnt/lib", ""));                   /* found in member 1 */
	CHECK(sysunmount("#root", "/mnt") == 0);
	CHECK(names_are("/mnt", "ctl data hello link"));
	CHECK(sysunmount("#root", "/mnt") == -1 && get_errno() == ENOENT);
	CHECK(sysbind("#root", "/mnt", MAFTER) >= 0);
	CHECK(names_are("/mnt", "ctl data hello link bin dev env etc lib mnt net proc srv tmp"));
	CHECK(sysunmount(NULL, "/mnt") == 0);
	CHECK(kt_kmalloc_objs() == objs);
	CHECK(names_are("/mnt", ""));
	return true;
}

KTEST(ns, union_order_before_after)
{
	NS_RUN(t_union_order);
}

static bool t_bind_errors(void)
{
	int fd;

	CHECK(sysbind("#template/hello", "/mnt", MREPL) == -1 && get_errno() == ENOTDIR);
	CHECK(sysbind("#template", "/mnt", MBEFORE | MAFTER) == -1 && get_errno() == EINVAL);
	CHECK(sysbind("#template", "/mnt", 0x100) == -1 && get_errno() == EINVAL);
	CHECK(sysbind("#template/nope", "/mnt", MREPL) == -1 && get_errno() == ENOENT);
	/* mount (#mnt): EBADF for an fd that is not open, and for one open only
	 * for reading (a 9P server's chan must go both ways) */
	CHECK(sysmount(99, -1, "/mnt", MREPL, "") == -1 && get_errno() == EBADF);
	fd = sysopen("#template/hello", O_READ, 0);
	CHECK(fd >= 0);
	CHECK(sysmount(fd, -1, "/mnt", MREPL, "") == -1 && get_errno() == EBADF &&
	      has_substr(get_errstr(), "reading and writing"));
	CHECK(sysclose(fd) == 0);
	/* a file on a file works, and reads through */
	CHECK(sysbind("#template", "/mnt", MREPL) >= 0);
	CHECK(sysbind("#template/hello", "/mnt/data", MREPL) >= 0);
	CHECK(read_is("/mnt/data", "hello, world\n"));
	/* mounts belong to the file, so the device path sees it too */
	CHECK(read_is("#template/data", "hello, world\n"));
	return true;
}

KTEST(ns, bind_errors_and_files)
{
	NS_RUN(t_bind_errors);
}

static bool t_create_in_union(void)
{
	int fd;

	CHECK(sysbind("#template", "/mnt", MREPL) >= 0);
	/* no MCREATE member: refused */
	fd = syscreate("/mnt/newfile", O_RDWR, 0644);
	CHECK(fd == -1 && get_errno() == EPERM);
	/* MCREATE on #template: its create refuses with EPERM naming the device */
	CHECK(sysbind("#template", "/mnt", MREPL | MCREATE) >= 0);
	fd = syscreate("/mnt/newfile", O_RDWR, 0644);
	CHECK(fd == -1 && get_errno() == EPERM && has_substr(get_errstr(), "#template"));
	/* an existing file with O_EXCL */
	fd = sysopen("/mnt/hello", O_READ | O_CREAT | O_EXCL, 0644);
	CHECK(fd == -1 && get_errno() == EEXIST);
	/* an existing file without it: opened */
	fd = sysopen("/mnt/hello", O_READ | O_CREAT, 0644);
	CHECK(fd >= 0);
	sysclose(fd);
	return true;
}

KTEST(ns, create_goes_to_the_mcreate_member)
{
	NS_RUN(t_create_in_union);
}

/* With #tmpfs present: creates land in the MCREATE member of a union. */
static bool t_create_tmpfs(void)
{
	int fd;

	if (devno("tmpfs") < 0)
		return true;
	CHECK(sysbind("#template", "/mnt", MREPL) >= 0);
	CHECK(sysbind("#tmpfs", "/mnt", MAFTER | MCREATE) >= 0);
	fd = syscreate("/mnt/made", O_RDWR, 0644);
	CHECK(fd >= 0);
	CHECK(syswrite(fd, "x", 1) == 1);
	sysclose(fd);
	CHECK(read_is("/mnt/made", "x"));
	CHECK(sysremove("/mnt/made") == 0);
	return true;
}

KTEST(ns, create_in_union_with_tmpfs)
{
	NS_RUN(t_create_tmpfs);
}

/* ------------------------------------------------------- symlinks, dirs */

static bool t_symlinks(void)
{
	uint8_t st[256];
	char strs[256];
	struct dir d;
	ssize_t n;
	int fd;

	CHECK(read_is("#template/link", "hello, world\n"));
	CHECK(open_fails("#template/link", O_READ | O_NOFOLLOW, ELOOP));
	fd = sysopen("#template/link", O_PATH | O_NOFOLLOW, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "#template/link"));
	sysclose(fd);
	n = sysstat("#template/link", st, sizeof(st), O_NOFOLLOW);
	CHECK(n > 0 && convM2D(st, (size_t)n, &d, strs) == (size_t)n);
	CHECK((d.mode & DMSYMLINK) && !strcmp(d.ext, "hello"));
	n = sysstat("#template/link", st, sizeof(st), 0);
	CHECK(n > 0 && convM2D(st, (size_t)n, &d, strs) == (size_t)n);
	CHECK(!(d.mode & DMSYMLINK) && !strcmp(d.name, "hello"));
	CHECK(sysbind("#template", "/mnt", MREPL) >= 0);
	fd = sysopen("/mnt/link", O_READ, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "/mnt/hello"));
	sysclose(fd);
	return true;
}

KTEST(ns, symlinks_and_nofollow)
{
	NS_RUN(t_symlinks);
}

static bool t_chdir_openat(void)
{
	char cwd[64];
	int dfd, fd;

	CHECK(syschdir(NULL, "#template") == 0);
	CHECK(sysgetcwd(cwd, sizeof(cwd)) == 0 && !strcmp(cwd, "#template"));
	CHECK(read_is("hello", "hello, world\n"));
	CHECK(read_is("./../hello", "hello, world\n"));
	CHECK(syschdir(NULL, "hello") == -1 && get_errno() == ENOTDIR);
	CHECK(sysgetcwd(cwd, 3) == -1 && get_errno() == ENAMETOOLONG);
	CHECK(syschdir(NULL, "/") == 0);
	dfd = sysopen("#template", O_PATH, 0);
	CHECK(dfd >= 0);
	fd = sysopenat(dfd, "hello", O_READ, 0);
	CHECK(fd >= 0 && fd_path_is(fd, "#template/hello"));
	sysclose(fd);
	CHECK(sysopenat(dfd, "nope", O_READ, 0) == -1 && get_errno() == ENOENT);
	CHECK(sysopenat(77, "hello", O_READ, 0) == -1 && get_errno() == EBADF);
	sysclose(dfd);
	return true;
}

KTEST(ns, chdir_getcwd_openat)
{
	NS_RUN(t_chdir_openat);
}

#define KTNS_DEPTH 20           /* 20 names of 250 bytes: past MAX_PATH_LEN */

/* At the bottom of the chain: a relative symlink up one level, an open
 * directory fd for openat, a getcwd that does not fit. */
static bool t_deep_bottom(void)
{
	char cwd[64];
	int dfd, fd;

	fd = syscreate("../x", O_WRITE, 0644);
	CHECK(fd >= 0);
	CHECK(syswrite(fd, "up\n", 3) == 3 && sysclose(fd) == 0);
	CHECK(syssymlink("../x", "l") == 0);
	CHECK(read_is("l", "up\n"));
	dfd = sysopen(".", O_READ, 0);
	CHECK(dfd >= 0);
	fd = sysopenat(dfd, "l", O_READ, 0);
	sysclose(dfd);
	CHECK(fd >= 0);
	sysclose(fd);
	CHECK(sysgetcwd(cwd, sizeof(cwd)) == -1 && get_errno() == ENAMETOOLONG);
	return sysremove("l") == 0 && sysremove("../x") == 0;
}

/* A cwd whose name passes MAX_PATH_LEN: short relative paths, "..", and
 * relative symlinks still work, since only a caller's path is limited. */
static bool t_deep_dirs(void)
{
	static char name[251];
	char cwd[64];

	memset(name, 'd', 250);
	name[250] = '\0';
	CHECK(sysbind("#tmpfs", "/tmp", MREPL | MCREATE) >= 0);
	CHECK(sysmkdir("/tmp/d", 0755) == 0 && syschdir(NULL, "/tmp/d") == 0);
	for (int i = 0; i < KTNS_DEPTH; i++)
		CHECK(sysmkdir(name, 0755) == 0 && syschdir(NULL, name) == 0);
	CHECK(t_deep_bottom());
	for (int i = 0; i < KTNS_DEPTH; i++)
		CHECK(syschdir(NULL, "..") == 0 && sysremove(name) == 0);
	CHECK(sysgetcwd(cwd, sizeof(cwd)) == 0 && !strcmp(cwd, "/tmp/d"));
	return syschdir(NULL, "/") == 0;
}

KTEST(ns, deep_directories_past_max_path)
{
	NS_RUN(t_deep_dirs);
}

static bool t_dir_rewind(void)
{
	uint8_t buf[2048];
	ssize_t a, b;
	int fd = sysopen("#root", O_READ, 0);

	CHECK(fd >= 0);
	a = sysread(fd, buf, sizeof(buf));
	CHECK(a > 0 && sysread(fd, buf, sizeof(buf)) == 0);
	CHECK(sysseek(fd, 5, SEEK_SET) == -1 && get_errno() == EINVAL);
	CHECK(sysseek(fd, 0, SEEK_SET) == 0);
	b = sysread(fd, buf, sizeof(buf));
	CHECK(a == b);
	CHECK(sysseek(fd, 0, SEEK_SET) == 0);
	CHECK(sysread(fd, buf, 10) == -1 && get_errno() == EINVAL); /* entry > 10 */
	sysclose(fd);
	return true;
}

KTEST(ns, directory_reads_rewind)
{
	NS_RUN(t_dir_rewind);
}

/* ------------------------------------------- entries 9P cannot carry */

#define KTNS_HUGE_NAME (STATMAXLEN + 16)    /* no 9P stat can hold it */

static char *ktns_huge_name;

/* Lists "a", an entry with a name over 64 KiB, "b", then an entry whose
 * strings are each legal but whose stat passes STATMAXLEN. */
static int ktns_huge_gen(struct chan *c, const char *name, const struct dirtab *tab,
                         int ntab, int i, struct dir *dp)
{
	static const char *const names[] = { "a", NULL, "b", NULL };
	const char *big = ktns_huge_name + KTNS_HUGE_NAME - 30000;

	if (i < 0 || i >= (int)ARRAY_SIZE(names))
		return DEVGEN_END;
	mkdir_entry(dp, mkqid((uint64_t)i + 1, 0, QTFILE),
	            names[i] ? names[i] : (i == 1 ? ktns_huge_name : big), 0,
	            i == 3 ? big : "eve", 0444);
	return DEVGEN_ENTRY;
}

/* The name of the entry at buf (a 9P stat) is want. */
static bool ktns_entry_named(const uint8_t *buf, size_t n, const char *want)
{
	char strs[256];
	struct dir d;

	CHECK(n <= sizeof(strs) && convM2D(buf, n, &d, strs) == n);
	CHECK(!strcmp(d.name, want));
	return true;
}

static bool t_dirread_skips_unpackable(uint8_t *buf, size_t n)
{
	struct chan *c = newchan();
	size_t a, b, got;
	bool ok;

	c->type = -1;           /* no device: cclose must not call one */
	got = devdirread(c, buf, n, NULL, 0, ktns_huge_gen);
	a = BIT16SZ + (size_t)(buf[0] | buf[1] << 8);
	b = got > a + BIT16SZ ? BIT16SZ + (size_t)(buf[a] | buf[a + 1] << 8) : 0;
	ok = got == a + b && ktns_entry_named(buf, a, "a") &&
	     ktns_entry_named(buf + a, b, "b") && c->dri == 4;
	/* Read again from the end: nothing more, and no error. */
	ok = ok && devdirread(c, buf, n, NULL, 0, ktns_huge_gen) == 0;
	cclose(c);
	return ok;
}

/* An entry whose stat would pass STATMAXLEN is skipped (reported once),
 * even when the buffer could hold its bytes; the others are all listed. */
KTEST(ns, dirread_skips_entry_9p_cannot_carry)
{
	size_t n = KTNS_HUGE_NAME + 1024;
	uint8_t *buf = kmalloc(n, MEM_WAIT);
	bool ok;

	ktns_huge_name = kmalloc(KTNS_HUGE_NAME + 1, MEM_WAIT);
	ok = buf && ktns_huge_name;
	if (ok) {
		memset(ktns_huge_name, 'x', KTNS_HUGE_NAME);
		ktns_huge_name[KTNS_HUGE_NAME] = '\0';
		ok = t_dirread_skips_unpackable(buf, n);
	}
	kfree(ktns_huge_name);
	kfree(buf);
	KT_ASSERT_MSG(ok, "devdirread did not skip exactly the unpackable entry");
}
