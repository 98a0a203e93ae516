/* AST helpers: node allocation in the arena, list handling, the name
 * tables every printer and diagnostic uses (kinds, operators, types), and
 * a probe point's text and components (passes and providers use them).
 */
#include <stddef.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"

const char *const node_kind_names[NODE_KIND_COUNT] = {
#define X(k) [NODE_##k] = #k,
	NODE_KINDS(X)
#undef X
};

struct node *node_new(enum node_kind kind, struct loc loc)
{
	struct node *n = arena_alloc(sizeof(*n));

	n->kind = kind;
	n->loc = loc;
	n->type = TYPE_UNKNOWN;
	return n;
}

const char *type_name(enum type_kind t)
{
	switch (t) {
	case TYPE_UNKNOWN: return "unknown";
	case TYPE_LONG: return "long";
	case TYPE_STRING: return "string";
	case TYPE_STATS: return "stats";
	case TYPE_VOID: return "void";
	}
	die("type_name: bad type %d", (int)t);
}

const char *binop_text(enum binop op)
{
	static const char *const text[] = {
		[BIN_ADD] = "+", [BIN_SUB] = "-", [BIN_MUL] = "*",
		[BIN_DIV] = "/", [BIN_MOD] = "%", [BIN_SHL] = "<<",
		[BIN_SHR] = ">>", [BIN_USHR] = ">>>", [BIN_AND] = "&",
		[BIN_OR] = "|", [BIN_XOR] = "^", [BIN_CONCAT] = ".",
		[BIN_LT] = "<", [BIN_LE] = "<=", [BIN_GT] = ">",
		[BIN_GE] = ">=", [BIN_EQ] = "==", [BIN_NE] = "!=",
	};
	if ((unsigned)op >= sizeof(text) / sizeof(text[0]))
		die("binop_text: bad operator %d", (int)op);
	return text[op];
}

const char *assignop_text(enum assignop op)
{
	static const char *const text[] = {
		[ASSIGN_SET] = "=", [ASSIGN_ADD] = "+=", [ASSIGN_SUB] = "-=",
		[ASSIGN_MUL] = "*=", [ASSIGN_DIV] = "/=", [ASSIGN_MOD] = "%=",
		[ASSIGN_SHL] = "<<=", [ASSIGN_SHR] = ">>=", [ASSIGN_AND] = "&=",
		[ASSIGN_OR] = "|=", [ASSIGN_XOR] = "^=", [ASSIGN_CONCAT] = ".=",
		[ASSIGN_AGG] = "<<<",
	};
	if ((unsigned)op >= sizeof(text) / sizeof(text[0]))
		die("assignop_text: bad operator %d", (int)op);
	return text[op];
}

const char *print_kind_name(enum print_kind k)
{
	static const char *const text[] = {
		[PRINT_PRINT] = "print", [PRINT_PRINTLN] = "println",
		[PRINT_PRINTF] = "printf", [PRINT_PRINTD] = "printd",
		[PRINT_PRINTDLN] = "printdln", [PRINT_SPRINT] = "sprint",
		[PRINT_SPRINTLN] = "sprintln", [PRINT_SPRINTF] = "sprintf",
		[PRINT_SPRINTD] = "sprintd", [PRINT_SPRINTDLN] = "sprintdln",
		[PRINT_PRINT_CHAR] = "print_char",
	};
	if ((unsigned)k >= sizeof(text) / sizeof(text[0]))
		die("print_kind_name: bad kind %d", (int)k);
	return text[k];
}

const char *stat_op_name(enum stat_op op)
{
	static const char *const text[] = {
		[STAT_COUNT] = "@count", [STAT_SUM] = "@sum", [STAT_MIN] = "@min",
		[STAT_MAX] = "@max", [STAT_AVG] = "@avg",
		[STAT_VARIANCE] = "@variance",
	};
	if ((unsigned)op >= sizeof(text) / sizeof(text[0]))
		die("stat_op_name: bad operator %d", (int)op);
	return text[op];
}

struct node *node_append(struct node *a, struct node *b)
{
	struct node *p;

	if (!a)
		return b;
	for (p = a; p->next; p = p->next)
		;
	p->next = b;
	return a;
}

int node_count(const struct node *list)
{
	int n = 0;

	for (; list; list = list->next)
		n++;
	return n;
}

int pp_comps(const struct node *point, const struct node **comps, int max)
{
	const struct node *c;
	int n = 0;

	for (c = point->u.pp.comps; c && n < max; c = c->next)
		comps[n++] = c;
	return n;
}

const char *pp_text(const struct node *point)
{
	const struct node *c;
	char *out = "";

	for (c = point->u.pp.comps; c; c = c->next) {
		const char *dot = c == point->u.pp.comps ? "" : ".";

		if (!c->u.comp.arg)
			out = arena_printf("%s%s%s", out, dot, c->u.comp.name);
		else if (c->u.comp.arg->kind == NODE_NUM)
			out = arena_printf("%s%s%s(%lld)", out, dot, c->u.comp.name,
					   (long long)c->u.comp.arg->u.num.value);
		else
			out = arena_printf("%s%s%s(\"%s\")", out, dot, c->u.comp.name,
					   c->u.comp.arg->u.str.value);
	}
	return out;
}

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
