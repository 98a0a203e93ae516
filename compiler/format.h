/* printf-style formats of the script language, parsed once for pass 2
 * (argument count and types) and pass 3 (the kernel vsnprintf format). */
#ifndef TAPC_FORMAT_H
#define TAPC_FORMAT_H

#include <stddef.h>

#include "ast.h"

enum fmt_conv {
	FMT_LITERAL,		/* text between directives, %% folded in */
	FMT_SIGNED,		/* d i */
	FMT_UNSIGNED,		/* u */
	FMT_OCTAL,		/* o */
	FMT_HEX,		/* x */
	FMT_HEX_UPPER,		/* X */
	FMT_POINTER,		/* p: like %#x */
	FMT_CHAR,		/* c */
	FMT_STRING,		/* s */
	FMT_BINARY,		/* b */
	FMT_MEMORY,		/* m M */
};

#define FMT_STAR (-2)		/* width or precision taken from an argument */

struct fmt_dir {
	enum fmt_conv conv;
	char flags[8];		/* of "-+ #0" */
	int width, prec;	/* -1 when absent, FMT_STAR */
	bool hex;		/* FMT_MEMORY: %M (hex) rather than %m */
	const char *text;	/* FMT_LITERAL: the bytes */
	size_t len;
	struct fmt_dir *next;
};

/* Parse fmt; NULL with *err set on a bad directive. */
struct fmt_dir *fmt_parse(const char *fmt, size_t len, const char **err);
/* Arguments the directives take, and the type of the i-th one. */
int fmt_nargs(const struct fmt_dir *d);
enum type_kind fmt_arg_type(const struct fmt_dir *d, int i);

#endif
