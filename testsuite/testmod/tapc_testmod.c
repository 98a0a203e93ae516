// SPDX-License-Identifier: GPL-2.0
/*
 * tapc_testmod - a small module for tapc's runtime tests.
 *
 * It gives module probes, DWARF target variables and guru-mode return
 * overrides a function of our own to work on, so the tests need neither a
 * debuginfo package nor knowledge of some other kernel function's callers.
 *
 * A write of "SIZE FLAGS NAME ID WEIGHT" to /proc/tapc_testmod fills a
 * struct tapc_testmod_req and calls tapc_testmod_alloc() with it.  A
 * negative result (or tapc_testmod_check()'s refusal of the flags) fails
 * the write with that errno; a read returns what the
 * last call was given and what it returned, as the module saw it:
 *   size=S flags=F name=N id=I weight=W ret=R sum=X
 * tapc_testmod_sum() sits in a loop of its own so that a line inside it
 * can be probed (.statement("tapc_testmod_sum@tapc_testmod.c:LINE")).
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

struct tapc_testmod_inner {
	int id;
	long weight;
};

enum tapc_testmod_kind { TAPC_TESTMOD_PLAIN, TAPC_TESTMOD_FANCY };

struct tapc_testmod_req {
	long size;
	int flags;
	char name[16];
	struct tapc_testmod_inner *inner;
	/* fixed values for the pretty-printing test ($req$) */
	unsigned int mode : 3;
	int level : 5;
	enum tapc_testmod_kind kind;
	union { int as_int; char as_char; } u;
	char tag;
	short pair[2];
};

static DEFINE_MUTEX(tapc_testmod_lock);
static struct tapc_testmod_req last_req;
static struct tapc_testmod_inner last_inner;
static int last_ret;
static long last_sum;

/* A flag bit the checks refuse (-EPERM): tests never pass it, so a write
 * that fails with EPERM saw a parameter changed by a guru-mode probe. */
#define TAPC_TESTMOD_DENY 0x100

noinline int tapc_testmod_check(int flags)
{
	return flags & TAPC_TESTMOD_DENY ? -EPERM : 0;
}
EXPORT_SYMBOL(tapc_testmod_check);

noinline int tapc_testmod_alloc(struct tapc_testmod_req *req)
{
	void *p;

	p = kmalloc(req->size > 0 && req->size < 4096 ? req->size : 1, GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	kfree(p);
	return 0;
}
EXPORT_SYMBOL(tapc_testmod_alloc);

noinline long tapc_testmod_sum(const struct tapc_testmod_req *req)
{
	long total = 0;
	int i;

	for (i = 0; i < (int)sizeof(req->name) && req->name[i]; i++)
		total += req->name[i] * (i + 1);	/* tapc_testmod_sum: line probe */
	return total + req->size;
}
EXPORT_SYMBOL(tapc_testmod_sum);

static ssize_t tapc_testmod_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct tapc_testmod_req req = { 0 };
	struct tapc_testmod_inner inner = { 0 };
	char buf[128], name[16];
	long sum;
	int ret;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = 0;
	if (sscanf(buf, "%ld %i %15s %d %ld", &req.size, &req.flags, name,
		   &inner.id, &inner.weight) != 5)
		return -EINVAL;
	strscpy(req.name, name, sizeof(req.name));
	req.inner = &inner;
	req.mode = 5;
	req.level = -3;
	req.kind = TAPC_TESTMOD_FANCY;
	req.u.as_int = 'A';
	req.tag = '\t';
	req.pair[0] = 7;
	req.pair[1] = -8;
	/* kept (last_sum), or the compiler drops a call without effects */
	sum = tapc_testmod_sum(&req);
	ret = tapc_testmod_check(req.flags);
	if (!ret)
		ret = tapc_testmod_alloc(&req);
	mutex_lock(&tapc_testmod_lock);
	last_req = req;
	last_inner = inner;
	last_ret = ret;
	last_sum = sum;
	mutex_unlock(&tapc_testmod_lock);
	return ret < 0 ? ret : count;
}

static ssize_t tapc_testmod_read(struct file *file, char __user *ubuf,
				 size_t count, loff_t *ppos)
{
	char buf[160];
	int n;

	mutex_lock(&tapc_testmod_lock);
	n = scnprintf(buf, sizeof(buf),
		      "size=%ld flags=%d name=%s id=%d weight=%ld ret=%d sum=%ld\n",
		      last_req.size, last_req.flags, last_req.name,
		      last_inner.id, last_inner.weight, last_ret, last_sum);
	mutex_unlock(&tapc_testmod_lock);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct proc_ops tapc_testmod_ops = {
	.proc_read = tapc_testmod_read,
	.proc_write = tapc_testmod_write,
	.proc_lseek = default_llseek,
};

static int __init tapc_testmod_init(void)
{
	if (!proc_create("tapc_testmod", 0666, NULL, &tapc_testmod_ops))
		return -ENOMEM;
	return 0;
}

static void __exit tapc_testmod_exit(void)
{
	remove_proc_entry("tapc_testmod", NULL);
}

module_init(tapc_testmod_init);
module_exit(tapc_testmod_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("test functions for tapc's runtime tests");
