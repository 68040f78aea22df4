/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/elf.c - libFuzzer target for the ELF64 validator
 * (kern/src/proc/elf.c, linked alone with -Ikern/include).
 *
 * An input whose first byte is even is the file itself (after that byte);
 * an odd one is written over a small valid executable built here, at an
 * offset taken from its second byte, so the search starts past the magic
 * and reaches the program-header rules at once.  The file is read through
 * a callback that hands out at most a few bytes per call (the count taken
 * from the input's size), so the retry path runs too, and the callback
 * aborts if the parser asks for bytes outside the file.  Beyond the sanitizers' checks it verifies the
 * plan's promises: the result is 0 or -ENOEXEC; on success the segments
 * are non-empty, inside the file, page-congruent, ascending without shared
 * pages, inside [lo, hi) below USER_LIMIT, the entry is in an executable
 * segment, and a static PIE rebased to a fixed base keeps all of that; on
 * failure there is a reason and a sane header index.  Any broken promise
 * aborts (a crash for libFuzzer).
 */
#include <elf64.h>
#include <errno.h>
#include <ros/mmu64.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

struct fz_src {
	const uint8_t *data;
	size_t len;
	size_t chunk;
};

static ssize_t fz_read(void *arg, void *buf, size_t len, uint64_t off)
{
	struct fz_src *s = arg;
	size_t n = len < s->chunk ? len : s->chunk;

	FZ_CHECK(off <= s->len && len <= s->len - off && len > 0);
	memcpy(buf, s->data + off, n);
	return (ssize_t)n;
}

static void fz_check_plan(const struct elf_plan *p, size_t size)
{
	bool entry_ok = false;

	FZ_CHECK(p->why == NULL);
	FZ_CHECK(p->type == ET_EXEC || p->type == ET_DYN);
	FZ_CHECK(p->nr_segs >= 1 && p->nr_segs <= ELF_MAX_SEGS);
	FZ_CHECK(p->lo % PGSIZE == 0 && p->hi % PGSIZE == 0 && p->lo < p->hi);
	FZ_CHECK(p->hi <= USER_LIMIT);
	FZ_CHECK(p->type == ET_DYN || p->lo >= PGSIZE);
	FZ_CHECK(IS_POWER_OF_2(p->max_align) && p->max_align >= PGSIZE &&
	         p->max_align <= ELF_MAX_ALIGN);
	for (unsigned int i = 0; i < p->nr_segs; i++) {
		const struct elf_seg *s = &p->segs[i];

		FZ_CHECK(s->memsz > 0 && s->filesz <= s->memsz);
		FZ_CHECK(s->offset <= size && s->filesz <= size - s->offset);
		FZ_CHECK(s->vaddr % PGSIZE == s->offset % PGSIZE);
		FZ_CHECK(s->vaddr >= p->lo && s->memsz <= p->hi - s->vaddr);
		FZ_CHECK((s->prot & ~7u) == 0 && s->phdr_index < p->phnum);
		if (i)
			FZ_CHECK(ALIGN_DOWN(s->vaddr, PGSIZE) >=
			         ALIGN_UP(p->segs[i - 1].vaddr + p->segs[i - 1].memsz, PGSIZE));
		if ((s->prot & ELF_PROT_EXEC) && p->entry >= s->vaddr &&
		    p->entry - s->vaddr < s->memsz)
			entry_ok = true;
	}
	FZ_CHECK(entry_ok);
	FZ_CHECK(p->phnum >= 1 && p->phnum <= ELF_MAX_PHNUM);
	FZ_CHECK(p->phentsize == sizeof(struct elf64_phdr));
	FZ_CHECK(p->phdr_mapped || p->phdr_vaddr == 0);
	FZ_CHECK((p->stack_prot & ~7u) == 0);
}

#define FZ_TMPL_SIZE 0x2100

/* A static executable: R+X text at 0x401000 holding the headers, RW data,
 * PT_GNU_STACK, PT_TLS. */
static void fz_template(uint8_t *b)
{
	struct elf64_ehdr eh = {
		.e_ident = { ELFMAG0, ELFMAG1, ELFMAG2, ELFMAG3, ELFCLASS64,
		             ELFDATA2LSB, EV_CURRENT },
		.e_type = ET_EXEC, .e_machine = EM_X86_64, .e_version = EV_CURRENT,
		.e_entry = 0x401100, .e_phoff = 64, .e_ehsize = 64,
		.e_phentsize = 56, .e_phnum = 5,
	};
	struct elf64_phdr ph[5] = {
		{ PT_PHDR, PF_R, 64, 0x401040, 0, 5 * 56, 5 * 56, 8 },
		{ PT_LOAD, PF_R | PF_X, 0, 0x401000, 0, 0x1200, 0x1200, 0x1000 },
		{ PT_LOAD, PF_R | PF_W, 0x2000, 0x403000, 0, 0x100, 0x3000, 0x1000 },
		{ PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0, 0, 16 },
		{ PT_TLS, PF_R, 0x2000, 0x403000, 0, 0x10, 0x20, 8 },
	};

	memset(b, 0x90, FZ_TMPL_SIZE);
	memcpy(b, &eh, sizeof(eh));
	memcpy(b + 64, ph, sizeof(ph));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t file[FZ_TMPL_SIZE];
	struct fz_src src;
	struct elf_plan plan;
	char msg[48];
	int ret;

	if (size == 0)
		return 0;
	if (data[0] % 2 == 0) {
		src = (struct fz_src){ .data = data + 1, .len = size - 1 };
	} else {
		size_t at = size > 1 ? data[1] * 4u : 0;
		size_t n = size > 2 ? size - 2 : 0;

		fz_template(file);
		if (at < FZ_TMPL_SIZE)
			memcpy(file + at, data + 2, n < FZ_TMPL_SIZE - at ? n : FZ_TMPL_SIZE - at);
		src = (struct fz_src){ .data = file, .len = FZ_TMPL_SIZE };
	}
	src.chunk = 1 + size % 97;
	ret = elf_parse(fz_read, &src, src.len, &plan);

	FZ_CHECK(ret == 0 || ret == -ENOEXEC);
	if (ret) {
		FZ_CHECK(plan.why != NULL);
		FZ_CHECK(plan.bad_phdr >= -1 && plan.bad_phdr < ELF_MAX_PHNUM);
		FZ_CHECK(strnlen(plan.interp, ELF_INTERP_MAX) < ELF_INTERP_MAX);
		FZ_CHECK(elf_describe(&plan, msg, sizeof(msg)) > 0);
		FZ_CHECK(strlen(msg) < sizeof(msg));
		return 0;
	}
	if (plan.type == ET_DYN) {
		if (elf_plan_rebase(&plan, 0x555555554000ull & ~(plan.max_align - 1)))
			return 0;
		plan.why = NULL;
	}
	fz_check_plan(&plan, src.len);
	return 0;
}
