// SPDX-License-Identifier: GPL-2.0
/*
 * klat.c - baseline of bench/probe-cost's map_lat case (entry time in
 * t[tid()], on return `lat[execname()] <<< now - t[tid()]; delete t[tid()]`):
 * a kretprobe on __x64_sys_getpid whose entry handler keeps
 * ktime_get_real_ns() in the instance data; the return handler adds the
 * elapsed time to this CPU's entry for the task's comm (agg.h).
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/timekeeping.h>

#include "agg.h"

static int klat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	*(u64 *)ri->data = ktime_get_real_ns();
	return 0;
}

static int klat_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	agg_add(ktime_get_real_ns() - *(u64 *)ri->data);
	return 0;
}

static struct kretprobe klat_krp = {
	.kp.symbol_name = "__x64_sys_getpid",
	.entry_handler = klat_entry,
	.handler = klat_ret,
	.data_size = sizeof(u64),
};

static int __init klat_init(void)
{
	int rc = agg_alloc();

	if (!rc)
		rc = register_kretprobe(&klat_krp);
	if (rc)
		free_percpu(agg_tab);
	return rc;
}

static void __exit klat_exit(void)
{
	unregister_kretprobe(&klat_krp);
	pr_info("klat: hits %llu missed %lu\n", agg_total(),
		(unsigned long)klat_krp.nmissed);
	free_percpu(agg_tab);
}

module_init(klat_init);
module_exit(klat_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bench/probe-cost baseline: entry-to-return latency per comm");
