/* SPDX-License-Identifier: MIT */
/*
 * test_corealloc.c - host tests of the core allocator (corealloc.h: idle
 * set, low-latency cores, provisioning, the fcfs and packed policies) and
 * of vcore ids and the procinfo core maps (vcoremap.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "htest.h"
#include <corealloc.h>
#include <vcoremap.h>

static struct corealloc ca;

HTEST(corealloc_ll_cores_never_handed_out)
{
	corealloc_init(&ca, 4, 1, &corealloc_fcfs);
	HT_ASSERT_EQ(ca.nr_idle, 3);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 1);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 2);
	HT_ASSERT_EQ(corealloc_take(&ca, 8), 3);
	HT_ASSERT_EQ(corealloc_take(&ca, 8), -1);       /* core 0 stays */
	HT_ASSERT_EQ(ca.nr_idle, 0);
	HT_ASSERT_EQ(corealloc_nr_held(&ca, 7), 2);
	corealloc_give_back(&ca, 2);
	HT_ASSERT_EQ(corealloc_take(&ca, 8), 2);
	HT_ASSERT_EQ(corealloc_provision(&ca, 7, 0), -EINVAL);
	HT_ASSERT_EQ(corealloc_provision(&ca, 7, 4), -EINVAL);
	HT_ASSERT_EQ(corealloc_provision(&ca, -1, 2), -EINVAL);
}

HTEST(corealloc_one_core_machine_has_nothing_to_give)
{
	corealloc_init(&ca, 1, 1, &corealloc_fcfs);
	HT_ASSERT_EQ(corealloc_take(&ca, 5), -1);
	corealloc_init(&ca, 1, 1, &corealloc_packed);
	HT_ASSERT_EQ(corealloc_take(&ca, 5), -1);
}

/* Both policies: own provisions, then nobody's, then others'. */
static void provisioned_first(const struct corealloc_policy *pol)
{
	corealloc_init(&ca, 8, 1, pol);
	HT_ASSERT_EQ(corealloc_provision(&ca, 9, 6), 0);
	HT_ASSERT_EQ(corealloc_provision(&ca, 5, 1), 0);
	HT_ASSERT_EQ(corealloc_provision(&ca, 5, 2), 0);
	HT_ASSERT_EQ(corealloc_take(&ca, 9), 6);
	HT_ASSERT_EQ(corealloc_take(&ca, 9), 3);        /* 1, 2 are 5's */
	for (int i = 0; i < 3; i++)
		HT_ASSERT(corealloc_take(&ca, 9) >= 4);
	HT_ASSERT_EQ(corealloc_take(&ca, 9), 1);        /* others' last */
	HT_ASSERT_EQ(corealloc_take(&ca, 5), 2);
	HT_ASSERT_EQ(corealloc_take(&ca, 5), -1);
}

HTEST(corealloc_fcfs_provisioned_first)
{
	provisioned_first(&corealloc_fcfs);
}

HTEST(corealloc_packed_provisioned_first)
{
	provisioned_first(&corealloc_packed);
}

HTEST(corealloc_forget_drops_provisions)
{
	corealloc_init(&ca, 4, 1, &corealloc_fcfs);
	HT_ASSERT_EQ(corealloc_provision(&ca, 5, 3), 0);
	corealloc_forget(&ca, 5);
	HT_ASSERT_EQ(ca.core[3].prov, 0);
	HT_ASSERT_EQ(corealloc_rank(&ca, 3, 6), 1);
	HT_ASSERT_EQ(corealloc_rank(&ca, 0, 6), -1);
	HT_ASSERT_EQ(corealloc_rank(&ca, 99, 6), -1);
	HT_ASSERT_EQ(corealloc_rank(&ca, COREALLOC_MAX + 5, 6), -1);
}

HTEST(corealloc_packed_prefers_siblings_then_package_then_node)
{
	/* 2 nodes x 1 package x 2 cores x 2 threads: pcore = n*4 + c*2 + t. */
	corealloc_init(&ca, 8, 1, &corealloc_packed);
	for (uint32_t i = 0; i < 8; i++)
		corealloc_set_topology(&ca, i, i / 4, (i / 2) % 2, i / 4);
	HT_ASSERT_EQ(corealloc_take(&ca, 3), 1);        /* lowest, none held */
	HT_ASSERT_EQ(corealloc_take(&ca, 3), 2);        /* same package (0 is LL) */
	HT_ASSERT_EQ(corealloc_take(&ca, 3), 3);        /* 2's sibling */
	HT_ASSERT_EQ(corealloc_take(&ca, 4), 4);
	HT_ASSERT_EQ(corealloc_take(&ca, 3), 5);        /* farther: all of node 0 taken */
	HT_ASSERT_EQ(corealloc_take(&ca, 4), 6);        /* same package as 4 */
	corealloc_give_back(&ca, 2);
	HT_ASSERT_EQ(corealloc_take(&ca, 4), 7);        /* 6's sibling beats 2 */
	corealloc_init(&ca, 8, 1, &corealloc_fcfs);
	for (uint32_t i = 0; i < 8; i++)
		corealloc_set_topology(&ca, i, i / 4, (i / 2) % 2, i / 4);
	HT_ASSERT_EQ(corealloc_take(&ca, 4), 1);
	HT_ASSERT_EQ(corealloc_take(&ca, 3), 2);
	HT_ASSERT_EQ(corealloc_take(&ca, 4), 3);        /* fcfs ignores the topology */
}

/* Random take/give-back/provision against a model of who holds what. */
HTEST(corealloc_random_against_model)
{
	int model[16] = { 0 };
	uint32_t idle = 15;

	srand(11);
	corealloc_init(&ca, 16, 1, &corealloc_packed);
	for (int step = 0; step < 20000; step++) {
		int who = 1 + rand() % 3, op = rand() % 3;
		uint32_t pc = 1 + (uint32_t)rand() % 15;

		if (op == 0) {
			int got = corealloc_take(&ca, who);

			HT_ASSERT_EQ(got < 0, idle == 0);
			if (got >= 0) {
				HT_ASSERT(got >= 1 && got < 16 && !model[got]);
				model[got] = who;
				idle--;
			}
		} else if (op == 1 && model[pc]) {
			corealloc_give_back(&ca, pc);
			model[pc] = 0;
			idle++;
		} else if (op == 2) {
			HT_ASSERT_EQ(corealloc_provision(&ca, rand() % 4, pc), 0);
		}
		HT_ASSERT_EQ(ca.nr_idle, idle);
	}
	for (uint32_t i = 1; i < 16; i++)
		HT_ASSERT_EQ(ca.core[i].owner, model[i]);
}

HTEST(vcore_ids_most_recently_yielded_first)
{
	struct vcore_ids ids;

	vcore_ids_init(&ids, 4);
	HT_ASSERT_EQ(vcore_id_get(&ids), 0);
	HT_ASSERT_EQ(vcore_id_get(&ids), 1);
	HT_ASSERT_EQ(vcore_id_get(&ids), 2);
	vcore_id_put(&ids, 0);
	vcore_id_put(&ids, 2);
	HT_ASSERT_EQ(vcore_id_get(&ids), 2);
	HT_ASSERT_EQ(vcore_id_get(&ids), 0);
	HT_ASSERT_EQ(vcore_id_get(&ids), 3);            /* fresh once the stack is empty */
	HT_ASSERT_EQ(vcore_id_get(&ids), -1);
}

/* change_vcore takes a given id off the stack; the others keep their order. */
HTEST(vcore_id_take_from_the_middle)
{
	struct vcore_ids ids;

	vcore_ids_init(&ids, 4);
	for (int i = 0; i < 4; i++)
		HT_ASSERT_EQ(vcore_id_get(&ids), i);
	vcore_id_put(&ids, 3);
	vcore_id_put(&ids, 1);
	vcore_id_put(&ids, 2);
	HT_ASSERT_EQ(vcore_id_take(&ids, 1), 0);
	HT_ASSERT_EQ(vcore_id_take(&ids, 1), -1);       /* in use now */
	HT_ASSERT_EQ(vcore_id_take(&ids, 0), -1);       /* never put back */
	HT_ASSERT_EQ(vcore_id_get(&ids), 2);
	HT_ASSERT_EQ(vcore_id_get(&ids), 3);
	HT_ASSERT_EQ(vcore_id_get(&ids), -1);
}

HTEST(vcore_id_put_twice_panics)
{
	struct vcore_ids ids;

	vcore_ids_init(&ids, 4);
	HT_ASSERT_EQ(vcore_id_get(&ids), 0);
	HT_ASSERT_EQ(vcore_id_get(&ids), 1);
	vcore_id_put(&ids, 1);
	htest_expect_panic();
	vcore_id_put(&ids, 1);
}

HTEST(coremap_under_seqctr)
{
	static struct procinfo pi;

	memset(&pi, 0, sizeof(pi));
	coremap_write_begin(&pi);
	HT_ASSERT_EQ(pi.coremap_seqctr, 1);
	vcoremap_map(&pi, 0, 3);
	vcoremap_map(&pi, 1, 2);
	coremap_write_end(&pi);
	HT_ASSERT_EQ(pi.coremap_seqctr, 2);
	HT_ASSERT_EQ(pi.num_vcores, 2);
	HT_ASSERT_EQ(pi.res_grant[RES_CORES], 2);
	HT_ASSERT(pi.vcoremap[1].valid && pi.vcoremap[1].pcoreid == 2);
	HT_ASSERT(pi.pcoremap[3].valid && pi.pcoremap[3].vcoreid == 0);
	coremap_write_begin(&pi);
	vcoremap_unmap(&pi, 0);
	coremap_write_end(&pi);
	HT_ASSERT_EQ(pi.coremap_seqctr, 4);
	HT_ASSERT(!pi.vcoremap[0].valid && !pi.pcoremap[3].valid);
	HT_ASSERT_EQ(pi.num_vcores, 1);
}

HTEST(coremap_write_outside_seqctr_panics)
{
	static struct procinfo pi;

	memset(&pi, 0, sizeof(pi));
	htest_expect_panic();
	vcoremap_map(&pi, 0, 3);
}

HTEST(corealloc_claimed_core_waits_for_its_claimant)
{
	corealloc_init(&ca, 4, 1, &corealloc_fcfs);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 1);
	HT_ASSERT_EQ(corealloc_provision(&ca, 8, 1), 0);
	ca.core[1].claim = 8;                   /* the ksched takes it back for 8 */
	corealloc_give_back(&ca, 1);
	HT_ASSERT_EQ(corealloc_rank(&ca, 1, 7), -1);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 2);        /* 7 gets another core */
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 3);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), -1);       /* never the claimed one */
	HT_ASSERT_EQ(corealloc_take(&ca, 8), 1);
	HT_ASSERT_EQ(ca.core[1].claim, 0);
	corealloc_give_back(&ca, 1);
	ca.core[1].claim = 9;
	corealloc_give_back(&ca, 2);
	corealloc_give_back(&ca, 3);
	corealloc_forget(&ca, 9);                       /* the claimant is gone */
	HT_ASSERT_EQ(ca.core[1].claim, 0);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 2);        /* unprovisioned first... */
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 3);
	HT_ASSERT_EQ(corealloc_take(&ca, 7), 1);        /* ...then 8's, free again */
}
