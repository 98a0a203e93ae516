/* SPDX-License-Identifier: GPL-2.0 */
/*
 * map.h - layout of the preallocated byte-key hash maps (API in
 * tapc_runtime.h).
 *
 * All max_entries nodes are allocated at load in one pool; a node sits
 * either on the free list or on the insertion-order list (iteration, and
 * the victim choice of wrap mode: the oldest entry is reused).
 */
#ifndef TAPC_MAP_H
#define TAPC_MAP_H

#include <linux/list.h>
#include "tapc_runtime.h"

struct tapc_map_node {
	struct hlist_node hnode;	/* hash chain */
	struct list_head lnode;		/* order list or free list */
	u32 hash;
	u32 klen;			/* bytes of the key compared */
	u64 data[];			/* key (padded to 8), then value */
};

struct tapc_map {
	u32 key_size, value_size;
	u32 key_stride;			/* key_size rounded up to 8 */
	u32 max_entries, count;
	u32 nbuckets;			/* power of two */
	u32 seed;
	bool wrap;
	bool str_key;			/* key: one NUL-terminated string */
	const char *name;
	size_t node_size;
	struct hlist_head *buckets;
	struct list_head order, free;
	char *pool;
	struct tapc_sort_ent *sort;	/* nsort buffers of max_entries */
	u32 nsort;
};

/* Entries a map may have: its bucket count, a power of two at least as
 * large, must fit its u32. */
#define TAPC_MAP_MAX_ENTRIES	(1u << 31)

/* Bytes of a map of max_entries entries (nodes and buckets). */
u64 tapc_map_bytes(u32 key_size, u32 value_size, u32 max_entries);
/* May global name (entries, in copies maps, or nsort sort buffers for
 * them) take bytes now?  If not, an ERROR message says why. */
bool tapc_mem_check(const char *name, u32 entries, unsigned int copies, u32 nsort, u64 bytes);

#endif /* TAPC_MAP_H */
