/* SPDX-License-Identifier: MIT */
/*
 * kt_tcp.c - ktests of TCP's conversation lifetimes in #ip, suite tcp:
 * connections over loopback opened, accepted, reset and closed from
 * several kthreads at once (clients on every core, one acceptor, one
 * prober opening every conversation's status by number, calls half-open
 * or waiting on the listen queue included) while the loopback reader and
 * the TCP timer kthread run the other side; afterwards every
 * conversation, chan and block is gone.  Each connection ends with a
 * reset from one side, so none waits in TIME_WAIT.  A conversation freed
 * while a chan still holds it, or a close racing the reset that ends it,
 * shows up here as a fault on KMALLOC_POISON memory or as a leak.
 */
#include <block.h>
#include <ip.h>
#include <kstring.h>
#include <ktest.h>
#include <kthread.h>
#include <sysfile.h>

#include "kt_dev.h"

#define KTCP_PORT    7310
#define KTCP_CLIENTS 3
#define KTCP_ROUNDS  60
#define KTCP_PROBE   48             /* conversation numbers the prober opens */

struct ktcp_run {
	int listener;                   /* the listener's number */
	atomic_t stop;                  /* set: acceptor and prober end */
	atomic_t clients_done;
	atomic_t connected, accepted, probed;
};

struct ktcp_client {
	struct ktcp_run *run;
	uint32_t seed;
};

static uint32_t ktcp_rand(uint32_t *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 16;
}

static int ktcp_open(int n, const char *file, int flags)
{
	char path[48];

	snprintf(path, sizeof(path), "#ip/tcp/%d/%s", n, file);
	return sysopen(path, flags, 0);
}

static bool ktcp_ctl(int fd, const char *msg)
{
	return syswrite(fd, msg, strlen(msg)) == (ssize_t)strlen(msg);
}

/* The conversation number a ctl fd reads as, or -1. */
static int ktcp_num(int ctl)
{
	char buf[16];
	ssize_t r = sysread(ctl, buf, sizeof(buf) - 1);
	int n = 0;

	if (r <= 0)
		return -1;
	for (ssize_t i = 0; i < r && buf[i] >= '0' && buf[i] <= '9'; i++)
		n = n * 10 + (buf[i] - '0');
	return n;
}

/* A new TCP conversation: its ctl fd and number, or -1. */
static int ktcp_clone(int *n)
{
	int fd = sysopen("#ip/tcp/clone", O_RDWR, 0);

	if (fd < 0)
		return -1;
	*n = ktcp_num(fd);
	if (*n < 0) {
		sysclose(fd);
		return -1;
	}
	return fd;
}

/* Ends one side of a connection in one of several ways; ctl and data may
 * be -1.  Way 0 resets, 1 resets after the data is closed, 2 closes with
 * nothing more (the peer's reset ends it), 3 closes ctl before data. */
static void ktcp_end(int ctl, int data, uint32_t way)
{
	if (way == 0 && ctl >= 0)
		ktcp_ctl(ctl, "hangup");
	if (way == 3) {
		sysclose(ctl);
		sysclose(data);
		return;
	}
	sysclose(data);
	if (way == 1 && ctl >= 0)
		ktcp_ctl(ctl, "hangup");
	sysclose(ctl);
}

static void ktcp_client_fn(void *arg)
{
	struct ktcp_client *cl = arg;
	char msg[40];

	snprintf(msg, sizeof(msg), "connect 127.0.0.1!%d", KTCP_PORT);
	for (int i = 0; i < KTCP_ROUNDS; i++) {
		int n, ctl = ktcp_clone(&n), data = -1;
		uint32_t way = ktcp_rand(&cl->seed);

		if (ctl < 0)
			continue;
		if (ktcp_ctl(ctl, msg)) {
			atomic_inc(&cl->run->connected);
			data = ktcp_open(n, "data", O_RDWR | O_NONBLOCK);
			if (data >= 0 && (way & 4))
				syswrite(data, "hello", 5);
		}
		/* the client always resets: no side is left in TIME_WAIT */
		ktcp_end(ctl, data, (way >> 3) % 2);
	}
	atomic_inc(&cl->run->clients_done);
}

static void ktcp_acceptor_fn(void *arg)
{
	struct ktcp_run *run = arg;
	uint32_t seed = 7;
	char buf[16];

	while (!atomic_read(&run->stop)) {
		int ctl = ktcp_open(run->listener, "listen", O_RDWR | O_NONBLOCK), n, data;
		uint32_t way = ktcp_rand(&seed);

		if (ctl < 0) {
			kthread_usleep(200);
			continue;
		}
		atomic_inc(&run->accepted);
		if (way & 1)            /* sometimes the client's reset comes first */
			kthread_usleep(ktcp_rand(&seed) % 2000);
		n = ktcp_num(ctl);
		data = n >= 0 ? ktcp_open(n, "data", O_RDWR | O_NONBLOCK) : -1;
		if (data >= 0 && (way & 2))
			sysread(data, buf, sizeof(buf));
		ktcp_end(ctl, data, (way >> 2) % 4);
	}
}

/* Opens every conversation's status by number, whatever state it is in
 * (half-open calls and calls waiting for accept too), and closes it. */
static void ktcp_prober_fn(void *arg)
{
	struct ktcp_run *run = arg;
	char buf[256];

	while (!atomic_read(&run->stop)) {
		for (int n = 0; n < KTCP_PROBE; n++) {
			int fd = ktcp_open(n, "status", O_READ);

			if (fd < 0)
				continue;
			sysread(fd, buf, sizeof(buf));
			sysclose(fd);
			atomic_inc(&run->probed);
		}
		kthread_yield();
	}
}

static struct ip_proto *ktcp_proto(void)
{
	for (unsigned int i = 0; i < ip_nprotos; i++)
		if (!strcmp(ip_protos[i]->name, "tcp"))
			return ip_protos[i];
	return NULL;
}

static struct kthread *ktcp_start(void (*fn)(void *), void *arg, uint32_t core)
{
	struct kthread *kt = kthread_create(fn, arg, "kt_tcp");

	kthread_get(kt);
	kthread_run_on(kt, core % num_cores);
	return kt;
}

/* Waits up to 5 s for p's conversation count to come back to want. */
static bool ktcp_settled(struct ip_proto *p, int64_t want)
{
	for (int i = 0; i < 500; i++) {
		if (atomic_read(&p->nconv) == want)
			return true;
		kthread_usleep(10 * 1000);
	}
	return false;
}

KTEST(tcp, open_close_reset_races)
{
	static struct ktcp_run run;
	static struct ktcp_client cl[KTCP_CLIENTS];
	struct kthread *kts[KTCP_CLIENTS + 2];
	struct ip_proto *tcp = ktcp_proto();
	int64_t chans = chan_nr_live(), blocks, convs;
	char msg[32];
	int lfd;

	KT_ASSERT(tcp);
	convs = atomic_read(&tcp->nconv);
	blocks = block_live_count();
	memset(&run, 0, sizeof(run));
	lfd = ktcp_clone(&run.listener);
	KT_ASSERT(lfd >= 0);
	snprintf(msg, sizeof(msg), "announce %d", KTCP_PORT);
	KT_ASSERT(ktcp_ctl(lfd, msg));
	kts[0] = ktcp_start(ktcp_acceptor_fn, &run, core_id() + 1);
	kts[1] = ktcp_start(ktcp_prober_fn, &run, core_id() + 2);
	for (int i = 0; i < KTCP_CLIENTS; i++) {
		cl[i] = (struct ktcp_client){ .run = &run, .seed = 31u * (uint32_t)i + 1 };
		kts[2 + i] = ktcp_start(ktcp_client_fn, &cl[i], core_id() + (uint32_t)i);
	}
	for (int i = 0; i < KTCP_CLIENTS; i++)
		kthread_join(kts[2 + i]);
	atomic_set(&run.stop, 1);
	kthread_join(kts[0]);
	kthread_join(kts[1]);
	sysclose(lfd);
	KT_ASSERT_MSG(atomic_read(&run.connected) > KTCP_CLIENTS * KTCP_ROUNDS / 2,
	              "only %ld of %d connects succeeded", (long)atomic_read(&run.connected),
	              KTCP_CLIENTS * KTCP_ROUNDS);
	KT_ASSERT(atomic_read(&run.accepted) > 0 && atomic_read(&run.probed) > 0);
	KT_ASSERT_MSG(ktcp_settled(tcp, convs), "tcp conversations %lld -> %lld",
	              (long long)convs, (long long)atomic_read(&tcp->nconv));
	KT_ASSERT_EQ(chan_nr_live(), chans);
	KT_ASSERT_EQ(block_live_count(), blocks);
}
