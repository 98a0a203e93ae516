/* The preprocessor: the token stream between the lexer and the parser.
 *
 * It keeps a stack of token sources (frames): the file, a macro body being
 * expanded, a macro argument, a pasted $N argument.  On top of that it
 * evaluates %( COND %? A %: B %) conditionals, skipping the untaken branch
 * without expanding it (so $3 or an undefined macro there is no error),
 * records @define macros, and replaces $N/@N/$#/@# by the script
 * arguments.  A macro argument is expanded in the environment of the call
 * site, which is what makes @define foo(a) %( @bar(@a) %) work.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "grammar.h"
#include "parse.h"
#include "token.h"

#define MAX_COND_DEPTH 256
#define MAX_EXPANSION_DEPTH 200
/* Tokens all expansions of one file may produce.  The depth limit does not
 * bound the total: ten lines of "@define m2 %( @m1 @m1 %)" ask for 2^40
 * tokens, and a script of a few hundred bytes would hang the compiler.
 * Real scripts and tapsets stay far below this. */
#define MAX_EXPANDED_TOKENS 100000

struct macro {
	const char *name;		/* without '@' */
	int nparams;
	const char **params;
	struct token *body;		/* ends with a kind-0 token */
	int nbody;
	struct loc loc;
	struct macro *next;
};

/* Macros by name: open addressing, so a file of many @defines costs its
 * size, not its square.  Tables live in the arena (a grown one leaves the
 * old there); the macros are also on a list, in definition order reversed. */
struct macro_table {
	struct macro **slot;
	size_t n, cap;
	struct macro *list;		/* most recent first */
};

static struct macro **macro_slot(const struct macro_table *t, const char *name)
{
	size_t h = 5381, i, mask = t->cap - 1;

	for (const char *p = name; *p; p++)
		h = h * 33 ^ (unsigned char)*p;
	for (i = h & mask; t->slot[i]; i = (i + 1) & mask)
		if (strcmp(t->slot[i]->name, name) == 0)
			break;
	return &t->slot[i];
}

static struct macro *macro_get(const struct macro_table *t, const char *name)
{
	return t->cap ? *macro_slot(t, name) : NULL;
}

/* Add m (whose name is not in t yet). */
static void macro_put(struct macro_table *t, struct macro *m)
{
	if (2 * (t->n + 1) > t->cap) {
		struct macro **old = t->slot;
		size_t cap = t->cap;

		t->cap = cap ? 2 * cap : 64;
		t->slot = arena_alloc(t->cap * sizeof(*t->slot));
		for (size_t i = 0; i < cap; i++)
			if (old[i])
				*macro_slot(t, old[i]->name) = old[i];
	}
	*macro_slot(t, m->name) = m;
	t->n++;
	m->next = t->list;
	t->list = m;
}

/* The parameters visible in a macro body being expanded. */
struct env {
	struct macro *m;
	struct token **args;		/* each ends with a kind-0 token */
	int *nargs;
	struct env *outer;		/* environment of the call site */
};

struct frame {
	struct token *toks;
	int pos, n;
	struct env *env;
	struct frame *up;
	const char *what;		/* "macro @foo", NULL for the file */
	struct loc call;		/* where the expansion was asked for */
	bool is_arg;			/* a pasted $N */
	bool glued0;			/* glue flag for the first token */
	int depth;
};

enum cond_state { COND_THEN, COND_ELSE };

struct pp {
	const struct parse_opts *o;
	struct frame *top;
	struct env *tok_env;		/* env of the token last read */
	struct frame *tok_frame;	/* frame of the token last read */
	struct macro_table macros;
	enum cond_state cond[MAX_COND_DEPTH];
	struct loc cond_loc[MAX_COND_DEPTH];
	int ncond;
	long expanded;			/* tokens pushed by expansions so far */
	bool failed;
};

static const char *const builtin_at[] = {
	"cast", "defined", "probewrite", "entry", "perf", "var", "avg", "count",
	"sum", "min", "max", "hist_linear", "hist_log", "const", "variance",
	"kregister", "uregister", "kderef", "uderef", "enum", "enumname",
};

struct pp *pp_new(const char *name, const char *text, const struct parse_opts *o)
{
	struct pp *pp = arena_alloc(sizeof(*pp));
	struct frame *f = arena_alloc(sizeof(*f));

	f->toks = lex_text(name, text, &f->n);
	pp->o = o;
	pp->top = f;
	pp->tok_frame = f;
	return pp;
}

void pp_expansion_notes(struct pp *pp)
{
	for (struct frame *f = pp->tok_frame; f && f->up; f = f->up)
		if (f->what)
			diag_note(f->call, "in expansion of %s", f->what);
}

static void pp_error(struct pp *pp, struct loc loc, const char *fmt, const char *arg)
{
	diag_error(loc, fmt, arg);
	pp_expansion_notes(pp);
	pp->failed = true;
}

/* The next token of the frame stack, popping finished frames (but never
 * the file's).  Its environment is left in pp->tok_env. */
static void raw_next(struct pp *pp, struct token *t)
{
	struct frame *f = pp->top;

	while (f->pos >= f->n && f->up)
		f = pp->top = f->up;
	pp->tok_frame = f;
	pp->tok_env = f->env;
	if (f->pos >= f->n) {
		*t = f->toks[f->n];
		return;
	}
	*t = f->toks[f->pos++];
	if (f->pos == 1 && f->up)
		t->glued = f->glued0;
	if (t->kind == PPTOK_ERROR && !pp->failed) {
		diag_error(t->loc, "%s", t->text);
		pp_expansion_notes(pp);
		pp->failed = true;
	}
}

static void push_frame(struct pp *pp, struct token *toks, int n, struct env *env,
		       const char *what, const struct token *at, bool is_arg)
{
	struct frame *f;

	/* an empty body counts too: 2^40 empty expansions take as long */
	pp->expanded += n + 1;
	if (pp->expanded > MAX_EXPANDED_TOKENS) {
		pp_error(pp, at->loc, "macro expansion too large (over 100000 tokens): "
			 "does a macro use another one twice, level after level?", NULL);
		return;
	}
	f = arena_alloc(sizeof(*f));
	f->toks = toks;
	f->n = n;
	f->env = env;
	f->up = pp->top;
	f->what = what;
	f->call = at->loc;
	f->is_arg = is_arg;
	f->glued0 = at->glued;
	f->depth = pp->top->depth + 1;
	pp->top = f;
}

/* Macros from *.stpm library files, visible to every file parsed later. */
static struct macro_table library_macros;

static struct macro *macro_find(struct pp *pp, const char *name)
{
	struct macro *m = macro_get(&pp->macros, name);

	return m ? m : macro_get(&library_macros, name);
}

/* Copy tokens [from, to) of an array into a new kind-0-terminated one. */
static struct token *tok_slice(const struct token *from, int n, struct loc end)
{
	struct token *a = arena_alloc((size_t)(n + 1) * sizeof(*a));

	if (n)
		memcpy(a, from, (size_t)n * sizeof(*a));
	a[n].kind = 0;
	a[n].loc = end;
	return a;
}

/* Tokens of the current frame up to the matching %) of an already
 * consumed %(; false (reported) at the end of input. */
static bool collect_body(struct pp *pp, struct token **out, int *n, const struct token *open)
{
	int cap = 16, len = 0, depth = 0;
	struct token *buf = malloc((size_t)cap * sizeof(*buf));
	struct token t;

	for (;;) {
		raw_next(pp, &t);
		if (t.kind == 0) {
			free(buf);
			pp_error(pp, open->loc, "unterminated macro body: missing '%%)'", NULL);
			return false;
		}
		if (t.kind == PPTOK_ERROR) {
			free(buf);
			pp->failed = true;
			return false;
		}
		if (t.kind == PPTOK_DEFINE) {
			free(buf);
			pp_error(pp, t.loc, "@define inside a macro body", NULL);
			return false;
		}
		if (t.kind == PPTOK_OPEN)
			depth++;
		if (t.kind == PPTOK_CLOSE && depth-- == 0)
			break;
		if (len == cap) {
			cap *= 2;
			buf = realloc(buf, (size_t)cap * sizeof(*buf));
			if (!buf)
				die("out of memory");
		}
		buf[len++] = t;
	}
	*out = tok_slice(buf, len, t.loc);
	*n = len;
	free(buf);
	return true;
}

/* @define NAME [(P1, P2)] %( BODY %) -- the @define is consumed. */
static void define_macro(struct pp *pp, const struct token *def)
{
	struct token name, t;
	struct macro *m = arena_alloc(sizeof(*m));
	const char *params[64];

	raw_next(pp, &name);
	if (name.kind != IDENT) {
		pp_error(pp, name.kind ? name.loc : def->loc, "expected a macro name after @define", NULL);
		return;
	}
	if (strcmp(name.text, "define") == 0) {
		pp_error(pp, name.loc, "cannot redefine '@define'", NULL);
		return;
	}
	m->name = name.text;
	m->loc = name.loc;
	raw_next(pp, &t);
	if (t.kind == '(') {
		for (;;) {
			raw_next(pp, &t);
			if (t.kind != IDENT) {
				pp_error(pp, t.loc, "expected a parameter name in the definition of macro @%s", m->name);
				return;
			}
			for (int i = 0; i < m->nparams; i++)
				if (strcmp(params[i], t.text) == 0) {
					pp_error(pp, t.loc, "duplicate parameter '%s' in macro definition", t.text);
					return;
				}
			if (m->nparams == 64) {
				pp_error(pp, t.loc, "too many parameters in the definition of macro @%s", m->name);
				return;
			}
			params[m->nparams++] = t.text;
			raw_next(pp, &t);
			if (t.kind == ')')
				break;
			if (t.kind != ',') {
				pp_error(pp, t.loc, "expected ',' or ')' in the parameters of macro @%s", m->name);
				return;
			}
		}
		m->params = arena_alloc((size_t)m->nparams * sizeof(*m->params));
		memcpy(m->params, params, (size_t)m->nparams * sizeof(*m->params));
		raw_next(pp, &t);
	}
	if (t.kind != PPTOK_OPEN) {
		pp_error(pp, t.kind ? t.loc : name.loc, "expected '%%(' to start the body of macro @%s", m->name);
		return;
	}
	if (!collect_body(pp, &m->body, &m->nbody, &t))
		return;
	struct macro *old = macro_get(&pp->macros, m->name);

	if (old) {
		pp_error(pp, m->loc, "macro @%s redefined", m->name);
		diag_note(old->loc, "previous definition is here");
		return;
	}
	for (size_t i = 0; i < sizeof(builtin_at) / sizeof(builtin_at[0]); i++)
		if (strcmp(builtin_at[i], m->name) == 0)
			diag_warning(m->loc, "macro @%s hides the built-in operator of that name", m->name);
	macro_put(&pp->macros, m);
}

/* Read the (a, b) of a macro call from the current frame only. */
static bool macro_args(struct pp *pp, struct env *e, const struct token *call)
{
	struct frame *f = pp->top;
	struct token *args[64];
	int nargs[64], n = 0, depth = 0, start;

	if (e->m->nparams == 0 || f->pos >= f->n || f->toks[f->pos].kind != '(') {
		e->args = NULL;
		e->nargs = NULL;
		return e->m->nparams == 0;
	}
	start = ++f->pos;
	for (;;) {
		if (f->pos >= f->n) {
			pp_error(pp, call->loc, "unterminated call of macro %s: missing ')'", call->text);
			return false;
		}
		struct token *t = &f->toks[f->pos];
		bool end = depth == 0 && (t->kind == ',' || t->kind == ')');

		if (end) {
			if (n == 64) {
				pp_error(pp, t->loc, "too many arguments to macro %s", call->text);
				return false;
			}
			args[n] = tok_slice(&f->toks[start], f->pos - start, t->loc);
			nargs[n++] = f->pos - start;
			f->pos++;
			start = f->pos;
			if (t->kind == ')')
				break;
			continue;
		}
		if (t->kind == '(' || t->kind == '[')
			depth++;
		else if (t->kind == ')' || t->kind == ']')
			depth--;
		f->pos++;
	}
	e->args = arena_alloc((size_t)n * sizeof(*e->args) + 1);
	e->nargs = arena_alloc((size_t)n * sizeof(*e->nargs) + 1);
	memcpy(e->args, args, (size_t)n * sizeof(*e->args));
	memcpy(e->nargs, nargs, (size_t)n * sizeof(*e->nargs));
	if (n != e->m->nparams) {
		diag_error(call->loc, "macro %s takes %d argument%s, but %d given", call->text,
			   e->m->nparams, e->m->nparams == 1 ? "" : "s", n);
		pp_expansion_notes(pp);
		pp->failed = true;
		return false;
	}
	return true;
}

/* @word: a parameter of the macro being expanded, a macro, a built-in
 * operator or an error.  Returns true when T is to be handed on. */
static bool expand_at(struct pp *pp, struct token *t)
{
	const char *name = t->text + 1;
	struct env *env = pp->tok_env;

	if (pp->top->depth > MAX_EXPANSION_DEPTH) {
		pp_error(pp, t->loc, "macro expansion too deep (recursive macro?)", NULL);
		return false;
	}
	if (env)
		for (int i = 0; i < env->m->nparams; i++)
			if (strcmp(env->m->params[i], name) == 0) {
				push_frame(pp, env->args[i], env->nargs[i], env->outer,
					   arena_printf("argument @%s of macro @%s", name, env->m->name),
					   t, false);
				return false;
			}
	struct macro *m = macro_find(pp, name);
	if (m) {
		struct env *e = arena_alloc(sizeof(*e));

		e->m = m;
		e->outer = env;
		if (!macro_args(pp, e, t)) {
			if (!pp->failed)
				pp_error(pp, t->loc, "macro %s takes arguments: missing '('", t->text);
			return false;
		}
		push_frame(pp, m->body, m->nbody, e, arena_printf("macro %s", t->text), t, false);
		return false;
	}
	if (t->kind == PPTOK_MACRO) {
		pp_error(pp, t->loc, "unknown macro or operator '%s'", t->text);
		return false;
	}
	return true;
}

/* $N @N $# @#.  Returns true when T was replaced by one token. */
static bool paste_arg(struct pp *pp, struct token *t)
{
	int argc = pp->o->argc;

	if (t->kind == PPTOK_ARGC) {
		if (t->sub == '$') {
			t->kind = NUMBER;
			t->num = argc;
		} else {
			t->kind = STRING;
			t->text = arena_printf("%d", argc);
			t->len = (int)strlen(t->text);
		}
		return true;
	}
	if (t->num < 1 || t->num > argc) {
		diag_error(t->loc, "command line argument %s out of range [1-%d]", t->text, argc);
		pp_expansion_notes(pp);
		pp->failed = true;
		return false;
	}
	const char *arg = pp->o->argv[t->num - 1];
	if (t->sub == '@') {
		t->kind = STRING;
		t->text = arg;
		t->len = (int)strlen(arg);
		return true;
	}
	for (struct frame *f = pp->top; f; f = f->up)
		if (f->is_arg) {
			pp_error(pp, t->loc, "invalid nested substitution of command line argument %s", t->text);
			return false;
		}
	int n;
	struct token *toks = lex_text(arena_printf("<argument %lld>", (long long)t->num), arg, &n);
	push_frame(pp, toks, n, NULL, arena_printf("command line argument %s", t->text), t, true);
	return false;
}

/* The next token with macros, parameters and arguments replaced; the
 * conditional markers come through. */
static void next_expanded(struct pp *pp, struct token *t)
{
	for (;;) {
		if (pp->failed) {
			t->kind = PPTOK_ERROR;
			return;
		}
		raw_next(pp, t);
		switch (t->kind) {
		case PPTOK_DEFINE:
			if (pp->top->up) {
				pp_error(pp, t->loc, "@define inside a macro body", NULL);
				break;
			}
			define_macro(pp, t);
			break;
		case PPTOK_ARG:
		case PPTOK_ARGC:
			if (paste_arg(pp, t))
				return;
			break;
		case PPTOK_MACRO:
		case AT_STAT: case AT_HIST_LINEAR: case AT_HIST_LOG: case AT_CAST:
		case AT_VAR: case AT_DEFINED: case AT_ENTRY: case AT_OP:
			if (expand_at(pp, t))
				return;
			break;
		default:
			return;
		}
	}
}

/* Skip an untaken branch.  Returns the token that ends it: %: (only when
 * ALLOW_ELSE) or %); kind 0 or PPTOK_ERROR after an error. */
static int skip_branch(struct pp *pp, bool allow_else)
{
	struct token t;
	int depth = 0;

	for (;;) {
		raw_next(pp, &t);
		switch (t.kind) {
		case 0:
			pp_error(pp, pp->cond_loc[pp->ncond - 1], "incomplete conditional at end of file", NULL);
			return 0;
		case PPTOK_OPEN:
			depth++;
			break;
		case PPTOK_CLOSE:
			if (depth-- == 0)
				return PPTOK_CLOSE;
			break;
		case PPTOK_ELSE:
			if (depth == 0) {
				if (allow_else)
					return PPTOK_ELSE;
				pp_error(pp, t.loc, "unexpected '%%:' in conditional", NULL);
				return PPTOK_ERROR;
			}
			break;
		case PPTOK_THEN:
			if (depth == 0) {
				pp_error(pp, t.loc, "unexpected '%%?' in conditional", NULL);
				return PPTOK_ERROR;
			}
			break;
		default:
			break;
		}
	}
}

int pp_vercmp(const char *a, const char *b)
{
	return strverscmp(a, b);
}

static bool apply_op(int op, int cmp)
{
	switch (op) {
	case '<': return cmp < 0;
	case '>': return cmp > 0;
	case LE: return cmp <= 0;
	case GE: return cmp >= 0;
	case EQ: return cmp == 0;
	default: return cmp != 0;
	}
}

static const char *op_text(int op)
{
	switch (op) {
	case '<': return "<";
	case '>': return ">";
	case LE: return "<=";
	case GE: return ">=";
	case EQ: return "==";
	default: return "!=";
	}
}

/* A number operand: NUMBER or - NUMBER. */
static bool cond_number(struct pp *pp, struct token *t, long long *v)
{
	bool neg = false;

	if (t->kind == '-') {
		neg = true;
		next_expanded(pp, t);
	}
	if (t->kind != NUMBER)
		return false;
	/* -9223372036854775808 wraps to itself, as numbers do in the lexer */
	*v = neg ? (long long)-(uint64_t)t->num : t->num;
	return true;
}

/* kernel_v == "6.*": equality may use wildcards, order uses versions. */
static int cond_version(struct pp *pp, const char *have, int op, const struct token *rhs)
{
	if (op == EQ || op == NE)
		return (fnmatch(rhs->text, have, 0) == 0) == (op == EQ);
	if (strpbrk(rhs->text, "*?[")) {
		pp_error(pp, rhs->loc, "wildcard not allowed with order comparison", NULL);
		return -1;
	}
	return apply_op(op, pp_vercmp(have, rhs->text));
}

/* One LHS OP RHS triple: 1 true, 0 false, -1 error (reported). */
static int eval_term(struct pp *pp)
{
	struct token l, o, r;
	long long a, b;

	next_expanded(pp, &l);
	if (l.kind == PPTOK_ERROR)
		return -1;
	if (l.kind == 0) {
		pp_error(pp, pp->cond_loc[pp->ncond - 1], "incomplete conditional at end of file", NULL);
		return -1;
	}
	if (l.kind == '-') {		/* -1 < 0 */
		struct token minus = l;

		next_expanded(pp, &l);
		if (l.kind != NUMBER) {
			pp_error(pp, minus.loc, "expected a number after '-' in preprocessor condition", NULL);
			return -1;
		}
		l.num = (int64_t)-(uint64_t)l.num;
		l.loc = minus.loc;
	}
	next_expanded(pp, &o);
	if (o.kind == PPTOK_ERROR)
		return -1;
	if (o.kind != '<' && o.kind != '>' && o.kind != LE && o.kind != GE &&
	    o.kind != EQ && o.kind != NE) {
		pp_error(pp, o.kind ? o.loc : l.loc, "expected a comparison operator (== != < <= > >=) in preprocessor condition", NULL);
		return -1;
	}
	next_expanded(pp, &r);
	if (r.kind == PPTOK_ERROR)
		return -1;
	if (r.kind == 0) {
		pp_error(pp, pp->cond_loc[pp->ncond - 1], "incomplete conditional at end of file", NULL);
		return -1;
	}
	bool eq_only = o.kind == EQ || o.kind == NE;

	if (l.kind == IDENT) {
		const char *n = l.text;
		const struct parse_opts *opt = pp->o;

		if (!strcmp(n, "kernel_v") || !strcmp(n, "kernel_vr") || !strcmp(n, "systemtap_v")) {
			const char *have = !strcmp(n, "kernel_v") ? opt->kernel_v
				: !strcmp(n, "kernel_vr") ? opt->kernel_vr
				: opt->compatible ? opt->compatible : PARSE_LANGUAGE_VERSION;
			if (r.kind != STRING) {
				pp_error(pp, r.loc, "expected a version string after '%s'", op_text(o.kind));
				return -1;
			}
			return cond_version(pp, have ? have : "", o.kind, &r);
		}
		if (!strcmp(n, "arch") || !strcmp(n, "runtime") || !strcmp(n, "systemtap_privilege")) {
			const char *have = !strcmp(n, "arch") ? (opt->arch ? opt->arch : "")
				: !strcmp(n, "runtime") ? "kernel"
				: opt->privilege ? opt->privilege : "stapdev";
			if (r.kind != STRING) {
				pp_error(pp, r.loc, "expected a string after '%s'", op_text(o.kind));
				return -1;
			}
			if (!eq_only) {
				pp_error(pp, o.loc, "only == and != can compare '%s'", n);
				return -1;
			}
			return (fnmatch(r.text, have, 0) == 0) == (o.kind == EQ);
		}
		if (!strcmp(n, "guru_mode")) {
			if (!cond_number(pp, &r, &b) || (b != 0 && b != 1)) {
				pp_error(pp, r.loc, "guru_mode can only be compared with 0 or 1", NULL);
				return -1;
			}
			if (!eq_only) {
				pp_error(pp, o.loc, "only == and != can compare '%s'", n);
				return -1;
			}
			return ((opt->guru ? 1 : 0) == b) == (o.kind == EQ);
		}
		if (!strncmp(n, "CONFIG_", 7)) {
			const char *have = opt->config ? opt->config(opt->config_ctx, n) : NULL;

			if (r.kind == STRING) {
				if (!eq_only) {
					pp_error(pp, o.loc, "only == and != can compare '%s' with a string", n);
					return -1;
				}
				return (fnmatch(r.text, have ? have : "", 0) == 0) == (o.kind == EQ);
			}
			if (r.kind == IDENT && !strncmp(r.text, "CONFIG_", 7)) {
				const char *other = opt->config ? opt->config(opt->config_ctx, r.text) : NULL;
				return apply_op(o.kind, strcmp(have ? have : "", other ? other : ""));
			}
			if (cond_number(pp, &r, &b)) {
				char *end;

				if (!have || !*have)
					return false;
				a = strtoll(have, &end, 0);
				return *end ? false : apply_op(o.kind, a < b ? -1 : a > b);
			}
			pp_error(pp, r.loc, "expected a string, number or CONFIG_ option after '%s'", op_text(o.kind));
			return -1;
		}
		pp_error(pp, l.loc, "unknown preprocessor condition '%s'", n);
		return -1;
	}
	if (l.kind == STRING) {
		if (r.kind != STRING) {
			pp_error(pp, r.loc, "expected a string after '%s' in preprocessor condition", op_text(o.kind));
			return -1;
		}
		return apply_op(o.kind, strcmp(l.text, r.text));
	}
	if (cond_number(pp, &l, &a)) {
		if (!cond_number(pp, &r, &b)) {
			pp_error(pp, r.loc, "expected a number after '%s' in preprocessor condition", op_text(o.kind));
			return -1;
		}
		return apply_op(o.kind, a < b ? -1 : a > b);
	}
	pp_error(pp, l.loc, "expected a preprocessor condition (kernel_v, arch, CONFIG_..., a number or a string)", NULL);
	return -1;
}

/* COND %? -- terms joined by && (tighter) and ||.  -1 on error. */
static int eval_cond(struct pp *pp)
{
	bool any = false, all = true;
	struct token t;

	for (;;) {
		int v = eval_term(pp);

		if (v < 0)
			return -1;
		all = all && v;
		next_expanded(pp, &t);
		if (t.kind == ANDAND)
			continue;
		if (t.kind == OROR) {
			any = any || all;
			all = true;
			continue;
		}
		if (t.kind == PPTOK_THEN)
			return any || all;
		if (t.kind == PPTOK_ERROR)
			return -1;
		if (t.kind == 0)
			pp_error(pp, pp->cond_loc[pp->ncond - 1], "incomplete conditional at end of file", NULL);
		else
			pp_error(pp, t.loc, "expected '%%?' marker for conditional", NULL);
		return -1;
	}
}

void pp_next(struct pp *pp, struct token *out)
{
	for (;;) {
		next_expanded(pp, out);
		switch (out->kind) {
		case PPTOK_OPEN: {
			if (pp->ncond == MAX_COND_DEPTH) {
				pp_error(pp, out->loc, "conditionals nested too deeply", NULL);
				break;
			}
			pp->cond_loc[pp->ncond] = out->loc;
			pp->cond[pp->ncond++] = COND_THEN;
			int v = eval_cond(pp);

			if (v < 0)
				break;
			if (v)
				break;
			int end = skip_branch(pp, true);
			if (end == PPTOK_ELSE)
				pp->cond[pp->ncond - 1] = COND_ELSE;
			else if (end == PPTOK_CLOSE)
				pp->ncond--;
			break;
		}
		case PPTOK_ELSE:
			if (pp->ncond == 0 || pp->cond[pp->ncond - 1] != COND_THEN) {
				pp_error(pp, out->loc, "'%%:' without a matching '%%(' ... '%%?'", NULL);
				break;
			}
			if (skip_branch(pp, false) == PPTOK_CLOSE)
				pp->ncond--;
			break;
		case PPTOK_CLOSE:
			if (pp->ncond == 0) {
				pp_error(pp, out->loc, "'%%)' without a matching '%%('", NULL);
				break;
			}
			pp->ncond--;
			break;
		case PPTOK_THEN:
			pp_error(pp, out->loc, "unexpected '%%?' in conditional", NULL);
			break;
		case 0:
			if (pp->ncond) {
				pp_error(pp, pp->cond_loc[pp->ncond - 1], "incomplete conditional at end of file", NULL);
				out->kind = PPTOK_ERROR;
			}
			return;
		case PPTOK_ERROR:
			pp->failed = true;
			return;
		default:
			return;
		}
		if (pp->failed) {
			out->kind = PPTOK_ERROR;
			return;
		}
	}
}

bool parse_macro_file(const char *name, const char *text, const struct parse_opts *o)
{
	struct pp *pp = pp_new(name, text, o);
	struct token t;
	int errors = diag_errors();

	for (;;) {
		pp_next(pp, &t);
		if (t.kind == 0 || t.kind == PPTOK_ERROR)
			break;
		diag_error(t.loc, "only @define is allowed in a library macro file");
		break;
	}
	/* A macro may be defined on both sides of a conditional; only the
	 * taken side reached pp->macros.  Across files a name is unique. */
	for (struct macro *m = pp->macros.list, *next, *x; m; m = next) {
		next = m->next;
		if ((x = macro_get(&library_macros, m->name))) {
			diag_error(m->loc, "library macro @%s defined twice", m->name);
			diag_note(x->loc, "previous definition is here");
		} else {
			macro_put(&library_macros, m);
		}
	}
	return diag_errors() == errors;
}
