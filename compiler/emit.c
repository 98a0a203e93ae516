/* The indenting C emitter (see emit.h) and C string quoting. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "emit.h"

void emit_open(struct emitter *e)
{
	memset(e, 0, sizeof(*e));
	e->f = open_memstream(&e->buf, &e->len);
	if (!e->f)
		die("open_memstream failed");
}

char *emit_close(struct emitter *e, size_t *len)
{
	char *b;

	fclose(e->f);
	b = e->buf;
	if (len)
		*len = e->len;
	e->f = NULL;
	e->buf = NULL;
	return b;
}

void emit(struct emitter *e, const char *fmt, ...)
{
	char *line;
	va_list ap;
	size_t n;
	int i, depth;

	va_start(ap, fmt);
	if (vasprintf(&line, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	n = strlen(line);
	if (line[0] == '}' && e->depth > 0)
		e->depth--;
	depth = e->depth;
	if (n > 1 && line[n - 1] == ':' && !strchr(line, ' ') && depth > 0)
		depth--;
	if (n) {
		for (i = 0; i < depth; i++)
			fputc('\t', e->f);
		fputs(line, e->f);
	}
	fputc('\n', e->f);
	if (n && line[n - 1] == '{')
		e->depth++;
	free(line);
}

void emit_raw(struct emitter *e, const char *text)
{
	fputs(text, e->f);
}

void emit_cstr(FILE *f, const char *s, size_t len)
{
	size_t i;

	fputc('"', f);
	for (i = 0; i < len; i++) {
		unsigned char ch = s[i];

		switch (ch) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\t': fputs("\\t", f); break;
		case '\r': fputs("\\r", f); break;
		default:
			/* octal escapes are at most 3 digits: no ambiguity
			 * with a following digit, unlike \x */
			if (ch < 32 || ch >= 127 || (ch == '?' && i + 1 < len && s[i + 1] == '?'))
				fprintf(f, "\\%03o", ch);
			else
				fputc(ch, f);
		}
	}
	fputc('"', f);
}

char *c_string(const char *s, size_t len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		die("open_memstream failed");
	emit_cstr(f, s, len);
	fclose(f);
	return buf;
}
