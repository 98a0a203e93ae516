// SPDX-License-Identifier: GPL-2.0
/*
 * timing.c - tapc -t: how often each probe ran and what its body cost.
 *
 * The translator wraps each probe body in a cycle count (get_cycles(), as
 * stap -t does) only when -t was given, so the normal hot path pays
 * nothing.  Each CPU adds into its own row; the report is summed after
 * the end probes, in stap's "----- probe hit report:" format.
 */
#include <linux/percpu.h>
#include <linux/timex.h>

#include "tapc_runtime.h"
#include "context.h"
#include "session.h"

struct tapc_probe_time {
	u64 hits, min, max, sum, sumsq;
};

static struct tapc_probe_time __percpu *tapc_times;

int tapc_timing_init(void)
{
	if (!tapc_module.n_probe_info)
		return 0;
	tapc_times = __alloc_percpu(tapc_module.n_probe_info * sizeof(struct tapc_probe_time),
				    __alignof__(struct tapc_probe_time));
	return tapc_times ? 0 : -ENOMEM;
}

void tapc_timing_free(void)
{
	free_percpu(tapc_times);
	tapc_times = NULL;
}

/* Probe context: preemption is off, so this CPU's row is ours. */
void tapc_timing_add(unsigned int probe, u64 cycles)
{
	struct tapc_probe_time *t;

	if (!tapc_times || probe >= tapc_module.n_probe_info)
		return;
	t = this_cpu_ptr(tapc_times) + probe;
	if (!t->hits || cycles < t->min)
		t->min = cycles;
	if (cycles > t->max)
		t->max = cycles;
	t->hits++;
	t->sum += cycles;
	t->sumsq += cycles * cycles;
}

void tapc_timing_report(void)
{
	struct tapc_context *c;
	unsigned int i;
	int cpu;

	if (!tapc_times)
		return;
	c = tapc_context_acquire("-t report", true);
	if (!c)
		return;
	tapc_printf(c, "----- probe hit report: \n");
	for (i = 0; i < tapc_module.n_probe_info; i++) {
		const struct tapc_probe_info *pi = &tapc_module.probe_info[i];
		struct tapc_probe_time all = { 0 };
		u64 avg, var;

		for_each_possible_cpu(cpu) {
			const struct tapc_probe_time *t = per_cpu_ptr(tapc_times, cpu) + i;

			if (!t->hits)
				continue;
			if (!all.hits || t->min < all.min)
				all.min = t->min;
			all.max = max(all.max, t->max);
			all.hits += t->hits;
			all.sum += t->sum;
			all.sumsq += t->sumsq;
		}
		if (!pi->pp || !all.hits)
			continue;
		avg = div64_u64(all.sum, all.hits);
		/* E[x^2] - E[x]^2, the population variance stap reports */
		var = div64_u64(all.sumsq, all.hits);
		var = var > avg * avg ? var - avg * avg : 0;
		tapc_printf(c, "%s, (%s), hits: %llu, cycles: %llumin/%lluavg/%llumax, variance: %llu, from: %s, index: %u\n",
			    pi->pp, pi->loc, all.hits, all.min, avg, all.max, var, pi->from, i);
	}
	tapc_context_exit(c);
}
