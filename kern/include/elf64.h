/* SPDX-License-Identifier: MIT */
/*
 * elf64.h - the ELF64 file structures and constants the loader reads.
 *
 * Only what a loader of static x86-64 executables needs: the file header,
 * the program header, the identification bytes, and the type, machine,
 * segment-type and segment-flag values (from the System V gABI and the
 * x86-64 psABI).  Section headers are described only far enough for the
 * header checks; the loader never reads sections.
 *
 * All fields are little-endian on disk, the host order of every machine
 * Vireo runs on, so the structures are read with memcpy and used directly.
 *
 * The second half declares the parser (kern/src/proc/elf.c): elf_parse() reads a
 * file through a callback, validates every header field it depends on and
 * produces a load plan (struct elf_plan); it maps nothing and allocates
 * nothing.  Documentation/kapi/elf.md has the rules it enforces.  The
 * auxiliary-vector values (AT_*) live with the stack layout in argenv.h.
 */
#pragma once

#include <types.h>

/* e_ident[] indices and values. */
#define EI_MAG0         0
#define EI_MAG1         1
#define EI_MAG2         2
#define EI_MAG3         3
#define EI_CLASS        4
#define EI_DATA         5
#define EI_VERSION      6
#define EI_OSABI        7
#define EI_ABIVERSION   8
#define EI_PAD          9
#define EI_NIDENT       16

#define ELFMAG0         0x7f
#define ELFMAG1         'E'
#define ELFMAG2         'L'
#define ELFMAG3         'F'
#define ELFCLASS64      2
#define ELFDATA2LSB     1
#define EV_CURRENT      1
#define ELFOSABI_SYSV   0
#define ELFOSABI_GNU    3       /* a.k.a. ELFOSABI_LINUX: GNU extensions used */

/* e_type */
#define ET_NONE         0
#define ET_REL          1
#define ET_EXEC         2
#define ET_DYN          3
#define ET_CORE         4

/* e_machine */
#define EM_X86_64       62

/* Section header indices with special meaning. */
#define SHN_UNDEF       0
#define SHN_XINDEX      0xffff
#define PN_XNUM         0xffff  /* e_phnum escape for > 65534 headers */

/* p_type */
#define PT_NULL         0
#define PT_LOAD         1
#define PT_DYNAMIC      2
#define PT_INTERP       3
#define PT_NOTE         4
#define PT_SHLIB        5
#define PT_PHDR         6
#define PT_TLS          7
#define PT_GNU_EH_FRAME 0x6474e550
#define PT_GNU_STACK    0x6474e551
#define PT_GNU_RELRO    0x6474e552
#define PT_GNU_PROPERTY 0x6474e553

/* p_flags */
#define PF_X            0x1
#define PF_W            0x2
#define PF_R            0x4
#define PF_MASKOS       0x0ff00000
#define PF_MASKPROC     0xf0000000

struct elf64_ehdr {
	uint8_t  e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;       /* virtual address of the first instruction */
	uint64_t e_phoff;       /* file offset of the program header table */
	uint64_t e_shoff;       /* file offset of the section header table */
	uint32_t e_flags;       /* processor flags: none defined for x86-64 */
	uint16_t e_ehsize;      /* sizeof(struct elf64_ehdr) */
	uint16_t e_phentsize;   /* sizeof(struct elf64_phdr) */
	uint16_t e_phnum;
	uint16_t e_shentsize;   /* sizeof(struct elf64_shdr) */
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;      /* file offset of the segment's first byte */
	uint64_t p_vaddr;
	uint64_t p_paddr;       /* unused on x86-64 */
	uint64_t p_filesz;      /* bytes taken from the file */
	uint64_t p_memsz;       /* bytes in memory; the rest is zero */
	uint64_t p_align;       /* 0 or 1 (none) or a power of two */
};

/* Only its size matters to the loader (e_shentsize is checked against it). */
struct elf64_shdr {
	uint32_t sh_name;
	uint32_t sh_type;
	uint64_t sh_flags;
	uint64_t sh_addr;
	uint64_t sh_offset;
	uint64_t sh_size;
	uint32_t sh_link;
	uint32_t sh_info;
	uint64_t sh_addralign;
	uint64_t sh_entsize;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ELF64 file header is 64 bytes");
_Static_assert(sizeof(struct elf64_phdr) == 56, "ELF64 program header is 56 bytes");
_Static_assert(sizeof(struct elf64_shdr) == 64, "ELF64 section header is 64 bytes");

/* ------------------------------------------------------------ parser --- */

#define ELF_MAX_PHNUM   128             /* e_phnum accepted at most */
#define ELF_MAX_SEGS    16              /* non-empty PT_LOAD segments at most */
#define ELF_MAX_ALIGN   0x40000000UL    /* p_align accepted at most (1 GiB) */
#define ELF_INTERP_MAX  64              /* PT_INTERP bytes kept for the message */

/* Segment protections; the values are those of PROT_READ/WRITE/EXEC. */
#define ELF_PROT_READ   0x1
#define ELF_PROT_WRITE  0x2
#define ELF_PROT_EXEC   0x4

/*
 * Reads up to len bytes at file offset off into buf.  Returns the count
 * (short counts are retried; 0 means end of file) or a negative errno.
 * elf_parse() asks only for ranges it has checked lie inside file_size.
 */
typedef ssize_t (*elf_read_fn)(void *arg, void *buf, size_t len, uint64_t off);

/* One PT_LOAD segment: map [vaddr, vaddr + memsz) with prot; its first
 * filesz bytes come from the file at offset, the rest is zero.
 * vaddr % PGSIZE == offset % PGSIZE always holds. */
struct elf_seg {
	uint64_t vaddr;
	uint64_t memsz;
	uint64_t offset;
	uint64_t filesz;
	uint32_t prot;          /* ELF_PROT_* */
	uint16_t phdr_index;    /* which program header it came from */
};

struct elf_plan {
	uint16_t type;          /* ET_EXEC or ET_DYN (static PIE) */
	uint64_t entry;         /* inside an executable segment */
	uint64_t bias;          /* added to every address by elf_plan_rebase() */
	uint64_t lo, hi;        /* page-aligned span [lo, hi) of all segments */
	uint64_t max_align;     /* largest p_align, at least PGSIZE */
	bool phdr_mapped;       /* a PT_LOAD maps the program header table */
	uint64_t phdr_vaddr;    /* ... at this address (AT_PHDR), else 0 */
	uint16_t phnum;         /* AT_PHNUM */
	uint16_t phentsize;     /* AT_PHENT */
	uint32_t stack_prot;    /* from PT_GNU_STACK; READ|WRITE when absent */
	unsigned int nr_segs;
	struct elf_seg segs[ELF_MAX_SEGS];      /* ascending, no shared pages */
	/* Why elf_parse()/elf_plan_rebase() failed: */
	const char *why;        /* static text, NULL on success */
	int bad_phdr;           /* program header at fault, -1: the file header */
	char interp[ELF_INTERP_MAX];    /* printable PT_INTERP path, or "" */
};

/*
 * Validates the ELF file of file_size bytes read through read(arg, ...)
 * and fills *plan.  Returns 0, -ENOEXEC for a file that is not a loadable
 * static x86-64 executable (plan->why names the problem, see
 * elf_describe()), or the read callback's negative errno.  For ET_EXEC the
 * plan is final; for ET_DYN the addresses are relative to bias 0 and the
 * caller must elf_plan_rebase() it before loading.
 */
int elf_parse(elf_read_fn read, void *arg, uint64_t file_size, struct elf_plan *plan);

/*
 * Moves an ET_DYN plan to load at bias (a multiple of plan->max_align):
 * every address grows by bias and must stay in [PGSIZE, USER_LIMIT).
 * Returns 0, or -EINVAL (plan untouched, plan->why says why) for an
 * ET_EXEC plan with bias != 0, a misaligned bias or one out of range.
 */
int elf_plan_rebase(struct elf_plan *plan, uint64_t bias);

/* Writes "ELF program header 3: <why>" (or "ELF header: ...") into buf
 * like snprintf; returns snprintf's result. */
int elf_describe(const struct elf_plan *plan, char *buf, size_t len);

/* A read callback over a file held in memory (tests, the initramfs). */
struct elf_membuf {
	const void *data;
	size_t len;
};
ssize_t elf_membuf_read(void *arg, void *buf, size_t len, uint64_t off);
