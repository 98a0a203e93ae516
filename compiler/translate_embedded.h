/* Pass 3: embedded C (%{ %}) of guru scripts and tapsets; see
 * translate_embedded.c for the names the code can use. */
#ifndef TAPC_TRANSLATE_EMBEDDED_H
#define TAPC_TRANSLATE_EMBEDDED_H

#include <stdbool.h>

struct emitter;
struct rfunc;
struct session;

/* File-scope blocks: the user's, and those of tapset files in use. */
void embedded_toplevel(struct emitter *out, const struct session *s);
/* How many blocks embedded_toplevel() emits (-v's pass 2 line). */
int embedded_toplevel_count(const struct session *s);
/* fn's body is embedded C: the whole C function, under signature. */
void embedded_function(struct emitter *out, const struct rfunc *fn, const char *signature,
		       const char *loc);
/* Whether a call of fn may leave a run-time error for the caller to check:
 * a script function may; embedded C only when it names STAP_ERROR or
 * TAPC_LOC (the two ways it reports one). */
bool embedded_may_fail(const struct rfunc *fn);

#endif
