/* SPDX-License-Identifier: GPL-2.0 */
/* hrtimer_setup() (6.13) sets the callback with the init; it replaced
 * hrtimer_init() + ->function, which later kernels no longer allow. */
#include <linux/hrtimer.h>

static enum hrtimer_restart tapc_ac_fire(struct hrtimer *t)
{
	return HRTIMER_NORESTART;
}

void tapc_autoconf_test(struct hrtimer *t);
void tapc_autoconf_test(struct hrtimer *t)
{
	hrtimer_setup(t, tapc_ac_fire, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
}
