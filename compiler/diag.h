/* Diagnostics shared by every pass.
 *
 * diag_error/diag_warning/diag_note print
 *     FILE:LINE:COL: error: MESSAGE
 *     the source line
 *     a caret under column COL (keeping the line's tabs)
 * on stderr.  The source line comes from a registry of texts by file name:
 * whoever reads a file registers it with diag_add_source() so any later pass
 * can point into it.  A loc with no file or line 0 prints "tapc: error: ..."
 * without a caret.  User errors go through diag_error and are counted;
 * compiler bugs go through die(), which never returns.
 */
#ifndef TAPC_DIAG_H
#define TAPC_DIAG_H

#include <stdbool.h>
#include <stddef.h>

#include "ast.h"

#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Register TEXT (NUL-terminated, kept by reference: it must outlive the
 * compilation) under NAME.  Returns the interned copy of NAME to put in
 * struct loc.file; registering a name again replaces its text. */
const char *diag_add_source(const char *name, const char *text);

/* An error printed word for word at the same place before is counted but
 * not printed again (nor are its notes). */
void diag_error(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_warning(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_note(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);

/* A trial: what is reported between diag_trial_begin() and
 * diag_trial_end() is held back, so the caller can try something (an
 * optional probe point, one alias a wildcard matches) and afterwards let
 * the messages stand or forget them.  Trials nest; held messages are
 * printed when the outermost trial keeps them.  Errors reported in a trial
 * count in diag_errors() until it ends (callers keep testing it). */
struct diag_trial {
	size_t mark;
	int nerrors;
};
enum diag_outcome {
	DIAG_KEEP,	/* the messages stand, as if reported outside the trial */
	DIAG_DROP,	/* forgotten, and the errors uncounted */
	DIAG_SHOW,	/* printed, but the errors uncounted (a library file that
			 * does not parse is left out with a warning) */
};
void diag_trial_begin(struct diag_trial *t);
/* Ends the innermost trial t; returns the number of errors reported in it. */
int diag_trial_end(struct diag_trial *t, enum diag_outcome how);

/* Expansion contexts: while one is pushed, each error and warning is
 * followed (after its own notes) by a note at loc with the context's text,
 * innermost first: "in alias syscall.open at FILE:LINE" at the probe point
 * that named the alias.  Pushes and pops nest. */
void diag_context_push(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_context_pop(void);
/* Print the context notes still owed to the last error (before exiting). */
void diag_flush(void);

/* Number of errors reported so far (warnings count when -W is in effect). */
int diag_errors(void);
/* Errors counted but not shown (only the first 50 are printed). */
int diag_suppressed(void);

/* -w: drop warnings (and their notes); -W: warnings count as errors. */
void diag_configure(bool suppress_warnings, bool warnings_are_errors);

/* Forget the registered sources and the error count, for a process that
 * compiles many inputs in turn (testsuite/fuzz).  The registry lives in the
 * arena: call this whenever arena_free_all() is called. */
void diag_reset(void);

/* s with every byte a terminal should not get (control bytes, broken
 * UTF-8) written as \xNN, for messages quoting user input. */
const char *diag_escape(const char *s);

/* An internal compiler bug: prints "tapc: internal error: ..." and aborts. */
_Noreturn void die(const char *fmt, ...) DIAG_PRINTF(1, 2);

#endif
