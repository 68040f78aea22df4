/* SPDX-License-Identifier: MIT */
/*
 * ns.h - the Plan 9 name space ("9ns"): chans, devices, mounts, name
 * spaces (pgrps) and FD tables.  Design: Documentation/9ns.md.
 *
 *	struct chan *c = namec("/dev/cons", NAMEC_OPEN, O_WRITE, 0, NULL);
 *	devtab_of(c)->write(c, "hi\n", 3, c->offset);
 *	cclose(c);
 *
 * Everything that can be opened is a chan: a reference to a file on a
 * device (#cons, #pipe, ...), with a qid that names the file on the device,
 * an offset and an open mode.  Paths are resolved by namec() in the calling
 * kthread's name space (struct pgrp); mount points are chans too.  FD tables
 * (struct fd_table) map small integers to chans.  The functions that the
 * syscall layer calls live in kern/src/ns/sysfile.c (sysfile.h).
 *
 * Errors: everything here reports failures with error() (err.h); callers
 * catch with waserror().  References: a chan returned by namec(), cclone(),
 * dev attach/open/walk carries one reference, dropped with cclose().
 *
 * Field tags (legend: Documentation/style.md): [I] immutable once the object is published (a chan, a
 * mount, a pgrp), [l] c->lock, [a] atomic (kref), [o] set by open() before
 * the chan is shared (COPEN set), [ns_mount_lock] the one global
 * spinlock in pgrp.c over every pgrp's mount hash, every union list and
 * every pgrp's current directory (held only for list operations and
 * reference grabs; never across a device call, an allocation or error()),
 * [l] the FD table's lock.
 */
#pragma once

#include <atomic.h>
#include <err.h>
#include <kref.h>
#include <list.h>
#include <ros/fcntl.h>
#include <sem.h>
#include <spinlock.h>
#include <types.h>

#define KNAMELEN      28      /* longest device file name (dirtab) */
#define MAX_PATH_LEN  4096    /* longest path namec accepts */
#define MAX_NAME_LEN  255     /* longest path element */
#define MAX_SYMLINK_DEPTH 8

struct block;
struct pgrp;
struct fd_table;
struct fd_tap;
struct fd_tap_set;

/* ------------------------------------------------------------- qids/dirs */

struct qid {
	uint64_t path;          /* unique per file on its device instance */
	uint32_t vers;          /* bumped on change (for caches) */
	uint8_t type;           /* QT* (ros/fcntl.h) */
};

static inline struct qid mkqid(uint64_t path, uint32_t vers, uint8_t type)
{
	return (struct qid){ .path = path, .vers = vers, .type = type };
}

/* A file's metadata, as stat() returns it and wstat() changes it.  The
 * strings point into storage the producer owns (see convM2D/convD2M in
 * ninep.h for the wire form). */
struct dir {
	uint16_t type;          /* device index */
	uint32_t dev;           /* device instance */
	struct qid qid;
	uint32_t mode;          /* DM* | permission bits */
	uint64_t atime, mtime;  /* seconds */
	int64_t length;
	const char *name;
	const char *uid;
	const char *gid;
	const char *muid;
	const char *ext;        /* symlink target, or "" */
};

/* ---------------------------------------------------------------- chans */

/* A path name, shared and refcounted; immutable once made. */
struct cname {
	struct kref ref;
	size_t len;             /* strlen(s) */
	char s[];
};

/* chan.flag */
#define COPEN     0x0001    /* opened: mode/offset meaningful */
#define CMSG      0x0002    /* the mount point chan of a mount driver */
#define CCEXEC    0x0004    /* close on exec (kept per FD, mirrored here) */
#define CRCLOSE   0x0008    /* remove on close */
#define CAPPEND   0x0010    /* writes go to the end */
#define CNONBLOCK 0x0020    /* O_NONBLOCK: reads/writes fail with EAGAIN */
#define CFREE     0x0040    /* on the free path; debugging */

struct chan {
	struct kref ref;        /* [a] */
	spinlock_t lock;        /* guards [l] */
	int type;               /* [I] index in devtab */
	uint32_t dev;           /* [I] device instance */
	struct qid qid;         /* [l] the file */
	uint32_t mode;          /* [o] O_READ/O_WRITE/O_EXEC */
	uint32_t flag;          /* [l] C* */
	int64_t offset;         /* [l] for read/write without an explicit offset */
	struct cname *name;     /* [l] the path it was reached by (fd2path) */
	struct mhead *mh;       /* [l] mount head, if this chan is a mount point */
	struct mhead *umh;      /* [l] union being read (directory reads) */
	struct chan *umc;       /* [l] current member of that union */
	int uri;                /* [l] union read index */
	uint64_t dri;           /* [l] directory read cursor within the device (0: the
	                         * start); each device says what it counts */
	struct chan *mchan;     /* [I] the server's chan, for #mnt */
	struct qid mqid;        /* [I] qid of the mount root */
	void *aux;              /* device private; the device states its rules */
	uint64_t devpriv;       /* device private scalar */
};

struct walkqid {
	struct chan *clone;     /* the chan that walked (NULL if no name walked) */
	unsigned int nqid;      /* how many names were walked */
	struct qid qid[];       /* their qids */
};

/* --------------------------------------------------------------- devices */

/*
 * A device: a table of operations over its files.  Declare one with
 * designated initialisers and __devtab; it is found by name ("#cons") or by
 * its Plan 9 letter ("#c").  Operations that do not apply use the defaults
 * in kern/src/ns/dev.c (devstat, devopen, deverror_create, ...).  Every
 * operation reports errors with error().  Start new devices from
 * kern/drivers/dev/template.c.
 */
struct dev {
	const char *name;
	char letter;            /* Plan 9 alias, or 0 */
	void (*reset)(void);    /* boot, before any attach */
	void (*init)(void);     /* boot, after reset of every device */
	void (*shutdown)(void);
	struct chan *(*attach)(const char *spec);
	struct walkqid *(*walk)(struct chan *c, struct chan *nc, const char **names,
	                        unsigned int nname);
	size_t (*stat)(struct chan *c, uint8_t *buf, size_t n);   /* 9P stat bytes */
	struct chan *(*open)(struct chan *c, int omode);
	void (*create)(struct chan *c, const char *name, int omode, uint32_t perm,
	               const char *ext);
	void (*close)(struct chan *c);
	size_t (*read)(struct chan *c, void *buf, size_t n, int64_t off);
	struct block *(*bread)(struct chan *c, size_t n, int64_t off);
	size_t (*write)(struct chan *c, const void *buf, size_t n, int64_t off);
	size_t (*bwrite)(struct chan *c, struct block *b, int64_t off);
	void (*remove)(struct chan *c);
	void (*rename)(struct chan *c, struct chan *new_dir, const char *new_name);
	size_t (*wstat)(struct chan *c, const uint8_t *buf, size_t n);
	/* fcntl-style flags (CNONBLOCK, CAPPEND) changed on an open chan. */
	void (*chan_ctl)(struct chan *c, int op, uint64_t arg);
	/* A line for fd listings ("qid path 3 pipe data1"). */
	char *(*chaninfo)(struct chan *c, char *buf, size_t len);
	/* Optional: the name space pgrpid is gone (ids are never reused), so
	 * drop what the device keeps per name space (#env's variables).
	 * Called by the pgrp's release after its mounts are gone; may sleep. */
	void (*pgrp_release)(uint64_t pgrpid);
	/* Optional: FD taps (fdtap.h).  ADD checks tap->filter
	 * (fdtap_check_filter), links the tap on the file's fdtap_list and
	 * fires it at once for what is already true; it may error().  REM
	 * unlinks it and never fails.  NULL: the device has no taps. */
	void (*tapfd)(struct chan *c, struct fd_tap *tap, int cmd);
	/* Optional: device memory for mmap (vm/mm_device.c).  For the open
	 * chan c, a page-aligned off and len and the protection: stores the
	 * physical address of [off, off + len) of c's file in *pa and returns
	 * 0, or returns -errno with *why (a constant string) saying why not.
	 * Called with the mapping process's mm lock not held; must not
	 * sleep long.  NULL: no device memory here. */
	int (*mmap)(struct chan *c, uint64_t off, size_t len, uint32_t prot, physaddr_t *pa,
	            const char **why);
};

#define CCTL_SET_FL 1       /* chan_ctl op: arg = new C* flags (nonblock, append) */

#define __devtab __attribute__((section(".devtab"), used, aligned(8)))

extern struct dev devtab_start[], devtab_end[];

static inline int devtab_count(void)
{
	return (int)(devtab_end - devtab_start);
}

static inline struct dev *devtab_of(const struct chan *c)
{
	return &devtab_start[c->type];
}

/* The device named 'name' ("cons" or "c"), or -1. */
int devno(const char *name);
void devtab_reset_all(void);
void devtab_init_all(void);
/* Calls every device's pgrp_release hook (pgrp.c, when a pgrp dies). */
void devtab_pgrp_release(uint64_t pgrpid);

/* File tables of simple devices, and the default operations over them. */
struct dirtab {
	char name[KNAMELEN];
	struct qid qid;
	int64_t length;
	uint32_t perm;
};

typedef int (*devgen_fn)(struct chan *c, const char *name, const struct dirtab *tab,
                         int ntab, int i, struct dir *dp);
/* devgen return values */
#define DEVGEN_ENTRY  1
#define DEVGEN_SKIP   0
#define DEVGEN_END   -1

void mkdir_entry(struct dir *d, struct qid qid, const char *name, int64_t length,
                 const char *owner, uint32_t perm);
int devgen(struct chan *c, const char *name, const struct dirtab *tab, int ntab,
           int i, struct dir *dp);
struct chan *devattach(const char *devname, const char *spec);
struct chan *devclone(struct chan *c);
struct walkqid *devwalk(struct chan *c, struct chan *nc, const char **names,
                        unsigned int nname, const struct dirtab *tab, int ntab,
                        devgen_fn gen);
size_t devstat(struct chan *c, uint8_t *db, size_t n, const struct dirtab *tab,
               int ntab, devgen_fn gen);
size_t devdirread(struct chan *c, void *buf, size_t n, const struct dirtab *tab,
                  int ntab, devgen_fn gen);
struct chan *devopen(struct chan *c, int omode, const struct dirtab *tab, int ntab,
                     devgen_fn gen);
void devpermcheck(const char *owner, uint32_t perm, int omode);
struct block *devbread(struct chan *c, size_t n, int64_t off);
size_t devbwrite(struct chan *c, struct block *b, int64_t off);
void devcreate(struct chan *c, const char *name, int omode, uint32_t perm,
               const char *ext);
void devremove(struct chan *c);
void devrename(struct chan *c, struct chan *new_dir, const char *new_name);
size_t devwstat(struct chan *c, const uint8_t *buf, size_t n);
void devshutdown(void);
void devreset(void);
void devinit(void);

/* Text files built once per open (devsnap.c): build(s, qid path) fills
 * the slice kept in c->aux; reads at any offset of one open agree. */
struct slice;
void devsnap_open(struct chan *c, void (*build)(struct slice *s, uint64_t path),
                  const char *dev);
size_t devsnap_read(struct chan *c, void *buf, size_t n, int64_t off, const char *dev);
void devsnap_close(struct chan *c);

/* Serve a read at off from a string or a memory range: bytes copied (0 at
 * or past the end); error(EINVAL) for a negative off. */
size_t readstr(int64_t off, void *buf, size_t n, const char *str);
size_t readmem(int64_t off, void *buf, size_t n, const void *mem, size_t len);
/* Marshal one dir into 9P stat bytes; error(EINVAL) if buf is too short or
 * the entry does not fit 9P's 16-bit stat size. */
size_t dev_stat_pack(const struct dir *d, uint8_t *buf, size_t n);
/* Packs one entry of a directory read into buf (n bytes left), without
 * d->ext (a listing carries no symlink target): the bytes written, or 0
 * with *full set if it does not fit (stop the read there), or 0 with *full
 * clear if it would pass DIRENT_MAX (ros/fcntl.h): skip it, as devdirread
 * does (reported once per boot).  Never error()s. */
size_t dev_dirent_pack(const struct chan *c, const struct dir *d, uint8_t *buf,
                       size_t n, bool *full);

/* ----------------------------------------------------------- chan calls */

struct chan *newchan(void);
void chan_incref(struct chan *c);
void cclose(struct chan *c);
struct chan *cclone(struct chan *c);
int cmount(struct chan *new, struct chan *old, int flag, const char *spec);
void cunmount(struct chan *mnt, struct chan *mounted);
struct cname *newcname(const char *s);
void cnameclose(struct cname *n);
/* Lexically cleans a path in place (Plan 9 cleanname): "a//b/./c/.." -> "a/b". */
char *cleanname(char *path);

/* namec: resolve a path in the current name space. */
enum namec_amode {
	NAMEC_ACCESS,           /* walk only, no open (stat, chdir, bind source) */
	NAMEC_OPEN,             /* walk and open with omode */
	NAMEC_CREATE,           /* create the last element (omode, perm) */
	NAMEC_MOUNT,            /* walk to a mount point: do not cross its mount */
	NAMEC_REMOVE,           /* walk for remove */
};
struct chan *namec(const char *path, int amode, int omode, uint32_t perm,
                   const char *ext);
/* Like namec, but a relative path starts at 'dir' instead of the cwd. */
struct chan *namec_from(struct chan *dir, const char *path, int amode, int omode,
                        uint32_t perm, const char *ext);
/* namec with the path as (ptr, len): a NUL inside len is an error; dir
 * NULL means the current directory. */
struct chan *namec_n(struct chan *dir, const char *path, size_t len, int amode,
                     int omode, uint32_t perm, const char *ext);
/* An unopened chan on the file open chan c names (a walk cannot start from
 * an open chan): c's own name is looked up again, at any length, and must
 * still be the same file (else ENOENT). */
struct chan *namec_reopen(struct chan *c);

/* Open-mode checks and conversion to 9P's (O_EXEC counts as read). */
int omode_to_9p(int omode);
int omode_to_rwx(int omode);    /* DMREAD|DMWRITE|DMEXEC bits the mode needs */

/* ----------------------------------------------------- mounts and pgrps */

/*
 * Locking of mounts and name spaces (pgrp.c): ns_mount_lock guards
 * every field below that can change.  Readers (namec's mount crossing,
 * union reads) take only it.  A writer (cmount, cunmount, pgrp_dup's copy,
 * pgrp_unmount_all) first takes its pgrp's ns_lock, a sleeping lock that
 * orders writers of that pgrp against each other, and then ns_mount_lock
 * for each change; holding ns_lock, it may read its own pgrp's [ns_mount_lock] fields
 * without ns_mount_lock, since no one else writes them.
 */
struct mount {
	struct mount *next;     /* [ns_mount_lock] next in this mount head's union */
	struct mhead *head;     /* [I] set before the mount is linked */
	struct chan *to;        /* [I] what is mounted (one reference) */
	int mflag;              /* [I] MCREATE and order */
	char *spec;             /* [I] kfree'd; NULL: mount_new does not keep specs yet (no #mnt) */
	uint64_t mountid;       /* [I] */
};

struct mhead {
	struct kref ref;        /* [a] the hash's, each chan's c->mh/c->umh, walkers' */
	struct chan *from;      /* [I] the mount point (one reference) */
	struct mount *mount;    /* [ns_mount_lock] the union, in order */
	struct mhead *hash;     /* [ns_mount_lock] next in the pgrp's hash chain */
};

#define MNTHASH 32

/* A name space: the mount table of a group of processes (and kthreads). */
struct pgrp {
	struct kref ref;                /* [a] */
	struct sem ns_lock;             /* serialises this pgrp's mount-table writers */
	struct mhead *mnthash[MNTHASH]; /* [ns_mount_lock] */
	int nr_mounts;                  /* [ns_lock] mount entries in the table */
	uint64_t pgrpid;                /* [I] */
	struct chan *root;              /* [I] "/" of this name space, set before sharing */
	struct chan *dot;               /* [ns_mount_lock] current directory (pgrp_get_dot/set_dot) */
};

struct pgrp *newpgrp(void);
struct pgrp *pgrp_dup(struct pgrp *from);
void pgrp_close(struct pgrp *p);
/* The current directory of p (a new reference), or NULL if it has none;
 * replacing it takes a reference to c and drops the old one. */
struct chan *pgrp_get_dot(struct pgrp *p);
void pgrp_set_dot(struct pgrp *p, struct chan *c);
/* The name space the current kthread resolves paths in. */
struct pgrp *current_pgrp(void);

/* ----------------------------------------------------------- FD tables */

#define NR_OPEN_FILES_DEFAULT  32
#define NR_FILE_DESC_MAX       4096      /* largest FD table */
#define NR_FILE_DESC_USER_BASE 3840      /* [3840, 4096): library FDs (epoll) */

struct fd_entry {
	struct chan *chan;      /* NULL: free */
	int fd_flags;           /* FD_CLOEXEC */
};

#define FD_CLOEXEC 1

struct fd_table {
	spinlock_t lock;        /* guards [l] */
	int max_files;          /* [l] slots allocated */
	int hint;               /* [l] no free fd below this */
	bool closed;            /* [l] the table is being torn down */
	struct fd_entry *fd;    /* [l] */
	struct fd_tap_set *taps; /* [l] made by the first tap (fdtap.c), freed
	                         * by fd_table_destroy */
};
