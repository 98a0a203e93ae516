/* Pass 1: SystemTap source text to an AST, and the -p1 printer.
 *
 * parse_text() lexes, preprocesses (%( %? %: %) conditionals, @define
 * macros, $1/@1/$#/@# argument pasting) and parses one file.  Brace
 * expansion in probe points ({a,b}.c) is done here: the AST holds the
 * expanded PROBE_POINT list.  Built-in @-operators without a node kind of
 * their own (@perf, @const, @probewrite, @kregister, @uregister, @kderef,
 * @uderef, @enum, @enumname) become NODE_CALL nodes whose name starts with
 * '@'.  An autocast ((expr)->f, f(x)[i]) is a NODE_TARGET named "@autocast"
 * whose cast_expr is the base expression.  A probe-point argument, global
 * initialiser or priority written -5 is folded into NUM -5.
 *
 * Errors are printed through diag.h as FILE:LINE:COL with a caret; the
 * parser stops at the first syntax error.
 */
#ifndef TAPC_PARSE_H
#define TAPC_PARSE_H

#include <stdbool.h>
#include <stdio.h>

#include "ast.h"

struct parse_opts {
	bool guru;			/* -g: allow %{ %}, @const, @kregister, @kderef */
	bool is_tapset;			/* library file: guru rights, may be empty */
	int argc;			/* script arguments for $1 @1 $# @# */
	const char *const *argv;
	const char *kernel_v;		/* "6.1.0" (NULL: conditions on it fail) */
	const char *kernel_vr;		/* "6.1.0-56-amd64" */
	const char *arch;		/* "x86_64" */
	/* Value of CONFIG_NAME in the target kernel's .config ("y", "m",
	 * "64", a string) or NULL when unset; NULL function = all unset.
	 * config_ctx is passed back (the target kernel). */
	const char *(*config)(void *config_ctx, const char *name);
	void *config_ctx;
	const char *compatible;		/* --compatible=VERSION, NULL = newest */
	const char *privilege;		/* systemtap_privilege, NULL = "stapdev" */
};

/* The language version we implement (systemtap_v when no --compatible). */
#define PARSE_LANGUAGE_VERSION "5.6"

/* Read a script file whole (lexer.l).  NULL after an error: a read
 * error, or a NUL byte in it (positioned; the text stays registered with
 * diag for the caret).  The text is malloc'd and kept. */
const char *parse_read_script(FILE *f, const char *name);

/* Parse TEXT (NUL-terminated, must outlive the compilation: diagnostics
 * quote it) as file NAME.  Returns the file's declarations, or NULL after
 * printing at least one error.  A user script with no declaration at all
 * is an error; a tapset may be empty. */
struct file_ast *parse_text(const char *name, const char *text, const struct parse_opts *o);

/* Read a library macro file (*.stpm on the tapset path): @define only,
 * conditionals allowed.  Its macros become visible to every file parsed
 * afterwards, so call it for all *.stpm files before parse_text().  A name
 * defined in two library files is an error; a script's own @define of
 * the same name takes precedence.  Returns false after printing errors. */
bool parse_macro_file(const char *name, const char *text, const struct parse_opts *o);

/* -p1: print F as re-parsable source (same AST when parsed again with the
 * same options).  Formatting is deterministic: one declaration per
 * paragraph, tab indentation, every statement ends with ';' or '}',
 * binary operations fully parenthesized. */
void unparse_file(FILE *out, const struct file_ast *f);

/* Print one node (expression, statement, probe point, declaration) in the
 * same syntax, statements on one line.  For diagnostics. */
void unparse_node(FILE *out, const struct node *n);

/* unparse_node into an arena string. */
const char *unparse_to_string(const struct node *n);

#endif
