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

/* Per global (by its index, its position in p->globals) while scanning. */
struct cscan {
	int n;
	int *refs;			/* VAR nodes naming it in ordinary probes */
	int *updates;			/* statement-level n++ / n += e there */
	bool *bad;
};

static int global_pos(const struct cscan *cs, const struct symbol *sym)
{
	if (!sym || sym->kind != SYM_GLOBAL || sym->index >= cs->n)
		return -1;
	return sym->index;
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

	cs.n = t->nglobals;
	cs.refs = calloc(cs.n + 1, sizeof(int));
	cs.updates = calloc(cs.n + 1, sizeof(int));
	cs.bad = calloc(cs.n + 1, sizeof(bool));
	t->counter = calloc(cs.n + 1, sizeof(bool));
	if (!cs.refs || !cs.updates || !cs.bad || !t->counter)
		die("out of memory");
	for (g = t->p->globals; g; g = g->next)
		if (g->arity != 0 || g->type != TYPE_LONG || (g->decl && g->decl->u.global.init))
			cs.bad[g->index] = true;
	for (pr = t->p->probes; pr; pr = pr->next)
		node_visit(pr->body, probe_is_simple(pr) ? scan_simple : scan_ordinary, &cs);
	for (fn = t->p->funcs; fn; fn = fn->next)
		if (fn->decl->u.func.body)
			node_visit(fn->decl->u.func.body, scan_function, &cs);
	for (i = 0; i < cs.n; i++)
		t->counter[i] = !cs.bad[i] && cs.refs[i] == cs.updates[i] && cs.updates[i];
	free(cs.refs);
	free(cs.updates);
	free(cs.bad);
}

bool is_counter(const struct tx *t, const struct symbol *sym)
{
	return sym->kind == SYM_GLOBAL && sym->index < t->nglobals && t->counter[sym->index];
}
