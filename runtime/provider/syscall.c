// SPDX-License-Identifier: GPL-2.0
/*
 * provider/syscall.c - kernel.syscall("NAME") probes over the raw syscall
 * tracepoints.
 *
 * One callback on sys_enter and one on sys_exit serve every site,
 * whichever and however many syscalls the script probes: a hit looks up
 * the sites of its ABI, direction and number in the translator's index
 * (provider/syscall.h) and runs each, then the kernel.syscall.any sites.
 * The tracepoints pass the user registers saved at syscall entry; they
 * still hold the arguments at sys_exit (the number is in orig_ax there),
 * so entries and returns read parameters the same way.  Tracepoint
 * callbacks run with preemption disabled (the tracepoint's RCU-sched
 * read side, also on PREEMPT_RT), so the CPU's context is taken inline as
 * the kprobe handlers do.  The tracepoints are looked up by name among
 * the kernel's (their symbols are not exported to modules).
 */
#include <linux/tracepoint.h>
#include <linux/string.h>

#include "../tapc_runtime.h"
#include "../context.h"
#include "../print.h"
#include "syscall.h"

struct tapc_sc_tp {
	const char *name;
	void *callback;
	struct tracepoint *tp;
	bool registered;
};

static s64 tapc_sc_convert(u64 v, unsigned int kind)
{
	switch (kind) {
	case TAPC_SC_S32: return (s32)v;
	case TAPC_SC_U32: return (u32)v;
	case TAPC_SC_S16: return (s16)v;
	case TAPC_SC_U16: return (u16)v;
	case TAPC_SC_S8: return (s8)v;
	case TAPC_SC_U8: return (u8)v;
	default: return (s64)v;
	}
}

static void tapc_sc_load(struct tapc_syscall_hit *h, struct pt_regs *regs,
			 unsigned long kinds)
{
	int i;

	tapc_arch_syscall_args(regs, h->abi, h->raw);
	for (i = 0; i < 6; i++, kinds >>= 4)
		h->val[i] = tapc_sc_convert(h->raw[i], kinds & 0xf);
}

static __always_inline void tapc_sc_run(const struct tapc_syscall_site *s,
					struct tapc_syscall_hit *h,
					struct pt_regs *regs)
{
	/* NULL unless the session runs */
	struct tapc_context *c = this_cpu_read(tapc_cpu_hit_context);

	if (unlikely(!c))
		return;
	if (unlikely(!tapc_context_take(c, s->pp, s->func, regs, false)))
		return;
	/* NULL again before the context is released (context.h) */
	h->site = s;
	c->syscall = h;
	s->handler(c);
	c->syscall = NULL;
	tapc_context_put(c);
}

static void tapc_sc_hit(struct pt_regs *regs, long nr, long ret, int dir)
{
	const struct tapc_syscall_desc *d = tapc_module.syscalls;
	const struct tapc_syscall_group *g;
	struct tapc_syscall_hit h;
	unsigned int i, end, n_any = d->n_any[dir];
	bool loaded = false;

	if (!this_cpu_read(tapc_cpu_hit_context))
		return;
	h.nr = nr;
	h.ret = ret;
	h.abi = tapc_arch_syscall_abi();
	g = &d->groups[h.abi][dir];
	if (g->first && nr >= 0 && nr < g->nr_limit &&
	    (i = g->first[nr]) < (end = g->first[nr + 1])) {
		tapc_sc_load(&h, regs, d->sites[i].kinds);
		loaded = true;
		for (; i < end; i++)
			tapc_sc_run(&d->sites[i], &h, regs);
	}
	if (!n_any)
		return;
	if (!loaded)
		tapc_sc_load(&h, regs, d->any[dir][0].kinds);
	for (i = 0; i < n_any; i++)
		tapc_sc_run(&d->any[dir][i], &h, regs);
}

static void tapc_sc_enter(void *data, struct pt_regs *regs, long id)
{
	tapc_sc_hit(regs, id, 0, 0);
}

static void tapc_sc_exit(void *data, struct pt_regs *regs, long ret)
{
	/* sys_exit has no number argument: the entry left it in orig_ax
	 * (-1 after rt_sigreturn, which restores a signal frame) */
	tapc_sc_hit(regs, regs->orig_ax, ret, 1);
}

static struct tapc_sc_tp tapc_sc_tps[2] = {
	{ .name = "sys_enter", .callback = tapc_sc_enter },
	{ .name = "sys_exit", .callback = tapc_sc_exit },
};

static void tapc_sc_match(struct tracepoint *tp, void *priv)
{
	struct tapc_sc_tp *t = priv;

	if (!t->tp && !strcmp(tp->name, t->name))
		t->tp = tp;
}

/* Whether any site needs direction dir. */
static bool tapc_sc_wanted(const struct tapc_syscall_desc *d, int dir)
{
	int abi;

	for (abi = 0; abi < TAPC_SC_NABI; abi++)
		if (d->groups[abi][dir].first)
			return true;
	return d->n_any[dir] != 0;
}

int tapc_syscalls_register(void)
{
	const struct tapc_syscall_desc *d = tapc_module.syscalls;
	int dir, rc;

	if (!d)
		return 0;
	for (dir = 0; dir < 2; dir++) {
		struct tapc_sc_tp *t = &tapc_sc_tps[dir];

		if (!tapc_sc_wanted(d, dir))
			continue;
		if (!t->tp)
			for_each_kernel_tracepoint(tapc_sc_match, t);
		rc = t->tp ? tracepoint_probe_register(t->tp, t->callback, NULL)
			   : -ENOENT;
		if (rc) {
			tapc_err("syscall probes: tracepoint %s registration error (rc %d)",
				 t->name, rc);
			tapc_syscalls_unregister();
			return rc;
		}
		t->registered = true;
	}
	return 0;
}

void tapc_syscalls_unregister(void)
{
	bool any = false;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		struct tapc_sc_tp *t = &tapc_sc_tps[dir];

		if (!t->registered)
			continue;
		tracepoint_probe_unregister(t->tp, t->callback, NULL);
		t->registered = false;
		any = true;
	}
	/* callbacks already running finish before the module may go away */
	if (any)
		tracepoint_synchronize_unregister();
}
