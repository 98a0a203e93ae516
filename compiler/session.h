/* struct session: the options every pass reads, and what the passes hand
 * each other.
 *
 * main.c fills the options from the command line, then each pass reads what
 * it needs and adds its result (program, resolved program, C text, module
 * path).  Nothing here is global state: a pass gets the session as its one
 * argument.
 */
#ifndef TAPC_SESSION_H
#define TAPC_SESSION_H

#include <stdbool.h>

struct program;
struct rprogram;
struct kernel;
struct tapset_lib;
struct uimages;

#define SESSION_MAX_ARGS 64

struct session {
	/* the script */
	const char *script_name;	/* file name, "-" or "<input>" for -e */
	const char *script_text;	/* -e text, else NULL until read */
	const char *args[SESSION_MAX_ARGS];	/* $1 @1 ... */
	int nargs;

	/* options, named after stap's */
	int last_pass;			/* -p N, default 5 */
	int verbose;			/* -v count */
	bool keep_tmp;			/* -k */
	bool guru;			/* -g */
	bool timing;			/* -t: probe hit report */
	bool unoptimized;		/* -u */
	bool no_warnings;		/* -w */
	bool vm;			/* --vm */
	const char *module_name;	/* -m NAME, else tapc_<hash> */
	bool module_name_given;
	const char *output_file;	/* -o FILE (taprun expands % patterns) */
	const char *rotation;		/* -S SIZE[,N], with -o */
	bool flight;			/* -F: taprun leaves the module running */
	bool bulk;			/* -b: a file per CPU */
	const char *kernel_arg;		/* -r KVER or build dir */
	const char *defines[SESSION_MAX_ARGS];	/* -D NAME=VALUE */
	int ndefines;
	const char *cmd;		/* -c CMD */
	const char *target_pid;		/* -x PID */
	const char *target_ns;		/* --target-namespace=PID */
	const char *timeout;		/* -T SECONDS */
	const char *bufsize_mb;		/* -s MB */
	const char *include_dirs[SESSION_MAX_ARGS];	/* -I DIR */
	int ninclude_dirs;
	const char *module_dirs[SESSION_MAX_ARGS];	/* --module-path DIR */
	int nmodule_dirs;
	/* -d BINARY: user binaries whose symbols and unwind data the module
	 * carries; --ldd: also their shared libraries (and the probed ones') */
	const char *sym_binaries[SESSION_MAX_ARGS];
	int nsym_binaries;
	bool ldd;
	const char *extra_scripts[SESSION_MAX_ARGS];	/* -E SCRIPT */
	int nextra_scripts;
	const char *global_sets[SESSION_MAX_ARGS];	/* -G VAR=VALUE */
	int nglobal_sets;
	const char *make_vars[SESSION_MAX_ARGS];	/* -B NAME=VALUE, for Kbuild's make */
	int nmake_vars;
	const char *modinfo[SESSION_MAX_ARGS];	/* --modinfo NAME=VALUE */
	int nmodinfo;
	const char *tmpdir_given;	/* --tmpdir=DIR: build there, keep it */
	int vp[5];			/* --vp: more verbosity for pass 1..5 */
	bool skip_badvars;		/* --skip-badvars */
	bool suppress_handler_errors;	/* --suppress-handler-errors */
	bool suppress_time_limits;	/* --suppress-time-limits (guru) */
	bool poison_cache;		/* --poison-cache: rebuild what pass 4 cached */
	bool disable_cache;		/* --disable-cache: pass 4 neither reads nor writes the cache */

	/* where our helpers live (build tree or installed) */
	const char *runtime_dir;
	const char *tapset_dir;
	const char *taprun_path;

	/* what the passes produce */
	struct kernel *kernel;		/* target kernel facts, opened lazily */
	struct uimages *uimages;	/* user binaries read so far (uimage.c) */
	struct tapset_lib *tapsets;	/* the library read, generated tapsets made (tapset.c) */
	struct program *program;	/* pass 1 */
	struct rprogram *resolved;	/* pass 2 */
	char *c_text;			/* pass 3 */
	size_t c_len;
	char *tmpdir;			/* pass 4 */
	char *module_path;		/* pass 4: the .ko */
};

/* The verbosity of pass 1..5: -v for all, plus --vp's digit for it. */
/* The value of a runtime limit (MAXSTRINGLEN, MAXMAPENTRIES) the compiler
 * sizes things by: the last -D of it (validated when given), else the
 * runtime's default (session.c). */
long long session_limit(const struct session *s, const char *name);

static inline int session_verbose(const struct session *s, int pass)
{
	return s->verbose + s->vp[pass - 1];
}

/* The target kernel, opened on first use (image.c). */
struct kernel *session_kernel(struct session *s);

#endif
