// SPDX-License-Identifier: GPL-2.0
/*
 * foreach.c - snapshot and sort a map for a sorted foreach (foreach.h).
 *
 * The kernel's sort() is a heapsort: not stable by itself, but the
 * comparators the translator generates end with the entries' insertion
 * sequence numbers, so the result is the same as a stable sort.  Runs in
 * probe context: no allocation, O(n log n) compares.
 */
#include <linux/sort.h>
#include "foreach.h"

u32 tapc_map_sort(struct tapc_map *m, struct tapc_sort_ent *ents, u32 max,
		  int (*cmp)(const void *, const void *))
{
	void *it;
	u32 n = 0;

	for (it = tapc_map_next(m, NULL); it && n < max; it = tapc_map_next(m, it)) {
		ents[n].it = it;
		ents[n].seq = n;
		n++;
	}
	sort(ents, n, sizeof(*ents), cmp, NULL);
	return n;
}
