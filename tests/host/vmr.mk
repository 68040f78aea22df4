# SPDX-License-Identifier: MIT
# vmr: address-space region sets (kern/src/vmr.c over kern/src/rbtree.c)
# checked against a per-page model.  The test file supplies kzmalloc/kfree
# with a live count and failure injection.
HOST_SUITES += vmr
vmr_SRCS := kern/src/vmr.c kern/src/rbtree.c tests/host/test_vmr.c
