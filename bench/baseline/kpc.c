// SPDX-License-Identifier: GPL-2.0
/*
 * kpc.c - the baseline for bench/probe-cost: the least a hand-written module
 * can do per hit, counting hits of one function in a per-CPU counter.
 *
 *	insmod kpc.ko [ret=1] [sym=FUNCTION]
 *	insmod kpc.ko tp=1 [nr=SYSCALL_NUMBER]
 *
 * ret=0 registers a kprobe, ret=1 a kretprobe (the handler runs at return);
 * tp=1 a callback on the raw sys_enter tracepoint that counts the calls of
 * one syscall number (the least a syscall probe can do: a compare and an
 * increment).  On unload the hit and miss totals go to the kernel log.
 * tapc's cost per hit is reported as a ratio to this module's.
 */
#include <linux/module.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/string.h>
#include <linux/tracepoint.h>

static int ret;
module_param(ret, int, 0444);
MODULE_PARM_DESC(ret, "1: kretprobe instead of kprobe");
static char *sym = "__x64_sys_getpid";
module_param(sym, charp, 0444);
MODULE_PARM_DESC(sym, "function to probe");

static int tp;
module_param(tp, int, 0444);
MODULE_PARM_DESC(tp, "1: the sys_enter tracepoint instead of a kprobe");
static int nr = 39;	/* getpid */
module_param(nr, int, 0444);
MODULE_PARM_DESC(nr, "syscall number to count with tp=1");

static DEFINE_PER_CPU(u64, kpc_hits);
static struct tracepoint *kpc_tp;

static void kpc_sys_enter(void *data, struct pt_regs *regs, long id)
{
	if (id == nr)
		this_cpu_inc(kpc_hits);
}

static void kpc_find(struct tracepoint *t, void *priv)
{
	if (!strcmp(t->name, "sys_enter"))
		kpc_tp = t;
}

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

	if (tp) {
		for_each_kernel_tracepoint(kpc_find, NULL);
		rc = kpc_tp ? tracepoint_probe_register(kpc_tp, kpc_sys_enter, NULL) : -ENOENT;
		pr_info("kpc: sys_enter for %d: %d\n", nr, rc);
		return rc;
	}
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

	if (tp) {
		tracepoint_probe_unregister(kpc_tp, kpc_sys_enter, NULL);
		tracepoint_synchronize_unregister();
	} else if (ret) {
		unregister_kretprobe(&kpc_krp);
	} else {
		unregister_kprobe(&kpc_kp);
	}
	for_each_possible_cpu(cpu)
		sum += per_cpu(kpc_hits, cpu);
	pr_info("kpc: hits %llu missed %lu\n", sum,
		tp ? 0UL : ret ? (unsigned long)kpc_krp.nmissed : kpc_kp.nmissed);
}

module_init(kpc_init);
module_exit(kpc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bench/probe-cost baseline: per-CPU hit counter");
