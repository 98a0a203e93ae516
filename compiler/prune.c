/* Pass 2 optimiser: fold constants, drop what nothing uses.
 *
 * Functions not reachable from a probe (tapset functions pulled in by an
 * unused user function, helpers nobody calls) and globals that kept code
 * never mentions are removed, so pass 3 emits neither.  An assignment to a
 * local nothing reads keeps only its value, a statement that is only a
 * side-effect-free expression goes, and so does a probe whose body is left
 * doing nothing, each with a warning as stap's.  -u keeps everything.
 * node_visit(), the generic walk over a body, lives here too.
 */
#include <stdint.h>

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

/* ---- constant folding ---- */

static bool fold_binary(enum binop op, int64_t a, int64_t b, int64_t *r)
{
	uint64_t ua = (uint64_t)a, ub = (uint64_t)b;

	switch (op) {
	case BIN_ADD: *r = (int64_t)(ua + ub); return true;
	case BIN_SUB: *r = (int64_t)(ua - ub); return true;
	case BIN_MUL: *r = (int64_t)(ua * ub); return true;
	case BIN_DIV:
	case BIN_MOD:
		/* x/0 stays: it is a run-time error with a position */
		if (b == 0)
			return false;
		if (b == -1)
			*r = op == BIN_DIV ? (int64_t)(0 - ua) : 0;
		else
			*r = op == BIN_DIV ? a / b : a % b;
		return true;
	case BIN_SHL: *r = (int64_t)(ua << (b & 63)); return true;
	case BIN_SHR: *r = a >> (b & 63); return true;
	case BIN_USHR: *r = (int64_t)(ua >> (b & 63)); return true;
	case BIN_AND: *r = a & b; return true;
	case BIN_OR: *r = a | b; return true;
	case BIN_XOR: *r = a ^ b; return true;
	case BIN_LT: *r = a < b; return true;
	case BIN_LE: *r = a <= b; return true;
	case BIN_GT: *r = a > b; return true;
	case BIN_GE: *r = a >= b; return true;
	case BIN_EQ: *r = a == b; return true;
	case BIN_NE: *r = a != b; return true;
	case BIN_CONCAT: return false;
	}
	return false;
}

static void to_num(struct node *n, int64_t v)
{
	n->kind = NODE_NUM;
	n->u.num.value = v;
}

/* Fold integer operators on literals, bottom-up, in place. */
static void fold(struct node *n)
{
	int64_t r;

	if (!n)
		return;
	switch (n->kind) {
	case NODE_BINARY:
		fold(n->u.bin.left);
		fold(n->u.bin.right);
		if (n->u.bin.left->kind == NODE_NUM && n->u.bin.right->kind == NODE_NUM &&
		    fold_binary(n->u.bin.op, n->u.bin.left->u.num.value, n->u.bin.right->u.num.value, &r))
			to_num(n, r);
		break;
	case NODE_UNARY:
		fold(n->u.un.operand);
		if (n->u.un.operand->kind != NODE_NUM || n->u.un.op == UN_ADDR)
			break;
		r = n->u.un.operand->u.num.value;
		switch (n->u.un.op) {
		case UN_NEG: r = (int64_t)(0 - (uint64_t)r); break;
		case UN_NOT: r = !r; break;
		case UN_BITNOT: r = ~r; break;
		case UN_PLUS:
		case UN_ADDR: break;
		}
		to_num(n, r);
		break;
	case NODE_LOGICAL:
		fold(n->u.logical.left);
		fold(n->u.logical.right);
		if (n->u.logical.left->kind == NODE_NUM && n->u.logical.right->kind == NODE_NUM) {
			int64_t a = n->u.logical.left->u.num.value, b = n->u.logical.right->u.num.value;

			to_num(n, n->u.logical.is_and ? (a && b) : (a || b));
		}
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_VAR: case NODE_INDEX: case NODE_CALL: case NODE_PRINT: case NODE_INCDEC:
	case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
	case NODE_HIST: case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		break;
	}
}

static void fold_node(struct node *n, void *arg)
{
	(void)arg;
	fold(n);
}

/* ---- dead statements ---- */

/* Could evaluating N do anything but produce its value?  Calls, target
 * reads (they may fault), writes, prints and embedded C count as effects. */
static bool pure(const struct node *n)
{
	if (!n)
		return true;
	switch (n->kind) {
	case NODE_NUM: case NODE_STR: case NODE_VAR:
		return true;
	case NODE_BINARY:
		return pure(n->u.bin.left) && pure(n->u.bin.right);
	case NODE_LOGICAL:
		return pure(n->u.logical.left) && pure(n->u.logical.right);
	case NODE_UNARY:
		return n->u.un.op != UN_ADDR && pure(n->u.un.operand);
	case NODE_TERNARY:
		return pure(n->u.ternary.cond) && pure(n->u.ternary.then) && pure(n->u.ternary.els);
	case NODE_REGEX:
		return pure(n->u.regex.left);
	case NODE_INDEX: case NODE_IN:
		if (n->u.index.base->kind != NODE_VAR)
			return false;
		for (const struct node *k = n->u.index.keys; k; k = k->next)
			if (!pure(k))
				return false;
		return true;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_CALL: case NODE_PRINT:
	case NODE_INCDEC: case NODE_ASSIGN: case NODE_STAT_OP: case NODE_HIST: case NODE_TARGET:
	case NODE_DEFINED: case NODE_ENTRY: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD:
	case NODE_KIND_COUNT:
		return false;
	}
	die("pure: bad node kind %d", (int)n->kind);
}

/* stap warns about the user's code only, not what an alias brought in. */
struct elide {
	const char *file;		/* the user's file; NULL: warn nowhere */
};

static void elide_warn(const struct elide *e, struct loc loc, const char *fmt, const char *arg)
{
	if (e->file && loc.file == e->file)
		diag_warning(loc, fmt, arg);
}

static void elide_stmts(struct node *n, const struct elide *e)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case NODE_BLOCK: elide_stmts(n->u.block.stmts, e); break;
		case NODE_IF:
			elide_stmts(n->u.if_.then, e);
			elide_stmts(n->u.if_.els, e);
			break;
		case NODE_WHILE: case NODE_FOR: elide_stmts(n->u.loop.body, e); break;
		case NODE_FOREACH: elide_stmts(n->u.foreach.body, e); break;
		case NODE_TRY:
			elide_stmts(n->u.try_.body, e);
			elide_stmts(n->u.try_.handler, e);
			break;
		case NODE_EXPRSTMT: {
			struct node *x = n->u.expr.expr;

			/* x <<< v too: a local nothing reads (an error to keep,
			 * statistics are globals, but stap drops it first);
			 * and again for a = b = v */
			while (x->kind == NODE_ASSIGN &&
			    (x->u.assign.op == ASSIGN_SET || x->u.assign.op == ASSIGN_AGG) &&
			    x->u.assign.left->kind == NODE_VAR && x->u.assign.left->u.var.sym &&
			    x->u.assign.left->u.var.sym->kind == SYM_LOCAL &&
			    !x->u.assign.left->u.var.sym->read) {
				elide_warn(e, x->loc, "eliding assignment to '%s'", x->u.assign.left->u.var.sym->name);
				x = n->u.expr.expr = x->u.assign.right;
			}
			if (pure(x)) {
				elide_warn(e, x->loc, "eliding side-effect-free expression", NULL);
				n->kind = NODE_BLOCK;
				n->u.block.stmts = NULL;
			}
			break;
		}
		case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
		case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
		case NODE_NULLSTMT: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
		case NODE_CONTINUE: case NODE_NEXT: case NODE_NUM: case NODE_STR: case NODE_VAR:
		case NODE_INDEX: case NODE_CALL: case NODE_PRINT: case NODE_BINARY:
		case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC: case NODE_ASSIGN:
		case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
		case NODE_HIST: case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:
		case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
			break;
		}
	}
}

static void mark_local(struct node *n, void *arg)
{
	(void)arg;
	if (n->kind == NODE_VAR && n->u.var.sym && n->u.var.sym->kind == SYM_LOCAL)
		n->u.var.sym->used = true;
}

/* Drop the locals (not parameters) elision left unmentioned in BODY. */
static void drop_locals(struct symbol **list, struct node *body)
{
	for (struct symbol *l = *list; l; l = l->next)
		if (l->kind == SYM_LOCAL)
			l->used = false;
	node_visit(body, mark_local, NULL);
	while (*list) {
		if ((*list)->kind == SYM_LOCAL && !(*list)->used)
			*list = (*list)->next;
		else
			list = &(*list)->next;
	}
}

/* Does running the statements N do nothing?  What elision leaves of a
 * body: empty blocks, ifs over pure conditions with empty branches, and
 * ifs whose folded condition takes an empty branch. */
static bool stmts_empty(const struct node *n)
{
	for (; n; n = n->next) {
		if (n->kind == NODE_BLOCK && stmts_empty(n->u.block.stmts))
			continue;
		if (n->kind == NODE_NULLSTMT)
			continue;
		if (n->kind == NODE_IF && n->u.if_.cond->kind == NODE_NUM &&
		    stmts_empty(n->u.if_.cond->u.num.value ? n->u.if_.then : n->u.if_.els))
			continue;
		if (n->kind == NODE_IF && pure(n->u.if_.cond) && stmts_empty(n->u.if_.then) &&
		    stmts_empty(n->u.if_.els))
			continue;
		return false;
	}
	return true;
}

/* A probe whose body does nothing goes, with a warning, when other probes
 * are left to run (stap 5's probe elision).  When none would be left, all
 * stay with stap 4.8's "side-effect-free probe" warning: `probe
 * syscall.read { }` is a fine way to check a probe point, and dropping
 * everything would only turn it into "no probes found".  -t keeps them,
 * it counts their hits. */
static void elide_probes(struct rprogram *p)
{
	struct rprobe **pp = &p->probes, *pr;
	bool keep = true;

	for (pr = p->probes; pr; pr = pr->next)
		if (!stmts_empty(pr->body))
			keep = false;
	p->nprobes = 0;
	while ((pr = *pp)) {
		bool empty = stmts_empty(pr->body);
		bool warn = empty && !pr->decl->from_tapset && !pr->decl->synthetic;

		if (!empty || keep) {
			if (warn)
				diag_warning(pr->decl->loc, "side-effect-free probe %s",
					     pp_text(pr->decl->u.probe.points));
			pr->index = p->nprobes++;
			pp = &pr->next;
			continue;
		}
		if (warn)
			diag_warning(pr->decl->loc, "eliding probe %s: its body does nothing",
				     pp_text(pr->decl->u.probe.points));
		*pp = pr->next;
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

	for (pr = p->probes; pr; pr = pr->next) {
		struct elide e = { pr->decl->from_tapset ? NULL : pr->decl->loc.file };

		node_visit(pr->body, fold_node, NULL);
		elide_stmts(pr->body, &e);
		drop_locals(&pr->locals, pr->body);
	}
	for (fn = p->funcs; fn; fn = fn->next)
		if (fn->resolved && fn->decl->u.func.body && fn->decl->u.func.body->kind != NODE_EMBEDDED) {
			struct elide e = { fn->decl->from_tapset ? NULL : fn->decl->loc.file };

			node_visit(fn->decl->u.func.body, fold_node, NULL);
			elide_stmts(fn->decl->u.func.body, &e);
			drop_locals(&fn->locals, fn->decl->u.func.body);
		}
	if (!s->timing)
		elide_probes(p);
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
	/* stap warns about the user's own declarations only */
	for (fp = &p->funcs; *fp;) {
		if ((*fp)->sym->used) {
			fp = &(*fp)->next;
			continue;
		}
		if (!(*fp)->decl->from_tapset)
			diag_warning((*fp)->decl->loc, "eliding unused function '%s'", (*fp)->sym->name);
		*fp = (*fp)->next;
	}
	for (gp = &p->globals; *gp;) {
		if ((*gp)->used) {
			gp = &(*gp)->next;
			continue;
		}
		if ((*gp)->decl && !(*gp)->decl->from_tapset)
			diag_warning((*gp)->decl->loc, "eliding unused variable '%s'", (*gp)->name);
		*gp = (*gp)->next;
	}
}
