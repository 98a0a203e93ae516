/* Pass 3: the memory the module's arrays take, checked before it is built.
 *
 * Every array is allocated whole when the module loads (runtime/map.c: a
 * pool of max_entries nodes and a power-of-two bucket table).  An array
 * this machine could never hold was a load failure (ENOMEM and a vmalloc
 * warning in the kernel log, issue 11) that named nothing; here it is an
 * error at the global's declaration with the bytes it needs.  The count is
 * a lower bound (statistics arrays: one per-CPU copy and the aggregate,
 * histograms not counted), so an error is never wrong; what passes may
 * still fail at load, and then the runtime names the global.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag.h"
#include "translate.h"
#include "translate_int.h"

/* taprun --vm's default guest memory (runner/vm.c, --mem): tapc --vm
 * passes no --mem. */
#define VM_MEMORY (512ULL << 20)

/* Bytes of the machine the module runs on, as far as tapc knows. */
static uint64_t machine_memory(const struct session *s)
{
	long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);

	if (s->vm)
		return VM_MEMORY;
	return pages > 0 && page > 0 ? (uint64_t)pages * (uint64_t)page : UINT64_MAX;
}

static uint64_t align8(uint64_t n)
{
	return (n + 7) & ~7ULL;
}

/* sizeof(struct g_NAME_key): int64_t and char[MAXSTRINGLEN] members. */
static uint64_t key_size(const struct symbol *g, uint64_t strlen_max)
{
	uint64_t size = 0, align = 1;

	if (g->arity == 1 && g->keys[0] == TYPE_STRING)
		return strlen_max;	/* tapc_map_alloc_str */
	for (int k = 0; k < g->arity; k++) {
		if (g->keys[k] == TYPE_STRING) {
			size += strlen_max;
		} else {
			size = align8(size) + 8;
			align = 8;
		}
	}
	return align == 8 ? align8(size) : size;
}

/* The least a map of the global takes: its node pool and bucket table. */
static uint64_t map_bytes(const struct symbol *g, uint64_t entries, uint64_t strlen_max,
			  uint64_t *node)
{
	uint64_t value = g->type == TYPE_STRING ? strlen_max : g->type == TYPE_STATS ? 32 : 8;
	uint64_t buckets = 2;

	/* hlist_node, list_head, hash and klen, then key and value */
	*node = 16 + 16 + 8 + align8(key_size(g, strlen_max)) + align8(value);
	while (buckets < entries)
		buckets *= 2;
	return entries * *node + buckets * 8;
}

static const char *human(uint64_t n)
{
	if (n >= 1ULL << 30)
		return fmt("%.1f GiB", n / (double)(1ULL << 30));
	if (n >= 1ULL << 20)
		return fmt("%.1f MiB", n / (double)(1ULL << 20));
	return fmt("%llu bytes", (unsigned long long)n);
}

static struct loc global_loc(const struct symbol *g)
{
	return g->decl ? g->decl->loc : g->loc;
}

bool check_global_memory(struct tx *t)
{
	uint64_t mem = machine_memory(t->s), strlen_max = session_limit(t->s, "MAXSTRINGLEN");
	uint64_t maxent = session_limit(t->s, "MAXMAPENTRIES"), total = 0, largest = 0, node;
	const struct symbol *g, *big = NULL;
	const char *where = t->s->vm ? "the VM's memory" : "this machine's memory";

	for (g = t->p->globals; g; g = g->next) {
		long long size = g->decl ? g->decl->u.global.size : 0;
		uint64_t entries = size ? (uint64_t)size : maxent, bytes;

		if (g->arity <= 0)
			continue;
		bytes = map_bytes(g, entries, strlen_max, &node);
		if (g->type == TYPE_STATS)
			bytes *= 2;	/* the aggregate and at least one CPU's */
		if (bytes > mem) {
			diag_error(global_loc(g), "array '%s' needs at least %s (%s%llu entries of %llu bytes), "
				   "more than %s (%s)", g->name, human(bytes), size ? "" : "MAXMAPENTRIES=",
				   (unsigned long long)entries, (unsigned long long)node, where, human(mem));
			return false;
		}
		total += bytes;
		if (bytes > largest) {
			largest = bytes;
			big = g;
		}
	}
	if (total > mem) {
		diag_error(global_loc(big), "the arrays need at least %s in all, more than %s (%s); "
			   "the largest is '%s' (%s)", human(total), where, human(mem), big->name,
			   human(largest));
		return false;
	}
	return true;
}
