/* Emitting =~ matchers (translate_regex.c). */
#ifndef TAPC_TRANSLATE_REGEX_H
#define TAPC_TRANSLATE_REGEX_H

#include <stdio.h>

/* Write to H a static matcher for PATTERN (already checked by pass 2)
 * named after ID, and return its name: an int function of a const char *,
 * 1 when the pattern matches somewhere in the string. */
const char *regex_emit(FILE *h, int id, const char *pattern);

#endif
