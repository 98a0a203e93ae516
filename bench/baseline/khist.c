// SPDX-License-Identifier: GPL-2.0
/*
 * khist.c - baseline of bench/probe-cost's map_hist case
 * (`s[execname()] <<< gettimeofday_ns()`, @hist_log at the end): a kprobe
 * on __x64_sys_getpid adding ktime_get_real_ns() to this CPU's entry for
 * the task's comm (agg.h).
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/timekeeping.h>

#include "agg.h"

static int khist_pre(struct kprobe *p, struct pt_regs *regs)
{
	agg_add(ktime_get_real_ns());
	return 0;
}

static struct kprobe khist_kp = {
	.symbol_name = "__x64_sys_getpid",
	.pre_handler = khist_pre,
};

static int __init khist_init(void)
{
	int rc = agg_alloc();

	if (!rc)
		rc = register_kprobe(&khist_kp);
	if (rc)
		free_percpu(agg_tab);
	return rc;
}

static void __exit khist_exit(void)
{
	unregister_kprobe(&khist_kp);
	pr_info("khist: hits %llu missed %lu\n", agg_total(),
		(unsigned long)khist_kp.nmissed);
	free_percpu(agg_tab);
}

module_init(khist_init);
module_exit(khist_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bench/probe-cost baseline: per-comm statistics with a log2 histogram");
