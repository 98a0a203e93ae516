/* The per-user cache: runtime objects and kernel API tests (build.c), BTF
 * and the symbols of installed kernels (btf.c, kallsyms.c), module
 * function lists (modindex.c), generated tapsets (tapset.c), -p4 modules.
 *
 * What is cached goes into modules that are loaded into the kernel, so the
 * cache must be the user's alone: $XDG_CACHE_HOME/tapc, else ~/.cache/tapc
 * with ~ from HOME or, when HOME is unset, the password database (never a
 * shared directory such as /tmp/.cache), else tapc-cache-UID in the
 * temporary directory.  It is created with mode 0700; a cache directory
 * (or one above it) that we don't own or that others can write is refused
 * with an error, and nothing in it is read.  Each entry also records a
 * hash of its contents when it is made (cache_seal()), and a changed entry
 * is rebuilt, not used (cache_sealed()).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "diag.h"

static const struct loc no_loc;

uint64_t cache_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;

	while (n--) {
		h ^= *b++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

bool cache_hash_file(const char *path, uint64_t *h)
{
	char buf[65536];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	while ((r = read(fd, buf, sizeof(buf))) > 0)
		*h = cache_hash(*h, buf, (size_t)r);
	close(fd);
	return r == 0;
}

uint64_t cache_hash_tree(uint64_t h, const char *dir)
{
	struct dirent **list;
	int i, n = scandir(dir, &list, NULL, alphasort);

	for (i = 0; i < n; i++) {
		const char *name = list[i]->d_name, *path = arena_printf("%s/%s", dir, name);
		struct stat st;

		if (strcmp(name, ".") && strcmp(name, "..") && lstat(path, &st) == 0) {
			h = cache_hash(h, name, strlen(name) + 1);
			if (S_ISDIR(st.st_mode))
				h = cache_hash_tree(h, path);
			else if (!S_ISREG(st.st_mode) || !cache_hash_file(path, &h))
				h = cache_hash(h, "?", 1);	/* can't be what we sealed */
		}
		free(list[i]);
	}
	free(list);
	return h;
}

/* Refuse dir unless it is ours and only we can write it; a directory
 * above it (or ~) may be root's, and sticky like /tmp. */
static bool dir_trusted(const char *dir, bool is_cache)
{
	struct stat st;
	uid_t me = geteuid();

	if (stat(dir, &st) != 0) {
		diag_error(no_loc, "cache directory %s: %s", dir, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		diag_error(no_loc, "cache directory %s is not a directory", dir);
		return false;
	}
	if (st.st_uid != me && (is_cache || st.st_uid != 0)) {
		diag_error(no_loc, "cache directory %s belongs to uid %u, not to you (uid %u): "
			   "remove it, or set XDG_CACHE_HOME", dir, (unsigned)st.st_uid, (unsigned)me);
		return false;
	}
	if ((st.st_mode & 022) && (is_cache || !(st.st_mode & S_ISVTX))) {
		diag_error(no_loc, "cache directory %s can be written by others (mode %04o): "
			   "run chmod 700 %s, or set XDG_CACHE_HOME", dir,
			   (unsigned)(st.st_mode & 07777), dir);
		return false;
	}
	/* ours and safe: keep what tapc caches to ourselves */
	if (is_cache && (st.st_mode & 077))
		chmod(dir, 0700);
	return true;
}

/* Where the cache lives (not yet checked). */
static const char *cache_path(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME"), *tmp;
	struct passwd *pw;

	if (xdg && xdg[0] == '/')
		return arena_printf("%s/tapc", xdg);
	if (!home || home[0] != '/') {
		pw = getpwuid(geteuid());
		home = pw && pw->pw_dir && pw->pw_dir[0] == '/' && strcmp(pw->pw_dir, "/") ? pw->pw_dir : NULL;
	}
	if (home)
		return arena_printf("%s/.cache/tapc", home);
	tmp = getenv("TMPDIR");
	return arena_printf("%s/tapc-cache-%u", tmp && *tmp ? tmp : "/tmp", (unsigned)geteuid());
}

static bool make_dir(const char *dir)
{
	if (mkdir(dir, 0700) == 0 || errno == EEXIST)
		return true;
	diag_error(no_loc, "cannot make cache directory %s: %s", dir, strerror(errno));
	return false;
}

const char *cache_dir(void)
{
	static const char *dir;
	static bool tried;
	const char *path;
	char *parent;

	if (tried)
		return dir;
	tried = true;
	path = cache_path();
	parent = arena_strdup(path);
	*strrchr(parent, '/') = '\0';
	/* ~/.cache too is made 0700, as the XDG spec asks */
	if (make_dir(parent) && make_dir(path) && dir_trusted(parent, false) && dir_trusted(path, true))
		dir = path;
	return dir;
}

/* The seal of an entry: "tapc-seal HASH STAMP", STAMP saying what it was
 * made from (may be ""). */
static const char *seal_text(uint64_t h, const char *stamp)
{
	return arena_printf("tapc-seal %016" PRIx64 " %s\n", h, stamp);
}

bool cache_seal(const char *seal, uint64_t h, const char *stamp)
{
	const char *tmp = arena_printf("%s.%d", seal, (int)getpid()), *text = seal_text(h, stamp);
	FILE *f = fopen(tmp, "w");

	if (!f)
		return false;
	if (fputs(text, f) == EOF || fclose(f) != 0 || rename(tmp, seal) != 0) {
		unlink(tmp);
		return false;
	}
	return true;
}

bool cache_sealed(const char *seal, uint64_t h, const char *stamp)
{
	const char *want = seal_text(h, stamp);
	char got[512];
	FILE *f = fopen(seal, "r");
	bool same;

	if (!f)
		return false;
	same = fgets(got, sizeof(got), f) && !strcmp(got, want);
	fclose(f);
	return same;
}
