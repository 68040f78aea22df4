/* SPDX-License-Identifier: MIT */
/*
 * mptable.c - the Intel MultiProcessor Specification (1.4) tables, used only
 * when ACPI offers no usable MADT.
 *
 * mptable_init() looks for the 16-byte floating pointer "_MP_" on 16-byte
 * boundaries in the EBDA's first KiB, the last KiB of base memory
 * (639-640 KiB) and 0xF0000-0xFFFFF; a candidate with a bad checksum is
 * reported and the search goes on.  A pointer that announces a default
 * configuration (no table) is not supported.  mptable_parse() checks the
 * "PCMP" configuration table: signature, 44 <= base length <= what is
 * readable, checksum, and an entry walk (processors 20 bytes, the other
 * four types 8) that must stay inside the base table; an unknown type or a
 * truncated entry rejects the table.  Only then does it take the enabled
 * processors (with the BSP flag) and enabled IOAPICs.  Bus and interrupt
 * assignment entries and the extended table are not read: ISA IRQs keep
 * their identity routing (IRQ 0 usually on pin 2: see platform.md).
 *
 * Boot-time, single-threaded; keeps no pointer into the tables.
 */
#include <acpi.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

struct mp_fps {
	char sig[4];              /* "_MP_" */
	uint32_t config_pa;       /* 0: default configuration */
	uint8_t length;           /* in 16-byte units, 1 */
	uint8_t spec_rev;
	uint8_t checksum;
	uint8_t feature[5];       /* feature[0] != 0: default configuration */
} __packed;

struct mp_config {
	char sig[4];              /* "PCMP" */
	uint16_t base_len;
	uint8_t spec_rev;
	uint8_t checksum;
	char oem_id[8];
	char product_id[12];
	uint32_t oem_table_pa;
	uint16_t oem_table_size;
	uint16_t entry_count;
	uint32_t lapic_addr;
	uint16_t ext_len;
	uint8_t ext_checksum;
	uint8_t reserved;
} __packed;

enum mp_entry_type {
	MP_PROCESSOR = 0,
	MP_BUS = 1,
	MP_IOAPIC = 2,
	MP_IO_INTR = 3,
	MP_LOCAL_INTR = 4,
};

struct mp_processor {
	uint8_t type, apic_id, apic_version, flags;  /* flags: EN 0, BP 1 */
	uint32_t signature, features;
	uint32_t reserved[2];
} __packed;

struct mp_ioapic {
	uint8_t type, id, version, flags;            /* flags: EN 0 */
	uint32_t addr;
} __packed;

#define MP_EN (1u << 0)
#define MP_BP (1u << 1)

/* ------------------------------------------------ the floating pointer --- */

/* 0 and the table's address, -ENOTSUP, or -ENOENT (keep looking). */
static int mp_fps_check(const uint8_t *p, size_t avail, physaddr_t pa,
                        physaddr_t *cfg)
{
	const struct mp_fps *f = (const void *)p;
	unsigned long long at = pa;

	if (memcmp(f->sig, "_MP_", 4) != 0)
		return -ENOENT;
	if (f->length == 0 || f->length * 16u > avail) {
		printk("mptable: pointer at 0x%llx has bad length %u; ignored\n",
		       at, f->length);
		return -ENOENT;
	}
	if (acpi_checksum(p, f->length * 16u) != 0) {
		printk("mptable: pointer at 0x%llx has bad checksum; ignored\n", at);
		return -ENOENT;
	}
	if (f->feature[0] != 0 || f->config_pa == 0) {
		printk("mptable: default configuration %u (no table) not supported\n",
		       f->feature[0]);
		return -ENOTSUP;
	}
	*cfg = f->config_pa;
	return 0;
}

static int mp_scan_range(physaddr_t base, size_t len, physaddr_t *cfg)
{
	const uint8_t *p = acpi_map(base, len);
	int err;

	if (!p)
		return -ENOENT;
	for (size_t off = 0; off + sizeof(struct mp_fps) <= len; off += 16) {
		err = mp_fps_check(p + off, len - off, base + off, cfg);
		if (err != -ENOENT)
			return err;
	}
	return -ENOENT;
}

static int mp_find(physaddr_t *cfg)
{
	const uint8_t *seg = acpi_map(0x40e, 2);
	physaddr_t ebda = seg ? (physaddr_t)(seg[0] | seg[1] << 8) << 4 : 0;
	int err = -ENOENT;

	if (ebda >= 0x400 && ebda < 0xa0000)
		err = mp_scan_range(ebda, MIN((physaddr_t)KiB, 0xa0000 - ebda), cfg);
	if (err == -ENOENT)
		err = mp_scan_range(639 * KiB, KiB, cfg);
	if (err == -ENOENT)
		err = mp_scan_range(0xf0000, 0x10000, cfg);
	return err;
}

/* ------------------------------------------------- the configuration --- */

static int mp_reject(struct platform_info *pi, const char *why, unsigned int v)
{
	printk("mptable: configuration table %s (%u); skipped\n", why, v);
	pi->nr_rejected++;
	return -EINVAL;
}

static int mp_check_header(struct platform_info *pi, const struct mp_config *c,
                           size_t len)
{
	if (len < sizeof(*c) || memcmp(c->sig, "PCMP", 4) != 0)
		return mp_reject(pi, "has no PCMP header, readable bytes", len);
	if (c->base_len < sizeof(*c) || c->base_len > len)
		return mp_reject(pi, "has a bad base length", c->base_len);
	if (acpi_checksum(c, c->base_len) != 0)
		return mp_reject(pi, "has a bad checksum, sum",
		                 acpi_checksum(c, c->base_len));
	return 0;
}

/* Walks every entry without taking anything; -EINVAL (reported) if unsound. */
static int mp_check_entries(struct platform_info *pi, const struct mp_config *c)
{
	const uint8_t *t = (const uint8_t *)c;
	size_t off = sizeof(*c);

	for (unsigned int i = 0; i < c->entry_count; i++) {
		size_t size;

		if (off >= c->base_len)
			return mp_reject(pi, "ends before entry", i);
		if (t[off] > MP_LOCAL_INTR)
			return mp_reject(pi, "has an unknown entry type", t[off]);
		size = t[off] == MP_PROCESSOR ? sizeof(struct mp_processor) : 8;
		if (size > c->base_len - off)
			return mp_reject(pi, "has a truncated entry", i);
		off += size;
	}
	return 0;
}

static void mp_take_entry(struct platform_info *pi, const uint8_t *e)
{
	const struct mp_processor *p = (const void *)e;
	const struct mp_ioapic *io = (const void *)e;

	if (e[0] == MP_PROCESSOR && (p->flags & MP_EN))
		platform_add_cpu(pi, p->apic_id, p->apic_id,
		                 (p->flags & MP_BP) ? 1 : 0, false);
	else if (e[0] == MP_IOAPIC && (io->flags & MP_EN))
		platform_add_ioapic(pi, io->id, io->addr,
		                    pi->nr_ioapics == 0 ? 0 : PLATFORM_GSI_UNKNOWN);
}

int mptable_parse(struct platform_info *pi, const void *buf, size_t len)
{
	const struct mp_config *c = buf;
	const uint8_t *e = (const uint8_t *)buf + sizeof(*c);

	platform_clear_irq_topology(pi);
	if (mp_check_header(pi, c, len) || mp_check_entries(pi, c))
		return -EINVAL;
	pi->lapic_phys = c->lapic_addr;
	pi->has_8259 = true;  /* MP systems are PC-AT compatible */
	for (unsigned int i = 0; i < c->entry_count; i++) {
		mp_take_entry(pi, e);
		e += e[0] == MP_PROCESSOR ? sizeof(struct mp_processor) : 8;
	}
	if (pi->nr_cpus == 0) {
		platform_clear_irq_topology(pi);
		return mp_reject(pi, "lists no enabled processor, entries",
		                 c->entry_count);
	}
	pi->source = PLATFORM_SRC_MPTABLE;
	return 0;
}

int mptable_init(struct platform_info *pi)
{
	const struct mp_config *c;
	physaddr_t cfg;
	size_t len;
	int err;

	err = mp_find(&cfg);
	if (err) {
		if (err == -ENOENT)
			printk("mptable: no MP floating pointer found\n");
		return err;
	}
	c = acpi_map(cfg, sizeof(*c));
	len = c && c->base_len > sizeof(*c) ? c->base_len : sizeof(*c);
	if (c)
		c = acpi_map(cfg, len);
	if (!c) {
		printk("mptable: configuration table at 0x%llx is outside known memory\n",
		       (unsigned long long)cfg);
		pi->nr_rejected++;
		return -EINVAL;
	}
	return mptable_parse(pi, c, len);
}
