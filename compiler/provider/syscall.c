/* kernel.syscall("NAME"): system calls, through the kernel's two raw
 * syscall tracepoints.
 *
 *   kernel.syscall("GLOB")[.return]     x86_64 calls, by user-space name
 *   kernel.syscall32("GLOB")[.return]   i386 calls of 32-bit tasks
 *   kernel.syscall.any[.return]         every call of every ABI
 *
 * However many syscalls a script probes, the module registers one callback
 * on sys_enter and one on sys_exit (runtime/provider/syscall.c), which find
 * the probes of the call's number in tables emitted here: a site is one
 * (probe, ABI, number, direction).  The call's arguments are the user
 * registers the tracepoint passes; at sys_exit those registers still hold
 * them, so a .return probe reads $param (and @entry($param)) the same way,
 * except after calls that replace the registers (execve), where they are
 * refused.  $param is typed from the prototype (syscalls.c): the runtime
 * converts each argument register to its parameter's C type with the
 * site's kind codes, so the C text of $fd is the same at every site of a
 * probe, whichever ABI or syscall it is.
 */
#include <fnmatch.h>
#include <stdio.h>
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
#include "syscalls.h"

extern const struct provider_ops syscall_provider;

/* A syscall site's own part (site->priv). */
struct sc_site {
	const struct syscall *sc;	/* NULL: .any */
	enum syscall_abi abi;
	bool is_return;
	const char *func;		/* probefunc(): "__x64_sys_read", "" */
};

/* How generated code reaches the hit (runtime/provider/syscall.h). */
#define SC_HIT "tapc_sc_hit(c)"

static const struct sc_site *sc_of(const struct site *site)
{
	return site->priv;
}

static const char *const abi_family[SYSCALL_NABI] = { "syscall", "syscall32" };
static const char *const abi_prefix[SYSCALL_NABI] = { "__x64_", "__ia32_" };

/* A pattern's literal characters, for "did you mean" ("*read*": "read"). */
static const char *glob_text(const char *pattern)
{
	char *out = arena_strdup(pattern), *o = out;

	for (; *pattern; pattern++)
		if (!strchr("*?[]!^", *pattern))
			*o++ = *pattern;
	*o = 0;
	return out;
}

static void no_match(const struct node *point, const struct syscall_table *t, enum syscall_abi abi,
		     const char *pattern)
{
	char **names = malloc(t->ncalls * sizeof(*names));
	const char *best;
	size_t i, n = 0;

	diag_error(point->loc, "no match for probe point %s", pp_text(point));
	if (!names)
		return;
	for (i = 0; i < t->ncalls; i++)
		if (t->calls[i].abi == abi)
			names[n++] = (char *)t->calls[i].name;
	best = closest_name(glob_text(pattern), names, n);
	if (best)
		diag_note(point->loc, "did you mean kernel.%s(\"%s\")?", abi_family[abi], best);
	else
		diag_note(point->loc, "the target kernel has no %s syscall of that name",
			  abi == SYSCALL_ABI_I386 ? "i386" : "x86_64");
	free(names);
}

static struct site *sc_site_add(struct rprobe *p, struct node *point, const char *pp,
				const struct syscall *sc, enum syscall_abi abi, bool ret)
{
	struct site *site = site_add(p, &syscall_provider, point, ret ? arena_printf("%s.return", pp) : pp);
	struct sc_site *priv = arena_alloc(sizeof(*priv));

	priv->sc = sc;
	priv->abi = abi;
	priv->is_return = ret;
	priv->func = sc ? arena_printf("%s%s", abi_prefix[abi], sc->entry) : "";
	site->priv = priv;
	return site;
}

/* kernel.syscall("GLOB"), kernel.syscall32("GLOB"), kernel.syscall.any,
 * each optionally followed by .return. */
static int syscall_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[5];
	int n = pp_comps(point, comps, 5), matched = 0, want;
	const struct syscall_table *t;
	enum syscall_abi abi;
	const char *pattern;
	bool ret, any;
	size_t i;

	any = n >= 3 && !comps[1]->u.comp.arg && strcmp(comps[1]->u.comp.name, "syscall") == 0 &&
	      strcmp(comps[2]->u.comp.name, "any") == 0 && !comps[2]->u.comp.arg;
	want = any ? 3 : 2;
	ret = n == want + 1 && strcmp(comps[want]->u.comp.name, "return") == 0 && !comps[want]->u.comp.arg;
	abi = strcmp(comps[1]->u.comp.name, "syscall32") == 0 ? SYSCALL_ABI_I386 : SYSCALL_ABI_64;
	if ((n != want && !ret) ||
	    (!any && (!comps[1]->u.comp.arg || comps[1]->u.comp.arg->kind != NODE_STR))) {
		diag_error(point->loc,
			   "no match for probe point %s (expected kernel.syscall(\"NAME\"), kernel.syscall32(\"NAME\") or kernel.syscall.any, then optionally .return)",
			   pp_text(point));
		return -1;
	}
	if (!(t = kernel_syscalls(session_kernel(s)))) {
		diag_error(point->loc, "probe point %s: kernel %s has no syscall table (%s) in its build tree",
			   pp_text(point), session_kernel(s)->release, SYSCALL_TABLE_FILE);
		return -1;
	}
	if (any) {
		sc_site_add(p, point, "kernel.syscall.any", NULL, SYSCALL_ABI_64, ret);
		return 1;
	}
	pattern = comps[1]->u.comp.arg->u.str.value;
	for (i = 0; i < t->ncalls; i++) {
		const struct syscall *sc = &t->calls[i];

		if (sc->abi != abi || fnmatch(pattern, sc->name, 0) != 0)
			continue;
		sc_site_add(p, point, arena_printf("kernel.%s(\"%s\")", abi_family[abi], sc->name), sc, abi,
			    ret);
		matched++;
	}
	if (!matched && !point->u.pp.optional) {
		no_match(point, t, abi, pattern);
		return -1;
	}
	return matched;
}

/* ---- target variables ---- */

/* Which parameter (0-based) $name or $argN is at site, or -1. */
static int param_index(const struct sc_site *ss, const char *name)
{
	const struct syscall *sc = ss->sc;
	int i;

	if (!sc)
		return -1;
	if (strncmp(name, "$arg", 4) == 0 && name[4] >= '1' && name[4] <= '6' && !name[5])
		return (sc->nparams < 0 || name[4] - '1' < sc->nparams) ? name[4] - '1' : -1;
	for (i = 0; i < sc->nparams; i++)
		if (strcmp(sc->params[i].name, name + 1) == 0)
			return i;
	return -1;
}

static const char *param_list(const struct syscall *sc, bool types)
{
	char *list = "";
	int i;

	if (!sc || sc->nparams < 0)
		return types ? "" : "(unknown: use $arg1..$arg6)";
	for (i = 0; i < sc->nparams; i++)
		list = arena_printf("%s%s$%s%s%s", list, i ? " " : "", sc->params[i].name,
				    types ? ":" : "", types ? sc->params[i].ctype : "");
	return *list || types ? list : "(none)";
}

/* $$parms / $$vars: "name=0xHEX" for each parameter, as stap prints them. */
static enum type_kind parms_text(const struct site *site, struct node *t)
{
	const struct syscall *sc = sc_of(site)->sc;
	char *fmt = "", *args = "";
	int i, n = sc && sc->nparams > 0 ? sc->nparams : 0;

	if (t->u.target.steps) {
		diag_error(t->loc, "%s can't be followed by ->, [ ] or $ at %s", t->u.target.name, site->pp);
		return TYPE_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		fmt = arena_printf("%s%s%s=0x%%llx", fmt, i ? " " : "", sc->params[i].name);
		args = arena_printf("%s, (unsigned long long)tapc_syscall_param(" SC_HIT ", %d)", args, i);
	}
	t->u.target.resolved = recipe_string(!n);
	if (n)
		recipe_add_dst(t->u.target.resolved, "tapc_sprintf(",
			       arena_printf(", \"%s\"%s);", fmt, args));
	return TYPE_STRING;
}

static bool refuse_steps(const struct site *site, struct node *t)
{
	if (!t->u.target.steps)
		return false;
	diag_error(t->loc, "%s at %s is a syscall argument, a user-space value: read through it with user_long(), user_string() and friends",
		   t->u.target.name, site->pp);
	return true;
}

static enum type_kind syscall_target(struct session *s, struct site *site, struct node *t)
{
	const struct sc_site *ss = sc_of(site);
	const char *name = t->u.target.name;
	int i;

	if (strcmp(name, "@cast") == 0)
		return fetch_cast(kernel_image(session_kernel(s)), t);
	if (t->u.target.written) {
		diag_error(t->loc, "%s can't be written at %s", name, site->pp);
		return TYPE_UNKNOWN;
	}
	if (strcmp(name, "$$parms") == 0 || strcmp(name, "$$vars") == 0) {
		if (ss->is_return && ss->sc && syscall_clobbers_args(ss->sc))
			goto clobbered;
		return parms_text(site, t);
	}
	if (refuse_steps(site, t))
		return TYPE_UNKNOWN;
	if (strcmp(name, "$return") == 0 && ss->is_return) {
		t->u.target.resolved = recipe_text("((int64_t)" SC_HIT "->ret)");
		return TYPE_LONG;
	}
	if (strcmp(name, "$$name") == 0 && ss->sc) {
		/* the site's own name: the same C at every site of a probe */
		t->u.target.resolved = recipe_string(false);
		recipe_add_dst(t->u.target.resolved, "tapc_strcpy(", ", " SC_HIT "->site->name);");
		return TYPE_STRING;
	}
	if (strcmp(name, "$syscall_nr") == 0) {
		t->u.target.resolved = recipe_text("((int64_t)" SC_HIT "->nr)");
		return TYPE_LONG;
	}
	i = param_index(ss, name);
	if (i < 0) {
		diag_error(t->loc, "%s is not a variable of %s", name, site->pp);
		if (ss->sc)
			diag_note(t->loc, "its parameters are: %s%s", param_list(ss->sc, false),
				  ss->is_return ? ", and $return" : "");
		else
			diag_note(t->loc, "kernel.syscall.any has $syscall_nr%s", ss->is_return ? " and $return" : "");
		return TYPE_UNKNOWN;
	}
	if (ss->is_return && syscall_clobbers_args(ss->sc))
		goto clobbered;
	/* a register of the saved user registers: it can't fault */
	t->u.target.resolved = recipe_text("tapc_syscall_param(" SC_HIT ", %d)", i);
	return TYPE_LONG;
clobbered:
	diag_error(t->loc, "%s is not available at %s: the call replaces the registers its arguments were in",
		   name, site->pp);
	return TYPE_UNKNOWN;
}

static bool syscall_defined(struct session *s, struct site *site, struct node *t)
{
	const struct sc_site *ss = sc_of(site);
	const char *name = t->u.target.name;

	(void)s;
	if (t->u.target.steps)
		return false;
	if (strcmp(name, "$return") == 0)
		return ss->is_return;
	if (strcmp(name, "$syscall_nr") == 0)
		return true;
	if (strcmp(name, "$$name") == 0)
		return ss->sc != NULL;
	if (ss->is_return && ss->sc && syscall_clobbers_args(ss->sc))
		return false;
	return param_index(ss, name) >= 0;
}

/* @entry($param): the argument registers still hold it at sys_exit. */
static enum type_kind syscall_entry(struct session *s, struct site *site, struct node *n)
{
	struct node *op = n->u.wrap.operand;

	if (!sc_of(site)->is_return) {
		diag_error(n->loc, "@entry is only available in .return probes (at %s)", site->pp);
		return TYPE_UNKNOWN;
	}
	if (op->kind != NODE_TARGET || op->u.target.cast_expr ||
	    strcmp(op->u.target.name, "$return") == 0) {
		diag_error(n->loc, "@entry at %s can only read the call's parameters ($name, $argN)",
			   site->pp);
		return TYPE_UNKNOWN;
	}
	return syscall_target(s, site, op);
}

/* @entry(expr) is refused above: the targets it names are the site's. */
static void syscall_entry_scope(struct site *site, bool on)
{
	(void)site;
	(void)on;
}

static const char *syscall_vars(struct session *s, const struct site *site)
{
	const struct sc_site *ss = sc_of(site);

	(void)s;
	if (!ss->sc)
		return ss->is_return ? "$syscall_nr:long $return:long" : "$syscall_nr:long";
	if (ss->is_return && syscall_clobbers_args(ss->sc))
		return "$return:long";
	return arena_printf("%s%s%s", param_list(ss->sc, true),
			    ss->is_return && ss->sc->nparams > 0 ? " " : "",
			    ss->is_return ? "$return:long" : "");
}

/* ---- tables ---- */

/* The runtime's conversion codes of sc's parameters, 4 bits each. */
static unsigned long arg_kinds(const struct syscall *sc)
{
	unsigned long kinds = 0;
	int i;

	for (i = 0; sc && i < sc->nparams; i++)
		kinds |= (unsigned long)(sc->params[i].kind == SA_USER_PTR ? SA_PTR : sc->params[i].kind)
			 << (4 * i);
	for (; i < SYSCALL_MAX_PARAMS; i++)
		kinds |= (unsigned long)SA_U64 << (4 * i);
	return kinds;
}

struct sc_entry {
	const struct site *site;
	const struct rprobe *probe;
};

/* The switch key of a site's call (runtime: tapc_syscall_key()); -1 for
 * .any, which the switch doesn't dispatch. */
static long sc_key(const struct site *site)
{
	const struct sc_site *ss = sc_of(site);

	if (!ss->sc)
		return -1;
	return ss->abi == SYSCALL_ABI_I386 ? ss->sc->nr + 0x10000L : ss->sc->nr;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct sc_entry *x = a, *y = b;
	long kx = sc_key(x->site), ky = sc_key(y->site);

	if (sc_of(x->site)->is_return != sc_of(y->site)->is_return)
		return sc_of(x->site)->is_return - sc_of(y->site)->is_return;
	if (kx != ky)
		return kx < ky ? -1 : 1;
	return x->probe->index - y->probe->index;
}

/*
 * How a site's hit is emitted.  Up to SC_INLINE sites, tapc_syscall_hit()
 * inline at each (direct, inlinable calls of the bodies).  Beyond, up to
 * SC_INLINE probe-directions, one function per probe and direction that
 * its sites call (tapc_sc_N_enter/_exit): kernel.syscall("*") has hundreds
 * of sites and one body.  Beyond that (syscall.*: hundreds of probes), one
 * out-of-line hit with the body's address: hundreds of inlined hits would
 * compile for long into a large module.
 */
#define SC_INLINE 16

enum sc_hit_style { SC_HIT_INLINE, SC_HIT_PROBE, SC_HIT_CALL };

static void emit_hit(struct emitter *e, size_t i, const struct sc_entry *en,
		     enum sc_hit_style style)
{
	bool ret = sc_of(en->site)->is_return;

	if (style == SC_HIT_PROBE)
		emit(e, "tapc_sc_%d_%s(&tapc_sc_points[%zu], regs, id%s);", en->probe->index,
		     ret ? "exit" : "enter", i, ret ? ", ret" : "");
	else
		emit(e, "%s(&tapc_sc_points[%zu], regs, id, %s, %s, %s_budget, %s);",
		     style == SC_HIT_INLINE ? "tapc_syscall_hit" : "tapc_syscall_hit_call", i,
		     ret ? "ret" : "0", handler_name(en->probe), handler_name(en->probe),
		     probe_reads_hit(en->probe) ? "true" : "false");
}

/* The probe-directions of the sites of v: each probe once per direction
 * that has sites; with emit set, their hit functions. */
static size_t probe_hits(struct emitter *e, const struct sc_entry *v, size_t n, bool emit_them)
{
	const struct rprobe **done = arena_alloc(2 * n * sizeof(*done));
	size_t i, j, ndone = 0;

	for (i = 0; i < n; i++) {
		const struct rprobe *pr = v[i].probe;
		bool ret = sc_of(v[i].site)->is_return;

		for (j = 0; j < ndone; j += 2)
			if (done[j] == pr && (done[j + 1] != NULL) == ret)
				break;
		if (j < ndone)
			continue;
		done[ndone++] = pr;
		done[ndone++] = ret ? pr : NULL;
		if (!emit_them)
			continue;
		emit(e, "static void tapc_sc_%d_%s(const struct tapc_syscall_site *s, struct pt_regs *regs, long id%s)",
		     pr->index, ret ? "exit" : "enter", ret ? ", long ret" : "");
		emit(e, "{");
		emit(e, "tapc_syscall_hit(s, regs, id, %s, %s, %s_budget, %s);", ret ? "ret" : "0",
		     handler_name(pr), handler_name(pr), probe_reads_hit(pr) ? "true" : "false");
		emit(e, "}");
		emit(e, "%s", "");
	}
	return ndone / 2;
}

/* The callback of one direction: the sites of the call's number through
 * a switch (direct calls, a few compares), then the .any sites. */
static void emit_callback(struct emitter *e, const struct sc_entry *v, size_t n, bool ret,
			  enum sc_hit_style inl)
{
	size_t i;
	bool any_switch = false;

	for (i = 0; i < n; i++)
		any_switch |= sc_of(v[i].site)->is_return == ret && sc_key(v[i].site) >= 0;
	if (ret) {
		emit(e, "static void tapc_syscall_exit(void *data, struct pt_regs *regs, long ret)");
		emit(e, "{");
		/* sys_exit has no number: the entry left it in the registers
		 * (-1 after rt_sigreturn, which restores a signal frame) */
		emit(e, "long id = tapc_arch_syscall_nr(regs);");
		emit(e, "%s", "");
	} else {
		emit(e, "static void tapc_syscall_enter(void *data, struct pt_regs *regs, long id)");
		emit(e, "{");
	}
	emit(e, "tapc_syscall_cb_begin();");
	if (any_switch) {
		emit(e, "switch (tapc_syscall_key(id)) {");
		for (i = 0; i < n; i++) {
			if (sc_of(v[i].site)->is_return != ret || sc_key(v[i].site) < 0)
				continue;
			/* kernel style: case at the switch's depth */
			if (i == 0 || sc_key(v[i - 1].site) != sc_key(v[i].site) ||
			    sc_of(v[i - 1].site)->is_return != ret) {
				e->depth--;
				if (sc_of(v[i].site)->abi == SYSCALL_ABI_I386)
					emit(e, "case TAPC_SC_I386_KEY + %d:\t/* %s */", sc_of(v[i].site)->sc->nr,
					     sc_of(v[i].site)->sc->name);
				else
					emit(e, "case %d:\t/* %s */", sc_of(v[i].site)->sc->nr,
					     sc_of(v[i].site)->sc->name);
				e->depth++;
			}
			emit_hit(e, i, &v[i], inl);
			if (i + 1 == n || sc_key(v[i + 1].site) != sc_key(v[i].site) ||
			    sc_of(v[i + 1].site)->is_return != ret)
				emit(e, "break;");
		}
		emit(e, "}");
	}
	for (i = 0; i < n; i++)
		if (sc_of(v[i].site)->is_return == ret && sc_key(v[i].site) < 0)
			emit_hit(e, i, &v[i], inl);
	emit(e, "tapc_syscall_cb_end();");
	emit(e, "}");
	emit(e, "%s", "");
}

static void syscall_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;
	int count = provider_count_sites(p, &syscall_provider);
	struct sc_entry *v;
	bool dir[2] = { false, false };
	enum sc_hit_style style;
	size_t n = 0, i;

	if (!count)
		return;
	v = arena_alloc((size_t)count * sizeof(*v));
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &syscall_provider) {
				v[n++] = (struct sc_entry){ site, pr };
				dir[sc_of(site)->is_return] = true;
			}
	qsort(v, n, sizeof(*v), cmp_entry);
	emit(e, "#include \"provider/syscall_hit.h\"");
	emit(e, "%s", "");
	emit(e, "static const struct tapc_syscall_site tapc_sc_points[] = {");
	for (i = 0; i < n; i++) {
		const struct sc_site *ss = sc_of(v[i].site);
		char *pp = c_string(v[i].site->pp, strlen(v[i].site->pp));

		emit(e, "{ .pp = %s, .func = \"%s\", .name = \"%s\", .kinds = %#lx },", pp,
		     ss->func, ss->sc ? ss->sc->name : "", arg_kinds(ss->sc));
		free(pp);
	}
	emit(e, "};");
	emit(e, "%s", "");
	style = n <= SC_INLINE ? SC_HIT_INLINE :
		probe_hits(e, v, n, false) <= SC_INLINE ? SC_HIT_PROBE : SC_HIT_CALL;
	if (style == SC_HIT_PROBE)
		probe_hits(e, v, n, true);
	for (i = 0; i < 2; i++)
		if (dir[i])
			emit_callback(e, v, n, i, style);
	/* the group's one "site": the callbacks (runtime/provider/syscall.h) */
	emit(e, "static struct tapc_syscall_desc tapc_syscall_sites[] = { {");
	if (dir[0])
		emit(e, ".enter = tapc_syscall_enter,");
	if (dir[1])
		emit(e, ".exit = tapc_syscall_exit,");
	emit(e, "} };");
	emit(e, "%s", "");
}

const struct provider_ops syscall_provider = {
	.family = "syscall",
	.paths = (const char *const[]){ "kernel.syscall", "kernel.syscall32", NULL },
	.expand = syscall_expand,
	.target = syscall_target,
	.entry = syscall_entry,
	.entry_scope = syscall_entry_scope,
	.defined = syscall_defined,
	.vars = syscall_vars,
	.runtime = "syscall",
	.emit_tables = syscall_tables,
};
