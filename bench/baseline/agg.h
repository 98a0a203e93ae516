/* SPDX-License-Identifier: GPL-2.0 */
/*
 * agg.h - what the hand-written baselines khist.c and klat.c share: a
 * preallocated per-CPU table keyed by the task's 16-byte comm (jhash, open
 * addressing), each entry with count, sum, min, max and a 64-bucket log2
 * histogram; the least a module can do for `s[execname()] <<< v` with
 * @hist_log read at the end.  The totals go to the kernel log on unload.
 */
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/string.h>

/* a power of two; one CPU's table must fit a per-CPU allocation (32 KB) */
#define AGG_SLOTS 32

struct agg_ent {
	char comm[TASK_COMM_LEN];
	u64 count;
	s64 sum, min, max;
	u64 hist[64];
};

struct agg_table {
	struct agg_ent e[AGG_SLOTS];
	unsigned long missed;		/* table full */
};

static struct agg_table __percpu *agg_tab;

/* Probe context (preemption off): this CPU's table only. */
static __always_inline void agg_add(s64 v)
{
	struct agg_table *t = this_cpu_ptr(agg_tab);
	char comm[TASK_COMM_LEN];
	u32 i, h, n;
	struct agg_ent *e;

	memcpy(comm, current->comm, TASK_COMM_LEN);
	comm[TASK_COMM_LEN - 1] = '\0';
	h = jhash(comm, TASK_COMM_LEN, 0);
	for (n = 0; n < AGG_SLOTS; n++) {
		i = (h + n) & (AGG_SLOTS - 1);
		e = &t->e[i];
		if (!e->count) {
			memcpy(e->comm, comm, TASK_COMM_LEN);
			e->min = e->max = v;
			break;
		}
		if (!memcmp(e->comm, comm, TASK_COMM_LEN))
			break;
	}
	if (n == AGG_SLOTS) {
		t->missed++;
		return;
	}
	e->count++;
	e->sum += v;
	if (v < e->min)
		e->min = v;
	if (v > e->max)
		e->max = v;
	e->hist[v <= 0 ? 0 : min(ilog2((u64)v) + 1, 63)]++;
}

/* Process context, probes unregistered: the hits summed over CPUs. */
static u64 agg_total(void)
{
	u64 sum = 0;
	int cpu, i;

	for_each_possible_cpu(cpu)
		for (i = 0; i < AGG_SLOTS; i++)
			sum += per_cpu_ptr(agg_tab, cpu)->e[i].count;
	return sum;
}

static int agg_alloc(void)
{
	agg_tab = alloc_percpu(struct agg_table);
	return agg_tab ? 0 : -ENOMEM;
}
