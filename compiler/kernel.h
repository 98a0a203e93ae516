/* The one place that knows the target kernel.
 *
 * Release, Kbuild directory, the functions that can be probed (kallsyms for
 * the running kernel, System.map or BTF for another one), function
 * prototypes from BTF, and whether this host can load modules at all.
 * Everything is looked up lazily: a -p1 run never touches the kernel.
 * What a probe point lives in (the kernel or one of its modules) is an
 * image (image.h): symbols and types are asked of images.
 */
#ifndef TAPC_KERNEL_H
#define TAPC_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "image.h"

struct btf;
struct syscall_table;
struct module_file;
struct ko_index;

struct kernel {
	char *release;
	char *build_dir;		/* NULL when absent */
	bool running;			/* target is the kernel we run on */
	/* vmlinux, as kernel_image() shows it: its BTF (btf_load()) and
	 * function names, read on first use */
	struct btf *btf;		/* NULL until loaded or if absent */
	bool btf_tried;
	char **funcs;			/* sorted probe-able function names */
	size_t nfuncs;
	bool funcs_loaded;
	char **blacklist;		/* sorted, from the kprobe blacklist */
	size_t nblacklist;
	struct noprobe {		/* sorted: what kallsyms.c found refused */
		const char *name, *why;
	} *noprobe;
	size_t nnoprobe;
	bool noprobe_loaded;
	char **initfuncs;		/* sorted, in .init.text (freed after boot);
					 * known only from a symbol file with addresses */
	size_t ninitfuncs;
	char **exports;			/* sorted "MODULE:symbol" of Module.symvers */
	size_t nexports;
	bool exports_loaded;
	char **config;			/* "CONFIG_X=value" lines of .config, sorted */
	size_t nconfig;
	bool config_loaded;
	struct image *image;		/* kernel_image() */
	/* the module images read so far (kernel_module()), by name: a
	 * module's file is read once however many points name it */
	struct image **modules;
	int nmodules, modules_cap;
	struct module_file *installed;	/* the modules installed, once listed */
	size_t ninstalled;
	bool installed_listed;
	struct ko_index *ko_index;	/* their function lists, cached on disk */
	struct syscall_table *syscalls;	/* syscalls.c's tables, once read */
};

/* Open the target: arg is NULL (running kernel, or the default VM kernel
 * when for_vm), a release, or a build directory.  Prints an error and
 * returns NULL when the kernel can't be found. */
struct kernel *kernel_open(const char *arg, bool for_vm);

/* The newest kernel with an image (/boot/vmlinuz-KVER or tapc's kernel
 * cache, kernel_files.h) and /lib/modules/KVER/build, or NULL. */
char *kernel_default_release(void);

/* The functions of an image (the kernel's, or a module's). */
bool kernel_has_function(struct image *im, const char *name);
/* How many of im's functions are called name (static ones may share it). */
size_t kernel_function_count(struct image *im, const char *name);
/* Calls fn for every function matching the glob pattern; returns the count. */
size_t kernel_match_functions(struct image *im, const char *pattern,
			      void (*fn)(const char *name, void *arg), void *arg);
/* The known function name closest to name (edit distance), or NULL. */
const char *kernel_closest_function(struct image *im, const char *name);
/* The one of names[n] closest to name (edit distance, within a third of
 * its length), or NULL. */
const char *closest_name(const char *name, char *const *names, size_t n);
/* True when function name of im can't take a kprobe: kprobes' own code,
 * the running kernel's debugfs blacklist and init text, what kallsyms.c
 * finds in the target's image (__init, NOKPROBE_SYMBOL, noinstr, patched
 * code).  Modules: kprobes' own code only. */
bool kernel_blacklisted(struct image *im, const char *name);
/* Whether im (the kernel or a module) exports name (EXPORT_SYMBOL*), as
 * the build tree's Module.symvers says; false without one. */
bool kernel_exported(struct image *im, const char *name);
/* Why name can't be probed (a static phrase), or NULL. */
const char *kernel_blacklist_reason(struct image *im, const char *name);

/* Parameter of func by name, from im's types: 1-based position, 0 when
 * func has no such parameter, -1 when the types don't know func. */
int kernel_func_param(struct image *im, const char *func, const char *param);
/* Parameter names of func into names[max]; returns the count or -1. */
int kernel_func_params(struct image *im, const char *func, const char **names, int max);

/* Parameter names of syscall NAME (without sys_), from the target's
 * include/linux/syscalls.h; returns the count or -1. */
int kernel_syscall_params(struct kernel *k, const char *name, const char **names, int max);

/* The file rel (e.g. "include/linux/syscalls.h") of k's build tree, also
 * when the tree keeps its common headers apart (Debian's -common
 * package, named by the tree's Makefile); false when there is none. */
bool kernel_find_header(struct kernel *k, const char *rel, char *path, size_t n);
/* The value of CONFIG_NAME in the target's .config (build tree, else
 * /boot/config-KVER): "y", "m", "64", a string without its quotes; NULL
 * when unset.  For %( CONFIG_X == "y" %); k is void * to fit the parser's
 * config callback (parse.h). */
const char *kernel_config(void *k, const char *name);

/* Can this host load modules with kprobes?  When not, *why says why. */
bool kernel_host_can_load(const char **why);

/* btf.c: the .BTF section of an ELF image (libelf's Elf), or NULL. */
struct Elf;
const void *btf_elf_section(struct Elf *e, size_t *size);
struct buf;
/* btf.c: release's image, /boot/vmlinuz-RELEASE or tapc's kernel cache's
 * (kernel_files.h), as a path for messages (arena). */
const char *kernel_vmlinuz_path(const char *release);
/* btf.c: the vmlinux ELF inside release's image, decompressed. */
bool kernel_vmlinux(const char *release, struct buf *vmlinux);
/* kallsyms.c: from the kallsyms tables of a vmlinux image, what can't be
 * probed (__init, NOKPROBE_SYMBOL, __kprobes, noinstr, entry code), into
 * the cache for release. */
void kallsyms_store(const char *release, struct buf *vmlinux);
/* kallsyms.c: why the kernel refuses a kprobe on function name (a static
 * phrase), or NULL; from the cache, or from k's image once. */
const char *kallsyms_noprobe(struct kernel *k, const char *name);
/* btf.c: what a cache entry made from release's image was made from (its
 * size and modification time; "" without one), for cache_seal(). */
const char *kernel_image_stamp(const char *release);
/* btf.c: vmlinux's BTF (NULL when unavailable; a note is printed with -v);
 * image_btf() for an image's. */
struct btf *btf_load(struct kernel *k, int verbose);
/* Names of all BTF functions, sorted (for targets without a real System.map). */
char **btf_function_names(struct btf *btf, size_t *n);

/* Types of an image (btf.c).  Type ids are BTF ids of image_btf(im). */
/* The FUNC_PROTO id of func, or -1. */
int btf_func_proto(struct image *im, const char *func);
/* Type of parameter argno (1-based) of func, 0 for its return type; -1 if
 * unknown. */
int btf_func_param_type(struct image *im, const char *func, int argno);
/* "struct task_struct", "size_t", "union u", "enum e": the type's id or -1. */
int btf_find_type(struct image *im, const char *name);
/* The type as C spells it, SystemTap style: "struct file*", "char*". */
char *btf_type_name(const struct btf *btf, int id);

/* Names (without btf_trace_) of the target's tracepoints, sorted. */
char **btf_tracepoint_names(struct btf *btf, size_t *n);
/* Arguments of tracepoint name (TP_PROTO, without the data pointer):
 * types[i] and names[i] (NULL when BTF doesn't say); the count or -1. */
int btf_tracepoint_params(struct image *im, const char *name, const char **names, int *types,
			  int max);
/* Size in bytes of a type (-1 when unknown). */
int btf_type_size(struct image *im, int id);

/* modules.c: the module files of a kernel. */
/* An installed module: its name as the kernel knows it ("-" read as "_",
 * as modprobe does) and its .ko, .ko.xz or .ko.zst file. */
struct module_file {
	const char *name;
	const char *path;
};
/* name with "-" as "_" (the kernel's KBUILD_MODNAME spelling). */
const char *module_canonical_name(const char *name);
/* The file of module name for k: in dirs[] (--module-path) or below them,
 * then /usr/lib/debug/lib/modules/KVER and /lib/modules/KVER; NULL if none. */
char *kernel_find_module(struct kernel *k, const char *name, const char *const *dirs, int ndirs);
/* Every module installed for k, looked for where kernel_find_module()
 * looks, each name once (the first found wins), sorted by name. */
size_t kernel_list_modules(struct kernel *k, const char *const *dirs, int ndirs,
			   struct module_file **out);
/* A module's ELF image in memory: mapped, or decompressed from .xz/.zst. */
struct ko_image;
struct ko_image *ko_open(const char *path, const char **err);
void ko_close(struct ko_image *ko);
const char *ko_path(const struct ko_image *ko);
/* The image and its size (an ELF relocatable object). */
const void *ko_data(const struct ko_image *ko, size_t *size);
/* A file descriptor holding the uncompressed image, for libdwfl (which
 * takes it over), or -1 to let libdwfl open ko_path() itself. */
int ko_take_fd(struct ko_image *ko);
/* Calls fn (if not NULL) for every function symbol that stays in memory
 * once the module is loaded and matches glob (NULL: all); the count. */
size_t ko_functions(const struct ko_image *ko, const char *glob,
		    void (*fn)(const char *name, void *arg), void *arg);

/* modindex.c: which functions each module file has, cached across
 * compiles in ~/.cache/tapc/modfuncs-KVER (for module("GLOB")). */
struct ko_index;
struct ko_index *ko_index_open(struct kernel *k);
/* How many of path's functions (as ko_functions() lists them) match glob:
 * from the index while the file's size and mtime are unchanged, else from
 * the file.  -1 with *err set when it can't be read. */
long ko_index_count(struct ko_index *ix, const char *path, const char *glob, const char **err);
/* Write the index back if it changed. */
void ko_index_save(struct ko_index *ix);

/* dwarf.c: modules and debuginfo through libdw. */
/* The image of k's module name from its file's image ko (taken over):
 * funcs are its function symbols, btf its own BTF or its DWARF types as
 * BTF (NULL without either).  NULL with *err set when it can't be read. */
struct image *kernel_module(struct kernel *k, const char *name, struct ko_image *ko,
			    const char **err);
/* im with its DWARF opened (vmlinux debuginfo for the kernel, a module's
 * .ko), or NULL when it has none. */
struct image *kernel_debuginfo(struct image *im);
/* Where kernel_debuginfo() looks, for messages. */
const char *kernel_debuginfo_paths(struct kernel *k);
/* DEBUGINFOD_URLS is set: libdwfl asks its servers for what is missing. */
bool debuginfod_wanted(void);
/* The end of a "needs debuginfo" message: where debuginfod stands. */
const char *debuginfod_hint(void);
/* A probe site found in DWARF: an address inside function symbol func. */
struct dwarf_site {
	const char *func;		/* the function symbol the address is in */
	unsigned long offset;		/* from func */
	unsigned long addr;		/* in the DWARF's (libdwfl's) address space */
	const char *file;		/* source file: the line's, or func's decl_file */
	int line;			/* 0: a function's entry */
	/* func names several functions (statics): kallsyms would take the
	 * first, so the site is anchor + anchor_offset ("_text" in vmlinux;
	 * "" when there is no anchor to use) */
	const char *anchor;
	unsigned long anchor_offset;
};
/* Call fn for the first statement of FILE:LINE in each function matching
 * the glob func of im's DWARF (a kernel_debuginfo() image); the count, or
 * -1 without DWARF. */
int dwarf_line_sites(struct image *im, const char *func, const char *file, int line,
		     void (*fn)(const struct dwarf_site *ds, void *arg), void *arg);
/* Call fn for the entry of each function matching the glob func whose
 * DWARF declaration is in FILE (a path suffix or glob); as above. */
int dwarf_func_sites(struct image *im, const char *func, const char *file,
		     void (*fn)(const struct dwarf_site *ds, void *arg), void *arg);
/* A variable in scope at a DWARF site (dwarf_vars.c). */
struct dwarf_var {
	const char *name;
	int type;			/* BTF id in dwarf_vars_view()'s btf */
	/* C expression: the value, or for a struct or union the object's
	 * address (btf_fetch()'s base), NULL when why says why not */
	const char *base;
	bool read_fails;		/* base reads memory (may fault) */
	const char *why;
	bool is_param;			/* a formal parameter, else a local */
};
/* The image of dk (a kernel_debuginfo() image) whose btf holds the types
 * of its DWARF variables; NULL without memory. */
struct image *dwarf_vars_view(struct image *dk);
/* Variable name (no $) in scope at addr (a struct dwarf_site's) into *v;
 * false when no scope there has one.  loc: the script position for run
 * time errors of its reads, as a C string literal. */
bool dwarf_var_at(struct image *dk, unsigned long addr, const char *name, const char *loc,
		  struct dwarf_var *v);
/* Every variable in scope at addr, innermost first (at most max); the
 * count, or -1 when the address is in no function's DWARF. */
int dwarf_vars_at(struct image *dk, unsigned long addr, struct dwarf_var *v, int max);

#endif
