/* The compilation arena: a list of large chunks handed out by bumping a
 * pointer.  Requests bigger than a chunk get a chunk of their own, so there
 * is no size limit.  Nothing is freed one object at a time.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"

#define CHUNK_SIZE (64 * 1024)
#define ALIGN 16

struct chunk {
	struct chunk *next;
	size_t used, size;
	_Alignas(ALIGN) unsigned char data[];
};

static struct chunk *chunks;

void *arena_alloc(size_t size)
{
	size = (size + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	if (!chunks || chunks->size - chunks->used < size) {
		size_t n = size > CHUNK_SIZE ? size : CHUNK_SIZE;
		struct chunk *c = malloc(sizeof(*c) + n);

		if (!c)
			die("out of memory (%zu bytes)", size);
		c->size = n;
		c->used = 0;
		/* A private oversized chunk goes behind the current one so
		 * the current one keeps serving small requests. */
		if (chunks && n > CHUNK_SIZE) {
			c->next = chunks->next;
			chunks->next = c;
		} else {
			c->next = chunks;
			chunks = c;
		}
		c->used = size;
		memset(c->data, 0, size);
		return c->data;
	}
	void *p = chunks->data + chunks->used;
	chunks->used += size;
	memset(p, 0, size);
	return p;
}

char *arena_strndup(const char *s, size_t n)
{
	char *p = arena_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(const char *s)
{
	return arena_strndup(s, strlen(s));
}

char *arena_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		die("arena_printf: bad format '%s'", fmt);
	char *p = arena_alloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_free_all(void)
{
	while (chunks) {
		struct chunk *next = chunks->next;

		free(chunks);
		chunks = next;
	}
}
