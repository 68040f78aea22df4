/* SPDX-License-Identifier: MIT */
/*
 * globalinfo.h - the global info page (ros/globalinfo.h gives its layout),
 * filled by kern/src/init/globalinfo.c and mapped read-only at UGINFO into every
 * process by mm_map_shared() (mm_shared.c).
 *
 *	globalinfo_init();                  // boot, after TSC calibration and SMP
 *	struct proc_global_info *gi = globalinfo_get();   // never NULL
 *
 * globalinfo_get() initialises the page itself if boot has not, so a
 * missing globalinfo_init() call costs nothing but a boot-time value
 * (nr_cores then counts the cores up at first use).  The page lives in
 * the kernel image and is never freed.  globalinfo_set_walltime() is the only writer after boot: it
 * updates the (walltime_ns_last, tsc_last) pair under walltime_seqctr.
 */
#pragma once

#include <ros/globalinfo.h>
#include <types.h>

void globalinfo_init(void);
struct proc_global_info *globalinfo_get(void);
void globalinfo_set_walltime(uint64_t walltime_ns, uint64_t tsc);
