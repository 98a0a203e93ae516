/* Pass 2 optimiser: drop what nothing uses.
 *
 * Functions not reachable from a probe (tapset functions pulled in by an
 * unused user function, helpers nobody calls) and globals that kept code
 * never mentions are removed, so pass 3 emits neither.  -u keeps them.
 * node_visit(), the generic walk over a body, lives here too.
 */
#include "diag.h"
#include "resolve.h"
#include "session.h"

void node_visit(struct node *n, void (*fn)(struct node *, void *), void *arg)
{
	struct target_step *st;

	for (; n; n = n->next) {
		fn(n, arg);
		switch (n->kind) {
		case NODE_BLOCK: node_visit(n->u.block.stmts, fn, arg); break;
		case NODE_EXPRSTMT:
		case NODE_RETURN: node_visit(n->u.expr.expr, fn, arg); break;
		case NODE_IF:
			node_visit(n->u.if_.cond, fn, arg);
			node_visit(n->u.if_.then, fn, arg);
			node_visit(n->u.if_.els, fn, arg);
			break;
		case NODE_WHILE:
		case NODE_FOR:
			node_visit(n->u.loop.init, fn, arg);
			node_visit(n->u.loop.cond, fn, arg);
			node_visit(n->u.loop.step, fn, arg);
			node_visit(n->u.loop.body, fn, arg);
			break;
		case NODE_FOREACH:
			node_visit(n->u.foreach.value, fn, arg);
			node_visit(n->u.foreach.keys, fn, arg);
			node_visit(n->u.foreach.array, fn, arg);
			node_visit(n->u.foreach.slice, fn, arg);
			node_visit(n->u.foreach.limit, fn, arg);
			node_visit(n->u.foreach.body, fn, arg);
			break;
		case NODE_DELETE: node_visit(n->u.del.target, fn, arg); break;
		case NODE_TRY:
			node_visit(n->u.try_.body, fn, arg);
			node_visit(n->u.try_.catch_var, fn, arg);
			node_visit(n->u.try_.handler, fn, arg);
			break;
		case NODE_INDEX:
		case NODE_IN:
			node_visit(n->u.index.base, fn, arg);
			node_visit(n->u.index.keys, fn, arg);
			break;
		case NODE_CALL: node_visit(n->u.call.args, fn, arg); break;
		case NODE_PRINT:
			node_visit(n->u.print.fmt, fn, arg);
			node_visit(n->u.print.args, fn, arg);
			break;
		case NODE_BINARY:
			node_visit(n->u.bin.left, fn, arg);
			node_visit(n->u.bin.right, fn, arg);
			break;
		case NODE_LOGICAL:
			node_visit(n->u.logical.left, fn, arg);
			node_visit(n->u.logical.right, fn, arg);
			break;
		case NODE_UNARY: node_visit(n->u.un.operand, fn, arg); break;
		case NODE_INCDEC: node_visit(n->u.incdec.operand, fn, arg); break;
		case NODE_ASSIGN:
			node_visit(n->u.assign.left, fn, arg);
			node_visit(n->u.assign.right, fn, arg);
			break;
		case NODE_TERNARY:
			node_visit(n->u.ternary.cond, fn, arg);
			node_visit(n->u.ternary.then, fn, arg);
			node_visit(n->u.ternary.els, fn, arg);
			break;
		case NODE_REGEX: node_visit(n->u.regex.left, fn, arg); break;
		case NODE_STAT_OP:
			node_visit(n->u.stat.operand, fn, arg);
			node_visit(n->u.stat.arg, fn, arg);
			break;
		case NODE_HIST:
			node_visit(n->u.hist.operand, fn, arg);
			node_visit(n->u.hist.lo, fn, arg);
			node_visit(n->u.hist.hi, fn, arg);
			node_visit(n->u.hist.width, fn, arg);
			break;
		case NODE_TARGET:
			node_visit(n->u.target.cast_expr, fn, arg);
			for (st = n->u.target.steps; st; st = st->next)
				if (st->kind == STEP_INDEX)
					node_visit(st->index, fn, arg);
			break;
		case NODE_DEFINED:
		case NODE_ENTRY: node_visit(n->u.wrap.operand, fn, arg); break;
		case NODE_NULLSTMT:
		case NODE_BREAK:
		case NODE_CONTINUE:
		case NODE_NEXT:
		case NODE_NUM:
		case NODE_STR:
		case NODE_VAR:
		case NODE_EMBEDDED:
		case NODE_EMBEDDED_EXPR:
		case NODE_WILDCARD:
			break;
		case NODE_PROBE:
		case NODE_ALIAS:
		case NODE_GLOBAL:
		case NODE_FUNCTION:
		case NODE_PROBE_POINT:
		case NODE_PP_COMP:
		case NODE_PARAM:
		case NODE_KIND_COUNT:
			die("node_visit: unexpected %s", node_kind_names[n->kind]);
		}
	}
}

struct mark {
	bool changed;
};

static void mark_node(struct node *n, void *arg)
{
	struct mark *m = arg;
	struct symbol *sym = NULL;

	if (n->kind == NODE_VAR)
		sym = n->u.var.sym;
	else if (n->kind == NODE_CALL)
		sym = n->u.call.sym;
	if (sym && !sym->used) {
		sym->used = true;
		if (sym->kind == SYM_FUNCTION)
			m->changed = true;
	}
}

void prune(struct session *s, struct rprogram *p)
{
	struct mark m = { 0 };
	struct rprobe *pr;
	struct rfunc *fn, **fp;
	struct symbol *g, **gp;

	(void)s;
	for (g = p->globals; g; g = g->next)
		g->used = false;
	for (fn = p->funcs; fn; fn = fn->next)
		fn->sym->used = false;
	for (pr = p->probes; pr; pr = pr->next)
		node_visit(pr->body, mark_node, &m);
	do {
		m.changed = false;
		for (fn = p->funcs; fn; fn = fn->next)
			if (fn->sym->used && fn->resolved && fn->decl->u.func.body &&
			    fn->decl->u.func.body->kind != NODE_EMBEDDED)
				node_visit(fn->decl->u.func.body, mark_node, &m);
	} while (m.changed);
	for (fp = &p->funcs; *fp;) {
		if ((*fp)->sym->used)
			fp = &(*fp)->next;
		else
			*fp = (*fp)->next;
	}
	for (gp = &p->globals; *gp;) {
		if ((*gp)->used)
			gp = &(*gp)->next;
		else
			*gp = (*gp)->next;
	}
}
