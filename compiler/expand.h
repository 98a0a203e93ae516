/* Pass 2, probe points to sites: probe aliases, `!` and `?`, providers
 * (expand.c; resolve.c calls it for every probe). */
#ifndef TAPC_EXPAND_H
#define TAPC_EXPAND_H

#include <stdbool.h>

struct session;
struct node;
struct rprobe;
struct file_ast;
struct aliases;

/* How resolve.c takes part: bind a probe's body (called for every probe
 * derived, inside its alias contexts) and collect the declarations of a
 * tapset file parsed during expansion (a generated tapset's part). */
struct expand_hooks {
	void (*bind)(void *ctx, struct rprobe *p);
	void (*collect)(void *ctx, struct file_ast *f);
	void (*alias_used)(void *ctx, const char *file);	/* the alias's file */
	void *ctx;
};

/* The probe alias names of the program. */
struct aliases *aliases_new(struct session *s, const struct expand_hooks *h);
/* Add the names of an ALIAS declaration (user's first, then the library's,
 * in file order: the order of their probes). */
void aliases_add(struct aliases *t, struct node *alias);
void aliases_free(struct aliases *t);

/* Expand the points of probe decl (a PROBE) into probes with sites and
 * bind each, in order: the probes of its alias uses, point by point, then
 * one probe of its plain points.  providers_only: aliases do not apply
 * (the compiler's own probes, such as -T's timer).  False after errors
 * (reported). */
bool expand_probe(struct aliases *t, struct node *decl, bool providers_only);

#endif
