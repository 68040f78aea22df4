# SPDX-License-Identifier: MIT
# iplib: the pure parts of user/iplib (dial strings, services, hosts and
# resolv.conf text, DNS messages).
HOST_SUITES += iplib
iplib_SRCS := user/iplib/dialstr.c user/iplib/dns.c user/bin/net/ipaddr.c tests/host/test_iplib.c
iplib_CFLAGS := -Iuser/iplib -Iuser/bin/net
