/* Compiler-side probe providers.
 *
 * A probe point's first component names its provider in one table
 * (provider/table.c), by exact name.  A provider expands a probe point into
 * sites, resolves the $variables its sites offer, and emits the site table
 * the matching runtime provider consumes.  Adding a probe family means one
 * new file here and one in runtime/provider/, not editing the passes.
 */
#ifndef TAPC_PROVIDER_H
#define TAPC_PROVIDER_H

#include "ast.h"
#include "resolve.h"

struct session;
struct emitter;

struct provider_ops {
	const char *family;		/* "begin_end", "kprobe", "timer" */
	/* Expand point (whose first component matched) into sites added to
	 * p->sites.  Returns the number of sites, or -1 after an error. */
	int (*expand)(struct session *s, struct rprobe *p, struct node *point);
	/* Resolve the TARGET node t ($name) at site: set t->u.target.resolved
	 * to a C expression (const char *) and return its type, or report an
	 * error and return TYPE_UNKNOWN.  NULL: the family has no $vars. */
	enum type_kind (*target)(struct session *s, struct site *site, struct node *t);
	/* Resolve @entry(e) (node n) at site: arrange for e to be saved when
	 * the function is entered and make e read the saved value.  NULL:
	 * the family has no @entry. */
	enum type_kind (*entry)(struct session *s, struct site *site, struct node *n);
	/* @defined(t): whether target t resolves at site, without reporting
	 * anything.  NULL: never. */
	bool (*defined)(struct session *s, struct site *site, struct node *t);
	/* "$a:type $b:type" for tapc -L (NULL or "" when none).  NULL: the
	 * family has no target variables. */
	const char *(*vars)(struct session *s, const struct site *site);
	/* Emit the site table(s) for every site of this family (before the
	 * module descriptor), then the descriptor's fields. */
	void (*emit_tables)(struct emitter *e, const struct rprogram *p);
	void (*emit_desc)(struct emitter *e, const struct rprogram *p);
};

struct provider {
	const char *name;		/* first probe point component */
	const struct provider_ops *ops;
};

const struct provider *provider_find(const char *name);
/* Every distinct family, for the translator's table emission. */
const struct provider_ops *const *provider_families(void);
/* Names in the table, for "did you mean". */
const struct provider *provider_table(int *n);

extern const struct provider_ops begin_end_provider;
extern const struct provider_ops kprobe_provider;
extern const struct provider_ops timer_provider;
extern const struct provider_ops tracepoint_provider;	/* kernel.trace, via kprobe */
extern const struct provider_ops syscall_provider;	/* kernel.syscall, via kprobe */
extern const struct provider_ops never_provider;	/* no tables: never runs */

/* Helpers for providers (provider/table.c). */
struct site *site_add(struct rprobe *p, const struct provider_ops *ops, struct node *point,
		      const char *pp);
/* How many sites of the program belong to the family ops (0: emit no table). */
int provider_count_sites(const struct rprogram *p, const struct provider_ops *ops);
/* The C name of a probe's handler. */
const char *handler_name(const struct rprobe *p);

/* provider/kprobe.c: finish a typed target variable from BTF: base is a C
 * value of BTF type `type`, then t's ->/[] steps (nofault reads); sets t's
 * resolved expression.  TYPE_UNKNOWN after an error. */
enum type_kind provider_typed_target(struct session *s, struct node *t, int type,
				     const char *base);
/* @cast(addr, "TYPE") typed from the target kernel's BTF: in functions,
 * and in probes whose provider has no types of its own. */
enum type_kind provider_cast(struct session *s, struct node *t);
/* Whether t's steps fit a base of BTF type `type` (-1: no type). */
bool provider_fetch_ok(struct session *s, const struct node *t, int type);
/* t has a $ or $$ pretty-printing step. */
bool provider_has_pretty(const struct node *t);
/* What a string target's statement starts with: its text is appended to
 * an emptied tapc_str_dst. */
#define PROVIDER_STR_START "tapc_str_dst[0] = 0; "
/* t's resolved statement for a btf_fetch() of steps that end in $ or $$
 * (f->code set), types from k: TYPE_STRING, or TYPE_UNKNOWN after an
 * error. */
struct kernel;
struct btf_fetch;
enum type_kind provider_pretty(struct kernel *k, struct node *t, const struct btf_fetch *f);
/* The part of $$parms (t, maybe with a $ or $$ step) for parameter name of
 * BTF type `type` (-1: unknown) in k: a statement appending "name=0xHEX"
 * ("name={...}" for a struct), or "name=" and the text of $name$ that
 * target() makes.  NULL after an error. */
struct kernel;
const char *provider_parm_text(struct session *s, struct site *site, const struct node *t,
			       struct kernel *k, const char *name, int type,
			       enum type_kind (*target)(struct session *, struct site *, struct node *));

/* provider/kprobe.c: a glob without its wildcards, for "did you mean". */
const char *glob_literal(const char *pattern);

/* provider/kprobe_module.c: the view (kernel_module()) of module("NAME")'s
 * file, or NULL after an error. */
struct kernel *module_view(struct session *s, const struct node *arg);
/* module("GLOB"): the views of the modules whose names match GLOB and that
 * have a function matching func (a glob) into *out, and their count;
 * *nnamed: how many modules GLOB matched.  -1 after an error (no module
 * matches GLOB, or one can't be read). */
int module_views_matching(struct session *s, const struct node *arg, const char *func,
			  struct kernel ***out, int *nnamed);

/* Handler name of a probe, shared by translator and providers. */
#define PROBE_HANDLER_FMT "probe_%d"

#endif
