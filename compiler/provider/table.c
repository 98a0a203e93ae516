/* The provider table: probe point families by their first component.
 * One line per name; a family may answer to several (kernel, kprobe). */
#include <string.h>

#include "arena.h"
#include "provider.h"

static const struct provider providers[] = {
	{ "begin", &begin_end_provider },
	{ "end", &begin_end_provider },
	{ "error", &begin_end_provider },
	{ "never", &never_provider },
	{ "kernel", &kprobe_provider },
	{ "kprobe", &kprobe_provider },
	{ "module", &kprobe_provider },
	{ "timer", &timer_provider },
};

static const struct provider_ops *const families[] = {
	&begin_end_provider, &kprobe_provider, &timer_provider, &tracepoint_provider,
	&syscall_provider, &never_provider, NULL,
};

const struct provider *provider_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (strcmp(providers[i].name, name) == 0)
			return &providers[i];
	return NULL;
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

struct site *site_add(struct rprobe *p, const struct provider_ops *ops, struct node *point,
		      const char *pp)
{
	struct site *site = arena_alloc(sizeof(*site));

	site->ops = ops;
	site->probe = p;
	site->point = point;
	site->pp = pp;
	site->optional = point->u.pp.optional;
	/* module("*").function("*") adds a few hundred thousand */
	if (p->last_site)
		p->last_site->next = site;
	else
		p->sites = site;
	p->last_site = site;
	return site;
}

const char *handler_name(const struct rprobe *p)
{
	return arena_printf(PROBE_HANDLER_FMT, p->index);
}

int provider_count_sites(const struct rprogram *p, const struct provider_ops *ops)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			n += site->ops == ops;
	return n;
}
