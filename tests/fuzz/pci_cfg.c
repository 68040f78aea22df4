/* SPDX-License-Identifier: MIT */
/*
 * tests/fuzz/pci_cfg.c - libFuzzer target for the pure PCI code
 * (kern/drivers/pci/caps.c, bar.c, msi_layout.c).
 *
 * The input is a config space (256 bytes, or 4096 when the input is that
 * long; shorter inputs are zero-padded into an exact-size heap buffer),
 * followed by sizing masks for the six BARs when there are bytes left.  The
 * target walks the capabilities, decodes the BARs the way enumerate.c
 * does, and checks any MSI-X capability against them.  Beyond the
 * sanitizers, it checks the promises: the walk keeps at most PCI_MAX_CAPS
 * aligned capabilities inside their areas, a decoded BAR is a power-of-two
 * window aligned to its size that does not wrap, and an accepted MSI-X
 * table and PBA lie inside memory BARs.  A broken promise aborts.
 */
#include <errno.h>
#include <pci_regs.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FZ_CHECK(c) do { if (!(c)) abort(); } while (0)

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void fz_caps(const uint8_t *cfg, size_t len, struct pci_caps *caps)
{
	pci_caps_parse(cfg, len, caps);
	FZ_CHECK(caps->nr <= PCI_MAX_CAPS);
	for (unsigned int i = 0; i < caps->nr; i++) {
		const struct pci_cap *c = &caps->cap[i];

		FZ_CHECK(c->off % 4 == 0 && c->off + 4u <= len);
		FZ_CHECK(c->ext ? c->off >= 0x100 : c->off >= 0x40 && c->off < 0x100);
	}
}

static void fz_bars(const uint8_t *cfg, const uint8_t *masks, struct pci_bar bars[6])
{
	memset(bars, 0, 6 * sizeof(bars[0]));
	for (unsigned int i = 0; i < 6;) {
		bool have_hi = i + 1 < 6;
		int used = pci_bar_decode(rd32(cfg + 0x10 + 4 * i), rd32(masks + 4 * i),
		                          have_hi, have_hi ? rd32(cfg + 0x14 + 4 * i) : 0,
		                          have_hi ? rd32(masks + 4 * i + 4) : 0, &bars[i]);
		const struct pci_bar *b = &bars[i];

		FZ_CHECK(used == 1 || used == 2 || used == -EINVAL);
		if (b->kind != PCI_BAR_NONE) {
			FZ_CHECK(b->size && !(b->size & (b->size - 1)));
			FZ_CHECK(!(b->base & (b->size - 1)) && b->base + b->size > b->base);
		}
		i += used > 0 ? (unsigned int)used : 1;
	}
}

static void fz_msix(const uint8_t *cfg, const struct pci_caps *caps,
                    const struct pci_bar bars[6])
{
	unsigned int off = pci_cap_find(caps, PCI_CAP_ID_MSIX, false);
	struct pci_msix_layout l;
	const char *why;

	if (!off || off + 12 > 256)
		return;
	if (pci_msix_layout((uint16_t)(cfg[off + 2] | cfg[off + 3] << 8),
	                    rd32(cfg + off + 4), rd32(cfg + off + 8), bars, &l, &why)) {
		FZ_CHECK(why != NULL);
		return;
	}
	FZ_CHECK(l.table_bar < 6 && l.pba_bar < 6);
	FZ_CHECK(bars[l.table_bar].kind == PCI_BAR_MEM32 ||
	         bars[l.table_bar].kind == PCI_BAR_MEM64);
	FZ_CHECK(l.table_off + l.nr_vectors * 16ull <= bars[l.table_bar].size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = size >= PCI_CFG_EXT_SIZE ? PCI_CFG_EXT_SIZE : PCI_CFG_LEGACY_SIZE;
	uint8_t *cfg = calloc(1, len);
	uint8_t masks[24] = { 0 };
	struct pci_caps caps;
	struct pci_bar bars[6];

	memcpy(cfg, data, size < len ? size : len);
	if (size > len)
		memcpy(masks, data + len, size - len < sizeof(masks) ? size - len :
		       sizeof(masks));
	fz_caps(cfg, len, &caps);
	fz_bars(cfg, masks, bars);
	fz_msix(cfg, &caps, bars);
	free(cfg);
	return 0;
}
