# SPDX-License-Identifier: MIT
# virtio_net_csum: completing a partial TCP/UDP checksum of a received
# frame (kern/drivers/net/virtio_net_csum.c) against a reference sum.
HOST_SUITES += virtio_net_csum
virtio_net_csum_SRCS := kern/drivers/net/virtio_net_csum.c \
	tests/host/test_virtio_net_csum.c
