/* SPDX-License-Identifier: MIT */
/*
 * test_elf.c - host tests of the ELF64 validator (kern/src/proc/elf.c).
 *
 * Images are built here: struct tim holds a file header and up to 24
 * program headers, tim_bytes() lays them out (header at 0, program headers
 * at 64, segment data after) in a heap buffer of exactly the file's size so
 * ASan catches any read past the end.  The base image is a typical static
 * executable: PT_PHDR, R, RX and RW PT_LOADs (headers mapped by the first),
 * PT_GNU_STACK.  Covered: every plan field of the valid image; reads in
 * 1-byte pieces, read errors, files that end early, a callback returning
 * too much; one broken field at a time for every header field and every
 * program-header rule (table-driven, checking the reason and index); every
 * prefix of the valid file; PT_INTERP with its path in the message;
 * static PIE and elf_plan_rebase(); program headers in a second read batch;
 * unmapped program headers; and random corruption with the plan's
 * invariants checked whenever a corrupted file still parses.
 */
#include <elf64.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "htest.h"

/* ------------------------------------------------------ image builder --- */

#define TIM_MAXPH 24

struct tim {
	struct elf64_ehdr eh;
	struct elf64_phdr ph[TIM_MAXPH];
	size_t size;                    /* file size */
	const char *interp;             /* written at 0x1800 if set */
};

static struct elf64_phdr tim_ph(uint32_t type, uint32_t flags, uint64_t off,
                                uint64_t vaddr, uint64_t filesz, uint64_t memsz,
                                uint64_t align)
{
	return (struct elf64_phdr){
		.p_type = type, .p_flags = flags, .p_offset = off, .p_vaddr = vaddr,
		.p_paddr = vaddr, .p_filesz = filesz, .p_memsz = memsz, .p_align = align,
	};
}

/* The base image: a static executable at 0x400000. */
static void tim_init(struct tim *t)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->eh.e_ident, "\x7f" "ELF", 4);
	t->eh.e_ident[EI_CLASS] = ELFCLASS64;
	t->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	t->eh.e_ident[EI_VERSION] = EV_CURRENT;
	t->eh.e_type = ET_EXEC;
	t->eh.e_machine = EM_X86_64;
	t->eh.e_version = EV_CURRENT;
	t->eh.e_entry = 0x401010;
	t->eh.e_phoff = 64;
	t->eh.e_ehsize = 64;
	t->eh.e_phentsize = 56;
	t->eh.e_phnum = 5;
	t->ph[0] = tim_ph(PT_PHDR, PF_R, 64, 0x400040, 5 * 56, 5 * 56, 8);
	t->ph[1] = tim_ph(PT_LOAD, PF_R, 0, 0x400000, 0x400, 0x400, 0x1000);
	t->ph[2] = tim_ph(PT_LOAD, PF_R | PF_X, 0x1000, 0x401000, 0x100, 0x100, 0x1000);
	t->ph[3] = tim_ph(PT_LOAD, PF_R | PF_W, 0x2000, 0x403000, 0x80, 0x2000, 0x1000);
	t->ph[4] = tim_ph(PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 16);
	t->size = 0x2080;
}

/* Lays the image out in a malloc'd buffer of exactly t->size bytes. */
static uint8_t *tim_bytes(const struct tim *t)
{
	uint8_t *b = malloc(t->size ? t->size : 1);
	size_t phlen = sizeof(t->ph[0]) * MIN((size_t)t->eh.e_phnum, (size_t)TIM_MAXPH);

	HT_ASSERT(b);
	for (size_t i = 0; i < t->size; i++)
		b[i] = (uint8_t)(i * 7 + 1);
	memcpy(b, &t->eh, MIN(sizeof(t->eh), t->size));
	if (t->eh.e_phoff < t->size && t->eh.e_phoff + phlen <= t->size)
		memcpy(b + t->eh.e_phoff, t->ph, phlen);
	if (t->interp && 0x1800 + strlen(t->interp) + 1 <= t->size)
		memcpy(b + 0x1800, t->interp, strlen(t->interp) + 1);
	return b;
}

static int tim_parse_len(const struct tim *t, size_t len, struct elf_plan *plan)
{
	uint8_t *b = tim_bytes(t);
	struct elf_membuf m = { .data = b, .len = len };
	int ret;

	HT_ASSERT(len <= t->size);
	ret = elf_parse(elf_membuf_read, &m, len, plan);
	free(b);
	return ret;
}

static int tim_parse(const struct tim *t, struct elf_plan *plan)
{
	return tim_parse_len(t, t->size, plan);
}

/* Expects -ENOEXEC with a reason containing 'what' at program header idx. */
static void tim_expect_fail(const struct tim *t, int idx, const char *what)
{
	struct elf_plan plan;
	char msg[160];
	int ret = tim_parse(t, &plan);

	HT_ASSERT_MSG(ret == -ENOEXEC, "expected failure '%s', got %d", what, ret);
	HT_ASSERT(plan.why != NULL);
	HT_ASSERT_MSG(strstr(plan.why, what), "reason '%s' lacks '%s'", plan.why, what);
	HT_ASSERT_EQ(plan.bad_phdr, idx);
	elf_describe(&plan, msg, sizeof(msg));
	HT_ASSERT(strstr(msg, plan.why));
}

static void tim_expect_ok(const struct tim *t, struct elf_plan *plan)
{
	int ret = tim_parse(t, plan);

	HT_ASSERT_MSG(ret == 0, "parse failed %d: %s (phdr %d)", ret,
	              plan->why ? plan->why : "?", plan->bad_phdr);
	HT_ASSERT(plan->why == NULL);
}

/* --------------------------------------------------- plan invariants --- */

static void check_plan(const struct elf_plan *p, size_t file_size)
{
	bool entry_ok = false;

	HT_ASSERT(p->type == ET_EXEC || p->type == ET_DYN);
	HT_ASSERT(p->nr_segs >= 1 && p->nr_segs <= ELF_MAX_SEGS);
	HT_ASSERT(p->lo % PGSIZE == 0 && p->hi % PGSIZE == 0 && p->lo < p->hi);
	HT_ASSERT(p->hi <= USER_LIMIT);
	HT_ASSERT(p->type == ET_DYN || p->lo >= PGSIZE);
	for (unsigned int i = 0; i < p->nr_segs; i++) {
		const struct elf_seg *s = &p->segs[i];

		HT_ASSERT(s->memsz > 0 && s->filesz <= s->memsz);
		HT_ASSERT(s->offset <= file_size && s->filesz <= file_size - s->offset);
		HT_ASSERT(s->vaddr % PGSIZE == s->offset % PGSIZE);
		HT_ASSERT(s->vaddr >= p->lo && s->vaddr + s->memsz <= p->hi);
		HT_ASSERT((s->prot & ~7u) == 0);
		if (i)
			HT_ASSERT(ALIGN_DOWN(s->vaddr, PGSIZE) >=
			          ALIGN_UP(p->segs[i - 1].vaddr + p->segs[i - 1].memsz, PGSIZE));
		if ((s->prot & ELF_PROT_EXEC) && p->entry >= s->vaddr &&
		    p->entry < s->vaddr + s->memsz)
			entry_ok = true;
	}
	HT_ASSERT(entry_ok);
	HT_ASSERT(p->phentsize == sizeof(struct elf64_phdr));
	HT_ASSERT(p->phnum >= 1 && p->phnum <= ELF_MAX_PHNUM);
	HT_ASSERT(p->phdr_mapped || p->phdr_vaddr == 0);
}

/* Every field but why. */
static void plan_eq(const struct elf_plan *a, const struct elf_plan *b)
{
	HT_ASSERT(a->type == b->type && a->entry == b->entry && a->bias == b->bias);
	HT_ASSERT(a->lo == b->lo && a->hi == b->hi && a->max_align == b->max_align);
	HT_ASSERT(a->phdr_mapped == b->phdr_mapped && a->phdr_vaddr == b->phdr_vaddr);
	HT_ASSERT(a->phnum == b->phnum && a->phentsize == b->phentsize);
	HT_ASSERT(a->stack_prot == b->stack_prot && a->nr_segs == b->nr_segs);
	HT_ASSERT(a->bad_phdr == b->bad_phdr && strcmp(a->interp, b->interp) == 0);
	for (unsigned int i = 0; i < a->nr_segs; i++) {
		const struct elf_seg *x = &a->segs[i], *y = &b->segs[i];

		HT_ASSERT(x->vaddr == y->vaddr && x->memsz == y->memsz);
		HT_ASSERT(x->offset == y->offset && x->filesz == y->filesz);
		HT_ASSERT(x->prot == y->prot && x->phdr_index == y->phdr_index);
	}
}

/* ------------------------------------------------------- valid files --- */

HTEST(elf_valid_exec_plan)
{
	struct tim t;
	struct elf_plan p;

	tim_init(&t);
	tim_expect_ok(&t, &p);
	check_plan(&p, t.size);
	HT_ASSERT_EQ(p.type, ET_EXEC);
	HT_ASSERT_EQ(p.entry, 0x401010);
	HT_ASSERT_EQ(p.bias, 0);
	HT_ASSERT_EQ(p.nr_segs, 3);
	HT_ASSERT_EQ(p.segs[0].vaddr, 0x400000);
	HT_ASSERT_EQ(p.segs[0].prot, ELF_PROT_READ);
	HT_ASSERT_EQ(p.segs[0].phdr_index, 1);
	HT_ASSERT_EQ(p.segs[1].vaddr, 0x401000);
	HT_ASSERT_EQ(p.segs[1].offset, 0x1000);
	HT_ASSERT_EQ(p.segs[1].filesz, 0x100);
	HT_ASSERT_EQ(p.segs[1].prot, ELF_PROT_READ | ELF_PROT_EXEC);
	HT_ASSERT_EQ(p.segs[2].vaddr, 0x403000);
	HT_ASSERT_EQ(p.segs[2].filesz, 0x80);
	HT_ASSERT_EQ(p.segs[2].memsz, 0x2000);
	HT_ASSERT_EQ(p.segs[2].prot, ELF_PROT_READ | ELF_PROT_WRITE);
	HT_ASSERT_EQ(p.lo, 0x400000);
	HT_ASSERT_EQ(p.hi, 0x405000);
	HT_ASSERT_EQ(p.max_align, PGSIZE);
	HT_ASSERT(p.phdr_mapped);
	HT_ASSERT_EQ(p.phdr_vaddr, 0x400040);
	HT_ASSERT_EQ(p.phnum, 5);
	HT_ASSERT_EQ(p.phentsize, 56);
	HT_ASSERT_EQ(p.stack_prot, ELF_PROT_READ | ELF_PROT_WRITE);
	HT_ASSERT_EQ(p.bad_phdr, -1);
	HT_ASSERT_EQ(p.interp[0], 0);
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0), 0);
	HT_ASSERT_EQ(p.entry, 0x401010);
}

HTEST(elf_valid_variants)
{
	struct tim t;
	struct elf_plan p;

	/* No PT_GNU_STACK: the stack defaults to RW; an exec stack is reported. */
	tim_init(&t);
	t.ph[4].p_type = PT_NOTE;
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.stack_prot, ELF_PROT_READ | ELF_PROT_WRITE);
	tim_init(&t);
	t.ph[4].p_flags = PF_R | PF_W | PF_X;
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.stack_prot, 7);
	/* GNU OS ABI, section headers inside the file, OS flag bits. */
	tim_init(&t);
	t.eh.e_ident[EI_OSABI] = ELFOSABI_GNU;
	t.eh.e_shoff = 0x1c00;
	t.eh.e_shentsize = 64;
	t.eh.e_shnum = 4;
	t.eh.e_shstrndx = 3;
	t.ph[2].p_flags |= 0x00100000;
	tim_expect_ok(&t, &p);
	/* A segment ending exactly at USER_LIMIT, large alignment. */
	tim_init(&t);
	t.ph[3].p_vaddr = USER_LIMIT - 0x2000;
	t.ph[3].p_align = 0x200000;
	t.ph[3].p_offset = 0x1fe000;    /* congruent mod 2 MiB, but past the end */
	tim_expect_fail(&t, 3, "past the end of the file");
	t.ph[3].p_offset = 0x2000;
	t.ph[3].p_align = 0x1000;
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.hi, USER_LIMIT);
	/* An empty PT_LOAD is checked but not planned. */
	tim_init(&t);
	t.ph[4] = tim_ph(PT_LOAD, PF_R, 0x2000, 0x410000, 0, 0, 0x1000);
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.nr_segs, 3);
	HT_ASSERT_EQ(p.hi, 0x405000);
}

HTEST(elf_phdrs_unmapped)
{
	struct tim t;
	struct elf_plan p;

	/* Without PT_PHDR and with the first PT_LOAD past the headers, the
	 * plan says the program headers are not in memory. */
	tim_init(&t);
	t.ph[0].p_type = PT_NULL;
	t.ph[1].p_offset = 0x1000;
	t.ph[1].p_vaddr = 0x3ff000;
	t.ph[1].p_filesz = t.ph[1].p_memsz = 0x10;
	tim_expect_ok(&t, &p);
	HT_ASSERT(!p.phdr_mapped);
	HT_ASSERT_EQ(p.phdr_vaddr, 0);
	/* ... and then PT_PHDR claiming otherwise is refused. */
	t.ph[0].p_type = PT_PHDR;
	tim_expect_fail(&t, -1, "PT_PHDR does not match");
	/* Covered only partly: not mapped either. */
	tim_init(&t);
	t.ph[0].p_type = PT_NULL;
	t.ph[1].p_filesz = 100;
	tim_expect_ok(&t, &p);
	HT_ASSERT(!p.phdr_mapped);
}

/* ------------------------------------------------------ read callbacks --- */

struct slow_src {
	const uint8_t *data;
	size_t len;
	int calls;
	int fail_at;            /* call number returning err, or -1 */
	ssize_t err;
	ssize_t extra;          /* added to every count */
};

static ssize_t slow_read(void *arg, void *buf, size_t len, uint64_t off)
{
	struct slow_src *s = arg;

	HT_ASSERT(off < s->len && len <= s->len - off);
	if (s->calls++ == s->fail_at)
		return s->err;
	memcpy(buf, s->data + off, 1);
	return 1 + s->extra;
}

HTEST(elf_read_callback)
{
	struct tim t;
	struct elf_plan p, ref;
	struct slow_src s;
	uint8_t *b;

	tim_init(&t);
	tim_expect_ok(&t, &ref);
	b = tim_bytes(&t);
	s = (struct slow_src){ .data = b, .len = t.size, .fail_at = -1 };
	HT_ASSERT_EQ(elf_parse(slow_read, &s, t.size, &p), 0);
	HT_ASSERT(s.calls >= 64 + 5 * 56);
	plan_eq(&p, &ref);
	/* An error from the callback is returned as it is. */
	for (int at = 0; at < 64 + 5 * 56; at += 37) {
		s = (struct slow_src){ .data = b, .len = t.size, .fail_at = at, .err = -EIO };
		HT_ASSERT_EQ(elf_parse(slow_read, &s, t.size, &p), -EIO);
		HT_ASSERT_STREQ(p.why, "read error");
	}
	/* A file that ends before its stated size. */
	s = (struct slow_src){ .data = b, .len = t.size, .fail_at = 70, .err = 0 };
	HT_ASSERT_EQ(elf_parse(slow_read, &s, t.size, &p), -ENOEXEC);
	HT_ASSERT(strstr(p.why, "ended early"));
	HT_ASSERT_EQ(p.bad_phdr, 0);
	/* A callback claiming more than asked for. */
	s = (struct slow_src){ .data = b, .len = t.size, .fail_at = -1, .extra = 64 };
	HT_ASSERT_EQ(elf_parse(slow_read, &s, t.size, &p), -ENOEXEC);
	HT_ASSERT(strstr(p.why, "more than asked"));
	free(b);
}

HTEST(elf_membuf_reads)
{
	uint8_t data[10] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct elf_membuf m = { .data = data, .len = sizeof(data) };
	uint8_t out[16];

	HT_ASSERT_EQ(elf_membuf_read(&m, out, 4, 8), 2);
	HT_ASSERT_EQ(out[1], 10);
	HT_ASSERT_EQ(elf_membuf_read(&m, out, 4, 10), 0);
	HT_ASSERT_EQ(elf_membuf_read(&m, out, 4, UINT64_MAX), 0);
	HT_ASSERT_EQ(elf_membuf_read(&m, out, 16, 0), 10);
}

/* ------------------------------------------------------ broken headers --- */

struct hdr_case {
	const char *name;
	void (*mutate)(struct tim *t);
	const char *why;
};

#define EH(field, val) t->eh.field = (val)
static void m_magic(struct tim *t) { t->eh.e_ident[EI_MAG2] = 'X'; }
static void m_class(struct tim *t) { t->eh.e_ident[EI_CLASS] = 1; }
static void m_data(struct tim *t) { t->eh.e_ident[EI_DATA] = 2; }
static void m_idver(struct tim *t) { t->eh.e_ident[EI_VERSION] = 2; }
static void m_osabi(struct tim *t) { t->eh.e_ident[EI_OSABI] = 9; }
static void m_abiver(struct tim *t) { t->eh.e_ident[EI_ABIVERSION] = 1; }
static void m_pad(struct tim *t) { t->eh.e_ident[15] = 1; }
static void m_type_rel(struct tim *t) { EH(e_type, ET_REL); }
static void m_type_core(struct tim *t) { EH(e_type, ET_CORE); }
static void m_type_big(struct tim *t) { EH(e_type, 0xfe00); }
static void m_machine(struct tim *t) { EH(e_machine, 3); }
static void m_version(struct tim *t) { EH(e_version, 0); }
static void m_flags(struct tim *t) { EH(e_flags, 1); }
static void m_ehsize(struct tim *t) { EH(e_ehsize, 52); }
static void m_phentsize(struct tim *t) { EH(e_phentsize, 32); }
static void m_phnum0(struct tim *t) { EH(e_phnum, 0); }
static void m_phnum_big(struct tim *t) { EH(e_phnum, 129); }
static void m_phnum_xnum(struct tim *t) { EH(e_phnum, PN_XNUM); }
static void m_phoff_odd(struct tim *t) { EH(e_phoff, 68); }
static void m_phoff_hdr(struct tim *t) { EH(e_phoff, 56); }
static void m_phoff_end(struct tim *t) { EH(e_phoff, 0x2080 - 56 * 4); }
static void m_phoff_huge(struct tim *t) { EH(e_phoff, UINT64_MAX - 7); }
static void m_shoff0(struct tim *t) { EH(e_shnum, 3); }
static void m_shentsize(struct tim *t) { EH(e_shoff, 0x1c00); EH(e_shnum, 2); EH(e_shentsize, 40); }
static void m_shoff_end(struct tim *t) { EH(e_shoff, 0x2000); EH(e_shnum, 3); EH(e_shentsize, 64); }
static void m_shoff_huge(struct tim *t) { EH(e_shoff, UINT64_MAX - 63); EH(e_shentsize, 64); }
static void m_shstrndx(struct tim *t) { EH(e_shoff, 0x1c00); EH(e_shnum, 2); EH(e_shentsize, 64); EH(e_shstrndx, 2); }
static void m_entry_data(struct tim *t) { EH(e_entry, 0x403010); }
static void m_entry_end(struct tim *t) { EH(e_entry, 0x401100); }
static void m_entry_zero(struct tim *t) { EH(e_entry, 0); }
static void m_no_load(struct tim *t)
{
	t->ph[0].p_type = PT_NULL;
	t->ph[1].p_type = t->ph[2].p_type = t->ph[3].p_type = PT_NOTE;
}
static void m_short(struct tim *t) { t->size = 63; }

static const struct hdr_case hdr_cases[] = {
	{ "magic", m_magic, "bad magic" },
	{ "class", m_class, "64-bit" },
	{ "data", m_data, "little-endian" },
	{ "ident version", m_idver, "identification version" },
	{ "osabi", m_osabi, "OS ABI" },
	{ "abi version", m_abiver, "padding" },
	{ "padding", m_pad, "padding" },
	{ "ET_REL", m_type_rel, "not an executable" },
	{ "ET_CORE", m_type_core, "not an executable" },
	{ "e_type high", m_type_big, "not an executable" },
	{ "machine", m_machine, "x86-64" },
	{ "version", m_version, "e_version" },
	{ "flags", m_flags, "e_flags" },
	{ "ehsize", m_ehsize, "e_ehsize" },
	{ "phentsize", m_phentsize, "e_phentsize" },
	{ "phnum 0", m_phnum0, "no program headers" },
	{ "phnum 129", m_phnum_big, "too many program headers" },
	{ "phnum XNUM", m_phnum_xnum, "too many program headers" },
	{ "phoff odd", m_phoff_odd, "misaligned" },
	{ "phoff in header", m_phoff_hdr, "overlaps the ELF header" },
	{ "phoff near end", m_phoff_end, "past the end" },
	{ "phoff huge", m_phoff_huge, "past the end" },
	{ "shnum without shoff", m_shoff0, "e_shoff is 0" },
	{ "shentsize", m_shentsize, "e_shentsize" },
	{ "shoff near end", m_shoff_end, "section header table" },
	{ "shoff huge", m_shoff_huge, "section header table" },
	{ "shstrndx", m_shstrndx, "e_shstrndx" },
	{ "entry in data", m_entry_data, "entry point" },
	{ "entry past text", m_entry_end, "entry point" },
	{ "entry 0", m_entry_zero, "entry point" },
	{ "no PT_LOAD", m_no_load, "no loadable segment" },
	{ "short file", m_short, "too short" },
};

HTEST(elf_broken_headers)
{
	for (size_t i = 0; i < ARRAY_SIZE(hdr_cases); i++) {
		struct tim t;
		struct elf_plan p;
		int ret;

		tim_init(&t);
		hdr_cases[i].mutate(&t);
		ret = tim_parse(&t, &p);
		HT_ASSERT_MSG(ret == -ENOEXEC, "%s: got %d", hdr_cases[i].name, ret);
		HT_ASSERT_MSG(p.why && strstr(p.why, hdr_cases[i].why),
		              "%s: reason '%s'", hdr_cases[i].name, p.why ? p.why : "(null)");
		HT_ASSERT_MSG(p.bad_phdr == -1, "%s: index %d", hdr_cases[i].name, p.bad_phdr);
	}
}

HTEST(elf_every_prefix_fails)
{
	struct tim t;
	struct elf_plan p;

	tim_init(&t);
	for (size_t len = 0; len < t.size; len++) {
		int ret = tim_parse_len(&t, len, &p);

		HT_ASSERT_MSG(ret == -ENOEXEC, "prefix %zu: %d", len, ret);
		HT_ASSERT(p.why != NULL);
	}
}

/* ----------------------------------------------- broken program headers --- */

struct ph_case {
	const char *name;
	int idx;                        /* program header changed */
	struct elf64_phdr ph;           /* replaces it */
	const char *why;
};

#define PH(t, f, o, v, fs, ms, a) { .p_type = (t), .p_flags = (f), .p_offset = (o), \
	.p_vaddr = (v), .p_filesz = (fs), .p_memsz = (ms), .p_align = (a) }
#define RW (PF_R | PF_W)

static const struct ph_case ph_cases[] = {
	{ "filesz > memsz", 3, PH(PT_LOAD, RW, 0x2000, 0x403000, 0x80, 0x40, 0x1000), "file size larger" },
	{ "offset past end", 3, PH(PT_LOAD, RW, 0x2100, 0x403100, 0x80, 0x80, 0x1000), "past the end of the file" },
	{ "offset+filesz past end", 3, PH(PT_LOAD, RW, 0x2000, 0x403000, 0x81, 0x2000, 0x1000), "past the end of the file" },
	{ "offset huge", 3, PH(PT_LOAD, RW, UINT64_MAX - 0xfff, 0x403000, 0x10, 0x10, 0x1000), "past the end of the file" },
	{ "vaddr wraps", 3, PH(PT_LOAD, RW, 0x2000, 0xfffffffffffff000ull, 0x80, 0x2000, 0x1000), "wraps" },
	{ "above USER_LIMIT", 3, PH(PT_LOAD, RW, 0x2000, USER_LIMIT - 0x1000, 0x80, 0x1001, 0x1000), "end of user space" },
	{ "kernel address", 3, PH(PT_LOAD, RW, 0x2000, 0xffffffff80000000ull, 0x80, 0x80, 0x1000), "end of user space" },
	{ "align not pow2", 3, PH(PT_LOAD, RW, 0x2000, 0x403000, 0x80, 0x80, 0x3000), "power of two" },
	{ "align over 1 GiB", 3, PH(PT_LOAD, RW, 0x2000, 0x403000, 0x80, 0x80, 1ull << 31), "larger than 1 GiB" },
	{ "vaddr/offset page", 3, PH(PT_LOAD, RW, 0x2000, 0x403010, 0x80, 0x80, 0), "modulo the page size" },
	{ "vaddr/offset align", 3, PH(PT_LOAD, RW, 0x2000, 0x403000, 0x80, 0x80, 0x200000), "modulo p_align" },
	{ "unknown flags", 3, PH(PT_LOAD, RW | 0x100, 0x2000, 0x403000, 0x80, 0x80, 0x1000), "unknown bits" },
	{ "descending", 3, PH(PT_LOAD, RW, 0x2000, 0x3fe000, 0x80, 0x80, 0x1000), "ascending" },
	{ "overlap", 3, PH(PT_LOAD, RW, 0x1000, 0x401000, 0x80, 0x80, 0x1000), "overlap" },
	{ "shared page", 3, PH(PT_LOAD, RW, 0x1100, 0x401100, 0x80, 0x80, 0x1000), "share a page" },
	{ "page 0", 1, PH(PT_LOAD, PF_R, 0, 0, 0x400, 0x400, 0x1000), "page 0" },
	{ "PT_SHLIB", 4, PH(PT_SHLIB, 0, 0, 0, 0, 0, 0), "PT_SHLIB" },
	{ "two PT_PHDR", 1, PH(PT_PHDR, PF_R, 64, 0x400040, 5 * 56, 5 * 56, 8), "more than one PT_PHDR" },
	{ "PT_PHDR after load", 4, PH(PT_PHDR, PF_R, 64, 0x400040, 5 * 56, 5 * 56, 8), "after a PT_LOAD" },
	{ "PT_PHDR offset", 0, PH(PT_PHDR, PF_R, 72, 0x400048, 5 * 56, 5 * 56, 8), "does not describe" },
	{ "PT_PHDR size", 0, PH(PT_PHDR, PF_R, 64, 0x400040, 4 * 56, 4 * 56, 8), "does not describe" },
	{ "PT_PHDR vaddr", 0, PH(PT_PHDR, PF_R, 64, 0x500040, 5 * 56, 5 * 56, 8), "does not match" },
	{ "stack flags", 4, PH(PT_GNU_STACK, RW | 0x40, 0, 0, 0, 0, 16), "unknown bits" },
	{ "TLS past end", 4, PH(PT_TLS, PF_R, 0x2070, 0x403070, 0x20, 0x40, 8), "past the end of the file" },
	{ "TLS filesz > memsz", 4, PH(PT_TLS, PF_R, 0x2000, 0x403000, 0x20, 0x10, 8), "file size larger" },
	{ "TLS align", 4, PH(PT_TLS, PF_R, 0x2000, 0x403000, 0x20, 0x40, 12), "power of two" },
};

HTEST(elf_broken_phdrs)
{
	for (size_t i = 0; i < ARRAY_SIZE(ph_cases); i++) {
		const struct ph_case *c = &ph_cases[i];
		struct tim t;
		struct elf_plan p;
		int ret;

		tim_init(&t);
		t.ph[c->idx] = c->ph;
		ret = tim_parse(&t, &p);
		HT_ASSERT_MSG(ret == -ENOEXEC, "%s: got %d", c->name, ret);
		HT_ASSERT_MSG(p.why && strstr(p.why, c->why), "%s: reason '%s'", c->name,
		              p.why ? p.why : "(null)");
		if (strcmp(c->name, "PT_PHDR vaddr"))
			HT_ASSERT_MSG(p.bad_phdr == c->idx, "%s: index %d", c->name, p.bad_phdr);
	}
}

HTEST(elf_duplicates)
{
	struct tim t;

	tim_init(&t);
	t.eh.e_phnum = 6;
	t.ph[0].p_filesz = t.ph[0].p_memsz = 6 * 56;
	t.ph[5] = t.ph[4];
	tim_expect_fail(&t, 5, "more than one PT_GNU_STACK");
	t.ph[4] = tim_ph(PT_TLS, PF_R, 0x2000, 0x403000, 0x10, 0x20, 8);
	t.ph[5] = t.ph[4];
	tim_expect_fail(&t, 5, "more than one PT_TLS");
}

HTEST(elf_too_many_segments)
{
	struct tim t;
	struct elf_plan p;

	/* The text and 15 one-page data segments fit; a 17th does not. */
	tim_init(&t);
	t.eh.e_phnum = 18;
	t.ph[0].p_type = PT_NULL;
	t.ph[1] = t.ph[2];
	t.size = 0x2000 + 16 * 0x1000;
	for (int i = 0; i < 16; i++)
		t.ph[2 + i] = tim_ph(PT_LOAD, RW, 0x2000 + i * 0x1000, 0x410000 + i * 0x2000,
		                     0x10, 0x10, 0x1000);
	t.ph[17].p_type = PT_NOTE;
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.nr_segs, 16);
	HT_ASSERT_EQ(p.segs[15].phdr_index, 16);
	check_plan(&p, t.size);
	t.ph[17].p_type = PT_LOAD;
	tim_expect_fail(&t, 17, "too many loadable segments");
}

HTEST(elf_second_batch_index)
{
	struct tim t;
	struct elf_plan p;

	/* Notes push the loads past the first read batch of 8. */
	tim_init(&t);
	t.eh.e_phnum = 14;
	t.ph[0].p_filesz = t.ph[0].p_memsz = 14 * 56;
	for (int i = 4; i < 13; i++)
		t.ph[i] = tim_ph(PT_NOTE, PF_R, 0x300, 0x400300, 0x10, 0x10, 4);
	t.ph[13] = tim_ph(PT_LOAD, RW, 0x2000, 0x403000, 0x80, 0x2000, 0x1000);
	t.ph[3] = tim_ph(PT_NULL, 0, 0, 0, 0, 0, 0);
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.nr_segs, 3);
	HT_ASSERT_EQ(p.segs[2].phdr_index, 13);
	t.ph[13].p_memsz = 0x10;
	tim_expect_fail(&t, 13, "file size larger");
}

/* ----------------------------------------------------------- PT_INTERP --- */

HTEST(elf_interp_rejected)
{
	struct tim t;
	struct elf_plan p;
	char msg[200];

	tim_init(&t);
	t.interp = "/lib/ld-musl-x86_64.so.1";
	t.ph[4] = tim_ph(PT_INTERP, PF_R, 0x1800, 0x401800, 25, 25, 1);
	tim_expect_fail(&t, 4, "PT_INTERP");
	HT_ASSERT_EQ(tim_parse(&t, &p), -ENOEXEC);
	HT_ASSERT_STREQ(p.interp, "/lib/ld-musl-x86_64.so.1");
	elf_describe(&p, msg, sizeof(msg));
	HT_ASSERT_STREQ(msg, "ELF program header 4: dynamically linked (PT_INTERP): "
	                "only static executables run (wants /lib/ld-musl-x86_64.so.1)");
	/* Unprintable bytes are masked; a long path is cut. */
	t.interp = "/lib/\x01\xff";
	HT_ASSERT_EQ(tim_parse(&t, &p), -ENOEXEC);
	HT_ASSERT_STREQ(p.interp, "/lib/??");
	t.interp = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	t.ph[4].p_filesz = 200;
	HT_ASSERT_EQ(tim_parse(&t, &p), -ENOEXEC);
	HT_ASSERT_EQ(strlen(p.interp), ELF_INTERP_MAX - 1);
	/* Path outside the file: still the PT_INTERP reason, no path. */
	t.ph[4].p_offset = 0x2070;
	t.ph[4].p_filesz = 0x20;
	HT_ASSERT_EQ(tim_parse(&t, &p), -ENOEXEC);
	HT_ASSERT(strstr(p.why, "PT_INTERP"));
	HT_ASSERT_EQ(p.interp[0], 0);
}

HTEST(elf_describe_forms)
{
	struct elf_plan p;
	char msg[64];

	memset(&p, 0, sizeof(p));
	p.bad_phdr = -1;
	p.why = "not an ELF file (bad magic number)";
	elf_describe(&p, msg, sizeof(msg));
	HT_ASSERT_STREQ(msg, "ELF header: not an ELF file (bad magic number)");
	p.bad_phdr = 7;
	p.why = "segments share a page";
	elf_describe(&p, msg, sizeof(msg));
	HT_ASSERT_STREQ(msg, "ELF program header 7: segments share a page");
	HT_ASSERT(elf_describe(&p, msg, 8) > 8);
	HT_ASSERT_EQ(strlen(msg), 7);
}

/* ---------------------------------------------------------- static PIE --- */

static void tim_pie(struct tim *t)
{
	tim_init(t);
	t->eh.e_type = ET_DYN;
	t->eh.e_entry = 0x1010;
	t->ph[0].p_vaddr = 0x40;
	t->ph[1].p_vaddr = 0;
	t->ph[2].p_vaddr = 0x1000;
	t->ph[3].p_vaddr = 0x3000;
	t->ph[4].p_type = PT_DYNAMIC;
	t->ph[4].p_offset = 0x2000;
	t->ph[4].p_vaddr = 0x3000;
	t->ph[4].p_filesz = t->ph[4].p_memsz = 0x40;
}

HTEST(elf_static_pie_rebase)
{
	struct tim t;
	struct elf_plan p, orig;
	uint64_t base = 0x555555554000ull;

	tim_pie(&t);
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.type, ET_DYN);
	HT_ASSERT_EQ(p.lo, 0);
	HT_ASSERT_EQ(p.hi, 0x5000);
	orig = p;
	/* Bias 0 leaves page 0 in the plan; misaligned and too high fail. */
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0), -EINVAL);
	HT_ASSERT(strstr(p.why, "outside user space"));
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0x10800), -EINVAL);
	HT_ASSERT(strstr(p.why, "multiple"));
	HT_ASSERT_EQ(elf_plan_rebase(&p, USER_LIMIT - 0x4000), -EINVAL);
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0xfffffffffffff000ull), -EINVAL);
	plan_eq(&p, &orig);
	HT_ASSERT_EQ(elf_plan_rebase(&p, USER_LIMIT - 0x5000), 0);
	HT_ASSERT_EQ(p.hi, USER_LIMIT);
	p = orig;
	HT_ASSERT_EQ(elf_plan_rebase(&p, base), 0);
	HT_ASSERT_EQ(p.bias, base);
	HT_ASSERT_EQ(p.entry, base + 0x1010);
	HT_ASSERT_EQ(p.lo, base);
	HT_ASSERT_EQ(p.hi, base + 0x5000);
	HT_ASSERT_EQ(p.phdr_vaddr, base + 0x40);
	HT_ASSERT_EQ(p.segs[2].vaddr, base + 0x3000);
	check_plan(&p, t.size);
	/* Alignment of the largest p_align is required of the bias. */
	tim_pie(&t);
	t.ph[2].p_align = 0x200000;
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(p.max_align, 0x200000);
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0x201000), -EINVAL);
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0x200000), 0);
	/* An ET_EXEC plan never moves; a PIE asking for an interpreter fails. */
	tim_init(&t);
	tim_expect_ok(&t, &p);
	HT_ASSERT_EQ(elf_plan_rebase(&p, 0x100000), -EINVAL);
	HT_ASSERT(strstr(p.why, "ET_DYN"));
	tim_pie(&t);
	t.interp = "/lib/ld.so";
	t.ph[4] = tim_ph(PT_INTERP, PF_R, 0x1800, 0x1800, 11, 11, 1);
	tim_expect_fail(&t, 4, "PT_INTERP");
}

/* -------------------------------------------------------- corruption --- */

HTEST(elf_random_corruption)
{
	struct tim t;
	uint8_t *good;
	int parsed = 0;

	tim_init(&t);
	good = tim_bytes(&t);
	for (int round = 0; round < 4000; round++) {
		uint8_t *b = malloc(t.size);
		struct elf_membuf m = { .data = b, .len = t.size };
		struct elf_plan p;
		int flips = 1 + (int)(htest_rand() % 4);
		int ret;

		memcpy(b, good, t.size);
		for (int i = 0; i < flips; i++) {
			/* Mostly the headers, where the parser looks. */
			size_t at = htest_rand() % (64 + 5 * 56);

			b[at] ^= (uint8_t)(1u << (htest_rand() % 8));
		}
		ret = elf_parse(elf_membuf_read, &m, t.size, &p);
		HT_ASSERT_MSG(ret == 0 || ret == -ENOEXEC, "round %d: %d", round, ret);
		if (ret == 0) {
			check_plan(&p, t.size);
			parsed++;
		} else {
			HT_ASSERT(p.why != NULL);
			HT_ASSERT(p.bad_phdr >= -1 && p.bad_phdr < ELF_MAX_PHNUM);
		}
		free(b);
	}
	/* Some flips (p_paddr, unused bits) keep the file valid. */
	HT_ASSERT(parsed > 0 && parsed < 4000);
	free(good);
}
