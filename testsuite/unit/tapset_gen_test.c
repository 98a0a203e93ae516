/* Generated tapsets (compiler/tapset.c) through the compiler's own pass 2:
 * a test generator makes a tapset of three parts, and scripts use it.
 * Checks that it is made only when a probe point names its family, kept
 * in a private cache directory and read from there the next time, that a
 * part is parsed only when one of its aliases is used, that errors point
 * into the part's file, that a part changed in the cache is made again,
 * and that a cache directory others can write is refused.  Links the compiler's objects (all but main.o).
 */
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <utime.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "kernel.h"
#include "parse.h"
#include "resolve.h"
#include "session.h"
#include "tapset.h"

static int passed, failed;
static int generated;

static void check(bool ok, const char *what, ...)
{
	va_list ap;

	if (ok) {
		passed++;
		return;
	}
	failed++;
	fputs("FAIL: ", stdout);
	va_start(ap, what);
	vprintf(what, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* a target that needs no files: session_kernel() returns it */
static struct kernel test_kernel = { .release = "6.1.0-0-test" };

static const char *key_now = "test kernel 1";

static const char *test_key(struct session *s)
{
	(void)s;
	return key_now;
}

static bool test_generate(struct session *s, struct tapset_out *out)
{
	static const char *const one[] = { "gentest.one", "gentest.one.return", NULL };
	static const char *const two[] = { "gentest.two", NULL };

	(void)s;
	generated++;
	tapset_emit(out, "one", one,
		    "probe gentest.one = begin { which = gentest_common() }\n"
		    "probe gentest.one.return = end { which = 2 }\n");
	tapset_emit(out, "two", two,
		    "// the error is on line 3\n"
		    "probe gentest.two = begin {\n"
		    "\twhich = no_such_function()\n"
		    "}\n");
	tapset_emit(out, "common", NULL, "function gentest_common() { return 1 }\n");
	return true;
}

static const char *const test_heads[] = { "gentest", NULL };
static const char *const test_functions[] = { "gentest_common", NULL };
static const struct tapset_generator test_gen = { "gentest", test_heads, test_key, test_generate,
						  test_functions };

static char cache[256], libdir[256];

/* One compilation of text through pass 2, stderr into errfile; 0 on
 * success.  *tapsets: the library files it parsed. */
static int compile(const char *text, const char *errfile, char *tapsets, size_t n)
{
	struct session s = { 0 };
	struct parse_opts o = { 0 }, lib;
	struct file_ast *f;
	int saved = dup(2), ok;

	fflush(stderr);
	if (!freopen(errfile, "w", stderr))
		return -1;
	diag_reset();
	s.kernel = &test_kernel;
	s.script_name = "<input>";
	s.script_text = text;
	s.tapset_dir = libdir;
	s.last_pass = 2;
	s.unoptimized = true;
	lib = o;
	lib.is_tapset = true;
	ok = tapset_parse_macros(&s, &lib);
	s.program = arena_alloc(sizeof(*s.program));
	s.program->user = parse_text(diag_add_source("<input>", text), text, &o);
	ok = ok && s.program->user && (tapset_parse_files(&s, &lib), resolve(&s));
	tapsets[0] = 0;
	for (f = s.program->tapsets; f; f = f->next) {
		const char *slash = strrchr(f->name, '/');

		snprintf(tapsets + strlen(tapsets), n - strlen(tapsets), "%s ", slash ? slash + 1 : f->name);
	}
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	clearerr(stderr);
	return ok ? 0 : 1;
}

static bool file_has(const char *path, const char *text)
{
	char buf[8192];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	return strstr(buf, text) != NULL;
}

/* Append text to part name of the one entry in the tapsets directory. */
static bool append_to_part(const char *tapsets, const char *name, const char *text)
{
	DIR *d = opendir(tapsets);
	struct dirent *e;
	bool ok = false;

	while (d && !ok && (e = readdir(d))) {
		char path[600];
		FILE *f;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", tapsets, e->d_name, name);
		f = fopen(path, "r+");
		if (!f)
			continue;
		fseek(f, 0, SEEK_END);
		ok = fputs(text, f) >= 0;
		ok = fclose(f) == 0 && ok;
	}
	if (d)
		closedir(d);
	return ok;
}

int main(void)
{
	char tmpl[] = "/tmp/tapc-gen-XXXXXX", err[300], used[1024], dir[300];
	const char *top = mkdtemp(tmpl);
	struct stat st;
	int rc;

	if (!top)
		return 2;
	snprintf(cache, sizeof(cache), "%s/cache", top);
	snprintf(libdir, sizeof(libdir), "%s/lib", top);
	snprintf(err, sizeof(err), "%s/stderr", top);
	mkdir(libdir, 0700);
	setenv("XDG_CACHE_HOME", cache, 1);
	tapset_add_generator(&test_gen);

	/* a script that names no generated family makes nothing */
	rc = compile("probe begin { }", err, used, sizeof(used));
	check(rc == 0 && generated == 0, "a script without gentest generated it (rc %d)", rc);
	check(stat(cache, &st) != 0, "a script without gentest made the cache directory");

	/* the first use makes it, in a private directory */
	rc = compile("probe gentest.one { println(which) }", err, used, sizeof(used));
	check(rc == 0, "probe gentest.one failed (see %s)", err);
	check(generated == 1, "generated %d times, expected once", generated);
	snprintf(dir, sizeof(dir), "%s/tapc/tapsets", cache);
	check(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "%s is not a 0700 directory", dir);
	check(strstr(used, "one.stp") && strstr(used, "common.stp") && !strstr(used, "two.stp"),
	      "gentest.one parsed these: %s", used);

	/* then it comes from the cache; a suffix reaches the longer name */
	rc = compile("probe gentest.one.return { println(which) }", err, used, sizeof(used));
	check(rc == 0 && generated == 1, "second compile: rc %d, generated %d times", rc, generated);

	/* a part changed in the cache is not used: the tapset is made again */
	check(append_to_part(dir, "one.stp", "probe gentest.one = end { }\n"), "no one.stp in %s", dir);
	rc = compile("probe gentest.one { println(which) }", err, used, sizeof(used));
	check(rc == 0 && generated == 2, "after a change: rc %d, generated %d times", rc, generated);
	check(file_has(err, "changed since it was made"), "no warning about the change (see %s)", err);
	rc = compile("probe gentest.one { println(which) }", err, used, sizeof(used));
	check(rc == 0 && generated == 2, "after remaking: rc %d, generated %d times", rc, generated);

	/* an error in a part points into its file, with the alias use */
	rc = compile("probe gentest.two { }", err, used, sizeof(used));
	check(rc == 1, "the error in gentest.two was not reported");
	check(file_has(err, "/two.stp:3:10: error: unknown function 'no_such_function'"),
	      "the error does not point at two.stp:3:10 (see %s)", err);
	check(file_has(err, "<input>:1:7: note: in alias gentest.two at ") && file_has(err, "/two.stp:2\n"),
	      "no note 'in alias gentest.two at .../two.stp:2' (see %s)", err);
	check(file_has(err, "\twhich = no_such_function()\n"), "the source line is not quoted (see %s)", err);

	/* a wildcard parses every part it names */
	rc = compile("probe gentest.o* { }", err, used, sizeof(used));
	check(rc == 0 && !strstr(used, "two.stp"), "gentest.o* parsed %s (rc %d)", used, rc);

	/* a function of the common part, called without an alias */
	rc = compile("probe begin { println(gentest_common()) }", err, used, sizeof(used));
	check(rc == 0 && strstr(used, "common.stp") && !strstr(used, "one.stp"),
	      "gentest_common() alone: rc %d, parsed %s", rc, used);

	/* a cache directory others can write is refused */
	chmod(dir, 0777);
	rc = compile("probe gentest.one { }", err, used, sizeof(used));
	check(rc == 1 && file_has(err, "is not a directory only you can write to"),
	      "a world-writable cache was used (rc %d, see %s)", rc, err);
	chmod(dir, 0700);

	/* a new version removes those whose index went unused for a week
	 * (only NAME-HASH directories); the version in use is touched */
	{
		char old[600], other[400], odd[400], idx[620];
		struct utimbuf week = { time(NULL) - 8 * 24 * 3600, time(NULL) - 8 * 24 * 3600 };
		DIR *d = opendir(dir);
		struct dirent *de;

		old[0] = 0;
		while (d && (de = readdir(d)))
			if (strncmp(de->d_name, "gentest-", 8) == 0)
				snprintf(old, sizeof(old), "%s/%s", dir, de->d_name);
		if (d)
			closedir(d);
		snprintf(idx, sizeof(idx), "%s/index", old);
		utime(idx, &week);
		rc = compile("probe gentest.one { }", err, used, sizeof(used));
		check(rc == 0 && stat(idx, &st) == 0 && st.st_mtime > week.modtime,
		      "using %s did not touch its index", old);
		utime(idx, &week);
		snprintf(other, sizeof(other), "%s/gentest-0123456789abcdef", dir);
		snprintf(odd, sizeof(odd), "%s/gentest-old", dir);
		mkdir(other, 0700);
		mkdir(odd, 0700);
		snprintf(idx, sizeof(idx), "%s/index", odd);
		fclose(fopen(idx, "w"));
		utime(idx, &week);
		snprintf(idx, sizeof(idx), "%s/index", other);
		fclose(fopen(idx, "w"));
		key_now = "test kernel 2";
		rc = compile("probe gentest.one { }", err, used, sizeof(used));
		check(rc == 0 && generated == 3, "a new key: rc %d, generated %d times", rc, generated);
		check(stat(old, &st) != 0, "the version unused for a week, %s, stayed", old);
		check(stat(other, &st) == 0, "a version used lately, %s, went", other);
		check(stat(odd, &st) == 0, "%s, no version's name, went", odd);
	}

	printf("generated: %d passed, %d failed\n", passed, failed);
	if (!failed) {
		char cmd[400];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
		if (system(cmd) != 0)
			return 1;
	}
	return failed != 0;
}
