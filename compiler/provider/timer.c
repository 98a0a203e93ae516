/* timer.ms(N), timer.s(N), timer.us(N), timer.ns(N), timer.hz(N) and
 * timer.jiffies(N), each optionally .randomize(M) in the same unit: one
 * hrtimer site each.  Jiffies are converted with the target's HZ by the C
 * compiler (the table holds an expression), not by us.  timer.profile (and
 * stap's timer.profile.tick) fires on every CPU at each tick, with the
 * interrupted registers as the probe's context. */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"

extern const struct provider_ops timer_provider;

struct unit {
	const char *name;
	const char *ns_expr;		/* nanoseconds per unit, as C */
	int64_t ns;			/* same, 0 when only C knows it */
};

static const struct unit units[] = {
	{ "s", "NSEC_PER_SEC", 1000000000 },
	{ "sec", "NSEC_PER_SEC", 1000000000 },
	{ "ms", "NSEC_PER_MSEC", 1000000 },
	{ "msec", "NSEC_PER_MSEC", 1000000 },
	{ "us", "NSEC_PER_USEC", 1000 },
	{ "usec", "NSEC_PER_USEC", 1000 },
	{ "ns", "1", 1 },
	{ "nsec", "1", 1 },
	{ "jiffies", "(NSEC_PER_SEC / HZ)", 0 },
	{ "hz", NULL, 0 },
};

/* timer_site.unit: an index into units[], or this */
#define PROFILE (-1)

/* A timer site's own part (site->priv). */
struct timer_site {
	int unit;
	int64_t interval;		/* in the unit */
	int64_t randomize;		/* .randomize(M), same unit */
};

static inline struct timer_site *tm(const struct site *site)
{
	return site->priv;
}

static int timer_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[4];
	int n = pp_comps(point, comps, 4);
	const struct unit *u = NULL;
	struct site *site;
	size_t i;
	int64_t v, rnd = 0;

	(void)s;
	if (n >= 2 && n <= 3 && strcmp(comps[1]->u.comp.name, "profile") == 0 && !comps[0]->u.comp.arg &&
	    !comps[1]->u.comp.arg && (n == 2 || (strcmp(comps[2]->u.comp.name, "tick") == 0 &&
					      !comps[2]->u.comp.arg))) {
		site = site_add(p, &timer_provider, point, pp_text(point));
		site->priv = arena_alloc(sizeof(struct timer_site));
		tm(site)->unit = PROFILE;
		return 1;
	}
	if (n >= 2)
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strcmp(units[i].name, comps[1]->u.comp.name) == 0)
				u = &units[i];
	if (!u || comps[0]->u.comp.arg || !comps[1]->u.comp.arg ||
	    comps[1]->u.comp.arg->kind != NODE_NUM) {
		diag_error(point->loc, "no match for probe point %s (expected timer.ms(N), timer.s(N), "
			   "timer.us(N), timer.ns(N), timer.hz(N), timer.jiffies(N) or timer.profile)",
			   pp_text(point));
		return -1;
	}
	v = comps[1]->u.comp.arg->u.num.value;
	if (v <= 0) {
		diag_error(comps[1]->u.comp.arg->loc, "timer interval must be positive");
		return -1;
	}
	if (n == 3) {
		if (strcmp(comps[2]->u.comp.name, "randomize") != 0 || !comps[2]->u.comp.arg ||
		    comps[2]->u.comp.arg->kind != NODE_NUM || !u->ns_expr || strcmp(u->name, "hz") == 0) {
			diag_error(comps[2]->loc, "no match for probe point %s", pp_text(point));
			return -1;
		}
		rnd = comps[2]->u.comp.arg->u.num.value;
		if (rnd < 0 || rnd > v) {
			diag_error(comps[2]->u.comp.arg->loc, "randomize must be between 0 and the interval");
			return -1;
		}
	} else if (n > 3) {
		diag_error(comps[3]->loc, "no match for probe point %s", pp_text(point));
		return -1;
	}
	if (u->ns && v > INT64_MAX / u->ns) {
		diag_error(comps[1]->u.comp.arg->loc, "timer interval too large");
		return -1;
	}
	site = site_add(p, &timer_provider, point, pp_text(point));
	site->priv = arena_alloc(sizeof(struct timer_site));
	tm(site)->interval = v;
	tm(site)->randomize = rnd;
	tm(site)->unit = (int)(u - units);
	return 1;
}

static void timer_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &timer_provider))
		return;
	emit(e, "static struct tapc_timer_site tapc_timer_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			const struct unit *u;
			char *pp;

			if (site->ops != &timer_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{");
			if (tm(site)->unit == PROFILE) {
				emit(e, ".jiffies = 1, .per_cpu = true, .pp = %s, .handler = %s, },",
				     pp, handler_name(pr));
				free(pp);
				continue;
			}
			u = &units[tm(site)->unit];
			if (u->ns_expr)
				emit(e, ".interval_ns = %lldULL * %s,", (long long)tm(site)->interval, u->ns_expr);
			else
				emit(e, ".interval_ns = NSEC_PER_SEC / %lldULL,", (long long)tm(site)->interval);
			if (tm(site)->randomize)
				emit(e, ".randomize_ns = %lldULL * %s,", (long long)tm(site)->randomize, u->ns_expr);
			emit(e, ".pp = %s,", pp);
			emit(e, ".handler = %s,", handler_name(pr));
			emit(e, "},");
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops timer_provider = {
	.family = "timer",
	.paths = (const char *const[]){ "timer", NULL },
	.expand = timer_expand,
	.target = NULL,
	.runtime = "timer",
	.emit_tables = timer_tables,
};
