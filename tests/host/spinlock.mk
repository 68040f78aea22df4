# SPDX-License-Identifier: MIT
# spinlock: the lock checker (kern/src/sync/spinlock.c, linked into every suite
# through HOST_COMMON) and how its panics turn into test verdicts.
HOST_SUITES += spinlock
spinlock_SRCS := tests/host/test_spinlock.c
spinlock_LIBS := -lpthread
