/* User binaries and shared libraries as images (image.h): what
 * process("PATH") names, found as SystemTap finds it, and what the
 * user-space providers and the module's symbol tables read from its ELF
 * file: function symbols (.symtab, or .dynsym, or the separate debuginfo's
 * .symtab), load segments, build id, DT_NEEDED, SDT markers, PLT entries,
 * and its DWARF (in the file or under /usr/lib/debug/.build-id/) through
 * libdwfl, in the same struct dwarf_info dwarf.c and dwarf_vars.c read,
 * so source lines and variables work as for a kernel module.
 *
 * Addresses are the file's own (link-time) virtual addresses: a shared
 * library or PIE executable is loaded at some base, and the runtime adds
 * it (the uprobe is placed by inode and file offset, uimage_offset()).
 */
#ifndef TAPC_UIMAGE_H
#define TAPC_UIMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"

struct session;

/* A function symbol. */
struct usym {
	const char *name;
	unsigned long addr, size;
	bool global;
};

/* An SDT marker (.note.stapsdt), its address already moved by the
 * prelink offset of .stapsdt.base. */
struct usdt {
	const char *provider, *name, *args;
	unsigned long pc;
	unsigned long sem;		/* the semaphore's address, 0: none */
};

/* A PLT entry: where a call to name through the PLT lands. */
struct uplt {
	const char *name;
	unsigned long addr;
};

/* A PT_LOAD segment. */
struct useg {
	unsigned long vaddr, memsz, offset, filesz;
	bool exec;
};

struct uimage {
	int index;			/* in the order opened (uimage_all()) */
	bool want_symbols;		/* the module carries its symbols (uimage_want_symbols()) */
	bool told_no_dwarf;		/* -L said once why it has no variables */
	const char *soname;		/* DT_SONAME, or NULL */
	bool is_library;		/* a shared library: no program interpreter */
	unsigned long file_size;
	char build_id[41];		/* hex; "" when it has none */
	struct useg *segs;
	int nsegs;
	struct usym *syms;		/* function symbols, by address */
	size_t nsyms;
	const char **needed;		/* DT_NEEDED */
	int nneeded;
	const char **libdirs;		/* DT_RUNPATH (or DT_RPATH), $ORIGIN expanded */
	int nlibdirs;
	struct usdt *marks;
	int nmarks;
	struct uplt *plts;
	int nplts;
	/* DWARF: opened on first use (uimage_dwarf()); without it, why not */
	const char *no_dwarf;
	const char *debug_file;		/* where the DWARF came from */
};

static inline struct uimage *uimage(const struct image *im)
{
	return im->user;
}

/* The image of the ELF file at path (absolute, symlinks resolved: one
 * image per file however it is named); read once per compilation.  NULL
 * with *err set when it can't be read or is not an x86_64 executable or
 * shared library. */
struct image *uimage_open(struct session *s, const char *path, const char **err);

/* The files process("PATH") names, as stap resolves PATH: a path with a
 * slash as it is (relative to the working directory), else a program on
 * $PATH, else a library in the linker's directories (a soname such as
 * "libc.so.6"); a glob may match several files.  The count (absolute
 * paths into *paths), or 0 with *why set. */
int uimage_find(const char *written, const char ***paths, const char **why);
/* The libraries .library("LIB") names for the program prog: those of its
 * DT_NEEDED closure (found as the dynamic linker would) whose file or
 * soname matches LIB (a name, a glob or a path); else LIB found as
 * uimage_find() does.  The count, or 0 with *why set. */
int uimage_find_library(struct session *s, struct image *prog, const char *lib, const char ***paths,
			const char **why);
/* The DT_NEEDED closure of im (for --ldd): the libraries' paths, each once. */
int uimage_needed(struct session *s, struct image *im, const char ***paths);

/* The file offset of address vaddr (where a uprobe goes), -1 when no
 * load segment holds it. */
long uimage_offset(const struct image *im, unsigned long vaddr);
/* The function symbol containing vaddr, or NULL. */
const struct usym *uimage_symbol_at(const struct image *im, unsigned long vaddr);
/* Call fn for each function symbol matching glob, one name per address
 * (the one a user would write: global, no leading underscores, short);
 * the count. */
size_t uimage_functions(struct image *im, const char *glob,
			void (*fn)(const struct usym *sym, void *arg), void *arg);
/* The address of symbol name (a function or an object); false if none. */
bool uimage_symbol_addr(struct image *im, const char *name, unsigned long *addr);
/* The function name closest to name, for "did you mean"; NULL if none. */
const char *uimage_closest_function(struct image *im, const char *name);
/* A short name for messages: the file name as the script wrote it. */
const char *uimage_what(const struct image *im);

/* im with its DWARF opened (im->dwarf, a dwarf_int.h struct dwarf_info),
 * or NULL with uimage(im)->no_dwarf saying why there is none. */
struct image *uimage_dwarf(struct image *im);

/* The module carries im's symbols and unwind data (a probed file, -d,
 * --ldd), for the user-space context functions. */
void uimage_want_symbols(struct image *im);
/* The images opened so far, in order (the module's symbol tables). */
struct image **uimage_all(struct session *s, int *n);

#endif
