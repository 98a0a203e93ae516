// SPDX-License-Identifier: GPL-2.0
/*
 * provider/procfs.c - procfs("PATH").read / .write probes: files in
 * /proc/tapc_MODULE/ served by the script.
 *
 * The probes run in the process that reads or writes the file, with its
 * CPU's context taken as for any hit (tapc_context_enter: preemption off,
 * the session's gate, the MAXACTION budget, the global locks the body
 * takes itself).  Nothing that may sleep happens while a context is held:
 * the user's bytes are copied in before the write probes run, and the read
 * buffer is copied out after the read probe is done.  The per-open state
 * (its buffer) is allocated at open(2), in process context, so readers
 * never share a buffer and need no lock of ours.
 *
 * proc_remove() at unregistration waits for every open/read/write in
 * progress and releases the files still open, so no probe of ours runs
 * once the group is unregistered.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include <linux/string.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "procfs.h"

/* What a hit's c->probe_data points to. */
struct tapc_procfs_data {
	char *buf;
	u32 size;			/* read: buf's bytes, NUL included */
	u32 len;			/* strlen(buf) */
};

struct tapc_procfs_open {
	const struct tapc_procfs_site *site;
	bool filled;
	u32 len;
	char buf[];			/* max(bufsize, MAXSTRINGLEN) */
};

const char *tapc_procfs_value(struct tapc_context *c)
{
	const struct tapc_procfs_data *d = c->probe_data;

	return d ? d->buf : "";
}

bool tapc_procfs_set(struct tapc_context *c, const char *s, bool append,
		     const char *loc)
{
	struct tapc_procfs_data *d = c->probe_data;
	size_t n = strlen(s), at = append ? d->len : 0;

	if (at + n >= d->size) {
		/* as stap: keep what fits, and say how much was needed */
		memcpy(d->buf + at, s, d->size - 1 - at);
		d->buf[d->size - 1] = '\0';
		d->len = d->size - 1;
		tapc_errorf(c, loc, "procfs buffer size exceeded, consider .maxsize(%zu)", at + n + 1);
		return false;
	}
	memcpy(d->buf + at, s, n + 1);
	d->len = at + n;
	return true;
}

/* Run probe p with d as its data: 1 when it ran, 0 when it ended in an
 * error, -1 when it did not run (the session is not running). */
static int tapc_procfs_run(const struct tapc_procfs_probe *p,
			   struct tapc_procfs_data *d)
{
	struct tapc_context *c = tapc_context_enter(p->pp, false);
	int ok;

	if (!c)
		return -1;
	c->probe_data = d;
	p->handler(c);
	ok = !c->last_error;
	c->probe_data = NULL;	/* NULL between hits */
	tapc_context_exit(c);
	return ok;
}

static int tapc_procfs_open(struct inode *inode, struct file *file)
{
	const struct tapc_procfs_site *s = pde_data(inode);
	struct tapc_procfs_open *o;

	o = kvzalloc(sizeof(*o) + max_t(u32, s->bufsize, MAXSTRINGLEN), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	o->site = s;
	file->private_data = o;
	return 0;
}

static int tapc_procfs_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

static ssize_t tapc_procfs_read(struct file *file, char __user *ubuf,
				size_t count, loff_t *pos)
{
	struct tapc_procfs_open *o = file->private_data;
	const struct tapc_procfs_site *s = o->site;

	if (!s->read)
		return -EIO;
	/* the probe runs once per open, at the first read: the text one
	 * open reads stays the same across its read(2)s */
	if (!o->filled) {
		struct tapc_procfs_data d = { o->buf, s->bufsize, 0 };

		o->buf[0] = '\0';
		/* an error keeps what was assigned before it; a probe that
		 * did not run at all (the session is ending) is an error */
		if (tapc_procfs_run(s->read, &d) < 0)
			return -EIO;
		o->len = d.len;
		o->filled = true;
	}
	return simple_read_from_buffer(ubuf, count, pos, o->buf, o->len);
}

static ssize_t tapc_procfs_write(struct file *file, const char __user *ubuf,
				 size_t count, loff_t *pos)
{
	struct tapc_procfs_open *o = file->private_data;
	const struct tapc_procfs_site *s = o->site;
	size_t n = min_t(size_t, count, MAXSTRINGLEN - 1);
	struct tapc_procfs_data d = { o->buf, MAXSTRINGLEN, 0 };
	unsigned int i;
	bool ok = true;

	if (!s->nwrites)
		return -EIO;
	if (!count)
		return 0;
	if (copy_from_user(o->buf, ubuf, n))
		return -EFAULT;
	o->buf[n] = '\0';
	d.len = strlen(o->buf);
	for (i = 0; i < s->nwrites; i++)
		ok = tapc_procfs_run(&s->writes[i], &d) > 0 && ok;
	/* a probe that could not run or failed: the writer hears of it
	 * (stap returns 0, which makes writers retry forever) */
	if (!ok)
		return -EIO;
	*pos += n;
	return n;
}

static const struct proc_ops tapc_procfs_ops = {
	.proc_open = tapc_procfs_open,
	.proc_release = tapc_procfs_release,
	.proc_read = tapc_procfs_read,
	.proc_write = tapc_procfs_write,
	.proc_lseek = noop_llseek,
};

/*
 * Directories made for PATHs with a '/', removed at unregistration after
 * the files.  proc_mkdir() of a name that exists WARNs, so a directory is
 * made only by the first path under it (the compiler makes sure no file
 * has the name of a directory).  At most 64 of them.
 */
#define TAPC_PROCFS_MAXDIRS 64
static struct proc_dir_entry *tapc_procfs_dirs[TAPC_PROCFS_MAXDIRS];
static unsigned int tapc_procfs_ndirs;

/* "tapc_MODULE/PATH" into buf. */
static int tapc_procfs_name(char *buf, size_t size, const char *path)
{
	int n = snprintf(buf, size, "tapc_%s/%s", THIS_MODULE->name, path);

	return n < size ? 0 : -ENAMETOOLONG;
}

/* Whether one of sites[0..i) has its file under directory dir (len bytes
 * of a path), which made that directory already. */
static bool tapc_procfs_dir_made(const struct tapc_procfs_site *sites,
				 unsigned int i, const char *dir, size_t len)
{
	while (i--)
		if (!strncmp(sites[i].path, dir, len) && sites[i].path[len] == '/')
			return true;
	return false;
}

/* Make the directories above sites[i]'s path; buf holds its
 * "tapc_MODULE/PATH", pre bytes before PATH. */
static int tapc_procfs_mkdirs(const struct tapc_procfs_site *sites,
			      unsigned int i, char *buf, size_t pre)
{
	char *slash = buf + pre;

	while ((slash = strchr(slash, '/'))) {
		struct proc_dir_entry *d;

		if (!tapc_procfs_dir_made(sites, i, buf + pre, slash - buf - pre)) {
			if (tapc_procfs_ndirs == TAPC_PROCFS_MAXDIRS)
				return -ENOSPC;
			*slash = '\0';
			d = proc_mkdir(buf, NULL);
			*slash = '/';
			if (!d)
				return -EEXIST;
			tapc_procfs_dirs[tapc_procfs_ndirs++] = d;
		}
		slash++;
	}
	return 0;
}

static void tapc_procfs_unregister(void *sites, unsigned int n);

static int tapc_procfs_register(void *sites, unsigned int n)
{
	struct tapc_procfs_site *site = sites;
	char name[256];
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		struct tapc_procfs_site *s = &site[i];

		rc = tapc_procfs_name(name, sizeof(name), s->path);
		if (!rc)
			rc = tapc_procfs_mkdirs(site, i, name, strlen(name) - strlen(s->path));
		if (!rc) {
			s->pde = proc_create_data(name, s->mode, NULL, &tapc_procfs_ops, s);
			if (!s->pde)
				rc = -EEXIST;
		}
		if (rc) {
			tapc_err("probe %s registration error (rc %d): cannot create /proc/%s",
				 s->read ? s->read->pp : s->writes[0].pp, rc, name);
			tapc_procfs_unregister(sites, n);
			return rc;
		}
	}
	return 0;
}

static void tapc_procfs_unregister(void *sites, unsigned int n)
{
	struct tapc_procfs_site *site = sites;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (site[i].pde)
			proc_remove(site[i].pde);
		site[i].pde = NULL;
	}
	while (tapc_procfs_ndirs)
		proc_remove(tapc_procfs_dirs[--tapc_procfs_ndirs]);
}

const struct tapc_provider tapc_procfs_provider = {
	.name = "procfs",
	.register_sites = tapc_procfs_register,
	.unregister_sites = tapc_procfs_unregister,
};
