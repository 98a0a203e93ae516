/* The function index of module files, kept across compiles.
 *
 * module("*") asks every installed module whether it has a function
 * matching the point's pattern.  For plain .ko files that is a quick walk
 * of each symbol table, but a .ko.xz has to be decompressed whole first:
 * about 9 s for Debian 6.12's 4,230 modules on a small machine.  So the
 * answer, the list of probe-able function names of each module file
 * (ko_functions()), is kept in ~/.cache/tapc/modfuncs-KVER with the file's
 * size and modification time, and a file that still has both is not read
 * again.  The index only says which modules to open: their symbols, types
 * and sites always come from the files themselves.
 *
 * Format, text: a header line, then per module file "@SIZE MTIME_NS PATH"
 * and its function names, one a line.
 */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "decompress.h"
#include "diag.h"
#include "kernel.h"

#define INDEX_HEADER "tapc module functions 1"

struct ko_entry {
	const char *path;
	long long size, mtime;
	const char **funcs;
	size_t nfuncs;
};

struct ko_index {
	const char *file;		/* NULL: no cache directory */
	struct ko_entry *v;
	size_t n, cap;
	size_t *slot;			/* hash of path -> index + 1 */
	size_t nslots;			/* a power of two, > 2 n */
	struct buf text;		/* the file as read: names point into it */
	bool dirty;
};

static size_t path_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static struct ko_entry *index_find(struct ko_index *ix, const char *path)
{
	size_t i;

	if (!ix->nslots)
		return NULL;
	for (i = path_hash(path) & (ix->nslots - 1); ix->slot[i]; i = (i + 1) & (ix->nslots - 1))
		if (strcmp(ix->v[ix->slot[i] - 1].path, path) == 0)
			return &ix->v[ix->slot[i] - 1];
	return NULL;
}

static void index_rehash(struct ko_index *ix)
{
	size_t i, j;

	free(ix->slot);
	ix->nslots = 1024;
	while (ix->nslots < 2 * ix->cap)
		ix->nslots *= 2;
	ix->slot = calloc(ix->nslots, sizeof(*ix->slot));
	if (!ix->slot)
		die("out of memory");
	for (i = 0; i < ix->n; i++) {
		for (j = path_hash(ix->v[i].path) & (ix->nslots - 1); ix->slot[j]; j = (j + 1) & (ix->nslots - 1))
			;
		ix->slot[j] = i + 1;
	}
}

/* A new entry for path, or the existing one emptied. */
static struct ko_entry *index_put(struct ko_index *ix, const char *path)
{
	struct ko_entry *e = index_find(ix, path);

	if (e)
		return e;
	if (ix->n == ix->cap) {
		ix->cap = ix->cap ? 2 * ix->cap : 1024;
		ix->v = realloc(ix->v, ix->cap * sizeof(*ix->v));
		if (!ix->v)
			die("out of memory");
	}
	e = &ix->v[ix->n++];
	memset(e, 0, sizeof(*e));
	e->path = path;
	if (2 * ix->n >= ix->nslots)
		index_rehash(ix);
	else {
		size_t j;

		for (j = path_hash(path) & (ix->nslots - 1); ix->slot[j]; j = (j + 1) & (ix->nslots - 1))
			;
		ix->slot[j] = ix->n;
	}
	return e;
}

/* Parse the cache file's text in place; a malformed file is ignored from
 * the point where it goes wrong (it is rewritten on the next change). */
static void index_parse(struct ko_index *ix)
{
	char *p = (char *)ix->text.data, *end = p + ix->text.len, *nl;
	struct ko_entry *e = NULL;
	size_t cap = 0;

	nl = memchr(p, '\n', end - p);
	if (!nl || (size_t)(nl - p) != strlen(INDEX_HEADER) || memcmp(p, INDEX_HEADER, nl - p) != 0)
		return;
	for (p = nl + 1; p < end && (nl = memchr(p, '\n', end - p)); p = nl + 1) {
		*nl = 0;
		if (*p == '@') {
			long long size, mtime;
			int off = 0;

			if (sscanf(p + 1, "%lld %lld %n", &size, &mtime, &off) != 2 || !off)
				return;
			e = index_put(ix, p + 1 + off);
			free(e->funcs);		/* a path listed twice: the last wins */
			e->funcs = NULL;
			e->nfuncs = 0;
			e->size = size;
			e->mtime = mtime;
			cap = 0;
			continue;
		}
		if (!e)
			return;
		if (e->nfuncs == cap) {
			cap = cap ? 2 * cap : 64;
			e->funcs = realloc(e->funcs, cap * sizeof(*e->funcs));
			if (!e->funcs)
				die("out of memory");
		}
		e->funcs[e->nfuncs++] = p;
	}
}

struct ko_index *ko_index_open(struct kernel *k)
{
	struct ko_index *ix = arena_alloc(sizeof(*ix));
	const char *dir = cache_dir();

	if (!dir)
		return ix;
	ix->file = arena_printf("%s/modfuncs-%s", dir, k->release);
	if (buf_read_file(ix->file, &ix->text))
		index_parse(ix);
	return ix;
}

static bool file_stamp(const char *path, long long *size, long long *mtime)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return false;
	*size = st.st_size;
	*mtime = (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
	return true;
}

static void collect(const char *name, void *arg)
{
	struct ko_entry *e = arg;

	e->funcs[e->nfuncs++] = arena_strdup(name);
}

long ko_index_count(struct ko_index *ix, const char *path, const char *glob, const char **err)
{
	struct ko_entry *e;
	struct ko_image *ko;
	long long size, mtime;
	size_t i, n;
	long count = 0;

	/* the index is shared by compiles run from anywhere */
	if (path[0] != '/') {
		char cwd[4096];

		if (getcwd(cwd, sizeof(cwd)))
			path = arena_printf("%s/%s", cwd, path);
	}
	e = index_find(ix, path);
	if (!file_stamp(path, &size, &mtime)) {
		*err = arena_printf("can't read %s: %s", path, strerror(errno));
		return -1;
	}
	if (!e || e->size != size || e->mtime != mtime) {
		if (!(ko = ko_open(path, err)))
			return -1;
		e = index_put(ix, arena_strdup(path));
		e->size = size;
		e->mtime = mtime;
		n = ko_functions(ko, NULL, NULL, NULL);
		free(e->funcs);
		e->funcs = malloc((n ? n : 1) * sizeof(*e->funcs));
		if (!e->funcs)
			die("out of memory");
		e->nfuncs = 0;
		ko_functions(ko, NULL, collect, e);
		ko_close(ko);
		/* a path with a newline can't be written back */
		ix->dirty |= !strchr(path, '\n');
	}
	for (i = 0; i < e->nfuncs; i++)
		count += fnmatch(glob, e->funcs[i], 0) == 0;
	return count;
}

void ko_index_save(struct ko_index *ix)
{
	const char *tmp;
	size_t i, j;
	FILE *f;

	if (!ix->dirty || !ix->file)
		return;
	ix->dirty = false;
	/* written whole and renamed: a concurrent compile reads the old or
	 * the new index, never half of one */
	tmp = arena_printf("%s.%d", ix->file, (int)getpid());
	if (!(f = fopen(tmp, "w")))
		return;
	fprintf(f, "%s\n", INDEX_HEADER);
	for (i = 0; i < ix->n; i++) {
		const struct ko_entry *e = &ix->v[i];
		long long size, mtime;

		/* files gone or changed since they were indexed are dropped */
		if (strchr(e->path, '\n') || !file_stamp(e->path, &size, &mtime) || size != e->size ||
		    mtime != e->mtime)
			continue;
		fprintf(f, "@%lld %lld %s\n", e->size, e->mtime, e->path);
		for (j = 0; j < e->nfuncs; j++)
			fprintf(f, "%s\n", e->funcs[j]);
	}
	if (fclose(f) != 0 || rename(tmp, ix->file) != 0)
		unlink(tmp);
}
