# SPDX-License-Identifier: MIT
# rbtree: red-black trees with augmentation (kern/src/lib/rbtree.c) against a
# sorted model array.
HOST_SUITES += rbtree
rbtree_SRCS := kern/src/lib/rbtree.c tests/host/test_rbtree.c
