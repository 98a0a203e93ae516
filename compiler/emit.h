/* An indenting C emitter.
 *
 * emit() writes one line: its format is printed as is, indented by the
 * current depth; a line ending in '{' opens a level, one starting with '}'
 * closes it, and a line ending in ':' (a label) is printed one level out,
 * so templates look like the C they produce.  Output goes to a memory
 * buffer so a function's frame struct can be emitted after its body has
 * been generated.
 */
#ifndef TAPC_EMIT_H
#define TAPC_EMIT_H

#include <stddef.h>
#include <stdio.h>

struct emitter {
	FILE *f;
	char *buf;
	size_t len;
	int depth;
};

void emit_open(struct emitter *e);
/* Close and hand back the text (malloc'd, caller frees). */
char *emit_close(struct emitter *e, size_t *len);
void emit(struct emitter *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Raw text, no indentation handling (e.g. a nested emitter's output). */
void emit_raw(struct emitter *e, const char *text);
/* s as a C string literal (escapes, octal for bytes outside ASCII). */
void emit_cstr(FILE *f, const char *s, size_t len);
char *c_string(const char *s, size_t len);

#endif
