/* SPDX-License-Identifier: MIT */
/*
 * utest_int.h - what utest.c (the runner) and leak.c (the leak checks)
 * share inside libutest; programs include <utest/utest.h> only.
 *
 * The runner takes a snapshot before each test and compares after it:
 *	struct utest_snap before;
 *	utest_snap_take(&before);
 *	... the test ...
 *	if (utest_snap_leaks(&before, msg, sizeof(msg)))  -> FAIL "leak: ..."
 * Snapshots live in static storage of the runner (one at a time).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTEST_MAX_FD       1024
#define UTEST_MAX_FILEMAPS 64

struct utest_snap {
	uint64_t fds[UTEST_MAX_FD / 64];        /* open FDs, a bit each */
	bool fds_known;                         /* #proc/self/fd was read */
	long malloc_blocks;                     /* live malloc blocks */
	long malloc_bytes;                      /* their usable bytes */
	uint64_t mapped;                        /* bytes in #proc/self/maps */
	uint64_t stacks_kept;                   /* of them, the C library's stack cache */
	bool maps_known;
	int nfilemaps;
	uint64_t filemaps[UTEST_MAX_FILEMAPS];  /* start of each file mapping */
};

/* Records the process's FDs, malloc counts and mappings. */
void utest_snap_take(struct utest_snap *s);

/* Compares now with *before: false if nothing leaked, else true with a
 * message naming the first leak found in msg. */
bool utest_snap_leaks(const struct utest_snap *before, char *msg, size_t cap);
