/* Target variables of statement sites (kernel.statement("F@FILE:LINE"),
 * module("M").statement(...), kernel.function("F@FILE:LINE")): the
 * parameters and locals in scope at the site's address, from DWARF
 * (fetch.c), for provider/kprobe.c.  Function-entry sites keep reading
 * their parameters from BTF there.
 */
#include "diag.h"
#include "fetch.h"
#include "kernel.h"
#include "kprobe.h"
#include "kprobe_statement.h"
#include "provider.h"
#include "session.h"

/* Where a statement site's DWARF is: its module's, or vmlinux debuginfo. */
static struct image *site_dwarf(struct session *s, const struct site *site)
{
	return kp(site)->im ? kp(site)->im : kernel_debuginfo(kernel_image(session_kernel(s)));
}

const char *kprobe_statement_vars(struct session *s, const struct site *site, bool typed)
{
	struct image *dk = site_dwarf(s, site);

	if (kp(site)->absolute || !dk)
		return "";
	return fetch_dwarf_var_names(dk, kp(site)->addr, typed);
}

enum type_kind kprobe_statement_target(struct session *s, struct site *site, struct node *t)
{
	const char *name = t->u.target.name;
	struct image *dk = site_dwarf(s, site);

	if (kp(site)->absolute || !dk) {
		diag_error(t->loc, "%s: %s has no DWARF, so no target variables", name, site->pp);
		return TYPE_UNKNOWN;
	}
	if (t->u.target.written) {
		diag_error(t->loc, "can't write to %s: only parameters at function entry can be written", name);
		return TYPE_UNKNOWN;
	}
	return fetch_dwarf_var(dk, kp(site)->addr, site->pp, t);
}

bool kprobe_statement_defined(struct session *s, struct site *site, struct node *t)
{
	struct image *dk = site_dwarf(s, site);

	return !kp(site)->absolute && dk && fetch_dwarf_var_ok(dk, kp(site)->addr, t);
}

enum type_kind kprobe_statement_vars_text(struct session *s, struct site *site, struct node *t,
					  enum type_kind (*target)(struct session *, struct site *,
								   struct node *))
{
	struct image *dk = site_dwarf(s, site);

	if (kp(site)->absolute || !dk) {
		diag_error(t->loc, "%s: %s has no DWARF, so no target variables", t->u.target.name,
			   site->pp);
		return TYPE_UNKNOWN;
	}
	return fetch_dwarf_vars_text(s, site, dk, kp(site)->addr, site->pp, t, target);
}
