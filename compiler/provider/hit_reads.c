/* Whether a probe's body may read what a hit carries beyond its probe
 * point: the registers (register(), $vars, *_arg(), backtraces, uaddr()),
 * the probed or returned-from address (addr(), is_return()) and the
 * family's call data (c->probe_data).  Providers leave out the stores that
 * only such readers need (a kprobe's regs->ip moves, a kretprobe's
 * return_from, a syscall's hit data) when the answer is no.
 *
 * A missed reader would print a wrong value without an error, so the
 * answer is yes for anything not known to be free of them: a target
 * variable, embedded C (in the body or in a function it calls, at any
 * depth) unless the C is marked as reading none of it, a function
 * without a body or calls deeper than HIT_READS_DEPTH, and @entry (a
 * return reads the values its entry saved in the call data).  Built-ins
 * read only the probe point and the function name, which every hit sets.
 */
#include <string.h>

#include "ast.h"
#include "provider.h"
#include "resolve.h"

#define HIT_READS_DEPTH 16

struct hit_use {
	bool yes;
	int depth;
};

/* C with a nohit comment in it reads nothing of the hit; C that names the
 * context or registers counts as a reader all the same (a wrong mark). */
static bool embedded_reads(const char *code)
{
	return !strstr(code, "/* nohit */") || strstr(code, "CONTEXT") || strstr(code, "regs");
}

static void hit_node(struct node *n, void *arg)
{
	struct hit_use *u = arg;
	const struct node *fn;

	if (u->yes)
		return;
	switch (n->kind) {
	case NODE_TARGET:
	case NODE_ENTRY:
		u->yes = true;
		break;
	case NODE_EMBEDDED:
	case NODE_EMBEDDED_EXPR:
		u->yes = !n->u.embedded.code || embedded_reads(n->u.embedded.code);
		break;
	case NODE_CALL:
		if (!n->u.call.sym || n->u.call.sym->kind != SYM_FUNCTION)
			break;	/* built-ins don't read it */
		fn = n->u.call.sym->func ? n->u.call.sym->func->decl : NULL;
		if (!fn || !fn->u.func.body || ++u->depth > HIT_READS_DEPTH) {
			u->yes = true;	/* unknown or deep: assume so */
			break;
		}
		node_visit(fn->u.func.body, hit_node, u);
		u->depth--;
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM: case NODE_BLOCK:
	case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE: case NODE_FOR:
	case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_NUM: case NODE_STR:
	case NODE_VAR: case NODE_INDEX: case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL:
	case NODE_UNARY: case NODE_INCDEC: case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN:
	case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST: case NODE_DEFINED:
	case NODE_WILDCARD: case NODE_KIND_COUNT:
		break;
	}
}

bool probe_reads_hit(const struct rprobe *pr)
{
	struct hit_use u = { false, 0 };

	if (!pr->body)
		return false;
	node_visit(pr->body, hit_node, &u);
	return u.yes;
}
