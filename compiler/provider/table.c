/* The provider table: every probe family, one line each, in the order
 * their sites are armed when the module starts.  A family answers to the
 * component paths its ops list (provider_ops.paths); the longest path a
 * point starts with wins, so kernel.trace is not kernel.function's.  A
 * path of one component also takes the points of that family no longer
 * path matches, whose provider then says what it expected.
 *
 * Adding a family: compiler/provider/FAMILY.c defining FAMILY_provider,
 * and an X(FAMILY) line here (see docs/internals.md).
 */
#include <string.h>

#include "provider.h"

#define FAMILIES(X) \
	X(begin_end) \
	X(kprobe) \
	X(tracepoint) \
	X(syscall) \
	X(timer) \
	X(procfs) \
	X(perf) \
	X(netfilter) \
	X(hwbkpt) \
	X(uprobe) \
	X(uprocess) \
	X(never)

#define DECLARE(f) extern const struct provider_ops f##_provider;
FAMILIES(DECLARE)
#undef DECLARE

static const struct provider_ops *const families[] = {
#define ENTRY(f) &f##_provider,
	FAMILIES(ENTRY)
#undef ENTRY
	NULL,
};

/* How many components of point the dotted path names (names only: the
 * arguments are the provider's business); 0 when point doesn't start
 * with path. */
static int path_match(const char *path, const struct node *point)
{
	const struct node *c = point->u.pp.comps;
	int n = 0;

	while (c) {
		size_t len = strcspn(path, ".");

		if (strlen(c->u.comp.name) != len || strncmp(c->u.comp.name, path, len) != 0)
			return 0;
		n++;
		if (!path[len])
			return n;
		path += len + 1;
		c = c->next;
	}
	return 0;
}

const struct provider_ops *provider_find(const struct node *point)
{
	const struct provider_ops *const *fam, *best = NULL;
	const char *const *path;
	int best_n = 0, n;

	for (fam = families; *fam; fam++) {
		for (path = (*fam)->paths; *path; path++) {
			n = path_match(*path, point);
			if (n > best_n) {
				best_n = n;
				best = *fam;
			}
		}
	}
	return best;
}

const struct provider_ops *const *provider_families(void)
{
	return families;
}
