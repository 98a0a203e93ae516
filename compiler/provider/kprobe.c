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
 * nofault reads (btf.c).  In a .return probe a parameter, like @entry(e),
 * is saved by a kretprobe entry handler into the instance's data and read
 * back from there.  kernel.trace("NAME") is handed to provider/tracepoint.c,
 * kernel.syscall("NAME") and kernel.syscall32("NAME") to provider/syscall.c.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "kernel.h"
#include "kprobe_statement.h"
#include "provider.h"
#include "session.h"

struct expand_state {
	struct rprobe *p;
	struct node *point;
	const char *prefix;		/* "kernel", "kprobe", "module(\"M\")", ... */
	const char *what;		/* "function" or "statement" */
	const char *suffix;		/* "", ".call", ".return", ".maxactive(N)" */
	const char *at;			/* "@FILE:LINE" of a line probe, or "" */
	bool is_return;
	int maxactive;
	struct kernel *k;		/* symbols and types: kernel or module */
	int blacklisted;
	const char *first_blacklisted;
	const char *file;		/* "F@FILE..." as written, NULL: none */
	bool ambiguous;			/* a DWARF site could not be placed */
};

static struct site *new_site(struct expand_state *st, const char *func)
{
	struct site *site = site_add(st->p, &kprobe_provider, st->point,
				     arena_printf("%s.%s(\"%s%s\")%s", st->prefix, st->what, func,
						  st->at, st->suffix));

	site->func = arena_strdup(func);
	site->is_return = st->is_return;
	site->maxactive = st->maxactive;
	site->k = st->k->module ? st->k : NULL;
	site->module = st->k->module;
	return site;
}

static void add_site(const char *func, void *arg)
{
	struct expand_state *st = arg;

	if (kernel_blacklisted(st->k, func)) {
		st->blacklisted++;
		if (!st->first_blacklisted)
			st->first_blacklisted = arena_strdup(func);
		return;
	}
	new_site(st, func);
}

/* A site of f@FILE (function entry) or f@FILE:LINE from DWARF; its pp
 * names the file as written, or the one found for a file glob. */
static void add_dwarf_site(const struct dwarf_site *ds, void *arg)
{
	struct expand_state *st = arg;
	const char *file = strpbrk(st->file, "*?[") ? ds->file : st->file;
	struct site *site;

	if (kernel_blacklisted(st->k, ds->func)) {
		st->blacklisted++;
		if (!st->first_blacklisted)
			st->first_blacklisted = arena_strdup(ds->func);
		return;
	}
	if (ds->anchor && (!*ds->anchor || st->k->module)) {
		if (!st->ambiguous)
			diag_error(st->point->loc, "probe point %s: several functions of %s are called %s, "
				   "and kallsyms can't tell them apart by name",
				   pp_text(st->point), st->k->module ? st->k->module : "the kernel", ds->func);
		st->ambiguous = true;
		return;
	}
	st->at = ds->line ? arena_printf("@%s:%d", file, ds->line) : arena_printf("@%s", file);
	site = new_site(st, ds->func);
	site->offset = ds->anchor ? ds->anchor_offset : ds->offset;
	site->anchor = ds->anchor;
	site->statement = ds->line != 0;
	site->addr = ds->addr;
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

/* The suffixes after .function("F"): .call, .return, .maxactive(N). */
static bool parse_suffixes(struct expand_state *st, const struct node **comps, int i, int n,
			   bool allow_call, struct node *point)
{
	for (; i < n; i++) {
		const char *c = comps[i]->u.comp.name;
		const struct node *a = comps[i]->u.comp.arg;

		if (strcmp(c, "return") == 0 && !a && !st->is_return) {
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
	site->func = "";
	site->offset = (unsigned long)a->u.num.value;
	site->absolute = true;
	site->statement = true;
	return 1;
}

/* Sites of st->k's functions matching pattern, or with file set those
 * defined in file (at line, when not 0) from its DWARF; -1 after an
 * error, -2 when st->k has no DWARF for a source file. */
static int match_sites(struct expand_state *st, const char *pattern, const char *file, int line)
{
	struct kernel *dk;
	int matched;

	if (!file)
		return (int)kernel_match_functions(st->k, pattern, add_site, st);
	dk = kernel_debuginfo(st->k);
	if (!dk || !dk->dwarf)
		return -2;
	matched = line ? dwarf_line_sites(dk, pattern, file, line, add_dwarf_site, st)
		       : dwarf_func_sites(dk, pattern, file, add_dwarf_site, st);
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
	struct expand_state st = { p, point, family, "function", "", "", false, 0, NULL, 0, NULL, NULL, false };
	bool is_kprobe = strcmp(family, "kprobe") == 0;
	const struct node *modarg = NULL;
	int line = 0, matched, m, nnamed = 0;

	if (n >= 2 && strcmp(family, "kernel") == 0 && strcmp(comps[1]->u.comp.name, "trace") == 0)
		return tracepoint_provider.expand(s, p, point);
	if (n >= 2 && strcmp(family, "kernel") == 0 && (strcmp(comps[1]->u.comp.name, "syscall") == 0 ||
							 strcmp(comps[1]->u.comp.name, "syscall32") == 0))
		return syscall_provider.expand(s, p, point);
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
		struct kernel **views;
		int nviews = module_views_matching(s, modarg, pattern, &views, &nnamed);

		if (nviews < 0)
			return -1;
		for (i = 0; i < nviews; i++) {
			st.k = views[i];
			st.prefix = arena_printf(is_kprobe ? "kprobe.module(\"%s\")" : "module(\"%s\")",
						 st.k->module);
			m = match_sites(&st, pattern, file, line);
			if (m == -1)
				return -1;
			matched += m > 0 ? m : 0;
		}
	} else {
		st.k = modarg ? module_view(s, modarg) : session_kernel(s);
		if (!st.k)
			return -1;
		matched = match_sites(&st, pattern, file, line);
		if (matched == -1)
			return -1;
		if (matched == -2) {
			diag_error(arg->loc, "probe point %s: %s need DWARF debuginfo; none in %s",
				   pp_text(point), line ? "source lines" : "functions by source file",
				   st.k->module ? st.k->module_path : kernel_debuginfo_paths(st.k));
			return -1;
		}
	}
	if (file && matched <= 0 && !point->u.pp.optional) {
		if (line)
			diag_error(arg->loc, "no match for probe point %s (no code for %s:%d in %s)",
				   pp_text(point), file, line, pattern);
		else
			diag_error(arg->loc, "no match for probe point %s (no function %s defined in %s)",
				   pp_text(point), pattern, file);
		return -1;
	}
	if (matched && matched == st.blacklisted && !point->u.pp.optional) {
		diag_error(point->loc, "probe point %s: %s can't be probed (%s)",
			   pp_text(point), st.first_blacklisted,
			   kernel_blacklist_reason(st.k, st.first_blacklisted));
		return -1;
	}
	if (!matched && !point->u.pp.optional) {
		const char *hint = nnamed ? NULL : kernel_closest_function(st.k, glob_literal(pattern));

		diag_error(point->loc, "no match for probe point %s", pp_text(point));
		if (nnamed)
			diag_note(modarg->loc, "no function matching \"%s\" in the %d module%s matching \"%s\"",
				  pattern, nnamed, nnamed == 1 ? "" : "s", modarg->u.str.value);
		if (hint)
			diag_note(point->loc, "did you mean %s.function(\"%s\")%s?", st.prefix, hint, st.suffix);
		return -1;
	}
	return matched - st.blacklisted;
}

static const char *loc_text(const struct node *t)
{
	char *q = arena_printf("%s:%d:%d", t->loc.file ? t->loc.file : "<input>", t->loc.line,
			       t->loc.col);
	char *c = c_string(q, strlen(q)), *a = arena_strdup(c);

	free(c);
	return a;
}

/* Where a site's symbols and types come from: its module, or the kernel. */
static struct kernel *site_kernel(struct session *s, const struct site *site)
{
	return site->k ? site->k : session_kernel(s);
}

static enum type_kind typed_target(struct kernel *k, struct node *t, int type, const char *base)
{
	struct btf_fetch f;

	if (!btf_fetch(k, type, base, t->u.target.steps, loc_text(t), &f)) {
		diag_error(f.step ? f.step->loc : t->loc, "%s: %s", t->u.target.name, f.err);
		if (f.note)
			diag_note(f.step ? f.step->loc : t->loc, "%s", f.note);
		return TYPE_UNKNOWN;
	}
	if (f.code)
		return provider_pretty(k, t, &f);
	t->u.target.resolved = (void *)f.expr;
	return TYPE_LONG;
}

enum type_kind provider_pretty(struct kernel *k, struct node *t, const struct btf_fetch *f)
{
	const char *err, *stmt = pretty_append(k, f, &err);

	if (!stmt) {
		diag_error(t->loc, "%s: %s", t->u.target.name, err);
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = arena_printf(PROVIDER_STR_START "%s", stmt);
	return TYPE_STRING;
}

/* @cast(addr, "struct S")->...: the address as an S of k's types. */
static enum type_kind cast_target(struct kernel *k, struct node *t)
{
	int type = btf_load(k, 0) ? btf_find_type(k, t->u.target.cast_type) : -1;

	if (type < 0) {
		diag_error(t->loc, "@cast: type '%s' not found in the %s of %s %s",
			   t->u.target.cast_type, k->module ? k->types_from : "BTF",
			   k->module ? "module" : "kernel", k->module ? k->module : k->release);
		return TYPE_UNKNOWN;
	}
	/* the translator puts the operand's value in place of this name */
	return typed_target(k, t, type, "tapc_cast_operand");
}

enum type_kind provider_cast(struct session *s, struct node *t)
{
	return cast_target(session_kernel(s), t);
}

enum type_kind provider_typed_target(struct session *s, struct node *t, int type, const char *base)
{
	return typed_target(session_kernel(s), t, type, base);
}

bool provider_has_pretty(const struct node *t)
{
	const struct target_step *st;

	for (st = t->u.target.steps; st; st = st->next)
		if (st->kind == STEP_PRETTY || st->kind == STEP_PRETTY_DEEP)
			return true;
	return false;
}

/* "no BTF prototype for F in kernel K" or the module's DWARF equivalent. */
static const char *no_proto(const struct kernel *k, const char *func)
{
	if (k->module && k->types_error)
		return arena_printf("%s (%s)", k->types_error, k->module_path);
	if (k->module)
		return arena_printf("no %s type information for %s in %s", k->types_from, func,
				    k->module_path);
	return arena_printf("no BTF prototype for %s in kernel %s", func, k->release);
}

/* The function whose BTF prototype describes site's parameters: a
 * syscall wrapper __x64_sys_X has none of its own (its parameter is the
 * user registers), but __do_sys_X has the syscall's. */
static const char *proto_func(const struct site *site, bool *syscall)
{
	*syscall = !site->module && strncmp(site->func, "__x64_sys_", 10) == 0;
	return *syscall ? arena_printf("__do_sys_%s", site->func + 10) : site->func;
}

static enum type_kind entry_capture(struct session *s, struct site *site, struct node *t);
static enum type_kind kprobe_target(struct session *s, struct site *site, struct node *t);

const char *provider_parm_text(struct session *s, struct site *site, const struct node *t,
			       struct kernel *k, const char *name, int type,
			       enum type_kind (*target)(struct session *, struct site *, struct node *))
{
	const struct target_step *pretty = t->u.target.steps;
	struct node *p = node_new(NODE_TARGET, t->loc);
	const char *text = arena_printf(" tapc_strcat(tapc_str_dst, \"%s=\");", name);

	p->u.target.name = arena_printf("$%s", name);
	if (type >= 0 && pretty) {
		p->u.target.steps = (struct target_step *)pretty;
		if (target(s, site, p) != TYPE_STRING)
			return NULL;
		return arena_printf("%s %s", text,
				    (const char *)p->u.target.resolved + strlen(PROVIDER_STR_START));
	}
	if (type >= 0 && pretty_placeholder(k, type))
		return arena_printf(" tapc_strcat(tapc_str_dst, \"%s=%s\");", name,
				    pretty_placeholder(k, type));
	if (target(s, site, p) == TYPE_UNKNOWN)
		return NULL;
	return arena_printf("%s { char _h[24]; snprintf(_h, sizeof(_h), \"0x%%llx\", "
			    "(unsigned long long)%s); tapc_strcat(tapc_str_dst, _h); }",
			    text, (const char *)p->u.target.resolved);
}

/* $$parms, $$vars (the same without debuginfo: no locals), $$locals (empty)
 * and $$return as SystemTap prints them: "name=0xHEX ..." with each value
 * in hex, or with a $ / $$ suffix each value pretty-printed.  A string
 * target: the translator gives the statement its buffer in place of
 * tapc_str_dst.  In a .return probe the parameters are the text made at
 * entry, as in stap. */
static enum type_kind pretty_vars(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *params[32], *func, *one;
	const struct target_step *pretty = t->u.target.steps;
	struct kernel *k = site_kernel(s, site);
	char *stmt = PROVIDER_STR_START;
	bool syscall;
	int n = 0, i;

	if (pretty && (pretty->next || pretty->kind == STEP_FIELD || pretty->kind == STEP_INDEX)) {
		diag_error(t->loc, "%s can only be followed by $ or $$, not by ->members or [elements]",
			   name);
		return TYPE_UNKNOWN;
	}
	func = proto_func(site, &syscall);
	if (site->statement && strcmp(name, "$$return") != 0)
		return kprobe_statement_vars_text(s, site, t, kprobe_target);
	if (strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0) {
		if (site->is_return)
			return entry_capture(s, site, t);
		n = kernel_func_params(k, func, params, 6);
		if (n < 0 && syscall)
			n = kernel_syscall_params(k, site->func + 10, params, 6);
		if (n < 0) {
			diag_error(t->loc, "%s: %s", name, no_proto(k, func));
			return TYPE_UNKNOWN;
		}
		for (i = 0; i < n; i++) {
			if (strcmp(params[i], "__unused") == 0)	/* SYSCALL_DEFINE0's regs */
				continue;
			int argno = kernel_func_param(k, func, params[i]);

			one = provider_parm_text(s, site, t, k, params[i],
						 argno > 0 ? btf_func_param_type(k, func, argno) : -1,
						 kprobe_target);
			if (!one)
				return TYPE_UNKNOWN;
			stmt = arena_printf("%s%s%s", stmt,
					    strcmp(stmt, PROVIDER_STR_START) ? " tapc_strcat(tapc_str_dst, \" \");" : "",
					    one);
		}
	} else if (strcmp(name, "$$return") == 0) {
		if (!site->is_return) {
			diag_error(t->loc, "$$return is only available in .return probes (at %s)", site->pp);
			return TYPE_UNKNOWN;
		}
		if (btf_func_param_type(k, func, 0) != 0) {	/* not void */
			struct node *r = node_new(NODE_TARGET, t->loc);

			r->u.target.name = "$return";
			r->u.target.steps = (struct target_step *)pretty;
			if (kprobe_target(s, site, r) == TYPE_UNKNOWN)
				return TYPE_UNKNOWN;
			if (pretty)
				stmt = arena_printf("%s tapc_strcat(tapc_str_dst, \"return=\"); %s", stmt,
						    (const char *)r->u.target.resolved + strlen(PROVIDER_STR_START));
			else
				stmt = arena_printf("%s tapc_sprintf(tapc_str_dst, \"return=0x%%llx\", "
						    "(unsigned long long)%s);", stmt,
						    (const char *)r->u.target.resolved);
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

	if (provider_has_pretty(t))
		why = "a pretty-printed value ($ or $$) is text, not a variable";
	else if (t->u.target.steps)
		why = "only whole values can be written, not ->members or [elements]";
	else if (argno == 0)
		t->u.target.store = "tapc_arch_set_return_value(c->regs, TAPC_VALUE)";
	else if (site->is_return)
		why = "a parameter can only be written at function entry, not in a .return probe";
	else if (site->statement)
		why = "a parameter can only be written at function entry";
	else if (syscall)
		why = "a syscall's arguments are the user's registers: write them at __do_sys_ entry";
	else
		t->u.target.store = arena_printf("tapc_arch_set_arg(c->regs, %d, TAPC_VALUE)", argno);
	if (why)
		diag_error(t->loc, "can't write to %s: %s", t->u.target.name, why);
	return !why;
}

static enum type_kind kprobe_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	struct kernel *k = site_kernel(s, site);
	const char *params[32], *func;
	bool syscall;
	int argno, n, i, type;

	if (name[0] == '$' && name[1] == '$')
		return pretty_vars(s, site, t);
	if (strcmp(name, "@cast") == 0)
		return cast_target(k, t);
	if (name[0] != '$') {
		diag_error(t->loc, "%s is not supported in kernel.function probes yet", name);
		return TYPE_UNKNOWN;
	}
	if (site->statement && strcmp(name, "$return") != 0)
		return kprobe_statement_target(s, site, t, loc_text(t));
	if (strcmp(name, "$return") == 0) {
		if (!site->is_return) {
			diag_error(t->loc, "$return is only available in .return probes (at %s)", site->pp);
			return TYPE_UNKNOWN;
		}
		func = proto_func(site, &syscall);
		type = btf_func_param_type(k, func, 0);
		if (t->u.target.written && !target_store(site, t, 0, syscall))
			return TYPE_UNKNOWN;
		if (type < 0 && !t->u.target.steps) {
			t->u.target.resolved = (void *)"((int64_t)tapc_arch_return_value(c->regs))";
			return TYPE_LONG;
		}
		if (type < 0) {
			diag_error(t->loc, "$return: %s", no_proto(k, func));
			return TYPE_UNKNOWN;
		}
		return typed_target(k, t, type, "tapc_arch_return_value(c->regs)");
	}
	func = proto_func(site, &syscall);
	argno = kernel_func_param(k, func, name + 1);
	if (argno < 0 && syscall) {
		/* no __do_sys_X in BTF: the argument names of syscalls.h, untyped */
		n = kernel_syscall_params(k, site->func + 10, params, 32);
		for (i = 0; i < n; i++)
			if (strcmp(params[i], name + 1) == 0)
				break;
		if (n >= 0 && i < n && !site->is_return && !t->u.target.steps) {
			t->u.target.resolved = arena_printf("((int64_t)tapc_arch_syscall_arg(c->regs, %d))", i + 1);
			return TYPE_LONG;
		}
	}
	if (argno < 0) {
		diag_error(t->loc, "%s: %s", name, no_proto(k, func));
		return TYPE_UNKNOWN;
	}
	if (argno == 0) {
		char *list = "";

		diag_error(t->loc, "%s is not a parameter of %s", name, site->func);
		n = kernel_func_params(k, func, params, 32);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s", list, i ? " " : "", params[i]);
		diag_note(t->loc, "the parameters of %s are: %s", site->func, n ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	if (t->u.target.written && !target_store(site, t, argno, syscall))
		return TYPE_UNKNOWN;
	if (site->is_return)	/* as in SystemTap: the value at entry */
		return entry_capture(s, site, t);
	if (site->statement) {
		/* past the entry the registers hold other things: this needs
		 * the DWARF location lists */
		diag_error(t->loc, "%s: parameters in .statement probes are not supported yet (only at function entry)",
			   name);
		return TYPE_UNKNOWN;
	}
	if (argno > 6) {
		diag_error(t->loc, "%s is parameter %d of %s: only the first 6 (in registers) are supported",
			   name, argno, site->func);
		return TYPE_UNKNOWN;
	}
	type = btf_func_param_type(k, func, argno);
	return typed_target(k, t, type,
			    arena_printf(syscall ? "tapc_arch_syscall_arg(c->regs, %d)"
						 : "tapc_arch_arg(c->regs, %d)", argno));
}

static const char *kprobe_vars(struct session *s, const struct site *site)
{
	struct kernel *k = site_kernel(s, site);
	const char *names[32], *func;
	char *list = "";
	bool syscall;
	int n, i;

	if (site->statement)
		return kprobe_statement_vars(s, site, true);
	func = proto_func(site, &syscall);
	n = kernel_func_params(k, func, names, 32);
	if (n < 0 && syscall) {
		n = kernel_syscall_params(k, site->func + 10, names, 32);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s:long", list, i ? " " : "", names[i]);
		return list;
	}
	for (i = 0; i < n; i++)
		list = arena_printf("%s%s$%s:%s", list, i ? " " : "", names[i],
				    btf_type_name(k->btf, btf_func_param_type(k, func, i + 1)));
	if (n >= 0 && site->is_return && btf_func_param_type(k, func, 0) > 0)
		list = arena_printf("%s%s$return:%s", list, n ? " " : "",
				    btf_type_name(k->btf, btf_func_param_type(k, func, 0)));
	return list;
}

static bool fetch_ok(struct kernel *k, const struct node *t, int type)
{
	struct btf_fetch f;

	return type >= 0 && btf_fetch(k, type, "0", t->u.target.steps, "\"\"", &f);
}

bool provider_fetch_ok(struct session *s, const struct node *t, int type)
{
	return fetch_ok(session_kernel(s), t, type);
}

/* kprobe_target() without the diagnostics, for @defined. */
static bool kprobe_defined(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name, *params[32], *func;
	struct kernel *k = site_kernel(s, site);
	bool syscall;
	int argno, n, i;

	if (name[0] == '$' && name[1] == '$')
		return false;
	if (strcmp(name, "@cast") == 0)
		return btf_load(k, 0) && fetch_ok(k, t, btf_find_type(k, t->u.target.cast_type));
	if (name[0] != '$')
		return false;
	if (site->statement && strcmp(name, "$return") != 0)
		return kprobe_statement_defined(s, site, t);
	func = proto_func(site, &syscall);
	if (strcmp(name, "$return") == 0) {
		if (!site->is_return)
			return false;
		if (btf_func_param_type(k, func, 0) < 0)
			return !t->u.target.steps;
		return fetch_ok(k, t, btf_func_param_type(k, func, 0));
	}
	argno = kernel_func_param(k, func, name + 1);
	if (argno < 0 && syscall && !t->u.target.steps) {
		n = kernel_syscall_params(k, site->func + 10, params, 32);
		for (i = 0; i < n; i++)
			if (strcmp(params[i], name + 1) == 0)
				return true;
	}
	if (argno <= 0 || argno > 6)
		return false;
	return fetch_ok(k, t, btf_func_param_type(k, func, argno));
}

/* @entry values of one kretprobe site: evaluated by its entry handler
 * into the kretprobe instance's data: an int64_t, or a MAXSTRINGLEN
 * string for a pretty-print ($p$, $$parms), which stap also makes at
 * entry. */
#define MAX_ENTRY_VALUES 32
struct entry_values {
	const char *exprs[MAX_ENTRY_VALUES];	/* NULL: an @entry expression */
	const char *offs[MAX_ENTRY_VALUES];	/* C offsets into the data */
	bool is_string[MAX_ENTRY_VALUES];
	int n, nlongs, nstrings;
	bool exprs_fn;				/* the probe has an entry function */
};

static const char *entry_size(int nlongs, int nstrings)
{
	return arena_printf("(%d * sizeof(int64_t) + %d * MAXSTRINGLEN)", nlongs, nstrings);
}

/* MAXSTRINGLEN as the module is built with it (-D), for the size check. */
static long maxstringlen(const struct session *s)
{
	long v = 512;
	int i;

	for (i = 0; i < s->ndefines; i++)
		if (strncmp(s->defines[i], "MAXSTRINGLEN=", 13) == 0)
			v = strtol(s->defines[i] + 13, NULL, 0);
	return v;
}

/* The next slot of site's entry data for expr (NULL: an @entry expression
 * the probe's entry function computes), or -1 after an error at loc: the
 * kernel refuses a kretprobe whose per-call data is over
 * KRETPROBE_MAX_DATA_SIZE (4096), so that is an error here, not at run
 * time. */
static int entry_slot(struct session *s, struct site *site, struct loc loc, const char *expr, bool str)
{
	struct entry_values *ev = site->priv;
	long bytes;
	int i;

	if (!ev)
		ev = site->priv = arena_alloc(sizeof(*ev));
	for (i = 0; expr && i < ev->n; i++)
		if (ev->exprs[i] && ev->is_string[i] == str && strcmp(ev->exprs[i], expr) == 0)
			return i;
	if (ev->n == MAX_ENTRY_VALUES) {
		diag_error(loc, "more than %d @entry values in one probe", MAX_ENTRY_VALUES);
		return -1;
	}
	bytes = (ev->nlongs + !str) * 8L + (ev->nstrings + str) * maxstringlen(s);
	if (bytes > 4096) {
		diag_error(loc, "too much saved at entry for %s: %ld bytes per call, the kernel's limit is 4096",
			   site->pp, bytes);
		diag_note(loc, "each string and each @entry(expr) takes MAXSTRINGLEN (%ld) bytes, a number 8",
			  maxstringlen(s));
		return -1;
	}
	i = ev->n++;
	ev->exprs[i] = expr;
	ev->is_string[i] = str;
	ev->offs[i] = entry_size(ev->nlongs, ev->nstrings);
	if (str)
		ev->nstrings++;
	else
		ev->nlongs++;
	if (!expr)
		ev->exprs_fn = true;
	return i;
}

/* Resolve target t of return site as the entry probe sees it, saved in
 * the next slot of the site's entry data; t then reads the slot. */
static enum type_kind entry_capture(struct session *s, struct site *site, struct node *t)
{
	struct entry_values *ev;
	enum type_kind ty;
	int i;

	site->is_return = false;
	ty = kprobe_target(s, site, t);
	site->is_return = true;
	if (ty == TYPE_UNKNOWN)
		return ty;
	i = entry_slot(s, site, t->loc, t->u.target.resolved, ty == TYPE_STRING);
	if (i < 0)
		return TYPE_UNKNOWN;
	ev = site->priv;
	t->u.target.resolved =
		ty == TYPE_STRING
			? arena_printf("tapc_strcpy(tapc_str_dst, (char *)c->entry_data + %s)", ev->offs[i])
			: arena_printf("(*(int64_t *)((char *)c->entry_data + %s))", ev->offs[i]);
	return ty;
}

static enum type_kind kprobe_entry(struct session *s, struct site *site, struct node *n)
{
	struct node *t = n->u.wrap.operand;
	int i;

	if (!site->is_return) {
		diag_error(n->loc, "@entry is only available in .return probes (at %s)", site->pp);
		return TYPE_UNKNOWN;
	}
	if (t->kind == NODE_TARGET && !t->u.target.cast_expr)
		return entry_capture(s, site, t);
	/* any other expression: the translator's entry function for the
	 * probe computes it into a slot that holds a number or a string */
	i = entry_slot(s, site, n->loc, NULL, true);
	if (i < 0)
		return TYPE_UNKNOWN;
	n->u.wrap.slot = ((struct entry_values *)site->priv)->offs[i];
	return TYPE_LONG;
}

static void kprobe_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	int n = 0;

	if (!provider_count_sites(p, &kprobe_provider))
		return;
	/* entry handlers save the @entry values of their kretprobe site */
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			const struct entry_values *ev = site->priv;
			int i;

			if (site->ops != &kprobe_provider)
				continue;
			n++;
			if (!ev)
				continue;
			emit(e, "static void kprobe_entry_%d(struct tapc_context *c)", n - 1);
			emit(e, "{");
			emit(e, "char *d = c->entry_data;");
			emit(e, "%s", "");
			/* the instance's data is not cleared between calls: a value
			 * an error or a skipped lock leaves unset reads 0 or "" */
			for (i = 0; i < ev->n; i++)
				emit(e, ev->is_string[i] ? "d[%s] = 0;" : "*(int64_t *)(d + %s) = 0;",
				     ev->offs[i]);
			for (i = 0; i < ev->n; i++) {
				if (!ev->exprs[i])
					continue;
				if (ev->is_string[i])
					emit(e, "{ char *tapc_str_dst = d + %s; %s; }", ev->offs[i],
					     ev->exprs[i]);
				else
					emit(e, "*(int64_t *)(d + %s) = %s;", ev->offs[i], ev->exprs[i]);
				emit(e, "if (c->last_error)");
				emit(e, "\treturn;");
			}
			/* after the captures: the expressions may read them */
			if (ev->exprs_fn)
				emit(e, "%s_entry(c);", handler_name(pr));
			emit(e, "(void)d;");
			emit(e, "}");
			emit(e, "%s", "");
		}
	}
	/* one wrapper per probe: the runtime's inline hit path with a direct
	 * call of the body instead of an indirect one through the site */
	for (pr = p->probes; pr; pr = pr->next) {
		const struct site *only = NULL;
		int entry = 0;
		bool ret = false;

		for (site = pr->sites; site; site = site->next) {
			if (site->ops != &kprobe_provider)
				continue;
			if (site->is_return) {
				ret = true;
			} else {
				entry++;
				only = site;
			}
		}
		if (entry == 1) {	/* its pp and function as constants */
			char *pp = c_string(only->pp, strlen(only->pp));

			emit(e, "static int kprobe_pre_%d(struct kprobe *p, struct pt_regs *regs)", pr->index);
			emit(e, "{");
			emit(e, "return tapc_kprobe_hit_at(p, regs, %s, %s, \"%s\", probe_%d_budget);",
			     handler_name(pr), pp, only->func, pr->index);
			emit(e, "}");
			emit(e, "%s", "");
			free(pp);
		} else if (entry) {
			emit(e, "static int kprobe_pre_%d(struct kprobe *p, struct pt_regs *regs)", pr->index);
			emit(e, "{");
			emit(e, "return tapc_kprobe_hit(p, regs, %s);", handler_name(pr));
			emit(e, "}");
			emit(e, "%s", "");
		}
		if (ret) {
			emit(e, "static int kprobe_ret_%d(struct kretprobe_instance *ri, struct pt_regs *regs)",
			     pr->index);
			emit(e, "{");
			emit(e, "return tapc_kretprobe_ret_hit(ri, regs, %s);", handler_name(pr));
			emit(e, "}");
			emit(e, "%s", "");
		}
	}
	n = 0;
	emit(e, "static struct tapc_kprobe_site tapc_kprobe_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp;

			if (site->ops != &kprobe_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{");
			/* kallsyms finds a module's function as "MODULE:NAME" */
			if (site->absolute) {
				/* no symbol: .offset is the address itself */
				emit(e, ".func = \"\",");
				emit(e, ".addr = 0x%lxUL,", site->offset);
			} else if (site->module) {
				emit(e, ".symbol = \"%s:%s\",", site->module, site->func);
				emit(e, ".func = \"%s\",", site->func);
			} else if (site->anchor) {
				emit(e, ".symbol = \"%s\",", site->anchor);
				emit(e, ".func = \"%s\",", site->func);
			} else {
				emit(e, ".symbol = \"%s\",", site->func);
			}
			if (site->offset && !site->absolute)
				emit(e, ".offset = %lu,", site->offset);
			emit(e, ".pp = %s,", pp);
			if (site->is_return)
				emit(e, ".is_return = true,");
			if (site->maxactive)
				emit(e, ".maxactive = %d,", site->maxactive);
			if (site->optional)
				emit(e, ".optional = true,");
			/* no .handler: the wrapper is the body's only caller,
			 * so the compiler can inline it there */
			if (site->is_return)
				emit(e, ".ret_handler = kprobe_ret_%d,", pr->index);
			else
				emit(e, ".pre_handler = kprobe_pre_%d,", pr->index);
			if (site->priv) {
				emit(e, ".entry_handler = kprobe_entry_%d,", n);
				const struct entry_values *ev = site->priv;

				emit(e, ".entry_data_size = %s,", entry_size(ev->nlongs, ev->nstrings));
			}
			n++;
			emit(e, "},");
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

static void kprobe_desc(struct emitter *e, const struct rprogram *p)
{
	if (!provider_count_sites(p, &kprobe_provider))
		return;
	emit(e, ".kprobes = tapc_kprobe_sites,");
	emit(e, ".n_kprobes = ARRAY_SIZE(tapc_kprobe_sites),");
}

const struct provider_ops kprobe_provider = {
	.family = "kprobe",
	.expand = kprobe_expand,
	.target = kprobe_target,
	.entry = kprobe_entry,
	.vars = kprobe_vars,
	.defined = kprobe_defined,
	.emit_tables = kprobe_tables,
	.emit_desc = kprobe_desc,
};
