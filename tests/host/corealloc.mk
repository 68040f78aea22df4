# SPDX-License-Identifier: MIT
# corealloc: the core allocator's bookkeeping and its two policies
# (kern/src/sched/corealloc*.c), and vcore ids and the procinfo core maps
# under their sequence counter (kern/src/proc/vcoremap.c).
HOST_SUITES += corealloc
corealloc_SRCS := kern/src/sched/corealloc.c kern/src/sched/corealloc_fcfs.c \
	kern/src/sched/corealloc_packed.c kern/src/proc/vcoremap.c tests/host/test_corealloc.c
