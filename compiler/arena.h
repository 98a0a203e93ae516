/* One arena per compilation.
 *
 * Every AST node, interned string and token of a compilation is carved out of
 * one bump allocator and released together by arena_free_all() at exit (or
 * never: the process ends).  Allocation failure is fatal (die()), so callers
 * never check for NULL.
 */
#ifndef TAPC_ARENA_H
#define TAPC_ARENA_H

#include <stddef.h>

/* Zeroed memory, aligned for any type. */
void *arena_alloc(size_t size);
char *arena_strdup(const char *s);
/* Copy of the first n bytes of s (which may hold NULs), NUL-terminated. */
char *arena_strndup(const char *s, size_t n);
char *arena_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Release everything; all pointers handed out become invalid. */
void arena_free_all(void);

#endif
