# SPDX-License-Identifier: MIT
# lockorder: the lock-order graph of kern/src/sync/lockorder.c (linked into
# every suite through HOST_COMMON): edges, inversions, reports, full tables.
HOST_SUITES += lockorder
lockorder_SRCS := tests/host/test_lockorder.c
lockorder_LIBS := -lpthread
