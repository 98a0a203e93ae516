/* Where a kernel's image and modules are: /boot and /lib/modules, or
 * tapc's cache of kernels unpacked for the VM sandbox (kernel_files.h).
 * Shared by tapc (BTF from the image, modules to probe) and taprun --vm
 * (the image to boot, the virtio/9p modules for the guest). */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel_files.h"

static char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (n < 0) {
		perror("tapc");
		exit(1);
	}
	return p;
}

char *kfiles_cache_dir(void)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return xasprintf("%s/tapc/kernels", xdg);
	if (home && *home)
		return xasprintf("%s/.cache/tapc/kernels", home);
	return NULL;
}

/* The cache's copy of SUB followed by the release (a path in the unpacked
 * package of that release), or NULL without a cache directory. */
static char *in_cache(const char *sub, const char *release)
{
	char *dir = kfiles_cache_dir(), *p;

	if (!dir)
		return NULL;
	p = xasprintf("%s/%s/%s%s", dir, release, sub, release);
	free(dir);
	return p;
}

/* path when it is readable (as a file, or as a directory with a kernel/
 * subdirectory), else NULL; path is freed then. */
static char *readable(char *path, bool modules)
{
	struct stat st;
	char *k = modules ? xasprintf("%s/kernel", path) : NULL;
	bool ok = modules ? stat(k, &st) == 0 && S_ISDIR(st.st_mode) : access(path, R_OK) == 0;

	free(k);
	if (ok)
		return path;
	free(path);
	return NULL;
}

char *kfiles_image(const char *release)
{
	char *p = readable(xasprintf("/boot/vmlinuz-%s", release), false);
	char *c = p ? NULL : in_cache("boot/vmlinuz-", release);

	return p ? p : c ? readable(c, false) : NULL;
}

char *kfiles_modules(const char *release)
{
	char *p = readable(xasprintf("/lib/modules/%s", release), true);
	char *c = p ? NULL : in_cache("lib/modules/", release);

	return p ? p : c ? readable(c, true) : NULL;
}

void kfiles_each_image(void (*fn)(const char *release, void *arg), void *arg)
{
	char *cache = kfiles_cache_dir();
	const char *dirs[] = { "/boot", cache };
	struct dirent *e;

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		DIR *d = dirs[i] ? opendir(dirs[i]) : NULL;

		while (d && (e = readdir(d))) {
			/* /boot/vmlinuz-R, or the cache's R/ */
			const char *rel = i ? e->d_name : e->d_name + 8;
			char *img;

			if (i ? e->d_name[0] == '.' : strncmp(e->d_name, "vmlinuz-", 8) || !e->d_name[8])
				continue;
			img = kfiles_image(rel);
			if (img)
				fn(rel, arg);
			free(img);
		}
		if (d)
			closedir(d);
	}
	free(cache);
}
