// SPDX-License-Identifier: GPL-2.0
/*
 * map.c - preallocated hash maps with fixed-size byte keys.
 *
 * The translator packs each key tuple into a zeroed struct and the value
 * into another; the map only sees bytes.  A map keyed by one string
 * (tapc_map_alloc_str) compares and hashes only the string's bytes: its
 * key need not be zeroed past the NUL, and a 9-byte execname costs 9
 * bytes of hashing, not MAXSTRINGLEN.  Nothing here allocates after
 * tapc_map_alloc(), so every operation is legal in probe context.  Callers
 * serialize access with the global's tapc_lock.
 */
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/jhash.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/random.h>

#include "tapc_runtime.h"
#include "foreach.h"
#include "map.h"
#include "print.h"

static inline void *node_key(struct tapc_map_node *n)
{
	return n->data;
}

static inline void *node_value(struct tapc_map *m, struct tapc_map_node *n)
{
	return (char *)n->data + m->key_stride;
}

static u64 map_node_size(u32 key_size, u32 value_size)
{
	return sizeof(struct tapc_map_node) + ALIGN((u64)key_size, 8) +
	       ALIGN((u64)value_size, 8);
}

u64 tapc_map_bytes(u32 key_size, u32 value_size, u32 max_entries)
{
	u64 n = max_t(u64, max_entries, 2);

	return (u64)max_entries * map_node_size(key_size, value_size) +
	       roundup_pow_of_two(n) * sizeof(struct hlist_head);
}

/* "1.5 GiB": one decimal, in the largest unit that keeps a whole part. */
static void mem_text(char *buf, size_t size, u64 bytes)
{
	static const char *const unit[] = { "bytes", "KiB", "MiB", "GiB", "TiB" };
	int u = 0;

	while (u < 4 && bytes >> (10 * (u + 1)))
		u++;
	if (!u)
		snprintf(buf, size, "%llu bytes", (unsigned long long)bytes);
	else
		snprintf(buf, size, "%llu.%llu %s", (unsigned long long)(bytes >> (10 * u)),
			 (unsigned long long)((bytes >> (10 * (u - 1))) & 1023) * 10 / 1024,
			 unit[u]);
}

/*
 * A global's memory is allocated at load, all of it: what the machine
 * can't give now (more than its available memory) is refused before any
 * allocation, so that neither the allocator's warning nor the OOM killer
 * is involved.  The message names the global, its entries and the bytes.
 */
bool tapc_mem_check(const char *name, u32 entries, unsigned int copies, u32 nsort, u64 bytes)
{
	u64 avail = (u64)si_mem_available() << PAGE_SHIFT;
	char need[32], have[32];

	if (!entries) {
		tapc_err("cannot allocate global '%s': it has room for 0 entries (MAXMAPENTRIES or its declared size must be at least 1)",
			 name);
		return false;
	}
	if (entries <= TAPC_MAP_MAX_ENTRIES && bytes <= avail)
		return true;
	mem_text(need, sizeof(need), bytes);
	mem_text(have, sizeof(have), avail);
	if (entries > TAPC_MAP_MAX_ENTRIES)
		tapc_err("cannot allocate global '%s': %u entries (%s) is more than a map holds (%u)",
			 name, entries, need, TAPC_MAP_MAX_ENTRIES);
	else if (nsort)
		tapc_err("cannot allocate global '%s': sorting its %u entries (%u foreach) takes %s, and %s of memory is available",
			 name, entries, nsort, need, have);
	else
		tapc_err("cannot allocate global '%s': %u entries%s take %s, and %s of memory is available",
			 name, entries, copies > 1 ? ", kept per CPU and merged," : "", need, have);
	return false;
}

/* Zeroed memory that may fail quietly: no warning, no OOM killer. */
static void *map_zalloc(u64 bytes)
{
	return __vmalloc(bytes, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN | __GFP_RETRY_MAYFAIL);
}

struct tapc_map *tapc_map_alloc(u32 key_size, u32 value_size, u32 max_entries,
				bool wrap, const char *name)
{
	u64 bytes = tapc_map_bytes(key_size, value_size, max_entries);
	struct tapc_map *m;
	char need[32];
	u32 i;

	if (!tapc_mem_check(name, max_entries, 1, 0, bytes))
		return NULL;
	m = kzalloc(sizeof(*m), GFP_KERNEL | __GFP_NOWARN);
	if (!m)
		goto nomem;
	m->key_size = key_size;
	m->value_size = value_size;
	m->key_stride = ALIGN(key_size, 8);
	m->max_entries = max_entries;
	m->wrap = wrap;
	m->name = name;
	m->seed = get_random_u32();
	m->nbuckets = roundup_pow_of_two(max(max_entries, 2u));
	m->node_size = map_node_size(key_size, value_size);
	m->buckets = map_zalloc((u64)m->nbuckets * sizeof(*m->buckets));
	m->pool = map_zalloc((u64)max_entries * m->node_size);
	if (!m->buckets || !m->pool) {
		tapc_map_free(m);
		goto nomem;
	}
	INIT_LIST_HEAD(&m->order);
	INIT_LIST_HEAD(&m->free);
	for (i = 0; i < max_entries; i++) {
		struct tapc_map_node *n = (void *)(m->pool + i * m->node_size);

		list_add_tail(&n->lnode, &m->free);
	}
	return m;
nomem:
	mem_text(need, sizeof(need), bytes);
	tapc_err("cannot allocate global '%s': %u entries (%s): out of memory", name,
		 max_entries, need);
	return NULL;
}

struct tapc_map *tapc_map_alloc_str(u32 value_size, u32 max_entries, bool wrap,
				    const char *name)
{
	struct tapc_map *m = tapc_map_alloc(MAXSTRINGLEN, value_size,
					    max_entries, wrap, name);

	if (m)
		m->str_key = true;
	return m;
}

bool tapc_map_sort_bufs(struct tapc_map *m, u32 n)
{
	u64 bytes = (u64)n * m->max_entries * sizeof(*m->sort);
	char need[32];

	if (!n)
		return true;
	if (!tapc_mem_check(m->name, m->max_entries, 1, n, bytes))
		return false;
	m->sort = map_zalloc(bytes);
	if (!m->sort) {
		mem_text(need, sizeof(need), bytes);
		tapc_err("cannot allocate global '%s': sorting its %u entries (%u foreach) takes %s: out of memory",
			 m->name, m->max_entries, n, need);
		return false;
	}
	m->nsort = n;
	return true;
}

struct tapc_sort_ent *tapc_map_sort_buf(struct tapc_map *m, u32 i)
{
	return m->sort + (size_t)i * m->max_entries;
}

void tapc_map_free(struct tapc_map *m)
{
	if (!m)
		return;
	vfree(m->sort);
	vfree(m->pool);
	vfree(m->buckets);
	kfree(m);
}

/* Bytes of key that identify it: a string key's length (its strings are
 * at most MAXSTRINGLEN - 1 bytes, tapc_strcpy truncates), else all. */
static u32 map_key_len(const struct tapc_map *m, const void *key)
{
	return m->str_key ? strnlen(key, MAXSTRINGLEN - 1) : m->key_size;
}

static u32 map_hash(struct tapc_map *m, const void *key, u32 len)
{
	return jhash(key, len, m->seed);
}

static struct tapc_map_node *map_find(struct tapc_map *m, const void *key,
				      u32 len, u32 hash)
{
	struct tapc_map_node *n;

	hlist_for_each_entry(n, &m->buckets[hash & (m->nbuckets - 1)], hnode)
		if (n->hash == hash && n->klen == len &&
		    !memcmp(n->data, key, len))
			return n;
	return NULL;
}

void *tapc_map_lookup(struct tapc_map *m, const void *key)
{
	u32 len = map_key_len(m, key);
	struct tapc_map_node *n = map_find(m, key, len, map_hash(m, key, len));

	return n ? node_value(m, n) : NULL;
}

static void map_unlink(struct tapc_map *m, struct tapc_map_node *n)
{
	hlist_del(&n->hnode);
	list_move(&n->lnode, &m->free);
	m->count--;
}

void *tapc_map_get(struct tapc_context *c, struct tapc_map *m, const void *key,
		   const char *loc)
{
	u32 len = map_key_len(m, key), hash = map_hash(m, key, len);
	struct tapc_map_node *n = map_find(m, key, len, hash);

	if (n)
		return node_value(m, n);
	if (list_empty(&m->free)) {
		if (!m->wrap) {
			if (m->max_entries == MAXMAPENTRIES)
				tapc_error(c, "Array overflow, check MAXMAPENTRIES",
					   loc);
			else
				tapc_errorf(c, loc,
					    "Array overflow, check size limit (%u)",
					    m->max_entries);
			return NULL;
		}
		map_unlink(m, list_first_entry(&m->order, struct tapc_map_node,
					       lnode));
	}
	n = list_first_entry(&m->free, struct tapc_map_node, lnode);
	n->hash = hash;
	n->klen = len;
	memcpy(node_key(n), key, len);
	if (m->str_key)
		((char *)node_key(n))[len] = '\0';
	memset(node_value(m, n), 0, m->value_size);
	hlist_add_head(&n->hnode, &m->buckets[hash & (m->nbuckets - 1)]);
	list_move_tail(&n->lnode, &m->order);
	m->count++;
	return node_value(m, n);
}

bool tapc_map_delete(struct tapc_map *m, const void *key)
{
	u32 len = map_key_len(m, key);
	struct tapc_map_node *n = map_find(m, key, len, map_hash(m, key, len));

	if (!n)
		return false;
	map_unlink(m, n);
	return true;
}

void tapc_map_clear(struct tapc_map *m)
{
	while (!list_empty(&m->order))
		map_unlink(m, list_first_entry(&m->order, struct tapc_map_node,
					       lnode));
}

u32 tapc_map_count(const struct tapc_map *m)
{
	return m->count;
}

/* Iteration handle = the node itself; NULL starts, NULL ends. */
void *tapc_map_next(struct tapc_map *m, void *it)
{
	struct list_head *next = it ?
		((struct tapc_map_node *)it)->lnode.next : m->order.next;

	return next == &m->order ? NULL :
		list_entry(next, struct tapc_map_node, lnode);
}

const void *tapc_map_key(struct tapc_map *m, void *it)
{
	return node_key(it);
}

void *tapc_map_value(struct tapc_map *m, void *it)
{
	return node_value(m, it);
}
