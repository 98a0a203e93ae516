/* fetch.c: the target-variable library.  $name, ->member, [N], @cast,
 * $var$ and $$parms over an image's types (BTF, or DWARF as BTF), as the C
 * a probe handler runs.  Providers name a variable's base (a register, an
 * argument slot, a DWARF location) and its type; everything after that is
 * here, the same for every family.
 */
#ifndef TAPC_FETCH_H
#define TAPC_FETCH_H

#include <stdbool.h>

#include "ast.h"

struct btf;
struct image;
struct recipe;
struct session;
struct site;

struct btf_fetch {
	struct recipe *expr;		/* an int64_t expression */
	int type;			/* BTF type of the result */
	const char *err, *note;		/* why not, when btf_fetch() fails */
	const struct target_step *step;	/* ... at this step (NULL: the base) */
	/* steps ending in $ or $$ (no expr): statements computing the value
	 * (_v, a u64) or, when lvalue, its address (_a), with _ok false after
	 * a fault; pretty.c prints it */
	struct recipe *code;
	bool lvalue, deep;
};
/* Follow steps (->field, [N]) from base, a value of BTF type `type`.  The
 * expression is a GNU statement expression whose loads are tapc_kread()s
 * (tapc_uread()s for an image in user space), marked may_fail: after a
 * fault it yields 0 with c->last_error set (loc names the script
 * position).  A computed [index] is an operand of the recipe.  False with
 * out->err set when the steps don't fit the type. */
bool btf_fetch(struct image *im, int type, const struct recipe *base,
	       const struct target_step *steps, const char *loc, struct btf_fetch *out);

/* pretty.c: $var$ / $var$$ as SystemTap prints them.  A C statement that
 * appends the text of the value f describes (a btf_fetch() of steps ending
 * in a pretty-print) to the recipe's DST buffer; NULL with *err set when
 * the type can't be printed. */
struct recipe *pretty_append(struct image *im, const struct btf_fetch *f, const char **err);
/* The text $$parms shows for a value of type `type` that is not a plain
 * number ("{...}" for a struct, "[...]"), or NULL. */
const char *pretty_placeholder(struct image *im, int type);

/* The script position of t as a C string literal, for run-time errors. */
const char *fetch_loc(const struct node *t);
/* Finish the typed target variable t from BTF: base is a C value of BTF
 * type `type` of im, then t's ->/[] steps (nofault reads of im's memory);
 * sets t's recipe.  TYPE_UNKNOWN after an error. */
enum type_kind fetch_typed(struct image *im, struct node *t, int type, const char *base);
/* @cast(addr, "TYPE") typed from im's types. */
enum type_kind fetch_cast(struct image *im, struct node *t);
/* Whether t's steps fit a base of BTF type `type` of im (-1: no type). */
bool fetch_ok(struct image *im, const struct node *t, int type);
/* @defined(@cast(...)->...): whether im's types have that path. */
bool fetch_cast_defined(struct image *im, const struct node *t);
/* t has a $ or $$ pretty-printing step. */
bool fetch_has_pretty(const struct node *t);
/* t's recipe for a btf_fetch() of steps that end in $ or $$ (f->code
 * set), types from im: TYPE_STRING, or TYPE_UNKNOWN after an error. */
enum type_kind fetch_pretty(struct image *im, struct node *t, const struct btf_fetch *f);
/* The part of $$parms (t, maybe with a $ or $$ step) for parameter name of
 * BTF type `type` (-1: unknown) in im: statements appending "name=0xHEX"
 * ("name={...}" for a struct), or "name=" and the text of $name$ that
 * target() makes, to the DST of the string recipe they become part of.
 * NULL after an error. */
struct recipe *fetch_parm_text(struct session *s, struct site *site, const struct node *t,
			       struct image *im, const char *name, int type,
			       enum type_kind (*target)(struct session *, struct site *, struct node *));

/* Variables at an address of dk's DWARF (a kernel_debuginfo() image):
 * parameters and locals in scope there, read where DWARF says they are.
 * where names the probe point in messages. */
/* "$a $b" (typed: "$a:int $b:struct file*"), for -L and for notes. */
const char *fetch_dwarf_var_names(struct image *dk, unsigned long addr, bool typed);
/* $name with its steps: t's resolved expression, TYPE_UNKNOWN after an
 * error (not in scope, no location there: each says so). */
enum type_kind fetch_dwarf_var(struct image *dk, unsigned long addr, const char *where, struct node *t);
/* fetch_dwarf_var() without the diagnostics, for @defined. */
bool fetch_dwarf_var_ok(struct image *dk, unsigned long addr, const struct node *t);
/* $$vars, $$parms and $$locals (and their $ / $$ forms): "name=0xHEX"
 * each, "name=?" where it has no location; target() resolves each
 * variable at site. */
enum type_kind fetch_dwarf_vars_text(struct session *s, struct site *site, struct image *dk,
				     unsigned long addr, const char *where, struct node *t,
				     enum type_kind (*target)(struct session *, struct site *,
							      struct node *));

#endif
