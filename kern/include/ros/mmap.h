/* SPDX-License-Identifier: MIT */
/*
 * ros/mmap.h - mmap/mprotect protections and mmap flags, shared by the kernel
 * and user space.  The values are Linux's, so the C library port passes them
 * through unchanged.
 *
 * mmap takes exactly one of MAP_SHARED and MAP_PRIVATE.  MAP_ANONYMOUS
 * ignores fd (pass -1) and needs offset 0.  MAP_FIXED places the mapping at
 * addr, replacing what was there (never the procinfo, procdata or global info
 * pages, and never at or above USER_LIMIT); without it addr is a hint.
 * MAP_POPULATE faults the pages in before the call returns; MAP_LOCKED
 * populates them and keeps them resident.  Any other bit is EINVAL.
 * Kernel side: the mmap handlers and the VMR code (kern/include/vmr.h).
 * User side: the C library's mmap/mprotect/munmap.
 */
#pragma once

#define PROT_NONE   0x0
#define PROT_READ   0x1
#define PROT_WRITE  0x2
#define PROT_EXEC   0x4
#define PROT_ALL    (PROT_READ | PROT_WRITE | PROT_EXEC)

#define MAP_SHARED     0x00001
#define MAP_PRIVATE    0x00002
#define MAP_TYPE       0x0000f       /* SHARED or PRIVATE */
#define MAP_FIXED      0x00010
#define MAP_ANONYMOUS  0x00020
#define MAP_ANON       MAP_ANONYMOUS
#define MAP_LOCKED     0x02000
#define MAP_POPULATE   0x08000
#define MAP_ALL_FLAGS  (MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | \
                        MAP_LOCKED | MAP_POPULATE)

