/* Function prototypes from BTF, for the running kernel or any installed one.
 *
 * The running kernel exports its BTF in /sys/kernel/btf/vmlinux.  For another
 * kernel we read the .BTF section of the vmlinux packed inside
 * /boot/vmlinuz-KVER: a bzImage carries the compressed vmlinux as an xz or
 * zstd payload, which we find by its magic, decompress in memory and open
 * with libelf.  Decompressing takes a second or two, so the raw BTF is
 * cached in ~/.cache/tapc/KVER.btf and later compiles read just that.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <bpf/btf.h>

#include "kernel.h"

struct buf {
	unsigned char *data;
	size_t len, cap;
};

static bool buf_grow(struct buf *b, size_t want)
{
	unsigned char *p;

	if (b->cap >= want)
		return true;
	while (b->cap < want)
		b->cap = b->cap ? b->cap * 2 : (64 << 20);
	p = realloc(b->data, b->cap);
	if (!p)
		return false;
	b->data = p;
	return true;
}

static bool read_file(const char *path, struct buf *b)
{
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f)
		return false;
	if (fstat(fileno(f), &st) != 0 || !buf_grow(b, st.st_size + 1) ||
	    fread(b->data, 1, st.st_size, f) != (size_t)st.st_size) {
		fclose(f);
		return false;
	}
	b->len = st.st_size;
	fclose(f);
	return true;
}

/* Decompress an xz stream starting at in; trailing garbage is fine. */
static bool unxz(const unsigned char *in, size_t len, struct buf *out)
{
	lzma_stream s = LZMA_STREAM_INIT;
	lzma_ret r;

	if (lzma_stream_decoder(&s, UINT64_MAX, 0) != LZMA_OK)
		return false;
	s.next_in = in;
	s.avail_in = len;
	out->len = 0;
	do {
		if (!buf_grow(out, out->len + (16 << 20)))
			break;
		s.next_out = out->data + out->len;
		s.avail_out = out->cap - out->len;
		r = lzma_code(&s, LZMA_FINISH);
		out->len = out->cap - s.avail_out;
	} while (r == LZMA_OK);
	lzma_end(&s);
	return r == LZMA_STREAM_END || (r == LZMA_DATA_ERROR && out->len > (1 << 20));
}

static bool unzstd(const unsigned char *in, size_t len, struct buf *out)
{
	ZSTD_DStream *d = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	size_t r = 1;

	if (!d)
		return false;
	ZSTD_initDStream(d);
	out->len = 0;
	while (r != 0) {
		ZSTD_outBuffer ob;

		if (!buf_grow(out, out->len + (16 << 20)))
			break;
		ob.dst = out->data + out->len;
		ob.size = out->cap - out->len;
		ob.pos = 0;
		r = ZSTD_decompressStream(d, &ob, &ib);
		out->len += ob.pos;
		if (ZSTD_isError(r))
			break;
		if (ib.pos == ib.size && ob.pos == 0)
			break;
	}
	ZSTD_freeDStream(d);
	return r == 0;
}

/* The .BTF section of an in-memory ELF image, copied out. */
static bool elf_btf_section(struct buf *elfimg, struct buf *btfraw)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool ok = false;

	elf_version(EV_CURRENT);
	e = elf_memory((char *)elfimg->data, elfimg->len);
	if (!e || elf_getshdrstrndx(e, &shstrndx) != 0)
		goto out;
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".BTF") != 0)
			continue;
		d = elf_rawdata(scn, NULL);
		if (!d || !buf_grow(btfraw, d->d_size))
			break;
		memcpy(btfraw->data, d->d_buf, d->d_size);
		btfraw->len = d->d_size;
		ok = true;
		break;
	}
out:
	if (e)
		elf_end(e);
	return ok;
}

/* Find the compressed vmlinux in a bzImage and pull its .BTF out. */
static bool btf_from_vmlinuz(const char *path, struct buf *btfraw)
{
	static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct buf img = { 0 }, vmlinux = { 0 };
	bool ok = false;
	size_t i;

	if (!read_file(path, &img))
		return false;
	for (i = 0; !ok && i + 6 < img.len; i++) {
		bool is_xz = memcmp(img.data + i, xz_magic, 6) == 0;
		bool is_zstd = memcmp(img.data + i, zstd_magic, 4) == 0;

		if (!is_xz && !is_zstd)
			continue;
		if (is_xz ? unxz(img.data + i, img.len - i, &vmlinux)
			  : unzstd(img.data + i, img.len - i, &vmlinux))
			ok = vmlinux.len > 4 && memcmp(vmlinux.data, "\177ELF", 4) == 0 &&
			     elf_btf_section(&vmlinux, btfraw);
	}
	free(img.data);
	free(vmlinux.data);
	return ok;
}

static void cache_path(const char *release, char *path, size_t n)
{
	const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(path, n, "%s/tapc/%s.btf", xdg, release);
	else
		snprintf(path, n, "%s/.cache/tapc/%s.btf", home ? home : "/tmp", release);
}

/* Write atomically so that a concurrent compile never reads half a file. */
static void cache_store(const char *path, const struct buf *b)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 16];
	char *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	for (slash = strchr(dir + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(dir, 0755);
		*slash = '/';
	}
	snprintf(tmp, sizeof(tmp), "%s.%d", path, (int)getpid());
	f = fopen(tmp, "wb");
	if (!f)
		return;
	if (fwrite(b->data, 1, b->len, f) != b->len || fclose(f) != 0) {
		unlink(tmp);
		return;
	}
	rename(tmp, path);
}

struct btf *btf_load(struct kernel *k, int verbose)
{
	char path[PATH_MAX];
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
	cache_path(k->release, path, sizeof(path));
	k->btf = btf__parse_raw(path);
	if (k->btf)
		return k->btf;
	snprintf(path, sizeof(path), "/boot/vmlinuz-%s", k->release);
	if (!btf_from_vmlinuz(path, &raw)) {
		if (verbose)
			fprintf(stderr, "tapc: note: no BTF for kernel %s in %s\n", k->release, path);
		free(raw.data);
		return NULL;
	}
	k->btf = btf__new(raw.data, raw.len);
	if (k->btf) {
		cache_path(k->release, path, sizeof(path));
		cache_store(path, &raw);
	}
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

int kernel_func_params(struct kernel *k, const char *func, const char **names, int max)
{
	const struct btf_type *t;
	const struct btf_param *p;
	int id, i, n;

	if (!btf_load(k, 0))
		return -1;
	id = btf__find_by_name_kind(k->btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(k->btf, id);
	t = btf__type_by_id(k->btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	p = btf_params(t);
	n = btf_vlen(t);
	for (i = 0; i < n && i < max; i++)
		names[i] = btf__name_by_offset(k->btf, p[i].name_off);
	return n < max ? n : max;
}

int kernel_func_param(struct kernel *k, const char *func, const char *param)
{
	const char *names[32];
	int n = kernel_func_params(k, func, names, 32), i;

	if (n < 0)
		return -1;
	for (i = 0; i < n; i++)
		if (names[i] && strcmp(names[i], param) == 0)
			return i + 1;
	return 0;
}
