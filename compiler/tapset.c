/* The tapset library: finding and reading it (pass 1), and the generated
 * tapsets pass 2 asks for (tapset.h describes both).
 *
 * Pass 1 reads every library file, as stap does; what is cheap about it is
 * the parser (about 0.5 M lines a second).  What is big and made from the
 * kernel (the syscall families) comes as generated tapsets, parsed a part
 * at a time when a probe point needs it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"

#include "arena.h"
#include "ast.h"
#include "builtins.h"
#include "cache.h"
#include "diag.h"
#include "kernel.h"
#include "parse.h"
#include "session.h"
#include "tapset.h"

/* The library's state for one compilation (struct session's tapsets). */
struct tapset_lib {
	struct parse_opts opts;		/* library rights, for generated parts */
	struct { dev_t dev; ino_t ino; } *seen;	/* files read: each once */
	size_t nseen;
	const char **tails;		/* their paths below their search directory */
	size_t ntails;
	struct generated **gens;	/* generated tapsets made so far */
	size_t ngens;
};

/* ---- reading files ---- */

static struct tapset_lib *lib_of(struct session *s)
{
	if (!s->tapsets)
		s->tapsets = arena_alloc(sizeof(*s->tapsets));
	return s->tapsets;
}

/* The text of a regular file, or NULL (not one, or unreadable).  A FIFO or
 * a device named *.stp is never opened for reading: it could block. */
static char *read_regular(const char *path, struct stat *st)
{
	char *buf;
	size_t len = 0;
	ssize_t got;
	int fd;

	if (stat(path, st) != 0 || !S_ISREG(st->st_mode))
		return NULL;
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
		close(fd);
		return NULL;
	}
	buf = arena_alloc(st->st_size + 1);
	while (len < (size_t)st->st_size && (got = read(fd, buf + len, st->st_size - len)) > 0)
		len += got;
	close(fd);
	buf[len] = 0;
	return buf;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names in dir ending in suffix, sorted; *n is their number. */
static char **dir_names(const char *dir, const char *suffix, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t slen = strlen(suffix), cap = 0;

	*n = 0;
	if (!d)
		return NULL;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= slen || strcmp(e->d_name + len - slen, suffix) != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				die("out of memory");
		}
		names[(*n)++] = arena_strdup(e->d_name);
	}
	closedir(d);
	if (*n)
		qsort(names, *n, sizeof(*names), cmp_names);
	return names;
}

/* Whether the file (st) at tail below its search directory is new; it is
 * then remembered. */
static bool first_sight(struct tapset_lib *l, const struct stat *st, const char *tail)
{
	size_t i;

	for (i = 0; i < l->nseen; i++)
		if (l->seen[i].dev == st->st_dev && l->seen[i].ino == st->st_ino)
			return false;
	for (i = 0; i < l->ntails; i++)
		if (strcmp(l->tails[i], tail) == 0)
			return false;
	l->seen = realloc(l->seen, (l->nseen + 1) * sizeof(*l->seen));
	l->tails = realloc(l->tails, (l->ntails + 1) * sizeof(*l->tails));
	if (!l->seen || !l->tails)
		die("out of memory");
	l->seen[l->nseen].dev = st->st_dev;
	l->seen[l->nseen++].ino = st->st_ino;
	l->tails[l->ntails++] = arena_strdup(tail);
	return true;
}

/* The folders below a search directory that are read, most specific
 * first (tapset.h). */
static const char **subfolders(struct session *s, int *n)
{
	const char *rel = session_kernel(s)->release, *arch = "x86_64";
	const char *vers[8], **out;
	char *kv = arena_strdup(rel), *dot;
	int nv = 0, i, k = 0;

	vers[nv++] = arena_printf("/%s", rel);
	kv[strcspn(kv, "-")] = 0;
	if (strcmp(kv, rel) != 0)
		vers[nv++] = arena_printf("/%s", kv);
	while ((dot = strrchr(kv, '.')) && dot != strchr(kv, '.') && nv < 6) {
		*dot = 0;
		vers[nv++] = arena_printf("/%s", kv);
	}
	vers[nv++] = "";
	out = arena_alloc(4 * nv * sizeof(*out));
	for (i = 0; i < nv; i++) {
		out[k++] = arena_printf("/linux%s/%s", vers[i], arch);
		out[k++] = arena_printf("/linux%s", vers[i]);
	}
	for (i = 0; i < nv; i++) {
		out[k++] = arena_printf("%s/%s", vers[i], arch);
		out[k++] = vers[i];
	}
	*n = k;
	return out;
}

/* The library directory then each -I DIR. */
static const char *search_dir(struct session *s, int i)
{
	return i == 0 ? s->tapset_dir : s->include_dirs[i - 1];
}

/* The script itself must not be a library file: it would be read twice. */
static bool is_the_script(struct session *s, const struct stat *st)
{
	struct stat us;

	return !s->script_text && strcmp(s->script_name, "-") != 0 &&
	       stat(s->script_name, &us) == 0 && us.st_dev == st->st_dev && us.st_ino == st->st_ino;
}

/* Call fn for every new regular file named *suffix on the search path, in
 * order; stops early when fn returns false. */
static bool each_file(struct session *s, const char *suffix,
		      bool (*fn)(struct session *s, const char *path, const char *text, int dir, void *arg),
		      void *arg)
{
	struct tapset_lib *l = lib_of(s);
	int nsub, d, k;
	const char **sub = subfolders(s, &nsub);
	bool ok = true;

	for (d = 0; d <= s->ninclude_dirs; d++) {
		for (k = 0; k < nsub; k++) {
			const char *dir = arena_printf("%s%s", search_dir(s, d), sub[k]);
			size_t n, i;
			char **names = dir_names(dir, suffix, &n);

			for (i = 0; i < n; i++) {
				const char *path = arena_printf("%s/%s", dir, names[i]);
				struct stat st;
				char *text = read_regular(path, &st);

				if (!text || !first_sight(l, &st, arena_printf("%s/%s", sub[k], names[i])))
					continue;
				if (is_the_script(s, &st)) {
					fprintf(stderr, "tapc: error: %s is a library file; it can't be the script too\n",
						path);
					ok = false;
					continue;
				}
				ok &= fn(s, path, text, d, arg);
			}
			free(names);
		}
	}
	return ok;
}

/* The options a file of search directory d is parsed with: the library
 * directory's own files take the newest language whatever --compatible
 * says, as in stap. */
static struct parse_opts dir_opts(const struct parse_opts *lib, int d)
{
	struct parse_opts o = *lib;

	if (d == 0)
		o.compatible = NULL;
	return o;
}

/* As stap does, a library file that does not parse is left out with a
 * warning (an error with -W): its messages are shown, not counted. */
static void left_out(struct diag_trial *t, const char *path)
{
	diag_trial_end(t, DIAG_SHOW);
	diag_warning((struct loc){ 0 }, "library file %s does not parse; left out", path);
}

/* What each_file() hands its callbacks. */
struct reading {
	const struct parse_opts *lib;
	int count;
};

static bool parse_macros_of(struct session *s, const char *path, const char *text, int d, void *arg)
{
	struct parse_opts o = dir_opts(((struct reading *)arg)->lib, d);
	struct diag_trial t;

	(void)s;
	diag_trial_begin(&t);
	if (parse_macro_file(diag_add_source(path, text), text, &o))
		diag_trial_end(&t, DIAG_KEEP);
	else
		left_out(&t, path);
	return true;
}

bool tapset_parse_macros(struct session *s, const struct parse_opts *lib)
{
	struct reading r = { lib, 0 };

	lib_of(s)->opts = *lib;
	return each_file(s, ".stpm", parse_macros_of, &r) && diag_errors() == 0;
}

static void append_file(struct session *s, struct file_ast *fa)
{
	struct file_ast **tail;

	fa->is_tapset = true;
	for (tail = &s->program->tapsets; *tail; tail = &(*tail)->next)
		;
	*tail = fa;
}

static bool parse_file_of(struct session *s, const char *path, const char *text, int d, void *arg)
{
	struct reading *r = arg;
	struct parse_opts o = dir_opts(r->lib, d);
	struct diag_trial t;
	struct file_ast *fa;

	diag_trial_begin(&t);
	fa = parse_text(diag_add_source(path, text), text, &o);
	if (!fa) {
		left_out(&t, path);
		return true;
	}
	diag_trial_end(&t, DIAG_KEEP);
	append_file(s, fa);
	r->count++;
	return true;
}

struct defn {
	const struct node *decl;
	size_t order;
	int nparams;
};

static int cmp_defns(const void *a, const void *b)
{
	const struct defn *x = a, *y = b;
	int c = strcmp(x->decl->u.func.name, y->decl->u.func.name);

	if (!c)
		c = x->nparams - y->nparams;
	return c ? c : x->order < y->order ? -1 : x->order > y->order;
}

/* One definition per function name and arity in the library (a name may
 * have several arities, as in stap), and none of a built-in's name: which
 * one a call gets must not depend on the order files are read in. */
static void check_names(struct session *s)
{
	struct file_ast *f;
	struct node *d;
	struct defn *defs = NULL;
	size_t n = 0, cap = 0, i;

	for (f = s->program->tapsets; f; f = f->next) {
		for (d = f->decls; d; d = d->next) {
			if (d->kind != NODE_FUNCTION)
				continue;
			if (builtin_find(d->u.func.name, -1))
				diag_error(d->loc, "library function '%s' has the name of a built-in",
					   d->u.func.name);
			if (n == cap) {
				cap = cap ? 2 * cap : 256;
				defs = realloc(defs, cap * sizeof(*defs));
				if (!defs)
					die("out of memory");
			}
			defs[n].decl = d;
			defs[n].nparams = node_count(d->u.func.params);
			defs[n].order = n;
			n++;
		}
	}
	if (n)
		qsort(defs, n, sizeof(*defs), cmp_defns);
	for (i = 1; i < n; i++) {
		if (strcmp(defs[i].decl->u.func.name, defs[i - 1].decl->u.func.name) != 0 ||
		    defs[i].nparams != defs[i - 1].nparams)
			continue;
		diag_error(defs[i].decl->loc, "library function '%s' is defined twice",
			   defs[i].decl->u.func.name);
		diag_note(defs[i - 1].decl->loc, "the other definition is here");
	}
	free(defs);
}

int tapset_parse_files(struct session *s, const struct parse_opts *lib)
{
	struct reading r = { lib, 0 };

	each_file(s, ".stp", parse_file_of, &r);
	check_names(s);
	return r.count;
}

/* ---- generated tapsets ---- */

struct tapset_part {
	const char *name, *path;
	const char **aliases;		/* NULL-ended */
	struct generated *gen;
	bool loaded;
};

struct generated {
	const struct tapset_generator *g;
	struct tapset_part **parts;	/* those named by aliases */
	size_t nparts;
	struct tapset_part *common;	/* the one no alias names, or NULL */
};

struct tapset_out {
	struct tapset_part **parts;
	const char **texts;
	size_t n;
};

/* The generators of the compiler: a provider of generated aliases adds a
 * line here (issue 13's syscall families). */
static const struct tapset_generator *const builtin_generators[] = { NULL };
static const struct tapset_generator **extra_generators;
static size_t nextra;

void tapset_add_generator(const struct tapset_generator *g)
{
	extra_generators = realloc(extra_generators, (nextra + 1) * sizeof(*extra_generators));
	if (!extra_generators)
		die("out of memory");
	extra_generators[nextra++] = g;
}

static const struct tapset_generator *generator_at(size_t i)
{
	size_t nb = sizeof(builtin_generators) / sizeof(builtin_generators[0]) - 1;

	return i < nb ? builtin_generators[i] : i - nb < nextra ? extra_generators[i - nb] : NULL;
}

const char *const *tapset_generated_heads(void)
{
	static const char **heads;
	static size_t nheads = (size_t)-1;
	const struct tapset_generator *g;
	const char *const *h;
	size_t i, n = 0;

	for (i = 0; (g = generator_at(i)); i++)
		for (h = g->heads; *h; h++)
			n++;
	if (n == nheads)
		return heads;
	free(heads);
	heads = calloc(n + 1, sizeof(*heads));
	if (!heads)
		die("out of memory");
	nheads = n;
	n = 0;
	for (i = 0; (g = generator_at(i)); i++)
		for (h = g->heads; *h; h++)
			heads[n++] = *h;
	return heads;
}

void tapset_emit(struct tapset_out *out, const char *part, const char *const *aliases,
		 const char *text)
{
	struct tapset_part *p = arena_alloc(sizeof(*p));
	size_t n = 0, i;

	if (!*part || part[strspn(part, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")] ||
	    part[0] == '.')
		die("tapset_emit: bad part name '%s'", part);
	while (aliases && aliases[n])
		n++;
	p->name = arena_strdup(part);
	p->aliases = arena_alloc((n + 1) * sizeof(*p->aliases));
	for (i = 0; i < n; i++)
		p->aliases[i] = arena_strdup(aliases[i]);
	out->parts = realloc(out->parts, (out->n + 1) * sizeof(*out->parts));
	out->texts = realloc(out->texts, (out->n + 1) * sizeof(*out->texts));
	if (!out->parts || !out->texts)
		die("out of memory");
	out->parts[out->n] = p;
	out->texts[out->n++] = text;
}

/* A directory we made, or one only we can write to: its files become
 * script text compiled into the kernel. */
static bool private_dir(const char *dir, bool create)
{
	struct stat st;

	if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
		return false;
	if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	return st.st_uid == geteuid() && !(st.st_mode & 022);
}

/* tapsets/ in the user's cache (cache.c: owned, 0700, with HOME unset the
 * password database's home), made 0700 too; NULL with an error when there
 * is none we may trust. */
static const char *tapsets_dir(void)
{
	const char *base = cache_dir(), *dir;

	if (!base)
		return NULL;	/* cache_dir() said why */
	dir = arena_printf("%s/tapsets", base);
	if (!private_dir(dir, true)) {
		diag_error((struct loc){ 0 }, "%s is not a directory only you can write to: "
			   "not putting generated tapsets there", dir);
		return NULL;
	}
	return dir;
}

static bool write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wx");
	bool ok;

	if (!f)
		return false;
	ok = fputs(text, f) >= 0;
	return (fclose(f) == 0) && ok;
}

/* The index of a generated tapset: a header naming the key, then one line
 * per part, "PART ALIAS...". */
static bool write_index(const char *path, const char *key, const struct tapset_out *out)
{
	FILE *f = fopen(path, "wx");
	bool ok;
	size_t i;

	if (!f)
		return false;
	ok = fprintf(f, "tapc-tapset %s %s\n", PACKAGE_VERSION, key) > 0;
	for (i = 0; i < out->n && ok; i++) {
		const char *const *a;

		ok = fputs(out->parts[i]->name, f) >= 0;
		for (a = out->parts[i]->aliases; *a && ok; a++)
			ok = fprintf(f, " %s", *a) > 0;
		ok = ok && fputc('\n', f) != EOF;
	}
	return (fclose(f) == 0) && ok;
}

/* Write the parts and the index into a fresh directory and move it to dir
 * (another tapc may have done the same meanwhile: then use its). */
static bool write_tapset(const char *dir, const char *key, const struct tapset_out *out)
{
	char *tmp = arena_printf("%s.XXXXXX", dir);
	uint64_t h = CACHE_HASH_INIT;
	bool ok;
	size_t i;

	if (!mkdtemp(tmp))
		return false;
	ok = true;
	for (i = 0; i < out->n && ok; i++)
		ok = write_file(arena_printf("%s/%s.stp", tmp, out->parts[i]->name), out->texts[i]);
	ok = ok && write_index(arena_printf("%s/index", tmp), key, out);
	ok = ok && cache_hash_file(arena_printf("%s/index", tmp), &h);
	for (i = 0; i < out->n && ok; i++)
		ok = cache_hash_file(arena_printf("%s/%s.stp", tmp, out->parts[i]->name), &h);
	ok = ok && cache_seal(arena_printf("%s/seal", tmp), h, "");
	if (ok && rename(tmp, dir) == 0)
		return true;
	for (i = 0; i < out->n; i++)
		unlink(arena_printf("%s/%s.stp", tmp, out->parts[i]->name));
	unlink(arena_printf("%s/index", tmp));
	unlink(arena_printf("%s/seal", tmp));
	rmdir(tmp);
	return ok && (errno == EEXIST || errno == ENOTEMPTY);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

/* Whether dir's index and parts (hashed into h in the index's order, as
 * write_tapset() sealed them; ok: all read) are what was made; a changed
 * entry is removed, to be made again. */
static bool entry_intact(struct generated *gen, const char *dir, bool ok, uint64_t h)
{
	if (ok && cache_sealed(arena_printf("%s/seal", dir), h, ""))
		return true;
	fprintf(stderr, "tapc: warning: cache entry %s changed since it was made (or has no seal): "
		"making it again\n", dir);
	nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(gen->parts);
	gen->parts = NULL;
	gen->nparts = 0;
	gen->common = NULL;
	return false;
}

/* Read dir's index into gen; false when it is not there, not for key, or
 * not as it was made. */
static bool read_index(struct generated *gen, const char *dir, const char *key)
{
	struct stat st;
	char *text = read_regular(arena_printf("%s/index", dir), &st), *line, *save = NULL;
	const char *head = arena_printf("tapc-tapset %s %s", PACKAGE_VERSION, key);
	uint64_t h = CACHE_HASH_INIT;
	bool ok;

	if (!text || strncmp(text, head, strlen(head)) != 0 || text[strlen(head)] != '\n')
		return false;
	ok = cache_hash_file(arena_printf("%s/index", dir), &h);
	for (line = strtok_r(text + strlen(head) + 1, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct tapset_part *p = arena_alloc(sizeof(*p));
		char *w, *wsave = NULL;
		size_t n = 0, words = 1;

		for (w = line; *w; w++)
			words += *w == ' ';
		p->gen = gen;
		p->name = strtok_r(line, " ", &wsave);
		p->path = arena_printf("%s/%s.stp", dir, p->name);
		ok = ok && cache_hash_file(p->path, &h);
		p->aliases = arena_alloc((words + 1) * sizeof(*p->aliases));
		while ((w = strtok_r(NULL, " ", &wsave)))
			p->aliases[n++] = w;
		p->aliases[n] = NULL;
		if (!n) {
			gen->common = p;
			continue;
		}
		gen->parts = realloc(gen->parts, (gen->nparts + 1) * sizeof(*gen->parts));
		if (!gen->parts)
			die("out of memory");
		gen->parts[gen->nparts++] = p;
	}
	return entry_intact(gen, dir, ok, h);
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

/* Make generator g's tapset, or find it in the cache.  NULL after an
 * error (reported). */
static struct generated *make(struct session *s, const struct tapset_generator *g)
{
	struct generated *gen = arena_alloc(sizeof(*gen));
	struct tapset_out out = { 0 };
	const char *key = g->key(s), *cache, *dir;
	uint64_t h;

	gen->g = g;
	if (!key || !(cache = tapsets_dir()))
		return NULL;
	if (strchr(key, '\n'))
		die("tapset generator %s: a key of more than one line", g->name);
	h = fnv(fnv(fnv(1469598103934665603ULL, PACKAGE_VERSION), g->name), key);
	dir = arena_printf("%s/%s-%016llx", cache, g->name, (unsigned long long)h);
	if (read_index(gen, dir, key))
		return gen;
	if (!g->generate(s, &out))
		return NULL;
	if (!write_tapset(dir, key, &out) || !read_index(gen, dir, key)) {
		diag_error((struct loc){ 0 }, "cannot write the generated tapset %s into %s: %s", g->name,
			   dir, strerror(errno));
		gen = NULL;
	}
	free(out.parts);
	free(out.texts);
	return gen;
}

struct tapset_part *const *tapset_generated(struct session *s, const char *head, size_t *n,
					    bool *failed)
{
	struct tapset_lib *l = lib_of(s);
	const struct tapset_generator *g;
	const char *const *h;
	struct generated *gen;
	size_t i;

	*n = 0;
	for (i = 0; (g = generator_at(i)); i++) {
		for (h = g->heads; *h; h++)
			if (strcmp(*h, head) == 0)
				break;
		if (*h)
			break;
	}
	if (!g)
		return NULL;
	for (i = 0; i < l->ngens; i++)
		if (l->gens[i]->g == g)
			return NULL;	/* its names are in the tree already */
	gen = make(s, g);
	if (!gen) {
		*failed = true;
		return NULL;
	}
	l->gens = realloc(l->gens, (l->ngens + 1) * sizeof(*l->gens));
	if (!l->gens)
		die("out of memory");
	l->gens[l->ngens++] = gen;
	*n = gen->nparts;
	return gen->parts;
}

const char *const *tapset_part_aliases(const struct tapset_part *p)
{
	return p->aliases;
}

static bool load_one(struct session *s, struct tapset_part *p,
		     void (*collect)(void *ctx, struct file_ast *f), void *ctx)
{
	struct parse_opts o = lib_of(s)->opts;
	struct stat st;
	const char *text;
	struct file_ast *fa;

	if (p->loaded)
		return true;
	p->loaded = true;
	text = read_regular(p->path, &st);
	if (!text) {
		diag_error((struct loc){ 0 }, "cannot read the generated tapset %s: %s", p->path,
			   strerror(errno));
		return false;
	}
	o.compatible = NULL;
	fa = parse_text(diag_add_source(p->path, text), text, &o);
	if (!fa)
		return false;
	append_file(s, fa);
	collect(ctx, fa);
	return true;
}

bool tapset_part_load(struct session *s, struct tapset_part *p,
		      void (*collect)(void *ctx, struct file_ast *f), void *ctx)
{
	if (p->gen->common && !load_one(s, p->gen->common, collect, ctx))
		return false;
	return load_one(s, p, collect, ctx);
}
