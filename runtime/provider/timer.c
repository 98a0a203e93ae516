// SPDX-License-Identifier: GPL-2.0
/*
 * provider/timer.c - timer.ns/us/ms/s/hz probes as hrtimers.
 *
 * One hrtimer per site, relative mode: hard interrupt context on ordinary
 * kernels, the timer softirq thread on PREEMPT_RT (the handler path
 * disables preemption itself).  .randomize(M) spreads each period over
 * interval +- M.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>

#include "../tapc_runtime.h"
#include "../compat.h"
#include "timer.h"

static u64 tapc_timer_period(const struct tapc_timer_site *s)
{
	u64 p = s->interval_ns;

	if (s->randomize_ns) {
		u64 r = min(s->randomize_ns, p - 1);

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

int tapc_timers_register(void)
{
	unsigned int i;

	for (i = 0; i < tapc_module.n_timers; i++) {
		struct tapc_timer_site *s = &tapc_module.timers[i];

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

	for (i = 0; i < tapc_module.n_timers; i++) {
		struct tapc_timer_site *s = &tapc_module.timers[i];

		if (!s->registered)
			continue;
		WRITE_ONCE(s->registered, false);
		hrtimer_cancel(&s->timer);
	}
}
