/* The uprobe family's own declarations (process("PATH").function,
 * .statement, .mark, .plt, .library(...)): its part of a site and what
 * its files share.  Not for other providers or the passes. */
#ifndef TAPC_COMPILER_UPROBE_H
#define TAPC_COMPILER_UPROBE_H

#include <stdbool.h>

#include "provider.h"

struct usdt;

enum uprobe_kind {
	UPROBE_FUNCTION,		/* a function's entry (or its return) */
	UPROBE_INLINE,			/* an inlined instance's entry */
	UPROBE_STATEMENT,		/* a source line */
	UPROBE_ADDRESS,			/* .statement(ADDR).absolute */
	UPROBE_MARK,			/* an SDT marker */
	UPROBE_PLT,			/* a PLT entry */
};

/* A uprobe site's own part (site->priv). */
struct uprobe_site {
	enum uprobe_kind kind;
	struct image *im;		/* the file the probe is in */
	struct image *exe;		/* .library(): only in processes running it */
	int pid;			/* process(PID): only in that process */
	const char *func;		/* probefunc(); "" at an address */
	unsigned long addr;		/* the probed instruction, link-time */
	unsigned long offset;		/* its file offset */
	bool is_return, was_return;
	const struct usdt *mark;	/* UPROBE_MARK */
	unsigned long sem_offset;	/* the marker's semaphore, 0: none */
	struct entry_values *entry;	/* values a return probe saves at entry */
};

static inline struct uprobe_site *up(const struct site *site)
{
	return site->priv;
}

/* provider/uprobe_vars.c: $variables of uprobe sites. */
enum type_kind uprobe_target(struct session *s, struct site *site, struct node *t);
enum type_kind uprobe_entry(struct session *s, struct site *site, struct node *n);
void uprobe_entry_scope(struct site *site, bool on);
bool uprobe_defined(struct session *s, struct site *site, struct node *t);
bool uprobe_addressable(const struct site *site);
const char *uprobe_vars(struct session *s, const struct site *site);
/* Why a site has no DWARF variables (for -L), or NULL. */
const char *uprobe_vars_why(const struct site *site);
/* The bytes a return site saves at entry (C text), and the C function
 * that saves them ("uprobe_entry_N"), emitted by uprobe_emit_entry(). */
const char *uprobe_entry_size(const struct site *site);
void uprobe_emit_entry(struct emitter *e, const struct rprobe *pr, const struct site *site, int n);

#endif
