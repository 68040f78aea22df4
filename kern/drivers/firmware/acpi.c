/* SPDX-License-Identifier: MIT */
/*
 * acpi.c - ACPI discovery: the RSDP, the root table (XSDT or RSDT), the
 * registry of validated tables, acpi_init(), and the platform_info helpers
 * that the MADT and MP table parsers share.
 *
 * Model: everything read from firmware goes through acpi_map() and is
 * checked before use.  acpi_init() takes the RSDP from a Multiboot2 copy
 * when that copy is valid, else scans the EBDA's first KiB and
 * 0xE0000-0xFFFFF on 16-byte boundaries; a bad candidate is reported and
 * the scan goes on.  A revision >= 2 RSDP whose extended checksum or length
 * is bad, or whose XSDT is unusable, falls back to the RSDT.  Every table
 * the root lists is validated (acpi_table_map) before it enters the
 * registry; acpi_find_table() only returns registry entries.  The MADT,
 * HPET, SRAT and MCFG parsers live in madt.c, hpet_table.c, srat.c and
 * mcfg.c.
 *
 * Lifetime and locking: boot-time, one core, no locks.  The registry is
 * module state rebuilt by each acpi_init(); pointers it returns come from
 * acpi_map() and stay valid as long as the accessor's mappings do (the
 * kernel's direct map: forever).
 */
#include <acpi.h>
#include <errno.h>
#include <kstring.h>
#include <printk.h>

static acpi_map_fn acpi_map_cb;

struct acpi_table_ref {
	physaddr_t pa;
	uint32_t len;
	char sig[4];
};

static struct acpi_table_ref acpi_tables[ACPI_MAX_TABLES];
static unsigned int acpi_nr_tables;

/* ------------------------------------------------ memory and checking --- */

void acpi_set_map(acpi_map_fn fn)
{
	acpi_map_cb = fn;
}

const void *acpi_map(physaddr_t pa, size_t len)
{
	physaddr_t end;

	if (!acpi_map_cb || len == 0 || __builtin_add_overflow(pa, len, &end))
		return NULL;
	return acpi_map_cb(pa, len);
}

uint8_t acpi_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/*
 * Copies a 4-byte signature into a printable, NUL-terminated string, using
 * the names people know for the two tables whose signatures differ.
 */
static void acpi_sig_str(const char *sig, char out[5])
{
	if (memcmp(sig, "APIC", 4) == 0)
		sig = "MADT";
	else if (memcmp(sig, "FACP", 4) == 0)
		sig = "FADT";
	for (int i = 0; i < 4; i++)
		out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : '?';
	out[4] = '\0';
}

static int acpi_check_len(const struct acpi_header *h, size_t avail,
                          const char *name, unsigned long long pa)
{
	uint32_t len = h->length;

	if (len < ACPI_HDR_LEN) {
		printk("acpi: %s at 0x%llx has length %u, shorter than its header; skipped\n",
		       name, pa, len);
		return -EINVAL;
	}
	if (len > ACPI_MAX_TABLE_LEN) {
		printk("acpi: %s at 0x%llx has length %u, over the %u byte limit; skipped\n",
		       name, pa, len, ACPI_MAX_TABLE_LEN);
		return -EINVAL;
	}
	if (len > avail) {
		printk("acpi: %s at 0x%llx has length %u but only %zu bytes are readable; skipped\n",
		       name, pa, len, avail);
		return -EINVAL;
	}
	return 0;
}

int acpi_table_check(const void *buf, size_t avail, const char *sig,
                     physaddr_t pa)
{
	const struct acpi_header *h = buf;
	unsigned long long at = pa;
	char name[5];
	uint8_t sum;

	if (!buf || avail < ACPI_HDR_LEN) {
		printk("acpi: table at 0x%llx: header not readable; skipped\n", at);
		return -EINVAL;
	}
	acpi_sig_str(h->sig, name);
	if (acpi_check_len(h, avail, name, at))
		return -EINVAL;
	if (sig && memcmp(h->sig, sig, 4) != 0) {
		printk("acpi: table at 0x%llx is '%s', expected '%.4s'; skipped\n",
		       at, name, sig);
		return -EINVAL;
	}
	sum = acpi_checksum(h, h->length);
	if (sum != 0) {
		printk("acpi: %s at 0x%llx has bad checksum (sum 0x%02x); skipped\n",
		       name, at, sum);
		return -EINVAL;
	}
	return 0;
}

const struct acpi_header *acpi_table_map(physaddr_t pa, const char *sig)
{
	const struct acpi_header *h = acpi_map(pa, ACPI_HDR_LEN);
	uint32_t len;

	if (!h) {
		printk("acpi: table at 0x%llx is outside known memory; skipped\n",
		       (unsigned long long)pa);
		return NULL;
	}
	len = h->length;
	if (len > ACPI_HDR_LEN && len <= ACPI_MAX_TABLE_LEN) {
		h = acpi_map(pa, len);
		if (!h) {
			printk("acpi: table at 0x%llx (length %u) runs outside known memory; skipped\n",
			       (unsigned long long)pa, len);
			return NULL;
		}
	} else {
		len = ACPI_HDR_LEN;  /* acpi_table_check reports the length */
	}
	if (acpi_table_check(h, len, sig, pa))
		return NULL;
	return h;
}

/* ------------------------------------------------------ subtable walk --- */

int acpi_subtables_check(const struct acpi_header *h, size_t start)
{
	const uint8_t *t = (const uint8_t *)h;
	size_t len = h->length, off = start;
	char name[5];

	acpi_sig_str(h->sig, name);
	while (off < len) {
		if (len - off < 2) {
			printk("acpi: %s entry at offset %zu is truncated; table skipped\n",
			       name, off);
			return -EINVAL;
		}
		if (t[off + 1] < 2) {
			printk("acpi: %s entry at offset %zu has length %u; table skipped\n",
			       name, off, t[off + 1]);
			return -EINVAL;
		}
		if (t[off + 1] > len - off) {
			printk("acpi: %s entry at offset %zu (length %u) runs past the table end %zu; table skipped\n",
			       name, off, t[off + 1], len);
			return -EINVAL;
		}
		off += t[off + 1];
	}
	return 0;
}

const uint8_t *acpi_subtable_next(const struct acpi_header *h, size_t start,
                                  const uint8_t *prev)
{
	const uint8_t *t = (const uint8_t *)h;
	size_t off = prev ? (size_t)(prev - t) + prev[1] : start;

	return off < h->length ? t + off : NULL;
}

/* --------------------------------------------------------------- RSDP --- */

/*
 * Validates an RSDP candidate of which 'avail' bytes are readable ('where'
 * names it in messages).  Returns
 * 0 and a zero-padded copy in *out, with *use_xsdt saying whether the
 * revision 2 part is trustworthy; -EINVAL (reported) otherwise.
 */
static int acpi_rsdp_check(const void *p, size_t avail, const char *where,
                           struct acpi_rsdp *out, bool *use_xsdt)
{
	const struct acpi_rsdp *r = p;

	if (avail < ACPI_RSDP_V1_LEN || memcmp(r->sig, "RSD PTR ", 8) != 0)
		return -EINVAL;
	if (acpi_checksum(r, ACPI_RSDP_V1_LEN) != 0) {
		printk("acpi: %s has bad checksum (sum 0x%02x); ignored\n",
		       where, acpi_checksum(r, ACPI_RSDP_V1_LEN));
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out, r, MIN(avail, sizeof(*out)));
	*use_xsdt = false;
	if (r->revision >= 2) {
		if (avail < ACPI_RSDP_V2_LEN || r->length < ACPI_RSDP_V2_LEN ||
		    r->length > avail)
			printk("acpi: %s (revision %u) has bad length; using the RSDT\n",
			       where, r->revision);
		else if (acpi_checksum(r, r->length) != 0)
			printk("acpi: %s has bad extended checksum; using the RSDT\n",
			       where);
		else
			*use_xsdt = r->xsdt_addr != 0;
	}
	if (!*use_xsdt && out->rsdt_addr == 0) {
		printk("acpi: %s names no usable root table; ignored\n", where);
		return -EINVAL;
	}
	return 0;
}

static int acpi_rsdp_scan_range(physaddr_t base, size_t len,
                                struct acpi_rsdp *out, bool *use_xsdt)
{
	const uint8_t *p = acpi_map(base, len);

	if (!p) {
		printk("acpi: cannot read 0x%llx-0x%llx to look for the RSDP\n",
		       (unsigned long long)base, (unsigned long long)(base + len));
		return -ENOENT;
	}
	for (size_t off = 0; off + ACPI_RSDP_V1_LEN <= len; off += 16) {
		char where[32];

		if (memcmp(p + off, "RSD PTR ", 8) != 0)
			continue;
		snprintf(where, sizeof(where), "RSDP at 0x%llx",
		         (unsigned long long)(base + off));
		if (acpi_rsdp_check(p + off, len - off, where, out, use_xsdt) == 0)
			return 0;
	}
	return -ENOENT;
}

/* The first KiB of the Extended BIOS Data Area, whose segment is at 0x40E. */
static int acpi_rsdp_scan_ebda(struct acpi_rsdp *out, bool *use_xsdt)
{
	const uint8_t *seg = acpi_map(0x40e, 2);
	physaddr_t ebda;

	if (!seg)
		return -ENOENT;
	ebda = (physaddr_t)(seg[0] | seg[1] << 8) << 4;
	if (ebda < 0x400 || ebda >= 0xa0000)
		return -ENOENT;
	return acpi_rsdp_scan_range(ebda, MIN((physaddr_t)KiB, 0xa0000 - ebda),
	                            out, use_xsdt);
}

static int acpi_rsdp_find(const void *hint, size_t hint_len,
                          struct acpi_rsdp *out, bool *use_xsdt)
{
	if (hint) {
		if (acpi_rsdp_check(hint, hint_len, "boot loader's RSDP copy",
		                    out, use_xsdt) == 0)
			return 0;
		printk("acpi: the boot loader's RSDP copy is not valid; scanning\n");
	}
	if (acpi_rsdp_scan_ebda(out, use_xsdt) == 0)
		return 0;
	return acpi_rsdp_scan_range(0xe0000, 0x20000, out, use_xsdt);
}

/* ----------------------------------------------- root table, registry --- */

static void acpi_register(struct platform_info *pi, physaddr_t pa)
{
	const struct acpi_header *h = acpi_table_map(pa, NULL);

	if (!h) {
		pi->nr_rejected++;
		return;
	}
	if (acpi_nr_tables == ACPI_MAX_TABLES) {
		printk("acpi: more than %d tables; %.4s at 0x%llx ignored\n",
		       ACPI_MAX_TABLES, h->sig, (unsigned long long)pa);
		return;
	}
	acpi_tables[acpi_nr_tables].pa = pa;
	acpi_tables[acpi_nr_tables].len = h->length;
	memcpy(acpi_tables[acpi_nr_tables].sig, h->sig, 4);
	acpi_nr_tables++;
}

/* Registers every valid table that the root table (entries of esize) lists. */
static void acpi_root_walk(struct platform_info *pi,
                           const struct acpi_header *root, size_t esize)
{
	const uint8_t *e = (const uint8_t *)root + ACPI_HDR_LEN;
	size_t n = (root->length - ACPI_HDR_LEN) / esize;

	if ((root->length - ACPI_HDR_LEN) % esize)
		printk("acpi: %.4s length %u is not whole entries; tail ignored\n",
		       root->sig, root->length);
	for (size_t i = 0; i < n; i++, e += esize) {
		uint64_t pa = 0;

		memcpy(&pa, e, esize);  /* little-endian, maybe unaligned */
		if (pa != 0)
			acpi_register(pi, (physaddr_t)pa);
	}
}

static int acpi_root_load(struct platform_info *pi, const struct acpi_rsdp *r,
                          bool use_xsdt)
{
	const struct acpi_header *root;

	if (use_xsdt) {
		root = acpi_table_map((physaddr_t)r->xsdt_addr, "XSDT");
		if (root) {
			acpi_root_walk(pi, root, 8);
			return 0;
		}
		pi->nr_rejected++;
		printk("acpi: XSDT unusable; falling back to the RSDT\n");
	}
	if (r->rsdt_addr == 0)
		return -EINVAL;
	root = acpi_table_map(r->rsdt_addr, "RSDT");
	if (!root) {
		pi->nr_rejected++;
		return -EINVAL;
	}
	acpi_root_walk(pi, root, 4);
	return 0;
}

const struct acpi_header *acpi_find_table(const char sig[4], int instance)
{
	for (unsigned int i = 0; i < acpi_nr_tables; i++) {
		if (memcmp(acpi_tables[i].sig, sig, 4) != 0)
			continue;
		if (instance-- == 0)
			return acpi_map(acpi_tables[i].pa, acpi_tables[i].len);
	}
	return NULL;
}

const struct acpi_header *acpi_table_at(unsigned int i)
{
	if (i >= acpi_nr_tables)
		return NULL;
	return acpi_map(acpi_tables[i].pa, acpi_tables[i].len);
}

physaddr_t acpi_table_pa(unsigned int i)
{
	return i < acpi_nr_tables ? acpi_tables[i].pa : 0;
}

/* ---------------------------------------------------------- acpi_init --- */

/* Tries each MADT until one yields processors. */
static int acpi_load_madt(struct platform_info *pi)
{
	const struct acpi_header *h;

	for (int i = 0; (h = acpi_find_table("APIC", i)) != NULL; i++) {
		if (acpi_madt_parse(pi, h, h->length) == 0) {
			pi->source = PLATFORM_SRC_ACPI;
			return 0;
		}
	}
	printk("acpi: no usable MADT\n");
	return -EINVAL;
}

static void acpi_load_optional(struct platform_info *pi, const char *sig,
                               int (*parse)(struct platform_info *,
                                            const void *, size_t))
{
	const struct acpi_header *h;

	for (int i = 0; (h = acpi_find_table(sig, i)) != NULL; i++) {
		if (parse(pi, h, h->length) == 0)
			return;
	}
}

int acpi_init(struct platform_info *pi, const void *rsdp_hint, size_t hint_len)
{
	struct acpi_rsdp rsdp;
	bool use_xsdt;
	int err;

	platform_info_init(pi);
	acpi_nr_tables = 0;
	if (acpi_rsdp_find(rsdp_hint, hint_len, &rsdp, &use_xsdt)) {
		printk("acpi: no valid RSDP found\n");
		return -ENOENT;
	}
	if (acpi_root_load(pi, &rsdp, use_xsdt)) {
		printk("acpi: no usable root table (RSDT/XSDT)\n");
		return -EINVAL;
	}
	acpi_load_optional(pi, "HPET", acpi_hpet_parse);
	err = acpi_load_madt(pi);
	acpi_load_optional(pi, "SRAT", acpi_srat_parse);
	acpi_load_optional(pi, "MCFG", acpi_mcfg_parse);
	return err;
}

/* ------------------------------------------------ platform_info helpers --- */

void platform_info_init(struct platform_info *pi)
{
	memset(pi, 0, sizeof(*pi));
	pi->source = PLATFORM_SRC_NONE;
}

void platform_clear_irq_topology(struct platform_info *pi)
{
	pi->source = PLATFORM_SRC_NONE;
	pi->lapic_phys = 0;
	pi->has_8259 = false;
	pi->nr_cpus = 0;
	pi->nr_cpus_left_out = 0;
	pi->nr_cpus_hotplug = 0;
	memset(pi->cpus, 0, sizeof(pi->cpus));
	pi->nr_ioapics = 0;
	memset(pi->ioapics, 0, sizeof(pi->ioapics));
	pi->nr_overrides = 0;
	memset(pi->overrides, 0, sizeof(pi->overrides));
}

struct platform_cpu *platform_cpu_by_apic_id(struct platform_info *pi,
                                             uint32_t apic_id)
{
	for (unsigned int i = 0; i < pi->nr_cpus; i++) {
		if (pi->cpus[i].apic_id == apic_id)
			return &pi->cpus[i];
	}
	return NULL;
}

/* Names at most this many left-out CPUs one by one, then only counts. */
#define PLATFORM_LEFT_OUT_NAMED 16

int platform_add_cpu(struct platform_info *pi, uint32_t apic_id,
                     uint32_t acpi_uid, int is_bsp, bool x2apic_entry)
{
	struct platform_cpu *c;

	if (platform_cpu_by_apic_id(pi, apic_id)) {
		printk("platform: duplicate APIC id %u (uid %u) dropped\n",
		       apic_id, acpi_uid);
		pi->nr_rejected++;
		return -EEXIST;
	}
	if (pi->nr_cpus == CONFIG_MAX_CORES) {
		if (pi->nr_cpus_left_out++ < PLATFORM_LEFT_OUT_NAMED)
			printk("platform: CPU with APIC id %u (uid %u) left out: CONFIG_MAX_CORES=%d\n",
			       apic_id, acpi_uid, CONFIG_MAX_CORES);
		else if (pi->nr_cpus_left_out == PLATFORM_LEFT_OUT_NAMED + 1)
			printk("platform: more CPUs left out; not naming them\n");
		return -ENOSPC;
	}
	c = &pi->cpus[pi->nr_cpus++];
	c->apic_id = apic_id;
	c->acpi_uid = acpi_uid;
	c->node = 0;
	c->is_bsp = (int8_t)is_bsp;
	c->x2apic_entry = x2apic_entry;
	c->nmi_lint = PLATFORM_NO_NMI;
	return 0;
}

int platform_add_ioapic(struct platform_info *pi, uint32_t id,
                        uint32_t phys_addr, uint32_t gsi_base)
{
	for (unsigned int i = 0; i < pi->nr_ioapics; i++) {
		if (pi->ioapics[i].id == id) {
			printk("platform: duplicate IOAPIC id %u dropped\n", id);
			pi->nr_rejected++;
			return -EEXIST;
		}
	}
	if (phys_addr == 0) {
		printk("platform: IOAPIC id %u at address 0 dropped\n", id);
		pi->nr_rejected++;
		return -EINVAL;
	}
	if (pi->nr_ioapics == PLATFORM_MAX_IOAPICS) {
		printk("platform: more than %d IOAPICs; id %u dropped\n",
		       PLATFORM_MAX_IOAPICS, id);
		return -ENOSPC;
	}
	pi->ioapics[pi->nr_ioapics++] = (struct platform_ioapic){
		.id = id, .phys_addr = phys_addr, .gsi_base = gsi_base,
	};
	return 0;
}

int platform_discover(struct platform_info *pi, const void *rsdp_hint,
                      size_t hint_len)
{
	if (acpi_init(pi, rsdp_hint, hint_len) == 0)
		return 0;
	printk("platform: no usable ACPI MADT; trying the MP table\n");
	if (mptable_init(pi) == 0)
		return 0;
	printk("platform: no processor tables found\n");
	return -ENOENT;
}

/* --------------------------------------------------------- the summary --- */

static const char *platform_pol_name(uint8_t pol)
{
	return pol == PLATFORM_POL_HIGH ? "high" :
	       pol == PLATFORM_POL_LOW ? "low" : "conforming";
}

static const char *platform_trig_name(uint8_t trig)
{
	return trig == PLATFORM_TRIG_EDGE ? "edge" :
	       trig == PLATFORM_TRIG_LEVEL ? "level" : "conforming";
}

/* Prints "apic-id/node" for every CPU, eight to a line. */
static void platform_print_cpus(const struct platform_info *pi)
{
	char line[128];
	size_t n = 0;

	printk("platform: %u CPUs (%u left out, %u hot-pluggable not started)\n",
	       pi->nr_cpus, pi->nr_cpus_left_out, pi->nr_cpus_hotplug);
	for (unsigned int i = 0; i < pi->nr_cpus; i++) {
		const struct platform_cpu *c = &pi->cpus[i];

		n += snprintf(line + n, sizeof(line) - n, " %u/%u%s", c->apic_id,
		              c->node, c->is_bsp == 1 ? "(bsp)" : "");
		if (i % 8 == 7 || i + 1 == pi->nr_cpus || n >= sizeof(line) - 24) {
			printk("platform:   apic/node%s\n", line);
			n = 0;
		}
	}
}

static void platform_print_irqs(const struct platform_info *pi)
{
	for (unsigned int i = 0; i < pi->nr_ioapics; i++)
		printk("platform: IOAPIC id %u at 0x%x, GSI base %u\n",
		       pi->ioapics[i].id, pi->ioapics[i].phys_addr,
		       pi->ioapics[i].gsi_base);
	for (unsigned int i = 0; i < pi->nr_overrides; i++) {
		const struct platform_irq_override *o = &pi->overrides[i];

		printk("platform: ISA IRQ %u -> GSI %u, %s, %s\n", o->isa_irq,
		       o->gsi, platform_pol_name(o->polarity),
		       platform_trig_name(o->trigger));
	}
}

static void platform_print_numa(const struct platform_info *pi)
{
	if (!pi->numa.present) {
		printk("platform: no NUMA information (one node)\n");
		return;
	}
	printk("platform: NUMA: %u nodes, %u memory ranges\n",
	       pi->numa.nr_nodes, pi->numa.nr_ranges);
	for (unsigned int i = 0; i < pi->numa.nr_ranges; i++) {
		const struct platform_mem_range *r = &pi->numa.ranges[i];

		printk("platform:   node %u: 0x%llx-0x%llx%s%s\n", r->node,
		       (unsigned long long)r->base,
		       (unsigned long long)(r->base + r->len - 1),
		       r->hotplug ? " hotplug" : "",
		       r->nonvolatile ? " nonvolatile" : "");
	}
}

void platform_print(const struct platform_info *pi)
{
	static const char *const src[] = {
		[PLATFORM_SRC_NONE] = "none", [PLATFORM_SRC_ACPI] = "ACPI",
		[PLATFORM_SRC_MPTABLE] = "MP table",
	};

	printk("platform: from %s; local APIC at 0x%llx%s; %u bad items skipped\n",
	       pi->source < ARRAY_SIZE(src) ? src[pi->source] : "?",
	       (unsigned long long)pi->lapic_phys,
	       pi->has_8259 ? "; 8259 PICs present" : "", pi->nr_rejected);
	platform_print_cpus(pi);
	platform_print_irqs(pi);
	if (pi->hpet.present)
		printk("platform: HPET #%u at 0x%llx, min tick %u\n",
		       pi->hpet.seq, (unsigned long long)pi->hpet.phys_addr,
		       pi->hpet.min_tick);
	else
		printk("platform: no HPET table\n");
	platform_print_numa(pi);
}
