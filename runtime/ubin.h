/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ubin.h - the user binaries a module knows: the programs and libraries
 * its process probes live in and those whose symbols it carries (-d,
 * --ldd), one struct tapc_ubin each in the translator's tapc_ubins[]
 * (tapc_module.ubins).  At start each file's inode is looked up by path
 * (tapc_ubins_open(): process context, in the namespace of the task that
 * starts the module, taprun's), so probe context only compares inode
 * pointers: a mapping in a process is "this binary" when its file is that
 * inode.
 *
 * Addresses in the tables are the file's link-time virtual addresses; a
 * mapping at run time adds a load bias (tapc_ubin_lookup()).
 */
#ifndef TAPC_UBIN_H
#define TAPC_UBIN_H

#include <linux/path.h>
#include <linux/types.h>

#include "tapc_runtime.h"

struct task_struct;

struct tapc_useg {			/* a PT_LOAD segment */
	unsigned long vaddr, offset, filesz;
};

struct tapc_usym {			/* a function symbol */
	u32 addr, size;
	u32 name;			/* offset into strs */
};

/* Unwinding: the CFA and the caller's rbp from .eh_frame/.debug_frame,
 * one row per address range where they don't change (the range ends at
 * the next row's addr, or at the row's own end when the next row starts
 * later: TAPC_UCFI_END marks a row that only ends a range). */
enum tapc_ucfi_rule {
	TAPC_UCFI_END,			/* no rule here (a gap between functions) */
	TAPC_UCFI_RSP,			/* CFA = rsp + off */
	TAPC_UCFI_RBP,			/* CFA = rbp + off */
	TAPC_UCFI_PLT,			/* a PLT entry: CFA = rsp + 8 or 16 */
};
struct tapc_ucfi {
	u32 addr;
	s32 cfa_off;
	u8 rule;			/* enum tapc_ucfi_rule */
	bool bp_saved;			/* rbp saved at CFA + bp_off */
	s16 bp_off;
};

struct tapc_uline {			/* a line-table row */
	u32 addr;
	u32 line;
	u32 file;			/* index into files */
};

struct tapc_ubin {
	const char *path;		/* absolute, as on the compiling host */
	unsigned long size;		/* its size when compiled (a changed file is refused) */
	const char *build_id;		/* hex, "" if none */
	const struct tapc_useg *segs;
	unsigned int nsegs;
	/* symbols (sorted by addr), CFI rows and line rows, when the script
	 * uses functions that need them (else NULL) */
	const struct tapc_usym *syms;
	unsigned int nsyms;
	const char *strs;
	const struct tapc_ucfi *cfi;
	unsigned int ncfi;
	const struct tapc_uline *lines;
	unsigned int nlines;
	const char *const *files;
	/* runtime */
	struct path fpath;
	struct inode *inode;		/* NULL when it could not be opened */
	int status;			/* why not: -ENOENT..., -ESTALE: changed */
};

/* Process context (session start/stop): look up every binary's inode,
 * hold it until close.  A probed file that is missing or changed is an
 * error for its probes (their registration says so), not here. */
void tapc_ubins_open(void);
void tapc_ubins_close(void);

/* Whether the binary was found at start; else why not, into buf. */
bool tapc_ubin_ready(const struct tapc_ubin *b, char *why, size_t n);

/* Whether the current task may run process probes: with a target (-c,
 * -x) only its process tree does (the target and its descendants). */
bool tapc_in_target(void);
bool tapc_task_in_target(struct task_struct *t);	/* the same of t */
/* Whether the current process runs the program b. */
bool tapc_exe_is(const struct tapc_ubin *b);

/*
 * Mappings of the current process, for the symbols of an address and for
 * unwinding.  tapc_umaps_begin() takes the mm's lock for reading if it
 * can without waiting (probe context never sleeps): false when it can't,
 * or outside a user task; each lookup then fails.  Must be paired with
 * tapc_umaps_end() on the same CPU before the hit ends.
 */
struct tapc_umap {
	const struct tapc_ubin *bin;	/* NULL: a file the module doesn't know */
	unsigned long start, end;	/* the mapping */
	unsigned long bias;		/* run-time address = link-time address + bias */
	const char *name;		/* the file's name (the dentry's) */
};
bool tapc_umaps_begin(void);
void tapc_umaps_end(void);
/* The file mapping holding addr; false if none (anonymous, or unknown). */
bool tapc_umap_lookup(unsigned long addr, struct tapc_umap *m);

/* The symbol of b containing vaddr (link-time), or NULL. */
const struct tapc_usym *tapc_ubin_symbol(const struct tapc_ubin *b, unsigned long vaddr);

/* The source file and line of vaddr (link-time) from b's line rows: the
 * last row at or below it within the same function; false without one. */
bool tapc_ubin_line(const struct tapc_ubin *b, unsigned long vaddr, const char **file,
		    unsigned int *line);

#endif /* TAPC_UBIN_H */
