/* The translator's internal interface: what translate.c and
 * translate_stats.c share.  Not for the other passes (they see translate.h).
 *
 * gx() returns the C text of an expression's value after emitting its
 * pre-statements; gs() emits a statement.  Helpers return arena strings.
 */
#ifndef TAPC_TRANSLATE_INT_H
#define TAPC_TRANSLATE_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "emit.h"
#include "resolve.h"
#include "session.h"

struct shape;

struct tx {
	struct session *s;
	struct rprogram *p;
	struct emitter *e;		/* the body being generated */
	FILE *frame;			/* members of the current frame struct */
	FILE *decls;			/* C locals of the current function */
	int ntmp;
	bool out_used;
	const char *err_label;		/* where a run-time error jumps: out or a catch */
	bool err_used;			/* ... and whether anything jumped there */
	struct rfunc *func;		/* NULL in a probe */
	int loop_cont[64];		/* continue labels of enclosing loops */
	bool loop_cont_used[64];	/* ... and whether a continue jumps there */
	int nloops;
	struct symbol **keyed;		/* arrays with a key temp in this frame */
	int nkeyed;
	FILE *helpers;			/* file-scope code the body needs (comparators) */
	char *helpers_buf;
	size_t helpers_len;
	int nhelpers;
	struct shape *shapes;		/* statistics globals' histogram shapes */
	int nshapes;
	bool *counter;			/* by global index: kept per CPU */
	int nglobals;			/* p->globals, numbered by their index */
	struct symbol **gsym;		/* ... by index (lock_list) */
	int *gcount, *gtouched;		/* lock_list's counts, kept zeroed */
	int *nsorted;			/* by global index: its sorted foreachs so far */
	bool in_simple;			/* in a begin/end/error probe */
	/* the string temporaries tmp_string() made, by address (a hash
	 * set): a value that is one belongs to its user */
	const char **str_tmps;
	size_t nstr_tmps, str_tmps_cap;
	long action_bound;		/* most statements the body can run, -1: unknown */
	bool aborts;			/* abort() is called (in the functions, emitted
					 * first, or in the probes so far) */
	bool probe_names;		/* pn() is called (the same way): handlers
					 * set c->probe_name */
};

/* translate.c: text and temporaries */
char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
const char *cstr(const char *s);
const char *loc_of(const struct node *n);
const char *tmp_long(struct tx *t);
const char *tmp_string(struct tx *t);
/* s is a string temporary (from tmp_string()), not a variable or literal. */
bool is_tmp_string(const struct tx *t, const char *s);
void goto_out(struct tx *t);
void goto_err(struct tx *t);
void check_error(struct tx *t);
void unsupported(struct tx *t, const struct node *n, const char *what);
const char *ctype_of(enum type_kind ty);
bool stable(const struct node *n);
bool no_side_effects(const struct node *n);
const char *var_ref(struct tx *t, struct symbol *sym);
void frame_local(struct tx *t, struct symbol *sym);
bool str_keyed(const struct symbol *sym);
const char *build_key(struct tx *t, struct symbol *sym, struct node *keys);
const char *elem_ptr(struct tx *t, struct node *index, bool create);
const char *lvalue(struct tx *t, struct node *n);
const char *gx_num(int64_t v);
const char *gx(struct tx *t, struct node *n);
const char *gx_target(struct tx *t, struct node *n);
void gs(struct tx *t, struct node *n);
void gs_body(struct tx *t, struct node *body);
void gs_loop_body(struct tx *t, struct node *body, int label);

/* translate_stats.c: statistics and foreach */
struct symbol *stat_sym(struct node *operand);
void collect_shapes(struct tx *t);
void emit_shape(struct tx *t, struct emitter *out, struct symbol *g);
const char *stat_data(struct tx *t, struct node *operand);
const char *gx_stat_op(struct tx *t, struct node *n);
const char *gx_hist_bucket(struct tx *t, struct node *n);
const char *gx_aggregate(struct tx *t, struct node *n);
void slice_values(struct tx *t, struct symbol *sym, struct node *keys, const char **vals);
const char *slice_match(struct symbol *sym, const char **vals, const char *kp);
bool has_wildcard(const struct node *keys);
void gs_foreach(struct tx *t, struct node *n);

void gs_block(struct tx *t, struct node *n);

/* translate_body.c: the C of script functions and probes (each with the
 * frame struct it needs first); emit_probe* return whether the body has
 * a frame, which the caller adds to the frames union */
const char *func_signature(const struct rfunc *fn);
void emit_function(struct tx *t, struct emitter *out, struct rfunc *fn);
/* A probe with a site of a family that emits code (not -l/-L only). */
bool probe_emitted(const struct rprobe *pr);
bool emit_probe(struct tx *t, struct emitter *out, struct rprobe *pr);
/* probe_N_entry(): the @entry(expr) values of a .return probe */
bool emit_probe_entry(struct tx *t, struct emitter *out, struct rprobe *pr);
/* -t: tapc_probe_info[], what the hit report names each probe by */
void emit_probe_info(struct tx *t, struct emitter *out);

/* translate_limits.c: false (after a positioned error) when the arrays
 * need more memory than the machine the module runs on has */
bool check_global_memory(struct tx *t);

/* translate_counters.c: scalar globals that become per-CPU counters */
void find_counters(struct tx *t);
bool is_counter(const struct tx *t, const struct symbol *sym);
/* Only begin/end/error sites: never runs alongside ordinary probes. */
bool probe_is_simple(const struct rprobe *pr);

#endif
