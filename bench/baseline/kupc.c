// SPDX-License-Identifier: GPL-2.0
/*
 * kupc.c - the uprobe baseline for bench/uprobe-cost: the least a
 * hand-written module can do per hit of a user function, counting hits in
 * a per-CPU counter.
 *
 *	insmod kupc.ko path=/abs/program offset=0xFILEOFFSET [ret=1]
 *
 * ret=0 registers a uprobe, ret=1 a uretprobe, on the file's inode at the
 * given file offset.  On unload the hit total goes to the kernel log.
 */
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/percpu.h>
#include <linux/uprobes.h>
#include <linux/version.h>

static char *path;
module_param(path, charp, 0444);
MODULE_PARM_DESC(path, "the program (absolute path)");
static unsigned long offset;
module_param(offset, ulong, 0444);
MODULE_PARM_DESC(offset, "file offset of the probed instruction");
static int ret;
module_param(ret, int, 0444);
MODULE_PARM_DESC(ret, "1: uretprobe instead of uprobe");

static DEFINE_PER_CPU(u64, kupc_hits);

static int kupc_pre(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	this_cpu_inc(kupc_hits);
	return 0;
}

static int kupc_ret(struct uprobe_consumer *uc, unsigned long func, struct pt_regs *regs)
{
	this_cpu_inc(kupc_hits);
	return 0;
}

static struct uprobe_consumer kupc_uc;
static struct path kupc_path;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
static struct uprobe *kupc_uprobe;
#endif

static int __init kupc_init(void)
{
	struct inode *inode;
	int rc;

	if (!path)
		return -EINVAL;
	rc = kern_path(path, LOOKUP_FOLLOW, &kupc_path);
	if (rc)
		return rc;
	inode = d_inode(kupc_path.dentry);
	if (ret)
		kupc_uc.ret_handler = kupc_ret;
	else
		kupc_uc.handler = kupc_pre;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	kupc_uprobe = uprobe_register(inode, offset, 0, &kupc_uc);
	rc = IS_ERR(kupc_uprobe) ? PTR_ERR(kupc_uprobe) : 0;
#else
	rc = uprobe_register(inode, offset, &kupc_uc);
#endif
	pr_info("kupc: %s on %s+0x%lx: %d\n", ret ? "uretprobe" : "uprobe", path, offset, rc);
	if (rc)
		path_put(&kupc_path);
	return rc;
}

static void __exit kupc_exit(void)
{
	u64 sum = 0;
	int cpu;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 12, 0)
	uprobe_unregister_nosync(kupc_uprobe, &kupc_uc);
	uprobe_unregister_sync();
#else
	uprobe_unregister(d_inode(kupc_path.dentry), offset, &kupc_uc);
#endif
	path_put(&kupc_path);
	for_each_possible_cpu(cpu)
		sum += per_cpu(kupc_hits, cpu);
	pr_info("kupc: hits %llu\n", sum);
}

module_init(kupc_init);
module_exit(kupc_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("bench/uprobe-cost baseline: per-CPU hit counter on a uprobe");
