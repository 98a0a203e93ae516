/* The module files of a target kernel: finding module NAME's file, listing
 * every installed module (for module("GLOB")), and reading one into memory.
 *
 * Distributions install modules plain (Debian's 6.1: NAME.ko) or compressed
 * (Debian's 6.12: NAME.ko.xz; others use .ko.zst), and name files with "-"
 * or "_" as they like while the kernel always says "_" (modprobe treats the
 * two alike, and so do we).  A compressed module is decompressed into
 * memory once (liblzma, libzstd); everything after that reads the plain
 * ELF image: its symbol table here, its .BTF in dwarf.c, its DWARF through
 * libdwfl from a memfd holding the same bytes.
 *
 * module("*") makes a compile visit every installed module (about 4,000 on
 * Debian), so the symbol table walk is all that happens to a module before
 * it is known to have a matching function: no DWARF, no BTF (and
 * modindex.c remembers what the walk found).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "decompress.h"
#include "kernel.h"
#include "kernel_files.h"

enum ko_compression { KO_PLAIN, KO_XZ, KO_ZSTD };

static const struct {
	const char *suffix;
	enum ko_compression how;
} ko_suffixes[] = {
	{ ".ko", KO_PLAIN },
	{ ".ko.xz", KO_XZ },
	{ ".ko.zst", KO_ZSTD },
};

struct ko_image {
	const char *path;
	unsigned char *data;
	size_t size;
	enum ko_compression how;	/* KO_PLAIN: data is mmap'ed */
};

const char *module_canonical_name(const char *name)
{
	char *c = arena_strdup(name), *p;

	for (p = c; *p; p++)
		if (*p == '-')
			*p = '_';
	return c;
}

/* The canonical module name of a file name, or NULL if it is no module. */
static const char *module_of_file(const char *file, enum ko_compression *how)
{
	size_t n = strlen(file), i;

	for (i = 0; i < sizeof(ko_suffixes) / sizeof(ko_suffixes[0]); i++) {
		size_t ls = strlen(ko_suffixes[i].suffix);

		if (n > ls && strcmp(file + n - ls, ko_suffixes[i].suffix) == 0) {
			if (how)
				*how = ko_suffixes[i].how;
			return module_canonical_name(arena_strndup(file, n - ls));
		}
	}
	return NULL;
}

/* Calls fn for every module file in dir and below it (depth levels of
 * subdirectories; symlinks like build/ and source/ are not followed);
 * stops when fn returns true. */
static bool walk_modules(const char *dir, int depth,
			 bool (*fn)(const char *name, const char *path, void *arg), void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool stop = false;

	if (!d)
		return false;
	while (!stop && (e = readdir(d))) {
		const char *name, *path;
		unsigned char type = e->d_type;
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		/* some file systems don't say: ask, without following links */
		if (type == DT_UNKNOWN && lstat(arena_printf("%s/%s", dir, e->d_name), &st) == 0)
			type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISLNK(st.st_mode) ? DT_LNK : DT_REG;
		if (type == DT_DIR) {
			if (depth > 0)
				stop = walk_modules(arena_printf("%s/%s", dir, e->d_name), depth - 1, fn, arg);
			continue;
		}
		if (type != DT_REG && type != DT_LNK)
			continue;
		if (!(name = module_of_file(e->d_name, NULL)))
			continue;
		path = arena_printf("%s/%s", dir, e->d_name);
		if (access(path, R_OK) == 0)
			stop = fn(name, path, arg);
	}
	closedir(d);
	return stop;
}

/* Where modules are looked for, in order: --module-path (two levels
 * deep: a build tree's subdirectories), Debian's debug copies (which have
 * DWARF), the installed modules (or those of a kernel in tapc's kernel
 * cache, kernel_files.h). */
static int module_dirs(struct kernel *k, const char *const *dirs, int ndirs,
		       const char **out, int *depth, int max)
{
	char *mods = kfiles_modules(k->release);
	int n = 0, i;

	for (i = 0; i < ndirs && n < max - 2; i++) {
		depth[n] = 2;
		out[n++] = dirs[i];
	}
	depth[n] = 8;
	out[n++] = arena_printf("/usr/lib/debug/lib/modules/%s", k->release);
	depth[n] = 8;
	out[n++] = mods ? arena_strdup(mods) : arena_printf("/lib/modules/%s", k->release);
	free(mods);
	return n;
}

struct find {
	const char *want;
	const char *found;
};

static bool find_one(const char *name, const char *path, void *arg)
{
	struct find *f = arg;

	if (strcmp(name, f->want) != 0)
		return false;
	f->found = path;
	return true;
}

char *kernel_find_module(struct kernel *k, const char *name, const char *const *dirs, int ndirs)
{
	const char *where[66];
	int depth[66], n = module_dirs(k, dirs, ndirs, where, depth, 66), i;
	struct find f = { module_canonical_name(name), NULL };

	for (i = 0; i < n && !f.found; i++)
		walk_modules(where[i], depth[i], find_one, &f);
	return (char *)f.found;
}

struct listing {
	struct module_file *v;
	size_t n, cap;
};

static bool list_one(const char *name, const char *path, void *arg)
{
	struct listing *l = arg;

	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 1024;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v) {
			perror("tapc");
			exit(1);
		}
	}
	l->v[l->n].name = name;
	l->v[l->n++].path = path;
	return false;
}

/* By name, then by priority: while sorting, each path carries the index
 * at which it was found as an 8-digit prefix (qsort is not stable). */
static int cmp_module(const void *a, const void *b)
{
	const struct module_file *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->path, y->path);
}

size_t kernel_list_modules(struct kernel *k, const char *const *dirs, int ndirs,
			   struct module_file **out)
{
	const char *where[66];
	int depth[66], n = module_dirs(k, dirs, ndirs, where, depth, 66), i;
	struct listing l = { NULL, 0, 0 };
	size_t j, kept = 0;

	for (i = 0; i < n; i++)
		walk_modules(where[i], depth[i], list_one, &l);
	for (j = 0; j < l.n; j++)
		l.v[j].path = arena_printf("%08zx%s", j, l.v[j].path);
	if (l.n)	/* qsort's base must not be NULL, even for no element */
		qsort(l.v, l.n, sizeof(*l.v), cmp_module);
	for (j = 0; j < l.n; j++) {
		if (kept && strcmp(l.v[kept - 1].name, l.v[j].name) == 0)
			continue;
		l.v[kept] = l.v[j];
		l.v[kept++].path += 8;
	}
	*out = l.v;
	return kept;
}

/* ---- reading a module ---- */

struct ko_image *ko_open(const char *path, const char **err)
{
	struct ko_image *ko = arena_alloc(sizeof(*ko));
	struct buf in = { 0 }, out = { 0 };
	const char *slash = strrchr(path, '/');
	bool ok;

	ko->path = arena_strdup(path);
	if (!module_of_file(slash ? slash + 1 : path, &ko->how))
		ko->how = KO_PLAIN;	/* a .ko by another name (a module path) */
	if (ko->how == KO_PLAIN) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;

		if (fd < 0 || fstat(fd, &st) != 0) {
			*err = arena_printf("can't read %s: %s", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return NULL;
		}
		ko->size = st.st_size;
		/* private and writable: libelf may fix up the image in place */
		ko->data = st.st_size ? mmap(NULL, st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0)
				      : MAP_FAILED;
		close(fd);
		if (ko->data == MAP_FAILED) {
			*err = arena_printf("can't read %s: %s", path, st.st_size ? strerror(errno) : "empty file");
			return NULL;
		}
	} else {
		if (!buf_read_file(path, &in)) {
			*err = arena_printf("can't read %s: %s", path, strerror(errno));
			free(in.data);
			return NULL;
		}
		ok = ko->how == KO_XZ ? decompress_xz(in.data, in.len, &out)
				      : decompress_zstd(in.data, in.len, &out);
		free(in.data);
		if (!ok) {
			*err = arena_printf("can't decompress %s (not a valid %s stream)", path,
					    ko->how == KO_XZ ? "xz" : "zstd");
			free(out.data);
			return NULL;
		}
		ko->data = out.data;
		ko->size = out.len;
	}
	if (ko->size < 4 || memcmp(ko->data, ELFMAG, SELFMAG) != 0) {
		*err = arena_printf("%s is not an ELF object%s", path,
				    ko->how == KO_PLAIN ? "" : " once decompressed");
		ko_close(ko);
		return NULL;
	}
	return ko;
}

void ko_close(struct ko_image *ko)
{
	if (!ko || !ko->data)
		return;
	if (ko->how == KO_PLAIN)
		munmap(ko->data, ko->size);
	else
		free(ko->data);
	ko->data = NULL;
}

const char *ko_path(const struct ko_image *ko)
{
	return ko->path;
}

const void *ko_data(const struct ko_image *ko, size_t *size)
{
	*size = ko->size;
	return ko->data;
}

int ko_take_fd(struct ko_image *ko)
{
	const char *slash = strrchr(ko->path, '/');
	size_t done = 0;
	int fd;

	if (ko->how == KO_PLAIN)
		return -1;
	fd = memfd_create(slash ? slash + 1 : ko->path, MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	while (done < ko->size) {
		ssize_t w = write(fd, ko->data + done, ko->size - done);

		if (w <= 0) {
			close(fd);
			return -1;
		}
		done += w;
	}
	return fd;
}

/* Text that is gone once the module has loaded, or was never a function
 * entry: .init/.exit sections, the padding symbols of newer kernels, the
 * out-of-line cold parts of functions, the module's init/exit aliases. */
static bool not_probeable(const char *name)
{
	return strstr(name, ".cold") || strncmp(name, "__pfx_", 6) == 0 ||
	       strncmp(name, "__cfi_", 6) == 0 || strcmp(name, "init_module") == 0 ||
	       strcmp(name, "cleanup_module") == 0;
}

static bool in_init_or_exit(Elf *elf, size_t shstrndx, size_t shndx)
{
	Elf_Scn *scn = elf_getscn(elf, shndx);
	GElf_Shdr sh;
	const char *sec;

	if (!scn || !gelf_getshdr(scn, &sh) || !(sec = elf_strptr(elf, shstrndx, sh.sh_name)))
		return false;
	return strncmp(sec, ".init", 5) == 0 || strncmp(sec, ".exit", 5) == 0;
}

size_t ko_functions(const struct ko_image *ko, const char *glob,
		    void (*fn)(const char *name, void *arg), void *arg)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	size_t shstrndx, count = 0;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)ko->data, ko->size);
	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		goto out;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, nsyms;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize ||
		    !(d = elf_getdata(scn, NULL)))
			continue;
		nsyms = sh.sh_size / sh.sh_entsize;
		for (i = 1; i < nsyms; i++) {
			GElf_Sym sym;
			const char *name;

			if (!gelf_getsym(d, i, &sym) || GELF_ST_TYPE(sym.st_info) != STT_FUNC ||
			    sym.st_shndx == SHN_UNDEF || sym.st_shndx >= SHN_LORESERVE)
				continue;
			name = elf_strptr(elf, sh.sh_link, sym.st_name);
			if (!name || !*name || (glob && fnmatch(glob, name, 0) != 0) || not_probeable(name) ||
			    in_init_or_exit(elf, shstrndx, sym.st_shndx))
				continue;
			count++;
			if (fn)
				fn(name, arg);
		}
		break;
	}
out:
	if (elf)
		elf_end(elf);
	return count;
}
