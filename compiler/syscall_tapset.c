/* The syscall tapset, generated for the target kernel.
 *
 * SystemTap's syscall.NAME / nd_syscall.NAME / tp_syscall.NAME aliases
 * (and their .return) are written here as script text, one alias per
 * SystemTap name, over the kernel.syscall points of the calls it covers.
 * Two inputs:
 *
 *   - the kernel's own syscalls (syscalls.c): which exist, their numbers,
 *     parameter names and types;
 *   - tapset/linux/syscalls.tab, the hand-written part: what SystemTap calls
 *     each one, which kernel calls it covers, what its variables are
 *     named and how argstr shows them (format in the file's header).
 *
 * A call the table doesn't name still gets an alias, named after the call
 * with one variable per parameter, so a new kernel's new syscalls appear
 * without an edit.  Every kernel call belongs to exactly one alias, so
 * syscall.* sees each call once.  The text is a generated tapset
 * (tapset.h): one part per alias, so `probe syscall.open` parses one.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "diag.h"
#include "kernel.h"
#include "session.h"
#include "syscall_tapset.h"
#include "syscalls.h"
#include "tapset.h"

#define MAX_COVERS 12
#define MAX_VARS (SYSCALL_MAX_PARAMS + 2)
#define MAX_CALLS 16

struct tvar {
	const char *name;		/* NULL: "_", the parameter is skipped */
	const char *kind;		/* d u x o p s i I dfd, _decoder; NULL: from the type */
	const char *str;		/* a decoder's result variable, NULL: NAME_str */
	bool hidden;			/* '!': not in argstr */
};

struct tentry {
	const char *name;
	int line;
	const char *covers[MAX_COVERS];	/* "[32:|64:]base"; none: NAME */
	int ncovers;
	int ret;			/* return_str() format: 1 dec, 2 hex, 3 oct */
	bool kname;			/* name:kernel: name is the call's own */
	struct tvar vars[MAX_VARS];
	int nvars;
	char *script;			/* appended to the entry alias, or NULL */
	const struct syscall *calls[MAX_CALLS];
	int ncalls;
};

struct gen {
	const char *path;		/* the table file, for messages */
	const struct syscall_table *t;
	struct tentry *e;
	size_t n, cap;
	const struct tentry **owner;	/* [t->ncalls]: who covers each call */
	FILE *out;
};

static struct tentry *entry_new(struct gen *g)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 512;
		g->e = realloc(g->e, g->cap * sizeof(*g->e));
		if (!g->e) {
			perror("tapc");
			exit(1);
		}
	}
	memset(&g->e[g->n], 0, sizeof(g->e[g->n]));
	g->e[g->n].ret = 1;
	return &g->e[g->n++];
}

static bool table_error(const struct gen *g, int line, const char *what, const char *tok)
{
	fprintf(stderr, "%s:%d: error: %s '%s'\n", g->path, line, what, tok);
	return false;
}

/* VAR[:KIND][>STR][!] or "_". */
static bool parse_var(struct gen *g, int line, char *tok, struct tvar *v)
{
	char *colon, *gt;
	size_t n = strlen(tok);

	if (strcmp(tok, "_") == 0)
		return true;
	if (n && tok[n - 1] == '!') {
		v->hidden = true;
		tok[n - 1] = 0;
	}
	if ((gt = strchr(tok, '>'))) {
		*gt = 0;
		v->str = arena_strdup(gt + 1);
	}
	if ((colon = strchr(tok, ':'))) {
		*colon = 0;
		v->kind = arena_strdup(colon + 1);
		if (!*v->kind)
			return table_error(g, line, "empty kind in", tok);
	}
	if (!*tok || !(isalpha((unsigned char)*tok) || *tok == '_'))
		return table_error(g, line, "bad variable", tok);
	v->name = arena_strdup(tok);
	return true;
}

/* One entry line: NAME[=COVER,...] [ret:x|o] [name:kernel] VAR... [| SCRIPT] */
static bool parse_entry(struct gen *g, int line, char *text)
{
	struct tentry *e = entry_new(g);
	char *bar = strchr(text, '|'), *tok, *save = NULL, *eq;

	e->line = line;
	if (bar) {
		*bar = 0;
		e->script = arena_strdup(bar + 1);
	}
	tok = strtok_r(text, " \t", &save);
	if ((eq = strchr(tok, '='))) {
		char *c, *csave = NULL;

		*eq = 0;
		for (c = strtok_r(eq + 1, ",", &csave); c; c = strtok_r(NULL, ",", &csave)) {
			if (e->ncovers == MAX_COVERS)
				return table_error(g, line, "too many syscalls for", tok);
			e->covers[e->ncovers++] = arena_strdup(c);
		}
	}
	e->name = arena_strdup(tok);
	while ((tok = strtok_r(NULL, " \t", &save))) {
		if (strncmp(tok, "ret:", 4) == 0) {
			e->ret = tok[4] == 'x' ? 2 : tok[4] == 'o' ? 3 : 1;
		} else if (strcmp(tok, "name:kernel") == 0) {
			e->kname = true;
		} else {
			if (e->nvars == MAX_VARS)
				return table_error(g, line, "too many variables for", e->name);
			if (!parse_var(g, line, tok, &e->vars[e->nvars++]))
				return false;
		}
	}
	return true;
}

static bool read_table(struct gen *g, char *text)
{
	char *line = text, *next;
	int no = 0;

	for (; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		no++;
		if (line[0] == '#' || !line[strspn(line, " \t")])
			continue;
		if (isspace((unsigned char)line[0])) {
			/* a continuation: more script for the entry above */
			struct tentry *e = g->n ? &g->e[g->n - 1] : NULL;

			if (!e)
				return table_error(g, no, "script before any entry:", line);
			e->script = arena_printf("%s\n%s", e->script ? e->script : "", line);
			continue;
		}
		if (!parse_entry(g, no, line))
			return false;
	}
	return true;
}

/* ---- which kernel calls each entry covers ---- */

static void claim(struct gen *g, struct tentry *e, size_t i)
{
	if (e->ncalls == MAX_CALLS)
		return;
	g->owner[i] = e;
	e->calls[e->ncalls++] = &g->t->calls[i];
}

/* cover "[32:|64:]base" against call sc. */
static bool cover_matches(const char *cover, const struct syscall *sc)
{
	if (strncmp(cover, "32:", 3) == 0)
		return sc->abi == SYSCALL_ABI_I386 && strcmp(cover + 3, syscall_base(sc)) == 0;
	if (strncmp(cover, "64:", 3) == 0)
		return sc->abi == SYSCALL_ABI_64 && strcmp(cover + 3, syscall_base(sc)) == 0;
	return strcmp(cover, syscall_base(sc)) == 0;
}

static bool claim_explicit(struct gen *g)
{
	size_t k, i;
	int c;

	for (k = 0; k < g->n; k++) {
		struct tentry *e = &g->e[k];

		for (c = 0; c < e->ncovers; c++)
			for (i = 0; i < g->t->ncalls; i++) {
				if (!cover_matches(e->covers[c], &g->t->calls[i]))
					continue;
				if (g->owner[i] && g->owner[i] != e) {
					fprintf(stderr, "%s:%d: error: %s is also covered by %s (line %d)\n",
						g->path, e->line, g->t->calls[i].entry, g->owner[i]->name,
						g->owner[i]->line);
					return false;
				}
				if (!g->owner[i])
					claim(g, e, i);
			}
	}
	return true;
}

static void claim_defaults(struct gen *g)
{
	size_t k, i;

	for (k = 0; k < g->n; k++) {
		struct tentry *e = &g->e[k];

		if (e->ncovers)
			continue;
		for (i = 0; i < g->t->ncalls; i++)
			if (!g->owner[i] && strcmp(e->name, syscall_base(&g->t->calls[i])) == 0)
				claim(g, e, i);
	}
}

static const struct tentry *find_entry(const struct gen *g, const char *name)
{
	size_t k;

	for (k = 0; k < g->n; k++)
		if (strcmp(g->e[k].name, name) == 0)
			return &g->e[k];
	return NULL;
}

/* Calls no table entry covers get one of their own, by their user-space
 * name (or, when the table uses that name, by the kernel's). */
static void claim_rest(struct gen *g)
{
	size_t i, j;

	for (i = 0; i < g->t->ncalls; i++) {
		const struct syscall *sc = &g->t->calls[i];
		const char *name = sc->name;
		struct tentry *e;

		if (g->owner[i])
			continue;
		if (find_entry(g, name))
			name = syscall_base(sc);
		if (find_entry(g, name))
			name = arena_printf("%s%s", sc->name, syscall_abi_suffix(sc->abi));
		e = entry_new(g);
		e->name = name;
		claim(g, e, i);
		/* the other ABI's call of the same name and kernel function */
		for (j = i + 1; j < g->t->ncalls; j++)
			if (!g->owner[j] && strcmp(g->t->calls[j].name, sc->name) == 0 &&
			    strcmp(syscall_base(&g->t->calls[j]), syscall_base(sc)) == 0)
				claim(g, e, j);
	}
}

/* ---- the text ---- */

static const struct syscall *proto_of(const struct tentry *e)
{
	int i;

	for (i = 0; i < e->ncalls; i++)
		if (e->calls[i]->nparams >= 0)
			return e->calls[i];
	return NULL;
}

/* How the alias reads parameter p: by name where every call has that
 * name there, else by position. */
static const char *param_ref(const struct tentry *e, int p)
{
	const char *name = NULL;
	bool all = true;
	int i;

	for (i = 0; i < e->ncalls; i++) {
		const struct syscall *sc = e->calls[i];

		if (sc->nparams >= 0 && sc->nparams <= p)
			return arena_printf("@choose_defined($arg%d, 0)", p + 1);
		if (sc->nparams < 0 || (name && strcmp(name, sc->params[p].name) != 0))
			all = false;
		else if (!name)
			name = sc->params[p].name;
	}
	return all && name && strncmp(name, "arg", 3) != 0 ? arena_printf("$%s", name)
							    : arena_printf("$arg%d", p + 1);
}

static const char *default_kind(const struct syscall_param *sp)
{
	switch (sp->kind) {
	case SA_USER_PTR:
		return strcmp(sp->ctype, "const char*") == 0 ? "s" : "p";
	case SA_PTR:
		return "p";
	case SA_S64: case SA_S32: case SA_S16: case SA_S8:
		return "d";
	case SA_U64: case SA_U32: case SA_U16: case SA_U8:
		return "u";
	}
	return "d";
}

/* stap's name for a parameter it doesn't rename: pointers get _uaddr. */
static const char *default_name(const struct syscall_param *sp, const char *kind)
{
	if (strcmp(kind, "p") == 0)
		return arena_printf("%s_uaddr", sp->name);
	return sp->name;
}

struct argstr {
	char *fmt, *args;
};

static void argstr_add(struct argstr *a, const char *fmt, const char *arg)
{
	a->fmt = arena_printf("%s%s%s", a->fmt, *a->fmt ? ", " : "", fmt);
	a->args = arena_printf("%s, %s", a->args, arg);
}

/* The statements for variable v read from ref, and its argstr part. */
static void emit_var(FILE *out, const struct tvar *v, const char *kind, const char *ref,
		     enum syscall_arg_kind sp_kind, struct argstr *a)
{
	const char *str = v->str ? v->str : arena_printf("%s_str", v->name);

	if (strcmp(kind, "s") == 0) {
		fprintf(out, "\t%s_uaddr = %s\n", v->name, ref);
		fprintf(out, "\t%s = user_string_quoted(%s_uaddr)\n", v->name, v->name);
		fprintf(out, "\t%s_unquoted = user_string_nofault(%s_uaddr)\n", v->name, v->name);
		if (!v->hidden)
			argstr_add(a, "%s", v->name);
		return;
	}
	if ((strcmp(kind, "i") == 0 || strcmp(kind, "dfd") == 0) && sp_kind != SA_S32)
		fprintf(out, "\t%s = __int32(%s)\n", v->name, ref);
	else if (strcmp(kind, "I") == 0 && sp_kind != SA_U32)
		fprintf(out, "\t%s = __uint32(%s)\n", v->name, ref);
	else
		fprintf(out, "\t%s = %s\n", v->name, ref);
	if (kind[0] == '_' || strcmp(kind, "dfd") == 0) {
		fprintf(out, "\t%s = %s(%s)\n", str, kind[0] == '_' ? kind : "_dfd_str", v->name);
		if (!v->hidden)
			argstr_add(a, "%s", str);
		return;
	}
	if (v->hidden)
		return;
	switch (kind[0]) {
	case 'u': case 'I': argstr_add(a, "%u", v->name); break;
	case 'x': argstr_add(a, "0x%x", v->name); break;
	case 'o': argstr_add(a, "%#o", v->name); break;
	case 'p': argstr_add(a, "%p", v->name); break;
	default: argstr_add(a, "%d", v->name); break;
	}
}

static void emit_points(FILE *out, const struct tentry *e, const char *suffix)
{
	int i;

	for (i = 0; i < e->ncalls; i++)
		fprintf(out, "%s\tkernel.syscall%s(\"%s\")%s", i ? ",\n" : "",
			syscall_abi_suffix(e->calls[i]->abi), e->calls[i]->name, suffix);
	fprintf(out, "\n");
}

static void emit_names(FILE *out, const struct tentry *e, const char *suffix)
{
	fprintf(out, "probe syscall.%s%s, nd_syscall.%s%s, tp_syscall.%s%s, nd1_syscall.%s%s, nd2_syscall.%s%s =\n",
		e->name, suffix, e->name, suffix, e->name, suffix, e->name, suffix, e->name, suffix);
}

static void emit_entry(const struct gen *g, const struct tentry *e)
{
	const struct syscall *proto = proto_of(e);
	struct argstr a = { "", "" };
	int p = 0, v, nvars = e->nvars;
	struct tvar defaults[SYSCALL_MAX_PARAMS];

	fprintf(g->out, "# %s%s\n", e->line ? "" : "not in the table: ", e->name);
	emit_names(g->out, e, "");
	emit_points(g->out, e, "");
	fprintf(g->out, "{\n");
	fprintf(g->out, e->kname ? "\tname = $$name\n" : "\tname = \"%s\"\n", e->name);
	/* entries without variables of their own: one per parameter */
	if (!e->nvars && proto) {
		for (v = 0; v < proto->nparams; v++)
			defaults[v] = (struct tvar){ default_name(&proto->params[v],
								 default_kind(&proto->params[v])),
						     NULL, NULL, false };
		nvars = proto->nparams;
	}
	for (v = 0; v < nvars; v++, p++) {
		const struct tvar *tv = e->nvars ? &e->vars[v] : &defaults[v];
		const char *kind = tv->kind;

		if (!tv->name)
			continue;
		if (!kind)
			kind = proto && p < proto->nparams ? default_kind(&proto->params[p]) : "d";
		emit_var(g->out, tv, kind, param_ref(e, p),
			 proto && p < proto->nparams ? proto->params[p].kind : SA_U64, &a);
	}
	fprintf(g->out, "\targstr = sprintf(\"%s\"%s)\n", a.fmt, a.args);
	if (e->script)
		fprintf(g->out, "%s\n", e->script);
	fprintf(g->out, "}\n");
	emit_names(g->out, e, ".return");
	emit_points(g->out, e, ".return");
	fprintf(g->out, "{\n");
	fprintf(g->out, e->kname ? "\tname = $$name\n" : "\tname = \"%s\"\n", e->name);
	fprintf(g->out, "\tretval = $return\n\tretstr = return_str(%d, retval)\n}\n\n", e->ret);
}

/* syscall_name(num) and syscall_num(name), from the uapi names of both
 * ABIs; the ABI is the probed call's (64-bit outside syscall probes). */
static void emit_names_table(const struct gen *g)
{
	int abi, nr;

	fprintf(g->out, "%%{\n#include \"provider/syscall.h\"\n\n");
	for (abi = 0; abi < SYSCALL_NABI; abi++) {
		fprintf(g->out, "static const char *const tapc_syscall_names%d[] = {\n", abi);
		for (nr = 0; nr < g->t->uapi_limit[abi]; nr++)
			if (g->t->uapi[abi][nr])
				fprintf(g->out, "\t[%d] = \"%s\",\n", nr, g->t->uapi[abi][nr]);
		fprintf(g->out, "\tNULL\n};\n");
	}
	fprintf(g->out,
		"static const char *const *tapc_syscall_names_of(struct tapc_context *c, int *n)\n"
		"{\n"
		"\tconst struct tapc_syscall_hit *h = tapc_syscall_of(c);\n\n"
		"\tif (h && tapc_syscall_abi(h) == TAPC_SC_ABI_I386) {\n"
		"\t\t*n = ARRAY_SIZE(tapc_syscall_names1) - 1;\n"
		"\t\treturn tapc_syscall_names1;\n"
		"\t}\n"
		"\t*n = ARRAY_SIZE(tapc_syscall_names0) - 1;\n"
		"\treturn tapc_syscall_names0;\n"
		"}\n"
		"%%}\n\n"
		"# syscall_name(num): the name of syscall num (of the probed call's ABI), or \"\"\n"
		"function syscall_name:string(num:long) %%{ /* pure */ /* unprivileged */\n"
		"\tint n;\n"
		"\tconst char *const *names = tapc_syscall_names_of(CONTEXT, &n);\n\n"
		"\tif (STAP_ARG_num >= 0 && STAP_ARG_num < n && names[STAP_ARG_num])\n"
		"\t\tstrscpy(STAP_RETVALUE, names[STAP_ARG_num], MAXSTRINGLEN);\n"
		"%%}\n\n"
		"# syscall_num(name): the number of syscall name, or -1\n"
		"function syscall_num:long(name:string) %%{ /* pure */ /* unprivileged */\n"
		"\tint n, i;\n"
		"\tconst char *const *names = tapc_syscall_names_of(CONTEXT, &n);\n\n"
		"\tSTAP_RETVALUE = -1;\n"
		"\tfor (i = 0; i < n; i++)\n"
		"\t\tif (names[i] && !strcmp(names[i], STAP_ARG_name)) {\n"
		"\t\t\tSTAP_RETVALUE = i;\n"
		"\t\t\tbreak;\n"
		"\t\t}\n"
		"%%}\n\n");
}

/* syscall_any and syscall_any.return: every call through one tracepoint
 * callback per direction (kernel.syscall.any), cheap enough to leave on.
 * As in SystemTap they offer the call's number and name only (no
 * arguments); name is the user-space name in the task's ABI ("" for a
 * number the kernel doesn't name), a table lookup only when read.  Here
 * rather than a library file: syscall_name() is the generated tapset's. */
static const char syscall_any_text[] =
	"probe syscall_any = kernel.syscall.any\n"
	"{\n"
	"\tsyscall_nr = $syscall_nr\n"
	"\tname = syscall_name(syscall_nr)\n"
	"}\n\n"
	"probe syscall_any.return = kernel.syscall.any.return\n"
	"{\n"
	"\tsyscall_nr = $syscall_nr\n"
	"\tname = syscall_name(syscall_nr)\n"
	"\tretval = $return\n"
	"}\n";

static const char *table_path(struct session *s)
{
	return arena_printf("%s/linux/syscalls.tab", s->tapset_dir);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (len = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (text = arena_alloc((size_t)len + 1)) && fread(text, 1, (size_t)len, f) == (size_t)len)
		text[len] = 0;
	else
		text = NULL;
	fclose(f);
	return text;
}

/* The text follows the kernel (its release and build tree: the syscall
 * tables and headers) and syscalls.tab, whose contents are hashed: a
 * development tree edits it without a new version. */
static const char *syscall_key(struct session *s)
{
	struct kernel *k = session_kernel(s);
	const char *path = table_path(s), *text = read_text(path), *c;
	unsigned long long h = 1469598103934665603ULL;
	struct stat st;
	long long mtime = 0;

	if (!text) {
		diag_error((struct loc){ 0 }, "cannot read the syscall table %s: %s", path, strerror(errno));
		return NULL;
	}
	for (c = text; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	if (k->build_dir && stat(arena_printf("%s/%s", k->build_dir, SYSCALL_TABLE_FILE), &st) == 0)
		mtime = (long long)st.st_mtime;
	return arena_printf("%s %s %lld tab-%016llx", k->release, k->build_dir ? k->build_dir : "-",
			    mtime, h);
}

static FILE *part_open(char **buf, size_t *len)
{
	FILE *f = open_memstream(buf, len);

	if (!f) {
		perror("tapc");
		exit(1);
	}
	return f;
}

/* The text of a part, in the arena (tapset.c writes it after generate). */
static const char *part_close(FILE *f, char **buf)
{
	const char *text;

	fclose(f);	/* sets *buf */
	text = arena_strdup(*buf);
	free(*buf);
	return text;
}

/* One part per alias (its five spellings and their .return), one with
 * syscall_any, and the common part: syscall_name() and syscall_num(). */
static void emit_parts(struct gen *g, struct tapset_out *out)
{
	static const char *const heads[] = { "syscall", "nd_syscall", "tp_syscall", "nd1_syscall",
					     "nd2_syscall" };
	static const char *const any[] = { "syscall_any", "syscall_any.return", NULL };
	const char *aliases[2 * 5 + 1];
	char *buf;
	size_t len, i, h;

	g->out = part_open(&buf, &len);
	emit_names_table(g);
	tapset_emit(out, "common", NULL, part_close(g->out, &buf));
	tapset_emit(out, "syscall_any", any, syscall_any_text);
	for (i = 0; i < g->n; i++) {
		const struct tentry *e = &g->e[i];

		if (!e->ncalls)
			continue;
		for (h = 0; h < 5; h++) {
			aliases[2 * h] = arena_printf("%s.%s", heads[h], e->name);
			aliases[2 * h + 1] = arena_printf("%s.%s.return", heads[h], e->name);
		}
		aliases[10] = NULL;
		g->out = part_open(&buf, &len);
		emit_entry(g, e);
		tapset_emit(out, e->name, aliases, part_close(g->out, &buf));
	}
}

static bool syscall_generate(struct session *s, struct tapset_out *out)
{
	struct kernel *k = session_kernel(s);
	const char *path = table_path(s);
	struct gen g = { .path = path };
	char *text;

	if (!(g.t = kernel_syscalls(k))) {
		diag_error((struct loc){ 0 }, "kernel %s has no syscall table (%s) in its build tree: no syscall probe aliases",
			   k->release, SYSCALL_TABLE_FILE);
		return false;
	}
	text = read_text(path);
	if (!text) {
		diag_error((struct loc){ 0 }, "cannot read the syscall table %s: %s", path, strerror(errno));
		return false;
	}
	g.owner = calloc(g.t->ncalls ? g.t->ncalls : 1, sizeof(*g.owner));
	if (!g.owner || !read_table(&g, text) || !claim_explicit(&g)) {
		free(g.owner);
		free(g.e);
		return false;
	}
	claim_defaults(&g);
	claim_rest(&g);
	emit_parts(&g, out);
	free(g.owner);
	free(g.e);
	return true;
}

static const char *const syscall_heads[] = { "syscall", "nd_syscall", "tp_syscall", "nd1_syscall",
					     "nd2_syscall", "syscall_any", NULL };

const struct tapset_generator syscall_tapset_generator = {
	.name = "syscalls",
	.heads = syscall_heads,
	.key = syscall_key,
	.generate = syscall_generate,
	.functions = (const char *const[]){ "syscall_name", "syscall_num", NULL },
};
