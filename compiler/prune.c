/* Pass 2 optimiser: fold constants, drop what nothing uses.
 *
 * Functions not reachable from a probe (tapset functions pulled in by an
 * unused user function, helpers nobody calls) and globals that kept code
 * never mentions are removed, so pass 3 emits neither.  An assignment to a
 * local nothing reads keeps only its value, and a statement that is only
 * a side-effect-free expression goes, each with stap's warning, until
 * nothing more goes; calls of pure functions (stap's rule: no global
 * written, no output, embedded C marked pure) and sprintf() are
 * side-effect-free, so an alias's unused argstr costs nothing.  A probe
 * whose body is left doing nothing goes too, with a warning as stap's.
 * -u keeps everything.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "builtins.h"

#include "diag.h"
#include "recipe.h"
#include "resolve.h"
#include "session.h"

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

/* Which functions do nothing but compute their value, as stap decides
 * before it drops an unused call: no global written, nothing printed, no
 * built-in that can raise an error, no call of one that does; embedded C
 * only when its tapset marks it pure (stap's "may be elided").  Computed
 * once per function, a recursive one counting as impure. */
struct purity {
	const struct rfunc **fn;
	signed char *state;		/* 0 unknown, 1 pure, -1 not, 2 deciding */
	size_t n;
};

static bool pure(const struct node *n, struct purity *pu);

static bool fn_pure(const struct rfunc *fn, struct purity *pu);
static bool pure_call_kind(const struct node *n, struct purity *pu);

struct effects {
	struct purity *pu;
	bool any;
};

static bool global_target(const struct node *n)
{
	if (n->kind == NODE_INDEX)
		n = n->u.index.base;
	return n->kind != NODE_VAR || !n->u.var.sym ||
	       (n->u.var.sym->kind != SYM_LOCAL && n->u.var.sym->kind != SYM_PARAM);
}

static void find_effects(struct node *n, void *arg)
{
	struct effects *ef = arg;

	switch (n->kind) {
	case NODE_ASSIGN:
		ef->any |= global_target(n->u.assign.left);
		break;
	case NODE_INCDEC:
		ef->any |= global_target(n->u.incdec.operand);
		break;
	case NODE_DELETE:
		ef->any |= global_target(n->u.del.target);
		break;
	case NODE_PRINT:
	case NODE_CALL:
		ef->any |= !pure_call_kind(n, ef->pu);
		break;
	case NODE_TARGET:
	case NODE_EMBEDDED_EXPR:
		ef->any = true;
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_VAR: case NODE_INDEX: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY:
	case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST:
	case NODE_DEFINED: case NODE_ENTRY: case NODE_WILDCARD: case NODE_KIND_COUNT:
		break;
	}
}

static bool fn_pure(const struct rfunc *fn, struct purity *pu)
{
	const struct node *body = fn->decl->u.func.body;
	struct effects ef = { pu, false };
	size_t i;

	for (i = 0; i < pu->n && pu->fn[i] != fn; i++)
		;
	if (i == pu->n)
		return false;
	if (pu->state[i])
		return pu->state[i] == 1;
	pu->state[i] = 2;
	if (!body)
		ef.any = true;
	else if (body->kind == NODE_EMBEDDED)
		ef.any = !strstr(body->u.embedded.code, "/* pure */");
	else
		node_visit((struct node *)body, find_effects, &ef);
	pu->state[i] = ef.any ? -1 : 1;
	return !ef.any;
}

/* A call or print, its arguments aside: sprintf() and the pure
 * functions have no effect. */
static bool pure_call_kind(const struct node *n, struct purity *pu)
{
	const struct symbol *sym;

	if (!pu)
		return false;
	if (n->kind == NODE_PRINT)
		return n->u.print.which == PRINT_SPRINT || n->u.print.which == PRINT_SPRINTLN ||
		       n->u.print.which == PRINT_SPRINTF || n->u.print.which == PRINT_SPRINTD ||
		       n->u.print.which == PRINT_SPRINTDLN;
	sym = n->u.call.sym;
	if (!sym)
		return false;
	/* a built-in that can raise an error names its location ($L): a
	 * fault must still be raised (and caught) where nothing reads the
	 * value; embedded C marked pure may go, as in stap */
	if (sym->kind == SYM_BUILTIN)
		return sym->builtin && sym->builtin->form != BUILTIN_STMT &&
		       sym->builtin->form != BUILTIN_RAISE && !strstr(sym->builtin->tmpl, "$L");
	return sym->kind == SYM_FUNCTION && sym->func && fn_pure(sym->func, pu);
}

static bool pure_list(const struct node *n, struct purity *pu)
{
	for (; n; n = n->next)
		if (!pure(n, pu))
			return false;
	return true;
}

/* Could evaluating N do anything but produce its value?  Target reads
 * (unless their provider says they can't fault), writes, prints and
 * impure calls count as effects;
 * without pu every call and print does. */
static bool pure(const struct node *n, struct purity *pu)
{
	if (!n)
		return true;
	switch (n->kind) {
	case NODE_NUM: case NODE_STR: case NODE_VAR:
		return true;
	case NODE_BINARY:
		return pure(n->u.bin.left, pu) && pure(n->u.bin.right, pu);
	case NODE_LOGICAL:
		return pure(n->u.logical.left, pu) && pure(n->u.logical.right, pu);
	case NODE_UNARY:
		return n->u.un.op != UN_ADDR && pure(n->u.un.operand, pu);
	case NODE_TERNARY:
		return pure(n->u.ternary.cond, pu) && pure(n->u.ternary.then, pu) &&
		       pure(n->u.ternary.els, pu);
	case NODE_REGEX:
		return pure(n->u.regex.left, pu);
	case NODE_INDEX: case NODE_IN:
		if (n->u.index.base->kind != NODE_VAR)
			return false;
		return pure_list(n->u.index.keys, pu);
	case NODE_TARGET:
		return n->u.target.resolved && !n->u.target.resolved->may_fail;
	case NODE_CALL:
		return pure_call_kind(n, pu) && pure_list(n->u.call.args, pu);
	case NODE_PRINT:
		return pure_call_kind(n, pu) && pure_list(n->u.print.args, pu);
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_INCDEC: case NODE_ASSIGN:
	case NODE_STAT_OP: case NODE_HIST: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return false;
	}
	die("pure: bad node kind %d", (int)n->kind);
}

/* stap warns about the user's code only, not what an alias brought in. */
struct elide {
	const char *file;		/* the user's file; NULL: warn nowhere */
	struct purity *pu;
	bool changed;
};

static void elide_warn(const struct elide *e, struct loc loc, const char *fmt, const char *arg)
{
	if (e->file && loc.file == e->file)
		diag_warning(loc, fmt, arg);
}

static void find_global(struct node *n, void *arg)
{
	bool *any = arg;

	if ((n->kind == NODE_VAR && n->u.var.sym && n->u.var.sym->kind == SYM_GLOBAL) ||
	    (n->kind == NODE_INDEX && n->u.index.base->kind == NODE_VAR &&
	     n->u.index.base->u.var.sym && n->u.index.base->u.var.sym->kind == SYM_GLOBAL))
		*any = true;
}

static bool reads_global(struct node *n)
{
	bool any = false;

	node_visit(n, find_global, &any);
	return any;
}

/* A statement that does nothing: an empty block, or blocks of those. */
static bool empty_stmt(const struct node *n)
{
	if (!n)
		return true;
	if (n->kind != NODE_BLOCK)
		return false;
	for (n = n->u.block.stmts; n; n = n->next)
		if (!empty_stmt(n))
			return false;
	return true;
}

static void elide_stmts(struct node *n, struct elide *e)
{
	for (; n; n = n->next) {
		switch (n->kind) {
		case NODE_BLOCK: elide_stmts(n->u.block.stmts, e); break;
		case NODE_IF:
			elide_stmts(n->u.if_.then, e);
			elide_stmts(n->u.if_.els, e);
			/* an alias's `if (c) argstr = ...` once argstr went;
			 * not a probe condition's `if (global)`: the global
			 * stays, as stap keeps it */
			if (empty_stmt(n->u.if_.then) && empty_stmt(n->u.if_.els) &&
			    pure(n->u.if_.cond, NULL) && !reads_global(n->u.if_.cond)) {
				n->kind = NODE_BLOCK;
				n->u.block.stmts = NULL;
				e->changed = true;
			}
			break;
		case NODE_WHILE: case NODE_FOR: elide_stmts(n->u.loop.body, e); break;
		case NODE_FOREACH: elide_stmts(n->u.foreach.body, e); break;
		case NODE_TRY:
			elide_stmts(n->u.try_.body, e);
			elide_stmts(n->u.try_.handler, e);
			break;
		case NODE_EXPRSTMT: {
			struct node *x = n->u.expr.expr;
			/* a call the user wrote as a statement stays (its
			 * arguments are still type-checked); one whose value
			 * nothing reads goes when it is pure */
			struct purity *calls = NULL;

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
				e->changed = true;
				calls = e->pu;
			}
			if (pure(x, calls)) {
				elide_warn(e, x->loc, "eliding side-effect-free expression", NULL);
				n->kind = NODE_BLOCK;
				n->u.block.stmts = NULL;
				e->changed = true;
			}
			break;
		}
		case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
		case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
		case NODE_NULLSTMT: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
		case NODE_CONTINUE: case NODE_NEXT: case NODE_NUM: case NODE_STR:
		case NODE_VAR: case NODE_INDEX: case NODE_CALL: case NODE_PRINT:
		case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
		case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX:
		case NODE_STAT_OP: case NODE_HIST: case NODE_TARGET: case NODE_DEFINED:
		case NODE_ENTRY: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD:
		case NODE_KIND_COUNT:
			break;
		}
	}
}

/* Which locals the kept code still reads: every mention but the target
 * of a plain assignment (node_visit() visits that right after its
 * assignment). */
struct reads {
	const struct node *lhs;
};

static void mark_read(struct node *n, void *arg)
{
	struct reads *rd = arg;

	if (n->kind == NODE_ASSIGN && n->u.assign.op == ASSIGN_SET) {
		rd->lhs = n->u.assign.left;
		return;
	}
	if (n->kind == NODE_VAR && n != rd->lhs && n->u.var.sym && n->u.var.sym->kind == SYM_LOCAL)
		n->u.var.sym->read = true;
}

/* Elide until nothing changes: dropping `argstr = sprintf(.., x)` leaves
 * `x = f(y)` unread in turn (a syscall alias's chain of variables). */
static void elide_body(struct node *body, struct symbol *locals, struct elide *e)
{
	struct reads rd = { NULL };
	struct symbol *l;

	elide_stmts(body, e);
	while (e->changed) {
		e->changed = false;
		for (l = locals; l; l = l->next)
			if (l->kind == SYM_LOCAL)
				l->read = false;
		node_visit(body, mark_read, &rd);
		elide_stmts(body, e);
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
		if (n->kind == NODE_IF && pure(n->u.if_.cond, NULL) && stmts_empty(n->u.if_.then) &&
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
	struct purity pu = { 0 };

	for (fn = p->funcs; fn; fn = fn->next)
		pu.n++;
	pu.fn = calloc(pu.n ? pu.n : 1, sizeof(*pu.fn));
	pu.state = calloc(pu.n ? pu.n : 1, sizeof(*pu.state));
	if (!pu.fn || !pu.state)
		die("out of memory");
	pu.n = 0;
	for (fn = p->funcs; fn; fn = fn->next)
		pu.fn[pu.n++] = fn;
	for (pr = p->probes; pr; pr = pr->next) {
		struct elide e = { pr->decl->from_tapset ? NULL : pr->decl->loc.file, &pu, false };

		node_visit(pr->body, fold_node, NULL);
		elide_body(pr->body, pr->locals, &e);
		drop_locals(&pr->locals, pr->body);
	}
	for (fn = p->funcs; fn; fn = fn->next)
		if (fn->resolved && fn->decl->u.func.body && fn->decl->u.func.body->kind != NODE_EMBEDDED) {
			struct elide e = { fn->decl->from_tapset ? NULL : fn->decl->loc.file, &pu, false };

			node_visit(fn->decl->u.func.body, fold_node, NULL);
			elide_body(fn->decl->u.func.body, fn->locals, &e);
			drop_locals(&fn->locals, fn->decl->u.func.body);
		}
	free(pu.fn);
	free(pu.state);
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
