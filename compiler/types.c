/* Pass 2 type inference.
 *
 * Every variable, array slot, parameter and function result has one type,
 * long or string (or stats for aggregates).  Types flow both ways: from
 * literals and operators into the symbols they touch, and from symbols into
 * uses that don't say.  We sweep every probe and function until nothing
 * changes (a call site may fix a parameter that fixes another function's
 * result...), then sweep once more to report conflicts, so each error is
 * reported once and with everything known.
 */
#include <string.h>

#include "builtins.h"
#include "diag.h"
#include "format.h"
#include "resolve.h"
#include "session.h"

struct tctx {
	bool report;
	bool changed;
	struct rfunc *func;		/* function being swept, for return */
};

static enum type_kind infer(struct tctx *t, struct node *n);

static const char *what_of(const struct node *n)
{
	switch (n->kind) {
	case NODE_VAR: return n->u.var.name;
	case NODE_INDEX: return n->u.index.base->kind == NODE_VAR ? n->u.index.base->u.var.name : NULL;
	case NODE_CALL: return n->u.call.name;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
	case NODE_HIST: case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return NULL;
	}
	die("what_of: bad node kind %d", (int)n->kind);
}

/* The symbol whose type a node shares, if any. */
static struct symbol *sym_of(const struct node *n)
{
	switch (n->kind) {
	case NODE_VAR: return n->u.var.sym;
	case NODE_INDEX: return n->u.index.base->kind == NODE_VAR ? n->u.index.base->u.var.sym : NULL;
	case NODE_CALL: return n->u.call.sym && n->u.call.sym->kind == SYM_FUNCTION ? n->u.call.sym : NULL;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
	case NODE_HIST: case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return NULL;
	}
	die("sym_of: bad node kind %d", (int)n->kind);
}

static void set_slot(struct tctx *t, enum type_kind *slot, struct loc *slot_loc,
		     enum type_kind ty, struct loc loc)
{
	if (ty == TYPE_UNKNOWN || ty == TYPE_VOID || *slot != TYPE_UNKNOWN)
		return;
	*slot = ty;
	*slot_loc = loc;
	t->changed = true;
}

/* Tell an untyped node what it must be. */
static void push(struct tctx *t, struct node *n, enum type_kind ty)
{
	struct symbol *sym;

	if (ty == TYPE_UNKNOWN || n->type != TYPE_UNKNOWN)
		return;
	switch (n->kind) {
	case NODE_VAR:
	case NODE_INDEX:
	case NODE_CALL:
		sym = sym_of(n);
		if (sym)
			set_slot(t, &sym->type, &sym->type_loc, ty, n->loc);
		break;
	case NODE_ASSIGN:
		push(t, n->u.assign.left, ty);
		push(t, n->u.assign.right, ty);
		break;
	case NODE_TERNARY:
		push(t, n->u.ternary.then, ty);
		push(t, n->u.ternary.els, ty);
		break;
	case NODE_ENTRY:
		push(t, n->u.wrap.operand, ty);
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_IN: case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST: case NODE_TARGET:
	case NODE_DEFINED: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return;
	}
	n->type = ty;
}

static void mismatch(struct tctx *t, struct node *n, enum type_kind want, const char *context)
{
	const char *name = what_of(n);
	struct symbol *sym = sym_of(n);

	if (!t->report)
		return;
	if (n->type == TYPE_VOID && name) {
		diag_error(n->loc, "function '%s' returns no value, but %s needs a %s", name,
			   context, type_name(want));
		return;
	}
	if (name)
		diag_error(n->loc, "type mismatch: %s needs a %s, but '%s' is a %s", context,
			   type_name(want), name, type_name(n->type));
	else
		diag_error(n->loc, "type mismatch: %s needs a %s, but this is a %s", context,
			   type_name(want), type_name(n->type));
	if (sym && sym->type_loc.file)
		diag_note(sym->type_loc, "'%s' was inferred to be a %s here", sym->name,
			  type_name(sym->type));
}

/* n must have type ty. */
static void expect(struct tctx *t, struct node *n, enum type_kind ty, const char *context)
{
	infer(t, n);
	if (n->type == TYPE_UNKNOWN)
		push(t, n, ty);
	else if (n->type != ty)
		mismatch(t, n, ty, context);
}

/* A slot (parameter, key, array value) and a node share one type. */
static void unify_slot(struct tctx *t, enum type_kind *slot, struct loc *slot_loc,
		       const char *slot_name, struct node *n)
{
	infer(t, n);
	if (n->type == TYPE_UNKNOWN) {
		push(t, n, *slot);
		return;
	}
	if (*slot == TYPE_UNKNOWN) {
		set_slot(t, slot, slot_loc, n->type, n->loc);
		return;
	}
	if (*slot != n->type && t->report) {
		if (n->type == TYPE_VOID)
			diag_error(n->loc, "function '%s' returns no value", what_of(n) ? what_of(n) : "?");
		else
			diag_error(n->loc, "type mismatch: %s is a %s, but this is a %s", slot_name,
				   type_name(*slot), type_name(n->type));
		diag_note(*slot_loc, "%s was inferred to be a %s here", slot_name, type_name(*slot));
	}
}

/* Both sides of = == ?: have one type. */
static void unify_nodes(struct tctx *t, struct node *a, struct node *b, const char *context)
{
	infer(t, a);
	infer(t, b);
	if (a->type == TYPE_UNKNOWN)
		push(t, a, b->type);
	else if (b->type == TYPE_UNKNOWN)
		push(t, b, a->type);
	else if (a->type != b->type && t->report) {
		if (b->type == TYPE_VOID || a->type == TYPE_VOID) {
			struct node *v = b->type == TYPE_VOID ? b : a;

			diag_error(v->loc, "function '%s' returns no value",
				   what_of(v) ? what_of(v) : "?");
			return;
		}
		struct symbol *sym = sym_of(a);

		diag_error(b->loc, "type mismatch in %s: %s on the left, %s on the right", context,
			   type_name(a->type), type_name(b->type));
		if (sym && sym->type_loc.file && sym->type == a->type)
			diag_note(sym->type_loc, "'%s' was inferred to be a %s here", sym->name,
				  type_name(sym->type));
		else
			diag_note(a->loc, "the left side is a %s", type_name(a->type));
	}
}

static void infer_keys(struct tctx *t, struct symbol *sym, struct node *keys)
{
	int i = 0;
	char what[128];

	for (; keys && i < MAX_ARRAY_KEYS; keys = keys->next, i++) {
		if (keys->kind == NODE_WILDCARD)
			continue;
		if (!sym) {
			infer(t, keys);
			continue;
		}
		snprintf(what, sizeof(what), "key %d of '%s'", i + 1, sym->name);
		unify_slot(t, &sym->keys[i], &sym->key_loc[i], what, keys);
	}
}

static void infer_call(struct tctx *t, struct node *n)
{
	struct symbol *sym = n->u.call.sym;
	struct node *a = n->u.call.args;
	char what[128];
	int i;

	if (!sym) {
		for (; a; a = a->next)
			infer(t, a);
		return;
	}
	if (sym->kind == SYM_BUILTIN) {
		for (i = 0; a; a = a->next, i++) {
			snprintf(what, sizeof(what), "argument %d of %s()", i + 1, sym->name);
			if (i < sym->builtin->nargs)
				expect(t, a, sym->builtin->args[i], what);
			else
				infer(t, a);
		}
		n->type = sym->builtin->ret;
		return;
	}
	{
		struct symbol *param = sym->func->locals;

		for (i = 0; a; a = a->next, i++) {
			if (param && i < sym->func->nparams) {
				snprintf(what, sizeof(what), "parameter '%s' of %s()", param->name, sym->name);
				unify_slot(t, &param->type, &param->type_loc, what, a);
				param = param->next;
			} else {
				infer(t, a);
			}
		}
	}
	n->type = sym->type;
}

static void infer_print(struct tctx *t, struct node *n)
{
	struct node *a;
	enum print_kind k = n->u.print.which;
	bool to_string = k == PRINT_SPRINT || k == PRINT_SPRINTLN || k == PRINT_SPRINTF ||
			 k == PRINT_SPRINTD || k == PRINT_SPRINTDLN;
	char what[64];
	int i;

	if (k == PRINT_PRINTF || k == PRINT_SPRINTF) {
		struct node *fmt = n->u.print.fmt;
		const char *err = NULL;
		struct fmt_dir *dirs;
		int want;

		if (!fmt || fmt->kind != NODE_STR) {
			if (t->report)
				diag_error(n->loc, "the format of %s must be a literal string",
					   print_kind_name(k));
			return;
		}
		dirs = fmt_parse(fmt->u.str.value, fmt->u.str.len, &err);
		if (!dirs) {
			if (t->report)
				diag_error(fmt->loc, "bad format: %s", err);
			return;
		}
		want = fmt_nargs(dirs);
		for (a = n->u.print.args, i = 0; a; a = a->next, i++) {
			snprintf(what, sizeof(what), "format directive %d", i + 1);
			if (i < want)
				expect(t, a, fmt_arg_type(dirs, i), what);
			else
				infer(t, a);
		}
		if (i != want && t->report)
			diag_error(n->loc, "format wants %d argument%s, %d given", want,
				   want == 1 ? "" : "s", i);
	} else {
		if (n->u.print.fmt)
			expect(t, n->u.print.fmt, TYPE_STRING, "the delimiter");
		for (a = n->u.print.args; a; a = a->next) {
			infer(t, a);
			if (t->report && a->type == TYPE_VOID)
				diag_error(a->loc, "function '%s' returns no value",
					   what_of(a) ? what_of(a) : "?");
		}
		if (k == PRINT_PRINT_CHAR)
			for (a = n->u.print.args; a; a = a->next)
				expect(t, a, TYPE_LONG, "print_char");
	}
	n->type = to_string ? TYPE_STRING : TYPE_VOID;
}

static const char *binop_context(enum binop op)
{
	static char buf[32];

	snprintf(buf, sizeof(buf), "operator '%s'", binop_text(op));
	return buf;
}

static void infer_stmt_list(struct tctx *t, struct node *n)
{
	for (; n; n = n->next)
		infer(t, n);
}

/* A function that returns nothing may be an operand of && and ||, as in
 * stap's `count && (++n == count) && exit()`: its value there is 0. */
static void logical_operand(struct tctx *t, struct node *n, bool is_and)
{
	if (n->kind == NODE_CALL && n->type == TYPE_VOID)
		return;
	expect(t, n, TYPE_LONG, is_and ? "operator '&&'" : "operator '||'");
}

static enum type_kind infer(struct tctx *t, struct node *n)
{
	struct symbol *sym;
	struct node *k;
	int i;

	if (!n)
		return TYPE_UNKNOWN;
	switch (n->kind) {
	case NODE_BLOCK:
		infer_stmt_list(t, n->u.block.stmts);
		break;
	case NODE_NULLSTMT:
	case NODE_BREAK:
	case NODE_CONTINUE:
	case NODE_NEXT:
	case NODE_EMBEDDED:
	case NODE_WILDCARD:
		break;
	case NODE_EXPRSTMT:
		infer(t, n->u.expr.expr);
		break;
	case NODE_RETURN:
		if (n->u.expr.expr && t->func)
			unify_slot(t, &t->func->sym->type, &t->func->sym->type_loc,
				   "the result of this function", n->u.expr.expr);
		break;
	case NODE_IF:
		expect(t, n->u.if_.cond, TYPE_LONG, "a condition");
		infer(t, n->u.if_.then);
		infer(t, n->u.if_.els);
		break;
	case NODE_WHILE:
	case NODE_FOR:
		infer(t, n->u.loop.init);
		if (n->u.loop.cond)
			expect(t, n->u.loop.cond, TYPE_LONG, "a condition");
		infer(t, n->u.loop.step);
		infer(t, n->u.loop.body);
		break;
	case NODE_FOREACH:
		sym = n->u.foreach.array->kind == NODE_VAR ? n->u.foreach.array->u.var.sym : NULL;
		if (!sym)
			infer(t, n->u.foreach.array);
		for (k = n->u.foreach.keys, i = 0; k && i < MAX_ARRAY_KEYS; k = k->next, i++) {
			char what[64];

			if (!sym)
				continue;
			snprintf(what, sizeof(what), "key %d of '%s'", i + 1, sym->name);
			unify_slot(t, &sym->keys[i], &sym->key_loc[i], what, k);
		}
		if (n->u.foreach.value && sym)
			unify_slot(t, &sym->type, &sym->type_loc, "the array's value", n->u.foreach.value);
		infer_keys(t, sym, n->u.foreach.slice);
		if (n->u.foreach.limit)
			expect(t, n->u.foreach.limit, TYPE_LONG, "limit");
		infer(t, n->u.foreach.body);
		break;
	case NODE_DELETE:
		infer(t, n->u.del.target);
		break;
	case NODE_TRY:
		infer(t, n->u.try_.body);
		if (n->u.try_.catch_var)
			expect(t, n->u.try_.catch_var, TYPE_STRING, "catch");
		infer(t, n->u.try_.handler);
		break;
	case NODE_NUM:
		n->type = TYPE_LONG;
		break;
	case NODE_STR:
		n->type = TYPE_STRING;
		break;
	case NODE_VAR:
		sym = n->u.var.sym;
		if (sym)
			n->type = sym->type;
		break;
	case NODE_INDEX:
		if (n->u.index.base->kind != NODE_VAR) {
			infer(t, n->u.index.base);
			infer_stmt_list(t, n->u.index.keys);
			n->type = TYPE_LONG;
			break;
		}
		sym = n->u.index.base->u.var.sym;
		infer_keys(t, sym, n->u.index.keys);
		if (sym)
			n->type = sym->type;
		break;
	case NODE_IN:
		sym = n->u.index.base->kind == NODE_VAR ? n->u.index.base->u.var.sym : NULL;
		infer_keys(t, sym, n->u.index.keys);
		n->type = TYPE_LONG;
		break;
	case NODE_CALL:
		infer_call(t, n);
		break;
	case NODE_PRINT:
		infer_print(t, n);
		break;
	case NODE_BINARY:
		if (n->u.bin.op == BIN_CONCAT) {
			expect(t, n->u.bin.left, TYPE_STRING, "operator '.'");
			expect(t, n->u.bin.right, TYPE_STRING, "operator '.'");
			n->type = TYPE_STRING;
		} else if (n->u.bin.op >= BIN_LT) {
			unify_nodes(t, n->u.bin.left, n->u.bin.right, "comparison");
			if (t->report && n->u.bin.left->type == TYPE_STATS)
				diag_error(n->loc, "statistics can't be compared");
			n->type = TYPE_LONG;
		} else {
			expect(t, n->u.bin.left, TYPE_LONG, binop_context(n->u.bin.op));
			expect(t, n->u.bin.right, TYPE_LONG, binop_context(n->u.bin.op));
			n->type = TYPE_LONG;
		}
		break;
	case NODE_LOGICAL:
		logical_operand(t, n->u.logical.left, n->u.logical.is_and);
		logical_operand(t, n->u.logical.right, n->u.logical.is_and);
		n->type = TYPE_LONG;
		break;
	case NODE_UNARY:
		expect(t, n->u.un.operand, TYPE_LONG, "a unary operator");
		n->type = TYPE_LONG;
		break;
	case NODE_INCDEC:
		expect(t, n->u.incdec.operand, TYPE_LONG, n->u.incdec.inc ? "operator '++'" : "operator '--'");
		n->type = TYPE_LONG;
		break;
	case NODE_ASSIGN:
		switch (n->u.assign.op) {
		case ASSIGN_SET:
			unify_nodes(t, n->u.assign.left, n->u.assign.right, "assignment");
			if (t->report && n->u.assign.left->type == TYPE_STATS)
				diag_error(n->loc, "statistics can't be assigned (use <<<)");
			n->type = n->u.assign.left->type;
			break;
		case ASSIGN_CONCAT:
			expect(t, n->u.assign.left, TYPE_STRING, "operator '.='");
			expect(t, n->u.assign.right, TYPE_STRING, "operator '.='");
			n->type = TYPE_STRING;
			break;
		case ASSIGN_AGG:
			expect(t, n->u.assign.left, TYPE_STATS, "operator '<<<'");
			expect(t, n->u.assign.right, TYPE_LONG, "operator '<<<'");
			n->type = TYPE_VOID;
			break;
		case ASSIGN_ADD: case ASSIGN_SUB: case ASSIGN_MUL: case ASSIGN_DIV:
		case ASSIGN_MOD: case ASSIGN_SHL: case ASSIGN_SHR: case ASSIGN_AND:
		case ASSIGN_OR: case ASSIGN_XOR:
			expect(t, n->u.assign.left, TYPE_LONG, "a compound assignment");
			expect(t, n->u.assign.right, TYPE_LONG, "a compound assignment");
			n->type = TYPE_LONG;
			break;
		}
		break;
	case NODE_TERNARY:
		expect(t, n->u.ternary.cond, TYPE_LONG, "a condition");
		unify_nodes(t, n->u.ternary.then, n->u.ternary.els, "'?:'");
		n->type = n->u.ternary.then->type;
		break;
	case NODE_REGEX:
		expect(t, n->u.regex.left, TYPE_STRING, "a regular expression match");
		n->type = TYPE_LONG;
		break;
	case NODE_STAT_OP:
		expect(t, n->u.stat.operand, TYPE_STATS, stat_op_name(n->u.stat.op));
		if (n->u.stat.arg)
			expect(t, n->u.stat.arg, TYPE_LONG, stat_op_name(n->u.stat.op));
		n->type = TYPE_LONG;
		break;
	case NODE_HIST:
		expect(t, n->u.hist.operand, TYPE_STATS, n->u.hist.linear ? "@hist_linear" : "@hist_log");
		n->type = TYPE_STATS;
		break;
	case NODE_TARGET:
		/* set by the provider in resolve */
		break;
	case NODE_DEFINED:
		n->type = TYPE_LONG;
		break;
	case NODE_ENTRY:
		infer(t, n->u.wrap.operand);
		n->type = n->u.wrap.operand->type;
		break;
	case NODE_EMBEDDED_EXPR:
		n->type = strstr(n->u.embedded.code, "/* string */") ? TYPE_STRING : TYPE_LONG;
		break;
	case NODE_PROBE:
	case NODE_ALIAS:
	case NODE_GLOBAL:
	case NODE_FUNCTION:
	case NODE_PROBE_POINT:
	case NODE_PP_COMP:
	case NODE_PARAM:
	case NODE_KIND_COUNT:
		die("infer: unexpected %s", node_kind_names[n->kind]);
	}
	return n->type;
}

static void sweep(struct tctx *t, struct rprogram *p)
{
	struct rprobe *pr;
	struct rfunc *fn;

	for (fn = p->funcs; fn; fn = fn->next) {
		struct node *body = fn->decl->u.func.body;

		if (!fn->resolved || !body || body->kind == NODE_EMBEDDED)
			continue;
		t->func = fn;
		infer(t, body);
	}
	t->func = NULL;
	for (pr = p->probes; pr; pr = pr->next)
		infer(t, pr->body);
}

static bool has_value_return(struct node *n);

static bool list_has_value_return(struct node *n)
{
	for (; n; n = n->next)
		if (has_value_return(n))
			return true;
	return false;
}

static bool has_value_return(struct node *n)
{
	if (!n)
		return false;
	switch (n->kind) {
	case NODE_RETURN: return n->u.expr.expr != NULL;
	case NODE_BLOCK: return list_has_value_return(n->u.block.stmts);
	case NODE_IF: return has_value_return(n->u.if_.then) || has_value_return(n->u.if_.els);
	case NODE_WHILE:
	case NODE_FOR: return has_value_return(n->u.loop.body);
	case NODE_FOREACH: return has_value_return(n->u.foreach.body);
	case NODE_TRY: return has_value_return(n->u.try_.body) || has_value_return(n->u.try_.handler);
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_NUM: case NODE_STR: case NODE_VAR:
	case NODE_INDEX: case NODE_CALL: case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL:
	case NODE_UNARY: case NODE_INCDEC: case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN:
	case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST: case NODE_TARGET: case NODE_DEFINED:
	case NODE_ENTRY: case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return false;
	}
	die("has_value_return: bad node kind %d", (int)n->kind);
}

static void check_known(struct symbol *sym, const char *what)
{
	int i;

	if (sym->type == TYPE_UNKNOWN)
		diag_error(sym->loc, "cannot infer the type of %s '%s'", what, sym->name);
	for (i = 0; i < sym->arity && i < MAX_ARRAY_KEYS; i++)
		if (sym->keys[i] == TYPE_UNKNOWN)
			diag_error(sym->loc, "cannot infer the type of key %d of '%s'", i + 1, sym->name);
}

bool types_infer(struct session *s, struct rprogram *p)
{
	struct tctx t = { 0 };
	struct symbol *sym;
	struct rfunc *fn;
	struct rprobe *pr;
	int errors = diag_errors();

	for (sym = p->globals; sym; sym = sym->next) {
		struct node *init = sym->decl ? sym->decl->u.global.init : NULL;

		if (init && sym->type == TYPE_UNKNOWN) {
			sym->type = init->kind == NODE_STR ? TYPE_STRING : TYPE_LONG;
			sym->type_loc = init->loc;
		}
	}
	/* a function without `return EXPR` is void, whatever its callers
	 * expect: decide that before they push a type into it */
	for (fn = p->funcs; fn; fn = fn->next) {
		struct node *body = fn->decl->u.func.body;

		if (fn->sym->type == TYPE_UNKNOWN && fn->resolved && body &&
		    body->kind != NODE_EMBEDDED && !has_value_return(body)) {
			fn->sym->type = TYPE_VOID;
			fn->sym->type_loc = fn->decl->loc;
		}
	}
	for (;;) {
		do {
			t.changed = false;
			sweep(&t, p);
		} while (t.changed);
		/* a function that never returns a value is void; that may
		 * settle more types, so sweep again */
		for (fn = p->funcs; fn; fn = fn->next) {
			struct node *body = fn->decl->u.func.body;

			if (fn->sym->type != TYPE_UNKNOWN || !fn->resolved)
				continue;
			if (body && body->kind == NODE_EMBEDDED)
				fn->sym->type = TYPE_LONG;
			else if (!has_value_return(body))
				fn->sym->type = TYPE_VOID;
			else
				continue;
			fn->sym->type_loc = fn->decl->loc;
			t.changed = true;
		}
		/* what the script leaves untyped, -G may type; sweep again */
		for (sym = p->globals; sym; sym = sym->next)
			if (global_set_type(s, sym))
				t.changed = true;
		if (!t.changed)
			break;
	}
	t.report = true;
	sweep(&t, p);
	if (diag_errors() > errors)
		return false;
	for (sym = p->globals; sym; sym = sym->next)
		if (sym->arity != -1)	/* else never mentioned: pruned */
			check_known(sym, sym->arity > 0 ? "array" : "global");
	for (fn = p->funcs; fn; fn = fn->next) {
		if (!fn->resolved)
			continue;
		if (fn->sym->type == TYPE_UNKNOWN)
			diag_error(fn->decl->loc, "cannot infer the result type of function '%s'", fn->sym->name);
		for (sym = fn->locals; sym; sym = sym->next)
			check_known(sym, sym->kind == SYM_PARAM ? "parameter" : "local");
	}
	for (pr = p->probes; pr; pr = pr->next)
		for (sym = pr->locals; sym; sym = sym->next)
			check_known(sym, "local");
	return diag_errors() == errors;
}
