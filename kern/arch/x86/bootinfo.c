/* SPDX-License-Identifier: MIT */
/*
 * bootinfo.c - reads Multiboot v1 and Multiboot2 boot information into the
 * protocol-neutral 'boot_info' (boot.h).
 *
 * The loader's structures are input like any other: each pointer is checked
 * to lie inside the 4 GiB that the boot page tables map, each length against
 * its container, each string copied with a bound.  A malformed piece is
 * reported and skipped; the kernel goes on with what was valid.
 */
#include <arch/mmu.h>
#include <assert.h>
#include <boot.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

#include "boot/multiboot.h"

struct boot_info boot_info;

/* The boot page tables map physical [0, 4 GiB) in the direct map. */
static const void *boot_phys(physaddr_t pa, size_t len)
{
	if (pa >= BOOT_MAP_SIZE || len > BOOT_MAP_SIZE - pa)
		return NULL;
	return KADDR(pa);
}

static void boot_copy_string(char *dst, size_t size, physaddr_t pa)
{
	const char *src = boot_phys(pa, 1);
	size_t avail;

	dst[0] = 0;
	if (!src)
		return;
	avail = BOOT_MAP_SIZE - pa;
	strlcpy(dst, src, MIN(size, avail));
	if (strnlen(src, MIN(size, avail)) >= size)
		printk("boot: string at %#lx truncated to %zu bytes\n",
		       (unsigned long)pa, size - 1);
}

static void boot_add_mem(uint64_t base, uint64_t len, uint32_t type)
{
	struct memmap *m = type == MB_MEM_AVAILABLE ? &boot_info.ram : &boot_info.reserved;

	if (memmap_add(m, base, len))
		printk("boot: memory map has too many ranges; dropped %#lx+%#lx\n",
		       (unsigned long)base, (unsigned long)len);
}

static void boot_add_module(physaddr_t start, physaddr_t end, physaddr_t name_pa)
{
	struct boot_module *mod;

	if (boot_info.nr_modules == BOOT_MAX_MODULES) {
		printk("boot: more than %d modules; ignoring the rest\n", BOOT_MAX_MODULES);
		return;
	}
	if (end < start) {
		printk("boot: module at %#lx-%#lx is invalid; skipped\n",
		       (unsigned long)start, (unsigned long)end);
		return;
	}
	mod = &boot_info.modules[boot_info.nr_modules++];
	mod->start = start;
	mod->end = end;
	if (name_pa)
		boot_copy_string(mod->name, sizeof(mod->name), name_pa);
}

/* ---------------------------------------------------------- Multiboot v1 */

static void mb1_parse_mmap(const struct mb1_info *mbi)
{
	const uint8_t *p = boot_phys(mbi->mmap_addr, mbi->mmap_length);
	uint32_t off = 0;

	if (!p) {
		printk("boot: multiboot memory map out of reach; ignored\n");
		return;
	}
	while (off + sizeof(struct mb1_mmap_entry) <= mbi->mmap_length) {
		const struct mb1_mmap_entry *e = (const void *)(p + off);

		if (e->size < 20) {
			printk("boot: memory map entry of size %u; map cut here\n", e->size);
			return;
		}
		boot_add_mem(e->addr, e->len, e->type);
		off += e->size + 4;
	}
}

static void mb1_parse(physaddr_t info_pa)
{
	const struct mb1_info *mbi = boot_phys(info_pa, sizeof(*mbi));
	const struct mb1_mod *mods;

	if (!mbi)
		panic("boot: multiboot info at %#lx is out of reach", (unsigned long)info_pa);
	if (mbi->flags & MB1_INFO_CMDLINE)
		boot_copy_string(boot_info.cmdline, sizeof(boot_info.cmdline), mbi->cmdline);
	if (mbi->flags & MB1_INFO_MMAP) {
		mb1_parse_mmap(mbi);
	} else if (mbi->flags & MB1_INFO_MEM) {
		boot_add_mem(0, (uint64_t)mbi->mem_lower * 1024, MB_MEM_AVAILABLE);
		boot_add_mem(1 * MiB, (uint64_t)mbi->mem_upper * 1024, MB_MEM_AVAILABLE);
	}
	if (!(mbi->flags & MB1_INFO_MODS) || !mbi->mods_count)
		return;
	mods = boot_phys(mbi->mods_addr, (size_t)mbi->mods_count * sizeof(*mods));
	if (!mods) {
		printk("boot: module list out of reach; no modules\n");
		return;
	}
	for (uint32_t i = 0; i < mbi->mods_count; i++)
		boot_add_module(mods[i].start, mods[i].end, mods[i].string);
}

/* ------------------------------------------------------------ Multiboot2 */

static void mb2_parse_mmap(const struct mb2_tag_mmap *t)
{
	const uint8_t *p = (const uint8_t *)(t + 1);
	const uint8_t *end = (const uint8_t *)t + t->tag.size;

	if (t->entry_size < sizeof(struct mb2_mmap_entry)) {
		printk("boot: multiboot2 memory map entry size %u; ignored\n", t->entry_size);
		return;
	}
	for (; p + t->entry_size <= end; p += t->entry_size) {
		const struct mb2_mmap_entry *e = (const void *)p;

		boot_add_mem(e->addr, e->len, e->type);
	}
}

static void mb2_parse_tag(const struct mb2_tag *tag, physaddr_t tag_pa)
{
	size_t payload = tag->size - sizeof(*tag);

	switch (tag->type) {
	case MB2_TAG_CMDLINE:
		boot_copy_string(boot_info.cmdline, MIN(sizeof(boot_info.cmdline), payload + 1),
		                 tag_pa + sizeof(*tag));
		break;
	case MB2_TAG_MODULE: {
		const struct mb2_tag_module *m = (const void *)tag;

		if (tag->size >= sizeof(*m))
			boot_add_module(m->start, m->end, tag_pa + sizeof(*m));
		break;
	}
	case MB2_TAG_MMAP:
		if (tag->size >= sizeof(struct mb2_tag_mmap))
			mb2_parse_mmap((const void *)tag);
		break;
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		/* Keep the newer RSDP when both are given. */
		if (boot_info.rsdp_len && tag->type == MB2_TAG_ACPI_OLD)
			break;
		boot_info.rsdp_len = MIN(payload, sizeof(boot_info.rsdp));
		memcpy(boot_info.rsdp, tag + 1, boot_info.rsdp_len);
		break;
	}
}

static void mb2_parse(physaddr_t info_pa)
{
	const struct mb2_info *mbi = boot_phys(info_pa, sizeof(*mbi));
	uint32_t off = sizeof(*mbi);

	if (!mbi || !boot_phys(info_pa, mbi->total_size))
		panic("boot: multiboot2 info at %#lx is out of reach", (unsigned long)info_pa);
	while (off + sizeof(struct mb2_tag) <= mbi->total_size) {
		const struct mb2_tag *tag = (const void *)((const uint8_t *)mbi + off);

		if (tag->type == MB2_TAG_END)
			return;
		if (tag->size < sizeof(*tag) || tag->size > mbi->total_size - off) {
			printk("boot: multiboot2 tag %u has bad size %u; rest ignored\n",
			       tag->type, tag->size);
			return;
		}
		mb2_parse_tag(tag, info_pa + off);
		off += ALIGN_UP(tag->size, 8);
	}
}

/*
 * Multiboot loaders (QEMU's, GRUB's for v1) put the kernel's own path
 * first on the command line; it is not an option, so drop it.
 */
static void boot_strip_image_path(char *cmdline)
{
	size_t skip = 0;

	if (cmdline[0] != '/')
		return;
	while (cmdline[skip] && cmdline[skip] != ' ')
		skip++;
	while (cmdline[skip] == ' ')
		skip++;
	memmove(cmdline, cmdline + skip, strlen(cmdline + skip) + 1);
}

int bootinfo_parse(uint32_t magic, physaddr_t info_pa)
{
	if (magic == MB1_BOOT_MAGIC) {
		boot_info.protocol = BOOT_MULTIBOOT1;
		mb1_parse(info_pa);
	} else if (magic == MB2_BOOT_MAGIC) {
		boot_info.protocol = BOOT_MULTIBOOT2;
		mb2_parse(info_pa);
	} else {
		printk("boot: unknown boot magic %#x\n", magic);
		return -EINVAL;
	}
	boot_strip_image_path(boot_info.cmdline);
	if (boot_info.ram.nr == 0) {
		printk("boot: the boot loader gave no memory map\n");
		return -ENOMEM;
	}
	boot_info.max_pa = boot_info.ram.r[boot_info.ram.nr - 1].end;
	return 0;
}
