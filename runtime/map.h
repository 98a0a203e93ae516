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

/*
 * String keys, a word at a time: a key is always a whole MAXSTRINGLEN
 * buffer (a frame temp, a key struct or a node), so the words before
 * byte MAXSTRINGLEN - 1 can be read past the NUL; the bytes after it are
 * masked off.  One pass finds the length and the hash, where strnlen,
 * jhash and memcmp took a byte loop each.
 */
#define TAPC_MAP_STR_END (MAXSTRINGLEN - 1)	/* bytes a string may use */

static __always_inline u64 tapc_map_str_word(const char *p)
{
	u64 w;

	memcpy(&w, p, sizeof(w));	/* one move: x86 reads unaligned */
	return w;
}

/* the bytes of w before byte n (little-endian) */
static __always_inline u64 tapc_map_str_head(u64 w, u32 n)
{
	return n ? w & (~0ull >> (64 - 8 * n)) : 0;
}

static __always_inline u64 tapc_map_str_mix(u64 h, u64 w)
{
	h = (h ^ w) * 0x9e3779b97f4a7c15ull;
	return h ^ (h >> 29);
}

static __always_inline u32 tapc_map_str_hash(const struct tapc_map *m,
					     const char *key, u32 *lenp)
{
	u64 h = m->seed, w = 0, zero;
	u32 off = 0, i;

	for (; off + 8 <= TAPC_MAP_STR_END; off += 8) {
		w = tapc_map_str_word(key + off);
		/* the lowest flagged byte is the first NUL */
		zero = (w - 0x0101010101010101ull) & ~w & 0x8080808080808080ull;
		if (zero) {
			i = __builtin_ctzll(zero) / 8;
			*lenp = off + i;
			return (u32)(tapc_map_str_mix(tapc_map_str_mix(h, tapc_map_str_head(w, i)), off + i) >> 32);
		}
		h = tapc_map_str_mix(h, w);
	}
	/* the last few bytes, one at a time */
	w = 0;
	for (i = 0; off + i < TAPC_MAP_STR_END && key[off + i]; i++)
		w |= (u64)(u8)key[off + i] << (8 * i);
	*lenp = off + i;
	return (u32)(tapc_map_str_mix(tapc_map_str_mix(h, w), off + i) >> 32);
}

/* a and b both hold len bytes of string (len <= TAPC_MAP_STR_END) */
static __always_inline bool tapc_map_str_equal(const char *a, const char *b,
					       u32 len)
{
	u32 off = 0;

	for (; off + 8 <= len; off += 8)
		if (tapc_map_str_word(a + off) != tapc_map_str_word(b + off))
			return false;
	if (off == len)
		return true;
	if (off + 8 <= TAPC_MAP_STR_END)
		return tapc_map_str_head(tapc_map_str_word(a + off) ^ tapc_map_str_word(b + off), len - off) == 0;
	return !memcmp(a + off, b + off, len - off);
}

/* The hit path of a map keyed by one string (stats arrays' a[k] <<< v):
 * inline; an insert, or the overflow error, takes tapc_map_get(). */
static __always_inline void *tapc_map_get_s(struct tapc_context *c,
					    struct tapc_map *m,
					    const void *key, const char *loc)
{
	u32 len, hash = tapc_map_str_hash(m, key, &len);
	struct tapc_map_node *n;

	hlist_for_each_entry(n, &m->buckets[hash & (m->nbuckets - 1)], hnode)
		if (n->hash == hash && n->klen == len &&
		    tapc_map_str_equal((const char *)n->data, key, len))
			return (char *)n->data + m->key_stride;
	return tapc_map_get(c, m, key, loc);
}

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
