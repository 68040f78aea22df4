# SPDX-License-Identifier: MIT
# ip_wire: the network stack's wire formats (kern/src/net/): the Internet
# checksum over buffers and block lists, IPv4 header validation and
# options, ICMP, UDP and ARP parsing, with truncated, bad-length and
# bad-checksum inputs and random bytes.
HOST_SUITES += ip_wire
ip_wire_SRCS := kern/src/net/cksum.c kern/src/net/ip4_hdr.c kern/src/net/icmp_hdr.c \
	kern/src/net/udp_hdr.c kern/src/net/arp_pkt.c kern/src/ns/allocb.c \
	tests/host/kmalloc_shim.c tests/host/test_ip_wire.c
ip_wire_CFLAGS := -Ikern/src/net
