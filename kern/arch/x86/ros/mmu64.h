/* SPDX-License-Identifier: MIT */
/*
 * ros/mmu64.h - the x86-64 virtual address space, drawn once.
 *
 * Every constant that names a region is defined beside its box.  A change to
 * the map changes the picture in the same commit.  Boot code (.S) includes
 * this file too, so it holds only #defines.
 *
 *                     +------------------------------------+ 0xffffffffffffffff
 *                     |  kernel image: physical 0 .. 1 GiB |
 *                     |  mapped with 2 MiB pages; the ELF  |
 *                     |  is linked here (-mcmodel=kernel)  |
 *  KERN_LOAD_ADDR --> +------------------------------------+ 0xffffffff80000000
 *                     |  unused                            |
 *  KERN_VMAP_END ---> +------------------------------------+ 0xffffe00000000000
 *                     |  vmap: kernel virtual ranges from  |
 *                     |  the vmap arena (MMIO windows,     |
 *                     |  kthread stacks with guard pages)  |
 *  KERN_VMAP_BASE --> +------------------------------------+ 0xffffc00000000000
 *                     |  direct map of all physical memory |
 *                     |  (64 TiB at most): KADDR(pa) is    |
 *                     |  KERN_DMAP_BASE + pa               |
 *  KERN_DMAP_BASE --> +------------------------------------+ 0xffff800000000000
 *                     |  non-canonical hole                |
 *  USER_LIMIT ------> +------------------------------------+ 0x0000800000000000
 *                     |  guard page, then the main stack   |
 *                     |  (USER_STACK_TOP in mm.h)          |
 *                     |  ... mmap space, top-down ...      |
 *  USHARED_END -----> +------------------------------------+ 0x00007f0001000000
 *                     |  kernel-shared pages, pinned in    |
 *                     |  every process (never unmapped):   |
 *                     |  UDATA  procdata, read-write       |
 *                     |  UINFO  procinfo, read-only        |
 *                     |  UGINFO global info, read-only     |
 *  USHARED_BASE ----> +------------------------------------+ 0x00007f0000000000
 *                     |  mmap space, program image at 4 MiB|
 *                     |  page 0 is never mapped            |
 *                     +------------------------------------+ 0x0000000000000000
 *
 * During boot only, physical 0 .. 4 GiB is identity mapped (so the 32-bit
 * entry code can turn paging on) and mapped in the direct map (so the boot
 * information can be read wherever the loader put it); pmap_init() builds
 * the final tables, without the identity map and with all of RAM.
 */
#pragma once

#define KERN_LOAD_ADDR     0xffffffff80000000
#define KERN_LOAD_SIZE     0x0000000040000000   /* 1 GiB mapped at boot */
#define BOOT_MAP_SIZE      0x0000000100000000   /* 4 GiB direct-mapped at boot */

#define KERN_VMAP_END      0xffffe00000000000
#define KERN_VMAP_BASE     0xffffc00000000000

#define KERN_DMAP_BASE     0xffff800000000000
#define KERN_DMAP_SIZE     0x0000400000000000   /* 64 TiB */

#define USER_LIMIT         0x0000800000000000

/* Pages the kernel shares with every process (ros/procinfo.h, procdata.h,
 * globalinfo.h give their layouts).  Fixed addresses: user code finds them
 * without asking. */
#define USHARED_BASE       0x00007f0000000000
#define UGINFO             0x00007f0000000000   /* 1 page, read-only */
#define UINFO              0x00007f0000010000   /* PROCINFO_NUM_PAGES, read-only */
#define UDATA              0x00007f0000200000   /* PROCDATA_NUM_PAGES, read-write */
#define USHARED_END        0x00007f0001000000

/* Where the boot loader puts the kernel, and the AP trampoline's page. */
#define KERN_PHYS_LOAD     0x0000000000100000
#define SMP_TRAMPOLINE_PA  0x0000000000008000

#define PGSHIFT      12
#define PGSIZE       4096
#define LARGE_PGSIZE 0x200000      /* 2 MiB */
#define HUGE_PGSIZE  0x40000000    /* 1 GiB */

#define KSTACK_SIZE  (4 * PGSIZE)  /* every kernel stack, boot stacks too */
