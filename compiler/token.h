/* Tokens as the lexer hands them to the preprocessor and the preprocessor
 * to the bison parser.  Internal to pass 1 (lexer.l, preproc.c, grammar.y).
 */
#ifndef TAPC_TOKEN_H
#define TAPC_TOKEN_H

#include <stdbool.h>
#include <stdint.h>

#include "ast.h"

struct parse_opts;

/* Token kinds only the preprocessor sees; above bison's token numbers. */
enum {
	PPTOK_OPEN = 2000,	/* %( */
	PPTOK_THEN,		/* %? */
	PPTOK_ELSE,		/* %: */
	PPTOK_CLOSE,		/* %) */
	PPTOK_DEFINE,		/* @define */
	PPTOK_MACRO,		/* @word that is no built-in: macro or param */
	PPTOK_ARG,		/* $N (sub '$') or @N (sub '@'), num = N */
	PPTOK_ARGC,		/* $# (sub '$') or @# (sub '@') */
	PPTOK_ERROR,		/* a lexical error; text is the message */
};

struct token {
	int kind;		/* bison token kind, a char, or PPTOK_* */
	struct loc loc;		/* first character */
	int end_line, end_col;	/* last character */
	const char *text;	/* identifier, decoded string, code, @word */
	int len;		/* length of text (strings may hold NULs) */
	int64_t num;		/* NUMBER value, PPTOK_ARG index */
	int sub;		/* operator detail: enum assignop, stat_op... */
	bool glued;		/* no blank or comment before this token */
	bool after_comment;	/* a comment came between this and the last token */
};

/* Tokenize TEXT, registered as NAME; returns an array ending with a token
 * of kind 0 (end of input) and sets *n to the count without it.  Lexical
 * errors produce PPTOK_ERROR tokens, reported when the preprocessor reads
 * them. */
struct token *lex_text(const char *name, const char *text, int *n);

/* The preprocessor: conditionals, @define macros, $1/@1 pasting. */
struct pp;
struct pp *pp_new(const char *name, const char *text, const struct parse_opts *o);
/* Next token for the parser; kind 0 at the end, PPTOK_ERROR after an error
 * (already reported). */
void pp_next(struct pp *pp, struct token *out);
/* Add "in expansion of macro @x" notes for the token last returned. */
void pp_expansion_notes(struct pp *pp);
/* Compare two version strings the way systemtap_v/--compatible do. */
int pp_vercmp(const char *a, const char *b);

#endif
