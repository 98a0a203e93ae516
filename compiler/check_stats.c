/* Pass 2 checks of statistics (`x <<< v`), after type inference.
 *
 * A statistic is per-CPU data that only the extractors (@count, @sum,
 * @min, @max, @avg, @variance) and the histograms (@hist_linear,
 * @hist_log) read, so:
 *  - it lives in a global or a global array: not in a local, a parameter
 *    or a function's result;
 *  - it is not a value (an array key, a print argument...): it appears
 *    only under `<<<`, an extractor, a histogram, `delete`, `in`, a
 *    foreach (which can't bind it as the value: no local can hold it; and
 *    only a statistics array sorts by an aggregate);
 *  - a histogram is not a value either: it is printed, indexed for one
 *    bucket or iterated by foreach;
 *  - each global has one histogram shape and one @variance bit shift, as
 *    in SystemTap (the runtime keeps one of each per statistic).
 * Pass 3 (translate_stats.c) reads those shapes and trusts them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "resolve.h"

/* A set of pointers: the nodes whose parent allows a statistic there
 * (a pre-order walk meets the parent first), the symbols reported. */
struct ptrset {
	const void **slot;
	size_t cap, n;
};

static size_t ptr_hash(const void *p, size_t cap)
{
	return (size_t)(((uintptr_t)p >> 4) * 0x9E3779B97F4A7C15ull) & (cap - 1);
}

static bool set_has(const struct ptrset *s, const void *p)
{
	size_t i;

	if (!s->cap || !p)
		return false;
	for (i = ptr_hash(p, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		if (s->slot[i] == p)
			return true;
	return false;
}

static void set_add(struct ptrset *s, const void *p)
{
	size_t i;

	if (!p || set_has(s, p))
		return;
	if (2 * (s->n + 1) > s->cap) {
		struct ptrset big = { calloc(s->cap ? 2 * s->cap : 256, sizeof(*big.slot)),
				      s->cap ? 2 * s->cap : 256, 0 };

		if (!big.slot)
			die("out of memory");
		for (i = 0; i < s->cap; i++)
			if (s->slot[i])
				set_add(&big, s->slot[i]);
		free(s->slot);
		*s = big;
	}
	for (i = ptr_hash(p, s->cap); s->slot[i]; i = (i + 1) & (s->cap - 1))
		;
	s->slot[i] = p;
	s->n++;
}

/* The first histogram and @variance shift seen for a global. */
struct shape {
	struct symbol *sym;
	struct node *hist;
	struct node *shift;
	struct shape *next;
};

struct sctx {
	struct ptrset ok;		/* nodes where a statistic is allowed */
	struct ptrset reported;		/* symbols already reported */
	struct shape *shapes;
};

static struct symbol *stat_sym(const struct node *operand)
{
	if (operand->kind == NODE_VAR)
		return operand->u.var.sym;
	if (operand->kind == NODE_INDEX && operand->u.index.base->kind == NODE_VAR)
		return operand->u.index.base->u.var.sym;
	return NULL;
}

static struct shape *shape_of(struct sctx *c, struct symbol *sym)
{
	struct shape *sh;

	for (sh = c->shapes; sh; sh = sh->next)
		if (sh->sym == sym)
			return sh;
	sh = calloc(1, sizeof(*sh));
	if (!sh)
		die("out of memory");
	sh->sym = sym;
	sh->next = c->shapes;
	c->shapes = sh;
	return sh;
}

static bool same_hist(const struct node *a, const struct node *b)
{
	if (a->u.hist.linear != b->u.hist.linear)
		return false;
	return !a->u.hist.linear || (a->u.hist.lo->u.num.value == b->u.hist.lo->u.num.value &&
				     a->u.hist.hi->u.num.value == b->u.hist.hi->u.num.value &&
				     a->u.hist.width->u.num.value == b->u.hist.width->u.num.value);
}

/* @hist_linear's bounds are literals (the parser sees to it); their
 * buckets must fit the runtime's 126 (plus the two out-of-range ones). */
static void check_linear(const struct node *n)
{
	int64_t lo = n->u.hist.lo->u.num.value, hi = n->u.hist.hi->u.num.value;
	int64_t width = n->u.hist.width->u.num.value;

	if (width <= 0)
		diag_error(n->u.hist.width->loc, "the width of @hist_linear must be positive");
	else if (hi <= lo)
		diag_error(n->u.hist.hi->loc, "the upper bound of @hist_linear must be above its lower bound (%lld)",
			   (long long)lo);
	else if ((uint64_t)(hi - lo) / (uint64_t)width + 1 > 126)
		diag_error(n->loc, "@hist_linear from %lld to %lld by %lld has %llu buckets; at most 126 are "
			   "allowed (use a larger width)", (long long)lo, (long long)hi, (long long)width,
			   (unsigned long long)((uint64_t)(hi - lo) / (uint64_t)width + 1));
}

static void check_hist(struct sctx *c, struct node *n)
{
	struct symbol *sym = stat_sym(n->u.hist.operand);
	struct shape *sh;

	if (n->u.hist.linear)
		check_linear(n);
	if (!sym || sym->kind != SYM_GLOBAL)
		return;
	sh = shape_of(c, sym);
	if (!sh->hist) {
		sh->hist = n;
	} else if (!same_hist(sh->hist, n)) {
		diag_error(n->loc, "multiple histogram types declared on '%s'", sym->name);
		diag_note(sh->hist->loc, "the other histogram of '%s' is here", sym->name);
	}
}

/* A number literal, also as -u leaves it unfolded (-5, +5): made a
 * NUM node, which is what pass 3 reads. */
static bool literal(struct node *n, int64_t *v)
{
	if (n->kind == NODE_UNARY && (n->u.un.op == UN_NEG || n->u.un.op == UN_PLUS) &&
	    n->u.un.operand->kind == NODE_NUM) {
		*v = n->u.un.operand->u.num.value;
		if (n->u.un.op == UN_NEG)
			*v = (int64_t)(0 - (uint64_t)*v);
		n->kind = NODE_NUM;
		n->u.num.value = *v;
	}
	if (n->kind != NODE_NUM)
		return false;
	*v = n->u.num.value;
	return true;
}

static void check_variance(struct sctx *c, struct node *n)
{
	struct symbol *sym = stat_sym(n->u.stat.operand);
	struct node *arg = n->u.stat.arg;
	struct shape *sh;
	int64_t v;

	if (!arg)
		return;
	if (!literal(arg, &v)) {
		diag_error(arg->loc, "the bit shift of @variance must be a number literal");
		return;
	}
	if (v < 0 || v > 62) {
		diag_error(arg->loc, "the bit shift of @variance must be between 0 and 62");
		return;
	}
	if (!sym || sym->kind != SYM_GLOBAL)
		return;
	sh = shape_of(c, sym);
	if (!sh->shift) {
		sh->shift = n;
	} else if (sh->shift->u.stat.arg->u.num.value != v) {
		diag_error(arg->loc, "conflicting @variance bit shifts on '%s'", sym->name);
		diag_note(sh->shift->u.stat.arg->loc, "the other @variance of '%s' is here", sym->name);
	}
}

static void check_foreach(struct sctx *c, struct node *n)
{
	struct node *a = n->u.foreach.array, *v = n->u.foreach.value;
	struct symbol *sym = a->kind == NODE_VAR ? a->u.var.sym : NULL;

	if (!sym)
		return;
	if (v && sym->type == TYPE_STATS) {
		diag_error(v->loc, "foreach can't bind the value of '%s': it holds statistics, which only "
			   "globals can hold (read @count(%s[...]), @sum(%s[...]), ... in the loop)",
			   sym->name, sym->name, sym->name);
		set_add(&c->ok, v);
		if (v->u.var.sym)
			set_add(&c->reported, v->u.var.sym);
	}
	if (n->u.foreach.sort_stat_given && sym->type != TYPE_STATS && sym->type != TYPE_UNKNOWN)
		diag_error(a->loc, "'%s' holds %ss, not statistics: sort by its values with '%s+' or '%s-' "
			   "(%s sorts a statistics array)", sym->name, type_name(sym->type), sym->name,
			   sym->name, stat_op_name(n->u.foreach.sort_stat));
}

static void not_a_value(const struct node *n)
{
	const struct symbol *sym = stat_sym(n);
	const char *name = sym ? sym->name : "this";

	diag_error(n->loc, "'%s' holds statistics, which are not a value: read them with @count(%s), "
		   "@sum(%s), @min, @max, @avg or a histogram", name, name, name);
}

static void allow_operands(struct sctx *c, struct node *n)
{
	struct node *a;

	switch (n->kind) {
	case NODE_INDEX:
	case NODE_IN:
		set_add(&c->ok, n->u.index.base);
		break;
	case NODE_STAT_OP:
		set_add(&c->ok, n->u.stat.operand);
		break;
	case NODE_HIST:
		set_add(&c->ok, n->u.hist.operand);
		break;
	case NODE_ASSIGN:
		if (n->u.assign.op == ASSIGN_AGG)
			set_add(&c->ok, n->u.assign.left);
		break;
	case NODE_FOREACH:
		set_add(&c->ok, n->u.foreach.array);
		break;
	case NODE_DELETE:
		set_add(&c->ok, n->u.del.target);
		break;
	case NODE_RETURN:
		/* a function's result: reported as such */
		set_add(&c->ok, n->u.expr.expr);
		break;
	case NODE_CALL:
		/* a parameter that holds statistics is reported as such */
		if (n->u.call.sym && n->u.call.sym->kind == SYM_FUNCTION)
			for (a = n->u.call.args; a; a = a->next)
				set_add(&c->ok, a);
		break;
	case NODE_PRINT:
		for (a = n->u.print.args; a; a = a->next)
			if (a->kind == NODE_HIST)
				set_add(&c->ok, a);
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF:
	case NODE_WHILE: case NODE_FOR: case NODE_BREAK: case NODE_CONTINUE:
	case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR: case NODE_VAR:
	case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_TERNARY: case NODE_REGEX: case NODE_TARGET: case NODE_DEFINED:
	case NODE_ENTRY: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		break;
	}
}

static void stats_node(struct node *n, void *arg)
{
	struct sctx *c = arg;

	if (n->kind == NODE_HIST) {
		if (!set_has(&c->ok, n))
			diag_error(n->loc, "a histogram is not a value: print it (print(@hist_...(x))) or read "
				   "one bucket (@hist_...(x)[i])");
		check_hist(c, n);
	} else if ((n->kind == NODE_VAR || n->kind == NODE_INDEX) && n->type == TYPE_STATS &&
		   !set_has(&c->ok, n)) {
		not_a_value(n);
	} else if (n->kind == NODE_STAT_OP && n->u.stat.op == STAT_VARIANCE) {
		check_variance(c, n);
	} else if (n->kind == NODE_FOREACH) {
		check_foreach(c, n);
	}
	allow_operands(c, n);
}

/* Statistics are globals: not locals, parameters or results. */
static void check_holders(struct sctx *c, struct symbol *list, const char *func)
{
	struct symbol *sym;

	for (sym = list; sym; sym = sym->next) {
		if (sym->type != TYPE_STATS || set_has(&c->reported, sym))
			continue;
		if (sym->kind == SYM_PARAM)
			diag_error(sym->type_loc, "parameter '%s' of %s() holds statistics here: statistics "
				   "can't be passed to a function (pass a value such as @count(x) or @sum(x))",
				   sym->name, func);
		else if (sym->kind == SYM_LOCAL)
			diag_error(sym->type_loc, "'%s' is a local variable: only globals can hold statistics "
				   "(declare it with 'global %s')", sym->name, sym->name);
	}
}

static void check_symbols(struct sctx *c, struct rprogram *p)
{
	struct rfunc *fn;
	struct rprobe *pr;

	/* a key that holds statistics is a value use, reported as such */
	for (fn = p->funcs; fn; fn = fn->next) {
		if (!fn->resolved)
			continue;
		if (fn->sym->type == TYPE_STATS)
			diag_error(fn->sym->type_loc, "function '%s' returns statistics: statistics can't be "
				   "returned (return a value such as @count(x) or @sum(x))", fn->sym->name);
		check_holders(c, fn->locals, fn->sym->name);
	}
	for (pr = p->probes; pr; pr = pr->next)
		check_holders(c, pr->locals, "");
}

static bool walked_body(const struct rfunc *fn)
{
	const struct node *body = fn->decl->u.func.body;

	return fn->resolved && body && body->kind != NODE_EMBEDDED;
}

void check_stats(struct rprogram *p)
{
	struct sctx c = { { 0 }, { 0 }, NULL };
	struct rprobe *pr;
	struct rfunc *fn;
	struct shape *sh;

	for (fn = p->funcs; fn; fn = fn->next)
		if (walked_body(fn))
			node_visit(fn->decl->u.func.body, stats_node, &c);
	for (pr = p->probes; pr; pr = pr->next)
		node_visit(pr->body, stats_node, &c);
	check_symbols(&c, p);
	free(c.ok.slot);
	free(c.reported.slot);
	while ((sh = c.shapes)) {
		c.shapes = sh->next;
		free(sh);
	}
}
