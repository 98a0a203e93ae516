/* The SystemTap grammar (pass 1), built on tokens from preproc.c.
 *
 * Expressions use bison precedence for the binary levels (C's order with
 * two inserts: 'in' between '&' and comparison, '.' between shift and '+')
 * and separate nonterminals for the unary, increment and postfix levels,
 * because SystemTap's postfix (autocast) operators apply to a value, not
 * to the result of 'in'.  Statements need no separator, so an expression
 * extends as far as it can: the rules that end a statement or a value carry
 * %prec NOSEMI, below every token that could continue it.
 *
 * Probe points are expanded here ({a,b}.c becomes a.c, b.c), and the
 * checks SystemTap makes at parse time (literal-only positions, duplicate
 * names, 'return' outside a function, embedded C without -g) are done in
 * the actions.
 */
%define api.pure full
%define api.prefix {tapc_pp}
%define parse.error detailed
%define parse.lac full
%define api.location.type {struct srcloc}
%locations
%expect 0
%param {struct pstate *ps}

%code requires {
#include <stdbool.h>
#include "token.h"

struct pstate;
struct srcloc {
	const char *file;
	int first_line, first_column, last_line, last_column;
};
struct fe_head {			/* foreach header being built */
	struct node *n;
	int marks;			/* sort marks seen */
};
/* A dotted probe point path whose brace alternatives are not multiplied
 * out yet: a.{b,c}.d is three groups.  The product is built once, at the
 * end, so its cost is the size of what it produces. */
struct pp_group {
	struct node *alts;		/* PROBE_POINT list */
	struct pp_group *next;
};
/* A comma list of probe points, appended to in constant time. */
struct pp_list {
	struct node *head, *last;
	long n;
};
struct pp_seq {
	struct pp_group *first, *last;
	int ngroups;
	long points;			/* probe points the product makes */
	long comps;			/* components over all of them */
};
}

%code provides {
int tapc_pplex(TAPC_PPSTYPE *lval, struct srcloc *lloc, struct pstate *ps);
void tapc_pperror(struct srcloc *lloc, struct pstate *ps, const char *msg);
}

%code {
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "parse.h"

#define YYLLOC_DEFAULT(Cur, Rhs, N)						\
	do {									\
		if (N) {							\
			(Cur).file = YYRHSLOC(Rhs, 1).file;			\
			(Cur).first_line = YYRHSLOC(Rhs, 1).first_line;		\
			(Cur).first_column = YYRHSLOC(Rhs, 1).first_column;	\
			(Cur).last_line = YYRHSLOC(Rhs, N).last_line;		\
			(Cur).last_column = YYRHSLOC(Rhs, N).last_column;	\
		} else {							\
			(Cur).file = YYRHSLOC(Rhs, 0).file;			\
			(Cur).first_line = (Cur).last_line = YYRHSLOC(Rhs, 0).last_line;	\
			(Cur).first_column = (Cur).last_column = YYRHSLOC(Rhs, 0).last_column; \
		}								\
	} while (0)
#define YYLOCATION_PRINT(File, Loc) ((void)0)

struct gname {
	const char *name;
	struct loc loc;
	bool is_private;
};

struct pstate {
	struct pp *pp;
	const struct parse_opts *o;
	bool guru;			/* -g or tapset */
	bool in_function;
	struct node *decls;
	struct node **tail;		/* where the next declaration goes */
	struct gname **globals;		/* hash set by name (add_global) */
	size_t nglobals, globals_cap;
	long pp_built;			/* components made by brace expansion */
};

static struct node *list_reverse(struct node *n)
{
	struct node *r = NULL;

	while (n) {
		struct node *next = n->next;

		n->next = r;
		r = n;
		n = next;
	}
	return r;
}

static struct loc L(struct srcloc l)
{
	return (struct loc){ l.file, l.first_line, l.first_column };
}

static struct node *mk(enum node_kind k, struct srcloc l)
{
	return node_new(k, L(l));
}

static struct node *mk_num(int64_t v, struct srcloc l)
{
	struct node *n = mk(NODE_NUM, l);

	n->u.num.value = v;
	return n;
}

static struct node *mk_str(const struct token *t, struct srcloc l)
{
	struct node *n = mk(NODE_STR, l);

	n->u.str.value = t->text;
	n->u.str.len = t->len;
	return n;
}

static struct node *mk_var(const char *name, struct srcloc l)
{
	struct node *n = mk(NODE_VAR, l);

	n->u.var.name = name;
	return n;
}

static struct node *mk_bin(enum binop op, struct node *a, struct node *b, struct srcloc l)
{
	struct node *n = mk(NODE_BINARY, l);

	n->u.bin.op = op;
	n->u.bin.left = a;
	n->u.bin.right = b;
	return n;
}

static struct node *mk_un(enum unop op, struct node *a, struct srcloc l)
{
	struct node *n = mk(NODE_UNARY, l);

	n->u.un.op = op;
	n->u.un.operand = a;
	return n;
}

static struct node *mk_assign(enum assignop op, struct node *a, struct node *b, struct srcloc l)
{
	struct node *n = mk(NODE_ASSIGN, l);

	n->u.assign.op = op;
	n->u.assign.left = a;
	n->u.assign.right = b;
	return n;
}

static struct node *mk_incdec(bool inc, bool prefix, struct node *a, struct srcloc l)
{
	struct node *n = mk(NODE_INCDEC, l);

	n->u.incdec.inc = inc;
	n->u.incdec.prefix = prefix;
	n->u.incdec.operand = a;
	return n;
}

static struct node *mk_logical(bool is_and, struct node *a, struct node *b, struct srcloc l)
{
	struct node *n = mk(NODE_LOGICAL, l);

	n->u.logical.is_and = is_and;
	n->u.logical.left = a;
	n->u.logical.right = b;
	return n;
}

static struct node *mk_stmt(enum node_kind k, struct node *e, struct srcloc l)
{
	struct node *n = mk(k, l);

	n->u.expr.expr = e;
	return n;
}

static struct node *concat_str(struct node *a, const struct token *t)
{
	char *s = arena_alloc((size_t)a->u.str.len + (size_t)t->len + 1);

	memcpy(s, a->u.str.value, (size_t)a->u.str.len);
	memcpy(s + a->u.str.len, t->text, (size_t)t->len);
	a->u.str.value = s;
	a->u.str.len += t->len;
	return a;
}

static bool version_below(struct pstate *ps, const char *v)
{
	return ps->o->compatible && pp_vercmp(ps->o->compatible, v) < 0;
}

static bool need_guru(struct pstate *ps, struct srcloc l, const char *what)
{
	if (ps->guru)
		return true;
	diag_error(L(l), "%s requires guru mode (-g)", what);
	return false;
}

/* "$foo$$" -> "$foo" plus a pretty-print step.  A name left ending in
 * '$' ("$foo$$$", "$$$") is an error: it has no meaning, and printed back
 * as "$foo$ $$" it would read as a different pretty-print. */
static struct target_step *strip_pretty(char *name, struct srcloc l)
{
	size_t n = strlen(name);
	int dollars = 0;

	while (n > 1 && name[n - 1] == '$' && dollars < 2) {
		name[--n] = '\0';
		dollars++;
	}
	if (!dollars)
		return NULL;
	if (name[n - 1] == '$' || strcmp(name, "$") == 0) {
		diag_error(L(l), "'%s%s' ends in more than two '$'", name, dollars == 2 ? "$$" : "$");
		return NULL;
	}
	struct target_step *s = arena_alloc(sizeof(*s));

	s->kind = dollars == 2 ? STEP_PRETTY_DEEP : STEP_PRETTY;
	s->loc = L(l);
	return s;
}

static void add_step(struct node *t, struct target_step *s)
{
	struct target_step **p = &t->u.target.steps;

	while (*p)
		p = &(*p)->next;
	*p = s;
}

/* &target: the path ends in a STEP_ADDR, so its fetch yields the
 * address of what it names instead of the value. */
static void target_take_address(struct node *t, struct loc l)
{
	struct target_step *s = arena_alloc(sizeof(*s));

	memset(s, 0, sizeof(*s));
	s->kind = STEP_ADDR;
	s->loc = l;
	add_step(t, s);
}

/* BASE followed by a postfix operator: extend a target, or autocast. */
static struct node *postfix_base(struct pstate *ps, struct node *base, struct srcloc l)
{
	if (base->kind == NODE_TARGET)
		return base;
	if (version_below(ps, "2.6"))
		diag_error(L(l), "autocast operators need --compatible 2.6 or newer");
	struct node *n = mk(NODE_TARGET, l);

	n->loc = base->loc;
	n->u.target.name = "@autocast";
	n->u.target.cast_expr = base;
	return n;
}

static struct node *postfix_index(struct pstate *ps, struct node *base, struct node *keys,
				  struct srcloc l, struct srcloc kl)
{
	if (base->kind == NODE_HIST) {
		struct node *n = mk(NODE_INDEX, l);

		n->loc = base->loc;
		n->u.index.base = base;
		n->u.index.keys = keys;
		if (node_count(keys) != 1 || keys->kind == NODE_WILDCARD)
			diag_error(L(kl), "a histogram bucket takes one index");
		return n;
	}
	if (node_count(keys) != 1 || keys->kind == NODE_WILDCARD) {
		diag_error(L(kl), "a target or autocast index takes one expression");
		return base;
	}
	struct node *t = postfix_base(ps, base, l);
	struct target_step *s = arena_alloc(sizeof(*s));

	s->kind = STEP_INDEX;
	s->index = keys;
	s->loc = L(l);
	add_step(t, s);
	return t;
}

static const struct { const char *name; enum print_kind k; } print_names[] = {
	{ "print", PRINT_PRINT }, { "println", PRINT_PRINTLN },
	{ "printf", PRINT_PRINTF }, { "printd", PRINT_PRINTD },
	{ "printdln", PRINT_PRINTDLN }, { "sprint", PRINT_SPRINT },
	{ "sprintln", PRINT_SPRINTLN }, { "sprintf", PRINT_SPRINTF },
	{ "sprintd", PRINT_SPRINTD }, { "sprintdln", PRINT_SPRINTDLN },
	{ "print_char", PRINT_PRINT_CHAR },
};

/* name(args): a call, or one of the print family with its checks. */
static struct node *mk_call(const char *name, struct node *args, struct srcloc l)
{
	for (size_t i = 0; i < sizeof(print_names) / sizeof(print_names[0]); i++) {
		if (strcmp(print_names[i].name, name))
			continue;
		enum print_kind k = print_names[i].k;
		struct node *n = mk(NODE_PRINT, l);
		int nargs = node_count(args);

		n->u.print.which = k;
		switch (k) {
		case PRINT_PRINTF: case PRINT_SPRINTF:
		case PRINT_PRINTD: case PRINT_PRINTDLN:
		case PRINT_SPRINTD: case PRINT_SPRINTDLN: {
			bool d = k != PRINT_PRINTF && k != PRINT_SPRINTF;

			if (!args || args->kind != NODE_STR) {
				diag_error(L(l), d ? "%s needs a string literal delimiter as its first argument"
					   : "%s needs a string literal format as its first argument", name);
				break;
			}
			n->u.print.fmt = args;
			n->u.print.args = args->next;
			args->next = NULL;
			if (d && nargs < 3)
				diag_error(L(l), "%s needs a delimiter and at least two values", name);
			break;
		}
		case PRINT_PRINT: case PRINT_SPRINT:
			if (nargs < 1)
				diag_error(L(l), "%s needs at least one argument", name);
			n->u.print.args = args;
			break;
		case PRINT_PRINT_CHAR:
			if (nargs != 1)
				diag_error(L(l), "%s takes one argument", name);
			n->u.print.args = args;
			break;
		case PRINT_PRINTLN: case PRINT_SPRINTLN:
			n->u.print.args = args;
			break;
		}
		return n;
	}
	struct node *n = mk(NODE_CALL, l);

	n->u.call.name = name;
	n->u.call.args = args;
	return n;
}

/* The @-operators that have no node kind of their own: CALL "@name". */
static struct node *mk_at_call(struct pstate *ps, const char *name, struct node *args,
			       struct srcloc l)
{
	struct node *n = mk(NODE_CALL, l);
	int nargs = node_count(args);

	n->u.call.name = name;
	n->u.call.args = args;
	if (!strcmp(name, "@perf") || !strcmp(name, "@const") || !strcmp(name, "@enum")) {
		if (nargs != 1 || args->kind != NODE_STR || args->u.str.len == 0)
			diag_error(L(l), "%s needs one non-empty string literal", name);
	} else if (!strcmp(name, "@probewrite")) {
		if (nargs != 1 || args->kind != NODE_VAR)
			diag_error(L(l), "@probewrite needs one variable name");
	} else if (!strcmp(name, "@kregister") || !strcmp(name, "@uregister")) {
		if (nargs != 1 || args->kind != NODE_NUM)
			diag_error(L(l), "%s needs one register number", name);
	} else if (!strcmp(name, "@kderef") || !strcmp(name, "@uderef")) {
		if (nargs != 2 || args->kind != NODE_NUM)
			diag_error(L(l), "%s needs a size literal and an address", name);
	} else if (!strcmp(name, "@enumname")) {
		if (nargs < 1 || nargs > 3)
			diag_error(L(l), "@enumname takes one to three arguments");
	}
	if (!strcmp(name, "@const") || !strcmp(name, "@kregister") || !strcmp(name, "@kderef"))
		need_guru(ps, l, name);
	return n;
}

/* A literal in a literal-only position may be negative; a hist bound too. */
static bool literal_number(struct node *e, int64_t *v)
{
	if (e->kind == NODE_NUM) {
		*v = e->u.num.value;
		return true;
	}
	if (e->kind == NODE_UNARY && e->u.un.op == UN_NEG && e->u.un.operand->kind == NODE_NUM) {
		*v = -(uint64_t)e->u.un.operand->u.num.value;
		return true;
	}
	return false;
}

static struct node *hist_bound(struct node *e)
{
	int64_t v;

	if (!literal_number(e, &v)) {
		diag_error(e->loc, "@hist_linear bounds and width must be number literals");
		return e;
	}
	struct node *n = node_new(NODE_NUM, e->loc);
	n->u.num.value = v;
	return n;
}

/* Probe points: each alternative is a PROBE_POINT; a path multiplies the
 * alternatives of its parts (brace expansion). */
static bool pp_has_suffix(const struct node *p)
{
	return p->u.pp.optional || p->u.pp.sufficient || p->u.pp.cond;
}

/* Brace expansion multiplies: {a,b}.{a,b}... thirty times over is 2^30
 * probe points from 180 bytes of source, and {a,b,...}.a.a.a... makes many
 * long ones.  So a path may name at most MAX_PROBE_POINTS points, and all
 * the expansions of one file together may make at most
 * MAX_PROBE_COMPONENTS components.  No real script comes near either. */
#define MAX_PROBE_POINTS 10000
#define MAX_PROBE_COMPONENTS 100000

static bool pp_too_many(long n, struct srcloc l)
{
	if (n <= MAX_PROBE_POINTS)
		return false;
	diag_error(L(l), "probe point expands to more than %d probe points", MAX_PROBE_POINTS);
	return true;
}

static void pp_group_size(const struct node *alts, long *n, long *len)
{
	*n = *len = 0;
	for (const struct node *x = alts; x; x = x->next) {
		++*n;
		for (const struct node *c = x->u.pp.comps; c; c = c->next)
			++*len;
	}
}

static struct pp_list *pp_list_new(void)
{
	return arena_alloc(sizeof(struct pp_list));
}

/* Append the points of P (a list) in time linear in P, not in the list:
 * the -p1 text of a big expansion is one long comma list.  False
 * (reported) when the list would name too many points. */
static bool pp_list_add(struct pp_list *l, struct node *p, struct srcloc loc)
{
	struct node *last = p;
	long k = 1;

	if (!p)
		return true;
	for (; last->next; last = last->next)
		k++;
	if (pp_too_many(l->n + k, loc))
		return false;
	if (l->last)
		l->last->next = p;
	else
		l->head = p;
	l->last = last;
	l->n += k;
	return true;
}

static struct pp_seq *pp_seq_new(struct node *alts)
{
	struct pp_seq *s = arena_alloc(sizeof(*s));
	struct pp_group *g = arena_alloc(sizeof(*g));

	g->alts = alts;
	s->first = s->last = g;
	s->ngroups = 1;
	pp_group_size(alts, &s->points, &s->comps);
	return s;
}

/* Append a group of alternatives.  The product's sizes are kept exactly
 * (points multiply; each earlier component is repeated once per new
 * alternative, each new one once per earlier point), so the bounds are
 * checked before anything is built.  False (reported) when over one. */
static bool pp_seq_add(struct pp_seq *s, struct node *alts, struct pstate *ps, struct srcloc l)
{
	long n, len;
	struct pp_group *g;

	pp_group_size(alts, &n, &len);
	if (pp_too_many(s->points * n, l))
		return false;
	s->comps = s->comps * n + len * s->points;
	s->points *= n;
	if (ps->pp_built + s->comps > MAX_PROBE_COMPONENTS) {
		diag_error(L(l), "probe points expand to more than %d components", MAX_PROBE_COMPONENTS);
		return false;
	}
	g = arena_alloc(sizeof(*g));
	g->alts = alts;
	s->last->next = g;
	s->last = g;
	s->ngroups++;
	return true;
}

/* The probe points of a path: one per choice of an alternative in each
 * group, in order (the last group varies fastest), each with fresh
 * components.  The '?', '!' and condition come from the last group; an
 * earlier group may not have one.  NULL after an error. */
static struct node *pp_seq_expand(struct pp_seq *s, struct pstate *ps)
{
	struct node *out = NULL, **tail = &out;
	const struct node **pick, **first;
	int i, k = s->ngroups;
	struct pp_group *g;

	if (k == 1)
		return s->first->alts;
	for (g = s->first; g != s->last; g = g->next)
		for (const struct node *x = g->alts; x; x = x->next)
			if (pp_has_suffix(x)) {
				diag_error(x->loc, "'?', '!' or condition must only be specified in suffix");
				return NULL;
			}
	ps->pp_built += s->comps;
	pick = arena_alloc((size_t)k * sizeof(*pick));
	first = arena_alloc((size_t)k * sizeof(*first));
	for (i = 0, g = s->first; g; g = g->next, i++)
		pick[i] = first[i] = g->alts;
	for (;;) {
		const struct node *last = pick[k - 1];
		struct node *p = node_new(NODE_PROBE_POINT, pick[0]->loc);
		struct node **ctail = &p->u.pp.comps;

		p->u.pp = last->u.pp;
		p->u.pp.comps = NULL;
		for (i = 0; i < k; i++)
			for (const struct node *c = pick[i]->u.pp.comps; c; c = c->next) {
				struct node *d = node_new(NODE_PP_COMP, c->loc);

				d->u.comp = c->u.comp;
				*ctail = d;
				ctail = &d->next;
			}
		*tail = p;
		tail = &p->next;
		/* the next choice, odometer-wise */
		for (i = k - 1; i >= 0 && !pick[i]->next; i--)
			pick[i] = first[i];
		if (i >= 0)
			pick[i] = pick[i]->next;
		if (i < 0)
			return out;
	}
}

static struct node *pp_suffix(struct node *list, int mark, struct node *cond, struct srcloc l)
{
	if (!mark && !cond)
		return list;
	for (struct node *p = list; p; p = p->next) {
		if (pp_has_suffix(p)) {
			diag_error(L(l), "'?', '!' or condition given twice for one probe point");
			break;
		}
		p->u.pp.optional = mark != 0;
		p->u.pp.sufficient = mark == '!';
		p->u.pp.cond = cond;
	}
	return list;
}

/* The slot of name in the set of globals: its entry, or the free one
 * where it goes.  A hash set, so a file of many globals parses in linear
 * time; grown tables are left in the arena. */
static struct gname **global_slot(struct pstate *ps, const char *name)
{
	size_t h = 5381, i, mask;

	if (2 * (ps->nglobals + 1) > ps->globals_cap) {
		struct gname **old = ps->globals;
		size_t cap = ps->globals_cap, j;

		ps->globals_cap = cap ? 2 * cap : 64;
		ps->globals = arena_alloc(ps->globals_cap * sizeof(*ps->globals));
		for (j = 0; j < cap; j++)
			if (old[j])
				*global_slot(ps, old[j]->name) = old[j];
	}
	for (const char *p = name; *p; p++)
		h = h * 33 ^ (unsigned char)*p;
	mask = ps->globals_cap - 1;
	for (i = h & mask; ps->globals[i]; i = (i + 1) & mask)
		if (!strcmp(ps->globals[i]->name, name))
			break;
	return &ps->globals[i];
}

static void add_global(struct pstate *ps, struct node *g)
{
	struct gname **slot = global_slot(ps, g->u.global.name), *x = *slot;

	if (x) {
		if (x->is_private != g->u.global.is_private)
			diag_error(g->loc, "global '%s' declared both private and not", x->name);
		else
			diag_error(g->loc, "duplicate global '%s'", x->name);
		diag_note(x->loc, "previous declaration is here");
		return;
	}
	x = arena_alloc(sizeof(*x));
	x->name = g->u.global.name;
	x->loc = g->loc;
	x->is_private = g->u.global.is_private;
	*slot = x;
	ps->nglobals++;
}

static void check_alias_names(struct node *names)
{
	for (struct node *p = names; p; p = p->next)
		if (pp_has_suffix(p))
			diag_error(p->loc, "a probe alias name cannot have '?', '!' or a condition");
}

/* A key of a foreach header (or its value) with a sort mark. */
static void fe_mark(struct fe_head *h, int mark, int key, struct srcloc l)
{
	if (!mark)
		return;
	if (h->marks++) {
		diag_error(L(l), "multiple sort directives in foreach");
		return;
	}
	h->n->u.foreach.sort_key = key;
	h->n->u.foreach.sort_dir = mark > 0 ? SORT_ASC : SORT_DESC;
}
}

%union {
	struct token tok;
	struct node *node;
	struct fe_head *fe;
	struct pp_seq *seq;
	struct pp_list *plist;
	int ival;
}

%token <tok> IDENT "identifier" TVAR "target variable" NUMBER "number"
%token <tok> STRING "string" EMBEDDED "embedded code"
%token <tok> AT_STAT "statistic operator" AT_HIST_LINEAR "'@hist_linear'" AT_HIST_LOG "'@hist_log'"
%token <tok> AT_CAST "'@cast'" AT_VAR "'@var'" AT_DEFINED "'@defined'" AT_ENTRY "'@entry'"
%token <tok> AT_OP "@-operator"
%token <tok> PROBE "'probe'" GLOBAL "'global'" PRIVATE "'private'" FUNCTION "'function'"
%token <tok> IF "'if'" ELSE "'else'" FOR "'for'" FOREACH "'foreach'" IN "'in'" LIMIT "'limit'"
%token <tok> RETURN "'return'" DELETE "'delete'" WHILE "'while'" BREAK "'break'"
%token <tok> CONTINUE "'continue'" NEXT "'next'" STRING_KW "'string'" LONG_KW "'long'"
%token <tok> TRY "'try'" CATCH "'catch'"
%token <tok> EQ "'=='" NE "'!='" LE "'<='" GE "'>='" REGEX "'=~'" ASSIGNOP "assignment operator"
%token <tok> PLUS_ASSIGN "'+='" AGG "'<<<'" ANDAND "'&&'" OROR "'||'" INC "'++'" DEC "'--'"
%token <tok> ARROW "'->'" SHL "'<<'" SHR "'>>'" USHR "'>>>'" DOLLAR "'$'" DOLLAR2 "'$$'"
%token <tok> '(' ')' '{' '}' '[' ']' ';' ',' '.' '?' ':' '=' '<' '>' '!' '~'
%token <tok> '+' '-' '*' '/' '%' '&' '|' '^'

%precedence NOSEMI
%precedence ';'
%precedence THEN
%precedence ELSE
%right '=' ASSIGNOP PLUS_ASSIGN AGG
%right '?' ':'
%left OROR
%left ANDAND
%left '|'
%left '^'
%left '&'
%precedence IN
%left EQ NE '<' '>' LE GE REGEX
%left SHL SHR USHR
%left '.'
%left '+' '-'
%left '*' '/' '%'
%precedence IDENT TVAR NUMBER STRING EMBEDDED '(' '[' '!' '~' INC DEC
%precedence AT_STAT AT_HIST_LINEAR AT_HIST_LOG AT_CAST AT_VAR AT_DEFINED AT_ENTRY AT_OP

%type <node> decl probe_decl opt_epilogue global_decl gvar_list gvar opt_init literal
%type <node> func_decl func_head opt_params params param func_body
%type <node> pp comp_alts opt_comp_arg opt_cond
%type <node> block stmts stmt simple simple_stmt opt_expr catch_var foreach fe_array fe_slice
%type <node> hist expr unary crement postfix primary string_lit opt_args args idx_list idx
%type <fe> fe_vars fe_keys fe_keylist
%type <seq> pp_path
%type <plist> pplist
%type <ival> opt_type opt_mark sortmark
%type <tok> comp_name piece field gv_mods

%%

file:
	  %empty
	| file decl {
			if ($2) {
				*ps->tail = $2;
				while ($2->next)
					$2 = $2->next;
				ps->tail = &$2->next;
			}
		}
	;

decl:
	  probe_decl
	| global_decl
	| func_decl
	| PRIVATE GLOBAL gvar_list	{ $$ = $3; for (struct node *g = $3; g; g = g->next) g->u.global.is_private = true; for (struct node *g = $3; g; g = g->next) add_global(ps, g); }
	| PRIVATE gvar_list		{ $$ = $2; for (struct node *g = $2; g; g = g->next) g->u.global.is_private = true; for (struct node *g = $2; g; g = g->next) add_global(ps, g); }
	| PRIVATE func_decl		{ $$ = $2; $2->u.func.is_private = true; }
	| EMBEDDED			{
			$$ = mk(NODE_EMBEDDED, @1);
			$$->u.embedded.code = $1.text;
			need_guru(ps, @1, "embedded C code");
		}
	| ';'				{ $$ = NULL; }
	;

/* ---- probes and aliases ---- */

probe_kw:
	  PROBE				{ ps->in_function = false; }
	;

probe_decl:
	  probe_kw pplist block	{
			$$ = mk(NODE_PROBE, @1);
			$$->u.probe.points = $2->head;
			$$->u.probe.body = $3;
		}
	| probe_kw pplist '=' pplist block opt_epilogue {
			$$ = mk(NODE_ALIAS, @1);
			check_alias_names($2->head);
			$$->u.alias.names = $2->head;
			$$->u.alias.points = $4->head;
			$$->u.alias.prologue = $5;
			$$->u.alias.epilogue = $6;
		}
	| probe_kw pplist PLUS_ASSIGN pplist block {
			$$ = mk(NODE_ALIAS, @1);
			check_alias_names($2->head);
			$$->u.alias.names = $2->head;
			$$->u.alias.points = $4->head;
			$$->u.alias.epilogue = $5;
			$$->u.alias.append = true;
		}
	;

opt_epilogue:
	  %empty			{ $$ = NULL; }
	| ',' block			{ $$ = $2; }
	;

pplist:
	  pp				{ $$ = pp_list_new(); pp_list_add($$, $1, @$); }
	| pplist ',' pp {
			if (!pp_list_add($1, $3, @$))
				YYERROR;
			$$ = $1;
		}
	;

pp:
	  pp_path opt_mark opt_cond {
			struct node *points = pp_seq_expand($1, ps);

			if (!points)
				YYERROR;
			$$ = pp_suffix(points, $2, $3, @2);
		}
	;

opt_mark:
	  %empty			{ $$ = 0; }
	| '?'				{ $$ = '?'; }
	| '!'				{ $$ = '!'; }
	;

opt_cond:
	  %empty			{ $$ = NULL; }
	| IF '(' expr ')'		{ $$ = $3; }
	;

pp_path:
	  comp_alts			{ $$ = pp_seq_new($1); }
	| pp_path '.' comp_alts {
			if (!pp_seq_add($1, $3, ps, @$))
				YYERROR;
			$$ = $1;
		}
	;

comp_alts:
	  comp_name opt_comp_arg {
			struct node *c = mk(NODE_PP_COMP, @1);

			c->u.comp.name = $1.text;
			c->u.comp.arg = $2;
			$$ = mk(NODE_PROBE_POINT, @1);
			$$->u.pp.comps = c;
		}
	| '{' pplist '}'		{ $$ = $2->head; }
	;

/* Wildcards are glued from adjacent tokens: kernel.func*tion, *abc*. */
comp_name:
	  piece
	| IF				/* kernel.function("f").if(1) parses; pass 2 rejects it */
	| comp_name piece {
			if (!$2.glued) {
				diag_error(L(@2), "unexpected '%s' in probe point: components are separated by '.', probe points by ','", $2.text);
				YYERROR;
			}
			$$ = $1;
			$$.text = arena_printf("%s%s", $1.text, $2.text);
		}
	;

piece:
	  IDENT | '*' | PROBE | GLOBAL | PRIVATE | FUNCTION | ELSE | FOR | FOREACH | IN
	| LIMIT | RETURN | DELETE | WHILE | BREAK | CONTINUE | NEXT | STRING_KW
	| LONG_KW | TRY | CATCH
	;

opt_comp_arg:
	  %empty			{ $$ = NULL; }
	| '(' literal ')'		{ $$ = $2; }
	;

literal:
	  NUMBER			{ $$ = mk_num($1.num, @1); }
	| '-' NUMBER			{ $$ = mk_num(-(uint64_t)$2.num, @1); }
	| string_lit
	;

/* ---- globals ---- */

global_decl:
	  GLOBAL gvar_list		{ $$ = $2; for (struct node *g = $2; g; g = g->next) add_global(ps, g); }
	;

gvar_list:
	  gvar
	| gvar_list ',' gvar		{ $$ = node_append($1, $3); }
	;

gvar:
	  IDENT gv_mods opt_init {
			$$ = mk(NODE_GLOBAL, @1);
			$$->u.global.name = $1.text;
			$$->u.global.wrap = $2.sub;
			$$->u.global.size = $2.num;
			$$->u.global.init = $3;
			if ($2.num && $3)
				diag_error(L(@3), "array '%s' cannot have an initializer", $1.text);
		}
	;

gv_mods:
	  %empty			{ memset(&$$, 0, sizeof($$)); }
	| gv_mods '%'			{ $$ = $1; $$.sub = 1; }
	| gv_mods '[' NUMBER ']' {
			$$ = $1;
			if ($3.num < 1 || $3.num > INT_MAX)
				diag_error(L(@3), "array size must be between 1 and %d", INT_MAX);
			$$.num = $3.num;
		}
	;

opt_init:
	  %empty			{ $$ = NULL; }
	| '=' literal			{ $$ = $2; }
	;

/* ---- functions ---- */

func_decl:
	  func_head func_body		{ $$ = $1; $$->u.func.body = $2; }
	;

func_head:
	  FUNCTION IDENT opt_type '(' opt_params ')' {
			$$ = mk(NODE_FUNCTION, @1);
			$$->u.func.name = $2.text;
			$$->u.func.ret = $3;
			$$->u.func.params = $5;
			ps->in_function = true;
		}
	| FUNCTION IDENT opt_type '(' opt_params ')' ':' NUMBER {
			$$ = mk(NODE_FUNCTION, @1);
			$$->u.func.name = $2.text;
			$$->u.func.ret = $3;
			$$->u.func.params = $5;
			if ($8.num < 1)
				diag_error(L(@8), "function priority must be at least 1");
			$$->u.func.priority = $8.num;
			ps->in_function = true;
		}
	;

func_body:
	  block
	| EMBEDDED {
			$$ = mk(NODE_EMBEDDED, @1);
			$$->u.embedded.code = $1.text;
			need_guru(ps, @1, "embedded C code");
		}
	;

opt_type:
	  %empty			{ $$ = TYPE_UNKNOWN; }
	| ':' LONG_KW			{ $$ = TYPE_LONG; }
	| ':' STRING_KW			{ $$ = TYPE_STRING; }
	;

opt_params:
	  %empty			{ $$ = NULL; }
	| params
	;

params:
	  param
	| params ',' param {
			for (struct node *p = $1; p; p = p->next)
				if (!strcmp(p->u.param.name, $3->u.param.name))
					diag_error($3->loc, "duplicate parameter '%s'", p->u.param.name);
			$$ = node_append($1, $3);
		}
	;

param:
	  IDENT opt_type {
			$$ = mk(NODE_PARAM, @1);
			$$->u.param.name = $1.text;
			$$->u.param.decl = $2;
		}
	;

/* ---- statements ---- */

block:
	  '{' stmts '}'			{ $$ = mk(NODE_BLOCK, @1); $$->u.block.stmts = list_reverse($2); }
	;

stmts:					/* built in reverse: appending is O(n) */
	  %empty			{ $$ = NULL; }
	| stmts stmt			{ $2->next = $1; $$ = $2; }
	;

stmt:
	  block
	| ';'				{ $$ = mk(NODE_NULLSTMT, @1); }
	| IF '(' expr ')' stmt %prec THEN {
			$$ = mk(NODE_IF, @1);
			$$->u.if_.cond = $3;
			$$->u.if_.then = $5;
		}
	| IF '(' expr ')' stmt ELSE stmt {
			$$ = mk(NODE_IF, @1);
			$$->u.if_.cond = $3;
			$$->u.if_.then = $5;
			$$->u.if_.els = $7;
		}
	| WHILE '(' expr ')' stmt {
			$$ = mk(NODE_WHILE, @1);
			$$->u.loop.cond = $3;
			$$->u.loop.body = $5;
		}
	| FOR '(' opt_expr ';' opt_expr ';' opt_expr ')' stmt {
			$$ = mk(NODE_FOR, @1);
			$$->u.loop.init = $3;
			$$->u.loop.cond = $5;
			$$->u.loop.step = $7;
			$$->u.loop.body = $9;
		}
	| foreach
	| TRY block CATCH catch_var block {
			$$ = mk(NODE_TRY, @1);
			$$->u.try_.body = $2;
			$$->u.try_.catch_var = $4;
			$$->u.try_.handler = $5;
		}
	| simple_stmt
	;

catch_var:
	  %empty			{ $$ = NULL; }
	| '(' IDENT ')'			{ $$ = mk_var($2.text, @2); }
	;

simple_stmt:
	  simple ';'
	| simple %prec NOSEMI
	;

simple:
	  expr %prec NOSEMI		{ $$ = mk_stmt(NODE_EXPRSTMT, $1, @1); $$->loc = $1->loc; }
	| RETURN %prec NOSEMI {
			$$ = mk_stmt(NODE_RETURN, NULL, @1);
			if (!ps->in_function)
				diag_error(L(@1), "'return' outside a function");
		}
	| RETURN expr %prec NOSEMI {
			$$ = mk_stmt(NODE_RETURN, $2, @1);
			if (!ps->in_function)
				diag_error(L(@1), "'return' outside a function");
		}
	| DELETE expr %prec NOSEMI {
			$$ = mk(NODE_DELETE, @1);
			$$->u.del.target = $2;
		}
	| BREAK				{ $$ = mk(NODE_BREAK, @1); }
	| CONTINUE			{ $$ = mk(NODE_CONTINUE, @1); }
	| NEXT				{ $$ = mk(NODE_NEXT, @1); }
	;

opt_expr:
	  %empty			{ $$ = NULL; }
	| expr
	;

/* foreach ([v =] k | [k1, k2] in a[slice] [@stat][+|-] [limit e]) stmt */
foreach:
	  FOREACH '(' fe_vars IN fe_array fe_slice fe_sort opt_limit ')' stmt {
			struct node *n = $3->n;

			n->loc = L(@1);
			n->u.foreach.array = $5;
			n->u.foreach.slice = $6;
			n->u.foreach.body = $10;
			$$ = n;
		}
	;

fe_vars:
	  fe_keys
	| IDENT sortmark '=' fe_keys {
			$$ = $4;
			$$->n->u.foreach.value = mk_var($1.text, @1);
			fe_mark($$, $2, -1, @2);
		}
	;

fe_keys:
	  IDENT sortmark {
			$$ = arena_alloc(sizeof(*$$));
			$$->n = mk(NODE_FOREACH, @1);
			$$->n->u.foreach.keys = mk_var($1.text, @1);
			fe_mark($$, $2, 1, @2);
		}
	| '[' fe_keylist ']'		{ $$ = $2; }
	;

fe_keylist:
	  IDENT sortmark {
			$$ = arena_alloc(sizeof(*$$));
			$$->n = mk(NODE_FOREACH, @1);
			$$->n->u.foreach.keys = mk_var($1.text, @1);
			fe_mark($$, $2, 1, @2);
		}
	| fe_keylist ',' IDENT sortmark {
			$$ = $1;
			$$->n->u.foreach.keys = node_append($$->n->u.foreach.keys, mk_var($3.text, @3));
			fe_mark($$, $4, node_count($$->n->u.foreach.keys), @4);
		}
	;

sortmark:
	  %empty			{ $$ = 0; }
	| '+'				{ $$ = 1; }
	| '-'				{ $$ = -1; }
	;

fe_array:
	  IDENT				{ $$ = mk_var($1.text, @1); }
	| hist
	;

hist:
	  AT_HIST_LINEAR '(' expr ',' expr ',' expr ',' expr ')' {
			$$ = mk(NODE_HIST, @1);
			$$->u.hist.linear = true;
			$$->u.hist.operand = $3;
			$$->u.hist.lo = hist_bound($5);
			$$->u.hist.hi = hist_bound($7);
			$$->u.hist.width = hist_bound($9);
		}
	| AT_HIST_LOG '(' expr ')' {
			$$ = mk(NODE_HIST, @1);
			$$->u.hist.operand = $3;
		}
	;

fe_slice:
	  %empty			{ $$ = NULL; }
	| '[' idx_list ']'		{ $$ = $2; }
	;

fe_sort:
	  %empty
	| '+'				{ fe_mark($<fe>-3, 1, -1, @1); }
	| '-'				{ fe_mark($<fe>-3, -1, -1, @1); }
	| AT_STAT '+' {
			fe_mark($<fe>-3, 1, -1, @1);
			$<fe>-3->n->u.foreach.sort_stat = $1.sub;
			$<fe>-3->n->u.foreach.sort_stat_given = true;
		}
	| AT_STAT '-' {
			fe_mark($<fe>-3, -1, -1, @1);
			$<fe>-3->n->u.foreach.sort_stat = $1.sub;
			$<fe>-3->n->u.foreach.sort_stat_given = true;
		}
	;

opt_limit:
	  %empty
	| LIMIT expr			{ $<fe>-4->n->u.foreach.limit = $2; }
	;

/* ---- expressions ---- */

expr:
	  expr '=' expr			{ $$ = mk_assign(ASSIGN_SET, $1, $3, @2); $$->loc = $1->loc; }
	| expr ASSIGNOP expr		{ $$ = mk_assign($2.sub, $1, $3, @2); $$->loc = $1->loc; }
	| expr PLUS_ASSIGN expr		{ $$ = mk_assign(ASSIGN_ADD, $1, $3, @2); $$->loc = $1->loc; }
	| expr AGG expr			{ $$ = mk_assign(ASSIGN_AGG, $1, $3, @2); $$->loc = $1->loc; }
	| expr '?' expr ':' expr {
			$$ = mk(NODE_TERNARY, @2);
			$$->loc = $1->loc;
			$$->u.ternary.cond = $1;
			$$->u.ternary.then = $3;
			$$->u.ternary.els = $5;
		}
	| expr OROR expr		{ $$ = mk_logical(false, $1, $3, @2); $$->loc = $1->loc; }
	| expr ANDAND expr		{ $$ = mk_logical(true, $1, $3, @2); $$->loc = $1->loc; }
	| expr '|' expr			{ $$ = mk_bin(BIN_OR, $1, $3, @2); $$->loc = $1->loc; }
	| expr '^' expr			{ $$ = mk_bin(BIN_XOR, $1, $3, @2); $$->loc = $1->loc; }
	| expr '&' expr			{ $$ = mk_bin(BIN_AND, $1, $3, @2); $$->loc = $1->loc; }
	| expr IN IDENT {
			$$ = mk(NODE_IN, @2);
			$$->loc = $1->loc;
			$$->u.index.base = mk_var($3.text, @3);
			$$->u.index.keys = $1;
		}
	| expr IN hist {
			$$ = mk(NODE_IN, @2);
			$$->loc = $1->loc;
			$$->u.index.base = $3;
			$$->u.index.keys = $1;
		}
	| '[' idx_list ']' IN IDENT {
			$$ = mk(NODE_IN, @1);
			$$->u.index.base = mk_var($5.text, @5);
			$$->u.index.keys = $2;
		}
	| '[' idx_list ']' IN hist {
			$$ = mk(NODE_IN, @1);
			$$->u.index.base = $5;
			$$->u.index.keys = $2;
		}
	| expr '<' expr			{ $$ = mk_bin(BIN_LT, $1, $3, @2); $$->loc = $1->loc; }
	| expr '>' expr			{ $$ = mk_bin(BIN_GT, $1, $3, @2); $$->loc = $1->loc; }
	| expr LE expr			{ $$ = mk_bin(BIN_LE, $1, $3, @2); $$->loc = $1->loc; }
	| expr GE expr			{ $$ = mk_bin(BIN_GE, $1, $3, @2); $$->loc = $1->loc; }
	| expr EQ expr			{ $$ = mk_bin(BIN_EQ, $1, $3, @2); $$->loc = $1->loc; }
	| expr NE expr			{ $$ = mk_bin(BIN_NE, $1, $3, @2); $$->loc = $1->loc; }
	| expr REGEX string_lit {
			$$ = mk(NODE_REGEX, @2);
			$$->loc = $1->loc;
			$$->u.regex.negate = $2.sub;
			$$->u.regex.left = $1;
			$$->u.regex.pattern = $3->u.str.value;
			$$->u.regex.pattern_loc = $3->loc;
		}
	| expr SHL expr			{ $$ = mk_bin(BIN_SHL, $1, $3, @2); $$->loc = $1->loc; }
	| expr SHR expr			{ $$ = mk_bin(BIN_SHR, $1, $3, @2); $$->loc = $1->loc; }
	| expr USHR expr		{ $$ = mk_bin(BIN_USHR, $1, $3, @2); $$->loc = $1->loc; }
	| expr '.' expr			{ $$ = mk_bin(BIN_CONCAT, $1, $3, @2); $$->loc = $1->loc; }
	| expr '+' expr			{ $$ = mk_bin(BIN_ADD, $1, $3, @2); $$->loc = $1->loc; }
	| expr '-' expr			{ $$ = mk_bin(BIN_SUB, $1, $3, @2); $$->loc = $1->loc; }
	| expr '*' expr			{ $$ = mk_bin(BIN_MUL, $1, $3, @2); $$->loc = $1->loc; }
	| expr '/' expr			{ $$ = mk_bin(BIN_DIV, $1, $3, @2); $$->loc = $1->loc; }
	| expr '%' expr			{ $$ = mk_bin(BIN_MOD, $1, $3, @2); $$->loc = $1->loc; }
	| unary
	;

unary:
	  '-' unary			{ $$ = mk_un(UN_NEG, $2, @1); }
	| '+' unary			{ $$ = mk_un(UN_PLUS, $2, @1); }
	| '!' unary			{ $$ = mk_un(UN_NOT, $2, @1); }
	| '~' unary			{ $$ = mk_un(UN_BITNOT, $2, @1); }
	| crement
	;

crement:
	  INC postfix %prec NOSEMI	{ $$ = mk_incdec(true, true, $2, @1); }
	| DEC postfix %prec NOSEMI	{ $$ = mk_incdec(false, true, $2, @1); }
	| postfix INC			{ $$ = mk_incdec(true, false, $1, @2); $$->loc = $1->loc; }
	| postfix DEC			{ $$ = mk_incdec(false, false, $1, @2); $$->loc = $1->loc; }
	| '&' postfix %prec NOSEMI	{
			$$ = mk_un(UN_ADDR, $2, @1);
			if ($2->kind == NODE_TARGET)
				target_take_address($2, L(@1));
			if (($2->kind != NODE_TARGET || !strcmp($2->u.target.name, "@autocast")) &&
			    version_below(ps, "2.6"))
				diag_error(L(@1), "'&' of a value other than a target variable needs --compatible 2.6 or newer");
		}
	| postfix %prec NOSEMI
	;

postfix:
	  primary
	| IDENT '[' idx_list ']' {
			$$ = mk(NODE_INDEX, @1);
			$$->u.index.base = mk_var($1.text, @1);
			$$->u.index.keys = $3;
		}
	| postfix '[' idx_list ']'	{ $$ = postfix_index(ps, $1, $3, @2, @3); }
	| postfix ARROW field {
			struct target_step *s = arena_alloc(sizeof(*s));
			char *name = arena_strdup($3.text);
			struct target_step *pretty = strip_pretty(name, @3);

			$$ = postfix_base(ps, $1, @2);
			s->kind = STEP_FIELD;
			s->field = name;
			s->loc = L(@3);
			add_step($$, s);
			if (pretty)
				add_step($$, pretty);
		}
	| postfix DOLLAR {
			struct target_step *s = arena_alloc(sizeof(*s));

			$$ = postfix_base(ps, $1, @2);
			s->kind = STEP_PRETTY;
			s->loc = L(@2);
			add_step($$, s);
		}
	| postfix DOLLAR2 {
			struct target_step *s = arena_alloc(sizeof(*s));

			$$ = postfix_base(ps, $1, @2);
			s->kind = STEP_PRETTY_DEEP;
			s->loc = L(@2);
			add_step($$, s);
		}
	;

field:
	  IDENT | PROBE | GLOBAL | PRIVATE | FUNCTION | IF | ELSE | FOR | FOREACH | IN
	| LIMIT | RETURN | DELETE | WHILE | BREAK | CONTINUE | NEXT | STRING_KW
	| LONG_KW | TRY | CATCH
	;

primary:
	  NUMBER			{ $$ = mk_num($1.num, @1); }
	| string_lit %prec NOSEMI
	| IDENT %prec NOSEMI		{ $$ = mk_var($1.text, @1); }
	| IDENT '(' opt_args ')'	{ $$ = mk_call($1.text, $3, @1); }
	| '(' expr ')'			{ $$ = $2; }
	| TVAR {
			char *name = arena_strdup($1.text);
			struct target_step *pretty = strip_pretty(name, @1);

			$$ = mk(NODE_TARGET, @1);
			$$->u.target.name = name;
			if (pretty)
				add_step($$, pretty);
		}
	| EMBEDDED {
			$$ = mk(NODE_EMBEDDED_EXPR, @1);
			$$->u.embedded.code = $1.text;
			need_guru(ps, @1, "embedded C code");
		}
	| AT_STAT '(' expr ')' {
			$$ = mk(NODE_STAT_OP, @1);
			$$->u.stat.op = $1.sub;
			$$->u.stat.operand = $3;
		}
	| AT_STAT '(' expr ',' expr ')' {
			$$ = mk(NODE_STAT_OP, @1);
			$$->u.stat.op = $1.sub;
			$$->u.stat.operand = $3;
			$$->u.stat.arg = $5;
			if ($1.sub != STAT_VARIANCE)
				diag_error(L(@4), "%s takes one argument", $1.text);
		}
	| hist
	| AT_CAST '(' expr ',' string_lit ')' {
			$$ = mk(NODE_TARGET, @1);
			$$->u.target.name = "@cast";
			$$->u.target.cast_expr = $3;
			$$->u.target.cast_type = $5->u.str.value;
		}
	| AT_CAST '(' expr ',' string_lit ',' string_lit ')' {
			$$ = mk(NODE_TARGET, @1);
			$$->u.target.name = "@cast";
			$$->u.target.cast_expr = $3;
			$$->u.target.cast_type = $5->u.str.value;
			$$->u.target.cast_module = $7->u.str.value;
		}
	| AT_VAR '(' string_lit ')' {
			$$ = mk(NODE_TARGET, @1);
			$$->u.target.name = "@var";
			$$->u.target.cast_type = $3->u.str.value;
		}
	| AT_VAR '(' string_lit ',' string_lit ')' {
			$$ = mk(NODE_TARGET, @1);
			$$->u.target.name = "@var";
			$$->u.target.cast_type = $3->u.str.value;
			$$->u.target.cast_module = $5->u.str.value;
		}
	| AT_DEFINED '(' expr ')'	{ $$ = mk(NODE_DEFINED, @1); $$->u.wrap.operand = $3; }
	| AT_ENTRY '(' expr ')'		{ $$ = mk(NODE_ENTRY, @1); $$->u.wrap.operand = $3; }
	| AT_OP '(' opt_args ')'	{ $$ = mk_at_call(ps, $1.text, $3, @1); }
	;

string_lit:
	  STRING			{ $$ = mk_str(&$1, @1); }
	| string_lit STRING {
			/* Before 2.0 a comment between literals stopped the gluing. */
			if ($2.after_comment && version_below(ps, "2.0"))
				diag_error(L(@2), "adjacent string literals separated by a comment are not joined before --compatible 2.0");
			$$ = concat_str($1, &$2);
		}
	;

opt_args:
	  %empty			{ $$ = NULL; }
	| args
	;

args:
	  expr
	| args ',' expr			{ $$ = node_append($1, $3); }
	;

idx_list:
	  idx
	| idx_list ',' idx		{ $$ = node_append($1, $3); }
	;

idx:
	  expr
	| '*'				{ $$ = mk(NODE_WILDCARD, @1); }
	;

%%

int tapc_pplex(TAPC_PPSTYPE *lval, struct srcloc *lloc, struct pstate *ps)
{
	struct token t;

	pp_next(ps->pp, &t);
	lloc->file = t.loc.file;
	lloc->first_line = t.loc.line;
	lloc->first_column = t.loc.col;
	lloc->last_line = t.end_line;
	lloc->last_column = t.end_col;
	if (t.kind == PPTOK_ERROR)
		return TAPC_PPerror;
	lval->tok = t;
	return t.kind;
}

void tapc_pperror(struct srcloc *lloc, struct pstate *ps, const char *msg)
{
	diag_error(L(*lloc), "%s", msg);
	pp_expansion_notes(ps->pp);
}

struct file_ast *parse_text(const char *name, const char *text, const struct parse_opts *o)
{
	struct pstate ps = { .o = o, .guru = o->guru || o->is_tapset };
	int errors = diag_errors();

	ps.tail = &ps.decls;
	ps.pp = pp_new(name, text, o);
	if (tapc_ppparse(&ps) != 0 || diag_errors() > errors)
		return NULL;
	if (!ps.decls && !o->is_tapset) {
		diag_error((struct loc){ diag_add_source(name, text), 1, 1 },
			   "no probe, function or global in the script");
		return NULL;
	}
	struct file_ast *f = arena_alloc(sizeof(*f));

	f->name = diag_add_source(name, text);
	f->is_tapset = o->is_tapset;
	f->decls = ps.decls;
	for (struct node *d = f->decls; d; d = d->next)
		d->from_tapset = o->is_tapset;
	return f;
}
