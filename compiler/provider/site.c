/* What every provider uses to make and emit its sites: adding a site to a
 * probe, counting a family's sites, the name of a probe's handler; and the
 * values return sites save at entry, which the kprobe and uprobe families
 * share (each with its own store: a kretprobe instance's data, the
 * uprobe's slot).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"
#include "recipe.h"
#include "session.h"

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

/* ---- values saved at entry ---- */

static const char *entry_offset(int nlongs, int nstrings)
{
	return arena_printf("(%d * sizeof(int64_t) + %d * MAXSTRINGLEN)", nlongs, nstrings);
}

const char *entry_values_size(const struct entry_values *ev)
{
	return entry_offset(ev->nlongs, ev->nstrings);
}

/* MAXSTRINGLEN as the module is built with it (-D), for the size check:
 * read as C reads the -D value (0100 is 64). */
static long maxstringlen(const struct session *s)
{
	long v = 512;

	for (int i = 0; i < s->ndefines; i++)
		if (strncmp(s->defines[i], "MAXSTRINGLEN=", 13) == 0)
			v = strtol(s->defines[i] + 13, NULL, 0);
	return v;
}

/* The next slot of *evp for expr (NULL: an @entry expression the probe's
 * entry function computes; an equal expr shares its slot), or -1 after an
 * error at loc: the store holds at most st->max_bytes per call (a
 * kretprobe's data at most KRETPROBE_MAX_DATA_SIZE), so that is an error
 * here, not at run time. */
static int entry_slot(struct session *s, struct site *site, struct entry_values **evp,
		      const struct entry_store *st, struct loc loc, const struct recipe *expr, bool str)
{
	struct entry_values *ev = *evp;
	long bytes;
	int i;

	if (!ev)
		ev = *evp = arena_alloc(sizeof(*ev));
	for (i = 0; expr && i < ev->n; i++)
		if (ev->exprs[i] && ev->is_string[i] == str && recipe_equal(ev->exprs[i], expr))
			return i;
	if (ev->n == MAX_ENTRY_VALUES) {
		diag_error(loc, "more than %d %s in one probe", MAX_ENTRY_VALUES, st->values);
		return -1;
	}
	bytes = (ev->nlongs + !str) * 8L + (ev->nstrings + str) * maxstringlen(s);
	if (bytes > st->max_bytes) {
		diag_error(loc, "too much saved at entry for %s: %ld bytes per call%s", site->pp, bytes,
			   st->limit);
		if (st->size_note)
			diag_note(loc, "each string and each @entry(expr) takes MAXSTRINGLEN (%ld) bytes, a number 8",
				  maxstringlen(s));
		return -1;
	}
	i = ev->n++;
	ev->exprs[i] = expr;
	ev->is_string[i] = str;
	ev->offs[i] = entry_offset(ev->nlongs, ev->nstrings);
	if (str)
		ev->nstrings++;
	else
		ev->nlongs++;
	if (!expr)
		ev->exprs_fn = true;
	return i;
}

enum type_kind entry_values_capture(struct session *s, struct site *site, struct entry_values **evp,
				    const struct entry_store *st, struct node *t)
{
	enum type_kind ty;
	int i;

	site->ops->entry_scope(site, true);
	ty = st->target(s, site, t);
	site->ops->entry_scope(site, false);
	if (ty == TYPE_UNKNOWN)
		return ty;
	/* the entry has no script values to give it */
	if (recipe_uses(t->u.target.resolved, RECIPE_INDEX, -1)) {
		diag_error(t->loc, "%s: a value saved at function entry can't have a computed [index]",
			   t->u.target.name);
		return TYPE_UNKNOWN;
	}
	i = entry_slot(s, site, evp, st, t->loc, t->u.target.resolved, ty == TYPE_STRING);
	if (i < 0)
		return TYPE_UNKNOWN;
	if (ty == TYPE_STRING) {
		t->u.target.resolved = recipe_string(false);
		recipe_add_dst(t->u.target.resolved, "tapc_strcpy(",
			       arena_printf(", (char *)%s + %s)", st->data, (*evp)->offs[i]));
	} else {
		t->u.target.resolved = recipe_text("(*(int64_t *)((char *)%s + %s))", st->data,
						   (*evp)->offs[i]);
	}
	return ty;
}

enum type_kind entry_values_resolve(struct session *s, struct site *site, struct entry_values **evp,
				    const struct entry_store *st, bool is_return, struct node *n)
{
	struct node *t = n->u.wrap.operand;
	int i;

	if (!is_return) {
		diag_error(n->loc, "@entry is only available in .return probes (at %s)", site->pp);
		return TYPE_UNKNOWN;
	}
	if (t->kind == NODE_TARGET && !t->u.target.cast_expr)
		return entry_values_capture(s, site, evp, st, t);
	/* any other expression: the translator's entry function for the
	 * probe computes it into a slot that holds a number or a string */
	i = entry_slot(s, site, evp, st, n->loc, NULL, true);
	if (i < 0)
		return TYPE_UNKNOWN;
	n->u.wrap.slot = arena_printf("((char *)%s + %s)", st->data, (*evp)->offs[i]);
	return TYPE_LONG;
}

void entry_values_emit(struct emitter *e, const struct rprobe *pr, const struct entry_values *ev,
		       const struct entry_store *st, const char *name, bool clear)
{
	int i;

	emit(e, "static void %s(struct tapc_context *c)", name);
	emit(e, "{");
	emit(e, "char *d = %s;", st->data);
	emit(e, "%s", "");
	/* a value an error or a skipped lock leaves unset reads 0 or "" */
	for (i = 0; clear && i < ev->n; i++)
		emit(e, ev->is_string[i] ? "d[%s] = 0;" : "*(int64_t *)(d + %s) = 0;", ev->offs[i]);
	for (i = 0; i < ev->n; i++) {
		if (!ev->exprs[i])
			continue;
		if (ev->is_string[i])
			emit(e, "{ char *tapc_str_dst = d + %s; %s; }", ev->offs[i],
			     recipe_render(ev->exprs[i], &(struct recipe_operands){ .dst = "tapc_str_dst" }));
		else
			emit(e, "*(int64_t *)(d + %s) = %s;", ev->offs[i],
			     recipe_render(ev->exprs[i], &(struct recipe_operands){ 0 }));
		emit(e, "if (c->last_error)");
		emit(e, "\treturn;");
	}
	/* after the captures: the expressions may read them */
	if (ev->exprs_fn)
		emit(e, "%s_entry(c);", handler_name(pr));
	emit(e, "(void)d;");
	emit(e, "}");
	emit(e, "%s", "");
}
