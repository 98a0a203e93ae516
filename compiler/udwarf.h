/* udwarf.c: what the user-space providers ask of a program's or
 * library's DWARF (dk: an image uimage_dwarf() opened).  Type ids are of
 * dwarf_vars_view(dk)'s BTF. */
#ifndef TAPC_UDWARF_H
#define TAPC_UDWARF_H

#include <stdbool.h>

struct image;

struct udwarf_func {
	const char *name;
	const char *file;		/* its declaration, relative to the CU's directory */
	int line;
	int ret_type;			/* 0: void, -1: unknown */
};
/* The function whose code holds addr; false when DWARF has none. */
bool udwarf_function(struct image *dk, unsigned long addr, struct udwarf_func *f);

/* An inlined instance of a function. */
struct udwarf_inline {
	const char *name;
	unsigned long addr;		/* its entry */
	const char *file;		/* the inlined function's declaration */
	int line;
};
/* Call fn for each inlined instance of a function matching glob; the count. */
int udwarf_inlines(struct image *dk, const char *glob,
		   void (*fn)(const struct udwarf_inline *in, void *arg), void *arg);

/* A global or static variable at a fixed address. */
struct udwarf_global {
	unsigned long addr;		/* link-time address */
	int type;
};
/* Variable name (declared in a file ending in file, when not NULL);
 * false when there is none with a type. */
bool udwarf_global(struct image *dk, const char *name, const char *file, struct udwarf_global *g);

/* The type called name ("struct item", "size_t", "int"), or -1. */
int udwarf_type(struct image *dk, const char *name);

#endif
