/* kernel.trace("NAME"): the kernel's tracepoints, found in BTF.
 *
 * NAME is a glob over the btf_trace_* typedefs of the target kernel (a
 * "system:" prefix is accepted and ignored: BTF doesn't record systems).
 * Each match becomes a site whose typed callback (emitted here) hands the
 * tracepoint's arguments to the probe handler as c->probe_data; the
 * runtime's provider/tracepoint.c registers it.  The arguments are $arg1..
 * $argN and, when BTF names them (on the event class's __bpf_trace_*
 * glue), $name too, typed so that $p->comm works as for kernel.function.
 *
 * The callback takes every argument as a u64: on x86_64 integers and
 * pointers are passed in 64-bit registers or stack slots alike, so this
 * matches the caller without declaring the kernel's types, and each
 * $var narrows its value back to its BTF type.  A tracepoint with a struct
 * passed by value can't be handled that way and is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "fetch.h"
#include "kernel.h"
#include "provider.h"
#include "recipe.h"
#include "session.h"

extern const struct provider_ops tracepoint_provider;

#define MAX_TRACE_ARGS 12

/* A tracepoint site's own part (site->priv). */
struct trace_site {
	const char *name;		/* the tracepoint, without "system:" */
	int nargs;			/* TP_PROTO's arguments */
};

static inline struct trace_site *tp(const struct site *site)
{
	return site->priv;
}

static int tracepoint_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[4];
	int n = pp_comps(point, comps, 4), matched = 0;
	struct image *im = kernel_image(session_kernel(s));
	const char *pattern, *colon;
	char **names;
	size_t nnames, i;

	if (n != 2 || !comps[1]->u.comp.arg || comps[1]->u.comp.arg->kind != NODE_STR) {
		diag_error(point->loc, "no match for probe point %s (expected kernel.trace(\"NAME\"))",
			   pp_text(point));
		return -1;
	}
	if (!btf_load(im->kernel, session_verbose(s, 2))) {
		diag_error(point->loc, "probe point %s: kernel %s has no BTF to find tracepoints in",
			   pp_text(point), im->kernel->release);
		return -1;
	}
	pattern = comps[1]->u.comp.arg->u.str.value;
	colon = strchr(pattern, ':');
	if (colon)
		pattern = colon + 1;
	names = btf_tracepoint_names(image_btf(im), &nnames);
	for (i = 0; i < nnames; i++) {
		const char *argn[MAX_TRACE_ARGS + 1];
		int types[MAX_TRACE_ARGS + 1];
		struct site *site;
		int nargs;

		if (fnmatch(pattern, names[i], 0) != 0)
			continue;
		nargs = btf_tracepoint_params(im, names[i], argn, types, MAX_TRACE_ARGS + 1);
		if (nargs > MAX_TRACE_ARGS) {
			diag_error(point->loc, "tracepoint %s has %d arguments: at most %d are supported",
				   names[i], nargs, MAX_TRACE_ARGS);
			free(names);
			return -1;
		}
		for (int a = 0; a < nargs; a++) {
			int size = btf_type_size(im, types[a]);

			if (size < 0 || size > 8) {
				diag_error(point->loc, "tracepoint %s passes argument %d (%s) by value: not supported",
					   names[i], a + 1, btf_type_name(image_btf(im), types[a]));
				free(names);
				return -1;
			}
		}
		site = site_add(p, &tracepoint_provider, point,
				arena_printf("kernel.trace(\"%s\")", names[i]));
		site->priv = arena_alloc(sizeof(struct trace_site));
		tp(site)->name = arena_strdup(names[i]);
		tp(site)->nargs = nargs < 0 ? 0 : nargs;
		matched++;
	}
	if (!matched && !point->u.pp.optional) {
		const char *best = NULL;
		int best_score = 0;

		/* suggest the tracepoint sharing the longest prefix */
		for (i = 0; i < nnames; i++) {
			int l = 0;

			while (pattern[l] && pattern[l] == names[i][l] && pattern[l] != '*' &&
			       pattern[l] != '?' && pattern[l] != '[')
				l++;
			if (l > best_score) {
				best_score = l;
				best = names[i];
			}
		}
		diag_error(point->loc, "no match for probe point %s", pp_text(point));
		if (best && best_score >= 3)
			diag_note(point->loc, "did you mean kernel.trace(\"%s\")?", best);
		free(names);
		return -1;
	}
	free(names);
	return matched;
}

static int find_arg(struct image *im, const struct site *site, const char *name, int *types);

static enum type_kind tracepoint_target(struct session *s, struct site *site, struct node *t);

/* $$parms / $$vars (with $ or $$: pretty) and $$name, as stap has them
 * for tracepoints; arguments without a name in BTF are $argN. */
static enum type_kind tracepoint_vars_text(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *argn[MAX_TRACE_ARGS];
	struct recipe *stmt = recipe_string(true), *one;
	const struct target_step *st = t->u.target.steps;
	struct image *im = kernel_image(session_kernel(s));
	int types[MAX_TRACE_ARGS], n, i;

	if (strcmp(name, "$$name") == 0 && !st) {
		char *q = c_string(tp(site)->name, strlen(tp(site)->name));

		t->u.target.resolved = recipe_string(false);
		recipe_add_dst(t->u.target.resolved, "tapc_strcpy(", arena_printf(", %s)", q));
		free(q);
		return TYPE_STRING;
	}
	if (strcmp(name, "$$parms") != 0 && strcmp(name, "$$vars") != 0) {
		diag_error(t->loc, "unknown target variable %s in kernel.trace probes (expected $$parms, $$vars or $$name)",
			   name);
		return TYPE_UNKNOWN;
	}
	if (st && (st->next || st->kind == STEP_FIELD || st->kind == STEP_INDEX)) {
		diag_error(t->loc, "%s can only be followed by $ or $$, not by ->members or [elements]", name);
		return TYPE_UNKNOWN;
	}
	n = btf_tracepoint_params(im, tp(site)->name, argn, types, MAX_TRACE_ARGS);
	for (i = 0; i < n; i++) {
		one = fetch_parm_text(s, site, t, im, argn[i] ? argn[i] : arena_printf("arg%d", i + 1),
					 types[i], tracepoint_target);
		if (!one)
			return TYPE_UNKNOWN;
		if (i)
			recipe_add_dst(stmt, " tapc_strcat(", ", \" \");");
		recipe_add_recipe(stmt, one);
	}
	t->u.target.resolved = stmt;
	return TYPE_STRING;
}

static enum type_kind tracepoint_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *argn[MAX_TRACE_ARGS];
	struct image *im = kernel_image(session_kernel(s));
	int types[MAX_TRACE_ARGS], n, i, which = -1;
	char *list = "";

	if (name[0] == '$' && name[1] == '$')
		return tracepoint_vars_text(s, site, t);
	if (strcmp(name, "@cast") == 0)
		return fetch_cast(im, t);
	if (name[0] != '$') {
		diag_error(t->loc, "%s is not supported in kernel.trace probes yet", name);
		return TYPE_UNKNOWN;
	}
	n = btf_tracepoint_params(im, tp(site)->name, argn, types, MAX_TRACE_ARGS);
	which = find_arg(im, site, name, types);
	if (which < 0) {
		diag_error(t->loc, "%s is not an argument of tracepoint %s", name, tp(site)->name);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s", list, i ? " " : "",
					    argn[i] ? argn[i] : arena_printf("arg%d", i + 1));
		diag_note(t->loc, "the arguments of %s are: %s", tp(site)->name, n > 0 ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	return fetch_typed(im, t, types[which],
				     arena_printf("((u64 *)c->probe_data)[%d]", which));
}

/* The argument t names (0-based), or -1; types[] filled. */
static int find_arg(struct image *im, const struct site *site, const char *name, int *types)
{
	const char *argn[MAX_TRACE_ARGS];
	int n = btf_tracepoint_params(im, tp(site)->name, argn, types, MAX_TRACE_ARGS), i;

	if (strncmp(name, "$arg", 4) == 0 && name[4]) {
		char *end;
		long v = strtol(name + 4, &end, 10);

		if (!*end && v >= 1 && v <= n)
			return (int)v - 1;
	}
	for (i = 0; i < n; i++)
		if (argn[i] && strcmp(argn[i], name + 1) == 0)
			return i;
	return -1;
}

static bool tracepoint_defined(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	int types[MAX_TRACE_ARGS], which;

	if (name[0] != '$' || name[1] == '$')
		return false;
	which = find_arg(kernel_image(session_kernel(s)), site, name, types);
	return which >= 0 && fetch_ok(kernel_image(session_kernel(s)), t, types[which]);
}

static const char *tracepoint_vars(struct session *s, const struct site *site)
{
	struct image *im = kernel_image(session_kernel(s));
	const char *argn[MAX_TRACE_ARGS];
	int types[MAX_TRACE_ARGS], n, i;
	char *list = "";

	n = btf_tracepoint_params(im, tp(site)->name, argn, types, MAX_TRACE_ARGS);
	for (i = 0; i < n; i++)
		list = arena_printf("%s%s$%s:%s", list, i ? " " : "",
				    argn[i] ? argn[i] : arena_printf("arg%d", i + 1),
				    btf_type_name(image_btf(im), types[i]));
	return list;
}

static void tracepoint_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	if (!provider_count_sites(p, &tracepoint_provider))
		return;
	/* one callback per site (see runtime/provider/tracepoint.h): the
	 * arguments on its stack are the hit's probe data */
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *params = "", *args = "";
			int i;

			if (site->ops != &tracepoint_provider)
				continue;
			for (i = 0; i < tp(site)->nargs; i++) {
				params = arena_printf("%s, u64 a%d", params, i);
				args = arena_printf("%s%sa%d", args, i ? ", " : "", i);
			}
			emit(e, "static void tp_cb_%d(void *data%s)", n++, params);
			emit(e, "{");
			emit(e, "struct tapc_trace_site *s = data;");
			if (tp(site)->nargs)
				emit(e, "u64 args[%d] = { %s };", tp(site)->nargs, args);
			emit(e, "struct tapc_context *c = tapc_trace_enter(s, %s);",
			     tp(site)->nargs ? "args" : "NULL");
			emit(e, "%s", "");
			emit(e, "if (!c)");
			emit(e, "\treturn;");
			emit(e, "s->handler(c);");
			emit(e, "tapc_trace_exit(c);");
			emit(e, "}");
			emit(e, "%s", "");
		}
	}
	n = 0;
	emit(e, "static struct tapc_trace_site tapc_tracepoint_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp;

			if (site->ops != &tracepoint_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{");
			emit(e, ".name = \"%s\",", tp(site)->name);
			emit(e, ".pp = %s,", pp);
			emit(e, ".callback = (void *)tp_cb_%d,", n++);
			emit(e, ".handler = %s,", handler_name(pr));
			if (site->optional)
				emit(e, ".optional = true,");
			emit(e, "},");
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops tracepoint_provider = {
	.family = "tracepoint",
	.paths = (const char *const[]){ "kernel.trace", NULL },
	.patterns = (const char *const[]){ "kernel.trace(string)", NULL },
	.expand = tracepoint_expand,
	.target = tracepoint_target,
	.vars = tracepoint_vars,
	.defined = tracepoint_defined,
	.runtime = "tracepoint",
	.emit_tables = tracepoint_tables,
};
