/* Pass 2: the resolved program.
 *
 * resolve() turns the parsed files into a struct rprogram: every probe with
 * its probe points expanded into concrete sites by the providers, every name
 * bound to a struct symbol (global, local, parameter, function, built-in),
 * tapset functions and globals pulled in on use, types inferred (types.c)
 * and unused code dropped (prune.c).  Pass 3 reads only this.
 */
#ifndef TAPC_RESOLVE_H
#define TAPC_RESOLVE_H

#include <stdint.h>
#include <stdio.h>

#include "ast.h"

struct session;
struct provider_ops;
struct builtin;
struct rfunc;
struct rprobe;

#define MAX_ARRAY_KEYS 9

enum sym_kind { SYM_GLOBAL, SYM_LOCAL, SYM_PARAM, SYM_FUNCTION, SYM_BUILTIN };

struct symbol {
	enum sym_kind kind;
	const char *name;
	struct loc loc;			/* declaration, or first use of a local */
	enum type_kind type;		/* value (array element, function return) */
	struct loc type_loc;		/* where the type was first inferred */
	int arity;			/* keys of an array; 0 scalar; -1 not yet seen */
	struct loc arity_loc;
	enum type_kind keys[MAX_ARRAY_KEYS];
	struct loc key_loc[MAX_ARRAY_KEYS];
	struct node *decl;		/* GLOBAL, FUNCTION or PARAM node */
	const struct builtin *builtin;	/* SYM_BUILTIN */
	struct rfunc *func;		/* SYM_FUNCTION */
	int index;			/* globals: declaration order */
	bool assigned;			/* written somewhere (locals must be) */
	bool read;			/* read somewhere (x++ and x = v are pure
					 * writes, as in stap's global display) */
	bool used;			/* referenced from kept code */
	struct symbol *next;
};

/* One concrete place a probe body runs: a kprobe on one function, one
 * timer, the begin list...  The provider that made it emits its table;
 * what only its family knows (a kprobe's function, a timer's interval)
 * is in priv, the family's own struct. */
struct site {
	const struct provider_ops *ops;
	struct rprobe *probe;
	struct node *point;		/* the PROBE_POINT it came from */
	const char *pp;			/* canonical probe point text, pp() */
	bool optional;
	void *priv;			/* the family's part (provider/<family>.c) */
	struct site *next;
};

struct rprobe {
	struct node *decl;		/* PROBE */
	struct node *body;		/* BLOCK */
	struct symbol *locals;
	struct site *sites;
	struct site *last_site;		/* where site_add() appends */
	int index;
	struct rprobe *next;
};

struct rfunc {
	struct symbol *sym;
	struct node *decl;		/* FUNCTION */
	struct symbol *locals;		/* parameters first, in order */
	int nparams;
	bool resolved;			/* body bound (tapset functions: on use) */
	bool overloaded;		/* the program has this name with another arity */
	struct rfunc *next;
};

struct rprogram {
	struct symbol *globals;
	struct rprobe *probes;
	struct rfunc *funcs;
	int nprobes;
};

/* The C name of a function: f_NAME, or fN_NAME (N parameters) for a name
 * the program uses with several arities. */
const char *func_cname(const struct rfunc *fn);

/* Pass 2 entry: false after errors (already reported). */
bool resolve(struct session *s);
/* -p2 printer: # globals, # functions, # probes, like stap -p2. */
void resolve_print(FILE *f, const struct rprogram *p);

/* types.c: infer every expression's type; false after errors. */
bool types_infer(struct session *s, struct rprogram *p);
/* prune.c: drop what nothing uses (not with -u): also probes whose body
 * does nothing, unless -t counts their hits. */
void prune(struct session *s, struct rprogram *p);
/* check.c: a probe point's condition, once bound (it may only read
 * globals); errors are reported. */
void check_condition(struct node *cond);
/* check.c: the rules binding and typing don't enforce (foreach over a
 * changing array, '&', statistics in embedded C, and check_stats());
 * runs on the typed program; false after errors. */
bool check_program(struct rprogram *p);
/* check_stats.c: where statistics and histograms may appear, histogram
 * shapes and @variance shifts; errors are reported. */
void check_stats(struct rprogram *p);

/* global_set.c, -G VAR=VALUE: why arg is not of that form, else NULL
 * (main.c asks before anything runs); global_set_apply() gives each named
 * global its value once the program is typed, reporting unknown globals
 * and values of the wrong type at the option; false after errors. */
const char *global_set_error(const char *arg);
bool global_set_apply(struct session *s, struct rprogram *p);
/* A scalar global nothing in the script types (it is only printed) takes
 * the type of its -G value's form: types_infer() asks once the script's
 * own types have settled; true if g got a type. */
bool global_set_type(struct session *s, struct symbol *g);

/* A fresh local in a scope list (providers and resolve use it). */
struct symbol *symbol_new(enum sym_kind kind, const char *name, struct loc loc);

/* Every library function resolved and typed as far as it goes (errors
 * dropped), and each probe alias name passed to alias_name, sorted. */
struct rprogram *resolve_library(struct session *s, void (*alias_name)(void *ctx, const char *name),
				 void *ctx);

#endif
