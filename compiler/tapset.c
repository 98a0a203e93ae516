/* The tapset library: finding and reading it (pass 1; tapset.h).
 *
 * Pass 1 reads every library file, as stap does; what is cheap about it is
 * the parser (about 0.5 M lines a second).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "ast.h"
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

int tapset_parse_files(struct session *s, const struct parse_opts *lib)
{
	struct reading r = { lib, 0 };

	each_file(s, ".stp", parse_file_of, &r);
	return r.count;
}
