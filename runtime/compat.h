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

#include <linux/module.h>

/* A module's text, and everything else it keeps after init, in bytes:
 * struct module's mem[] replaced core_layout in 6.4. */
static inline unsigned long tapc_compat_module_text_size(const struct module *m)
{
#ifdef TAPC_HAVE_MODULE_MEM
	return m->mem[MOD_TEXT].size;
#else
	return m->core_layout.text_size;
#endif
}

static inline unsigned long tapc_compat_module_data_size(const struct module *m)
{
#ifdef TAPC_HAVE_MODULE_MEM
	return m->mem[MOD_DATA].size + m->mem[MOD_RODATA].size + m->mem[MOD_RO_AFTER_INIT].size;
#else
	return m->core_layout.size - m->core_layout.text_size;
#endif
}

#include <linux/mm_types.h>
#include <linux/percpu_counter.h>

/* Where the mm's page counter `member` (MM_FILEPAGES...) is, as a long:
 * rss_stat is an array of percpu_counters since 6.2 (their shared count;
 * the CPUs' pending deltas are not in it, as get_mm_counter() reads it),
 * an mm_rss_stat of atomic_long_t before. */
static inline unsigned long tapc_compat_mm_counter_addr(unsigned long mm, int member)
{
#ifdef TAPC_HAVE_MM_RSS_PERCPU
	return mm + offsetof(struct mm_struct, rss_stat) + member * sizeof(struct percpu_counter) +
	       offsetof(struct percpu_counter, count);
#else
	return mm + offsetof(struct mm_struct, rss_stat) + member * sizeof(atomic_long_t);
#endif
}

#ifdef CONFIG_X86
#include <asm/msr.h>

/* A model-specific register (print_regs()); rdmsrq() is rdmsrl()'s
 * name since 6.16. */
static inline u64 tapc_compat_rdmsr(u32 msr)
{
	u64 v;

#ifdef TAPC_HAVE_RDMSRQ
	rdmsrq(msr, v);
#else
	rdmsrl(msr, v);
#endif
	return v;
}
#endif

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
