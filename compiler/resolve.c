/* Pass 2 entry: bind every name and expand every probe point.
 *
 * resolve() walks the user's files: globals and functions are collected
 * first (a script may use a function before defining it), then each probe's
 * points go to their provider, which turns them into sites, and each body's
 * names are bound: a name is a local or parameter of the enclosing probe or
 * function, else a user global, else a tapset global (pulled in), else a new
 * local.  Calls go to user functions, then built-ins, then tapset functions,
 * whose bodies are resolved when first called.  Then types.c infers types
 * and prune.c drops what is unused.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "builtins.h"
#include "diag.h"
#include "kernel.h"
#include "parse.h"
#include "provider.h"
#include "regex_dfa.h"
#include "resolve.h"
#include "session.h"

struct rctx {
	struct session *s;
	struct rprogram *p;
	struct symbol *tapset_globals;	/* candidates, moved to p->globals on use */
	struct rfunc *tapset_funcs;	/* candidates, moved to p->funcs on use */
	struct symbol **scope;		/* locals list of the current body */
	struct rprobe *probe;		/* current probe, NULL in a function */
	struct rfunc *func;		/* current function */
	struct node **aliases;		/* ALIAS declarations, user's first */
	int naliases;
};

struct symbol *symbol_new(enum sym_kind kind, const char *name, struct loc loc)
{
	struct symbol *sym = arena_alloc(sizeof(*sym));

	sym->kind = kind;
	sym->name = name;
	sym->loc = loc;
	sym->arity = -1;
	sym->type = TYPE_UNKNOWN;
	return sym;
}

static void sym_append(struct symbol **list, struct symbol *sym)
{
	while (*list)
		list = &(*list)->next;
	*list = sym;
}

static struct symbol *sym_find(struct symbol *list, const char *name)
{
	for (; list; list = list->next)
		if (strcmp(list->name, name) == 0)
			return list;
	return NULL;
}

static struct rfunc *func_find(struct rfunc *list, const char *name)
{
	for (; list; list = list->next)
		if (strcmp(list->sym->name, name) == 0)
			return list;
	return NULL;
}

int pp_comps(const struct node *point, const struct node **comps, int max)
{
	const struct node *c;
	int n = 0;

	for (c = point->u.pp.comps; c && n < max; c = c->next)
		comps[n++] = c;
	return n;
}

const char *pp_text(const struct node *point)
{
	const struct node *c;
	char *out = "";

	for (c = point->u.pp.comps; c; c = c->next) {
		const char *dot = c == point->u.pp.comps ? "" : ".";

		if (!c->u.comp.arg)
			out = arena_printf("%s%s%s", out, dot, c->u.comp.name);
		else if (c->u.comp.arg->kind == NODE_NUM)
			out = arena_printf("%s%s%s(%lld)", out, dot, c->u.comp.name,
					   (long long)c->u.comp.arg->u.num.value);
		else
			out = arena_printf("%s%s%s(\"%s\")", out, dot, c->u.comp.name,
					   c->u.comp.arg->u.str.value);
	}
	return out;
}

/* Bounded edit distance for "did you mean" hints. */
static int distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), i, j;
	int d[64][64];

	if (la >= 64 || lb >= 64)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			int v = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			d[i][j] = v;
		}
	return d[la][lb];
}

struct hint {
	const char *want, *best;
	int bestd;
};

static void hint_try(struct hint *h, const char *name)
{
	int d = distance(h->want, name);

	if (d < h->bestd && d <= (int)strlen(h->want) / 3 + 1) {
		h->bestd = d;
		h->best = name;
	}
}

static void hint_note(struct hint *h, struct loc loc)
{
	if (h->best)
		diag_note(loc, "did you mean '%s'?", h->best);
}

/* ---- collecting declarations ---- */

static void collect_file(struct rctx *r, struct file_ast *f, bool tapset)
{
	struct node *d;

	for (d = f->decls; d; d = d->next) {
		switch (d->kind) {
		case NODE_GLOBAL: {
			struct symbol **list = tapset ? &r->tapset_globals : &r->p->globals;
			struct symbol *old = sym_find(*list, d->u.global.name), *sym;

			if (old && !tapset) {
				diag_error(d->loc, "global '%s' declared twice", d->u.global.name);
				diag_note(old->loc, "first declared here");
				break;
			}
			if (old)
				break;
			sym = symbol_new(SYM_GLOBAL, d->u.global.name, d->loc);
			sym->decl = d;
			d->u.global.sym = sym;
			sym_append(list, sym);
			break;
		}
		case NODE_FUNCTION: {
			struct rfunc **list = tapset ? &r->tapset_funcs : &r->p->funcs;
			struct rfunc *old = func_find(*list, d->u.func.name), *fn;
			struct node *param;

			if (old && !tapset) {
				diag_error(d->loc, "function '%s' defined twice", d->u.func.name);
				diag_note(old->decl->loc, "first defined here");
				break;
			}
			if (old)
				break;
			fn = arena_alloc(sizeof(*fn));
			fn->decl = d;
			fn->sym = symbol_new(SYM_FUNCTION, d->u.func.name, d->loc);
			fn->sym->decl = d;
			fn->sym->func = fn;
			fn->sym->type = d->u.func.ret;
			if (fn->sym->type != TYPE_UNKNOWN)
				fn->sym->type_loc = d->loc;
			d->u.func.sym = fn->sym;
			for (param = d->u.func.params; param; param = param->next) {
				struct symbol *ps = symbol_new(SYM_PARAM, param->u.param.name, param->loc);

				if (sym_find(fn->locals, ps->name))
					diag_error(param->loc, "parameter '%s' declared twice", ps->name);
				ps->decl = param;
				ps->type = param->u.param.decl;
				ps->type_loc = param->loc;
				ps->arity = 0;
				ps->assigned = true;
				sym_append(&fn->locals, ps);
				fn->nparams++;
			}
			{
				struct rfunc **tail = list;

				while (*tail)
					tail = &(*tail)->next;
				*tail = fn;
			}
			break;
		}
		case NODE_EMBEDDED:
			if (!tapset && !r->s->guru)
				diag_error(d->loc, "embedded C code requires guru mode (-g)");
			break;
		case NODE_ALIAS:
			r->aliases = realloc(r->aliases, (r->naliases + 1) * sizeof(*r->aliases));
			if (!r->aliases)
				die("out of memory");
			r->aliases[r->naliases++] = d;
			break;
		case NODE_PROBE:
			break;
		default:
			die("collect_file: unexpected %s", node_kind_names[d->kind]);
		}
	}
}

/* ---- binding names in a body ---- */

static void bind(struct rctx *r, struct node *n);

static void bind_list(struct rctx *r, struct node *n)
{
	for (; n; n = n->next)
		bind(r, n);
}

static struct symbol *global_lookup(struct rctx *r, const char *name)
{
	struct symbol *sym = sym_find(r->p->globals, name), **pp;

	if (sym)
		return sym;
	for (pp = &r->tapset_globals; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0) {
			sym = *pp;
			*pp = sym->next;
			sym->next = NULL;
			sym_append(&r->p->globals, sym);
			return sym;
		}
	}
	return NULL;
}

static bool in_tapset_file(const struct rctx *r, const char *file)
{
	const struct file_ast *f;

	for (f = r->s->program->tapsets; f; f = f->next)
		if (file && (f->name == file || strcmp(f->name, file) == 0))
			return true;
	return false;
}

/* arity: number of keys for an array use, 0 for a scalar use, -2 when the
 * use doesn't tell (delete x). */
static struct symbol *bind_name(struct rctx *r, struct node *var, int arity, bool write)
{
	const char *name = var->u.var.name;
	bool user = !in_tapset_file(r, var->loc.file);
	struct symbol *sym = sym_find(*r->scope, name), *g;

	/* tapset code (an alias's body, a function) doesn't see the user's
	 * globals, and the user's code sees its globals before an alias's
	 * variables: `global n; probe syscall.* { n[name]++ }` must not make
	 * syscall.select's variable n the user's array */
	if (user && sym && sym->kind == SYM_LOCAL && in_tapset_file(r, sym->loc.file) &&
	    (g = global_lookup(r, name)))
		sym = g;
	if (!sym) {
		sym = global_lookup(r, name);
		if (sym && !user && sym->decl && !sym->decl->from_tapset)
			sym = NULL;
	}
	if (!sym) {
		if (arity > 0) {
			diag_error(var->loc, "'%s' is not a global array (arrays must be declared global)", name);
			return NULL;
		}
		sym = symbol_new(SYM_LOCAL, name, var->loc);
		sym->arity = 0;
		sym_append(r->scope, sym);
	}
	var->u.var.sym = sym;
	if (write)
		sym->assigned = true;
	else
		sym->read = true;
	if (arity == -2)
		return sym;
	if (sym->kind != SYM_GLOBAL && arity > 0) {
		diag_error(var->loc, "'%s' is a local variable, not an array (arrays must be declared global)", name);
		return sym;
	}
	if (arity > MAX_ARRAY_KEYS) {
		/* as SystemTap: arrays take one to nine keys */
		diag_error(var->loc, "array '%s' has %d keys; at most %d are allowed", name, arity,
			   MAX_ARRAY_KEYS);
		return sym;
	}
	if (sym->arity == -1) {
		sym->arity = arity;
		sym->arity_loc = var->loc;
	} else if (sym->arity != arity) {
		if (arity == 0)
			diag_error(var->loc, "array '%s' used as a scalar", name);
		else if (sym->arity == 0)
			diag_error(var->loc, "scalar '%s' used as an array", name);
		else
			diag_error(var->loc, "array '%s' used with %d key%s here", name, arity,
				   arity == 1 ? "" : "s");
		if (sym->arity == 0)
			diag_note(sym->arity_loc, "'%s' used as a scalar here", name);
		else
			diag_note(sym->arity_loc, "'%s' used with %d key%s here", name, sym->arity,
				  sym->arity == 1 ? "" : "s");
	}
	return sym;
}

static void resolve_function_body(struct rctx *r, struct rfunc *fn);

static void bind_call(struct rctx *r, struct node *n)
{
	const char *name = n->u.call.name;
	struct rfunc *fn = func_find(r->p->funcs, name), **pp;
	const struct builtin *b = NULL;
	int nargs = node_count(n->u.call.args), want;

	bind_list(r, n->u.call.args);
	if (!fn)
		b = builtin_find(name);
	if (!fn && !b) {
		for (pp = &r->tapset_funcs; *pp; pp = &(*pp)->next) {
			if (strcmp((*pp)->sym->name, name) == 0) {
				struct rfunc **tail = &r->p->funcs;

				fn = *pp;
				*pp = fn->next;
				fn->next = NULL;
				while (*tail)
					tail = &(*tail)->next;
				*tail = fn;
				break;
			}
		}
	}
	if (!fn && !b) {
		struct hint h = { name, NULL, 99 };
		const struct builtin *tab;
		struct rfunc *f;
		int i, count;

		diag_error(n->loc, "unknown function '%s'", name);
		for (f = r->p->funcs; f; f = f->next)
			hint_try(&h, f->sym->name);
		for (f = r->tapset_funcs; f; f = f->next)
			hint_try(&h, f->sym->name);
		tab = builtin_table(&count);
		for (i = 0; i < count; i++)
			hint_try(&h, tab[i].name);
		hint_note(&h, n->loc);
		return;
	}
	if (fn) {
		n->u.call.sym = fn->sym;
		want = fn->nparams;
	} else {
		struct symbol *sym = symbol_new(SYM_BUILTIN, name, n->loc);

		sym->builtin = b;
		sym->type = b->ret;
		n->u.call.sym = sym;
		want = b->nargs;
	}
	if (nargs != want) {
		diag_error(n->loc, "function '%s' takes %d argument%s, %d given", name, want,
			   want == 1 ? "" : "s", nargs);
		if (fn)
			diag_note(fn->decl->loc, "'%s' is defined here", name);
	}
	if (fn && !fn->resolved)
		resolve_function_body(r, fn);
}

static bool is_lvalue(struct rctx *r, struct node *n)
{
	if (n->kind == NODE_VAR || n->kind == NODE_INDEX)
		return true;
	if (n->kind == NODE_TARGET && r->s->guru)
		return true;
	return false;
}

static void bind_lvalue(struct rctx *r, struct node *n, const char *what)
{
	if (n->kind == NODE_TARGET && !r->s->guru) {
		diag_error(n->loc, "writing to target variable '%s' needs guru mode (-g)", n->u.target.name);
		bind(r, n);
		return;
	}
	if (n->kind == NODE_TARGET)
		n->u.target.written = true;
	if (!is_lvalue(r, n)) {
		diag_error(n->loc, "%s a value that is not a variable or array element", what);
		bind(r, n);
		return;
	}
	if (n->kind == NODE_VAR)
		bind_name(r, n, 0, true);
	else if (n->kind == NODE_INDEX) {
		if (n->u.index.base->kind == NODE_VAR) {
			struct symbol *sym = bind_name(r, n->u.index.base,
						       node_count(n->u.index.keys), true);

			(void)sym;
		} else {
			diag_error(n->loc, "%s a histogram bucket", what);
		}
		bind_list(r, n->u.index.keys);
	} else {
		bind(r, n);
	}
}

static void bind_target(struct rctx *r, struct node *n)
{
	struct site *site;
	const char *expr = NULL;
	struct target_step *st;

	for (st = n->u.target.steps; st; st = st->next)
		if (st->kind == STEP_INDEX)
			bind(r, st->index);
	if (n->u.target.cast_expr)
		bind(r, n->u.target.cast_expr);
	if (strcmp(n->u.target.name, "@cast") == 0 &&
	    (!r->probe || !r->probe->sites || !r->probe->sites->ops->target)) {
		/* a function, or begin/end/timer: the target kernel's types */
		n->type = provider_cast(r->s, n);
		if (n->type != TYPE_UNKNOWN && n->u.target.written && !n->u.target.store) {
			diag_error(n->loc, "@cast can't be written here");
			n->type = TYPE_UNKNOWN;
		}
		return;
	}
	if (!r->probe) {
		diag_error(n->loc, "target variable %s used outside a probe", n->u.target.name);
		return;
	}
	for (site = r->probe->sites; site; site = site->next) {
		enum type_kind t;

		if (!site->ops->target) {
			diag_error(n->loc, "probe point %s has no target variables (%s)", site->pp,
				   n->u.target.name);
			return;
		}
		t = site->ops->target(r->s, site, n);
		if (t == TYPE_UNKNOWN)
			return;
		n->type = t;
		if (n->u.target.written && !n->u.target.store) {
			diag_error(n->loc, "%s can't be written at %s", n->u.target.name, site->pp);
			return;
		}
		if (expr && strcmp(expr, n->u.target.resolved) != 0) {
			diag_error(n->loc, "%s means different things at the points of this probe",
				   n->u.target.name);
			return;
		}
		expr = n->u.target.resolved;
	}
}

/* @defined(e): whether every site of the probe offers target variable e,
 * asked quietly of the providers; the node becomes that constant. */
static bool bind_defined(struct rctx *r, struct node *n)
{
	struct node *t = n->u.wrap.operand;
	struct site *site;
	bool ok = r->probe != NULL;

	if (t->kind != NODE_TARGET) {
		diag_error(n->loc, "@defined needs a target variable ($name, $p->f, @cast(...))");
		ok = false;
	} else if (t->u.target.cast_expr) {
		bind(r, t->u.target.cast_expr);
	}
	for (site = r->probe ? r->probe->sites : NULL; ok && site; site = site->next)
		ok = site->ops->defined && site->ops->defined(r->s, site, t);
	n->kind = NODE_NUM;
	n->u.num.value = ok;
	return ok;
}

/* An @entry expression is evaluated at entry, before the probe's locals
 * exist. */
static void entry_locals_check(struct node *n, void *arg)
{
	struct node *at = arg;

	if (n->kind == NODE_VAR && n->u.var.sym && n->u.var.sym->kind == SYM_LOCAL)
		diag_error(n->loc, "@entry can't read the probe's local '%s': it is evaluated at function entry",
			   n->u.var.sym->name);
	else if (n->kind == NODE_ENTRY && n != at)
		diag_error(n->loc, "@entry inside @entry");
}

/* @entry(e): the provider of each site saves e at function entry. */
static void bind_entry(struct rctx *r, struct node *n)
{
	struct site *site;

	if (!r->probe) {
		diag_error(n->loc, "@entry used outside a probe");
		return;
	}
	for (site = r->probe->sites; site; site = site->next) {
		if (!site->ops->entry) {
			diag_error(n->loc, "@entry is only available in .return probes (at %s)", site->pp);
			return;
		}
	}
	if (n->u.wrap.operand->kind != NODE_TARGET || n->u.wrap.operand->u.target.cast_expr) {
		/* an expression: evaluated by the probe's entry function, so
		 * its target variables are those of the function's entry */
		size_t i = 0, nsites = 0;
		bool *was;

		for (site = r->probe->sites; site; site = site->next)
			nsites++;
		was = arena_alloc(nsites * sizeof(*was));
		for (site = r->probe->sites; site; site = site->next, i++) {
			was[i] = site->is_return;
			site->is_return = false;
		}
		bind(r, n->u.wrap.operand);
		for (site = r->probe->sites, i = 0; site; site = site->next, i++)
			site->is_return = was[i];
		node_visit(n->u.wrap.operand, entry_locals_check, n);
	}
	for (site = r->probe->sites; site; site = site->next) {
		enum type_kind t = site->ops->entry(r->s, site, n);

		if (t == TYPE_UNKNOWN)
			return;
		/* a target the provider saved: its type is the one it made */
		if (!n->u.wrap.slot)
			n->u.wrap.operand->type = t;
	}
}

static bool hist_num_eq(const struct node *a, const struct node *b)
{
	return a->kind == NODE_NUM && b->kind == NODE_NUM && a->u.num.value == b->u.num.value;
}

/* A stats variable keeps one histogram, so all its @hist_* must agree on
 * the kind and, for @hist_linear, on the bounds and width (as stap's
 * "multiple histogram types declared" check in pass 2). */
static void check_hist_shape(struct node *n)
{
	struct node *op = n->u.hist.operand, *first;
	struct symbol *sym = NULL;

	if (op->kind == NODE_VAR)
		sym = op->u.var.sym;
	else if (op->kind == NODE_INDEX && op->u.index.base->kind == NODE_VAR)
		sym = op->u.index.base->u.var.sym;
	if (!sym || sym->kind != SYM_GLOBAL)
		return;
	first = sym->hist;
	if (!first) {
		sym->hist = n;
		return;
	}
	if (first->u.hist.linear == n->u.hist.linear &&
	    (!n->u.hist.linear || (hist_num_eq(first->u.hist.lo, n->u.hist.lo) &&
				   hist_num_eq(first->u.hist.hi, n->u.hist.hi) &&
				   hist_num_eq(first->u.hist.width, n->u.hist.width))))
		return;
	diag_error(n->loc, "multiple histogram types declared on '%s'", sym->name);
	diag_note(first->loc, "the other histogram of '%s' is here", sym->name);
}

static void bind(struct rctx *r, struct node *n)
{
	if (!n)
		return;
	switch (n->kind) {
	case NODE_BLOCK:
		bind_list(r, n->u.block.stmts);
		break;
	case NODE_NULLSTMT:
	case NODE_BREAK:
	case NODE_CONTINUE:
	case NODE_NEXT:
	case NODE_NUM:
	case NODE_STR:
	case NODE_EMBEDDED_EXPR:
	case NODE_WILDCARD:
		break;
	case NODE_EMBEDDED:
		if (!n->from_tapset && !r->s->guru)
			diag_error(n->loc, "embedded C code requires guru mode (-g)");
		break;
	case NODE_EXPRSTMT:
	case NODE_RETURN:
		if (n->kind == NODE_RETURN && !r->func)
			diag_error(n->loc, "'return' outside a function");
		bind(r, n->u.expr.expr);
		break;
	case NODE_IF:
		if (n->u.if_.cond->kind == NODE_DEFINED) {
			/* only the branch that can run: the other may name a
			 * target variable this probe doesn't have */
			if (bind_defined(r, n->u.if_.cond)) {
				n->u.if_.els = NULL;
			} else {
				n->u.if_.then = node_new(NODE_BLOCK, n->loc);
			}
		} else {
			bind(r, n->u.if_.cond);
		}
		bind(r, n->u.if_.then);
		bind(r, n->u.if_.els);
		break;
	case NODE_WHILE:
	case NODE_FOR:
		bind(r, n->u.loop.init);
		bind(r, n->u.loop.cond);
		bind(r, n->u.loop.step);
		bind(r, n->u.loop.body);
		break;
	case NODE_FOREACH: {
		struct node *k;
		int nkeys = node_count(n->u.foreach.keys);

		if (n->u.foreach.array->kind == NODE_VAR)
			bind_name(r, n->u.foreach.array, nkeys, false);
		else
			bind(r, n->u.foreach.array);
		for (k = n->u.foreach.keys; k; k = k->next)
			bind_name(r, k, 0, true);
		if (n->u.foreach.value)
			bind_name(r, n->u.foreach.value, 0, true);
		bind_list(r, n->u.foreach.slice);
		bind(r, n->u.foreach.limit);
		bind(r, n->u.foreach.body);
		break;
	}
	case NODE_DELETE: {
		struct node *t = n->u.del.target;

		if (t->kind == NODE_VAR)
			bind_name(r, t, -2, true);
		else if (t->kind == NODE_INDEX)
			bind_lvalue(r, t, "cannot delete");
		else
			diag_error(t->loc, "cannot delete a value that is not a variable or array element");
		break;
	}
	case NODE_TRY:
		bind(r, n->u.try_.body);
		if (n->u.try_.catch_var)
			bind_name(r, n->u.try_.catch_var, 0, true);
		bind(r, n->u.try_.handler);
		break;
	case NODE_VAR:
		bind_name(r, n, 0, false);
		break;
	case NODE_INDEX:
	case NODE_IN:
		if (n->u.index.base->kind == NODE_VAR)
			bind_name(r, n->u.index.base, node_count(n->u.index.keys), false);
		else
			bind(r, n->u.index.base);
		bind_list(r, n->u.index.keys);
		break;
	case NODE_CALL:
		bind_call(r, n);
		break;
	case NODE_PRINT:
		bind(r, n->u.print.fmt);
		bind_list(r, n->u.print.args);
		break;
	case NODE_BINARY:
		bind(r, n->u.bin.left);
		bind(r, n->u.bin.right);
		break;
	case NODE_LOGICAL:
		bind(r, n->u.logical.left);
		bind(r, n->u.logical.right);
		break;
	case NODE_UNARY:
		bind(r, n->u.un.operand);
		break;
	case NODE_INCDEC:
		bind_lvalue(r, n->u.incdec.operand, n->u.incdec.inc ? "cannot increment" : "cannot decrement");
		/* x++ also reads x */
		break;
	case NODE_ASSIGN:
		bind(r, n->u.assign.right);
		bind_lvalue(r, n->u.assign.left, "cannot assign to");
		break;
	case NODE_TERNARY:
		if (n->u.ternary.cond->kind == NODE_DEFINED) {
			/* as for if: the dead branch becomes the live one */
			if (bind_defined(r, n->u.ternary.cond))
				n->u.ternary.els = n->u.ternary.then;
			else
				n->u.ternary.then = n->u.ternary.els;
			bind(r, n->u.ternary.then);
			break;
		}
		bind(r, n->u.ternary.cond);
		bind(r, n->u.ternary.then);
		bind(r, n->u.ternary.els);
		break;
	case NODE_REGEX: {
		struct regex_dfa dfa;
		const char *err;
		int pos;

		bind(r, n->u.regex.left);
		/* a bad pattern is a pass-2 error; pass 3 compiles it again */
		if (regex_compile(n->u.regex.pattern, &dfa, &err, &pos))
			break;
		if (pos < 0)
			diag_error(n->u.regex.pattern_loc, "%s: \"%s\"", err, n->u.regex.pattern);
		else
			diag_error(n->u.regex.pattern_loc, "%s, at character %d of \"%s\"", err, pos + 1,
				   n->u.regex.pattern);
		break;
	}
	case NODE_STAT_OP:
		bind(r, n->u.stat.operand);
		bind(r, n->u.stat.arg);
		break;
	case NODE_HIST:
		bind(r, n->u.hist.operand);
		check_hist_shape(n);
		break;
	case NODE_TARGET:
		bind_target(r, n);
		break;
	case NODE_DEFINED:
		bind_defined(r, n);
		break;
	case NODE_ENTRY:
		bind_entry(r, n);
		break;
	case NODE_PROBE:
	case NODE_ALIAS:
	case NODE_GLOBAL:
	case NODE_FUNCTION:
	case NODE_PROBE_POINT:
	case NODE_PP_COMP:
	case NODE_PARAM:
	case NODE_KIND_COUNT:
		die("bind: unexpected %s", node_kind_names[n->kind]);
	}
}

/* A local that is read but never assigned anywhere is almost always a typo
 * (stap only warns; we refuse, with a hint). */
static void check_locals(struct rctx *r, struct symbol *locals)
{
	struct symbol *sym, *g;

	for (sym = locals; sym; sym = sym->next) {
		struct hint h = { sym->name, NULL, 99 };

		if (sym->kind != SYM_LOCAL || sym->assigned)
			continue;
		diag_error(sym->loc, "unknown variable '%s' (never assigned)", sym->name);
		for (g = r->p->globals; g; g = g->next)
			hint_try(&h, g->name);
		for (g = r->tapset_globals; g; g = g->next)
			hint_try(&h, g->name);
		for (g = locals; g; g = g->next)
			if (g != sym && g->assigned)
				hint_try(&h, g->name);
		hint_note(&h, sym->loc);
	}
}

static void resolve_function_body(struct rctx *r, struct rfunc *fn)
{
	struct symbol **save_scope = r->scope;
	struct rprobe *save_probe = r->probe;
	struct rfunc *save_func = r->func;

	fn->resolved = true;
	r->scope = &fn->locals;
	r->probe = NULL;
	r->func = fn;
	if (fn->decl->u.func.body && fn->decl->u.func.body->kind == NODE_EMBEDDED) {
		if (!fn->decl->from_tapset && !r->s->guru)
			diag_error(fn->decl->loc, "embedded C code requires guru mode (-g)");
	} else {
		bind(r, fn->decl->u.func.body);
	}
	check_locals(r, fn->locals);
	r->scope = save_scope;
	r->probe = save_probe;
	r->func = save_func;
}

/* ---- probes ---- */

static bool expand_point(struct rctx *r, struct rprobe *p, struct node *point)
{
	const char *first = point->u.pp.comps->u.comp.name;
	const struct provider *prov = provider_find(first);
	int n;

	if (!prov) {
		struct hint h = { first, NULL, 99 };
		const struct provider *tab;
		int i, count;

		/* an optional point may name an alias this kernel lacks */
		if (point->u.pp.optional)
			return true;
		diag_error(point->loc, "no match for probe point %s (unknown probe family '%s')",
			   pp_text(point), first);
		tab = provider_table(&count);
		for (i = 0; i < count; i++)
			hint_try(&h, tab[i].name);
		hint_note(&h, point->loc);
		return false;
	}
	n = prov->ops->expand(r->s, p, point);
	if (n < 0)
		return false;
	return true;
}

static struct node *synthetic_timeout_probe(struct session *s)
{
	struct loc loc = { "<command line>", 0, 0 };
	struct node *probe = node_new(NODE_PROBE, loc);
	struct node *point = node_new(NODE_PROBE_POINT, loc);
	struct node *timer = node_new(NODE_PP_COMP, loc);
	struct node *ms = node_new(NODE_PP_COMP, loc);
	struct node *call = node_new(NODE_CALL, loc);
	struct node *stmt = node_new(NODE_EXPRSTMT, loc);
	double secs = strtod(s->timeout, NULL);

	timer->u.comp.name = "timer";
	ms->u.comp.name = "ms";
	ms->u.comp.arg = node_new(NODE_NUM, loc);
	ms->u.comp.arg->u.num.value = (int64_t)(secs * 1000 + 0.5);
	timer->next = ms;
	point->u.pp.comps = timer;
	call->u.call.name = "exit";
	stmt->u.expr.expr = call;
	probe->u.probe.points = point;
	probe->u.probe.body = node_new(NODE_BLOCK, loc);
	probe->u.probe.body->u.block.stmts = stmt;
	probe->synthetic = true;
	return probe;
}


/*
 * `probe POINT if (cond) { body }`: a hit runs the body only while cond
 * (over globals) is true, which is what stap's arming and disarming of the
 * probe amounts to for the script.  The points of one probe share one
 * body, so they must share the condition too.
 */
static bool guard_body(struct rprobe *p, struct node *decl)
{
	struct node *first = decl->u.probe.points, *point, *iff, *block;
	const char *text;

	if (!first || !first->u.pp.cond) {
		for (point = first; point; point = point->next)
			if (point->u.pp.cond)
				break;
		if (!point)
			return true;
	}
	text = first->u.pp.cond ? unparse_to_string(first->u.pp.cond) : NULL;
	for (point = first; point; point = point->next)
		if (!point->u.pp.cond || !text || strcmp(unparse_to_string(point->u.pp.cond), text)) {
			struct node *at = point->u.pp.cond ? point->u.pp.cond : point;

			diag_error(at->loc, "the points of one probe must share one condition "
				   "(split the probe to give each point its own)");
			return false;
		}
	iff = node_new(NODE_IF, first->u.pp.cond->loc);
	iff->u.if_.cond = first->u.pp.cond;
	iff->u.if_.then = p->body;
	block = node_new(NODE_BLOCK, p->body->loc);
	block->u.block.stmts = iff;
	p->body = block;
	return true;
}

static void resolve_probe(struct rctx *r, struct node *decl)
{
	struct rprobe *p = arena_alloc(sizeof(*p)), **tail;
	struct node *point;
	bool ok = true;

	p->decl = decl;
	p->body = decl->u.probe.body;
	for (point = decl->u.probe.points; point; point = point->next)
		ok &= expand_point(r, p, point);
	ok &= guard_body(p, decl);
	if (!ok)
		return;
	if (!p->sites)		/* only optional points, none matched */
		return;
	p->index = r->p->nprobes++;
	for (tail = &r->p->probes; *tail; tail = &(*tail)->next)
		;
	*tail = p;
	r->scope = &p->locals;
	r->probe = p;
	r->func = NULL;
	bind(r, p->body);
	check_locals(r, p->locals);
	r->probe = NULL;
}

/* One global's line(s) of the end-of-run display, in stap's formats. */
static const char *display_global(const struct symbol *g)
{
	const char *n = g->name, *keys = "", *kfmt = "", *stats;
	int i;

	stats = "\" @count=%d @min=%d @max=%d @sum=%d @avg=%d\\n\"";
	if (g->arity == 0) {
		if (g->type == TYPE_STATS)
			return arena_printf("if (@count(%s)) printf(\"%s\" %s, @count(%s), @min(%s), @max(%s), "
					    "@sum(%s), @avg(%s)) else printf(\"%s @count=0x0\\n\")\n",
					    n, n, stats, n, n, n, n, n, n);
		if (g->type == TYPE_STRING)
			return arena_printf("printf(\"%s=\\\"%%s\\\"\\n\", %s)\n", n, n);
		return arena_printf("printf(\"%s=%%d\\n\", %s)\n", n, n);
	}
	for (i = 0; i < g->arity; i++) {
		keys = arena_printf("%s%s__%s_k%d", keys, i ? ", " : "", n, i);
		kfmt = arena_printf("%s%s%s", kfmt, i ? "," : "", g->keys[i] == TYPE_STRING ? "\\\"%s\\\"" : "%d");
	}
	if (g->type == TYPE_STATS)
		return arena_printf("foreach ([%s] in %s-) printf(\"%s[%s]\" %s, %s, @count(%s[%s]), "
				    "@min(%s[%s]), @max(%s[%s]), @sum(%s[%s]), @avg(%s[%s]))\n",
				    keys, n, n, kfmt, stats, keys, n, keys, n, keys, n, keys, n, keys, n, keys);
	return arena_printf("foreach (__%s_v = [%s] in %s-) printf(\"%s[%s]=%s\\n\", %s, __%s_v)\n",
			    n, keys, n, n, kfmt, g->type == TYPE_STRING ? "\\\"%s\\\"" : "%d", keys, n);
}

/* stap prints every global of the user's script that is written but never
 * read at the end of the run, from a synthetic end probe after the
 * user's; its source is parsed like a script's.  NULL when none. */
static struct node *global_display_probe(struct rctx *r)
{
	struct parse_opts o = { 0 };
	struct file_ast *f;
	const char *text = "probe end {\n";
	struct symbol *g;
	bool any = false;

	for (g = r->p->globals; g; g = g->next) {
		if (!g->decl || g->decl->from_tapset || !g->assigned || g->read || g->arity < 0 ||
		    g->type == TYPE_UNKNOWN)
			continue;
		text = arena_printf("%s%s", text, display_global(g));
		any = true;
	}
	if (!any)
		return NULL;
	text = arena_printf("%s}\n", text);
	f = parse_text("<global display>", text, &o);
	if (!f || !f->decls)
		die("global display probe does not parse:\n%s", text);
	f->decls->synthetic = true;
	return f->decls;
}

/* ---- probe aliases ---- */

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

/* A deep copy of a statement or expression: an alias body is bound once
 * per probe that uses it, and binding writes symbols into the nodes. */
static struct node *copy_node(const struct node *n)
{
	struct node *c;
	struct target_step *st, **tail;

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
		c->u.target.steps = NULL;
		tail = &c->u.target.steps;
		for (st = n->u.target.steps; st; st = st->next) {
			*tail = arena_alloc(sizeof(**tail));
			**tail = *st;
			(*tail)->index = copy_node(st->index);
			(*tail)->next = NULL;
			tail = &(*tail)->next;
		}
		break;
	case NODE_DEFINED:
	case NODE_ENTRY: c->u.wrap.operand = copy_node(n->u.wrap.operand); break;
	case NODE_PROBE_POINT:
		c->u.pp.comps = copy_list(n->u.pp.comps);
		c->u.pp.cond = copy_node(n->u.pp.cond);
		break;
	default:
		break;
	}
	return c;
}

static bool same_arg(const struct node *a, const struct node *b)
{
	if (!a || !b)
		return a == b;
	if (a->kind != b->kind)
		return false;
	if (a->kind == NODE_NUM)
		return a->u.num.value == b->u.num.value;
	return a->kind == NODE_STR && strcmp(a->u.str.value, b->u.str.value) == 0;
}

/* How many components of point the alias name covers (all of the name's,
 * compared exactly), or -1 when it doesn't name it. */
static int alias_match(const struct node *name, const struct node *point)
{
	const struct node *a = name->u.pp.comps, *b = point->u.pp.comps;
	int n = 0;

	for (; a; a = a->next, b = b->next, n++)
		if (!b || strcmp(a->u.comp.name, b->u.comp.name) != 0 || !same_arg(a->u.comp.arg, b->u.comp.arg))
			return -1;
	return n;
}

/* The probe alias a makes of the user's point (its components after the
 * first `covered` are appended to each of the alias's points: a.return)
 * with body: { prologue; body } or, for +=, { body; epilogue }. */
static struct node *alias_instance(const struct node *a, int covered, const struct node *point,
				   const struct node *decl)
{
	struct node *probe = node_new(NODE_PROBE, decl->loc), *t, *body, *suffix;
	const struct node *c = point->u.pp.comps;
	struct node **tail = &probe->u.probe.points;
	int i;

	for (i = 0; i < covered; i++)
		c = c->next;
	for (t = a->u.alias.points; t; t = t->next) {
		struct node *p = copy_node(t);

		suffix = copy_list(c);
		if (suffix)
			node_append(p->u.pp.comps, suffix);
		p->u.pp.optional |= point->u.pp.optional;
		p->u.pp.sufficient |= point->u.pp.sufficient;
		if (!p->u.pp.cond)
			p->u.pp.cond = copy_node(point->u.pp.cond);
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
	probe->u.probe.alias_pp = decl->u.probe.alias_pp ? decl->u.probe.alias_pp : pp_text(point);
	probe->synthetic = decl->synthetic;
	probe->from_tapset = decl->from_tapset;
	return probe;
}

/* Resolve a user probe whose points may name aliases: each alias use
 * becomes a probe of its own (aliases may name aliases, up to a depth);
 * the plain points stay together with the original body. */
static void resolve_aliased(struct rctx *r, struct node *decl, int depth)
{
	struct node *point, *plain = NULL, **tail = &plain, *name;
	bool any = false;
	int i, covered;

	for (point = decl->u.probe.points; point; point = point->next) {
		bool matched = false;
		int best = -1;

		/* the longest alias name wins: syscall.read.return is its own
		 * alias, not syscall.read with a .return suffix */
		for (i = 0; i < r->naliases; i++)
			for (name = r->aliases[i]->u.alias.names; name; name = name->next)
				if ((covered = alias_match(name, point)) > best)
					best = covered;
		for (i = 0; i < r->naliases; i++) {
			for (name = r->aliases[i]->u.alias.names; name; name = name->next) {
				if ((covered = alias_match(name, point)) < 0 || covered < best)
					continue;
				matched = true;
				if (depth >= 16) {
					diag_error(point->loc, "probe alias expansion of %s is too deep (recursive alias?)",
						   pp_text(point));
					continue;
				}
				resolve_aliased(r, alias_instance(r->aliases[i], covered, point, decl), depth + 1);
			}
		}
		if (matched) {
			any = true;
			continue;
		}
		*tail = copy_node(point);
		tail = &(*tail)->next;
	}
	if (!any) {
		resolve_probe(r, decl);
		return;
	}
	if (plain) {
		struct node *rest = node_new(NODE_PROBE, decl->loc);

		*rest = *decl;
		rest->next = NULL;
		rest->u.probe.points = plain;
		rest->u.probe.body = copy_node(decl->u.probe.body);
		resolve_probe(r, rest);
	}
}

bool resolve(struct session *s)
{
	struct rctx r = { 0 };
	struct node *display;
	struct file_ast *f;
	struct node *d;
	struct rfunc *fn;

	r.s = s;
	r.p = arena_alloc(sizeof(*r.p));
	s->resolved = r.p;
	for (f = s->program->user; f; f = f->next)
		collect_file(&r, f, false);
	for (f = s->program->tapsets; f; f = f->next)
		collect_file(&r, f, true);
	for (f = s->program->user; f; f = f->next) {
		for (d = f->decls; d; d = d->next) {
			if (d->kind == NODE_PROBE)
				resolve_aliased(&r, d, 0);
		}
	}
	if (s->timeout)
		resolve_probe(&r, synthetic_timeout_probe(s));
	/* user functions are checked even when nothing calls them */
	for (fn = r.p->funcs; fn; fn = fn->next)
		if (!fn->resolved)
			resolve_function_body(&r, fn);
	free(r.aliases);
	if (diag_errors())
		return false;
	if (!r.p->probes) {
		diag_error((struct loc){ 0 }, "no probes found");
		return false;
	}
	/* as stap does, drop unused code before typing it: an unused
	 * function with untyped parameters is not an error (-u keeps it) */
	if (!s->unoptimized)
		prune(s, r.p);
	if (!types_infer(s, r.p))
		return false;
	if ((display = global_display_probe(&r))) {
		resolve_probe(&r, display);
		if (diag_errors() || !types_infer(s, r.p))
			return false;
	}
	return diag_errors() == 0;
}

/* ---- -p2 printer ---- */

static void print_sym_type(FILE *f, const struct symbol *sym)
{
	int i;

	fprintf(f, "%s:%s", sym->name, type_name(sym->type));
	if (sym->arity > 0) {
		fputs(" [", f);
		for (i = 0; i < sym->arity; i++)
			fprintf(f, "%s%s", i ? ", " : "", type_name(sym->keys[i]));
		fputc(']', f);
	}
}

static void print_locals(FILE *f, const struct symbol *locals)
{
	const struct symbol *sym;
	bool any = false;

	for (sym = locals; sym; sym = sym->next) {
		if (sym->kind != SYM_LOCAL)
			continue;
		if (!any)
			fputs("  # locals\n", f);
		any = true;
		fputs("  ", f);
		print_sym_type(f, sym);
		fputc('\n', f);
	}
}

void resolve_print(FILE *f, const struct rprogram *p)
{
	const struct symbol *sym;
	const struct rfunc *fn;
	const struct rprobe *pr;
	const struct site *site;

	if (p->globals)
		fputs("# globals\n", f);
	for (sym = p->globals; sym; sym = sym->next) {
		print_sym_type(f, sym);
		fputc('\n', f);
	}
	if (p->funcs)
		fputs("# functions\n", f);
	for (fn = p->funcs; fn; fn = fn->next) {
		const struct symbol *ps;
		int i = 0;

		fprintf(f, "%s:%s (", fn->sym->name, type_name(fn->sym->type));
		for (ps = fn->locals; ps && i < fn->nparams; ps = ps->next, i++) {
			fputs(i ? ", " : "", f);
			print_sym_type(f, ps);
		}
		fputs(")\n", f);
		print_locals(f, fn->locals);
	}
	fputs("# probes\n", f);
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next)
			fprintf(f, "%s /* <- %s */\n", site->pp, pp_text(site->point));
		print_locals(f, pr->locals);
	}
}
