/* Target variables of statement sites (kernel.statement("F@FILE:LINE"),
 * module("M").statement(...), kernel.function("F@FILE:LINE")): the
 * parameters and locals in scope at the site's address, from DWARF
 * (dwarf_vars.c), for provider/kprobe.c.  Function-entry sites keep
 * reading their parameters from BTF there.
 */
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "fetch.h"
#include "kernel.h"
#include "kprobe_statement.h"
#include "provider.h"
#include "session.h"

/* Where a statement site's DWARF is: its module's, or vmlinux debuginfo. */
static struct image *site_dwarf(struct session *s, const struct site *site)
{
	return site->im ? site->im : kernel_debuginfo(kernel_image(session_kernel(s)));
}

const char *kprobe_statement_vars(struct session *s, const struct site *site, bool typed)
{
	struct image *dk = site_dwarf(s, site), *view;
	struct dwarf_var v[64];
	char *list = "";
	int n, i;

	if (site->absolute || !dk || !(view = dwarf_vars_view(dk)))
		return list;
	n = dwarf_vars_at(dk, site->addr, v, 64);
	for (i = 0; i < n; i++)
		list = typed ? arena_printf("%s%s$%s:%s", list, i ? " " : "", v[i].name,
					    v[i].type > 0 ? btf_type_name(view->btf, v[i].type) : "?")
			     : arena_printf("%s%s$%s", list, i ? " " : "", v[i].name);
	return list;
}

enum type_kind kprobe_statement_target(struct session *s, struct site *site, struct node *t,
				      const char *loc)
{
	const char *name = t->u.target.name, *list;
	struct image *dk = site_dwarf(s, site);
	struct dwarf_var v;
	struct btf_fetch f;

	if (site->absolute || !dk) {
		diag_error(t->loc, "%s: %s has no DWARF, so no target variables", name, site->pp);
		return TYPE_UNKNOWN;
	}
	if (t->u.target.written) {
		diag_error(t->loc, "can't write to %s: only parameters at function entry can be written", name);
		return TYPE_UNKNOWN;
	}
	if (!dwarf_var_at(dk, site->addr, name + 1, loc, &v)) {
		diag_error(t->loc, "%s is not a variable in scope at %s", name, site->pp);
		list = kprobe_statement_vars(s, site, false);
		diag_note(t->loc, "the variables there are: %s", *list ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	if (v.why) {
		diag_error(t->loc, "%s is not available at %s: %s", name, site->pp, v.why);
		return TYPE_UNKNOWN;
	}
	if (!btf_fetch(dwarf_vars_view(dk), v.type, v.base, t->u.target.steps, loc, &f)) {
		diag_error(f.step ? f.step->loc : t->loc, "%s: %s", name, f.err);
		if (f.note)
			diag_note(f.step ? f.step->loc : t->loc, "%s", f.note);
		return TYPE_UNKNOWN;
	}
	if (f.code)	/* $var$ / $var$$ */
		return fetch_pretty(dwarf_vars_view(dk), t, &f);
	/* a read that can fault must reach the translator's error check,
	 * which looks for a statement expression */
	t->u.target.resolved = (void *)(v.read_fails && strncmp(f.expr, "({", 2) != 0
					? arena_printf("({ int64_t _r = %s; _r; })", f.expr) : f.expr);
	return TYPE_LONG;
}

bool kprobe_statement_defined(struct session *s, struct site *site, struct node *t)
{
	struct image *dk = site_dwarf(s, site);
	struct dwarf_var v;
	struct btf_fetch f;

	return !site->absolute && dk && dwarf_var_at(dk, site->addr, t->u.target.name + 1, "\"\"", &v) &&
	       !v.why && btf_fetch(dwarf_vars_view(dk), v.type, v.base, t->u.target.steps, "\"\"", &f);
}

enum type_kind kprobe_statement_vars_text(struct session *s, struct site *site, struct node *t,
					  enum type_kind (*target)(struct session *, struct site *,
								   struct node *))
{
	const char *name = t->u.target.name, *one;
	struct image *dk = site_dwarf(s, site), *view;
	bool parms = strcmp(name, "$$parms") == 0, locals = strcmp(name, "$$locals") == 0;
	char *stmt = FETCH_STR_START;
	struct dwarf_var v[64];
	int n, i, shown = 0;

	if (site->absolute || !dk || !(view = dwarf_vars_view(dk)) ||
	    (n = dwarf_vars_at(dk, site->addr, v, 64)) < 0) {
		diag_error(t->loc, "%s: %s has no DWARF, so no target variables", name, site->pp);
		return TYPE_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		if ((parms && !v[i].is_param) || (locals && v[i].is_param))
			continue;
		/* stap's "name=?" for a variable with no location here */
		if (v[i].why || v[i].type <= 0)
			one = arena_printf(" tapc_strcat(tapc_str_dst, \"%s=?\");", v[i].name);
		else
			one = fetch_parm_text(s, site, t, view, v[i].name, v[i].type, target);
		if (!one)
			return TYPE_UNKNOWN;
		stmt = arena_printf("%s%s%s", stmt, shown++ ? " tapc_strcat(tapc_str_dst, \" \");" : "", one);
	}
	t->u.target.resolved = stmt;
	return TYPE_STRING;
}
