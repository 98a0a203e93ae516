/* The tapset library: the loader of pass 1 and generated tapsets.
 *
 * Library files are found as SystemTap finds them.  The search path is the
 * library directory (SYSTEMTAP_TAPSET replaces it), then each -I DIR in
 * order.  Under each, these folders are read, most specific first:
 *
 *	linux/KVR/ARCH  linux/KVR  linux/KV/ARCH  linux/KV  linux/K.M/ARCH
 *	linux/K.M  linux/ARCH  linux  KVR/ARCH  KVR  ...  ARCH  (the folder itself)
 *
 * with KVR the target's release (6.1.0-57-amd64), KV its version (6.1.0),
 * K.M its series (6.1) and ARCH x86_64; other folders are not read.  In
 * each folder the regular files named *.stpm are read first (all folders,
 * the whole path), then the *.stp, each folder in name order.  A file is
 * read once: a second path to the same file, or a file whose path below
 * its search directory was already read from an earlier one (a -I copy of
 * a library file), is skipped.  A library file that does not parse is left
 * out with a warning (an error with -W).
 *
 * Generated tapsets are script text a provider makes from facts of the
 * target kernel (the system calls of issue 13): see struct
 * tapset_generator below.
 */
#ifndef TAPC_TAPSET_H
#define TAPC_TAPSET_H

#include <stdbool.h>
#include <stddef.h>

struct session;
struct parse_opts;
struct file_ast;

/* Pass 1, before the user's script: every library macro file (*.stpm).
 * lib is how library files are parsed (guru rights, no script
 * arguments).  False after errors. */
bool tapset_parse_macros(struct session *s, const struct parse_opts *lib);

/* Pass 1, after the user's script: every library file (*.stp), appended to
 * s->program->tapsets.  Returns how many were read. */
int tapset_parse_files(struct session *s, const struct parse_opts *lib);

/*
 * A generated tapset: probe aliases (and the functions they need) written
 * by a provider from kernel facts, as SystemTap's syscall tapsets are
 * written by hand.  It is made only when a probe point first names one of
 * the alias families it declares (heads), then kept in the user's cache
 * (~/.cache/tapc/tapsets/, or $XDG_CACHE_HOME/tapc/tapsets/) under a name
 * that hashes tapc's version and key(): a later compile for the same
 * kernel reads only the index.  The text is written in parts, one file
 * each, and a part is parsed only when a probe point names one of its
 * aliases (probe syscall.open parses the part that defines syscall.open;
 * probe syscall.* parses them all).  Diagnostics and "in alias X at
 * FILE:LINE" notes point at those files, which the user can open.
 */
struct tapset_out;
struct tapset_generator {
	const char *name;		/* "syscalls": a file name stem */
	const char *const *heads;	/* the first components of its aliases */
	/* What the text depends on besides tapc (the target's release and
	 * build id, ...), or NULL after an error (reported). */
	const char *(*key)(struct session *s);
	/* Make the text: one tapset_emit() per part.  False after an
	 * error (reported). */
	bool (*generate)(struct session *s, struct tapset_out *out);
	/* The functions its common part defines (NULL-ended, or NULL):
	 * a call of one makes the tapset and parses that part, also in a
	 * program that uses none of its aliases. */
	const char *const *functions;
};

/* One part of a generated tapset: NAME.stp (a file name, [A-Za-z0-9_.-]),
 * the full names of the aliases it defines ("syscall.open",
 * "syscall.open.return", NULL-ended) and its text.  Functions and globals
 * of a generated tapset go in a part named by no alias, which is parsed
 * together with the first part used. */
void tapset_emit(struct tapset_out *out, const char *part, const char *const *aliases,
		 const char *text);

/* Generators beyond the built-in table (tests). */
void tapset_add_generator(const struct tapset_generator *g);

/* The alias families generated tapsets may define, NULL-ended (for
 * "did you mean" and wildcards over families). */
const char *const *tapset_generated_heads(void);

struct tapset_part;
/* The parts of the generated tapset that declares alias family head,
 * made (or found in the cache) on the first call; *n is their number.
 * NULL, *n = 0 when no generator declares head, or after an error
 * (reported; *failed is then set). */
struct tapset_part *const *tapset_generated(struct session *s, const char *head, size_t *n,
					    bool *failed);
/* A call of function name that nothing defined yet: when a generator
 * declares name, parse its common part (once), calling collect for the
 * file.  False when no generator has it, it is parsed already, or after
 * an error (reported). */
bool tapset_generated_function(struct session *s, const char *name,
			       void (*collect)(void *ctx, struct file_ast *f), void *ctx);
/* The aliases a part defines, NULL-ended. */
const char *const *tapset_part_aliases(const struct tapset_part *p);
/* Parse a part on its first use: its file (and the tapset's part of
 * common declarations, once), appended to s->program->tapsets; calls
 * collect for each file parsed.  False if it does not parse (reported). */
bool tapset_part_load(struct session *s, struct tapset_part *p,
		      void (*collect)(void *ctx, struct file_ast *f), void *ctx);

#endif
