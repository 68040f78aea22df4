/* SPDX-License-Identifier: MIT */
/*
 * netcfg.h - the file interface of #ip and #ether as the network tools
 * (ipconfig, netstat, arp, route, udpcat) use it.  Paths are under
 * NET_ROOT ("/net", where #ip and the #ether interfaces are bound):
 *
 *	/net/etherN/addr            the MAC, 12 hex digits
 *	/net/ipifc/clone            opening it makes an interface; reading
 *	                            the open file gives its number N
 *	/net/ipifc/N/ctl            "bind ether /net/ether0", "add A M", "remove A M"
 *	/net/ipifc/N/status         names the device it is bound to
 *	/net/PROTO/clone            a new conversation (its ctl); N as above
 *	/net/PROTO/N/{ctl,data,local,remote,status}
 *	/net/iproute, /net/arp      tables; writing them changes them
 *	/net/ndb                    the configuration, as ndb text
 *
 * Whole files are read with vbin_slurp() (vbin.h).  Every function
 * reports nothing itself: it returns -1 with errno set (and the kernel's
 * errstr, which vbin_fail prints).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define NET_ROOT "/net"
#define NET_PATH_MAX 128

/* What arp and route share: no argument prints file, -h the usage; else
 * msg (NULL: the arguments were bad, usage on stderr) is written to file.
 * Reports failures as prog; returns the exit code (0, 1, 2). */
int net_table_main(const char *prog, const char *file, const char *usage, int argc,
		   char **argv, const char *msg);
/* Copies path to standard output; 0 or -1. */
int net_print(const char *path);
/* Writes msg (one control message) to the open file fd or to path; 0 or -1. */
int net_write_fd(int fd, const char *msg);
int net_write(const char *path, const char *msg);
/* The MAC of the ether device dev ("/net/ether0"); 0 or -1. */
int net_ether_mac(const char *dev, uint8_t mac[6]);
/* The number of the ipifc bound to dev, or -1 (errno ENOENT) if none. */
int net_ipifc_find(const char *dev);
/* net_ipifc_find, or a new interface bound to dev ("bind ether DEV"). */
int net_ipifc_bind(const char *dev);
/* Opens /net/PROTO/clone: the conversation's ctl fd (keep it open: the
 * conversation lives while it is), its folder in dir; or -1. */
int net_clone(const char *proto, char *dir, size_t dirsize);
/* Calls fn(N, arg) for each numbered folder of dir, in increasing order
 * (at most 1024); 0, or -1 if dir cannot be read. */
int net_each_conv(const char *dir, void (*fn)(int n, void *arg), void *arg);
