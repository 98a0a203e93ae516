/* module("NAME") and module("GLOB") for the kprobe provider: which
 * module files a probe point names, read into module images (kernel_module())
 * once per compilation and kept with the kernel (image.c).
 *
 * A glob is matched against every module installed for the target kernel
 * and in the --module-path directories (kernel_list_modules()).  A module
 * is opened only when the index of module functions (modindex.c) says it
 * has a function matching the point's pattern: module("*") would
 * otherwise read the DWARF or BTF of some 4,000 modules.
 */
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "kernel.h"
#include "kprobe.h"
#include "provider.h"
#include "session.h"

static void modules_not_found(struct session *s, const struct node *arg, const char *hint)
{
	struct kernel *k = session_kernel(s);

	diag_note(arg->loc, "looked in %s/lib/modules/%s (NAME.ko, .ko.xz, .ko.zst); give its directory with --module-path DIR",
		  s->nmodule_dirs ? "the --module-path directories and " : "", k->release);
	if (hint)
		diag_note(arg->loc, "did you mean module(\"%s\")?", hint);
}

static struct module_file *installed_modules(struct session *s, size_t *n)
{
	return image_installed_modules(session_kernel(s), s->module_dirs, s->nmodule_dirs, n);
}

/* The installed module name closest to what name (maybe a glob) meant. */
static const char *closest_module(struct session *s, const char *name)
{
	size_t n, i;
	struct module_file *mods = installed_modules(s, &n);
	char **names = arena_alloc((n + 1) * sizeof(*names));

	for (i = 0; i < n; i++)
		names[i] = (char *)mods[i].name;
	return closest_name(module_canonical_name(glob_literal(name)), names, n);
}

static struct image *open_view(struct session *s, const struct node *arg, const char *name,
			       const char *path, struct ko_image *ko)
{
	const char *err;
	struct image *m;

	if (!ko && !(ko = ko_open(path, &err))) {
		diag_error(arg->loc, "module(\"%s\"): %s", name, err);
		return NULL;
	}
	m = kernel_module(session_kernel(s), name, ko, &err);
	if (!m) {
		diag_error(arg->loc, "module(\"%s\"): %s", name, err);
		return NULL;
	}
	return image_keep_module(session_kernel(s), m);
}

struct image *module_view(struct session *s, const struct node *arg)
{
	struct kernel *k = session_kernel(s);
	struct image *m;
	const char *name = arg->u.str.value;
	char *path;

	if ((m = image_module(k, module_canonical_name(name))))
		return m;
	path = kernel_find_module(k, name, s->module_dirs, s->nmodule_dirs);
	if (!path) {
		diag_error(arg->loc, "module(\"%s\"): no %s.ko for kernel %s", name, name, k->release);
		modules_not_found(s, arg, closest_module(s, name));
		return NULL;
	}
	return open_view(s, arg, name, path, NULL);
}

static void ignore_name(const char *name, void *arg)
{
	(void)name;
	(void)arg;
}

int module_views_matching(struct session *s, const struct node *arg, const char *func,
			  struct image ***out, int *nnamed)
{
	const char *glob = arg->u.str.value;
	struct kernel *k = session_kernel(s);
	size_t i, ninstalled;
	struct module_file *mods = installed_modules(s, &ninstalled);
	struct ko_index *index = NULL;
	int n = 0;

	*out = arena_alloc((ninstalled + 1) * sizeof(**out));
	*nnamed = 0;
	for (i = 0; i < ninstalled; i++) {
		struct image *m;
		const char *err;
		long c;

		if (fnmatch(glob, mods[i].name, 0) != 0 &&
		    fnmatch(module_canonical_name(glob), mods[i].name, 0) != 0)
			continue;
		(*nnamed)++;
		if ((m = image_module(k, mods[i].name))) {
			if (kernel_match_functions(m, func, ignore_name, NULL))
				(*out)[n++] = m;
			continue;
		}
		index = image_module_index(k);
		c = ko_index_count(index, mods[i].path, func, &err);
		/* a module that can't be read can't match: say so only with -v */
		if (c < 0 && session_verbose(s, 2))
			fprintf(stderr, "tapc: note: %s\n", err);
		if (c <= 0)
			continue;
		if (!(m = open_view(s, arg, mods[i].name, mods[i].path, NULL)))
			return -1;
		(*out)[n++] = m;
	}
	if (index)
		ko_index_save(index);
	if (!*nnamed) {
		diag_error(arg->loc, "module(\"%s\"): no module of kernel %s matches", glob, k->release);
		modules_not_found(s, arg, closest_module(s, glob));
		return -1;
	}
	return n;
}
