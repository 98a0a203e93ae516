/* Built-in functions: one table entry each, with the C that implements it.
 *
 * The translator never special-cases a built-in by name: it asks this
 * table for the signature (pass 2) and the C template (pass 3).  In a
 * template, $1..$9 are the arguments (C expressions), $0 the destination
 * buffer of a string result when the built-in writes one, and $L the
 * call's "FILE:LINE:COL" (a C string) for error messages.
 */
#ifndef TAPC_BUILTINS_H
#define TAPC_BUILTINS_H

#include "ast.h"

enum builtin_form {
	BUILTIN_EXPR,		/* template is a C expression of the result */
	BUILTIN_PROBE_NAME,	/* the same, reading c->probe_name, which the
				 * probe handlers then set */
	BUILTIN_STRING_INTO,	/* template is a statement writing into $0 */
	BUILTIN_STMT,		/* void: template is a statement */
	BUILTIN_RAISE,		/* void: a statement that raises a run-time error */
	BUILTIN_ABORT,		/* void: a statement that ends the hit, no catch stops it */
};

struct builtin {
	const char *name;
	enum type_kind ret;
	int nargs;
	enum type_kind args[4];
	enum builtin_form form;
	const char *tmpl;
};

/* The built-in name taking nargs arguments (-1: any arity), or NULL. */
const struct builtin *builtin_find(const char *name, int nargs);
/* The table, for "did you mean". */
const struct builtin *builtin_table(int *n);

#endif
