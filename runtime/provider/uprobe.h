/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/uprobe.h - process("PATH").function/.statement/.mark/.plt
 * probes: uprobes and uretprobes by inode and file offset, one struct
 * tapc_uprobe_site each in the translator's table.
 *
 * A uprobe on a file fires in every process that maps it (a library's in
 * every process that loads it).  The site's filters narrow that: with a
 * target (-c/-x) to the target's process tree, with .library() to
 * processes running its program, with process(PID) to that process.
 *
 * The hit's family data (c->probe_data) is a struct tapc_uprobe_hit: the
 * load bias of the file in the process (run-time address = link-time
 * address + bias), which target variables at fixed addresses add, and for
 * a return probe the values saved at the function's entry.
 */
#ifndef TAPC_PROVIDER_UPROBE_H
#define TAPC_PROVIDER_UPROBE_H

#include <linux/uprobes.h>

#include "../tapc_runtime.h"
#include "../context.h"
#include "../session.h"
#include "../ubin.h"

struct tapc_uprobe_site {
	const char *pp;
	const char *func;		/* probefunc() */
	struct tapc_ubin *bin;		/* the file probed */
	struct tapc_ubin *exe;		/* only in processes running this program, or NULL */
	int pid;			/* only in this process (process(PID)), or 0 */
	unsigned long offset;		/* file offset of the probed instruction */
	unsigned long vaddr;		/* its link-time address */
	unsigned long sem_offset;	/* file offset of an SDT semaphore, 0: none */
	bool is_return;
	bool optional;
	/* the translator's wrappers around the probe body */
	int (*handler)(struct uprobe_consumer *uc, struct pt_regs *regs);
	int (*ret_handler)(struct uprobe_consumer *uc, unsigned long func, struct pt_regs *regs);
	/* a return probe's captures at entry (@entry, parameters): written
	 * into entry_size bytes the return's hit reads (NULL: none) */
	void (*entry)(struct tapc_context *c);
	unsigned int entry_size;
	/* runtime private */
	struct uprobe_consumer uc;
	void *uprobe;			/* 6.12: what uprobe_register() returned */
	bool filtered;			/* a filter applies: check each hit */
	bool registered;
};

struct tapc_uprobe_hit {
	unsigned long bias;
	void *entry;			/* a return probe's entry values */
};

static inline unsigned long tapc_uprobe_bias(const struct tapc_context *c)
{
	return ((const struct tapc_uprobe_hit *)c->probe_data)->bias;
}

static inline void *tapc_uprobe_entry(const struct tapc_context *c)
{
	return ((const struct tapc_uprobe_hit *)c->probe_data)->entry;
}

/* Out of line: whether the current process passes the site's filters. */
bool tapc_uprobe_wanted(const struct tapc_uprobe_site *s);
/* A return site's entry values for this return (NULL: none were saved,
 * the hit is skipped), and their release after the body ran. */
void *tapc_uprobe_entry_find(struct tapc_uprobe_site *s, struct pt_regs *regs);
void tapc_uprobe_entry_done(void *entry);
/* The handler of a return site with captures: runs s->entry at entry. */
int tapc_uprobe_capture(struct uprobe_consumer *uc, struct pt_regs *regs);

extern const struct tapc_provider tapc_uprobe_provider;

/*
 * The hot path.  Uprobe handlers run in the probed task with preemption
 * enabled; the hit takes this CPU's context with preemption disabled
 * until it is released, as other probes do.  Inline so that the
 * translator's per-probe wrappers call the body directly.
 */
/* ret_from: for a return, the run-time address of the function returned
 * from (is_return(), as a kretprobe's), else 0. */
static __always_inline void tapc_uprobe_run(struct tapc_uprobe_site *s, struct pt_regs *regs,
					    tapc_handler_t h, unsigned long bias, void *entry,
					    unsigned long ret_from, bool budget)
{
	struct tapc_uprobe_hit hit = { bias, entry };
	struct tapc_context *c;

	preempt_disable();
	c = this_cpu_read(tapc_cpu_hit_context);
	if (likely(c) && tapc_context_take_for(c, s->pp, s->func, regs, false, budget)) {
		/* NULL again before the context is released (context.h) */
		c->probe_data = &hit;
		c->return_from = ret_from;
		h(c);
		c->probe_data = NULL;
		c->return_from = 0;
		tapc_context_put(c);
	}
	preempt_enable();
}

static __always_inline int tapc_uprobe_hit(struct uprobe_consumer *uc, struct pt_regs *regs,
					   tapc_handler_t h, bool budget)
{
	struct tapc_uprobe_site *s = container_of(uc, struct tapc_uprobe_site, uc);

	if (unlikely(s->filtered) && !tapc_uprobe_wanted(s))
		return 0;
	/* the uprobe core set ip back to the probed address */
	tapc_uprobe_run(s, regs, h, tapc_arch_ip(regs) - s->vaddr, NULL, 0, budget);
	return 0;
}

/* func: the run-time address of the function entry the uretprobe was
 * armed at; ip is already the caller's return address. */
static __always_inline int tapc_uretprobe_hit(struct uprobe_consumer *uc, unsigned long func,
					      struct pt_regs *regs, tapc_handler_t h, bool budget)
{
	struct tapc_uprobe_site *s = container_of(uc, struct tapc_uprobe_site, uc);
	void *entry = NULL;

	if (unlikely(s->filtered) && !tapc_uprobe_wanted(s))
		return 0;
	if (s->entry) {
		entry = tapc_uprobe_entry_find(s, regs);
		if (!entry)
			return 0;
	}
	tapc_uprobe_run(s, regs, h, func - s->vaddr, entry, func, budget);
	if (entry)
		tapc_uprobe_entry_done(entry);
	return 0;
}

#endif /* TAPC_PROVIDER_UPROBE_H */
