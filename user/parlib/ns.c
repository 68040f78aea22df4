/* SPDX-License-Identifier: MIT */
/*
 * ns.c - parlib's name-space calls (parlib/ns.h): thin wrappers of
 * SYS_nbind, SYS_nmount and SYS_nunmount through ros_syscall(), which
 * measures nothing itself: the paths' lengths are taken here with strlen
 * (a NULL path is EFAULT from here, before any trap).  The kernel checks
 * the flags and paths and sets errstr; ros_syscall() turns its err into
 * errno.
 */
#include <errno.h>
#include <string.h>
#include <parlib/ns.h>
#include <parlib/syscall.h>
#include <ros/fcntl.h>

_Static_assert(VIREO_MREPL == MREPL && VIREO_MBEFORE == MBEFORE &&
               VIREO_MAFTER == MAFTER && VIREO_MCREATE == MCREATE,
               "parlib/ns.h's flags must be ros/fcntl.h's");

static int ns_null_path(const char *call)
{
	errno = EFAULT;
	errstr_set(call);
	return -1;
}

int vireo_bind(const char *src, const char *onto, int flags)
{
	if (!src || !onto)
		return ns_null_path("vireo_bind: NULL path");
	return (int)ros_syscall(SYS_nbind, (long)src, (long)strlen(src), (long)onto,
	                        (long)strlen(onto), flags, 0);
}

int vireo_mount(int fd, const char *onto, int flags)
{
	if (!onto)
		return ns_null_path("vireo_mount: NULL path");
	return (int)ros_syscall(SYS_nmount, fd, (long)onto, (long)strlen(onto), flags, 0, 0);
}

int vireo_unmount(const char *src, const char *onto)
{
	if (!onto)
		return ns_null_path("vireo_unmount: NULL path");
	return (int)ros_syscall(SYS_nunmount, (long)(src ? src : ""), src ? (long)strlen(src) : 0,
	                        (long)onto, (long)strlen(onto), 0, 0) < 0 ? -1 : 0;
}
