/* SPDX-License-Identifier: MIT */
/*
 * dhcp.h - DHCP messages for /bin/ipconfig (RFC 2131, options RFC 2132):
 * pure code, no I/O, also built for the host (tests/host/test_dhcp.c) and
 * libFuzzer (tests/fuzz/dhcp.c).
 *
 *	struct dhcp_req q = { .type = DHCP_DISCOVER, .xid = x, .mac = m };
 *	size_t n = dhcp_build(buf, sizeof(buf), &q);       // 0: buf too small
 *	struct dhcp_reply r;
 *	int e = dhcp_parse(pkt, len, x, m, &r);             // DHCP_OK or a reason
 *	const char *why = dhcp_strerror(e);
 *
 * Addresses are uint32_t in host order (10.0.2.15 is 0x0a00020f).
 * dhcp_parse trusts nothing in the packet: every option length is checked
 * against its option and the buffer; a reply whose xid or client hardware
 * address is not ours, that is not a BOOTREPLY for Ethernet, lacks the magic
 * cookie, the message-type option or the end option, or carries a
 * malformed known option is refused.  Unknown options are skipped.
 * Options overloaded into the file and sname fields (option 52) are read.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DHCP_CLIENT_PORT 68
#define DHCP_SERVER_PORT 67
#define DHCP_FIXED_LEN 236          /* op .. file, before the cookie */
#define DHCP_MIN_LEN 300            /* BOOTP's minimum message (RFC 1542) */
#define DHCP_MAX_LEN 576            /* what we build and accept at most to parse */
#define DHCP_DNS_MAX 4
#define DHCP_DOMAIN_MAX 64
#define DHCP_INFINITE 0xffffffffu   /* lease time meaning "forever" (RFC 2132 9.2) */

/* Message types (option 53). */
enum {
	DHCP_DISCOVER = 1, DHCP_OFFER, DHCP_REQUEST, DHCP_DECLINE,
	DHCP_ACK, DHCP_NAK, DHCP_RELEASE, DHCP_INFORM,
};

/* What dhcp_parse returns. */
enum {
	DHCP_OK = 0,
	DHCP_ESHORT,        /* shorter than the fixed part and the cookie */
	DHCP_ENOTREPLY,     /* op is not BOOTREPLY, or not Ethernet */
	DHCP_ENOTOURS,      /* xid or chaddr differ */
	DHCP_ECOOKIE,       /* no magic cookie */
	DHCP_EOPTION,       /* an option runs past its area, or a bad length */
	DHCP_ENOEND,        /* the options have no end option */
	DHCP_ENOTYPE,       /* no message-type option */
	DHCP_ENOADDR,       /* an OFFER or ACK without yiaddr or server id */
};

/* A message we send. */
struct dhcp_req {
	uint8_t type;               /* DHCP_DISCOVER, REQUEST, RELEASE */
	uint32_t xid;
	uint8_t mac[6];
	uint16_t secs;              /* seconds since we began */
	uint32_t ciaddr;            /* our address when renewing, else 0 */
	uint32_t requested;         /* option 50 (SELECTING, INIT-REBOOT), or 0 */
	uint32_t server;            /* option 54 (SELECTING), or 0 */
	bool broadcast;             /* ask for a broadcast reply (no address yet) */
};

/* What a reply says. */
struct dhcp_reply {
	uint8_t type;               /* DHCP_OFFER, ACK, NAK, ... */
	uint32_t yiaddr;            /* the address offered */
	uint32_t server;            /* option 54, else 0 */
	uint32_t mask;              /* option 1, else 0 */
	uint32_t router;            /* first of option 3, else 0 */
	uint32_t dns[DHCP_DNS_MAX]; /* option 6 */
	unsigned int ndns;
	uint32_t lease;             /* option 51 in seconds; DHCP_INFINITE if absent */
	uint32_t t1, t2;            /* options 58 and 59; 0 if absent */
	char domain[DHCP_DOMAIN_MAX]; /* option 15, NUL-terminated, truncated */
};

/* Builds req into buf; its length (DHCP_MIN_LEN at least), or 0 if size is
 * too small (DHCP_MAX_LEN always suffices). */
size_t dhcp_build(uint8_t *buf, size_t size, const struct dhcp_req *req);

/* Parses a reply to the exchange xid from mac; DHCP_OK and *out filled,
 * or one of the reasons above (*out then undefined). */
int dhcp_parse(const uint8_t *pkt, size_t len, uint32_t xid, const uint8_t mac[6],
	       struct dhcp_reply *out);

const char *dhcp_strerror(int err);
const char *dhcp_type_name(uint8_t type);

/* Retransmission delay in ms before attempt n (0, 1, ...): 4, 8, 16, 32
 * then 64 s (RFC 2131 4.1), each moved by jitter in [-1000, 1000] ms. */
uint32_t dhcp_backoff_ms(unsigned int attempt, int jitter_ms);

/* The renewal (T1) and rebinding (T2) times of a lease, in seconds after
 * it was granted: the server's when given and sane (T1 < T2 < lease),
 * else 0.5 and 0.875 of the lease (RFC 2131 4.4.5).  An infinite lease
 * gives DHCP_INFINITE for both. */
void dhcp_lease_times(const struct dhcp_reply *r, uint32_t *t1, uint32_t *t2);
