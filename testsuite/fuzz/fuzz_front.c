/* fuzz_front: a libFuzzer target for tapc's front end and pass 2.
 *
 * Each input is taken as a script (up to its first NUL byte) and compiled
 * twice: once plainly, once with -g and script arguments (so $1, @2, $#
 * paste real text) and, for odd-sized inputs, --compatible=1.8.  For each compilation that parses it checks the -p1
 * contract of parse.h, that the printed source parses again to the same
 * printed source, and then runs pass 2 (resolve, types, prune) on it with
 * the tapsets of tapset/ against a fake target kernel: a fixed function list
 * and no BTF, no build tree, no running-kernel files, so the outcome does
 * not depend on the host.  The arena and the diagnostics registry are reset
 * after every input, so LeakSanitizer sees every byte a pass keeps.
 *
 * Diagnostics are silenced (stderr points at /dev/null; libFuzzer and the
 * sanitizers keep writing to fd 2).  FUZZ_FRONT_VERBOSE=1 keeps them, to
 * see why a saved input fails.  FUZZ_FRONT_PASS2=0 stops after the round
 * trip, to fuzz pass 1 alone while pass 2 has a known bug.  See README.md
 * beside this file.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "kernel.h"
#include "parse.h"
#include "resolve.h"
#include "session.h"

#ifndef TAPSET_DIR
#error "build with -DTAPSET_DIR=\"path/to/tapset\""
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ---- the fake target kernel, the session's from the start (image.c's
 * session_kernel() then never opens a real one) ---- */

static char *fake_funcs[] = {
	"vfs_read", "vfs_write", "do_sys_open", "do_sys_openat2", "schedule",
	"kfree", "__kmalloc", "tcp_sendmsg", "__x64_sys_getpid", "__x64_sys_openat",
	"__x64_sys_read", "do_exit", "kernel_clone",
};

static struct kernel fake_kernel = {
	.release = "6.1.0-fuzz",
	.build_dir = NULL,		/* no headers: syscall parameters unknown */
	.running = false,		/* no kallsyms, no kprobe blacklist */
	.btf = NULL,
	.btf_tried = true,		/* no BTF: $param lookups fail cleanly */
	.funcs = fake_funcs,
	.nfuncs = sizeof(fake_funcs) / sizeof(fake_funcs[0]),
	.funcs_loaded = true,
};

static const char *fake_config(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "CONFIG_KPROBES") == 0 || strcmp(name, "CONFIG_SMP") == 0)
		return "y";
	if (strcmp(name, "CONFIG_NR_CPUS") == 0)
		return "64";
	if (strcmp(name, "CONFIG_LOCALVERSION") == 0)
		return "-fuzz";
	return NULL;
}

/* ---- the tapsets, read once ---- */

struct tapset_text {
	char *name, *text;
};

static struct tapset_text *tapsets;
static size_t ntapsets;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		return NULL;
	FILE *m = open_memstream(&buf, &len);
	int c;

	while ((c = getc(f)) != EOF)
		putc(c, m);
	fclose(m);
	fclose(f);
	return buf;
}

static void load_tapsets(void)
{
	char cmd[4096], line[4096];
	char **names = NULL;
	size_t n = 0;
	FILE *p;

	/* the library's files, folders included (linux/...), as tapc reads
	 * them for a kernel target; the order only matters for duplicates,
	 * which tapc refuses */
	snprintf(cmd, sizeof(cmd), "find '%s' -name '*.stp' -type f 2>/dev/null", TAPSET_DIR);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		size_t len = strcspn(line, "\n");

		line[len] = 0;
		if (len < 5 || strcmp(line + len - 4, ".stp") != 0)
			continue;
		names = realloc(names, (n + 1) * sizeof(*names));
		names[n] = strdup(line);
		if (!names[n])
			abort();
		n++;
	}
	if (p)
		pclose(p);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	tapsets = calloc(n ? n : 1, sizeof(*tapsets));
	for (size_t i = 0; i < n; i++) {
		char *text = slurp(names[i]);

		if (!text) {
			free(names[i]);
			continue;
		}
		tapsets[ntapsets].name = names[i];
		tapsets[ntapsets++].text = text;
	}
	free(names);
}

/* ---- one compilation ---- */

static FILE *real_stderr;
static bool with_pass2 = true;		/* FUZZ_FRONT_PASS2=0: pass 1 only */

/* unparse_file into a malloc'ed string. */
static char *print_file(const struct file_ast *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		abort();
	unparse_file(m, f);
	fclose(m);
	return buf;
}

/* The -p1 contract: printing, parsing and printing again is a fixed point.
 * A failure is a front-end bug, so it aborts with both texts on record.
 * Returns the printed text, which must outlive the arena's tokens and the
 * diagnostics registry that point into it. */
static char *check_round_trip(const struct file_ast *f, const struct parse_opts *o)
{
	char *first = print_file(f);
	struct file_ast *again = parse_text("<unparsed>", first, o);
	char *second = again ? print_file(again) : NULL;

	if (!second || strcmp(first, second) != 0) {
		fprintf(real_stderr, "fuzz_front: -p1 output %s:\n%s\n",
			second ? "prints differently when parsed again" : "does not parse again", first);
		if (second)
			fprintf(real_stderr, "fuzz_front: second printing:\n%s\n", second);
		abort();
	}
	free(second);
	return first;
}

static void compile(const char *text, bool guru, int argc, const char *const *argv,
		    const char *compatible)
{
	struct parse_opts o = {
		.guru = guru,
		.argc = argc,
		.argv = argv,
		.compatible = compatible,
		.kernel_v = "6.1.0",
		.kernel_vr = "6.1.0-fuzz",
		.arch = "x86_64",
		.config = fake_config,
	};
	struct session s = { .script_name = "fuzz.stp", .guru = guru, .last_pass = 2,
			     .kernel = &fake_kernel };
	struct file_ast *user, **tail;
	char *printed = NULL;

	user = parse_text(diag_add_source("fuzz.stp", text), text, &o);
	if (user)
		printed = check_round_trip(user, &o);
	if (user && with_pass2) {
		s.program = arena_alloc(sizeof(*s.program));
		s.program->user = user;
		for (int i = 0; i < argc && i < SESSION_MAX_ARGS; i++)
			s.args[s.nargs++] = argv[i];
		o.guru = o.is_tapset = true;
		o.argc = 0;
		o.argv = NULL;
		tail = &s.program->tapsets;
		for (size_t i = 0; i < ntapsets; i++) {
			const char *name = diag_add_source(tapsets[i].name, tapsets[i].text);
			struct file_ast *t = parse_text(name, tapsets[i].text, &o);

			if (!t)
				continue;
			t->is_tapset = true;
			*tail = t;
			tail = &t->next;
		}
		if (diag_errors() == 0)
			resolve(&s);
	}
	diag_reset();
	arena_free_all();
	free(printed);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *v = getenv("FUZZ_FRONT_VERBOSE");

	(void)argc;
	(void)argv;
	real_stderr = stderr;
	/* glibc's stderr is an ordinary variable; only our stdio writes go
	 * through it, libFuzzer and the sanitizers write to fd 2 directly
	 * or through their own FILE. */
	if (!v || !*v || strcmp(v, "0") == 0) {
		FILE *null = fopen("/dev/null", "w");

		if (null)
			stderr = null;
	}
	v = getenv("FUZZ_FRONT_PASS2");
	with_pass2 = !v || strcmp(v, "0") != 0;
	qsort(fake_funcs, fake_kernel.nfuncs, sizeof(fake_funcs[0]), cmp_str);
	load_tapsets();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const args[] = { "42", "vfs_read", "a \"b\" c", "@1" };
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	compile(text, false, 0, NULL, NULL);
	/* odd-sized inputs also try the old-language rules (--compatible) */
	compile(text, true, 4, args, size & 1 ? "1.8" : NULL);
	free(text);
	return 0;
}
