/* SPDX-License-Identifier: MIT */
/*
 * kt_ether.c - ktests of #ether without hardware, suite ether: a software
 * interface (struct ether with ops that hand every transmitted frame back
 * to ether_rx, as a looped cable would) exercises the file protocol:
 * clone and ctl, one frame per read and write, the source address filled
 * in, demultiplexing by ethertype (one type, all types, unicast to
 * another station only to promiscuous connections, headersonly), drops
 * at a full connection queue counted, a queue that holds a whole receive
 * ring of full frames (rx_burst) and drops only past it, small frames
 * moved out of big receive buffers (and left alone otherwise), EAGAIN
 * when non-blocking, bad ctl messages and bad frame lengths refused, multicast reference counts,
 * close with frames still queued, and unregistering while connections are
 * open (it does not wait for them: a blocked reader sees EOF, a writer
 * EPIPE, ctl ENODEV, and their last close frees #ether's state).  The runner's leak check covers memory;
 * block_live_count and chan_nr_live are compared too.
 */
#include <block.h>
#include <ether.h>
#include <kstring.h>
#include <qio.h>

#include "../../drivers/net/ether_internal.h"
#include "kt_dev.h"

struct kt_eth {
	struct ether e;
	bool loop;                      /* transmit hands frames back */
	int opens, closes, prom_calls;
	bool prom;
	int multi_adds, multi_rems;
	atomic_t sent;
};

static int kt_eth_open(struct ether *e)
{
	struct kt_eth *k = e->drv;

	k->opens++;
	ether_link_changed(e, true, 1000);
	return 0;
}

static void kt_eth_transmit(struct ether *e)
{
	struct kt_eth *k = e->drv;
	struct block *b;

	while ((b = ether_tx_next(e))) {
		atomic_inc(&k->sent);
		if (k->loop)
			ether_rx(e, b);
		else
			freeb(b);
	}
}

static int kt_eth_promisc(struct ether *e, bool on)
{
	struct kt_eth *k = e->drv;

	k->prom_calls++;
	k->prom = on;
	return 0;
}

static int kt_eth_multicast(struct ether *e, const uint8_t *addr, bool add)
{
	struct kt_eth *k = e->drv;

	if (add)
		k->multi_adds++;
	else
		k->multi_rems++;
	return 0;
}

static void kt_eth_close(struct ether *e)
{
	struct kt_eth *k = e->drv;

	k->closes++;
}

static const struct ether_ops kt_eth_ops = {
	.open = kt_eth_open, .transmit = kt_eth_transmit,
	.set_promisc = kt_eth_promisc, .set_multicast = kt_eth_multicast,
	.close = kt_eth_close,
};

static const uint8_t kt_mac[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0x12, 0x34, 0x56 };
static const uint8_t kt_other[ETHER_ADDR_LEN] = { 0x02, 0, 0, 0x65, 0x43, 0x21 };
static const uint8_t kt_bcast[ETHER_ADDR_LEN] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* A looped interface whose driver hands over up to rx_burst frames at once. */
static bool kt_eth_up_burst(struct kt_eth *k, unsigned int rx_burst)
{
	memset(k, 0, sizeof(*k));
	k->e.rx_burst = rx_burst;
	k->e.ops = &kt_eth_ops;
	k->e.drv = k;
	k->e.model = "kt-loop";
	memcpy(k->e.addr, kt_mac, ETHER_ADDR_LEN);
	k->e.mtu = 1500;
	k->loop = true;
	return ether_register(&k->e) == 0;
}

static bool kt_eth_up(struct kt_eth *k)
{
	return kt_eth_up_burst(k, 0);
}

/* A connection: fds[0] its ctl (from clone), fds[1] its data; type
 * "connect" text or NULL. */
static bool kt_conn(struct kt_eth *k, int fds[2], const char *type, int dflags)
{
	char path[64], m[16];
	ssize_t n;

	snprintf(path, sizeof(path), "#ether/%s/clone", k->e.name);
	fds[0] = sysopen(path, O_RDWR, 0);
	KT_CHECK(fds[0] >= 0);
	n = syspread(fds[0], m, sizeof(m) - 1, 0);
	KT_CHECK(n > 0);
	m[n] = '\0';
	snprintf(path, sizeof(path), "#ether/%s/%s/data", k->e.name, m);
	fds[1] = sysopen(path, O_RDWR | dflags, 0);
	KT_CHECK(fds[1] >= 0);
	if (type)
		KT_CHECK(syswrite(fds[0], type, strlen(type)) == (ssize_t)strlen(type));
	return true;
}

static void kt_conn_close(int fds[2])
{
	sysclose(fds[0]);
	sysclose(fds[1]);
}

/* A frame to dst of type with len bytes in all (pattern after the header). */
static size_t kt_frame(uint8_t *f, const uint8_t *dst, uint16_t type, size_t len)
{
	memcpy(f, dst, ETHER_ADDR_LEN);
	memset(f + 6, 0xee, ETHER_ADDR_LEN);    /* overwritten by #ether */
	f[12] = type >> 8;
	f[13] = type & 0xff;
	for (size_t i = ETHER_HDR_LEN; i < len; i++)
		f[i] = (uint8_t)i;
	return len;
}

/* Injects a frame as if received (ether_rx, as a driver would). */
static void kt_inject(struct kt_eth *k, const uint8_t *dst, uint16_t type, size_t len)
{
	struct block *b = allocb(len);

	b->wp += kt_frame(b->wp, dst, type, len);
	ether_rx(&k->e, b);
}

KTEST(ether, clone_write_read_loop)
{
	int64_t chans = chan_nr_live(), blocks = block_live_count();
	struct kt_eth k;
	uint8_t f[100], got[200];
	int fds[2];
	char text[256], path[64];
	ssize_t n;

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, fds, "connect 0x88b5", 0));
	KT_ASSERT_EQ(k.opens, 1);
	kt_frame(f, kt_bcast, 0x88b5, sizeof(f));
	KT_ASSERT_EQ(syswrite(fds[1], f, sizeof(f)), (ssize_t)sizeof(f));
	n = sysread(fds[1], got, sizeof(got));
	KT_ASSERT_EQ(n, (ssize_t)sizeof(f));
	KT_ASSERT(!memcmp(got + 6, kt_mac, ETHER_ADDR_LEN));   /* source is ours */
	KT_ASSERT(!memcmp(got + 12, f + 12, sizeof(f) - 12));
	/* One frame per read: a short buffer gets the first bytes only. */
	KT_ASSERT_EQ(syswrite(fds[1], f, sizeof(f)), (ssize_t)sizeof(f));
	KT_ASSERT_EQ(sysread(fds[1], got, 20), 20);
	KT_ASSERT_EQ(k.e.stats.tx_packets, 2);
	KT_ASSERT_EQ(k.e.stats.rx_packets, 2);
	snprintf(path, sizeof(path), "#ether/%s/addr", k.e.name);
	KT_ASSERT(kt_dev_cat(path, text, sizeof(text)) == 12);
	KT_ASSERT(!strcmp(text, "020000123456"));
	kt_conn_close(fds);
	ether_unregister(&k.e);
	KT_ASSERT_EQ(k.closes, 1);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

KTEST(ether, demux_by_type)
{
	struct kt_eth k;
	int a[2], b[2], all[2], none[2];
	uint8_t got[200];

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, a, "connect 2054", O_NONBLOCK));        /* 0x806 */
	KT_ASSERT(kt_conn(&k, b, "connect 0x800", O_NONBLOCK));
	KT_ASSERT(kt_conn(&k, all, "connect -1", O_NONBLOCK));
	KT_ASSERT(kt_conn(&k, none, NULL, O_NONBLOCK));
	kt_inject(&k, kt_mac, 0x806, 60);
	kt_inject(&k, kt_bcast, 0x800, 70);
	kt_inject(&k, kt_mac, 0x86dd, 80);
	KT_ASSERT_EQ(sysread(a[1], got, sizeof(got)), 60);
	KT_ASSERT_EQ(sysread(a[1], got, sizeof(got)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(sysread(b[1], got, sizeof(got)), 70);
	KT_ASSERT_EQ(sysread(b[1], got, sizeof(got)), -1);
	KT_ASSERT_EQ(sysread(all[1], got, sizeof(got)), 60);
	KT_ASSERT_EQ(sysread(all[1], got, sizeof(got)), 70);
	KT_ASSERT_EQ(sysread(all[1], got, sizeof(got)), 80);
	KT_ASSERT_EQ(sysread(none[1], got, sizeof(got)), -1);
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	/* A runt is dropped and counted; nobody sees it. */
	kt_inject(&k, kt_mac, 0x806, 10);
	KT_ASSERT_EQ(k.e.stats.rx_dropped, 1);
	KT_ASSERT_EQ(sysread(a[1], got, sizeof(got)), -1);
	kt_conn_close(a);
	kt_conn_close(b);
	kt_conn_close(all);
	kt_conn_close(none);
	ether_unregister(&k.e);
}

KTEST(ether, promiscuous_and_headersonly)
{
	struct kt_eth k;
	int p[2], q[2];
	uint8_t got[300];

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, p, "connect 0x800", O_NONBLOCK));
	KT_ASSERT(kt_conn(&k, q, "connect 0x800", O_NONBLOCK));
	kt_inject(&k, kt_other, 0x800, 100);    /* not for us: nobody */
	KT_ASSERT_EQ(sysread(p[1], got, sizeof(got)), -1);
	KT_ASSERT_EQ(k.e.rx_unwanted, 1);
	KT_ASSERT_EQ(syswrite(p[0], "promiscuous", 11), 11);
	KT_ASSERT(k.prom);
	KT_ASSERT_EQ(syswrite(q[0], "headersonly\n", 12), 12);
	kt_inject(&k, kt_other, 0x800, 200);
	KT_ASSERT_EQ(sysread(p[1], got, sizeof(got)), 200);
	KT_ASSERT_EQ(sysread(q[1], got, sizeof(got)), -1);     /* q is not promiscuous */
	kt_inject(&k, kt_mac, 0x800, 200);
	KT_ASSERT_EQ(sysread(p[1], got, sizeof(got)), 200);
	KT_ASSERT_EQ(sysread(q[1], got, sizeof(got)), 64);     /* headers only */
	kt_conn_close(p);
	KT_ASSERT(!k.prom);                     /* the last promiscuous one went */
	KT_ASSERT_EQ(k.prom_calls, 2);
	kt_conn_close(q);
	ether_unregister(&k.e);
}

KTEST(ether, full_queue_drops_counted)
{
	int64_t blocks = block_live_count();
	struct kt_eth k;
	int c[2];
	char text[512], path[64];
	uint8_t got[1600];
	int read = 0;

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, c, "connect 0x806", O_NONBLOCK));
	for (int i = 0; i < 200; i++)           /* 200 * 1000 bytes > the 64 KiB limit */
		kt_inject(&k, kt_mac, 0x806, 1000);
	KT_ASSERT(k.e.stats.rx_dropped > 0);
	KT_ASSERT_EQ(k.e.stats.rx_dropped, k.e.conn_overflows);
	while (sysread(c[1], got, sizeof(got)) == 1000)
		read++;
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(read + (int)k.e.stats.rx_dropped, 200);
	snprintf(path, sizeof(path), "#ether/%s/stats", k.e.name);
	KT_ASSERT(kt_dev_cat(path, text, sizeof(text)) > 0);
	KT_ASSERT(kt_dev_has(text, "rx_packets: 200"));
	KT_ASSERT(kt_dev_has(text, "link: 1"));
	/* Close with frames queued frees them. */
	for (int i = 0; i < 20; i++)
		kt_inject(&k, kt_mac, 0x806, 500);
	kt_conn_close(c);
	ether_unregister(&k.e);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

/* A driver with a 256-frame ring: a burst of a whole ring of full frames
 * waits in the connection for its reader; only the frame past it drops. */
KTEST(ether, ring_burst_fits_queue)
{
	int64_t blocks = block_live_count();
	struct kt_eth k;
	int c[2];
	char text[512], path[64], want[32];
	uint8_t got[1600];
	int read = 0;

	KT_ASSERT(kt_eth_up_burst(&k, 256));
	KT_ASSERT(kt_conn(&k, c, "connect 0x800", O_NONBLOCK));
	for (int i = 0; i < 256; i++)
		kt_inject(&k, kt_mac, 0x800, ETHER_MAX_FRAME);
	KT_ASSERT_EQ(k.e.stats.rx_dropped, 0);
	kt_inject(&k, kt_mac, 0x800, ETHER_MAX_FRAME);
	KT_ASSERT_EQ(k.e.stats.rx_dropped, 1);
	snprintf(path, sizeof(path), "#ether/%s/0/stats", k.e.name);
	KT_ASSERT(kt_dev_cat(path, text, sizeof(text)) > 0);
	snprintf(want, sizeof(want), "limit: %d", 256 * ETHER_MAX_FRAME);
	KT_ASSERT(kt_dev_has(text, want));
	KT_ASSERT(kt_dev_has(text, "dropped: 1"));
	while (sysread(c[1], got, sizeof(got)) == ETHER_MAX_FRAME)
		read++;
	KT_ASSERT_EQ(get_errno(), EAGAIN);
	KT_ASSERT_EQ(read, 256);
	kt_conn_close(c);
	ether_unregister(&k.e);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

/* A receive buffer of 2048 bytes holding a frame of n bytes (pattern). */
static struct block *kt_rx_buffer(size_t n, uint32_t flag)
{
	struct block *b = block_alloc(2048, MEM_WAIT);

	b->wp += kt_frame(b->wp, kt_mac, 0x806, n);
	b->flag = flag;
	return b;
}

KTEST(ether, small_frames_leave_big_buffers)
{
	int64_t blocks = block_live_count();
	uint8_t want[ETHER_MAX_FRAME];
	struct block *b, *c;

	/* 60 bytes in 2048: copied into a block of its own, flags kept. */
	kt_frame(want, kt_mac, 0x806, 60);
	b = kt_rx_buffer(60, BLOCK_F_RX_IPCK_OK);
	c = ether_rx_compact(b);
	KT_ASSERT(c != b);
	KT_ASSERT(BALLOC(c) < 60 + ETHER_RX_SPARE);
	KT_ASSERT_EQ(BLEN(c), 60);
	KT_ASSERT(!memcmp(c->rp, want, 60));
	KT_ASSERT_EQ(c->flag, BLOCK_F_RX_IPCK_OK);
	freeb(c);
	/* At the copybreak still copied; past it, or in a small block, kept. */
	c = ether_rx_compact(kt_rx_buffer(ETHER_RX_COPYBREAK, 0));
	KT_ASSERT(BALLOC(c) < ETHER_RX_COPYBREAK + ETHER_RX_SPARE);
	freeb(c);
	b = kt_rx_buffer(ETHER_RX_COPYBREAK + 1, 0);
	KT_ASSERT(ether_rx_compact(b) == b);
	freeb(b);
	b = block_alloc(64, MEM_WAIT);
	b->wp += kt_frame(b->wp, kt_mac, 0x806, 60);
	KT_ASSERT(ether_rx_compact(b) == b);
	freeb(b);
	KT_ASSERT_EQ(block_live_count(), blocks);
}

KTEST(ether, bad_writes_and_ctl)
{
	struct kt_eth k;
	int c[2];
	uint8_t f[1600];
	static const char *const bad[] = {
		"connect", "connect 0", "connect 0x10000", "connect x", "connect 0x",
		"frobnicate", "promiscuous now", "addmulti 01:00:5e:00:00",
		"addmulti 02:00:5e:00:00:01", "addmulti zz:00:5e:00:00:01",
		"remmulti 01:00:5e:00:00:09", "",
	};

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, c, "connect 0x806", 0));
	kt_frame(f, kt_bcast, 0x806, sizeof(f));
	KT_ASSERT_EQ(syswrite(c[1], f, 13), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(c[1], f, 1515), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	KT_ASSERT_EQ(syswrite(c[1], f, 1514), 1514);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		KT_ASSERT_MSG(syswrite(c[0], bad[i], strlen(bad[i])) == -1, "'%s' taken",
		              bad[i]);
		KT_ASSERT_MSG(get_errno() == EINVAL || get_errno() == ENOENT,
		              "'%s': errno %d", bad[i], get_errno());
	}
	KT_ASSERT_EQ(syswrite(c[0], "conn\0ect 1", 10), -1);
	KT_ASSERT_EQ(get_errno(), EINVAL);
	/* Multicast: counted per address across connections. */
	KT_ASSERT_EQ(syswrite(c[0], "addmulti 01:00:5e:00:00:01", 26), 26);
	KT_ASSERT_EQ(syswrite(c[0], "addmulti 01005e000001", 21), 21);   /* again: no-op */
	KT_ASSERT_EQ(k.multi_adds, 1);
	KT_ASSERT_EQ(syswrite(c[0], "remmulti 01:00:5e:00:00:01", 26), 26);
	KT_ASSERT_EQ(k.multi_rems, 1);
	KT_ASSERT_EQ(syswrite(c[0], "addmulti 01:00:5e:00:00:02", 26), 26);
	kt_conn_close(c);                       /* close removes it */
	KT_ASSERT_EQ(k.multi_rems, 2);
	ether_unregister(&k.e);
}

KTEST(ether, unregister_hangs_up)
{
	int64_t chans = chan_nr_live(), blocks = block_live_count();
	struct kt_eth k;
	struct kt_dev_reader r = { 0 };
	struct kthread *kt;
	int c[2], d[2];
	uint8_t got[100];

	KT_ASSERT(kt_eth_up(&k));
	KT_ASSERT(kt_conn(&k, c, "connect 0x806", 0));
	KT_ASSERT(kt_conn(&k, d, "connect 0x800", 0));
	kt_inject(&k, kt_mac, 0x806, 60);
	r.fd = d[1];
	kt = kt_dev_start(kt_dev_reader_fn, &r);        /* blocks: nothing for d */
	kthread_usleep(30 * 1000);
	KT_ASSERT_EQ(atomic_read(&r.done), 0);
	ether_unregister(&k.e);                 /* returns with both still open */
	KT_ASSERT_EQ(k.closes, 1);
	kthread_join(kt);
	KT_ASSERT_EQ(r.got, 0);                 /* the blocked reader: EOF */
	KT_ASSERT_EQ(sysread(c[1], got, sizeof(got)), 60);   /* drains, then EOF */
	KT_ASSERT_EQ(sysread(c[1], got, sizeof(got)), 0);
	KT_ASSERT_EQ(syswrite(c[1], got, 60), -1);
	KT_ASSERT_EQ(get_errno(), EPIPE);
	KT_ASSERT_EQ(syswrite(c[0], "promiscuous", 11), -1);
	KT_ASSERT_EQ(get_errno(), ENODEV);
	memset(&k, 0, sizeof(k));               /* the driver's struct is gone */
	kt_conn_close(c);
	kt_conn_close(d);
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(block_live_count(), blocks);
}
