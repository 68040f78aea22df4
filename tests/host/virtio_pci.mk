# SPDX-License-Identifier: MIT
# virtio_pci: the virtio vendor capabilities (kern/drivers/virtio/layout.c)
# on built and hostile config-space images.
HOST_SUITES += virtio_pci
virtio_pci_SRCS := kern/drivers/virtio/layout.c kern/drivers/pci/caps.c \
	tests/host/test_virtio_pci.c
