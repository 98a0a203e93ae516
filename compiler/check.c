/* Pass 2 checks: rules of the language that binding (resolve.c) and type
 * inference (types.c) don't enforce, each reported where it is broken:
 *
 *  - a probe point's condition may only read globals: SystemTap evaluates
 *    it apart from the probe's body (and again whenever a probe changes one
 *    of its globals), so it may not write, call functions, read locals or
 *    run embedded C that isn't marked pure;
 *  - the array a foreach walks may not change inside the loop, by `=`,
 *    `++`, `<<<` or `delete` of an element, in the body or in a function
 *    the body calls (at any depth): the loop walks the entries as it goes;
 *  - `&` takes the address of something in memory: a member or element
 *    reached through a target variable, never a parameter or $return,
 *    which arrive in registers;
 *  - embedded C may not read or write statistics (pragma:read:NAME,
 *    pragma:write:NAME): they are per-CPU data only the script's
 *    extractors read.
 * Statistics and histograms have their own file, check_stats.c.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "provider.h"
#include "resolve.h"

/* ---- probe conditions ---- */

static const char *target_name(const struct node *t)
{
	if (t->kind == NODE_VAR)
		return t->u.var.name;
	if (t->kind == NODE_INDEX && t->u.index.base->kind == NODE_VAR)
		return t->u.index.base->u.var.name;
	return "a value";
}

static void condition_node(struct node *n, void *arg)
{
	(void)arg;
	if (n->kind == NODE_ASSIGN) {
		diag_error(n->u.assign.left->loc, "probe condition modifies '%s': a condition may only read globals%s",
			   target_name(n->u.assign.left),
			   n->u.assign.op == ASSIGN_SET ? " (did you mean '=='?)" : "");
	} else if (n->kind == NODE_INCDEC) {
		diag_error(n->u.incdec.operand->loc, "probe condition modifies '%s': a condition may only read globals",
			   target_name(n->u.incdec.operand));
	} else if (n->kind == NODE_CALL) {
		diag_error(n->loc, "probe condition calls function '%s': a condition may only read globals "
			   "(compute the value into a global in a probe and test that)", n->u.call.name);
	} else if (n->kind == NODE_VAR && n->u.var.sym && n->u.var.sym->kind != SYM_GLOBAL) {
		diag_error(n->loc, "probe condition reads '%s', which is not a global: a condition may only "
			   "read globals (declare it with 'global %s')", n->u.var.name, n->u.var.name);
		/* reported once: not again as a local nothing assigns */
		n->u.var.sym->assigned = true;
	} else if (n->kind == NODE_EMBEDDED_EXPR && !strstr(n->u.embedded.code, "/* pure */")) {
		diag_error(n->loc, "probe condition runs embedded C: a condition may only read globals "
			   "(mark C without side effects /* pure */)");
	}
}

void check_condition(struct node *cond)
{
	node_visit(cond, condition_node, NULL);
}

/* ---- foreach: the iterated array stays as it is ---- */

/* One place a global changes: in a function, the change a call of it
 * makes (itself or through the functions it calls). */
struct change {
	struct symbol *sym;
	struct loc loc;
	const char *func;
	struct change *next;
};

struct summary {
	struct rfunc *fn;
	struct change *changes;		/* at most one per global */
};

struct checks {
	struct rprogram *p;
	struct summary *sums;
	int nsums;
	struct summary *cur;		/* being collected */
	bool grew;
};

/* The global array one of whose elements N changes (=, ++, <<<, delete),
 * with the node naming it; NULL when N changes no element.  A whole-array
 * `delete a` is not one: SystemTap allows it in a foreach over a (say,
 * before a break). */
static struct symbol *changed_global(struct node *n, struct node **where)
{
	struct node *t = NULL;
	struct symbol *sym = NULL;

	if (n->kind == NODE_ASSIGN)
		t = n->u.assign.left;
	else if (n->kind == NODE_INCDEC)
		t = n->u.incdec.operand;
	else if (n->kind == NODE_DELETE)
		t = n->u.del.target;
	if (!t)
		return NULL;
	if (t->kind == NODE_INDEX && t->u.index.base->kind == NODE_VAR)
		sym = t->u.index.base->u.var.sym;
	if (!sym || sym->kind != SYM_GLOBAL)
		return NULL;
	*where = t;
	return sym;
}

static struct summary *summary_of(struct checks *c, const struct symbol *fsym)
{
	int i;

	for (i = 0; i < c->nsums; i++)
		if (c->sums[i].fn->sym == fsym)
			return &c->sums[i];
	return NULL;
}

static struct change *change_find(struct change *list, const struct symbol *sym)
{
	for (; list; list = list->next)
		if (list->sym == sym)
			return list;
	return NULL;
}

static void change_add(struct summary *s, struct symbol *sym, struct loc loc, const char *func)
{
	struct change *ch;

	if (change_find(s->changes, sym))
		return;
	ch = arena_alloc(sizeof(*ch));
	ch->sym = sym;
	ch->loc = loc;
	ch->func = func;
	ch->next = s->changes;
	s->changes = ch;
}

static void direct_change(struct node *n, void *arg)
{
	struct checks *c = arg;
	struct node *where = NULL;
	struct symbol *sym = changed_global(n, &where);

	if (sym)
		change_add(c->cur, sym, where->loc, c->cur->fn->sym->name);
}

static bool has_body(const struct rfunc *fn)
{
	return fn->resolved && fn->decl->u.func.body;
}

static bool embedded_body(const struct rfunc *fn)
{
	return has_body(fn) && fn->decl->u.func.body->kind == NODE_EMBEDDED;
}

/* A call passes its callee's changes on to the caller. */
static void inherit_changes(struct node *n, void *arg)
{
	struct checks *c = arg;
	struct summary *callee;
	struct change *ch;

	if (n->kind != NODE_CALL || !n->u.call.sym || n->u.call.sym->kind != SYM_FUNCTION)
		return;
	callee = summary_of(c, n->u.call.sym);
	if (!callee || callee == c->cur)
		return;
	for (ch = callee->changes; ch; ch = ch->next) {
		if (change_find(c->cur->changes, ch->sym))
			continue;
		change_add(c->cur, ch->sym, ch->loc, ch->func);
		c->grew = true;
	}
}

/* What each function changes, itself or through its callees. */
static void summarize(struct checks *c)
{
	struct rfunc *fn;
	int i;

	for (fn = c->p->funcs; fn; fn = fn->next)
		c->nsums++;
	c->sums = arena_alloc((c->nsums + 1) * sizeof(*c->sums));
	for (fn = c->p->funcs, i = 0; fn; fn = fn->next, i++) {
		c->sums[i].fn = fn;
		c->cur = &c->sums[i];
		if (has_body(fn) && !embedded_body(fn))
			node_visit(fn->decl->u.func.body, direct_change, c);
	}
	do {
		c->grew = false;
		for (i = 0; i < c->nsums; i++) {
			c->cur = &c->sums[i];
			if (has_body(c->cur->fn) && !embedded_body(c->cur->fn))
				node_visit(c->cur->fn->decl->u.func.body, inherit_changes, c);
		}
	} while (c->grew);
}

struct loop {
	struct checks *c;
	struct node *foreach;
	struct symbol *sym;		/* the array it walks */
};

static void loop_note(const struct loop *l)
{
	diag_note(l->foreach->u.foreach.array->loc,
		  "the foreach over '%s' is here: collect the changes (e.g. in another array) "
		  "and make them after the loop", l->sym->name);
}

static void in_loop(struct node *n, void *arg)
{
	struct loop *l = arg;
	struct node *where = NULL;
	struct summary *callee;
	struct change *ch;

	if (changed_global(n, &where) == l->sym) {
		diag_error(where->loc, "'%s' is modified inside a foreach over it", l->sym->name);
		loop_note(l);
		return;
	}
	if (n->kind != NODE_CALL || !n->u.call.sym || n->u.call.sym->kind != SYM_FUNCTION)
		return;
	callee = summary_of(l->c, n->u.call.sym);
	if (!callee || !(ch = change_find(callee->changes, l->sym)))
		return;
	diag_error(n->loc, "calling '%s' modifies '%s' inside a foreach over it", n->u.call.name, l->sym->name);
	diag_note(ch->loc, "'%s' modifies '%s' here", ch->func, l->sym->name);
	loop_note(l);
}

static struct symbol *iterated(const struct node *fe)
{
	const struct node *a = fe->u.foreach.array;

	if (a->kind == NODE_HIST)
		a = a->u.hist.operand;
	if (a->kind == NODE_INDEX)
		a = a->u.index.base;
	return a->kind == NODE_VAR ? a->u.var.sym : NULL;
}

static void find_foreach(struct node *n, void *arg)
{
	struct loop l = { arg, n, NULL };

	if (n->kind != NODE_FOREACH || !(l.sym = iterated(n)))
		return;
	node_visit(n->u.foreach.body, in_loop, &l);
}

/* ---- & ---- */

static void address_node(struct node *n, void *arg)
{
	struct rprobe *pr = arg;
	const struct node *t;
	const struct site *site;

	if (n->kind != NODE_UNARY || n->u.un.op != UN_ADDR)
		return;
	t = n->u.un.operand;
	if (t->kind != NODE_TARGET) {
		diag_error(t->loc, "'&' needs a target variable: only what is in memory has an address "
			   "(a member or element, e.g. &$p->field)");
		return;
	}
	if ((t->u.target.steps && t->u.target.steps->kind != STEP_ADDR) || t->u.target.cast_expr || t->u.target.name[0] != '$' ||
	    t->u.target.name[1] == '$' || !pr)
		return;
	for (site = pr->sites; site; site = site->next)
		if (site->ops->addressable && site->ops->addressable(site))
			return;		/* e.g. a DWARF variable may live in memory */
	if (strcmp(t->u.target.name, "$return") == 0)
		diag_error(t->loc, "can't take the address of $return: the return value is in a register, "
			   "not in memory");
	else
		diag_error(t->loc, "can't take the address of %s: a parameter at this probe point is in a "
			   "register, not in memory (members and elements it points to have addresses, "
			   "e.g. &%s->field)", t->u.target.name, t->u.target.name);
}

/* ---- embedded C and statistics ---- */

/* The global called NAME (LEN bytes), if the program has it. */
static struct symbol *global_named(struct rprogram *p, const char *name, size_t len)
{
	struct symbol *g;

	for (g = p->globals; g; g = g->next)
		if (strlen(g->name) == len && strncmp(g->name, name, len) == 0)
			return g;
	return NULL;
}

/* Call fn for each pragma:KIND:NAME in embedded code. */
static void each_pragma(const char *code, const char *kind,
			void (*fn)(const char *name, size_t len, void *arg), void *arg)
{
	char tag[32];
	const char *at = code;
	size_t len;

	snprintf(tag, sizeof(tag), "pragma:%s:", kind);
	while ((at = strstr(at, tag))) {
		at += strlen(tag);
		for (len = 0; isalnum((unsigned char)at[len]) || at[len] == '_'; len++)
			;
		if (len)
			fn(at, len, arg);
	}
}

struct pragma_ctx {
	struct rprogram *p;
	struct loc loc;
	const char *kind;
};

static void pragma_stats(const char *name, size_t len, void *arg)
{
	struct pragma_ctx *pc = arg;
	struct symbol *g = global_named(pc->p, name, len);

	if (!g || g->type != TYPE_STATS)
		return;
	if (strcmp(pc->kind, "read") == 0)
		diag_error(pc->loc, "embedded C can't read statistics '%s' (pragma:read:%s): read them in the "
			   "script with @count(%s), @sum(%s), ...", g->name, g->name, g->name, g->name);
	else
		diag_error(pc->loc, "embedded C can't write statistics '%s' (pragma:write:%s): add to them in "
			   "the script with %s <<< value", g->name, g->name, g->name);
}

static void embedded_pragmas(struct rprogram *p, const char *code, struct loc loc)
{
	struct pragma_ctx pc = { p, loc, "read" };

	each_pragma(code, "read", pragma_stats, &pc);
	pc.kind = "write";
	each_pragma(code, "write", pragma_stats, &pc);
}

static void embedded_node(struct node *n, void *arg)
{
	if (n->kind == NODE_EMBEDDED_EXPR)
		embedded_pragmas(arg, n->u.embedded.code, n->loc);
}

/* ---- entry ---- */

static void check_body(struct checks *c, struct node *body, struct rprobe *pr)
{
	node_visit(body, find_foreach, c);
	node_visit(body, address_node, pr);
	node_visit(body, embedded_node, c->p);
}

bool check_program(struct rprogram *p)
{
	struct checks c = { .p = p };
	struct rprobe *pr;
	struct rfunc *fn;
	int errors = diag_errors();

	summarize(&c);
	for (fn = p->funcs; fn; fn = fn->next) {
		if (embedded_body(fn))
			embedded_pragmas(p, fn->decl->u.func.body->u.embedded.code, fn->decl->loc);
		else if (has_body(fn))
			check_body(&c, fn->decl->u.func.body, NULL);
	}
	for (pr = p->probes; pr; pr = pr->next)
		check_body(&c, pr->body, pr);
	check_stats(p);
	return diag_errors() == errors;
}
