/* Target variables of process(...) probes (provider/uprobe.c).
 *
 * At a function's entry, a source line or an inlined instance, $name is a
 * parameter or local in scope there, read where the file's DWARF says it
 * is at that address (fetch_dwarf_var(): registers of the uprobe's
 * pt_regs, the task's memory read nofault), with ->member, [N] and $/$$
 * from its DWARF types.  $return is the return value, typed by the
 * function's DWARF.  In a .return probe a parameter, like @entry(e), is
 * the value at entry: the uprobe at the entry saves it (uprobe_emit_entry())
 * where the return finds it (runtime/provider/uprobe.c).  At a marker,
 * $arg1..$argN are its arguments (usdt.c), $$name and $$provider its names.
 * A global is @var("name") or @var("name@file.c"), at its link-time
 * address moved by the load bias of the hit; @cast types come from the
 * probed file's DWARF (or the one its third argument names).
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "fetch.h"
#include "kernel.h"
#include "provider.h"
#include "recipe.h"
#include "session.h"
#include "udwarf.h"
#include "uimage.h"
#include "uprobe.h"
#include "usdt.h"

static struct image *site_dwarf(const struct site *site)
{
	return uimage_dwarf(up(site)->im);
}

const char *uprobe_vars_why(const struct site *site)
{
	const struct uprobe_site *u = up(site);

	if (u->kind == UPROBE_MARK || u->kind == UPROBE_PLT || site_dwarf(site))
		return NULL;
	return uimage(u->im)->no_dwarf;
}

static enum type_kind no_dwarf(const struct site *site, const struct node *t)
{
	diag_error(t->loc, "%s: no target variables at %s: %s", t->u.target.name, site->pp,
		   uprobe_vars_why(site));
	return TYPE_UNKNOWN;
}

const char *uprobe_entry_size(const struct site *site)
{
	return entry_values_size(up(site)->entry);
}

/* Values a return site saves at entry, where the return finds them
 * (runtime/provider/uprobe.c). */
static const struct entry_store uprobe_entry_store = {
	.data = "tapc_uprobe_entry(c)",
	.max_bytes = 65536,
	.values = "values saved at entry",
	.limit = " (at most 65536)",
	.target = uprobe_target,
};

static enum type_kind entry_capture(struct session *s, struct site *site, struct node *t)
{
	return entry_values_capture(s, site, &up(site)->entry, &uprobe_entry_store, t);
}

enum type_kind uprobe_entry(struct session *s, struct site *site, struct node *n)
{
	return entry_values_resolve(s, site, &up(site)->entry, &uprobe_entry_store, up(site)->is_return, n);
}

void uprobe_entry_scope(struct site *site, bool on)
{
	struct uprobe_site *u = up(site);

	if (on) {
		u->was_return = u->is_return;
		u->is_return = false;
	} else {
		u->is_return = u->was_return;
	}
}

void uprobe_emit_entry(struct emitter *e, const struct rprobe *pr, const struct site *site, int n)
{
	entry_values_emit(e, pr, up(site)->entry, &uprobe_entry_store, arena_printf("uprobe_entry_%d", n),
			  false);
}

/* ---- markers and PLT entries ---- */

static enum type_kind name_text(struct node *t, const char *text)
{
	char *q = c_string(text, strlen(text));

	t->u.target.resolved = recipe_string(false);
	recipe_add_dst(t->u.target.resolved, "tapc_strcpy(", arena_printf(", %s)", q));
	free(q);
	return TYPE_STRING;
}

static enum type_kind mark_target(struct session *s, struct site *site, struct node *t)
{
	const struct usdt *m = up(site)->mark;
	const char *name = t->u.target.name, *why;
	struct usdt_arg a;
	char *end;
	long n;

	(void)s;
	if (strcmp(name, "$$name") == 0)
		return name_text(t, m->name);
	if (strcmp(name, "$$provider") == 0)
		return name_text(t, m->provider);
	if (strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0) {
		struct recipe *r = recipe_string(true);

		for (int i = 1; i <= usdt_nargs(m); i++) {
			if ((why = usdt_arg(up(site)->im, m, i, fetch_loc(t), &a))) {
				diag_error(t->loc, "%s: argument %d of marker %s: %s", name, i, m->name, why);
				return TYPE_UNKNOWN;
			}
			recipe_add(r, " { char _h[32]; snprintf(_h, sizeof(_h), \"%sarg%d=0x%%llx\", "
				   "(unsigned long long)%s);", i > 1 ? " " : "", i, a.expr);
			recipe_add_dst(r, " tapc_strcat(", ", _h); }");
		}
		t->u.target.resolved = r;
		return TYPE_STRING;
	}
	if (strncmp(name, "$arg", 4) != 0 || (n = strtol(name + 4, &end, 10)) < 1 || *end) {
		diag_error(t->loc, "%s is not a variable of marker %s (it has $arg1..$arg%d, $$name, $$provider, "
			   "$$parms)", name, m->name, usdt_nargs(m));
		return TYPE_UNKNOWN;
	}
	if (n > usdt_nargs(m)) {
		diag_error(t->loc, "%s: marker %s:%s has %d argument%s", name, m->provider, m->name,
			   usdt_nargs(m), usdt_nargs(m) == 1 ? "" : "s");
		return TYPE_UNKNOWN;
	}
	if (t->u.target.steps) {
		diag_error(t->u.target.steps->loc, "%s: a marker's arguments have no types to follow "
			   "(use @cast)", name);
		return TYPE_UNKNOWN;
	}
	if ((why = usdt_arg(up(site)->im, m, (int)n, fetch_loc(t), &a))) {
		diag_error(t->loc, "%s of marker %s: %s", name, m->name, why);
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = recipe_text("%s", a.expr);
	t->u.target.resolved->may_fail = a.reads_memory;
	return TYPE_LONG;
}

/* ---- @var, @cast ---- */

static enum type_kind global_var(struct site *site, struct node *t)
{
	const char *spec = t->u.target.cast_type, *at = strchr(spec, '@');
	struct image *dk = site_dwarf(site);
	struct udwarf_global g;
	const char *name = at ? arena_strndup(spec, (size_t)(at - spec)) : spec;

	if (t->u.target.cast_module) {
		diag_error(t->loc, "@var(\"%s\", \"%s\"): only the probed file's globals are supported", spec,
			   t->u.target.cast_module);
		return TYPE_UNKNOWN;
	}
	if (!dk)
		return no_dwarf(site, t);
	if (!udwarf_global(dk, name, at ? at + 1 : NULL, &g)) {
		diag_error(t->loc, "@var(\"%s\"): no global variable %s%s%s in the DWARF of %s", spec, name,
			   at ? " declared in " : "", at ? at + 1 : "", up(site)->im->path);
		return TYPE_UNKNOWN;
	}
	return fetch_object(dwarf_vars_view(dk), t, g.type, arena_printf("(tapc_uprobe_bias(c) + 0x%lxUL)", g.addr));
}

static enum type_kind user_cast(struct session *s, struct site *site, struct node *t)
{
	struct image *im = up(site)->im, *dk;
	const char *err;
	int type;

	if (t->u.target.cast_module) {
		const char **paths, *why;

		if (uimage_find(t->u.target.cast_module, &paths, &why) != 1 ||
		    !(im = uimage_open(s, paths[0], &err))) {
			diag_error(t->loc, "@cast: can't read the types of \"%s\"", t->u.target.cast_module);
			return TYPE_UNKNOWN;
		}
	}
	dk = uimage_dwarf(im);
	if (!dk) {
		diag_error(t->loc, "@cast: %s", uimage(im)->no_dwarf);
		return TYPE_UNKNOWN;
	}
	type = udwarf_type(dk, t->u.target.cast_type);
	if (type < 0) {
		diag_error(t->loc, "@cast: type '%s' not found in the DWARF of %s", t->u.target.cast_type, im->path);
		return TYPE_UNKNOWN;
	}
	return fetch_cast(dwarf_vars_view(dk), t);
}

/* ---- $name, $return, $$vars ---- */

static enum type_kind return_value(struct site *site, struct node *t)
{
	struct image *dk = site_dwarf(site);
	struct udwarf_func f;

	if (!up(site)->is_return) {
		diag_error(t->loc, "$return is only available in .return probes (at %s)", site->pp);
		return TYPE_UNKNOWN;
	}
	if (dk && udwarf_function(dk, up(site)->addr, &f)) {
		if (f.ret_type == 0) {
			diag_error(t->loc, "$return: %s returns void", up(site)->func);
			return TYPE_UNKNOWN;
		}
		if (f.ret_type > 0)
			return fetch_typed(dwarf_vars_view(dk), t, f.ret_type, "tapc_arch_return_value(c->regs)");
	}
	if (t->u.target.steps) {
		diag_error(t->loc, "$return: the type of %s's return value is not known (no DWARF)",
			   up(site)->func);
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = recipe_text("((int64_t)tapc_arch_return_value(c->regs))");
	return TYPE_LONG;
}

static enum type_kind pretty_vars(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	const struct target_step *pretty = t->u.target.steps;
	struct image *dk = site_dwarf(site);

	if (pretty && (pretty->next || pretty->kind == STEP_FIELD || pretty->kind == STEP_INDEX)) {
		diag_error(t->loc, "%s can only be followed by $ or $$, not by ->members or [elements]", name);
		return TYPE_UNKNOWN;
	}
	if (strcmp(name, "$$return") == 0) {
		struct recipe *stmt = recipe_string(true);
		struct node *r = node_new(NODE_TARGET, t->loc);

		r->u.target.name = "$return";
		r->u.target.steps = (struct target_step *)pretty;
		if (return_value(site, r) == TYPE_UNKNOWN)
			return TYPE_UNKNOWN;
		if (pretty) {
			recipe_add_dst(stmt, " tapc_strcat(", ", \"return=\"); ");
			recipe_add_recipe(stmt, r->u.target.resolved);
		} else {
			recipe_add_dst(stmt, " tapc_sprintf(", ", \"return=0x%llx\", (unsigned long long)");
			recipe_add_recipe(stmt, r->u.target.resolved);
			recipe_add(stmt, ");");
		}
		t->u.target.resolved = stmt;
		return TYPE_STRING;
	}
	if (strcmp(name, "$$parms") != 0 && strcmp(name, "$$vars") != 0 && strcmp(name, "$$locals") != 0) {
		diag_error(t->loc, "unknown target variable %s (expected $$vars, $$parms, $$locals or $$return)",
			   name);
		return TYPE_UNKNOWN;
	}
	if (!dk)
		return no_dwarf(site, t);
	if (up(site)->is_return)	/* as stap: the text made at entry */
		return entry_capture(s, site, t);
	return fetch_dwarf_vars_text(s, site, dk, up(site)->addr, site->pp, t, uprobe_target);
}

enum type_kind uprobe_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	struct uprobe_site *u = up(site);
	struct image *dk;

	if (strcmp(name, "@cast") == 0)
		return user_cast(s, site, t);
	if (strcmp(name, "@var") == 0)
		return global_var(site, t);
	if (t->u.target.written) {
		diag_error(t->loc, "can't write to %s: process probes don't write target variables", name);
		return TYPE_UNKNOWN;
	}
	if (u->kind == UPROBE_MARK)
		return mark_target(s, site, t);
	if (u->kind == UPROBE_PLT) {
		if (strcmp(name, "$$name") == 0)
			return name_text(t, u->func);
		diag_error(t->loc, "%s: a PLT probe has only $$name", name);
		return TYPE_UNKNOWN;
	}
	if (name[0] == '$' && name[1] == '$')
		return pretty_vars(s, site, t);
	if (strcmp(name, "$return") == 0)
		return return_value(site, t);
	dk = site_dwarf(site);
	if (!dk)
		return no_dwarf(site, t);
	if (u->is_return)	/* as stap: the value at entry */
		return entry_capture(s, site, t);
	return fetch_dwarf_var(dk, u->addr, site->pp, t);
}

bool uprobe_defined(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	struct uprobe_site *u = up(site);
	struct image *dk = site_dwarf(site);
	struct udwarf_func f;

	(void)s;
	if (u->kind == UPROBE_MARK) {
		char *end;
		long n = strncmp(name, "$arg", 4) == 0 ? strtol(name + 4, &end, 10) : 0;

		return (n >= 1 && !*end && n <= usdt_nargs(u->mark) && !t->u.target.steps) ||
		       strcmp(name, "$$name") == 0 || strcmp(name, "$$provider") == 0;
	}
	if (u->kind == UPROBE_PLT)
		return strcmp(name, "$$name") == 0;
	if (name[0] != '$' || name[1] == '$')
		return false;
	if (strcmp(name, "$return") == 0)
		return u->is_return && (!dk || !udwarf_function(dk, u->addr, &f) || f.ret_type != 0) &&
		       (!t->u.target.steps || (dk && f.ret_type > 0 && fetch_ok(dwarf_vars_view(dk), t, f.ret_type)));
	return dk && fetch_dwarf_var_ok(dk, u->addr, t);
}

bool uprobe_addressable(const struct site *site)
{
	return up(site)->kind != UPROBE_MARK && up(site)->kind != UPROBE_PLT;
}

const char *uprobe_vars(struct session *s, const struct site *site)
{
	const struct uprobe_site *u = up(site);
	struct image *dk = site_dwarf(site);
	struct udwarf_func f;
	char *list = "";

	(void)s;
	if (u->kind == UPROBE_MARK) {
		for (int i = 1; i <= usdt_nargs(u->mark); i++)
			list = arena_printf("%s%s$arg%d:long", list, i > 1 ? " " : "", i);
		return list;
	}
	if (u->kind == UPROBE_PLT)
		return "$$name:string";
	if (!dk) {
		if (!uimage(u->im)->told_no_dwarf) {
			uimage(u->im)->told_no_dwarf = true;
			diag_note(site->point->loc, "no target variables in %s: %s", u->im->path,
				  uimage(u->im)->no_dwarf);
		}
		return u->is_return ? "$return:long" : "";
	}
	list = (char *)fetch_dwarf_var_names(dk, u->addr, true);
	if (u->is_return && udwarf_function(dk, u->addr, &f) && f.ret_type != 0) {
		const char *ty = f.ret_type > 0 ? btf_type_name(dwarf_vars_view(dk)->btf, f.ret_type) : "long";

		list = arena_printf("%s%s$return:%s", list, *list ? " " : "", ty);
	}
	return list;
}
