/* perf.type(T).config(C): the kernel's perf events, as SystemTap has them.
 *
 *   perf.type(T).config(C)[.sample(N) | .hz(N)][.process[("PATH")]][.counter("NAME")]
 *
 * T and C are perf_event_attr's type and config, passed to the kernel
 * unchecked (it says what it can't count when the module starts).  The
 * probe runs every N events (.sample, default 1000000) or N times a second
 * (.hz), with the interrupted registers as its context; without .process
 * on every CPU, with .process on the target process (-c/-x) and the
 * processes it starts, with .process("PATH") on every process that execs
 * PATH while the script runs.  .counter("NAME") only counts (the probe
 * body never runs): @perf("NAME") reads it (not yet: see docs).  The
 * named events are tapset/linux/perf.stp's aliases (perf.sw.cpu_clock =
 * perf.type(1).config(0), ...).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"
#include "session.h"

extern const struct provider_ops perf_provider;

#define DEFAULT_PERIOD 1000000

enum perf_scope { SCOPE_CPUS, SCOPE_TARGET, SCOPE_EXEC };

/* A perf site's own part (site->priv). */
struct perf_site {
	long long type, config;
	long long period;		/* .sample(N), or .hz(N) with hz */
	bool hz;
	enum perf_scope scope;
	const char *path;		/* SCOPE_EXEC: absolute */
	const char *counter;		/* .counter("NAME"), NULL: none */
};

static inline struct perf_site *ps(const struct site *site)
{
	return site->priv;
}

static int no_match(struct node *point, struct loc at)
{
	diag_error(at, "no match for probe point %s (expected perf.type(T).config(C)"
		   "[.sample(N)|.hz(N)][.process[(\"PATH\")]][.counter(\"NAME\")])", pp_text(point));
	return -1;
}

/* Component comps[i] named name with a number in [min, max]. */
static bool num_comp(const struct node *c, const char *name, long long min, long long max,
		     const char *what, long long *out, bool *error)
{
	const struct node *a = c->u.comp.arg;

	if (strcmp(c->u.comp.name, name) != 0)
		return false;
	if (!a || a->kind != NODE_NUM) {
		diag_error(c->loc, "%s(N) needs a number", name);
		*error = true;
		return false;
	}
	if (a->u.num.value < min || a->u.num.value > max) {
		diag_error(a->loc, "%s must be %s", what, max == LLONG_MAX ? "positive" : "a 32-bit number");
		*error = true;
		return false;
	}
	*out = a->u.num.value;
	return true;
}

/* PATH as the kernel will see it: absolute, as given or found in $PATH
 * (stap's rule for process("PATH")); NULL after an error. */
static const char *exec_path(const struct node *arg)
{
	const char *p = arg->u.str.value, *env;
	char buf[PATH_MAX], real[PATH_MAX], *dirs, *d, *save;

	if (strchr(p, '/')) {
		if (!realpath(p, buf)) {
			diag_error(arg->loc, "no such program: \"%s\"", p);
			return NULL;
		}
		return arena_strdup(buf);
	}
	env = getenv("PATH");
	dirs = strdup(env ? env : "/usr/local/bin:/usr/bin:/bin");
	if (!dirs)
		die("out of memory");
	for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(buf, sizeof(buf), "%s/%s", d, p);
		if (access(buf, X_OK) == 0 && realpath(buf, real)) {
			free(dirs);
			return arena_strdup(real);
		}
	}
	free(dirs);
	diag_error(arg->loc, "no program \"%s\" in $PATH", p);
	return NULL;
}

static int perf_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[8];
	int n = pp_comps(point, comps, 8), i = 3;
	struct perf_site ps = { .period = DEFAULT_PERIOD, .scope = SCOPE_CPUS };
	bool error = false, have_rate = false;
	struct site *site;

	if (n < 2 || !num_comp(comps[1], "type", 0, UINT32_MAX, "the perf type", &ps.type, &error))
		return error ? -1 : no_match(point, n < 2 ? point->loc : comps[1]->loc);
	if (n < 3 || !num_comp(comps[2], "config", LLONG_MIN, LLONG_MAX, "the perf config", &ps.config,
			       &error))
		return error ? -1 : no_match(point, n < 3 ? point->loc : comps[2]->loc);
	if (comps[0]->u.comp.arg)
		return no_match(point, comps[0]->loc);
	/* stap takes .sample/.hz, then .process, then .counter; aliases put
	 * the user's suffix last, so any order is taken here, each once */
	for (; i < n; i++) {
		const struct node *c = comps[i], *a = c->u.comp.arg;
		const char *name = c->u.comp.name;

		if (!strcmp(name, "sample") || !strcmp(name, "hz")) {
			if (have_rate) {
				diag_error(c->loc, "a perf probe takes one .sample(N) or .hz(N)");
				return -1;
			}
			have_rate = true;
			ps.hz = name[0] == 'h';
			if (!num_comp(c, name, 1, LLONG_MAX, ps.hz ? "the sample frequency" :
				      "the sample period", &ps.period, &error))
				return -1;
		} else if (!strcmp(name, "process") && ps.scope == SCOPE_CPUS) {
			if (a && a->kind != NODE_STR)
				return no_match(point, a->loc);
			if (a) {
				ps.scope = SCOPE_EXEC;
				ps.path = exec_path(a);
				if (!ps.path)
					return -1;
			} else if (!s->cmd && !s->target_pid) {
				diag_error(c->loc, "perf .process without a program name counts the target "
					   "process: it needs -c CMD or -x PID");
				return -1;
			} else {
				ps.scope = SCOPE_TARGET;
			}
		} else if (!strcmp(name, "counter") && !ps.counter) {
			if (!a || a->kind != NODE_STR)
				return no_match(point, c->loc);
			if (!a->u.str.value[0]) {
				diag_error(a->loc, "a perf counter needs a name");
				return -1;
			}
			ps.counter = arena_strdup(a->u.str.value);
		} else {
			return no_match(point, c->loc);
		}
	}
	if (ps.counter) {
		diag_error(point->loc, "perf .counter(\"%s\") is read with @perf, which tapc does not "
			   "support yet", ps.counter);
		return -1;
	}
	site = site_add(p, &perf_provider, point, pp_text(point));
	site->priv = arena_alloc(sizeof(ps));
	*(struct perf_site *)site->priv = ps;
	return 1;
}

static void emit_site(struct emitter *e, const struct site *site)
{
	char *pp = c_string(site->pp, strlen(site->pp));
	static const char *const scopes[] = { "TAPC_PERF_CPUS", "TAPC_PERF_TARGET", "TAPC_PERF_EXEC" };

	emit(e, "{");
	emit(e, ".type = %lldU,", ps(site)->type);
	emit(e, ".config = %lluULL,", (unsigned long long)ps(site)->config);
	emit(e, ".period = %lldULL,", ps(site)->period);
	if (ps(site)->hz)
		emit(e, ".freq = true,");
	emit(e, ".scope = %s,", scopes[ps(site)->scope]);
	if (ps(site)->path) {
		char *path = c_string(ps(site)->path, strlen(ps(site)->path));

		emit(e, ".path = %s,", path);
		free(path);
	}
	emit(e, ".pp = %s,", pp);
	emit(e, ".handler = %s,", handler_name(site->probe));
	if (site->optional)
		emit(e, ".optional = true,");
	emit(e, "},");
	free(pp);
}

static void perf_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &perf_provider))
		return;
	emit(e, "static struct tapc_perf_site tapc_perf_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next)
		for (site = pr->sites; site; site = site->next)
			if (site->ops == &perf_provider)
				emit_site(e, site);
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops perf_provider = {
	.family = "perf",
	.paths = (const char *const[]){ "perf", NULL },
	.expand = perf_expand,
	.runtime = "perf",
	.emit_tables = perf_tables,
};
