/* SPDX-License-Identifier: MIT */
/*
 * ros/procdata.h - procdata: the read-write pages the kernel maps into every
 * process, shared by the kernel and user space.
 *
 * The first page holds the process's requests to the kernel: resources it
 * wants (res_req, read by the ksched after a poke), and kernel_evts[], the
 * table of event queues for one-sided kernel events (like an interrupt
 * table: kernel_evts[EV_ALARM] is where the kernel posts EV_ALARM; 0 = not
 * wanted).  The VCPD array follows, page-aligned (ros/vcpd.h).
 *
 * The process can write every byte here at any time, so the kernel treats
 * all of it as untrusted: it reads a field once, checks it, and uses its
 * copy; it reads queue addresses from kernel_evts through the uaccess
 * routines only.
 *
 * Kernel side: kern/src/proc/process.c (allocation, mapping), kern/src/event/event.c
 * (kernel_evts, VCPD mailboxes), the ksched (res_req).  User side:
 * user/parlib (event registration, vcore requests).  Where it is mapped:
 * kern/arch/x86/ros/mmu64.h.
 */
#pragma once

#include <stdint.h>
#include <ros/event_msg.h>
#include <ros/mmu64.h>
#include <ros/procinfo.h>
#include <ros/vcpd.h>

struct resource_req {
	uint64_t amt_wanted;            /* [u] how many */
	uint64_t amt_wanted_min;        /* [u] below this, the process cannot run */
	uint64_t flags;                 /* [u] zero for now */
};

/* Tags (Documentation/style.md): [u] the process writes it, the kernel reads (untrusted). */
struct procdata_head {
	struct resource_req res_req[RES_NR];    /* [u] */
	uint64_t kernel_evts[EV_NR_TYPES];      /* [u] struct event_queue * by event type */
};

struct procdata {
	struct procdata_head head;
	uint8_t __pad0[PGSIZE - sizeof(struct procdata_head)];
	struct vcpd vcpd[ROS_MAX_VCORES];       /* page-aligned */
};

#define PROCDATA_NUM_PAGES (sizeof(struct procdata) / PGSIZE)

_Static_assert(sizeof(struct resource_req) == 24, "struct resource_req is 24 bytes");
_Static_assert(__builtin_offsetof(struct procdata_head, kernel_evts) == 24 * RES_NR,
               "procdata.kernel_evts");
_Static_assert(sizeof(struct procdata_head) <= PGSIZE, "procdata's head fits a page");
_Static_assert(__builtin_offsetof(struct procdata, vcpd) == PGSIZE, "procdata.vcpd is page 1");
_Static_assert(sizeof(struct procdata) == PGSIZE + ROS_MAX_VCORES * VCPD_SIZE,
               "procdata is a head page plus the VCPDs");
