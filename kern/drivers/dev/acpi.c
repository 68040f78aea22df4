/* SPDX-License-Identifier: MIT */
/*
 * acpi.c - #acpi: the firmware's ACPI tables, raw and decoded.
 *
 *	#acpi/
 *	    tables  r   one line per validated table: signature, physical
 *	                address, length, revision, OEM ids
 *	    madt    r   the MADT, one line per entry (acpi_text.c)
 *	    srat    r   the SRAT, likewise ("no SRAT" when there is none)
 *	    mcfg    r   the MCFG's ECAM windows, likewise
 *	    raw/
 *	        APIC, FACP, SSDT, SSDT.1, ...   each table's bytes; a second
 *	                table of a signature is NAME.1, a third NAME.2
 *
 * Only tables that passed validation at boot (the registry of acpi.c) are
 * shown; their bytes are read through the ACPI map, which is the direct
 * map and lives forever.  The registry is [I] after boot, so the tree never
 * changes.  Text files are snapshots built at open (devsnap.c: reads of
 * one open agree), freed at close.
 */
#include <acpi.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <printk.h>
#include <slice.h>

enum { Qtop, Qtables, Qmadt, Qsrat, Qmcfg, Qraw, Qtable };

#define ACPIQ_TABLE(i)  ((uint64_t)((i) + 1) << 4 | Qtable)
#define ACPIQ_INDEX(p)  ((unsigned int)((p) >> 4) - 1)

static const struct dirtab acpi_tab[] = {
	{ ".", { Qtop, 0, QTDIR }, 0, DMDIR | 0555 },
	{ "tables", { Qtables, 0, QTFILE }, 0, 0444 },
	{ "madt", { Qmadt, 0, QTFILE }, 0, 0444 },
	{ "srat", { Qsrat, 0, QTFILE }, 0, 0444 },
	{ "mcfg", { Qmcfg, 0, QTFILE }, 0, 0444 },
	{ "raw", { Qraw, 0, QTDIR }, 0, DMDIR | 0555 },
};

/* How many tables before index i share its signature (boot, in reset). */
static unsigned int acpi_instance_of(unsigned int i, const struct acpi_header *h)
{
	unsigned int n = 0;

	for (unsigned int j = 0; j < i; j++)
		if (!memcmp(acpi_table_at(j)->sig, h->sig, 4))
			n++;
	return n;
}

/* The file name of table i: its signature, printable, and ".N" after the first. */
static void acpi_table_name(unsigned int i, const struct acpi_header *h, char *buf,
                            size_t len)
{
	unsigned int n = acpi_instance_of(i, h);
	char sig[5];

	for (int k = 0; k < 4; k++)
		sig[k] = (h->sig[k] > 0x20 && h->sig[k] < 0x7f && h->sig[k] != '/') ?
		         h->sig[k] : '_';
	sig[4] = '\0';
	if (n)
		snprintf(buf, len, "%s.%u", sig, n);
	else
		snprintf(buf, len, "%s", sig);
}

static char acpi_names[ACPI_MAX_TABLES][12];     /* [I] after acpi_dev_reset */
static unsigned int acpi_nr;                       /* [I] */

static void acpi_dev_reset(void)
{
	const struct acpi_header *h;

	for (acpi_nr = 0; acpi_nr < ACPI_MAX_TABLES &&
	     (h = acpi_table_at(acpi_nr)) != NULL; acpi_nr++)
		acpi_table_name(acpi_nr, h, acpi_names[acpi_nr], sizeof(acpi_names[0]));
}

/* Whether c lists the raw tables: the raw directory, or one of its files. */
static bool acpi_in_raw(const struct chan *c)
{
	return c->qid.path == Qraw || (c->qid.path & 0xf) == Qtable;
}

static int acpi_gen(struct chan *c, const char *name, const struct dirtab *tab,
                    int ntab, int i, struct dir *dp)
{
	if (!acpi_in_raw(c))
		return devgen(c, name, tab, ntab, i, dp);
	if (i < 0 || (unsigned int)i >= acpi_nr)
		return DEVGEN_END;
	mkdir_entry(dp, mkqid(ACPIQ_TABLE(i), 0, QTFILE), acpi_names[i],
	            acpi_table_at((unsigned int)i)->length, "eve", 0444);
	return DEVGEN_ENTRY;
}

static struct chan *acpi_attach(const char *spec)
{
	return devattach("acpi", spec);
}

static struct walkqid *acpi_walk(struct chan *c, struct chan *nc, const char **names,
                                 unsigned int nname)
{
	return devwalk(c, nc, names, nname, acpi_tab, ARRAY_SIZE(acpi_tab), acpi_gen);
}

static size_t acpi_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, acpi_tab, ARRAY_SIZE(acpi_tab), acpi_gen);
}

/* ---------------------------------------------------------------- text --- */

static void acpi_tables_text(struct slice *s)
{
	for (unsigned int i = 0; i < acpi_nr; i++) {
		const struct acpi_header *h = acpi_table_at(i);

		slice_printf(s, "%-8s %#010llx %6u rev %u oem '%.6s' '%.8s'\n",
		             acpi_names[i], (unsigned long long)acpi_table_pa(i), h->length,
		             h->revision, h->oem_id, h->oem_table_id);
	}
}

static void acpi_view(struct slice *s, const char *sig,
                      void (*text)(struct slice *, const struct acpi_header *))
{
	const struct acpi_header *h = acpi_find_table(sig, 0);

	if (h)
		text(s, h);
	else
		slice_printf(s, "no %.4s\n", sig);
}

static void acpi_build(struct slice *s, uint64_t q)
{
	switch (q) {
	case Qtables:
		acpi_tables_text(s);
		break;
	case Qmadt:
		acpi_view(s, "APIC", acpi_madt_text);
		break;
	case Qsrat:
		acpi_view(s, "SRAT", acpi_srat_text);
		break;
	case Qmcfg:
		acpi_view(s, "MCFG", acpi_mcfg_text);
		break;
	}
}

static struct chan *acpi_open(struct chan *c, int omode)
{
	c = devopen(c, omode, acpi_tab, ARRAY_SIZE(acpi_tab), acpi_gen);
	if (!(c->qid.type & QTDIR) && (c->qid.path & 0xf) != Qtable)
		devsnap_open(c, acpi_build, "acpi");
	return c;
}

static void acpi_close(struct chan *c)
{
	devsnap_close(c);
}

static size_t acpi_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	const struct acpi_header *h;

	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, acpi_tab, ARRAY_SIZE(acpi_tab), acpi_gen);
	if ((c->qid.path & 0xf) == Qtable) {
		h = acpi_table_at(ACPIQ_INDEX(c->qid.path));
		if (!h)
			error(ENOENT, "#acpi: no table %u", ACPIQ_INDEX(c->qid.path));
		return readmem(off, buf, n, h, h->length);
	}
	return devsnap_read(c, buf, n, off, "acpi");
}

static size_t acpi_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	error(EPERM, "#acpi: '%s' is read-only", c->name ? c->name->s : "?");
}

struct dev acpi_devtab __devtab = {
	.name = "acpi",
	.reset = acpi_dev_reset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = acpi_attach,
	.walk = acpi_walk,
	.stat = acpi_stat,
	.open = acpi_open,
	.create = devcreate,
	.close = acpi_close,
	.read = acpi_read,
	.bread = devbread,
	.write = acpi_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
};
