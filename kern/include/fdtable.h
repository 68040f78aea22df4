/* SPDX-License-Identifier: MIT */
/*
 * fdtable.h - FD tables: small integers naming chans (kern/src/ns/fdtable.c;
 * struct fd_table is in ns.h).
 *
 *	struct fd_table t;  fd_table_init(&t);
 *	int fd = fd_alloc_chan(&t, c, 0, 0);      // takes over c's reference
 *	struct chan *c2 = fd_get_chan(&t, fd);    // a new reference, or NULL
 *	fd_close(&t, fd);                         // cclose()s outside the lock
 *	fd_table_destroy(&t);                     // closes everything left
 *
 * Allocation gives the lowest free fd >= low.  Ordinary allocations stay
 * below NR_FILE_DESC_USER_BASE; [NR_FILE_DESC_USER_BASE, NR_FILE_DESC_MAX)
 * is reserved for library FDs (epoll and friends), reached only by asking
 * for low >= NR_FILE_DESC_USER_BASE or by fd_dup_to().  The table grows by
 * doubling from NR_OPEN_FILES_DEFAULT up to NR_FILE_DESC_MAX slots.
 *
 * Functions return a negative errno (-EBADF, -EMFILE, -ENOMEM, -EINVAL)
 * and never call error(): they are core code.  The table lock is a
 * spinlock; chans are never closed while holding it.  fd_alloc_chan may
 * sleep (MEM_WAIT growth), so kthread context only.
 */
#pragma once

#include <ns.h>

void fd_table_init(struct fd_table *t);
int fd_table_prealloc(struct fd_table *t);
/* Closes every fd and frees the slots; the table refuses new fds after. */
void fd_table_destroy(struct fd_table *t);
/* Copies every open fd of from into the empty table to (new references). */
int fd_table_clone(struct fd_table *from, struct fd_table *to);
/* Closes the fds marked FD_CLOEXEC (exec). */
void fd_table_close_on_exec(struct fd_table *t);
/* Open fds now (tests, /proc). */
int fd_table_nr_open(struct fd_table *t);

int fd_alloc_chan(struct fd_table *t, struct chan *c, int low, int fd_flags);
struct chan *fd_get_chan(struct fd_table *t, int fd);
int fd_close(struct fd_table *t, int fd);
int fd_dup(struct fd_table *t, int fd, int low, int fd_flags);
/* Makes 'to' name from's chan, closing what 'to' named before. */
int fd_dup_to(struct fd_table *t, int from, int to, int fd_flags);
int fd_get_flags(struct fd_table *t, int fd);
int fd_set_flags(struct fd_table *t, int fd, int fd_flags);
/* Words for one of the negative errnos above, for error messages. */
const char *fd_strerror(int err);
