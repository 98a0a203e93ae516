/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/kprobe.h - kernel.function / kprobe.function probes: kprobes and
 * kretprobes, one struct tapc_kprobe_site each in the translator's table.
 */
#ifndef TAPC_PROVIDER_KPROBE_H
#define TAPC_PROVIDER_KPROBE_H

#include <linux/kprobes.h>

#include "../tapc_runtime.h"
#include "../context.h"
#include "../session.h"

struct tapc_kprobe_site {
	const char *symbol;		/* function to probe ("MODULE:NAME" in a module),
					 * NULL: at addr */
	const char *func;		/* its name for probefunc(), NULL: symbol */
	unsigned long offset;
	unsigned long addr;		/* .statement(ADDR).absolute */
	const char *pp;			/* probe point text, pp() */
	bool is_return;			/* kretprobe */
	bool optional;			/* '?': registration failure ignored */
	int maxactive;			/* .maxactive(N), 0 = KRETACTIVE */
	tapc_handler_t handler;
	tapc_handler_t entry_handler;	/* kretprobe entry (@entry), or NULL */
	size_t entry_data_size;		/* bytes of per-call data for @entry */
	/* optional wrappers that call handler directly (provider/kprobe.h:
	 * tapc_kprobe_hit, tapc_kretprobe_ret_hit); NULL: the runtime's own */
	int (*pre_handler)(struct kprobe *p, struct pt_regs *regs);
	int (*ret_handler)(struct kretprobe_instance *ri, struct pt_regs *regs);
	/* runtime private */
	union {
		struct kprobe kp;
		struct kretprobe krp;
	} u;
	bool registered;
};

/* Its sites' group provider: registration in table order (a failure says
 * "probe PP registration error (rc N)"), unregistration in one batch with
 * each site's nmissed added to the session's `missed`. */
extern const struct tapc_provider tapc_kprobe_provider;

/*
 * The hot path: kprobe and kretprobe handlers run with preemption disabled
 * (kprobe_ftrace_handler / the int3 handler, rethook's trampoline), so
 * they take the CPU's context inline (context.h) without another
 * preempt_disable and without calls into the runtime unless the hit
 * printed something or failed.  Inline so that the translator's per-site
 * wrappers (site.pre_handler / site.ret_handler) call their probe body
 * directly: h is a constant there, not an indirect call per hit.
 */
static __always_inline int tapc_kprobe_hit_at(struct kprobe *p,
					      struct pt_regs *regs,
					      tapc_handler_t h,
					      const char *pp, const char *func,
					      bool budget, bool reads_hit)
{
	struct tapc_kprobe_site *s = container_of(p, struct tapc_kprobe_site, u.kp);
	/* NULL unless the session runs: that load is the session check */
	struct tapc_context *c = this_cpu_read(tapc_cpu_hit_context);
	unsigned long ip;

	if (unlikely(!c))
		return 0;
	if (unlikely(!tapc_context_take_for(c, pp ? pp : s->pp,
					   func ? func : s->func ? s->func : s->symbol, regs,
					   false, budget)))
		return 0;
	/* The kprobe hands over regs->ip past the breakpoint (the int3, or
	 * the ftrace call it emulates); addr(), register("rip") and the
	 * backtrace's first frame are the probed address, as in stap.  The
	 * kprobe code after us needs its own value back.  Only for bodies
	 * that may read it (reads_hit: provider/hit_reads.c). */
	if (!reads_hit) {
		h(c);
		tapc_context_put(c);
		return 0;
	}
	ip = instruction_pointer(regs);
	instruction_pointer_set(regs, (unsigned long)p->addr);
	h(c);
	instruction_pointer_set(regs, ip);
	tapc_context_put(c);
	return 0;
}

/* tapc_kprobe_hit_at(): pp and func of the site that was hit are
 * constants when the translator's wrapper serves one site; budget is
 * false when h can't run more than MAXACTION statements (the translator
 * counted them), so the action budget needs no reset; reads_hit is false
 * when h surely reads neither the registers nor the probed address. */
static __always_inline int tapc_kprobe_hit(struct kprobe *p,
					   struct pt_regs *regs,
					   tapc_handler_t h)
{
	return tapc_kprobe_hit_at(p, regs, h, NULL, NULL, true, true);
}

/* 0 when the handler ran, 1 when the hit was skipped.  reads_hit: as
 * for tapc_kprobe_hit_at() (return_from is is_return()'s and the
 * backtrace's "Returning from"). */
static __always_inline int tapc_kretprobe_hit(struct tapc_kprobe_site *s,
					      struct kretprobe_instance *ri,
					      struct pt_regs *regs,
					      tapc_handler_t h, bool reads_hit)
{
	struct tapc_context *c = this_cpu_read(tapc_cpu_hit_context);

	if (unlikely(!c))	/* the session is not running */
		return 1;
	if (unlikely(!tapc_context_take(c, s->pp, s->func ? s->func : s->symbol, regs, false)))
		return 1;
	/* NULL again before the context is released (context.h) */
	if (s->entry_data_size)
		c->probe_data = (void *)ri->data;
	if (reads_hit)
		c->return_from = (unsigned long)s->u.krp.kp.addr;
	h(c);
	c->probe_data = NULL;
	if (reads_hit)
		c->return_from = 0;
	tapc_context_put(c);
	return 0;
}

static __always_inline struct tapc_kprobe_site *
tapc_kri_site(struct kretprobe_instance *ri)
{
	return container_of(get_kretprobe(ri), struct tapc_kprobe_site, u.krp);
}

/* A return probe's handler in a translator's wrapper. */
static __always_inline int tapc_kretprobe_ret_hit(struct kretprobe_instance *ri,
						  struct pt_regs *regs,
						  tapc_handler_t h, bool reads_hit)
{
	tapc_kretprobe_hit(tapc_kri_site(ri), ri, regs, h, reads_hit);
	return 0;
}

/* tapc_kretprobe_ret_hit() of a wrapper that serves one return site: pp,
 * func and whether the site keeps entry data are constants, so the hit
 * does not look up the site (get_kretprobe()) unless reads_hit asks for
 * its address; budget as for tapc_kprobe_hit_at(). */
static __always_inline int tapc_kretprobe_ret_hit_at(struct kretprobe_instance *ri,
						     struct pt_regs *regs, tapc_handler_t h,
						     const char *pp, const char *func,
						     bool entry_data, bool budget, bool reads_hit)
{
	struct tapc_context *c = this_cpu_read(tapc_cpu_hit_context);

	if (unlikely(!c))
		return 0;
	if (unlikely(!tapc_context_take_for(c, pp, func, regs, false, budget)))
		return 0;
	/* both NULL again before the context is released (context.h) */
	if (entry_data)
		c->probe_data = (void *)ri->data;
	if (reads_hit)
		c->return_from = (unsigned long)tapc_kri_site(ri)->u.krp.kp.addr;
	h(c);
	if (entry_data)
		c->probe_data = NULL;
	if (reads_hit)
		c->return_from = 0;
	tapc_context_put(c);
	return 0;
}

#endif /* TAPC_PROVIDER_KPROBE_H */
