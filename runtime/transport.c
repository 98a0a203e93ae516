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
 *
 * The flight recorder (taprun -F without -o) loads the module with
 * tapc_flight=1: a full ring then drops its oldest records instead of the
 * new one, counting their bytes as overwritten.  Bulk mode (-b) numbers
 * every record from one counter, so that taprun --merge can put the
 * per-CPU files back in order.  The reader is claimed: once a taprun has
 * written `claim` to ctl, nobody else reads `out` while it lives, so a
 * second attach can't split the records between two readers, and -L / -A
 * / -d learn which taprun serves the module (and the -o file it writes).
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/cred.h>

#include "tapc_runtime.h"
#include "transport.h"
#include "session.h"

unsigned int tapc_bufsize = 1 << 20;
module_param(tapc_bufsize, uint, 0444);
MODULE_PARM_DESC(tapc_bufsize, "output buffer bytes per CPU");
bool tapc_flight;
module_param(tapc_flight, bool, 0444);
MODULE_PARM_DESC(tapc_flight, "flight recorder: a full buffer overwrites its oldest records");
bool tapc_bulk;
module_param(tapc_bulk, bool, 0444);
MODULE_PARM_DESC(tapc_bulk, "bulk mode: number the records for taprun --merge");

#define TAPC_MIN_BUFSIZE	(64 << 10)
#define TAPC_WRITE_TRIES	1000
#define TAPC_READ_MAX		(1 << 20)	/* bytes per read(2) */
#define TAPC_CTL_MAX		320		/* a ctl command: "claim PATH" */
#define TAPC_FILE_MAX		256		/* the reader's -o file, as -A shows it */

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
static atomic64_t tapc_overwritten = ATOMIC64_INIT(0);	/* bytes, flight recorder */
static atomic64_t tapc_seq = ATOMIC64_INIT(0);		/* bulk mode's record numbers */

/* The taprun that reads `out` (process context, under tapc_reader_lock). */
static DEFINE_MUTEX(tapc_reader_lock);
static struct pid *tapc_reader;		/* its thread group, referenced */
static char tapc_reader_file[TAPC_FILE_MAX];	/* its -o file, or "" */
static kuid_t tapc_owner;		/* who loaded the module */

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

u64 tapc_transport_overwritten(void)
{
	return atomic64_read(&tapc_overwritten);
}

u64 tapc_transport_seq_next(void)
{
	return atomic64_inc_return(&tapc_seq);
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

/* Flight recorder: drop whole records from the tail until need bytes fit
 * (need is at most the ring's size: the caller checked). */
static void ring_make_room(struct tapc_ring *r, u32 need)
{
	struct tapc_rec old;

	while (r->size - (r->head - r->tail) < need) {
		ring_get(r, r->tail, &old, sizeof(old));
		r->tail += sizeof(old) + old.len;
		atomic64_add(old.len, &tapc_overwritten);
	}
}

void tapc_transport_write_seq(enum tapc_chan chan, const void *data, size_t len,
			      u64 seq)
{
	struct tapc_rec rec = { .len = len, .chan = chan, .seq = seq };
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
	if (tapc_flight && sizeof(rec) + len <= r->size)
		ring_make_room(r, sizeof(rec) + len);
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

void tapc_transport_write(enum tapc_chan chan, const void *data, size_t len)
{
	tapc_transport_write_seq(chan, data, len, tapc_transport_seq());
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

/* The claimed reader's pid (0: none, or it is gone); tapc_reader_lock held. */
static pid_t reader_alive(void)
{
	pid_t nr = 0;

	rcu_read_lock();
	if (tapc_reader && pid_task(tapc_reader, PIDTYPE_PID))
		nr = pid_vnr(tapc_reader);
	rcu_read_unlock();
	return nr;
}

/* `claim [FILE]`: the calling process becomes the reader (again, with a
 * new FILE after a rotation); -EBUSY while another one lives. */
static int reader_claim(const char *file)
{
	struct pid *me = task_tgid(current);
	int rc = 0;

	if (strlen(file) >= TAPC_FILE_MAX)
		return -ENAMETOOLONG;
	mutex_lock(&tapc_reader_lock);
	if (tapc_reader != me && reader_alive()) {
		rc = -EBUSY;
	} else {
		if (tapc_reader != me) {
			put_pid(tapc_reader);
			tapc_reader = get_pid(me);
		}
		strscpy(tapc_reader_file, file, sizeof(tapc_reader_file));
	}
	mutex_unlock(&tapc_reader_lock);
	return rc;
}

/* `release`: the reader detaches (a no-op for anyone else). */
static int reader_release(void)
{
	mutex_lock(&tapc_reader_lock);
	if (tapc_reader == task_tgid(current)) {
		put_pid(tapc_reader);
		tapc_reader = NULL;
		tapc_reader_file[0] = '\0';
	}
	mutex_unlock(&tapc_reader_lock);
	return 0;
}

/* Only the claimed reader may read `out` while it lives. */
static bool may_read(void)
{
	bool ok;

	mutex_lock(&tapc_reader_lock);
	ok = tapc_reader == task_tgid(current) || !reader_alive();
	mutex_unlock(&tapc_reader_lock);
	return ok;
}

int tapc_transport_status(char *buf, size_t size)
{
	int n;

	mutex_lock(&tapc_reader_lock);
	n = scnprintf(buf, size, " overwritten=%llu reader=%d uid=%u flight=%d bulk=%d\nfile=%s\n",
		      (unsigned long long)tapc_transport_overwritten(), reader_alive(),
		      from_kuid_munged(current_user_ns(), tapc_owner), tapc_flight, tapc_bulk,
		      tapc_reader_file);
	mutex_unlock(&tapc_reader_lock);
	return n;
}

static ssize_t tapc_out_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	size_t cap = min_t(size_t, count, TAPC_READ_MAX), n = 0, got, avail = 0;
	char *buf;
	int cpu;

	if (!may_read())
		return -EBUSY;
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
	char buf[512];
	int n = tapc_session_status(buf, sizeof(buf));

	/* the session's line ends with its \n: ours go on it */
	if (n && buf[n - 1] == '\n')
		n--;
	n += tapc_transport_status(buf + n, sizeof(buf) - n);
	n += scnprintf(buf + n, sizeof(buf) - n, "script=%s\n", tapc_module.script);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static ssize_t tapc_ctl_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	char *cmd, *s;
	int rc;

	if (count >= TAPC_CTL_MAX)
		return -EINVAL;
	cmd = memdup_user_nul(ubuf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	s = strim(cmd);
	if (!strcmp(s, "start"))
		rc = tapc_session_start();
	else if (!strcmp(s, "stop"))
		rc = tapc_session_stop();
	else if (!strcmp(s, "claim"))
		rc = reader_claim("");
	else if (!strncmp(s, "claim ", 6))
		rc = reader_claim(s + 6);
	else if (!strcmp(s, "release"))
		rc = reader_release();
	else
		rc = -EINVAL;
	kfree(cmd);
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
	put_pid(tapc_reader);
	tapc_reader = NULL;
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
	struct proc_dir_entry *out, *ctl;
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
	out = proc_create("out", 0400, tapc_proc_dir, &tapc_out_ops);
	ctl = proc_create("ctl", 0600, tapc_proc_dir, &tapc_ctl_ops);
	if (!out || !ctl)
		goto exists;
	/* the loader's files: another user can't attach to, read or stop
	 * the module (root still can) */
	tapc_owner = current_euid();
	proc_set_user(out, tapc_owner, current_egid());
	proc_set_user(ctl, tapc_owner, current_egid());
	return 0;
nomem:
	tapc_transport_exit();
	return -ENOMEM;
exists:
	tapc_transport_exit();
	return -EEXIST;
}
