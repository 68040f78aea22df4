/* SPDX-License-Identifier: MIT */
/*
 * vcoremap.h - a process's vcore ids and the maps in procinfo that say
 * which vcore runs on which physical core (ros/procinfo.h).
 *
 *	vcore_ids_init(&ids, max);
 *	int v = vcore_id_get(&ids);          // most recently put back first
 *	coremap_write_begin(pi);             // coremap_seqctr odd
 *	vcoremap_map(pi, v, pcore);
 *	coremap_write_end(pi);               // even again: readers see it all
 *	...
 *	vcore_id_put(&ids, v);
 *
 * Vcore ids are reused most-recently-yielded first (a stack), so a vcore
 * that yields and comes back finds its stack and TLS warm; ids never used
 * come in ascending order after the stack is empty.
 *
 * Rules: one writer at a time per process (the ksched's lock); every
 * change to vcoremap, pcoremap, num_vcores or res_grant sits between
 * coremap_write_begin() and coremap_write_end().  User-space readers
 * retry while the counter is odd or has moved.
 */
#pragma once

#include <types.h>
#include <ros/procinfo.h>

struct vcore_ids {
	uint32_t max;                   /* ids are 0 .. max-1 */
	uint32_t next_fresh;            /* ids below it have been handed out once */
	uint32_t nr_free;               /* entries in the stack */
	uint16_t free[ROS_MAX_VCORES];  /* put-back ids, top = free[nr_free-1] */
};

void vcore_ids_init(struct vcore_ids *ids, uint32_t max);
/* A free vcore id, or -1 if all max are in use. */
int vcore_id_get(struct vcore_ids *ids);
void vcore_id_put(struct vcore_ids *ids, uint32_t vcoreid);
/* Takes vcoreid off the free stack (change_vcore): 0, or -1 if it is not
 * there (in use, or never handed out). */
int vcore_id_take(struct vcore_ids *ids, uint32_t vcoreid);

void coremap_write_begin(struct procinfo *pi);
void coremap_write_end(struct procinfo *pi);
/* Between begin and end: vcore v runs on pcore / no longer has one. */
void vcoremap_map(struct procinfo *pi, uint32_t vcoreid, uint32_t pcore);
void vcoremap_unmap(struct procinfo *pi, uint32_t vcoreid);
