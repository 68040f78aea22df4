/* SPDX-License-Identifier: MIT */
/*
 * ipstack.c - bringing the stack up, the protocol table, and the timer.
 *
 * ip_stack_init (from #ip's init, once, at boot in a kthread): the log,
 * routes, ARP, interfaces, IPv4, then each protocol registers
 * (ip_proto_register: it gets #ip/NAME/ and is found by IP protocol
 * number), then interface 0 is bound to the loopback medium with
 * 127.0.0.1/8, then the timer kthread starts.  TCP will register the same
 * way (Documentation/net.md, "What TCP plugs into").
 *
 * The timer kthread wakes every IP_TICK_US: ARP retries and expiries,
 * reassembly timeouts.  (TCP's per-connection timers will use alarms.)
 *
 * The protocol table is written only during init, before any attach, and
 * read without a lock afterwards.
 */
#include <block.h>
#include <assert.h>
#include <chacha20.h>
#include <core_id.h>
#include <kmalloc.h>
#include <kthread.h>
#include <printk.h>
#include <time.h>

#include <ip.h>

#define IP_TICK_US (500 * 1000)

struct ip_proto *ip_protos[IP_MAX_PROTO];       /* [I] after init */
unsigned int ip_nprotos;                        /* [I] after init */

void ip_proto_register(struct ip_proto *p)
{
	if (ip_nprotos >= IP_MAX_PROTO)
		panic("ip: more than %d protocols", IP_MAX_PROTO);
	p->conv = kzmalloc(p->maxconv * sizeof(*p->conv), MEM_WAIT);
	if (!p->conv)
		panic("ip: no memory for %s's conversation table", p->name);
	spinlock_init(&p->lock, "ip proto");
	p->idx = ip_nprotos;
	ip_protos[ip_nprotos++] = p;
}

struct ip_proto *ip_proto_by_num(uint8_t ipproto)
{
	for (unsigned int i = 0; i < ip_nprotos; i++)
		if (ip_protos[i]->ipproto == ipproto)
			return ip_protos[i];
	return NULL;
}

uint64_t ip_random_u32(void)
{
	uint32_t v;

	random_bytes(&v, sizeof(v));
	return v;
}

static void ip_timer(void *arg)
{
	for (;;) {
		uint64_t now;

		kthread_usleep(IP_TICK_US);
		now = nsec_now();
		arp_tick(now);
		ip_reasm_tick(now);
	}
}

void ip_stack_init(void)
{
	netlog_init();
	iproute_init();
	arp_init();
	ipifc_init();
	ipv4_init();
	icmp_init();
	udp_init();
	tcp_init();
	ipifc_boot_loopback();
	kthread_run_on(kthread_create(ip_timer, NULL, "ip timer"), core_id());
}
