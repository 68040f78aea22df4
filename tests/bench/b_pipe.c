/* SPDX-License-Identifier: MIT */
/*
 * b_pipe.c - B14 (pipe part): a one-byte ping-pong between two processes
 * over two pipes; the figure is one round trip (two writes, two reads, two
 * wake-ups).  With one core, as under icount, every round trip is also two
 * process switches.
 */
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

static int to_child[2], to_parent[2];

static void pingpong_round(void *arg, long iters)
{
	char c = 'x';

	for (long i = 0; i < iters; i++) {
		if (write(to_child[1], &c, 1) != 1 || read(to_parent[0], &c, 1) != 1)
			bench_die("pipe ping");
	}
}

static void echo_forever(void)
{
	char c;

	close(to_child[1]);             /* or the read below never sees EOF */
	close(to_parent[0]);

	while (read(to_child[0], &c, 1) == 1)
		if (write(to_parent[1], &c, 1) != 1)
			break;
	_exit(0);
}

int main(void)
{
	pid_t child;

	if (pipe(to_child) || pipe(to_parent))
		bench_die("pipe");
	child = fork();
	if (child < 0)
		bench_die("fork");
	if (child == 0)
		echo_forever();
	close(to_child[0]);
	close(to_parent[1]);
	bench_report("pipe_pingpong", "ns", pingpong_round, NULL, 2000);
	close(to_child[1]);
	waitpid(child, NULL, 0);
	return 0;
}
