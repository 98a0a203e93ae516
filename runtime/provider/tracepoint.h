/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/tracepoint.h - kernel.trace("NAME") probes, one struct
 * tapc_trace_site each in the translator's table.
 *
 * A tracepoint calls its probes with its own prototype, so the translator
 * emits one callback per site.  On x86_64 an integer or pointer argument
 * is passed in a 64-bit register or stack slot alike, so the callback
 * takes every argument as a u64 and needs none of the kernel's types:
 *
 *	static void tp_cb_N(void *data, u64 a0, u64 a1, u64 a2)
 *	{
 *		struct tapc_trace_site *s = data;
 *		u64 args[3] = { a0, a1, a2 };
 *		struct tapc_context *c = tapc_trace_enter(s, args);
 *
 *		if (!c)
 *			return;
 *		s->handler(c);
 *		tapc_trace_exit(c);
 *	}
 *
 * and a site { .name = "sched_process_exec", .pp = ..., .callback = tp_cb_N,
 * .handler = probe_N }.  The runtime finds the tracepoint among the
 * kernel's (for_each_kernel_tracepoint) and registers callback with the
 * site as its data.  Handlers read the arguments from c->probe_data
 * (((u64 *)c->probe_data)[i]) with the types of TP_PROTO.
 */
#ifndef TAPC_PROVIDER_TRACEPOINT_H
#define TAPC_PROVIDER_TRACEPOINT_H

#include <linux/tracepoint.h>

#include "../tapc_runtime.h"

struct tapc_trace_site {
	const char *name;		/* tracepoint name, no "system:" prefix */
	const char *pp;
	void *callback;			/* the typed callback above */
	tapc_handler_t handler;
	bool optional;			/* '?': missing tracepoint ignored */
	/* runtime private */
	struct tracepoint *tp;
	bool registered;
};

/* In a site's callback: the CPU's context for this hit with its
 * arguments (NULL: none) as c->probe_data, or NULL (session not running,
 * context busy): then return at once. */
struct tapc_context *tapc_trace_enter(struct tapc_trace_site *s, u64 *args);
/* The end of the hit: the context released. */
void tapc_trace_exit(struct tapc_context *c);

/* Its sites' group provider: registration finds each tracepoint by name;
 * unregistration waits until no callback runs any more. */
extern const struct tapc_provider tapc_tracepoint_provider;

#endif /* TAPC_PROVIDER_TRACEPOINT_H */
