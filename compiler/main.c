/* tapc: compile a SystemTap-language script into a kernel module and run it.
 *
 * main() reads as the pipeline: options, then pass 1 (parse), 2 (resolve),
 * 3 (translate), 4 (build), 5 (run), stopping after the pass -p names and
 * printing that pass's result.  Everything the passes share is in struct
 * session (session.h).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "arena.h"
#include "diag.h"
#include "kernel.h"
#include "parse.h"
#include "provider.h"
#include "resolve.h"
#include "session.h"
#include "syscall_tapset.h"
#include "translate.h"

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
	      "  -v          say what each pass does and how long it took\n"
	      "  -k          keep the temporary directory\n"
	      "  -m NAME     module name (the .ko is also copied to ./NAME.ko)\n"
	      "  -o FILE     write the script's output to FILE\n"
	      "  -r KVER|DIR target kernel release or build directory\n"
	      "  -D NAME=VAL C macro for the module (MAXACTION, MAXSTRINGLEN, ...)\n"
	      "  -c CMD      run CMD while probing; target() is its pid\n"
	      "  -x PID      target() is PID\n"
	      "  -T SECONDS  stop after SECONDS\n"
	      "  -s MB       output buffer per CPU, in MiB\n"
	      "  -I DIR      more tapset files\n"
	      "  -g          guru mode (embedded C, writing to $return and $params)\n"
	      "  -t          report each probe's hits and cycles at the end\n"
	      "  -u          don't drop unused code\n"
	      "  -w          no warnings\n"
	      "  -W          warnings are errors (a tapset that does not parse too)\n"
	      "  --compatible=VERSION  accept the language of an older SystemTap\n"
	      "  --prologue-searching[=always|never|auto]  accepted for stap; no effect\n"
	      "  --module-path DIR  look for module(\"NAME\")'s NAME.ko in DIR first\n"
	      "  --vm        run in a VM booting an installed kernel (for hosts that can't load modules)\n"
	      "  --need-vm-flag  print --vm if this host can't load modules\n"
	      "  -h, -V      help, version\n", f);
}

/* Options kept out of struct session because only pass 1 reads them:
 * -W (warnings are errors; also makes a tapset that does not parse fatal)
 * and --compatible=VERSION (the language level of the user script). */
static bool warnings_are_errors;
static const char *compatible;

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

/* ---- the target kernel, opened on first use ---- */

static struct session *the_session;

struct kernel *session_kernel(struct session *s)
{
	if (!s->kernel) {
		s->kernel = kernel_open(s->kernel_arg, s->vm);
		if (!s->kernel)
			exit(1);
	}
	return s->kernel;
}

/* CONFIG_* values of the target's .config, for %( CONFIG_X == "y" %). */
static const char *kernel_config(const char *name)
{
	static char **names, **values;
	static size_t n;
	static bool loaded;
	size_t i;

	if (!loaded) {
		struct kernel *k = session_kernel(the_session);
		char line[1024], path[PATH_MAX];
		FILE *f;

		loaded = true;
		snprintf(path, sizeof(path), "%s/.config", k->build_dir ? k->build_dir : "/nonexistent");
		f = fopen(path, "r");
		if (!f) {
			snprintf(path, sizeof(path), "/boot/config-%s", k->release);
			f = fopen(path, "r");
		}
		while (f && fgets(line, sizeof(line), f)) {
			char *eq = strchr(line, '=');

			if (strncmp(line, "CONFIG_", 7) != 0 || !eq)
				continue;
			*eq = 0;
			eq[strcspn(eq + 1, "\n") + 1] = 0;
			if (eq[1] == '"' && eq[strlen(eq + 1)] == '"') {
				eq[strlen(eq + 1)] = 0;
				eq++;
			}
			names = realloc(names, (n + 1) * sizeof(*names));
			values = realloc(values, (n + 1) * sizeof(*values));
			names[n] = arena_strdup(line);
			values[n++] = arena_strdup(eq + 1);
		}
		if (f)
			fclose(f);
	}
	for (i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return values[i];
	return NULL;
}

/* ---- timing for -v ---- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void pass_done(struct session *s, int pass, const char *what, double start)
{
	if (s->verbose)
		fprintf(stderr, "Pass %d: %s in %.0fms.\n", pass, what, now_ms() - start);
}

static void pass_failed(int pass, const char *what)
{
	if (diag_suppressed())
		fprintf(stderr, "Number of further error messages not shown: %d.\n", diag_suppressed());
	fprintf(stderr, "Pass %d: %s failed.\n", pass, what);
}

/* ---- pass 1 ---- */

static char *read_all(FILE *f)
{
	size_t len = 0, cap = 65536;
	char *buf = malloc(cap);
	size_t got;

	while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf)
		die("out of memory");
	buf[len] = 0;
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of DIR whose names end in SUFFIX, in name order so builds are
 * reproducible.  Sets *n; the array is malloc'd, the names live in the arena. */
static char **dir_files(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t slen = strlen(suffix);

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len > slen && strcmp(e->d_name + len - slen, suffix) == 0) {
			names = realloc(names, (*n + 1) * sizeof(*names));
			if (!names)
				die("out of memory");
			names[(*n)++] = arena_printf("%s/%s", dir, e->d_name);
		}
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

static const char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	const char *text;

	if (!f)
		return NULL;
	text = read_all(f);
	fclose(f);
	return text;
}

/* Texts read in pass 1, so diagnostics can still quote them after
 * forget_tapset_errors() empties the diagnostics registry. */
static struct { const char *name, *text; } *sources;
static size_t nsources;

static void keep_source(const char *name, const char *text)
{
	sources = realloc(sources, (nsources + 1) * sizeof(*sources));
	if (!sources)
		die("out of memory");
	sources[nsources].name = name;
	sources[nsources++].text = text;
}

/* As stap does, a library file that does not parse is left out with a
 * warning, and is fatal only under -W: its messages have been printed, so
 * reset the error count (diag has no other way to take errors back) and
 * register the texts read so far again. */
static void forget_tapset_errors(const char *path)
{
	size_t i;

	diag_reset();
	for (i = 0; i < nsources; i++)
		diag_add_source(sources[i].name, sources[i].text);
	diag_warning((struct loc){ 0 }, "library file %s does not parse; left out", path);
}

/* Every *.stpm of DIR (library macros, needed before any script parses). */
static void parse_macro_dir(const char *dir, const struct parse_opts *o)
{
	size_t n, i;
	char **names = dir_files(dir, ".stpm", &n);

	for (i = 0; i < n; i++) {
		const char *text = read_file(names[i]);

		if (!text)
			continue;
		keep_source(names[i], text);
		if (!parse_macro_file(names[i], text, o) && !warnings_are_errors)
			forget_tapset_errors(names[i]);
	}
	free(names);
}

/* Every *.stp of DIR, appended at *tail. */
static int parse_tapset_dir(const char *dir, const struct parse_opts *o, struct file_ast ***tail)
{
	size_t n, i;
	char **names = dir_files(dir, ".stp", &n);
	int count = 0;

	for (i = 0; i < n; i++) {
		const char *text = read_file(names[i]);
		struct file_ast *fa;

		if (!text)
			continue;
		keep_source(names[i], text);
		fa = parse_text(diag_add_source(names[i], text), text, o);
		if (!fa) {
			if (!warnings_are_errors)
				forget_tapset_errors(names[i]);
			continue;
		}
		fa->is_tapset = true;
		**tail = fa;
		*tail = &fa->next;
		count++;
	}
	free(names);
	return count;
}

/* Versions of a generated tapset (DIR/PREFIX*.stp) not used for a week
 * go when a new one is written: every tapc or kernel header change makes
 * one.  A file in use is touched at each use. */
static void prune_generated(const char *dir, const char *prefix, const char *keep)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = strlen(prefix);
	time_t old = time(NULL) - 7 * 24 * 3600;
	struct stat st;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *path;
		size_t len = strlen(de->d_name);

		if (strncmp(de->d_name, prefix, n) != 0 || len < 4 ||
		    strcmp(de->d_name + len - 4, ".stp") != 0)
			continue;
		path = arena_printf("%s/%s", dir, de->d_name);
		if (strcmp(path, keep) != 0 && stat(path, &st) == 0 && st.st_mtime < old)
			unlink(path);
	}
	closedir(d);
}

/* A tapset generated for the target (the syscall aliases): written to
 * ~/.cache/tapc/generated/NAME-KVER-HASH.stp, named after its contents, so
 * that messages point at a real file and line, then parsed like a tapset
 * file.  (Interim: the tapset loader of issue 12 takes this over.) */
static int parse_generated(struct session *s, const char *name, const char *text,
			   const struct parse_opts *o, struct file_ast ***tail)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *dir, *path;
	uint64_t h = 1469598103934665603ULL;
	struct file_ast *fa;
	const char *p;
	FILE *f;

	for (p = text; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	dir = xdg && *xdg ? arena_printf("%s/tapc", xdg) : arena_printf("%s/.cache/tapc", home ? home : "/tmp");
	mkdir(dir, 0755);
	dir = arena_printf("%s/generated", dir);
	mkdir(dir, 0755);
	path = arena_printf("%s/%s-%s-%016llx.stp", dir, name, session_kernel(s)->release,
			    (unsigned long long)h);
	if (access(path, R_OK) != 0) {
		const char *tmp = arena_printf("%s.%d", path, (int)getpid());

		f = fopen(tmp, "w");
		if (!f || fputs(text, f) < 0 || fclose(f) != 0 || rename(tmp, path) != 0) {
			fprintf(stderr, "tapc: error: cannot write %s: %s\n", path, strerror(errno));
			return -1;
		}
		prune_generated(dir, arena_printf("%s-%s-", name, session_kernel(s)->release), path);
	} else {
		utimes(path, NULL);	/* in use: not pruned */
	}
	text = read_file(path);
	if (!text) {
		fprintf(stderr, "tapc: error: cannot read %s: %s\n", path, strerror(errno));
		return -1;
	}
	keep_source(path, text);
	fa = parse_text(diag_add_source(path, text), text, o);
	if (!fa)
		return -1;
	fa->is_tapset = true;
	**tail = fa;
	*tail = &fa->next;
	return 1;
}

static bool pass1_parse(struct session *s)
{
	struct parse_opts o = { 0 }, lib;
	struct file_ast *user, **tail;
	const char *name = s->script_name, *text = s->script_text;
	struct kernel *k = session_kernel(s);
	char *kv;
	int i, ntapsets = 0;

	if (!text) {
		FILE *f = strcmp(name, "-") == 0 ? stdin : fopen(name, "r");

		if (!f) {
			fprintf(stderr, "tapc: error: cannot open %s: %s\n", name, strerror(errno));
			return false;
		}
		text = read_all(f);
		if (f != stdin)
			fclose(f);
		if (strcmp(name, "-") == 0)
			name = s->script_name = "<stdin>";
	}
	kv = arena_strdup(k->release);
	kv[strspn(kv, "0123456789.")] = 0;
	o.guru = s->guru;
	o.argc = s->nargs;
	o.argv = s->args;
	o.kernel_v = kv;
	o.kernel_vr = k->release;
	o.arch = "x86_64";
	o.config = kernel_config;
	o.compatible = compatible;
	lib = o;
	lib.is_tapset = true;
	lib.guru = true;
	lib.argc = 0;
	lib.argv = NULL;
	parse_macro_dir(s->tapset_dir, &lib);
	for (i = 0; i < s->ninclude_dirs; i++)
		parse_macro_dir(s->include_dirs[i], &lib);
	if (diag_errors())
		return false;
	name = diag_add_source(name, text);
	keep_source(name, text);
	s->program = arena_alloc(sizeof(*s->program));
	user = parse_text(name, text, &o);
	if (!user)
		return false;
	s->program->user = user;
	tail = &s->program->tapsets;
	ntapsets += parse_tapset_dir(s->tapset_dir, &lib, &tail);
	for (i = 0; i < s->ninclude_dirs; i++)
		ntapsets += parse_tapset_dir(s->include_dirs[i], &lib, &tail);
	{
		char *sc = syscall_tapset(k, arena_printf("%s/syscalls.tab", s->tapset_dir));

		if (sc)
			ntapsets += parse_generated(s, "syscalls", sc, &lib, &tail);
		free(sc);
	}
	if (s->verbose)
		fprintf(stderr, "Pass 1: parsed user script and %d library scripts", ntapsets);
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
	const char *parts[4 + SESSION_MAX_ARGS];
	int n = 0, i;

	parts[n++] = s->script_text ? s->script_text : s->script_name;
	parts[n++] = session_kernel(s)->release;
	parts[n++] = s->guru ? "g" : "";
	parts[n++] = s->timing ? "t" : "";
	for (i = 0; i < s->ndefines && n < 4 + SESSION_MAX_ARGS; i++)
		parts[n++] = s->defines[i];
	for (i = 0; i < n; i++)
		for (const char *p = parts[i]; *p; p++)
			h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return arena_printf("tapc_%016llx", (unsigned long long)h);
}

/* ---- options ---- */

enum { OPT_VM = 256, OPT_NEED_VM, OPT_HELP, OPT_VERSION, OPT_COMPATIBLE, OPT_PROLOGUE,
       OPT_MODULE_PATH };

/* -l PP / -L PP: compile "probe PP {}" through pass 2 and list its sites
 * (-L: with their target variables), as stap does. */
static int list_mode;

/* stap refuses a TMPDIR that is not a directory; we also refuse one with
 * white space, which Kbuild's make cannot quote. */
static bool tmpdir_ok(void)
{
	const char *t = getenv("TMPDIR");
	struct stat st;

	if (!t || !*t)
		return true;
	if (strpbrk(t, " \t\n") || stat(t, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "tapc: error: TMPDIR '%s' is not a usable directory\n", t);
		return false;
	}
	return true;
}

static int parse_options(struct session *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "vm", no_argument, NULL, OPT_VM },
		{ "need-vm-flag", no_argument, NULL, OPT_NEED_VM },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "compatible", required_argument, NULL, OPT_COMPATIBLE },
		{ "prologue-searching", optional_argument, NULL, OPT_PROLOGUE },
		{ "module-path", required_argument, NULL, OPT_MODULE_PATH },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	s->last_pass = 5;
	while ((c = getopt_long(argc, argv, "hVvp:e:l:L:I:km:o:r:D:c:x:T:gtuwWs:", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			s->last_pass = strtol(optarg, &end, 10);
			if (*end || s->last_pass < 1 || s->last_pass > 5) {
				fprintf(stderr, "tapc: error: invalid pass number '%s' (should be 1-5)\n", optarg);
				return -1;
			}
			break;
		case 'e':
			if (s->script_text) {
				fprintf(stderr, "tapc: error: only one -e, -l or -L script may be given\n");
				return -1;
			}
			s->script_text = optarg;
			s->script_name = "<input>";
			break;
		case 'l':
		case 'L':
			list_mode = c;
			s->script_text = arena_printf("probe %s {}", optarg);
			s->script_name = "<input>";
			break;
		case 'v': s->verbose++; break;
		case 'k': s->keep_tmp = true; break;
		case 'g': s->guru = true; break;
		case 't': s->timing = true; break;
		case 'u': s->unoptimized = true; break;
		case 'w': s->no_warnings = true; break;
		case 'W': warnings_are_errors = true; break;
		case OPT_COMPATIBLE:
			if (!isdigit((unsigned char)optarg[0]) || optarg[strspn(optarg, "0123456789.")]) {
				fprintf(stderr, "tapc: error: --compatible needs a version like 4.2, not '%s'\n", optarg);
				return -1;
			}
			compatible = optarg;
			break;
		case OPT_PROLOGUE:
			/* stap's choice for DWARF prologue analysis; tapc places
			 * kprobes from BTF/symbols and has no prologue search, so
			 * the valid values are accepted and change nothing. */
			if (optarg && strcmp(optarg, "always") && strcmp(optarg, "never") &&
			    strcmp(optarg, "auto")) {
				fprintf(stderr, "tapc: error: --prologue-searching takes always, never or auto, not '%s'\n", optarg);
				return -1;
			}
			break;
		case 'm':
			if (!valid_module_name(optarg)) {
				fprintf(stderr, "tapc: error: invalid module name '%s' (lower case letters, digits and _, at most 55)\n", optarg);
				return -1;
			}
			s->module_name = optarg;
			s->module_name_given = true;
			break;
		case 'o': s->output_file = optarg; break;
		case 'r': s->kernel_arg = optarg; break;
		case 'c': s->cmd = optarg; break;
		case 'x': s->target_pid = optarg; break;
		case 'T':
			if (strtod(optarg, &end) <= 0 || *end) {
				fprintf(stderr, "tapc: error: -T needs a positive number of seconds, not '%s'\n", optarg);
				return -1;
			}
			s->timeout = optarg;
			break;
		case 's':
			c = strtol(optarg, &end, 10);
			if (*end || c < 1 || c > 4095) {
				fprintf(stderr, "tapc: error: invalid buffer size '%s' (MiB, 1-4095)\n", optarg);
				return -1;
			}
			s->bufsize_mb = optarg;
			break;
		case 'D':
		case 'I':
			if ((c == 'D' ? s->ndefines : s->ninclude_dirs) == SESSION_MAX_ARGS) {
				fprintf(stderr, "tapc: error: too many -%c options\n", c);
				return -1;
			}
			if (c == 'D') {
				if (!isalpha((unsigned char)optarg[0]) && optarg[0] != '_') {
					fprintf(stderr, "tapc: error: -D needs NAME or NAME=VALUE, not '%s'\n", optarg);
					return -1;
				}
				s->defines[s->ndefines++] = optarg;
			} else {
				s->include_dirs[s->ninclude_dirs++] = optarg;
			}
			break;
		case OPT_MODULE_PATH:
			if (s->nmodule_dirs == SESSION_MAX_ARGS) {
				fprintf(stderr, "tapc: error: too many --module-path options\n");
				return -1;
			}
			s->module_dirs[s->nmodule_dirs++] = optarg;
			break;
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
		default: usage(stderr); return -1;
		}
	}
	if (list_mode)
		s->last_pass = 2;
	/* -L lists an alias's variables, used or not */
	if (list_mode == 'L')
		s->unoptimized = true;
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
	return 0;
}

/* ---- the pipeline ---- */

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* -l / -L: the sites of the one probe, sorted, each once. */
static int list_sites(struct session *s)
{
	const struct rprobe *p;
	const struct site *site;
	const char **lines = NULL;
	size_t n = 0, i;

	for (p = s->resolved->probes; p; p = p->next) {
		/* a probe an alias made is listed by the alias's name, with
		 * the variables its body sets, as stap -L shows them */
		if (p->decl->u.probe.alias_pp && p->sites) {
			const char *line = p->decl->u.probe.alias_pp;
			const struct symbol *l;

			for (l = p->locals; list_mode == 'L' && l; l = l->next)
				if (l->kind == SYM_LOCAL && strncmp(l->name, "__", 2) != 0)
					line = arena_printf("%s %s:%s", line, l->name, type_name(l->type));
			lines = realloc(lines, (n + 1) * sizeof(*lines));
			if (!lines)
				die("out of memory");
			lines[n++] = line;
			continue;
		}
		for (site = p->sites; site; site = site->next) {
			const char *line = site->pp;

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
	if (s->tmpdir) {
		if (s->keep_tmp)
			fprintf(stderr, "Keeping temporary directory \"%s\"\n", s->tmpdir);
		else
			build_cleanup(s);
	}
	return status;
}

int main(int argc, char **argv)
{
	static struct session sess;
	struct session *s = &sess;
	double t;
	int status;

	the_session = s;
	if (parse_options(s, argc, argv) != 0)
		return 1;
	if (!tmpdir_ok())
		return 1;
	diag_configure(s->no_warnings, warnings_are_errors);
	locate_helpers(s);
	locate_tapsets(s);
	if (s->last_pass == 5 && !s->vm) {
		const char *why;

		if (!kernel_host_can_load(&why)) {
			fprintf(stderr, "tapc: error: %s; run it in a VM with --vm\n", why);
			return 1;
		}
	}

	t = now_ms();
	if (!pass1_parse(s)) {
		pass_failed(1, "parse");
		return 1;
	}
	if (s->verbose)
		fprintf(stderr, " in %.0fms.\n", now_ms() - t);
	if (s->last_pass == 1) {
		for (struct file_ast *f = s->program->user; f; f = f->next)
			unparse_file(stdout, f);
		return 0;
	}

	t = now_ms();
	if (!resolve(s)) {
		pass_failed(2, "analysis");
		return 1;
	}
	pass_done(s, 2, "analyzed script", t);
	if (list_mode)
		return list_sites(s);
	if (s->last_pass == 2) {
		resolve_print(stdout, s->resolved);
		return 0;
	}

	if (!s->module_name)
		s->module_name = default_module_name(s);
	t = now_ms();
	if (!translate(s)) {
		pass_failed(3, "translation");
		return 1;
	}
	pass_done(s, 3, "translated to C", t);
	if (s->last_pass == 3) {
		fwrite(s->c_text, 1, s->c_len, stdout);
		return 0;
	}

	t = now_ms();
	if (!build(s)) {
		pass_failed(4, "compilation");
		return finish(s, 1);
	}
	pass_done(s, 4, "compiled C into the module", t);
	if (s->last_pass == 4) {
		printf("%s\n", s->module_path);
		return finish(s, 0);
	}

	t = now_ms();
	status = run(s);
	pass_done(s, 5, "run completed", t);
	return finish(s, status);
}
