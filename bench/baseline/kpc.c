// SPDX-License-Identifier: GPL-2.0
/*
 * kpc.c - the baseline for bench/probe-cost: the least a hand-written module
 * can do per hit, counting hits of one function in a per-CPU counter.
 *
 *	insmod kpc.ko [ret=1] [sym=FUNCTION]
 *
 * ret=0 registers a kprobe, ret=1 a kretprobe (the handler runs at return).
 * On unload the hit and miss totals go to the kernel log.  tapc's cost per
 * hit is reported as a ratio to this module's.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>

static int ret;
module_param(ret, int, 0444);
MODULE_PARM_DESC(ret, "1: kretprobe instead of kprobe");
static char *sym = "__x64_sys_getpid";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "function to probe");

static DEFINE_PER_CPU(u64, kpc_hits);

static int kpc_pre(struct kprobe *p, struct pt_regs *regs)
{
	this_cpu_inc(kpc_hits);
	return 0;
}

static int kpc_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	this_cpu_inc(kpc_hits);
	return 0;
}

static struct kprobe kpc_kp = { .pre_handler = kpc_pre };
static struct kretprobe kpc_krp = { .handler = kpc_ret };

static int __init kpc_init(void)
{
	int rc;

	if (ret) {
		kpc_krp.kp.symbol_name = sym;
		rc = register_kretprobe(&kpc_krp);
	} else {
		kpc_kp.symbol_name = sym;
		rc = register_kprobe(&kpc_kp);
	}
	pr_info("kpc: %s on %s: %d\n", ret ? "kretprobe" : "kprobe", sym, rc);
	return rc;
}

static void __exit kpc_exit(void)
{
	u64 sum = 0;
	int cpu;

	if (ret)
		unregister_kretprobe(&kpc_krp);
	else
		unregister_kprobe(&kpc_kp);
	for_each_possible_cpu(cpu)
		sum += per_cpu(kpc_hits, cpu);
	pr_info("kpc: hits %llu missed %lu\n", sum,
		ret ? (unsigned long)kpc_krp.nmissed : kpc_kp.nmissed);
}

module_init(kpc_init);
module_exit(kpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bench/probe-cost baseline: per-CPU hit counter");
