/* SPDX-License-Identifier: MIT */
/*
 * kt_fd.c - ktests of FD tables (fdtable.h) and the FD calls of sysfile.h:
 * lowest-free allocation and the hint, growth from 32 slots, a full table
 * (EMFILE) and the reserved library range above it, CLOEXEC through open
 * and dup and exec, dup sharing the offset, dup_to over an open fd, bad
 * fds, table clone, and that chans are closed outside the table lock.
 *
 * That last one needs a device whose close can look at the table: #ktfd
 * below, a one-file device that exists only for this test (its close
 * records whether the current FD table's lock is held, and what fd 0
 * names, which would deadlock if the lock were held).  Every test runs on a
 * private FD table and checks the live-chan count returns to its start.
 */
#include <err.h>
#include <errno.h>
#include <fdtable.h>
#include <kstring.h>
#include <ktest.h>
#include <ns.h>
#include <printk.h>
#include <sysfile.h>

/* ------------------------------------------------ #ktfd, the test device */

static const struct dirtab ktfd_tab[] = {
	{ ".", { 0, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "f", { 1, 0, QTFILE }, 0, 0444 },
};

static struct {
	int closes;
	bool lock_held;
} ktfd_seen;

static struct chan *ktfd_attach(const char *spec)
{
	return devattach("ktfd", spec);
}

static struct walkqid *ktfd_walk(struct chan *c, struct chan *nc, const char **names,
                                 unsigned int nname)
{
	return devwalk(c, nc, names, nname, ktfd_tab, ARRAY_SIZE(ktfd_tab), devgen);
}

static size_t ktfd_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, ktfd_tab, ARRAY_SIZE(ktfd_tab), devgen);
}

static struct chan *ktfd_open(struct chan *c, int omode)
{
	return devopen(c, omode, ktfd_tab, ARRAY_SIZE(ktfd_tab), devgen);
}

static void ktfd_close(struct chan *c)
{
	struct fd_table *t = current_fdt();
	struct chan *c0;

	if (!(c->flag & COPEN) || c->qid.path != 1)
		return;
	ktfd_seen.closes++;
	ktfd_seen.lock_held |= spin_is_locked(&t->lock);
	if (!ktfd_seen.lock_held) {
		c0 = fd_get_chan(t, 0);
		cclose(c0);
	}
}

static size_t ktfd_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, ktfd_tab, ARRAY_SIZE(ktfd_tab), devgen);
	return 0;
}

static size_t ktfd_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	error(EPERM, "#ktfd: read-only");
}

struct dev ktfd_devtab __devtab = {
	.name = "ktfd",
	.attach = ktfd_attach,
	.walk = ktfd_walk,
	.stat = ktfd_stat,
	.open = ktfd_open,
	.create = devcreate,
	.close = ktfd_close,
	.read = ktfd_read,
	.bread = devbread,
	.write = ktfd_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};

/* ------------------------------------------------------------ harness */

struct fd_test {
	struct fd_table t, *old;
	int64_t chans;
};

static void fd_test_begin(struct fd_test *f)
{
	f->chans = chan_nr_live();
	fd_table_init(&f->t);
	f->old = ns_swap_fdt(&f->t);
}

static bool fd_test_end(struct fd_test *f)
{
	fd_table_destroy(&f->t);
	ns_swap_fdt(f->old);
	return chan_nr_live() == f->chans;
}

#define CHECK(c)                                                                 \
	do {                                                                     \
		if (!(c)) {                                                      \
			printk("kt_fd: %s:%d: check failed: %s (last error %d '%s')\n", \
			       __FILE__, __LINE__, #c, get_errno(), get_errstr()); \
			return false;                                            \
		}                                                                \
	} while (0)

#define FD_RUN(fn)                                          \
	do {                                                \
		struct fd_test _f;                          \
		bool _ok, _noleak;                          \
		fd_test_begin(&_f);                         \
		_ok = fn(&_f.t);                            \
		_noleak = fd_test_end(&_f);                 \
		KT_ASSERT_MSG(_ok, "%s failed", #fn);       \
		KT_ASSERT_MSG(_noleak, "%s leaked chans", #fn); \
	} while (0)

static int open_hello(int omode)
{
	return sysopen("#template/hello", O_READ | omode, 0);
}

/* -------------------------------------------------------------- tests */

static bool t_growth(struct fd_table *t)
{
	int fd0 = open_hello(0);

	CHECK(fd0 == 0);
	for (int i = 1; i < 100; i++)
		CHECK(sysdup(fd0, 0, 0) == i);
	CHECK(t->max_files == 128 && fd_table_nr_open(t) == 100);
	CHECK(sysclose(3) == 0 && sysclose(7) == 0);
	CHECK(sysdup(fd0, 0, 0) == 3 && sysdup(fd0, 0, 0) == 7 && sysdup(fd0, 0, 0) == 100);
	for (int i = 0; i <= 100; i++)
		CHECK(sysclose(i) == 0);
	CHECK(sysclose(5) == -1 && get_errno() == EBADF);
	CHECK(fd_table_nr_open(t) == 0);
	return true;
}

KTEST(fd, lowest_free_and_growth)
{
	FD_RUN(t_growth);
}

static bool t_cloexec(struct fd_table *t)
{
	int a = open_hello(O_CLOEXEC), b = open_hello(0), c;

	CHECK(a == 0 && b == 1);
	CHECK(sysgetfd(a) == FD_CLOEXEC && sysgetfd(b) == 0);
	c = sysdup(a, 0, 0);
	CHECK(c == 2 && sysgetfd(c) == 0);      /* dup clears CLOEXEC */
	CHECK(syssetfd(c, FD_CLOEXEC) == 0 && sysgetfd(c) == FD_CLOEXEC);
	CHECK(syssetfd(c, 0x10) == -1 && get_errno() == EINVAL);
	fd_table_close_on_exec(t);
	CHECK(sysgetfd(a) == -1 && sysgetfd(c) == -1 && sysgetfd(b) == 0);
	CHECK(fd_table_nr_open(t) == 1);
	return true;
}

KTEST(fd, cloexec_on_open_dup_and_exec)
{
	FD_RUN(t_cloexec);
}

static bool t_dup_to(struct fd_table *t)
{
	char buf[8];
	int a = open_hello(0), b = open_hello(0);
	int64_t live = chan_nr_live();

	CHECK(sysdup_to(a, 10, 0) == 10);
	CHECK(sysread(a, buf, 5) == 5 && sysread(10, buf, 2) == 2);
	CHECK(!memcmp(buf, ", ", 2));          /* dup shares the chan's offset */
	CHECK(sysdup_to(a, b, FD_CLOEXEC) == b && sysgetfd(b) == FD_CLOEXEC);
	CHECK(chan_nr_live() == live - 1);      /* b's old chan was closed */
	CHECK(sysdup_to(a, a, 0) == a);
	CHECK(sysdup_to(a, NR_FILE_DESC_MAX, 0) == -1 && get_errno() == EBADF);
	CHECK(sysdup_to(a, -1, 0) == -1 && get_errno() == EBADF);
	CHECK(sysdup_to(55, 3, 0) == -1 && get_errno() == EBADF);
	CHECK(sysdup_to(a, NR_FILE_DESC_MAX - 1, 0) == NR_FILE_DESC_MAX - 1);
	CHECK(t->max_files == NR_FILE_DESC_MAX);
	CHECK(sysdup(77, 0, 0) == -1 && get_errno() == EBADF);
	return true;
}

KTEST(fd, dup_to_shares_and_replaces)
{
	FD_RUN(t_dup_to);
}

static bool t_full(struct fd_table *t)
{
	int a = open_hello(0), fd;

	for (int i = 1; i < NR_FILE_DESC_USER_BASE; i++)
		CHECK(sysdup(a, 0, 0) == i);
	CHECK(sysdup(a, 0, 0) == -1 && get_errno() == EMFILE);
	CHECK(open_hello(0) == -1 && get_errno() == EMFILE);
	/* the library range is still there for who asks for it */
	fd = fd_dup(t, a, NR_FILE_DESC_USER_BASE, 0);
	CHECK(fd == NR_FILE_DESC_USER_BASE);
	CHECK(fd_dup(t, a, NR_FILE_DESC_MAX, 0) == -EINVAL);
	CHECK(sysclose(100) == 0 && sysdup(a, 0, 0) == 100);
	CHECK(fd_table_nr_open(t) == NR_FILE_DESC_USER_BASE + 1);
	return true;
}

KTEST(fd, full_table_and_library_range)
{
	FD_RUN(t_full);
}

static bool t_clone(struct fd_table *t)
{
	struct fd_table copy;
	int a = open_hello(0);

	CHECK(sysdup_to(a, 40, FD_CLOEXEC) == 40);
	fd_table_init(&copy);
	CHECK(fd_table_clone(t, &copy) == 0);
	CHECK(fd_table_nr_open(&copy) == 2 && fd_get_flags(&copy, 40) == FD_CLOEXEC);
	CHECK(fd_table_clone(t, &copy) == -EINVAL);     /* not empty */
	fd_table_destroy(&copy);
	CHECK(fd_alloc_chan(&copy, NULL, 0, 0) == -EBADF); /* destroyed */
	CHECK(fd_table_nr_open(t) == 2);
	return true;
}

KTEST(fd, clone_copies_references)
{
	FD_RUN(t_clone);
}

static bool t_close_outside_lock(struct fd_table *t)
{
	int a = open_hello(0);
	int f = sysopen("#ktfd/f", O_READ, 0);

	CHECK(a == 0 && f == 1);
	ktfd_seen.closes = 0;
	ktfd_seen.lock_held = false;
	CHECK(sysdup_to(a, f, 0) == f);         /* closes #ktfd/f via dup_to */
	f = sysopen("#ktfd/f", O_READ, 0);
	CHECK(sysclose(f) == 0);                /* via close */
	f = sysopen("#ktfd/f", O_READ | O_CLOEXEC, 0);
	fd_table_close_on_exec(t);              /* via exec */
	CHECK(ktfd_seen.closes == 3 && !ktfd_seen.lock_held);
	return true;
}

KTEST(fd, chans_close_outside_the_table_lock)
{
	FD_RUN(t_close_outside_lock);
}
