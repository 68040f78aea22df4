# SPDX-License-Identifier: MIT
# virtqueue: split virtqueues (kern/drivers/virtio/virtqueue.c) against a
# simulated device, hostile used entries included.
HOST_SUITES += virtqueue
virtqueue_SRCS := kern/drivers/virtio/virtqueue.c tests/host/test_virtqueue.c
