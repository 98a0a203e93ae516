/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/syscall_hit.h - the hit path of kernel.syscall probes, inline in
 * the tracepoint callbacks the translator emits (see provider/syscall.h).
 */
#ifndef TAPC_PROVIDER_SYSCALL_HIT_H
#define TAPC_PROVIDER_SYSCALL_HIT_H

#include "../tapc_runtime.h"
#include "../context.h"
#include "syscall.h"

/*
 * One site's hit, in a generated callback: tracepoint callbacks run with
 * preemption disabled (the tracepoint's RCU-sched read side, also on
 * PREEMPT_RT), so the CPU's context is taken inline as the kprobe
 * handlers take it; h is a constant, so the body is called directly.
 * budget is false when h can't run more than MAXACTION statements (the
 * translator counted them): the action budget then needs no reset.  data
 * is false when nothing h runs reads the call (no $param, $return, no
 * embedded C): c->probe_data stays NULL, the hit is not written.
 */
static __always_inline void tapc_syscall_hit(const struct tapc_syscall_site *s,
					     struct pt_regs *regs, long nr,
					     long ret, tapc_handler_t h,
					     bool budget, bool data)
{
	/* NULL unless the session runs: that load is the session check */
	struct tapc_context *c = this_cpu_read(tapc_cpu_hit_context);
	struct tapc_syscall_hit *hit;

	if (unlikely(!c))
		return;
	if (unlikely(!tapc_context_take_for(c, s->pp, s->func, regs, false, budget)))
		return;
	if (data) {
		hit = this_cpu_ptr(&tapc_syscall_hits);
		hit->site = s;
		hit->regs = regs;
		hit->nr = nr;
		hit->ret = ret;
		/* NULL again before the context is released (context.h) */
		c->probe_data = hit;
		h(c);
		c->probe_data = NULL;
	} else {
		h(c);
	}
	tapc_context_put(c);
}

/* The same out of line, for callbacks with many sites: hundreds of
 * inlined copies would make the module slow to compile and large, for an
 * indirect call per hit. */
void tapc_syscall_hit_call(const struct tapc_syscall_site *s, struct pt_regs *regs, long nr,
			   long ret, tapc_handler_t h, bool budget, bool data);

#endif /* TAPC_PROVIDER_SYSCALL_HIT_H */
