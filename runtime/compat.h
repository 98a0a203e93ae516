/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compat.h - the one place that knows about kernel-version differences.
 *
 * Every other runtime file calls the tapc_compat_* wrappers below.  Which
 * API the target kernel has is found by compiling the probes in
 * runtime/autoconf/ against its headers (distributions backport APIs, so a
 * version number can't tell): tapc writes the TAPC_HAVE_* results into
 * tapc_autoconf.h, once per kernel build tree (compiler/autoconf.c).
 * Supported: 6.1 .. 6.12 and later.
 */
#ifndef TAPC_COMPAT_H
#define TAPC_COMPAT_H

#include "tapc_autoconf.h"
#include <linux/hrtimer.h>
#include <linux/random.h>
#include <linux/uprobes.h>

/* hrtimer_setup() replaced hrtimer_init() + ->function in 6.13. */
static inline void tapc_compat_hrtimer_setup(struct hrtimer *t,
		enum hrtimer_restart (*fn)(struct hrtimer *),
		clockid_t clock, enum hrtimer_mode mode)
{
#ifdef TAPC_HAVE_HRTIMER_SETUP
	hrtimer_setup(t, fn, clock, mode);
#else
	hrtimer_init(t, clock, mode);
	t->function = fn;
#endif
}

/* Uniform random number in [0, ceil). */
static inline u32 tapc_compat_random_below(u32 ceil)
{
#ifdef TAPC_HAVE_GET_RANDOM_U32_BELOW
	return get_random_u32_below(ceil);
#else
	return prandom_u32_max(ceil);
#endif
}

/*
 * Uprobes by inode and file offset, with an SDT semaphore's file offset
 * (ref, 0: none) the kernel counts up in every process while the probe is
 * attached.  6.1 has uprobe_register_refctr() and unregisters by inode and
 * offset, synchronously; 6.12's uprobe_register() takes the semaphore and
 * returns the uprobe (*handle), which uprobe_unregister_nosync() takes,
 * and one uprobe_unregister_sync() then waits for running handlers.
 */
static inline int tapc_compat_uprobe_register(struct inode *inode, loff_t off, loff_t ref,
					      struct uprobe_consumer *uc, void **handle)
{
#ifdef TAPC_HAVE_UPROBE_UNREGISTER_NOSYNC
	struct uprobe *u = uprobe_register(inode, off, ref, uc);

	if (IS_ERR(u))
		return PTR_ERR(u);
	*handle = u;
	return 0;
#else
	*handle = NULL;
	if (ref)
		return uprobe_register_refctr(inode, off, ref, uc);
	return uprobe_register(inode, off, uc);
#endif
}

static inline void tapc_compat_uprobe_unregister(struct inode *inode, loff_t off,
						 struct uprobe_consumer *uc, void *handle)
{
#ifdef TAPC_HAVE_UPROBE_UNREGISTER_NOSYNC
	uprobe_unregister_nosync(handle, uc);
#else
	uprobe_unregister(inode, off, uc);
#endif
}

/* After a batch of tapc_compat_uprobe_unregister(): no handler runs. */
static inline void tapc_compat_uprobe_unregister_sync(void)
{
#ifdef TAPC_HAVE_UPROBE_UNREGISTER_NOSYNC
	uprobe_unregister_sync();
#endif
}

#endif /* TAPC_COMPAT_H */
