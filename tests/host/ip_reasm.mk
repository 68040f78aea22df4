# SPDX-License-Identifier: MIT
# ip_reasm: IPv4 reassembly (kern/src/net/reasm.c): every order, duplicates,
# overlaps, endless and oversize fragment streams, the memory, fragment
# and datagram limits, timeouts, and no leaked blocks or memory.
HOST_SUITES += ip_reasm
ip_reasm_SRCS := kern/src/net/reasm.c kern/src/net/cksum.c kern/src/net/ip4_hdr.c \
	kern/src/ns/allocb.c tests/host/kmalloc_shim.c tests/host/test_ip_reasm.c
ip_reasm_CFLAGS := -Ikern/src/net
