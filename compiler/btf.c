/* Function prototypes from BTF, for the running kernel or any installed one.
 *
 * The running kernel exports its BTF in /sys/kernel/btf/vmlinux.  For another
 * kernel we read the .BTF section of the vmlinux packed inside
 * /boot/vmlinuz-KVER (or the image in tapc's kernel cache): a bzImage
 * carries the compressed vmlinux as an xz or zstd payload, which we find
 * by its magic, decompress in memory and open with libelf.  Decompressing takes a second or two, so the raw BTF is
 * cached in ~/.cache/tapc/KVER.btf (cache.c) and later compiles read just
 * that, while its seal says it is what was written from the same image
 * (size and modification time).
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "arena.h"
#include "ast.h"
#include "cache.h"
#include "decompress.h"
#include "kernel.h"
#include "kernel_files.h"

const void *btf_elf_section(Elf *e, size_t *size)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;

	if (!e || elf_getshdrstrndx(e, &shstrndx) != 0)
		return NULL;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".BTF") != 0)
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d || !d->d_size)
			return NULL;
		*size = d->d_size;
		return d->d_buf;
	}
	return NULL;
}

/* The .BTF section of an in-memory ELF image, copied out. */
static bool elf_btf_section(struct buf *elfimg, struct buf *btfraw)
{
	Elf *e;
	const void *data;
	size_t size;
	bool ok = false;

	elf_version(EV_CURRENT);
	e = elf_memory((char *)elfimg->data, elfimg->len);
	data = btf_elf_section(e, &size);
	if (data && buf_grow(btfraw, size)) {
		memcpy(btfraw->data, data, size);
		btfraw->len = size;
		ok = true;
	}
	if (e)
		elf_end(e);
	return ok;
}

const char *kernel_vmlinuz_path(const char *release)
{
	char *image = kfiles_image(release);
	const char *path = arena_strdup(image ? image : arena_printf("/boot/vmlinuz-%s", release));

	free(image);
	return path;
}

bool kernel_vmlinux(const char *release, struct buf *vmlinux)
{
	static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct buf img = { 0 };
	bool ok = false;
	size_t i;

	if (!buf_read_file(kernel_vmlinuz_path(release), &img))
		return false;
	for (i = 0; !ok && i + 6 < img.len; i++) {
		bool is_xz = memcmp(img.data + i, xz_magic, 6) == 0;
		bool is_zstd = memcmp(img.data + i, zstd_magic, 4) == 0;

		if (!is_xz && !is_zstd)
			continue;
		/* the xz payload may be followed by other data */
		if (is_xz ? decompress_xz(img.data + i, img.len - i, vmlinux) || vmlinux->len > (1 << 20)
			  : decompress_zstd(img.data + i, img.len - i, vmlinux))
			ok = vmlinux->len > 4 && memcmp(vmlinux->data, "\177ELF", 4) == 0;
	}
	free(img.data);
	return ok;
}

/* Find the compressed vmlinux in a bzImage and pull its .BTF out; the
 * image's kallsyms are read while it is at hand (kallsyms.c). */
static bool btf_from_vmlinuz(const char *release, struct buf *btfraw)
{
	struct buf vmlinux = { 0 };
	bool ok = kernel_vmlinux(release, &vmlinux) && elf_btf_section(&vmlinux, btfraw);

	if (ok)
		kallsyms_store(release, &vmlinux);
	free(vmlinux.data);
	return ok;
}

/* What a cached KVER.btf was made from: the kernel image, by size and
 * modification time ("" when there is none). */
const char *kernel_image_stamp(const char *release)
{
	struct stat st;

	if (stat(kernel_vmlinuz_path(release), &st) != 0)
		return "";
	return arena_printf("vmlinuz %lld %lld.%09ld", (long long)st.st_size,
			    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
}

/* The cached BTF of release, or NULL (no cache, or not sealed as made
 * from the current image). */
static struct btf *cache_load(const char *release)
{
	const char *dir = cache_dir(), *path;
	uint64_t h = CACHE_HASH_INIT;

	if (!dir)
		return NULL;
	path = arena_printf("%s/%s.btf", dir, release);
	if (!cache_hash_file(path, &h) ||
	    !cache_sealed(arena_printf("%s.seal", path), h, kernel_image_stamp(release)))
		return NULL;
	return btf__parse_raw(path);
}

/* Written whole and renamed, then sealed: a concurrent compile never reads
 * half a file, and never uses one whose seal does not match. */
static void cache_store(const char *release, const struct buf *b)
{
	const char *dir = cache_dir(), *path, *tmp;
	FILE *f;

	if (!dir)
		return;
	path = arena_printf("%s/%s.btf", dir, release);
	tmp = arena_printf("%s.%d", path, (int)getpid());
	f = fopen(tmp, "wb");
	if (!f)
		return;
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		return;
	}
	cache_seal(arena_printf("%s.seal", path), cache_hash(CACHE_HASH_INIT, b->data, b->len),
		   kernel_image_stamp(release));
}

struct btf *btf_load(struct kernel *k, int verbose)
{
	struct buf raw = { 0 };

	if (k->btf_tried)
		return k->btf;
	k->btf_tried = true;
	if (k->running) {
		/* libbpf 1.x returns NULL (errno set) on failure */
		k->btf = btf__parse("/sys/kernel/btf/vmlinux", NULL);
		if (k->btf)
			return k->btf;
	}
	k->btf = cache_load(k->release);
	if (k->btf)
		return k->btf;
	if (!btf_from_vmlinuz(k->release, &raw)) {
		if (verbose)
			fprintf(stderr, "tapc: note: no BTF for kernel %s in %s\n", k->release,
				kernel_vmlinuz_path(k->release));
		free(raw.data);
		return NULL;
	}
	k->btf = btf__new(raw.data, raw.len);
	if (k->btf)
		cache_store(k->release, &raw);
	free(raw.data);
	return k->btf;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **btf_function_names(struct btf *btf, size_t *n)
{
	__u32 i, cnt = btf__type_cnt(btf);
	char **v = calloc(cnt, sizeof(*v));
	size_t len = 0;

	if (!v) {
		perror("tapc");
		exit(1);
	}
	for (i = 1; i < cnt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);

		if (btf_is_func(t))
			v[len++] = (char *)btf__name_by_offset(btf, t->name_off);
	}
	qsort(v, len, sizeof(*v), cmp_name);
	*n = len;
	return v;
}

int kernel_func_params(struct image *im, const char *func, const char **names, int max)
{
	struct btf *btf = image_btf(im);
	const struct btf_type *t;
	const struct btf_param *p;
	int id, i, n;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	n = btf_vlen(t);
	for (i = 0; i < n && i < max; i++)
		names[i] = btf__name_by_offset(btf, p[i].name_off);
	return n < max ? n : max;
}

int kernel_func_param(struct image *im, const char *func, const char *param)
{
	const char *names[32];
	int n = kernel_func_params(im, func, names, 32), i;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], param) == 0)
			return i + 1;
	return 0;
}

/* ---- types ---- */

char *btf_type_name(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!t || id == 0)
		return arena_strdup("void");
	name = btf__name_by_offset(btf, t->name_off);
	switch (btf_kind(t)) {
	case BTF_KIND_PTR:
		return arena_printf("%s*", btf_type_name(btf, t->type));
	case BTF_KIND_CONST:
		return arena_printf("const %s", btf_type_name(btf, t->type));
	case BTF_KIND_VOLATILE:
		return arena_printf("volatile %s", btf_type_name(btf, t->type));
	case BTF_KIND_RESTRICT:
	case BTF_KIND_TYPE_TAG:
		return btf_type_name(btf, t->type);
	case BTF_KIND_STRUCT:
		return arena_printf("struct %s", name && *name ? name : "{...}");
	case BTF_KIND_UNION:
		return arena_printf("union %s", name && *name ? name : "{...}");
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return arena_printf("enum %s", name && *name ? name : "{...}");
	case BTF_KIND_FWD:
		return arena_printf("%s %s", btf_kflag(t) ? "union" : "struct", name);
	case BTF_KIND_ARRAY:
		return arena_printf("%s[%u]", btf_type_name(btf, btf_array(t)->type),
				    btf_array(t)->nelems);
	case BTF_KIND_FUNC_PROTO:
		return arena_strdup("func*");
	default:
		return arena_strdup(name && *name ? name : "?");
	}
}

int btf_func_proto(struct image *im, const char *func)
{
	struct btf *btf = image_btf(im);
	const struct btf_type *t;
	int id;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(btf, id);
	t = btf__type_by_id(btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return (int)btf__type_by_id(btf, id)->type;
}

int btf_func_param_type(struct image *im, const char *func, int argno)
{
	struct btf *btf = image_btf(im);
	int proto = btf_func_proto(im, func);
	const struct btf_type *t;

	if (proto < 0)
		return -1;
	t = btf__type_by_id(btf, proto);
	if (argno == 0)
		return (int)t->type;
	if (argno > btf_vlen(t))
		return -1;
	return (int)btf_params(t)[argno - 1].type;
}

int btf_find_type(struct image *im, const char *name)
{
	struct btf *btf = image_btf(im);
	int kind = BTF_KIND_TYPEDEF, id;

	if (!btf)
		return -1;
	if (strncmp(name, "struct ", 7) == 0) {
		kind = BTF_KIND_STRUCT;
		name += 7;
	} else if (strncmp(name, "union ", 6) == 0) {
		kind = BTF_KIND_UNION;
		name += 6;
	} else if (strncmp(name, "enum ", 5) == 0) {
		kind = BTF_KIND_ENUM;
		name += 5;
	}
	while (*name == ' ')
		name++;
	id = btf__find_by_name_kind(btf, name, kind);
	if (id <= 0 && kind == BTF_KIND_TYPEDEF)
		id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	return id > 0 ? id : -1;
}

/* ---- tracepoints ----
 * Every tracepoint NAME has a typedef btf_trace_NAME, a pointer to the
 * prototype its probes get (void *data first, then TP_PROTO).  The names
 * of TP_PROTO's arguments are on the BPF glue function of its event class,
 * __bpf_trace_CLASS, whose parameters are the same. */

char **btf_tracepoint_names(struct btf *btf, size_t *n)
{
	__u32 i, cnt = btf__type_cnt(btf);
	char **v = calloc(cnt, sizeof(*v));
	size_t len = 0;

	if (!v) {
		perror("tapc");
		exit(1);
	}
	for (i = 1; i < cnt; i++) {
		const struct btf_type *t = btf__type_by_id(btf, i);
		const char *name;

		if (!btf_is_typedef(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (name && strncmp(name, "btf_trace_", 10) == 0)
			v[len++] = (char *)name + 10;
	}
	qsort(v, len, sizeof(*v), cmp_name);
	*n = len;
	return v;
}

static const struct btf_type *tp_proto(struct image *im, const char *name)
{
	struct btf *btf = image_btf(im);
	const struct btf_type *t;
	int id;

	if (!btf)
		return NULL;
	id = btf__find_by_name_kind(btf, arena_printf("btf_trace_%s", name), BTF_KIND_TYPEDEF);
	if (id <= 0)
		return NULL;
	t = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(btf, t->type);
	return t && btf_is_func_proto(t) ? t : NULL;
}

#define MAX_TP_ARGS 32

/* Same parameter types, in order. */
static bool same_params(const struct btf_type *a, const struct btf_type *b)
{
	int i, n = btf_vlen(a);

	if (n != btf_vlen(b))
		return false;
	for (i = 0; i < n; i++)
		if (btf_params(a)[i].type != btf_params(b)[i].type)
			return false;
	return true;
}

int btf_tracepoint_params(struct image *im, const char *name, const char **names, int *types,
			  int max)
{
	struct btf *btf = image_btf(im);
	const struct btf_type *proto = tp_proto(im, name), *glue = NULL;
	int i, n, id;

	if (!proto)
		return -1;
	n = btf_vlen(proto) - 1;
	if (n < 0 || n > max)
		return -1;
	/* the event's own glue, else its class's: the FUNC __bpf_trace_* with
	 * the same parameter types */
	id = btf__find_by_name_kind(btf, arena_printf("__bpf_trace_%s", name), BTF_KIND_FUNC);
	if (id > 0)
		glue = btf__type_by_id(btf, btf__type_by_id(btf, id)->type);
	for (i = 0; i < n; i++) {
		types[i] = (int)btf_params(proto)[i + 1].type;
		names[i] = NULL;
	}
	if (glue && same_params(glue, proto)) {
		for (i = 0; i < n; i++)
			names[i] = btf__name_by_offset(btf, btf_params(glue)[i + 1].name_off);
		return n;
	}
	/* an event of a class (DEFINE_EVENT): some glue with the same
	 * parameter types, but several classes can share the types with
	 * other names (sched_process_exit's p, sched_kthread_stop's t), so
	 * a name is only taken when every such glue agrees on it; else
	 * the argument is just $argN */
	{
		__u32 j, cnt = btf__type_cnt(btf);
		bool seen = false, differs[MAX_TP_ARGS] = { false };

		for (j = 1; j < cnt; j++) {
			const struct btf_type *t = btf__type_by_id(btf, j);
			const char *fn;

			if (!btf_is_func(t))
				continue;
			fn = btf__name_by_offset(btf, t->name_off);
			if (!fn || strncmp(fn, "__bpf_trace_", 12) != 0 ||
			    !same_params(btf__type_by_id(btf, t->type), proto))
				continue;
			glue = btf__type_by_id(btf, t->type);
			for (i = 0; i < n && i < MAX_TP_ARGS; i++) {
				const char *nm = btf__name_by_offset(btf, btf_params(glue)[i + 1].name_off);

				if (!seen)
					names[i] = nm;
				else if (!names[i] || !nm || strcmp(names[i], nm) != 0)
					differs[i] = true;
			}
			seen = true;
		}
		for (i = 0; i < n && i < MAX_TP_ARGS; i++)
			if (differs[i])
				names[i] = NULL;
	}
	return n;
}

int btf_type_size(struct image *im, int id)
{
	struct btf *btf = image_btf(im);
	return (int)btf__resolve_size(btf, id);
}
