/* SPDX-License-Identifier: MIT */
/*
 * tree_file.c - the in-memory file tree under #kfs and #tmpfs (contract,
 * references and lock rules: kern/include/tree_file.h; reference page:
 * Documentation/kapi/tree_file.md).
 *
 * Sections: names and the (parent, name) hash that serves as the walk
 * cache; allocation and the iterative put (a file's last put drops its
 * parent, which may be the parent's last, and so on up without recursion);
 * linking, unlinking and the tree operations (create, remove, rename), each
 * checked completely under tfs->lock before anything changes; contents
 * (read, write, truncate) under the file's own lock; stat and the ordered
 * walk over a directory's children (by sequence number, so a listing's
 * cursor survives removals).  The chan-level operations that
 * devices plug into their struct dev are in tree_chan.c.
 *
 * tree_fs_load_cpio() fills a tree from a newc archive (the initramfs).
 *
 * Errors: checks done under a lock return a struct tf_err (an errno and a
 * reason); the caller drops the lock and only then raises error() with the
 * operation and the name, so no lock is ever held across an error().
 * Times are seconds since boot (there is no wall clock yet); the initramfs
 * loader sets real mtimes with tree_file_set_mtime().
 */
#include <assert.h>
#include <cpio.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <overflow.h>
#include <printk.h>
#include <time.h>
#include <tree_file.h>

#define TF_HASH_MIN     64

struct tf_err {
	int errno_;
	const char *why;
};

static const struct tf_err tf_ok = { 0, NULL };

static struct tf_err tf_mkerr(int errno_, const char *why)
{
	return (struct tf_err){ errno_, why };
}

static void __noreturn tf_fail(const char *op, const char *name, struct tf_err e)
{
	error(e.errno_, "%s '%s': %s", op, name, e.why);
}

/* Raises e naming tf, whose name is read under tfs->lock (rename frees
 * old names).  Called with no lock held. */
static void __noreturn tf_fail_file(const char *op, struct tree_file *tf, struct tf_err e)
{
	char name[MAX_NAME_LEN + 1];

	sem_down(&tf->tfs->lock);
	strlcpy(name, tf->name, sizeof(name));
	sem_up(&tf->tfs->lock);
	tf_fail(op, name, e);
}

static uint64_t tf_now(void)
{
	return nsec_now() / 1000000000ULL;
}

static atomic_t tree_fs_next_id;
static atomic_t tree_fs_live;      /* tree_fs_nr_live() */

/* ------------------------------------------------------- names and hash */

static struct tf_err tf_check_name(const char *name)
{
	size_t len = strnlen(name, MAX_NAME_LEN + 1);

	if (len == 0)
		return tf_mkerr(EINVAL, "empty name");
	if (len > MAX_NAME_LEN)
		return tf_mkerr(ENAMETOOLONG, "name too long");
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return tf_mkerr(EINVAL, "'.' and '..' cannot be created or renamed to");
	if (strchr(name, '/'))
		return tf_mkerr(EINVAL, "name contains '/'");
	return tf_ok;
}

static size_t tf_hash(const struct tree_file *parent, const char *name, size_t size)
{
	uint64_t h = 0xcbf29ce484222325ULL ^ (uint64_t)(uintptr_t)parent;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ULL;
	h ^= h >> 29;
	return (size_t)h & (size - 1);
}

/* Caller holds tfs->lock.  The linked child 'name' of dir, or NULL. */
static struct tree_file *__tf_find(struct tree_file *dir, const char *name)
{
	struct tree_fs *tfs = dir->tfs;
	struct tree_file *tf = tfs->hash[tf_hash(dir, name, tfs->hash_size)];

	for (; tf; tf = tf->hnext)
		if (tf->parent == dir && !strcmp(tf->name, name))
			return tf;
	return NULL;
}

/* Caller holds tfs->lock. */
static void __tf_hash_insert(struct tree_file *tf)
{
	struct tree_fs *tfs = tf->tfs;
	struct tree_file **b = &tfs->hash[tf_hash(tf->parent, tf->name, tfs->hash_size)];

	tf->hnext = *b;
	*b = tf;
}

/* Caller holds tfs->lock. */
static void __tf_hash_remove(struct tree_file *tf)
{
	struct tree_fs *tfs = tf->tfs;
	struct tree_file **pp = &tfs->hash[tf_hash(tf->parent, tf->name, tfs->hash_size)];

	for (; *pp; pp = &(*pp)->hnext) {
		if (*pp == tf) {
			*pp = tf->hnext;
			tf->hnext = NULL;
			return;
		}
	}
	panic("tree_file: '%s' missing from the hash", tf->name);
}

/* Caller holds tfs->lock.  Doubles the table when it is crowded; if the
 * memory is not there the old table stays (slower, still correct). */
static void __tf_hash_maybe_grow(struct tree_fs *tfs)
{
	size_t nsize = tfs->hash_size * 2;
	struct tree_file **nh, *tf, *next;

	if (tfs->nr_files < tfs->hash_size * 2)
		return;
	nh = kmalloc_array(nsize, sizeof(*nh), MEM_WAIT);
	if (!nh)
		return;
	memset(nh, 0, nsize * sizeof(*nh));
	for (size_t i = 0; i < tfs->hash_size; i++) {
		for (tf = tfs->hash[i]; tf; tf = next) {
			size_t b = tf_hash(tf->parent, tf->name, nsize);

			next = tf->hnext;
			tf->hnext = nh[b];
			nh[b] = tf;
		}
	}
	kfree(tfs->hash);
	tfs->hash = nh;
	tfs->hash_size = nsize;
}

/* ------------------------------------------------ allocation, references */

static char *tf_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = kmalloc(n, MEM_WAIT);

	if (d)
		memcpy(d, s, n);
	return d;
}

static void tf_free(struct tree_file *tf)
{
	kfree(tf->name);
	kfree(tf->data);
	kfree(tf->target);
	kfree(tf);
}

/* A new unlinked file with one reference, or NULL if memory is short. */
static struct tree_file *tf_alloc(struct tree_fs *tfs, const char *name, uint32_t perm,
                                  const char *target)
{
	struct tree_file *tf = kzmalloc(sizeof(*tf), MEM_WAIT);

	if (!tf)
		return NULL;
	tf->name = tf_strdup(name);
	tf->target = target ? tf_strdup(target) : NULL;
	if (!tf->name || (target && !tf->target)) {
		tf_free(tf);
		return NULL;
	}
	kref_init(&tf->ref);
	qlock_init(&tf->lock, "tree_file");
	list_init(&tf->children);
	list_init(&tf->sibling);
	tf->tfs = tfs;
	tf->mode = perm;
	tf->qid = mkqid((uint64_t)atomic_fetch_add(&tfs->next_path, 1), 0,
	                (uint8_t)(perm >> 24));
	tf->atime = tf->mtime = tf_now();
	if (target)
		tf->length = (int64_t)strlen(target);
	return tf;
}

void tree_file_get(struct tree_file *tf)
{
	kref_get(&tf->ref);
}

static void tf_release_noop(struct kref *r)
{
}

/* The last put frees the file and drops its parent, iteratively: a chain
 * of removed directories is freed without recursion. */
void tree_file_put(struct tree_file *tf)
{
	while (tf && kref_put(&tf->ref, tf_release_noop)) {
		struct tree_file *parent = tf->parent;  /* ours alone now */

		tf_free(tf);
		tf = parent;
	}
}

/* ------------------------------------------------------------ linking */

/* Caller holds tfs->lock.  Links tf under dir; the link takes its own
 * reference on tf and tf's parent pointer one on dir. */
static void __tf_link(struct tree_file *dir, struct tree_file *tf)
{
	tree_file_get(tf);
	tree_file_get(dir);
	tf->parent = dir;
	tf->linked = true;
	tf->seq = ++dir->last_seq;
	list_add_tail(&tf->sibling, &dir->children);
	dir->nr_children++;
	__tf_hash_insert(tf);
	dir->tfs->nr_files++;
	__tf_hash_maybe_grow(dir->tfs);
}

/* Caller holds tfs->lock.  Takes tf out of the tree; the caller drops the
 * link's reference (tree_file_put) after unlocking.  tf keeps its parent
 * pointer (and reference) until it is freed. */
static void __tf_unlink(struct tree_file *tf)
{
	__tf_hash_remove(tf);
	list_del(&tf->sibling);
	tf->parent->nr_children--;
	tf->linked = false;
	tf->tfs->nr_files--;
}

static struct tf_err tf_check_dir(struct tree_file *dir)
{
	if (!(dir->mode & DMDIR))
		return tf_mkerr(ENOTDIR, "parent is not a directory");
	return tf_ok;
}

struct tree_file *tree_file_lookup(struct tree_file *dir, const char *name)
{
	struct tree_fs *tfs = dir->tfs;
	struct tree_file *tf;

	sem_down(&tfs->lock);
	if (!strcmp(name, "."))
		tf = dir;
	else if (!strcmp(name, ".."))
		tf = dir->parent ? dir->parent : dir;
	else
		tf = dir->linked ? __tf_find(dir, name) : NULL;
	if (tf)
		tree_file_get(tf);
	sem_up(&tfs->lock);
	return tf;
}

/* Caller holds tfs->lock. */
static struct tf_err __tf_create_check(struct tree_file *dir, const char *name)
{
	struct tf_err e = tf_check_dir(dir);

	if (e.errno_)
		return e;
	if (!dir->linked)
		return tf_mkerr(ENOENT, "directory was removed");
	if (__tf_find(dir, name))
		return tf_mkerr(EEXIST, "file exists");
	return tf_ok;
}

struct tree_file *tree_file_create(struct tree_file *dir, const char *name,
                                   uint32_t perm, const char *target)
{
	struct tree_fs *tfs = dir->tfs;
	struct tf_err e = tf_check_name(name);
	struct tree_file *tf;

	if (e.errno_)
		tf_fail("create", name, e);
	if ((perm & DMSYMLINK) && (!target || !target[0] || (perm & DMDIR)))
		tf_fail("create", name, tf_mkerr(EINVAL, "a symlink needs a target"));
	tf = tf_alloc(tfs, name, perm, (perm & DMSYMLINK) ? target : NULL);
	if (!tf)
		tf_fail("create", name, tf_mkerr(ENOMEM, "out of memory"));
	sem_down(&tfs->lock);
	e = __tf_create_check(dir, name);
	if (!e.errno_)
		__tf_link(dir, tf);
	sem_up(&tfs->lock);
	if (e.errno_) {
		tf_free(tf);
		tf_fail("create", name, e);
	}
	return tf;
}

/* Caller holds tfs->lock. */
static struct tf_err __tf_remove_check(struct tree_file *tf)
{
	if (tf == tf->tfs->root)
		return tf_mkerr(EBUSY, "cannot remove the root");
	if (!tf->linked)
		return tf_mkerr(ENOENT, "already removed");
	if (tf->nr_children)
		return tf_mkerr(ENOTEMPTY, "directory not empty");
	return tf_ok;
}

/* Removes tf; returns the error instead of raising it (close path). */
static struct tf_err tf_remove(struct tree_file *tf)
{
	struct tree_fs *tfs = tf->tfs;
	struct tf_err e;

	sem_down(&tfs->lock);
	e = __tf_remove_check(tf);
	if (!e.errno_)
		__tf_unlink(tf);
	sem_up(&tfs->lock);
	if (!e.errno_)
		tree_file_put(tf);      /* the link's reference */
	return e;
}

void tree_file_remove(struct tree_file *tf)
{
	struct tf_err e = tf_remove(tf);

	if (e.errno_)
		tf_fail_file("remove", tf, e);
}

int tree_file_try_remove(struct tree_file *tf)
{
	return tf_remove(tf).errno_;
}

/* Caller holds tfs->lock.  True if tf is dir or one of its ancestors. */
static bool __tf_is_ancestor(struct tree_file *tf, struct tree_file *dir)
{
	for (; dir; dir = dir->parent)
		if (dir == tf)
			return true;
	return false;
}

/* Caller holds tfs->lock.  Checks moving tf to new_dir/name; *victim is
 * the file that would be replaced (NULL if none, tf itself for a no-op). */
static struct tf_err __tf_rename_check(struct tree_file *tf, struct tree_file *new_dir,
                                       const char *name, struct tree_file **victim)
{
	struct tree_file *v;

	if (tf == tf->tfs->root)
		return tf_mkerr(EBUSY, "cannot rename the root");
	if (!tf->linked || !new_dir->linked)
		return tf_mkerr(ENOENT, "file or target directory was removed");
	if (!(new_dir->mode & DMDIR))
		return tf_mkerr(ENOTDIR, "target is not a directory");
	if (__tf_is_ancestor(tf, new_dir))
		return tf_mkerr(EINVAL, "cannot move a directory into itself");
	v = __tf_find(new_dir, name);
	*victim = v;
	if (!v || v == tf)
		return tf_ok;
	if ((v->mode & DMDIR) && !(tf->mode & DMDIR))
		return tf_mkerr(EISDIR, "target is a directory");
	if (!(v->mode & DMDIR) && (tf->mode & DMDIR))
		return tf_mkerr(ENOTDIR, "target is not a directory");
	if (v->nr_children)
		return tf_mkerr(ENOTEMPTY, "target directory not empty");
	return tf_ok;
}

/* Caller holds tfs->lock and checked the move.  Returns the old parent and
 * name for the caller to drop after unlocking. */
static void __tf_move(struct tree_file *tf, struct tree_file *new_dir, char **name,
                      struct tree_file **old_parent)
{
	char *old_name = tf->name;

	__tf_hash_remove(tf);
	list_del(&tf->sibling);
	tf->parent->nr_children--;
	*old_parent = tf->parent;
	tree_file_get(new_dir);
	tf->parent = new_dir;
	tf->name = *name;
	*name = old_name;
	tf->seq = ++new_dir->last_seq;
	list_add_tail(&tf->sibling, &new_dir->children);
	new_dir->nr_children++;
	__tf_hash_insert(tf);
}

void tree_file_rename(struct tree_file *tf, struct tree_file *new_dir,
                      const char *new_name)
{
	struct tree_fs *tfs = tf->tfs;
	struct tree_file *victim = NULL, *old_parent = NULL;
	struct tf_err e = tf_check_name(new_name);
	char *name;

	if (e.errno_)
		tf_fail("rename to", new_name, e);
	if (new_dir->tfs != tfs)
		tf_fail("rename to", new_name, tf_mkerr(EXDEV, "not in the same file system"));
	name = tf_strdup(new_name);
	if (!name)
		tf_fail("rename to", new_name, tf_mkerr(ENOMEM, "out of memory"));
	sem_down(&tfs->lock);
	e = __tf_rename_check(tf, new_dir, name, &victim);
	if (!e.errno_ && victim != tf) {
		if (victim)
			__tf_unlink(victim);
		__tf_move(tf, new_dir, &name, &old_parent);
	}
	sem_up(&tfs->lock);
	kfree(name);            /* the old name, or the unused new one */
	if (e.errno_)
		tf_fail("rename to", new_name, e);
	if (victim && victim != tf)
		tree_file_put(victim);
	tree_file_put(old_parent);
}

/* ------------------------------------------------------------ contents */

/* Caller holds tf->lock.  Room for 'end' bytes at data; false if short. */
static bool __tf_grow(struct tree_file *tf, size_t end)
{
	size_t ncap = tf->data_cap ? tf->data_cap : 64;
	uint8_t *nd;

	if (end <= tf->data_cap)
		return true;
	while (ncap < end)
		ncap *= 2;
	if (ncap > TREE_FILE_MAX_SIZE)
		ncap = TREE_FILE_MAX_SIZE;
	nd = krealloc(tf->data, ncap, MEM_ATOMIC);     /* a full disk, not a panic */
	if (!nd)
		return false;
	tf->data = nd;
	tf->data_cap = ncap;
	return true;
}

static void tf_changed(struct tree_file *tf)
{
	tf->mtime = tf_now();
	tf->qid.vers++;
}

size_t tree_file_read(struct tree_file *tf, void *buf, size_t n, int64_t off)
{
	size_t from_data = 0;

	if (tf->mode & DMDIR)
		tf_fail_file("read", tf, tf_mkerr(EISDIR, "is a directory"));
	if (off < 0)
		tf_fail_file("read", tf, tf_mkerr(EINVAL, "negative offset"));
	sem_down(&tf->lock);
	if (off >= tf->length) {
		n = 0;
	} else {
		if (n > (uint64_t)(tf->length - off))
			n = (size_t)(tf->length - off);
		if ((uint64_t)off < tf->data_len)
			from_data = MIN(n, tf->data_len - (size_t)off);
		memcpy(buf, tf->data + off, from_data);
		memset((uint8_t *)buf + from_data, 0, n - from_data);   /* the hole */
		tf->atime = tf_now();
	}
	sem_up(&tf->lock);
	return n;
}

/* Caller holds tf->lock.  The write itself, once off is final. */
static struct tf_err __tf_write(struct tree_file *tf, const void *buf, size_t n,
                                int64_t off)
{
	size_t end;

	if (off < 0 || add_overflows((size_t)off, n, &end) || end > TREE_FILE_MAX_SIZE)
		return tf_mkerr(EFBIG, "write past the largest file size");
	if (!__tf_grow(tf, end))
		return tf_mkerr(ENOSPC, "out of memory for file contents");
	if ((size_t)off > tf->data_len)
		memset(tf->data + tf->data_len, 0, (size_t)off - tf->data_len);
	memcpy(tf->data + off, buf, n);
	if (end > tf->data_len)
		tf->data_len = end;
	if ((int64_t)end > tf->length)
		tf->length = (int64_t)end;
	tf_changed(tf);
	return tf_ok;
}

size_t tree_file_write(struct tree_file *tf, const void *buf, size_t n, int64_t off,
                       bool append)
{
	struct tf_err e;

	if (tf->mode & (DMDIR | DMSYMLINK))
		tf_fail_file("write", tf, tf_mkerr(EISDIR, "not a regular file"));
	if (off < 0 && !append)
		tf_fail_file("write", tf, tf_mkerr(EINVAL, "negative offset"));
	if (n == 0)
		return 0;
	sem_down(&tf->lock);
	if (append || (tf->mode & DMAPPEND))
		off = tf->length;
	e = __tf_write(tf, buf, n, off);
	sem_up(&tf->lock);
	if (e.errno_)
		tf_fail_file("write", tf, e);
	return n;
}

void tree_file_truncate(struct tree_file *tf, int64_t len)
{
	if (tf->mode & (DMDIR | DMSYMLINK))
		tf_fail_file("truncate", tf, tf_mkerr(EISDIR, "not a regular file"));
	if (len < 0)
		tf_fail_file("truncate", tf, tf_mkerr(EINVAL, "negative length"));
	if ((uint64_t)len > TREE_FILE_MAX_SIZE)
		tf_fail_file("truncate", tf, tf_mkerr(EFBIG, "longer than the largest file"));
	sem_down(&tf->lock);
	if ((uint64_t)len < tf->data_len)
		tf->data_len = (size_t)len;
	if (tf->data_len == 0) {
		kfree(tf->data);
		tf->data = NULL;
		tf->data_cap = 0;
	}
	tf->length = len;
	tf_changed(tf);
	sem_up(&tf->lock);
}

void tree_file_set_mtime(struct tree_file *tf, uint64_t mtime)
{
	sem_down(&tf->lock);
	tf->mtime = tf->atime = mtime;
	sem_up(&tf->lock);
}

/* ---------------------------------------------------------------- stat */

/* Caller holds tfs->lock (tf->name) and tf->lock. */
static void __tf_fill_dir(struct tree_file *tf, struct dir *d, const char *name)
{
	const char *owner = tf->tfs->owner;

	memset(d, 0, sizeof(*d));
	d->qid = tf->qid;
	d->mode = tf->mode;
	d->atime = tf->atime;
	d->mtime = tf->mtime;
	d->length = (tf->mode & DMDIR) ? 0 : tf->length;
	d->name = name;
	d->uid = d->gid = d->muid = owner;
	d->ext = tf->target ? tf->target : "";
	d->dev = tf->tfs->dev_id;
}

void tree_file_stat(struct tree_file *tf, struct dir *d, char *name, size_t name_len)
{
	struct tree_fs *tfs = tf->tfs;

	sem_down(&tfs->lock);
	strlcpy(name, tf->name, name_len);
	sem_down(&tf->lock);
	__tf_fill_dir(tf, d, name);
	sem_up(&tf->lock);
	sem_up(&tfs->lock);
}

/* The children are in seq order: a child linked or moved in goes to the
 * tail with a number above all the others. */
void tree_file_for_each_child(struct tree_file *dir, uint64_t *cursor,
                              bool (*fn)(const struct dir *d, void *arg), void *arg)
{
	struct tree_file *child;
	struct dir d;

	sem_down(&dir->tfs->lock);
	list_for_each_entry(child, &dir->children, sibling) {
		if (child->seq <= *cursor)
			continue;
		sem_down(&child->lock);
		__tf_fill_dir(child, &d, child->name);
		sem_up(&child->lock);
		if (!fn(&d, arg))
			break;
		*cursor = child->seq;
	}
	sem_up(&dir->tfs->lock);
}

struct tree_file *tree_file_parent(struct tree_file *tf)
{
	struct tree_file *p = NULL;

	sem_down(&tf->tfs->lock);
	if (tf->linked && tf->parent) {
		p = tf->parent;
		tree_file_get(p);
	}
	sem_up(&tf->tfs->lock);
	return p;
}

/* --------------------------------------------------------- file systems */

struct tree_fs *tree_fs_create(const char *owner)
{
	struct tree_fs *tfs = kzmalloc(sizeof(*tfs), MEM_WAIT);

	if (!tfs)
		error(ENOMEM, "tree_fs: out of memory");
	tfs->hash = kmalloc_array(TF_HASH_MIN, sizeof(*tfs->hash), MEM_WAIT);
	tfs->root = tf_alloc(tfs, "/", DMDIR | 0777, NULL);
	if (!tfs->hash || !tfs->root) {
		kfree(tfs->hash);
		if (tfs->root)
			tf_free(tfs->root);
		kfree(tfs);
		error(ENOMEM, "tree_fs: out of memory");
	}
	memset(tfs->hash, 0, TF_HASH_MIN * sizeof(*tfs->hash));
	tfs->hash_size = TF_HASH_MIN;
	kref_init(&tfs->ref);
	qlock_init(&tfs->lock, "tree_fs");
	strlcpy(tfs->owner, owner, sizeof(tfs->owner));
	tfs->dev_id = (uint32_t)atomic_fetch_add(&tree_fs_next_id, 1);
	tfs->root->linked = true;
	tfs->nr_files = 1;
	atomic_inc(&tree_fs_live);
	return tfs;
}

void tree_fs_get(struct tree_fs *tfs)
{
	kref_get(&tfs->ref);
}

/* Unlinks every file, leaves first, without recursion: descend to a
 * childless file, unlink it, step back to its parent. */
static void tree_fs_purge(struct tree_fs *tfs)
{
	struct tree_file *tf = tfs->root;

	sem_down(&tfs->lock);
	for (;;) {
		struct tree_file *parent;

		if (!list_empty(&tf->children)) {
			tf = list_first_entry(&tf->children, struct tree_file, sibling);
			continue;
		}
		if (tf == tfs->root)
			break;
		parent = tf->parent;
		__tf_unlink(tf);
		tree_file_put(tf);      /* frees it; its parent is still linked */
		tf = parent;
	}
	sem_up(&tfs->lock);
}

static void tree_fs_release(struct kref *r)
{
	struct tree_fs *tfs = container_of(r, struct tree_fs, ref);

	tree_fs_purge(tfs);
	tree_file_put(tfs->root);
	kfree(tfs->hash);
	kfree(tfs);
	atomic_dec(&tree_fs_live);
}

int64_t tree_fs_nr_live(void)
{
	return atomic_read(&tree_fs_live);
}

void tree_fs_put(struct tree_fs *tfs)
{
	kref_put(&tfs->ref, tree_fs_release);
}

/* ------------------------------------------------- loading a cpio archive */

struct tf_load {
	struct tree_fs *tfs;
	const char *label;
	char *path;                     /* CPIO_NAME_MAX bytes: the cleaned name */
	struct tree_file *dir;          /* reference held while an entry is made */
	struct tree_file *tf;           /* likewise */
	char *target;                   /* a symlink's target while it is made */
	unsigned int loaded, skipped;
};

/* Copies name into out without "." components, empty components and
 * leading slashes; false if it has a ".." component. */
static bool tf_load_clean(const char *name, char *out)
{
	size_t o = 0;

	while (*name) {
		const char *end = strchr(name, '/');
		size_t n = end ? (size_t)(end - name) : strlen(name);

		if (n == 2 && name[0] == '.' && name[1] == '.')
			return false;
		if (n && !(n == 1 && name[0] == '.')) {
			if (o)
				out[o++] = '/';
			memcpy(out + o, name, n);
			o += n;
		}
		name += n + (end ? 1 : 0);
	}
	out[o] = '\0';
	return true;
}

/* Moves ld->dir one level down to 'name', creating a directory if needed. */
static void tf_load_step(struct tf_load *ld, const char *name)
{
	struct tree_file *next = tree_file_lookup(ld->dir, name);

	if (!next)
		next = tree_file_create(ld->dir, name, DMDIR | 0755, NULL);
	tree_file_put(ld->dir);
	ld->dir = next;
	if (!(next->mode & DMDIR))
		error(ENOTDIR, "'%s' is not a directory", name);
}

/* Leaves ld->dir at the parent of the path's last element; returns it. */
static const char *tf_load_parent(struct tf_load *ld)
{
	char *p = ld->path, *slash;

	ld->dir = ld->tfs->root;
	tree_file_get(ld->dir);
	while ((slash = strchr(p, '/'))) {
		*slash = '\0';
		tf_load_step(ld, p);
		p = slash + 1;
	}
	return p;
}

static void tf_load_file(struct tf_load *ld, const char *name, const struct cpio_entry *e)
{
	struct tree_file *old = tree_file_lookup(ld->dir, name);

	if (old && (old->mode & (DMDIR | DMSYMLINK))) {
		tree_file_put(old);
		error(EEXIST, "exists and is not a regular file");
	}
	ld->tf = old ? old : tree_file_create(ld->dir, name, e->mode & 0777, NULL);
	if (old)
		tree_file_truncate(old, 0);     /* a later entry replaces the data */
	tree_file_write(ld->tf, e->data, e->size, 0, false);
}

static void tf_load_symlink(struct tf_load *ld, const char *name, const struct cpio_entry *e)
{
	ld->target = kmalloc(e->size + 1, MEM_WAIT);
	if (!ld->target)
		error(ENOMEM, "out of memory for the symlink target");
	memcpy(ld->target, e->data, e->size);
	ld->target[e->size] = '\0';
	ld->tf = tree_file_create(ld->dir, name, DMSYMLINK | 0777, ld->target);
}

static void tf_load_dir(struct tf_load *ld, const char *name, const struct cpio_entry *e)
{
	ld->tf = tree_file_lookup(ld->dir, name);
	if (ld->tf && !(ld->tf->mode & DMDIR))
		error(EEXIST, "exists and is not a directory");
	if (!ld->tf)
		ld->tf = tree_file_create(ld->dir, name, DMDIR | (e->mode & 0777), NULL);
}

/* Makes one entry; errors leave references in ld for the caller to drop. */
static void tf_load_make(struct tf_load *ld, const struct cpio_entry *e)
{
	const char *name;

	if (!tf_load_clean(e->name, ld->path))
		error(EINVAL, "'..' in the path");
	if (!ld->path[0])
		return;         /* "." or "/": the root itself */
	name = tf_load_parent(ld);
	switch (e->mode & CPIO_S_IFMT) {
	case CPIO_S_IFDIR:
		tf_load_dir(ld, name, e);
		break;
	case CPIO_S_IFREG:
		tf_load_file(ld, name, e);
		break;
	case CPIO_S_IFLNK:
		tf_load_symlink(ld, name, e);
		break;
	default:
		error(ENOTSUP, "device, fifo and socket files are not supported");
	}
	tree_file_set_mtime(ld->tf, e->mtime);
}

static void tf_load_release(struct tf_load *ld)
{
	tree_file_put(ld->tf);
	tree_file_put(ld->dir);
	kfree(ld->target);
	ld->tf = ld->dir = NULL;
	ld->target = NULL;
}

/* cpio_parse callback: a bad entry is reported and skipped, never fatal. */
static int tf_load_entry(const struct cpio_entry *e, void *arg)
{
	ERRSTACK(1);
	struct tf_load *ld = arg;

	if (waserror()) {
		printk("%s: entry '%s' at offset %zu skipped: %s\n", ld->label, e->name,
		       e->offset, get_errstr());
		tf_load_release(ld);
		ld->skipped++;
		return 0;
	}
	tf_load_make(ld, e);
	poperror();
	tf_load_release(ld);
	ld->loaded++;
	return 0;
}

int tree_fs_load_cpio(struct tree_fs *tfs, const void *buf, size_t len, const char *label)
{
	struct tf_load ld = { .tfs = tfs, .label = label };
	struct cpio_status st;
	int ret;

	ld.path = kmalloc(CPIO_NAME_MAX, MEM_WAIT);
	if (!ld.path) {
		printk("%s: out of memory; archive not loaded\n", label);
		return -ENOMEM;
	}
	ret = cpio_parse(buf, len, tf_load_entry, &ld, &st);
	kfree(ld.path);
	if (ret == -EBADMSG)
		printk("%s: malformed archive at offset %zu: %s; kept the %u entries "
		       "before it\n", label, st.bad_offset, st.why, st.nr_entries);
	else if (ret)
		printk("%s: archive not loaded: error %d\n", label, ret);
	printk("%s: %u entries loaded, %u skipped (%zu bytes)\n", label, ld.loaded,
	       ld.skipped, len);
	return ret;
}
