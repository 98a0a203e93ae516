/* provider/kprobe_statement.c: target variables at statement sites. */
#ifndef TAPC_KPROBE_STATEMENT_H
#define TAPC_KPROBE_STATEMENT_H

#include "provider.h"

/* $name at a statement site: a parameter or local of the code there,
 * read where DWARF says it is at that address. */
enum type_kind kprobe_statement_target(struct session *s, struct site *site, struct node *t);
/* kprobe_statement_target() without the diagnostics, for @defined. */
bool kprobe_statement_defined(struct session *s, struct site *site, struct node *t);
/* "$a $b" (typed: "$a:int $b:struct file*") in scope at the site, for -L
 * and for the note listing what there is. */
const char *kprobe_statement_vars(struct session *s, const struct site *site, bool typed);
/* $$vars, $$parms and $$locals (and their $ / $$ forms) at the site, from
 * DWARF: "name=0xHEX" each, "name=?" where it has no location; target()
 * resolves each variable. */
enum type_kind kprobe_statement_vars_text(struct session *s, struct site *site, struct node *t,
					  enum type_kind (*target)(struct session *, struct site *,
								   struct node *));

#endif
