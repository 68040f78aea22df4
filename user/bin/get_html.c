/* SPDX-License-Identifier: MIT */
/*
 * get_html.c - /bin/get_html: fetches a page over HTTP with iplib
 * (Akaros's tool and interface; Documentation/tools/get_html.md).
 *
 *	get_html [-n N] [HOST [PORT [PAGE]]]
 *
 * Defaults are Akaros's: 185.199.109.153 80 files/test.html.  It dials
 * tcp!HOST!PORT, sends "GET /PAGE HTTP/1.1" with Host and
 * "Connection: close", and copies the whole response (headers and body)
 * to standard output until the server closes.  With -n N it fetches N
 * times, prints nothing of the responses, and ends with a summary:
 * fetches/s, bytes/s, and the min/median/max time of one fetch.
 * Exit codes: 0, 1 when a fetch fails, 2 on bad usage.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "iplib.h"
#include "vbin.h"

#define GH_BUF 16384
#define GH_RUNS_MAX 100000

static const char gh_usage[] = "usage: get_html [-n N] [HOST [PORT [PAGE]]]\n";

struct gh_target {
	const char *host, *port, *page;
	char dialstr[IPL_ADDR_MAX];
};

static uint64_t gh_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

/* One fetch: the response's length, copied to standard output if show;
 * -1 after reporting the failure. */
static long gh_fetch(const struct gh_target *t, bool show)
{
	char req[IPL_ADDR_MAX + 128], buf[GH_BUF];
	long total = 0;
	ssize_t r;
	int fd = dial9(t->dialstr, NULL, NULL, NULL);

	if (fd < 0) {
		vbin_fail("get_html", t->dialstr);
		return -1;
	}
	snprintf(req, sizeof(req), "GET /%s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n",
		 t->page[0] == '/' ? t->page + 1 : t->page, t->host);
	if (write(fd, req, strlen(req)) != (ssize_t)strlen(req)) {
		vbin_fail("get_html", "write");
		close(fd);
		return -1;
	}
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		total += r;
		if (show && fwrite(buf, 1, (size_t)r, stdout) != (size_t)r)
			break;
	}
	if (r < 0)
		vbin_fail("get_html", "read");
	close(fd);
	return r < 0 ? -1 : total;
}

static int gh_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* -n N: N fetches and the summary. */
static int gh_bench(const struct gh_target *t, int runs)
{
	uint64_t *lat = calloc((size_t)runs, sizeof(*lat)), start = gh_now_us(), secs_us;
	long long bytes = 0;

	if (!lat)
		return 1;
	for (int i = 0; i < runs; i++) {
		uint64_t t0 = gh_now_us();
		long n = gh_fetch(t, false);

		if (n < 0) {
			fprintf(stderr, "get_html: fetch %d of %d failed\n", i + 1, runs);
			free(lat);
			return 1;
		}
		bytes += n;
		lat[i] = gh_now_us() - t0;
	}
	secs_us = gh_now_us() - start;
	if (secs_us == 0)
		secs_us = 1;
	qsort(lat, (size_t)runs, sizeof(*lat), gh_cmp);
	printf("get_html: %d fetches, %lld bytes in %.3f s: %.1f fetches/s, %.0f bytes/s; "
	       "latency min %.2f median %.2f max %.2f ms\n",
	       runs, bytes, secs_us / 1e6, runs * 1e6 / secs_us, bytes * 1e6 / secs_us,
	       lat[0] / 1e3, lat[runs / 2] / 1e3, lat[runs - 1] / 1e3);
	free(lat);
	return 0;
}

int main(int argc, char **argv)
{
	struct gh_target t = { "185.199.109.153", "80", "files/test.html", "" };
	int runs = 0, i = 1;

	if (i < argc && !strcmp(argv[i], "-h")) {
		fputs(gh_usage, stdout);
		return 0;
	}
	if (i + 1 < argc && !strcmp(argv[i], "-n")) {
		runs = vbin_parse_pid(argv[i + 1]);
		i += 2;
		if (runs < 1 || runs > GH_RUNS_MAX) {
			fprintf(stderr, "get_html: -n wants 1..%d\n%s", GH_RUNS_MAX, gh_usage);
			return 2;
		}
	}
	if (argc - i > 3 || (i < argc && argv[i][0] == '-')) {
		fputs(gh_usage, stderr);
		return 2;
	}
	if (i < argc)
		t.host = argv[i];
	if (i + 1 < argc)
		t.port = argv[i + 1];
	if (i + 2 < argc)
		t.page = argv[i + 2];
	snprintf(t.dialstr, sizeof(t.dialstr), "tcp!%s!%s", t.host, t.port);
	if (!runs) {
		printf("FYI, Usage: get_html [-n N] [HOST [PORT [PAGE]]]\n");
		printf("Trying to access http://%s:%s/%s\n", t.host, t.port,
		       t.page[0] == '/' ? t.page + 1 : t.page);
		fflush(stdout);
		return gh_fetch(&t, true) < 0 ? 1 : 0;
	}
	return gh_bench(&t, runs);
}
