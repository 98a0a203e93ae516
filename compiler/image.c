/* The images probe points live in: the target kernel and its modules,
 * opened on first use through the session; the module images read so far
 * are kept with their kernel.
 */
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "kernel.h"
#include "session.h"

struct kernel *session_kernel(struct session *s)
{
	if (!s->kernel) {
		s->kernel = kernel_open(s->kernel_arg, s->vm);
		if (!s->kernel)
			exit(1);
	}
	return s->kernel;
}

struct image *kernel_image(struct kernel *k)
{
	if (!k->image) {
		k->image = arena_alloc(sizeof(*k->image));
		k->image->kind = IMAGE_KERNEL;
		k->image->space = IMAGE_SPACE_KERNEL;
		k->image->kernel = k;
	}
	return k->image;
}

struct btf *image_btf(struct image *im)
{
	if (!im->btf_tried) {
		im->btf_tried = true;
		if (im->kind == IMAGE_KERNEL)
			im->btf = btf_load(im->kernel, 0);
	}
	return im->btf;
}

const char *image_what(const struct image *im)
{
	if (im->kind == IMAGE_MODULE)
		return arena_printf("module %s", im->name);
	return arena_printf("kernel %s", im->kernel->release);
}

struct image *image_module(struct kernel *k, const char *name)
{
	int i;

	for (i = 0; i < k->nmodules; i++)
		if (strcmp(k->modules[i]->name, name) == 0)
			return k->modules[i];
	return NULL;
}

struct image *image_keep_module(struct kernel *k, struct image *m)
{
	if (k->nmodules == k->modules_cap) {
		k->modules_cap = k->modules_cap ? 2 * k->modules_cap : 16;
		k->modules = realloc(k->modules, k->modules_cap * sizeof(*k->modules));
		if (!k->modules)
			die("out of memory");
	}
	k->modules[k->nmodules++] = m;
	return m;
}

struct module_file *image_installed_modules(struct kernel *k, const char *const *dirs, int ndirs,
					    size_t *n)
{
	if (!k->installed_listed) {
		k->ninstalled = kernel_list_modules(k, dirs, ndirs, &k->installed);
		k->installed_listed = true;
	}
	*n = k->ninstalled;
	return k->installed;
}

struct ko_index *image_module_index(struct kernel *k)
{
	if (!k->ko_index)
		k->ko_index = ko_index_open(k);
	return k->ko_index;
}
