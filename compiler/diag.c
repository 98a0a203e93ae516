/* Diagnostics: positioned messages with the source line and a caret.
 *
 * The source registry is a short list (one entry per file read), searched
 * linearly: diagnostics are rare and files are few.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"

struct source {
	const char *name;
	const char *text;
	struct source *next;
};

static struct source *sources;
static int nerrors, nsuppressed;
static bool no_warnings, werror;
static bool last_dropped;	/* the warning a note would attach to was dropped */

const char *diag_add_source(const char *name, const char *text)
{
	struct source *s;

	for (s = sources; s; s = s->next)
		if (strcmp(s->name, name) == 0) {
			s->text = text;
			return s->name;
		}
	s = arena_alloc(sizeof(*s));
	s->name = arena_strdup(name);
	s->text = text;
	s->next = sources;
	sources = s;
	return s->name;
}

static const char *source_text(const char *name)
{
	for (struct source *s = sources; s; s = s->next)
		if (s->name == name || strcmp(s->name, name) == 0)
			return s->text;
	return NULL;
}

/*
 * User input in a message (a source line, a name, an option) is shown as
 * it is only where that is safe on a terminal: printable ASCII, tabs and
 * well-formed UTF-8.  Any other byte is written \xNN, so garbage can't
 * move the cursor, clear the screen or hide text (issue 11).
 */

/* The length of the UTF-8 character at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned int c;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return 0;
	len = p[0] < 0xe0 ? 2 : p[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	c = p[0] & (0x7f >> len);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates */
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	return len;
}

/* How byte i of s shows: 0 = printed as is, else the bytes of a whole
 * UTF-8 character (*n), or -1: escaped. */
static int shown(const char *s, size_t len, size_t i, size_t *n)
{
	unsigned char c = s[i];

	*n = 1;
	if ((c >= 0x20 && c < 0x7f) || c == '\t')
		return 0;
	if (c >= 0x80 && (*n = utf8_len((const unsigned char *)s + i, len - i)))
		return 0;
	*n = 1;
	return -1;
}

static void put_escaped(FILE *f, const char *s, size_t len)
{
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if (shown(s, len, i, &n) == 0)
			fwrite(s + i, 1, n, f);
		else
			fprintf(f, "\\x%02x", (unsigned char)s[i]);
	}
}

const char *diag_escape(const char *s)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	const char *a;

	if (!f)
		die("out of memory");
	put_escaped(f, s, strlen(s));
	fclose(f);
	a = arena_strdup(buf);
	free(buf);
	return a;
}

/* Print line LINE of the file and a caret under byte column COL: one
 * column per character as shown, the line's tabs kept. */
static void show_line(struct loc loc)
{
	const char *p = source_text(loc.file);
	int line = 1;
	size_t i, n;

	if (!p)
		return;
	while (*p && line < loc.line) {
		if (*p++ == '\n')
			line++;
	}
	if (line != loc.line)
		return;
	const char *end = strchr(p, '\n');
	size_t len = end ? (size_t)(end - p) : strlen(p);

	put_escaped(stderr, p, len);
	fputc('\n', stderr);
	for (i = 0; (long)i < (long)loc.col - 1 && i < len; i += n) {
		int escaped = shown(p, len, i, &n);

		fputs(p[i] == '\t' ? "\t" : escaped ? "    " : " ", stderr);
	}
	fputs("^\n", stderr);
}

static void report(struct loc loc, const char *what, const char *fmt, va_list ap)
{
	char *msg;

	if (vasprintf(&msg, fmt, ap) < 0)
		die("out of memory");
	if (loc.file && loc.line > 0) {
		put_escaped(stderr, loc.file, strlen(loc.file));
		fprintf(stderr, ":%d:%d: %s: ", loc.line, loc.col, what);
	} else {
		fprintf(stderr, "tapc: %s: ", what);
	}
	put_escaped(stderr, msg, strlen(msg));
	fputc('\n', stderr);
	free(msg);
	if (loc.file && loc.line > 0)
		show_line(loc);
}

/* Past this many, errors are counted but not shown: a generated wall of
 * messages (a brace expansion gone wrong) helps nobody and takes long. */
#define DIAG_MAX_SHOWN 50

void diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	nerrors++;
	last_dropped = nerrors > DIAG_MAX_SHOWN;
	if (last_dropped) {
		nsuppressed++;
		return;
	}
	va_start(ap, fmt);
	report(loc, "error", fmt, ap);
	va_end(ap);
}

void diag_warning(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	last_dropped = no_warnings && !werror;
	if (last_dropped)
		return;
	if (werror)
		nerrors++;
	va_start(ap, fmt);
	report(loc, werror ? "error" : "warning", fmt, ap);
	va_end(ap);
}

void diag_note(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	if (last_dropped)
		return;
	va_start(ap, fmt);
	report(loc, "note", fmt, ap);
	va_end(ap);
}

int diag_errors(void)
{
	return nerrors;
}

int diag_suppressed(void)
{
	return nsuppressed;
}

void diag_configure(bool suppress_warnings, bool warnings_are_errors)
{
	no_warnings = suppress_warnings;
	werror = warnings_are_errors;
}

void diag_reset(void)
{
	sources = NULL;
	nerrors = nsuppressed = 0;
	last_dropped = false;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("tapc: internal error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
