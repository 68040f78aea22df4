/* SPDX-License-Identifier: MIT */
/*
 * ros/kstat.h - struct kstat (what fstat/stat/lstat write) and struct
 * ktimespec (times in the ABI), shared by the kernel and user space.
 *
 * The kernel fills a kstat from a file's 9P dir (kern/include/ns.h struct
 * dir): st_dev/st_rdev from the device type and instance, st_ino from the
 * qid path, st_mode from DM* bits translated to S_IF* plus the permission
 * bits, times from atime/mtime (seconds; ctime = mtime).  st_readiness tells
 * select/poll emulation whether a read or write would not block now.
 * Kernel side: the stat handlers over kern/src/ns/sysfile.c.  User side: the
 * C library port (tools/compilers/) converts kstat to its struct stat.
 */
#pragma once

#include <stdint.h>

struct ktimespec {
	int64_t tv_sec;
	int64_t tv_nsec;                /* 0..999999999 */
};

/* st_mode file types (POSIX values) */
#define S_IFMT    0170000
#define S_IFSOCK  0140000
#define S_IFLNK   0120000
#define S_IFREG   0100000
#define S_IFBLK   0060000
#define S_IFDIR   0040000
#define S_IFCHR   0020000
#define S_IFIFO   0010000
#define S_PERM    0007777   /* permission bits, setuid/setgid/sticky included */

/* st_readiness */
#define KSTAT_READABLE  0x1
#define KSTAT_WRITABLE  0x2

struct kstat {
	uint64_t st_dev;                /* device type << 32 | instance */
	uint64_t st_ino;                /* qid path */
	uint32_t st_mode;               /* S_IF* | permission bits */
	uint32_t st_nlink;
	uint32_t st_uid;
	uint32_t st_gid;
	uint64_t st_rdev;
	int64_t st_size;
	int64_t st_blksize;
	int64_t st_blocks;              /* 512-byte blocks */
	struct ktimespec st_atim;
	struct ktimespec st_mtim;
	struct ktimespec st_ctim;
	uint32_t st_qid_vers;           /* the qid's version */
	uint32_t st_qid_type;           /* QT* (ros/fcntl.h) */
	uint32_t st_readiness;          /* KSTAT_* at the time of the call */
	uint32_t __pad0;
};

_Static_assert(sizeof(struct ktimespec) == 16, "struct ktimespec is 16 bytes");
_Static_assert(__builtin_offsetof(struct kstat, st_mode) == 16, "kstat.st_mode");
_Static_assert(__builtin_offsetof(struct kstat, st_size) == 40, "kstat.st_size");
_Static_assert(__builtin_offsetof(struct kstat, st_atim) == 64, "kstat.st_atim");
_Static_assert(__builtin_offsetof(struct kstat, st_qid_vers) == 112, "kstat.st_qid_vers");
_Static_assert(sizeof(struct kstat) == 128, "struct kstat is 128 bytes");
