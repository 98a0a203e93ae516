/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stat.h - layout of statistics aggregates (API in tapc_runtime.h).
 *
 * One struct tapc_stat_data holds what `x <<< v` accumulates: count, sum,
 * min, max, for @variance the first value (the pivot) and the sums of
 * v - pivot and of its square in 128 bits, then the histogram buckets of the
 * variable's shape.  Per-CPU copies are
 * merged into one on read; the histogram formatter works on a merged copy
 * and is plain C, so the unit tests run it in user space.
 */
#ifndef TAPC_STAT_H
#define TAPC_STAT_H

#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "tapc_runtime.h"
#include "map.h"

struct tapc_stat_data {
	int64_t count, sum, min, max;
	/* @variance: exact sums of d = v - pivot and d^2, 128 bits each as
	 * {low, high} words (u64 pairs keep the struct 8-byte aligned);
	 * the pivot keeps them small, whatever the values' magnitude */
	int64_t pivot;
	u64 s1[2], s2[2];
	int64_t hist[];			/* tapc_stat_buckets(shape) entries */
};

/* Out of line parts of tapc_stat_data_add(); d->count already counts v. */
void tapc_stat_data_variance(struct tapc_stat_data *d,
			     const struct tapc_stat_shape *sh, int64_t v);
void tapc_stat_data_hist(struct tapc_stat_data *d,
			 const struct tapc_stat_shape *sh, int64_t v);

/* Log histogram geometry (128 buckets, bucket 64 holds 0). */
#define TAPC_HIST_LOG_BUCKETS 128
#define TAPC_HIST_LOG_BUCKET0 64

/* bucket 64 +- (1 + floor(log2 |v|)) */
static __always_inline int tapc_hist_log_bucket_inline(int64_t v)
{
	u64 m;

	if (v == 0)
		return TAPC_HIST_LOG_BUCKET0;
	m = v < 0 ? -(u64)v : (u64)v;	/* 2^63 for INT64_MIN */
	if (v > 0)
		return TAPC_HIST_LOG_BUCKET0 + 1 + (63 - __builtin_clzll(m));
	return TAPC_HIST_LOG_BUCKET0 - 1 - (63 - __builtin_clzll(m));
}

/* Account one value.  Inline so that with a constant shape (the
 * translator's g_NAME_shape) only the work that shape needs is left:
 * count, sum, min, max; the running variance only for variables that
 * @variance reads, the histogram only for printed/indexed ones. */
static __always_inline void
tapc_stat_data_add_inline(struct tapc_stat_data *d,
			  const struct tapc_stat_shape *sh, int64_t v)
{
	if (d->count == 0) {
		d->sum = d->min = d->max = v;
	} else {
		d->sum = (int64_t)((u64)d->sum + (u64)v);	/* wraps, as in C */
		if (v < d->min)
			d->min = v;
		if (v > d->max)
			d->max = v;
	}
	d->count++;
	if (!sh->no_variance)
		tapc_stat_data_variance(d, sh, v);
	if (sh->hist == TAPC_HIST_LOG)
		d->hist[tapc_hist_log_bucket_inline(v)]++;
	else if (sh->hist != TAPC_HIST_NONE)
		tapc_stat_data_hist(d, sh, v);
}

/*
 * A scalar stats global: one slot per CPU.  Only that CPU's handlers write
 * it, one at a time (a second hit on a busy CPU is skipped), so a write
 * needs no lock: a sequence count lets a reader on another CPU take a
 * consistent copy.  `delete x` (a reader, under the global's tapc_lock)
 * doesn't touch other CPUs' slots: it bumps gen, and a slot of an older
 * gen counts as empty and is reset by its CPU's next write.
 */
struct tapc_stat_slot {
	seqcount_t seq;
	unsigned int gen;
	u64 data[];			/* struct tapc_stat_data */
};

struct tapc_stat {
	const struct tapc_stat_shape *shape;
	struct tapc_stat_slot __percpu *cpu;	/* this CPU's: this_cpu_ptr() */
	struct tapc_stat_data *agg;	/* merged by tapc_stat_get() */
	struct tapc_stat_data *copy;	/* one slot read under its seqcount */
	unsigned int gen;
};

/* The first add to a slot since a delete: reset it, then add v. */
void tapc_stat_add_stale(struct tapc_stat *s, struct tapc_stat_slot *slot,
			 int64_t v);

/* x <<< v with x's shape sh (== s->shape, constant in generated code).
 * Probe context, preemption off. */
static __always_inline void tapc_stat_add_shaped(struct tapc_stat *s,
						 const struct tapc_stat_shape *sh,
						 int64_t v)
{
	struct tapc_stat_slot *slot = this_cpu_ptr(s->cpu);

	if (unlikely(slot->gen != READ_ONCE(s->gen))) {
		/* out of line and whole: nothing stays live across it */
		tapc_stat_add_stale(s, slot, v);
		return;
	}
	raw_write_seqcount_begin(&slot->seq);
	tapc_stat_data_add_inline((struct tapc_stat_data *)slot->data, sh, v);
	raw_write_seqcount_end(&slot->seq);
}

/* A stats array: one map per CPU, each behind its own lock (stat.c). */
struct tapc_stat_map_cpu {
	raw_spinlock_t lock;
	struct tapc_map *m;
};

struct tapc_stat_map {
	const struct tapc_stat_shape *shape;
	struct tapc_stat_map_cpu **cpu;	/* [nr_cpu_ids] */
	struct tapc_map *agg;		/* rebuilt by tapc_stat_map_aggregate() */
	struct tapc_stat_data *one;	/* result of tapc_stat_map_get() */
};

/* A CPU's map lock, taken by its own probes (where preemption is off
 * already) and by readers merging all CPUs: with the uncontended case
 * inline, as tapc_lock_one(), instead of two calls. */
static __always_inline unsigned long
tapc_stat_map_lock(struct tapc_stat_map_cpu *pc)
{
	unsigned long flags;

#if defined(__KERNEL__) && !defined(CONFIG_DEBUG_SPINLOCK)
	local_irq_save(flags);
	spin_acquire(&pc->lock.dep_map, 0, 0, _RET_IP_);
	do_raw_spin_lock(&pc->lock);
#else
	raw_spin_lock_irqsave(&pc->lock, flags);
#endif
	return flags;
}

static __always_inline void tapc_stat_map_unlock(struct tapc_stat_map_cpu *pc,
						 unsigned long flags)
{
#if defined(__KERNEL__) && !defined(CONFIG_DEBUG_SPINLOCK)
	spin_release(&pc->lock.dep_map, _RET_IP_);
	do_raw_spin_unlock(&pc->lock);
	local_irq_restore(flags);
#else
	raw_spin_unlock_irqrestore(&pc->lock, flags);
#endif
}

/* a[k] <<< v with a's shape sh (== m->shape, constant in generated code):
 * tapc_stat_map_add() with the accounting inline. */
static __always_inline bool
tapc_stat_map_add_keyed(struct tapc_context *c, struct tapc_stat_map *m,
			const struct tapc_stat_shape *sh, const void *key,
			int64_t v, const char *loc, bool str_key)
{
	struct tapc_stat_map_cpu *pc = m->cpu[raw_smp_processor_id()];
	struct tapc_stat_data *d;
	unsigned long flags;

	flags = tapc_stat_map_lock(pc);
	/* a new entry is zeroed: that is an empty aggregate */
	d = str_key ? tapc_map_get_s(c, pc->m, key, loc) :
		      tapc_map_get(c, pc->m, key, loc);
	if (d)
		tapc_stat_data_add_inline(d, sh, v);
	tapc_stat_map_unlock(pc, flags);
	return d != NULL;
}

static __always_inline bool
tapc_stat_map_add_shaped(struct tapc_context *c, struct tapc_stat_map *m,
			 const struct tapc_stat_shape *sh, const void *key,
			 int64_t v, const char *loc)
{
	return tapc_stat_map_add_keyed(c, m, sh, key, v, loc, false);
}

/* The same for an array keyed by one string (allocated with key_size 0). */
static __always_inline bool
tapc_stat_map_add_shaped_s(struct tapc_context *c, struct tapc_stat_map *m,
			   const struct tapc_stat_shape *sh, const void *key,
			   int64_t v, const char *loc)
{
	return tapc_stat_map_add_keyed(c, m, sh, key, v, loc, true);
}

/* Bytes of one tapc_stat_data for this shape. */
size_t tapc_stat_data_size(const struct tapc_stat_shape *sh);
void tapc_stat_data_reset(struct tapc_stat_data *d,
			  const struct tapc_stat_shape *sh);
/* Account one value / merge src into dst (same shape). */
void tapc_stat_data_add(struct tapc_stat_data *d,
			const struct tapc_stat_shape *sh, int64_t v);
void tapc_stat_data_merge(struct tapc_stat_data *dst,
			  const struct tapc_stat_data *src,
			  const struct tapc_stat_shape *sh);

int tapc_hist_log_bucket(int64_t v);
int64_t tapc_hist_log_value(int b);

/* Histogram text in SystemTap's layout, handed to emit() piece by piece
 * (a piece is never longer than one row).  Prints nothing for an empty
 * aggregate. */
void tapc_hist_format(const struct tapc_stat_data *d,
		      const struct tapc_stat_shape *sh,
		      void (*emit)(void *arg, const char *s, size_t n),
		      void *arg);

#endif /* TAPC_STAT_H */
