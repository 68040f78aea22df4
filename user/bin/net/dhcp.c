/* SPDX-License-Identifier: MIT */
/*
 * dhcp.c - building and parsing DHCP messages (dhcp.h says how and what is
 * refused).  Layout (RFC 2131 2): op htype hlen hops (4) xid (4) secs flags
 * (4) ciaddr yiaddr siaddr giaddr (16) chaddr (16) sname (64) file (128),
 * then the cookie 99.130.83.99 and the options, each code, length, value,
 * except pad (0) and end (255), which have no length.
 */
#include <string.h>
#include "dhcp.h"

#define DHCP_OP_REQUEST 1
#define DHCP_OP_REPLY   2
#define DHCP_HTYPE_ETHER 1
#define DHCP_BROADCAST_FLAG 0x8000

#define OFF_XID     4
#define OFF_SECS    8
#define OFF_FLAGS   10
#define OFF_CIADDR  12
#define OFF_YIADDR  16
#define OFF_CHADDR  28
#define OFF_SNAME   44
#define OFF_FILE    108
#define SNAME_LEN   64
#define FILE_LEN    128

/* Options (RFC 2132). */
enum {
	OPT_PAD = 0, OPT_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_DOMAIN = 15,
	OPT_REQUESTED = 50, OPT_LEASE = 51, OPT_OVERLOAD = 52, OPT_TYPE = 53,
	OPT_SERVER = 54, OPT_PARAMS = 55, OPT_MAXSIZE = 57, OPT_T1 = 58, OPT_T2 = 59,
	OPT_CLIENT_ID = 61, OPT_END = 255,
};

static const uint8_t dhcp_cookie[4] = { 99, 130, 83, 99 };

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* Appends option code with len bytes of val at *pos; the room is checked by
 * the caller's size (DHCP_MAX_LEN holds every option we send). */
static uint8_t *put_opt(uint8_t *p, uint8_t code, uint8_t len, const void *val)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, val, len);
	return p + 2 + len;
}

static uint8_t *put_opt32(uint8_t *p, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return put_opt(p, code, 4, b);
}

size_t dhcp_build(uint8_t *buf, size_t size, const struct dhcp_req *req)
{
	static const uint8_t params[] = { OPT_MASK, OPT_ROUTER, OPT_DNS, OPT_DOMAIN,
					  OPT_LEASE, OPT_T1, OPT_T2 };
	uint8_t client_id[7] = { DHCP_HTYPE_ETHER };
	uint8_t maxsize[2] = { DHCP_MAX_LEN >> 8, DHCP_MAX_LEN & 0xff };
	uint8_t *p;

	if (size < DHCP_MAX_LEN)
		return 0;
	memset(buf, 0, DHCP_MAX_LEN);
	buf[0] = DHCP_OP_REQUEST;
	buf[1] = DHCP_HTYPE_ETHER;
	buf[2] = 6;
	put32(buf + OFF_XID, req->xid);
	buf[OFF_SECS] = (uint8_t)(req->secs >> 8);
	buf[OFF_SECS + 1] = (uint8_t)req->secs;
	if (req->broadcast)
		buf[OFF_FLAGS] = DHCP_BROADCAST_FLAG >> 8;
	put32(buf + OFF_CIADDR, req->ciaddr);
	memcpy(buf + OFF_CHADDR, req->mac, 6);
	memcpy(buf + DHCP_FIXED_LEN, dhcp_cookie, 4);
	p = buf + DHCP_FIXED_LEN + 4;
	p = put_opt(p, OPT_TYPE, 1, &req->type);
	memcpy(client_id + 1, req->mac, 6);
	p = put_opt(p, OPT_CLIENT_ID, sizeof(client_id), client_id);
	if (req->requested)
		p = put_opt32(p, OPT_REQUESTED, req->requested);
	if (req->server)
		p = put_opt32(p, OPT_SERVER, req->server);
	if (req->type != DHCP_RELEASE) {
		p = put_opt(p, OPT_MAXSIZE, sizeof(maxsize), maxsize);
		p = put_opt(p, OPT_PARAMS, sizeof(params), params);
	}
	*p++ = OPT_END;
	return (size_t)(p - buf) < DHCP_MIN_LEN ? DHCP_MIN_LEN : (size_t)(p - buf);
}

/* One known option into r; false if its length is wrong for it. */
static bool dhcp_take(struct dhcp_reply *r, uint8_t code, const uint8_t *v, uint8_t len,
		      uint8_t *overload)
{
	switch (code) {
	case OPT_TYPE:
		if (len != 1)
			return false;
		r->type = v[0];
		return true;
	case OPT_OVERLOAD:
		if (len != 1 || v[0] < 1 || v[0] > 3)
			return false;
		*overload = v[0];
		return true;
	case OPT_MASK: case OPT_SERVER: case OPT_LEASE: case OPT_T1: case OPT_T2:
		if (len != 4)
			return false;
		if (code == OPT_MASK)
			r->mask = get32(v);
		else if (code == OPT_SERVER)
			r->server = get32(v);
		else if (code == OPT_LEASE)
			r->lease = get32(v);
		else if (code == OPT_T1)
			r->t1 = get32(v);
		else
			r->t2 = get32(v);
		return true;
	case OPT_ROUTER: case OPT_DNS:
		if (len == 0 || len % 4)
			return false;
		if (code == OPT_ROUTER) {
			r->router = get32(v);
			return true;
		}
		for (unsigned int i = 0; i < len / 4u && r->ndns < DHCP_DNS_MAX; i++)
			r->dns[r->ndns++] = get32(v + 4 * i);
		return true;
	case OPT_DOMAIN: {
		size_t n = len < DHCP_DOMAIN_MAX - 1 ? len : DHCP_DOMAIN_MAX - 1;

		memcpy(r->domain, v, n);
		r->domain[n] = 0;
		return true;
	}
	default:
		return true;
	}
}

/* Walks the options in p[0..len); DHCP_OK when an end option closes them.
 * need_end: the main area must end with OPT_END; the file and sname
 * fields may simply run out (RFC 2131 4.1 lets them be padded). */
static int dhcp_walk(const uint8_t *p, size_t len, bool need_end, struct dhcp_reply *r,
		     uint8_t *overload)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i], olen;

		if (code == OPT_END)
			return DHCP_OK;
		if (code == OPT_PAD) {
			i++;
			continue;
		}
		if (i + 2 > len)
			return DHCP_EOPTION;
		olen = p[i + 1];
		if (i + 2 + olen > len)
			return DHCP_EOPTION;
		if (!dhcp_take(r, code, p + i + 2, olen, overload))
			return DHCP_EOPTION;
		i += 2 + (size_t)olen;
	}
	return need_end ? DHCP_ENOEND : DHCP_OK;
}

int dhcp_parse(const uint8_t *pkt, size_t len, uint32_t xid, const uint8_t mac[6],
	       struct dhcp_reply *out)
{
	uint8_t overload = 0, ignored = 0;
	int e;

	if (len < DHCP_FIXED_LEN + 4)
		return DHCP_ESHORT;
	if (pkt[0] != DHCP_OP_REPLY || pkt[1] != DHCP_HTYPE_ETHER || pkt[2] != 6)
		return DHCP_ENOTREPLY;
	if (get32(pkt + OFF_XID) != xid || memcmp(pkt + OFF_CHADDR, mac, 6) != 0)
		return DHCP_ENOTOURS;
	if (memcmp(pkt + DHCP_FIXED_LEN, dhcp_cookie, 4) != 0)
		return DHCP_ECOOKIE;
	memset(out, 0, sizeof(*out));
	out->lease = DHCP_INFINITE;
	out->yiaddr = get32(pkt + OFF_YIADDR);
	e = dhcp_walk(pkt + DHCP_FIXED_LEN + 4, len - DHCP_FIXED_LEN - 4, true, out, &overload);
	/* Overloaded fields hold options too; an overload option inside them
	 * is not followed again. */
	if (e == DHCP_OK && (overload & 1))
		e = dhcp_walk(pkt + OFF_FILE, FILE_LEN, false, out, &ignored);
	if (e == DHCP_OK && (overload & 2))
		e = dhcp_walk(pkt + OFF_SNAME, SNAME_LEN, false, out, &ignored);
	if (e != DHCP_OK)
		return e;
	if (out->type == 0)
		return DHCP_ENOTYPE;
	if ((out->type == DHCP_OFFER || out->type == DHCP_ACK) &&
	    (out->yiaddr == 0 || out->server == 0))
		return DHCP_ENOADDR;
	return DHCP_OK;
}

const char *dhcp_strerror(int err)
{
	static const char *const why[] = {
		[DHCP_OK] = "ok",
		[DHCP_ESHORT] = "too short",
		[DHCP_ENOTREPLY] = "not a BOOTREPLY for Ethernet",
		[DHCP_ENOTOURS] = "not ours (xid or hardware address)",
		[DHCP_ECOOKIE] = "no magic cookie",
		[DHCP_EOPTION] = "malformed option",
		[DHCP_ENOEND] = "no end option",
		[DHCP_ENOTYPE] = "no message type",
		[DHCP_ENOADDR] = "offer without address or server id",
	};

	if (err < 0 || (size_t)err >= sizeof(why) / sizeof(why[0]))
		return "unknown error";
	return why[err];
}

const char *dhcp_type_name(uint8_t type)
{
	static const char *const names[] = {
		"?", "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "?";
}

uint32_t dhcp_backoff_ms(unsigned int attempt, int jitter_ms)
{
	uint32_t base = 4000u << (attempt < 4 ? attempt : 4);

	if (jitter_ms > 1000)
		jitter_ms = 1000;
	if (jitter_ms < -1000)
		jitter_ms = -1000;
	return (uint32_t)((int64_t)base + jitter_ms);
}

void dhcp_lease_times(const struct dhcp_reply *r, uint32_t *t1, uint32_t *t2)
{
	if (r->lease == DHCP_INFINITE) {
		*t1 = *t2 = DHCP_INFINITE;
		return;
	}
	if (r->t1 && r->t2 && r->t1 < r->t2 && r->t2 < r->lease) {
		*t1 = r->t1;
		*t2 = r->t2;
		return;
	}
	*t1 = r->lease / 2;
	*t2 = (uint32_t)((uint64_t)r->lease * 7 / 8);
}
