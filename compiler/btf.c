/* Function prototypes from BTF, for the running kernel or any installed one.
 *
 * The running kernel exports its BTF in /sys/kernel/btf/vmlinux.  For another
 * kernel we read the .BTF section of the vmlinux packed inside
 * /boot/vmlinuz-KVER: a bzImage carries the compressed vmlinux as an xz or
 * zstd payload, which we find by its magic, decompress in memory and open
 * with libelf.  Decompressing takes a second or two, so the raw BTF is
 * cached in ~/.cache/tapc/KVER.btf (cache.c) and later compiles read just
 * that, while its seal says it is what was written from the same vmlinuz
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

bool kernel_image(const char *release, struct buf *vmlinux)
{
	static const unsigned char xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0 };
	static const unsigned char zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };
	struct buf img = { 0 };
	bool ok = false;
	size_t i;

	if (!buf_read_file(arena_printf("/boot/vmlinuz-%s", release), &img))
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
	bool ok = kernel_image(release, &vmlinux) && elf_btf_section(&vmlinux, btfraw);

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

	if (stat(arena_printf("/boot/vmlinuz-%s", release), &st) != 0)
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
	k->btf = cache_load(k->release);
	if (k->btf)
		return k->btf;
	snprintf(path, sizeof(path), "/boot/vmlinuz-%s", k->release);
	if (!btf_from_vmlinuz(k->release, &raw)) {
		if (verbose)
			fprintf(stderr, "tapc: note: no BTF for kernel %s in %s\n", k->release, path);
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

/* ---- typed target variables ----
 *
 * A target variable is a base value (a register, the return value, an
 * @cast operand) of some BTF type, then ->field and [N] steps.  We walk the
 * steps at compile time and emit one C statement expression that does the
 * walk at run time: every load is a tapc_kread() (nofault), and the first
 * failed load stops the rest and leaves the error on the context, so the
 * translator only has to check c->last_error after the expression.  The
 * walk keeps either a value (in a register) or the address of an object
 * (a member, an array element) whose type says how to use it next.
 */

static __s32 skip_mods(const struct btf *btf, __s32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_const(t) || btf_is_volatile(t) ||
		     btf_is_restrict(t) || btf_is_type_tag(t) || btf_is_decl_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

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

int btf_func_proto(struct kernel *k, const char *func)
{
	const struct btf_type *t;
	int id;

	if (!btf_load(k, 0))
		return -1;
	id = btf__find_by_name_kind(k->btf, func, BTF_KIND_FUNC);
	if (id <= 0)
		return -1;
	t = btf__type_by_id(k->btf, id);
	t = btf__type_by_id(k->btf, t->type);
	if (!t || !btf_is_func_proto(t))
		return -1;
	return (int)btf__type_by_id(k->btf, id)->type;
}

int btf_func_param_type(struct kernel *k, const char *func, int argno)
{
	int proto = btf_func_proto(k, func);
	const struct btf_type *t;

	if (proto < 0)
		return -1;
	t = btf__type_by_id(k->btf, proto);
	if (argno == 0)
		return (int)t->type;
	if (argno > btf_vlen(t))
		return -1;
	return (int)btf_params(t)[argno - 1].type;
}

int btf_find_type(struct kernel *k, const char *name)
{
	int kind = BTF_KIND_TYPEDEF, id;

	if (!btf_load(k, 0))
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
	id = btf__find_by_name_kind(k->btf, name, kind);
	if (id <= 0 && kind == BTF_KIND_TYPEDEF)
		id = btf__find_by_name_kind(k->btf, name, BTF_KIND_STRUCT);
	return id > 0 ? id : -1;
}

/* Integer-like types: size and signedness; false for anything else. */
static bool scalar_of(const struct btf *btf, __s32 id, int *size, bool *is_signed)
{
	const struct btf_type *t = btf__type_by_id(btf, skip_mods(btf, id));

	if (!t)
		return false;
	if (btf_is_int(t)) {
		*size = t->size;
		*is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
		return true;
	}
	if (btf_is_ptr(t)) {
		*size = 8;
		*is_signed = false;
		return true;
	}
	if (btf_is_any_enum(t)) {
		*size = t->size;
		*is_signed = btf_is_enum(t) || (btf_kflag(t));
		return true;
	}
	return false;
}

static const char *int_ctype(int size, bool is_signed)
{
	switch (size) {
	case 1: return is_signed ? "s8" : "u8";
	case 2: return is_signed ? "s16" : "u16";
	case 4: return is_signed ? "s32" : "u32";
	default: return is_signed ? "s64" : "u64";
	}
}

const char *btf_value_cast(const struct btf *btf, int id, const char *value)
{
	int size;
	bool sg;

	if (!scalar_of(btf, id, &size, &sg))
		return arena_printf("((int64_t)%s)", value);
	return arena_printf("((int64_t)(%s)%s)", int_ctype(size, sg), value);
}

/* Find member name in struct/union sid, looking into anonymous members;
 * adds its bit offset to *bits and returns the member (NULL if none). */
static const struct btf_member *find_member(const struct btf *btf, __s32 sid, const char *name,
					    __u32 *bits, __u32 *bitfield)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	const struct btf_member *m = btf_members(t);
	int i, n = btf_vlen(t);

	for (i = 0; i < n; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		__s32 mid = skip_mods(btf, m->type);
		const struct btf_type *mt = btf__type_by_id(btf, mid);

		if (mn && strcmp(mn, name) == 0) {
			*bits += btf_member_bit_offset(t, i);
			*bitfield = btf_member_bitfield_size(t, i);
			return m;
		}
		if ((!mn || !*mn) && mt && btf_is_composite(mt)) {
			__u32 sub = *bits + btf_member_bit_offset(t, i);
			const struct btf_member *r = find_member(btf, mid, name, &sub, bitfield);

			if (r) {
				*bits = sub;
				return r;
			}
		}
	}
	return NULL;
}

static char *member_list(const struct btf *btf, __s32 sid)
{
	const struct btf_type *t = btf__type_by_id(btf, sid);
	const struct btf_member *m = btf_members(t);
	char *list = "";
	int i, n = btf_vlen(t);

	for (i = 0; i < n && i < 40; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);

		if (mn && *mn)
			list = arena_printf("%s%s%s", list, *list ? " " : "", mn);
	}
	return list;
}

/* The C text builder: a value register _v and an address _a. */
struct walk {
	const struct btf *btf;
	const char *loc;
	char *code;
	__s32 type;			/* type of the value or of the object at _a */
	bool lvalue;			/* object at _a, else value in _v */
	bool bitfield;
	__u32 bit_off, bit_size;	/* of a bitfield member */
	bool quiet;			/* reads for a pretty-print: a fault is "ERROR" */
};

static void wadd(struct walk *w, const char *text)
{
	w->code = arena_printf("%s %s", w->code, text);
}

/* Turn an lvalue of pointer type into its value (one 8-byte load). */
static void load_pointer(struct walk *w)
{
	if (w->quiet)
		wadd(w, "_ok = _ok && tapc_kread_quiet(&_v, _a, 8);");
	else
		wadd(w, arena_printf("_ok = _ok && tapc_kread(c, &_v, _a, 8, %s);", w->loc));
	w->lvalue = false;
}

/* The pretty-print step ending steps, or NULL; an error when one is
 * followed by more steps ("$p$->x" means nothing). */
static const struct target_step *pretty_step(const struct target_step *steps,
					     struct btf_fetch *out)
{
	const struct target_step *st;

	for (st = steps; st; st = st->next) {
		if (st->kind != STEP_PRETTY && st->kind != STEP_PRETTY_DEEP)
			continue;
		if (st->next) {
			out->step = st->next;
			out->err = "nothing can follow a pretty-print ($ or $$)";
			return NULL;
		}
		return st;
	}
	return NULL;
}

bool btf_fetch(struct kernel *k, int type, const char *base, const struct target_step *steps,
	       const char *loc, struct btf_fetch *out)
{
	struct walk w = { k->btf, loc, "", type, false, false, 0, 0, false };
	const struct target_step *st, *pretty;
	int size, nstep = 0;
	bool sg;

	memset(out, 0, sizeof(*out));
	pretty = pretty_step(steps, out);
	if (out->err)
		return false;
	w.quiet = pretty != NULL;
	wadd(&w, arena_printf("u64 _v = (u64)(%s), _a = 0; bool _ok = true; (void)_ok;", base));
	{
		const struct btf_type *bt = btf__type_by_id(w.btf, skip_mods(w.btf, type));

		/* @cast(p, "struct S"): the base is the address of an S */
		if (bt && btf_is_composite(bt)) {
			wadd(&w, "_a = _v;");
			w.lvalue = true;
		}
	}
	for (st = steps; st; st = st->next, nstep++) {
		__s32 id = skip_mods(w.btf, w.type);
		const struct btf_type *t = btf__type_by_id(w.btf, id);

		out->step = st;
		if (w.bitfield) {
			out->err = "a bit-field has no members or elements";
			return false;
		}
		if (st == pretty)
			break;
		if (st->kind == STEP_INDEX) {
			const struct btf_type *et;
			__s32 eid;
			long long i;

			/* a computed index: the translator puts its value in
			 * place of tapc_index_N (N counts the steps) */
			i = st->index->kind == NODE_NUM ? st->index->u.num.value : 0;
			if (btf_is_ptr(t) && w.lvalue)
				load_pointer(&w);
			if (btf_is_ptr(t)) {
				eid = t->type;
				wadd(&w, "_a = _v;");
			} else if (btf_is_array(t) && w.lvalue) {
				eid = btf_array(t)->type;
			} else {
				out->err = arena_printf("can't index a value of type %s",
							btf_type_name(w.btf, w.type));
				return false;
			}
			et = btf__type_by_id(w.btf, skip_mods(w.btf, eid));
			if (!et || btf__resolve_size(w.btf, eid) <= 0) {
				out->err = arena_printf("can't index %s: element size unknown",
							btf_type_name(w.btf, w.type));
				return false;
			}
			if (st->index->kind == NODE_NUM)
				wadd(&w, arena_printf("_a += %lldULL * %lldULL;", i,
						      (long long)btf__resolve_size(w.btf, eid)));
			else
				wadd(&w, arena_printf("_a += (u64)(tapc_index_%d) * %lldULL;", nstep,
						      (long long)btf__resolve_size(w.btf, eid)));
			w.type = eid;
			w.lvalue = true;
			continue;
		}
		/* ->field on a pointer to struct, or on a struct object */
		if (btf_is_ptr(t)) {
			__s32 sid = skip_mods(w.btf, t->type);
			const struct btf_type *stt = btf__type_by_id(w.btf, sid);

			if (!stt || !btf_is_composite(stt)) {
				out->err = arena_printf("'->%s' on %s, which doesn't point to a struct or union",
							st->field, btf_type_name(w.btf, w.type));
				return false;
			}
			if (w.lvalue)
				load_pointer(&w);
			wadd(&w, "_a = _v;");
			id = sid;
			t = stt;
		} else if (!btf_is_composite(t) || !w.lvalue) {
			out->err = arena_printf("'->%s' on %s, which is not a struct, union or pointer to one",
						st->field, btf_type_name(w.btf, w.type));
			return false;
		}
		{
			__u32 bits = 0, bsz = 0;
			const struct btf_member *m = find_member(w.btf, id, st->field, &bits, &bsz);

			if (!m) {
				out->err = arena_printf("%s has no member '%s'",
							btf_type_name(w.btf, id), st->field);
				out->note = arena_printf("its members are: %s", member_list(w.btf, id));
				return false;
			}
			w.type = m->type;
			w.lvalue = true;
			if (bsz) {
				w.bitfield = true;
				w.bit_off = bits;
				w.bit_size = bsz;
				continue;
			}
			if (bits % 8) {
				out->err = "member at a bit offset is not supported";
				return false;
			}
			wadd(&w, arena_printf("_a += %u;", bits / 8));
		}
	}
	out->type = w.type;
	if (pretty) {
		if (w.bitfield) {
			out->err = "a bit-field can't be pretty-printed: drop the '$'";
			return false;
		}
		out->code = w.code;
		out->lvalue = w.lvalue;
		out->deep = pretty->kind == STEP_PRETTY_DEEP;
		return true;
	}
	if (w.bitfield) {
		/* load 8 bytes around the field: kernel bitfields are within a
		 * naturally aligned word of their struct */
		__u32 start = w.bit_off / 8;

		wadd(&w, arena_printf("_ok = _ok && tapc_kread(c, &_v, _a + %u, 8, %s);", start, loc));
		wadd(&w, arena_printf("_v = (_v >> %u) & ((1ULL << %u) - 1);", w.bit_off % 8, w.bit_size));
		out->expr = arena_printf("({%s (int64_t)_v; })", w.code);
		return true;
	}
	if (!w.lvalue) {
		if (!steps) {
			out->expr = btf_value_cast(w.btf, w.type, base);
			out->simple = true;
			return true;
		}
		out->expr = arena_printf("({%s %s; })", w.code, btf_value_cast(w.btf, w.type, "_v"));
		return true;
	}
	{
		const struct btf_type *t = btf__type_by_id(w.btf, skip_mods(w.btf, w.type));

		if (t && btf_is_array(t)) {
			/* an array is its address, as in C: kernel_string($p->comm) */
			out->expr = arena_printf("({%s (int64_t)_a; })", w.code);
			return true;
		}
		if (!scalar_of(w.btf, w.type, &size, &sg)) {
			out->err = arena_printf("the value is a %s: use ->member to read part of it",
						btf_type_name(w.btf, w.type));
			return false;
		}
		wadd(&w, arena_printf("{ %s _x = 0; _ok = _ok && tapc_kread(c, &_x, _a, %d, %s); _v = (u64)_x; }",
				      int_ctype(size, sg), size, loc));
		out->expr = arena_printf("({%s (int64_t)_v; })", w.code);
		return true;
	}
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

static const struct btf_type *tp_proto(struct kernel *k, const char *name)
{
	const struct btf_type *t;
	int id;

	if (!btf_load(k, 0))
		return NULL;
	id = btf__find_by_name_kind(k->btf, arena_printf("btf_trace_%s", name), BTF_KIND_TYPEDEF);
	if (id <= 0)
		return NULL;
	t = btf__type_by_id(k->btf, btf__type_by_id(k->btf, id)->type);
	if (!t || !btf_is_ptr(t))
		return NULL;
	t = btf__type_by_id(k->btf, t->type);
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

int btf_tracepoint_params(struct kernel *k, const char *name, const char **names, int *types,
			  int max)
{
	const struct btf_type *proto = tp_proto(k, name), *glue = NULL;
	int i, n, id;

	if (!proto)
		return -1;
	n = btf_vlen(proto) - 1;
	if (n < 0 || n > max)
		return -1;
	/* the event's own glue, else its class's: the FUNC __bpf_trace_* with
	 * the same parameter types */
	id = btf__find_by_name_kind(k->btf, arena_printf("__bpf_trace_%s", name), BTF_KIND_FUNC);
	if (id > 0)
		glue = btf__type_by_id(k->btf, btf__type_by_id(k->btf, id)->type);
	for (i = 0; i < n; i++) {
		types[i] = (int)btf_params(proto)[i + 1].type;
		names[i] = NULL;
	}
	if (glue && same_params(glue, proto)) {
		for (i = 0; i < n; i++)
			names[i] = btf__name_by_offset(k->btf, btf_params(glue)[i + 1].name_off);
		return n;
	}
	/* an event of a class (DEFINE_EVENT): some glue with the same
	 * parameter types, but several classes can share the types with
	 * other names (sched_process_exit's p, sched_kthread_stop's t), so
	 * a name is only taken when every such glue agrees on it; else
	 * the argument is just $argN */
	{
		__u32 j, cnt = btf__type_cnt(k->btf);
		bool seen = false, differs[MAX_TP_ARGS] = { false };

		for (j = 1; j < cnt; j++) {
			const struct btf_type *t = btf__type_by_id(k->btf, j);
			const char *fn;

			if (!btf_is_func(t))
				continue;
			fn = btf__name_by_offset(k->btf, t->name_off);
			if (!fn || strncmp(fn, "__bpf_trace_", 12) != 0 ||
			    !same_params(btf__type_by_id(k->btf, t->type), proto))
				continue;
			glue = btf__type_by_id(k->btf, t->type);
			for (i = 0; i < n && i < MAX_TP_ARGS; i++) {
				const char *nm = btf__name_by_offset(k->btf, btf_params(glue)[i + 1].name_off);

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

int btf_type_size(struct kernel *k, int id)
{
	return (int)btf__resolve_size(k->btf, id);
}
