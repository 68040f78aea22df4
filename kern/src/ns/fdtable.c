/* SPDX-License-Identifier: MIT */
/*
 * fdtable.c - FD tables (fdtable.h): slots of (chan, FD flags).
 *
 * Model: an array of struct fd_entry, allocated on first use with
 * NR_OPEN_FILES_DEFAULT slots and doubled when a free slot is needed past
 * the end, up to NR_FILE_DESC_MAX.  Ordinary allocations search
 * [low, NR_FILE_DESC_USER_BASE); the range above is kept for library FDs
 * and is only searched when asked for (low >= NR_FILE_DESC_USER_BASE).
 * t->hint is a lower bound: no slot below it is free, so the common
 * "lowest free" search starts there.
 *
 * Locking: t->lock (a spinlock) guards the array, its size, the hint and
 * the closed flag.  Nothing under it allocates or closes chans: growth
 * allocates the new array unlocked and installs it only if the table did
 * not change size meanwhile; closing takes the chan out under the lock and
 * cclose()s it after.  No two tables' locks are ever held at once:
 * fd_table_clone copies 'from' into a new array, then installs it.  FD taps
 * (fdtap.c): every path that empties or replaces a slot tells
 * fdtap_fd_closed() before it closes the chan, and fd_table_destroy
 * removes the whole tap set first; a clone copies no taps.  References:
 * each occupied slot holds one reference to its chan.
 *
 * Errors are negative errnos; nothing here calls error().
 */
#include <errno.h>
#include <fdtable.h>
#include <fdtap.h>
#include <kmalloc.h>
#include <kstring.h>

void fd_table_init(struct fd_table *t)
{
	memset(t, 0, sizeof(*t));
	spinlock_init(&t->lock, "fd table");
}

static int fd_next_size(int cur, int need)
{
	int n = cur ? cur : NR_OPEN_FILES_DEFAULT;

	while (n <= need && n < NR_FILE_DESC_MAX)
		n *= 2;
	return n > NR_FILE_DESC_MAX ? NR_FILE_DESC_MAX : n;
}

/* Makes slot 'fd' exist; 0 or -EBADF (table closed) / -ENOMEM / -EMFILE. */
static int fd_table_ensure(struct fd_table *t, int fd)
{
	for (;;) {
		struct fd_entry *arr, *old;
		int cur, n;

		bool closed;

		spin_lock(&t->lock);
		cur = t->max_files;
		closed = t->closed;
		spin_unlock(&t->lock);
		if (closed)
			return -EBADF;
		if (fd < cur)
			return 0;
		if (fd >= NR_FILE_DESC_MAX)
			return -EMFILE;
		n = fd_next_size(cur, fd);
		arr = kmalloc_array((size_t)n, sizeof(*arr), MEM_WAIT);
		if (!arr)
			return -ENOMEM;
		memset(arr, 0, (size_t)n * sizeof(*arr));
		spin_lock(&t->lock);
		old = arr;
		if (t->max_files == cur && !t->closed) {
			if (cur)
				memcpy(arr, t->fd, (size_t)cur * sizeof(*arr));
			old = t->fd;
			t->fd = arr;
			t->max_files = n;
		}
		spin_unlock(&t->lock);
		kfree(old);
	}
}

/* Allocates the first NR_OPEN_FILES_DEFAULT slots now (boot-time tables,
 * so their first open is not charged for the array). */
int fd_table_prealloc(struct fd_table *t)
{
	return fd_table_ensure(t, NR_OPEN_FILES_DEFAULT - 1);
}

/* First free slot in [from, end) of the allocated part; -1 if none.
 * t->lock held. */
static int __fd_find_free(struct fd_table *t, int from, int end)
{
	int stop = MIN(end, t->max_files);

	for (int i = from; i < stop; i++)
		if (!t->fd[i].chan)
			return i;
	return -1;
}

/* One search under the lock: the fd, or -1 (grow to *need), or -errno. */
static int fd_try_alloc(struct fd_table *t, struct chan *c, int low, int fd_flags,
                        int *need)
{
	int limit = low >= NR_FILE_DESC_USER_BASE ? NR_FILE_DESC_MAX : NR_FILE_DESC_USER_BASE;
	bool use_hint = low <= t->hint && low < NR_FILE_DESC_USER_BASE;
	int from = use_hint ? t->hint : low;
	int i;

	if (t->closed)
		return -EBADF;
	i = __fd_find_free(t, from, limit);
	if (i < 0) {
		if (t->max_files >= limit)
			return -EMFILE;
		*need = MAX(from, t->max_files);
		return -1;
	}
	t->fd[i].chan = c;
	t->fd[i].fd_flags = fd_flags;
	if (use_hint)
		t->hint = i + 1;
	return i;
}

int fd_alloc_chan(struct fd_table *t, struct chan *c, int low, int fd_flags)
{
	if (low < 0 || low >= NR_FILE_DESC_MAX || (fd_flags & ~FD_CLOEXEC))
		return -EINVAL;
	for (;;) {
		int need = 0, r, err;

		spin_lock(&t->lock);
		r = fd_try_alloc(t, c, low, fd_flags, &need);
		spin_unlock(&t->lock);
		if (r != -1)
			return r;
		err = fd_table_ensure(t, need);
		if (err)
			return err;
	}
}

struct chan *fd_get_chan(struct fd_table *t, int fd)
{
	struct chan *c = NULL;

	spin_lock(&t->lock);
	if (fd >= 0 && fd < t->max_files && t->fd[fd].chan) {
		c = t->fd[fd].chan;
		chan_incref(c);
	}
	spin_unlock(&t->lock);
	return c;
}

/* Takes fd's chan out of the table; NULL if fd is not open.  Lock held. */
static struct chan *__fd_take(struct fd_table *t, int fd)
{
	struct chan *c;

	if (fd < 0 || fd >= t->max_files || !t->fd[fd].chan)
		return NULL;
	c = t->fd[fd].chan;
	t->fd[fd].chan = NULL;
	t->fd[fd].fd_flags = 0;
	if (fd < t->hint)
		t->hint = fd;
	return c;
}

int fd_close(struct fd_table *t, int fd)
{
	struct chan *c;

	spin_lock(&t->lock);
	c = __fd_take(t, fd);
	spin_unlock(&t->lock);
	if (!c)
		return -EBADF;
	fdtap_fd_closed(t, fd, c);
	cclose(c);
	return 0;
}

int fd_dup(struct fd_table *t, int fd, int low, int fd_flags)
{
	struct chan *c = fd_get_chan(t, fd);
	int r;

	if (!c)
		return -EBADF;
	r = fd_alloc_chan(t, c, low, fd_flags);
	if (r < 0)
		cclose(c);
	return r;
}

int fd_dup_to(struct fd_table *t, int from, int to, int fd_flags)
{
	struct chan *c, *old;
	int err;

	if (to < 0 || to >= NR_FILE_DESC_MAX || (fd_flags & ~FD_CLOEXEC))
		return to < 0 || to >= NR_FILE_DESC_MAX ? -EBADF : -EINVAL;
	c = fd_get_chan(t, from);
	if (!c)
		return -EBADF;
	if (from == to) {
		cclose(c);
		return to;
	}
	err = fd_table_ensure(t, to);
	if (err) {
		cclose(c);
		return err;
	}
	spin_lock(&t->lock);
	if (t->closed || to >= t->max_files) {
		spin_unlock(&t->lock);
		cclose(c);
		return -EBADF;
	}
	old = t->fd[to].chan;
	t->fd[to].chan = c;
	t->fd[to].fd_flags = fd_flags;
	spin_unlock(&t->lock);
	fdtap_fd_closed(t, to, old);
	cclose(old);
	return to;
}

int fd_get_flags(struct fd_table *t, int fd)
{
	int r = -EBADF;

	spin_lock(&t->lock);
	if (fd >= 0 && fd < t->max_files && t->fd[fd].chan)
		r = t->fd[fd].fd_flags;
	spin_unlock(&t->lock);
	return r;
}

int fd_set_flags(struct fd_table *t, int fd, int fd_flags)
{
	int r = -EBADF;

	if (fd_flags & ~FD_CLOEXEC)
		return -EINVAL;
	spin_lock(&t->lock);
	if (fd >= 0 && fd < t->max_files && t->fd[fd].chan) {
		t->fd[fd].fd_flags = fd_flags;
		r = 0;
	}
	spin_unlock(&t->lock);
	return r;
}

/* t->lock held. */
static int __fd_nr_open(struct fd_table *t)
{
	int n = 0;

	for (int i = 0; i < t->max_files; i++)
		n += t->fd[i].chan != NULL;
	return n;
}

int fd_table_nr_open(struct fd_table *t)
{
	int n;

	spin_lock(&t->lock);
	n = __fd_nr_open(t);
	spin_unlock(&t->lock);
	return n;
}

void fd_table_destroy(struct fd_table *t)
{
	struct fd_entry *arr;
	int n;

	spin_lock(&t->lock);
	t->closed = true;
	arr = t->fd;
	n = t->max_files;
	t->fd = NULL;
	t->max_files = 0;
	t->hint = 0;
	spin_unlock(&t->lock);
	fdtap_table_destroy(t);
	for (int i = 0; i < n; i++)
		cclose(arr[i].chan);
	kfree(arr);
}

/* Takes out the first FD_CLOEXEC chan at or after *from; NULL if none. */
static struct chan *fd_take_cloexec(struct fd_table *t, int *from)
{
	struct chan *c = NULL;

	spin_lock(&t->lock);
	for (; *from < t->max_files && !c; (*from)++)
		if (t->fd[*from].chan && (t->fd[*from].fd_flags & FD_CLOEXEC))
			c = __fd_take(t, *from);
	spin_unlock(&t->lock);
	return c;
}

void fd_table_close_on_exec(struct fd_table *t)
{
	struct chan *c;
	int from = 0;

	while ((c = fd_take_cloexec(t, &from))) {
		fdtap_fd_closed(t, from - 1, c);        /* from is past the fd */
		cclose(c);
	}
}

/* Copies from's slots, with new references, into arr of n slots if they
 * fit (the rest zeroed); else false and *need = the slots needed. */
static bool fd_snapshot(struct fd_table *from, struct fd_entry *arr, int n, int *need,
                        int *hint)
{
	bool ok;

	spin_lock(&from->lock);
	ok = n >= from->max_files;
	*need = from->max_files;
	*hint = from->hint;
	for (int i = 0; ok && i < n; i++) {
		arr[i] = i < from->max_files ? from->fd[i] : (struct fd_entry){ 0 };
		if (arr[i].chan)
			chan_incref(arr[i].chan);
	}
	spin_unlock(&from->lock);
	return ok;
}

/* Puts the n slots of arr into the empty table t; arr is consumed. */
static int fd_install_all(struct fd_table *t, struct fd_entry *arr, int n, int hint)
{
	struct fd_entry *spare = arr;
	int err = 0;

	spin_lock(&t->lock);
	if (t->closed || __fd_nr_open(t)) {
		err = t->closed ? -EBADF : -EINVAL;
	} else if (t->max_files >= n) {
		if (n)
			memcpy(t->fd, arr, (size_t)n * sizeof(*arr));
		t->hint = hint;
	} else {
		spare = t->fd;
		t->fd = arr;
		t->max_files = n;
		t->hint = hint;
	}
	spin_unlock(&t->lock);
	for (int i = 0; err && i < n; i++)
		if (arr[i].chan)
			cclose(arr[i].chan);
	kfree(spare);
	return err;
}

/* Never holds both tables' locks: same-class locks do not nest
 * (Documentation/locking.md). */
int fd_table_clone(struct fd_table *from, struct fd_table *to)
{
	struct fd_entry *arr = NULL;
	int n = 0, need = 0, hint = 0;

	if (fd_table_nr_open(to))
		return -EINVAL;
	while (!fd_snapshot(from, arr, n, &need, &hint)) {
		kfree(arr);
		n = need;
		arr = kmalloc_array((size_t)n, sizeof(*arr), MEM_WAIT);
		if (!arr)
			return -ENOMEM;
	}
	return fd_install_all(to, arr, n, hint);
}

const char *fd_strerror(int err)
{
	switch (err) {
	case -EBADF: return "fd is not open";
	case -EMFILE: return "too many open files";
	case -ENOMEM: return "no memory";
	default: return "invalid argument";
	}
}
