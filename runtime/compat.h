/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the one place that knows about kernel-version differences.
 *
 * Every other runtime file calls the tapc_compat_* wrappers below instead of
 * testing LINUX_VERSION_CODE itself.  Supported: 6.1 .. 6.12 and later.
 */
#ifndef TAPC_COMPAT_H
#define TAPC_COMPAT_H

#include <linux/version.h>
#include <linux/hrtimer.h>
#include <linux/random.h>

/* hrtimer_setup() replaced hrtimer_init() + ->function in 6.13. */
static inline void tapc_compat_hrtimer_setup(struct hrtimer *t,
		enum hrtimer_restart (*fn)(struct hrtimer *),
		clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/* Uniform random number in [0, ceil); get_random_u32_below() is 6.1.y+. */
static inline u32 tapc_compat_random_below(u32 ceil)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 0)
	return get_random_u32_below(ceil);
#else
	return prandom_u32_max(ceil);
#endif
}

#endif /* TAPC_COMPAT_H */
