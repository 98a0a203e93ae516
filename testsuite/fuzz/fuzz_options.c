/* fuzz_options: a libFuzzer target for tapc's command line.
 *
 * An input is an argument vector: its bytes split at '\n' (and NUL), each
 * piece one argument after "tapc".  A first piece starting with "TMPDIR="
 * sets that variable instead.  The vector goes through main.c's own
 * parse_options() (this file includes main.c, with main renamed and exit()
 * turned into a jump back here, so -h, -V and --need-vm-flag end the input,
 * not the fuzzer), and tmpdir_ok() when TMPDIR was given.
 *
 * Whatever parse_options() accepts must be safe downstream, which is
 * checked here against rules written out again (an oracle, not a call of
 * the same code): a -D value holds no byte make, a shell or the
 * preprocessor would act on and a limit's value is a number in its range;
 * -r, TMPDIR, -x, -T, -s and -p values are plain and in range.  A violation aborts, so it is
 * reported as a crash.  No option is acted on: nothing is built or run,
 * and no file is written.  See README.md beside this file.
 */
int tapc_main(int argc, char **argv);
#define main tapc_main
#define exit fuzz_exit
#include "../../compiler/main.c"
#undef exit
#undef main

#include <setjmp.h>
#include <ctype.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jmp_buf fuzz_jump;

_Noreturn void fuzz_exit(int status)
{
	(void)status;
	longjmp(fuzz_jump, 1);
}

static FILE *real_stderr;

static _Noreturn void violation(const char *what, const char *value)
{
	fprintf(real_stderr, "fuzz_options: accepted %s: '%s'\n", what, diag_escape(value));
	abort();
}

/* The -D rules of docs/tapc.1, written out again. */
static void check_define(const char *d)
{
	const char *eq = strchr(d, '='), *p;
	static const char *const limit_names[] = {
		"MAXACTION", "MAXACTION_INTERRUPTIBLE", "MAXNESTING", "MAXSTRINGLEN", "MAXMAPENTRIES",
		"MAXERRORS", "MAXSKIPPED", "MAXTRYLOCK", "TRYLOCKDELAY", "KRETACTIVE",
		"TAPC_PRINTBUF_SIZE",
	};
	size_t n = eq ? (size_t)(eq - d) : strlen(d);

	if (!n || isdigit((unsigned char)d[0]))
		violation("a -D name", d);
	for (p = d; p < d + n; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			violation("a -D name", d);
	if (!eq)
		return;
	for (p = eq + 1; *p; p++)
		if (strchr("$`'\"\\#;{}\n\r\t", *p) || (unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f ||
		    (p[0] == '/' && (p[1] == '*' || p[1] == '/')))
			violation("a -D value", d);
	for (size_t i = 0; i < sizeof(limit_names) / sizeof(limit_names[0]); i++)
		if (strlen(limit_names[i]) == n && !strncmp(limit_names[i], d, n)) {
			if (!eq[1] || eq[1 + strspn(eq + 1, "0123456789")])
				violation("a limit that is not a number", d);
			if (!strncmp(d, "MAXSTRINGLEN", n) && strtoll(eq + 1, NULL, 10) < 16)
				violation("a MAXSTRINGLEN under 16", d);
			if (strtoll(eq + 1, NULL, 10) < 0 || (!strncmp(d, "MAXMAPENTRIES", n) &&
							     strtoll(eq + 1, NULL, 10) < 1))
				violation("a limit out of range", d);
		}
}

static void check_plain(const char *what, const char *v, const char *allowed)
{
	for (const char *p = v; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr(allowed, *p))
			violation(what, v);
}

static void check_session(const struct session *s)
{
	for (int i = 0; i < s->ndefines; i++)
		check_define(s->defines[i]);
	if (s->kernel_arg)
		check_plain("a -r value", s->kernel_arg, "_./+@-");
	if (s->target_pid) {
		check_plain("a -x value", s->target_pid, "");
		if (atol(s->target_pid) < 1)
			violation("a -x value", s->target_pid);
	}
	if (s->timeout) {
		double v = strtod(s->timeout, NULL);

		/* what resolve.c and run.c compute from it must not overflow */
		if (!(v >= 0.001 && v <= 9223372036.0) || (int64_t)(v * 1000 + 0.5) <= 0)
			violation("a -T value", s->timeout);
	}
	if (s->module_name && !valid_module_name(s->module_name))
		violation("a module name", s->module_name);
	if (s->last_pass < 1 || s->last_pass > 5)
		violation("a pass number", "-p");
	if (s->bufsize_mb) {
		check_plain("a -s value", s->bufsize_mb, "");
		/* decimal digits only (leading zeros too: taprun reads base 10 as
		 * well), 1..4095 MiB */
		char *end;
		long mb = strtol(s->bufsize_mb, &end, 10);

		if (*end || !isdigit((unsigned char)s->bufsize_mb[0]) || mb < 1 || mb > 4095)
			violation("a -s value", s->bufsize_mb);
	}
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	real_stderr = stderr;
	/* tapc's own messages and -h's text: glibc's stdio streams are
	 * variables, libFuzzer and the sanitizers write to fd 2 directly */
	if (!getenv("FUZZ_OPTIONS_VERBOSE")) {
		FILE *null = fopen("/dev/null", "w");

		if (null)
			stderr = stdout = null;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct session sess;
	/* "tapc", at most size + 1 pieces, NULL */
	char *buf = malloc(size + 1), **argv = malloc((size + 3) * sizeof(*argv));
	const char *tmpdir = NULL;
	int argc = 0;
	size_t i, start = 0;

	if (!buf || !argv)
		abort();
	memcpy(buf, data, size);
	buf[size] = 0;
	argv[argc++] = "tapc";
	for (i = 0; i <= size; i++) {
		if (i < size && buf[i] != '\n' && buf[i] != 0)
			continue;
		buf[i] = 0;
		if (argc == 1 && !tmpdir && !strncmp(buf + start, "TMPDIR=", 7))
			tmpdir = buf + start + 7;
		else
			argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;

	memset(&sess, 0, sizeof(sess));
	list_mode = 0;
	warnings_are_errors = false;
	compatible = NULL;
	optind = 0;	/* getopt starts afresh */
	opterr = 0;
	if (!setjmp(fuzz_jump)) {
		if (parse_options(&sess, argc, argv) == 0)
			check_session(&sess);
		if (tmpdir) {
			setenv("TMPDIR", tmpdir, 1);
			if (tmpdir_ok())
				check_plain("a TMPDIR", tmpdir, "_./+@-");
			unsetenv("TMPDIR");
		}
	}
	arena_free_all();
	free(buf);
	free(argv);
	return 0;
}
