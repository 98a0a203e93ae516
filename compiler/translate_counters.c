/* Pass 3: which scalar globals become per-CPU counters.
 *
 * A global that ordinary probes (everything but begin/end/error) only
 * change with `n++`, `n--`, `++n`, `--n`, `n += e` or `n -= e` as whole
 * statements, never read, needs no lock: each CPU adds to its own slot
 * (tapc_pcount_add, one instruction) and begin/end/error probes, which
 * never run alongside ordinary ones, read the sum or set it.  That is the
 * common shape of counting scripts (`n++` in a probe, print in end) and
 * it stays correct when the probe fires on all CPUs at once.
 *
 * Anything else disqualifies the global: a read or another kind of write
 * in an ordinary probe, a use in a function (functions run from any
 * probe), `delete`, an assignment other than =, +=, -= in begin/end/error,
 * or an initializer (kept simple: it would need a set at load time).
 */
#define _GNU_SOURCE
#include <stdlib.h>

#include "diag.h"
#include "provider.h"
#include "translate_int.h"

/* Per global (by position in p->globals) while scanning. */
struct cscan {
	struct symbol **globals;
	int n;
	int *refs;			/* VAR nodes naming it in ordinary probes */
	int *updates;			/* statement-level n++ / n += e there */
	bool *bad;
};

static int global_pos(const struct cscan *cs, const struct symbol *sym)
{
	int i;

	if (!sym || sym->kind != SYM_GLOBAL)
		return -1;
	for (i = 0; i < cs->n; i++)
		if (cs->globals[i] == sym)
			return i;
	return -1;
}

static struct symbol *var_sym(const struct node *n)
{
	return n && n->kind == NODE_VAR ? n->u.var.sym : NULL;
}

/* The counter a statement-level expression updates, or NULL. */
static struct symbol *update_target(const struct node *x)
{
	if (x->kind == NODE_INCDEC)
		return var_sym(x->u.incdec.operand);
	if (x->kind == NODE_ASSIGN && (x->u.assign.op == ASSIGN_ADD || x->u.assign.op == ASSIGN_SUB))
		return var_sym(x->u.assign.left);
	return NULL;
}

static void scan_ordinary(struct node *n, void *arg)
{
	struct cscan *cs = arg;
	int i;

	if (n->kind == NODE_VAR && (i = global_pos(cs, n->u.var.sym)) >= 0)
		cs->refs[i]++;
	else if (n->kind == NODE_EXPRSTMT && (i = global_pos(cs, update_target(n->u.expr.expr))) >= 0)
		cs->updates[i]++;
	else if (n->kind == NODE_DELETE && (i = global_pos(cs, var_sym(n->u.del.target))) >= 0)
		cs->bad[i] = true;
}

/* begin/end/error: reads and =, +=, -=, ++, -- are fine. */
static void scan_simple(struct node *n, void *arg)
{
	struct cscan *cs = arg;
	int i;

	if (n->kind == NODE_ASSIGN && (i = global_pos(cs, var_sym(n->u.assign.left))) >= 0 &&
	    n->u.assign.op != ASSIGN_SET && n->u.assign.op != ASSIGN_ADD && n->u.assign.op != ASSIGN_SUB)
		cs->bad[i] = true;
	else if (n->kind == NODE_DELETE && (i = global_pos(cs, var_sym(n->u.del.target))) >= 0)
		cs->bad[i] = true;
}

static void scan_function(struct node *n, void *arg)
{
	struct cscan *cs = arg;
	int i;

	if (n->kind == NODE_VAR && (i = global_pos(cs, n->u.var.sym)) >= 0)
		cs->bad[i] = true;
}

bool probe_is_simple(const struct rprobe *pr)
{
	const struct site *site;

	for (site = pr->sites; site; site = site->next)
		if (!site->ops->simple)
			return false;
	return true;
}

void find_counters(struct tx *t)
{
	struct cscan cs = { 0 };
	struct symbol *g;
	struct rprobe *pr;
	struct rfunc *fn;
	int i;

	for (g = t->p->globals; g; g = g->next)
		cs.n++;
	cs.globals = calloc(cs.n + 1, sizeof(*cs.globals));
	cs.refs = calloc(cs.n + 1, sizeof(int));
	cs.updates = calloc(cs.n + 1, sizeof(int));
	cs.bad = calloc(cs.n + 1, sizeof(bool));
	if (!cs.globals || !cs.refs || !cs.updates || !cs.bad)
		die("out of memory");
	for (g = t->p->globals, i = 0; g; g = g->next, i++) {
		cs.globals[i] = g;
		if (g->arity != 0 || g->type != TYPE_LONG || (g->decl && g->decl->u.global.init))
			cs.bad[i] = true;
	}
	for (pr = t->p->probes; pr; pr = pr->next)
		node_visit(pr->body, probe_is_simple(pr) ? scan_simple : scan_ordinary, &cs);
	for (fn = t->p->funcs; fn; fn = fn->next)
		if (fn->decl->u.func.body)
			node_visit(fn->decl->u.func.body, scan_function, &cs);
	for (i = 0; i < cs.n; i++) {
		if (cs.bad[i] || cs.refs[i] != cs.updates[i] || !cs.updates[i])
			continue;
		t->counters = realloc(t->counters, (t->ncounters + 1) * sizeof(*t->counters));
		if (!t->counters)
			die("out of memory");
		t->counters[t->ncounters++] = cs.globals[i];
	}
	free(cs.globals);
	free(cs.refs);
	free(cs.updates);
	free(cs.bad);
}

bool is_counter(const struct tx *t, const struct symbol *sym)
{
	int i;

	for (i = 0; i < t->ncounters; i++)
		if (t->counters[i] == sym)
			return true;
	return false;
}
