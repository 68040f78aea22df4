/* SPDX-License-Identifier: MIT */
/*
 * __reset_tls.c (Vireo overlay of musl's src/env/__reset_tls.c): puts the
 * calling thread's TLS blocks back to their initial images, as musl's
 * SIGEV_THREAD timer thread does after each call of the program's function
 * (so that the next call starts from clean __thread variables).
 *
 * On Vireo the translation layer keeps its own per-thread state in TLS
 * too: the running uthread and the signal state (mask, alternate stack,
 * tid).  Wiping that would lose the thread itself, so the layer saves it
 * first and puts it back after (__vireo_tls_save/__vireo_tls_restore,
 * lx_thread.c); everything else is reset as upstream does.
 */
#include <string.h>
#include "pthread_impl.h"
#include "libc.h"
#include "../vireo/lx_tls.h"

void __reset_tls()
{
	pthread_t self = __pthread_self();
	struct lx_tls_saved saved;
	struct tls_module *m = libc.tls_head;
	size_t n = self->dtv[0];

	__vireo_tls_save(&saved);
	for (size_t i = 1; i <= n && m; i++, m = m->next) {
		unsigned char *block = (unsigned char *)(self->dtv[i] - DTP_OFFSET);

		memcpy(block, m->image, m->len);
		memset(block + m->len, 0, m->size - m->len);
	}
	__vireo_tls_restore(&saved);
}
