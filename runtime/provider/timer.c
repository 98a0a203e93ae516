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
 * timer.profile is a pinned hrtimer on every online CPU, in hard irq mode
 * even on PREEMPT_RT, so get_irq_regs() is the sampled context.  A CPU
 * hotplug state starts a CPU's timers when it comes online (also the CPUs
 * online at start) and cancels them before it goes down, so a CPU brought
 * online during the run is sampled too and none is left firing elsewhere.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/cpumask.h>
#include <linux/cpuhotplug.h>
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

/* The dynamic hotplug state of the profile timers, 0 when none is set up. */
static int tapc_profile_state;

/* The registered group's sites, for the hotplug callbacks. */
static struct tapc_timer_site *tapc_timers;
static unsigned int tapc_ntimers;

/* Hotplug callbacks: run on CPU cpu itself (the kernel binds them). */
static int tapc_profile_online(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < tapc_ntimers; i++) {
		struct tapc_timer_site *s = &tapc_timers[i];

		struct tapc_cpu_timer *ct = s->cpu_timers;

		if (s->per_cpu && READ_ONCE(s->registered))
			hrtimer_start(&ct[cpu].timer,
				      ns_to_ktime(tapc_timer_period(s)),
				      HRTIMER_MODE_REL_PINNED_HARD);
	}
	return 0;
}

static int tapc_profile_offline(unsigned int cpu)
{
	unsigned int i;

	for (i = 0; i < tapc_ntimers; i++) {
		struct tapc_timer_site *s = &tapc_timers[i];
		struct tapc_cpu_timer *ct = s->cpu_timers;

		if (s->per_cpu && ct)
			hrtimer_cancel(&ct[cpu].timer);
	}
	return 0;
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
	return 0;
}

static void tapc_timers_unregister(void *sites, unsigned int n);

static int tapc_timers_register(void *sites, unsigned int n)
{
	unsigned int i;
	int rc;

	tapc_timers = sites;
	tapc_ntimers = n;
	for (i = 0; i < tapc_ntimers; i++) {
		struct tapc_timer_site *s = &tapc_timers[i];

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
				tapc_timers_unregister(sites, n);
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
	for (i = 0; i < tapc_ntimers; i++) {
		if (!tapc_timers[i].per_cpu)
			continue;
		/* starts the timers of every online CPU before returning */
		rc = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "tapc/timer.profile",
				       tapc_profile_online, tapc_profile_offline);
		if (rc < 0) {
			tapc_timers_unregister(sites, n);
			return rc;
		}
		tapc_profile_state = rc;
		break;
	}
	return 0;
}

static void tapc_timers_unregister(void *sites, unsigned int n)
{
	struct tapc_timer_site *site = sites;
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct tapc_timer_site *s = &site[i];

		if (!s->registered)	/* never set up: nothing to cancel */
			continue;
		WRITE_ONCE(s->registered, false);
		if (!s->per_cpu)
			hrtimer_cancel(&s->timer);
	}
	/* cancels every online CPU's profile timers, and no CPU can come
	 * online to start one again */
	if (tapc_profile_state > 0)
		cpuhp_remove_state(tapc_profile_state);
	tapc_profile_state = 0;
	for (i = 0; i < n; i++) {
		kfree(site[i].cpu_timers);
		site[i].cpu_timers = NULL;
	}
}

const struct tapc_provider tapc_timer_provider = {
	.name = "timer",
	.register_sites = tapc_timers_register,
	.unregister_sites = tapc_timers_unregister,
};
