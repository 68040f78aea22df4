# SPDX-License-Identifier: MIT
# pci_cfg: a PCI function's config space as the device could show it: the
# capability walk, the BARs decoded from it, and the MSI-X layout checked
# against them (kern/drivers/pci/caps.c, bar.c, msi_layout.c).
FUZZ_TARGETS += pci_cfg
pci_cfg_FUZZ_SRCS := kern/drivers/pci/caps.c kern/drivers/pci/bar.c \
	kern/drivers/pci/msi_layout.c
