/* The target kernel's facts: release, build directory, probe-able
 * functions, the kprobe blacklist, and whether this host can load modules.
 *
 * The running kernel is described by uname(2), /proc/kallsyms and
 * /sys/kernel/debug/kprobes/blacklist; another installed kernel by
 * /lib/modules/KVER/build, its System.map (unless it is Debian's stub, which
 * names no symbols) and otherwise the function list of its BTF (btf.c).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <zlib.h>

#include "arena.h"
#include "kernel.h"
#include "kernel_files.h"
#include "syscalls.h"

static char *xstrdup_k(const char *s)
{
	char *p = strdup(s);

	if (!p) {
		perror("tapc");
		exit(1);
	}
	return p;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Debian-style release strings sort by their numeric parts. */
static int cmp_release(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long na = strtoul(a, &ea, 10), nb = strtoul(b, &eb, 10);

			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
		} else {
			if (*a != *b)
				return (unsigned char)*a - (unsigned char)*b;
			a++;
			b++;
		}
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/* kfiles_each_image(): keep the newest release that has a build tree. */
static void newest_with_build(const char *rel, void *arg)
{
	char **best = arg, path[PATH_MAX];

	snprintf(path, sizeof(path), "/lib/modules/%s/build", rel);
	if (is_dir(path) && (!*best || cmp_release(rel, *best) > 0)) {
		free(*best);
		*best = xstrdup_k(rel);
	}
}

char *kernel_default_release(void)
{
	char *best = NULL;

	kfiles_each_image(newest_with_build, &best);
	return best;
}

/* A build directory names its release in include/config/kernel.release. */
static char *release_of_build_dir(const char *dir)
{
	char path[PATH_MAX], buf[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/include/config/kernel.release", dir);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = 0;
	return xstrdup_k(buf);
}

struct kernel *kernel_open(const char *arg, bool for_vm)
{
	struct kernel *k = calloc(1, sizeof(*k));
	struct utsname u;
	char path[PATH_MAX];

	if (!k || uname(&u) != 0) {
		perror("tapc");
		exit(1);
	}
	if (arg && arg[0] == '/') {
		k->release = release_of_build_dir(arg);
		if (!k->release) {
			fprintf(stderr, "tapc: error: %s is not a kernel build directory\n", arg);
			free(k);
			return NULL;
		}
		k->build_dir = xstrdup_k(arg);
	} else {
		if (arg)
			k->release = xstrdup_k(arg);
		else if (for_vm)
			k->release = kernel_default_release();
		else
			k->release = xstrdup_k(u.release);
		if (!k->release) {
			fprintf(stderr, "tapc: error: no kernel image (in /boot or tapc's kernel cache) has a build tree "
				"in /lib/modules/KVER/build (scripts/vm-kernel.sh gets one for the VM)\n");
			free(k);
			return NULL;
		}
		snprintf(path, sizeof(path), "/lib/modules/%s/build", k->release);
		if (is_dir(path))
			k->build_dir = xstrdup_k(path);
	}
	k->running = strcmp(k->release, u.release) == 0;
	if (!k->running && !k->build_dir) {
		char *image = kfiles_image(k->release);

		if (!image) {
			fprintf(stderr, "tapc: error: kernel %s is not installed (no /boot/vmlinuz-%s, none in "
				"tapc's kernel cache and no /lib/modules/%s/build)\n",
				k->release, k->release, k->release);
			free(k);
			return NULL;
		}
		free(image);
	}
	return k;
}

static void push_name(char ***v, size_t *len, size_t *cap, const char *name)
{
	if (*len == *cap) {
		*cap = *cap ? *cap * 2 : 1024;
		*v = realloc(*v, *cap * sizeof(**v));
		if (!*v) {
			perror("tapc");
			exit(1);
		}
	}
	(*v)[(*len)++] = xstrdup_k(name);
}

struct text_sym {
	unsigned long addr;
	char *name;
};

/* Text symbols of a kallsyms/System.map style file into k->funcs; NULL if
 * it names none (Debian ships a one-line stub System.map).  Those between
 * _sinittext and _einittext also go to k->initfuncs: the kernel frees its
 * init text after boot, so a kprobe there can never fire (kallsyms shows
 * zero addresses to a user who may not see them: then none are known). */
static char **read_symbol_file(struct kernel *k, const char *path, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[512];
	struct text_sym *syms = NULL;
	char **v = NULL;
	size_t len = 0, cap = 0, i, icap = 0;
	unsigned long sinit = 0, einit = 0;

	*n = 0;
	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char type, name[256];
		unsigned long addr;

		if (sscanf(line, "%lx %c %255s", &addr, &type, name) != 3)
			continue;
		if (strcmp(name, "_sinittext") == 0)
			sinit = addr;
		else if (strcmp(name, "_einittext") == 0)
			einit = addr;
		if (type != 't' && type != 'T')
			continue;
		/* module symbols ("name [mod]") are not in vmlinux */
		if (strchr(line, '['))
			continue;
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			syms = realloc(syms, cap * sizeof(*syms));
			if (!syms) {
				perror("tapc");
				exit(1);
			}
		}
		syms[len].addr = addr;
		syms[len++].name = xstrdup_k(name);
	}
	fclose(f);
	v = malloc((len ? len : 1) * sizeof(*v));
	if (!v) {
		perror("tapc");
		exit(1);
	}
	for (i = 0; i < len; i++) {
		v[i] = syms[i].name;
		if (sinit < einit && syms[i].addr >= sinit && syms[i].addr < einit)
			push_name(&k->initfuncs, &k->ninitfuncs, &icap, syms[i].name);
	}
	free(syms);
	if (!len) {
		free(v);
		return NULL;
	}
	qsort(v, len, sizeof(*v), cmp_str);
	if (k->initfuncs)
		qsort(k->initfuncs, k->ninitfuncs, sizeof(char *), cmp_str);
	*n = len;
	return v;
}

static void load_blacklist(struct kernel *k)
{
	FILE *f;
	char line[512];
	size_t cap = 0;

	if (!k->running)
		return;
	f = fopen("/sys/kernel/debug/kprobes/blacklist", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char name[256];

		if (sscanf(line, "%*s %255s", name) != 1)
			continue;
		if (k->nblacklist == cap) {
			cap = cap ? cap * 2 : 1024;
			k->blacklist = realloc(k->blacklist, cap * sizeof(char *));
			if (!k->blacklist) {
				perror("tapc");
				exit(1);
			}
		}
		k->blacklist[k->nblacklist++] = xstrdup_k(name);
	}
	fclose(f);
	qsort(k->blacklist, k->nblacklist, sizeof(char *), cmp_str);
}

/* BTF has no entry for the syscall wrappers (__x64_sys_getpid has no C
 * definition of its own), but the build tree lists every syscall
 * (syscalls.c): their wrappers, __x64_ENTRY and __ia32_ENTRY. */
static void add_syscall_wrappers(struct kernel *k)
{
	const struct syscall_table *t = kernel_syscalls(k);
	size_t cap = k->nfuncs, i;

	for (i = 0; t && i < t->ncalls; i++) {
		if (k->nfuncs == cap) {
			cap = cap * 2 + 64;
			k->funcs = realloc(k->funcs, cap * sizeof(char *));
			if (!k->funcs) {
				perror("tapc");
				exit(1);
			}
		}
		k->funcs[k->nfuncs++] = xstrdup_k(arena_printf("%s%s",
			t->calls[i].abi == SYSCALL_ABI_I386 ? "__ia32_" : "__x64_", t->calls[i].entry));
	}
	qsort(k->funcs, k->nfuncs, sizeof(char *), cmp_str);
	/* one function may serve both ABIs' tables: keep it once */
	for (i = 1; i < k->nfuncs;)
		if (strcmp(k->funcs[i], k->funcs[i - 1]) == 0)
			memmove(&k->funcs[i], &k->funcs[i + 1], (--k->nfuncs - i) * sizeof(char *));
		else
			i++;
}

static void load_funcs(struct kernel *k)
{
	char path[PATH_MAX];

	if (k->funcs_loaded)
		return;
	k->funcs_loaded = true;
	if (k->running)
		k->funcs = read_symbol_file(k, "/proc/kallsyms", &k->nfuncs);
	if (!k->funcs) {
		snprintf(path, sizeof(path), "/boot/System.map-%s", k->release);
		k->funcs = read_symbol_file(k, path, &k->nfuncs);
	}
	if (!k->funcs && btf_load(k, 0)) {
		k->funcs = btf_function_names(k->btf, &k->nfuncs);
		add_syscall_wrappers(k);
	}
	load_blacklist(k);
}

static bool in_sorted(char **v, size_t n, const char *name)
{
	return n && bsearch(&name, v, n, sizeof(*v), cmp_str) != NULL;
}

char **image_funcs(struct image *im, size_t *n)
{
	if (im->kind == IMAGE_KERNEL) {
		load_funcs(im->kernel);
		*n = im->kernel->nfuncs;
		return im->kernel->funcs;
	}
	*n = im->nfuncs;
	return im->funcs;
}

bool kernel_has_function(struct image *im, const char *name)
{
	size_t n;
	char **funcs = image_funcs(im, &n);

	return in_sorted(funcs, n, name);
}

size_t kernel_function_count(struct image *im, const char *name)
{
	size_t n, count = 0;
	char **funcs = image_funcs(im, &n), **hit;

	hit = n ? bsearch(&name, funcs, n, sizeof(*funcs), cmp_str) : NULL;
	if (!hit)
		return 0;
	while (hit > funcs && !strcmp(hit[-1], name))
		hit--;
	for (; hit < funcs + n && !strcmp(*hit, name); hit++)
		count++;
	return count;
}

/* Functions a kprobe must not go on whatever the target: the kernel
 * refuses some (NOKPROBE, entry and noinstr code) but lists them only in
 * debugfs of the running kernel, and others would recurse into a probe
 * handler (it takes locks and reads memory through them) or run in the
 * exception path kprobes itself uses.  Globs, first match wins. */
static const struct {
	const char *glob;
	const char *reason;
} never_probe[] = {
	{ "*kprobe*", "part of kprobes itself" },
	{ "*kretprobe*", "part of kprobes itself" },
	{ "*_nofault", "used by the probe runtime's memory reads" },
	{ "copy_*_kernel_nofault*", "used by the probe runtime's memory reads" },
	{ "_raw_spin_*", "a lock primitive probe handlers use" },
	{ "*queued_spin_lock_slowpath", "a lock primitive probe handlers use" },
	{ "preempt_count_*", "called by every probe handler" },
	{ "exc_int3", "the breakpoint exception kprobes runs in" },
	{ "do_int3*", "the breakpoint exception kprobes runs in" },
	{ "exc_debug*", "the debug exception kprobes runs in" },
	{ "exc_page_fault", "the page fault path a nofault read goes through" },
	{ "do_page_fault", "the page fault path a nofault read goes through" },
	{ "fixup_exception", "the page fault path a nofault read goes through" },
	{ "*notifier_call_chain*", "the die notifier kprobes runs in" },
	{ "notify_die", "the die notifier kprobes runs in" },
	{ "exc_nmi", "NMI entry (noinstr)" },
	{ "*_do_nmi", "NMI entry (noinstr)" },
	{ "entry_*", "low-level entry code" },
	{ "asm_exc_*", "low-level entry code" },
	{ "__switch_to*", "the context switch" },
	{ "native_*", "paravirt primitives the kprobe path uses" },
	{ "default_idle*", "the idle loop (noinstr)" },
	{ "arch_cpu_idle*", "the idle loop (noinstr)" },
	{ "__x86_indirect_thunk_*", "a compiler-generated thunk" },
	{ "__x86_return_thunk", "a compiler-generated thunk" },
};

const char *kernel_blacklist_reason(struct image *im, const char *name)
{
	struct kernel *k = im->kernel;
	size_t i;

	for (i = 0; i < sizeof(never_probe) / sizeof(never_probe[0]); i++)
		if (fnmatch(never_probe[i].glob, name, 0) == 0)
			return never_probe[i].reason;
	if (im->kind != IMAGE_KERNEL)
		return NULL;
	load_funcs(k);
	if (in_sorted(k->blacklist, k->nblacklist, name))
		return "on the kernel's kprobe blacklist";
	if (in_sorted(k->initfuncs, k->ninitfuncs, name))
		return "init code: the kernel frees it after boot";
	/* the running kernel's debugfs list has no __init functions, and
	 * another kernel's is out of reach: its image says */
	return kallsyms_noprobe(k, name);
}

/* Module.symvers: "CRC<TAB>symbol<TAB>module<TAB>EXPORT_...", the module
 * "vmlinux" or its path in the tree ("fs/ext4/ext4"). */
static void load_exports(struct kernel *k)
{
	char path[PATH_MAX], line[1024];
	size_t cap = 0;
	FILE *f;

	if (k->exports_loaded)
		return;
	k->exports_loaded = true;
	if (!k->build_dir)
		return;
	snprintf(path, sizeof(path), "%s/Module.symvers", k->build_dir);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *sym, *mod, *base, *save, *p;

		if (!strtok_r(line, "\t", &save) || !(sym = strtok_r(NULL, "\t", &save)) ||
		    !(mod = strtok_r(NULL, "\t\n", &save)))
			continue;
		base = strrchr(mod, '/') ? strrchr(mod, '/') + 1 : mod;
		for (p = base; *p; p++)
			if (*p == '-')
				*p = '_';
		snprintf(path, sizeof(path), "%s:%s", base, sym);
		push_name(&k->exports, &k->nexports, &cap, path);
	}
	fclose(f);
	if (k->exports)
		qsort(k->exports, k->nexports, sizeof(char *), cmp_str);
}

bool kernel_exported(struct image *im, const char *name)
{
	char key[512];

	load_exports(im->kernel);
	snprintf(key, sizeof(key), "%s:%s", im->name ? module_canonical_name(im->name) : "vmlinux",
		 name);
	return in_sorted(im->kernel->exports, im->kernel->nexports, key);
}

bool kernel_blacklisted(struct image *im, const char *name)
{
	return kernel_blacklist_reason(im, name) != NULL;
}

size_t kernel_match_functions(struct image *im, const char *pattern,
			      void (*fn)(const char *name, void *arg), void *arg)
{
	size_t i, n = 0, nfuncs;
	char **funcs = image_funcs(im, &nfuncs);

	if (!strpbrk(pattern, "*?[")) {
		if (!kernel_has_function(im, pattern))
			return 0;
		fn(pattern, arg);
		return 1;
	}
	for (i = 0; i < nfuncs; i++) {
		/* skip duplicates of static functions with the same name */
		if (i && strcmp(funcs[i], funcs[i - 1]) == 0)
			continue;
		if (fnmatch(pattern, funcs[i], 0) == 0) {
			fn(funcs[i], arg);
			n++;
		}
	}
	return n;
}

/* Edit distance counting a swap of two neighbours as one edit (optimal
 * string alignment: "etx4" is one edit from "ext4"), bounded: gives up
 * above max. */
static int edit_distance(const char *a, const char *b, int max)
{
	int la = strlen(a), lb = strlen(b), i, j;
	int rows[3][256], *prev2, *prev, *row;

	if (la > 255 || lb > 255 || abs(la - lb) > max)
		return max + 1;
	for (j = 0; j <= lb; j++)
		rows[0][j] = j;
	for (i = 1; i <= la; i++) {
		int best;

		prev2 = rows[(i + 1) % 3];	/* row i - 2 */
		prev = rows[(i + 2) % 3];	/* row i - 1 */
		row = rows[i % 3];
		best = row[0] = i;
		for (j = 1; j <= lb; j++) {
			int v = prev[j - 1] + (a[i - 1] != b[j - 1]);

			if (prev[j] + 1 < v)
				v = prev[j] + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    prev2[j - 2] + 1 < v)
				v = prev2[j - 2] + 1;
			row[j] = v;
			if (v < best)
				best = v;
		}
		if (best > max)
			return max + 1;
	}
	return rows[la % 3][lb];
}

const char *closest_name(const char *name, char *const *names, size_t n)
{
	const char *best = NULL;
	int max = strlen(name) / 3 + 1, bestd = max + 1;
	size_t i;

	for (i = 0; i < n; i++) {
		int d = edit_distance(name, names[i], bestd - 1);

		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

const char *kernel_closest_function(struct image *im, const char *name)
{
	size_t n;
	char **funcs = image_funcs(im, &n);

	return closest_name(name, funcs, n);
}

/* The source headers of a build tree: the tree itself, or (Debian) the
 * -common tree its Makefile includes. */
bool kernel_find_header(struct kernel *k, const char *rel, char *path, size_t n)
{
	char mk[PATH_MAX], line[PATH_MAX];
	FILE *f;

	if (!k->build_dir)
		return false;
	snprintf(path, n, "%s/%s", k->build_dir, rel);
	if (access(path, R_OK) == 0)
		return true;
	snprintf(mk, sizeof(mk), "%s/Makefile", k->build_dir);
	f = fopen(mk, "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char dir[PATH_MAX];

		if (sscanf(line, "include %4095[^\n]", dir) != 1)
			continue;
		if (!strrchr(dir, '/'))
			continue;
		*strrchr(dir, '/') = 0;
		if (snprintf(path, n, "%s/%s", dir, rel) >= (int)n)
			continue;
		if (access(path, R_OK) == 0) {
			fclose(f);
			return true;
		}
	}
	fclose(f);
	return false;
}

/* The last identifier of a C parameter declaration ("const char __user
 * *filename" gives "filename"). */
static char *param_name(const char *decl)
{
	const char *end = decl + strlen(decl), *start;

	while (end > decl && !isalnum((unsigned char)end[-1]) && end[-1] != '_')
		end--;
	start = end;
	while (start > decl && (isalnum((unsigned char)start[-1]) || start[-1] == '_'))
		start--;
	return strndup(start, end - start);
}

int kernel_syscall_params(struct kernel *k, const char *name, const char **names, int max)
{
	char path[PATH_MAX], line[512], want[160], decl[2048] = "";
	bool in = false;
	FILE *f;
	int n = 0;

	if (!kernel_find_header(k, "include/linux/syscalls.h", path, sizeof(path)))
		return -1;
	f = fopen(path, "r");
	if (!f)
		return -1;
	snprintf(want, sizeof(want), "asmlinkage long sys_%s(", name);
	while (fgets(line, sizeof(line), f)) {
		if (!in && strncmp(line, want, strlen(want)) == 0) {
			in = true;
			snprintf(decl, sizeof(decl), "%s", line + strlen(want));
		} else if (in) {
			strncat(decl, line, sizeof(decl) - strlen(decl) - 1);
		}
		if (in && strchr(decl, ')'))
			break;
	}
	fclose(f);
	if (!in || !strchr(decl, ')'))
		return -1;
	*strchr(decl, ')') = 0;
	if (strcmp(decl, "void") == 0)
		return 0;
	for (char *save = NULL, *part = strtok_r(decl, ",", &save); part && n < max;
	     part = strtok_r(NULL, ",", &save))
		names[n++] = param_name(part);
	return n;
}


/* "CONFIG_X=value" lines of the target's .config, quotes dropped from
 * string values, sorted for lookups. */
static void load_config(struct kernel *k)
{
	char line[1024], path[PATH_MAX];
	size_t cap = 0;
	FILE *f;

	k->config_loaded = true;
	snprintf(path, sizeof(path), "%s/.config", k->build_dir ? k->build_dir : "/nonexistent");
	f = fopen(path, "r");
	if (!f) {
		snprintf(path, sizeof(path), "/boot/config-%s", k->release);
		f = fopen(path, "r");
	}
	while (f && fgets(line, sizeof(line), f)) {
		char *eq = strchr(line, '='), *v;
		size_t len;

		if (strncmp(line, "CONFIG_", 7) != 0 || !eq)
			continue;
		line[strcspn(line, "\n")] = 0;
		v = eq + 1;
		len = strlen(v);
		if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
			v[len - 1] = 0;
			memmove(v, v + 1, len - 1);
		}
		if (k->nconfig == cap) {
			cap = cap ? 2 * cap : 1024;
			k->config = realloc(k->config, cap * sizeof(*k->config));
			if (!k->config) {
				perror("tapc");
				exit(1);
			}
		}
		k->config[k->nconfig++] = xstrdup_k(line);
	}
	if (f)
		fclose(f);
	if (k->nconfig)
		qsort(k->config, k->nconfig, sizeof(*k->config), cmp_str);
}

const char *kernel_config(void *kp, const char *name)
{
	struct kernel *k = kp;
	char key[256];
	size_t lo = 0, hi, len;

	if (!k->config_loaded)
		load_config(k);
	len = snprintf(key, sizeof(key), "%s=", name);
	if (len >= sizeof(key))
		return NULL;
	/* the first line not below "NAME=" is NAME's, if NAME is set */
	hi = k->nconfig;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (strcmp(k->config[mid], key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < k->nconfig && strncmp(k->config[lo], key, len) == 0)
		return k->config[lo] + len;
	return NULL;
}

/* CONFIG_KPROBES=y in the running kernel's config, if we can find it. */
static int config_has_kprobes(void)
{
	struct utsname u;
	char path[PATH_MAX], line[256];
	gzFile gz;
	FILE *f;
	int found = -1;

	gz = gzopen("/proc/config.gz", "r");
	if (gz) {
		found = 0;
		while (gzgets(gz, line, sizeof(line)))
			if (strcmp(line, "CONFIG_KPROBES=y\n") == 0)
				found = 1;
		gzclose(gz);
		return found;
	}
	if (uname(&u) != 0)
		return -1;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return -1;
	found = 0;
	while (fgets(line, sizeof(line), f))
		if (strcmp(line, "CONFIG_KPROBES=y\n") == 0)
			found = 1;
	fclose(f);
	return found;
}

bool kernel_host_can_load(const char **why)
{
	if (access("/proc/modules", F_OK) != 0) {
		*why = "this kernel can't load modules (no /proc/modules)";
		return false;
	}
	if (config_has_kprobes() == 0) {
		*why = "this kernel has no kprobes (CONFIG_KPROBES is not set)";
		return false;
	}
	return true;
}
