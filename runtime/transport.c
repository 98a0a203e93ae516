// SPDX-License-Identifier: GPL-2.0
/*
 * transport.c - per-CPU output rings and /proc/tapc_NAME/{out,ctl}.
 *
 * Each possible CPU has a byte ring of tapc_bufsize bytes holding records
 * (struct tapc_rec + payload).  A probe appends to its own CPU's ring; the
 * reader (taprun, polling) moves whole records out, CPU by CPU.  The ring
 * lock is a raw spinlock: writers only try it a bounded number of times and
 * count a drop otherwise, so probe context never waits for the reader (or
 * deadlocks against it from an NMI), and nobody is ever woken up.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cpumask.h>
#include <linux/mm.h>

#include "tapc_runtime.h"
#include "transport.h"
#include "session.h"

unsigned int tapc_bufsize = 1 << 20;
module_param(tapc_bufsize, uint, 0444);
MODULE_PARM_DESC(tapc_bufsize, "output buffer bytes per CPU");

#define TAPC_MIN_BUFSIZE	(64 << 10)
#define TAPC_WRITE_TRIES	1000
#define TAPC_READ_MAX		(1 << 20)	/* bytes per read(2) */

struct tapc_ring {
	raw_spinlock_t lock;
	u64 head;		/* bytes ever written */
	u64 tail;		/* bytes ever read */
	u32 size;
	char *data;
};

static struct tapc_ring **tapc_rings;	/* [nr_cpu_ids] */
static atomic64_t tapc_dropped = ATOMIC64_INIT(0);	/* bytes */
static atomic64_t tapc_drop_writes = ATOMIC64_INIT(0);	/* stap's "transport failures" */

static void tapc_drop(size_t len)
{
	atomic64_add(len, &tapc_dropped);
	atomic64_inc(&tapc_drop_writes);
}

u64 tapc_transport_drop_writes(void)
{
	return atomic64_read(&tapc_drop_writes);
}
static struct proc_dir_entry *tapc_proc_dir;

u64 tapc_transport_dropped(void)
{
	return atomic64_read(&tapc_dropped);
}

static void ring_put(struct tapc_ring *r, u64 pos, const void *src, u32 n)
{
	u32 off = pos % r->size, first = min(n, r->size - off);

	memcpy(r->data + off, src, first);
	memcpy(r->data, (const char *)src + first, n - first);
}

static void ring_get(struct tapc_ring *r, u64 pos, void *dst, u32 n)
{
	u32 off = pos % r->size, first = min(n, r->size - off);

	memcpy(dst, r->data + off, first);
	memcpy((char *)dst + first, r->data, n - first);
}

void tapc_transport_write(enum tapc_chan chan, const void *data, size_t len)
{
	struct tapc_rec rec = { .len = len, .chan = chan };
	struct tapc_ring *r;
	unsigned long flags;
	int cpu, i;

	if (!len)
		return;
	if (!tapc_rings) {
		tapc_drop(len);
		return;
	}
	cpu = get_cpu();
	r = tapc_rings[cpu];
	rec.cpu = cpu;
	local_irq_save(flags);
	for (i = 0; i < TAPC_WRITE_TRIES; i++) {
		if (raw_spin_trylock(&r->lock))
			break;
		cpu_relax();
	}
	if (i == TAPC_WRITE_TRIES) {
		tapc_drop(len);
		goto out;
	}
	if (r->size - (r->head - r->tail) < sizeof(rec) + len) {
		tapc_drop(len);
	} else {
		ring_put(r, r->head, &rec, sizeof(rec));
		ring_put(r, r->head + sizeof(rec), data, len);
		r->head += sizeof(rec) + len;
	}
	raw_spin_unlock(&r->lock);
out:
	local_irq_restore(flags);
	put_cpu();
}

/* Move whole records of one ring into buf; returns bytes moved. */
static size_t ring_drain(struct tapc_ring *r, char *buf, size_t cap)
{
	struct tapc_rec rec;
	unsigned long flags;
	size_t n = 0;

	raw_spin_lock_irqsave(&r->lock, flags);
	while (r->head - r->tail >= sizeof(rec)) {
		ring_get(r, r->tail, &rec, sizeof(rec));
		if (n + sizeof(rec) + rec.len > cap)
			break;
		ring_get(r, r->tail, buf + n, sizeof(rec) + rec.len);
		n += sizeof(rec) + rec.len;
		r->tail += sizeof(rec) + rec.len;
		/* keep lock hold times short for the writers */
		if (n >= 16384)
			break;
	}
	raw_spin_unlock_irqrestore(&r->lock, flags);
	return n;
}

static ssize_t tapc_out_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	size_t cap = min_t(size_t, count, TAPC_READ_MAX), n = 0, got, avail = 0;
	char *buf;
	int cpu;

	/* a record is at most sizeof(rec) + TAPC_PRINTBUF_SIZE bytes */
	if (cap < sizeof(struct tapc_rec) + TAPC_PRINTBUF_SIZE)
		return -EINVAL;
	/* taprun polls every 20 ms: answer "empty" without allocating */
	for_each_possible_cpu(cpu)
		avail += READ_ONCE(tapc_rings[cpu]->head) -
			 READ_ONCE(tapc_rings[cpu]->tail);
	if (!avail)
		return 0;
	cap = min(cap, max_t(size_t, avail, PAGE_SIZE));
	buf = kvmalloc(cap, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		do {
			got = ring_drain(tapc_rings[cpu], buf + n, cap - n);
			n += got;
		} while (got);
	}
	if (n && copy_to_user(ubuf, buf, n)) {
		kvfree(buf);
		return -EFAULT;
	}
	kvfree(buf);
	return n;
}

static ssize_t tapc_ctl_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	char buf[160];
	int n = tapc_session_status(buf, sizeof(buf));

	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static ssize_t tapc_ctl_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char cmd[16];
	size_t n = min(count, sizeof(cmd) - 1);
	int rc;

	if (copy_from_user(cmd, ubuf, n))
		return -EFAULT;
	cmd[n] = '\0';
	strim(cmd);
	if (!strcmp(cmd, "start"))
		rc = tapc_session_start();
	else if (!strcmp(cmd, "stop"))
		rc = tapc_session_stop();
	else
		rc = -EINVAL;
	return rc ? rc : count;
}

static const struct proc_ops tapc_out_ops = {
	.proc_read = tapc_out_read,
	.proc_lseek = noop_llseek,
};

static const struct proc_ops tapc_ctl_ops = {
	.proc_read = tapc_ctl_read,
	.proc_write = tapc_ctl_write,
	.proc_lseek = noop_llseek,
};

void tapc_transport_exit(void)
{
	int cpu;

	if (tapc_proc_dir)
		proc_remove(tapc_proc_dir);
	tapc_proc_dir = NULL;
	if (!tapc_rings)
		return;
	for_each_possible_cpu(cpu) {
		if (tapc_rings[cpu]) {
			vfree(tapc_rings[cpu]->data);
			kfree(tapc_rings[cpu]);
		}
	}
	kfree(tapc_rings);
	tapc_rings = NULL;
}

int tapc_transport_init(const char *modname)
{
	char dirname[MODULE_NAME_LEN + 8];
	u32 size = max_t(u32, tapc_bufsize, TAPC_MIN_BUFSIZE);
	int cpu;

	tapc_rings = kcalloc(nr_cpu_ids, sizeof(*tapc_rings), GFP_KERNEL);
	if (!tapc_rings)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct tapc_ring *r = kzalloc(sizeof(*r), GFP_KERNEL);

		if (!r)
			goto nomem;
		tapc_rings[cpu] = r;
		raw_spin_lock_init(&r->lock);
		r->size = size;
		r->data = vmalloc(size);
		if (!r->data)
			goto nomem;
	}
	snprintf(dirname, sizeof(dirname), "tapc_%s", modname);
	tapc_proc_dir = proc_mkdir(dirname, NULL);
	if (!tapc_proc_dir)
		goto exists;
	if (!proc_create("out", 0400, tapc_proc_dir, &tapc_out_ops) ||
	    !proc_create("ctl", 0600, tapc_proc_dir, &tapc_ctl_ops))
		goto exists;
	return 0;
nomem:
	tapc_transport_exit();
	return -ENOMEM;
exists:
	tapc_transport_exit();
	return -EEXIST;
}
