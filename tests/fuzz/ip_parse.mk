# SPDX-License-Identifier: MIT
# ip_parse: the network stack's header parsers (kern/src/net/: IPv4 with
# options, ICMP, UDP, ARP) on arbitrary bytes; the target checks that what
# a parser accepts lies inside the input.
FUZZ_TARGETS += ip_parse
ip_parse_FUZZ_SRCS := kern/src/net/cksum.c kern/src/net/ip4_hdr.c kern/src/net/icmp_hdr.c \
	kern/src/net/udp_hdr.c kern/src/net/arp_pkt.c kern/src/ns/allocb.c tests/host/kmalloc_shim.c
ip_parse_FUZZ_CFLAGS := -Ikern/src/net -DKMALLOC_SHIM_PRINTK
