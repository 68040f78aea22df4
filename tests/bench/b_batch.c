/* SPDX-License-Identifier: MIT */
/*
 * b_batch.c - B2, the per-call cost of system calls submitted in batches.
 *
 *	async_batch_N   the cost per call when N calls go in with one trap,
 *	                for N = 1, 8, 32.
 *
 * Vireo: N struct syscall records of SYS_null in one array, one `syscall`
 * instruction for the whole array; every record must come back SC_DONE.
 * Linux: io_uring, the nearest mechanism: N NOP requests in the submission
 * ring, one io_uring_enter that submits them and waits for N completions,
 * then the completion ring is consumed.  Linux reports N = 1 and 32 only
 * through io_uring; 8 is measured too.
 */
#include <stdio.h>
#include <string.h>

#include "bench.h"

#define BATCH_MAX 32

#ifdef __vireo__
#include <ros/syscall.h>

static struct syscall batch[BATCH_MAX];

/* One trap for the whole array (the ABI of Documentation/syscalls.md). */
static void trap(struct syscall *scs, unsigned long count)
{
	__asm__ volatile("syscall" : : "D"(scs), "S"(count)
	                 : "rax", "rcx", "r11", "memory");
}

static void batch_round(void *arg, long iters)
{
	long n = (long)arg;

	for (long i = 0; i < iters; i += n) {
		for (long j = 0; j < n; j++)
			batch[j].flags = 0;
		trap(batch, (unsigned long)n);
		if (!(__atomic_load_n(&batch[n - 1].flags, __ATOMIC_ACQUIRE) & SC_DONE))
			bench_die("a null call did not complete in the trap");
	}
}

static void batch_setup(void)
{
	memset(batch, 0, sizeof(batch));
	for (int i = 0; i < BATCH_MAX; i++)
		batch[i].num = SYS_null;
}
#else
#include <linux/io_uring.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail;
	struct io_uring_sqe *sqes;
} ring;

static void *ring_map(int fd, size_t len, off_t off)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, off);

	if (p == MAP_FAILED)
		bench_die("io_uring mmap");
	return p;
}

static void batch_setup(void)
{
	struct io_uring_params p;
	char *sq, *cq;

	memset(&p, 0, sizeof(p));
	ring.fd = (int)syscall(SYS_io_uring_setup, BATCH_MAX, &p);
	if (ring.fd < 0)
		bench_die("io_uring_setup");
	sq = ring_map(ring.fd, p.sq_off.array + p.sq_entries * sizeof(unsigned),
	              IORING_OFF_SQ_RING);
	cq = ring_map(ring.fd, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe),
	              IORING_OFF_CQ_RING);
	ring.sqes = ring_map(ring.fd, p.sq_entries * sizeof(struct io_uring_sqe),
	                     IORING_OFF_SQES);
	ring.sq_tail = (unsigned *)(sq + p.sq_off.tail);
	ring.sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	ring.sq_array = (unsigned *)(sq + p.sq_off.array);
	ring.cq_head = (unsigned *)(cq + p.cq_off.head);
	ring.cq_tail = (unsigned *)(cq + p.cq_off.tail);
}

static void batch_round(void *arg, long iters)
{
	long n = (long)arg;

	for (long i = 0; i < iters; i += n) {
		unsigned tail = *ring.sq_tail;

		for (long j = 0; j < n; j++, tail++) {
			unsigned idx = tail & *ring.sq_mask;

			memset(&ring.sqes[idx], 0, sizeof(ring.sqes[idx]));
			ring.sqes[idx].opcode = IORING_OP_NOP;
			ring.sq_array[idx] = idx;
		}
		__atomic_store_n(ring.sq_tail, tail, __ATOMIC_RELEASE);
		if (syscall(SYS_io_uring_enter, ring.fd, n, n, IORING_ENTER_GETEVENTS,
		            NULL, 0) != n)
			bench_die("io_uring_enter");
		__atomic_store_n(ring.cq_head, __atomic_load_n(ring.cq_tail, __ATOMIC_ACQUIRE),
		                 __ATOMIC_RELEASE);
	}
}
#endif

int main(void)
{
	static const long sizes[] = { 1, 8, 32 };
	char name[32];

	batch_setup();
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		snprintf(name, sizeof(name), "async_batch_%ld", sizes[i]);
		bench_report(name, "ns", batch_round, (void *)sizes[i], 32 * 800);
	}
	return 0;
}
