/* Compiler-side probe providers.
 *
 * A probe point's leading components name its provider, by component path
 * ("kernel.trace"), among the families of one table (provider/table.c).  A
 * provider expands a probe point into sites, resolves the $variables its
 * sites offer (with the target-variable library, fetch.h), and emits the
 * site table the matching runtime provider consumes.  Adding a probe family
 * means one new file here, one (a .c/.h pair) in runtime/provider/ and one
 * line in the table, not editing the passes (docs/internals.md).
 */
#ifndef TAPC_PROVIDER_H
#define TAPC_PROVIDER_H

#include "ast.h"
#include "resolve.h"

struct session;
struct emitter;
struct recipe;

struct provider_ops {
	const char *family;		/* "begin_end", "kprobe", "timer" */
	/* the component paths it answers to ("kernel", "kernel.trace"),
	 * NULL-terminated */
	const char *const *paths;
	/* the point forms it takes, as --dump-probe-types prints them
	 * ("timer.ms(number)"), NULL-terminated; NULL: its paths */
	const char *const *patterns;
	/* its probes run in process context, one at a time, never while
	 * ordinary probes run (begin/end/error) */
	bool simple;
	/* Expand point (one of whose paths matched) into sites added to
	 * p->sites.  Returns the number of sites, or -1 after an error. */
	int (*expand)(struct session *s, struct rprobe *p, struct node *point);
	/* Resolve the TARGET node t ($name) at site: set t->u.target.resolved
	 * to its recipe (recipe.h; and t->u.target.store when it is written)
	 * and return its type, or report an error and return TYPE_UNKNOWN.
	 * NULL: the family has no $vars. */
	enum type_kind (*target)(struct session *s, struct site *site, struct node *t);
	/* Resolve @entry(e) (node n) at site: arrange for e to be saved when
	 * the function is entered and make e read the saved value.  NULL:
	 * the family has no @entry. */
	enum type_kind (*entry)(struct session *s, struct site *site, struct node *n);
	/* Resolve the targets that follow as the function's entry sees them
	 * (on), or as the site is again (off): the expression of @entry(e)
	 * is bound that way.  NULL with entry. */
	void (*entry_scope)(struct site *site, bool on);
	/* @defined(t): whether target t resolves at site, without reporting
	 * anything.  NULL: never. */
	bool (*defined)(struct session *s, struct site *site, struct node *t);
	/* Whether an assignment to t at site needs no guru mode: the
	 * family's own output variable (a procfs read probe's $value),
	 * whose target() then says whether it may be written there.
	 * NULL: every write to a target variable needs -g. */
	bool (*writable)(const struct site *site, const struct node *t);
	/* Whether a plain $name at site may live in memory, so & of it can
	 * make sense (DWARF variables of a statement site).  NULL: never,
	 * the family's $names are values or registers. */
	bool (*addressable)(const struct site *site);
	/* "$a:type $b:type" for tapc -L (NULL or "" when none).  NULL: the
	 * family has no target variables. */
	const char *(*vars)(struct session *s, const struct site *site);
	/* The family's runtime provider, R: its sites are a table
	 * "tapc_R_sites" of the site struct runtime/provider/R.h declares,
	 * armed by tapc_R_provider (runtime/provider/R.c).  NULL: nothing to
	 * register (begin/end/error, never). */
	const char *runtime;
	/* Emit what the family's sites need before the module descriptor:
	 * the site table and the code it names (wrappers, callbacks). */
	void (*emit_tables)(struct emitter *e, const struct rprogram *p);
	/* Fields of the descriptor the family fills itself (begin/end/error:
	 * the session's own lists).  NULL: none. */
	void (*emit_desc)(struct emitter *e, const struct rprogram *p);
};

/* The provider of a probe point: the family one of whose paths is the
 * longest the point starts with, or NULL. */
const struct provider_ops *provider_find(const struct node *point);
/* Every family once (NULL-terminated), in the order their sites are armed. */
const struct provider_ops *const *provider_families(void);

/* Helpers for providers (provider/site.c). */
struct site *site_add(struct rprobe *p, const struct provider_ops *ops, struct node *point,
		      const char *pp);
/* How many sites of the program belong to the family ops (0: emit no table). */
int provider_count_sites(const struct rprogram *p, const struct provider_ops *ops);
/* The C name of a probe's handler. */
const char *handler_name(const struct rprobe *p);

/* Values a return site saves at the entry of each call for its return:
 * @entry(e), and what a .return probe reads of the parameters (as stap,
 * their values at entry).  An int64_t each, or a MAXSTRINGLEN string for a
 * pretty-print ($p$, $$parms); NULL expr: an @entry expression the
 * probe's entry function computes.  The kprobe and uprobe families keep
 * one per return site (NULL until the first value), each with its own
 * store (provider/site.c). */
#define MAX_ENTRY_VALUES 32
struct entry_values {
	const struct recipe *exprs[MAX_ENTRY_VALUES];
	const char *offs[MAX_ENTRY_VALUES];	/* C offsets into the data */
	bool is_string[MAX_ENTRY_VALUES];
	int n, nlongs, nstrings;
	bool exprs_fn;				/* the probe has an entry function */
};
/* Where and how much a family saves, and what its errors say. */
struct entry_store {
	const char *data;		/* C: a call's saved data (from c) */
	long max_bytes;			/* per call */
	const char *values;		/* "more than N <values> in one probe" */
	const char *limit;		/* "... N bytes per call<limit>" */
	bool size_note;			/* and a note on what each value takes */
	/* resolve t as the site's entry sees it */
	enum type_kind (*target)(struct session *s, struct site *site, struct node *t);
};
/* @entry(e) at site (node n): e saved at entry, n reads it; errors
 * reported, TYPE_UNKNOWN after one. */
enum type_kind entry_values_resolve(struct session *s, struct site *site, struct entry_values **ev,
				    const struct entry_store *st, bool is_return, struct node *n);
/* Target t of a return site as the entry sees it, saved there; t then
 * reads the saved value. */
enum type_kind entry_values_capture(struct session *s, struct site *site, struct entry_values **ev,
				    const struct entry_store *st, struct node *t);
/* The bytes ev takes per call, as C text. */
const char *entry_values_size(const struct entry_values *ev);
/* static void NAME(struct tapc_context *c): saves ev's values for a call
 * of pr's return site; clear: each slot is zeroed first (data that is not
 * cleared between calls). */
void entry_values_emit(struct emitter *e, const struct rprobe *pr, const struct entry_values *ev,
		       const struct entry_store *st, const char *name, bool clear);

/* Whether pr's body may read the hit's registers, addresses or call data
 * (provider/hit_reads.c): false only when it surely reads none. */
bool probe_reads_hit(const struct rprobe *pr);

/* Handler name of a probe, shared by translator and providers. */
#define PROBE_HANDLER_FMT "probe_%d"

#endif
