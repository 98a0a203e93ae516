/* netfilter.hook("HOOK").pf("PF")[.priority("P")]: netfilter hook
 * functions, as SystemTap has them (also netfilter.pf("PF").hook("HOOK")).
 *
 * PF is NFPROTO_IPV4, NFPROTO_IPV6, NFPROTO_ARP or NFPROTO_BRIDGE; HOOK one
 * of that family's (NF_INET_*, NF_IP_*, NF_IP6_*, NF_ARP_*, NF_BR_*);
 * PRIORITY a string: a 32-bit number or one of NF_IP_PRI_* / NF_IP6_PRI_*
 * (default "0").  In guru mode (-g) other names are taken as C
 * identifiers, as stap pastes them into its C (never anything but an
 * identifier or a number: nothing else reaches the C compiler).  The
 * probe's variables are $hooknum, $skb, $in, $out, $okfn (longs), and
 * $verdict (guru mode only, to read or assign: the packet's fate, NF_ACCEPT
 * by default).  tapset/linux/netfilter.stp's aliases are built on them.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
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

extern const struct provider_ops netfilter_provider;

struct name_value {
	const char *name;
	long long value;
};

struct family {
	const char *name;		/* NFPROTO_* */
	int pf;
	const struct name_value *hooks;
	const struct name_value *priorities;
};

#define PRI_FIRST INT_MIN
#define PRI_LAST INT_MAX

static const struct name_value ipv4_hooks[] = {
	{ "NF_INET_PRE_ROUTING", 0 }, { "NF_INET_LOCAL_IN", 1 }, { "NF_INET_FORWARD", 2 },
	{ "NF_INET_LOCAL_OUT", 3 }, { "NF_INET_POST_ROUTING", 4 },
	{ "NF_IP_PRE_ROUTING", 0 }, { "NF_IP_LOCAL_IN", 1 }, { "NF_IP_FORWARD", 2 },
	{ "NF_IP_LOCAL_OUT", 3 }, { "NF_IP_POST_ROUTING", 4 }, { NULL, 0 },
};
static const struct name_value ipv6_hooks[] = {
	{ "NF_IP6_PRE_ROUTING", 0 }, { "NF_IP6_LOCAL_IN", 1 }, { "NF_IP6_FORWARD", 2 },
	{ "NF_IP6_LOCAL_OUT", 3 }, { "NF_IP6_POST_ROUTING", 4 },
	{ "NF_INET_PRE_ROUTING", 0 }, { "NF_INET_LOCAL_IN", 1 }, { "NF_INET_FORWARD", 2 },
	{ "NF_INET_LOCAL_OUT", 3 }, { "NF_INET_POST_ROUTING", 4 }, { NULL, 0 },
};
static const struct name_value arp_hooks[] = {
	{ "NF_ARP_IN", 0 }, { "NF_ARP_OUT", 1 }, { "NF_ARP_FORWARD", 2 }, { NULL, 0 },
};
static const struct name_value bridge_hooks[] = {
	{ "NF_BR_PRE_ROUTING", 0 }, { "NF_BR_LOCAL_IN", 1 }, { "NF_BR_FORWARD", 2 },
	{ "NF_BR_LOCAL_OUT", 3 }, { "NF_BR_POST_ROUTING", 4 }, { NULL, 0 },
};
/* include/uapi/linux/netfilter_ipv4.h and netfilter_ipv6.h */
static const struct name_value ipv4_priorities[] = {
	{ "NF_IP_PRI_FIRST", PRI_FIRST }, { "NF_IP_PRI_RAW_BEFORE_DEFRAG", -450 },
	{ "NF_IP_PRI_CONNTRACK_DEFRAG", -400 }, { "NF_IP_PRI_RAW", -300 },
	{ "NF_IP_PRI_SELINUX_FIRST", -225 }, { "NF_IP_PRI_CONNTRACK", -200 },
	{ "NF_IP_PRI_MANGLE", -150 }, { "NF_IP_PRI_NAT_DST", -100 }, { "NF_IP_PRI_FILTER", 0 },
	{ "NF_IP_PRI_SECURITY", 50 }, { "NF_IP_PRI_NAT_SRC", 100 },
	{ "NF_IP_PRI_SELINUX_LAST", 225 }, { "NF_IP_PRI_CONNTRACK_HELPER", 300 },
	{ "NF_IP_PRI_CONNTRACK_CONFIRM", PRI_LAST }, { "NF_IP_PRI_LAST", PRI_LAST }, { NULL, 0 },
};
static const struct name_value ipv6_priorities[] = {
	{ "NF_IP6_PRI_FIRST", PRI_FIRST }, { "NF_IP6_PRI_RAW_BEFORE_DEFRAG", -450 },
	{ "NF_IP6_PRI_CONNTRACK_DEFRAG", -400 }, { "NF_IP6_PRI_RAW", -300 },
	{ "NF_IP6_PRI_SELINUX_FIRST", -225 }, { "NF_IP6_PRI_CONNTRACK", -200 },
	{ "NF_IP6_PRI_MANGLE", -150 }, { "NF_IP6_PRI_NAT_DST", -100 }, { "NF_IP6_PRI_FILTER", 0 },
	{ "NF_IP6_PRI_SECURITY", 50 }, { "NF_IP6_PRI_NAT_SRC", 100 },
	{ "NF_IP6_PRI_SELINUX_LAST", 225 }, { "NF_IP6_PRI_CONNTRACK_HELPER", 300 },
	{ "NF_IP6_PRI_LAST", PRI_LAST }, { NULL, 0 },
};
static const struct name_value no_priorities[] = { { NULL, 0 } };

static const struct family families[] = {
	{ "NFPROTO_IPV4", 2, ipv4_hooks, ipv4_priorities },
	{ "NFPROTO_IPV6", 10, ipv6_hooks, ipv6_priorities },
	{ "NFPROTO_ARP", 3, arp_hooks, no_priorities },
	{ "NFPROTO_BRIDGE", 7, bridge_hooks, no_priorities },
};

/* What a site's fields are in C: a number, or (guru mode) an identifier. */
struct nf_site {
	const char *pf, *hook, *priority;
};

static inline struct nf_site *nf(const struct site *site)
{
	return site->priv;
}

/* The probe's data the runtime hands over: u64 slots, by variable. */
static const char *const var_names[] = { "$hooknum", "$skb", "$in", "$out", "$okfn", "$verdict" };
#define VERDICT 5

static bool is_ident(const char *s)
{
	if (!*s || (!isalpha((unsigned char)*s) && *s != '_'))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static bool int32_text(const char *s, long long *v)
{
	char *end;

	errno = 0;
	*v = strtoll(s, &end, 0);
	return *s && !*end && !errno && *v >= INT_MIN && *v <= INT_MAX;
}

static const struct name_value *find(const struct name_value *t, const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* A hint among t's names (or the families'), as a note at at. */
static void hint(const struct name_value *t, const struct family *fams, const char *name,
		 struct loc at)
{
	char *names[32];
	size_t n = 0;
	const char *best;

	if (t)
		for (; t->name && n < 32; t++)
			names[n++] = (char *)t->name;
	else
		for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++)
			names[n++] = (char *)fams[i].name;
	best = closest_name(name, names, n);
	if (best)
		diag_note(at, "did you mean \"%s\"?", best);
}

static int no_match(struct node *point, struct loc at)
{
	diag_error(at, "no match for probe point %s (expected netfilter.hook(\"HOOK\").pf(\"PF\")"
		   "[.priority(\"PRIORITY\")] or netfilter.pf(\"PF\").hook(\"HOOK\")[.priority(\"PRIORITY\")])",
		   pp_text(point));
	return -1;
}

/* The string argument of component c, or NULL after an error. */
static const struct node *str_arg(struct node *point, const struct node *c)
{
	if (!c->u.comp.arg || c->u.comp.arg->kind != NODE_STR) {
		if (c->u.comp.arg)
			diag_error(c->u.comp.arg->loc, "netfilter .%s(\"...\") takes a string", c->u.comp.name);
		else
			no_match(point, c->loc);
		return NULL;
	}
	return c->u.comp.arg;
}

static int netfilter_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[5], *hook = NULL, *pf = NULL, *pri = NULL;
	int n = pp_comps(point, comps, 5), i;
	const struct family *fam = NULL;
	const struct name_value *h, *pr;
	struct nf_site ns;
	struct site *site;
	long long v;

	if (comps[0]->u.comp.arg)
		return no_match(point, comps[0]->loc);
	for (i = 1; i < n; i++) {
		const char *name = comps[i]->u.comp.name;
		const struct node **slot = !strcmp(name, "hook") && i <= 2 ? &hook :
			!strcmp(name, "pf") && i <= 2 ? &pf : !strcmp(name, "priority") && i >= 2 ? &pri : NULL;

		if (!slot || *slot)
			return no_match(point, comps[i]->loc);
		*slot = str_arg(point, comps[i]);
		if (!*slot)
			return -1;
	}
	if (n > 4)
		return no_match(point, comps[4]->loc);
	if (!hook || !pf) {
		diag_error(n > 1 ? comps[1]->loc : point->loc, "netfilter probe point %s needs both "
			   ".hook(\"HOOK\") and .pf(\"PF\")", pp_text(point));
		return -1;
	}
	for (i = 0; i < (int)(sizeof(families) / sizeof(families[0])); i++)
		if (!strcmp(families[i].name, pf->u.str.value))
			fam = &families[i];
	if (!fam && !(s->guru && is_ident(pf->u.str.value))) {
		diag_error(pf->loc, "unsupported netfilter protocol family \"%s\" (NFPROTO_IPV4, "
			   "NFPROTO_IPV6, NFPROTO_ARP or NFPROTO_BRIDGE; guru mode takes any C name)",
			   pf->u.str.value);
		hint(NULL, families, pf->u.str.value, pf->loc);
		return -1;
	}
	h = fam ? find(fam->hooks, hook->u.str.value) : NULL;
	if (!h && !(s->guru && is_ident(hook->u.str.value))) {
		diag_error(hook->loc, "unsupported netfilter hook \"%s\" for %s", hook->u.str.value,
			   fam ? fam->name : pf->u.str.value);
		if (fam)
			hint(fam->hooks, NULL, hook->u.str.value, hook->loc);
		return -1;
	}
	pr = pri && fam ? find(fam->priorities, pri->u.str.value) : NULL;
	if (pri && !pr && !int32_text(pri->u.str.value, &v) && !(s->guru && is_ident(pri->u.str.value))) {
		diag_error(pri->loc, "unsupported netfilter priority \"%s\" for %s: a 32-bit number%s",
			   pri->u.str.value, fam ? fam->name : pf->u.str.value,
			   fam && fam->priorities[0].name ? " or a name like NF_IP_PRI_FILTER" : "");
		if (fam && fam->priorities[0].name)
			hint(fam->priorities, NULL, pri->u.str.value, pri->loc);
		return -1;
	}
	ns.pf = fam ? arena_printf("%d", fam->pf) : arena_strdup(pf->u.str.value);
	ns.hook = h ? arena_printf("%lld", h->value) : arena_strdup(hook->u.str.value);
	if (!pri)
		ns.priority = "0";
	else if (pr)
		ns.priority = pr->value == PRI_FIRST ? "INT_MIN" : pr->value == PRI_LAST ? "INT_MAX" :
			arena_printf("%lld", pr->value);
	else if (int32_text(pri->u.str.value, &v))
		ns.priority = arena_printf("%lld", v);
	else
		ns.priority = arena_strdup(pri->u.str.value);
	site = site_add(p, &netfilter_provider, point, pp_text(point));
	site->priv = arena_alloc(sizeof(ns));
	*nf(site) = ns;
	return 1;
}

static int var_index(const char *name)
{
	for (int i = 0; i < (int)(sizeof(var_names) / sizeof(var_names[0])); i++)
		if (!strcmp(var_names[i], name))
			return i;
	return -1;
}

static enum type_kind netfilter_target(struct session *s, struct site *site, struct node *t)
{
	int i = var_index(t->u.target.name);

	(void)site;
	/* @cast in a probe of ours: the kernel's types */
	if (!strcmp(t->u.target.name, "@cast"))
		return fetch_cast(kernel_image(session_kernel(s)), t);
	if (i < 0) {
		diag_error(t->loc, "%s is not a netfilter variable ($hooknum $skb $in $out $okfn $verdict)",
			   t->u.target.name);
		return TYPE_UNKNOWN;
	}
	if (t->u.target.steps) {
		diag_error(t->u.target.steps->loc, "%s is a long: use @cast(%s, \"...\") for its members",
			   t->u.target.name, t->u.target.name);
		return TYPE_UNKNOWN;
	}
	if (i == VERDICT && !s->guru) {
		diag_error(t->loc, "$verdict decides the packet's fate: it needs guru mode (-g)");
		return TYPE_UNKNOWN;
	}
	t->u.target.resolved = recipe_text("(int64_t)((u64 *)c->probe_data)[%d]", i);
	if (i == VERDICT && t->u.target.written) {
		t->u.target.store = recipe_text("((u64 *)c->probe_data)[%d] = (u64)", i);
		recipe_add_operand(t->u.target.store, RECIPE_VALUE, 0);
	}
	return TYPE_LONG;
}

static bool netfilter_defined(struct session *s, struct site *site, struct node *t)
{
	int i = var_index(t->u.target.name);

	(void)site;
	return i >= 0 && !t->u.target.steps && (i != VERDICT || s->guru);
}

static const char *netfilter_vars(struct session *s, const struct site *site)
{
	(void)site;
	return s->guru ? "$hooknum:long $skb:long $in:long $out:long $okfn:long $verdict:long" :
		"$hooknum:long $skb:long $in:long $out:long $okfn:long";
}

static void netfilter_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &netfilter_provider))
		return;
	emit(e, "static struct tapc_nf_site tapc_netfilter_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp;

			if (site->ops != &netfilter_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			emit(e, "{ .pf = %s, .hooknum = %s, .priority = %s, .pp = %s, .handler = %s },",
			     nf(site)->pf, nf(site)->hook, nf(site)->priority, pp, handler_name(pr));
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops netfilter_provider = {
	.family = "netfilter",
	.paths = (const char *const[]){ "netfilter", NULL },
	.expand = netfilter_expand,
	.target = netfilter_target,
	.defined = netfilter_defined,
	.vars = netfilter_vars,
	.runtime = "netfilter",
	.emit_tables = netfilter_tables,
};
