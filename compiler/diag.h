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

#include "ast.h"

#define DIAG_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* Register TEXT (NUL-terminated, kept by reference: it must outlive the
 * compilation) under NAME.  Returns the interned copy of NAME to put in
 * struct loc.file; registering a name again replaces its text. */
const char *diag_add_source(const char *name, const char *text);

void diag_error(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_warning(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);
void diag_note(struct loc loc, const char *fmt, ...) DIAG_PRINTF(2, 3);

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
