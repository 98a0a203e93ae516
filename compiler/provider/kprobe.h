/* The kprobe family's own declarations (kernel.function, kernel.statement,
 * module(...), kprobe.*): its part of a site and what its files share.
 * Not for other providers or the passes. */
#ifndef TAPC_COMPILER_KPROBE_H
#define TAPC_COMPILER_KPROBE_H

#include <stdbool.h>

#include "provider.h"

struct entry_values;

/* A kprobe site's own part (site->priv). */
struct kprobe_site {
	const char *func;		/* the function */
	bool is_return;			/* a kretprobe */
	bool was_return;		/* is_return outside an @entry expression */
	int maxactive;			/* .maxactive(N), 0: default */
	/* where the function's symbols and types come from (a module's
	 * kernel_module() image; NULL: the target kernel), the module it is
	 * in, the probe's offset into it (.statement) */
	struct image *im;
	const char *module;
	unsigned long offset;
	bool statement;
	/* sites found in DWARF: the address in its address space (for the
	 * variables there); anchor: the symbol offset is from when func's
	 * name is ambiguous (func is then only for probefunc()) */
	unsigned long addr;
	const char *anchor;
	bool absolute;			/* .statement(ADDR).absolute: offset is the address */
	struct entry_values *entry;	/* values its kretprobe saves at entry */
};

static inline struct kprobe_site *kp(const struct site *site)
{
	return site->priv;
}

/* provider/kprobe.c: a glob without its wildcards, for "did you mean". */
const char *glob_literal(const char *pattern);

/* provider/kprobe_module.c: the image (kernel_module()) of module("NAME")'s
 * file, or NULL after an error. */
struct image *module_view(struct session *s, const struct node *arg);
/* module("GLOB"): the images of the modules whose names match GLOB and that
 * have a function matching func (a glob) into *out, and their count;
 * *nnamed: how many modules GLOB matched.  -1 after an error (no module
 * matches GLOB, or one can't be read). */
int module_views_matching(struct session *s, const struct node *arg, const char *func,
			  struct image ***out, int *nnamed);

#endif
