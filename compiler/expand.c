/* Pass 2, probe points to sites: probe aliases, `!` and `?`, providers.
 *
 * A probe's points are expanded in order.  A point whose first component
 * names a probe alias family (a tapset's `probe syscall.open = ...`, or the
 * script's own) is matched against a tree of the alias names, component by
 * component, as SystemTap matches it:
 *  - a literal component goes to the child of that name; when there is
 *    none, the aliases named by the components so far take the rest as a
 *    suffix (alias foo used as foo.return gets .return on each of its
 *    points), so a longer alias name always wins over a shorter one plus a
 *    suffix, even when the longer one then fails;
 *  - a wildcard component (* ? [...]) tries every child it matches, each
 *    in a diagnostics trial: one that derives nothing is dropped quietly.
 *    Only when none derives anything are the aliases so far tried with the
 *    suffix;
 *  - every definition of an alias name is used (probe a = x and probe a = y).
 * An alias use becomes a probe of its own: the alias's points (plus the
 * suffix) and a body made of the alias's prologue, the user's body and the
 * alias's epilogue.  Its points are expanded the same way (aliases of
 * aliases); an alias that comes back to itself is an error.  The other
 * points go to their provider (provider/table.c); a probe's plain points
 * share one probe, which comes after the probes of its alias uses.
 *
 * `?` makes a point that derives nothing, or fails, drop quietly, and so
 * are all the points an optional alias use expands to; `!` is `?` that, when
 * the point derives something, skips the probe's remaining points.  What is
 * tried is reported inside a diagnostics trial (diag.h) and forgotten when
 * it fails.  Bodies are bound afterwards, inside one diagnostics context per
 * alias expansion, so an error in an alias body is followed by "in alias X
 * at FILE:LINE" at the point that used it.
 *
 * Alias families of generated tapsets (tapset.h) enter the tree when a
 * point first names them, and a generated part is parsed when its names are
 * reached.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "expand.h"
#include "kernel.h"
#include "provider.h"
#include "resolve.h"
#include "tapset.h"

/* Aliases of aliases nest this deep at most: far beyond real tapsets, and
 * a brace expansion in each level multiplies the work. */
#define MAX_ALIAS_DEPTH 32

struct alias_end {
	struct node *decl;		/* ALIAS */
	struct node *name;		/* the name of it that ends at this node */
};

/* One component of alias names: syscall -> open -> return. */
struct alias_node {
	const char *name;
	struct alias_node **kids;
	size_t nkids, kids_cap;
	bool sorted;
	struct alias_end *ends;
	size_t nends, ends_cap;
	struct tapset_part **parts;	/* generated parts naming an alias here */
	size_t nparts;
};

struct aliases {
	struct session *s;
	struct expand_hooks hooks;
	struct alias_node root;
	const char **heads_asked;	/* generated families looked up */
	size_t nheads_asked;
};

/* One alias expansion on the way to a probe, innermost first. */
struct via {
	const struct node *use;		/* the PROBE_POINT that named the alias */
	const struct alias_end *alias;
	const struct via *outer;
	int depth;
};

struct derived {
	struct rprobe *p;
	const struct via *via;
};

/* The expansion of one user probe. */
struct expand {
	struct aliases *t;
	struct derived *out;
	size_t n, cap;
	bool providers_only;
};

/* The walk of one point through the alias tree. */
struct walk {
	struct expand *x;
	struct node *decl;		/* the probe the point is in */
	struct node *point;
	const struct via *via;
	bool optional;			/* the point's, or an enclosing one's */
	const struct node **comps;	/* its components, wildcards filled in
					 * as the walk goes */
	int n;
	/* where the alias names stopped fitting the point, for the hint */
	struct alias_node *miss;
	int miss_pos;
};

/* Results of expanding one point: >= 0 probes or sites derived. */
enum { EXPAND_FAILED = -1,	/* after errors (reported, or held in a trial) */
       EXPAND_NO_ALIAS = -2 };	/* no alias name fits (nothing reported) */

static int derive_probe(struct expand *x, struct node *decl, const struct via *via, bool optional);

/* ---- the tree of alias names ---- */

static int cmp_kids(const void *a, const void *b)
{
	return strcmp((*(struct alias_node *const *)a)->name, (*(struct alias_node *const *)b)->name);
}

static void grow(void **v, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return;
	*cap = *cap ? 2 * *cap : 4;
	*v = realloc(*v, *cap * size);
	if (!*v)
		die("out of memory");
}

static struct alias_node *kid_find(struct alias_node *node, const char *name)
{
	size_t i;

	for (i = 0; i < node->nkids; i++)
		if (strcmp(node->kids[i]->name, name) == 0)
			return node->kids[i];
	return NULL;
}

static struct alias_node *kid_get(struct alias_node *node, const char *name)
{
	struct alias_node *kid = kid_find(node, name);

	if (kid)
		return kid;
	kid = arena_alloc(sizeof(*kid));
	kid->name = name;
	grow((void **)&node->kids, &node->kids_cap, node->nkids, sizeof(*node->kids));
	node->kids[node->nkids++] = kid;
	node->sorted = false;
	return kid;
}

static void node_free(struct alias_node *node)
{
	size_t i;

	for (i = 0; i < node->nkids; i++)
		node_free(node->kids[i]);
	free(node->kids);
	free(node->ends);
	free(node->parts);
}

struct aliases *aliases_new(struct session *s, const struct expand_hooks *h)
{
	struct aliases *t = calloc(1, sizeof(*t));

	if (!t)
		die("out of memory");
	t->s = s;
	t->hooks = *h;
	t->root.name = "";
	return t;
}

void aliases_free(struct aliases *t)
{
	if (!t)
		return;
	node_free(&t->root);
	free(t->heads_asked);
	free(t);
}

void aliases_add(struct aliases *t, struct node *alias)
{
	struct node *name, *c;

	for (name = alias->u.alias.names; name; name = name->next) {
		struct alias_node *node = &t->root;
		bool ok = true;

		for (c = name->u.pp.comps; c && ok; c = c->next) {
			if (c->u.comp.arg) {
				/* as stap: an alias is found by names alone */
				diag_error(c->loc, "a probe alias name can't have arguments ('%s')",
					   c->u.comp.name);
				ok = false;
			} else {
				node = kid_get(node, c->u.comp.name);
			}
		}
		if (!ok)
			continue;
		grow((void **)&node->ends, &node->ends_cap, node->nends, sizeof(*node->ends));
		node->ends[node->nends].decl = alias;
		node->ends[node->nends++].name = name;
	}
}

/* Enter the alias names of a generated tapset's parts, still unparsed. */
static void add_parts(struct aliases *t, struct tapset_part *const *parts, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *const *a;

		for (a = tapset_part_aliases(parts[i]); *a; a++) {
			struct alias_node *node = &t->root;
			char *name = arena_strdup(*a), *c, *save = NULL;

			for (c = strtok_r(name, ".", &save); c; c = strtok_r(NULL, ".", &save))
				node = kid_get(node, c);
			if (node->nparts && node->parts[node->nparts - 1] == parts[i])
				continue;
			node->parts = realloc(node->parts, (node->nparts + 1) * sizeof(*node->parts));
			if (!node->parts)
				die("out of memory");
			node->parts[node->nparts++] = parts[i];
		}
	}
}

/* The generated tapset of family head, entered into the tree on the first
 * ask.  False after an error (reported). */
static bool ask_generated(struct aliases *t, const char *head)
{
	struct tapset_part *const *parts;
	size_t i, n;
	bool failed = false;

	for (i = 0; i < t->nheads_asked; i++)
		if (strcmp(t->heads_asked[i], head) == 0)
			return true;
	t->heads_asked = realloc(t->heads_asked, (t->nheads_asked + 1) * sizeof(*t->heads_asked));
	if (!t->heads_asked)
		die("out of memory");
	t->heads_asked[t->nheads_asked++] = arena_strdup(head);
	parts = tapset_generated(t->s, head, &n, &failed);
	if (parts)
		add_parts(t, parts, n);
	return !failed;
}

/* The aliases ending at node, parsing the generated parts that define
 * them first.  False after an error (a part that does not parse). */
static bool load_parts(struct aliases *t, struct alias_node *node)
{
	bool ok = true;
	size_t i;

	for (i = 0; i < node->nparts; i++)
		ok &= tapset_part_load(t->s, node->parts[i], t->hooks.collect, t->hooks.ctx);
	node->nparts = 0;
	return ok;
}

static void sort_kids(struct alias_node *node)
{
	if (!node->sorted && node->nkids > 1)
		qsort(node->kids, node->nkids, sizeof(*node->kids), cmp_kids);
	node->sorted = true;
}

/* ---- copies of an alias's parts ---- */

static struct node *copy_node(const struct node *n);

static struct node *copy_list(const struct node *n)
{
	struct node *head = NULL, **tail = &head;

	for (; n; n = n->next) {
		*tail = copy_node(n);
		tail = &(*tail)->next;
	}
	return head;
}

static struct target_step *copy_steps(const struct target_step *st)
{
	struct target_step *head = NULL, **tail = &head;

	for (; st; st = st->next) {
		*tail = arena_alloc(sizeof(**tail));
		**tail = *st;
		(*tail)->index = copy_node(st->index);
		(*tail)->next = NULL;
		tail = &(*tail)->next;
	}
	return head;
}

/* A deep copy of a statement, expression or probe point: an alias body is
 * bound once per probe that uses it, and binding writes into the nodes. */
static struct node *copy_node(const struct node *n)
{
	struct node *c;

	if (!n)
		return NULL;
	c = arena_alloc(sizeof(*c));
	*c = *n;
	c->next = NULL;
	switch (n->kind) {
	case NODE_BLOCK: c->u.block.stmts = copy_list(n->u.block.stmts); break;
	case NODE_EXPRSTMT:
	case NODE_RETURN: c->u.expr.expr = copy_node(n->u.expr.expr); break;
	case NODE_IF:
		c->u.if_.cond = copy_node(n->u.if_.cond);
		c->u.if_.then = copy_node(n->u.if_.then);
		c->u.if_.els = copy_node(n->u.if_.els);
		break;
	case NODE_WHILE:
	case NODE_FOR:
		c->u.loop.init = copy_node(n->u.loop.init);
		c->u.loop.cond = copy_node(n->u.loop.cond);
		c->u.loop.step = copy_node(n->u.loop.step);
		c->u.loop.body = copy_node(n->u.loop.body);
		break;
	case NODE_FOREACH:
		c->u.foreach.value = copy_node(n->u.foreach.value);
		c->u.foreach.keys = copy_list(n->u.foreach.keys);
		c->u.foreach.array = copy_node(n->u.foreach.array);
		c->u.foreach.slice = copy_list(n->u.foreach.slice);
		c->u.foreach.limit = copy_node(n->u.foreach.limit);
		c->u.foreach.body = copy_node(n->u.foreach.body);
		break;
	case NODE_DELETE: c->u.del.target = copy_node(n->u.del.target); break;
	case NODE_TRY:
		c->u.try_.body = copy_node(n->u.try_.body);
		c->u.try_.catch_var = copy_node(n->u.try_.catch_var);
		c->u.try_.handler = copy_node(n->u.try_.handler);
		break;
	case NODE_VAR: c->u.var.sym = NULL; break;
	case NODE_INDEX:
	case NODE_IN:
		c->u.index.base = copy_node(n->u.index.base);
		c->u.index.keys = copy_list(n->u.index.keys);
		break;
	case NODE_CALL:
		c->u.call.args = copy_list(n->u.call.args);
		c->u.call.sym = NULL;
		break;
	case NODE_PRINT:
		c->u.print.fmt = copy_node(n->u.print.fmt);
		c->u.print.args = copy_list(n->u.print.args);
		break;
	case NODE_BINARY:
		c->u.bin.left = copy_node(n->u.bin.left);
		c->u.bin.right = copy_node(n->u.bin.right);
		break;
	case NODE_LOGICAL:
		c->u.logical.left = copy_node(n->u.logical.left);
		c->u.logical.right = copy_node(n->u.logical.right);
		break;
	case NODE_UNARY: c->u.un.operand = copy_node(n->u.un.operand); break;
	case NODE_INCDEC: c->u.incdec.operand = copy_node(n->u.incdec.operand); break;
	case NODE_ASSIGN:
		c->u.assign.left = copy_node(n->u.assign.left);
		c->u.assign.right = copy_node(n->u.assign.right);
		break;
	case NODE_TERNARY:
		c->u.ternary.cond = copy_node(n->u.ternary.cond);
		c->u.ternary.then = copy_node(n->u.ternary.then);
		c->u.ternary.els = copy_node(n->u.ternary.els);
		break;
	case NODE_REGEX: c->u.regex.left = copy_node(n->u.regex.left); break;
	case NODE_STAT_OP:
		c->u.stat.operand = copy_node(n->u.stat.operand);
		c->u.stat.arg = copy_node(n->u.stat.arg);
		break;
	case NODE_HIST:
		c->u.hist.operand = copy_node(n->u.hist.operand);
		c->u.hist.lo = copy_node(n->u.hist.lo);
		c->u.hist.hi = copy_node(n->u.hist.hi);
		c->u.hist.width = copy_node(n->u.hist.width);
		break;
	case NODE_TARGET:
		c->u.target.cast_expr = copy_node(n->u.target.cast_expr);
		c->u.target.resolved = NULL;
		c->u.target.steps = copy_steps(n->u.target.steps);
		break;
	case NODE_DEFINED:
	case NODE_ENTRY: c->u.wrap.operand = copy_node(n->u.wrap.operand); break;
	case NODE_PROBE_POINT:
		c->u.pp.comps = copy_list(n->u.pp.comps);
		c->u.pp.cond = copy_node(n->u.pp.cond);
		break;
	/* nothing below them, or immutable once parsed */
	case NODE_PP_COMP:
	case NODE_PARAM:
	case NODE_EMBEDDED:
	case NODE_EMBEDDED_EXPR:
	case NODE_NULLSTMT:
	case NODE_BREAK:
	case NODE_CONTINUE:
	case NODE_NEXT:
	case NODE_NUM:
	case NODE_STR:
	case NODE_WILDCARD:
		break;
	case NODE_PROBE:
	case NODE_ALIAS:
	case NODE_GLOBAL:
	case NODE_FUNCTION:
	case NODE_KIND_COUNT:
		die("copy_node: unexpected %s", node_kind_names[n->kind]);
	}
	return c;
}

/* cond of an alias point and of its use: both must hold, as in stap. */
static struct node *both_conds(const struct node *a, const struct node *b)
{
	struct node *and;

	if (!a || !b)
		return copy_node(a ? a : b);
	and = node_new(NODE_LOGICAL, a->loc);
	and->u.logical.is_and = true;
	and->u.logical.left = copy_node(a);
	and->u.logical.right = copy_node(b);
	return and;
}

/* The probe alias a makes of the point use in probe decl: a's points, each
 * with the suffix after them, and the body { prologue; body } or, for +=,
 * { body; epilogue }. */
static struct node *alias_instance(const struct node *a, const struct node *const *suffix,
				   int nsuffix, const struct node *use, bool optional,
				   const struct node *decl)
{
	struct node *probe = node_new(NODE_PROBE, decl->loc), *t, *body;
	struct node **tail = &probe->u.probe.points;
	int i;

	for (t = a->u.alias.points; t; t = t->next) {
		struct node *p = copy_node(t);

		for (i = 0; i < nsuffix; i++)
			p->u.pp.comps = node_append(p->u.pp.comps, copy_node(suffix[i]));
		/* optional all the way down; ! applies to the use's own probe */
		p->u.pp.optional |= optional;
		p->u.pp.cond = both_conds(t->u.pp.cond, use->u.pp.cond);
		*tail = p;
		tail = &p->next;
	}
	body = node_new(NODE_BLOCK, decl->u.probe.body->loc);
	if (a->u.alias.prologue)
		body->u.block.stmts = node_append(body->u.block.stmts, copy_node(a->u.alias.prologue));
	body->u.block.stmts = node_append(body->u.block.stmts, copy_node(decl->u.probe.body));
	if (a->u.alias.epilogue)
		body->u.block.stmts = node_append(body->u.block.stmts, copy_node(a->u.alias.epilogue));
	probe->u.probe.body = body;
	probe->synthetic = decl->synthetic;
	probe->from_tapset = decl->from_tapset;
	return probe;
}

/* ---- deriving probes ---- */

static bool is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

static const char *alias_text(const struct alias_end *e)
{
	return pp_text(e->name);
}

static struct rprobe *rprobe_new(struct node *decl)
{
	struct rprobe *p = arena_alloc(sizeof(*p));

	p->decl = decl;
	p->body = decl->u.probe.body;
	return p;
}

static void add_derived(struct expand *x, struct rprobe *p, const struct via *via)
{
	grow((void **)&x->out, &x->cap, x->n, sizeof(*x->out));
	x->out[x->n].p = p;
	x->out[x->n++].via = via;
}

/* The alias point a use stands for: the alias's name and the suffix,
 * as -l and -L list it (stap lists vfs.read, not kernel.function). */
static const char *alias_point_text(const struct alias_end *e, const struct node *const *suffix,
				    int nsuffix)
{
	struct node *named = copy_node(e->name);
	int i;

	for (i = 0; i < nsuffix; i++)
		named->u.pp.comps = node_append(named->u.pp.comps, copy_node(suffix[i]));
	return pp_text(named);
}

/* Expand alias use: the alias end e with the point's components from pos
 * on as the suffix. */
static int use_alias(struct walk *w, const struct alias_end *e, int pos)
{
	struct via *via;
	const struct via *v;
	struct node *inst;
	int r;

	for (v = w->via; v; v = v->outer) {
		if (v->alias->decl == e->decl) {
			diag_error(w->point->loc, "probe alias %s expands to itself", alias_text(e));
			return EXPAND_FAILED;
		}
	}
	if (w->via && w->via->depth >= MAX_ALIAS_DEPTH) {
		diag_error(w->point->loc, "probe aliases nest more than %d deep at %s",
			   MAX_ALIAS_DEPTH, alias_text(e));
		return EXPAND_FAILED;
	}
	via = arena_alloc(sizeof(*via));
	via->use = w->point;
	via->alias = e;
	via->outer = w->via;
	via->depth = w->via ? w->via->depth + 1 : 1;
	inst = alias_instance(e->decl, w->comps + pos, w->n - pos, w->point, w->optional, w->decl);
	inst->u.probe.alias_pp = w->decl->u.probe.alias_pp ? w->decl->u.probe.alias_pp :
		alias_point_text(e, w->comps + pos, w->n - pos);
	diag_context_push(w->point->loc, "in alias %s at %s:%d", alias_text(e), e->name->loc.file,
			  e->name->loc.line);
	r = derive_probe(w->x, inst, via, w->optional);
	diag_context_pop();
	return r;
}

/* Every definition of the alias names ending at node, with the suffix
 * from pos on. */
static int use_aliases(struct walk *w, struct alias_node *node, int pos)
{
	int total = 0, r;
	size_t i;

	if (!load_parts(w->x->t, node))
		return EXPAND_FAILED;
	if (!node->nends) {
		if (!w->miss || pos > w->miss_pos) {
			w->miss = node;
			w->miss_pos = pos;
		}
		return EXPAND_NO_ALIAS;
	}
	for (i = 0; i < node->nends; i++) {
		r = use_alias(w, &node->ends[i], pos);
		if (r < 0)
			return r;
		total += r;
	}
	return total;
}

static int walk(struct walk *w, struct alias_node *node, int pos);

/* A wildcard component: every child it matches, each on trial. */
static int walk_glob(struct walk *w, struct alias_node *node, int pos)
{
	const struct node *c = w->comps[pos];
	struct alias_node **kids;
	size_t i, nkids;
	int total = 0, matched = 0;

	if (node == &w->x->t->root) {
		const char *const *h;

		for (h = tapset_generated_heads(); *h; h++)
			if (fnmatch(c->u.comp.name, *h, 0) == 0 && !ask_generated(w->x->t, *h))
				return EXPAND_FAILED;
	}
	sort_kids(node);
	/* a part parsed on the way may not add names, but copy to be safe */
	nkids = node->nkids;
	kids = malloc((nkids + 1) * sizeof(*kids));
	if (!kids)
		die("out of memory");
	memcpy(kids, node->kids, nkids * sizeof(*kids));
	for (i = 0; i < nkids; i++) {
		struct node *concrete;
		struct diag_trial trial;
		size_t mark = w->x->n;
		int r;

		if (fnmatch(c->u.comp.name, kids[i]->name, 0) != 0)
			continue;
		matched++;
		concrete = copy_node(c);
		concrete->u.comp.name = kids[i]->name;
		w->comps[pos] = concrete;
		diag_trial_begin(&trial);
		r = walk(w, kids[i], pos + 1);
		diag_trial_end(&trial, r > 0 ? DIAG_KEEP : DIAG_DROP);
		if (r > 0)
			total += r;
		else
			w->x->n = mark;
	}
	free(kids);
	w->comps[pos] = c;
	if (total == 0 && node->nends)
		return use_aliases(w, node, pos);
	if (!matched) {
		if (!w->miss || pos > w->miss_pos) {
			w->miss = node;
			w->miss_pos = pos;
		}
		return EXPAND_NO_ALIAS;
	}
	return total;
}

static int walk(struct walk *w, struct alias_node *node, int pos)
{
	const struct node *c;
	struct alias_node *kid;

	if (pos == w->n)
		return use_aliases(w, node, pos);
	c = w->comps[pos];
	if (!c->u.comp.arg && is_glob(c->u.comp.name))
		return walk_glob(w, node, pos);
	kid = c->u.comp.arg ? NULL : kid_find(node, c->u.comp.name);
	if (kid)
		return walk(w, kid, pos + 1);
	return use_aliases(w, node, pos);
}

/* The alias names under node, as "syscall.open", for a hint: the first
 * few, after prefix. */
static const char *names_under(struct alias_node *node, const char *prefix, int *left)
{
	const char *out = "";
	size_t i;

	if (node->nends && *left > 0) {
		out = arena_printf("%s", prefix);
		(*left)--;
	}
	sort_kids(node);
	for (i = 0; i < node->nkids && *left > 0; i++) {
		const char *more = names_under(node->kids[i],
					       *prefix ? arena_printf("%s.%s", prefix, node->kids[i]->name)
						       : node->kids[i]->name, left);

		if (*more)
			out = *out ? arena_printf("%s, %s", out, more) : more;
	}
	return out;
}

/* "no match" for a point no alias name fits, with the closest name. */
static void no_alias_match(struct walk *w)
{
	struct alias_node *miss = w->miss;
	const char *prefix = "", *best = NULL;
	char **names;
	int i, left = 3;

	diag_error(w->point->loc, "no match for probe point %s", pp_text(w->point));
	if (!miss)
		return;
	for (i = 0; i < w->miss_pos && i < w->n; i++)
		prefix = arena_printf("%s%s%s", prefix, i ? "." : "", w->comps[i]->u.comp.name);
	if (w->miss_pos < w->n && miss->nkids) {
		names = malloc(miss->nkids * sizeof(*names));
		if (!names)
			die("out of memory");
		for (size_t k = 0; k < miss->nkids; k++)
			names[k] = (char *)miss->kids[k]->name;
		best = closest_name(w->comps[w->miss_pos]->u.comp.name, names, miss->nkids);
		free(names);
	}
	if (best)
		diag_note(w->point->loc, "did you mean %s.%s?", prefix, best);
	else
		diag_note(w->point->loc, "the probe aliases starting with %s are %s%s", prefix,
			  names_under(miss, prefix, &left), left ? "" : ", ...");
}

/* A point of no alias family: its provider's sites, added to plain. */
static int derive_plain(struct expand *x, struct node *point, bool optional, struct rprobe *plain)
{
	const char *first = point->u.pp.comps->u.comp.name;
	const struct provider_ops *prov = provider_find(point);
	struct rprobe tmp = { 0 };
	struct site *site;
	int n = 0;

	if (!prov) {
		const struct provider_ops *const *fam;
		const char *const *heads = tapset_generated_heads(), *const *h, *const *path;
		char **names;
		size_t k = 0, max = 0;

		if (optional)
			return 0;
		diag_error(point->loc, "no match for probe point %s (unknown probe family '%s')",
			   pp_text(point), first);
		for (fam = provider_families(); *fam; fam++)
			for (path = (*fam)->paths; *path; path++)
				max++;
		max += x->t->root.nkids;
		for (h = heads; *h; h++)
			max++;
		names = malloc(max * sizeof(*names));
		if (!names)
			die("out of memory");
		for (fam = provider_families(); *fam; fam++)
			for (path = (*fam)->paths; *path; path++)
				names[k++] = (char *)*path;
		for (size_t j = 0; j < x->t->root.nkids; j++)
			names[k++] = (char *)x->t->root.kids[j]->name;
		for (h = heads; *h; h++)
			names[k++] = (char *)*h;
		first = closest_name(first, names, k);
		free(names);
		if (first)
			diag_note(point->loc, "did you mean '%s'?", first);
		return EXPAND_FAILED;
	}
	tmp.decl = plain->decl;
	tmp.body = plain->body;
	if (prov->expand(x->t->s, &tmp, point) < 0)
		return EXPAND_FAILED;
	for (site = tmp.sites; site; site = site->next, n++)
		site->probe = plain;
	if (tmp.sites) {
		if (plain->last_site)
			plain->last_site->next = tmp.sites;
		else
			plain->sites = tmp.sites;
		plain->last_site = tmp.last_site;
	}
	return n;
}

/* One point of decl: its aliases' probes, or its provider's sites. */
static int derive_point(struct expand *x, struct node *decl, struct node *point,
			const struct via *via, bool optional, struct rprobe *plain, bool *is_plain)
{
	struct walk w = { x, decl, point, via, optional, NULL, 0, NULL, 0 };
	const char *first = point->u.pp.comps->u.comp.name;
	int r;

	*is_plain = true;
	if (x->providers_only)
		return derive_plain(x, point, optional, plain);
	if (!is_glob(first) && !kid_find(&x->t->root, first)) {
		if (!ask_generated(x->t, first))
			return EXPAND_FAILED;
		if (!kid_find(&x->t->root, first))
			return derive_plain(x, point, optional, plain);
	}
	w.n = node_count(point->u.pp.comps);
	w.comps = arena_alloc(w.n * sizeof(*w.comps));
	pp_comps(point, w.comps, w.n);
	r = walk(&w, &x->t->root, 0);
	if (r != EXPAND_NO_ALIAS) {
		*is_plain = false;
		return r;
	}
	/* a family of both aliases and a provider (perf.sw.* and
	 * perf.type(T)): what no alias name fits is the provider's */
	if (provider_find(point))
		return derive_plain(x, point, optional, plain);
	*is_plain = false;
	if (!optional)
		no_alias_match(&w);
	return EXPAND_FAILED;
}

/* Expand the points of decl into x->out: the probes of its alias uses,
 * then (when it has plain points and none failed) one probe of those.
 * Returns how many probes and sites were derived, or EXPAND_FAILED. */
static int derive_probe(struct expand *x, struct node *decl, const struct via *via, bool optional)
{
	struct rprobe *plain = rprobe_new(decl);
	struct node *point, *plain_points = NULL, **tail = &plain_points;
	bool failed = false, any_alias = false;
	int total = 0;

	for (point = decl->u.probe.points; point; point = point->next) {
		bool opt = optional || point->u.pp.optional, is_plain;
		struct diag_trial trial;
		size_t mark = x->n;
		int errors = diag_errors(), r;

		if (opt)
			diag_trial_begin(&trial);
		r = derive_point(x, decl, point, via, opt, plain, &is_plain);
		if (is_plain) {
			*tail = copy_node(point);
			tail = &(*tail)->next;
		} else {
			any_alias = true;
		}
		if (opt && (r < 0 || diag_errors() > errors)) {
			diag_trial_end(&trial, DIAG_DROP);
			x->n = mark;
			continue;
		}
		if (opt)
			diag_trial_end(&trial, DIAG_KEEP);
		if (r < 0) {
			failed = true;
			continue;
		}
		if (r == 0 && !opt && !is_plain) {
			diag_error(point->loc, "no match for probe point %s (the probe aliases it names "
				   "derive no probe point)", pp_text(point));
			failed = true;
			continue;
		}
		total += r;
		if (point->u.pp.sufficient && r > 0)
			break;
	}
	if (failed)
		return EXPAND_FAILED;
	if (plain_points && any_alias) {
		/* the plain points are a probe of their own, with a copy of
		 * the body (the alias uses have theirs) */
		struct node *rest = node_new(NODE_PROBE, decl->loc);

		*rest = *decl;
		rest->next = NULL;
		rest->u.probe.points = plain_points;
		rest->u.probe.body = copy_node(decl->u.probe.body);
		plain->decl = rest;
		plain->body = rest->u.probe.body;
	}
	if (plain_points)
		add_derived(x, plain, via);
	return total;
}

/* ---- binding ---- */

static void push_contexts(const struct via *v)
{
	if (!v)
		return;
	push_contexts(v->outer);
	diag_context_push(v->use->loc, "in alias %s at %s:%d", alias_text(v->alias),
			  v->alias->name->loc.file, v->alias->name->loc.line);
}

bool expand_probe(struct aliases *t, struct node *decl, bool providers_only)
{
	struct expand x = { t, NULL, 0, 0, providers_only };
	int errors = diag_errors();
	const struct via *v;
	size_t i;

	derive_probe(&x, decl, NULL, false);
	for (i = 0; i < x.n; i++) {
		push_contexts(x.out[i].via);
		for (v = x.out[i].via; v; v = v->outer)
			t->hooks.alias_used(t->hooks.ctx, v->alias->name->loc.file);
		t->hooks.bind(t->hooks.ctx, x.out[i].p);
		for (v = x.out[i].via; v; v = v->outer)
			diag_context_pop();
	}
	free(x.out);
	return diag_errors() == errors;
}
