/* SPDX-License-Identifier: MIT */
/*
 * ros/fcntl.h - open modes and file flags, shared by the kernel and user
 * space.  Kernel side: kern/src/ns/ (namec, sysfile.c); user side: the C
 * library port (tools/compilers/) translates the C library's flags here.
 *
 * Access is three bits, so O_RDONLY is not zero and an FD with no access at
 * all (O_PATH) can exist.  O_EXEC may be combined with the others.
 */
#pragma once

#define O_EXEC       0x00000001
#define O_WRITE      0x00000002
#define O_READ       0x00000004
#define O_ACCMODE    0x00000007
#define O_RDONLY     O_READ
#define O_WRONLY     O_WRITE
#define O_RDWR       (O_READ | O_WRITE)

#define O_CREAT      0x00000040
#define O_EXCL       0x00000080
#define O_NOCTTY     0x00000100
#define O_TRUNC      0x00000200
#define O_APPEND     0x00000400
#define O_NONBLOCK   0x00000800
#define O_DIRECTORY  0x00010000
#define O_NOFOLLOW   0x00020000
#define O_CLOEXEC    0x00080000
#define O_PATH       0x00200000
#define O_REMCLO     0x00400000   /* remove the file when the last chan closes */

/* Flags that stay with an open file (fcntl F_GETFL/F_SETFL). */
#define O_FILE_FLAGS (O_APPEND | O_NONBLOCK)
/* Every flag the kernel knows; anything else is EINVAL. */
#define O_ALL_FLAGS  (O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
                      O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC | O_PATH | O_REMCLO)

/*
 * fcntl commands (Linux's numbers, so a C library passes them unchanged).
 * F_GETFL answers the access mode plus O_APPEND/O_NONBLOCK; F_SETFL changes
 * only O_FILE_FLAGS and ignores other known flags (F_GETFL's access bits
 * come back in the usual read-modify-write); unknown bits are EINVAL.
 * F_DUPFD/F_DUPFD_CLOEXEC take the lowest acceptable fd as the argument.
 */
#define F_DUPFD          0
#define F_GETFD          1
#define F_SETFD          2
#define F_GETFL          3
#define F_SETFL          4
#define F_DUPFD_CLOEXEC  1030
#define FD_CLOEXEC       1        /* F_GETFD/F_SETFD (ns.h spells it the same) */

/* bind/mount flags */
#define MREPL    0x0000   /* replace the mount point */
#define MBEFORE  0x0001   /* add to the front of the union */
#define MAFTER   0x0002   /* add to the back of the union */
#define MCREATE  0x0004   /* creates in the union go to this member */
#define MORDER   0x0003
#define MFLAGMASK 0x0007

/* File permission bits in a dir's mode (9P), and the type bits above them. */
#define DMDIR      0x80000000
#define DMAPPEND   0x40000000
#define DMEXCL     0x20000000
#define DMMOUNT    0x10000000
#define DMTMP      0x04000000
#define DMSYMLINK  0x02000000
#define DMREAD     0x4
#define DMWRITE    0x2
#define DMEXEC     0x1

/*
 * The longest entry (one 9P stat record) a directory read returns.  Entries
 * carry no symlink target (stat does), only a name of at most 255 bytes and
 * short owner strings, so they fit; an entry that would not is skipped and
 * reported.  A read of at least DIRENT_MAX bytes therefore returns an entry
 * unless the listing is at its end; a smaller buffer may get EINVAL.
 */
#define DIRENT_MAX 1024

/* A qid's type: the top byte of its dir's mode. */
#define QTDIR      0x80
#define QTAPPEND   0x40
#define QTEXCL     0x20
#define QTMOUNT    0x10
#define QTTMP      0x04
#define QTSYMLINK  0x02
#define QTFILE     0x00
