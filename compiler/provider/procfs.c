/* procfs("PATH").read / .write: files the script serves.
 *
 *   procfs[("PATH")][.umask(U)].read[.maxsize(N)]   assigns $value (= or .=)
 *   procfs[("PATH")][.umask(U)].write               reads $value, the bytes written
 *
 * as SystemTap has them; PATH defaults to "command" and may name
 * subdirectories ("a/b"), never absolute or relative.  The files live in
 * the module's own /proc/tapc_MODULE/, beside taprun's out and ctl (which
 * are therefore not allowed as PATH): docs/internals.md says why not in
 * stap's /proc/systemtap/MODULE/.  A path has at most one read probe and
 * any number of write probes; its mode is 0444 for a read probe and 0222
 * for write probes, less the read probe's umask and the first write
 * probe's (default 0044 for reads, 0022 for writes: 0400 / 0200).
 *
 * A read probe fills the buffer (.maxsize(N), else TAPC_PROCFS_BUFSIZE,
 * MAXSTRINGLEN by default) that one open of the file then reads; a write
 * probe sees each write(2), at most MAXSTRINGLEN - 1 bytes of it (the
 * writer's next write(2) brings the rest).  The runtime
 * (runtime/provider/procfs.c) runs the probes from the reader's or
 * writer's process context under the usual rules.  The runtime's table has
 * one entry per file, naming its probes.
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

extern const struct provider_ops procfs_provider;

#define DEFAULT_PATH "command"

/* A procfs site's own part (site->priv). */
struct procfs_site {
	const char *path;
	bool write;
	long long umask;
	long long maxsize;		/* 0: TAPC_PROCFS_BUFSIZE */
};

static inline struct procfs_site *pf(const struct site *site)
{
	return site->priv;
}

/* The paths seen so far, for the checks across probes (pass 2 sees one
 * probe at a time; a compilation is one script). */
static struct path_seen {
	const char *path;
	bool write;
	struct loc loc;
} *paths_seen;
static size_t npaths_seen;

static bool no_match(struct node *point, struct loc at)
{
	diag_error(at, "no match for probe point %s (expected procfs[(\"PATH\")][.umask(N)].read[.maxsize(N)] "
		   "or procfs[(\"PATH\")][.umask(N)].write)", pp_text(point));
	return false;
}

/* PATH relative to the module's directory, components neither empty nor
 * "." or "..", none of taprun's files. */
static bool path_ok(const char *path, struct loc at)
{
	const char *p = path, *end;

	if (*path == '/') {
		diag_error(at, "procfs path \"%s\" can't start with a '/'", path);
		return false;
	}
	for (;;) {
		size_t len;

		end = strchr(p, '/');
		len = end ? (size_t)(end - p) : strlen(p);
		if (len == 0) {
			diag_error(at, end ? "procfs path \"%s\" has an empty component" :
				   "procfs path \"%s\" can't end with a '/'", path);
			return false;
		}
		if ((len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
			diag_error(at, "procfs path \"%s\" can't be relative (contain '.' or '..')", path);
			return false;
		}
		if (!end)
			break;
		p = end + 1;
	}
	if (strlen(path) > 200) {
		diag_error(at, "procfs path \"%s\" is longer than 200 bytes", path);
		return false;
	}
	if (!strcmp(path, "out") || !strcmp(path, "ctl")) {
		diag_error(at, "procfs path \"%s\" is taprun's own file in /proc/tapc_MODULE/", path);
		return false;
	}
	return true;
}

/* The number a component takes, in [min, max]; false after an error. */
static bool num_arg(const struct node *c, long long min, long long max, const char *what,
		    long long *out)
{
	const struct node *a = c->u.comp.arg;

	if (!a || a->kind != NODE_NUM) {
		diag_error(c->loc, "%s(N) needs a number", c->u.comp.name);
		return false;
	}
	if (a->u.num.value < min || a->u.num.value > max) {
		diag_error(a->loc, "%s must be %s", c->u.comp.name, what);
		return false;
	}
	*out = a->u.num.value;
	return true;
}

/* Whether a is a directory above b ("a" and "a/b"). */
static bool is_dir_of(const char *a, const char *b)
{
	size_t n = strlen(a);

	return !strncmp(a, b, n) && b[n] == '/';
}

/* One read probe per path; no file where another path has a directory. */
static bool check_path(const struct site *site, struct node *point)
{
	const char *path = pf(site)->path;
	size_t i;

	for (i = 0; i < npaths_seen; i++) {
		const struct path_seen *o = &paths_seen[i];

		if (!strcmp(o->path, path) && !o->write && !pf(site)->write) {
			diag_error(point->loc, "only one read probe can exist for procfs path \"%s\"", path);
			diag_note(o->loc, "the other one is here");
			return false;
		}
		if (is_dir_of(o->path, path) || is_dir_of(path, o->path)) {
			diag_error(point->loc, "procfs paths \"%s\" and \"%s\" make one both a file and a directory",
				   path, o->path);
			diag_note(o->loc, "the other one is here");
			return false;
		}
	}
	paths_seen = realloc(paths_seen, (npaths_seen + 1) * sizeof(*paths_seen));
	if (!paths_seen)
		die("out of memory");
	paths_seen[npaths_seen].path = path;
	paths_seen[npaths_seen].write = pf(site)->write;
	paths_seen[npaths_seen++].loc = point->loc;
	return true;
}

static int procfs_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[6];
	int n = pp_comps(point, comps, 6), i = 1;
	struct procfs_site ps = { DEFAULT_PATH, false, -1, 0 };
	const struct node *arg = comps[0]->u.comp.arg;
	struct site *site;

	(void)s;
	if (arg && arg->kind != NODE_STR) {
		diag_error(arg->loc, "procfs(\"PATH\") takes a string");
		return -1;
	}
	if (arg && !path_ok(arg->u.str.value, arg->loc))
		return -1;
	if (arg)
		ps.path = arena_strdup(arg->u.str.value);
	if (i < n && !strcmp(comps[i]->u.comp.name, "umask")) {
		if (!num_arg(comps[i], 0, 0777, "between 0 and 0777", &ps.umask))
			return -1;
		i++;
	}
	if (i >= n || comps[i]->u.comp.arg ||
	    (strcmp(comps[i]->u.comp.name, "read") && strcmp(comps[i]->u.comp.name, "write"))) {
		no_match(point, i < n ? comps[i]->loc : point->loc);
		if (i < n && !comps[i]->u.comp.arg && strlen(comps[i]->u.comp.name) > 2) {
			char *names[] = { "read", "write" };
			const char *best = closest_name(comps[i]->u.comp.name, names, 2);

			if (best)
				diag_note(comps[i]->loc, "did you mean %s?", best);
		}
		return -1;
	}
	ps.write = comps[i]->u.comp.name[0] == 'w';
	i++;
	if (!ps.write && i < n && !strcmp(comps[i]->u.comp.name, "maxsize")) {
		if (!num_arg(comps[i], 1, 64 << 20, "between 1 and 64 MiB", &ps.maxsize))
			return -1;
		i++;
	}
	if (i < n) {
		no_match(point, comps[i]->loc);
		return -1;
	}
	if (ps.umask < 0)
		ps.umask = ps.write ? 0022 : 0044;
	site = site_add(p, &procfs_provider, point, pp_text(point));
	site->priv = arena_alloc(sizeof(ps));
	*pf(site) = ps;
	if (!check_path(site, point))
		return -1;
	return 1;
}

/* $value: the bytes written, in a write probe (a string); in a read probe
 * only assigned (= or .=), which fills the file's buffer. */
static enum type_kind procfs_target(struct session *s, struct site *site, struct node *t)
{
	const char *loc = fetch_loc(t);

	/* @cast in a probe of ours: the kernel's types */
	if (!strcmp(t->u.target.name, "@cast"))
		return fetch_cast(kernel_image(session_kernel(s)), t);
	if (strcmp(t->u.target.name, "$value") != 0) {
		diag_error(t->loc, "%s is not a procfs variable (procfs probes have $value)",
			   t->u.target.name);
		return TYPE_UNKNOWN;
	}
	if (t->u.target.steps) {
		diag_error(t->u.target.steps->loc, "$value is a string: it has no ->members, [elements] or $/$$");
		return TYPE_UNKNOWN;
	}
	if (pf(site)->write) {
		if (t->u.target.written) {
			diag_error(t->loc, "$value is read-only in a procfs write probe");
			return TYPE_UNKNOWN;
		}
		t->u.target.resolved = recipe_string(false);
		recipe_add_dst(t->u.target.resolved, "tapc_strcpy(", ", tapc_procfs_value(c));");
		return TYPE_STRING;
	}
	if (!t->u.target.written) {
		diag_error(t->loc, "$value can't be read in a procfs read probe (it is what the probe assigns)");
		return TYPE_UNKNOWN;
	}
	/* never read: a read probe's $value only appears left of = or .= */
	t->u.target.resolved = recipe_string(false);
	recipe_add_dst(t->u.target.resolved, "tapc_strcpy(", ", \"\");");
	t->u.target.store = recipe_text("tapc_procfs_set(c, ");
	recipe_add_operand(t->u.target.store, RECIPE_VALUE, 0);
	recipe_add(t->u.target.store, ", false, %s)", loc);
	t->u.target.store->may_fail = true;
	t->u.target.append = recipe_text("tapc_procfs_set(c, ");
	recipe_add_operand(t->u.target.append, RECIPE_VALUE, 0);
	recipe_add(t->u.target.append, ", true, %s)", loc);
	t->u.target.append->may_fail = true;
	return TYPE_STRING;
}

static bool procfs_defined(struct session *s, struct site *site, struct node *t)
{
	(void)s;
	(void)site;
	return !strcmp(t->u.target.name, "$value") && !t->u.target.steps;
}

/* A read probe's $value is its output: no guru mode needed to assign it
 * (procfs_target() says why a write probe's can't be). */
static bool procfs_writable(const struct site *site, const struct node *t)
{
	(void)site;
	return !strcmp(t->u.target.name, "$value");
}

static const char *procfs_vars(struct session *s, const struct site *site)
{
	(void)s;
	(void)site;
	return "$value:string";
}

/* The sites of the program on path, in order: read first, then writes. */
static int path_sites(const struct rprogram *p, const char *path, const struct site **out, int max)
{
	const struct rprobe *pr;
	const struct site *site;
	int n = 0;

	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &procfs_provider && !strcmp(pf(site)->path, path) &&
			    !pf(site)->write && n < max)
				out[n++] = site;
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &procfs_provider && !strcmp(pf(site)->path, path) &&
			    pf(site)->write && n < max)
				out[n++] = site;
	return n;
}

/* Whether site is the first of its path in the program (one entry each). */
static bool first_of_path(const struct rprogram *p, const struct site *me)
{
	const struct rprobe *pr;
	const struct site *site;

	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next) {
			if (site == me)
				return true;
			if (site->ops == &procfs_provider && !strcmp(pf(site)->path, pf(me)->path))
				return false;
		}
	return true;
}

static void emit_probe_ref(struct emitter *e, const struct site *site)
{
	char *pp = c_string(site->pp, strlen(site->pp));

	emit(e, "{ .pp = %s, .handler = %s },", pp, handler_name(site->probe));
	free(pp);
}

static void emit_file(struct emitter *e, const struct rprogram *p, const struct site *first)
{
	int total = provider_count_sites(p, &procfs_provider);
	const struct site **v = arena_alloc((size_t)total * sizeof(*v)), *rd;
	int n = path_sites(p, pf(first)->path, v, total), w;
	long long mask = 0, mode = 0;
	char *path = c_string(pf(first)->path, strlen(pf(first)->path));

	rd = n && !pf(v[0])->write ? v[0] : NULL;
	w = rd ? 1 : 0;
	if (rd) {
		mode |= 0444;
		mask |= pf(rd)->umask;
	}
	if (w < n) {
		mode |= 0222;
		mask |= pf(v[w])->umask;
	}
	emit(e, "{");
	emit(e, ".path = %s,", path);
	emit(e, ".mode = 0%llo,", mode & ~mask);
	if (rd && pf(rd)->maxsize)
		emit(e, ".bufsize = %lld,", pf(rd)->maxsize);
	else
		emit(e, ".bufsize = TAPC_PROCFS_BUFSIZE,");
	if (rd) {
		emit(e, ".read = &(const struct tapc_procfs_probe)");
		emit_probe_ref(e, rd);
	}
	if (w < n) {
		emit(e, ".writes = (const struct tapc_procfs_probe[]){");
		for (int i = w; i < n; i++)
			emit_probe_ref(e, v[i]);
		emit(e, "},");
		emit(e, ".nwrites = %d,", n - w);
	}
	emit(e, "},");
	free(path);
}

static void procfs_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &procfs_provider))
		return;
	emit(e, "static struct tapc_procfs_site tapc_procfs_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &procfs_provider && first_of_path(p, site))
				emit_file(e, p, site);
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops procfs_provider = {
	.family = "procfs",
	.paths = (const char *const[]){ "procfs", NULL },
	.expand = procfs_expand,
	.target = procfs_target,
	.defined = procfs_defined,
	.writable = procfs_writable,
	.vars = procfs_vars,
	.runtime = "procfs",
	.emit_tables = procfs_tables,
};
