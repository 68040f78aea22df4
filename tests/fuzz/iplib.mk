# SPDX-License-Identifier: MIT
# iplib: user/iplib's DNS response decoder and dial-string, hosts and
# resolv.conf parsers on arbitrary bytes.
FUZZ_TARGETS += iplib
iplib_FUZZ_SRCS := user/iplib/dialstr.c user/iplib/dns.c user/bin/net/ipaddr.c
iplib_FUZZ_CFLAGS := -Iuser/iplib -Iuser/bin/net
