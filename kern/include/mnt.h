/* SPDX-License-Identifier: MIT */
/*
 * mnt.h - #mnt, the 9P2000 client: what the rest of the kernel calls.
 * Implementation: kern/drivers/dev/mnt.c and mnt_rpc.c; design:
 * Documentation/dev/mnt.md.
 *
 *	struct chan *root = mnt_attach(server, "");   // raises on failure
 *	cmount(root, onto, MREPL, NULL);
 *	cclose(root);
 *
 * server is an open chan to a 9P server (a pipe end, a #srv entry, a
 * network connection), open for reading and writing; the mount takes its
 * own reference.  mnt_attach negotiates the version and msize and attaches
 * aname as user "none"; the chan it returns is the server's root.  Kthread
 * context; it sleeps, and an abort of the calling syscall ends it (EINTR).
 */
#pragma once

#include <ns.h>

struct chan *mnt_attach(struct chan *server, const char *aname);
