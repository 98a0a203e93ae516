/* SPDX-License-Identifier: GPL-2.0 */
/*
 * foreach.h - sorted iteration for the script's foreach statement.
 *
 * A sorted foreach (`foreach (k in a-)`) snapshots the map's entries into
 * a buffer of its own (tapc_map_sort_buf(): one per foreach statement over
 * the map, as large as the map, allocated with it at load, never in the
 * module's image; the probe holds the global's lock, so nothing else uses
 * it meanwhile) and sorts that.  Each entry remembers its place
 * in insertion order, and the generated comparator falls back on it, so
 * ties keep the order an unsorted foreach would show.
 */
#ifndef TAPC_FOREACH_H
#define TAPC_FOREACH_H

#include "tapc_runtime.h"

struct tapc_sort_ent {
	void *it;			/* a tapc_map_next() iterator */
	u32 seq;			/* position in insertion order */
};

/* Fill ents with up to max entries of m and sort them with cmp (which
 * compares two struct tapc_sort_ent); returns how many. */
u32 tapc_map_sort(struct tapc_map *m, struct tapc_sort_ent *ents, u32 max,
		  int (*cmp)(const void *, const void *));

/* Three-way comparisons for generated comparators. */
static inline int tapc_cmp_s64(int64_t a, int64_t b)
{
	return a < b ? -1 : a > b;
}

static inline int tapc_cmp_seq(const struct tapc_sort_ent *a,
			       const struct tapc_sort_ent *b)
{
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

#endif /* TAPC_FOREACH_H */
