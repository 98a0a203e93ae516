/* Diagnostics: positioned messages with the source line and a caret.
 *
 * The source registry is a short list (one entry per file read), searched
 * linearly: diagnostics are rare and files are few.
 */
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

/* Print line LINE of the file and a caret under byte column COL. */
static void show_line(struct loc loc)
{
	const char *p = source_text(loc.file);
	int line = 1;

	if (!p)
		return;
	while (*p && line < loc.line) {
		if (*p++ == '\n')
			line++;
	}
	if (line != loc.line)
		return;
	const char *end = strchr(p, '\n');
	int len = end ? (int)(end - p) : (int)strlen(p);

	fprintf(stderr, "%.*s\n", len, p);
	for (int i = 0; i < loc.col - 1 && i < len; i++)
		fputc(p[i] == '\t' ? '\t' : ' ', stderr);
	fputs("^\n", stderr);
}

static void report(struct loc loc, const char *what, const char *fmt, va_list ap)
{
	if (loc.file && loc.line > 0)
		fprintf(stderr, "%s:%d:%d: %s: ", loc.file, loc.line, loc.col, what);
	else
		fprintf(stderr, "tapc: %s: ", what);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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
