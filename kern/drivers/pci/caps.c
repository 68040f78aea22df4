/* SPDX-License-Identifier: MIT */
/*
 * caps.c - walking a device's capability lists (standard, from the
 * pointer at 0x34, and extended, from 0x100) in a copy of its config space.
 *
 * The lists come from the device and are untrusted.  Each walk is bounded
 * three ways: every pointer must land inside the area its list may use
 * (0x40-0xff for the standard list, 0x100-0xffc for the extended one), a
 * pointer to a header already visited ends the walk (a loop), and at most
 * PCI_MAX_CAPS entries are kept.  The problem is recorded in the result,
 * not fixed up; the caller reports it.  Pure code: no locks, no hardware.
 */
#include <errno.h>
#include <kstring.h>
#include <pci_regs.h>

#define PCI_STD_CAP_FIRST 0x40

static uint16_t cfg_u16(const uint8_t *cfg, unsigned int off)
{
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

static uint32_t cfg_u32(const uint8_t *cfg, unsigned int off)
{
	return (uint32_t)cfg_u16(cfg, off) | (uint32_t)cfg_u16(cfg, off + 2) << 16;
}

/* Records a stop; returns the error for the caller to pass on. */
static int caps_stop(struct pci_caps *out, int err, unsigned int off)
{
	out->error = err;
	out->bad_off = (uint16_t)off;
	return err;
}

static int caps_add(struct pci_caps *out, uint16_t id, unsigned int off, bool ext)
{
	if (out->nr >= PCI_MAX_CAPS)
		return caps_stop(out, -E2BIG, off);
	out->cap[out->nr++] = (struct pci_cap){ .id = id, .off = (uint16_t)off,
	                                        .ext = ext };
	return 0;
}

/* Standard list: byte id, byte next; next's low two bits are reserved. */
static int caps_walk_std(const uint8_t *cfg, struct pci_caps *out)
{
	uint8_t seen[PCI_CFG_LEGACY_SIZE / 4] = { 0 };
	unsigned int off = cfg[PCI_CAP_PTR] & ~3u;

	while (off) {
		if (off < PCI_STD_CAP_FIRST || off > PCI_CFG_LEGACY_SIZE - 4)
			return caps_stop(out, -ERANGE, off);
		if (seen[off / 4]++)
			return caps_stop(out, -ELOOP, off);
		if (caps_add(out, cfg[off], off, false))
			return out->error;
		off = cfg[off + 1] & ~3u;
	}
	return 0;
}

/* Extended list: 16-bit id, 4-bit version, 12-bit next. */
static int caps_walk_ext(const uint8_t *cfg, struct pci_caps *out)
{
	uint8_t seen[PCI_CFG_EXT_SIZE / 4] = { 0 };
	unsigned int off = PCI_EXT_CAP_START;
	uint32_t hdr = cfg_u32(cfg, off);

	if (hdr == 0 || hdr == 0xffffffffu)
		return 0;               /* no extended capabilities */
	for (;;) {
		if (seen[off / 4]++)
			return caps_stop(out, -ELOOP, off);
		if (caps_add(out, (uint16_t)(hdr & 0xffff), off, true))
			return out->error;
		off = (hdr >> 20) & ~3u;
		if (!off)
			return 0;
		if (off < PCI_EXT_CAP_START || off > PCI_CFG_EXT_SIZE - 4)
			return caps_stop(out, -ERANGE, off);
		hdr = cfg_u32(cfg, off);
	}
}

int pci_caps_parse(const uint8_t *cfg, size_t len, struct pci_caps *out)
{
	memset(out, 0, sizeof(*out));
	if (len < PCI_CFG_LEGACY_SIZE)
		return caps_stop(out, -ERANGE, 0);
	if ((cfg_u16(cfg, PCI_STATUS) & PCI_STATUS_CAP_LIST) &&
	    caps_walk_std(cfg, out))
		return out->error;
	if (len >= PCI_CFG_EXT_SIZE)
		caps_walk_ext(cfg, out);
	return out->error;
}

unsigned int pci_cap_find(const struct pci_caps *caps, uint16_t id, bool ext)
{
	for (unsigned int i = 0; i < caps->nr; i++)
		if (caps->cap[i].id == id && caps->cap[i].ext == ext)
			return caps->cap[i].off;
	return 0;
}
