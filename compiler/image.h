/* What a probe point lives in: the kernel, one of its modules (next: a
 * user binary or library).  An image has its function symbols, its types
 * (BTF, or DWARF converted to BTF), maybe its DWARF, and a way its memory
 * is read; the readers (kernel.c and btf.c for vmlinux, dwarf.c for a
 * module's .ko) produce images, and providers and the target-variable
 * library (fetch.c) ask images, never which reader made them.
 */
#ifndef TAPC_IMAGE_H
#define TAPC_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

struct btf;
struct kernel;

enum image_kind {
	IMAGE_KERNEL,			/* vmlinux: kernel_image() */
	IMAGE_MODULE,			/* a module's .ko: kernel_module() */
};

/* How a probe handler reads the image's memory. */
enum image_space {
	IMAGE_SPACE_KERNEL,		/* tapc_kread() */
	IMAGE_SPACE_USER,		/* tapc_uread(): the probed task's memory */
};

struct image {
	enum image_kind kind;
	enum image_space space;
	struct kernel *kernel;		/* the target kernel it belongs to */
	const char *name;		/* a module's name ("-" read as "_"); NULL: vmlinux */
	const char *path;		/* its file, NULL: vmlinux */
	/* types: a module's own, set when it is read; vmlinux's on first
	 * use (image_btf()) */
	struct btf *btf;
	bool btf_tried;
	char **funcs;			/* a module's function names, sorted
					 * (vmlinux's are the kernel's) */
	size_t nfuncs;
	void *dwarf;			/* dwarf.c's handle, NULL without DWARF */
	bool dwarf_tried;
	const char *types_from;		/* a module's types: "BTF" or "DWARF" */
	const char *types_error;	/* why they could not be read, or NULL */
};

/* The kernel's own image (vmlinux). */
struct image *kernel_image(struct kernel *k);
/* The image's types, loaded on first use (NULL when it has none). */
struct btf *image_btf(struct image *im);
/* Its function names, sorted, loaded on first use (kernel.c). */
char **image_funcs(struct image *im, size_t *n);
/* "kernel 6.1.0-1-amd64" or "module ext4", for messages. */
const char *image_what(const struct image *im);

/* The images of k's modules read so far, by name ("-" as "_"), so that a
 * module's file is read once however many probe points name it: NULL
 * when name's is not read yet; image_keep_module() adds one. */
struct image *image_module(struct kernel *k, const char *name);
struct image *image_keep_module(struct kernel *k, struct image *m);
/* k's installed modules (kernel_list_modules() over dirs[ndirs]), listed
 * once: the array and its length. */
struct module_file;
struct module_file *image_installed_modules(struct kernel *k, const char *const *dirs, int ndirs,
					    size_t *n);
/* Their function lists' on-disk index (modindex.c), opened once. */
struct ko_index *image_module_index(struct kernel *k);

#endif
