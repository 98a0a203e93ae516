/* The pass-1 printer (-p1): the AST back to SystemTap source.
 *
 * The output must parse again to the same tree, so binary operations are
 * fully parenthesized, every simple statement ends with ';' (statements
 * need no separator in the language, and "a (b)" would otherwise become a
 * call), an autocast base is always parenthesized (x[1] is an array index,
 * (x)[1] an autocast), and literals in expressions print as unsigned (the
 * lexer never makes negative literals).  One tab per block level.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"

static void expr(FILE *o, const struct node *n);
static void stmt(FILE *o, const struct node *n, int ind);

/* Case labels by group, so every switch names every kind (-Wswitch-enum). */
#define DECL_KINDS								\
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION: \
	case NODE_EMBEDDED
#define PART_KINDS								\
	case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:		\
	case NODE_KIND_COUNT
#define STMT_KINDS								\
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: \
	case NODE_WHILE: case NODE_FOR: case NODE_FOREACH: case NODE_RETURN:	\
	case NODE_DELETE: case NODE_BREAK: case NODE_CONTINUE: case NODE_NEXT: \
	case NODE_TRY
#define EXPR_KINDS								\
	case NODE_NUM: case NODE_STR: case NODE_VAR: case NODE_INDEX:		\
	case NODE_CALL: case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL:	\
	case NODE_UNARY: case NODE_INCDEC: case NODE_ASSIGN: case NODE_TERNARY: \
	case NODE_IN: case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST:	\
	case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:			\
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD

static void indent(FILE *o, int ind)
{
	for (int i = 0; i < ind; i++)
		fputc('\t', o);
}

static void string_lit(FILE *o, const char *s, int len)
{
	fputc('"', o);
	for (int i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		switch (c) {
		case '"': fputs("\\\"", o); break;
		case '\\': fputs("\\\\", o); break;
		case '\n': fputs("\\n", o); break;
		case '\t': fputs("\\t", o); break;
		case '\r': fputs("\\r", o); break;
		default:
			if (c < 0x20 || c >= 0x7f)
				fprintf(o, "\\%03o", c);	/* always 3 digits */
			else
				fputc(c, o);
		}
	}
	fputc('"', o);
}

/* A literal in a literal-only position: signed. */
static void literal(FILE *o, const struct node *n)
{
	if (n->kind == NODE_NUM)
		fprintf(o, "%lld", (long long)n->u.num.value);
	else if (n->kind == NODE_STR)
		string_lit(o, n->u.str.value, n->u.str.len);
	else
		expr(o, n);
}

static void list(FILE *o, const struct node *n)
{
	for (; n; n = n->next) {
		expr(o, n);
		if (n->next)
			fputs(", ", o);
	}
}

static void target(FILE *o, const struct node *n)
{
	const char *name = n->u.target.name;

	if (name[0] == '$') {
		fputs(name, o);
	} else if (name[1] == 'a') {		/* @autocast */
		fputc('(', o);
		expr(o, n->u.target.cast_expr);
		fputc(')', o);
	} else if (name[1] == 'c') {		/* @cast */
		fputs("@cast(", o);
		expr(o, n->u.target.cast_expr);
		fputs(", ", o);
		string_lit(o, n->u.target.cast_type, (int)strlen(n->u.target.cast_type));
	} else {				/* @var */
		fputs("@var(", o);
		string_lit(o, n->u.target.cast_type, (int)strlen(n->u.target.cast_type));
	}
	if (name[0] == '@' && name[1] != 'a') {
		if (n->u.target.cast_module) {
			fputs(", ", o);
			string_lit(o, n->u.target.cast_module, (int)strlen(n->u.target.cast_module));
		}
		fputc(')', o);
	}
	for (const struct target_step *s = n->u.target.steps; s; s = s->next) {
		switch (s->kind) {
		case STEP_FIELD:
			fprintf(o, "->%s", s->field);
			break;
		case STEP_INDEX:
			fputc('[', o);
			expr(o, s->index);
			fputc(']', o);
			break;
		case STEP_PRETTY:
			fputs(" $", o);
			break;
		case STEP_PRETTY_DEEP:
			fputs(" $$", o);
			break;
		case STEP_ADDR:		/* printed as the '&' before it */
			break;
		}
	}
}

static void expr(FILE *o, const struct node *n)
{
	static const char *const unop[] = {
		[UN_NEG] = "-", [UN_NOT] = "!", [UN_BITNOT] = "~", [UN_PLUS] = "+", [UN_ADDR] = "&",
	};

	switch (n->kind) {
	case NODE_NUM:
		fprintf(o, "%llu", (unsigned long long)n->u.num.value);
		break;
	case NODE_STR:
		string_lit(o, n->u.str.value, n->u.str.len);
		break;
	case NODE_VAR:
		fputs(n->u.var.name, o);
		break;
	case NODE_INDEX:
		expr(o, n->u.index.base);
		fputc('[', o);
		list(o, n->u.index.keys);
		fputc(']', o);
		break;
	case NODE_CALL:
		fprintf(o, "%s(", n->u.call.name);
		list(o, n->u.call.args);
		fputc(')', o);
		break;
	case NODE_PRINT:
		fprintf(o, "%s(", print_kind_name(n->u.print.which));
		if (n->u.print.fmt) {
			expr(o, n->u.print.fmt);
			if (n->u.print.args)
				fputs(", ", o);
		}
		list(o, n->u.print.args);
		fputc(')', o);
		break;
	case NODE_BINARY:
		fputc('(', o);
		expr(o, n->u.bin.left);
		fprintf(o, " %s ", binop_text(n->u.bin.op));
		expr(o, n->u.bin.right);
		fputc(')', o);
		break;
	case NODE_LOGICAL:
		fputc('(', o);
		expr(o, n->u.logical.left);
		fputs(n->u.logical.is_and ? " && " : " || ", o);
		expr(o, n->u.logical.right);
		fputc(')', o);
		break;
	case NODE_UNARY:
		fprintf(o, "%s(", unop[n->u.un.op]);
		expr(o, n->u.un.operand);
		fputc(')', o);
		break;
	case NODE_INCDEC:
		if (n->u.incdec.prefix)
			fputs(n->u.incdec.inc ? "++" : "--", o);
		fputc('(', o);
		expr(o, n->u.incdec.operand);
		fputc(')', o);
		if (!n->u.incdec.prefix)
			fputs(n->u.incdec.inc ? "++" : "--", o);
		break;
	case NODE_ASSIGN:
		fputc('(', o);
		expr(o, n->u.assign.left);
		fprintf(o, " %s ", assignop_text(n->u.assign.op));
		expr(o, n->u.assign.right);
		fputc(')', o);
		break;
	case NODE_TERNARY:
		fputc('(', o);
		expr(o, n->u.ternary.cond);
		fputs(" ? ", o);
		expr(o, n->u.ternary.then);
		fputs(" : ", o);
		expr(o, n->u.ternary.els);
		fputc(')', o);
		break;
	case NODE_IN:
		fputs("([", o);
		list(o, n->u.index.keys);
		fputs("] in ", o);
		expr(o, n->u.index.base);
		fputc(')', o);
		break;
	case NODE_REGEX:
		fputc('(', o);
		expr(o, n->u.regex.left);
		fputs(n->u.regex.negate ? " !~ " : " =~ ", o);
		string_lit(o, n->u.regex.pattern, (int)strlen(n->u.regex.pattern));
		fputc(')', o);
		break;
	case NODE_STAT_OP:
		fprintf(o, "%s(", stat_op_name(n->u.stat.op));
		expr(o, n->u.stat.operand);
		if (n->u.stat.arg) {
			fputs(", ", o);
			expr(o, n->u.stat.arg);
		}
		fputc(')', o);
		break;
	case NODE_HIST:
		fputs(n->u.hist.linear ? "@hist_linear(" : "@hist_log(", o);
		expr(o, n->u.hist.operand);
		if (n->u.hist.linear) {
			fputs(", ", o);
			literal(o, n->u.hist.lo);
			fputs(", ", o);
			literal(o, n->u.hist.hi);
			fputs(", ", o);
			literal(o, n->u.hist.width);
		}
		fputc(')', o);
		break;
	case NODE_TARGET:
		target(o, n);
		break;
	case NODE_DEFINED:
	case NODE_ENTRY:
		fputs(n->kind == NODE_DEFINED ? "@defined(" : "@entry(", o);
		expr(o, n->u.wrap.operand);
		fputc(')', o);
		break;
	case NODE_EMBEDDED_EXPR:
		fprintf(o, "%%{%s%%}", n->u.embedded.code);
		break;
	case NODE_WILDCARD:
		fputc('*', o);
		break;
	DECL_KINDS:
	PART_KINDS:
	STMT_KINDS:
		die("unparse: %s is not an expression", node_kind_names[n->kind]);
	}
}

static void sortmark(FILE *o, const struct node *f, int key)
{
	if (f->u.foreach.sort_dir == SORT_NONE || f->u.foreach.sort_key != key)
		return;
	if (key == -1 && f->u.foreach.sort_stat_given)
		fputs(stat_op_name(f->u.foreach.sort_stat), o);
	fputc(f->u.foreach.sort_dir == SORT_ASC ? '+' : '-', o);
}

static void foreach(FILE *o, const struct node *n, int ind)
{
	int i = 1;

	fputs("foreach (", o);
	if (n->u.foreach.value) {
		expr(o, n->u.foreach.value);
		fputs(" = ", o);
	}
	fputc('[', o);
	for (const struct node *k = n->u.foreach.keys; k; k = k->next, i++) {
		expr(o, k);
		sortmark(o, n, i);
		if (k->next)
			fputs(", ", o);
	}
	fputs("] in ", o);
	expr(o, n->u.foreach.array);
	if (n->u.foreach.slice) {
		fputc('[', o);
		list(o, n->u.foreach.slice);
		fputc(']', o);
	}
	sortmark(o, n, -1);
	if (n->u.foreach.limit) {
		fputs(" limit ", o);
		expr(o, n->u.foreach.limit);
	}
	fputs(") ", o);
	stmt(o, n->u.foreach.body, ind);
}

static void block(FILE *o, const struct node *n, int ind)
{
	fputs("{\n", o);
	for (const struct node *s = n->u.block.stmts; s; s = s->next) {
		indent(o, ind + 1);
		stmt(o, s, ind + 1);
		fputc('\n', o);
	}
	indent(o, ind);
	fputc('}', o);
}

static void stmt(FILE *o, const struct node *n, int ind)
{
	switch (n->kind) {
	case NODE_BLOCK:
		block(o, n, ind);
		break;
	case NODE_NULLSTMT:
		fputc(';', o);
		break;
	case NODE_EXPRSTMT:
		expr(o, n->u.expr.expr);
		fputc(';', o);
		break;
	case NODE_IF:
		fputs("if (", o);
		expr(o, n->u.if_.cond);
		fputs(") ", o);
		stmt(o, n->u.if_.then, ind);
		if (n->u.if_.els) {
			fputs(" else ", o);
			stmt(o, n->u.if_.els, ind);
		}
		break;
	case NODE_WHILE:
		fputs("while (", o);
		expr(o, n->u.loop.cond);
		fputs(") ", o);
		stmt(o, n->u.loop.body, ind);
		break;
	case NODE_FOR:
		fputs("for (", o);
		if (n->u.loop.init)
			expr(o, n->u.loop.init);
		fputs("; ", o);
		if (n->u.loop.cond)
			expr(o, n->u.loop.cond);
		fputs("; ", o);
		if (n->u.loop.step)
			expr(o, n->u.loop.step);
		fputs(") ", o);
		stmt(o, n->u.loop.body, ind);
		break;
	case NODE_FOREACH:
		foreach(o, n, ind);
		break;
	case NODE_RETURN:
		fputs("return", o);
		if (n->u.expr.expr) {
			fputc(' ', o);
			expr(o, n->u.expr.expr);
		}
		fputc(';', o);
		break;
	case NODE_DELETE:
		fputs("delete ", o);
		expr(o, n->u.del.target);
		fputc(';', o);
		break;
	case NODE_BREAK:
		fputs("break;", o);
		break;
	case NODE_CONTINUE:
		fputs("continue;", o);
		break;
	case NODE_NEXT:
		fputs("next;", o);
		break;
	case NODE_TRY:
		fputs("try ", o);
		block(o, n->u.try_.body, ind);
		fputs(" catch ", o);
		if (n->u.try_.catch_var)
			fprintf(o, "(%s) ", n->u.try_.catch_var->u.var.name);
		block(o, n->u.try_.handler, ind);
		break;
	EXPR_KINDS:
		expr(o, n);
		break;
	DECL_KINDS:
	PART_KINDS:
		die("unparse: %s is not a statement", node_kind_names[n->kind]);
	}
}

static void probe_point(FILE *o, const struct node *p)
{
	for (const struct node *c = p->u.pp.comps; c; c = c->next) {
		fputs(c->u.comp.name, o);
		if (c->u.comp.arg) {
			fputc('(', o);
			literal(o, c->u.comp.arg);
			fputc(')', o);
		}
		if (c->next)
			fputc('.', o);
	}
	if (p->u.pp.sufficient)
		fputc('!', o);
	else if (p->u.pp.optional)
		fputc('?', o);
	if (p->u.pp.cond) {
		fputs(" if (", o);
		expr(o, p->u.pp.cond);
		fputc(')', o);
	}
}

static void probe_points(FILE *o, const struct node *p)
{
	for (; p; p = p->next) {
		probe_point(o, p);
		if (p->next)
			fputs(", ", o);
	}
}

static void decl(FILE *o, const struct node *n)
{
	switch (n->kind) {
	case NODE_PROBE:
		fputs("probe ", o);
		probe_points(o, n->u.probe.points);
		fputc(' ', o);
		block(o, n->u.probe.body, 0);
		break;
	case NODE_ALIAS:
		fputs("probe ", o);
		probe_points(o, n->u.alias.names);
		fputs(n->u.alias.append ? " += " : " = ", o);
		probe_points(o, n->u.alias.points);
		fputc(' ', o);
		if (n->u.alias.append) {
			block(o, n->u.alias.epilogue, 0);
			break;
		}
		block(o, n->u.alias.prologue, 0);
		if (n->u.alias.epilogue) {
			fputs(", ", o);
			block(o, n->u.alias.epilogue, 0);
		}
		break;
	case NODE_GLOBAL:
		fprintf(o, "%sglobal %s", n->u.global.is_private ? "private " : "", n->u.global.name);
		if (n->u.global.wrap)
			fputc('%', o);
		if (n->u.global.size)
			fprintf(o, "[%lld]", n->u.global.size);
		if (n->u.global.init) {
			fputs(" = ", o);
			literal(o, n->u.global.init);
		}
		break;
	case NODE_FUNCTION:
		fprintf(o, "%sfunction %s", n->u.func.is_private ? "private " : "", n->u.func.name);
		if (n->u.func.ret == TYPE_LONG || n->u.func.ret == TYPE_STRING)
			fprintf(o, ":%s", type_name(n->u.func.ret));
		fputc('(', o);
		for (const struct node *p = n->u.func.params; p; p = p->next) {
			fputs(p->u.param.name, o);
			if (p->u.param.decl == TYPE_LONG || p->u.param.decl == TYPE_STRING)
				fprintf(o, ":%s", type_name(p->u.param.decl));
			if (p->next)
				fputs(", ", o);
		}
		fputc(')', o);
		if (n->u.func.priority)
			fprintf(o, ":%lld", n->u.func.priority);
		fputc(' ', o);
		if (n->u.func.body->kind == NODE_EMBEDDED)
			fprintf(o, "%%{%s%%}", n->u.func.body->u.embedded.code);
		else
			block(o, n->u.func.body, 0);
		break;
	case NODE_EMBEDDED:
		fprintf(o, "%%{%s%%}", n->u.embedded.code);
		break;
	PART_KINDS:
	STMT_KINDS:
	EXPR_KINDS:
		die("unparse: %s is not a declaration", node_kind_names[n->kind]);
	}
}

void unparse_file(FILE *out, const struct file_ast *f)
{
	for (const struct node *d = f->decls; d; d = d->next) {
		decl(out, d);
		fputc('\n', out);
	}
}

void unparse_node(FILE *out, const struct node *n)
{
	switch (n->kind) {
	DECL_KINDS:
		decl(out, n);
		break;
	case NODE_PROBE_POINT:
		probe_point(out, n);
		break;
	case NODE_PP_COMP:
		fputs(n->u.comp.name, out);
		if (n->u.comp.arg) {
			fputc('(', out);
			literal(out, n->u.comp.arg);
			fputc(')', out);
		}
		break;
	case NODE_PARAM:
		fputs(n->u.param.name, out);
		break;
	case NODE_KIND_COUNT:
		die("unparse: bad node kind");
	STMT_KINDS:
	EXPR_KINDS:
		stmt(out, n, 0);
		break;
	}
}

const char *unparse_to_string(const struct node *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		die("open_memstream failed");
	unparse_node(f, n);
	fclose(f);
	const char *s = arena_strndup(buf, len);
	free(buf);
	return s;
}
