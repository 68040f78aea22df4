/* SPDX-License-Identifier: MIT */
/*
 * kt_virtio_net.c - ktests of the virtio-net driver on the QEMU device of
 * the PCI configurations (scripts/run-ktests.sh PCI_DEVS: a modern-only
 * virtio-net-pci on -netdev user,restrict=on), suite virtio_net: the
 * driver bound the device and registered an interface with QEMU's MAC;
 * opening it brings the link up on MSI-X; QEMU's slirp gateway 10.0.2.2
 * answers an ARP request sent through #ether; 3008 requests and their
 * replies run both rings around many times with nothing lost, refused or
 * leaked; used entries the test corrupts behind the device's back (an id
 * past the ring, a length past the buffer) are dropped and counted while
 * traffic goes on; and the driver unbinds (freeing its rings), binds again on INTx
 * (the ISR path) and back on MSI-X.  Link down/up is tested by the utest
 * net_ether_link (tests/libc/net_ether.c) on every interface.  In
 * configurations without the device the tests say so and pass.
 *
 * The interface stays open once opened (#ether opens a device once), so
 * the tests that open it keep its rings: KTEST_NO_LEAK_CHECK, and block
 * counts are compared instead.
 */
#include <block.h>
#include <ether.h>
#include <kstring.h>
#include <pci.h>
#include <virtio.h>

#include "kt_dev.h"
#include "kt_nic.h"

#define KT_VNET_DEVICE (VIRTIO_PCI_MODERN_BASE + VIRTIO_ID_NET)
/* The first virtio-net interface, or NULL (said so) without the device. */
static struct ether *kt_vnet(void)
{
	if (!pci_find(VIRTIO_PCI_VENDOR, KT_VNET_DEVICE, 0)) {
		printk("kt_virtio_net: no virtio-net device here: nothing to check\n");
		return NULL;
	}
	for (unsigned int i = 0; i < ETHER_MAX_IFC; i++) {
		struct ether *e = ether_lookup(i);

		if (e && !strcmp(e->model, "virtio-net"))
			return e;
	}
	return NULL;
}

KTEST(virtio_net, probed_with_qemu_mac)
{
	struct pci_dev *d = pci_find(VIRTIO_PCI_VENDOR, KT_VNET_DEVICE, 0);
	struct ether *e = kt_vnet();
	char path[64], text[32], want[16];

	if (!d)
		return;
	KT_ASSERT_MSG(d->driver && !strcmp(d->driver->name, "virtio-net"),
	              "device %s not bound", d->name);
	KT_ASSERT(e);
	/* QEMU's default MACs are 52:54:00:12:34:56 and up. */
	KT_ASSERT_MSG(e->addr[0] == 0x52 && e->addr[1] == 0x54 && e->addr[2] == 0,
	              "MAC %02x:%02x:%02x...", e->addr[0], e->addr[1], e->addr[2]);
	KT_ASSERT_EQ(e->mtu, 1500);
	KT_ASSERT(e->features & ETHER_F_SG);
	snprintf(path, sizeof(path), "#ether/%s/addr", e->name);
	KT_ASSERT_EQ(kt_dev_cat(path, text, sizeof(text)), 12);
	snprintf(want, sizeof(want), "%02x%02x%02x%02x%02x%02x", e->addr[0],
	         e->addr[1], e->addr[2], e->addr[3], e->addr[4], e->addr[5]);
	KT_ASSERT(!strcmp(text, want));
}

KTEST_FLAGS(virtio_net, open_link_up_msix, KTEST_NO_LEAK_CHECK)
{
	struct ether *e = kt_vnet();
	struct pci_dev *d = pci_find(VIRTIO_PCI_VENDOR, KT_VNET_DEVICE, 0);
	char path[64], text[2048];
	int fds[2];

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));
	KT_ASSERT(READ_ONCE(e->link_up));
	/* config + rx + tx vectors on QEMU's 3-vector default */
	KT_ASSERT_EQ(d->irq.kind, PCI_IRQ_MSIX);
	KT_ASSERT(d->irq.nr >= 3);
	snprintf(path, sizeof(path), "#ether/%s/ifstats", e->name);
	KT_ASSERT(kt_dev_cat(path, text, sizeof(text)) > 0);
	KT_ASSERT_MSG(kt_has(text, "rx_ring: 256") && kt_has(text, "broken: 0") &&
	              kt_has(text, "irq: msix"),
	              "stats: %s", text);
	kt_conn_close(fds);
}

KTEST_FLAGS(virtio_net, arp_to_slirp_gateway, KTEST_NO_LEAK_CHECK)
{
	struct ether *e = kt_vnet();
	uint8_t f[60];
	int fds[2];
	uint64_t rx0;

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));
	rx0 = ether_stat_read(&e->stats.rx_packets);
	kt_arp_request(e, f);
	KT_ASSERT_EQ(syswrite(fds[1], f, sizeof(f)), (ssize_t)sizeof(f));
	KT_ASSERT_EQ(kt_read_replies(e, fds[1], 1, KT_ARP_WAIT_MS), 1);
	KT_ASSERT(ether_stat_read(&e->stats.rx_packets) > rx0);
	kt_conn_close(fds);
}

KTEST_FLAGS(virtio_net, rings_wrap_under_load, KTEST_NO_LEAK_CHECK)
{
	const unsigned int total = 3008, burst = 32;    /* 94 bursts */
	struct ether *e = kt_vnet();
	uint64_t tx0, rx0, err0, irq0, t0;
	int64_t blocks0;
	unsigned int replies;
	int fds[2];

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));
	kt_read_replies(e, fds[1], ~0u, 50);     /* drain what came before */
	blocks0 = block_live_count();
	tx0 = ether_stat_read(&e->stats.tx_packets);
	rx0 = ether_stat_read(&e->stats.rx_packets);
	err0 = ether_stat_read(&e->stats.rx_errors) + ether_stat_read(&e->stats.tx_errors);
	irq0 = ether_stat_read(&e->stats.interrupts);
	t0 = nsec_now();
	replies = kt_arp_burst(e, fds[1], total, burst);
	printk("kt_virtio_net: %u ARP requests, %u replies in %llu ms, %llu interrupts\n",
	       total, replies, (unsigned long long)((nsec_now() - t0) / 1000000),
	       (unsigned long long)(ether_stat_read(&e->stats.interrupts) - irq0));
	KT_ASSERT_EQ(replies, total);
	KT_ASSERT(ether_stat_read(&e->stats.tx_packets) - tx0 >= total);
	KT_ASSERT(ether_stat_read(&e->stats.rx_packets) - rx0 >= total);
	KT_ASSERT_EQ(ether_stat_read(&e->stats.rx_errors) +
	             ether_stat_read(&e->stats.tx_errors), err0);
	kt_conn_close(fds);
	/* Every reply was freed; the rx ring holds as many blocks as before
	 * (the tx ring's last frames may still wait for their reclaim). */
	KT_ASSERT_MSG(block_live_count() - blocks0 <= 64 &&
	              block_live_count() - blocks0 >= -64,
	              "blocks %lld -> %lld", (long long)blocks0,
	              (long long)block_live_count());
}

/* With the driver bound on INTx: the interrupt goes through the ISR
 * register.  A line another function holds (-EBUSY) is said and passed. */
static bool kt_intx_round(struct pci_dev *d)
{
	struct ether *e = kt_vnet();
	char path[64];
	int fds[2];

	KT_CHECK(e && d->driver);
	snprintf(path, sizeof(path), "#ether/%s/clone", e->name);
	fds[0] = sysopen(path, O_RDWR, 0);
	if (fds[0] < 0 && get_errno() == EBUSY) {
		printk("kt_virtio_net: INTx line busy (shared): ISR path not run\n");
		return true;
	}
	KT_CHECK(fds[0] >= 0);
	sysclose(fds[0]);
	KT_CHECK(d->irq.kind == PCI_IRQ_INTX);
	KT_CHECK(kt_arp_conn(e, fds));
	KT_CHECK(kt_arp_burst(e, fds[1], 320, 32) == 320);
	kt_conn_close(fds);
	printk("kt_virtio_net: 320 ARP round trips on INTx\n");
	return true;
}

KTEST_FLAGS(virtio_net, remove_and_reprobe_on_intx, KTEST_NO_LEAK_CHECK)
{
	struct pci_dev *d = pci_find(VIRTIO_PCI_VENDOR, KT_VNET_DEVICE, 0);
	struct ether *e = kt_vnet();
	int64_t blocks;
	int fds[2];
	bool ok;

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));         /* open: the rx ring is full */
	kt_conn_close(fds);
	blocks = block_live_count();
	virtio_net_exit();
	KT_ASSERT(!d->driver);
	/* The receive ring's blocks went back. */
	KT_ASSERT_MSG(block_live_count() <= blocks - 128, "blocks %lld -> %lld",
	              (long long)blocks, (long long)block_live_count());
	virtio_irq_kinds = PCI_IRQ_INTX;
	virtio_net_init();
	ok = kt_intx_round(d);
	virtio_net_exit();
	virtio_irq_kinds = PCI_IRQ_ANY;
	virtio_net_init();
	KT_ASSERT(ok);
	KT_ASSERT(d->driver && kt_vnet());
}

/*
 * Plays a device that writes a bad used entry: with the receive vector
 * masked, an ARP request is sent and, once the device has put the reply
 * in the used ring, the entry is rewritten (bad_id: an id past the ring;
 * else a length past the buffer) before the driver sees it.  Unmasking
 * delivers the held interrupt.  False if the device never answered.
 */
static bool kt_corrupt_next_rx(struct ether *e, struct pci_dev *d, int fd,
                               bool bad_id)
{
	struct virtqueue *vq = virtio_net_rxq(e);
	uint16_t at = READ_ONCE(vq->last_used);
	struct vring_used_elem *u = &vq->used->ring[at & vq->mask];
	uint8_t f[60];
	bool came = false;

	pci_irq_mask(d, 1);
	kt_arp_request(e, f);
	if (syswrite(fd, f, sizeof(f)) == (ssize_t)sizeof(f)) {
		for (unsigned int ms = 0; ms < KT_ARP_WAIT_MS && !came; ms++) {
			came = __atomic_load_n(&vq->used->idx, __ATOMIC_ACQUIRE) != at;
			if (!came)
				kthread_usleep(1000);
		}
	}
	if (came) {
		if (bad_id)
			WRITE_ONCE(u->id, vq->size + 7u);
		else
			WRITE_ONCE(u->len, 60000u);
	}
	pci_irq_unmask(d, 1);
	return came;
}

KTEST_FLAGS(virtio_net, malformed_used_entries_dropped, KTEST_NO_LEAK_CHECK)
{
	struct pci_dev *d = pci_find(VIRTIO_PCI_VENDOR, KT_VNET_DEVICE, 0);
	struct ether *e = kt_vnet();
	long long bad0, long0;
	int fds[2];

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));
	KT_ASSERT_EQ(kt_arp_burst(e, fds[1], 1, 1), 1);
	KT_ASSERT(d->irq.kind == PCI_IRQ_MSIX && d->irq.nr >= 3);
	bad0 = kt_ifstat(e, "rx_bad_used");
	long0 = kt_ifstat(e, "rx_too_long");
	KT_ASSERT(bad0 >= 0 && long0 >= 0);
	KT_ASSERT(kt_corrupt_next_rx(e, d, fds[1], true));
	KT_ASSERT(kt_corrupt_next_rx(e, d, fds[1], false));
	/* Neither reply reached the connection; both were counted. */
	KT_ASSERT_EQ(kt_read_replies(e, fds[1], 1, 300), 0);
	KT_ASSERT_EQ(kt_ifstat(e, "rx_bad_used"), bad0 + 1);
	KT_ASSERT_EQ(kt_ifstat(e, "rx_too_long"), long0 + 1);
	KT_ASSERT_EQ(kt_ifstat(e, "broken"), 0);
	/* Traffic goes on (one receive buffer stays with the device until
	 * the next close: its entry never came back with a valid id). */
	KT_ASSERT_EQ(kt_arp_burst(e, fds[1], 300, 30), 300);
	kt_conn_close(fds);
}

KTEST_FLAGS(virtio_net, filters_through_control_queue, KTEST_NO_LEAK_CHECK)
{
	static const char addmc[] = "addmulti 01:00:5e:00:00:fb";
	static const char remmc[] = "remmulti 01:00:5e:00:00:fb";
	struct ether *e = kt_vnet();
	long long errs;
	int fds[2];

	if (!e)
		return;
	KT_ASSERT(kt_arp_conn(e, fds));
	errs = kt_ifstat(e, "ctrl_errors");
	KT_ASSERT_EQ(kt_ifstat(e, "promisc"), 0);
	KT_ASSERT_EQ(syswrite(fds[0], "promiscuous", 11), 11);
	KT_ASSERT_EQ(kt_ifstat(e, "promisc"), 1);
	KT_ASSERT_EQ(syswrite(fds[0], addmc, strlen(addmc)), (ssize_t)strlen(addmc));
	KT_ASSERT_EQ(kt_ifstat(e, "multicast"), 1);
	KT_ASSERT_EQ(syswrite(fds[0], remmc, strlen(remmc)), (ssize_t)strlen(remmc));
	KT_ASSERT_EQ(kt_ifstat(e, "multicast"), 0);
	/* The device acknowledged every command. */
	KT_ASSERT_EQ(kt_ifstat(e, "ctrl_errors"), errs);
	KT_ASSERT_EQ(kt_arp_burst(e, fds[1], 32, 32), 32);
	kt_conn_close(fds);
	/* The last promiscuous connection gone: off again. */
	KT_ASSERT_EQ(kt_ifstat(e, "promisc"), 0);
	KT_ASSERT_EQ(kt_ifstat(e, "ctrl_errors"), errs);
}
