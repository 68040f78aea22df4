# SPDX-License-Identifier: MIT
# vmr: address-space region sets (kern/src/vm/vmr.c over kern/src/lib/rbtree.c)
# checked against a per-page model.  The test file supplies kzmalloc/kfree
# with a live count and failure injection.
HOST_SUITES += vmr
vmr_SRCS := kern/src/vm/vmr.c kern/src/lib/rbtree.c tests/host/test_vmr.c
