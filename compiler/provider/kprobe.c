/* kernel.function("F")[.call|.return] and kprobe.function("F")[.return]:
 * kprobes and kretprobes on kernel functions.
 *
 * F may be a glob; it is matched against the target kernel's function list
 * (kernel.c), and each match becomes one site.  A point that matches
 * nothing is an error naming the point, with the closest function name as
 * a hint, unless it is optional (?); one that matches only functions that
 * can't be probed says why.
 *
 * Target variables come from BTF, no debuginfo needed: $name is a
 * parameter (by position in the function's prototype, typed), $return the
 * typed return value, and ->member / [N] steps follow BTF types with
 * nofault reads (fetch.c).  In a .return probe a parameter, like @entry(e),
 * is saved by a kretprobe entry handler into the instance's data and read
 * back from there.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "fetch.h"
#include "kernel.h"
#include "kprobe.h"
#include "kprobe_statement.h"
#include "provider.h"
#include "recipe.h"
#include "session.h"

extern const struct provider_ops kprobe_provider;

struct expand_state {
	struct rprobe *p;
	struct node *point;
	const char *prefix;		/* "kernel", "kprobe", "module(\"M\")", ... */
	const char *what;		/* "function" or "statement" */
	const char *suffix;		/* "", ".call", ".return", ".maxactive(N)" */
	const char *at;			/* "@FILE:LINE" of a line probe, or "" */
	bool is_return;
	int maxactive;
	struct image *im;		/* symbols and types: kernel or module */
	int blacklisted;
	const char *first_blacklisted;
	const char *file;		/* "F@FILE..." as written, NULL: none */
	bool ambiguous;			/* a DWARF site could not be placed */
	struct {			/* the functions left out, by reason */
		const char *why;
		int n;
	} left[24];
	int nleft;
	bool exported;			/* .exported: only EXPORT_SYMBOL'ed functions */
	bool nearest;			/* .nearest: the closest line with code */
	int unexported;			/* functions .exported left out */
};

static struct site *new_site(struct expand_state *st, const char *func)
{
	struct site *site = site_add(st->p, &kprobe_provider, st->point,
				     arena_printf("%s.%s(\"%s%s\")%s", st->prefix, st->what, func,
						  st->at, st->suffix));

	site->priv = arena_alloc(sizeof(struct kprobe_site));

	kp(site)->func = arena_strdup(func);
	kp(site)->is_return = st->is_return;
	kp(site)->maxactive = st->maxactive;
	kp(site)->im = st->im->name ? st->im : NULL;
	kp(site)->module = st->im->name;
	return site;
}

/*
 * A function the kernel refuses a kprobe on (an __init function, the
 * kprobe blacklist, kprobes' own code...) is left out: one such site and
 * no probe of the module could start.  Counted by reason, for the error
 * when nothing else matched and for the -v note.
 */
static bool left_out(struct expand_state *st, const char *func)
{
	const char *why = kernel_blacklist_reason(st->im, func);
	int i;

	if (!why)
		return false;
	st->blacklisted++;
	if (!st->first_blacklisted)
		st->first_blacklisted = arena_strdup(func);
	for (i = 0; i < st->nleft && strcmp(st->left[i].why, why); i++)
		;
	if (i == st->nleft && i < (int)(sizeof(st->left) / sizeof(st->left[0])))
		st->left[st->nleft++].why = why;
	if (i < st->nleft)
		st->left[i].n++;
	return true;
}

/* -v: how many functions a pattern matched were left out, and why. */
static void note_left_out(const struct expand_state *st, int matched)
{
	const char *why = "";
	int i;

	for (i = 0; i < st->nleft; i++)
		why = arena_printf("%s%s%d %s", why, i ? "; " : "", st->left[i].n, st->left[i].why);
	diag_note(st->point->loc, "probe point %s: %d of %d matching functions left out, the kernel "
		  "refuses kprobes on them (%s)", pp_text(st->point), st->blacklisted, matched, why);
}

static void add_site(const char *func, void *arg)
{
	struct expand_state *st = arg;

	if (st->exported && !kernel_exported(st->im, func)) {
		st->unexported++;
		return;
	}
	if (!left_out(st, func))
		new_site(st, func);
}

/* A site of f@FILE (function entry) or f@FILE:LINE from DWARF; its pp
 * names the file as written, or the one found for a file glob. */
static void add_dwarf_site(const struct dwarf_site *ds, void *arg)
{
	struct expand_state *st = arg;
	const char *file = strpbrk(st->file, "*?[") ? ds->file : st->file;
	struct site *site;

	if (st->exported && !kernel_exported(st->im, ds->func)) {
		st->unexported++;
		return;
	}
	if (left_out(st, ds->func))
		return;
	if (ds->anchor && (!*ds->anchor || st->im->name)) {
		if (!st->ambiguous)
			diag_error(st->point->loc, "probe point %s: several functions of %s are called %s, "
				   "and kallsyms can't tell them apart by name",
				   pp_text(st->point), st->im->name ? st->im->name : "the kernel", ds->func);
		st->ambiguous = true;
		return;
	}
	st->at = ds->line ? arena_printf("@%s:%d", file, ds->line) : arena_printf("@%s", file);
	site = new_site(st, ds->func);
	kp(site)->offset = ds->anchor ? ds->anchor_offset : ds->offset;
	kp(site)->anchor = ds->anchor;
	kp(site)->statement = ds->line != 0;
	kp(site)->addr = ds->addr;
}

/* A glob without its wildcards ("vfs_re*d" -> "vfs_red"), to find the
 * function names closest to what a pattern that matched nothing meant. */
const char *glob_literal(const char *pattern)
{
	char *out = arena_strdup(pattern), *o = out;
	const char *p;

	for (p = pattern; *p; p++) {
		if (*p == '*' || *p == '?')
			continue;
		if (*p == '[') {
			const char *close = strchr(p + 1, ']');

			if (close) {
				/* keep the set's first character */
				if (p[1] != ']' && p[1] != '!' && p[1] != '^')
					*o++ = p[1];
				p = close;
				continue;
			}
		}
		*o++ = *p;
	}
	*o = 0;
	return out;
}

/* "f@FILE:LINE": split into the function glob, file and line; false with
 * an error for a bad line number, or for "f@FILE" (line 0) unless
 * no_line is allowed. */
static bool split_source(const struct node *arg, bool no_line, const char **func, const char **file,
			 int *line)
{
	const char *v = arg->u.str.value, *at = strchr(v, '@'), *colon;
	char *end;

	colon = at ? strrchr(at, ':') : NULL;
	if (no_line && at && !colon && at[1]) {
		*line = 0;
		*func = at == v ? "*" : arena_printf("%.*s", (int)(at - v), v);
		*file = at + 1;
		return true;
	}
	if (!at || !colon || colon == at + 1) {
		diag_error(arg->loc, "\"%s\": a source location needs FUNCTION@FILE:LINE", v);
		return false;
	}
	*line = (int)strtol(colon + 1, &end, 10);
	if (*end || *line <= 0) {
		diag_error(arg->loc, "\"%s\": '%s' is not a line number (ranges are not supported)", v,
			   colon + 1);
		return false;
	}
	*func = at == v ? "*" : arena_printf("%.*s", (int)(at - v), v);
	*file = arena_printf("%.*s", (int)(colon - at - 1), at + 1);
	return true;
}

/* The suffixes after .function("F"): .exported, .call, .return,
 * .maxactive(N); after .statement("F@FILE:LINE"): .nearest. */
static bool parse_suffixes(struct expand_state *st, const struct node **comps, int i, int n,
			   bool allow_call, struct node *point)
{
	for (; i < n; i++) {
		const char *c = comps[i]->u.comp.name;
		const struct node *a = comps[i]->u.comp.arg;

		if (strcmp(c, "nearest") == 0 && !a && !st->nearest && strcmp(st->what, "statement") == 0) {
			st->nearest = true;
		} else if (strcmp(c, "exported") == 0 && !a && !st->exported && !st->is_return && !*st->suffix &&
		    strcmp(st->what, "function") == 0) {
			st->exported = true;
			st->suffix = ".exported";
		} else if (strcmp(c, "return") == 0 && !a && !st->is_return) {
			st->is_return = true;
			st->suffix = arena_printf("%s.return", st->suffix);
		} else if (strcmp(c, "call") == 0 && !a && allow_call && !st->is_return) {
			st->suffix = ".call";
		} else if (strcmp(c, "maxactive") == 0 && st->is_return && !st->maxactive) {
			if (!a || a->kind != NODE_NUM || a->u.num.value < 1 || a->u.num.value > 65536) {
				diag_error(comps[i]->loc, "maxactive needs a number from 1 to 65536");
				return false;
			}
			st->maxactive = (int)a->u.num.value;
			st->suffix = arena_printf("%s.maxactive(%d)", st->suffix, st->maxactive);
		} else if (strcmp(c, "maxactive") == 0 && !st->is_return) {
			diag_error(comps[i]->loc, "probe point %s: .maxactive(N) applies only to .return probes",
				   pp_text(point));
			return false;
		} else {
			diag_error(comps[i]->loc, "no match for probe point %s (unexpected component '%s')",
				   pp_text(point), c);
			return false;
		}
	}
	return true;
}

/* kprobe.statement(ADDR).absolute and kernel.statement(ADDR).absolute:
 * a kprobe at a raw kernel address, guru mode only (nothing checks that
 * the address is code, and with KASLR it changes every boot). */
static int expand_absolute(struct session *s, struct expand_state *st, const struct node **comps,
			   int i, int n, const struct node *modarg)
{
	const struct node *a = comps[i]->u.comp.arg;
	/* the address in hex: pp_text() would print it as a negative int64 */
	const char *pp = arena_printf("%s.statement(0x%llx).absolute", st->prefix,
				      (unsigned long long)a->u.num.value);
	struct site *site;

	if (modarg) {
		diag_error(comps[i]->loc, "%s.statement(ADDR): only kernel and kprobe statements take an address",
			   st->prefix);
		return -1;
	}
	if (n != i + 2 || strcmp(comps[i + 1]->u.comp.name, "absolute") != 0 || comps[i + 1]->u.comp.arg) {
		diag_error(comps[i]->loc, "probe point %s.statement(0x%llx): only .absolute addresses are supported "
			   "(%s.statement(ADDR).absolute, guru mode)", st->prefix,
			   (unsigned long long)a->u.num.value, st->prefix);
		return -1;
	}
	if (!s->guru) {
		diag_error(comps[i + 1]->loc, "probe point %s: .absolute probes need guru mode (-g)", pp);
		return -1;
	}
	if (a->u.num.value == 0) {
		diag_error(a->loc, "probe point %s: 0 is not a kernel address", pp);
		return -1;
	}
	site = site_add(st->p, &kprobe_provider, st->point, pp);
	site->priv = arena_alloc(sizeof(struct kprobe_site));
	kp(site)->func = "";
	kp(site)->offset = (unsigned long)a->u.num.value;
	kp(site)->absolute = true;
	kp(site)->statement = true;
	return 1;
}

/* Sites of st->im's functions matching pattern, or with file set those
 * defined in file (at line, when not 0) from its DWARF; -1 after an
 * error, -2 when st->im has no DWARF for a source file. */
static int match_sites(struct expand_state *st, const char *pattern, const char *file, int line);

/* .nearest: the sites of LINE, or else of the closest line with code in a
 * matching function, NEAREST_MAX lines at most either way (a later line
 * first: a line without code is most often a blank or a declaration
 * before the statement meant). */
#define NEAREST_MAX 50
#define STR(x) #x
#define XSTR(x) STR(x)
static int match_nearest(struct expand_state *st, const char *pattern, const char *file, int line)
{
	int m = match_sites(st, pattern, file, line), d;

	for (d = 1; line && m == 0 && d <= NEAREST_MAX; d++) {
		m = match_sites(st, pattern, file, line + d);
		if (m == 0 && line - d > 0)
			m = match_sites(st, pattern, file, line - d);
	}
	return m;
}

static int match_sites(struct expand_state *st, const char *pattern, const char *file, int line)
{
	struct image *dk;
	int matched;

	if (!file) {
		size_t same = strpbrk(pattern, "*?[") ? 0 : kernel_function_count(st->im, pattern);

		/* a kprobe by name goes where the kernel's symbol lookup
		 * finds it first: say so, rather than probe one of several
		 * silently (its BTF may describe another) */
		if (same > 1)
			diag_warning(st->point->loc, "probe point %s: %zu functions of %s are called %s; "
				     "the probe is on the one the kernel's symbol lookup finds first, and its "
				     "target variables "
				     "may be another's (F@FILE picks one, with DWARF)",
				     pp_text(st->point), same, st->im->name ? st->im->name : "the kernel",
				     pattern);
		return (int)kernel_match_functions(st->im, pattern, add_site, st);
	}
	dk = kernel_debuginfo(st->im);
	if (!dk || !dk->dwarf)
		return -2;
	matched = line ? dwarf_line_sites(dk, pattern, file, line, add_dwarf_site, st)
		       : dwarf_func_sites(dk, pattern, file, add_dwarf_site, st);
	if (matched < 0)	/* the file is there, its DWARF is not (stripped) */
		return -2;
	return st->ambiguous ? -1 : matched;
}

/* kernel.function("F") kernel.statement("F@FILE:LINE") kprobe.function("F")
 * module("M").function("F") module("M").statement(...)
 * kprobe.module("M").function("F"), then .call / .return / .maxactive(N);
 * kprobe.statement(ADDR).absolute. */
static int kprobe_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[6], *arg;
	int n = pp_comps(point, comps, 6), i = 1;
	const char *family = comps[0]->u.comp.name, *pattern, *file = NULL;
	struct expand_state st = { .p = p, .point = point, .prefix = family, .what = "function",
				   .suffix = "", .at = "" };
	bool is_kprobe = strcmp(family, "kprobe") == 0;
	const struct node *modarg = NULL;
	int line = 0, matched, m, nnamed = 0;

	if (strcmp(family, "module") == 0) {
		modarg = comps[0]->u.comp.arg;
	} else if (is_kprobe && n >= 2 && strcmp(comps[1]->u.comp.name, "module") == 0) {
		modarg = comps[1]->u.comp.arg;
		i = 2;
	} else if (comps[0]->u.comp.arg) {
		diag_error(point->loc, "no match for probe point %s (%s takes no argument)",
			   pp_text(point), family);
		return -1;
	}
	if ((strcmp(family, "module") == 0 || i == 2) && (!modarg || modarg->kind != NODE_STR)) {
		diag_error(point->loc, "no match for probe point %s (expected module(\"NAME\"))",
			   pp_text(point));
		return -1;
	}
	if (modarg)
		st.prefix = is_kprobe ? arena_printf("kprobe.module(\"%s\")", modarg->u.str.value)
				      : arena_printf("module(\"%s\")", modarg->u.str.value);
	if (n > i && strcmp(comps[i]->u.comp.name, "statement") == 0 && comps[i]->u.comp.arg &&
	    comps[i]->u.comp.arg->kind == NODE_NUM)
		return expand_absolute(s, &st, comps, i, n, modarg);
	if (n <= i || (strcmp(comps[i]->u.comp.name, "function") != 0 &&
		       (is_kprobe || strcmp(comps[i]->u.comp.name, "statement") != 0)) ||
	    !comps[i]->u.comp.arg || comps[i]->u.comp.arg->kind != NODE_STR) {
		diag_error(point->loc, "no match for probe point %s (expected %s.%s(\"NAME\"))",
			   pp_text(point), st.prefix, is_kprobe ? "function" : "function or .statement");
		return -1;
	}
	st.what = comps[i]->u.comp.name;
	arg = comps[i]->u.comp.arg;
	pattern = arg->u.str.value;
	if (strcmp(st.what, "statement") == 0 || strchr(pattern, '@') || strchr(pattern, ':')) {
		if (is_kprobe) {
			diag_error(arg->loc, "kprobe.%s has no source locations (use %s.statement)",
				   st.what, modarg ? "module(\"M\")" : "kernel");
			return -1;
		}
		if (!split_source(arg, strcmp(st.what, "function") == 0, &pattern, &file, &line))
			return -1;
		st.at = line ? arena_printf("@%s:%d", file, line) : arena_printf("@%s", file);
		st.file = file;
	}
	if (!parse_suffixes(&st, comps, i + 1, n, !is_kprobe && !line, point))
		return -1;
	if (line && (st.is_return || *st.suffix)) {
		diag_error(point->loc, "probe point %s: a source line has no .return or .call", pp_text(point));
		return -1;
	}
	matched = 0;
	if (modarg && strpbrk(modarg->u.str.value, "*?[")) {
		/* a module glob: the modules without DWARF add no source sites */
		struct image **views;
		int nviews = module_views_matching(s, modarg, pattern, &views, &nnamed);

		if (nviews < 0)
			return -1;
		for (i = 0; i < nviews; i++) {
			st.im = views[i];
			st.prefix = arena_printf(is_kprobe ? "kprobe.module(\"%s\")" : "module(\"%s\")",
						 st.im->name);
			m = st.nearest ? match_nearest(&st, pattern, file, line)
				       : match_sites(&st, pattern, file, line);
			if (m == -1)
				return -1;
			matched += m > 0 ? m : 0;
		}
	} else {
		st.im = modarg ? module_view(s, modarg) : kernel_image(session_kernel(s));
		if (!st.im)
			return -1;
		matched = st.nearest ? match_nearest(&st, pattern, file, line)
				     : match_sites(&st, pattern, file, line);
		if (matched == -1)
			return -1;
		if (matched == -2) {
			diag_error(arg->loc, "probe point %s: %s need DWARF debuginfo; none in %s%s",
				   pp_text(point), line ? "source lines" : "functions by source file",
				   st.im->name ? st.im->path : kernel_debuginfo_paths(st.im->kernel),
				   debuginfod_hint());
			return -1;
		}
	}
	if (file && matched <= 0 && !point->u.pp.optional) {
		if (line)
			diag_error(arg->loc, "no match for probe point %s (no code for %s:%d%s in %s)",
				   pp_text(point), file, line,
				   st.nearest ? " or the " XSTR(NEAREST_MAX) " lines either side" : "", pattern);
		else
			diag_error(arg->loc, "no match for probe point %s (no function %s defined in %s)",
				   pp_text(point), pattern, file);
		return -1;
	}
	if (st.unexported && matched == st.blacklisted + st.unexported && !point->u.pp.optional) {
		diag_error(point->loc, "no match for probe point %s (no function matching \"%s\" is "
			   "exported%s)", pp_text(point), pattern,
			   st.im->kernel->nexports ? "" : ": the kernel's build tree has no Module.symvers");
		return -1;
	}
	if (matched && matched == st.blacklisted && !point->u.pp.optional) {
		diag_error(point->loc, "probe point %s: %s can't be probed (%s)",
			   pp_text(point), st.first_blacklisted,
			   kernel_blacklist_reason(st.im, st.first_blacklisted));
		return -1;
	}
	if (!matched && !point->u.pp.optional) {
		const char *hint = nnamed ? NULL : kernel_closest_function(st.im, glob_literal(pattern));

		diag_error(point->loc, "no match for probe point %s", pp_text(point));
		if (nnamed)
			diag_note(modarg->loc, "no function matching \"%s\" in the %d module%s matching \"%s\"",
				  pattern, nnamed, nnamed == 1 ? "" : "s", modarg->u.str.value);
		if (hint)
			diag_note(point->loc, "did you mean %s.function(\"%s\")%s?", st.prefix, hint, st.suffix);
		return -1;
	}
	if (s->verbose && st.blacklisted)
		note_left_out(&st, matched);
	return matched - st.blacklisted - st.unexported;
}

/* Where a site's symbols and types come from: its module, or the kernel. */
static struct image *site_image(struct session *s, const struct site *site)
{
	return kp(site)->im ? kp(site)->im : kernel_image(session_kernel(s));
}

/* "no BTF prototype for F in kernel K" or the module's DWARF equivalent. */
static const char *no_proto(const struct image *im, const char *func)
{
	if (im->name && im->types_error)
		return arena_printf("%s (%s)", im->types_error, im->path);
	if (im->name)
		return arena_printf("no %s type information for %s in %s", im->types_from, func,
				    im->path);
	return arena_printf("no BTF prototype for %s in kernel %s", func, im->kernel->release);
}

/* The function whose BTF prototype describes site's parameters: a
 * syscall wrapper __x64_sys_X has none of its own (its parameter is the
 * user registers), but __do_sys_X has the syscall's. */
static const char *proto_func(const struct site *site, bool *syscall)
{
	*syscall = !kp(site)->module && strncmp(kp(site)->func, "__x64_sys_", 10) == 0;
	return *syscall ? arena_printf("__do_sys_%s", kp(site)->func + 10) : kp(site)->func;
}

static enum type_kind entry_capture(struct session *s, struct site *site, struct node *t);
static enum type_kind kprobe_target(struct session *s, struct site *site, struct node *t);

/* $$parms, $$vars (the same without debuginfo: no locals), $$locals (empty)
 * and $$return as SystemTap prints them: "name=0xHEX ..." with each value
 * in hex, or with a $ / $$ suffix each value pretty-printed: a string
 * recipe.  In a .return probe the parameters are the text made at entry,
 * as in stap. */
static enum type_kind pretty_vars(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *params[32], *func;
	const struct target_step *pretty = t->u.target.steps;
	struct image *im = site_image(s, site);
	struct recipe *stmt = recipe_string(true), *one;
	bool syscall;
	int n = 0, i, shown = 0;

	if (pretty && (pretty->next || pretty->kind == STEP_FIELD || pretty->kind == STEP_INDEX)) {
		diag_error(t->loc, "%s can only be followed by $ or $$, not by ->members or [elements]",
			   name);
		return TYPE_UNKNOWN;
	}
	func = proto_func(site, &syscall);
	if (kp(site)->statement && strcmp(name, "$$return") != 0)
		return kprobe_statement_vars_text(s, site, t, kprobe_target);
	if (strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0) {
		if (kp(site)->is_return)
			return entry_capture(s, site, t);
		n = kernel_func_params(im, func, params, 6);
		if (n < 0 && syscall)
			n = kernel_syscall_params(im->kernel, kp(site)->func + 10, params, 6);
		if (n < 0) {
			diag_error(t->loc, "%s: %s", name, no_proto(im, func));
			return TYPE_UNKNOWN;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(params[i], "__unused") == 0)	/* SYSCALL_DEFINE0's regs */
				continue;
			int argno = kernel_func_param(im, func, params[i]);

			one = fetch_parm_text(s, site, t, im, params[i],
						 argno > 0 ? btf_func_param_type(im, func, argno) : -1,
						 kprobe_target);
			if (!one)
				return TYPE_UNKNOWN;
			if (shown++)
				recipe_add_dst(stmt, " tapc_strcat(", ", \" \");");
			recipe_add_recipe(stmt, one);
		}
	} else if (strcmp(name, "$$return") == 0) {
		if (!kp(site)->is_return) {
			diag_error(t->loc, "$$return is only available in .return probes (at %s)", site->pp);
			return TYPE_UNKNOWN;
		}
		if (btf_func_param_type(im, func, 0) != 0) {	/* not void */
			struct node *r = node_new(NODE_TARGET, t->loc);

			r->u.target.name = "$return";
			r->u.target.steps = (struct target_step *)pretty;
			if (kprobe_target(s, site, r) == TYPE_UNKNOWN)
				return TYPE_UNKNOWN;
			if (pretty) {
				recipe_add_dst(stmt, " tapc_strcat(", ", \"return=\"); ");
				recipe_add_recipe(stmt, r->u.target.resolved);
			} else {
				recipe_add_dst(stmt, " tapc_sprintf(",
					       ", \"return=0x%llx\", (unsigned long long)");
				recipe_add_recipe(stmt, r->u.target.resolved);
				recipe_add(stmt, ");");
			}
		}
	} else if (strcmp(name, "$$locals") != 0) {
		diag_error(t->loc, "unknown target variable %s (expected $$vars, $$parms, $$locals or $$return)",
			   name);
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = stmt;
	return TYPE_STRING;
}

/* Guru mode: how an assignment stores into t (argno: its parameter
 * number, 0 for $return).  Only whole register values can be written:
 * the return value in a .return probe (the caller sees it: error
 * injection), and a register parameter at function entry (the function
 * sees it). */
static bool target_store(struct site *site, struct node *t, int argno, bool syscall)
{
	const char *why = NULL;

	if (fetch_has_pretty(t))
		why = "a pretty-printed value ($ or $$) is text, not a variable";
	else if (t->u.target.steps)
		why = "only whole values can be written, not ->members or [elements]";
	else if (argno == 0)
		t->u.target.store = recipe_text("tapc_arch_set_return_value(c->regs, ");
	else if (kp(site)->is_return)
		why = "a parameter can only be written at function entry, not in a .return probe";
	else if (kp(site)->statement)
		why = "a parameter can only be written at function entry";
	else if (syscall)
		why = "a syscall's arguments are the user's registers: write them at __do_sys_ entry";
	else
		t->u.target.store = recipe_text("tapc_arch_set_arg(c->regs, %d, ", argno);
	if (t->u.target.store) {
		recipe_add_operand(t->u.target.store, RECIPE_VALUE, 0);
		recipe_add(t->u.target.store, ")");
	}
	if (why)
		diag_error(t->loc, "can't write to %s: %s", t->u.target.name, why);
	return !why;
}

static enum type_kind kprobe_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	struct image *im = site_image(s, site);
	const char *params[32], *func;
	bool syscall;
	int argno, n, i, type;

	if (name[0] == '$' && name[1] == '$')
		return pretty_vars(s, site, t);
	if (strcmp(name, "@cast") == 0)
		return fetch_cast(im, t);
	if (name[0] != '$') {
		diag_error(t->loc, "%s is not supported in kernel.function probes yet", name);
		return TYPE_UNKNOWN;
	}
	if (kp(site)->statement && strcmp(name, "$return") != 0)
		return kprobe_statement_target(s, site, t);
	if (strcmp(name, "$return") == 0) {
		if (!kp(site)->is_return) {
			diag_error(t->loc, "$return is only available in .return probes (at %s)", site->pp);
			return TYPE_UNKNOWN;
		}
		func = proto_func(site, &syscall);
		type = btf_func_param_type(im, func, 0);
		if (t->u.target.written && !target_store(site, t, 0, syscall))
			return TYPE_UNKNOWN;
		if (type < 0 && !t->u.target.steps) {
			t->u.target.resolved = recipe_text("((int64_t)tapc_arch_return_value(c->regs))");
			return TYPE_LONG;
		}
		if (type < 0) {
			diag_error(t->loc, "$return: %s", no_proto(im, func));
			return TYPE_UNKNOWN;
		}
		return fetch_typed(im, t, type, "tapc_arch_return_value(c->regs)");
	}
	func = proto_func(site, &syscall);
	argno = kernel_func_param(im, func, name + 1);
	if (argno < 0 && syscall) {
		/* no __do_sys_X in BTF: the argument names of syscalls.h, untyped */
		n = kernel_syscall_params(im->kernel, kp(site)->func + 10, params, 32);
		for (i = 0; i < n; i++)
			if (strcmp(params[i], name + 1) == 0)
				break;
		if (n >= 0 && i < n && !kp(site)->is_return && !t->u.target.steps) {
			t->u.target.resolved = recipe_text("((int64_t)tapc_arch_syscall_arg(c->regs, %d))", i + 1);
			return TYPE_LONG;
		}
	}
	if (argno < 0) {
		diag_error(t->loc, "%s: %s", name, no_proto(im, func));
		return TYPE_UNKNOWN;
	}
	if (argno == 0) {
		char *list = "";

		diag_error(t->loc, "%s is not a parameter of %s", name, kp(site)->func);
		n = kernel_func_params(im, func, params, 32);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s", list, i ? " " : "", params[i]);
		diag_note(t->loc, "the parameters of %s are: %s", kp(site)->func, n ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	if (t->u.target.written && !target_store(site, t, argno, syscall))
		return TYPE_UNKNOWN;
	if (kp(site)->is_return)	/* as in SystemTap: the value at entry */
		return entry_capture(s, site, t);
	if (kp(site)->statement) {
		/* past the entry the registers hold other things: this needs
		 * the DWARF location lists */
		diag_error(t->loc, "%s: parameters in .statement probes are not supported yet (only at function entry)",
			   name);
		return TYPE_UNKNOWN;
	}
	if (argno > 6) {
		diag_error(t->loc, "%s is parameter %d of %s: only the first 6 (in registers) are supported",
			   name, argno, kp(site)->func);
		return TYPE_UNKNOWN;
	}
	type = btf_func_param_type(im, func, argno);
	return fetch_typed(im, t, type,
			    arena_printf(syscall ? "tapc_arch_syscall_arg(c->regs, %d)"
						 : "tapc_arch_arg(c->regs, %d)", argno));
}

static const char *kprobe_vars(struct session *s, const struct site *site)
{
	struct image *im = site_image(s, site);
	const char *names[32], *func;
	char *list = "";
	bool syscall;
	int n, i;

	if (kp(site)->statement)
		return kprobe_statement_vars(s, site, true);
	func = proto_func(site, &syscall);
	n = kernel_func_params(im, func, names, 32);
	if (n < 0 && syscall) {
		n = kernel_syscall_params(im->kernel, kp(site)->func + 10, names, 32);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s:long", list, i ? " " : "", names[i]);
		return list;
	}
	for (i = 0; i < n; i++)
		list = arena_printf("%s%s$%s:%s", list, i ? " " : "", names[i],
				    btf_type_name(im->btf, btf_func_param_type(im, func, i + 1)));
	if (n >= 0 && kp(site)->is_return && btf_func_param_type(im, func, 0) > 0)
		list = arena_printf("%s%s$return:%s", list, n ? " " : "",
				    btf_type_name(im->btf, btf_func_param_type(im, func, 0)));
	return list;
}

/* kprobe_target() without the diagnostics, for @defined. */
static bool kprobe_defined(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *params[32], *func;
	struct image *im = site_image(s, site);
	bool syscall;
	int argno, n, i;

	if (name[0] == '$' && name[1] == '$')
		return false;
	if (strcmp(name, "@cast") == 0)
		return image_btf(im) && fetch_ok(im, t, btf_find_type(im, t->u.target.cast_type));
	if (name[0] != '$')
		return false;
	if (kp(site)->statement && strcmp(name, "$return") != 0)
		return kprobe_statement_defined(s, site, t);
	func = proto_func(site, &syscall);
	if (strcmp(name, "$return") == 0) {
		if (!kp(site)->is_return)
			return false;
		if (btf_func_param_type(im, func, 0) < 0)
			return !t->u.target.steps;
		return fetch_ok(im, t, btf_func_param_type(im, func, 0));
	}
	argno = kernel_func_param(im, func, name + 1);
	if (argno < 0 && syscall && !t->u.target.steps) {
		n = kernel_syscall_params(im->kernel, kp(site)->func + 10, params, 32);
		for (i = 0; i < n; i++)
			if (strcmp(params[i], name + 1) == 0)
				return true;
	}
	if (argno <= 0 || argno > 6)
		return false;
	return fetch_ok(im, t, btf_func_param_type(im, func, argno));
}

/* @entry values of a kretprobe site: its entry handler saves them into
 * the kretprobe instance's data, which the kernel caps at
 * KRETPROBE_MAX_DATA_SIZE (4096) per call. */
static const struct entry_store kprobe_entry_store = {
	.data = "c->probe_data",
	.max_bytes = 4096,
	.values = "@entry values",
	.limit = ", the kernel's limit is 4096",
	.size_note = true,
	.target = kprobe_target,
};

static enum type_kind entry_capture(struct session *s, struct site *site, struct node *t)
{
	return entry_values_capture(s, site, &kp(site)->entry, &kprobe_entry_store, t);
}

static enum type_kind kprobe_entry(struct session *s, struct site *site, struct node *n)
{
	return entry_values_resolve(s, site, &kp(site)->entry, &kprobe_entry_store, kp(site)->is_return, n);
}

/* kprobe_entry_N(c): the entry handler of kretprobe site N.  The
 * instance's data is not cleared between calls: the handler clears it. */
static void emit_entry_handler(struct emitter *e, const struct rprobe *pr, const struct site *site,
			       int n)
{
	entry_values_emit(e, pr, kp(site)->entry, &kprobe_entry_store, arena_printf("kprobe_entry_%d", n),
			  true);
}

/* One wrapper per probe and direction: the runtime's inline hit path with
 * a direct call of the body instead of an indirect one through the site. */
static void emit_wrappers(struct emitter *e, const struct rprobe *pr)
{
	const struct site *site, *only = NULL, *only_ret = NULL;
	int entry = 0, ret = 0;
	bool reads = probe_reads_hit(pr);

	for (site = pr->sites; site; site = site->next) {
		if (site->ops != &kprobe_provider)
			continue;
		if (kp(site)->is_return) {
			ret++;
			only_ret = site;
		} else {
			entry++;
			only = site;
		}
	}
	if (entry == 1) {	/* its pp and function as constants */
		char *pp = c_string(only->pp, strlen(only->pp));

		emit(e, "static int kprobe_pre_%d(struct kprobe *p, struct pt_regs *regs)", pr->index);
		emit(e, "{");
		emit(e, "return tapc_kprobe_hit_at(p, regs, %s, %s, \"%s\", probe_%d_budget, %s);",
		     handler_name(pr), pp, kp(only)->func, pr->index, reads ? "true" : "false");
		emit(e, "}");
		emit(e, "%s", "");
		free(pp);
	} else if (entry) {
		emit(e, "static int kprobe_pre_%d(struct kprobe *p, struct pt_regs *regs)", pr->index);
		emit(e, "{");
		emit(e, "return tapc_kprobe_hit_at(p, regs, %s, NULL, NULL, true, %s);", handler_name(pr),
		     reads ? "true" : "false");
		emit(e, "}");
		emit(e, "%s", "");
	}
	if (ret) {
		emit(e, "static int kprobe_ret_%d(struct kretprobe_instance *ri, struct pt_regs *regs)",
		     pr->index);
		emit(e, "{");
		if (ret == 1) {	/* its pp, function and entry data as constants */
			char *pp = c_string(only_ret->pp, strlen(only_ret->pp));

			emit(e, "return tapc_kretprobe_ret_hit_at(ri, regs, %s, %s, \"%s\", %s, "
			     "probe_%d_budget, %s);", handler_name(pr), pp, kp(only_ret)->func,
			     kp(only_ret)->entry ? "true" : "false", pr->index, reads ? "true" : "false");
			free(pp);
		} else {
			emit(e, "return tapc_kretprobe_ret_hit(ri, regs, %s, %s);", handler_name(pr),
			     reads ? "true" : "false");
		}
		emit(e, "}");
		emit(e, "%s", "");
	}
}

/* Site n's entry in tapc_kprobe_sites[]. */
static void emit_site(struct emitter *e, const struct rprobe *pr, const struct site *site, int n)
{
	const struct kprobe_site *ks = kp(site);
	char *pp = c_string(site->pp, strlen(site->pp));

	emit(e, "{");
	/* kallsyms finds a module's function as "MODULE:NAME" */
	if (ks->absolute) {
		/* no symbol: .offset is the address itself */
		emit(e, ".func = \"\",");
		emit(e, ".addr = 0x%lxUL,", ks->offset);
	} else if (ks->module) {
		emit(e, ".symbol = \"%s:%s\",", ks->module, ks->func);
		emit(e, ".func = \"%s\",", ks->func);
	} else if (ks->anchor) {
		emit(e, ".symbol = \"%s\",", ks->anchor);
		emit(e, ".func = \"%s\",", ks->func);
	} else {
		emit(e, ".symbol = \"%s\",", ks->func);
	}
	if (ks->offset && !ks->absolute)
		emit(e, ".offset = %lu,", ks->offset);
	emit(e, ".pp = %s,", pp);
	if (ks->is_return)
		emit(e, ".is_return = true,");
	if (ks->maxactive)
		emit(e, ".maxactive = %d,", ks->maxactive);
	if (site->optional)
		emit(e, ".optional = true,");
	/* no .handler: the wrapper is the body's only caller, so the
	 * compiler can inline it there */
	if (ks->is_return)
		emit(e, ".ret_handler = kprobe_ret_%d,", pr->index);
	else
		emit(e, ".pre_handler = kprobe_pre_%d,", pr->index);
	if (ks->entry) {
		emit(e, ".entry_handler = kprobe_entry_%d,", n);
		emit(e, ".entry_data_size = %s,", entry_values_size(ks->entry));
	}
	emit(e, "},");
	free(pp);
}

/* The entry handlers, the wrappers, then the site table; sites are
 * numbered in table order. */
static void kprobe_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	if (!provider_count_sites(p, &kprobe_provider))
		return;
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			if (site->ops != &kprobe_provider)
				continue;
			if (kp(site)->entry)
				emit_entry_handler(e, pr, site, n);
			n++;
		}
	}
	for (pr = p->probes; pr; pr = pr->next)
		emit_wrappers(e, pr);
	n = 0;
	emit(e, "static struct tapc_kprobe_site tapc_kprobe_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &kprobe_provider)
				emit_site(e, pr, site, n++);
	emit(e, "};");
	emit(e, "%s", "");
}

static void kprobe_entry_scope(struct site *site, bool on)
{
	if (on) {
		kp(site)->was_return = kp(site)->is_return;
		kp(site)->is_return = false;
	} else {
		kp(site)->is_return = kp(site)->was_return;
	}
}

/* A statement site's $vars come from DWARF and may live in memory. */
static bool kprobe_addressable(const struct site *site)
{
	return kp(site)->statement;
}

const struct provider_ops kprobe_provider = {
	.family = "kprobe",
	/* "kernel" also takes kernel.* that no other family claims */
	.paths = (const char *const[]){ "kernel", "kernel.function", "kernel.statement", "kprobe",
					"module", NULL },
	.patterns = (const char *const[]){
		"kernel.function(string)", "kernel.function(string).call",
		"kernel.function(string).return", "kernel.function(string).return.maxactive(number)",
		"kernel.statement(string)", "kernel.statement(number).absolute",
		"kprobe.function(string)", "kprobe.function(string).return", "kprobe.statement(number).absolute",
		"kprobe.function(string).return.maxactive(number)",
		"kprobe.module(string).function(string)", "kprobe.module(string).function(string).return",
		"module(string).function(string)", "module(string).function(string).call",
		"module(string).function(string).return", "module(string).statement(string)", NULL },
	.expand = kprobe_expand,
	.target = kprobe_target,
	.entry = kprobe_entry,
	.entry_scope = kprobe_entry_scope,
	.vars = kprobe_vars,
	.defined = kprobe_defined,
	.addressable = kprobe_addressable,
	.runtime = "kprobe",
	.emit_tables = kprobe_tables,
};
