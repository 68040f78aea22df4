/* SPDX-License-Identifier: MIT */
/*
 * parlib/vcore.h - vcores as user space sees them, shaped for MCPs.
 *
 * A process is an SCP today: it runs on one core, as vcore 0, and always in
 * uthread context (thread0), never in vcore context.  These calls answer
 * that now and keep their names and meaning when the MCP issue adds real
 * vcores (vcore_id() will then read the per-vcore TLS, in_vcore_context()
 * the vcore's flag, num_vcores() the procinfo vcoremap under its seqctr).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* The vcore this code runs on: 0 on an SCP. */
static inline uint32_t vcore_id(void)
{
	return 0;
}

/* True while running in vcore context (the 2LS's scheduler), not a uthread. */
static inline bool in_vcore_context(void)
{
	return false;
}

/* How many vcores the process has now: 1 on an SCP. */
static inline uint32_t num_vcores(void)
{
	return 1;
}

/* Whether the process is a multi-core process: not yet. */
static inline bool in_multi_mode(void)
{
	return false;
}
