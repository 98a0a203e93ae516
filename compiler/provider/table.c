/* The provider table: probe point families by their component paths.
 * One line per path; a family may answer to several (kernel, kprobe), and
 * the longest path a point starts with wins, so kernel.trace is not
 * kernel.function's.  A path of one component also takes the points of
 * that family no longer path matches, whose provider then says what it
 * expected. */
#include <string.h>

#include "provider.h"

static const struct provider providers[] = {
	{ "begin", &begin_end_provider },
	{ "end", &begin_end_provider },
	{ "error", &begin_end_provider },
	{ "never", &never_provider },
	{ "kernel", &kprobe_provider },
	{ "kernel.trace", &tracepoint_provider },
	{ "kprobe", &kprobe_provider },
	{ "module", &kprobe_provider },
	{ "timer", &timer_provider },
};

/* Every family once, in the order their sites are armed. */
static const struct provider_ops *const families[] = {
	&begin_end_provider, &kprobe_provider, &tracepoint_provider, &timer_provider,
	&never_provider, NULL,
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

const struct provider *provider_find(const struct node *point)
{
	const struct provider *best = NULL;
	int best_n = 0, n;
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++) {
		n = path_match(providers[i].name, point);
		if (n > best_n) {
			best_n = n;
			best = &providers[i];
		}
	}
	return best;
}

const struct provider_ops *const *provider_families(void)
{
	return families;
}

const struct provider *provider_table(int *n)
{
	*n = sizeof(providers) / sizeof(providers[0]);
	return providers;
}
