/* SPDX-License-Identifier: MIT */
/*
 * test_bootinfo.c - host tests of the Multiboot v1 and Multiboot2 parser
 * (kern/arch/x86/bootinfo.c).
 *
 * Each test lays out boot information in fake physical memory: a few
 * regions, each an exact-size malloc copy at a chosen physical address,
 * served by fake_map() through bootinfo_set_map().  A read one byte past a
 * region is refused by the map or caught by ASan; a parser that loops on a
 * hostile size is killed by the framework's time limit.  Valid layouts must
 * parse silently; malformed ones must give the documented result and a
 * message (checked through htest_capture_*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

#include <boot.h>
#include <boot/multiboot.h>
#include <errno.h>

#define INFO_PA    0x10000u
#define MMAP_PA    0x11000u
#define MODS_PA    0x12000u
#define CMDLINE_PA 0x13000u
#define NAMES_PA   0x14000u
#define UNMAPPED   0x7f000000u

/* ------------------------------------------------- fake physical memory --- */

struct fake_region {
	uint64_t pa;
	size_t len;
	uint8_t *buf;
};

static struct fake_region fake[16];
static int fake_nr;

static const void *fake_map(physaddr_t pa, size_t len)
{
	for (int i = 0; i < fake_nr; i++) {
		struct fake_region *r = &fake[i];

		if (pa >= r->pa && pa - r->pa <= r->len && len <= r->len - (pa - r->pa))
			return r->buf + (pa - r->pa);
	}
	return NULL;
}

/* Places a copy of data[len] at physical 'pa'. */
static void fake_put(uint64_t pa, const void *data, size_t len)
{
	struct fake_region *r = &fake[fake_nr++];

	HT_ASSERT(fake_nr <= (int)(sizeof(fake) / sizeof(fake[0])));
	r->pa = pa;
	r->len = len;
	r->buf = malloc(len);
	HT_ASSERT(r->buf);
	memcpy(r->buf, data, len);
	bootinfo_set_map(fake_map);
}

/* Drops every region (and frees it), for tests that lay out many images. */
static void fake_reset(void)
{
	while (fake_nr > 0)
		free(fake[--fake_nr].buf);
}

static void fake_put_str(uint64_t pa, const char *s)
{
	fake_put(pa, s, strlen(s) + 1);
}

/* ------------------------------------------------------ log capture --- */

static const char *cap_log;
static bool cap_quiet;           /* true: do not echo captured text */

/* Runs bootinfo_parse with printk captured into cap_log (echoed to the log). */
static int parse_captured(uint32_t magic, physaddr_t pa)
{
	int ret;

	htest_capture_begin();
	ret = bootinfo_parse(magic, pa);
	cap_log = htest_capture_end();
	if (!cap_quiet)
		fputs(cap_log, stderr);
	return ret;
}

#define HT_ASSERT_LOG(text) \
	HT_ASSERT_MSG(strstr(cap_log, (text)) != NULL, "log lacks \"%s\"", (text))
#define HT_ASSERT_QUIET() \
	HT_ASSERT_MSG(cap_log[0] == 0, "unexpected messages: %s", cap_log)

static int count_in_log(const char *text)
{
	int n = 0;

	for (const char *p = cap_log; (p = strstr(p, text)); p++)
		n++;
	return n;
}

/* ------------------------------------------------------- Multiboot v1 --- */

static struct mb1_info mbi;

static struct mb1_mmap_entry mb1_entry(uint64_t addr, uint64_t len, uint32_t type)
{
	struct mb1_mmap_entry e = { .size = 20, .addr = addr, .len = len, .type = type };

	return e;
}

/* A PC-like map: low RAM, BIOS holes, 511 MiB above 1 MiB, a high hole. */
static const struct mb1_mmap_entry *mb1_std_map(size_t *n)
{
	static struct mb1_mmap_entry e[5];

	e[0] = mb1_entry(0, 0x9fc00, MB_MEM_AVAILABLE);
	e[1] = mb1_entry(0x9fc00, 0x400, MB_MEM_RESERVED);
	e[2] = mb1_entry(0xf0000, 0x10000, MB_MEM_RESERVED);
	e[3] = mb1_entry(0x100000, 0x1fee0000, MB_MEM_AVAILABLE);
	e[4] = mb1_entry(0xfffc0000, 0x40000, MB_MEM_RESERVED);
	*n = 5;
	return e;
}

static void mb1_put_std_map(void)
{
	size_t n;
	const struct mb1_mmap_entry *e = mb1_std_map(&n);

	fake_put(MMAP_PA, e, n * sizeof(*e));
	mbi.flags |= MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = n * sizeof(*e);
}

static void mb1_put_mods(int n)
{
	struct mb1_mod mods[16];

	HT_ASSERT(n <= 16);
	for (int i = 0; i < n; i++) {
		mods[i] = (struct mb1_mod){ .start = 0x200000 + i * 0x10000,
		                            .end = 0x200000 + i * 0x10000 + 0x1234 };
	}
	fake_put(MODS_PA, mods, n * sizeof(mods[0]));
	mbi.flags |= MB1_INFO_MODS;
	mbi.mods_addr = MODS_PA;
	mbi.mods_count = n;
}

static int mb1_parse(void)
{
	fake_put(INFO_PA, &mbi, sizeof(mbi));
	return parse_captured(MB1_BOOT_MAGIC, INFO_PA);
}

HTEST(mb1_valid)
{
	struct mb1_mod mods[2] = {
		{ .start = 0x400000, .end = 0x480000, .string = NAMES_PA },
		{ .start = 0x480000, .end = 0x480100, .string = NAMES_PA + 16 },
	};
	char names[32] = "initramfs";

	strcpy(names + 16, "extra");
	mb1_put_std_map();
	fake_put(MODS_PA, mods, sizeof(mods));
	fake_put(NAMES_PA, names, sizeof(names));
	fake_put_str(CMDLINE_PA, "/boot/vireo  ktest=mem console=ttyS0");
	mbi.flags |= MB1_INFO_MODS | MB1_INFO_CMDLINE;
	mbi.mods_addr = MODS_PA;
	mbi.mods_count = 2;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(boot_info.protocol, BOOT_MULTIBOOT1);
	HT_ASSERT_STREQ(boot_info.cmdline, "ktest=mem console=ttyS0");
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
	HT_ASSERT_EQ(boot_info.ram.r[0].base, 0);
	HT_ASSERT_EQ(boot_info.ram.r[0].end, 0x9fc00);
	HT_ASSERT_EQ(boot_info.ram.r[1].base, 0x100000);
	HT_ASSERT_EQ(boot_info.ram.r[1].end, 0x1ffe0000);
	HT_ASSERT_EQ(boot_info.reserved.nr, 3);
	HT_ASSERT_EQ(boot_info.max_pa, 0x1ffe0000);
	HT_ASSERT_EQ(boot_info.nr_modules, 2);
	HT_ASSERT_EQ(boot_info.modules[0].start, 0x400000);
	HT_ASSERT_EQ(boot_info.modules[0].end, 0x480000);
	HT_ASSERT_STREQ(boot_info.modules[0].name, "initramfs");
	HT_ASSERT_STREQ(boot_info.modules[1].name, "extra");
	HT_ASSERT_EQ(boot_info.rsdp_len, 0);
}

HTEST(mb1_cmdline_without_image_path_kept)
{
	fake_put_str(CMDLINE_PA, "ktest=all");
	mb1_put_std_map();
	mbi.flags |= MB1_INFO_CMDLINE;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_STREQ(boot_info.cmdline, "ktest=all");
}

static const char *strip_case(const char *given)
{
	mb1_put_std_map();
	fake_put_str(CMDLINE_PA, given);
	mbi.flags |= MB1_INFO_CMDLINE;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	return boot_info.cmdline;
}

/* QEMU passes -kernel's path as given, often relative. */
HTEST(mb1_cmdline_relative_image_path_stripped)
{
	HT_ASSERT_STREQ(strip_case("obj/kern/vireo ktest=mem"), "ktest=mem");
}

HTEST(mb1_cmdline_path_option_first_kept)
{
	HT_ASSERT_STREQ(strip_case("root=/dev/x quiet"), "root=/dev/x quiet");
}

HTEST(mb1_cmdline_only_image_path)
{
	HT_ASSERT_STREQ(strip_case("/boot/vireo"), "");
}

HTEST(mb1_mem_sizes_only)
{
	mbi.flags = MB1_INFO_MEM;
	mbi.mem_lower = 639;
	mbi.mem_upper = 130048;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
	HT_ASSERT_EQ(boot_info.ram.r[0].end, 639 * 1024);
	HT_ASSERT_EQ(boot_info.ram.r[1].base, 0x100000);
	HT_ASSERT_EQ(boot_info.ram.r[1].end, 0x100000 + 130048ull * 1024);
}

HTEST(mb1_mmap_entry_size_below_20_stops)
{
	struct mb1_mmap_entry e[3];

	e[0] = mb1_entry(0x100000, 0x100000, MB_MEM_AVAILABLE);
	e[1] = mb1_entry(0x200000, 0x100000, MB_MEM_AVAILABLE);
	e[1].size = 0;       /* would step 4 bytes at a time, or not at all */
	e[2] = mb1_entry(0x300000, 0x100000, MB_MEM_AVAILABLE);
	fake_put(MMAP_PA, e, sizeof(e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(e);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("memory map entry of size 0; map cut here");
	HT_ASSERT_EQ(boot_info.ram.nr, 1);
	HT_ASSERT_EQ(boot_info.ram.r[0].end, 0x200000);
}

HTEST(mb1_mmap_entry_size_19_stops)
{
	struct mb1_mmap_entry e[2];

	e[0] = mb1_entry(0x100000, 0x100000, MB_MEM_AVAILABLE);
	e[0].size = 19;
	e[1] = mb1_entry(0x300000, 0x100000, MB_MEM_AVAILABLE);
	fake_put(MMAP_PA, e, sizeof(e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(e);
	HT_ASSERT_EQ(mb1_parse(), -ENOMEM);
	HT_ASSERT_LOG("memory map entry of size 19; map cut here");
	HT_ASSERT_LOG("no usable memory map");
}

/* size + 4 would wrap a 32-bit offset back onto the same entry. */
HTEST(mb1_mmap_entry_size_wraps_offset)
{
	struct mb1_mmap_entry e[2];

	e[0] = mb1_entry(0x100000, 0x100000, MB_MEM_AVAILABLE);
	e[0].size = 0xfffffffc;
	e[1] = mb1_entry(0x300000, 0x100000, MB_MEM_AVAILABLE);
	fake_put(MMAP_PA, e, sizeof(e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(e);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("does not end on an entry");
	HT_ASSERT_EQ(boot_info.ram.nr, 1);
	HT_ASSERT_EQ(boot_info.ram.r[0].base, 0x100000);
}

HTEST(mb1_mmap_length_not_a_multiple)
{
	uint8_t buf[2 * sizeof(struct mb1_mmap_entry) + 10];
	struct mb1_mmap_entry e[2];

	e[0] = mb1_entry(0x100000, 0x100000, MB_MEM_AVAILABLE);
	e[1] = mb1_entry(0x300000, 0x100000, MB_MEM_AVAILABLE);
	memset(buf, 0xff, sizeof(buf));
	memcpy(buf, e, sizeof(e));
	fake_put(MMAP_PA, buf, sizeof(buf));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(buf);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("memory map length 58 does not end on an entry");
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
}

/* A length running past the mapped buffer is refused whole, no over-read. */
HTEST(mb1_mmap_length_past_mapping)
{
	size_t n;
	const struct mb1_mmap_entry *e = mb1_std_map(&n);

	fake_put(MMAP_PA, e, n * sizeof(*e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = n * sizeof(*e) + 1;
	HT_ASSERT_EQ(mb1_parse(), -ENOMEM);
	HT_ASSERT_LOG("out of reach");
}

HTEST(mb1_mmap_out_of_range)
{
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = UNMAPPED;
	mbi.mmap_length = 48;
	HT_ASSERT_EQ(mb1_parse(), -ENOMEM);
	HT_ASSERT_LOG("multiboot memory map at 0x7f000000+0x30 out of reach; ignored");
	HT_ASSERT_LOG("no usable memory map");
}

HTEST(mb1_mmap_unreadable_falls_back_to_mem_sizes)
{
	mbi.flags = MB1_INFO_MMAP | MB1_INFO_MEM;
	mbi.mmap_addr = 0xfffffff0u;
	mbi.mmap_length = 0x100;
	mbi.mem_lower = 640;
	mbi.mem_upper = 1024;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("out of reach");
	HT_ASSERT_LOG("using mem_lower/mem_upper");
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
	HT_ASSERT_EQ(boot_info.max_pa, 0x200000);
}

HTEST(mb1_mmap_empty)
{
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = 0;
	HT_ASSERT_EQ(mb1_parse(), -ENOMEM);
	HT_ASSERT_LOG("multiboot memory map is empty");
}

HTEST(mb1_mmap_duplicated_and_overlapping_ram)
{
	struct mb1_mmap_entry e[3];

	e[0] = mb1_entry(0x100000, 0x400000, MB_MEM_AVAILABLE);
	e[1] = mb1_entry(0x100000, 0x400000, MB_MEM_AVAILABLE);
	e[2] = mb1_entry(0x300000, 0x400000, MB_MEM_AVAILABLE);
	fake_put(MMAP_PA, e, sizeof(e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(e);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_EQ(count_in_log("overlaps an earlier one; merged"), 2);
	HT_ASSERT_EQ(boot_info.ram.nr, 1);
	HT_ASSERT_EQ(boot_info.ram.r[0].base, 0x100000);
	HT_ASSERT_EQ(boot_info.ram.r[0].end, 0x700000);
}

HTEST(mb1_mmap_range_wrapping_2_64)
{
	struct mb1_mmap_entry e[2];

	e[0] = mb1_entry(0x100000, 0x100000, MB_MEM_AVAILABLE);
	e[1] = mb1_entry(0xffffffffffff0000ull, 0x20000, MB_MEM_AVAILABLE);
	fake_put(MMAP_PA, e, sizeof(e));
	mbi.flags = MB1_INFO_MMAP;
	mbi.mmap_addr = MMAP_PA;
	mbi.mmap_length = sizeof(e);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("wraps past 2^64; clamped");
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
	HT_ASSERT_EQ(boot_info.ram.r[0].base, 0x100000);
	HT_ASSERT_EQ(boot_info.ram.r[1].end, UINT64_MAX);
}

HTEST(mb1_mods_addr_out_of_range)
{
	mb1_put_std_map();
	mbi.flags |= MB1_INFO_MODS;
	mbi.mods_addr = UNMAPPED;
	mbi.mods_count = 2;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("list of 2 modules at 0x7f000000 out of reach; no modules");
	HT_ASSERT_EQ(boot_info.nr_modules, 0);
}

/* The list as given is mapped, but the count claims 4 G entries. */
HTEST(mb1_mods_count_huge)
{
	mb1_put_std_map();
	mb1_put_mods(2);
	mbi.mods_count = 0xffffffffu;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("list of 4294967295 modules");
	HT_ASSERT_EQ(boot_info.nr_modules, 0);
}

HTEST(mb1_more_modules_than_table)
{
	mb1_put_std_map();
	mb1_put_mods(12);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_EQ(boot_info.nr_modules, BOOT_MAX_MODULES);
	HT_ASSERT_EQ(count_in_log("more than 8 modules; 4 ignored"), 1);
	HT_ASSERT_EQ(boot_info.modules[7].start, 0x200000 + 7 * 0x10000);
	HT_ASSERT_STREQ(boot_info.modules[0].name, "");
}

HTEST(mb1_module_end_before_start)
{
	struct mb1_mod mods[2] = {
		{ .start = 0x500000, .end = 0x400000 },
		{ .start = 0x600000, .end = 0x601000 },
	};

	mb1_put_std_map();
	fake_put(MODS_PA, mods, sizeof(mods));
	mbi.flags |= MB1_INFO_MODS;
	mbi.mods_addr = MODS_PA;
	mbi.mods_count = 2;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("module at 0x500000-0x400000 ends before it starts; skipped");
	HT_ASSERT_EQ(boot_info.nr_modules, 1);
	HT_ASSERT_EQ(boot_info.modules[0].start, 0x600000);
}

HTEST(mb1_module_name_out_of_range)
{
	struct mb1_mod mod = { .start = 0x600000, .end = 0x601000, .string = UNMAPPED };

	mb1_put_std_map();
	fake_put(MODS_PA, &mod, sizeof(mod));
	mbi.flags |= MB1_INFO_MODS;
	mbi.mods_addr = MODS_PA;
	mbi.mods_count = 1;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("module name at 0x7f000000 is not terminated within readable memory");
	HT_ASSERT_EQ(boot_info.nr_modules, 1);
	HT_ASSERT_STREQ(boot_info.modules[0].name, "");
}

/* The string's last mapped byte is not a NUL: keep what was there. */
HTEST(mb1_cmdline_unterminated_at_end_of_mapping)
{
	static const char text[] = { 'c', 'o', 'n', 's', 'o', 'l', 'e', '=', 'x' };

	mb1_put_std_map();
	fake_put(CMDLINE_PA, text, sizeof(text));
	mbi.flags |= MB1_INFO_CMDLINE;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("command line at 0x13000 is not terminated within readable memory; "
	              "cut after 9 bytes");
	HT_ASSERT_STREQ(boot_info.cmdline, "console=x");
}

HTEST(mb1_cmdline_oversized)
{
	static char big[3000];

	memset(big, 'a', sizeof(big) - 1);
	mb1_put_std_map();
	fake_put_str(CMDLINE_PA, big);
	mbi.flags |= MB1_INFO_CMDLINE;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_LOG("command line at 0x13000 is longer than 1023 bytes; truncated");
	HT_ASSERT_EQ(strlen(boot_info.cmdline), BOOT_CMDLINE_MAX - 1);
}

/* Exactly 1023 characters fit, and say nothing. */
HTEST(mb1_cmdline_exactly_full)
{
	static char full[BOOT_CMDLINE_MAX];

	memset(full, 'b', sizeof(full) - 1);
	mb1_put_std_map();
	fake_put_str(CMDLINE_PA, full);
	mbi.flags |= MB1_INFO_CMDLINE;
	mbi.cmdline = CMDLINE_PA;
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_STREQ(boot_info.cmdline, full);
}

HTEST(mb1_info_out_of_range)
{
	HT_ASSERT_EQ(parse_captured(MB1_BOOT_MAGIC, UNMAPPED), -EFAULT);
	HT_ASSERT_LOG("multiboot info at 0x7f000000 is out of reach");
}

/* Only part of the info block is readable. */
HTEST(mb1_info_truncated)
{
	fake_put(INFO_PA, &mbi, sizeof(mbi) - 1);
	HT_ASSERT_EQ(parse_captured(MB1_BOOT_MAGIC, INFO_PA), -EFAULT);
}

HTEST(unknown_magic)
{
	mb1_put_std_map();
	fake_put(INFO_PA, &mbi, sizeof(mbi));
	HT_ASSERT_EQ(parse_captured(0x12345678, INFO_PA), -EINVAL);
	HT_ASSERT_LOG("unknown boot magic 0x12345678");
}

HTEST(no_accessor_reads_nothing)
{
	bootinfo_set_map(NULL);
	HT_ASSERT_EQ(parse_captured(MB1_BOOT_MAGIC, INFO_PA), -EFAULT);
	HT_ASSERT_EQ(parse_captured(MB2_BOOT_MAGIC, INFO_PA), -EFAULT);
}

/* A second parse starts from nothing: no stale modules or ranges. */
HTEST(reparse_clears_previous_result)
{
	mb1_put_std_map();
	mb1_put_mods(3);
	HT_ASSERT_EQ(mb1_parse(), 0);
	HT_ASSERT_EQ(boot_info.nr_modules, 3);
	HT_ASSERT_EQ(parse_captured(0, INFO_PA), -EINVAL);
	HT_ASSERT_EQ(boot_info.nr_modules, 0);
	HT_ASSERT_EQ(boot_info.ram.nr, 0);
}

/* --------------------------------------------------------- Multiboot2 --- */

struct mb2_builder {
	uint8_t buf[8192];
	size_t len;
};

static struct mb2_builder mb;

static void mb2_begin(void)
{
	memset(&mb, 0, sizeof(mb));
	mb.len = sizeof(struct mb2_info);
}

/* Appends a tag whose size field says 'size' and whose payload is data[n]. */
static void mb2_tag_raw(uint32_t type, uint32_t size, const void *data, size_t n)
{
	struct mb2_tag t = { .type = type, .size = size };

	HT_ASSERT(mb.len + sizeof(t) + n + 8 <= sizeof(mb.buf));
	memcpy(mb.buf + mb.len, &t, sizeof(t));
	if (n)
		memcpy(mb.buf + mb.len + sizeof(t), data, n);
	mb.len += (sizeof(t) + n + 7) & ~(size_t)7;
}

static void mb2_tag(uint32_t type, const void *data, size_t n)
{
	mb2_tag_raw(type, sizeof(struct mb2_tag) + n, data, n);
}

static void mb2_cmdline(const char *s)
{
	mb2_tag(MB2_TAG_CMDLINE, s, strlen(s) + 1);
}

static void mb2_module(uint32_t start, uint32_t end, const char *name)
{
	uint8_t p[256];

	HT_ASSERT(strlen(name) < sizeof(p) - 8);
	memcpy(p, &start, 4);
	memcpy(p + 4, &end, 4);
	strcpy((char *)p + 8, name);
	mb2_tag(MB2_TAG_MODULE, p, 8 + strlen(name) + 1);
}

/* An mmap tag with entries spaced 'entry_size' apart. */
static void mb2_mmap(uint32_t entry_size, const struct mb2_mmap_entry *e, int n)
{
	uint8_t p[1024] = { 0 };
	uint32_t hdr[2] = { entry_size, 0 };

	memcpy(p, hdr, sizeof(hdr));
	for (int i = 0; i < n; i++)
		memcpy(p + sizeof(hdr) + i * entry_size, &e[i], MIN(entry_size, sizeof(*e)));
	mb2_tag(MB2_TAG_MMAP, p, sizeof(hdr) + n * entry_size);
}

static void mb2_std_mmap(void)
{
	static const struct mb2_mmap_entry e[] = {
		{ .addr = 0, .len = 0x9fc00, .type = MB_MEM_AVAILABLE },
		{ .addr = 0x9fc00, .len = 0x400, .type = MB_MEM_RESERVED },
		{ .addr = 0x100000, .len = 0x7ee0000, .type = MB_MEM_AVAILABLE },
		{ .addr = 0x7fe0000, .len = 0x20000, .type = MB_MEM_ACPI },
		{ .addr = 0x100000000ull, .len = 0x40000000, .type = MB_MEM_AVAILABLE },
	};

	mb2_mmap(sizeof(e[0]), e, 5);
}

static void mb2_end(void)
{
	mb2_tag(MB2_TAG_END, NULL, 0);
}

/* Places the built block (total_size = its length unless told) and parses. */
static int mb2_parse_sized(uint32_t total)
{
	struct mb2_info h = { .total_size = total };

	memcpy(mb.buf, &h, sizeof(h));
	fake_put(INFO_PA, mb.buf, mb.len);
	return parse_captured(MB2_BOOT_MAGIC, INFO_PA);
}

static int mb2_parse(void)
{
	return mb2_parse_sized(mb.len);
}

static void rsdp_image(uint8_t *p, size_t n, uint8_t tag)
{
	memset(p, tag, n);
	memcpy(p, "RSD PTR ", 8);
}

HTEST(mb2_valid)
{
	uint8_t old[20], new[36];

	rsdp_image(old, sizeof(old), 0x11);
	rsdp_image(new, sizeof(new), 0x22);
	mb2_begin();
	mb2_cmdline("/boot/vireo.elf ktest=mem");
	mb2_module(0x800000, 0x900000, "initramfs");
	mb2_module(0x900000, 0x900010, "x");
	mb2_std_mmap();
	mb2_tag(MB2_TAG_ACPI_OLD, old, sizeof(old));
	mb2_tag(MB2_TAG_ACPI_NEW, new, sizeof(new));
	mb2_tag(21, "ignored", 8);          /* an unknown tag type is skipped */
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(boot_info.protocol, BOOT_MULTIBOOT2);
	HT_ASSERT_STREQ(boot_info.cmdline, "ktest=mem");
	HT_ASSERT_EQ(boot_info.nr_modules, 2);
	HT_ASSERT_EQ(boot_info.modules[0].start, 0x800000);
	HT_ASSERT_EQ(boot_info.modules[0].end, 0x900000);
	HT_ASSERT_STREQ(boot_info.modules[0].name, "initramfs");
	HT_ASSERT_STREQ(boot_info.modules[1].name, "x");
	HT_ASSERT_EQ(boot_info.ram.nr, 3);
	HT_ASSERT_EQ(boot_info.reserved.nr, 2);
	HT_ASSERT_EQ(boot_info.max_pa, 0x140000000ull);
	HT_ASSERT_EQ(boot_info.rsdp_len, 36);
	HT_ASSERT(memcmp(boot_info.rsdp, new, 36) == 0);
}

/* The ACPI 2.0 RSDP wins whichever order the loader gives them in. */
HTEST(mb2_acpi_new_before_old)
{
	uint8_t old[20], new[36];

	rsdp_image(old, sizeof(old), 0x11);
	rsdp_image(new, sizeof(new), 0x22);
	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_ACPI_NEW, new, sizeof(new));
	mb2_tag(MB2_TAG_ACPI_OLD, old, sizeof(old));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_EQ(boot_info.rsdp_len, 36);
	HT_ASSERT(memcmp(boot_info.rsdp, new, 36) == 0);
}

HTEST(mb2_acpi_old_only)
{
	uint8_t old[20];

	rsdp_image(old, sizeof(old), 0x11);
	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_ACPI_OLD, old, sizeof(old));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_EQ(boot_info.rsdp_len, 20);
	HT_ASSERT(memcmp(boot_info.rsdp, old, 20) == 0);
}

HTEST(mb2_acpi_tag_too_small)
{
	uint8_t old[12];

	rsdp_image(old, sizeof(old), 0x11);
	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_ACPI_OLD, old, sizeof(old));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("ACPI tag holds 12 bytes, too few for an RSDP; ignored");
	HT_ASSERT_EQ(boot_info.rsdp_len, 0);
}

/* A longer payload than the RSDP: only the RSDP's 36 bytes are kept. */
HTEST(mb2_acpi_tag_oversized)
{
	uint8_t new[100];

	rsdp_image(new, sizeof(new), 0x33);
	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_ACPI_NEW, new, sizeof(new));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_EQ(boot_info.rsdp_len, BOOT_RSDP_MAX);
}

HTEST(mb2_total_size_smaller_than_header)
{
	mb2_begin();
	mb2_std_mmap();
	mb2_end();
	HT_ASSERT_EQ(mb2_parse_sized(4), -EINVAL);
	HT_ASSERT_LOG("multiboot2 info size 4 is smaller than its header");
}

HTEST(mb2_total_size_past_mapping)
{
	mb2_begin();
	mb2_std_mmap();
	mb2_end();
	HT_ASSERT_EQ(mb2_parse_sized(mb.len + 8), -EFAULT);
	HT_ASSERT_LOG("out of reach");
}

/* total_size cuts the block short: tags beyond it are never read. */
HTEST(mb2_total_size_cuts_tags)
{
	size_t after_mmap;

	mb2_begin();
	mb2_std_mmap();
	after_mmap = mb.len;
	mb2_cmdline("never seen");
	mb2_end();
	HT_ASSERT_EQ(mb2_parse_sized(after_mmap + 4), 0);
	HT_ASSERT_LOG("no end tag");
	HT_ASSERT_STREQ(boot_info.cmdline, "");
	HT_ASSERT_EQ(boot_info.ram.nr, 3);
}

static void mb2_bad_tag_size(uint32_t size)
{
	uint8_t junk[16] = { 0 };

	mb2_begin();
	mb2_std_mmap();
	mb2_tag_raw(MB2_TAG_CMDLINE, size, junk, sizeof(junk));
	mb2_module(0x800000, 0x900000, "never");
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("has bad size");
	HT_ASSERT_EQ(boot_info.ram.nr, 3);         /* what came before is kept */
	HT_ASSERT_EQ(boot_info.nr_modules, 0);     /* nothing after is trusted */
}

HTEST(mb2_tag_size_zero)
{
	mb2_bad_tag_size(0);
}

HTEST(mb2_tag_size_below_header)
{
	mb2_bad_tag_size(7);
}

HTEST(mb2_tag_runs_past_total_size)
{
	mb2_bad_tag_size(0x10000);
}

/* A size that ALIGN_UP would wrap to 0 in 32 bits. */
HTEST(mb2_tag_size_near_4g)
{
	mb2_bad_tag_size(0xfffffffcu);
}

HTEST(mb2_mmap_entry_size_too_small)
{
	static const struct mb2_mmap_entry e[] = {
		{ .addr = 0x100000, .len = 0x100000, .type = MB_MEM_AVAILABLE },
		{ .addr = 0x300000, .len = 0x100000, .type = MB_MEM_AVAILABLE },
	};

	mb2_begin();
	mb2_mmap(16, e, 2);
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), -ENOMEM);
	HT_ASSERT_LOG("multiboot2 memory map entry size 16; map ignored");
}

HTEST(mb2_mmap_entry_size_zero)
{
	static const struct mb2_mmap_entry e[1];

	mb2_begin();
	mb2_mmap(0, e, 1);
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), -ENOMEM);
	HT_ASSERT_LOG("entry size 0; map ignored");
}

/* A loader may use larger entries than we know: step by entry_size. */
HTEST(mb2_mmap_entry_size_larger)
{
	static const struct mb2_mmap_entry e[] = {
		{ .addr = 0x100000, .len = 0x100000, .type = MB_MEM_AVAILABLE },
		{ .addr = 0x200000, .len = 0x1000, .type = MB_MEM_RESERVED },
		{ .addr = 0x300000, .len = 0x100000, .type = MB_MEM_AVAILABLE },
	};

	mb2_begin();
	mb2_mmap(40, e, 3);
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_QUIET();
	HT_ASSERT_EQ(boot_info.ram.nr, 2);
	HT_ASSERT_EQ(boot_info.ram.r[1].base, 0x300000);
	HT_ASSERT_EQ(boot_info.reserved.nr, 1);
}

/* The tag's size is not a whole number of entries. */
HTEST(mb2_mmap_stray_bytes)
{
	uint8_t p[8 + 24 + 5] = { 0 };
	uint32_t hdr[2] = { 24, 0 };
	struct mb2_mmap_entry e = { .addr = 0x100000, .len = 0x100000, .type = 1 };

	memcpy(p, hdr, 8);
	memcpy(p + 8, &e, sizeof(e));
	mb2_begin();
	mb2_tag(MB2_TAG_MMAP, p, sizeof(p));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("memory map tag has 5 stray bytes");
	HT_ASSERT_EQ(boot_info.ram.nr, 1);
}

HTEST(mb2_mmap_tag_too_small)
{
	uint32_t hdr = 24;

	mb2_begin();
	mb2_tag(MB2_TAG_MMAP, &hdr, sizeof(hdr));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), -ENOMEM);
	HT_ASSERT_LOG("memory map tag of size 12; ignored");
}

HTEST(mb2_module_end_before_start)
{
	mb2_begin();
	mb2_std_mmap();
	mb2_module(0x900000, 0x800000, "backwards");
	mb2_module(0xa00000, 0xa00100, "fine");
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("module at 0x900000-0x800000 ends before it starts; skipped");
	HT_ASSERT_EQ(boot_info.nr_modules, 1);
	HT_ASSERT_STREQ(boot_info.modules[0].name, "fine");
}

HTEST(mb2_module_tag_too_small)
{
	uint32_t start = 0x800000;

	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_MODULE, &start, sizeof(start));
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("module tag of size 12; skipped");
	HT_ASSERT_EQ(boot_info.nr_modules, 0);
}

/* The name runs to the tag's end without a NUL: cut at the tag. */
HTEST(mb2_module_name_unterminated)
{
	uint8_t p[8 + 5];
	uint32_t se[2] = { 0x800000, 0x801000 };

	memcpy(p, se, 8);
	memcpy(p + 8, "abcde", 5);
	mb2_begin();
	mb2_std_mmap();
	mb2_tag(MB2_TAG_MODULE, p, sizeof(p));
	mb2_cmdline("zzzz");
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("module name at");
	HT_ASSERT_LOG("is not terminated within its tag; cut after 5 bytes");
	HT_ASSERT_STREQ(boot_info.modules[0].name, "abcde");
	HT_ASSERT_STREQ(boot_info.cmdline, "zzzz");
}

HTEST(mb2_module_name_oversized)
{
	char name[200];

	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = 0;
	mb2_begin();
	mb2_std_mmap();
	mb2_module(0x800000, 0x801000, name);
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("module name at");
	HT_ASSERT_LOG("is longer than 63 bytes; truncated");
	HT_ASSERT_EQ(strlen(boot_info.modules[0].name), BOOT_MODNAME_MAX - 1);
}

HTEST(mb2_more_modules_than_table)
{
	char name[16];

	mb2_begin();
	mb2_std_mmap();
	for (int i = 0; i < BOOT_MAX_MODULES + 3; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		mb2_module(0x800000 + i * 0x1000, 0x800800 + i * 0x1000, name);
	}
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_EQ(count_in_log("more than 8 modules; 3 ignored"), 1);
	HT_ASSERT_EQ(boot_info.nr_modules, BOOT_MAX_MODULES);
	HT_ASSERT_STREQ(boot_info.modules[7].name, "m7");
}

HTEST(mb2_cmdline_oversized)
{
	static char big[1500];

	memset(big, 'c', sizeof(big) - 1);
	mb2_begin();
	mb2_cmdline(big);
	mb2_std_mmap();
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("is longer than 1023 bytes; truncated");
	HT_ASSERT_EQ(strlen(boot_info.cmdline), BOOT_CMDLINE_MAX - 1);
	HT_ASSERT_EQ(boot_info.ram.nr, 3);
}

/* The cmdline payload has no NUL; the next tag's bytes are not read. */
HTEST(mb2_cmdline_unterminated_in_tag)
{
	mb2_begin();
	mb2_tag(MB2_TAG_CMDLINE, "ktest=memXXXXXXX", 9);
	mb2_std_mmap();
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), 0);
	HT_ASSERT_LOG("command line at 0x10010 is not terminated within its tag; "
	              "cut after 9 bytes");
	HT_ASSERT_STREQ(boot_info.cmdline, "ktest=mem");
}

HTEST(mb2_no_memory_map)
{
	mb2_begin();
	mb2_cmdline("x");
	mb2_end();
	HT_ASSERT_EQ(mb2_parse(), -ENOMEM);
	HT_ASSERT_LOG("no usable memory map");
}

HTEST(mb2_info_out_of_range)
{
	HT_ASSERT_EQ(parse_captured(MB2_BOOT_MAGIC, UNMAPPED), -EFAULT);
	HT_ASSERT_LOG("multiboot2 info at 0x7f000000 is out of reach");
}

/* Random garbage after a valid header: must end, quietly or with messages. */
HTEST(mb2_random_tags_terminate)
{
	cap_quiet = true;
	for (int round = 0; round < 200; round++) {
		uint32_t total = 8 + (htest_rand() % 512);

		mb2_begin();
		for (size_t i = 8; i < total; i += 8) {
			uint64_t r = htest_rand();
			uint32_t type = r % 16, size = (r >> 8) % 80;

			memcpy(mb.buf + i, &type, 4);
			memcpy(mb.buf + i + 4, &size, 4);
		}
		mb.len = total;
		fake_reset();
		mb2_parse_sized(total);
		HT_ASSERT(boot_info.nr_modules >= 0 &&
		          boot_info.nr_modules <= BOOT_MAX_MODULES);
		HT_ASSERT(strlen(boot_info.cmdline) < BOOT_CMDLINE_MAX);
		HT_ASSERT(boot_info.rsdp_len <= BOOT_RSDP_MAX);
	}
}
