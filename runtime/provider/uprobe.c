// SPDX-License-Identifier: GPL-2.0
/*
 * provider/uprobe.c - process(...).function/.statement/.mark/.plt probes:
 * uprobes and uretprobes (provider/uprobe.h).
 *
 * A site embeds its uprobe_consumer, registered on the inode of its file
 * (ubin.c looked it up at start) at the probed instruction's file offset,
 * with the file offset of an SDT semaphore when the marker has one.
 *
 * A return probe that reads values of the function's entry (@entry,
 * parameters) has its consumer's handler save them when the function is
 * entered.  Unlike a kretprobe, a uretprobe has no per-call data, so the
 * values go into a table of slots allocated at start, keyed by the task,
 * the site and the stack pointer at entry, where the return address is:
 * the return finds them one word below its stack pointer (the return
 * popped it).  A full table drops the oldest slot; a return that finds no
 * slot is counted as missed and its probe skipped, as kretprobes do when
 * they run out of instances.
 */
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../tapc_runtime.h"
#include "../compat.h"
#include "../context.h"
#include "../print.h"
#include "../session.h"
#include "../ubin.h"
#include "uprobe.h"

#ifndef TAPC_USTASH_SLOTS
#define TAPC_USTASH_SLOTS 1024	/* functions pending return with saved values */
#endif
#define TAPC_USTASH_PROBE 32	/* slots looked at from a key's hash */

struct tapc_ustash_slot {
	const struct task_struct *task;	/* NULL: free */
	unsigned long sp;
	const struct tapc_uprobe_site *site;
	unsigned long stamp;		/* jiffies when taken */
	bool ready;			/* written: a return may take it */
	bool busy;			/* a return is reading it */
	u64 data[];
};

static void *tapc_ustash;
static size_t tapc_ustash_stride;
static DEFINE_RAW_SPINLOCK(tapc_ustash_lock);

static struct tapc_ustash_slot *tapc_ustash_slot(unsigned int i)
{
	return (struct tapc_ustash_slot *)((char *)tapc_ustash + i * tapc_ustash_stride);
}

static unsigned int tapc_ustash_hash(const void *task, unsigned long sp, const void *site)
{
	return (unsigned int)(hash_ptr(task, 16) ^ hash_long(sp ^ (unsigned long)site, 16)) %
	       TAPC_USTASH_SLOTS;
}

bool tapc_uprobe_wanted(const struct tapc_uprobe_site *s)
{
	if (s->pid && current->tgid != s->pid)
		return false;
	if (s->exe && !tapc_exe_is(s->exe))
		return false;
	return tapc_in_target();
}

/* A slot for site's entry at stack pointer sp, or NULL. */
static struct tapc_ustash_slot *tapc_ustash_take(const struct tapc_uprobe_site *s, unsigned long sp)
{
	unsigned int h = tapc_ustash_hash(current, sp, s), i;
	struct tapc_ustash_slot *slot, *oldest = NULL;
	unsigned long flags;

	raw_spin_lock_irqsave(&tapc_ustash_lock, flags);
	for (i = 0; i < TAPC_USTASH_PROBE; i++) {
		slot = tapc_ustash_slot((h + i) % TAPC_USTASH_SLOTS);
		/* a slot of the same key was left by a frame that never
		 * returned (longjmp): reuse it */
		if (!slot->task || (slot->task == current && slot->sp == sp && slot->site == s &&
				    !slot->busy))
			goto take;
		if (!slot->busy && (!oldest || time_before(slot->stamp, oldest->stamp)))
			oldest = slot;
	}
	slot = oldest;
	if (!slot) {
		raw_spin_unlock_irqrestore(&tapc_ustash_lock, flags);
		return NULL;
	}
take:
	slot->task = current;
	slot->sp = sp;
	slot->site = s;
	slot->stamp = jiffies;
	slot->ready = false;
	slot->busy = false;
	raw_spin_unlock_irqrestore(&tapc_ustash_lock, flags);
	memset(slot->data, 0, s->entry_size);
	return slot;
}

void *tapc_uprobe_entry_find(struct tapc_uprobe_site *s, struct pt_regs *regs)
{
	unsigned long sp = tapc_arch_sp(regs) - sizeof(unsigned long);
	unsigned int h = tapc_ustash_hash(current, sp, s), i;
	struct tapc_ustash_slot *slot;
	unsigned long flags;

	if (!tapc_ustash)
		return NULL;
	raw_spin_lock_irqsave(&tapc_ustash_lock, flags);
	for (i = 0; i < TAPC_USTASH_PROBE; i++) {
		slot = tapc_ustash_slot((h + i) % TAPC_USTASH_SLOTS);
		if (slot->task == current && slot->sp == sp && slot->site == s && slot->ready &&
		    !slot->busy) {
			slot->busy = true;
			raw_spin_unlock_irqrestore(&tapc_ustash_lock, flags);
			return slot->data;
		}
	}
	raw_spin_unlock_irqrestore(&tapc_ustash_lock, flags);
	tapc_session_add_missed(1);
	return NULL;
}

void tapc_uprobe_entry_done(void *entry)
{
	struct tapc_ustash_slot *slot = container_of(entry, struct tapc_ustash_slot, data);
	unsigned long flags;

	raw_spin_lock_irqsave(&tapc_ustash_lock, flags);
	slot->task = NULL;
	slot->busy = false;
	raw_spin_unlock_irqrestore(&tapc_ustash_lock, flags);
}

int tapc_uprobe_capture(struct uprobe_consumer *uc, struct pt_regs *regs)
{
	struct tapc_uprobe_site *s = container_of(uc, struct tapc_uprobe_site, uc);
	struct tapc_ustash_slot *slot;
	struct tapc_uprobe_hit hit;
	struct tapc_context *c;
	bool ran = false;

	if (unlikely(s->filtered) && !tapc_uprobe_wanted(s))
		return 0;
	/* at the function's first instruction sp points at the return address */
	slot = tapc_ustash_take(s, tapc_arch_sp(regs));
	if (!slot) {
		tapc_session_add_missed(1);
		return 0;
	}
	hit.bias = tapc_arch_ip(regs) - s->vaddr;
	hit.entry = slot->data;
	preempt_disable();
	c = this_cpu_read(tapc_cpu_hit_context);
	if (likely(c) && tapc_context_take(c, s->pp, s->func, regs, false)) {
		c->probe_data = &hit;
		s->entry(c);
		c->probe_data = NULL;
		tapc_context_put(c);
		ran = true;
	}
	preempt_enable();
	if (ran)
		WRITE_ONCE(slot->ready, true);
	else
		tapc_uprobe_entry_done(slot->data);
	return 0;
}

static int tapc_uprobe_register_one(struct tapc_uprobe_site *s)
{
	char why[160];

	if (!tapc_ubin_ready(s->bin, why, sizeof(why)) ||
	    (s->exe && !tapc_ubin_ready(s->exe, why, sizeof(why)))) {
		if (!s->optional)
			tapc_err("probe %s registration error: %s", s->pp, why);
		return -ENOENT;
	}
	memset(&s->uc, 0, sizeof(s->uc));
	s->filtered = tapc_target || s->exe || s->pid;
	if (s->is_return) {
		s->uc.ret_handler = s->ret_handler;
		if (s->entry)
			s->uc.handler = tapc_uprobe_capture;
	} else {
		s->uc.handler = s->handler;
	}
	return tapc_compat_uprobe_register(s->bin->inode, s->offset, s->sem_offset, &s->uc, &s->uprobe);
}

static void tapc_uprobes_unregister(void *sites, unsigned int n);

/* The slots of return probes' entry values, if any site saves some. */
static int tapc_ustash_alloc(struct tapc_uprobe_site *site, unsigned int n)
{
	unsigned int i, size = 0;

	for (i = 0; i < n; i++)
		if (site[i].entry && site[i].entry_size > size)
			size = site[i].entry_size;
	if (!size)
		return 0;
	tapc_ustash_stride = ALIGN(sizeof(struct tapc_ustash_slot) + size, 8);
	tapc_ustash = vzalloc(TAPC_USTASH_SLOTS * tapc_ustash_stride);
	return tapc_ustash ? 0 : -ENOMEM;
}

static int tapc_uprobes_register(void *sites, unsigned int n)
{
	struct tapc_uprobe_site *site = sites;
	unsigned int i;
	int rc;

	rc = tapc_ustash_alloc(site, n);
	if (rc) {
		tapc_err("probe %s registration error (rc %d): no memory for return values", site[0].pp, rc);
		return rc;
	}
	for (i = 0; i < n; i++) {
		struct tapc_uprobe_site *s = &site[i];

		rc = tapc_uprobe_register_one(s);
		s->registered = !rc;
		if (rc && !s->optional) {
			if (rc != -ENOENT || s->bin->inode)
				tapc_err("probe %s registration error (rc %d)", s->pp, rc);
			tapc_uprobes_unregister(sites, n);
			return rc;
		}
	}
	return 0;
}

static void tapc_uprobes_unregister(void *sites, unsigned int n)
{
	struct tapc_uprobe_site *site = sites;
	unsigned int i;
	bool any = false;

	for (i = 0; i < n; i++) {
		struct tapc_uprobe_site *s = &site[i];

		if (!s->registered)
			continue;
		tapc_compat_uprobe_unregister(s->bin->inode, s->offset, &s->uc, s->uprobe);
		s->registered = false;
		any = true;
	}
	if (any)
		tapc_compat_uprobe_unregister_sync();
	vfree(tapc_ustash);
	tapc_ustash = NULL;
}

const struct tapc_provider tapc_uprobe_provider = {
	.name = "uprobe",
	.register_sites = tapc_uprobes_register,
	.unregister_sites = tapc_uprobes_unregister,
};
