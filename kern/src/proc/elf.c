/* SPDX-License-Identifier: MIT */
/*
 * elf.c - the ELF64 validator: from a file to a load plan.
 *
 * elf_parse() reads the file header and the program headers through a read
 * callback (a memory buffer today, a chan later), checks every field the
 * loader depends on, and fills a struct elf_plan: the entry point, the
 * PT_LOAD segments (address, sizes, file offset, protection) and what the
 * auxiliary vector needs (where the program headers are mapped).  Phases:
 * header checks, then one pass over the program headers in batches, then
 * whole-file checks (some segment, the entry point, PT_PHDR consistency).
 *
 * Only static executables load: PT_INTERP fails with -ENOEXEC and the
 * interpreter's name.  ET_DYN without PT_INTERP (a static PIE, which
 * relocates itself) is accepted; its addresses are relative until the
 * caller picks a base with elf_plan_rebase().
 *
 * Pure code: no allocation, no locks, no printing (the fuzz target links
 * this file alone).  A failure leaves a static reason in plan->why and the
 * program header index in plan->bad_phdr; the exec path turns that into the
 * errstr with elf_describe().  Mapping the plan is the VMR layer's job.
 */
#include <elf64.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>
#include <ros/mmu64.h>

#define ELF_PHDR_BATCH  8       /* program headers read per callback round */
#define ELF_PF_KNOWN    (PF_R | PF_W | PF_X | PF_MASKOS | PF_MASKPROC)

struct elf_ctx {
	elf_read_fn read;
	void *arg;
	uint64_t size;                  /* file length */
	struct elf_plan *plan;
	struct elf64_ehdr eh;
	bool seen_load, seen_phdr, seen_stack, seen_tls;
	uint64_t phdr_seg_vaddr;        /* PT_PHDR's p_vaddr, if seen_phdr */
	uint64_t last_end;              /* end of the previous PT_LOAD (bytes) */
};

static int elf_fail(struct elf_ctx *c, int idx, const char *why)
{
	c->plan->why = why;
	c->plan->bad_phdr = idx;
	return -ENOEXEC;
}

/* True if [off, off + len) lies inside the file. */
static bool elf_in_file(const struct elf_ctx *c, uint64_t off, uint64_t len)
{
	return off <= c->size && len <= c->size - off;
}

/* Reads exactly len bytes at off; the range was checked to be in the file. */
static int elf_read_exact(struct elf_ctx *c, int idx, void *buf, size_t len, uint64_t off)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = c->read(c->arg, (char *)buf + done, len - done, off + done);

		if (n < 0) {
			elf_fail(c, idx, "read error");
			return (int)n;
		}
		if (n == 0)
			return elf_fail(c, idx, "file ended early (shorter than its size)");
		if ((size_t)n > len - done)
			return elf_fail(c, idx, "read callback returned more than asked");
		done += (size_t)n;
	}
	return 0;
}

/* ------------------------------------------------------ file header --- */

static int elf_check_ident(struct elf_ctx *c)
{
	const uint8_t *id = c->eh.e_ident;

	if (id[EI_MAG0] != ELFMAG0 || id[EI_MAG1] != ELFMAG1 ||
	    id[EI_MAG2] != ELFMAG2 || id[EI_MAG3] != ELFMAG3)
		return elf_fail(c, -1, "not an ELF file (bad magic number)");
	if (id[EI_CLASS] != ELFCLASS64)
		return elf_fail(c, -1, "not a 64-bit ELF file (EI_CLASS)");
	if (id[EI_DATA] != ELFDATA2LSB)
		return elf_fail(c, -1, "not a little-endian ELF file (EI_DATA)");
	if (id[EI_VERSION] != EV_CURRENT)
		return elf_fail(c, -1, "unknown ELF identification version (EI_VERSION)");
	if (id[EI_OSABI] != ELFOSABI_SYSV && id[EI_OSABI] != ELFOSABI_GNU)
		return elf_fail(c, -1, "unsupported OS ABI (EI_OSABI)");
	for (int i = EI_ABIVERSION; i < EI_NIDENT; i++)
		if (id[i])
			return elf_fail(c, -1, "non-zero ABI version or padding in e_ident");
	return 0;
}

static int elf_check_type(struct elf_ctx *c)
{
	const struct elf64_ehdr *eh = &c->eh;

	if (eh->e_type != ET_EXEC && eh->e_type != ET_DYN)
		return elf_fail(c, -1, "not an executable (e_type is not ET_EXEC or ET_DYN)");
	if (eh->e_machine != EM_X86_64)
		return elf_fail(c, -1, "not an x86-64 program (e_machine)");
	if (eh->e_version != EV_CURRENT)
		return elf_fail(c, -1, "unknown ELF version (e_version)");
	if (eh->e_flags != 0)
		return elf_fail(c, -1, "e_flags set (none are defined for x86-64)");
	if (eh->e_ehsize != sizeof(struct elf64_ehdr))
		return elf_fail(c, -1, "e_ehsize is not the size of an ELF64 header");
	return 0;
}

static int elf_check_phtab(struct elf_ctx *c)
{
	const struct elf64_ehdr *eh = &c->eh;

	if (eh->e_phentsize != sizeof(struct elf64_phdr))
		return elf_fail(c, -1, "e_phentsize is not the size of an ELF64 program header");
	if (eh->e_phnum == 0)
		return elf_fail(c, -1, "no program headers (e_phnum is 0)");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return elf_fail(c, -1, "too many program headers (e_phnum over 128)");
	if (eh->e_phoff % 8)
		return elf_fail(c, -1, "program header table misaligned (e_phoff)");
	if (eh->e_phoff < sizeof(struct elf64_ehdr))
		return elf_fail(c, -1, "program header table overlaps the ELF header");
	if (!elf_in_file(c, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr)))
		return elf_fail(c, -1, "program header table extends past the end of the file");
	return 0;
}

/* Sections are never read, but their header fields must still make sense. */
static int elf_check_shtab(struct elf_ctx *c)
{
	const struct elf64_ehdr *eh = &c->eh;

	if (eh->e_shoff == 0) {
		if (eh->e_shnum || eh->e_shstrndx)
			return elf_fail(c, -1, "section headers counted but e_shoff is 0");
		return 0;
	}
	if (eh->e_shentsize != sizeof(struct elf64_shdr))
		return elf_fail(c, -1, "e_shentsize is not the size of an ELF64 section header");
	/* e_shnum 0 with e_shoff set: the count is in section 0 (extended). */
	if (!elf_in_file(c, eh->e_shoff,
	                 (uint64_t)(eh->e_shnum ? eh->e_shnum : 1) * sizeof(struct elf64_shdr)))
		return elf_fail(c, -1, "section header table extends past the end of the file");
	if (eh->e_shstrndx != SHN_UNDEF && eh->e_shstrndx != SHN_XINDEX &&
	    eh->e_shstrndx >= eh->e_shnum)
		return elf_fail(c, -1, "e_shstrndx names no section");
	return 0;
}

static int elf_read_header(struct elf_ctx *c)
{
	int ret;

	if (!elf_in_file(c, 0, sizeof(c->eh)))
		return elf_fail(c, -1, "file too short to hold an ELF header");
	ret = elf_read_exact(c, -1, &c->eh, sizeof(c->eh), 0);
	if (!ret)
		ret = elf_check_ident(c);
	if (!ret)
		ret = elf_check_type(c);
	if (!ret)
		ret = elf_check_phtab(c);
	if (!ret)
		ret = elf_check_shtab(c);
	return ret;
}

/* --------------------------------------------------- program headers --- */

static uint32_t elf_prot(uint32_t p_flags)
{
	return ((p_flags & PF_R) ? ELF_PROT_READ : 0) |
	       ((p_flags & PF_W) ? ELF_PROT_WRITE : 0) |
	       ((p_flags & PF_X) ? ELF_PROT_EXEC : 0);
}

/* Checks shared by PT_LOAD and PT_TLS: sizes, file range, address range,
 * alignment. */
static int elf_check_extent(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	uint64_t end;

	if (ph->p_flags & ~(uint32_t)ELF_PF_KNOWN)
		return elf_fail(c, idx, "segment flags have unknown bits");
	if (ph->p_filesz > ph->p_memsz)
		return elf_fail(c, idx, "segment file size larger than its memory size");
	if (!elf_in_file(c, ph->p_offset, ph->p_filesz))
		return elf_fail(c, idx, "segment extends past the end of the file");
	if (__builtin_add_overflow(ph->p_vaddr, ph->p_memsz, &end))
		return elf_fail(c, idx, "segment address range wraps around");
	if (end > USER_LIMIT)
		return elf_fail(c, idx, "segment reaches past the end of user space");
	if (ph->p_align > 1 && !IS_POWER_OF_2(ph->p_align))
		return elf_fail(c, idx, "segment alignment is not a power of two");
	if (ph->p_align > ELF_MAX_ALIGN)
		return elf_fail(c, idx, "segment alignment larger than 1 GiB");
	if (ph->p_align > 1 && (ph->p_vaddr - ph->p_offset) % ph->p_align)
		return elf_fail(c, idx, "segment address and file offset disagree modulo p_align");
	return 0;
}

static int elf_add_load(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	struct elf_plan *plan = c->plan;
	uint64_t start = ALIGN_DOWN(ph->p_vaddr, PGSIZE);
	int ret = elf_check_extent(c, idx, ph);

	if (ret)
		return ret;
	if ((ph->p_vaddr - ph->p_offset) % PGSIZE)
		return elf_fail(c, idx, "segment address and file offset disagree modulo the page size");
	if (c->seen_load && ph->p_vaddr < c->last_end)
		return elf_fail(c, idx, "segments overlap or are not in ascending address order");
	c->seen_load = true;
	c->last_end = ph->p_vaddr + ph->p_memsz;
	if (ph->p_memsz == 0)
		return 0;       /* nothing to map */
	if (plan->nr_segs && start < plan->hi)
		return elf_fail(c, idx, "segments share a page");
	if (c->eh.e_type == ET_EXEC && start < PGSIZE)
		return elf_fail(c, idx, "segment starts in page 0, which is never mapped");
	if (plan->nr_segs == ELF_MAX_SEGS)
		return elf_fail(c, idx, "too many loadable segments (over 16)");
	plan->segs[plan->nr_segs++] = (struct elf_seg){
		.vaddr = ph->p_vaddr, .memsz = ph->p_memsz,
		.offset = ph->p_offset, .filesz = ph->p_filesz,
		.prot = elf_prot(ph->p_flags), .phdr_index = (uint16_t)idx,
	};
	if (plan->nr_segs == 1)
		plan->lo = start;
	plan->hi = ALIGN_UP(c->last_end, PGSIZE);
	plan->max_align = MAX(plan->max_align, (uint64_t)ph->p_align);
	return 0;
}

/* Keeps a printable copy of the interpreter path for the message. */
static int elf_reject_interp(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	char *dst = c->plan->interp;
	size_t n = MIN(ph->p_filesz, (uint64_t)ELF_INTERP_MAX - 1);
	const char *why = "dynamically linked (PT_INTERP): only static executables run";

	if (!elf_in_file(c, ph->p_offset, ph->p_filesz))
		return elf_fail(c, idx, why);
	if (n && elf_read_exact(c, idx, dst, n, ph->p_offset) == 0) {
		dst[n] = '\0';
		for (size_t i = 0; i < n && dst[i]; i++)
			if (dst[i] < 0x20 || dst[i] > 0x7e)
				dst[i] = '?';
	} else {
		dst[0] = '\0';
	}
	return elf_fail(c, idx, why);
}

static int elf_note_phdr(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	if (c->seen_load)
		return elf_fail(c, idx, "PT_PHDR after a PT_LOAD");
	if (c->seen_phdr)
		return elf_fail(c, idx, "more than one PT_PHDR");
	if (ph->p_offset != c->eh.e_phoff ||
	    ph->p_filesz != (uint64_t)c->eh.e_phnum * sizeof(struct elf64_phdr))
		return elf_fail(c, idx, "PT_PHDR does not describe the program header table");
	c->seen_phdr = true;
	c->phdr_seg_vaddr = ph->p_vaddr;
	return 0;
}

static int elf_note_stack(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	if (c->seen_stack)
		return elf_fail(c, idx, "more than one PT_GNU_STACK");
	if (ph->p_flags & ~(uint32_t)ELF_PF_KNOWN)
		return elf_fail(c, idx, "segment flags have unknown bits");
	c->seen_stack = true;
	c->plan->stack_prot = elf_prot(ph->p_flags);
	return 0;
}

static int elf_note_tls(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	if (c->seen_tls)
		return elf_fail(c, idx, "more than one PT_TLS");
	c->seen_tls = true;
	return elf_check_extent(c, idx, ph);
}

static int elf_one_phdr(struct elf_ctx *c, int idx, const struct elf64_phdr *ph)
{
	switch (ph->p_type) {
	case PT_LOAD:
		return elf_add_load(c, idx, ph);
	case PT_INTERP:
		return elf_reject_interp(c, idx, ph);
	case PT_SHLIB:
		return elf_fail(c, idx, "PT_SHLIB segment (reserved, not allowed)");
	case PT_PHDR:
		return elf_note_phdr(c, idx, ph);
	case PT_GNU_STACK:
		return elf_note_stack(c, idx, ph);
	case PT_TLS:
		return elf_note_tls(c, idx, ph);
	default:
		return 0;       /* PT_NULL, PT_NOTE, PT_DYNAMIC, GNU and OS types */
	}
}

static int elf_read_phdrs(struct elf_ctx *c)
{
	struct elf64_phdr batch[ELF_PHDR_BATCH];
	int phnum = c->eh.e_phnum;

	for (int base = 0; base < phnum; base += ELF_PHDR_BATCH) {
		int n = MIN(phnum - base, ELF_PHDR_BATCH);
		uint64_t off = c->eh.e_phoff + (uint64_t)base * sizeof(batch[0]);
		int ret = elf_read_exact(c, base, batch, n * sizeof(batch[0]), off);

		for (int i = 0; !ret && i < n; i++)
			ret = elf_one_phdr(c, base + i, &batch[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* ------------------------------------------------ whole-file checks --- */

/* Where the program header table lands in memory: inside the file part of
 * some PT_LOAD (true, *vaddr set), or nowhere (false). */
static bool elf_phdr_vaddr(const struct elf_ctx *c, uint64_t *vaddr)
{
	uint64_t off = c->eh.e_phoff;
	uint64_t len = (uint64_t)c->eh.e_phnum * sizeof(struct elf64_phdr);

	for (unsigned int i = 0; i < c->plan->nr_segs; i++) {
		const struct elf_seg *s = &c->plan->segs[i];

		if (off >= s->offset && off - s->offset <= s->filesz &&
		    len <= s->filesz - (off - s->offset)) {
			*vaddr = s->vaddr + (off - s->offset);
			return true;
		}
	}
	return false;
}

static bool elf_entry_ok(const struct elf_plan *plan)
{
	for (unsigned int i = 0; i < plan->nr_segs; i++) {
		const struct elf_seg *s = &plan->segs[i];

		if ((s->prot & ELF_PROT_EXEC) && plan->entry >= s->vaddr &&
		    plan->entry - s->vaddr < s->memsz)
			return true;
	}
	return false;
}

static int elf_finish(struct elf_ctx *c)
{
	struct elf_plan *plan = c->plan;

	if (plan->nr_segs == 0)
		return elf_fail(c, -1, "no loadable segment (PT_LOAD)");
	if (!elf_entry_ok(plan))
		return elf_fail(c, -1, "entry point is not inside an executable segment");
	plan->phdr_mapped = elf_phdr_vaddr(c, &plan->phdr_vaddr);
	if (c->seen_phdr && (!plan->phdr_mapped || plan->phdr_vaddr != c->phdr_seg_vaddr))
		return elf_fail(c, -1, "PT_PHDR does not match where PT_LOAD maps the program headers");
	return 0;
}

int elf_parse(elf_read_fn read, void *arg, uint64_t file_size, struct elf_plan *plan)
{
	struct elf_ctx c = { .read = read, .arg = arg, .size = file_size, .plan = plan };
	int ret;

	memset(plan, 0, sizeof(*plan));
	plan->bad_phdr = -1;
	plan->max_align = PGSIZE;
	plan->stack_prot = ELF_PROT_READ | ELF_PROT_WRITE;
	ret = elf_read_header(&c);
	if (!ret)
		ret = elf_read_phdrs(&c);
	if (ret)
		return ret;
	plan->type = c.eh.e_type;
	plan->entry = c.eh.e_entry;
	plan->phnum = c.eh.e_phnum;
	plan->phentsize = c.eh.e_phentsize;
	return elf_finish(&c);
}

/* ---------------------------------------------------------- rebase --- */

int elf_plan_rebase(struct elf_plan *plan, uint64_t bias)
{
	uint64_t hi;

	if (bias == 0 && plan->lo >= PGSIZE)
		return 0;
	if (plan->type != ET_DYN) {
		plan->why = bias ? "only a position-independent (ET_DYN) plan can move"
		                 : "segments start in page 0, which is never mapped";
		return -EINVAL;
	}
	if (bias % plan->max_align) {
		plan->why = "load bias is not a multiple of the segment alignment";
		return -EINVAL;
	}
	if (__builtin_add_overflow(plan->hi, bias, &hi) || hi > USER_LIMIT ||
	    plan->lo + bias < PGSIZE) {
		plan->why = "load bias puts the program outside user space";
		return -EINVAL;
	}
	for (unsigned int i = 0; i < plan->nr_segs; i++)
		plan->segs[i].vaddr += bias;
	plan->lo += bias;
	plan->hi = hi;
	plan->entry += bias;
	if (plan->phdr_mapped)
		plan->phdr_vaddr += bias;
	plan->bias += bias;
	return 0;
}

/* ---------------------------------------------------------- helpers --- */

int elf_describe(const struct elf_plan *plan, char *buf, size_t len)
{
	const char *why = plan->why ? plan->why : "no error";

	if (plan->interp[0])
		return snprintf(buf, len, "ELF program header %d: %s (wants %s)",
		                plan->bad_phdr, why, plan->interp);
	if (plan->bad_phdr >= 0)
		return snprintf(buf, len, "ELF program header %d: %s", plan->bad_phdr, why);
	return snprintf(buf, len, "ELF header: %s", why);
}

ssize_t elf_membuf_read(void *arg, void *buf, size_t len, uint64_t off)
{
	const struct elf_membuf *m = arg;
	size_t n;

	if (off >= m->len)
		return 0;
	n = MIN(len, m->len - (size_t)off);
	memcpy(buf, (const char *)m->data + off, n);
	return (ssize_t)n;
}
