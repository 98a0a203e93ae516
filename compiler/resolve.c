/* Pass 2 entry: bind every name and expand every probe point.
 *
 * resolve() walks the user's files: globals and functions are collected
 * first (a script may use a function before defining it), then each probe's
 * points are expanded (expand.c: probe aliases, then the providers, which
 * turn them into sites), and each resulting probe's body has its names bound: a name is a local or parameter of the enclosing probe or
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
#include "expand.h"
#include "fetch.h"
#include "kernel.h"
#include "parse.h"
#include "provider.h"
#include "recipe.h"
#include "regex_dfa.h"
#include "resolve.h"
#include "session.h"
#include "tapset.h"

struct rctx {
	struct session *s;
	struct rprogram *p;
	struct symbol *tapset_globals;	/* candidates, moved to p->globals on use */
	struct rfunc *tapset_funcs;	/* candidates, moved to p->funcs on use */
	struct symbol **scope;		/* locals list of the current body */
	struct rprobe *probe;		/* current probe, NULL in a function */
	struct rfunc *func;		/* current function */
	struct aliases *aliases;	/* probe alias names, user's first */
	struct rprobe **probes_tail;	/* end of p->probes (NULL: p->probes) */
	struct scope_ent *index;	/* see scope_find() */
	struct rfunc **funcs_tail;	/* end of p->funcs, NULL: not indexed */
	size_t nindex, index_cap;
	struct tapset_probe *tapset_probes;	/* a library file's own probes */
	const char **used_files;	/* library files a name was pulled from */
	size_t nused, used_cap;
	/* in_tapset_file()'s last library file and last other file */
	const char *tf_yes, *tf_no;
};

/* A probe written in a library file (probe begin { ... }, not an alias):
 * as in stap, it is part of the program once the script uses a global,
 * function or alias of its file (argv.stp fills argv[] this way). */
struct tapset_probe {
	struct node *decl;
	bool expanded;
	struct tapset_probe *next;
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

/*
 * Names are bound through one hash table over the lists they live in (the
 * program's globals and functions, each body's parameters and locals),
 * keyed by the list's address and the name; the entry with a NULL name
 * holds the list's last symbol.  So binding costs the size of the script,
 * not its square (thousands of globals, functions, or locals in one body,
 * as in the end probe that displays every global).  Only scope_append()
 * and funcs_append() may add to an indexed list.  The tapset's candidate
 * lists are not indexed: their size does not depend on the script.
 */
struct scope_ent {
	const void *list;		/* a symbol list, or &p->funcs */
	const char *name;
	struct symbol *sym;
};

static size_t scope_slot(const struct rctx *r, const void *list, const char *name)
{
	uint64_t h = (uintptr_t)list * 0x9e3779b97f4a7c15ULL;
	size_t i, mask = r->index_cap - 1;

	for (const char *p = name ? name : ""; *p; p++)
		h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
	for (i = h & mask; r->index[i].list; i = (i + 1) & mask)
		if (r->index[i].list == list && (r->index[i].name == name ||
		    (name && r->index[i].name && strcmp(r->index[i].name, name) == 0)))
			break;
	return i;
}

/* The table lives in the arena: a grown table leaves the old one there. */
static void scope_set(struct rctx *r, const void *list, const char *name, struct symbol *sym)
{
	size_t i;

	if (2 * (r->nindex + 1) > r->index_cap) {
		struct scope_ent *old = r->index;
		size_t cap = r->index_cap;

		r->index_cap = cap ? 2 * cap : 1024;
		r->index = arena_alloc(r->index_cap * sizeof(*r->index));
		r->nindex = 0;
		for (i = 0; i < cap; i++)
			if (old[i].list)
				scope_set(r, old[i].list, old[i].name, old[i].sym);
	}
	i = scope_slot(r, list, name);
	if (!r->index[i].list)
		r->nindex++;
	r->index[i] = (struct scope_ent){ list, name, sym };
}

/* The last symbol of list, indexing the list first if it is not yet (a
 * list filled before, or again after scope_forget()).  The first symbol
 * of a name wins, as in a walk of the list. */
static struct symbol *scope_get(const struct rctx *r, const void *list, const char *name)
{
	return r->index_cap ? r->index[scope_slot(r, list, name)].sym : NULL;
}

static struct symbol *scope_last(struct rctx *r, struct symbol **list)
{
	struct symbol *sym, *last = scope_get(r, list, NULL);

	if (last || !*list)
		return last;
	for (sym = *list; sym; sym = sym->next) {
		if (!scope_get(r, list, sym->name))
			scope_set(r, list, sym->name, sym);
		last = sym;
	}
	scope_set(r, list, NULL, last);
	return last;
}

static struct symbol *scope_find(struct rctx *r, struct symbol **list, const char *name)
{
	scope_last(r, list);
	return scope_get(r, list, name);
}

static void scope_append(struct rctx *r, struct symbol **list, struct symbol *sym)
{
	struct symbol *last = scope_last(r, list);

	if (last)
		last->next = sym;
	else
		*list = sym;
	if (!scope_get(r, list, sym->name))
		scope_set(r, list, sym->name, sym);
	scope_set(r, list, NULL, sym);
}

/* After symbols were taken off the lists: index them afresh on use. */
static void scope_forget(struct rctx *r)
{
	r->index = NULL;
	r->nindex = r->index_cap = 0;
	r->funcs_tail = NULL;
}

/* The program's functions, by the same index: by name (the first of
 * that name) and by "name/arity" (stap overloads by arity). */
static const char *func_key(const char *name, int nparams)
{
	return arena_printf("%s/%d", name, nparams);
}

static void funcs_key(struct rctx *r, struct rfunc *fn)
{
	if (!scope_get(r, &r->p->funcs, fn->sym->name))
		scope_set(r, &r->p->funcs, fn->sym->name, fn->sym);
	scope_set(r, &r->p->funcs, func_key(fn->sym->name, fn->nparams), fn->sym);
}

static void funcs_index(struct rctx *r)
{
	struct rfunc **tail;

	if (r->funcs_tail)
		return;
	for (tail = &r->p->funcs; *tail; tail = &(*tail)->next)
		funcs_key(r, *tail);
	r->funcs_tail = tail;
}

/* The program's function name/nparams (nparams -1: the first of that
 * name, of any arity). */
static struct rfunc *funcs_find(struct rctx *r, const char *name, int nparams)
{
	struct symbol *sym;

	funcs_index(r);
	sym = scope_get(r, &r->p->funcs, nparams < 0 ? name : func_key(name, nparams));
	return sym ? sym->func : NULL;
}

/* Append fn to the program's functions; a name already there with
 * another arity makes both overloaded (C names that say the arity: a
 * third arity finds the first one marked already, and marks itself). */
static void funcs_append(struct rctx *r, struct rfunc *fn)
{
	struct rfunc *other = funcs_find(r, fn->sym->name, -1);

	if (other && other->nparams != fn->nparams)
		other->overloaded = fn->overloaded = true;
	*r->funcs_tail = fn;
	r->funcs_tail = &fn->next;
	funcs_key(r, fn);
}

/* The function name/nparams of list (nparams -1: of any arity).  As in
 * stap, functions of one name and different arities are different
 * functions (overloading by arity). */
static struct rfunc *func_find(struct rfunc *list, const char *name, int nparams)
{
	for (; list; list = list->next)
		if (strcmp(list->sym->name, name) == 0 && (nparams < 0 || list->nparams == nparams))
			return list;
	return NULL;
}

const char *func_cname(const struct rfunc *fn)
{
	if (fn->overloaded)
		return arena_printf("f%d_%s", fn->nparams, fn->sym->name);
	return arena_printf("f_%s", fn->sym->name);
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

/* An alias defines names a probe point is matched against: a component
 * that is only '*' would name nothing (the uses of an alias may have
 * wildcards; stap, too, refuses just this, other globs stay literal). */
static void check_alias_names(const struct node *alias)
{
	const struct node *name, *c;

	for (name = alias->u.alias.names; name; name = name->next)
		for (c = name->u.pp.comps; c; c = c->next)
			if (c->u.comp.name[strspn(c->u.comp.name, "*")] == '\0')
				diag_error(c->loc, "probe alias name %s has a wildcard component: an alias "
					   "defines one name (write the wildcard where the alias is used)",
					   pp_text(name));
}

static void collect_file(struct rctx *r, struct file_ast *f, bool tapset)
{
	struct node *d;

	for (d = f->decls; d; d = d->next) {
		switch (d->kind) {
		case NODE_GLOBAL: {
			struct symbol **list = tapset ? &r->tapset_globals : &r->p->globals;
			struct symbol *old = tapset ? sym_find(*list, d->u.global.name) :
						      scope_find(r, list, d->u.global.name), *sym;

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
			if (tapset)
				sym_append(list, sym);
			else
				scope_append(r, list, sym);
			break;
		}
		case NODE_FUNCTION: {
			struct rfunc **list = tapset ? &r->tapset_funcs : &r->p->funcs;
			int nparams = node_count(d->u.func.params);
			struct rfunc *old = tapset ? func_find(*list, d->u.func.name, nparams) :
						     funcs_find(r, d->u.func.name, nparams), *fn;
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

				if (scope_find(r, &fn->locals, ps->name))
					diag_error(param->loc, "parameter '%s' declared twice", ps->name);
				ps->decl = param;
				ps->type = param->u.param.decl;
				ps->type_loc = param->loc;
				ps->arity = 0;
				ps->assigned = true;
				scope_append(r, &fn->locals, ps);
				fn->nparams++;
			}
			if (tapset) {
				struct rfunc **tail = list;

				while (*tail)
					tail = &(*tail)->next;
				*tail = fn;
			} else {
				funcs_append(r, fn);
			}
			break;
		}
		case NODE_EMBEDDED:
			if (!tapset && !r->s->guru)
				diag_error(d->loc, "embedded C code requires guru mode (-g)");
			break;
		case NODE_ALIAS:
			if (!tapset)
				check_alias_names(d);
			aliases_add(r->aliases, d);
			break;
		case NODE_PROBE:
			if (tapset) {
				struct tapset_probe *tp = arena_alloc(sizeof(*tp));

				struct tapset_probe **tail = &r->tapset_probes;

				tp->decl = d;
				while (*tail)	/* file order: their begin probes run in it */
					tail = &(*tail)->next;
				*tail = tp;
			}
			break;
		case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM: case NODE_BLOCK:
		case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
		case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE:
		case NODE_BREAK: case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY:
		case NODE_NUM: case NODE_STR: case NODE_VAR: case NODE_INDEX: case NODE_CALL:
		case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY:
		case NODE_INCDEC: case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN:
		case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST: case NODE_TARGET:
		case NODE_DEFINED: case NODE_ENTRY: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD:
		case NODE_KIND_COUNT:
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

/* Interned file names: a handful of files, so a plain list. */
static void mark_file_used(struct rctx *r, const char *file)
{
	for (size_t i = 0; i < r->nused; i++)
		if (r->used_files[i] == file)
			return;
	if (r->nused == r->used_cap) {
		const char **old = r->used_files;

		r->used_cap = r->used_cap ? 2 * r->used_cap : 8;
		r->used_files = arena_alloc(r->used_cap * sizeof(*r->used_files));
		if (r->nused)
			memcpy(r->used_files, old, r->nused * sizeof(*old));
	}
	r->used_files[r->nused++] = file;
}

static bool file_used(const struct rctx *r, const char *file)
{
	for (size_t i = 0; i < r->nused; i++)
		if (r->used_files[i] == file)
			return true;
	return false;
}

/* Expand the probes of every library file in use, until their bodies pull
 * in no further file. */
static void add_tapset_probes(struct rctx *r)
{
	bool again = true;
	struct tapset_probe *tp;

	while (again) {
		again = false;
		for (tp = r->tapset_probes; tp; tp = tp->next) {
			if (tp->expanded || !file_used(r, tp->decl->loc.file))
				continue;
			tp->expanded = again = true;
			expand_probe(r->aliases, tp->decl, false);
		}
	}
}

static struct symbol *global_lookup(struct rctx *r, const char *name)
{
	struct symbol *sym = scope_find(r, &r->p->globals, name), **pp;

	if (sym)
		return sym;
	for (pp = &r->tapset_globals; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->name, name) == 0) {
			sym = *pp;
			*pp = sym->next;
			sym->next = NULL;
			scope_append(r, &r->p->globals, sym);
			mark_file_used(r, sym->loc.file);
			return sym;
		}
	}
	return NULL;
}

/* global a[N] and global a% declare arrays, whatever their uses say. */
static bool declared_array(const struct symbol *sym)
{
	return sym->kind == SYM_GLOBAL && sym->decl &&
	       (sym->decl->u.global.size || sym->decl->u.global.wrap);
}

/* Whether file is a library file (generated parts too).  Binding asks
 * for every name, mostly of the user's file and one library file. */
static bool in_tapset_file(struct rctx *r, const char *file)
{
	const struct file_ast *f;

	if (!file || file == r->tf_no)
		return false;
	if (file == r->tf_yes)
		return true;
	for (f = r->s->program->tapsets; f; f = f->next) {
		if (f->name == file || strcmp(f->name, file) == 0) {
			r->tf_yes = file;
			return true;
		}
	}
	r->tf_no = file;
	return false;
}

/* arity: number of keys for an array use, 0 for a scalar use, -2 when the
 * use doesn't tell (delete x). */
static struct symbol *bind_name(struct rctx *r, struct node *var, int arity, bool write)
{
	const char *name = var->u.var.name;
	bool user = !in_tapset_file(r, var->loc.file);
	struct symbol *sym = scope_find(r, r->scope, name), *g;

	/* library code (an alias's body, a function) doesn't see the user's
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
		scope_append(r, r->scope, sym);
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
	if (arity == 0 && declared_array(sym)) {
		const char *decl = sym->decl->u.global.wrap ? "%" :
				   arena_printf("[%lld]", sym->decl->u.global.size);

		diag_error(var->loc, "'%s' is declared as an array (global %s%s), but used here as a scalar",
			   name, name, decl);
		diag_note(sym->decl->loc, "'%s' is declared here", name);
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

/* Move the library function name/nargs into the program, or NULL. */
static struct rfunc *pull_tapset_func(struct rctx *r, const char *name, int nargs)
{
	struct rfunc **pp, *fn;

	for (pp = &r->tapset_funcs; *pp; pp = &(*pp)->next) {
		if (strcmp((*pp)->sym->name, name) != 0 || (*pp)->nparams != nargs)
			continue;
		fn = *pp;
		*pp = fn->next;
		fn->next = NULL;
		funcs_append(r, fn);
		mark_file_used(r, fn->decl->loc.file);
		return fn;
	}
	return NULL;
}

/* "1", "1 or 2", "0, 1 or 3": the arities name has (bit i: i arguments). */
static const char *arities_text(unsigned mask)
{
	const char *out = "";
	int i, left = __builtin_popcount(mask);

	for (i = 0; i < 32; i++) {
		if (!(mask & (1u << i)))
			continue;
		left--;
		out = arena_printf("%s%s%d", out, !*out ? "" : left ? ", " : " or ", i);
	}
	return out;
}

/* No function name takes nargs arguments: say which arities it has, or
 * that it is unknown (with the closest name). */
static void call_mismatch(struct rctx *r, struct node *n, int nargs)
{
	const char *name = n->u.call.name;
	const struct builtin *tab;
	const struct rfunc *f, *first = NULL;
	unsigned mask = 0;
	int i, count, last = 0;

	for (f = r->p->funcs; f; f = f->next)
		if (strcmp(f->sym->name, name) == 0 && f->nparams < 32) {
			mask |= 1u << f->nparams, last = f->nparams;
			first = first ? first : f;
		}
	for (f = r->tapset_funcs; f; f = f->next)
		if (strcmp(f->sym->name, name) == 0 && f->nparams < 32) {
			mask |= 1u << f->nparams, last = f->nparams;
			first = first ? first : f;
		}
	tab = builtin_table(&count);
	for (i = 0; i < count; i++)
		if (strcmp(tab[i].name, name) == 0)
			mask |= 1u << tab[i].nargs, last = tab[i].nargs;
	if (mask) {
		diag_error(n->loc, "function '%s' takes %s argument%s, %d given", name,
			   arities_text(mask), last == 1 && !(mask & (mask - 1)) ? "" : "s", nargs);
		if (first)
			diag_note(first->decl->loc, "'%s' is defined here", name);
		return;
	}
	{
		struct hint h = { name, NULL, 99 };

		diag_error(n->loc, "unknown function '%s'", name);
		for (f = r->p->funcs; f; f = f->next)
			hint_try(&h, f->sym->name);
		for (f = r->tapset_funcs; f; f = f->next)
			hint_try(&h, f->sym->name);
		for (i = 0; i < count; i++)
			hint_try(&h, tab[i].name);
		hint_note(&h, n->loc);
	}
}

/* An embedded-C function marked guru in the library (set_kernel_long(),
 * panic()...) may only be called with -g, as in stap. */
static bool needs_guru(const struct rfunc *fn)
{
	const struct node *body = fn->decl->u.func.body;

	return body && body->kind == NODE_EMBEDDED && strstr(body->u.embedded.code, "/* guru */");
}

static void collect_tapset(void *ctx, struct file_ast *f);

static void bind_call(struct rctx *r, struct node *n)
{
	const char *name = n->u.call.name;
	int nargs = node_count(n->u.call.args);
	struct rfunc *fn = funcs_find(r, name, nargs);
	const struct builtin *b = NULL;

	bind_list(r, n->u.call.args);
	if (!fn)
		b = builtin_find(name, nargs);
	if (!fn && !b)
		fn = pull_tapset_func(r, name, nargs);
	/* syscall_name() is the generated syscall tapset's */
	if (!fn && !b && tapset_generated_function(r->s, name, collect_tapset, r))
		fn = pull_tapset_func(r, name, nargs);
	if (!fn && !b) {
		call_mismatch(r, n, nargs);
		return;
	}
	if (fn && needs_guru(fn) && !r->s->guru) {
		diag_error(n->loc, "function '%s' needs guru mode (-g)", name);
		diag_note(fn->decl->loc, "'%s' is defined here", name);
	}
	if (fn) {
		n->u.call.sym = fn->sym;
	} else {
		struct symbol *sym = symbol_new(SYM_BUILTIN, name, n->loc);

		sym->builtin = b;
		sym->type = b->ret;
		n->u.call.sym = sym;
	}
	if (fn && !fn->resolved)
		resolve_function_body(r, fn);
}

static bool target_writable(struct rctx *r, const struct node *t);

static bool is_lvalue(struct rctx *r, struct node *n)
{
	if (n->kind == NODE_VAR || n->kind == NODE_INDEX)
		return true;
	if (n->kind == NODE_TARGET && (r->s->guru || target_writable(r, n)))
		return true;
	return false;
}

/* Whether every site of the probe lets a script assign target t without
 * guru mode (the provider's own output variable, like procfs's $value). */
static bool target_writable(struct rctx *r, const struct node *t)
{
	const struct site *site;

	if (!r->probe || !r->probe->sites)
		return false;
	for (site = r->probe->sites; site; site = site->next)
		if (!site->ops->writable || !site->ops->writable(site, t))
			return false;
	return true;
}

static void bind_lvalue(struct rctx *r, struct node *n, const char *what)
{
	if (n->kind == NODE_TARGET && !r->s->guru && !target_writable(r, n)) {
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

static void bind_target_or_zero(struct rctx *r, struct node *n);
static void bind_target_sites(struct rctx *r, struct node *n);

static void bind_target(struct rctx *r, struct node *n)
{
	struct target_step *st;

	for (st = n->u.target.steps; st; st = st->next)
		if (st->kind == STEP_INDEX)
			bind(r, st->index);
	if (n->u.target.cast_expr)
		bind(r, n->u.target.cast_expr);
	if (strcmp(n->u.target.name, "@cast") == 0 &&
	    (!r->probe || !r->probe->sites || !r->probe->sites->ops->target)) {
		/* a function, or begin/end/timer: the target kernel's types */
		n->type = fetch_cast(kernel_image(session_kernel(r->s)), n);
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
	if (r->s->skip_badvars && !n->u.target.written) {
		bind_target_or_zero(r, n);
		return;
	}
	bind_target_sites(r, n);
}

/* --skip-badvars at run time: a number read that faults is 0, quietly,
 * instead of ending the hit.  Only an error this read made is cleared: one
 * already pending (which tapc_error keeps) stays. */
static void zero_on_fault(struct node *n)
{
	const struct recipe *e = n->u.target.resolved;
	struct recipe *z;

	if (!e || e->string || !e->may_fail)
		return;
	z = recipe_text("({ const char *_e0 = c->last_error; int64_t _z = ");
	recipe_add_recipe(z, e);
	recipe_add(z, "; if (unlikely(c->last_error != _e0)) { c->last_error = NULL; "
		   "c->error_loc = NULL; _z = 0; } _z; })");
	n->u.target.resolved = z;
}

/* --skip-badvars: a target variable some site can't read is the number 0
 * there, as in stap, with a warning instead of the error. */
static void bind_target_or_zero(struct rctx *r, struct node *n)
{
	struct diag_trial trial;
	const char *name = n->u.target.name;

	diag_trial_begin(&trial);
	bind_target_sites(r, n);
	if (diag_trial_end(&trial, DIAG_DROP) == 0 && n->type != TYPE_UNKNOWN) {
		zero_on_fault(n);
		return;
	}
	diag_warning(n->loc, "%s can't be read here: it is 0 (--skip-badvars)", name);
	n->kind = NODE_NUM;
	n->u.num.value = 0;
	n->type = TYPE_LONG;
}

/* A target variable as every site of the probe offers it: one meaning at
 * all of them. */
static void bind_target_sites(struct rctx *r, struct node *n)
{
	struct site *site;
	const struct recipe *expr = NULL;

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
		if (expr && !recipe_equal(expr, n->u.target.resolved)) {
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

	/* @defined(&$p->m): the path ends in its STEP_ADDR */
	if (t->kind == NODE_UNARY && t->u.un.op == UN_ADDR && t->u.un.operand->kind == NODE_TARGET)
		t = t->u.un.operand;
	if (t->kind != NODE_TARGET) {
		diag_error(n->loc, "@defined needs a target variable ($name, $p->f, @cast(...))");
		ok = false;
	} else if (t->u.target.cast_expr) {
		bind(r, t->u.target.cast_expr);
		/* the kernel's types decide, not a site: so also in a function */
		n->kind = NODE_NUM;
		n->u.num.value = ok = fetch_cast_defined(kernel_image(session_kernel(r->s)), t);
		return ok;
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
		for (site = r->probe->sites; site; site = site->next)
			site->ops->entry_scope(site, true);
		bind(r, n->u.wrap.operand);
		for (site = r->probe->sites; site; site = site->next)
			site->ops->entry_scope(site, false);
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
		if (n->u.foreach.slice && node_count(n->u.foreach.slice) != nkeys)
			diag_error(n->u.foreach.slice->loc, "this slice of '%s' gives %d keys, but the foreach "
				   "binds %d", unparse_to_string(n->u.foreach.array),
				   node_count(n->u.foreach.slice), nkeys);
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
		/* a store only sets a value; .= appends where the provider can */
		if (n->u.assign.left->kind == NODE_TARGET && n->u.assign.left->u.target.store &&
		    n->u.assign.op != ASSIGN_SET &&
		    !(n->u.assign.op == ASSIGN_CONCAT && n->u.assign.left->u.target.append))
			diag_error(n->loc, "%s can only be assigned with '='%s", n->u.assign.left->u.target.name,
				   n->u.assign.left->u.target.append ? " or '.='" : "");
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

/* A local that is read but never assigned anywhere is often a typo, but
 * scripts also read a variable an alias sets only on some kernels: warn,
 * with a hint, as stap does, and let it read as 0 or "" (locals start
 * that way). */
static void check_locals(struct rctx *r, struct symbol *locals)
{
	struct symbol *sym, *g;

	for (sym = locals; sym; sym = sym->next) {
		struct hint h = { sym->name, NULL, 99 };

		if (sym->kind != SYM_LOCAL || sym->assigned)
			continue;
		diag_warning(sym->loc, "never-assigned local variable '%s'", sym->name);
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

/* A probe whose points expand.c expanded: its condition, then its body
 * (called in the alias contexts of the probe). */
static void bind_probe(void *ctx, struct rprobe *p)
{
	struct rctx *r = ctx;

	if (!guard_body(p, p->decl))
		return;
	if (!p->sites)		/* only optional points, none matched */
		return;
	p->index = r->p->nprobes++;
	if (!r->probes_tail)
		r->probes_tail = &r->p->probes;
	*r->probes_tail = p;
	r->probes_tail = &p->next;
	r->scope = &p->locals;
	r->probe = p;
	r->func = NULL;
	bind(r, p->body);
	if (p->decl->u.probe.points->u.pp.cond)
		check_condition(p->decl->u.probe.points->u.pp.cond);
	check_locals(r, p->locals);
	r->probe = NULL;
}

static void collect_tapset(void *ctx, struct file_ast *f)
{
	collect_file(ctx, f, true);
}

static void alias_used(void *ctx, const char *file)
{
	mark_file_used(ctx, file);
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
	char *buf = NULL;
	const char *text;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);	/* one pass: many globals, no quadratic copying */
	struct symbol *g;
	bool any = false;

	if (!mf)
		die("out of memory");
	fputs("probe end {\n", mf);
	for (g = r->p->globals; g; g = g->next) {
		if (!g->decl || g->decl->from_tapset || !g->assigned || g->read || g->arity < 0 ||
		    g->type == TYPE_UNKNOWN)
			continue;
		fputs(display_global(g), mf);
		any = true;
	}
	fputs("}\n", mf);
	fclose(mf);
	text = arena_strdup(buf);
	free(buf);
	if (!any)
		return NULL;
	f = parse_text("<global display>", text, &o);
	if (!f || !f->decls)
		die("global display probe does not parse:\n%s", text);
	f->decls->synthetic = true;
	return f->decls;
}

static bool resolve_program(struct rctx *r)
{
	struct session *s = r->s;
	struct node *display;
	struct file_ast *f;
	struct node *d;
	struct rfunc *fn;

	for (f = s->program->user; f; f = f->next)
		collect_file(r, f, false);
	for (f = s->program->tapsets; f; f = f->next)
		collect_file(r, f, true);
	for (f = s->program->user; f; f = f->next) {
		for (d = f->decls; d; d = d->next) {
			if (d->kind == NODE_PROBE)
				expand_probe(r->aliases, d, false);
		}
	}
	if (s->timeout)
		expand_probe(r->aliases, synthetic_timeout_probe(s), true);
	/* user functions are checked even when nothing calls them */
	for (fn = r->p->funcs; fn; fn = fn->next)
		if (!fn->resolved)
			resolve_function_body(r, fn);
	add_tapset_probes(r);
	if (diag_errors())
		return false;
	if (!r->p->probes) {
		diag_error((struct loc){ 0 }, "no probes found");
		return false;
	}
	/* as stap does, drop unused code before typing it: an unused
	 * function with untyped parameters is not an error (-u keeps it) */
	if (!s->unoptimized)
		prune(s, r->p);
	scope_forget(r);	/* prune took symbols off the lists */
	if (!types_infer(s, r->p) || !check_program(r->p) || !global_set_apply(s, r->p))
		return false;
	if ((display = global_display_probe(r))) {
		expand_probe(r->aliases, display, true);
		if (diag_errors() || !types_infer(s, r->p))
			return false;
	}
	return diag_errors() == 0;
}

bool resolve(struct session *s)
{
	struct rctx r = { 0 };
	struct expand_hooks hooks = { bind_probe, collect_tapset, alias_used, &r };
	bool ok;

	r.s = s;
	r.p = arena_alloc(sizeof(*r.p));
	r.aliases = aliases_new(s, &hooks);
	s->resolved = r.p;
	ok = resolve_program(&r);
	aliases_free(r.aliases);
	return ok;
}

/* --dump-functions and --dump-probe-aliases: every library function
 * resolved and typed as far as it goes (errors are dropped: a function
 * whose body needs what this kernel lacks keeps what could be inferred),
 * and every alias name, generated families included. */
struct rprogram *resolve_library(struct session *s, void (*alias_name)(void *ctx, const char *name),
				 void *ctx)
{
	struct rctx r = { 0 };
	struct expand_hooks hooks = { bind_probe, collect_tapset, alias_used, &r };
	struct diag_trial trial;
	struct file_ast *f;

	r.s = s;
	r.p = arena_alloc(sizeof(*r.p));
	r.aliases = aliases_new(s, &hooks);
	diag_trial_begin(&trial);
	for (f = s->program->tapsets; f; f = f->next)
		collect_file(&r, f, true);
	aliases_list(r.aliases, alias_name, ctx);
	while (r.tapset_funcs) {
		struct rfunc *fn = pull_tapset_func(&r, r.tapset_funcs->sym->name,
						    r.tapset_funcs->nparams);

		if (!fn->resolved)
			resolve_function_body(&r, fn);
	}
	types_infer(s, r.p);
	diag_trial_end(&trial, DIAG_DROP);
	aliases_free(r.aliases);
	return r.p;
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
