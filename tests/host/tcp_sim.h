/* SPDX-License-Identifier: MIT */
/*
 * tcp_sim.h - two TCP engines (kern/src/net/tcp_*.c) joined by a simulated
 * link, for the tcp host suites.
 *
 * Time is simulated: sim_run() jumps the clock to the next packet delivery
 * or engine deadline, so a minute of TIME_WAIT costs nothing.  The link
 * delays every packet by delay_us plus a random jitter (jitter reorders),
 * and drops, duplicates or corrupts packets with the given probabilities
 * (parts per million) from a seeded xorshift generator, so every run of a
 * test sees the same packets.  Each host has an address, at most one
 * listener and a table of connections; arriving segments are parsed
 * (checksum included), demultiplexed to a connection, to the listener, or
 * answered with a reset, as #ip does.
 */
#pragma once

#include <tcp.h>

#define SIM_MAXCONN 64

struct sim;

struct sim_host {
	struct sim *sim;
	uint32_t addr;
	struct tcpcb *listener;
	struct tcpcb *conn[SIM_MAXCONN];
	unsigned int nconn;
	unsigned int connected, closed, readable, writable, rsts_sent;
	struct tcpcb *accepted[SIM_MAXCONN];    /* passive, reached ESTABLISHED */
	unsigned int naccepted;
};

struct sim_pkt {
	struct sim_pkt *next;
	uint64_t at, id;                /* ties go in sending order */
	uint32_t src, dst;
	size_t len;
	uint8_t data[];
};

struct sim {
	uint64_t now, rng;
	uint64_t delay_us, jitter_us;
	uint32_t loss_ppm, dup_ppm, corrupt_ppm;
	bool drop_all;                  /* a cut wire */
	struct sim_host h[2];
	struct sim_pkt *q;
	uint64_t sent, dropped, delivered, ids;
	/* called after every step; return false to stop sim_run */
	bool (*app)(struct sim *s, void *arg);
	void *app_arg;
	uint64_t tick_us;               /* nonzero: app runs at least this often */
	/* true drops this sent segment (may be NULL) */
	bool (*drop)(struct sim *s, uint32_t src, const uint8_t *seg, size_t len);
	uint32_t isn_target;            /* nonzero: ISNs land near it */
	/* sees every delivered segment before its host (may be NULL) */
	void (*tap)(struct sim *s, const struct tcp_seg *seg);
};

extern const struct tcp_env sim_env;

void sim_init(struct sim *s, uint64_t seed);
uint64_t sim_rand(struct sim *s);
struct tcpcb *sim_connect(struct sim *s, int from, uint16_t lport, uint16_t rport,
                          const struct tcp_cfg *cfg);
struct tcpcb *sim_listen(struct sim *s, int on, uint16_t port, const struct tcp_cfg *cfg);
/* Host 1 listens on sport, host 0 connects from cport; after a simulated
 * second, the client if both ends are established (*srv the accepted
 * one), else NULL. */
struct tcpcb *sim_pair(struct sim *s, uint16_t cport, uint16_t sport,
                       const struct tcp_cfg *cfg, struct tcpcb **srv);
/* Runs until the app says stop, nothing is left to happen, or until_us. */
void sim_run(struct sim *s, uint64_t until_us);
/* Delivers raw bytes to host `to` as if from the other one. */
void sim_inject(struct sim *s, int to, const uint8_t *seg, size_t len);
void sim_free(struct sim *s);
