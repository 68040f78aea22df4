# SPDX-License-Identifier: MIT
# dhcp: /bin/ipconfig's reply parser (user/bin/net/dhcp.c) and the UDP
# headers-mode header (user/bin/net/ipaddr.c) on arbitrary bytes.
FUZZ_TARGETS += dhcp
dhcp_FUZZ_SRCS := user/bin/net/dhcp.c user/bin/net/ipaddr.c
dhcp_FUZZ_CFLAGS := -Iuser/bin/net
