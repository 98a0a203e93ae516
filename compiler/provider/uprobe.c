/* process("PATH").function("F")[.call|.return|.inline],
 * .function("F@FILE[:LINE]"), .statement("F@FILE:LINE"),
 * .statement(ADDR).absolute, .mark("M"), .provider("P").mark("M"),
 * .plt("F")[.return], each also after .library("LIB"); process(PID) and
 * a bare process (the -c/-x target) in place of process("PATH").
 *
 * PATH names files as SystemTap resolves it (uimage_find(): a path, a
 * program on $PATH, a library by file name or soname, a glob), LIB a
 * library of the program's DT_NEEDED closure.  Functions come from the
 * symbol table (the file's, its separate debuginfo's, or .dynsym), source
 * lines, inlined instances and variables from DWARF, markers from
 * .note.stapsdt, PLT entries from .rela.plt.  Each probed instruction is
 * one site: a uprobe (a uretprobe for .return) at its file offset, which
 * the runtime registers on the file's inode (runtime/provider/uprobe.c).
 */
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "kernel.h"
#include "provider.h"
#include "session.h"
#include "udwarf.h"
#include "uimage.h"
#include "uprobe.h"
#include "usdt.h"

extern const struct provider_ops uprobe_provider;

struct uexpand {
	struct session *s;
	struct rprobe *p;
	struct node *point;
	const char *prefix;		/* process("...")[.library("...")] */
	struct image *im, *exe;
	int pid;
	const char *what;		/* "function", "statement", "mark", "plt" */
	const char *suffix;		/* ".call", ".return", ".inline" or "" */
	bool is_return;
	const char *file;		/* F@FILE as written, NULL: none */
	int found;
	bool failed;
};

static struct site *new_site(struct uexpand *x, enum uprobe_kind kind, const char *func,
			     unsigned long addr, const char *arg)
{
	struct site *site = site_add(x->p, &uprobe_provider, x->point,
				     arena_printf("%s.%s%s%s", x->prefix, x->what, arg, x->suffix));
	struct uprobe_site *u = arena_alloc(sizeof(*u));
	long off = uimage_offset(x->im, addr);

	site->priv = u;
	u->kind = kind;
	u->im = x->im;
	u->exe = x->exe;
	u->pid = x->pid;
	u->func = func;
	u->addr = addr;
	u->is_return = x->is_return;
	if (off < 0) {
		diag_error(x->point->loc, "probe point %s: address 0x%lx is in no loadable segment of %s",
			   site->pp, addr, x->im->path);
		x->failed = true;
	}
	u->offset = (unsigned long)off;
	x->found++;
	return site;
}

/* "name@file:line" of the function at addr when DWARF knows it. */
static const char *func_text(struct uexpand *x, const char *name, unsigned long addr)
{
	struct image *dk = uimage_dwarf(x->im);
	struct udwarf_func f;

	if (dk && udwarf_function(dk, addr, &f) && f.file)
		return arena_printf("%s@%s:%d", name, f.file, f.line);
	return name;
}

static void add_function(const struct usym *sym, void *arg)
{
	struct uexpand *x = arg;

	new_site(x, UPROBE_FUNCTION, sym->name, sym->addr,
		 arena_printf("(\"%s\")", func_text(x, sym->name, sym->addr)));
}

static void add_inline(const struct udwarf_inline *in, void *arg)
{
	struct uexpand *x = arg;

	new_site(x, UPROBE_INLINE, in->name, in->addr,
		 in->file ? arena_printf("(\"%s@%s:%d\")", in->name, in->file, in->line)
			  : arena_printf("(\"%s\")", in->name));
}

/* A site of F@FILE (entry) or F@FILE:LINE found in DWARF. */
static void add_dwarf_site(const struct dwarf_site *ds, void *arg)
{
	struct uexpand *x = arg;
	const char *file = strpbrk(x->file, "*?[") ? ds->file : x->file;

	new_site(x, ds->line ? UPROBE_STATEMENT : UPROBE_FUNCTION, ds->func, ds->addr,
		 ds->line ? arena_printf("(\"%s@%s:%d\")", ds->func, file, ds->line)
			  : arena_printf("(\"%s@%s\")", ds->func, file));
}

/* "F@FILE:LINE" or, where allowed, "F@FILE": false after an error. */
static bool split_source(const struct node *arg, bool no_line, const char **func, const char **file,
			 int *line)
{
	const char *v = arg->u.str.value, *at = strchr(v, '@'), *colon;
	char *end;

	colon = at ? strrchr(at, ':') : NULL;
	*line = 0;
	*func = at == v ? "*" : arena_strndup(v, at ? (size_t)(at - v) : strlen(v));
	if (no_line && at && !colon && at[1]) {
		*file = at + 1;
		return true;
	}
	if (!at || !colon || colon == at + 1) {
		diag_error(arg->loc, "\"%s\": a source location needs FUNCTION@FILE:LINE", v);
		return false;
	}
	*line = (int)strtol(colon + 1, &end, 10);
	if (*end || *line <= 0) {
		diag_error(arg->loc, "\"%s\": '%s' is not a line number (ranges are not supported)", v, colon + 1);
		return false;
	}
	*file = arena_strndup(at + 1, (size_t)(colon - at - 1));
	return true;
}

/* A glob without its wildcards, to find the names closest to what a
 * pattern that matched nothing meant ("mal*oc" -> "maloc"). */
static const char *literal_of(const char *pattern)
{
	char *out = arena_strdup(pattern), *o = out;

	for (const char *p = pattern; *p; p++)
		if (!strchr("*?[]", *p))
			*o++ = *p;
	*o = 0;
	return out;
}

/* Why a name that matched nothing matched nothing, with a hint. */
static void no_function(struct uexpand *x, const struct node *arg, const char *pattern)
{
	const char *near = uimage_closest_function(x->im, literal_of(pattern));

	diag_error(arg->loc, "no match for probe point %s.%s(\"%s\")%s: no function %s in %s", x->prefix,
		   x->what, pattern, x->suffix, pattern, x->im->path);
	if (near)
		diag_note(arg->loc, "did you mean %s?", near);
}

static bool need_dwarf(struct uexpand *x, const struct node *arg, const char *for_what)
{
	if (uimage_dwarf(x->im))
		return true;
	diag_error(arg->loc, "probe point %s.%s(\"%s\"): %s need DWARF: %s", x->prefix, x->what,
		   arg->u.str.value, for_what, uimage(x->im)->no_dwarf);
	return false;
}

static void function_sites(struct uexpand *x, const struct node *arg)
{
	const char *pattern = arg->u.str.value, *func, *file;
	struct image *dk;
	int line;

	if (strchr(pattern, '@')) {
		if (!split_source(arg, true, &func, &file, &line) ||
		    !need_dwarf(x, arg, line ? "source lines" : "functions by source file")) {
			x->failed = true;
			return;
		}
		if (line && (x->is_return || *x->suffix)) {
			diag_error(x->point->loc, "probe point %s: a source line has no .return, .call or .inline",
				   pp_text(x->point));
			x->failed = true;
			return;
		}
		x->file = file;
		dk = uimage_dwarf(x->im);
		if (line)
			dwarf_line_sites(dk, func, file, line, add_dwarf_site, x);
		else
			dwarf_func_sites(dk, func, file, add_dwarf_site, x);
		if (!x->found && !x->failed && !x->point->u.pp.optional && line)
			diag_error(arg->loc, "no match for probe point %s (no code for %s:%d in %s)",
				   pp_text(x->point), file, line, func);
		else if (!x->found && !x->failed && !x->point->u.pp.optional)
			diag_error(arg->loc, "no match for probe point %s (no function %s defined in %s)",
				   pp_text(x->point), func, file);
		return;
	}
	if (strcmp(x->suffix, ".inline") == 0) {
		if (!need_dwarf(x, arg, "inlined functions")) {
			x->failed = true;
			return;
		}
		udwarf_inlines(uimage_dwarf(x->im), pattern, add_inline, x);
		if (!x->found && !x->point->u.pp.optional)
			diag_error(arg->loc, "no match for probe point %s: no inlined instance of %s in %s",
				   pp_text(x->point), pattern, x->im->path);
		return;
	}
	uimage_functions(x->im, pattern, add_function, x);
	if (!x->found && !x->point->u.pp.optional)
		no_function(x, arg, pattern);
}

static void statement_sites(struct uexpand *x, const struct node *arg, const struct node *next)
{
	const char *func, *file;
	int line;

	if (arg->kind == NODE_NUM) {
		unsigned long addr = (unsigned long)arg->u.num.value;
		const struct usym *sym;

		if (!next || strcmp(next->u.comp.name, "absolute") != 0 || next->u.comp.arg) {
			diag_error(arg->loc, "probe point %s: an address needs .absolute (.statement(ADDR).absolute)",
				   pp_text(x->point));
			x->failed = true;
			return;
		}
		sym = uimage_symbol_at(x->im, addr);
		x->suffix = ".absolute";
		new_site(x, UPROBE_ADDRESS, sym ? sym->name : "", addr, arena_printf("(0x%lx)", addr));
		return;
	}
	if (!split_source(arg, false, &func, &file, &line) || !need_dwarf(x, arg, "source lines")) {
		x->failed = true;
		return;
	}
	x->file = file;
	dwarf_line_sites(uimage_dwarf(x->im), func, file, line, add_dwarf_site, x);
	if (!x->found && !x->failed && !x->point->u.pp.optional)
		diag_error(arg->loc, "no match for probe point %s (no code for %s:%d in %s)", pp_text(x->point),
			   file, line, func);
}

static void mark_sites(struct uexpand *x, const char *provider, const struct node *arg)
{
	const struct uimage *u = uimage(x->im);
	const char *pattern = arg->u.str.value;

	for (int i = 0; i < u->nmarks; i++) {
		const struct usdt *m = &u->marks[i];
		struct site *site;

		if (fnmatch(pattern, m->name, 0) != 0 || (provider && fnmatch(provider, m->provider, 0) != 0))
			continue;
		site = new_site(x, UPROBE_MARK, m->name, m->pc,
				arena_printf("(\"%s\")", m->name));
		up(site)->mark = m;
		if (m->sem) {
			long off = uimage_offset(x->im, m->sem);

			if (off < 0) {
				diag_error(arg->loc, "probe point %s: the semaphore of marker %s is in no "
					   "loadable segment of %s", site->pp, m->name, x->im->path);
				x->failed = true;
			}
			up(site)->sem_offset = (unsigned long)off;
		}
	}
	if (!x->found && !x->point->u.pp.optional) {
		diag_error(arg->loc, "no match for probe point %s: no SDT marker %s%s%s in %s",
			   pp_text(x->point), provider ? provider : "", provider ? ":" : "", pattern, x->im->path);
		if (!u->nmarks)
			diag_note(arg->loc, "%s has no SDT markers (no .note.stapsdt section)", x->im->path);
		else
			for (int i = 0; i < u->nmarks && i < 8; i++)
				diag_note(arg->loc, "it has marker %s:%s", u->marks[i].provider, u->marks[i].name);
	}
}

static void plt_sites(struct uexpand *x, const struct node *arg)
{
	const struct uimage *u = uimage(x->im);
	const char *pattern = arg ? arg->u.str.value : "*";

	for (int i = 0; i < u->nplts; i++)
		if (fnmatch(pattern, u->plts[i].name, 0) == 0)
			new_site(x, UPROBE_PLT, u->plts[i].name, u->plts[i].addr,
				 arena_printf("(\"%s\")", u->plts[i].name));
	if (!x->found && !x->point->u.pp.optional)
		diag_error(arg ? arg->loc : x->point->loc, "no match for probe point %s: no PLT entry %s in %s",
			   pp_text(x->point), pattern, x->im->path);
}

/* The suffixes after the point's main component: .call .return .inline
 * (functions), .return (PLT entries). */
static bool parse_suffixes(struct uexpand *x, const struct node **comps, int i, int n)
{
	for (; i < n; i++) {
		const char *c = comps[i]->u.comp.name;
		bool func = strcmp(x->what, "function") == 0;

		if (comps[i]->u.comp.arg || *x->suffix ||
		    !((strcmp(c, "return") == 0 && (func || strcmp(x->what, "plt") == 0)) ||
		      (func && (strcmp(c, "call") == 0 || strcmp(c, "inline") == 0)))) {
			diag_error(comps[i]->loc, "no match for probe point %s (unexpected component '%s')",
				   pp_text(x->point), c);
			return false;
		}
		x->suffix = arena_printf(".%s", c);
		x->is_return = strcmp(c, "return") == 0;
	}
	return true;
}

/* The point's probes in one file (x->im). */
static void expand_in(struct uexpand *x, const struct node **comps, int i, int n)
{
	const char *kind = comps[i]->u.comp.name, *provider = NULL;
	const struct node *arg = comps[i]->u.comp.arg;

	x->found = 0;
	x->suffix = "";
	x->is_return = false;
	if (strcmp(kind, "provider") == 0 && arg && arg->kind == NODE_STR && i + 1 < n &&
	    strcmp(comps[i + 1]->u.comp.name, "mark") == 0) {
		provider = arg->u.str.value;
		x->prefix = arena_printf("%s.provider(\"%s\")", x->prefix, provider);
		kind = comps[++i]->u.comp.name;
		arg = comps[i]->u.comp.arg;
	}
	x->what = kind;
	if (strcmp(kind, "statement") == 0 && arg && arg->kind == NODE_NUM) {
		if (i + 2 < n) {
			diag_error(comps[i + 2]->loc, "no match for probe point %s (unexpected component '%s')",
				   pp_text(x->point), comps[i + 2]->u.comp.name);
			x->failed = true;
			return;
		}
		statement_sites(x, arg, i + 1 < n ? comps[i + 1] : NULL);
		return;
	}
	if (strcmp(kind, "plt") == 0 && (!arg || arg->kind == NODE_STR)) {
		if (parse_suffixes(x, comps, i + 1, n))
			plt_sites(x, arg);
		else
			x->failed = true;
		return;
	}
	if ((strcmp(kind, "function") != 0 && strcmp(kind, "statement") != 0 && strcmp(kind, "mark") != 0) ||
	    !arg || arg->kind != NODE_STR || (provider && strcmp(kind, "mark") != 0)) {
		diag_error(comps[i]->loc, "no match for probe point %s (expected .function(\"NAME\"), "
			   ".statement(\"F@FILE:LINE\"), .mark(\"NAME\") or .plt(\"NAME\") after process)",
			   pp_text(x->point));
		x->failed = true;
		return;
	}
	if (!parse_suffixes(x, comps, i + 1, n)) {
		x->failed = true;
		return;
	}
	if (*x->suffix && strcmp(kind, "function") != 0) {
		diag_error(x->point->loc, "no match for probe point %s (%s has no %s)", pp_text(x->point),
			   kind, x->suffix);
		x->failed = true;
		return;
	}
	if (strcmp(kind, "function") == 0)
		function_sites(x, arg);
	else if (strcmp(kind, "statement") == 0)
		statement_sites(x, arg, NULL);
	else
		mark_sites(x, provider, arg);
}

/* The program a bare `process` means: the -c command's or the -x
 * process's. */
static const char *target_program(struct session *s, const char **why)
{
	if (s->target_pid) {
		static char exe[PATH_MAX];
		ssize_t n = readlink(arena_printf("/proc/%s/exe", s->target_pid), exe, sizeof(exe) - 1);

		if (n <= 0) {
			*why = arena_printf("can't read the program of process %s (-x): %s", s->target_pid,
					    strerror(errno));
			return NULL;
		}
		exe[n] = 0;
		return arena_strdup(exe);
	}
	if (s->cmd) {
		const char *c = s->cmd + strspn(s->cmd, " \t");

		if (strncmp(c, "exec ", 5) == 0)
			c += 5 + strspn(c + 5, " \t");
		return arena_strndup(c, strcspn(c, " \t;|&<>"));
	}
	*why = "a process probe without a program or process id needs a target: -c CMD or -x PID";
	return NULL;
}

/* The files the point's process(...) component names, or -1 after an error. */
static int processes(struct uexpand *x, const struct node *comp, const char ***paths)
{
	const struct node *arg = comp->u.comp.arg;
	const char *written, *why;
	int n;

	if (arg && arg->kind == NODE_NUM) {
		char exe[PATH_MAX];
		ssize_t len;

		x->pid = (int)arg->u.num.value;
		len = readlink(arena_printf("/proc/%d/exe", x->pid), exe, sizeof(exe) - 1);
		if (arg->u.num.value <= 0 || arg->u.num.value > 4194304 || len <= 0) {
			diag_error(arg->loc, "no match for probe point %s: no process %lld", pp_text(x->point),
				   (long long)arg->u.num.value);
			return -1;
		}
		exe[len] = 0;
		*paths = arena_alloc(sizeof(**paths));
		(*paths)[0] = arena_strdup(exe);
		return 1;
	}
	if (arg && arg->kind != NODE_STR) {
		diag_error(arg->loc, "no match for probe point %s: process takes a path or a process id",
			   pp_text(x->point));
		return -1;
	}
	written = arg ? arg->u.str.value : target_program(x->s, &why);
	if (!written) {
		diag_error(comp->loc, "no match for probe point %s: %s", pp_text(x->point), why);
		return -1;
	}
	n = uimage_find(written, paths, &why);
	if (!n)
		diag_error(arg ? arg->loc : comp->loc, "no match for probe point %s: \"%s\": %s",
			   pp_text(x->point), written, why);
	return n ? n : -1;
}

static int uprobe_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[8];
	int n = pp_comps(point, comps, 8), i = 1, nbin, total = 0;
	struct uexpand x = { s, p, point, NULL, NULL, NULL, 0, "", "", false, NULL, 0, false };
	const char **bins, *err;

	if (n < 2) {
		diag_error(point->loc, "no match for probe point %s (expected process(\"PATH\").function(\"NAME\"), "
			   ".mark, .plt, .statement, .begin, .end, .thread or .syscall)", pp_text(point));
		return -1;
	}
	nbin = processes(&x, comps[0], &bins);
	if (nbin < 0)
		return -1;
	for (int b = 0; b < nbin; b++) {
		struct image *prog = uimage_open(s, bins[b], &err);
		const char **libs;
		int nlib = 1;

		if (!prog) {
			diag_error(comps[0]->loc, "probe point %s: %s", pp_text(point), err);
			return -1;
		}
		uimage_want_symbols(prog);
		x.exe = NULL;
		x.im = prog;
		i = 1;
		if (strcmp(comps[1]->u.comp.name, "library") == 0) {
			const struct node *la = comps[1]->u.comp.arg;
			const char *why;

			if (!la || la->kind != NODE_STR || n < 3) {
				diag_error(comps[1]->loc, "no match for probe point %s (expected .library(\"NAME\") "
					   "then .function, .statement or .mark)", pp_text(point));
				return -1;
			}
			nlib = uimage_find_library(s, prog, la->u.str.value, &libs, &why);
			if (!nlib) {
				diag_error(la->loc, "no match for probe point %s: no library \"%s\" for %s: %s",
					   pp_text(point), la->u.str.value, prog->path, why);
				return -1;
			}
			x.exe = prog;
			i = 2;
		}
		for (int l = 0; l < nlib; l++) {
			if (x.exe) {
				x.im = uimage_open(s, libs[l], &err);
				if (!x.im) {
					diag_error(comps[1]->loc, "probe point %s: %s", pp_text(point), err);
					return -1;
				}
				uimage_want_symbols(x.im);
				x.prefix = arena_printf("process(\"%s\").library(\"%s\")", prog->path, x.im->path);
			} else {
				x.prefix = x.pid ? arena_printf("process(%d)", x.pid)
						 : arena_printf("process(\"%s\")", prog->path);
			}
			expand_in(&x, comps, i, n);
			if (x.failed)
				return -1;
			total += x.found;
		}
	}
	return total;
}

/* ---- the site table ---- */

/* One wrapper per probe and kind: the runtime's inline hit path with a
 * direct call of the body. */
static void emit_wrappers(struct emitter *e, const struct rprobe *pr)
{
	const struct site *site;
	bool entry = false, ret = false;

	for (site = pr->sites; site; site = site->next) {
		if (site->ops != &uprobe_provider)
			continue;
		if (up(site)->is_return)
			ret = true;
		else
			entry = true;
	}
	if (entry) {
		emit(e, "static int uprobe_pre_%d(struct uprobe_consumer *uc, struct pt_regs *regs)", pr->index);
		emit(e, "{");
		emit(e, "return tapc_uprobe_hit(uc, regs, probe_%d, probe_%d_budget);", pr->index, pr->index);
		emit(e, "}");
		emit(e, "%s", "");
	}
	if (ret) {
		emit(e, "static int uprobe_ret_%d(struct uprobe_consumer *uc, unsigned long func, "
		     "struct pt_regs *regs)", pr->index);
		emit(e, "{");
		emit(e, "return tapc_uretprobe_hit(uc, func, regs, probe_%d, probe_%d_budget);", pr->index,
		     pr->index);
		emit(e, "}");
		emit(e, "%s", "");
	}
}

static void emit_site(struct emitter *e, const struct rprobe *pr,
		      const struct site *site, int n)
{
	const struct uprobe_site *u = up(site);
	char *pp = c_string(site->pp, strlen(site->pp)), *func = c_string(u->func, strlen(u->func));

	emit(e, "{");
	emit(e, ".pp = %s,", pp);
	emit(e, ".func = %s,", func);
	emit(e, ".bin = &tapc_ubins[%d],", uimage(u->im)->index);
	if (u->exe)
		emit(e, ".exe = &tapc_ubins[%d],", uimage(u->exe)->index);
	if (u->pid)
		emit(e, ".pid = %d,", u->pid);
	emit(e, ".offset = 0x%lx,", u->offset);
	emit(e, ".vaddr = 0x%lx,", u->addr);
	if (u->sem_offset)
		emit(e, ".sem_offset = 0x%lx,", u->sem_offset);
	if (site->optional)
		emit(e, ".optional = true,");
	if (u->is_return) {
		emit(e, ".is_return = true,");
		emit(e, ".ret_handler = uprobe_ret_%d,", pr->index);
		if (u->entry) {
			emit(e, ".entry = uprobe_entry_%d,", n);
			emit(e, ".entry_size = %s,", uprobe_entry_size(site));
		}
	} else {
		emit(e, ".handler = uprobe_pre_%d,", pr->index);
	}
	emit(e, "},");
	free(pp);
	free(func);
}

static void uprobe_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	if (!provider_count_sites(p, &uprobe_provider))
		return;
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &uprobe_provider && up(site)->entry)
				uprobe_emit_entry(e, pr, site, n++);
			else if (site->ops == &uprobe_provider)
				n++;
	for (pr = p->probes; pr; pr = pr->next)
		emit_wrappers(e, pr);
	n = 0;
	emit(e, "static struct tapc_uprobe_site tapc_uprobe_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &uprobe_provider)
				emit_site(e, pr, site, n++);
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops uprobe_provider = {
	.family = "uprobe",
	/* "process" also takes process.* that no other family claims */
	.paths = (const char *const[]){ "process", NULL },
	.expand = uprobe_expand,
	.target = uprobe_target,
	.entry = uprobe_entry,
	.entry_scope = uprobe_entry_scope,
	.vars = uprobe_vars,
	.defined = uprobe_defined,
	.addressable = uprobe_addressable,
	.runtime = "uprobe",
	.emit_tables = uprobe_tables,
};
