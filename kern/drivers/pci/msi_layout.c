/* SPDX-License-Identifier: MIT */
/*
 * msi_layout.c - the arithmetic of MSI and MSI-X: where an MSI
 * capability's fields are, whether an MSI-X table and PBA fit the BARs they
 * claim, and the x86 message that delivers a vector to one LAPIC.
 *
 * A device's capability words are untrusted: pci_msix_layout() checks
 * every offset and size against the decoded BARs before msi.c maps
 * anything.  Messages use physical destination mode, fixed delivery and
 * edge trigger, so one message goes to exactly one core.  Pure code.
 */
#include <errno.h>
#include <kstring.h>
#include <pci_regs.h>

#define MSI_ADDR_BASE      0xfee00000u
#define MSI_ADDR_DEST_SHIFT 12

void pci_msi_layout(uint16_t ctl, struct pci_msi_layout *out)
{
	unsigned int mmc = (ctl >> PCI_MSI_CTL_MMC_SHIFT) & 7;

	memset(out, 0, sizeof(*out));
	out->max_vectors = 1u << (mmc > 5 ? 5 : mmc);
	out->is_64 = (ctl & PCI_MSI_CTL_64BIT) != 0;
	out->maskable = (ctl & PCI_MSI_CTL_MASKABLE) != 0;
	out->data_off = out->is_64 ? 12 : 8;
	out->mask_off = out->maskable ? (uint8_t)(out->data_off + 4) : 0;
	out->size = (uint8_t)(out->maskable ? out->mask_off + 8 : out->data_off + 2);
}

/* Whether [off, off + len) lies in memory BAR 'bir'. */
static bool msix_fits(const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                      unsigned int bir, uint64_t off, uint64_t len)
{
	const struct pci_bar *b;

	if (bir >= PCI_NR_BARS_NORMAL)
		return false;
	b = &bars[bir];
	if (b->kind != PCI_BAR_MEM32 && b->kind != PCI_BAR_MEM64)
		return false;
	return off <= b->size && len <= b->size - off;
}

int pci_msix_layout(uint16_t ctl, uint32_t table_reg, uint32_t pba_reg,
                    const struct pci_bar bars[PCI_NR_BARS_NORMAL],
                    struct pci_msix_layout *out, const char **why)
{
	uint64_t table_len, pba_len;

	memset(out, 0, sizeof(*out));
	out->nr_vectors = (ctl & PCI_MSIX_CTL_SIZE) + 1;
	out->table_bar = table_reg & PCI_MSIX_BIR_MASK;
	out->table_off = table_reg & ~PCI_MSIX_BIR_MASK;
	out->pba_bar = pba_reg & PCI_MSIX_BIR_MASK;
	out->pba_off = pba_reg & ~PCI_MSIX_BIR_MASK;
	table_len = (uint64_t)out->nr_vectors * PCI_MSIX_ENTRY_SIZE;
	pba_len = (uint64_t)(out->nr_vectors + 63) / 64 * 8;
	*why = NULL;
	if (!msix_fits(bars, out->table_bar, out->table_off, table_len))
		*why = "table is not inside a memory BAR";
	else if (!msix_fits(bars, out->pba_bar, out->pba_off, pba_len))
		*why = "PBA is not inside a memory BAR";
	else if (out->table_bar == out->pba_bar &&
	         out->table_off < out->pba_off + pba_len &&
	         out->pba_off < out->table_off + table_len)
		*why = "table and PBA overlap";
	return *why ? -EINVAL : 0;
}

int pci_msi_message(uint32_t apic_id, unsigned int vector, uint64_t *addr,
                    uint32_t *data)
{
	if (apic_id > 0xff)
		return -ERANGE;
	if (vector < 32 || vector > 0xff)
		return -EINVAL;
	*addr = MSI_ADDR_BASE | (uint64_t)apic_id << MSI_ADDR_DEST_SHIFT;
	*data = vector;         /* fixed delivery, edge, assert */
	return 0;
}
