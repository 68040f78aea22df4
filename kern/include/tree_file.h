/* SPDX-License-Identifier: MIT */
/*
 * tree_file.h - a shared in-memory file tree, the body of RAM file systems
 * (#kfs, #tmpfs).  Implementation: kern/src/ns/tree_file.c (the tree) and
 * kern/src/ns/tree_chan.c (the tree_chan_* device operations); reference
 * page: Documentation/kapi/tree_file.md.
 *
 *	tfs = tree_fs_create("tmpfs", owner);        // one reference: the caller's
 *	c = tree_chan_attach(tfs, "tmpfs", spec);    // chan on the root (own refs)
 *	tree_fs_put(tfs);                            // chans keep it alive now
 *	... the device's ops call tree_chan_walk/open/read/write/create/...
 *	cclose(c);                                   // last chan: tree freed
 *
 * Model: a tree_fs owns a tree of tree_files.  A directory's children are
 * on its ordered list (for directory reads) and in the fs-wide hash keyed
 * by (parent, name), which is the walk cache: a walk step is one lookup.
 * Each child carries a sequence number from its directory, given when it
 * is linked or moved in; the list is in that order, and a directory read
 * remembers the last number it returned, so removals never shift it.
 * Contents are one growable buffer per file; bytes past 'data_len' up to
 * the length are a hole and read as zeros, so truncating up allocates
 * nothing.  Symlinks are files of type DMSYMLINK whose target is dir.ext
 * (in stat; a directory read leaves it out, dev_dirent_pack).
 *
 * References: a tree_file's kref is held by (1) its parent's link while it
 * is in the tree, (2) each child (a child pins its parent), (3) each chan
 * whose aux it is, (4) any code between tree_file_get/put.  Removing a file
 * drops the link; the file lives on, unreachable, until its chans close
 * (reads and writes still work on them).  A tree_fs's kref is held by every
 * chan on it and by its creator until it calls tree_fs_put(); the last put
 * unlinks every file and frees the tree (this is how #tmpfs is freed when
 * its last chan closes; #kfs keeps its creator's reference forever).
 *
 * Locks (order: tfs->lock, then at most one tf->lock; both are qlocks, so
 * they may be held across sleeping allocations but never taken in IRQ
 * context): field tags (Documentation/style.md) [tfs->lock], [l] tf->lock, [I] immutable after
 * creation, [a] atomic.  error() is never called with either held.
 * Everything here reports failures with error() (err.h): kthread context.
 */
#pragma once

#include <kref.h>
#include <list.h>
#include <ns.h>
#include <sem.h>
#include <types.h>

#define TREE_FILE_MAX_SIZE  (256UL << 20)   /* largest file contents */
#define TREE_OWNER_LEN      32

struct tree_fs {
	struct kref ref;                /* [a] chans + creator */
	struct sem lock;                /* the qlock guarding [tfs->lock] */
	struct tree_file *root;         /* [I] pinned until the last put */
	char owner[TREE_OWNER_LEN];     /* [I] uid/gid/muid of every file */
	uint32_t dev_id;                /* [I] chan.dev of every chan on this fs */
	atomic_t next_path;             /* [a] qid.path source */
	struct tree_file **hash;        /* [tfs->lock] children by (parent, name) */
	size_t hash_size;               /* [tfs->lock] buckets, a power of two */
	size_t nr_files;                /* [tfs->lock] linked files (root included) */
};

struct tree_file {
	struct kref ref;                /* [a] see References above */
	struct tree_fs *tfs;            /* [I] */
	struct tree_file *parent;       /* [tfs->lock] holds a reference; NULL for the root */
	char *name;                     /* [tfs->lock] kmalloc'd; replaced by rename */
	struct list_head children;      /* [tfs->lock] directories: ordered children */
	struct list_head sibling;       /* [tfs->lock] on parent->children */
	struct tree_file *hnext;        /* [tfs->lock] hash chain */
	size_t nr_children;             /* [tfs->lock] */
	uint64_t seq;                   /* [tfs->lock] place on parent->children: above
	                                 * every earlier sibling's (directory read cursor) */
	uint64_t last_seq;              /* [tfs->lock] directories: the last seq given a child */
	bool linked;                    /* [tfs->lock] in the tree (not removed) */
	struct sem lock;                /* the qlock guarding [l] */
	struct qid qid;                 /* path [I]; type, vers [l] */
	uint32_t mode;                  /* DMDIR/DMSYMLINK [I]; DMAPPEND, perm [l] */
	uint64_t atime, mtime;          /* [l] seconds */
	int64_t length;                 /* [l] */
	uint8_t *data;                  /* [l] kmalloc'd contents, or NULL */
	size_t data_len;                /* [l] valid bytes at data (<= length) */
	size_t data_cap;                /* [l] allocated bytes at data */
	char *target;                   /* [I] symlink target, or NULL */
};

/* ---------------------------------------------------------- file systems */

/* A new, empty fs (a root directory with mode DMDIR|0777) whose files all
 * belong to 'owner'; one reference, the caller's. */
struct tree_fs *tree_fs_create(const char *owner);
void tree_fs_get(struct tree_fs *tfs);
/* Drops a reference; the last one unlinks and frees everything. */
void tree_fs_put(struct tree_fs *tfs);
/* File systems alive now (kfs, each tmpfs instance): for leak checks. */
int64_t tree_fs_nr_live(void);

/*
 * Fills tfs from the newc archive at buf: directories, regular files and
 * symlinks (paths cleaned of "." and leading "/", missing parent
 * directories made 0755; a path with ".." or a device file is reported and
 * skipped).  A malformed archive is reported with its offset and what was
 * wrong; the entries before it stay.  'label' prefixes the console
 * messages.  Returns 0, -EBADMSG (malformed), or -ENOMEM.
 */
int tree_fs_load_cpio(struct tree_fs *tfs, const void *buf, size_t len,
                      const char *label);

/* ---------------------------------------------- files (no chans needed) */

void tree_file_get(struct tree_file *tf);
void tree_file_put(struct tree_file *tf);
/* The child 'name' of dir, with a reference, or NULL (errstr not set). */
struct tree_file *tree_file_lookup(struct tree_file *dir, const char *name);
/* Creates 'name' in dir: perm holds DMDIR or DMSYMLINK (then target is the
 * link's target) and the permission bits.  Returns it with a reference.
 * Errors: EEXIST, ENOTDIR, ENOENT (dir removed), EINVAL (bad name). */
struct tree_file *tree_file_create(struct tree_file *dir, const char *name,
                                   uint32_t perm, const char *target);
/* Unlinks tf.  ENOTEMPTY for a directory with children, EBUSY for the root. */
void tree_file_remove(struct tree_file *tf);
/* The same without error(): 0, or the errno it would have raised (the
 * remove-on-close path, which cannot fail). */
int tree_file_try_remove(struct tree_file *tf);
/* tf's parent with a reference, or NULL for the root or a removed file. */
struct tree_file *tree_file_parent(struct tree_file *tf);
/* Moves tf to new_dir/new_name (same fs), replacing a file or an empty
 * directory of the same kind there. */
void tree_file_rename(struct tree_file *tf, struct tree_file *new_dir,
                      const char *new_name);
void tree_file_truncate(struct tree_file *tf, int64_t len);
size_t tree_file_read(struct tree_file *tf, void *buf, size_t n, int64_t off);
/* Writes at off (at the end if append); a gap before off reads as zeros. */
size_t tree_file_write(struct tree_file *tf, const void *buf, size_t n, int64_t off,
                       bool append);
/* Snapshot of tf's metadata.  d's strings point into names (the file's
 * name, up to MAX_NAME_LEN + 1 bytes) and into storage that lives as long
 * as tf (owner, target). */
void tree_file_stat(struct tree_file *tf, struct dir *d, char *name, size_t name_len);
/* Sets mtime (and atime). */
void tree_file_set_mtime(struct tree_file *tf, uint64_t mtime);
/* Calls fn with a snapshot of each child of dir in order, from the first
 * one after *cursor (0: from the start), setting *cursor to each child fn
 * accepts; fn returns false to stop before its child.  The cursor is the
 * child's seq, not an index: removing children does not move it, and a
 * child made or moved in later comes after it.  fn runs under tfs->lock and
 * the child's lock is already dropped: it must not call tree_file_* or
 * raise error(). */
void tree_file_for_each_child(struct tree_file *dir, uint64_t *cursor,
                              bool (*fn)(const struct dir *d, void *arg), void *arg);

/* ----------------------------------------------- device operations */

/*
 * What a RAM-fs device's struct dev points at (after a one-line wrapper for
 * attach).  Chan rules: c->aux is the tree_file (one reference) and every
 * chan holds one reference on the tree_fs; tree_chan_close drops both, for
 * every chan, open or not.
 */
struct chan *tree_chan_attach(struct tree_fs *tfs, const char *devname,
                              const char *spec);
struct walkqid *tree_chan_walk(struct chan *c, struct chan *nc, const char **names,
                               unsigned int nname);
size_t tree_chan_stat(struct chan *c, uint8_t *buf, size_t n);
struct chan *tree_chan_open(struct chan *c, int omode);
/* On success c is the new file, open with omode (Plan 9 create). */
void tree_chan_create(struct chan *c, const char *name, int omode, uint32_t perm,
                      const char *ext);
void tree_chan_close(struct chan *c);
size_t tree_chan_read(struct chan *c, void *buf, size_t n, int64_t off);
size_t tree_chan_write(struct chan *c, const void *buf, size_t n, int64_t off);
void tree_chan_remove(struct chan *c);
void tree_chan_rename(struct chan *c, struct chan *new_dir, const char *new_name);
size_t tree_chan_wstat(struct chan *c, const uint8_t *buf, size_t n);
/* The operations every tree device shares, for its struct dev after
 * .name, .letter, .reset, .init, .shutdown and .attach:
 *	struct dev tmpfs_devtab __devtab = { .name = "tmpfs", ..., TREE_CHAN_OPS };
 */
#define TREE_CHAN_OPS                                                   \
	.walk = tree_chan_walk, .stat = tree_chan_stat,                 \
	.open = tree_chan_open, .create = tree_chan_create,             \
	.close = tree_chan_close, .read = tree_chan_read,               \
	.bread = devbread, .write = tree_chan_write, .bwrite = devbwrite, \
	.remove = tree_chan_remove, .rename = tree_chan_rename,         \
	.wstat = tree_chan_wstat

/* The tree_file a chan of a tree device refers to (no new reference). */
static inline struct tree_file *tree_chan_file(const struct chan *c)
{
	return c->aux;
}
