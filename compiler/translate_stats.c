/* Pass 3, statistics and foreach: the shapes (histogram, @variance shift)
 * of stats globals, `<<<`, @count..@variance and @hist_* reads, and
 * foreach over arrays and stats arrays (slices, sorting, limits).
 * Split from translate.c, whose helpers it uses (translate_int.h).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "translate_int.h"

/* A stats global's one shape: the histogram it is printed or indexed with
 * and the @variance bit shift (SystemTap allows one of each). */
struct shape {
	struct symbol *sym;
	bool linear, has_hist;
	int64_t lo, hi, width;
	int shift;
	bool variance;			/* read by @variance or sorted by it */
	struct node *hist_at, *shift_at;
};

struct symbol *stat_sym(struct node *operand)
{
	if (operand->kind == NODE_VAR)
		return operand->u.var.sym;
	if (operand->kind == NODE_INDEX && operand->u.index.base->kind == NODE_VAR)
		return operand->u.index.base->u.var.sym;
	return NULL;
}

static struct shape *shape_of(struct tx *t, struct symbol *sym)
{
	int i;

	for (i = 0; i < t->nshapes; i++)
		if (t->shapes[i].sym == sym)
			return &t->shapes[i];
	t->shapes = realloc(t->shapes, (t->nshapes + 1) * sizeof(*t->shapes));
	if (!t->shapes)
		die("out of memory");
	memset(&t->shapes[t->nshapes], 0, sizeof(*t->shapes));
	t->shapes[t->nshapes].sym = sym;
	return &t->shapes[t->nshapes++];
}

/* Pass 2 (check_stats.c) has checked the shapes: one histogram and one
 * @variance shift per global, literal bounds and shift. */
static void shape_node(struct node *n, void *arg)
{
	struct tx *t = arg;
	struct symbol *sym;
	struct shape *sh;

	if (n->kind == NODE_HIST && (sym = stat_sym(n->u.hist.operand))) {
		sh = shape_of(t, sym);
		if (sh->has_hist)
			return;
		sh->has_hist = true;
		sh->hist_at = n;
		sh->linear = n->u.hist.linear;
		if (sh->linear) {
			sh->lo = n->u.hist.lo->u.num.value;
			sh->hi = n->u.hist.hi->u.num.value;
			sh->width = n->u.hist.width->u.num.value;
		}
	} else if (n->kind == NODE_FOREACH && n->u.foreach.sort_stat_given &&
		   n->u.foreach.sort_stat == STAT_VARIANCE && (sym = stat_sym(n->u.foreach.array))) {
		shape_of(t, sym)->variance = true;
	} else if (n->kind == NODE_STAT_OP && n->u.stat.op == STAT_VARIANCE &&
		   (sym = stat_sym(n->u.stat.operand))) {
		sh = shape_of(t, sym);
		sh->variance = true;
		if (n->u.stat.arg && n->u.stat.arg->kind == NODE_NUM) {
			sh->shift = (int)n->u.stat.arg->u.num.value;
			sh->shift_at = n;
		}
	}
}

void collect_shapes(struct tx *t)
{
	struct rprobe *pr;
	struct rfunc *fn;

	for (pr = t->p->probes; pr; pr = pr->next)
		node_visit(pr->body, shape_node, t);
	for (fn = t->p->funcs; fn; fn = fn->next)
		if (fn->decl->u.func.body && fn->decl->u.func.body->kind != NODE_EMBEDDED)
			node_visit(fn->decl->u.func.body, shape_node, t);
}

void emit_shape(struct tx *t, struct emitter *out, struct symbol *g)
{
	struct shape *sh = shape_of(t, g);

	emit(out, "static const struct tapc_stat_shape g_%s_shape = {", g->name);
	if (sh->has_hist && sh->linear)
		emit(out, "\t.hist = TAPC_HIST_LINEAR, .lo = %s, .hi = %s, .width = %s,",
		     gx_num(sh->lo), gx_num(sh->hi), gx_num(sh->width));
	else if (sh->has_hist)
		emit(out, "\t.hist = TAPC_HIST_LOG,");
	emit(out, "\t.bit_shift = %d,", sh->shift);
	if (!sh->variance)
		emit(out, "\t.no_variance = true,");
	emit(out, "};");
}

/* The merged aggregate of a stats VAR or INDEX, as a C local pointer. */
const char *stat_data(struct tx *t, struct node *operand)
{
	struct symbol *sym = stat_sym(operand);
	int n = t->ntmp++;

	if (!sym) {
		unsupported(t, operand, "statistics of this expression");
		return "NULL";
	}
	fprintf(t->decls, "\tconst struct tapc_stat_data *d%d;\n", n);
	if (operand->kind == NODE_VAR) {
		emit(t->e, "d%d = tapc_stat_get(g_%s);", n, sym->name);
	} else {
		const char *key = build_key(t, sym, operand->u.index.keys);

		emit(t->e, "d%d = tapc_stat_map_get(g_%s, %s);", n, sym->name, key);
	}
	return fmt("d%d", n);
}

static const char *tapc_stat_op_name(enum stat_op op)
{
	switch (op) {
	case STAT_COUNT: return "TAPC_STAT_COUNT";
	case STAT_SUM: return "TAPC_STAT_SUM";
	case STAT_MIN: return "TAPC_STAT_MIN";
	case STAT_MAX: return "TAPC_STAT_MAX";
	case STAT_AVG: return "TAPC_STAT_AVG";
	case STAT_VARIANCE: return "TAPC_STAT_VARIANCE";
	}
	return "TAPC_STAT_COUNT";
}

const char *gx_stat_op(struct tx *t, struct node *n)
{
	const char *d = stat_data(t, n->u.stat.operand), *r = tmp_long(t);
	struct symbol *sym = stat_sym(n->u.stat.operand);

	if (!sym)
		return "0";
	emit(t->e, "if (!tapc_stat_extract(c, %s, &g_%s_shape, %s, &%s, %s))", d, sym->name,
	     tapc_stat_op_name(n->u.stat.op), r, loc_of(n));
	t->e->depth++;
	goto_err(t);
	t->e->depth--;
	return r;
}

/* @hist_*(x)[i]: one bucket's count. */
const char *gx_hist_bucket(struct tx *t, struct node *n)
{
	struct node *h = n->u.index.base;
	struct symbol *sym = stat_sym(h->u.hist.operand);
	const char *d, *i, *r;

	if (!sym || !n->u.index.keys || n->u.index.keys->next) {
		unsupported(t, n, "this histogram index");
		return "0";
	}
	i = gx(t, n->u.index.keys);
	if (!stable(n->u.index.keys) && i[0] != 't') {
		const char *ti = tmp_long(t);

		emit(t->e, "%s = %s;", ti, i);
		i = ti;
	}
	d = stat_data(t, h->u.hist.operand);
	r = tmp_long(t);
	emit(t->e, "if (!tapc_stat_hist_bucket(c, %s, &g_%s_shape, %s, &%s, %s))", d, sym->name, i, r,
	     loc_of(n));
	t->e->depth++;
	goto_err(t);
	t->e->depth--;
	return r;
}

/* x <<< v, a[k] <<< v */
const char *gx_aggregate(struct tx *t, struct node *n)
{
	struct node *left = n->u.assign.left;
	struct symbol *sym = stat_sym(left);
	const char *v = gx(t, n->u.assign.right);

	if (!sym) {
		unsupported(t, n, "'<<<' on this expression");
		return "0";
	}
	if (left->kind == NODE_VAR) {
		emit(t->e, "tapc_stat_add_shaped(g_%s, &g_%s_shape, %s);", sym->name, sym->name, v);
		return "0";
	}
	if (!stable(n->u.assign.right) && v[0] != 't') {
		const char *tv = tmp_long(t);

		emit(t->e, "%s = %s;", tv, v);
		v = tv;
	}
	emit(t->e, "if (!tapc_stat_map_add(c, g_%s, %s, %s, %s))", sym->name,
	     build_key(t, sym, left->u.index.keys), v, loc_of(n));
	t->e->depth++;
	goto_err(t);
	t->e->depth--;
	return "0";
}

/* ---- foreach ---- */

/* Evaluate an index slice's fixed keys into temps; NULL for each '*'. */
void slice_values(struct tx *t, struct symbol *sym, struct node *keys, const char **vals)
{
	struct node *k;
	int i;

	for (k = keys, i = 0; k && i < MAX_ARRAY_KEYS; k = k->next, i++) {
		const char *v;

		vals[i] = NULL;
		if (k->kind == NODE_WILDCARD)
			continue;
		v = gx(t, k);
		if (sym->keys[i] == TYPE_STRING) {
			const char *sv = tmp_string(t);

			emit(t->e, "tapc_strcpy(%s, %s);", sv, v);
			vals[i] = sv;
		} else {
			const char *tv = tmp_long(t);

			emit(t->e, "%s = %s;", tv, v);
			vals[i] = tv;
		}
	}
}

/* C condition: the key struct kp matches the slice's fixed keys. */
const char *slice_match(struct symbol *sym, const char **vals, const char *kp)
{
	const char *cond = "1";
	int i;

	for (i = 0; i < sym->arity && i < MAX_ARRAY_KEYS; i++) {
		if (!vals[i])
			continue;
		if (sym->keys[i] == TYPE_STRING)
			cond = fmt("%s && strcmp(%s->k%d, %s) == 0", cond, kp, i, vals[i]);
		else
			cond = fmt("%s && %s->k%d == %s", cond, kp, i, vals[i]);
	}
	return cond;
}

bool has_wildcard(const struct node *keys)
{
	for (; keys; keys = keys->next)
		if (keys->kind == NODE_WILDCARD)
			return true;
	return false;
}

/* The value a stats array's foreach sorts by, from a struct tapc_stat_data *. */
static const char *stat_sort_value(enum stat_op op, const char *d)
{
	switch (op) {
	case STAT_COUNT: return fmt("%s->count", d);
	case STAT_SUM: return fmt("%s->sum", d);
	case STAT_MIN: return fmt("%s->min", d);
	case STAT_MAX: return fmt("%s->max", d);
	case STAT_AVG: return fmt("(%s->count ? div64_s64(%s->sum, %s->count) : 0)", d, d, d);
	case STAT_VARIANCE: return fmt("(%s->count > 1 ? div64_s64(%s->m2_s, %s->count - 1) : 0)", d, d, d);
	}
	return "0";
}

/* The comparator of a sorted foreach over map (a C expression naming the
 * tapc_map) of sym: by key sort_key (1-based) or by value (-1), in
 * direction dir, ties in insertion order. */
static const char *foreach_cmp(struct tx *t, struct symbol *sym, const char *map, struct node *n)
{
	int id = t->nhelpers++, key = n->u.foreach.sort_key;
	FILE *h = t->helpers;
	const char *a, *b;

	fprintf(h, "static int foreach_cmp_%d(const void *x, const void *y)\n{\n", id);
	fprintf(h, "\tconst struct tapc_sort_ent *ex = x, *ey = y;\n\tint r;\n\n");
	if (key > 0) {
		fprintf(h, "\tconst struct g_%s_key *a = tapc_map_key(%s, ex->it), *b = tapc_map_key(%s, ey->it);\n\n",
			sym->name, map, map);
		a = fmt("a->k%d", key - 1);
		b = fmt("b->k%d", key - 1);
		if (sym->keys[key - 1] == TYPE_STRING)
			fprintf(h, "\tr = strcmp(%s, %s);\n", a, b);
		else
			fprintf(h, "\tr = tapc_cmp_s64(%s, %s);\n", a, b);
	} else if (sym->type == TYPE_STATS) {
		enum stat_op op = n->u.foreach.sort_stat_given ? n->u.foreach.sort_stat : STAT_COUNT;

		fprintf(h, "\tconst struct tapc_stat_data *a = tapc_map_value(%s, ex->it), *b = tapc_map_value(%s, ey->it);\n\n",
			map, map);
		fprintf(h, "\tr = tapc_cmp_s64(%s, %s);\n", stat_sort_value(op, "a"), stat_sort_value(op, "b"));
	} else if (sym->type == TYPE_STRING) {
		fprintf(h, "\tr = strcmp(tapc_map_value(%s, ex->it), tapc_map_value(%s, ey->it));\n", map, map);
	} else {
		fprintf(h, "\tr = tapc_cmp_s64(*(int64_t *)tapc_map_value(%s, ex->it), "
			"*(int64_t *)tapc_map_value(%s, ey->it));\n", map, map);
	}
	fprintf(h, "\tif (r)\n\t\treturn %sr;\n", n->u.foreach.sort_dir == SORT_DESC ? "-" : "");
	fprintf(h, "\treturn tapc_cmp_seq(ex, ey);\n}\n\n");
	return fmt("foreach_cmp_%d", id);
}

void gs_foreach(struct tx *t, struct node *n)
{
	struct node *arr = n->u.foreach.array, *k;
	struct symbol *sym;
	const char *limit = NULL, *count = NULL, *map, *slice[MAX_ARRAY_KEYS] = { 0 };
	int label = t->ntmp++, it = t->ntmp++, i;
	bool sorted = n->u.foreach.sort_dir != SORT_NONE;

	if (arr->kind != NODE_VAR) {
		unsupported(t, n, "foreach over a histogram");
		return;
	}
	sym = arr->u.var.sym;
	if (sym->type == TYPE_STATS && n->u.foreach.value) {
		unsupported(t, n->u.foreach.value, "binding a statistics value in foreach");
		return;
	}
	if (n->u.foreach.limit) {
		limit = tmp_long(t);
		count = tmp_long(t);
		emit(t->e, "%s = %s;", limit, gx(t, n->u.foreach.limit));
		emit(t->e, "%s = 0;", count);
	}
	slice_values(t, sym, n->u.foreach.slice, slice);
	fprintf(t->decls, "\tvoid *it%d;\n\tconst struct g_%s_key *kp%d;\n", it, sym->name, it);
	map = fmt("g_%s", sym->name);
	if (sym->type == TYPE_STATS) {
		/* a static: the comparator reads it too */
		map = fmt("foreach_agg_%d", it);
		fprintf(t->helpers, "static struct tapc_map *%s;\n\n", map);
		emit(t->e, "%s = tapc_stat_map_aggregate(c, g_%s, %s);", map, sym->name, loc_of(n));
		emit(t->e, "if (!%s)", map);
		t->e->depth++;
		goto_err(t);
		t->e->depth--;
	}
	if (sorted) {
		long long size = sym->decl && sym->decl->u.global.size ? sym->decl->u.global.size : 0;
		const char *cmp = foreach_cmp(t, sym, map, n);
		int nth = t->nsorted[sym->index]++;

		/* the map's nth sort buffer, allocated with it (emit_globals_init) */
		fprintf(t->decls, "\tu32 fi%d, fn%d;\n\tstruct tapc_sort_ent *sb%d;\n", it, it, it);
		emit(t->e, "sb%d = tapc_map_sort_buf(%s, %d);", it, map, nth);
		emit(t->e, "fn%d = tapc_map_sort(%s, sb%d, %s, %s);", it, map, it,
		     size ? fmt("%lld", size) : "MAXMAPENTRIES", cmp);
		emit(t->e, "for (fi%d = 0; fi%d < fn%d; fi%d++) {", it, it, it, it);
		emit(t->e, "it%d = sb%d[fi%d].it;", it, it, it);
	} else {
		emit(t->e, "for (it%d = tapc_map_next(%s, NULL); it%d; it%d = tapc_map_next(%s, it%d)) {",
		     it, map, it, it, map, it);
	}
	emit(t->e, "kp%d = tapc_map_key(%s, it%d);", it, map, it);
	if (n->u.foreach.slice) {
		emit(t->e, "if (!(%s))", slice_match(sym, slice, fmt("kp%d", it)));
		emit(t->e, "\tcontinue;");
	}
	if (limit) {
		emit(t->e, "if (%s++ >= %s)", count, limit);
		emit(t->e, "\tbreak;");
	}
	for (k = n->u.foreach.keys, i = 0; k; k = k->next, i++) {
		const char *l = var_ref(t, k->u.var.sym);

		if (sym->keys[i] == TYPE_STRING)
			emit(t->e, "tapc_strcpy(%s, kp%d->k%d);", l, it, i);
		else
			emit(t->e, "%s = kp%d->k%d;", l, it, i);
	}
	if (n->u.foreach.value) {
		const char *l = var_ref(t, n->u.foreach.value->u.var.sym);

		if (sym->type == TYPE_STRING)
			emit(t->e, "tapc_strcpy(%s, tapc_map_value(%s, it%d));", l, map, it);
		else
			emit(t->e, "%s = *(int64_t *)tapc_map_value(%s, it%d);", l, map, it);
	}
	gs_loop_body(t, n->u.foreach.body, label);
	emit(t->e, "}");
}
