/* tapc: compile a SystemTap-language script into a kernel module and run it.
 *
 * main() reads as the pipeline: options, then pass 1 (parse), 2 (resolve),
 * 3 (translate), 4 (build), 5 (run), stopping after the pass -p names and
 * printing that pass's result.  Everything the passes share is in struct
 * session (session.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "arena.h"
#include "diag.h"
#include "dump.h"
#include "kernel.h"
#include "parse.h"
#include "passlog.h"
#include "provider.h"
#include "resolve.h"
#include "session.h"
#include "stap_options.h"
#include "tapset.h"
#include "translate.h"
#include "translate_embedded.h"

#ifndef PKGDATADIR
#define PKGDATADIR "/usr/local/share/tapc"
#endif
#ifndef BINDIR
#define BINDIR "/usr/local/bin"
#endif

static void usage(FILE *f)
{
	fputs("usage: tapc [OPTIONS] FILE [ARGS...]\n"
	      "       tapc [OPTIONS] - [ARGS...]        (script on stdin)\n"
	      "       tapc [OPTIONS] -e SCRIPT [ARGS...]\n"
	      "       tapc [OPTIONS] -l PROBEPOINT    (list matching probe points)\n"
	      "       tapc [OPTIONS] -L PROBEPOINT    (... with their target variables)\n"
	      "  -p N        stop after pass N: 1 parse, 2 resolve, 3 translate (print C),\n"
	      "              4 build (print the .ko path), 5 run (default)\n"
	      "  -E SCRIPT   run SCRIPT too, in addition to the main script\n"
	      "  -G VAR=VALUE  set global VAR's initial value (a number or a string)\n"
	      "  -v          say what each pass does and how long it took\n"
	      "  -k          keep the temporary directory\n"
	      "  -m NAME     module name (the .ko is also copied to ./NAME.ko)\n"
	      "  -o FILE     write the script's output to FILE (strftime %-patterns, e.g. out-%H%M)\n"
	      "  -S SIZE[,N] with -o: FILE.0, FILE.1 ... of SIZE MiB each, at most N kept\n"
	      "  -F          flight recorder: leave the module running and return; with -o\n"
	      "              a background taprun writes FILE (its pid is printed), else the\n"
	      "              output stays in the module's buffer until taprun attaches to it\n"
	      "              (see taprun(1): list, attach, stop)\n"
	      "  -b          bulk mode: a file per CPU (FILE_N; FILE_cpuN with -F;\n"
	      "              stpd_cpuN without -o), put back in order by taprun's merge\n"
	      "  -r KVER|DIR target kernel release or build directory\n"
	      "  -D NAME=VAL C macro for the module (MAXACTION, MAXSTRINGLEN, ...)\n"
	      "  -c CMD      run CMD while probing; target() is its pid\n"
	      "  -x PID      target() is PID\n"
	      "  --target-namespace=PID  sets the target namespaces pid to PID: the ns_*()\n"
	      "              functions see ids as PID's pid and user namespaces do\n"
	      "  -d BINARY   carry the symbols and unwind data of a program or library\n"
	      "              (user backtraces and symbols through it)\n"
	      "  --ldd       also of the shared libraries of every program it carries\n"
	      "  -T SECONDS  stop after SECONDS\n"
	      "  -s MB       output buffer per CPU, in MiB\n"
	      "  -I DIR      more tapset files\n"
	      "  -B NAME=VAL  a variable for Kbuild's make (e.g. CONFIG_DEBUG_INFO=y)\n"
	      "  -R DIR      use the runtime in DIR instead of tapc's own\n"
	      "  --tmpdir=DIR  build in DIR (an existing directory, kept afterwards)\n"
	      "  --poison-cache  rebuild the module (and the runtime) and replace what was cached\n"
	      "  --disable-cache  neither reuse nor keep built modules and runtime objects\n"
	      "  --clean-cache  remove what pass 4 cached (alone: just that)\n"
	      "  --vp ABCDE  more verbosity for single passes: one digit per pass, from pass 1\n"
	      "  --modinfo NAME=VALUE  add MODULE_INFO(NAME, \"VALUE\") to the module\n"
	      "  --skip-badvars  a target variable that can't be read is 0, with a warning\n"
	      "  --suppress-handler-errors  a run-time error ends its handler quietly; counted at the end\n"
	      "  --suppress-time-limits  no MAXACTION limit (needs -g)\n"
	      "  -g          guru mode (embedded C, writing to $return and $params)\n"
	      "  -t          report each probe's hits and cycles at the end\n"
	      "  -u          don't drop unused code\n"
	      "  -w          no warnings\n"
	      "  -W          warnings are errors (a tapset that does not parse too)\n"
	      "  --compatible=VERSION  accept the language of an older SystemTap\n"
	      "  -P, --prologue-searching[=always|never|auto]  accepted for stap; no effect\n"
	      "  -a x86_64   the architecture (tapc builds for x86_64 only)\n"
	      "  --runtime=kernel  the back end (tapc has only the kernel module)\n"
	      "  --          end of tapc's options: the script and its arguments follow\n"
	      "  --module-path DIR  look for module(\"NAME\")'s NAME.ko in DIR first\n"
	      "  --vm        run in a VM booting an installed kernel (for hosts that can't load modules)\n"
	      "  --need-vm-flag  print --vm if this host can't load modules\n"
	      "  --dump-functions, --dump-probe-aliases, --dump-probe-types\n"
	      "              list the library's functions, its probe aliases, the probe point forms\n"
	      "  -h, --help, -V, --version  help, version\n"
	      "Options of stap that tapc does not take are refused with the reason:\n"
	      "see tapc(1), \"SystemTap options tapc does not take\".\n", f);
}

/* Options kept out of struct session because only pass 1 reads them:
 * -W (warnings are errors; also makes a tapset that does not parse fatal)
 * and --compatible=VERSION (the language level of the user script). */
static bool warnings_are_errors;
static const char *compatible;
/* -R DIR: applied after locate_helpers() has found our own runtime */
static const char *runtime_given;

/* ---- where our helpers are ---- */

static bool exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* From the build tree, helpers sit next to compiler/; else installed. */
static void locate_helpers(struct session *s)
{
	char exe[PATH_MAX], *dir;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n > 0) {
		exe[n] = 0;
		dir = dirname(exe);
		if (exists(arena_printf("%s/../runtime/tapc_runtime.h", dir))) {
			s->runtime_dir = arena_printf("%s/../runtime", dir);
			s->tapset_dir = arena_printf("%s/../tapset", dir);
			s->taprun_path = arena_printf("%s/../runner/taprun", dir);
			return;
		}
	}
	s->runtime_dir = PKGDATADIR "/runtime";
	s->tapset_dir = PKGDATADIR "/tapset";
	s->taprun_path = BINDIR "/taprun";
}

/* SYSTEMTAP_TAPSET replaces the library directory, as in stap. */
static void locate_tapsets(struct session *s)
{
	const char *dir = getenv("SYSTEMTAP_TAPSET");

	if (dir && *dir)
		s->tapset_dir = dir;
}


/* ---- -v ---- */

/* "Pass N: WHAT using ... kb, in ... ms." (passlog.c); pass 4 and 5
 * lines say no memory, as stap's */
static void pass_done(struct session *s, int pass, const char *what, bool memory,
		      const struct pass_clock *c)
{
	if (session_verbose(s, pass))
		fprintf(stderr, "Pass %d: %s %s%s\n", pass, what, memory ? pass_memory() : "",
			pass_times(c));
}

static void pass_failed(int pass, const char *what)
{
	diag_flush();
	if (diag_suppressed())
		fprintf(stderr, "Number of further error messages not shown: %d.\n", diag_suppressed());
	fprintf(stderr, "Pass %d: %s failed.\n", pass, what);
}

/* What pass 2 kept, counted as stap does: a probe per site, the
 * functions, the file-scope %{ %} blocks that go into the module, the
 * globals. */
static const char *analyzed(const struct session *s)
{
	const struct rprogram *p = s->resolved;
	int nsites = 0, nfuncs = 0, nglobals = 0;

	for (const struct rprobe *pr = p->probes; pr; pr = pr->next)
		for (const struct site *site = pr->sites; site; site = site->next)
			nsites++;
	for (const struct rfunc *fn = p->funcs; fn; fn = fn->next)
		nfuncs++;
	for (const struct symbol *g = p->globals; g; g = g->next)
		nglobals++;
	return arena_printf("analyzed script: %s, %s, %s, %s", pass_count(nsites, "probe"),
			    pass_count(nfuncs, "function"), pass_count(embedded_toplevel_count(s), "embed"),
			    pass_count(nglobals, "global"));
}

/* ---- pass 1 ---- */

/* The user's script: the -e text, stdin or the file. */
static const char *script_text(struct session *s)
{
	const char *name = s->script_name;
	FILE *f;
	const char *text;

	if (s->script_text)
		return s->script_text;
	f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");
	if (!f) {
		fprintf(stderr, "tapc: error: cannot open %s: %s\n", name, strerror(errno));
		return NULL;
	}
	if (strcmp(name, "-") == 0)
		name = s->script_name = "<stdin>";
	text = parse_read_script(f, name);
	if (f != stdin)
		fclose(f);
	return text;
}

/* -E SCRIPT: more user files after the main one, each "<-E>" (or
 * "<-E N>" when there are several) in messages. */
static bool parse_extra_scripts(struct session *s, const struct parse_opts *o)
{
	struct file_ast **tail = &s->program->user;

	while (*tail)
		tail = &(*tail)->next;
	for (int i = 0; i < s->nextra_scripts; i++) {
		const char *name = s->nextra_scripts == 1 ? "<-E>" : arena_printf("<-E %d>", i + 1);

		name = diag_add_source(name, s->extra_scripts[i]);
		if (!(*tail = parse_text(name, s->extra_scripts[i], o)))
			return false;
		while (*tail)
			tail = &(*tail)->next;
	}
	return true;
}

/* Pass 1: the library's macros, the user's script, the library (tapset.c
 * finds it). */
static bool pass1_parse(struct session *s, int *ntapsets)
{
	struct parse_opts o = { 0 }, lib;
	struct kernel *k = session_kernel(s);
	const char *name, *text = script_text(s);
	char *kv;

	if (!text)
		return false;
	kv = arena_strdup(k->release);
	kv[strspn(kv, "0123456789.")] = 0;
	o.guru = s->guru;
	o.argc = s->nargs;
	o.argv = s->args;
	o.kernel_v = kv;
	o.kernel_vr = k->release;
	o.arch = "x86_64";
	o.config = kernel_config;
	o.config_ctx = k;
	o.compatible = compatible;
	lib = o;
	lib.is_tapset = true;
	lib.guru = true;	/* and the script's arguments, for argv.stp */
	if (!tapset_parse_macros(s, &lib))
		return false;
	name = diag_add_source(s->script_name, text);
	s->program = arena_alloc(sizeof(*s->program));
	s->program->user = parse_text(name, text, &o);
	if (!s->program->user || !parse_extra_scripts(s, &o))
		return false;
	*ntapsets = tapset_parse_files(s, &lib);
	return diag_errors() == 0;
}

/* ---- module name ---- */

static bool valid_module_name(const char *n)
{
	if (!*n || strlen(n) > 55)
		return false;
	for (; *n; n++)
		if (!islower((unsigned char)*n) && !isdigit((unsigned char)*n) && *n != '_')
			return false;
	return true;
}

/* tapc_<hash of the script, options and target>: the same compile gets
 * the same name, a different one never collides. */
static const char *default_module_name(struct session *s)
{
	uint64_t h = 1469598103934665603ULL;
	const char *parts[8 + 5 * SESSION_MAX_ARGS];
	int n = 0, i;

	parts[n++] = s->script_text ? s->script_text : s->script_name;
	parts[n++] = session_kernel(s)->release;
	parts[n++] = s->guru ? "g" : "";
	parts[n++] = s->timing ? "t" : "";
	for (i = 0; i < s->ndefines; i++)
		parts[n++] = s->defines[i];
	for (i = 0; i < s->nextra_scripts; i++)
		parts[n++] = s->extra_scripts[i];
	for (i = 0; i < s->nglobal_sets; i++)
		parts[n++] = s->global_sets[i];
	for (i = 0; i < s->nmake_vars; i++)
		parts[n++] = s->make_vars[i];
	for (i = 0; i < s->nmodinfo; i++)
		parts[n++] = s->modinfo[i];
	parts[n++] = s->skip_badvars ? "b" : "";
	parts[n++] = s->suppress_handler_errors ? "h" : "";
	parts[n++] = s->suppress_time_limits ? "l" : "";
	for (i = 0; i < n; i++)
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	/* -d and --ldd add symbol tables to the module */
	for (i = 0; i < s->nsym_binaries; i++)
		for (const char *p = s->sym_binaries[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ (s->ldd ? 'l' : 0)) * 1099511628211ULL;
	return arena_printf("tapc_%016llx", (unsigned long long)h);
}

/* ---- options ---- */

enum { OPT_VM = 256, OPT_NEED_VM, OPT_HELP, OPT_VERSION, OPT_COMPATIBLE, OPT_PROLOGUE,
       OPT_MODULE_PATH, OPT_RUNTIME, OPT_VP, OPT_MODINFO, OPT_TMPDIR, OPT_SKIP_BADVARS,
       OPT_SUPPRESS_HANDLER_ERRORS, OPT_SUPPRESS_TIME_LIMITS, OPT_DUMP_FUNCTIONS,
       OPT_DUMP_ALIASES, OPT_DUMP_TYPES, OPT_LDD, OPT_TARGET_NS, OPT_POISON_CACHE,
       OPT_DISABLE_CACHE, OPT_CLEAN_CACHE, OPT_REFUSED };

#define SHORT_OPTIONS "hVvp:e:E:G:l:L:I:km:o:r:D:c:x:T:gtuwWs:Pa:B:R:S:d:Fb"

static const struct option tapc_longopts[] = {
	{ "vm", no_argument, NULL, OPT_VM },
	{ "need-vm-flag", no_argument, NULL, OPT_NEED_VM },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "compatible", required_argument, NULL, OPT_COMPATIBLE },
	{ "prologue-searching", optional_argument, NULL, OPT_PROLOGUE },
	{ "module-path", required_argument, NULL, OPT_MODULE_PATH },
	{ "runtime", required_argument, NULL, OPT_RUNTIME },
	{ "vp", required_argument, NULL, OPT_VP },
	{ "modinfo", required_argument, NULL, OPT_MODINFO },
	{ "tmpdir", required_argument, NULL, OPT_TMPDIR },
	{ "skip-badvars", no_argument, NULL, OPT_SKIP_BADVARS },
	{ "suppress-handler-errors", no_argument, NULL, OPT_SUPPRESS_HANDLER_ERRORS },
	{ "suppress-time-limits", no_argument, NULL, OPT_SUPPRESS_TIME_LIMITS },
	{ "dump-functions", no_argument, NULL, OPT_DUMP_FUNCTIONS },
	{ "dump-probe-aliases", no_argument, NULL, OPT_DUMP_ALIASES },
	{ "dump-probe-types", no_argument, NULL, OPT_DUMP_TYPES },
	{ "ldd", no_argument, NULL, OPT_LDD },
	/* stap's --help says the first, its man page the second */
	{ "target-namespace", required_argument, NULL, OPT_TARGET_NS },
	{ "target-namespaces", required_argument, NULL, OPT_TARGET_NS },
	{ "poison-cache", no_argument, NULL, OPT_POISON_CACHE },
	{ "disable-cache", no_argument, NULL, OPT_DISABLE_CACHE },
	{ "clean-cache", no_argument, NULL, OPT_CLEAN_CACHE },
};
#define NLONG (sizeof(tapc_longopts) / sizeof(tapc_longopts[0]))

/* getopt's tables: ours, then stap's refused options (stap_options.c),
 * each long one as OPT_REFUSED + its index, with any value. */
static const struct option *all_longopts(const char **shortopts)
{
	static struct option opts[NLONG + 64];
	static char letters[sizeof(SHORT_OPTIONS) + 64];
	size_t n = NLONG, nl = strlen(SHORT_OPTIONS);

	memcpy(opts, tapc_longopts, sizeof(tapc_longopts));
	memcpy(letters, SHORT_OPTIONS, nl);
	for (int i = 0; stap_refused[i].why; i++) {
		const struct stap_refused *r = &stap_refused[i];

		if (n + 2 > sizeof(opts) / sizeof(opts[0]) || nl + 3 > sizeof(letters))
			die("too many refused stap options");
		if (r->name)
			opts[n++] = (struct option){ r->name, optional_argument, NULL, OPT_REFUSED + i };
		if (r->letter) {
			letters[nl++] = r->letter;
			if (r->takes_value)
				letters[nl++] = ':';
		}
	}
	opts[n] = (struct option){ NULL, 0, NULL, 0 };
	letters[nl] = 0;
	*shortopts = letters;
	return opts;
}

/* A refused stap option, by its getopt code: its reason, printed. */
static bool refused(int c)
{
	const struct stap_refused *r = NULL;

	if (c >= OPT_REFUSED)
		r = &stap_refused[c - OPT_REFUSED];
	for (int i = 0; !r && c < 256 && stap_refused[i].why; i++)
		if (stap_refused[i].letter == c)
			r = &stap_refused[i];
	if (!r)
		return false;
	if (r->name)
		fprintf(stderr, "tapc: error: --%s is not supported: %s\n", r->name, r->why);
	else
		fprintf(stderr, "tapc: error: -%c is not supported: %s\n", r->letter, r->why);
	return true;
}

/* -l PP / -L PP: compile "probe PP {}" through pass 2 and list its sites
 * (-L: with their target variables), as stap does. */
static int list_mode;
static int dump_mode;		/* OPT_DUMP_*, or 0 */
static bool clean_cache;	/* --clean-cache */

/* stap refuses a TMPDIR that is not a directory; we also refuse one with
 * characters make or the shell would interpret: the module is built
 * there by Kbuild (build_path_ok). */
static bool tmpdir_ok(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (!t || !*t)
		return true;
	if (!build_path_ok(t) || stat(t, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tapc: error: TMPDIR '%s' is not a usable directory (an existing one, "
			"its path of letters, digits and _ . / + @ -)\n", diag_escape(t));
		return false;
	}
	return true;
}

/* Option values are checked here, before anything runs: what reaches
 * make, the shell, taprun or the VM is known to be sane (issue 11). */

/* -r KVER or -r DIR: a release names /lib/modules/KVER; a directory is
 * a build tree handed to make. */
static bool kernel_arg_ok(const char *a)
{
	if (a[0] == '/')
		return build_path_ok(a);
	if (!*a || a[0] == '.' || a[0] == '-')
		return false;
	for (; *a; a++)
		if (!isalnum((unsigned char)*a) && !strchr("._+-", *a))
			return false;
	return true;
}

/* A decimal number from min to max, all of a (no sign, no blanks, no
 * overflow: -p 4294967298 was pass 2 when the long became an int). */
static bool number_in(const char *a, long min, long max, long *v)
{
	char *end;

	if (!isdigit((unsigned char)a[0]))
		return false;
	errno = 0;
	*v = strtol(a, &end, 10);
	return !*end && !errno && *v >= min && *v <= max;
}

/* -x PID: a process id the kernel could have (PID_MAX_LIMIT, 2^22). */
static bool pid_ok(const char *a)
{
	long v;

	return number_in(a, 1, 4194304, &v);
}

/* -T SECONDS: at least the timer's millisecond, at most what its
 * nanoseconds hold (int64: 292 years). */
#define TIMEOUT_MAX 9223372036.0
static const char *timeout_error(const char *a)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(a, &end);
	if (end == a || *end || isnan(v) || !(v > 0))
		return "needs a positive number of seconds";
	if (v < 0.001)
		return "needs at least 0.001 seconds (the timer counts milliseconds)";
	if (v > TIMEOUT_MAX || errno == ERANGE)
		return "is too large: at most 9223372036 seconds (292 years)";
	return NULL;
}

/* --vp ABCDE: one digit per pass, from pass 1; fewer digits leave the
 * later passes alone. */
static bool vp_ok(struct session *s, const char *a)
{
	size_t n = strlen(a);

	if (n < 1 || n > 5 || strspn(a, "0123456789") != n)
		return false;
	for (size_t i = 0; i < n; i++)
		s->vp[i] += a[i] - '0';
	return true;
}

/* --modinfo NAME=VALUE: NAME a C identifier, VALUE printable text (it
 * becomes a C string in the module's .modinfo section). */
static bool modinfo_ok(const char *a)
{
	const char *eq = strchr(a, '='), *p;

	if (!eq || eq == a || isdigit((unsigned char)a[0]) || strlen(eq + 1) > 200)
		return false;
	for (p = a; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return false;
	for (p = eq + 1; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return true;
}

/* A directory given by -R or --tmpdir: it exists, and its path holds
 * only what make and the shell take literally (build_path_ok). */
static bool dir_ok(const char *a)
{
	struct stat st;

	return build_path_ok(a) && stat(a, &st) == 0 && S_ISDIR(st.st_mode);
}

/* -S SIZE[,N]: SIZE MiB 1..4095, N files 1..100000 (taprun's outfile.c
 * checks the same). */
static bool rotation_ok(const char *a)
{
	long v;
	const char *comma = strchr(a, ',');

	if (!comma)
		return number_in(a, 1, 4095, &v);
	return number_in(arena_printf("%.*s", (int)(comma - a), a), 1, 4095, &v) &&
	       number_in(comma + 1, 1, 100000, &v);
}

/* -F and -b, as taprun takes them (it checks the same). */
static bool flight_options_ok(const struct session *s)
{
	const char *why = NULL;

	if ((s->flight || s->bulk) && s->vm)
		why = "-F and -b leave their module or files where it runs: they can't be used with --vm";
	else if (s->flight && s->cmd)
		why = "-F leaves the module running and returns: -c needs tapc to wait for its command";
	else if (s->bulk && s->rotation)
		why = "-S can't rotate -b's per-CPU files";
	else if (s->bulk && s->flight && !s->output_file)
		why = "-b writes a file per CPU: with -F it needs -o FILE";
	if (why)
		fprintf(stderr, "tapc: error: %s\n", why);
	return !why;
}

/* Keep an option's value in a session array of SESSION_MAX_ARGS. */
static bool add_arg(const char **v, int *n, const char *what, const char *arg)
{
	if (*n == SESSION_MAX_ARGS) {
		fprintf(stderr, "tapc: error: too many %s (at most %d)\n", what, SESSION_MAX_ARGS);
		return false;
	}
	v[(*n)++] = arg;
	return true;
}

static int parse_options(struct session *s, int argc, char **argv)
{
	const char *shortopts;
	const struct option *longopts = all_longopts(&shortopts);
	int c;
	long num;

	s->last_pass = 5;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (!number_in(optarg, 1, 5, &num)) {
				fprintf(stderr, "tapc: error: invalid pass number '%s' (should be 1-5)\n", diag_escape(optarg));
				return -1;
			}
			s->last_pass = (int)num;
			break;
		case 'e':
			if (s->script_text) {
				fprintf(stderr, "tapc: error: only one -e, -l or -L script may be given\n");
				return -1;
			}
			s->script_text = optarg;
			s->script_name = "<input>";
			break;
		case 'E':
			if (!add_arg(s->extra_scripts, &s->nextra_scripts, "-E scripts", optarg))
				return -1;
			break;
		case 'G': {
			const char *why = global_set_error(optarg);

			if (why) {
				fprintf(stderr, "tapc: error: -G '%s': %s\n", diag_escape(optarg), why);
				return -1;
			}
			if (!add_arg(s->global_sets, &s->nglobal_sets, "-G options", optarg))
				return -1;
			break;
		}
		case 'l':
		case 'L':
			list_mode = c;
			s->script_text = arena_printf("probe %s {}", optarg);
			s->script_name = "<input>";
			break;
		case 'v': s->verbose++; break;
		case OPT_LDD: s->ldd = true; break;
		case 'd':
			/* a file name, never a shell word: uimage_find() looks it up */
			if (!*optarg) {
				fprintf(stderr, "tapc: error: -d needs a program or library, not ''\n");
				return -1;
			}
			if (!add_arg(s->sym_binaries, &s->nsym_binaries, "-d options", optarg))
				return -1;
			break;
		case 'k': s->keep_tmp = true; break;
		case 'g': s->guru = true; break;
		case 't': s->timing = true; break;
		case 'u': s->unoptimized = true; break;
		case 'w': s->no_warnings = true; break;
		case 'W': warnings_are_errors = true; break;
		case OPT_COMPATIBLE:
			if (!isdigit((unsigned char)optarg[0]) || optarg[strspn(optarg, "0123456789.")]) {
				fprintf(stderr, "tapc: error: --compatible needs a version like 4.2, not '%s'\n",
					diag_escape(optarg));
				return -1;
			}
			compatible = optarg;
			break;
		case 'a':
			/* stap's cross-compiling: tapc builds for x86_64 */
			if (strcmp(optarg, "x86_64") != 0) {
				fprintf(stderr, "tapc: error: -a '%s' is not supported: tapc builds modules for x86_64 only\n",
					diag_escape(optarg));
				return -1;
			}
			break;
		case OPT_RUNTIME:
			if (strcmp(optarg, "kernel") != 0) {
				fprintf(stderr, "tapc: error: --runtime=%s is not supported: tapc has only the "
					"kernel-module back end (--runtime=kernel)\n", diag_escape(optarg));
				return -1;
			}
			break;
		case 'P':
		case OPT_PROLOGUE:
			/* stap's choice for DWARF prologue analysis; tapc places
			 * kprobes from BTF/symbols and has no prologue search, so
			 * the valid values are accepted and change nothing. */
			if (optarg && strcmp(optarg, "always") && strcmp(optarg, "never") &&
			    strcmp(optarg, "auto")) {
				fprintf(stderr, "tapc: error: --prologue-searching takes always, never or auto, not '%s'\n",
					diag_escape(optarg));
				return -1;
			}
			break;
		case 'm':
			if (!valid_module_name(optarg)) {
				fprintf(stderr, "tapc: error: invalid module name '%s' (lower case letters, digits and _, at most 55)\n",
					diag_escape(optarg));
				return -1;
			}
			s->module_name = optarg;
			s->module_name_given = true;
			break;
		case 'o':
		case 'c':
		case 'I':
			if (!*optarg) {
				fprintf(stderr, "tapc: error: -%c needs a value, not ''\n", c);
				return -1;
			}
			if (c == 'o')
				s->output_file = optarg;
			else if (c == 'c')
				s->cmd = optarg;	/* a shell command, as stap's: run by taprun */
			else if (!add_arg(s->include_dirs, &s->ninclude_dirs, "-I options", optarg))
				return -1;
			break;
		case 'r':
			if (!kernel_arg_ok(optarg)) {
				fprintf(stderr, "tapc: error: -r needs a kernel release (letters, digits and . _ + -) "
					"or the absolute path of a build tree (letters, digits and _ . / + @ -), not '%s'\n",
					diag_escape(optarg));
				return -1;
			}
			s->kernel_arg = optarg;
			break;
		case 'x':
			if (!pid_ok(optarg)) {
				fprintf(stderr, "tapc: error: -x needs a process id (a number from 1 to 4194304), not '%s'\n",
					diag_escape(optarg));
				return -1;
			}
			s->target_pid = optarg;
			break;
		case OPT_TARGET_NS:
			/* taprun checks that the process exists, where the module runs */
			if (!pid_ok(optarg)) {
				fprintf(stderr, "tapc: error: --target-namespace needs a process id (a number "
					"from 1 to 4194304), not '%s'\n", diag_escape(optarg));
				return -1;
			}
			s->target_ns = optarg;
			break;
		case 'T': {
			const char *why = timeout_error(optarg);

			if (why) {
				fprintf(stderr, "tapc: error: -T %s, not '%s'\n", why, diag_escape(optarg));
				return -1;
			}
			s->timeout = optarg;
			break;
		}
		case 's':
			if (!number_in(optarg, 1, 4095, &num)) {
				fprintf(stderr, "tapc: error: invalid buffer size '%s' (MiB, 1-4095)\n", diag_escape(optarg));
				return -1;
			}
			s->bufsize_mb = optarg;
			break;
		case 'D': {
			const char *why = build_define_error(optarg);

			if (why) {
				fprintf(stderr, "tapc: error: -D '%s': %s\n", diag_escape(optarg), why);
				return -1;
			}
			if (!add_arg(s->defines, &s->ndefines, "-D options", optarg))
				return -1;
			break;
		}
		case OPT_MODULE_PATH:
			if (!add_arg(s->module_dirs, &s->nmodule_dirs, "--module-path options", optarg))
				return -1;
			break;
		case OPT_DUMP_FUNCTIONS:
		case OPT_DUMP_ALIASES:
		case OPT_DUMP_TYPES:
			dump_mode = c;
			s->script_text = "probe never {}";	/* pass 1 reads the library */
			s->script_name = "<input>";
			break;
		case 'B': {
			const char *why = build_make_var_error(optarg);

			if (why) {
				fprintf(stderr, "tapc: error: -B '%s': %s\n", diag_escape(optarg), why);
				return -1;
			}
			if (!add_arg(s->make_vars, &s->nmake_vars, "-B options", optarg))
				return -1;
			break;
		}
		case OPT_MODINFO:
			if (!modinfo_ok(optarg)) {
				fprintf(stderr, "tapc: error: --modinfo '%s': needs NAME=VALUE, NAME a C identifier, "
					"VALUE at most 200 printable ASCII characters\n", diag_escape(optarg));
				return -1;
			}
			if (!add_arg(s->modinfo, &s->nmodinfo, "--modinfo options", optarg))
				return -1;
			break;
		case 'R':
			if (!dir_ok(optarg) || !exists(arena_printf("%s/tapc_runtime.h", optarg))) {
				fprintf(stderr, "tapc: error: -R '%s' is not a tapc runtime (a directory with "
					"tapc_runtime.h, its path of letters, digits and _ . / + @ -)\n",
					diag_escape(optarg));
				return -1;
			}
			runtime_given = optarg;
			break;
		case OPT_TMPDIR:
			if (!dir_ok(optarg)) {
				fprintf(stderr, "tapc: error: --tmpdir '%s' is not a usable directory (an existing one, "
					"its path of letters, digits and _ . / + @ -)\n", diag_escape(optarg));
				return -1;
			}
			s->tmpdir_given = optarg;
			break;
		case OPT_VP:
			if (!vp_ok(s, optarg)) {
				fprintf(stderr, "tapc: error: --vp needs one digit per pass (1 to 5 digits), not '%s'\n",
					diag_escape(optarg));
				return -1;
			}
			break;
		case 'S':
			if (!rotation_ok(optarg)) {
				fprintf(stderr, "tapc: error: -S needs SIZE[,N]: SIZE MiB from 1 to 4095, N files "
					"from 1 to 100000, not '%s'\n", diag_escape(optarg));
				return -1;
			}
			s->rotation = optarg;
			break;
		case 'F': s->flight = true; break;
		case 'b': s->bulk = true; break;
		case OPT_SKIP_BADVARS: s->skip_badvars = true; break;
		case OPT_SUPPRESS_HANDLER_ERRORS: s->suppress_handler_errors = true; break;
		case OPT_SUPPRESS_TIME_LIMITS: s->suppress_time_limits = true; break;
		case OPT_POISON_CACHE: s->poison_cache = true; break;
		case OPT_DISABLE_CACHE: s->disable_cache = true; break;
		case OPT_CLEAN_CACHE: clean_cache = true; break;
		case OPT_VM: s->vm = true; break;
		case OPT_NEED_VM: {
			const char *why;

			if (!kernel_host_can_load(&why))
				puts("--vm");
			exit(0);
		}
		case 'h':
		case OPT_HELP: usage(stdout); exit(0);
		case 'V':
		case OPT_VERSION: puts("tapc " PACKAGE_VERSION); exit(0);
		default:
			if (!refused(c))
				usage(stderr);
			return -1;
		}
	}
	if (list_mode) {
		s->last_pass = 2;
		/* "probe POINT {}" does nothing: the optimiser would elide it */
		s->unoptimized = true;
	}
	if (clean_cache) {
		bool cleaned = build_clean_cache();

		if (!s->script_text && optind >= argc)	/* as stap: clean and stop */
			exit(cleaned ? 0 : 1);
	}
	if (!s->script_text) {
		if (optind >= argc) {
			usage(stderr);
			return -1;
		}
		s->script_name = argv[optind++];
	}
	for (; optind < argc; optind++) {
		if (s->nargs == SESSION_MAX_ARGS) {
			fprintf(stderr, "tapc: error: too many script arguments\n");
			return -1;
		}
		s->args[s->nargs++] = argv[optind];
	}
	if (s->cmd && s->target_pid) {
		fprintf(stderr, "tapc: error: -c and -x cannot be used together\n");
		return -1;
	}
	if (s->rotation && (!s->output_file || s->vm)) {
		fprintf(stderr, "tapc: error: -S rotates the -o FILE where the module runs: it needs -o, "
			"and can't be used with --vm\n");
		return -1;
	}
	if (!flight_options_ok(s))
		return -1;
	if (s->suppress_time_limits && !s->guru) {
		fprintf(stderr, "tapc: error: --suppress-time-limits needs guru mode (-g): "
			"a handler with no MAXACTION limit can hold its CPU indefinitely\n");
		return -1;
	}
	return 0;
}

/* ---- the pipeline ---- */

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l / -L: the sites of the one probe, sorted, each once. */
/* "ALIAS name:type ..." with the alias body's variables (-L), leaving out
 * the tapset's private ones (__name). */
static const char *list_alias_locals(const struct rprobe *p, const char *line)
{
	const struct symbol *l;

	for (l = p->locals; list_mode == 'L' && l; l = l->next)
		if (l->kind == SYM_LOCAL && strncmp(l->name, "__", 2) != 0)
			line = arena_printf("%s %s:%s", line, l->name, type_name(l->type));
	return line;
}

static int list_sites(struct session *s)
{
	const struct rprobe *p;
	const struct site *site;
	const char **lines = NULL;
	size_t n = 0, i;

	for (p = s->resolved->probes; p; p = p->next) {
		for (site = p->sites; site; site = site->next) {
			const char *line = site->pp;

			/* a probe an alias made is listed by the alias's point,
			 * -L with the variables its body sets, then the
			 * site's target variables, as stap -L shows them */
			if (p->decl->u.probe.alias_pp)
				line = list_alias_locals(p, p->decl->u.probe.alias_pp);
			if (list_mode == 'L' && site->ops->vars) {
				const char *vars = site->ops->vars(s, site);

				if (vars && *vars)
					line = arena_printf("%s %s", line, vars);
			}
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			if (!lines)
				die("out of memory");
			lines[n++] = line;
		}
	}
	qsort(lines, n, sizeof(*lines), cmp_line);
	for (i = 0; i < n; i++)
		if (i == 0 || strcmp(lines[i], lines[i - 1]) != 0)
			puts(lines[i]);
	free(lines);
	return 0;
}

static int finish(struct session *s, int status)
{
	if (s->tmpdir && !s->tmpdir_given) {
		if (s->keep_tmp)
			fprintf(stderr, "Keeping temporary directory \"%s\"\n", s->tmpdir);
		else
			build_cleanup(s);
	}
	return status;
}

/* What passes 1-4 print (the script, the program, the C, the module's
 * path, a list) is lost when stdout can't take it (a full disk, a closed
 * pipe): then that is an error, and the exit status says so. */
static void close_stdout(void)
{
	if (fclose(stdout) != 0) {
		fprintf(stderr, "tapc: error: cannot write the output to standard output: %s\n",
			strerror(errno));
		_exit(1);
	}
}

int main(int argc, char **argv)
{
	static struct session sess;
	struct session *s = &sess;
	struct pass_clock t;
	int status, ntapsets;

	atexit(close_stdout);
	if (parse_options(s, argc, argv) != 0)
		return 1;
	if (!tmpdir_ok())
		return 1;
	diag_configure(s->no_warnings, warnings_are_errors);
	locate_helpers(s);
	if (runtime_given)
		s->runtime_dir = runtime_given;
	locate_tapsets(s);

	pass_clock_start(&t);
	if (!pass1_parse(s, &ntapsets)) {
		pass_failed(1, "parse");
		return 1;
	}
	pass_done(s, 1, arena_printf("parsed user script and %s", pass_count(ntapsets, "library script")),
		  true, &t);
	if (dump_mode)
		return dump_mode == OPT_DUMP_FUNCTIONS ? dump_functions(s) :
		       dump_mode == OPT_DUMP_ALIASES ? dump_probe_aliases(s) : dump_probe_types();
	if (s->last_pass == 1) {
		for (struct file_ast *f = s->program->user; f; f = f->next)
			unparse_file(stdout, f);
		return 0;
	}

	pass_clock_start(&t);
	if (!resolve(s)) {
		pass_failed(2, "analysis");
		return 1;
	}
	if (session_verbose(s, 2))
		pass_done(s, 2, analyzed(s), true, &t);
	if (list_mode)
		return list_sites(s);
	if (s->last_pass == 2) {
		resolve_print(stdout, s->resolved);
		return 0;
	}
	/* The script's own errors come first: only one that would run hears
	 * that this host can't run it. */
	if (s->last_pass == 5 && !s->vm) {
		const char *why;

		if (!kernel_host_can_load(&why)) {
			fprintf(stderr, "tapc: error: %s; run it in a VM with --vm\n", why);
			return 1;
		}
	}

	if (!s->module_name)
		s->module_name = default_module_name(s);
	pass_clock_start(&t);
	if (!translate(s)) {
		pass_failed(3, "translation");
		return 1;
	}
	/* the C is in memory until pass 4 writes it into the build
	 * directory under this name */
	pass_done(s, 3, arena_printf("translated to C into \"%s_src.c\"", s->module_name), true, &t);
	if (s->last_pass == 3) {
		fwrite(s->c_text, 1, s->c_len, stdout);
		return 0;
	}

	pass_clock_start(&t);
	if (!build(s)) {
		pass_failed(4, "compilation");
		return finish(s, 1);
	}
	pass_done(s, 4, arena_printf("compiled C into \"%s.ko\"", s->module_name), false, &t);
	if (s->last_pass == 4) {
		printf("%s\n", s->module_path);
		return finish(s, 0);
	}

	if (session_verbose(s, 5))
		fprintf(stderr, "Pass 5: starting run.\n");
	pass_clock_start(&t);
	status = run(s);
	pass_done(s, 5, "run completed", false, &t);
	return finish(s, status);
}
