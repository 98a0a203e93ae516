/* kernel.data(ADDR|"SYMBOL")[.length(N)].write|.rw: hardware watchpoints
 * (the CPU's debug registers) on kernel data, as SystemTap has them.
 *
 * The probe runs after each write (.write) or read or write (.rw) of the
 * watched bytes, on the CPU that made it.  ADDR is a kernel address;
 * "SYMBOL" a kernel data symbol, found when the module starts (the
 * kernel's address layout is only known then).  .length(N) only with an
 * address, as in stap: N rounded up to what the CPU watches (1, 2, 4 or
 * 8 bytes; the default 1).  No target variables.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "provider.h"

extern const struct provider_ops hwbkpt_provider;

#define MAX_LEN 8		/* x86-64's widest watchpoint */

struct hwbkpt_site {
	unsigned long long addr;	/* when symbol is NULL */
	const char *symbol;
	int len;
	bool rw;
};

static inline struct hwbkpt_site *hw(const struct site *site)
{
	return site->priv;
}

/* The point's text with an address in hex, as a kernel address is read
 * (pp_text() shows numbers signed: a kernel address is negative). */
static const char *hw_text(const struct node *point)
{
	const struct node *c;
	char *out = "";

	for (c = point->u.pp.comps; c; c = c->next) {
		const struct node *a = c->u.comp.arg;
		const char *dot = c == point->u.pp.comps ? "" : ".";

		if (a && a->kind == NODE_NUM && !strcmp(c->u.comp.name, "data"))
			out = arena_printf("%s%s%s(0x%llx)", out, dot, c->u.comp.name,
					   (unsigned long long)a->u.num.value);
		else if (a && a->kind == NODE_NUM)
			out = arena_printf("%s%s%s(%lld)", out, dot, c->u.comp.name,
					   (long long)a->u.num.value);
		else if (a)
			out = arena_printf("%s%s%s(\"%s\")", out, dot, c->u.comp.name, a->u.str.value);
		else
			out = arena_printf("%s%s%s", out, dot, c->u.comp.name);
	}
	return out;
}

static int no_match(struct node *point, struct loc at)
{
	diag_error(at, "no match for probe point %s (expected kernel.data(ADDRESS)[.length(N)].write, "
		   "kernel.data(ADDRESS)[.length(N)].rw, kernel.data(\"SYMBOL\").write or "
		   "kernel.data(\"SYMBOL\").rw)", hw_text(point));
	return -1;
}

/* A symbol name kallsyms can hold: it only goes into a C string, but a
 * name that can't be a symbol is better refused here than at start. */
static bool symbol_name(const char *s)
{
	if (!*s || strlen(s) > 127)
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '.' || (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* The watched length the CPU has for n bytes: the next power of two. */
static int watch_len(long long n)
{
	int len = 1;

	while (len < n)
		len *= 2;
	return len;
}

static bool data_arg(struct node *point, const struct node *c, struct hwbkpt_site *hs)
{
	const struct node *a = c->u.comp.arg;

	if (!a) {
		no_match(point, c->loc);
		return false;
	}
	if (a->kind == NODE_STR) {
		if (!symbol_name(a->u.str.value)) {
			diag_error(a->loc, "\"%s\" is not a kernel symbol name", a->u.str.value);
			return false;
		}
		hs->symbol = arena_strdup(a->u.str.value);
		return true;
	}
	if (a->kind != NODE_NUM) {
		no_match(point, a->loc);
		return false;
	}
	if (a->u.num.value == 0) {
		diag_error(a->loc, "kernel.data(0): no data at address 0");
		return false;
	}
	hs->addr = (unsigned long long)a->u.num.value;
	return true;
}

static int hwbkpt_expand(struct session *s, struct rprobe *p, struct node *point)
{
	const struct node *comps[5];
	int n = pp_comps(point, comps, 5), i = 2;
	struct hwbkpt_site hs = { .len = 1 };
	struct site *site;

	(void)s;
	if (n < 3 || n > 4)
		return no_match(point, n < 3 ? point->loc : comps[4]->loc);
	if (!data_arg(point, comps[1], &hs))
		return -1;
	if (!strcmp(comps[2]->u.comp.name, "length")) {
		const struct node *a = comps[2]->u.comp.arg;

		if (!a || a->kind != NODE_NUM)
			return no_match(point, comps[2]->loc);
		if (hs.symbol) {
			diag_error(comps[2]->loc, "kernel.data(\"SYMBOL\") takes no .length: it watches "
				   "the symbol's first byte (give its address for more)");
			return -1;
		}
		if (a->u.num.value < 1 || a->u.num.value > MAX_LEN) {
			diag_error(a->loc, "a hardware watchpoint covers 1 to %d bytes on this "
				   "architecture, not %lld", MAX_LEN, (long long)a->u.num.value);
			return -1;
		}
		hs.len = watch_len(a->u.num.value);
		i = 3;
	}
	if (i != n - 1 || comps[i]->u.comp.arg ||
	    (strcmp(comps[i]->u.comp.name, "write") && strcmp(comps[i]->u.comp.name, "rw")))
		return no_match(point, comps[i < n ? i : n - 1]->loc);
	hs.rw = !strcmp(comps[i]->u.comp.name, "rw");
	/* the CPU watches aligned bytes only */
	if (!hs.symbol && hs.addr % (unsigned long long)hs.len) {
		diag_error(comps[1]->u.comp.arg->loc, "address 0x%llx is not aligned to the watched "
			   "length %d", hs.addr, hs.len);
		return -1;
	}
	site = site_add(p, &hwbkpt_provider, point, hw_text(point));
	site->priv = arena_alloc(sizeof(hs));
	*hw(site) = hs;
	return 1;
}

static void hwbkpt_tables(struct emitter *e, const struct rprogram *p)
{
	const struct rprobe *pr;
	const struct site *site;

	if (!provider_count_sites(p, &hwbkpt_provider))
		return;
	emit(e, "static struct tapc_hwbkpt_site tapc_hwbkpt_sites[] = {");
	for (pr = p->probes; pr; pr = pr->next) {
		for (site = pr->sites; site; site = site->next) {
			char *pp, *sym = NULL;

			if (site->ops != &hwbkpt_provider)
				continue;
			pp = c_string(site->pp, strlen(site->pp));
			if (hw(site)->symbol)
				sym = c_string(hw(site)->symbol, strlen(hw(site)->symbol));
			emit(e, "{ .addr = 0x%llxUL, .symbol = %s, .len = %d, .rw = %s, .optional = %s, "
			     ".pp = %s, .handler = %s },", hw(site)->addr, sym ? sym : "NULL", hw(site)->len,
			     hw(site)->rw ? "true" : "false", site->optional ? "true" : "false", pp,
			     handler_name(pr));
			free(sym);
			free(pp);
		}
	}
	emit(e, "};");
	emit(e, "%s", "");
}

const struct provider_ops hwbkpt_provider = {
	.family = "hwbkpt",
	.paths = (const char *const[]){ "kernel.data", NULL },
	.expand = hwbkpt_expand,
	.runtime = "hwbkpt",
	.emit_tables = hwbkpt_tables,
};
