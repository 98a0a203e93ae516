/* SPDX-License-Identifier: GPL-2.0 */
/*
 * stat.h - layout of statistics aggregates (API in tapc_runtime.h).
 *
 * One struct tapc_stat_data holds what `x <<< v` accumulates: count, sum,
 * min, max, the Welford running mean and M2 (both scaled by 2^bit_shift),
 * then the histogram buckets of the variable's shape.  Per-CPU copies are
 * merged into one on read; the histogram formatter works on a merged copy
 * and is plain C, so the unit tests run it in user space.
 */
#ifndef TAPC_STAT_H
#define TAPC_STAT_H

#include "tapc_runtime.h"

struct tapc_stat_data {
	int64_t count, sum, min, max;
	int64_t avg_s;			/* mean << bit_shift */
	int64_t m2_s;			/* sum of squared deviations << 2*bit_shift */
	int64_t hist[];			/* tapc_stat_buckets(shape) entries */
};

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

/* Log histogram geometry (128 buckets, bucket 64 holds 0). */
#define TAPC_HIST_LOG_BUCKETS 128
#define TAPC_HIST_LOG_BUCKET0 64
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
