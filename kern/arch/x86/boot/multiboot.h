/* SPDX-License-Identifier: MIT */
/*
 * boot/multiboot.h - the facts of the Multiboot (v1) and Multiboot2
 * protocols that Vireo uses: header magics and flags, the boot-information
 * layouts, and the tag types.  Shared by entry32.S (headers) and
 * bootinfo.c (parsing), so the C parts are guarded by __ASSEMBLY__.
 */
#pragma once

#define MB1_HEADER_MAGIC      0x1badb002
#define MB1_BOOT_MAGIC        0x2badb002
#define MB1_FLAG_PAGE_ALIGN   (1 << 0)   /* modules on page boundaries */
#define MB1_FLAG_MEMINFO      (1 << 1)   /* give us the memory map */
#define MB1_FLAG_AOUT_KLUDGE  (1 << 16)  /* load addresses in the header */

#define MB2_HEADER_MAGIC      0xe85250d6
#define MB2_BOOT_MAGIC        0x36d76289
#define MB2_ARCH_I386         0

#define MB2_HTAG_END          0
#define MB2_HTAG_MODULE_ALIGN 6

#ifndef __ASSEMBLY__
#include <types.h>

/* Multiboot v1 boot information (flags say which fields are valid). */
#define MB1_INFO_MEM      (1 << 0)
#define MB1_INFO_CMDLINE  (1 << 2)
#define MB1_INFO_MODS     (1 << 3)
#define MB1_INFO_MMAP     (1 << 6)

struct __packed mb1_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
};

struct __packed mb1_mod {
	uint32_t start, end;
	uint32_t string;
	uint32_t reserved;
};

/* 'size' does not count itself: the next entry is at +size+4. */
struct __packed mb1_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type;
};

/* Multiboot2: a fixed header, then 8-byte aligned tags. */
struct __packed mb2_info {
	uint32_t total_size;
	uint32_t reserved;
};

struct __packed mb2_tag {
	uint32_t type;
	uint32_t size;
};

#define MB2_TAG_END        0
#define MB2_TAG_CMDLINE    1
#define MB2_TAG_MODULE     3
#define MB2_TAG_MMAP       6
#define MB2_TAG_ACPI_OLD   14
#define MB2_TAG_ACPI_NEW   15

struct __packed mb2_tag_module {
	struct mb2_tag tag;
	uint32_t start, end;
	char string[];
};

struct __packed mb2_tag_mmap {
	struct mb2_tag tag;
	uint32_t entry_size, entry_version;
	/* entries follow */
};

struct __packed mb2_mmap_entry {
	uint64_t addr, len;
	uint32_t type, reserved;
};

/* Memory-map types, the same numbers in both protocols (and the E820's). */
#define MB_MEM_AVAILABLE   1
#define MB_MEM_RESERVED    2
#define MB_MEM_ACPI        3
#define MB_MEM_NVS         4
#define MB_MEM_BAD         5
#endif
