# SPDX-License-Identifier: MIT
# dhcp: /bin/ipconfig's DHCP messages and the tools' address helpers
# (user/bin/net/dhcp.c, ipaddr.c), pure code.
HOST_SUITES += dhcp
dhcp_SRCS := user/bin/net/dhcp.c user/bin/net/ipaddr.c tests/host/test_dhcp.c
dhcp_CFLAGS := -Iuser/bin/net
