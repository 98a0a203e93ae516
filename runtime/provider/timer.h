/* SPDX-License-Identifier: GPL-2.0 */
/*
 * provider/timer.h - timer.ns/us/ms/s/hz/jiffies and timer.profile probes,
 * one struct tapc_timer_site each in the translator's table.
 */
#ifndef TAPC_PROVIDER_TIMER_H
#define TAPC_PROVIDER_TIMER_H

#include <linux/hrtimer.h>

#include "../tapc_runtime.h"

/* timer.ns/us/ms/s(N) and timer.hz(N): interval_ns (hz: NSEC_PER_SEC / N);
 * timer.jiffies(N): jiffies = N instead (the target's HZ decides), with
 * .randomize(M) in randomize_jiffies; timer.profile(.tick): jiffies = 1 and
 * per_cpu: one timer on every online CPU, firing in hard irq context with
 * c->regs = the interrupted registers (get_irq_regs()). */
struct tapc_timer_site {
	u64 interval_ns;
	u64 randomize_ns;		/* .randomize(M), 0 = none */
	unsigned long jiffies;		/* period in jiffies, 0 = interval_ns */
	unsigned long randomize_jiffies;
	bool per_cpu;			/* timer.profile */
	const char *pp;
	tapc_handler_t handler;
	/* runtime private */
	struct hrtimer timer;
	bool registered;
	u64 period_ns, spread_ns;	/* resolved at registration */
	void *cpu_timers;		/* per_cpu: [nr_cpu_ids] timers */
};

/* Its sites' group provider: starts every timer; unregistration cancels
 * them, waiting for running callbacks.  One group per module. */
extern const struct tapc_provider tapc_timer_provider;

#endif /* TAPC_PROVIDER_TIMER_H */
