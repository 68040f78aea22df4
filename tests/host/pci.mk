# SPDX-License-Identifier: MIT
# PCI config-space parsing: capability lists, BAR decoding, MSI and MSI-X
# layouts and messages, on built and hostile config-space images.
HOST_SUITES += pci
pci_SRCS := kern/drivers/pci/caps.c kern/drivers/pci/bar.c \
	kern/drivers/pci/msi_layout.c tests/host/test_pci.c
