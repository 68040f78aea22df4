/* SPDX-License-Identifier: MIT */
/*
 * acpi.h - the ACPI static tables Vireo reads (RSDP, RSDT/XSDT, MADT, HPET,
 * SRAT, MCFG) and the parsers that turn them into a struct platform_info.
 *
 * Model: firmware memory is untrusted input.  It is reached only through
 * acpi_map(), which calls the accessor the caller installed with
 * acpi_set_map(): the kernel's returns KADDR(pa) after checking that
 * [pa, pa+len) lies in RAM or ACPI ranges it knows, host tests map into a
 * buffer.  Either returns NULL for anything it cannot vouch for.  A table is
 * used only after acpi_table_check(): length >= 36, <= ACPI_MAX_TABLE_LEN,
 * fully mappable, checksum zero.  Bad tables are reported and skipped.
 *
 * Entry points: acpi_init() finds the RSDP (Multiboot2 copy or BIOS scan),
 * validates the root table and every table it lists, and parses MADT, HPET,
 * SRAT and MCFG.  acpi_find_table() hands out validated tables afterwards.  The
 * acpi_*_parse() functions parse one table from any buffer (a ktest can feed
 * them a corrupted copy).  Single-threaded boot use only: no locking.
 * Not done here: AML (DSDT/SSDT), FADT power management.
 */
#pragma once

#include <compiler.h>
#include <platform.h>
#include <types.h>

#define ACPI_HDR_LEN        36
#define ACPI_MAX_TABLE_LEN  (1u << 20)  /* anything longer is rejected */
#define ACPI_MAX_TABLES     64          /* registry of validated tables */
#define ACPI_RSDP_V1_LEN    20
#define ACPI_RSDP_V2_LEN    36

struct acpi_rsdp {
	char sig[8];             /* "RSD PTR " */
	uint8_t checksum;        /* over the first 20 bytes */
	char oem_id[6];
	uint8_t revision;        /* 0: ACPI 1.0; 2: 2.0+ (fields below valid) */
	uint32_t rsdt_addr;
	uint32_t length;         /* whole structure, >= 36 */
	uint64_t xsdt_addr;
	uint8_t ext_checksum;    /* over 'length' bytes */
	uint8_t reserved[3];
} __packed;

struct acpi_header {
	char sig[4];
	uint32_t length;         /* whole table, header included */
	uint8_t revision;
	uint8_t checksum;        /* all 'length' bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __packed;

/* MADT ("APIC"): header, then local APIC address and flags, then entries. */
struct acpi_madt {
	struct acpi_header hdr;
	uint32_t lapic_addr;
	uint32_t flags;          /* bit 0: PC-AT compatible dual 8259 */
} __packed;

enum acpi_madt_type {
	ACPI_MADT_LAPIC = 0,
	ACPI_MADT_IOAPIC = 1,
	ACPI_MADT_ISO = 2,
	ACPI_MADT_LAPIC_NMI = 4,
	ACPI_MADT_LAPIC_OVERRIDE = 5,
	ACPI_MADT_X2APIC = 9,
	ACPI_MADT_X2APIC_NMI = 0xa,
};

#define ACPI_MADT_ENABLED        (1u << 0)
#define ACPI_MADT_ONLINE_CAPABLE (1u << 1)
#define ACPI_MADT_PCAT_COMPAT    (1u << 0)

struct acpi_madt_lapic {
	uint8_t type, length;    /* 0, 8 */
	uint8_t acpi_uid;
	uint8_t apic_id;
	uint32_t flags;
} __packed;

struct acpi_madt_ioapic {
	uint8_t type, length;    /* 1, 12 */
	uint8_t id;
	uint8_t reserved;
	uint32_t addr;
	uint32_t gsi_base;
} __packed;

struct acpi_madt_iso {
	uint8_t type, length;    /* 2, 10 */
	uint8_t bus;             /* 0: ISA */
	uint8_t source;          /* ISA IRQ */
	uint32_t gsi;
	uint16_t flags;          /* MPS INTI flags */
} __packed;

struct acpi_madt_lapic_nmi {
	uint8_t type, length;    /* 4, 6 */
	uint8_t acpi_uid;        /* 0xff: all processors */
	uint16_t flags;
	uint8_t lint;
} __packed;

struct acpi_madt_lapic_override {
	uint8_t type, length;    /* 5, 12 */
	uint16_t reserved;
	uint64_t addr;
} __packed;

struct acpi_madt_x2apic {
	uint8_t type, length;    /* 9, 16 */
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t acpi_uid;
} __packed;

struct acpi_madt_x2apic_nmi {
	uint8_t type, length;    /* 0xa, 12 */
	uint16_t flags;
	uint32_t acpi_uid;       /* 0xffffffff: all processors */
	uint8_t lint;
	uint8_t reserved[3];
} __packed;

/* HPET table: the generic address structure of the register block. */
struct acpi_gas {
	uint8_t space_id;        /* 0: system memory */
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __packed;

struct acpi_hpet {
	struct acpi_header hdr;
	uint32_t block_id;       /* rev 7:0, comparators-1 12:8, 64-bit 13, vendor 31:16 */
	struct acpi_gas base;
	uint8_t seq;
	uint16_t min_tick;
	uint8_t page_protection;
} __packed;

/* SRAT: header, 12 reserved bytes, then affinity entries. */
#define ACPI_SRAT_ENTRIES_OFF 48

enum acpi_srat_type {
	ACPI_SRAT_CPU = 0,
	ACPI_SRAT_MEM = 1,
	ACPI_SRAT_X2APIC = 2,
};

#define ACPI_SRAT_ENABLED     (1u << 0)
#define ACPI_SRAT_HOTPLUG     (1u << 1)
#define ACPI_SRAT_NONVOLATILE (1u << 2)

struct acpi_srat_cpu {
	uint8_t type, length;    /* 0, 16 */
	uint8_t domain_lo;
	uint8_t apic_id;
	uint32_t flags;
	uint8_t sapic_eid;
	uint8_t domain_hi[3];
	uint32_t clock_domain;
} __packed;

struct acpi_srat_mem {
	uint8_t type, length;    /* 1, 40 */
	uint32_t domain;
	uint16_t reserved1;
	uint64_t base;
	uint64_t len;
	uint32_t reserved2;
	uint32_t flags;
	uint64_t reserved3;
} __packed;

struct acpi_srat_x2apic {
	uint8_t type, length;    /* 2, 24 */
	uint16_t reserved1;
	uint32_t domain;
	uint32_t x2apic_id;
	uint32_t flags;
	uint32_t clock_domain;
	uint32_t reserved2;
} __packed;

/* MCFG: header, 8 reserved bytes, then 16-byte allocation entries. */
#define ACPI_MCFG_ENTRIES_OFF 44

struct acpi_mcfg_entry {
	uint64_t base;           /* ECAM base: where bus 0 would be */
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint32_t reserved;
} __packed;

/* ---- physical memory access ---- */

typedef const void *(*acpi_map_fn)(physaddr_t pa, size_t len);

/* Installs the accessor; NULL uninstalls it (every map then fails). */
void acpi_set_map(acpi_map_fn fn);
/* [pa, pa+len) readable through the result, or NULL (no accessor, len 0,
 * wrap-around, or the accessor refused). */
const void *acpi_map(physaddr_t pa, size_t len);

/* ---- discovery ---- */

/*
 * Finds and validates the RSDP, the root table and every table it lists,
 * then parses MADT, HPET, SRAT and MCFG into *pi (which it initialises first).
 * rsdp_hint: the RSDP copy from a Multiboot2 ACPI tag, or NULL to scan.
 * Returns 0 when a valid MADT gave processors, -ENOENT when there is no
 * RSDP, -EINVAL when ACPI is there but unusable or has no usable MADT (HPET
 * and SRAT results, if any, are kept).
 */
int acpi_init(struct platform_info *pi, const void *rsdp_hint, size_t hint_len);

/* The instance'th validated table with this signature, or NULL. */
const struct acpi_header *acpi_find_table(const char sig[4], int instance);

/*
 * Checks one table in a buffer of 'avail' readable bytes: header fits,
 * 36 <= length <= min(avail, ACPI_MAX_TABLE_LEN), checksum zero and, when
 * 'sig' is not NULL, the signature.  Reports failures naming 'pa'.
 * Returns 0 or -EINVAL.
 */
int acpi_table_check(const void *buf, size_t avail, const char *sig,
                     physaddr_t pa);
/* Maps and checks the table at pa; returns it or NULL (reported). */
const struct acpi_header *acpi_table_map(physaddr_t pa, const char *sig);

/* Sum of len bytes, mod 256: 0 for a good ACPI or MP structure. */
uint8_t acpi_checksum(const void *buf, size_t len);

/* The i'th table of the registry (any signature), or NULL past the end;
 * acpi_table_pa() is its physical address (0 past the end). */
const struct acpi_header *acpi_table_at(unsigned int i);
physaddr_t acpi_table_pa(unsigned int i);

/*
 * ---- table parsers ----
 * buf holds the whole table, len bytes of it readable.  Each runs the full
 * acpi_table_check() itself; its messages give buf's address as "at 0x...".
 */

/* MADT -> lapic_phys, has_8259, cpus, ioapics, overrides, NMI pins.
 * 0, or -EINVAL when the table or its entry structure is bad (then *pi's
 * processor/IRQ part is left cleared). */
int acpi_madt_parse(struct platform_info *pi, const void *buf, size_t len);
/* HPET -> pi->hpet.  0 or -EINVAL. */
int acpi_hpet_parse(struct platform_info *pi, const void *buf, size_t len);
/* SRAT -> pi->numa and cpus[].node (parse the MADT first).  0 or -EINVAL. */
int acpi_srat_parse(struct platform_info *pi, const void *buf, size_t len);
/* MCFG -> pi->ecam: the usable windows (bad entries reported and skipped).
 * 0, or -EINVAL when the table itself is bad (pi->ecam left empty). */
int acpi_mcfg_parse(struct platform_info *pi, const void *buf, size_t len);

/*
 * Subtable walk shared by MADT and SRAT: entries of {type, length, ...}
 * from offset 'start' to the table's end.  acpi_subtables_check() walks the
 * whole list first and fails (reported) on length < 2 or an entry that runs
 * past the end; only then may acpi_subtable_next() be used without checks.
 */
int acpi_subtables_check(const struct acpi_header *h, size_t start);
const uint8_t *acpi_subtable_next(const struct acpi_header *h, size_t start,
                                  const uint8_t *prev);

/*
 * ---- text views (acpi_text.c, for #acpi) ----
 * One line per entry, as the firmware wrote it, appended to s.  h must be
 * a validated table (from acpi_find_table()) of the matching signature.
 */
struct slice;
void acpi_madt_text(struct slice *s, const struct acpi_header *h);
void acpi_srat_text(struct slice *s, const struct acpi_header *h);
void acpi_mcfg_text(struct slice *s, const struct acpi_header *h);

/* ---- MultiProcessor table fallback (mptable.c) ---- */

/* Scans for "_MP_", validates it and its "PCMP" table, and replaces the
 * processor/IOAPIC part of *pi.  0, -ENOENT (none found), -EINVAL (bad),
 * -ENOTSUP (default configuration without a table). */
int mptable_init(struct platform_info *pi);
/* Parses a "PCMP" configuration table held in buf (len bytes readable). */
int mptable_parse(struct platform_info *pi, const void *buf, size_t len);
