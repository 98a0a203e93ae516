// SPDX-License-Identifier: GPL-2.0
/*
 * ubin.c - the user binaries a module knows (ubin.h): their inodes, the
 * process filters of process probes, and the mappings of the current
 * process for symbols and unwinding.
 *
 * Probe context may not sleep, so the mappings are read under the mm's
 * lock taken with a trylock: a hit while a writer holds or waits for the
 * lock (an mmap in another thread) sees no mappings, and its symbols
 * print as addresses.
 */
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mmap_lock.h>
#include <linux/namei.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>

#include "tapc_runtime.h"
#include "ubin.h"

void tapc_ubins_open(void)
{
	unsigned int i;

	for (i = 0; i < tapc_module.n_ubins; i++) {
		struct tapc_ubin *b = &tapc_module.ubins[i];
		int rc = kern_path(b->path, LOOKUP_FOLLOW, &b->fpath);

		b->inode = NULL;
		if (!rc && b->size && i_size_read(d_inode(b->fpath.dentry)) != b->size) {
			path_put(&b->fpath);
			rc = -ESTALE;
		}
		/* -ESTALE: not the size it had when the module was compiled */
		if (!rc)
			b->inode = d_inode(b->fpath.dentry);
		b->status = rc;
	}
}

void tapc_ubins_close(void)
{
	unsigned int i;

	for (i = 0; i < tapc_module.n_ubins; i++) {
		struct tapc_ubin *b = &tapc_module.ubins[i];

		if (b->inode)
			path_put(&b->fpath);
		b->inode = NULL;
	}
}

bool tapc_ubin_ready(const struct tapc_ubin *b, char *why, size_t n)
{
	if (b->inode)
		return true;
	if (b->status == -ESTALE)
		scnprintf(why, n, "%s is not the file it was when the script was compiled (its size differs)",
			  b->path);
	else
		scnprintf(why, n, "can't open %s (rc %d)", b->path, b->status);
	return false;
}

bool tapc_in_target(void)
{
	return tapc_task_in_target(current);
}

bool tapc_task_in_target(struct task_struct *t)
{
	bool in = false;
	int depth;

	if (!tapc_target)
		return true;
	if (t->tgid == tapc_target)
		return true;
	/* the target's descendants: a bounded walk up the parents */
	rcu_read_lock();
	for (depth = 0; depth < 64; depth++) {
		struct task_struct *p = rcu_dereference(t->real_parent);

		if (t->tgid == tapc_target) {
			in = true;
			break;
		}
		if (!p || p == t || t->pid <= 1)
			break;
		t = p;
	}
	rcu_read_unlock();
	return in;
}

bool tapc_exe_is(const struct tapc_ubin *b)
{
	struct mm_struct *mm = current->mm;
	struct file *f;
	bool is;

	if (!mm || !b->inode)
		return false;
	rcu_read_lock();
	f = rcu_dereference(mm->exe_file);
	is = f && file_inode(f) == b->inode;
	rcu_read_unlock();
	return is;
}

/* the mm whose lock this CPU's hit holds, between begin and end */
static DEFINE_PER_CPU(struct mm_struct *, tapc_umaps_mm);

bool tapc_umaps_begin(void)
{
	struct mm_struct *mm = current->mm;

	/* an interrupt or a kernel thread has no user mappings to ask */
	if (!mm || !in_task() || (current->flags & PF_KTHREAD))
		return false;
	if (!mmap_read_trylock(mm))
		return false;
	this_cpu_write(tapc_umaps_mm, mm);
	return true;
}

void tapc_umaps_end(void)
{
	struct mm_struct *mm = this_cpu_read(tapc_umaps_mm);

	if (mm) {
		this_cpu_write(tapc_umaps_mm, NULL);
		mmap_read_unlock(mm);
	}
}

static const struct tapc_ubin *tapc_ubin_of(const struct inode *inode)
{
	unsigned int i;

	for (i = 0; i < tapc_module.n_ubins; i++)
		if (tapc_module.ubins[i].inode == inode)
			return &tapc_module.ubins[i];
	return NULL;
}

bool tapc_umap_lookup(unsigned long addr, struct tapc_umap *m)
{
	struct mm_struct *mm = this_cpu_read(tapc_umaps_mm);
	struct vm_area_struct *vma;
	unsigned long base, off;
	unsigned int i;

	if (!mm)
		return false;
	vma = find_vma(mm, addr);
	if (!vma || addr < vma->vm_start || !vma->vm_file)
		return false;
	m->start = vma->vm_start;
	m->end = vma->vm_end;
	m->name = vma->vm_file->f_path.dentry->d_name.name;
	m->bin = tapc_ubin_of(file_inode(vma->vm_file));
	/* where the file's first byte would be mapped */
	base = vma->vm_start - (vma->vm_pgoff << PAGE_SHIFT);
	off = addr - base;
	m->bias = base;
	if (m->bin) {
		for (i = 0; i < m->bin->nsegs; i++) {
			const struct tapc_useg *sg = &m->bin->segs[i];

			if (off >= sg->offset && off < sg->offset + sg->filesz) {
				m->bias = base + sg->offset - sg->vaddr;
				break;
			}
		}
	}
	return true;
}

const struct tapc_usym *tapc_ubin_symbol(const struct tapc_ubin *b, unsigned long vaddr)
{
	unsigned int lo = 0, hi = b->nsyms;

	if (!b->syms)
		return NULL;
	/* the last symbol starting at or below vaddr; the table has one
	 * name per address */
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	if (vaddr >= (unsigned long)b->syms[lo - 1].addr + max_t(u32, b->syms[lo - 1].size, 1))
		return NULL;
	return &b->syms[lo - 1];
}

bool tapc_ubin_line(const struct tapc_ubin *b, unsigned long vaddr, const char **file,
		    unsigned int *line)
{
	const struct tapc_usym *sym = tapc_ubin_symbol(b, vaddr);
	unsigned int lo = 0, hi = b->nlines;

	/* no function here: the rows before belong to another one */
	if (!b->lines || !sym)
		return false;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->lines[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || b->lines[lo - 1].addr < sym->addr)
		return false;
	*file = b->files[b->lines[lo - 1].file];
	*line = b->lines[lo - 1].line;
	return true;
}
