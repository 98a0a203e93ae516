/* Pass 4: the module, built by Kbuild against the target's headers.
 *
 * A temporary directory gets NAME_src.c, a copy of runtime/ (with the
 * target's tapc_autoconf.h: see autoconf_header()) and a Kbuild
 * file naming the generated object and every runtime object, with each -D
 * as a ccflag; then `make -C BUILD_DIR M=TMPDIR modules`.  Its output is
 * kept in build.log and shown only when the build fails (or with -v).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "arena.h"
#include "cache.h"
#include "diag.h"
#include "kernel.h"
#include "replay.h"
#include "session.h"
#include "translate.h"

static bool write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "tapc: error: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static bool append_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "a");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "tapc: error: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

static bool copy_file(const char *from, const char *to)
{
	int in = open(from, O_RDONLY), out;
	char buf[65536];
	ssize_t n;
	bool ok = true;

	if (in < 0) {
		fprintf(stderr, "tapc: error: cannot read %s: %s\n", from, strerror(errno));
		return false;
	}
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (out < 0) {
		fprintf(stderr, "tapc: error: cannot write %s: %s\n", to, strerror(errno));
		close(in);
		return false;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, n) != n)
			ok = false;
	if (n < 0 || close(out) != 0)
		ok = false;
	close(in);
	if (!ok)
		fprintf(stderr, "tapc: error: cannot copy %s to %s\n", from, to);
	return ok;
}

/* Copy the runtime's .c/.h files (not its user-space tests), collecting
 * the Kbuild objects as "runtime/x.o runtime/provider/y.o"; with headers
 * set, only the .h files (the objects come built: ship_runtime()). */
static bool copy_runtime(const char *from, const char *to, const char *rel, char **objs,
			 bool headers)
{
	DIR *d = opendir(from);
	struct dirent *e;
	bool ok = true;

	if (!d) {
		fprintf(stderr, "tapc: error: cannot open the runtime in %s: %s\n", from, strerror(errno));
		return false;
	}
	if (mkdir(to, 0755) != 0 && errno != EEXIST) {
		closedir(d);
		return false;
	}
	while (ok && (e = readdir(d))) {
		const char *src = arena_printf("%s/%s", from, e->d_name);
		const char *dst = arena_printf("%s/%s", to, e->d_name);
		size_t len = strlen(e->d_name);
		struct stat st;

		if (e->d_name[0] == '.' || stat(src, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode)) {
			/* test: a hand-written module; autoconf: feature
			 * tests, compiled apart by autoconf_header() */
			if (strcmp(e->d_name, "test") != 0 && strcmp(e->d_name, "autoconf") != 0)
				ok = copy_runtime(src, dst, arena_printf("%s/%s", rel, e->d_name), objs,
						  headers);
			continue;
		}
		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
			continue;
		if (headers && e->d_name[len - 1] == 'c')
			continue;
		ok = copy_file(src, dst);
		if (ok && e->d_name[len - 1] == 'c')
			*objs = arena_printf("%s %s/%.*s.o", *objs, rel, (int)len - 2, e->d_name);
	}
	closedir(d);
	return ok;
}

/*
 * -D NAME=VALUE reaches the C compiler as a line of tapc_defines.h, which
 * every object of the module includes first (-include): never through a
 * Makefile or a shell command line, where make would expand a `$(...)`
 * and the shell run a quote's escape (issue 11: -D 'X=$(shell touch F)'
 * ran the command).  build_define_error() has checked the text already;
 * for a NAME given twice the last value counts, as with gcc's -D.
 */
static const char *defines_header(const struct session *s)
{
	const char *text = "/* -D options of the tapc command line */\n";
	int i, j;

	for (i = 0; i < s->ndefines; i++) {
		const char *d = s->defines[i], *eq = strchr(d, '=');
		size_t n = eq ? (size_t)(eq - d) : strlen(d);

		for (j = i + 1; j < s->ndefines; j++)
			if (strncmp(s->defines[j], d, n) == 0 &&
			    (s->defines[j][n] == '=' || !s->defines[j][n]))
				break;
		if (j < s->ndefines)	/* given again later */
			continue;
		text = arena_printf("%s#define %.*s %s\n", text, (int)n, d, eq ? eq + 1 : "1");
	}
	/* the runtime's switches for these options (tapc_runtime.h) */
	if (s->suppress_handler_errors)
		text = arena_printf("%s#define TAPC_SUPPRESS_HANDLER_ERRORS 1\n", text);
	if (s->suppress_time_limits)
		text = arena_printf("%s#define TAPC_SUPPRESS_TIME_LIMITS 1\n", text);
	return text;
}

/* Paths go to make (M=DIR, -C DIR, names in the Kbuild file), which
 * expands `$`, splits at spaces and reads `:` `%` `#` `=` `,`, and from
 * there into shell recipes: only characters none of them interprets. */
bool build_path_ok(const char *path)
{
	if (!*path)
		return false;
	for (; *path; path++)
		if (!isalnum((unsigned char)*path) && !strchr("_./+@-", *path))
			return false;
	return true;
}

/* The same, with a clear message naming where the path came from. */
static bool path_checked(const char *what, const char *path)
{
	if (build_path_ok(path))
		return true;
	fprintf(stderr, "tapc: error: %s '%s' has characters make or the shell would interpret "
		"(allowed: letters, digits and _ . / + @ -)\n", what, diag_escape(path));
	return false;
}

/* The limits runtime/tapc_runtime.h takes from -D, with the values the
 * runtime can work with: anything else is refused before a module is
 * built (issue 11: MAXMAPENTRIES=-5 became a 4 GB allocation and a kernel
 * warning at load, MAXSTRINGLEN=0 zero-sized strings). */
static const struct limit {
	const char *name;
	long long min, max;
	const char *why;	/* of the bounds, when not obvious */
} limits[] = {
	{ "MAXACTION", 1, 1000000000, NULL },
	{ "MAXACTION_INTERRUPTIBLE", 1, 10000000000LL, NULL },
	{ "MAXNESTING", 0, 1000, "each level is a frame per CPU" },
	{ "MAXSTRINGLEN", 16, 1048576, "a task's name, 16 bytes, must fit" },
	{ "MAXMAPENTRIES", 1, 4294967295LL, NULL },
	{ "MAXERRORS", 0, 2147483647, NULL },
	{ "MAXSKIPPED", 0, 2147483647, NULL },
	{ "MAXTRYLOCK", 1, 2147483647, NULL },
	{ "TRYLOCKDELAY", 0, 1000, "microseconds of busy waiting" },
	{ "KRETACTIVE", 0, 4096, "the kernel's KRETPROBE_MAXACTIVE_MAX" },
	{ "TAPC_PRINTBUF_SIZE", 256, 1048576, "bytes per CPU" },
	{ "MAXBACKTRACE", 1, 256, "the frames are held on the kernel stack" },
};

static const struct limit *limit_find(const char *name, size_t n)
{
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
		if (strlen(limits[i].name) == n && strncmp(limits[i].name, name, n) == 0)
			return &limits[i];
	return NULL;
}

/* A value is C tokens a #define can hold and nothing else: identifiers,
 * numbers, spaces, operators and brackets.  Not quotes, `$`, `\`, `#`,
 * `;`, braces, control bytes, comments. */
static bool define_value_char(const char *p)
{
	if (isalnum((unsigned char)*p) || strchr("_ +-*%&|^~!<>=?:,.()[]", *p))
		return *p != 0;
	return *p == '/' && p[1] != '*' && p[1] != '/';
}

const char *build_define_error(const char *def)
{
	const char *eq = strchr(def, '='), *p;
	size_t n = eq ? (size_t)(eq - def) : strlen(def);
	const struct limit *l;
	long long v;
	char *end;

	if (!n || !(isalpha((unsigned char)def[0]) || def[0] == '_'))
		return "needs NAME or NAME=VALUE, NAME a C identifier";
	for (p = def; p < def + n; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return "needs NAME or NAME=VALUE, NAME a C identifier";
	if (!eq)
		return limit_find(def, n) ? "needs a value for this limit" : NULL;
	if (strlen(eq + 1) > 200)
		return "the value is too long (at most 200 bytes)";
	for (p = eq + 1; *p; p++)
		if (!define_value_char(p))
			return arena_printf("the value may hold only letters, digits, spaces and C "
					    "operators, not \"%s\"", diag_escape((char[]){ *p, 0 }));
	if (!(l = limit_find(def, n)))
		return NULL;
	errno = 0;
	v = strtoll(eq + 1, &end, 10);
	if (!isdigit((unsigned char)eq[1]) || *end || errno || v < l->min || v > l->max)
		return arena_printf("%.*s must be a whole number from %lld to %lld%s%s%s", (int)n, def,
				    l->min, l->max, l->why ? " (" : "", l->why ? l->why : "",
				    l->why ? ")" : "");
	return NULL;
}

const char *build_make_var_error(const char *var)
{
	const char *eq = strchr(var, '='), *p;

	if (!eq || eq == var || !(isalpha((unsigned char)var[0]) || var[0] == '_'))
		return "needs NAME=VALUE, NAME a make variable (letters, digits and _)";
	for (p = var; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return "needs NAME=VALUE, NAME a make variable (letters, digits and _)";
	/* tapc's own make arguments */
	if ((eq - var == 1 && (var[0] == 'M' || var[0] == 'V')) || strncmp(var, "ARCH=", 5) == 0)
		return "tapc sets M, V and ARCH itself";
	if (strlen(eq + 1) > 200)
		return "the value is too long (at most 200 bytes)";
	for (p = eq + 1; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(" _./+@-,=:", *p))
			return arena_printf("the value may hold only letters, digits, spaces and _ . / + @ - , = :, "
					    "not \"%s\"", diag_escape((char[]){ *p, 0 }));
	return NULL;
}

static const char *ccflags(struct session *s)
{
	(void)s;
	return "-I$(src)/runtime -include $(src)/tapc_defines.h";
}

/* A Kbuild file for module name made of first (may be "") and objs, and
 * the defines header its ccflags include. */
static bool write_kbuild(struct session *s, const char *dir, const char *name,
			 const char *first, const char *objs)
{
	const char *text = arena_printf("obj-m := %s.o\n%s-y := %s%s\nccflags-y := %s\n",
					name, name, first, objs, ccflags(s));
	const char *defs = defines_header(s);

	for (const char *o = objs, *sp; *o; o = sp) {	/* names of runtime files */
		o += strspn(o, " ");
		sp = o + strcspn(o, " ");
		if (sp > o && !path_checked("runtime object", arena_printf("%.*s", (int)(sp - o), o)))
			return false;
	}
	if (!path_checked("module name", name))
		return false;
	return write_file(arena_printf("%s/Kbuild", dir), text, strlen(text)) &&
	       write_file(arena_printf("%s/tapc_defines.h", dir), defs, strlen(defs));
}

static volatile pid_t make_pid;

/* Ctrl-C or a kill during the build stops make, so that build() fails
 * normally and the temporary directory is removed. */
static void stop_make(int sig)
{
	(void)sig;
	if (make_pid > 0)
		kill(-make_pid, SIGTERM);	/* make and the compilers it runs */
}

/* make's command line: TARGETS is "modules" or a list of objects. */
static char **make_argv(struct session *s, const char *build_dir, const char *mdir,
			const char *targets)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *words = arena_strdup(targets), *save = NULL, *w;
	char **argv = arena_alloc((strlen(targets) / 2 + 8 + s->nmake_vars) * sizeof(char *));
	int n = 0;

	argv[n++] = "make";
	argv[n++] = "-C";
	argv[n++] = (char *)build_dir;
	argv[n++] = (char *)arena_printf("M=%s", mdir);
	argv[n++] = (char *)arena_printf("-j%ld", ncpu > 0 ? ncpu : 1);
	argv[n++] = session_verbose(s, 4) ? "V=0" : "-s";
	for (int i = 0; i < s->nmake_vars; i++)	/* checked by build_make_var_error */
		argv[n++] = (char *)s->make_vars[i];
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return argv;
}

/* With -v, Kbuild's own lines follow: say what they are.  Debian's
 * headers have no vmlinux, so Kbuild says it skips a linked module's BTF;
 * tapc's modules don't need one. */
static void explain_make(struct kernel *k, char **argv, bool links)
{
	fputs("Pass 4: Kbuild's output follows (CC compiles, LD links, MODPOST checks the symbols a module uses):", stderr);
	for (; *argv; argv++)
		fprintf(stderr, " %s", *argv);
	fputc('\n', stderr);
	if (links && access(arena_printf("%s/vmlinux", k->build_dir), R_OK) != 0)
		fprintf(stderr, "Pass 4: note: 'Skipping BTF generation' is expected: a module's own BTF needs "
			"%s/vmlinux, which these headers lack, and tapc's modules use none\n", k->build_dir);
}

/* make TARGETS, with its output in build.log (or on our stderr with -v). */
static int run_make(struct session *s, struct kernel *k, const char *mdir, const char *targets,
		    const char *log)
{
	struct sigaction sa = { .sa_handler = stop_make }, old_int, old_term;
	char **argv = make_argv(s, k->build_dir, mdir, targets);
	pid_t pid;
	int status;

	if (!path_checked("kernel build directory", k->build_dir) || !path_checked("build directory", mdir))
		return -1;
	if (session_verbose(s, 4))
		explain_make(k, argv, strcmp(targets, "modules") == 0);
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
		if (!session_verbose(s, 4)) {
			int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
				close(fd);
			}
		} else {
			/* stdout is for what -p asks for (the module path) */
			dup2(2, 1);
		}
		/* a user's ARCH would confuse Kbuild */
		unsetenv("ARCH");
		execvp("make", argv);
		fprintf(stderr, "tapc: error: cannot run make: %s\n", strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);	/* also here: no race with the child's own call */
	make_pid = pid;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			status = -1;
			break;
		}
	}
	make_pid = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void show_log(const char *log)
{
	FILE *f = fopen(log, "r");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fputs(line, stderr);
	fclose(f);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/*
 * A cache entry DIR holds what it caches in DIR/WHAT (a file or a tree)
 * and, in DIR/seal, the hash of that as it was made.  An entry whose
 * contents no longer match is not used: it is removed and made again.
 */
static uint64_t entry_hash(const char *dir, const char *what)
{
	uint64_t h = CACHE_HASH_INIT;
	const char *path = arena_printf("%s/%s", dir, what);
	struct stat st;

	if (lstat(path, &st) != 0)
		return 0;
	if (S_ISDIR(st.st_mode))
		return cache_hash_tree(h, path);
	return S_ISREG(st.st_mode) && cache_hash_file(path, &h) ? h : 0;
}

static bool entry_usable(const char *dir, const char *what)
{
	struct stat st;

	if (lstat(dir, &st) != 0)
		return false;
	if (cache_sealed(arena_printf("%s/seal", dir), entry_hash(dir, what), ""))
		return true;
	fprintf(stderr, "tapc: warning: cache entry %s changed since it was made (or has no seal): "
		"making it again\n", dir);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return false;
}

/* entry_usable(), unless --poison-cache asks to make it again. */
static bool entry_lookup(struct session *s, const char *dir, const char *what)
{
	struct stat st;

	if (s->poison_cache && lstat(dir, &st) == 0) {
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		return false;
	}
	return entry_usable(dir, what);
}

/* Where pass 4 keeps what it makes once: the user's cache, or with
 * --disable-cache the build's own directory, removed afterwards. */
static const char *store_dir(struct session *s)
{
	return s->disable_cache ? s->tmpdir : cache_dir();
}

/* Seal the entry made in tmp and move it to dir; if another tapc was
 * first, its entry is used when it checks out. */
static bool entry_install(const char *tmp, const char *dir, const char *what)
{
	if (cache_seal(arena_printf("%s/seal", tmp), entry_hash(tmp, what), "") && rename(tmp, dir) == 0)
		return true;
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return entry_usable(dir, what);
}

/* FNV-1a over the bytes of a file (or of a string when path is NULL). */
static uint64_t hash_bytes(uint64_t h, const char *p, size_t n)
{
	while (n--) {
		h ^= (unsigned char)*p++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static uint64_t hash_tree(uint64_t h, const char *dir)
{
	struct dirent **list;
	int i, n = scandir(dir, &list, NULL, alphasort);

	for (i = 0; i < n; i++) {
		const char *path = arena_printf("%s/%s", dir, list[i]->d_name);
		struct stat st;
		char buf[65536];
		ssize_t r;
		int fd;

		if (list[i]->d_name[0] != '.' && stat(path, &st) == 0) {
			h = hash_bytes(h, list[i]->d_name, strlen(list[i]->d_name) + 1);
			if (S_ISDIR(st.st_mode)) {
				h = hash_tree(h, path);
			} else if ((fd = open(path, O_RDONLY)) >= 0) {
				while ((r = read(fd, buf, sizeof(buf))) > 0)
					h = hash_bytes(h, buf, r);
				close(fd);
			}
		}
		free(list[i]);
	}
	free(list);
	return h;
}

/* Milliseconds since some fixed time, for -v's report of the steps done
 * once per kernel. */
static double ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Which kernel APIs the target has, as runtime/autoconf/probe.sh finds by
 * compiling its tests against the build tree: run once per build tree and
 * test set, then kept in the cache.  Returns the header's path or NULL.
 */
static const char *autoconf_header(struct session *s, struct kernel *k)
{
	const char *tests = arena_printf("%s/autoconf", s->runtime_dir);
	const char *dir, *tmp, *hdr;
	struct stat st;
	uint64_t h = 0xcbf29ce484222325ULL;
	double t0;
	pid_t pid;
	int status;

	h = hash_bytes(h, k->build_dir, strlen(k->build_dir) + 1);
	if (stat(arena_printf("%s/include/generated/autoconf.h", k->build_dir), &st) == 0)
		h = hash_bytes(h, (const char *)&st.st_mtime, sizeof(st.st_mtime));
	h = hash_tree(h, tests);
	dir = arena_printf("%s/autoconf-%s-%016llx", store_dir(s), k->release, (unsigned long long)h);
	hdr = arena_printf("%s/tapc_autoconf.h", dir);
	if (entry_usable(dir, "tapc_autoconf.h"))
		return hdr;
	tmp = arena_printf("%s.%d", dir, (int)getpid());
	t0 = ms_now();
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: testing %s's kernel APIs once, into %s\n", k->release, dir);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execlp("sh", "sh", arena_printf("%s/probe.sh", tests), k->build_dir, tmp, (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "tapc: error: testing the kernel APIs of %s failed\n", k->build_dir);
		nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		return NULL;
	}
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: tested %s's kernel APIs in %.0fms\n", k->release, ms_now() - t0);
	return entry_install(tmp, dir, "tapc_autoconf.h") ? hdr : NULL;
}

/* Run argv in dir and wait: true when it exits 0. */
static bool run_tool(char *const argv[], const char *dir)
{
	pid_t pid;
	int status = -1;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/*
 * Every runtime object but session.o (module_init: nothing refers to it)
 * goes into runtime/tapc_lib.a, which a module links as an object: the
 * linker takes from an archive only the members that resolve a reference,
 * so a script that prints nothing carries no maps, statistics or
 * unwinder (hello.ko: 310 KB with every object, under 150 KB this way).
 * No runtime object is reached only through a section (initcalls, tables
 * the linker gathers): one that is must stay out of the archive.
 */
static bool runtime_archive(const char *dir, const char *objlist)
{
	char *words = arena_strdup(objlist), *save = NULL, *w;
	char **argv = arena_alloc((strlen(objlist) / 2 + 4) * sizeof(char *));
	int n = 0;

	argv[n++] = "ar";
	argv[n++] = "rcs";
	argv[n++] = "runtime/tapc_lib.a";
	for (w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (strcmp(w, "runtime/session.o") != 0)
			argv[n++] = w;
	argv[n] = NULL;
	if (run_tool(argv, dir))
		return true;
	fprintf(stderr, "tapc: error: cannot make the runtime archive in %s/runtime\n", dir);
	return false;
}

/*
 * The runtime built once (runtime_objects()) as two objects of the module
 * in dir, X.o_shipped each, which Kbuild links without compiling:
 * session.o and the archive of the rest, which the linker reads as an
 * archive whatever its name.  modpost reads each object's .cmd file for
 * the CRCs of what it exports (nothing here): the archive's is empty.
 */
static bool ship_runtime(const char *ship, const char *dir, char **objs, bool for_kbuild)
{
	const char *to = arena_printf("%s/runtime", dir), *ext = for_kbuild ? "o_shipped" : "o";

	if (!copy_file(arena_printf("%s/session.o", ship), arena_printf("%s/session.%s", to, ext)) ||
	    !copy_file(arena_printf("%s/.session.o.cmd", ship), arena_printf("%s/.session.o.cmd", to)) ||
	    !copy_file(arena_printf("%s/tapc_lib.a", ship), arena_printf("%s/tapc_lib.%s", to, ext)) ||
	    !write_file(arena_printf("%s/.tapc_lib.o.cmd", to), "", 0))
		return false;
	*objs = " runtime/session.o runtime/tapc_lib.o";
	return true;
}

#define RUNTIME_LAYOUT "session.o tapc_lib.a template/ v1"

/* The template module: the least a module of tapc is. */
static const char template_c[] =
	"/* pass 4's template module (compiler/build.c, compiler/replay.c) */\n"
	"#include \"tapc_runtime.h\"\n\n"
	"struct tapc_module_desc tapc_module = { .name = \"" REPLAY_TEMPLATE "\" };\n";

/* The environment Kbuild runs its commands in (it exports SRCARCH, which
 * Debian's objtool wrapper needs, and more): replay_record() keeps what
 * it adds to ours. */
static const char env_rule[] =
	"always-y += " REPLAY_ENV "\n"
	"$(obj)/" REPLAY_ENV ": FORCE\n"
	"\t@env -0 > $@\n";

/*
 * Kbuild builds the template module in DIR/runtime/template as it builds
 * each script's (build()), and replay_record() learns its commands.  If
 * either fails, modules are built by Kbuild as before: not an error.
 */
static void make_template(struct session *s, struct kernel *k, const char *dir, const char *ac)
{
	const char *ship = arena_printf("%s/runtime", dir), *tdir = arena_printf("%s/template", ship);
	const char *log = arena_printf("%s/build.log", tdir);
	char *objs = "";
	double t0 = ms_now();

	if (mkdir(tdir, 0755) != 0 ||
	    !copy_runtime(s->runtime_dir, arena_printf("%s/runtime", tdir), "runtime", &objs, true) ||
	    !ship_runtime(ship, tdir, &objs, true) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", tdir)) ||
	    !write_file(arena_printf("%s/%s_src.c", tdir, REPLAY_TEMPLATE), template_c,
			strlen(template_c)) ||
	    !write_kbuild(s, tdir, REPLAY_TEMPLATE, REPLAY_TEMPLATE "_src.o", objs) ||
	    !append_file(arena_printf("%s/Kbuild", tdir), env_rule, strlen(env_rule)))
		goto fail;
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: building a template module for %s once, to learn Kbuild's commands\n",
			k->release);
	if (run_make(s, k, tdir, "modules", log) != 0 || !replay_record(tdir))
		goto fail;
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: learnt Kbuild's commands for %s in %.0fms\n", k->release, ms_now() - t0);
	return;
fail:
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: no template module for %s: each module is built by Kbuild\n",
			k->release);
	nftw(tdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/*
 * The runtime's objects depend only on the kernel's build tree, the
 * runtime's sources and the -D flags, not on the script: build them once
 * per such combination into the user's cache and let every module link
 * them.  That turns pass 4 from ten compiles into one.  Returns the
 * directory of objects, or NULL (then the module builds them itself).
 */
static const char *runtime_objects(struct session *s, struct kernel *k, const char *ac)
{
	struct stat st;
	const char *dir, *tmp, *log;
	char *objlist = "";
	uint64_t h = 0xcbf29ce484222325ULL;
	double t0;

	/* make must not read the cache's path: build in the module's directory */
	if (!build_path_ok(store_dir(s)))
		return NULL;
	h = hash_bytes(h, k->build_dir, strlen(k->build_dir) + 1);
	if (stat(arena_printf("%s/include/generated/autoconf.h", k->build_dir), &st) == 0)
		h = hash_bytes(h, (const char *)&st.st_mtime, sizeof(st.st_mtime));
	h = hash_bytes(h, ccflags(s), strlen(ccflags(s)));
	h = hash_bytes(h, defines_header(s), strlen(defines_header(s)));
	for (int i = 0; i < s->nmake_vars; i++)
		h = hash_bytes(h, s->make_vars[i], strlen(s->make_vars[i]) + 1);
	h = hash_tree(h, s->runtime_dir);
	/* what such an entry holds (objects, archive, template), which older
	 * tapcs sharing the cache made otherwise */
	h = hash_bytes(h, RUNTIME_LAYOUT, sizeof(RUNTIME_LAYOUT));
	dir = arena_printf("%s/runtime-%s-%016llx", store_dir(s), k->release, (unsigned long long)h);
	if (entry_lookup(s, dir, "runtime"))
		return arena_printf("%s/runtime", dir);

	tmp = arena_printf("%s.%d", dir, (int)getpid());
	mkdir(tmp, 0755);
	if (!copy_runtime(s->runtime_dir, arena_printf("%s/runtime", tmp), "runtime", &objlist, false) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", tmp)) ||
	    !write_kbuild(s, tmp, "tapc_runtime", "", objlist))
		goto fail;
	log = arena_printf("%s/build.log", tmp);
	t0 = ms_now();
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: building the runtime for %s once, into %s\n", k->release, dir);
	/* the objects only: as a module of its own the runtime would make
	 * modpost warn that tapc_module, which each script defines, is missing */
	if (run_make(s, k, tmp, objlist, log) != 0) {
		fprintf(stderr, "tapc: error: building the runtime against %s failed:\n", k->build_dir);
		show_log(log);
		goto fail;
	}
	if (!runtime_archive(tmp, objlist))
		goto fail;
	make_template(s, k, tmp, ac);
	if (!entry_install(tmp, dir, "runtime"))
		return NULL;
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: built the runtime for %s in %.0fms\n", k->release, ms_now() - t0);
	return arena_printf("%s/runtime", dir);
fail:
	nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return NULL;
}

/* Debug info is most of a module (2 MB of a 2.2 MB hello.ko) and nothing
 * loads or reads it: strip it unless -k keeps the build for a look.  The
 * module works unstripped too, so a strip that fails is not an error. */
static void strip_module(struct session *s, const char *ko)
{
	pid_t pid;
	int status = -1;

	if (s->keep_tmp || !path_checked("module", ko))
		return;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return;
	if (pid == 0) {
		execlp("strip", "strip", "--strip-debug", "--", ko, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (s->verbose && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
		fprintf(stderr, "tapc: could not strip debug info from %s; it is kept\n", ko);
}

/*
 * What makes the kernel what a module is built for: its release, build
 * tree, configuration and the CRCs of the symbols it exports (a module
 * built against other CRCs does not load).  A file missing counts too.
 */
static uint64_t kernel_identity(uint64_t h, const struct kernel *k)
{
	static const char *const files[] = {
		".config", "include/generated/autoconf.h", "include/generated/utsrelease.h",
		"Module.symvers", "arch/x86/kernel/asm-offsets.s",
	};

	h = cache_hash(h, k->release, strlen(k->release) + 1);
	h = cache_hash(h, k->build_dir, strlen(k->build_dir) + 1);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (!cache_hash_file(arena_printf("%s/%s", k->build_dir, files[i]), &h))
			h = cache_hash(h, files[i], strlen(files[i]) + 1);
	return h;
}

/* tapc itself: its version, and the binary's size and time (a rebuilt
 * tapc of the same version may build modules otherwise). */
static uint64_t tapc_identity(uint64_t h)
{
	struct stat st;

	h = cache_hash(h, PACKAGE_VERSION, sizeof(PACKAGE_VERSION));
	if (stat("/proc/self/exe", &st) == 0) {
		h = cache_hash(h, &st.st_size, sizeof(st.st_size));
		h = cache_hash(h, &st.st_mtim, sizeof(st.st_mtim));
	}
	return h;
}

/*
 * The cache entry of this module: keyed by everything that can change
 * it.  The generated C already reflects the script, the tapsets, the
 * module name and the options the translator reads; then the kernel, the
 * runtime's sources and its API tests' result, -D (tapc_defines.h), -B,
 * whether debug info stays (-k), and tapc.
 */
static const char *module_entry(struct session *s, struct kernel *k, const char *ac)
{
	uint64_t h = tapc_identity(CACHE_HASH_INIT);
	const char *defs = defines_header(s);

	h = kernel_identity(h, k);
	h = cache_hash(h, s->module_name, strlen(s->module_name) + 1);
	h = cache_hash(h, s->c_text, s->c_len);
	h = cache_hash(h, defs, strlen(defs) + 1);
	for (int i = 0; i < s->nmake_vars; i++)
		h = cache_hash(h, s->make_vars[i], strlen(s->make_vars[i]) + 1);
	h = cache_hash(h, s->keep_tmp ? "k" : "s", 1);
	if (!cache_hash_file(ac, &h))
		h = cache_hash(h, "?", 1);
	h = cache_hash_tree(h, s->runtime_dir);
	return arena_printf("%s/module-%s-%016llx", cache_dir(), k->release, (unsigned long long)h);
}

/* Keep the module built in ko as the cache entry; the entry's copy is the
 * module from now on (NULL when it could not be kept). */
static const char *module_keep(struct session *s, const char *entry, const char *ko)
{
	const char *tmp = arena_printf("%s.%d", entry, (int)getpid());
	const char *what = arena_printf("%s.ko", s->module_name);

	if (mkdir(tmp, 0700) != 0 || !copy_file(ko, arena_printf("%s/%s", tmp, what))) {
		nftw(tmp, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
		return NULL;
	}
	return entry_install(tmp, entry, what) ? arena_printf("%s/%s", entry, what) : NULL;
}

/* Where the module goes once built or found: with -m, ./NAME.ko (as stap
 * does); else -p4 prints the cache's copy, or when there is none (e.g.
 * --disable-cache) keeps ./NAME.ko too; pass 5 loads whichever copy there
 * is. */
static bool module_place(struct session *s, const char *ko, bool cached)
{
	const char *keep;

	s->module_path = (char *)ko;
	if (!(s->last_pass == 4 && !cached) && !s->module_name_given)
		return true;
	keep = arena_printf("%s.ko", s->module_name);
	if (!copy_file(ko, keep))
		return false;
	s->module_path = (char *)keep;
	return true;
}

/* The module built in dir by the commands the template taught
 * (make_template()), or NULL when there are none or they fail. */
static const char *replay_module(struct session *s, struct kernel *k, const char *ship,
				 const char *dir, const char *ac)
{
	const char *tdir = arena_printf("%s/template", ship), *fdir = dir;
	const char *ko = arena_printf("%s/%s.ko", fdir, s->module_name);
	char *objs = "";

	if (access(arena_printf("%s/commands", tdir), R_OK) != 0 ||
	    !path_checked("build directory", fdir) ||
	    !write_file(arena_printf("%s/%s_src.c", fdir, s->module_name), s->c_text, s->c_len) ||
	    !copy_runtime(s->runtime_dir, arena_printf("%s/runtime", fdir), "runtime", &objs, true) ||
	    !ship_runtime(ship, fdir, &objs, false) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", fdir)) ||
	    !write_kbuild(s, fdir, s->module_name, arena_printf("%s_src.o", s->module_name), objs))
		return NULL;
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: running Kbuild's commands (learnt once from a template module) "
			"in %s:\n", fdir);
	if (!replay_run(tdir, k->build_dir, fdir, s->module_name, s->keep_tmp, session_verbose(s, 4),
			arena_printf("%s/build.log", fdir))) {
		if (session_verbose(s, 4))
			fprintf(stderr, "Pass 4: they failed: building with Kbuild instead, in %s/kbuild\n",
				dir);
		return NULL;
	}
	strip_module(s, ko);
	return ko;
}

/* The module s->module_name in dir, from the C and the runtime: by the
 * commands Kbuild would run, else by Kbuild. */
static const char *kbuild_module(struct session *s, struct kernel *k, const char *dir,
				 const char *ac)
{
	const char *ship = runtime_objects(s, k, ac), *log, *ko;
	char *objs = "";

	if (ship && (ko = replay_module(s, k, ship, dir, ac)))
		return ko;
	/* afresh: not among what the fast path left */
	if (ship && access(arena_printf("%s/%s_src.c", dir, s->module_name), F_OK) == 0) {
		dir = arena_printf("%s/kbuild", dir);
		if (mkdir(dir, 0755) != 0)
			return NULL;
	}

	if (!write_file(arena_printf("%s/%s_src.c", dir, s->module_name), s->c_text, s->c_len) ||
	    !copy_runtime(s->runtime_dir, arena_printf("%s/runtime", dir), "runtime", &objs,
			  ship != NULL) ||
	    (ship && !ship_runtime(ship, dir, &objs, true)) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", dir)) ||
	    !write_kbuild(s, dir, s->module_name, arena_printf("%s_src.o", s->module_name), objs))
		return NULL;
	log = arena_printf("%s/build.log", dir);
	if (run_make(s, k, dir, "modules", log) != 0) {
		fprintf(stderr, "tapc: error: building the module against %s failed:\n", k->build_dir);
		show_log(log);
		return NULL;
	}
	ko = arena_printf("%s/%s.ko", dir, s->module_name);
	if (access(ko, R_OK) != 0) {
		fprintf(stderr, "tapc: error: make succeeded but made no %s\n", ko);
		return NULL;
	}
	strip_module(s, ko);
	return ko;
}

bool build(struct session *s)
{
	struct kernel *k = session_kernel(s);
	const char *tmp = getenv("TMPDIR"), *ko, *ac, *entry = NULL, *kept;
	char *dir;

	if (!k->build_dir) {
		fprintf(stderr, "tapc: error: no build tree for kernel %s: /lib/modules/%s/build is missing "
			"(install its headers, or pick another kernel with -r KVER)\n", k->release, k->release);
		return false;
	}
	/* runtime/autoconf/probe.sh hands it to make too */
	if (!path_checked("kernel build directory", k->build_dir))
		return false;
	/* runtime objects and API tests come from the cache: it must be ours */
	if (!cache_dir())
		return false;
	dir = arena_printf("%s/tapc-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (s->tmpdir_given)	/* checked by main.c; kept afterwards */
		dir = arena_strdup(s->tmpdir_given);
	else if (!mkdtemp(dir)) {
		fprintf(stderr, "tapc: error: cannot make a temporary directory: %s\n", strerror(errno));
		return false;
	}
	s->tmpdir = dir;
	ac = autoconf_header(s, k);
	if (!ac)
		return false;
	if (!s->disable_cache) {
		entry = module_entry(s, k, ac);
		if (entry_lookup(s, entry, arena_printf("%s.ko", s->module_name))) {
			ko = arena_printf("%s/%s.ko", entry, s->module_name);
			if (session_verbose(s, 4))
				fprintf(stderr, "Pass 4: using cached %s\n", ko);
			return module_place(s, ko, true);
		}
	}
	ko = kbuild_module(s, k, dir, ac);
	if (!ko)
		return false;
	kept = entry ? module_keep(s, entry, ko) : NULL;
	return module_place(s, kept ? kept : ko, kept != NULL);
}

/* Entries pass 4 made: modules, runtime objects, kernel API tests. */
static bool build_entry_name(const char *name)
{
	return !strncmp(name, "module-", 7) || !strncmp(name, "runtime-", 8) ||
	       !strncmp(name, "autoconf-", 9);
}

bool build_clean_cache(void)
{
	const char *cache = cache_dir();
	struct dirent **list;
	bool ok = true;
	int n;

	if (!cache)
		return false;
	n = scandir(cache, &list, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *path = arena_printf("%s/%s", cache, list[i]->d_name);

		if (build_entry_name(list[i]->d_name) &&
		    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) != 0) {
			fprintf(stderr, "tapc: error: cannot remove %s: %s\n", path, strerror(errno));
			ok = false;
		}
		free(list[i]);
	}
	free(list);
	return ok;
}

void build_cleanup(struct session *s)
{
	if (s->tmpdir)
		nftw(s->tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
