/* begin, end, error and never probes.
 *
 * begin(N)/end(N)/error(N) take an optional priority; the runtime runs each
 * list in the order of the table, so we emit it sorted by priority (stable:
 * equal priorities keep script order).  never expands to a site with no
 * table, so its body is checked but never emitted.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"

extern const struct provider_ops begin_end_provider, never_provider;

enum { SIMPLE_BEGIN, SIMPLE_END, SIMPLE_ERROR, SIMPLE_COUNT };

static const char *const list_names[SIMPLE_COUNT] = { "begins", "ends", "errors" };

/* A begin/end/error site's own part (site->priv). */
struct simple_site {
	int kind;			/* SIMPLE_BEGIN ... */
	long long priority;		/* begin(N) */
};

static inline struct simple_site *sp(const struct site *site)
{
	return site->priv;
}

static int begin_end_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[4];
	int n = pp_comps(point, comps, 4), kind;
	const char *name = comps[0]->u.comp.name;
	struct node *arg = comps[0]->u.comp.arg;
	struct site *site;

	(void)s;
	if (n != 1) {
		diag_error(comps[1]->loc, "no match for probe point %s (%s takes no components)",
			   pp_text(point), name);
		return -1;
	}
	if (arg && arg->kind != NODE_NUM) {
		diag_error(arg->loc, "the priority of %s must be a number", name);
		return -1;
	}
	kind = strcmp(name, "begin") == 0 ? SIMPLE_BEGIN :
	       strcmp(name, "end") == 0 ? SIMPLE_END : SIMPLE_ERROR;
	site = site_add(p, &begin_end_provider, point, pp_text(point));
	site->priv = arena_alloc(sizeof(struct simple_site));
	sp(site)->kind = kind;
	sp(site)->priority = arg ? arg->u.num.value : 0;
	return 1;
}

static int count_kind(const struct rprogram *p, int kind, const struct site **out)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &begin_end_provider && sp(site)->kind == kind) {
				if (out)
					out[n] = site;
				n++;
			}
	return n;
}

static void emit_list(struct emitter *e, const struct rprogram *p, int kind)
{
	int n = count_kind(p, kind, NULL), i, j;
	const struct site **v;

	if (!n)
		return;
	v = arena_alloc(n * sizeof(*v));
	count_kind(p, kind, v);
	/* insertion sort: stable, and lists are short */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && sp(v[j - 1])->priority > sp(v[j])->priority; j--) {
			const struct site *tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	emit(e, "static const struct tapc_simple_probe tapc_%s[] = {", list_names[kind]);
	for (i = 0; i < n; i++) {
		char *pp = c_string(v[i]->pp, strlen(v[i]->pp));

		emit(e, "{ .pp = %s, .handler = %s, .priority = %lld },", pp,
		     handler_name(v[i]->probe), sp(v[i])->priority);
		free(pp);
	}
	emit(e, "};");
	emit(e, "%s", "");
}

static void begin_end_tables(struct emitter *e, const struct rprogram *p)
{
	int k;

	for (k = 0; k < SIMPLE_COUNT; k++)
		emit_list(e, p, k);
}

static void begin_end_desc(struct emitter *e, const struct rprogram *p)
{
	int k;

	for (k = 0; k < SIMPLE_COUNT; k++) {
		if (!count_kind(p, k, NULL))
			continue;
		emit(e, ".%s = tapc_%s,", list_names[k], list_names[k]);
		emit(e, ".n_%s = ARRAY_SIZE(tapc_%s),", list_names[k], list_names[k]);
	}
}

const struct provider_ops begin_end_provider = {
	.family = "begin_end",
	.paths = (const char *const[]){ "begin", "end", "error", NULL },
	.simple = true,
	.expand = begin_end_expand,
	.target = NULL,
	.emit_tables = begin_end_tables,
	.emit_desc = begin_end_desc,
};

static int never_expand(struct session *s, struct rprobe *p, struct node *point)
{
	(void)s;
	if (point->u.pp.comps->next || point->u.pp.comps->u.comp.arg) {
		diag_error(point->loc, "no match for probe point %s (never takes no arguments)",
			   pp_text(point));
		return -1;
	}
	site_add(p, &never_provider, point, "never");
	return 1;
}

const struct provider_ops never_provider = {
	.family = "never",
	.paths = (const char *const[]){ "never", NULL },
	.expand = never_expand,
};
