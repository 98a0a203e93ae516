/* Kernel modules and debuginfo through libdw (elfutils).
 *
 * A module's functions and types come from its .ko (modules.c finds it
 * and hands over its image, decompressed when the file is .ko.xz or
 * .ko.zst): the functions from the ELF symbol table (what kallsyms will
 * know once it is loaded), their
 * prototypes and types from the module's BTF when it has some (distribution
 * modules do), else from its DWARF (an out-of-tree module built without a
 * vmlinux to write BTF against, like our test module).  Rather than teach
 * the rest of the compiler a second type system, the DWARF of every
 * defined function is converted into an in-memory BTF object with libbpf's
 * writer: the module is then an image like the kernel's (image.h: its btf
 * and funcs are the module's), and kprobe.c, fetch.c and -L work on it
 * unchanged.
 *
 * A .ko is a relocatable object, so its DWARF only makes sense after the
 * .rela.debug_* relocations are applied: libdwfl's offline reporting does
 * that and lays the sections out at addresses, which also gives the line
 * table and the symbol table one address space (for f@file.c:LINE).  A
 * module with BTF of its own is only opened this way for source lines.
 *
 * vmlinux debuginfo (/usr/lib/debug/boot/vmlinux-KVER and friends) is read
 * the same way but only for source lines: its types keep coming from the
 * kernel's BTF, which is much faster to load than DWARF.
 */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "config.h"
#include "arena.h"
#include "dwarf_int.h"
#include "kernel.h"

/* ---- DWARF types to BTF ---- */

/* DIE offset -> BTF id for the types converted so far (an open-addressing
 * table: a module's functions reach thousands of kernel types); pointers
 * are added pointing at void and patched once their target exists, so
 * that a struct that points to itself terminates. */
struct memo_slot {
	Dwarf_Off off;			/* +1, 0: empty */
	int id;
};

struct fixup {
	Dwarf_Off die;
	int ptr_id;
};

struct conv {
	struct btf *btf;
	Dwarf *dw;
	struct memo_slot *memo;
	size_t nmemo, cap;		/* cap: a power of two */
	struct fixup *fix;
	size_t nfix, fixcap;
	int int_id;			/* array index type */
	bool nomem;
};

static int conv_type(struct conv *cv, Dwarf_Die *die);

static size_t memo_hash(Dwarf_Off off, size_t cap)
{
	return (size_t)((off * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static int memo_find(struct conv *cv, Dwarf_Off off)
{
	size_t i;

	if (!cv->cap)
		return -1;
	for (i = memo_hash(off, cv->cap); cv->memo[i].off; i = (i + 1) & (cv->cap - 1))
		if (cv->memo[i].off == off + 1)
			return cv->memo[i].id;
	return -1;
}

static bool memo_grow(struct conv *cv)
{
	size_t cap = cv->cap ? cv->cap * 2 : 1024, i, j;
	struct memo_slot *m = calloc(cap, sizeof(*m));

	if (!m)
		return false;
	for (i = 0; i < cv->cap; i++) {
		if (!cv->memo[i].off)
			continue;
		for (j = memo_hash(cv->memo[i].off - 1, cap); m[j].off; j = (j + 1) & (cap - 1))
			;
		m[j] = cv->memo[i];
	}
	free(cv->memo);
	cv->memo = m;
	cv->cap = cap;
	return true;
}

static int memo_add(struct conv *cv, Dwarf_Off off, int id)
{
	size_t i;

	if (id <= 0)
		return id;
	if (2 * (cv->nmemo + 1) > cv->cap && !memo_grow(cv)) {
		cv->nomem = true;
		return -1;
	}
	for (i = memo_hash(off, cv->cap); cv->memo[i].off; i = (i + 1) & (cv->cap - 1))
		;
	cv->memo[i].off = off + 1;
	cv->memo[i].id = id;
	cv->nmemo++;
	return id;
}

static bool fixup_add(struct conv *cv, Dwarf_Off die, int ptr_id)
{
	if (cv->nfix == cv->fixcap) {
		size_t cap = cv->fixcap ? cv->fixcap * 2 : 256;
		struct fixup *f = realloc(cv->fix, cap * sizeof(*f));

		if (!f)
			return false;
		cv->fix = f;
		cv->fixcap = cap;
	}
	cv->fix[cv->nfix].die = die;
	cv->fix[cv->nfix++].ptr_id = ptr_id;
	return true;
}

/* The BTF id of die's DW_AT_type (0: void or unknown). */
static int conv_ref(struct conv *cv, Dwarf_Die *die)
{
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return 0;
	return conv_type(cv, &t);
}

static Dwarf_Word attr_udata(Dwarf_Die *die, int name, Dwarf_Word dflt)
{
	Dwarf_Attribute a;
	Dwarf_Word v;

	if (!dwarf_attr_integrate(die, name, &a) || dwarf_formudata(&a, &v) != 0)
		return dflt;
	return v;
}

static int conv_base(struct conv *cv, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	int size = dwarf_bytesize(die);
	Dwarf_Word enc = attr_udata(die, DW_AT_encoding, DW_ATE_signed);
	int flags = 0;

	if (size <= 0)
		return 0;
	switch (enc) {
	case DW_ATE_float:
		return btf__add_float(cv->btf, name, size);
	case DW_ATE_boolean:
		flags = BTF_INT_BOOL;
		break;
	case DW_ATE_signed_char:
		flags = BTF_INT_SIGNED | BTF_INT_CHAR;
		break;
	case DW_ATE_unsigned_char:
		flags = BTF_INT_CHAR;
		break;
	case DW_ATE_signed:
		flags = BTF_INT_SIGNED;
		break;
	case DW_ATE_unsigned:
		break;
	default:
		return 0;
	}
	if (size > 16)
		return 0;
	return btf__add_int(cv->btf, name ? name : "", size, flags);
}

/* Members first (their types may add types), then the struct, then its
 * fields: BTF wants a composite's fields right after it. */
static int conv_composite(struct conv *cv, Dwarf_Die *die, bool is_union)
{
	struct { const char *name; int type; Dwarf_Word bit_off, bit_size; } m[512];
	const char *name = dwarf_diename(die);
	Dwarf_Die child;
	int n = 0, id, i;

	if (dwarf_hasattr(die, DW_AT_declaration))
		return btf__add_fwd(cv->btf, name ? name : "", is_union ? BTF_FWD_UNION : BTF_FWD_STRUCT);
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_member || n == 512)
				continue;
			m[n].name = dwarf_diename(&child);
			m[n].type = conv_ref(cv, &child);
			m[n].bit_size = attr_udata(&child, DW_AT_bit_size, 0);
			if (dwarf_hasattr(&child, DW_AT_data_bit_offset))
				m[n].bit_off = attr_udata(&child, DW_AT_data_bit_offset, 0);
			else
				m[n].bit_off = 8 * attr_udata(&child, DW_AT_data_member_location, 0);
			if (m[n].type < 0)
				return -1;
			n++;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	id = is_union ? btf__add_union(cv->btf, name ? name : "", dwarf_bytesize(die))
		      : btf__add_struct(cv->btf, name ? name : "", dwarf_bytesize(die));
	for (i = 0; id > 0 && i < n; i++)
		if (btf__add_field(cv->btf, m[i].name ? m[i].name : "", m[i].type, m[i].bit_off,
				   m[i].bit_size) < 0)
			return -1;
	return id;
}

static int conv_enum(struct conv *cv, Dwarf_Die *die)
{
	const char *name = dwarf_diename(die);
	int size = dwarf_bytesize(die), id;
	Dwarf_Die child;

	if (size <= 0)
		size = 4;
	id = btf__add_enum(cv->btf, name ? name : "", size);
	if (id > 0 && dwarf_child(die, &child) == 0) {
		do {
			Dwarf_Attribute a;
			Dwarf_Sword v = 0;

			if (dwarf_tag(&child) != DW_TAG_enumerator)
				continue;
			if (dwarf_attr(&child, DW_AT_const_value, &a))
				dwarf_formsdata(&a, &v);
			btf__add_enum_value(cv->btf, dwarf_diename(&child), v);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return id;
}

/* Arrays: one BTF array per dimension, innermost first. */
static int conv_array(struct conv *cv, Dwarf_Die *die)
{
	Dwarf_Word dims[8];
	int nd = 0, id = conv_ref(cv, die);
	Dwarf_Die child;

	if (id < 0)
		return id;
	if (dwarf_child(die, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_subrange_type || nd == 8)
				continue;
			if (dwarf_hasattr(&child, DW_AT_count))
				dims[nd++] = attr_udata(&child, DW_AT_count, 0);
			else if (dwarf_hasattr(&child, DW_AT_upper_bound))
				dims[nd++] = attr_udata(&child, DW_AT_upper_bound, 0) + 1;
			else
				dims[nd++] = 0;	/* flexible array member */
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	if (!cv->int_id)
		cv->int_id = btf__add_int(cv->btf, "int", 4, BTF_INT_SIGNED);
	while (nd-- > 0 && id >= 0)
		id = btf__add_array(cv->btf, cv->int_id, id, dims[nd]);
	return id;
}

static int conv_type(struct conv *cv, Dwarf_Die *die)
{
	Dwarf_Off off = dwarf_dieoffset(die);
	int id = memo_find(cv, off), ref;

	if (id >= 0)
		return id;
	switch (dwarf_tag(die)) {
	case DW_TAG_base_type:
		id = conv_base(cv, die);
		break;
	case DW_TAG_pointer_type:
	case DW_TAG_reference_type:
		id = btf__add_ptr(cv->btf, 0);
		if (id > 0) {
			Dwarf_Attribute a;
			Dwarf_Die t;

			if (dwarf_attr_integrate(die, DW_AT_type, &a) && dwarf_formref_die(&a, &t) &&
			    !fixup_add(cv, dwarf_dieoffset(&t), id))
				return -1;
		}
		break;
	case DW_TAG_const_type:
	case DW_TAG_volatile_type:
	case DW_TAG_restrict_type:
	case DW_TAG_typedef:
		ref = conv_ref(cv, die);
		if (ref < 0)
			return ref;
		/* another DIE may have reached this one meanwhile */
		if ((id = memo_find(cv, off)) >= 0)
			return id;
		switch (dwarf_tag(die)) {
		case DW_TAG_const_type: id = btf__add_const(cv->btf, ref); break;
		case DW_TAG_volatile_type: id = btf__add_volatile(cv->btf, ref); break;
		case DW_TAG_restrict_type: id = btf__add_restrict(cv->btf, ref); break;
		default: id = btf__add_typedef(cv->btf, dwarf_diename(die), ref); break;
		}
		break;
	case DW_TAG_structure_type:
	case DW_TAG_class_type:
		id = conv_composite(cv, die, false);
		break;
	case DW_TAG_union_type:
		id = conv_composite(cv, die, true);
		break;
	case DW_TAG_enumeration_type:
		id = conv_enum(cv, die);
		break;
	case DW_TAG_array_type:
		id = conv_array(cv, die);
		break;
	default:
		/* function types, unspecified types: as void (a pointer to
		 * one is a void pointer) */
		id = 0;
		break;
	}
	if (id < 0)
		return id;
	return memo_add(cv, off, id);
}

/* Point every placeholder pointer at its converted target; converting a
 * target may add more pointers, which the same loop then fixes. */
static bool conv_fixups(struct conv *cv)
{
	for (size_t i = 0; i < cv->nfix; i++) {
		Dwarf_Die t;
		struct btf_type *p;
		int id;

		if (!dwarf_offdie(cv->dw, cv->fix[i].die, &t))
			continue;
		id = conv_type(cv, &t);
		if (id < 0)
			return false;
		/* libbpf hands out const types; a BTF object being written
		 * is ours to change */
		p = (struct btf_type *)btf__type_by_id(cv->btf, cv->fix[i].ptr_id);
		p->type = id;
	}
	cv->nfix = 0;
	return true;
}

struct conv *dwarf_conv_new(struct btf *btf, Dwarf *dw)
{
	struct conv *cv = calloc(1, sizeof(*cv));

	if (cv) {
		cv->btf = btf;
		cv->dw = dw;
	}
	return cv;
}

int dwarf_conv_type(struct conv *cv, Dwarf_Die *die)
{
	int id = conv_type(cv, die);

	return id < 0 || !conv_fixups(cv) ? -1 : id;
}

/* A BTF FUNC (with its FUNC_PROTO) for a defined subprogram. */
static bool conv_function(struct conv *cv, Dwarf_Die *fn)
{
	const char *name = dwarf_diename(fn), *pnames[64];
	int ptypes[64], np = 0, ret, proto, i;
	Dwarf_Die child;

	if (!name || btf__find_by_name_kind(cv->btf, name, BTF_KIND_FUNC) > 0)
		return true;
	ret = conv_ref(cv, fn);
	if (ret < 0)
		return false;
	if (dwarf_child(fn, &child) == 0) {
		do {
			if (dwarf_tag(&child) != DW_TAG_formal_parameter || np == 64)
				continue;
			pnames[np] = dwarf_diename(&child);
			ptypes[np] = conv_ref(cv, &child);
			if (ptypes[np++] < 0)
				return false;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	proto = btf__add_func_proto(cv->btf, ret);
	for (i = 0; proto > 0 && i < np; i++)
		if (btf__add_func_param(cv->btf, pnames[i] ? pnames[i] : "", ptypes[i]) < 0)
			return false;
	return proto > 0 && btf__add_func(cv->btf, name, BTF_FUNC_GLOBAL, proto) > 0 &&
	       conv_fixups(cv);
}

static bool is_defined_function(Dwarf_Die *die)
{
	return dwarf_tag(die) == DW_TAG_subprogram && !dwarf_hasattr(die, DW_AT_declaration) &&
	       (dwarf_hasattr(die, DW_AT_low_pc) || dwarf_hasattr(die, DW_AT_ranges));
}

/* BTF for every defined function of the module's DWARF (NULL when it has
 * none, e.g. a module built without debug info, or with *why set when a
 * function's types could not be converted). */
static struct btf *module_btf(Dwfl_Module *mod, const char **why)
{
	struct conv *cv = calloc(1, sizeof(*cv));
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	bool any = false;

	if (!cv)
		return NULL;
	cv->btf = btf__new_empty();
	while (cv->btf && (cu = dwfl_module_nextcu(mod, cu, &bias))) {
		Dwarf_Die child;

		cv->dw = dwarf_cu_getdwarf(cu->cu);
		if (dwarf_child(cu, &child) != 0)
			continue;
		do {
			if (!is_defined_function(&child))
				continue;
			if (!conv_function(cv, &child)) {
				*why = arena_printf("the DWARF types of %s could not be converted",
						    dwarf_diename(&child));
				btf__free(cv->btf);
				cv->btf = NULL;
				break;
			}
			any = true;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	{
		struct btf *b = any ? cv->btf : (btf__free(cv->btf), NULL);

		if (getenv("TAPC_DEBUG_DWARF") && b)
			fprintf(stderr, "dwarf: %u BTF types from %zu DIEs\n", btf__type_cnt(b), cv->nmemo);
		free(cv->memo);
		free(cv->fix);
		free(cv);
		return b;
	}
}

/* ---- finding and opening .ko files and debuginfo ---- */

static const Dwfl_Callbacks offline_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
};

/* fd: the file's bytes (a decompressed module), taken over by libdwfl,
 * or -1 to open path. */
static struct dwarf_info *dwarf_open_file(const char *name, const char *path, int fd)
{
	struct dwarf_info *di = arena_alloc(sizeof(*di));

	di->dwfl = dwfl_begin(&offline_callbacks);
	if (!di->dwfl) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	di->mod = dwfl_report_offline(di->dwfl, name, path, fd);
	dwfl_report_end(di->dwfl, NULL, NULL);
	if (!di->mod) {
		dwfl_end(di->dwfl);
		return NULL;
	}
	di->path = arena_strdup(path);
	return di;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect_function(const char *name, void *arg)
{
	struct { char **v; size_t n; } *fl = arg;

	fl->v[fl->n++] = arena_strdup(name);
}

/* The module's function symbols (see ko_functions()), sorted. */
static char **module_functions(const struct ko_image *ko, size_t *n)
{
	struct { char **v; size_t n; } fl = { NULL, 0 };
	size_t count = ko_functions(ko, NULL, NULL, NULL);

	fl.v = arena_alloc((count ? count : 1) * sizeof(*fl.v));
	ko_functions(ko, NULL, collect_function, &fl);
	if (fl.n)
		qsort(fl.v, fl.n, sizeof(*fl.v), cmp_str);
	*n = fl.n;
	return fl.v;
}

/* Split BTF from raw bytes over base (libbpf copies them). */
static struct btf *split_btf(const void *data, size_t size, struct btf *base)
{
#ifdef HAVE_BTF__NEW_SPLIT
	return btf__new_split(data, size, base);
#else
	/* no btf__new_split() in this libbpf: hand it the bytes as a file */
	int fd = memfd_create("btf", MFD_CLOEXEC);
	struct btf *b = NULL;

	if (fd < 0)
		return NULL;
	if (write(fd, data, size) == (ssize_t)size)
		b = btf__parse_raw_split(arena_printf("/proc/self/fd/%d", fd), base);
	close(fd);
	return b;
#endif
}

/* The module's own BTF: its .BTF section (split BTF over the kernel's,
 * written by pahole when the module was built against a vmlinux), or
 * /sys/kernel/btf/NAME when the target is running with it loaded. */
static struct btf *module_own_btf(struct kernel *k, const struct ko_image *ko, const char *name)
{
	struct btf *base = btf_load(k, 0), *b = NULL;
	const void *data, *btf;
	size_t size, btf_size;
	Elf *elf;

	if (!base)
		return NULL;
	data = ko_data(ko, &size);
	elf_version(EV_CURRENT);
	elf = elf_memory((char *)data, size);
	if ((btf = btf_elf_section(elf, &btf_size)))
		b = split_btf(btf, btf_size, base);
	if (elf)
		elf_end(elf);
	if (!b && k->running)
		b = btf__parse_split(arena_printf("/sys/kernel/btf/%s", name), base);
	return b;
}

/* libdwfl's view of the module's image; NULL with *err set. */
static struct dwarf_info *module_dwarf(const char *name, struct ko_image *ko, const char **err)
{
	struct dwarf_info *di = dwarf_open_file(name, ko_path(ko), ko_take_fd(ko));

	if (!di)
		*err = arena_printf("can't read %s: %s", ko_path(ko), dwfl_errmsg(-1));
	return di;
}

/* A module with BTF of its own leaves its DWARF closed until a source
 * line needs it (kernel_debuginfo()): module("*") may open hundreds of
 * modules, and libdwfl keeps a file open for each. */
struct image *kernel_module(struct kernel *k, const char *name, struct ko_image *ko,
			    const char **err)
{
	struct image *m = arena_alloc(sizeof(*m));

	m->kind = IMAGE_MODULE;
	m->space = IMAGE_SPACE_KERNEL;
	m->kernel = k;
	m->name = module_canonical_name(name);
	m->path = arena_strdup(ko_path(ko));
	m->funcs = module_functions(ko, &m->nfuncs);
	m->btf = module_own_btf(k, ko, m->name);
	m->types_from = m->btf ? "BTF" : "DWARF";
	if (!m->btf) {
		m->dwarf = module_dwarf(m->name, ko, err);
		m->dwarf_tried = true;
		if (!m->dwarf) {
			ko_close(ko);
			return NULL;
		}
		m->btf = module_btf(((struct dwarf_info *)m->dwarf)->mod, &m->types_error);
	}
	m->btf_tried = true;
	ko_close(ko);
	return m;
}

/* A module's DWARF, opened on first use. */
static struct image *module_debuginfo(struct image *m)
{
	struct ko_image *ko;
	const char *err;
	Dwarf_Addr bias;

	m->dwarf_tried = true;
	if (!(ko = ko_open(m->path, &err)))
		return NULL;
	m->dwarf = module_dwarf(m->name, ko, &err);
	ko_close(ko);
	if (m->dwarf && !dwfl_module_getdwarf(((struct dwarf_info *)m->dwarf)->mod, &bias))
		m->dwarf = NULL;
	return m->dwarf ? m : NULL;
}

struct image *kernel_debuginfo(struct image *im)
{
	struct kernel *k = im->kernel;
	const char *paths[] = {
		arena_printf("/usr/lib/debug/boot/vmlinux-%s", k->release),
		arena_printf("/usr/lib/debug/lib/modules/%s/vmlinux", k->release),
		arena_printf("/lib/modules/%s/build/vmlinux", k->release),
	};
	size_t i;

	if (im->dwarf_tried)
		return im->dwarf ? im : NULL;
	if (im->kind == IMAGE_MODULE)
		return module_debuginfo(im);
	im->dwarf_tried = true;
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct dwarf_info *di;
		Dwarf_Addr bias;

		if (access(paths[i], R_OK) != 0 || !(di = dwarf_open_file("kernel", paths[i], -1)))
			continue;
		if (!dwfl_module_getdwarf(di->mod, &bias)) {
			dwfl_end(di->dwfl);
			continue;
		}
		im->dwarf = di;
		return im;
	}
	return NULL;
}

const char *kernel_debuginfo_paths(struct kernel *k)
{
	return arena_printf("/usr/lib/debug/boot/vmlinux-%s, /usr/lib/debug/lib/modules/%s/vmlinux, "
			    "/lib/modules/%s/build/vmlinux", k->release, k->release, k->release);
}

/* ---- source lines and functions by file ----
 * vmlinux debuginfo is large (2,000+ CUs, 4 million line rows): a literal
 * function name is found in the symbol table first and only its CU is
 * read (libdw finds it through .debug_aranges); a glob reads every CU. */

/* The file part of "f@FILE:LINE" may be a path suffix or a glob. */
static bool file_matches(const char *src, const char *want)
{
	size_t ls = strlen(src), lw = strlen(want);

	if (strpbrk(want, "*?["))
		return fnmatch(want, src, 0) == 0 ||
		       fnmatch(arena_printf("*/%s", want), src, 0) == 0;
	return ls >= lw && strcmp(src + ls - lw, want) == 0 &&
	       (ls == lw || src[ls - lw - 1] == '/');
}

/* A source file name as the user would write it: relative to the CU's
 * compilation directory when under it. */
static const char *short_file(Dwarf_Die *cu, const char *src)
{
	Dwarf_Attribute a;
	const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
	size_t n = dir ? strlen(dir) : 0;

	if (n && strncmp(src, dir, n) == 0 && src[n] == '/')
		src += n + 1;
	return src;
}

static int cmp_sym(const void *a, const void *b)
{
	return strcmp(((const struct dwarf_sym *)a)->name, ((const struct dwarf_sym *)b)->name);
}

/* How many function symbols are called name, and the address of one of
 * them (0 when none); the names are sorted once per file. */
static int symbol_count(struct dwarf_info *di, const char *name, GElf_Addr *addr)
{
	struct dwarf_sym key = { name, 0 }, *p;
	size_t lo, hi;
	int n = 0;

	if (!di->syms) {
		int i, nsyms = dwfl_module_getsymtab(di->mod);
		GElf_Word shndx;
		GElf_Sym sym;
		GElf_Addr a;

		di->syms = calloc(nsyms > 0 ? nsyms : 1, sizeof(*di->syms));
		if (!di->syms)
			return 0;
		for (i = 1; i < nsyms; i++) {
			const char *s = dwfl_module_getsym_info(di->mod, i, &sym, &a, &shndx, NULL, NULL);

			if (s && (GELF_ST_TYPE(sym.st_info) == STT_FUNC || strcmp(s, "_text") == 0)) {
				di->syms[di->nsyms].name = s;
				di->syms[di->nsyms++].addr = a;
			}
		}
		qsort(di->syms, di->nsyms, sizeof(*di->syms), cmp_sym);
	}
	*addr = 0;
	/* the first entry >= name, then the run of equal names */
	for (lo = 0, hi = di->nsyms; lo < hi;) {
		size_t mid = (lo + hi) / 2;

		if (cmp_sym(&di->syms[mid], &key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (p = di->syms + lo; p < di->syms + di->nsyms && strcmp(p->name, name) == 0; p++, n++)
		*addr = p->addr;
	return n;
}

/* Section name of a (dwfl) address: .init.text code is gone after boot. */
static bool in_init_text(Dwfl_Module *mod, Dwarf_Addr a)
{
	Dwarf_Addr bias, off = a;
	Elf_Scn *scn = dwfl_module_address_section(mod, &off, &bias);
	Elf *elf = dwfl_module_getelf(mod, &bias);
	size_t shstrndx;
	GElf_Shdr sh;
	const char *name;

	if (!scn || !elf || !gelf_getshdr(scn, &sh) || elf_getshdrstrndx(elf, &shstrndx) != 0 ||
	    !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
		return false;
	return strncmp(name, ".init", 5) == 0 || strncmp(name, ".exit", 5) == 0;
}

/* Fill in the symbol side of a site at dwfl address a: false when a is in
 * no function symbol matching the glob func. */
static bool site_symbol(struct dwarf_info *di, Dwarf_Addr a, const char *func, struct dwarf_site *ds)
{
	GElf_Off off;
	GElf_Sym sym;
	GElf_Addr text;
	const char *name = dwfl_module_addrinfo(di->mod, a, &off, &sym, NULL, NULL, NULL);

	if (!name || GELF_ST_TYPE(sym.st_info) != STT_FUNC || fnmatch(func, name, 0) != 0 ||
	    in_init_text(di->mod, a))
		return false;
	ds->func = arena_strdup(name);
	ds->offset = off;
	ds->addr = a;
	/* a static function whose name other functions share: kallsyms
	 * would resolve the name to the first, so the site is placed
	 * relative to _text instead (KASLR moves the kernel as a whole) */
	ds->anchor = NULL;
	if (symbol_count(di, name, &text) > 1) {
		ds->anchor = "_text";
		if (symbol_count(di, "_text", &text) != 1 || a < text) {
			ds->anchor = "";
			text = 0;
		}
		ds->anchor_offset = a - text;
	}
	return true;
}

/* The CUs to search for func: those of its symbols when func is a
 * literal name, else every CU (NULL). */
static Dwarf_Die **candidate_cus(struct dwarf_info *di, const char *func, int *n)
{
	int i, nsyms, cap = 8;
	Dwarf_Die **v;
	GElf_Word shndx;
	GElf_Sym sym;
	GElf_Addr a;

	*n = 0;
	if (strpbrk(func, "*?["))
		return NULL;
	v = arena_alloc(cap * sizeof(*v));
	nsyms = dwfl_module_getsymtab(di->mod);
	for (i = 1; i < nsyms; i++) {
		const char *s = dwfl_module_getsym_info(di->mod, i, &sym, &a, &shndx, NULL, NULL);
		Dwarf_Addr bias;
		Dwarf_Die *cu;
		int j;

		if (!s || GELF_ST_TYPE(sym.st_info) != STT_FUNC || strcmp(s, func) != 0 ||
		    !(cu = dwfl_module_addrdie(di->mod, a, &bias)))
			continue;
		for (j = 0; j < *n; j++)
			if (dwarf_dieoffset(v[j]) == dwarf_dieoffset(cu))
				break;
		if (j < *n || *n == cap)
			continue;
		v[*n] = arena_alloc(sizeof(Dwarf_Die));
		*v[(*n)++] = *cu;
	}
	/* no such symbol: the name may be a DWARF one ("f" of "f.isra.0") */
	return *n ? v : NULL;
}

/* The next CU to search: from the candidates, or every CU in turn. */
static Dwarf_Die *next_cu(struct dwarf_info *di, Dwarf_Die **cands, int ncands, int *i,
			  Dwarf_Die *cu, Dwarf_Addr *bias)
{
	if (!cands)
		return dwfl_module_nextcu(di->mod, cu, bias);
	dwfl_module_getdwarf(di->mod, bias);
	return *i < ncands ? cands[(*i)++] : NULL;
}

/* Whether pc (a DWARF address in cu) is in an inlined instance of a
 * function matching the glob func: "f@FILE:LINE" of a function that was
 * only inlined names the places it was inlined into. */
static bool inlined_at(Dwarf_Die *cu, Dwarf_Addr pc, const char *func)
{
	Dwarf_Die *scopes;
	int n = dwarf_getscopes(cu, pc, &scopes), i;
	bool found = false;

	for (i = 0; i < n && !found; i++) {
		const char *name = dwarf_diename(&scopes[i]);

		found = dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine && name &&
			fnmatch(func, name, 0) == 0;
	}
	free(n > 0 ? scopes : NULL);
	return found;
}

int dwarf_line_sites(struct image *im, const char *func, const char *file, int line,
		     void (*fn)(const struct dwarf_site *ds, void *arg), void *arg)
{
	struct dwarf_info *di = im->dwarf;
	Dwarf_Die *cu = NULL, **cands;
	Dwarf_Addr bias;
	int found = 0, ncands, ci = 0;

	if (!di || !dwfl_module_getdwarf(di->mod, &bias))
		return -1;
	cands = candidate_cus(di, func, &ncands);
	/* the lowest is_stmt address of that line in each matching function */
	while ((cu = next_cu(di, cands, ncands, &ci, cu, &bias))) {
		struct dwarf_site best[64];
		Dwarf_Lines *lines;
		size_t nl, i;
		int nbest = 0, j;

		if (dwarf_getsrclines(cu, &lines, &nl) != 0)
			continue;
		for (i = 0; i < nl; i++) {
			Dwarf_Line *l = dwarf_onesrcline(lines, i);
			const char *src = dwarf_linesrc(l, NULL, NULL);
			struct dwarf_site ds;
			int ln;
			bool stmt;
			Dwarf_Addr a;

			if (!src || dwarf_lineno(l, &ln) != 0 || ln != line ||
			    dwarf_linebeginstatement(l, &stmt) != 0 || !stmt ||
			    dwarf_lineaddr(l, &a) != 0 || !file_matches(src, file) ||
			    !site_symbol(di, a + bias, "*", &ds) ||
			    (fnmatch(func, ds.func, 0) != 0 && !inlined_at(cu, a, func)))
				continue;
			ds.file = short_file(cu, src);
			ds.line = line;
			for (j = 0; j < nbest; j++)
				if (best[j].addr - best[j].offset == ds.addr - ds.offset)
					break;
			if (j < nbest && ds.addr < best[j].addr)
				best[j] = ds;
			else if (j == nbest && nbest < 64)
				best[nbest++] = ds;
		}
		for (j = 0; j < nbest; j++)
			fn(&best[j], arg);
		found += nbest;
	}
	return found;
}

struct func_search {
	struct dwarf_info *di;
	Dwarf_Die *cu;
	Dwarf_Addr bias;
	const char *func, *file;
	void (*fn)(const struct dwarf_site *ds, void *arg);
	void *arg;
	int found;
};

static int func_site(Dwarf_Die *die, void *arg)
{
	struct func_search *fs = arg;
	const char *name = dwarf_diename(die), *decl;
	struct dwarf_site ds;
	Dwarf_Addr lo;

	Dwarf_Addr base, hi;
	ptrdiff_t r = 0;
	bool entry = false;

	if (!name || fnmatch(fs->func, name, 0) != 0 || dwarf_hasattr(die, DW_AT_declaration) ||
	    !(decl = dwarf_decl_file(die)) || !file_matches(decl, fs->file))
		return DWARF_CB_OK;
	/* the entry is the start of the range a function symbol starts at
	 * ("f", or a specialised "f.isra.0"; not its "f.cold" part, which
	 * may come first in a function split in two: DW_AT_ranges) */
	while (!entry && (r = dwarf_ranges(die, r, &base, &lo, &hi)) > 0)
		entry = site_symbol(fs->di, lo + fs->bias, "*", &ds) && ds.offset == 0 &&
			!strstr(ds.func, ".cold");
	if (!entry)
		return DWARF_CB_OK;
	ds.file = short_file(fs->cu, decl);
	ds.line = 0;
	fs->fn(&ds, fs->arg);
	fs->found++;
	return DWARF_CB_OK;
}

int dwarf_func_sites(struct image *im, const char *func, const char *file,
		     void (*fn)(const struct dwarf_site *ds, void *arg), void *arg)
{
	struct func_search fs = { im->dwarf, NULL, 0, func, file, fn, arg, 0 };
	Dwarf_Die **cands;
	int ncands, ci = 0;

	if (!fs.di || !dwfl_module_getdwarf(fs.di->mod, &fs.bias))
		return -1;
	cands = candidate_cus(fs.di, func, &ncands);
	while ((fs.cu = next_cu(fs.di, cands, ncands, &ci, fs.cu, &fs.bias)))
		dwarf_getfuncs(fs.cu, func_site, &fs, 0);
	return fs.found;
}
