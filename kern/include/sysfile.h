/* SPDX-License-Identifier: MIT */
/*
 * sysfile.h - the kernel file interface (kern/src/ns/sysfile.c) and the
 * name-space helpers around it (chan.c, namec.c, pgrp.c, dev.c).
 *
 *	int fd = sysopenat(AT_FDCWD, "/dev/cons", O_WRITE, 0);
 *	if (fd < 0)
 *		printk("%s (errno %d)\n", get_errstr(), get_errno());
 *	syswrite(fd, "hi\n", 3);
 *	sysclose(fd);
 *
 * The device helpers (readstr, readmem, dev_stat_pack) and namec_n are in
 * ns.h, with the rest of the device and namec API.
 *
 * The sys* functions are what the syscall layer (and the ktests) call.  Each
 * catches error() itself and returns -1 with the errno and message kept in
 * the calling kthread (get_errno()/get_errstr(), err.h): this is the one
 * place in the kernel where an error stack becomes a return value, and the
 * syscall layer's sysc_fail_from_kthread() the one place where that value
 * becomes the user's err + errstr.  They need a kthread context and may
 * block.
 *
 * "Current": until processes exist, every kthread resolves names in the
 * kernel's name space (ns_init.c builds it) and uses the kernel's FD table.
 * ns_swap_pgrp()/ns_swap_fdt() replace them, for tests that need a private
 * name space; the caller puts the old ones back.  Only one kthread at a
 * time may use that (the ktest runner runs one test at a time).
 */
#pragma once

#include <ns.h>
#include <types.h>

#define AT_FDCWD  (-100)        /* sysopenat: relative to the current dir */

/* sysseek whence */
#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* ----------------------------------------------------- the current context */

struct fd_table *current_fdt(void);
/* Install p (or t) as current; return the previous one (no references move). */
struct pgrp *ns_swap_pgrp(struct pgrp *p);
struct fd_table *ns_swap_fdt(struct fd_table *t);
/* Builds the kernel name space: every device's reset and init, then the
 * binds of the boot name space (Documentation/9ns.md).  Boot core, once. */
void ns_init(void);

/* ------------------------------------------------------ file interface */

int sysopenat(int dirfd, const char *path, int omode, uint32_t perm);
int sysopen(const char *path, int omode, uint32_t perm);
/* Same, with the path given as bytes: a NUL inside len is an error. */
int sysopenat_n(int dirfd, const char *path, size_t len, int omode, uint32_t perm);
int syscreate(const char *path, int omode, uint32_t perm);
ssize_t sysread(int fd, void *buf, size_t n);
ssize_t syswrite(int fd, const void *buf, size_t n);
ssize_t syspread(int fd, void *buf, size_t n, int64_t off);
ssize_t syspwrite(int fd, const void *buf, size_t n, int64_t off);
int64_t sysseek(int fd, int64_t off, int whence);
int sysclose(int fd);
int sysdup(int fd, int low, int fd_flags);       /* lowest free fd >= low */
int sysdup_to(int from, int to, int fd_flags);   /* fd_flags: FD_CLOEXEC or 0 */
int sysgetfd(int fd);                            /* FD_* flags, or -1 */
int syssetfd(int fd, int fd_flags);
int sysgetfl(int fd);                            /* access mode | O_APPEND | O_NONBLOCK */
int syssetfl(int fd, int o_flags);               /* O_APPEND | O_NONBLOCK */
/* stat/wstat carry 9P stat bytes (ninep.h convM2D decodes them). */
ssize_t sysfstat(int fd, uint8_t *buf, size_t n);
ssize_t sysstat(const char *path, uint8_t *buf, size_t n, int flags);   /* O_NOFOLLOW */
ssize_t sysfwstat(int fd, const uint8_t *buf, size_t n);
ssize_t syswstat(const char *path, const uint8_t *buf, size_t n);
int sysremove(const char *path);                 /* any file */
int sysrmdir(const char *path);                  /* only a directory (ENOTDIR) */
int sysunlink(const char *path);                 /* anything else (EISDIR) */
int sysrename(const char *from, const char *to);
int systruncate(const char *path, int64_t len);
int sysmkdir(const char *path, uint32_t perm);
int syssymlink(const char *target, const char *path);
int sysbind(const char *src, const char *onto, int flag);
int sysmount(int fd, int afd, const char *onto, int flag, const char *spec);  /* #mnt: 9P server on fd */
int sysunmount(const char *src, const char *onto);   /* src NULL: everything */
int sysfd2path(int fd, char *buf, size_t len);
/* The current directory of pg (NULL: the current name space) becomes path,
 * resolved in the current name space, or the directory fd has open. */
int syschdir(struct pgrp *pg, const char *path);
int sysfchdir(struct pgrp *pg, int fd);
int sysgetcwd(char *buf, size_t len);

/* ----------------------------------------------- chan-level helpers */

/* Chans alive now (newchan minus freed): tests check it returns to baseline. */
int64_t chan_nr_live(void);
/* New cname "base/elem" (one reference). */
struct cname *cname_add(const struct cname *base, const char *elem, size_t elen);
/* Reads/writes an open chan at off; directories read through unions. */
size_t chan_read(struct chan *c, void *buf, size_t n, int64_t off);
size_t chan_write(struct chan *c, const void *buf, size_t n, int64_t off);
/* Stats c into a kmalloc'd struct dir whose strings follow it (kfree it). */
struct dir *chan_dirstat(struct chan *c);
/* Copies c's path into buf (NUL-terminated); error(ERANGE-like) if short. */
void chan_path(struct chan *c, char *buf, size_t len);
/* Mount heads (pgrp.c): drop a reference; the i-th member's chan (a new
 * reference) or NULL past the end; the head mounted on c, or NULL. */
void mhead_put(struct mhead *mh);
struct chan *mhead_member(struct mhead *mh, int i);
struct mhead *mount_lookup(struct pgrp *p, struct chan *c);
/* The union member that takes creates (MCREATE): a new reference, or NULL. */
struct chan *mhead_create_member(struct mhead *mh);
/* Reads the union directory c->umh (pgrp.c); 0 at the end. */
size_t union_read(struct chan *c, void *buf, size_t n);
/* Removes every mount of pgrp p (pgrp_close and tests). */
void pgrp_unmount_all(struct pgrp *p);
