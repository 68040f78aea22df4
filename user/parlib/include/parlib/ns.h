/* SPDX-License-Identifier: MIT */
/*
 * parlib/ns.h - changing the caller's name space (Plan 9's bind, mount and
 * unmount) from C programs: Vireo's SYS_nbind / SYS_nmount / SYS_nunmount
 * (kern/src/syscall/sys_ns.c), which have no Linux counterpart in the C library.
 *
 *	if (vireo_bind("/tmp/a", "/tmp/b", VIREO_MAFTER) < 0)
 *		printf("bind: %s (%s)\n", strerror(errno), errstr());
 *	vireo_unmount("/tmp/a", "/tmp/b");     (NULL source: all of /tmp/b)
 *
 * Each returns 0 (vireo_bind: the new mount's id, >= 0) or -1 with errno
 * and errstr() set, like any C library call.  The flags are
 * kern/include/ros/fcntl.h's M* values under names that do not clash with
 * the C library's headers (ns.c checks they agree).  The change is to the
 * process's name space, which a child made with PROC_DUP_FGRP or fork
 * shares.  vireo_mount() mounts a 9P server reached through fd: the kernel
 * answers ENOSYS until a 9P client (#mnt) exists.
 */
#pragma once

#define VIREO_MREPL   0x0000    /* replace what 'onto' shows */
#define VIREO_MBEFORE 0x0001    /* add to the front of the union */
#define VIREO_MAFTER  0x0002    /* add to the back of the union */
#define VIREO_MCREATE 0x0004    /* creates in the union go to this member */

#ifdef __cplusplus
extern "C" {
#endif

int vireo_bind(const char *src, const char *onto, int flags);
int vireo_mount(int fd, const char *onto, int flags);
int vireo_unmount(const char *src, const char *onto);

#ifdef __cplusplus
}
#endif
