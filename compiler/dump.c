/* --dump-functions, --dump-probe-aliases, --dump-probe-types: what the
 * library and the providers offer a script, one entry per line, sorted,
 * in stap's forms (name:type (param:type, ...) with a guru or
 * unprivileged mark; dotted alias names; probe point patterns).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "builtins.h"
#include "diag.h"
#include "dump.h"
#include "provider.h"
#include "resolve.h"

struct lines {
	const char **v;
	size_t n, cap;
};

static void add_line(void *ctx, const char *line)
{
	struct lines *l = ctx;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			die("out of memory");
	}
	l->v[l->n++] = line;
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void print_lines(struct lines *l)
{
	qsort(l->v, l->n, sizeof(*l->v), cmp_line);
	for (size_t i = 0; i < l->n; i++)
		if (i == 0 || strcmp(l->v[i], l->v[i - 1]) != 0)
			puts(l->v[i]);
	free(l->v);
}

/* stap prints a function that returns nothing as "unknown" */
static const char *type_text(enum type_kind t)
{
	return t == TYPE_VOID ? "unknown" : type_name(t);
}

static const char *mark(const struct rfunc *fn)
{
	const struct node *body = fn->decl->u.func.body;

	if (!body || body->kind != NODE_EMBEDDED)
		return "";
	if (strstr(body->u.embedded.code, "/* guru */"))
		return " /* guru */";
	if (strstr(body->u.embedded.code, "/* unprivileged */"))
		return " /* unprivileged */";
	return "";
}

static const char *function_line(const struct rfunc *fn)
{
	const char *params = "";
	const struct symbol *p;
	int i = 0;

	for (p = fn->locals; p && i < fn->nparams; p = p->next, i++)
		params = arena_printf("%s%s%s:%s", params, i ? ", " : "", p->name, type_text(p->type));
	return arena_printf("%s:%s (%s)%s", fn->sym->name, type_text(fn->sym->type), params, mark(fn));
}

/* The translator's own functions have no parameter names: argN. */
static const char *builtin_line(const struct builtin *b)
{
	const char *params = "";

	for (int i = 0; i < b->nargs && i < 4; i++)
		params = arena_printf("%s%sarg%d:%s", params, i ? ", " : "", i + 1, type_text(b->args[i]));
	return arena_printf("%s:%s (%s)", b->name, type_text(b->ret), params);
}

static void no_alias(void *ctx, const char *name)
{
	(void)ctx;
	(void)name;
}

int dump_functions(struct session *s)
{
	struct lines l = { 0 };
	const struct builtin *b;
	const struct rfunc *fn;
	int n;

	for (fn = resolve_library(s, no_alias, NULL)->funcs; fn; fn = fn->next)
		add_line(&l, function_line(fn));
	b = builtin_table(&n);
	for (int i = 0; i < n; i++)
		add_line(&l, builtin_line(&b[i]));
	print_lines(&l);
	return 0;
}

int dump_probe_aliases(struct session *s)
{
	struct lines l = { 0 };

	resolve_library(s, add_line, &l);
	print_lines(&l);
	return 0;
}

int dump_probe_types(void)
{
	struct lines l = { 0 };
	const struct provider_ops *const *fam;
	const char *const *pat;

	for (fam = provider_families(); *fam; fam++)
		for (pat = (*fam)->patterns ? (*fam)->patterns : (*fam)->paths; *pat; pat++)
			add_line(&l, *pat);
	print_lines(&l);
	return 0;
}
