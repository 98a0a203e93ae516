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
