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
};

/*
 * Maps keyed by one integer (t[tid()]: a key struct of one int64_t, so
 * key_size 8): the hit path inline in the generated code.  The translator
 * calls these instead of tapc_map_get/lookup/delete for such maps.
 */
static __always_inline u32 tapc_map_hash_i(const struct tapc_map *m, u64 k)
{
	/* multiplicative (Fibonacci) hashing: the product's high half */
	return (u32)(((k ^ m->seed) * 0x61c8864680b583ebull) >> 32);
}

static __always_inline struct tapc_map_node *
tapc_map_find_i(struct tapc_map *m, const void *key)
{
	u64 k = *(const u64 *)key;
	u32 hash = tapc_map_hash_i(m, k);
	struct tapc_map_node *n;

	hlist_for_each_entry(n, &m->buckets[hash & (m->nbuckets - 1)], hnode)
		if (n->data[0] == k)
			return n;
	return NULL;
}

static __always_inline void *tapc_map_lookup_i(struct tapc_map *m, const void *key)
{
	struct tapc_map_node *n = tapc_map_find_i(m, key);

	return n ? &n->data[1] : NULL;		/* the value follows the key */
}

/* An insert, or the overflow error, takes tapc_map_get()'s slow path. */
static __always_inline void *tapc_map_get_i(struct tapc_context *c,
					    struct tapc_map *m,
					    const void *key, const char *loc)
{
	struct tapc_map_node *n = tapc_map_find_i(m, key);

	return likely(n) ? &n->data[1] : tapc_map_get(c, m, key, loc);
}

/* list_move()/list_move_tail() without CONFIG_DEBUG_LIST's two checking
 * calls: every insert and delete moves a node from one list to the other
 * (never within one), and these lists are the map's own. */
static __always_inline void tapc_map_list_move(struct list_head *e,
					       struct list_head *prev,
					       struct list_head *next)
{
	e->next->prev = e->prev;	/* off its list (free or order)... */
	WRITE_ONCE(e->prev->next, e->next);
	next->prev = e;			/* ...onto the other, between prev and next */
	e->next = next;
	e->prev = prev;
	WRITE_ONCE(prev->next, e);
}

static __always_inline void tapc_map_unlink(struct tapc_map *m,
					    struct tapc_map_node *n)
{
	hlist_del(&n->hnode);
	tapc_map_list_move(&n->lnode, &m->free, m->free.next);
	m->count--;
}

static __always_inline bool tapc_map_delete_i(struct tapc_map *m, const void *key)
{
	struct tapc_map_node *n = tapc_map_find_i(m, key);

	if (!n)
		return false;
	tapc_map_unlink(m, n);
	return true;
}

#endif /* TAPC_MAP_H */
