/* SPDX-License-Identifier: MIT */
/*
 * pci.c - #pci: the PCI functions found at boot, one directory each.
 *
 *	#pci/
 *	    BB.DD.F/        bus, device, function in hex ("00.02.0")
 *	        ctl     r   text: ids and names, class, BARs, interrupt, capabilities, driver
 *	        config  r   config space, 256 bytes (port mechanism) or 4096 (ECAM)
 *	        raw     rw  the same bytes; writes go to the device (1, 2 or 4
 *	                    bytes at an offset aligned to the size), and only
 *	                    while no driver owns the function
 *	        barN    rw  memory BAR N (only BARs that decode memory), for
 *	                    mmap alone: read and write fail with EINVAL
 *
 * Qids: the top is 0; function n (its place in the list, pci_dev_at) is
 * directory (n + 1) << 4 | Qfn and its files (n + 1) << 4 | Qctl etc.
 * (barN is Qbar0 + N).  The device list and the BARs are [I] after
 * pci_init(), so the tree never changes and devdirread()'s counting of
 * entries is stable.  Reads of config and raw are live (dword reads of the
 * device); ctl is built per read.  Nothing here keeps state: open and close
 * have nothing to do.
 *
 * mmap of barN (Documentation/dev/pci.md, "Mapping a BAR"): MAP_SHARED,
 * uncached, [off, off + len) inside the BAR, whose base and size must be
 * page aligned (else a neighbour's registers would come along).  The file
 * is eve's, mode 0600; the fd's open mode bounds the protection.  While a
 * kernel driver owns the function only read-only mappings are allowed
 * (EBUSY otherwise), as raw refuses writes then.  A mapping of a function
 * without a driver turns its memory decoding on.
 */
#include <arch/mmu.h>
#include <err.h>
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <ns.h>
#include <pci.h>
#include <printk.h>
#include <ros/mmap.h>
#include <slice.h>

enum { Qtop, Qfn, Qctl, Qconfig, Qraw, Qbar0 };

#define PCIQID(n, q)   ((uint64_t)((n) + 1) << 4 | (q))
#define PCIQ_FN(path)  ((unsigned int)((path) >> 4) - 1)
#define PCIQ_KIND(path) ((unsigned int)((path) & 0xf))

static const struct { const char *name; unsigned int q; uint32_t perm; } pci_files[] = {
	{ "ctl", Qctl, 0444 },
	{ "config", Qconfig, 0444 },
	{ "raw", Qraw, 0600 },
};

static struct pci_dev *pci_of(struct chan *c)
{
	struct pci_dev *d = pci_dev_at(PCIQ_FN(c->qid.path));

	if (!d)
		error(ENOENT, "#pci: no function %u", PCIQ_FN(c->qid.path));
	return d;
}

static bool pci_bar_is_mem(const struct pci_bar *b)
{
	return b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64;
}

/* Entry k of function n's barN files: its k-th memory BAR.  The names are
 * static: mkdir_entry keeps the pointer, which the caller reads after we
 * return (a name on this stack was overwritten by the next call). */
static int pci_gen_bar(struct dir *dp, struct pci_dev *d, unsigned int n, int k)
{
	static const char *const names[] = { "bar0", "bar1", "bar2", "bar3", "bar4", "bar5" };

	for (unsigned int b = 0; b < d->nr_bars && b < ARRAY_SIZE(names); b++) {
		if (!pci_bar_is_mem(&d->bar[b]) || k--)
			continue;
		mkdir_entry(dp, mkqid(PCIQID(n, Qbar0 + b), 0, QTFILE), names[b], d->bar[b].size,
		            "eve", 0600);
		return DEVGEN_ENTRY;
	}
	return DEVGEN_END;
}

static int pci_gen(struct chan *c, const char *name, const struct dirtab *tab,
                   int ntab, int i, struct dir *dp)
{
	struct pci_dev *d;
	unsigned int n;

	if (c->qid.path == Qtop) {
		d = pci_dev_at((unsigned int)i);
		if (!d)
			return DEVGEN_END;
		mkdir_entry(dp, mkqid(PCIQID(i, Qfn), 0, QTDIR), d->name, 0, "eve",
		            DMDIR | 0555);
		return DEVGEN_ENTRY;
	}
	n = PCIQ_FN(c->qid.path);
	d = pci_dev_at(n);
	if (!d || i < 0)
		return DEVGEN_END;
	if ((size_t)i >= ARRAY_SIZE(pci_files))
		return pci_gen_bar(dp, d, n, i - (int)ARRAY_SIZE(pci_files));
	mkdir_entry(dp, mkqid(PCIQID(n, pci_files[i].q), 0, QTFILE), pci_files[i].name,
	            pci_files[i].q == Qctl ? 0 : d->cfg_size, "eve",
	            pci_files[i].perm);
	return DEVGEN_ENTRY;
}

static struct chan *pci_attach(const char *spec)
{
	return devattach("pci", spec);
}

static struct walkqid *pci_walk(struct chan *c, struct chan *nc, const char **names,
                                unsigned int nname)
{
	return devwalk(c, nc, names, nname, NULL, 0, pci_gen);
}

static size_t pci_stat(struct chan *c, uint8_t *db, size_t n)
{
	return devstat(c, db, n, NULL, 0, pci_gen);
}

static struct chan *pci_open(struct chan *c, int omode)
{
	return devopen(c, omode, NULL, 0, pci_gen);
}

static void pci_close(struct chan *c)
{
}

/* ---------------------------------------------------------------- ctl --- */

static const char *const pci_bar_kind_names[] = {
	[PCI_BAR_NONE] = "none", [PCI_BAR_MEM32] = "mem32",
	[PCI_BAR_MEM64] = "mem64", [PCI_BAR_IOPORT] = "io",
};

static const char *const pci_irq_kind_names[] = {
	[PCI_IRQ_NONE] = "none", [PCI_IRQ_INTX] = "intx",
	[PCI_IRQ_MSI] = "msi", [PCI_IRQ_MSIX] = "msix",
};

static void pci_ctl_ids(struct slice *s, const struct pci_dev *d)
{
	const char *v = pci_vendor_name(d->vendor);
	const char *n = pci_device_name(d->vendor, d->device);
	const char *c = pci_class_name(d->class >> 16, (d->class >> 8) & 0xff);

	slice_printf(s, "vendor %04x %s\ndevice %04x %s\nclass %06x %s\nrevision %02x\n",
	             d->vendor, v ? v : "", d->device, n ? n : "", d->class, c ? c : "",
	             d->revision);
}

static void pci_ctl_bars(struct slice *s, const struct pci_dev *d)
{
	for (unsigned int i = 0; i < d->nr_bars; i++) {
		const struct pci_bar *b = &d->bar[i];

		if (b->kind != PCI_BAR_NONE)
			slice_printf(s, "bar %u %s%s %#llx %#llx\n", i,
			             pci_bar_kind_names[b->kind], b->prefetch ? " prefetch" : "",
			             (unsigned long long)b->base,
			             (unsigned long long)b->size);
	}
}

static void pci_ctl_caps(struct slice *s, const struct pci_dev *d)
{
	slice_printf(s, "caps");
	for (unsigned int i = 0; i < d->caps.nr; i++)
		slice_printf(s, " %s%02x@%03x", d->caps.cap[i].ext ? "x" : "",
		             d->caps.cap[i].id, d->caps.cap[i].off);
	if (d->caps.error)
		slice_printf(s, " (list broken at %03x)", d->caps.bad_off);
	slice_printf(s, "\n");
}

static size_t pci_ctl_read(struct pci_dev *d, void *buf, size_t n, int64_t off)
{
	struct slice s;
	size_t got;

	slice_init(&s);
	pci_ctl_ids(&s, d);
	pci_ctl_bars(&s, d);
	slice_printf(&s, "irq pin %u line %u kind %s vectors %u\n", d->irq_pin,
	             d->irq_line, pci_irq_kind_names[d->irq.kind], d->irq.nr);
	pci_ctl_caps(&s, d);
	slice_printf(&s, "driver %s\n", d->driver ? d->driver->name : "none");
	if (slice_error(&s)) {
		slice_free(&s);
		error(ENOMEM, "#pci/%s/ctl: no memory for the text", d->name);
	}
	got = slice_read(&s, buf, n, off);
	slice_free(&s);
	return got;
}

/* --------------------------------------------------------- config space --- */

static size_t pci_config_read(struct pci_dev *d, void *buf, size_t n, int64_t off)
{
	if (off < 0 || (uint64_t)off >= d->cfg_size)
		return 0;
	n = MIN(n, d->cfg_size - (size_t)off);
	pci_cfg_read_bytes(d, (unsigned int)off, buf, n);
	return n;
}

static size_t pci_raw_write(struct pci_dev *d, const void *buf, size_t n, int64_t off)
{
	uint32_t v = 0;

	if (n != 1 && n != 2 && n != 4)
		error(EINVAL, "#pci/%s/raw: writes are 1, 2 or 4 bytes, not %zu", d->name, n);
	if (off < 0 || (uint64_t)off > d->cfg_size - n || (off & (int64_t)(n - 1)))
		error(EINVAL, "#pci/%s/raw: offset %lld is outside or unaligned", d->name,
		      (long long)off);
	if (READ_ONCE(d->driver))
		error(EBUSY, "#pci/%s/raw: driver %s owns the function", d->name,
		      d->driver->name);
	memcpy(&v, buf, n);
	pci_cfg_write(d, (unsigned int)off, (unsigned int)n, v);
	return n;
}

/* ----------------------------------------------------------- BAR mmap --- */

static int pci_mmap(struct chan *c, uint64_t off, size_t len, uint32_t prot, physaddr_t *pa,
                    const char **why)
{
	unsigned int kind = PCIQ_KIND(c->qid.path);
	struct pci_dev *d = pci_dev_at(PCIQ_FN(c->qid.path));
	const struct pci_bar *b;
	uint16_t cmd;

	if (!d || kind < Qbar0 || kind - Qbar0 >= d->nr_bars) {
		*why = "only #pci/BB.DD.F/barN files can be mapped";
		return -ENODEV;
	}
	b = &d->bar[kind - Qbar0];
	if (!IS_ALIGNED(b->base, PGSIZE) || !IS_ALIGNED(b->size, PGSIZE)) {
		*why = "the BAR is smaller than a page or not page aligned";
		return -ENODEV;
	}
	if (off >= b->size || len > b->size - off) {
		*why = "the range goes beyond the end of the BAR";
		return -ENXIO;
	}
	if ((prot & PROT_WRITE) && READ_ONCE(d->driver)) {
		*why = "a kernel driver owns the function: read-only mappings only";
		return -EBUSY;
	}
	cmd = (uint16_t)pci_cfg_read(d, PCI_COMMAND, 2);
	if (!READ_ONCE(d->driver) && !(cmd & PCI_CMD_MEM))
		pci_cfg_write(d, PCI_COMMAND, 2, cmd | PCI_CMD_MEM);
	*pa = b->base + off;
	return 0;
}

static size_t pci_read(struct chan *c, void *buf, size_t n, int64_t off)
{
	if (c->qid.type & QTDIR)
		return devdirread(c, buf, n, NULL, 0, pci_gen);
	switch (PCIQ_KIND(c->qid.path)) {
	case Qctl:
		return pci_ctl_read(pci_of(c), buf, n, off);
	case Qconfig:
	case Qraw:
		return pci_config_read(pci_of(c), buf, n, off);
	}
	if (PCIQ_KIND(c->qid.path) >= Qbar0)
		error(EINVAL, "#pci: '%s' is for mmap only", c->name ? c->name->s : "?");
	error(EINVAL, "#pci: read of unknown file %llu", (unsigned long long)c->qid.path);
}

static size_t pci_write(struct chan *c, const void *buf, size_t n, int64_t off)
{
	if (PCIQ_KIND(c->qid.path) == Qraw)
		return pci_raw_write(pci_of(c), buf, n, off);
	if (PCIQ_KIND(c->qid.path) >= Qbar0)
		error(EINVAL, "#pci: '%s' is for mmap only", c->name ? c->name->s : "?");
	error(EPERM, "#pci: '%s' is not writable", c->name ? c->name->s : "?");
}

struct dev pci_devtab __devtab = {
	.name = "pci",
	.reset = devreset,
	.init = devinit,
	.shutdown = devshutdown,
	.attach = pci_attach,
	.walk = pci_walk,
	.stat = pci_stat,
	.open = pci_open,
	.create = devcreate,
	.close = pci_close,
	.read = pci_read,
	.bread = devbread,
	.write = pci_write,
	.bwrite = devbwrite,
	.remove = devremove,
	.rename = devrename,
	.wstat = devwstat,
	.mmap = pci_mmap,
};
