/* SPDX-License-Identifier: MIT */
/*
 * boot.h - what the boot loader told us, in one protocol-neutral form.
 *
 * kern/arch/x86/bootinfo.c fills 'boot_info' from Multiboot v1 or
 * Multiboot2 information before any allocator exists; every string and
 * module is copied or bounds-checked there, so later code never touches the
 * loader's structures.  After boot the struct is read-only.
 */
#pragma once

#include <memmap.h>
#include <types.h>

#define BOOT_CMDLINE_MAX   1024
#define BOOT_MAX_MODULES   8
#define BOOT_MODNAME_MAX   64
#define BOOT_RSDP_MAX      36

enum boot_protocol {
	BOOT_MULTIBOOT1 = 1,
	BOOT_MULTIBOOT2 = 2,
};

struct boot_module {
	physaddr_t start;
	physaddr_t end;                 /* exclusive */
	char name[BOOT_MODNAME_MAX];
};

struct boot_info {
	enum boot_protocol protocol;
	char cmdline[BOOT_CMDLINE_MAX];
	struct memmap ram;              /* RAM the loader called available */
	struct memmap reserved;         /* everything the loader listed as not RAM */
	uint64_t max_pa;                /* end of the highest RAM range */
	int nr_modules;
	struct boot_module modules[BOOT_MAX_MODULES];
	uint8_t rsdp[BOOT_RSDP_MAX];    /* copy of the RSDP, if the loader gave one */
	size_t rsdp_len;                /* 0 if none */
};

extern struct boot_info boot_info;

/*
 * How bootinfo.c reads the loader's structures: returns a pointer to
 * [pa, pa+len) or NULL when that range is not readable.  The kernel's
 * default is the boot direct map below BOOT_MAP_SIZE; host tests install a
 * map of fake physical memory.  NULL restores the default.
 */
typedef const void *(*boot_map_fn)(physaddr_t pa, size_t len);
void bootinfo_set_map(boot_map_fn fn);

/* Parses the loader's information; returns 0 or a negative errno. */
int bootinfo_parse(uint32_t magic, physaddr_t info_pa);

/* Permanent memory during boot, before the page allocator runs. */
void *boot_alloc(size_t size, size_t align);

/* Gives boot module i's pages to the page allocator (kern/src/mm/mem.c):
 * its bytes must not be read afterwards, and boot_info.modules[i] becomes
 * empty.  Boot kthread only, once per module. */
void mem_free_boot_module(int i);
