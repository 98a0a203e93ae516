/* Pass 3 for =~ and !~: each pattern becomes tables and a loop in the
 * module, the DFA regex_dfa.c built.  The loop reads each byte of the
 * string once (strings are NUL-terminated and at most MAXSTRINGLEN), so a
 * match costs at most that many table lookups whatever the pattern. */
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "regex_dfa.h"
#include "translate_regex.h"

/* The pattern in a C comment: no comment terminator, no control bytes. */
static void comment_text(FILE *h, const char *p)
{
	for (; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c < ' ' || c > '~' || (c == '/' && p[-1] == '*'))
			fprintf(h, "\\x%02x", c);
		else
			fputc(c, h);
	}
}

const char *regex_emit(FILE *h, int id, const char *pattern)
{
	struct regex_dfa d;
	const char *err;
	int pos;

	if (!regex_compile(pattern, &d, &err, &pos))
		die("regex_emit: pass 2 let through a bad pattern (%s)", err);
	fprintf(h, "/* =~ \"");
	comment_text(h, pattern);
	fprintf(h, "\": %d states, %d byte classes */\n", d.nstates, d.nclasses);
	fprintf(h, "static const unsigned char re%d_cls[256] = {", id);
	for (int i = 0; i < 256; i++)
		fprintf(h, "%s%d,", i % 16 ? " " : "\n\t", d.cls[i]);
	fprintf(h, "\n};\n\nstatic const unsigned short re%d_next[%d][%d] = {\n", id, d.nstates, d.nclasses);
	for (int s = 0; s < d.nstates; s++) {
		fprintf(h, "\t{");
		for (int c = 0; c < d.nclasses; c++)
			fprintf(h, "%s%d", c ? ", " : "", d.next[s * d.nclasses + c]);
		fprintf(h, "},\n");
	}
	fprintf(h, "};\n\n/* bit 0: matched; bit 1: matched if the string ends here ('$') */\n");
	fprintf(h, "static const unsigned char re%d_acc[%d] = {", id, d.nstates);
	for (int s = 0; s < d.nstates; s++)
		fprintf(h, "%s%d,", s % 16 ? " " : "\n\t", d.accept[s]);
	fprintf(h, "\n};\n\n");
	fprintf(h, "static int re%d_match(const char *s)\n{\n"
		"\tunsigned int st = 0;\n\n"
		"\t/* bounded scan: one round per byte of a NUL-terminated string */\n"
		"\tfor (;; s++) {\n"
		"\t\tif (re%d_acc[st] & %d)\n\t\t\treturn 1;\n"
		"\t\tif (!*s)\n\t\t\treturn (re%d_acc[st] & %d) != 0;\n"
		"\t\tst = re%d_next[st][re%d_cls[(unsigned char)*s]];\n"
		"\t}\n}\n\n", id, id, REGEX_ACCEPT, id, REGEX_ACCEPT_END, id, id);
	return arena_printf("re%d_match", id);
}
