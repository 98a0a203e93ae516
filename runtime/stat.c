// SPDX-License-Identifier: GPL-2.0
/*
 * stat.c - statistics aggregates (`<<<`), their histograms, and per-CPU
 * counters.
 *
 * Writers only touch the running CPU's copy, so `x <<< v` and `a[k] <<< v`
 * never wait on a lock shared by all CPUs.  A probe handler cannot be
 * interrupted by another one on the same CPU (the per-CPU context is busy,
 * the second hit is skipped), so each copy has one writer at a time.  A
 * scalar's copy takes no lock at all: readers on other CPUs use its
 * sequence count (stat.h).  A stats array's copy is a hash map whose
 * inserts move nodes, so it has a raw spinlock that only a reader merging
 * all CPUs contends for; irqs are disabled while it is held to keep the
 * hold time of a reader short and lockdep quiet.
 *
 * Variance is Welford's running mean/M2 in integers scaled by 2^bit_shift;
 * per-CPU partial results are merged with Chan et al.'s pairwise update.
 * Everything above "per-CPU containers" is plain C that the user-space
 * unit tests also build.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <linux/cpumask.h>
#include <linux/math64.h>
#include <linux/spinlock.h>

#include "tapc_runtime.h"
#include "stat.h"
#include "map.h"
#include "print.h"

/* ---- shapes and the merged data ---- */

int tapc_stat_buckets(const struct tapc_stat_shape *sh)
{
	switch (sh->hist) {
	case TAPC_HIST_LOG:
		return TAPC_HIST_LOG_BUCKETS;
	case TAPC_HIST_LINEAR:
		if (sh->width <= 0 || sh->hi < sh->lo)
			return 0;
		return div64_s64(sh->hi - sh->lo, sh->width) + 3;
	case TAPC_HIST_NONE:
		break;
	}
	return 0;
}

const char *tapc_stat_shape_error(const struct tapc_stat_shape *sh)
{
	if (sh->bit_shift < 0 || sh->bit_shift > 62)
		return "variance: bit shift must be between 0 and 62";
	if (sh->hist != TAPC_HIST_LINEAR)
		return NULL;
	if (sh->width <= 0)
		return "histogram: Interval must be greater than 0";
	if (sh->hi < sh->lo ||
	    div64_s64(sh->hi - sh->lo, sh->width) + 1 > 126)
		return "histogram: Number of buckets must be between 1 and 126";
	return NULL;
}

size_t tapc_stat_data_size(const struct tapc_stat_shape *sh)
{
	return sizeof(struct tapc_stat_data) +
	       tapc_stat_buckets(sh) * sizeof(int64_t);
}

void tapc_stat_data_reset(struct tapc_stat_data *d,
			  const struct tapc_stat_shape *sh)
{
	memset(d, 0, tapc_stat_data_size(sh));
}

/* Wrapping arithmetic: huge samples make variance meaningless, never
 * undefined (the kernel builds with -fno-strict-overflow anyway). */
static inline int64_t wmul(int64_t a, int64_t b)
{
	return (int64_t)((u64)a * (u64)b);
}

static inline int64_t wadd(int64_t a, int64_t b)
{
	return (int64_t)((u64)a + (u64)b);
}

/* x * 2^shift without the undefined left shift of a negative number */
static inline int64_t scale_up(int64_t x, int shift)
{
	return (int64_t)((u64)x << shift);
}

int tapc_hist_log_bucket(int64_t v)
{
	u64 m;

	if (v == 0)
		return TAPC_HIST_LOG_BUCKET0;
	m = v < 0 ? -(u64)v : (u64)v;	/* 2^63 for INT64_MIN */
	/* bucket 64 +- (1 + floor(log2 |v|)) */
	if (v > 0)
		return TAPC_HIST_LOG_BUCKET0 + 1 + (63 - __builtin_clzll(m));
	return TAPC_HIST_LOG_BUCKET0 - 1 - (63 - __builtin_clzll(m));
}

int64_t tapc_hist_log_value(int b)
{
	if (b == TAPC_HIST_LOG_BUCKET0)
		return 0;
	if (b > TAPC_HIST_LOG_BUCKET0)
		return (int64_t)1 << (b - TAPC_HIST_LOG_BUCKET0 - 1);
	return (int64_t)(-((u64)1 << (TAPC_HIST_LOG_BUCKET0 - 1 - b)));
}

static int hist_linear_bucket(const struct tapc_stat_shape *sh, int nb, int64_t v)
{
	int64_t i;

	if (v < sh->lo)
		return 0;
	/* v - lo may not fit in int64_t: compare before dividing */
	if ((u64)v - (u64)sh->lo >= (u64)(nb - 2) * (u64)sh->width)
		return nb - 1;
	i = div64_u64((u64)v - (u64)sh->lo, sh->width) + 1;
	return i;
}

/* Welford's update; d->count already includes v. */
void tapc_stat_data_variance(struct tapc_stat_data *d,
			     const struct tapc_stat_shape *sh, int64_t v)
{
	int64_t vs = scale_up(v, sh->bit_shift), delta;

	if (d->count == 1) {
		d->avg_s = vs;
		d->m2_s = 0;
		return;
	}
	delta = wadd(vs, -d->avg_s);
	d->avg_s = wadd(d->avg_s, div64_s64(delta, d->count));
	d->m2_s = wadd(d->m2_s, wmul(delta, wadd(vs, -d->avg_s)));
}

void tapc_stat_data_hist(struct tapc_stat_data *d,
			 const struct tapc_stat_shape *sh, int64_t v)
{
	switch (sh->hist) {
	case TAPC_HIST_LOG:
		d->hist[tapc_hist_log_bucket(v)]++;
		break;
	case TAPC_HIST_LINEAR:
		d->hist[hist_linear_bucket(sh, tapc_stat_buckets(sh), v)]++;
		break;
	case TAPC_HIST_NONE:
		break;
	}
}

void tapc_stat_data_add(struct tapc_stat_data *d,
			const struct tapc_stat_shape *sh, int64_t v)
{
	tapc_stat_data_add_inline(d, sh, v);
}

void tapc_stat_data_merge(struct tapc_stat_data *dst,
			  const struct tapc_stat_data *src,
			  const struct tapc_stat_shape *sh)
{
	int i, nb = tapc_stat_buckets(sh);
	int64_t n, delta, q;

	if (src->count == 0)
		return;
	for (i = 0; i < nb; i++)
		dst->hist[i] += src->hist[i];
	if (dst->count == 0) {
		dst->count = src->count;
		dst->sum = src->sum;
		dst->min = src->min;
		dst->max = src->max;
		dst->avg_s = src->avg_s;
		dst->m2_s = src->m2_s;
		return;
	}
	/* Chan et al.: M2 = M2a + M2b + delta^2 * na * nb / n */
	n = dst->count + src->count;
	delta = wadd(src->avg_s, -dst->avg_s);
	q = div64_s64(wmul(delta, dst->count), n);
	dst->m2_s = wadd(wadd(dst->m2_s, src->m2_s),
			 wmul(wmul(q, delta), src->count));
	dst->avg_s = wadd(dst->avg_s, div64_s64(wmul(delta, src->count), n));
	dst->count = n;
	dst->sum = (int64_t)((u64)dst->sum + (u64)src->sum);
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

bool tapc_stat_extract(struct tapc_context *c, const struct tapc_stat_data *d,
		       const struct tapc_stat_shape *sh, enum tapc_stat_op op,
		       int64_t *out, const char *loc)
{
	/* as in stap since 1.5: an empty aggregate has a count and a sum */
	if (op == TAPC_STAT_COUNT || (op == TAPC_STAT_SUM && d->count == 0)) {
		*out = op == TAPC_STAT_COUNT ? d->count : 0;
		return true;
	}
	if (d->count == 0) {
		*out = 0;
		tapc_error(c, "empty aggregate", loc);
		return false;
	}
	switch (op) {
	case TAPC_STAT_SUM:
		*out = d->sum;
		break;
	case TAPC_STAT_MIN:
		*out = d->min;
		break;
	case TAPC_STAT_MAX:
		*out = d->max;
		break;
	case TAPC_STAT_AVG:
		*out = div64_s64(d->sum, d->count);
		break;
	case TAPC_STAT_VARIANCE:
		/* sample variance; 0 for a single value */
		*out = d->count < 2 ? 0 :
			div64_s64(d->m2_s, d->count - 1) >> (2 * sh->bit_shift);
		break;
	case TAPC_STAT_COUNT:
		break;
	}
	return true;
}

bool tapc_stat_hist_bucket(struct tapc_context *c,
			   const struct tapc_stat_data *d,
			   const struct tapc_stat_shape *sh, int64_t i,
			   int64_t *out, const char *loc)
{
	if (i < 0 || i >= tapc_stat_buckets(sh)) {
		*out = 0;
		tapc_error(c, "histogram index out of range", loc);
		return false;
	}
	*out = d->hist[i];
	return true;
}

/* ---- histogram text ---- */

#ifndef HIST_WIDTH
#define HIST_WIDTH 50
#endif
#ifndef HIST_ELISION
#define HIST_ELISION 2
#endif

/* Characters "%lld" prints for v. */
static int num_width(int64_t v)
{
	u64 m = v < 0 ? -(u64)v : (u64)v;
	int n = v < 0 ? 2 : 1;

	while (m >= 10) {
		m /= 10;
		n++;
	}
	return n;
}

struct hist_out {
	void (*emit)(void *arg, const char *s, size_t n);
	void *arg;
	char line[HIST_WIDTH + 96];	/* one row: label, bar, count */
};

static void hist_put(struct hist_out *o, int len)
{
	o->emit(o->arg, o->line, len);
}

/* Row label of bucket i and its prefix ("<", ">" or ""). */
static int64_t hist_label(const struct tapc_stat_shape *sh, int nb, int i,
			  const char **prefix)
{
	*prefix = "";
	if (sh->hist == TAPC_HIST_LOG)
		return tapc_hist_log_value(i);
	if (i == 0) {
		*prefix = "<";
		return sh->lo;
	}
	if (i == nb - 1) {
		*prefix = ">";
		return sh->lo + (int64_t)(i - 2) * sh->width;
	}
	return sh->lo + (int64_t)(i - 1) * sh->width;
}

/* A zero row is shown only near data: some non-zero bucket of the shown
 * range lies within HIST_ELISION rows of it. */
static bool hist_elided(const int64_t *h, int lo, int hi, int i)
{
	int k, from = i - HIST_ELISION, to = i + HIST_ELISION;

	if ((long)HIST_ELISION < 0)
		return false;
	if (from < lo)
		from = lo;
	if (to > hi)
		to = hi;
	for (k = from; k <= to; k++)
		if (h[k])
			return false;
	return true;
}

void tapc_hist_format(const struct tapc_stat_data *d,
		      const struct tapc_stat_shape *sh,
		      void (*emit)(void *arg, const char *s, size_t n),
		      void *arg)
{
	const int64_t *h = d->hist;
	int nb = tapc_stat_buckets(sh);
	int lo = -1, hi = 0, i, j, k, val_space, cnt_space, len;
	int64_t vmax = 0, scale;
	bool eliding = false;
	struct hist_out o = { .emit = emit, .arg = arg };

	if (!nb || d->count == 0)
		return;
	for (i = 0; i < nb; i++) {
		if (h[i] > 0 && lo < 0)
			lo = i;
		if (h[i] > 0)
			hi = i;
		if (h[i] > vmax)
			vmax = h[i];
	}
	if (lo < 0)
		return;
	/* two zero rows of margin; a log histogram doesn't grow into the
	 * negative buckets unless it has negative data */
	for (i = 0; i < 2; i++) {
		if (lo > 0 && !(sh->hist == TAPC_HIST_LOG &&
				lo == TAPC_HIST_LOG_BUCKET0))
			lo--;
		if (hi < nb - 1)
			hi++;
	}
	if (sh->hist == TAPC_HIST_LINEAR) {
		/* empty under/overflow rows are not shown */
		if (lo == 0 && !h[0])
			lo++;
		if (hi == nb - 1 && !h[nb - 1])
			hi--;
	}
	scale = vmax <= HIST_WIDTH ? 1 : div64_s64(vmax + HIST_WIDTH - 1, HIST_WIDTH);
	cnt_space = num_width(vmax);
	/* label column: as wide as the end labels of the range ("value" at
	 * least); a linear histogram sizes it for its whole declared range */
	if (sh->hist == TAPC_HIST_LINEAR) {
		val_space = max(num_width(sh->lo) + (lo == 0),
				num_width(sh->lo + (int64_t)(nb - 3) * sh->width) +
				(hi == nb - 1));
	} else {
		val_space = max(num_width(tapc_hist_log_value(lo)),
				num_width(tapc_hist_log_value(hi)));
	}
	if (val_space < 5)
		val_space = 5;

	len = snprintf(o.line, sizeof(o.line), "%*s |", val_space, "value");
	for (j = 0; j < HIST_WIDTH; j++)
		o.line[len++] = '-';
	len += snprintf(o.line + len, sizeof(o.line) - len, " count\n");
	hist_put(&o, len);

	for (i = lo; i <= hi; i++) {
		const char *pfx;
		int64_t v, bars;

		if (hist_elided(h, lo, hi, i)) {
			eliding = true;
			continue;
		}
		if (eliding) {
			len = snprintf(o.line, sizeof(o.line), "%*s ~\n",
				       val_space, "");
			hist_put(&o, len);
			eliding = false;
		}
		v = hist_label(sh, nb, i, &pfx);
		len = snprintf(o.line, sizeof(o.line), "%*s%lld |",
			       val_space - num_width(v), pfx, (long long)v);
		bars = div64_s64(h[i], scale);
		for (k = 0; k < bars && len < (int)sizeof(o.line) - 40; k++)
			o.line[len++] = '@';
		len += snprintf(o.line + len, sizeof(o.line) - len, "%*lld\n",
				(int)(HIST_WIDTH - bars + 1 + cnt_space),
				(long long)h[i]);
		hist_put(&o, len);
	}
	o.line[0] = '\n';
	hist_put(&o, 1);
}

/* ---- per-CPU containers ---- */

static inline struct tapc_stat_data *slot_data(struct tapc_stat_slot *s)
{
	return (struct tapc_stat_data *)s->data;
}

static bool tapc_stat_shape_check(const struct tapc_stat_shape *sh,
				  const char *name)
{
	const char *why = tapc_stat_shape_error(sh);

	if (why)
		tapc_warn("%s (%s)", why, name);
	return !why;
}

struct tapc_stat *tapc_stat_alloc(const struct tapc_stat_shape *sh,
				  const char *name)
{
	size_t dsize = tapc_stat_data_size(sh);
	struct tapc_stat *s;
	int cpu;

	if (!tapc_stat_shape_check(sh, name))
		return NULL;
	s = kzalloc(sizeof(*s), GFP_KERNEL | __GFP_NOWARN);
	if (!s)
		goto nomem;
	s->shape = sh;
	/* per-CPU memory (zeroed): this CPU's slot is one %gs-relative
	 * address away, and CPUs stay off each other's lines */
	s->cpu = __alloc_percpu_gfp(sizeof(struct tapc_stat_slot) + dsize,
				    __alignof__(struct tapc_stat_slot),
				    GFP_KERNEL | __GFP_NOWARN);
	s->agg = kzalloc(dsize, GFP_KERNEL | __GFP_NOWARN);
	s->copy = kzalloc(dsize, GFP_KERNEL | __GFP_NOWARN);
	if (!s->cpu || !s->agg || !s->copy)
		goto nomem;
	for_each_possible_cpu(cpu)
		seqcount_init(&per_cpu_ptr(s->cpu, cpu)->seq);
	return s;
nomem:
	tapc_stat_free(s);
	tapc_err("cannot allocate global '%s': out of memory", name);
	return NULL;
}

void tapc_stat_free(struct tapc_stat *s)
{
	if (!s)
		return;
	free_percpu(s->cpu);
	kfree(s->agg);
	kfree(s->copy);
	kfree(s);
}

void tapc_stat_add(struct tapc_stat *s, int64_t v)
{
	tapc_stat_add_shaped(s, s->shape, v);
}

/* On the slot's CPU: the only writer of its slot. */
void tapc_stat_add_stale(struct tapc_stat *s, struct tapc_stat_slot *slot,
			 int64_t v)
{
	raw_write_seqcount_begin(&slot->seq);
	tapc_stat_data_reset(slot_data(slot), s->shape);
	slot->gen = READ_ONCE(s->gen);
	tapc_stat_data_add(slot_data(slot), s->shape, v);
	raw_write_seqcount_end(&slot->seq);
}

/* Callers hold the global's tapc_lock (or run in begin/end/error). */
void tapc_stat_clear(struct tapc_stat *s)
{
	WRITE_ONCE(s->gen, s->gen + 1);
}

const struct tapc_stat_data *tapc_stat_get(struct tapc_stat *s)
{
	size_t dsize = tapc_stat_data_size(s->shape);
	unsigned int gen = READ_ONCE(s->gen), seq;
	bool live;
	int cpu;

	tapc_stat_data_reset(s->agg, s->shape);
	for_each_possible_cpu(cpu) {
		struct tapc_stat_slot *slot = per_cpu_ptr(s->cpu, cpu);

		/* a writer's section is short straight-line code that can't
		 * be preempted: the retry loop ends */
		do {
			seq = read_seqcount_begin(&slot->seq);
			live = slot->gen == gen;
			if (live)
				memcpy(s->copy, slot->data, dsize);
		} while (read_seqcount_retry(&slot->seq, seq));
		if (live)
			tapc_stat_data_merge(s->agg, s->copy, s->shape);
	}
	return s->agg;
}

static void hist_emit_print(void *arg, const char *s, size_t n)
{
	tapc_print_bytes(arg, s, n);
}

void tapc_stat_print_hist(struct tapc_context *c,
			  const struct tapc_stat_data *d,
			  const struct tapc_stat_shape *sh)
{
	tapc_hist_format(d, sh, hist_emit_print, c);
}

/* ---- stats arrays ---- */

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

struct tapc_stat_map *tapc_stat_map_alloc(u32 key_size, u32 max_entries,
					  bool wrap,
					  const struct tapc_stat_shape *sh,
					  const char *name)
{
	size_t dsize = tapc_stat_data_size(sh);
	struct tapc_stat_map *m;
	int cpu;

	if (!tapc_stat_shape_check(sh, name))
		return NULL;
	/* one map per CPU and the merged one: all or nothing, checked once */
	if (!tapc_mem_check(name, max_entries, nr_cpu_ids + 1, 0,
			    (nr_cpu_ids + 1) * tapc_map_bytes(key_size, dsize, max_entries)))
		return NULL;
	m = kzalloc(sizeof(*m), GFP_KERNEL | __GFP_NOWARN);
	if (!m)
		goto nomem;
	m->shape = sh;
	m->cpu = kcalloc(nr_cpu_ids, sizeof(*m->cpu), GFP_KERNEL | __GFP_NOWARN);
	m->one = kzalloc(dsize, GFP_KERNEL | __GFP_NOWARN);
	if (!m->cpu || !m->one)
		goto nomem;
	/* tapc_map_alloc() says why it failed */
	m->agg = tapc_map_alloc(key_size, dsize, max_entries, wrap, name);
	if (!m->agg)
		goto fail;
	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = kzalloc(sizeof(*pc), GFP_KERNEL | __GFP_NOWARN);

		if (!pc)
			goto nomem;
		m->cpu[cpu] = pc;
		raw_spin_lock_init(&pc->lock);
		pc->m = tapc_map_alloc(key_size, dsize, max_entries, wrap, name);
		if (!pc->m)
			goto fail;
	}
	return m;
nomem:
	tapc_err("cannot allocate global '%s': out of memory", name);
fail:
	tapc_stat_map_free(m);
	return NULL;
}

void tapc_stat_map_free(struct tapc_stat_map *m)
{
	int cpu;

	if (!m)
		return;
	if (m->cpu)
		for_each_possible_cpu(cpu) {
			if (m->cpu[cpu])
				tapc_map_free(m->cpu[cpu]->m);
			kfree(m->cpu[cpu]);
		}
	kfree(m->cpu);
	tapc_map_free(m->agg);
	kfree(m->one);
	kfree(m);
}

bool tapc_stat_map_sort_bufs(struct tapc_stat_map *m, u32 n)
{
	return tapc_map_sort_bufs(m->agg, n);
}

bool tapc_stat_map_add(struct tapc_context *c, struct tapc_stat_map *m,
		       const void *key, int64_t v, const char *loc)
{
	struct tapc_stat_map_cpu *pc = m->cpu[raw_smp_processor_id()];
	struct tapc_stat_data *d;
	unsigned long flags;

	raw_spin_lock_irqsave(&pc->lock, flags);
	/* a new entry is zeroed: that is an empty aggregate */
	d = tapc_map_get(c, pc->m, key, loc);
	if (d)
		tapc_stat_data_add(d, m->shape, v);
	raw_spin_unlock_irqrestore(&pc->lock, flags);
	return d != NULL;
}

const struct tapc_stat_data *tapc_stat_map_get(struct tapc_stat_map *m,
					       const void *key)
{
	unsigned long flags;
	int cpu;

	tapc_stat_data_reset(m->one, m->shape);
	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = m->cpu[cpu];
		const struct tapc_stat_data *d;

		raw_spin_lock_irqsave(&pc->lock, flags);
		d = tapc_map_lookup(pc->m, key);
		if (d)
			tapc_stat_data_merge(m->one, d, m->shape);
		raw_spin_unlock_irqrestore(&pc->lock, flags);
	}
	return m->one;
}

bool tapc_stat_map_exists(struct tapc_stat_map *m, const void *key)
{
	unsigned long flags;
	bool found = false;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = m->cpu[cpu];

		raw_spin_lock_irqsave(&pc->lock, flags);
		found = tapc_map_lookup(pc->m, key) != NULL;
		raw_spin_unlock_irqrestore(&pc->lock, flags);
		if (found)
			break;
	}
	return found;
}

bool tapc_stat_map_delete(struct tapc_stat_map *m, const void *key)
{
	unsigned long flags;
	bool found = false;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = m->cpu[cpu];

		raw_spin_lock_irqsave(&pc->lock, flags);
		if (tapc_map_delete(pc->m, key))
			found = true;
		raw_spin_unlock_irqrestore(&pc->lock, flags);
	}
	tapc_map_delete(m->agg, key);
	return found;
}

void tapc_stat_map_clear(struct tapc_stat_map *m)
{
	unsigned long flags;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = m->cpu[cpu];

		raw_spin_lock_irqsave(&pc->lock, flags);
		tapc_map_clear(pc->m);
		raw_spin_unlock_irqrestore(&pc->lock, flags);
	}
	tapc_map_clear(m->agg);
}

struct tapc_map *tapc_stat_map_aggregate(struct tapc_context *c,
					 struct tapc_stat_map *m,
					 const char *loc)
{
	unsigned long flags;
	bool ok = true;
	int cpu;

	tapc_map_clear(m->agg);
	for_each_possible_cpu(cpu) {
		struct tapc_stat_map_cpu *pc = m->cpu[cpu];
		void *it;

		raw_spin_lock_irqsave(&pc->lock, flags);
		for (it = tapc_map_next(pc->m, NULL); it && ok;
		     it = tapc_map_next(pc->m, it)) {
			struct tapc_stat_data *d;

			d = tapc_map_get(c, m->agg, tapc_map_key(pc->m, it), loc);
			if (d)
				tapc_stat_data_merge(d, tapc_map_value(pc->m, it),
						     m->shape);
			else
				ok = false;
		}
		raw_spin_unlock_irqrestore(&pc->lock, flags);
	}
	return ok ? m->agg : NULL;
}

/* ---- per-CPU counters ---- */

int64_t tapc_pcount_read(int64_t __percpu *v)
{
	int64_t sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(*per_cpu_ptr(v, cpu));
	return sum;
}

void tapc_pcount_set(int64_t __percpu *v, int64_t x)
{
	int cpu;

	for_each_possible_cpu(cpu)
		WRITE_ONCE(*per_cpu_ptr(v, cpu), 0);
	WRITE_ONCE(*this_cpu_ptr(v), x);
}

struct tapc_counter {
	int64_t __percpu *v;
};

struct tapc_counter *tapc_counter_alloc(void)
{
	struct tapc_counter *ctr = kzalloc(sizeof(*ctr), GFP_KERNEL);

	if (!ctr)
		return NULL;
	ctr->v = alloc_percpu(int64_t);
	if (!ctr->v) {
		kfree(ctr);
		return NULL;
	}
	return ctr;
}

void tapc_counter_free(struct tapc_counter *ctr)
{
	if (!ctr)
		return;
	free_percpu(ctr->v);
	kfree(ctr);
}

void tapc_counter_add(struct tapc_counter *ctr, int64_t n)
{
	this_cpu_add(*ctr->v, n);
}

int64_t tapc_counter_read(const struct tapc_counter *ctr)
{
	return tapc_pcount_read(ctr->v);
}

void tapc_counter_set(struct tapc_counter *ctr, int64_t v)
{
	tapc_pcount_set(ctr->v, v);
}
