/* SPDX-License-Identifier: MIT */
/*
 * tcp_buf.c - the engine's buffers: byte rings, the receiver's out-of-order
 * ranges, and the sender's SACK scoreboard.
 *
 * A ring holds len bytes from head; tcp_ring_put may also write beyond len
 * (up to cap) so the receiver parks out-of-order bytes at their place,
 * rcv_nxt + k landing at offset len + k.  tp->ooo[] lists which parked
 * ranges hold bytes (sorted, disjoint, at most TCP_OOO_MAX: a segment that
 * would need more is dropped and retransmitted later); they are the SACK
 * blocks we report (RFC 2018 section 4).  tp->sacked[] is the other side:
 * ranges above snd_una the peer said it holds, used to pick which holes to
 * retransmit during recovery.  Callers hold the connection's lock.
 *
 * Memory follows use, so a thousand quiet connections cost little: a ring
 * has no buffer until a byte must go in; tcp_ring_reserve grows it
 * (TCP_RING_MIN, then doubling, at most cap bytes; MEM_ATOMIC, so a caller
 * copes with -ENOMEM: the receiver drops the segment, the writer leaves
 * the bytes queued); once a ring is empty, TT_SHRINK frees it after
 * TCP_SHRINK_US unless it filled again.
 */
#include <errno.h>
#include <kmalloc.h>
#include <kstring.h>
#include <tcp.h>

/* An empty ring of cap bytes; nothing is allocated yet. */
int tcp_ring_init(struct tcp_ring *r, uint32_t cap)
{
	r->buf = NULL;
	r->cap = cap;
	r->size = r->head = r->len = 0;
	return 0;
}

void tcp_ring_free(struct tcp_ring *r)
{
	kfree(r->buf);
	r->buf = NULL;
	r->size = r->head = 0;
}

/* Makes offsets [0, need) past head usable (need <= cap): 0 or -ENOMEM
 * (the ring is unchanged then).  Bytes keep their offsets. */
int tcp_ring_reserve(struct tcp_ring *r, uint32_t need)
{
	uint64_t size = r->size ? r->size : TCP_RING_MIN;
	uint8_t *nb;

	if (need <= r->size)
		return 0;
	if (need > r->cap)
		return -EINVAL;
	while (size < need)
		size *= 2;
	if (size > r->cap)
		size = r->cap;
	nb = kmalloc(size, MEM_ATOMIC);
	if (!nb)
		return -ENOMEM;
	if (r->size) {
		uint32_t first = r->size - r->head;

		memcpy(nb, r->buf + r->head, first);
		memcpy(nb + first, r->buf, r->head);
	}
	kfree(r->buf);
	r->buf = nb;
	r->size = (uint32_t)size;
	r->head = 0;
	return 0;
}

/* Copies n bytes to offset off past head (off + n <= size: reserved). */
void tcp_ring_put(struct tcp_ring *r, uint32_t off, const uint8_t *p, uint32_t n)
{
	uint32_t at = (r->head + off) % r->size;
	uint32_t first = n < r->size - at ? n : r->size - at;

	memcpy(r->buf + at, p, first);
	memcpy(r->buf, p + first, n - first);
}

/* Copies n bytes from offset off past head (off + n <= len). */
void tcp_ring_get(const struct tcp_ring *r, uint32_t off, uint8_t *p, uint32_t n)
{
	uint32_t at;
	uint32_t first;

	if (!n)
		return;
	at = (r->head + off) % r->size;
	first = n < r->size - at ? n : r->size - at;
	memcpy(p, r->buf + at, first);
	memcpy(p + first, r->buf, n - first);
}

/* Forgets the first n of len bytes. */
void tcp_ring_drop(struct tcp_ring *r, uint32_t n)
{
	if (!n)
		return;
	r->head = (r->head + n) % r->size;
	r->len -= n;
}


static void range_del(struct tcp_range *v, unsigned int *n, unsigned int i)
{
	memmove(v + i, v + i + 1, (*n - i - 1) * sizeof(*v));
	(*n)--;
}

/* Inserts [start, end) into the sorted, disjoint v[*n] (room for max),
 * merging what it touches.  Returns the index of the merged range, or -1
 * when v is full and nothing merged. */
static int range_add(struct tcp_range *v, unsigned int *n, unsigned int max,
                     uint32_t start, uint32_t end)
{
	unsigned int i = 0;

	while (i < *n && SEQ_LT(v[i].end, start))
		i++;
	if (i == *n || SEQ_LT(end, v[i].start)) {
		if (*n == max)
			return -1;
		memmove(v + i + 1, v + i, (*n - i) * sizeof(*v));
		v[i].start = start;
		v[i].end = end;
		(*n)++;
		return (int)i;
	}
	if (SEQ_LT(start, v[i].start))
		v[i].start = start;
	if (SEQ_GT(end, v[i].end))
		v[i].end = end;
	while (i + 1 < *n && SEQ_GEQ(v[i].end, v[i + 1].start)) {
		if (SEQ_GT(v[i + 1].end, v[i].end))
			v[i].end = v[i + 1].end;
		range_del(v, n, i + 1);
	}
	return (int)i;
}

/* Records that [start, end), above rcv_nxt, now sits parked in tp->rb. */
void tcp_ooo_add(struct tcpcb *tp, uint32_t start, uint32_t end)
{
	int i = range_add(tp->ooo, &tp->nooo, TCP_OOO_MAX, start, end);

	if (i >= 0)
		tp->ooo_last = (unsigned int)i;
}

/* After in-order data moved rcv_nxt: absorbs parked ranges that now
 * touch it into rb.len.  Returns the bytes absorbed. */
uint32_t tcp_ooo_advance(struct tcpcb *tp)
{
	uint32_t got = 0;

	while (tp->nooo && SEQ_LEQ(tp->ooo[0].start, tp->rcv_nxt)) {
		if (SEQ_GT(tp->ooo[0].end, tp->rcv_nxt)) {
			uint32_t n = tp->ooo[0].end - tp->rcv_nxt;

			tp->rb.len += n;
			tp->rcv_nxt += n;
			got += n;
		}
		range_del(tp->ooo, &tp->nooo, 0);
		tp->ooo_last = 0;
	}
	return got;
}

/* Takes the SACK blocks of an arriving ACK into the scoreboard, ignoring
 * blocks outside (snd_una, snd_max] (RFC 2018 and RFC 6675's validity
 * rule), and forgets ranges snd_una has passed. */
void tcp_sb_update(struct tcpcb *tp, const struct tcp_seg *s)
{
	for (unsigned int b = 0; b < s->nsack; b++) {
		uint32_t a = s->sack[b][0], e = s->sack[b][1];

		if (SEQ_LEQ(e, a) || SEQ_LEQ(a, tp->snd_una) || SEQ_GT(e, tp->snd_max))
			continue;
		range_add(tp->sacked, &tp->nsacked, TCP_SB_MAX, a, e);
	}
	while (tp->nsacked && SEQ_LEQ(tp->sacked[0].end, tp->snd_una))
		range_del(tp->sacked, &tp->nsacked, 0);
	if (tp->nsacked && SEQ_LT(tp->sacked[0].start, tp->snd_una))
		tp->sacked[0].start = tp->snd_una;
}

/* The first hole at or after from that the peer has not SACKed and that
 * lies below the highest SACKed byte.  false: no such hole. */
bool tcp_sb_hole(const struct tcpcb *tp, uint32_t from, struct tcp_range *hole)
{
	if (SEQ_LT(from, tp->snd_una))
		from = tp->snd_una;
	for (unsigned int i = 0; i < tp->nsacked; i++) {
		if (SEQ_LT(from, tp->sacked[i].start)) {
			hole->start = from;
			hole->end = tp->sacked[i].start;
			return true;
		}
		if (SEQ_LT(from, tp->sacked[i].end))
			from = tp->sacked[i].end;
	}
	return false;
}
