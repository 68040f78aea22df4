/* SPDX-License-Identifier: MIT */
/*
 * lx_tls.h - the translation layer's per-thread state kept across musl's
 * __reset_tls (overlay/src/env/__reset_tls.c), which puts every TLS block
 * back to its initial image.  The layer's __thread variables (the running
 * uthread, lx_thread.c; the signal state, lx_signal.c) are copied out
 * before and back after.  The caller gives the room (its stack), so two
 * threads may reset at once.
 */
#pragma once

struct lx_tls_saved {
	void *self;                     /* lx_thread.c's lx_self */
	unsigned char sig[192];         /* lx_signal.c's state (checked there) */
};

void __vireo_tls_save(struct lx_tls_saved *s);
void __vireo_tls_restore(const struct lx_tls_saved *s);
