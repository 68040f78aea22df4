/* SPDX-License-Identifier: MIT */
/*
 * bootinfo.c - reads Multiboot v1 and Multiboot2 boot information into the
 * protocol-neutral 'boot_info' (boot.h).
 *
 * The loader's structures are input like any other.  Every physical read
 * goes through boot_map(), which calls one accessor: the kernel's default
 * hands out the boot direct map below BOOT_MAP_SIZE, host tests install a
 * map of fake memory with bootinfo_set_map().  Each pointer is checked by
 * that accessor, each length against its container (in 64-bit arithmetic,
 * so no hostile size can wrap an offset back and loop), each string copied
 * byte by byte with a bound.  A malformed piece is reported and skipped;
 * the kernel goes on with what was valid.  Only a missing or unreadable
 * info block, an unknown magic or an empty memory map fail the parse.
 *
 * What the ranges mean (RAM against the kernel, the modules, reserved
 * areas) is checked later by kern/src/mm/bootmem.c.  Boot-time, one core.
 */
#include <boot.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <ros/mmu64.h>

#include "boot/multiboot.h"

#define MB1_MMAP_ENTRY_MIN 20   /* an entry's 'size' field, not counting itself */
#define ACPI_RSDP_V1_LEN   20

struct boot_info boot_info;

static uint64_t boot_dropped_modules;   /* modules past BOOT_MAX_MODULES */

/* ------------------------------------------------------ memory access --- */

#ifndef VIREO_HOST
#include <arch/mmu.h>

/* The boot page tables map physical [0, 4 GiB) in the direct map. */
static const void *boot_direct_map(physaddr_t pa, size_t len)
{
	if (pa >= BOOT_MAP_SIZE || len > BOOT_MAP_SIZE - pa)
		return NULL;
	return KADDR(pa);
}
#define BOOT_DEFAULT_MAP boot_direct_map
#else
#define BOOT_DEFAULT_MAP NULL       /* host tests install their own */
#endif

static boot_map_fn boot_map_cb = BOOT_DEFAULT_MAP;

void bootinfo_set_map(boot_map_fn fn)
{
	boot_map_cb = fn ? fn : BOOT_DEFAULT_MAP;
}

/* [pa, pa+len) readable in one piece, or NULL. */
static const void *boot_map(uint64_t pa, uint64_t len)
{
	uint64_t end;

	if (!boot_map_cb || len == 0 || __builtin_add_overflow(pa, len, &end))
		return NULL;
	return boot_map_cb(pa, len);
}

/*
 * Copies the NUL-terminated string at 'pa' into dst[size], reading at most
 * 'src_max' bytes and never a byte the accessor refuses.  Whatever was read
 * before a problem is kept; the problem is reported.
 */
static void boot_copy_string(char *dst, size_t size, uint64_t pa, uint64_t src_max,
                             const char *what)
{
	size_t i;

	for (i = 0; i < size - 1; i++) {
		const char *c = i < src_max ? boot_map(pa + i, 1) : NULL;

		if (!c) {
			printk("boot: %s at %#lx is not terminated within %s; cut after %zu bytes\n",
			       what, (unsigned long)pa,
			       i < src_max ? "readable memory" : "its tag", i);
			break;
		}
		if (*c == 0)
			break;
		dst[i] = *c;
	}
	dst[i] = 0;
	if (i == size - 1) {
		const char *c = i < src_max ? boot_map(pa + i, 1) : NULL;

		if (!c || *c)
			printk("boot: %s at %#lx is longer than %zu bytes; truncated\n",
			       what, (unsigned long)pa, size - 1);
	}
}

/* ------------------------------------------------------ common output --- */

static void boot_add_mem(uint64_t base, uint64_t len, uint32_t type)
{
	struct memmap *m = type == MB_MEM_AVAILABLE ? &boot_info.ram : &boot_info.reserved;
	uint64_t end;

	if (__builtin_add_overflow(base, len, &end))
		printk("boot: memory range %#lx+%#lx wraps past 2^64; clamped\n",
		       (unsigned long)base, (unsigned long)len);
	if (type == MB_MEM_AVAILABLE && memmap_overlaps(m, base, len))
		printk("boot: RAM range %#lx+%#lx overlaps an earlier one; merged\n",
		       (unsigned long)base, (unsigned long)len);
	if (memmap_add(m, base, len))
		printk("boot: memory map has too many ranges; dropped %#lx+%#lx\n",
		       (unsigned long)base, (unsigned long)len);
}

/* Returns false once the module table is full (the caller may stop). */
static bool boot_add_module(uint64_t start, uint64_t end, uint64_t name_pa,
                            uint64_t name_max)
{
	struct boot_module *mod;

	if (boot_info.nr_modules == BOOT_MAX_MODULES) {
		boot_dropped_modules++;
		return false;
	}
	if (end < start) {
		printk("boot: module at %#lx-%#lx ends before it starts; skipped\n",
		       (unsigned long)start, (unsigned long)end);
		return true;
	}
	mod = &boot_info.modules[boot_info.nr_modules++];
	mod->start = start;
	mod->end = end;
	mod->name[0] = 0;
	if (name_pa)
		boot_copy_string(mod->name, sizeof(mod->name), name_pa, name_max,
		                 "module name");
	return true;
}

/* ---------------------------------------------------------- Multiboot v1 */

static void mb1_parse_mmap(const struct mb1_info *mbi)
{
	uint64_t off = 0, len = mbi->mmap_length;
	const uint8_t *p;

	if (len == 0) {
		printk("boot: multiboot memory map is empty\n");
		return;
	}
	p = boot_map(mbi->mmap_addr, len);
	if (!p) {
		printk("boot: multiboot memory map at %#x+%#x out of reach; ignored\n",
		       mbi->mmap_addr, mbi->mmap_length);
		return;
	}
	while (off + sizeof(struct mb1_mmap_entry) <= len) {
		const struct mb1_mmap_entry *e = (const void *)(p + off);

		if (e->size < MB1_MMAP_ENTRY_MIN) {
			printk("boot: memory map entry of size %u; map cut here\n", e->size);
			return;
		}
		boot_add_mem(e->addr, e->len, e->type);
		off += (uint64_t)e->size + 4;
	}
	if (off != len)
		printk("boot: memory map length %u does not end on an entry; tail ignored\n",
		       mbi->mmap_length);
}

/* The full map if it gives any RAM, else the two sizes mem_lower/mem_upper. */
static void mb1_parse_mem(const struct mb1_info *mbi)
{
	if (mbi->flags & MB1_INFO_MMAP) {
		mb1_parse_mmap(mbi);
		if (boot_info.ram.nr || !(mbi->flags & MB1_INFO_MEM))
			return;
		printk("boot: no RAM in the memory map; using mem_lower/mem_upper\n");
	}
	if (mbi->flags & MB1_INFO_MEM) {
		boot_add_mem(0, (uint64_t)mbi->mem_lower * 1024, MB_MEM_AVAILABLE);
		boot_add_mem(1 * MiB, (uint64_t)mbi->mem_upper * 1024, MB_MEM_AVAILABLE);
	}
}

static void mb1_parse_mods(const struct mb1_info *mbi)
{
	uint64_t bytes = (uint64_t)mbi->mods_count * sizeof(struct mb1_mod);
	const struct mb1_mod *mods;

	if (!(mbi->flags & MB1_INFO_MODS) || !mbi->mods_count)
		return;
	mods = boot_map(mbi->mods_addr, bytes);
	if (!mods) {
		printk("boot: list of %u modules at %#x out of reach; no modules\n",
		       mbi->mods_count, mbi->mods_addr);
		return;
	}
	for (uint32_t i = 0; i < mbi->mods_count; i++) {
		if (!boot_add_module(mods[i].start, mods[i].end, mods[i].string, UINT64_MAX)) {
			boot_dropped_modules += (uint64_t)mbi->mods_count - i - 1;
			return;
		}
	}
}

static int mb1_parse(physaddr_t info_pa)
{
	const struct mb1_info *mbi = boot_map(info_pa, sizeof(*mbi));

	if (!mbi) {
		printk("boot: multiboot info at %#lx is out of reach\n", (unsigned long)info_pa);
		return -EFAULT;
	}
	if (mbi->flags & MB1_INFO_CMDLINE)
		boot_copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), mbi->cmdline,
		                 UINT64_MAX, "command line");
	mb1_parse_mem(mbi);
	mb1_parse_mods(mbi);
	return 0;
}

/* ------------------------------------------------------------ Multiboot2 */

static void mb2_parse_mmap(const struct mb2_tag_mmap *t)
{
	const uint8_t *base = (const uint8_t *)t;
	uint64_t es = t->entry_size, off = sizeof(*t);

	if (es < sizeof(struct mb2_mmap_entry)) {
		printk("boot: multiboot2 memory map entry size %u; map ignored\n", t->entry_size);
		return;
	}
	for (; off + es <= t->tag.size; off += es) {
		const struct mb2_mmap_entry *e = (const void *)(base + off);

		boot_add_mem(e->addr, e->len, e->type);
	}
	if (off != t->tag.size)
		printk("boot: multiboot2 memory map tag has %lu stray bytes; ignored\n",
		       (unsigned long)(t->tag.size - off));
}

static void mb2_parse_module(const struct mb2_tag *tag, physaddr_t tag_pa)
{
	const struct mb2_tag_module *m = (const void *)tag;

	if (tag->size < sizeof(*m)) {
		printk("boot: multiboot2 module tag of size %u; skipped\n", tag->size);
		return;
	}
	boot_add_module(m->start, m->end, tag_pa + sizeof(*m), tag->size - sizeof(*m));
}

static void mb2_parse_acpi(const struct mb2_tag *tag, size_t payload)
{
	/* Keep the newer RSDP when both are given. */
	if (boot_info.rsdp_len && tag->type == MB2_TAG_ACPI_OLD)
		return;
	if (payload < ACPI_RSDP_V1_LEN) {
		printk("boot: multiboot2 ACPI tag holds %zu bytes, too few for an RSDP; ignored\n",
		       payload);
		return;
	}
	boot_info.rsdp_len = MIN(payload, sizeof(boot_info.rsdp));
	memcpy(boot_info.rsdp, tag + 1, boot_info.rsdp_len);
}

/* 'tag' has been checked to lie whole inside the info block. */
static void mb2_parse_tag(const struct mb2_tag *tag, physaddr_t tag_pa)
{
	size_t payload = tag->size - sizeof(*tag);

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		boot_copy_string(boot_info.cmdline, sizeof(boot_info.cmdline),
		                 tag_pa + sizeof(*tag), payload, "command line");
		break;
	case MB2_TAG_MODULE:
		mb2_parse_module(tag, tag_pa);
		break;
	case MB2_TAG_MMAP:
		if (tag->size >= sizeof(struct mb2_tag_mmap))
			mb2_parse_mmap((const void *)tag);
		else
			printk("boot: multiboot2 memory map tag of size %u; ignored\n", tag->size);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		mb2_parse_acpi(tag, payload);
		break;
	}
}

static void mb2_parse_tags(const uint8_t *info, physaddr_t info_pa, uint32_t total)
{
	uint64_t off = sizeof(struct mb2_info);

	while (off + sizeof(struct mb2_tag) <= total) {
		const struct mb2_tag *tag = (const void *)(info + off);

		if (tag->type == MB2_TAG_END)
			return;
		if (tag->size < sizeof(*tag) || tag->size > total - off) {
			printk("boot: multiboot2 tag %u at offset %lu has bad size %u; rest ignored\n",
			       tag->type, (unsigned long)off, tag->size);
			return;
		}
		mb2_parse_tag(tag, info_pa + off);
		off += ALIGN_UP((uint64_t)tag->size, 8);
	}
	printk("boot: multiboot2 info has no end tag\n");
}

static int mb2_parse(physaddr_t info_pa)
{
	const struct mb2_info *hdr = boot_map(info_pa, sizeof(*hdr));
	const uint8_t *info;

	if (!hdr) {
		printk("boot: multiboot2 info at %#lx is out of reach\n", (unsigned long)info_pa);
		return -EFAULT;
	}
	if (hdr->total_size < sizeof(*hdr)) {
		printk("boot: multiboot2 info size %u is smaller than its header\n",
		       hdr->total_size);
		return -EINVAL;
	}
	info = boot_map(info_pa, hdr->total_size);
	if (!info) {
		printk("boot: multiboot2 info at %#lx+%#x is out of reach\n",
		       (unsigned long)info_pa, hdr->total_size);
		return -EFAULT;
	}
	mb2_parse_tags(info, info_pa, hdr->total_size);
	return 0;
}

/* ----------------------------------------------------------------- entry */

/*
 * Multiboot loaders (QEMU's, GRUB's for v1) put the kernel's own path
 * first on the command line, absolute or as given to them ("obj/kern/vireo");
 * it is not an option, so drop a first word that starts with '/' or holds
 * a '/' but no '=' (an option with a path value, "root=/x", has one).
 */
static void boot_strip_image_path(char *cmdline)
{
	size_t skip = 0;
	bool slash = false, equals = false;

	while (cmdline[skip] && cmdline[skip] != ' ') {
		slash |= cmdline[skip] == '/';
		equals |= cmdline[skip] == '=';
		skip++;
	}
	if (cmdline[0] != '/' && (!slash || equals))
		return;
	while (cmdline[skip] == ' ')
		skip++;
	memmove(cmdline, cmdline + skip, strlen(cmdline + skip) + 1);
}

static int boot_parse_protocol(uint32_t magic, physaddr_t info_pa)
{
	if (magic == MB1_BOOT_MAGIC) {
		boot_info.protocol = BOOT_MULTIBOOT1;
		return mb1_parse(info_pa);
	}
	if (magic == MB2_BOOT_MAGIC) {
		boot_info.protocol = BOOT_MULTIBOOT2;
		return mb2_parse(info_pa);
	}
	printk("boot: unknown boot magic %#x (not Multiboot or Multiboot2)\n", magic);
	return -EINVAL;
}

int bootinfo_parse(uint32_t magic, physaddr_t info_pa)
{
	int ret;

	memset(&boot_info, 0, sizeof(boot_info));
	boot_dropped_modules = 0;
	ret = boot_parse_protocol(magic, info_pa);
	if (ret)
		return ret;
	if (boot_dropped_modules)
		printk("boot: more than %d modules; %lu ignored\n", BOOT_MAX_MODULES,
		       (unsigned long)boot_dropped_modules);
	boot_strip_image_path(boot_info.cmdline);
	if (boot_info.ram.nr == 0) {
		printk("boot: the boot loader gave no usable memory map\n");
		return -ENOMEM;
	}
	boot_info.max_pa = boot_info.ram.r[boot_info.ram.nr - 1].end;
	return 0;
}
