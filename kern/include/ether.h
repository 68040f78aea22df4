/* SPDX-License-Identifier: MIT */
/*
 * ether.h - Ethernet interfaces: what a NIC driver gives #ether and what
 * #ether gives back (kern/drivers/net/, Documentation/dev/ether.md).
 *
 *	static const struct ether_ops my_ops = { .open = ..., .transmit = ... };
 *	probe:  sc->ether.ops = &my_ops; sc->ether.drv = sc;
 *	        sc->ether.model = "e1000"; memcpy(sc->ether.addr, mac, 6);
 *	        sc->ether.mtu = 1500; ether_register(&sc->ether);
 *	rx IRQ: b->wp = b->rp + len; ether_rx(&sc->ether, b);
 *	tx:     while (room && (b = ether_tx_next(&sc->ether))) post b;
 *	        tx-done IRQ: freeb(b); ...then ops->transmit again for more
 *	link:   ether_link_changed(&sc->ether, up, 1000);
 *	remove: ether_unregister(&sc->ether); then free sc
 *
 * Model: a driver fills the first fields of struct ether and registers it;
 * #ether names it etherN, opens it on the first open of one of its
 * connections (ops->open, once) and then feeds it frames through a
 * transmit queue that the driver drains with ether_tx_next() whenever
 * ops->transmit is called (after every queued write) and from its own
 * tx-done interrupt.  Received frames go to ether_rx(), which demultiplexes
 * them by ethertype to the connections (each a bounded queue: a full queue
 * drops the frame and counts it; rx never blocks).
 *
 * Statistics (struct ether_stats, 64-bit counters updated with
 * ether_stat_add from any context): #ether counts rx_packets and rx_bytes
 * (every frame given to ether_rx), rx_dropped (frames shorter than a
 * header, and copies a full connection queue dropped), tx_packets and
 * tx_bytes (every frame ether_tx_next hands out) and tx_dropped (frames
 * still queued when the interface went away, or refused in the queue).
 * The driver counts rx_errors, rx_crc_errors, rx_overruns (frames the
 * device or the driver lost: no buffer, bad descriptor), tx_errors and
 * interrupts; ether_link_changed counts link_changes.
 *
 * Contexts: ether_rx, ether_tx_next and ether_link_changed work in any
 * context (IRQ handlers included), never sleep and never raise error().
 * ether_register and ether_unregister may sleep.  ether_unregister hangs up
 * every connection (readers see what is queued, then EOF; writers EPIPE;
 * ctl messages ENODEV), closes the device (ops->close) and returns without
 * waiting for the connections' chans: #ether's own state lives on until
 * the last of them is closed, and never calls the ops or touches this
 * struct once unregistering returns.
 *
 * Locks (Documentation/locking.md): ether_ifc_lock (qlock "ether ifcs")
 * guards the table of interfaces; an interface's qlock ("ether") guards
 * opening, connection allocation and the promiscuous/multicast settings
 * (the ops that may sleep are called under it); its "ether conns"
 * (irqsave spinlock) guards the connections for ether_rx, which holds it
 * while it passes a frame to each connection's queue (qio's lock nests
 * inside); its "ether kick" (irqsave) is held while a writer's kick calls
 * ops->transmit.  The driver's transmit op may hold its own tx lock while
 * it calls ether_tx_next (qio's lock, then "ether conns" for the writable
 * taps).
 */
#pragma once

#include <types.h>

struct block;
struct queue;
struct slice;

#define ETHER_ADDR_LEN 6
#define ETHER_HDR_LEN 14
#define ETHER_MIN_FRAME 60      /* without FCS; the driver or the device pads */
#define ETHER_MAX_FRAME 1514    /* without FCS, for mtu 1500 */

#define ETHER_MAX_IFC   8       /* #ether/ether0 .. ether7 (devether.c names them) */
#define ETHER_MAX_CONNS 32      /* connections per interface (devether.c names them) */
#define ETHER_MAX_MULTI 32      /* multicast addresses per interface */

/* Feature bits a driver sets in e->features. */
#define ETHER_F_RX_CSUM   (1 << 0)  /* device verifies IPv4/TCP/UDP checksums on rx */
#define ETHER_F_TX_CSUM   (1 << 1)  /* device can fill TCP/UDP checksums on tx */
#define ETHER_F_SG        (1 << 2)  /* tx of blocks with extra data (scatter-gather) */
#define ETHER_F_MULTICAST (1 << 3)  /* exact multicast filter */

/* Block flag bits (struct block.flag) set by a driver on rx */
#define BLOCK_F_RX_IPCK_OK  (1 << 0)  /* IPv4 header checksum verified good */
#define BLOCK_F_RX_L4CK_OK  (1 << 1)  /* TCP/UDP checksum verified good */

struct ether;
struct ether_ifc;

struct ether_ops {
	/* Bring the device up: rings, interrupts, receive enabled. 0 or -errno.
	 * May sleep. Called once before any transmit, by #ether on the first open. */
	int (*open)(struct ether *e);
	/* Frames are waiting: the driver pulls them with ether_tx_next() until NULL
	 * or its ring is full (then it resumes from its tx-done interrupt).
	 * Any context, IRQs possibly off; never sleeps. */
	void (*transmit)(struct ether *e);
	/* Promiscuous on/off; add/remove one multicast address. 0 or -errno. May sleep. */
	int (*set_promisc)(struct ether *e, bool on);
	int (*set_multicast)(struct ether *e, const uint8_t *addr, bool add);
	/* Appends device-specific statistics lines ("name: value\n") to s
	 * (struct slice, kern/include/slice.h); may be NULL. */
	void (*dump_stats)(struct ether *e, struct slice *s);
	/* Quiesce the device (shutdown / driver removal). May sleep. */
	void (*close)(struct ether *e);
};

struct ether_stats {                  /* counters, updated with atomics by drivers and #ether */
	uint64_t rx_packets, rx_bytes, rx_dropped, rx_errors, rx_crc_errors, rx_overruns;
	uint64_t tx_packets, tx_bytes, tx_dropped, tx_errors;
	uint64_t interrupts, link_changes;
};

/* Tags: [D] set by the driver before ether_register, then read-only;
 * [I] set by ether_register; [a] atomic. */
struct ether {
	/* Set by the driver before ether_register(): */
	const struct ether_ops *ops;        /* [D] */
	void *drv;                          /* [D] the driver's softc */
	const char *model;                  /* [D] "e1000", "e1000e", "virtio-net" */
	uint8_t addr[ETHER_ADDR_LEN];       /* [D] MAC from the device */
	unsigned int mtu;                   /* [D] 1500 */
	uint32_t features;                  /* [D] ETHER_F_* */
	unsigned int rx_burst;              /* [D] frames one interrupt may hand to
	                                     * ether_rx (the receive ring); 0: small */
	/* Set by #ether: */
	unsigned int idx;                   /* [I] N of #ether/etherN */
	char name[16];                      /* [I] "etherN" */
	/* Link state (ether_link_changed): */
	bool link_up;                       /* [a] */
	unsigned int link_mbps;             /* [a] */
	struct ether_stats stats;           /* [a] */

	/* #ether's private fields. */
	struct ether_ifc *ifc;              /* [I] its state (ether.c); it outlives
	                                     * us while connections are open */
	uint64_t rx_unwanted;               /* [a] frames no connection took */
	uint64_t conn_overflows;            /* [a] copies dropped at a full queue */
};

/* Called by the driver once the device is ready to be opened. Assigns idx/name.
 * 0 or -errno (-ENOSPC: too many interfaces). May sleep. */
int ether_register(struct ether *e);
void ether_unregister(struct ether *e);       /* before the driver frees e */
/* Hand one received frame (header area holds at least the 14-byte header,
 * or the block is dropped) to #ether, which delivers it to every connection
 * whose type matches (copying only when several want it). Consumes b.
 * Any context including IRQ; never sleeps, never raises error(). */
void ether_rx(struct ether *e, struct block *b);
/* The next frame to transmit, or NULL. Any context; never sleeps. The caller owns it
 * and frees it (freeb) once the device is done with it. Blocks may carry extra data
 * (only when the driver set ETHER_F_SG; otherwise #ether linearises them first). */
struct block *ether_tx_next(struct ether *e);
/* Link went up or down (any context). */
void ether_link_changed(struct ether *e, bool up, unsigned int mbps);

/* Boot (#ether's init, after pci_init): registers every NIC driver with
 * the PCI bus.  Each driver provides its hook below; one not linked in is
 * a NULL weak symbol and is skipped. */
void ether_drivers_init(void);
void e1000_init(void) __attribute__((weak));
void virtio_net_init(void) __attribute__((weak));

/* The registered interface etherN (ktests, #ip), or NULL. */
struct ether *ether_lookup(unsigned int idx);

/* Adds n to one counter of e->stats (any context). */
static inline void ether_stat_add(uint64_t *ctr, uint64_t n)
{
	__atomic_fetch_add(ctr, n, __ATOMIC_RELAXED);
}

static inline uint64_t ether_stat_read(const uint64_t *ctr)
{
	return __atomic_load_n(ctr, __ATOMIC_RELAXED);
}
