// SPDX-License-Identifier: GPL-2.0
/*
 * provider/tracepoint.c - kernel.trace("NAME") probes.
 *
 * The kernel's tracepoints are looked up by name with the exported
 * for_each_kernel_tracepoint() (tracepoint symbols themselves are not
 * exported to modules), then each site's typed callback is registered with
 * the site as its data pointer, so one callback serves exactly one site.
 * Tracepoints of modules are not searched.  Callbacks run wherever the
 * tracepoint fires (any context, preemption disabled by the tracepoint
 * on the kernels we support); tapc_trace_enter() takes the CPU's context
 * as the other providers do.
 */
#include <linux/tracepoint.h>
#include <linux/string.h>

#include "../tapc_runtime.h"
#include "../print.h"
#include "tracepoint.h"

struct tapc_trace_lookup {
	const char *name;
	struct tracepoint *tp;
};

static void tapc_trace_match(struct tracepoint *tp, void *priv)
{
	struct tapc_trace_lookup *l = priv;

	if (!l->tp && !strcmp(tp->name, l->name))
		l->tp = tp;
}

static struct tracepoint *tapc_trace_find(const char *name)
{
	struct tapc_trace_lookup l = { .name = name };

	for_each_kernel_tracepoint(tapc_trace_match, &l);
	return l.tp;
}

struct tapc_context *tapc_trace_enter(struct tapc_trace_site *s, u64 *args)
{
	/* no regs: probefunc() stays "" as for other non-function probes */
	struct tapc_context *c = tapc_context_enter(s->pp, false);

	if (c)
		c->probe_data = args;
	return c;
}

void tapc_trace_exit(struct tapc_context *c)
{
	/* NULL between hits (context.h) */
	c->probe_data = NULL;
	tapc_context_exit(c);
}

static void tapc_traces_unregister(void *sites, unsigned int n);

static int tapc_traces_register(void *sites, unsigned int n)
{
	struct tapc_trace_site *site = sites;
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		struct tapc_trace_site *s = &site[i];

		s->tp = tapc_trace_find(s->name);
		rc = s->tp ? tracepoint_probe_register(s->tp, s->callback, s)
			   : -ENOENT;
		s->registered = !rc;
		if (rc && !s->optional) {
			tapc_err("probe %s registration error (rc %d)", s->pp, rc);
			tapc_traces_unregister(sites, n);
			return rc;
		}
	}
	return 0;
}

static void tapc_traces_unregister(void *sites, unsigned int n)
{
	struct tapc_trace_site *site = sites;
	unsigned int i;
	bool any = false;

	for (i = 0; i < n; i++) {
		struct tapc_trace_site *s = &site[i];

		if (!s->registered)
			continue;
		tracepoint_probe_unregister(s->tp, s->callback, s);
		s->registered = false;
		any = true;
	}
	/* callbacks already running finish before the module may go away */
	if (any)
		tracepoint_synchronize_unregister();
}

const struct tapc_provider tapc_tracepoint_provider = {
	.name = "tracepoint",
	.register_sites = tapc_traces_register,
	.unregister_sites = tapc_traces_unregister,
};
