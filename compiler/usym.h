/* usym.c: the runtime's table of user binaries (tapc_ubins[],
 * runtime/ubin.h) and, for the files the module carries symbols of, their
 * symbols, unwind rows and line rows (usym_tables.c). */
#ifndef TAPC_USYM_H
#define TAPC_USYM_H

#include <stdbool.h>

struct emitter;
struct image;
struct rprogram;
struct session;

/* What the script's user-space context functions need. */
struct usym_needs {
	bool symbols, unwind, lines;
};

/* tapc_ubins[] and the data it points to, after taking in -d and --ldd
 * (their errors end the compilation: false).  Nothing without user
 * binaries. */
bool usym_emit(struct emitter *e, struct session *s, const struct rprogram *p);
/* The module descriptor's fields naming it. */
void usym_emit_desc(struct emitter *e, struct session *s);

/* usym_tables.c: binary i's arrays (segments always; the rest as need
 * says, NULL need: none): which it emitted, for its table entry's fields
 * naming them. */
struct usym_arrays {
	bool syms, cfi, lines;
};
struct usym_arrays usym_emit_data(struct emitter *e, struct image *im, int i, const struct usym_needs *need);
void usym_emit_fields(struct emitter *e, int i, const struct usym_arrays *got);

#endif
