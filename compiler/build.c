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
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "diag.h"
#include "kernel.h"
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
 * the Kbuild objects as "runtime/x.o runtime/provider/y.o".  With ship set
 * (a directory of objects built earlier with the same flags, laid out like
 * the runtime), each .c is replaced by its object as X.o_shipped, which
 * Kbuild links without compiling. */
static bool copy_runtime(const char *from, const char *to, const char *rel, char **objs,
			 const char *ship)
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
						  ship ? arena_printf("%s/%s", ship, e->d_name) : NULL);
			continue;
		}
		if (len < 3 || (strcmp(e->d_name + len - 2, ".c") && strcmp(e->d_name + len - 2, ".h")))
			continue;
		if (e->d_name[len - 1] == 'h' || !ship)
			ok = copy_file(src, dst);
		else	/* modpost reads the object's .cmd file too */
			ok = copy_file(arena_printf("%s/%.*s.o", ship, (int)len - 2, e->d_name),
				       arena_printf("%s/%.*s.o_shipped", to, (int)len - 2, e->d_name)) &&
			     copy_file(arena_printf("%s/.%.*s.o.cmd", ship, (int)len - 2, e->d_name),
				       arena_printf("%s/.%.*s.o.cmd", to, (int)len - 2, e->d_name));
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

/* Where -p4 leaves the module: ./NAME.ko with -m, as stap does, else
 * the per-user cache, so the path printed stays valid after we clean up. */
static const char *keep_path(struct session *s)
{
	if (s->module_name_given)
		return arena_printf("%s.ko", s->module_name);
	return arena_printf("%s/%s.ko", cache_dir(), s->module_name);
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
	pid_t pid;
	int status;

	h = hash_bytes(h, k->build_dir, strlen(k->build_dir) + 1);
	if (stat(arena_printf("%s/include/generated/autoconf.h", k->build_dir), &st) == 0)
		h = hash_bytes(h, (const char *)&st.st_mtime, sizeof(st.st_mtime));
	h = hash_tree(h, tests);
	dir = arena_printf("%s/autoconf-%s-%016llx", cache_dir(), k->release, (unsigned long long)h);
	hdr = arena_printf("%s/tapc_autoconf.h", dir);
	if (entry_usable(dir, "tapc_autoconf.h"))
		return hdr;
	tmp = arena_printf("%s.%d", dir, (int)getpid());
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
	return entry_install(tmp, dir, "tapc_autoconf.h") ? hdr : NULL;
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

	/* make must not read the cache's path: build in the module's directory */
	if (!build_path_ok(cache_dir()))
		return NULL;
	h = hash_bytes(h, k->build_dir, strlen(k->build_dir) + 1);
	if (stat(arena_printf("%s/include/generated/autoconf.h", k->build_dir), &st) == 0)
		h = hash_bytes(h, (const char *)&st.st_mtime, sizeof(st.st_mtime));
	h = hash_bytes(h, ccflags(s), strlen(ccflags(s)));
	h = hash_bytes(h, defines_header(s), strlen(defines_header(s)));
	for (int i = 0; i < s->nmake_vars; i++)
		h = hash_bytes(h, s->make_vars[i], strlen(s->make_vars[i]) + 1);
	h = hash_tree(h, s->runtime_dir);
	dir = arena_printf("%s/runtime-%s-%016llx", cache_dir(), k->release, (unsigned long long)h);
	if (entry_usable(dir, "runtime"))
		return arena_printf("%s/runtime", dir);

	tmp = arena_printf("%s.%d", dir, (int)getpid());
	mkdir(tmp, 0755);
	if (!copy_runtime(s->runtime_dir, arena_printf("%s/runtime", tmp), "runtime", &objlist, NULL) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", tmp)) ||
	    !write_kbuild(s, tmp, "tapc_runtime", "", objlist))
		goto fail;
	log = arena_printf("%s/build.log", tmp);
	if (session_verbose(s, 4))
		fprintf(stderr, "Pass 4: building the runtime for %s once, into %s\n", k->release, dir);
	/* the objects only: as a module of its own the runtime would make
	 * modpost warn that tapc_module, which each script defines, is missing */
	if (run_make(s, k, tmp, objlist, log) != 0) {
		fprintf(stderr, "tapc: error: building the runtime against %s failed:\n", k->build_dir);
		show_log(log);
		goto fail;
	}
	if (!entry_install(tmp, dir, "runtime"))
		return NULL;
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

bool build(struct session *s)
{
	struct kernel *k = session_kernel(s);
	const char *tmp = getenv("TMPDIR"), *log, *ko;
	char *objs = "";
	char *dir;
	const char *ship, *ac;

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
	ship = runtime_objects(s, k, ac);
	if (!write_file(arena_printf("%s/%s_src.c", dir, s->module_name), s->c_text, s->c_len) ||
	    !copy_runtime(s->runtime_dir, arena_printf("%s/runtime", dir), "runtime", &objs, ship) ||
	    !copy_file(ac, arena_printf("%s/runtime/tapc_autoconf.h", dir)) ||
	    !write_kbuild(s, dir, s->module_name, arena_printf("%s_src.o", s->module_name), objs))
		return false;
	log = arena_printf("%s/build.log", dir);
	if (run_make(s, k, dir, "modules", log) != 0) {
		fprintf(stderr, "tapc: error: building the module against %s failed:\n", k->build_dir);
		show_log(log);
		return false;
	}
	ko = arena_printf("%s/%s.ko", dir, s->module_name);
	if (access(ko, R_OK) != 0) {
		fprintf(stderr, "tapc: error: make succeeded but made no %s\n", ko);
		return false;
	}
	strip_module(s, ko);
	s->module_path = (char *)ko;
	if (s->last_pass == 4 || s->module_name_given) {
		const char *keep = keep_path(s);

		if (!copy_file(ko, keep))
			return false;
		s->module_path = (char *)keep;
	}
	return true;
}


void build_cleanup(struct session *s)
{
	if (s->tmpdir)
		nftw(s->tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
