/* The one place that knows the target kernel.
 *
 * Release, Kbuild directory, the functions that can be probed (kallsyms for
 * the running kernel, System.map or BTF for another one), function
 * prototypes from BTF, and whether this host can load modules at all.
 * Everything is looked up lazily: a -p1 run never touches the kernel.
 */
#ifndef TAPC_KERNEL_H
#define TAPC_KERNEL_H

#include <stdbool.h>
#include <stddef.h>

struct btf;

struct kernel {
	char *release;
	char *build_dir;		/* NULL when absent */
	bool running;			/* target is the kernel we run on */
	struct btf *btf;		/* NULL until loaded or if absent */
	bool btf_tried;
	char **funcs;			/* sorted probe-able function names */
	size_t nfuncs;
	bool funcs_loaded;
	char **blacklist;		/* sorted, from the kprobe blacklist */
	size_t nblacklist;
};

/* Open the target: arg is NULL (running kernel, or the default VM kernel
 * when for_vm), a release, or a build directory.  Prints an error and
 * returns NULL when the kernel can't be found. */
struct kernel *kernel_open(const char *arg, bool for_vm);

/* The newest /boot/vmlinuz-KVER that has /lib/modules/KVER/build, or NULL. */
char *kernel_default_release(void);

bool kernel_has_function(struct kernel *k, const char *name);
/* Calls fn for every function matching the glob pattern; returns the count. */
size_t kernel_match_functions(struct kernel *k, const char *pattern,
			      void (*fn)(const char *name, void *arg), void *arg);
/* The known function name closest to name (edit distance), or NULL. */
const char *kernel_closest_function(struct kernel *k, const char *name);
/* True when name is on the kprobe blacklist (running kernel only). */
bool kernel_blacklisted(struct kernel *k, const char *name);

/* Parameter of func by name, from BTF: 1-based position, 0 when func has no
 * such parameter, -1 when BTF doesn't know func. */
int kernel_func_param(struct kernel *k, const char *func, const char *param);
/* Parameter names of func into names[max]; returns the count or -1. */
int kernel_func_params(struct kernel *k, const char *func, const char **names, int max);

/* Parameter names of syscall NAME (without sys_), from the target's
 * include/linux/syscalls.h; returns the count or -1. */
int kernel_syscall_params(struct kernel *k, const char *name, const char **names, int max);

/* Can this host load modules with kprobes?  When not, *why says why. */
bool kernel_host_can_load(const char **why);

/* btf.c: the target's BTF (NULL when unavailable; a note is printed with -v). */
struct btf *btf_load(struct kernel *k, int verbose);
/* Names of all BTF functions, sorted (for targets without a real System.map). */
char **btf_function_names(struct btf *btf, size_t *n);

#endif
