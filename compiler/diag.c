/* Diagnostics: positioned messages with the source line and a caret.
 *
 * The source registry is a short list (one entry per file read), searched
 * linearly: diagnostics are rare and files are few.
 *
 * Every message goes through emit(): printed at once, or held while a
 * trial is open (diag_trial_begin) and printed, or forgotten, when the
 * outermost trial ends.  The notes of an alias expansion context
 * (diag_context_push) follow an error's own notes, so they are printed
 * when the next error or warning starts, when the context is popped, or
 * at diag_flush().
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

enum msg_kind { MSG_ERROR, MSG_WARNING, MSG_NOTE };

struct context {
	struct loc loc;
	const char *text;
	struct context *parent;
};

struct msg {
	enum msg_kind kind;
	struct loc loc;
	const char *text;
	const struct context *ctx;	/* errors and warnings */
};

/* Past this many, errors are counted but not shown: a generated wall of
 * messages (a brace expansion gone wrong) helps nobody and takes long. */
#define DIAG_MAX_SHOWN 50

static struct source *sources;
static int nerrors, nshown, nsuppressed;
static bool no_warnings, werror;
static int trials;			/* open trials */
static struct msg *held;		/* messages of open trials */
static size_t nheld, held_cap;
static struct context *context;		/* innermost pushed context */
static const struct context *pending;	/* to print after the last error's notes */
static bool dropping;			/* the last error or warning was not shown:
					 * nor are its notes */
static struct msg *shown;		/* errors printed, to print each once */
static size_t nshown_msgs, shown_cap;

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
static int byte_shown(const char *s, size_t len, size_t i, size_t *n)
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
		if (byte_shown(s, len, i, &n) == 0)
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
		int escaped = byte_shown(p, len, i, &n);

		fputs(p[i] == '\t' ? "\t" : escaped ? "    " : " ", stderr);
	}
	fputs("^\n", stderr);
}

static void report(struct loc loc, const char *what, const char *text)
{
	if (loc.file && loc.line > 0) {
		put_escaped(stderr, loc.file, strlen(loc.file));
		fprintf(stderr, ":%d:%d: %s: ", loc.line, loc.col, what);
	} else {
		fprintf(stderr, "tapc: %s: ", what);
	}
	put_escaped(stderr, text, strlen(text));
	fputc('\n', stderr);
	if (loc.file && loc.line > 0)
		show_line(loc);
}

static void flush_pending(void)
{
	const struct context *c;

	for (c = pending; c; c = c->parent)
		report(c->loc, "note", c->text);
	pending = NULL;
}

static bool same_msg(const struct msg *a, const struct msg *b)
{
	return a->loc.line == b->loc.line && a->loc.col == b->loc.col &&
	       (a->loc.file == b->loc.file ||
		(a->loc.file && b->loc.file && strcmp(a->loc.file, b->loc.file) == 0)) &&
	       strcmp(a->text, b->text) == 0;
}

/* An error already printed, word for word at the same place: the body of
 * a probe that several alias expansions copy says it once. */
static bool seen(const struct msg *m)
{
	size_t i;

	for (i = 0; i < nshown_msgs; i++)
		if (same_msg(&shown[i], m))
			return true;
	if (nshown_msgs == shown_cap) {
		shown_cap = shown_cap ? 2 * shown_cap : 16;
		shown = realloc(shown, shown_cap * sizeof(*shown));
		if (!shown)
			die("out of memory");
	}
	shown[nshown_msgs++] = *m;
	return false;
}

static void print_msg(const struct msg *m)
{
	if (m->kind == MSG_NOTE) {
		if (!dropping)
			report(m->loc, "note", m->text);
		return;
	}
	flush_pending();
	dropping = m->kind == MSG_WARNING && no_warnings;	/* -w wins over -W, as in stap */
	if (m->kind == MSG_ERROR || werror) {
		if (!dropping && seen(m))
			dropping = true;
		else if (!dropping && nshown >= DIAG_MAX_SHOWN) {
			nsuppressed++;
			dropping = true;
		} else if (!dropping) {
			nshown++;
		}
	}
	if (dropping)
		return;
	report(m->loc, m->kind == MSG_NOTE ? "note" : m->kind == MSG_ERROR || werror ? "error" : "warning",
	       m->text);
	pending = m->ctx;
}

static void emit(enum msg_kind kind, struct loc loc, const char *fmt, va_list ap)
{
	struct msg m = { kind, loc, NULL, kind == MSG_NOTE ? NULL : context };
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	m.text = arena_alloc(n + 1);
	vsnprintf((char *)m.text, n + 1, fmt, ap);
	if (kind == MSG_ERROR || (kind == MSG_WARNING && werror && !no_warnings))
		nerrors++;
	if (!trials) {
		print_msg(&m);
		return;
	}
	if (nheld == held_cap) {
		held_cap = held_cap ? 2 * held_cap : 32;
		held = realloc(held, held_cap * sizeof(*held));
		if (!held)
			die("out of memory");
	}
	held[nheld++] = m;
}

void diag_error(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(MSG_ERROR, loc, fmt, ap);
	va_end(ap);
}

void diag_warning(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(MSG_WARNING, loc, fmt, ap);
	va_end(ap);
}

void diag_note(struct loc loc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	emit(MSG_NOTE, loc, fmt, ap);
	va_end(ap);
}

void diag_trial_begin(struct diag_trial *t)
{
	t->mark = nheld;
	t->nerrors = nerrors;
	trials++;
}

int diag_trial_end(struct diag_trial *t, enum diag_outcome how)
{
	int errors = nerrors - t->nerrors;
	size_t i;

	if (trials <= 0 || t->mark > nheld)
		die("diag_trial_end without diag_trial_begin");
	trials--;
	if (how != DIAG_KEEP)
		nerrors = t->nerrors;
	if (how == DIAG_DROP) {
		nheld = t->mark;
		return errors;
	}
	if (trials && how == DIAG_KEEP)
		return errors;	/* the enclosing trial decides */
	for (i = t->mark; i < nheld; i++)
		print_msg(&held[i]);
	nheld = t->mark;
	flush_pending();
	return errors;
}

void diag_context_push(struct loc loc, const char *fmt, ...)
{
	struct context *c = arena_alloc(sizeof(*c));
	va_list ap, aq;
	int n;

	va_start(ap, fmt);
	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	c->text = arena_alloc(n + 1);
	vsnprintf((char *)c->text, n + 1, fmt, ap);
	va_end(ap);
	c->loc = loc;
	c->parent = context;
	flush_pending();
	context = c;
}

void diag_context_pop(void)
{
	if (!context)
		die("diag_context_pop without diag_context_push");
	flush_pending();
	context = context->parent;
}

void diag_flush(void)
{
	flush_pending();
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
	nerrors = nshown = nsuppressed = 0;
	trials = 0;
	nheld = nshown_msgs = 0;
	context = NULL;
	pending = NULL;
	dropping = false;
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
