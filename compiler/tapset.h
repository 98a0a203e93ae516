/* The tapset library: the loader of pass 1.
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

#endif
