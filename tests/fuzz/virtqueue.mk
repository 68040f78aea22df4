# SPDX-License-Identifier: MIT
# virtqueue: a split virtqueue driven by a script of driver calls and of
# used-ring writes a hostile device could make (kern/drivers/virtio/virtqueue.c).
FUZZ_TARGETS += virtqueue
virtqueue_FUZZ_SRCS := kern/drivers/virtio/virtqueue.c
