/* What every provider uses to make and emit its sites: adding a site to a
 * probe, counting a family's sites, the name of a probe's handler.
 */
#include "arena.h"
#include "provider.h"

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
