/* Pass 4's fast path: the kernel's own build commands, learnt from one
 * Kbuild run of a template module and replayed for each script (replay.c). */
#ifndef TAPC_REPLAY_H
#define TAPC_REPLAY_H

#include <stdbool.h>

/* The template module's name, as build.c builds it. */
#define REPLAY_TEMPLATE "tapc_template"
/* The file (in its directory) where the template's Kbuild run writes the
 * environment of its commands, `env -0`. */
#define REPLAY_ENV "tapc_env"

/* After Kbuild built module REPLAY_TEMPLATE in dir: keep the commands it
 * ran (from its .cmd files) in dir/commands, with dir and the name as
 * placeholders.  False when they are not as expected (then there is no
 * fast path for this kernel and option set, and Kbuild builds each
 * module). */
bool replay_record(const char *dir);

/* Build module name in dir (its NAME_src.c, runtime/ and tapc_defines.h
 * laid out as for Kbuild) with the commands recorded in tdir, run in
 * the kernel's build_dir.  debug keeps -g.  Their output goes to log, or
 * to stderr when verbose.  False when one fails. */
bool replay_run(const char *tdir, const char *build_dir, const char *dir, const char *name,
		bool debug, bool verbose, const char *log);

#endif
