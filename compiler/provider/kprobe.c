/* kernel.function("F")[.call|.return] and kprobe.function("F")[.return]:
 * kprobes and kretprobes on kernel functions.
 *
 * F may be a glob; it is matched against the target kernel's function list
 * (kernel.c), and each match becomes one site.  A point that matches
 * nothing is an error naming the point, with the closest function name as
 * a hint, unless it is optional (?).  $return is the return value in a
 * .return probe; $name is a parameter by position, found in the function's
 * BTF prototype.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "kernel.h"
#include "provider.h"
#include "session.h"

struct expand_state {
	struct rprobe *p;
	struct node *point;
	const char *family;		/* "kernel" or "kprobe" */
	const char *suffix;		/* "", ".call" or ".return" */
	bool is_return;
	struct kernel *k;
	int blacklisted;
	const char *first_blacklisted;
};

static void add_site(const char *func, void *arg)
{
	struct expand_state *st = arg;
	struct site *site;

	if (kernel_blacklisted(st->k, func)) {
		st->blacklisted++;
		if (!st->first_blacklisted)
			st->first_blacklisted = arena_strdup(func);
		return;
	}
	site = site_add(st->p, &kprobe_provider, st->point,
			arena_printf("%s.function(\"%s\")%s", st->family, func, st->suffix));
	site->func = arena_strdup(func);
	site->is_return = st->is_return;
}

static int kprobe_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[5];
	int n = pp_comps(point, comps, 5);
	const char *family = comps[0]->u.comp.name;
	struct expand_state st = { p, point, family, "", false, NULL, 0, NULL };
	const char *pattern;
	size_t matched;

	if (n < 2 || strcmp(comps[1]->u.comp.name, "function") != 0 || !comps[1]->u.comp.arg ||
	    comps[1]->u.comp.arg->kind != NODE_STR || comps[0]->u.comp.arg) {
		diag_error(point->loc, "no match for probe point %s (expected %s.function(\"NAME\"))",
			   pp_text(point), family);
		return -1;
	}
	if (n > 3) {
		diag_error(comps[3]->loc, "no match for probe point %s", pp_text(point));
		return -1;
	}
	if (n == 3) {
		const char *last = comps[2]->u.comp.name;

		if (strcmp(last, "return") == 0 && !comps[2]->u.comp.arg) {
			st.is_return = true;
			st.suffix = ".return";
		} else if (strcmp(last, "call") == 0 && strcmp(family, "kernel") == 0 &&
			   !comps[2]->u.comp.arg) {
			st.suffix = ".call";
		} else {
			diag_error(comps[2]->loc, "no match for probe point %s (unknown component '%s')",
				   pp_text(point), last);
			return -1;
		}
	}
	pattern = comps[1]->u.comp.arg->u.str.value;
	if (strchr(pattern, '@') || strchr(pattern, ':')) {
		diag_error(comps[1]->u.comp.arg->loc,
			   "source locations in %s need DWARF debuginfo (not supported yet)", pp_text(point));
		return -1;
	}
	st.k = session_kernel(s);
	if (!st.k)
		return -1;
	matched = kernel_match_functions(st.k, pattern, add_site, &st);
	if (matched && matched == (size_t)st.blacklisted && !point->u.pp.optional) {
		diag_error(point->loc, "probe point %s: %s is on the kprobe blacklist",
			   pp_text(point), st.first_blacklisted);
		return -1;
	}
	if (!matched && !point->u.pp.optional) {
		const char *hint = strpbrk(pattern, "*?[") ? NULL : kernel_closest_function(st.k, pattern);

		diag_error(point->loc, "no match for probe point %s", pp_text(point));
		if (hint)
			diag_note(point->loc, "did you mean %s.function(\"%s\")%s?", family, hint, st.suffix);
		return -1;
	}
	return (int)matched - st.blacklisted;
}

static enum type_kind kprobe_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	const char *params[32];
	int argno, n, i;

	if (t->u.target.steps || name[0] != '$' || name[1] == '$') {
		diag_error(t->loc, "%s: only $return and $PARAM without ->/[] are supported yet", name);
		return TYPE_UNKNOWN;
	}
	if (strcmp(name, "$return") == 0) {
		if (!site->is_return) {
			diag_error(t->loc, "$return is only available in .return probes (at %s)", site->pp);
			return TYPE_UNKNOWN;
		}
		t->u.target.resolved = (void *)"((int64_t)tapc_arch_return_value(c->regs))";
		return TYPE_LONG;
	}
	/* a syscall wrapper's own parameter is the user registers: name the
	 * syscall's arguments instead, as the wrapper unpacks them */
	if (strncmp(site->func, "__x64_sys_", 10) == 0) {
		n = kernel_syscall_params(session_kernel(s), site->func + 10, params, 32);
		for (i = 0; i < n; i++)
			if (strcmp(params[i], name + 1) == 0)
				break;
		if (n >= 0 && i < n && !site->is_return) {
			t->u.target.resolved = arena_printf("((int64_t)tapc_arch_syscall_arg(c->regs, %d))", i + 1);
			return TYPE_LONG;
		}
		if (n >= 0 && i == n) {
			char *list = "";

			diag_error(t->loc, "%s is not an argument of syscall %s", name, site->func + 10);
			for (i = 0; i < n; i++)
				list = arena_printf("%s%s$%s", list, i ? " " : "", params[i]);
			diag_note(t->loc, "the arguments of %s are: %s", site->func + 10, n ? list : "(none)");
			return TYPE_UNKNOWN;
		}
	}
	argno = kernel_func_param(session_kernel(s), site->func, name + 1);
	if (argno < 0) {
		diag_error(t->loc, "%s: no BTF prototype for %s in kernel %s", name, site->func,
			   session_kernel(s)->release);
		return TYPE_UNKNOWN;
	}
	if (argno == 0) {
		char *list = "";

		diag_error(t->loc, "%s is not a parameter of %s", name, site->func);
		n = kernel_func_params(session_kernel(s), site->func, params, 32);
		for (i = 0; i < n; i++)
			list = arena_printf("%s%s$%s", list, i ? " " : "", params[i]);
		diag_note(t->loc, "the parameters of %s are: %s", site->func, n ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	if (site->is_return) {
		diag_error(t->loc, "%s in a .return probe needs @entry(%s) (not supported yet)", name, name);
		return TYPE_UNKNOWN;
	}
	if (argno > 6) {
		diag_error(t->loc, "%s is parameter %d of %s: only the first 6 (in registers) are supported",
			   name, argno, site->func);
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = arena_printf("((int64_t)tapc_arch_arg(c->regs, %d))", argno);
	return TYPE_LONG;
}

static int count_sites(const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			n += site->ops == &kprobe_provider;
	return n;
}

static void kprobe_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!count_sites(p))
		return;
	emit(e, "static struct tapc_kprobe_site tapc_kprobe_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp;

			if (site->ops != &kprobe_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{");
			emit(e, ".symbol = \"%s\",", site->func);
			emit(e, ".pp = %s,", pp);
			if (site->is_return)
				emit(e, ".is_return = true,");
			if (site->optional)
				emit(e, ".optional = true,");
			emit(e, ".handler = %s,", handler_name(pr));
			emit(e, "},");
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

static void kprobe_desc(struct emitter *e, const struct rprogram *p)
{
	if (!count_sites(p))
		return;
	emit(e, ".kprobes = tapc_kprobe_sites,");
	emit(e, ".n_kprobes = ARRAY_SIZE(tapc_kprobe_sites),");
}

const struct provider_ops kprobe_provider = {
	.family = "kprobe",
	.expand = kprobe_expand,
	.target = kprobe_target,
	.emit_tables = kprobe_tables,
	.emit_desc = kprobe_desc,
};
