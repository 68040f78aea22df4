/* SPDX-License-Identifier: MIT */
/*
 * smp.h - what every core runs when it has nothing else to do, and calling
 * a function on other cores.
 *
 *	smp_idle();                                 // AP, from smp.c, never returns
 *	smp_call_function(core, fn, arg, true);     // fn(arg) there, wait for it
 *	smp_call_function_all(fn, arg, true);       // every online core, this one too
 *
 * smp_call_function* run fn as an immediate kernel message: in IRQ context
 * on the target, IRQs off, so fn must be short and must not block.  On the
 * calling core fn runs directly with IRQs off.  With wait, the caller spins
 * until every target has run fn; while it spins with IRQs off it serves its
 * own immediate messages, so two cores calling each other cannot deadlock.
 * Without wait, fn and arg must stay valid until fn has run.
 *
 * kernel_core_init() (core_init.c, declared in init.h) brings up kmsgs,
 * kthreads and alarms on the boot core and lets the APs, parked in
 * smp_idle(), finish their own per-core part.
 */
#pragma once

#include <types.h>

void smp_idle(void) __noreturn;
void smp_idle_loop(void) __noreturn;

int smp_call_function(uint32_t core, void (*fn)(void *), void *arg, bool wait);
int smp_call_function_all(void (*fn)(void *), void *arg, bool wait);

/* core_init.c: true once kernel_core_init() has run on the boot core. */
bool kernel_core_ready(void);
/* Per-core kernel-core setup of an AP, from its first smp_idle(). */
void kernel_core_init_ap(void);
