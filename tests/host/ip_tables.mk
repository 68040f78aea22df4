# SPDX-License-Identifier: MIT
# ip_tables: the ARP cache (kern/src/net/arp_cache.c: resolve, learn,
# pending bound, retries, timeouts, eviction under a flood, static entries)
# and the routing table (kern/src/net/route_table.c: longest-prefix match,
# default route, replace, remove, flush, bad masks, the size bound).
HOST_SUITES += ip_tables
ip_tables_SRCS := kern/src/net/arp_cache.c kern/src/net/route_table.c \
	kern/src/ns/allocb.c tests/host/kmalloc_shim.c tests/host/test_ip_tables.c
ip_tables_CFLAGS := -Ikern/src/net
