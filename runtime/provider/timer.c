// SPDX-License-Identifier: GPL-2.0
/*
 * provider/timer.c - timer.ns/us/ms/s/hz/jiffies and timer.profile probes
 * as hrtimers.
 *
 * An interval timer is one hrtimer per site, relative mode: hard interrupt
 * context on ordinary kernels, the timer softirq thread on PREEMPT_RT (the
 * handler path disables preemption itself).  .randomize(M) spreads each
 * period over interval +- M.  Jiffies periods are turned into nanoseconds
 * with the target's TICK_NSEC at registration.
 *
 * timer.profile is a pinned hrtimer on every CPU that is online at start,
 * in hard irq mode even on PREEMPT_RT, so get_irq_regs() is the sampled
 * context.  CPUs brought online later are not sampled.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <asm/irq_regs.h>

#include "../tapc_runtime.h"
#include "../compat.h"
#include "timer.h"

struct tapc_cpu_timer {
	struct hrtimer timer;
	struct tapc_timer_site *site;
};

static u64 tapc_timer_period(const struct tapc_timer_site *s)
{
	u64 p = s->period_ns;

	if (s->spread_ns) {
		u64 r = min(s->spread_ns, p - 1);

		p = p - r + tapc_compat_random_below(min_t(u64, 2 * r + 1, U32_MAX));
	}
	return max_t(u64, p, 1000);	/* keep a runaway period from livelocking */
}

static enum hrtimer_restart tapc_timer_fire(struct hrtimer *t)
{
	struct tapc_timer_site *s = container_of(t, struct tapc_timer_site, timer);

	tapc_run_probe(s->pp, s->handler, NULL, false);
	if (!READ_ONCE(s->registered))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(tapc_timer_period(s)));
	return HRTIMER_RESTART;
}

static enum hrtimer_restart tapc_profile_fire(struct hrtimer *t)
{
	struct tapc_cpu_timer *ct = container_of(t, struct tapc_cpu_timer, timer);
	struct tapc_timer_site *s = ct->site;

	tapc_run_probe(s->pp, s->handler, get_irq_regs(), false);
	if (!READ_ONCE(s->registered))
		return HRTIMER_NORESTART;
	hrtimer_forward_now(t, ns_to_ktime(tapc_timer_period(s)));
	return HRTIMER_RESTART;
}

/* on_each_cpu() callback: start this CPU's profile timer, pinned here */
static void tapc_profile_start_cpu(void *arg)
{
	struct tapc_timer_site *s = arg;
	struct tapc_cpu_timer *ct = s->cpu_timers;

	hrtimer_start(&ct[smp_processor_id()].timer,
		      ns_to_ktime(tapc_timer_period(s)),
		      HRTIMER_MODE_REL_PINNED_HARD);
}

static int tapc_profile_register(struct tapc_timer_site *s)
{
	struct tapc_cpu_timer *ct;
	int cpu;

	ct = kcalloc(nr_cpu_ids, sizeof(*ct), GFP_KERNEL);
	if (!ct)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		ct[cpu].site = s;
		tapc_compat_hrtimer_setup(&ct[cpu].timer, tapc_profile_fire,
					  CLOCK_MONOTONIC,
					  HRTIMER_MODE_REL_PINNED_HARD);
	}
	s->cpu_timers = ct;
	WRITE_ONCE(s->registered, true);
	on_each_cpu(tapc_profile_start_cpu, s, 1);
	return 0;
}

int tapc_timers_register(void)
{
	unsigned int i;
	int rc;

	for (i = 0; i < tapc_module.n_timers; i++) {
		struct tapc_timer_site *s = &tapc_module.timers[i];

		if (s->jiffies) {
			s->period_ns = (u64)s->jiffies * TICK_NSEC;
			s->spread_ns = (u64)s->randomize_jiffies * TICK_NSEC;
		} else {
			s->period_ns = s->interval_ns;
			s->spread_ns = s->randomize_ns;
		}
		if (s->per_cpu) {
			/* no .randomize on timer.profile: the random pool takes
			 * a local_lock, which sleeps in hard irq on PREEMPT_RT */
			s->spread_ns = 0;
			rc = tapc_profile_register(s);
			if (rc) {
				tapc_timers_unregister();
				return rc;
			}
			continue;
		}
		tapc_compat_hrtimer_setup(&s->timer, tapc_timer_fire,
					  CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		WRITE_ONCE(s->registered, true);
		hrtimer_start(&s->timer, ns_to_ktime(tapc_timer_period(s)),
			      HRTIMER_MODE_REL);
	}
	return 0;
}

void tapc_timers_unregister(void)
{
	unsigned int i;
	int cpu;

	for (i = 0; i < tapc_module.n_timers; i++) {
		struct tapc_timer_site *s = &tapc_module.timers[i];
		struct tapc_cpu_timer *ct = s->cpu_timers;

		if (!s->registered)
			continue;
		WRITE_ONCE(s->registered, false);
		if (!s->per_cpu) {
			hrtimer_cancel(&s->timer);
			continue;
		}
		for_each_possible_cpu(cpu)
			hrtimer_cancel(&ct[cpu].timer);
		kfree(ct);
		s->cpu_timers = NULL;
	}
}
