/* User binaries and shared libraries (uimage.h): finding the file a
 * process("PATH") or .library("LIB") names, and reading what probes need
 * from its ELF file with libelf, its symbols and DWARF with libdwfl.
 *
 * libdwfl is given the file as an ELF image at base 0 (not a running
 * process): its addresses are then the file's own virtual addresses, the
 * ones the line tables, symbols and SDT notes use, and dwarf.c and
 * dwarf_vars.c read it as they read a module.  Its standard debuginfo
 * search finds a separate debug file by build id under
 * /usr/lib/debug/.build-id/ (Debian's -dbg and -dbgsym packages) or by
 * .gnu_debuglink; SYSTEMTAP_DEBUGINFO_PATH replaces where it looks, as
 * it does for stap.
 */
#define _GNU_SOURCE
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <gelf.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "dwarf_int.h"
#include "kernel.h"
#include "session.h"
#include "uimage.h"

/* the images read so far, by path */
struct uimages {
	struct image **v;
	int n, cap;
};

#define NT_STAPSDT 3

static char *debuginfo_path;

static const Dwfl_Callbacks user_callbacks = {
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &debuginfo_path,
};

static struct uimages *images_of(struct session *s)
{
	if (!s->uimages)
		s->uimages = arena_alloc(sizeof(*s->uimages));
	return s->uimages;
}

void uimage_want_symbols(struct image *im)
{
	uimage(im)->want_symbols = true;
}

struct image **uimage_all(struct session *s, int *n)
{
	struct uimages *u = images_of(s);

	*n = u->n;
	return u->v;
}

/* ---- the ELF file ---- */

static const char *elf_string(Elf *elf, size_t strndx, size_t off)
{
	const char *s = elf_strptr(elf, strndx, off);

	return s ? arena_strdup(s) : NULL;
}

static void read_segments(Elf *elf, struct image *im, bool *interp)
{
	struct uimage *u = uimage(im);
	size_t n, i;

	*interp = false;
	if (elf_getphdrnum(elf, &n) != 0)
		return;
	u->segs = arena_alloc((n ? n : 1) * sizeof(*u->segs));
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph))
			continue;
		if (ph.p_type == PT_INTERP)
			*interp = true;
		if (ph.p_type != PT_LOAD)
			continue;
		u->segs[u->nsegs++] = (struct useg){ ph.p_vaddr, ph.p_memsz, ph.p_offset, ph.p_filesz,
						     (ph.p_flags & PF_X) != 0 };
	}
}

/* A library directory of DT_RUNPATH/DT_RPATH with $ORIGIN (or ${ORIGIN})
 * replaced by the directory the file is in. */
static const char *expand_origin(const char *dir, const char *path)
{
	const char *slash = strrchr(path, '/');
	int olen = slash ? (int)(slash - path) : 1;
	const char *origin = slash ? path : ".";

	if (strncmp(dir, "$ORIGIN", 7) == 0)
		return arena_printf("%.*s%s", olen, origin, dir + 7);
	if (strncmp(dir, "${ORIGIN}", 9) == 0)
		return arena_printf("%.*s%s", olen, origin, dir + 9);
	return dir;
}

static void add_libdirs(struct image *im, const char *list)
{
	struct uimage *u = uimage(im);
	char *copy = arena_strdup(list), *save = NULL, *d;
	int n = 1;

	for (const char *p = list; *p; p++)
		n += *p == ':';
	u->libdirs = arena_alloc(n * sizeof(*u->libdirs));
	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
		u->libdirs[u->nlibdirs++] = expand_origin(d, im->path);
}

static void read_dynamic(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh, struct image *im)
{
	struct uimage *u = uimage(im);
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n = sh->sh_entsize ? sh->sh_size / sh->sh_entsize : 0, i;
	const char *runpath = NULL, *rpath = NULL;

	if (!data)
		return;
	u->needed = arena_alloc((n ? n : 1) * sizeof(*u->needed));
	for (i = 0; i < n; i++) {
		GElf_Dyn d;

		if (!gelf_getdyn(data, (int)i, &d) || d.d_tag == DT_NULL)
			break;
		if (d.d_tag == DT_NEEDED)
			u->needed[u->nneeded++] = elf_string(elf, sh->sh_link, d.d_un.d_val);
		else if (d.d_tag == DT_SONAME)
			u->soname = elf_string(elf, sh->sh_link, d.d_un.d_val);
		else if (d.d_tag == DT_RUNPATH)
			runpath = elf_string(elf, sh->sh_link, d.d_un.d_val);
		else if (d.d_tag == DT_RPATH)
			rpath = elf_string(elf, sh->sh_link, d.d_un.d_val);
	}
	/* the dynamic linker ignores DT_RPATH when there is a DT_RUNPATH */
	if (runpath || rpath)
		add_libdirs(im, runpath ? runpath : rpath);
}

/* The notes of one SHT_NOTE section: the build id, SDT markers. */
static void read_notes(Elf_Scn *scn, struct image *im, long sdt_shift, int *cap)
{
	struct uimage *u = uimage(im);
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while (data && (off = gelf_getnote(data, off, &nh, &name_off, &desc_off)) > 0) {
		const char *name = (const char *)data->d_buf + name_off;
		const unsigned char *desc = (const unsigned char *)data->d_buf + desc_off;

		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 && strcmp(name, "GNU") == 0) {
			for (size_t i = 0; i < nh.n_descsz && i < 20; i++)
				sprintf(u->build_id + 2 * i, "%02x", desc[i]);
		} else if (nh.n_type == NT_STAPSDT && strcmp(name, "stapsdt") == 0 && nh.n_descsz > 24) {
			/* pc, base, semaphore (8 bytes each), then the
			 * provider, the name and the arguments, NUL-terminated */
			const char *p = (const char *)desc + 24, *end = (const char *)desc + nh.n_descsz;
			struct usdt *m;
			unsigned long v[3];

			if (u->nmarks == *cap) {
				*cap = *cap ? 2 * *cap : 16;
				struct usdt *grown = arena_alloc(*cap * sizeof(*grown));

				if (u->nmarks)
					memcpy(grown, u->marks, u->nmarks * sizeof(*grown));
				u->marks = grown;
			}
			memcpy(v, desc, sizeof(v));
			m = &u->marks[u->nmarks];
			m->provider = arena_strndup(p, strnlen(p, end - p));
			p += strlen(m->provider) + 1;
			if (p >= end)
				continue;
			m->name = arena_strndup(p, strnlen(p, end - p));
			p += strlen(m->name) + 1;
			m->args = p < end ? arena_strndup(p, strnlen(p, end - p)) : "";
			/* a prelinked file moved .stapsdt.base: its notes
			 * were written for the old place */
			m->pc = v[0] + sdt_shift;
			m->sem = v[2] ? v[2] + sdt_shift : 0;
			u->nmarks++;
		}
	}
}

/* PLT entries from .rela.plt: GNU ld lays out one 16-byte entry per
 * R_X86_64_JUMP_SLOT in relocation order, after the 16-byte header of
 * .plt, or from the start of .plt.sec (IBT-enabled lazy binding). */
static void read_plt(Elf *elf, Elf_Scn *rela, GElf_Shdr *rsh, unsigned long plt, bool sec,
		     struct image *im)
{
	struct uimage *u = uimage(im);
	Elf_Data *data = elf_getdata(rela, NULL), *syms;
	Elf_Scn *symscn = elf_getscn(elf, rsh->sh_link);
	GElf_Shdr ssh;
	size_t n = rsh->sh_entsize ? rsh->sh_size / rsh->sh_entsize : 0, i;

	if (!data || !symscn || !gelf_getshdr(symscn, &ssh) || !(syms = elf_getdata(symscn, NULL)))
		return;
	u->plts = arena_alloc((n ? n : 1) * sizeof(*u->plts));
	for (i = 0; i < n; i++) {
		GElf_Rela r;
		GElf_Sym sym;

		if (!gelf_getrela(data, (int)i, &r) || GELF_R_TYPE(r.r_info) != R_X86_64_JUMP_SLOT ||
		    !gelf_getsym(syms, (int)GELF_R_SYM(r.r_info), &sym))
			continue;
		u->plts[u->nplts].name = elf_string(elf, ssh.sh_link, sym.st_name);
		u->plts[u->nplts++].addr = plt + 16 * (i + !sec);
	}
}

static void read_sections(Elf *elf, struct image *im)
{
	size_t shstrndx;
	Elf_Scn *scn = NULL, *rela_plt = NULL;
	GElf_Shdr sh, rela_sh = { 0 };
	unsigned long plt = 0, plt_sec = 0, sdt_base = 0;
	bool has_sdt_base = false;
	int cap = 0;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(elf, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type == SHT_DYNAMIC)
			read_dynamic(elf, scn, &sh, im);
		else if (strcmp(name, ".plt") == 0)
			plt = sh.sh_addr;
		else if (strcmp(name, ".plt.sec") == 0)
			plt_sec = sh.sh_addr;
		else if (strcmp(name, ".rela.plt") == 0) {
			rela_plt = scn;
			rela_sh = sh;
		} else if (strcmp(name, ".stapsdt.base") == 0) {
			sdt_base = sh.sh_addr;
			has_sdt_base = true;
		}
	}
	/* notes last: their addresses depend on .stapsdt.base */
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		if (has_sdt_base) {
			/* each note carries the base it was written for */
			Elf_Data *d = elf_getdata(scn, NULL);
			size_t name_off, desc_off;
			GElf_Nhdr nh;

			if (d && gelf_getnote(d, 0, &nh, &name_off, &desc_off) > 0 && nh.n_type == NT_STAPSDT &&
			    nh.n_descsz >= 16) {
				unsigned long base;

				memcpy(&base, (const char *)d->d_buf + desc_off + 8, 8);
				read_notes(scn, im, (long)(sdt_base - base), &cap);
				continue;
			}
		}
		read_notes(scn, im, 0, &cap);
	}
	if (rela_plt && (plt_sec || plt))
		read_plt(elf, rela_plt, &rela_sh, plt_sec ? plt_sec : plt, plt_sec != 0, im);
}

/* ---- symbols (libdwfl: the file's .symtab, else its separate
 * debuginfo's, else .dynsym) ---- */

static int cmp_addr(const void *a, const void *b)
{
	const struct usym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool in_exec_segment(const struct uimage *u, unsigned long a)
{
	for (int i = 0; i < u->nsegs; i++)
		if (u->segs[i].exec && a >= u->segs[i].vaddr && a < u->segs[i].vaddr + u->segs[i].memsz)
			return true;
	return false;
}

static void read_symbols(struct image *im, Dwfl_Module *mod)
{
	struct uimage *u = uimage(im);
	int n = dwfl_module_getsymtab(mod), i;
	GElf_Addr bias;

	dwfl_module_getelf(mod, &bias);
	u->syms = arena_alloc((n > 0 ? n : 1) * sizeof(*u->syms));
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &a, &shndx, NULL, NULL);

		if (!name || !*name || GELF_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_shndx == SHN_UNDEF ||
		    !in_exec_segment(u, a - bias))
			continue;
		u->syms[u->nsyms++] = (struct usym){ arena_strdup(name), a - bias, sym.st_size,
						     GELF_ST_BIND(sym.st_info) != STB_LOCAL };
	}
	qsort(u->syms, u->nsyms, sizeof(*u->syms), cmp_addr);
	/* the names, for "did you mean" */
	im->funcs = arena_alloc((u->nsyms ? u->nsyms : 1) * sizeof(*im->funcs));
	for (size_t j = 0; j < u->nsyms; j++)
		im->funcs[im->nfuncs++] = (char *)u->syms[j].name;
}

static struct dwarf_info *open_dwfl(const char *path)
{
	struct dwarf_info *di = arena_alloc(sizeof(*di));
	const char *env = getenv("SYSTEMTAP_DEBUGINFO_PATH");

	if (env && !debuginfo_path)
		debuginfo_path = arena_strdup(env);
	di->dwfl = dwfl_begin(&user_callbacks);
	if (!di->dwfl)
		return NULL;
	dwfl_report_begin(di->dwfl);
	di->mod = dwfl_report_elf(di->dwfl, path, path, -1, 0, false);
	dwfl_report_end(di->dwfl, NULL, NULL);
	if (!di->mod) {
		dwfl_end(di->dwfl);
		return NULL;
	}
	di->path = path;
	return di;
}

static struct image *read_image(const char *path, const char **err)
{
	struct image *im = arena_alloc(sizeof(*im));
	struct uimage *u = arena_alloc(sizeof(*u));
	struct dwarf_info *di;
	struct stat st;
	GElf_Ehdr eh;
	bool interp;
	Elf *elf;
	int fd;

	im->kind = IMAGE_USER;
	im->space = IMAGE_SPACE_USER;
	im->path = arena_strdup(path);
	im->user = u;
	im->btf_tried = true;	/* types come from DWARF (dwarf_vars_view()) */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		*err = arena_printf("can't read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	u->file_size = (unsigned long)st.st_size;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh)) {
		*err = arena_printf("%s is not an ELF file", path);
		goto fail;
	}
	if (eh.e_machine != EM_X86_64 || gelf_getclass(elf) != ELFCLASS64 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN)) {
		*err = arena_printf("%s is not an x86_64 program or shared library", path);
		goto fail;
	}
	read_segments(elf, im, &interp);
	read_sections(elf, im);
	u->is_library = eh.e_type == ET_DYN && !interp;
	elf_end(elf);
	close(fd);
	di = open_dwfl(im->path);
	if (!di) {
		*err = arena_printf("can't read %s: %s", path, dwfl_errmsg(-1));
		return NULL;
	}
	/* the handle serves symbols now and DWARF when asked (dwarf_tried
	 * stays false until uimage_dwarf()) */
	im->dwarf = di;
	read_symbols(im, di->mod);
	return im;
fail:
	if (elf)
		elf_end(elf);
	close(fd);
	return NULL;
}

struct image *uimage_open(struct session *s, const char *path, const char **err)
{
	struct uimages *u = images_of(s);
	char real[PATH_MAX];
	struct image *im;

	if (!realpath(path, real)) {
		*err = arena_printf("can't find %s: %s", path, strerror(errno));
		return NULL;
	}
	for (int i = 0; i < u->n; i++)
		if (strcmp(u->v[i]->path, real) == 0)
			return u->v[i];
	im = read_image(real, err);
	if (!im)
		return NULL;
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 8;
		u->v = realloc(u->v, u->cap * sizeof(*u->v));
		if (!u->v)
			die("out of memory");
	}
	uimage(im)->index = u->n;
	u->v[u->n++] = im;
	return im;
}

/* ---- DWARF ---- */

struct image *uimage_dwarf(struct image *im)
{
	struct uimage *u = uimage(im);
	struct dwarf_info *di = im->dwarf;
	const char *debug = NULL;
	Dwarf_Addr bias;

	if (im->dwarf_tried)
		return u->no_dwarf ? NULL : im;
	im->dwarf_tried = true;
	if (!di || !dwfl_module_getdwarf(di->mod, &bias)) {
		u->no_dwarf = *u->build_id
			? arena_printf("%s has no DWARF, and no separate debuginfo was found for its build id %s "
				       "(%s/.build-id/%.2s/%s.debug)", im->path, u->build_id,
				       debuginfo_path ? debuginfo_path : "/usr/lib/debug", u->build_id, u->build_id + 2)
			: arena_printf("%s has no DWARF and no build id to find separate debuginfo by", im->path);
		return NULL;
	}
	dwfl_module_info(di->mod, NULL, NULL, NULL, NULL, NULL, NULL, &debug);
	u->debug_file = debug ? arena_strdup(debug) : im->path;
	return im;
}

/* ---- addresses and symbols ---- */

long uimage_offset(const struct image *im, unsigned long vaddr)
{
	const struct uimage *u = uimage(im);

	for (int i = 0; i < u->nsegs; i++) {
		const struct useg *sg = &u->segs[i];

		if (vaddr >= sg->vaddr && vaddr < sg->vaddr + sg->filesz)
			return (long)(vaddr - sg->vaddr + sg->offset);
	}
	return -1;
}

const struct usym *uimage_symbol_at(const struct image *im, unsigned long vaddr)
{
	const struct uimage *u = uimage(im);
	size_t lo = 0, hi = u->nsyms;

	/* the last symbol starting at or below vaddr */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (u->syms[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {
		const struct usym *sym = &u->syms[--lo];

		if (vaddr < sym->addr + (sym->size ? sym->size : 1))
			return sym;
		/* an alias of the same address may have the size */
		if (lo == 0 || u->syms[lo - 1].addr != sym->addr)
			break;
	}
	return NULL;
}

/* Which of two names of one address a user would write. */
static bool better_name(const struct usym *a, const struct usym *b)
{
	bool ua = a->name[0] == '_', ub = b->name[0] == '_';

	if (a->global != b->global)
		return a->global;
	if (ua != ub)
		return !ua;
	return strlen(a->name) < strlen(b->name);
}

size_t uimage_functions(struct image *im, const char *glob,
			void (*fn)(const struct usym *sym, void *arg), void *arg)
{
	const struct uimage *u = uimage(im);
	bool literal = !strpbrk(glob, "*?[");
	size_t i = 0, n = 0;

	while (i < u->nsyms) {
		const struct usym *best = NULL;
		size_t j;

		for (j = i; j < u->nsyms && u->syms[j].addr == u->syms[i].addr; j++) {
			const struct usym *sym = &u->syms[j];

			if (literal ? strcmp(sym->name, glob) != 0 : fnmatch(glob, sym->name, 0) != 0)
				continue;
			if (!best || (!literal && better_name(sym, best)))
				best = sym;
		}
		if (best) {
			fn(best, arg);
			n++;
		}
		i = j;
	}
	return n;
}

bool uimage_symbol_addr(struct image *im, const char *name, unsigned long *addr)
{
	struct dwarf_info *di = im->dwarf;
	int n, i;
	GElf_Addr bias;

	if (!di)
		return false;
	n = dwfl_module_getsymtab(di->mod);
	dwfl_module_getelf(di->mod, &bias);
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		GElf_Word shndx;
		const char *s = dwfl_module_getsym_info(di->mod, i, &sym, &a, &shndx, NULL, NULL);

		if (s && sym.st_shndx != SHN_UNDEF && strcmp(s, name) == 0) {
			*addr = a - bias;
			return true;
		}
	}
	return false;
}

const char *uimage_closest_function(struct image *im, const char *name)
{
	return closest_name(name, im->funcs, im->nfuncs);
}

const char *uimage_what(const struct image *im)
{
	return im->path;
}

/* ---- finding files ---- */

static bool is_elf_file(const char *path, bool need_exec)
{
	struct stat st;
	unsigned char magic[4];
	int fd;
	bool ok;

	if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) || (need_exec && access(path, X_OK) != 0))
		return false;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ok = read(fd, magic, 4) == 4 && memcmp(magic, ELFMAG, 4) == 0;
	close(fd);
	return ok;
}

struct found {
	const char **v;
	int n, cap;
};

static void found_add(struct found *f, const char *path)
{
	char real[PATH_MAX];

	if (!realpath(path, real))
		return;
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->v[i], real) == 0)
			return;
	if (f->n == f->cap) {
		const char **v = arena_alloc((f->cap = f->cap ? 2 * f->cap : 8) * sizeof(*v));

		if (f->n)
			memcpy(v, f->v, f->n * sizeof(*v));
		f->v = v;
	}
	f->v[f->n++] = arena_strdup(real);
}

/* pattern (a path, maybe a glob) into f: the ELF files it names. */
static void find_at(struct found *f, const char *pattern, bool need_exec)
{
	glob_t g;

	if (!strpbrk(pattern, "*?[")) {
		if (is_elf_file(pattern, need_exec))
			found_add(f, pattern);
		return;
	}
	if (glob(pattern, GLOB_NOSORT, NULL, &g) != 0)
		return;
	qsort(g.gl_pathv, g.gl_pathc, sizeof(char *),
	      (int (*)(const void *, const void *))strcmp);
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (is_elf_file(g.gl_pathv[i], need_exec))
			found_add(f, g.gl_pathv[i]);
	globfree(&g);
}

/* The directories of /etc/ld.so.conf (and the files it includes), which
 * ldconfig caches for the dynamic linker, then the default ones. */
static void conf_dirs(const char *conf, struct found *dirs, int depth)
{
	FILE *fp = depth < 4 ? fopen(conf, "re") : NULL;
	char line[PATH_MAX];

	if (!fp)
		return;
	while (fgets(line, sizeof(line), fp)) {
		char *p = line + strspn(line, " \t"), *end = p + strcspn(p, "#\n");

		*end = 0;
		while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
			*--end = 0;
		if (strncmp(p, "include", 7) == 0 && (p[7] == ' ' || p[7] == '\t')) {
			glob_t g;

			p += 8 + strspn(p + 8, " \t");
			if (glob(p, 0, NULL, &g) == 0) {
				for (size_t i = 0; i < g.gl_pathc; i++)
					conf_dirs(g.gl_pathv[i], dirs, depth + 1);
				globfree(&g);
			}
		} else if (*p == '/') {
			found_add(dirs, p);
		}
	}
	fclose(fp);
}

static const char *const *library_dirs(int *n)
{
	static struct found dirs;
	static bool done;
	static const char *const deflt[] = { "/lib64", "/usr/lib64", "/lib", "/usr/lib" };
	const char *env = getenv("LD_LIBRARY_PATH");

	if (!done) {
		done = true;
		if (env) {
			char *copy = arena_strdup(env), *save = NULL, *d;

			for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save))
				found_add(&dirs, d);
		}
		conf_dirs("/etc/ld.so.conf", &dirs, 0);
		for (size_t i = 0; i < sizeof(deflt) / sizeof(deflt[0]); i++)
			found_add(&dirs, deflt[i]);
	}
	*n = dirs.n;
	return dirs.v;
}

int uimage_find(const char *written, const char ***paths, const char **why)
{
	struct found f = { 0 };
	const char *path = getenv("PATH");
	const char *const *libs;
	int nlibs;

	*why = NULL;
	if (!*written) {
		*why = "an empty path names no file";
		return 0;
	}
	if (strchr(written, '/')) {
		find_at(&f, written, false);
		if (!f.n)
			*why = strpbrk(written, "*?[") ? "no ELF file matches it" : "no such ELF file";
	} else {
		char *copy = arena_strdup(path ? path : "/usr/local/bin:/usr/bin:/bin"), *save = NULL, *d;

		for (d = strtok_r(copy, ":", &save); d && !f.n; d = strtok_r(NULL, ":", &save))
			find_at(&f, arena_printf("%s/%s", *d ? d : ".", written), true);
		libs = library_dirs(&nlibs);
		for (int i = 0; i < nlibs && !f.n; i++)
			find_at(&f, arena_printf("%s/%s", libs[i], written), false);
		if (!f.n)
			*why = "no program of that name on $PATH and no library of that name in the linker's "
			       "directories";
	}
	*paths = f.v;
	return f.n;
}

/* The file of library name (a DT_NEEDED entry) for im, as ld.so finds it:
 * im's DT_RUNPATH/DT_RPATH, then the linker's directories. */
static const char *find_needed(const struct image *im, const char *name)
{
	const struct uimage *u = uimage(im);
	const char *const *libs;
	int nlibs;

	if (strchr(name, '/'))
		return is_elf_file(name, false) ? name : NULL;
	for (int i = 0; i < u->nlibdirs; i++) {
		const char *p = arena_printf("%s/%s", u->libdirs[i], name);

		if (is_elf_file(p, false))
			return p;
	}
	libs = library_dirs(&nlibs);
	for (int i = 0; i < nlibs; i++) {
		const char *p = arena_printf("%s/%s", libs[i], name);

		if (is_elf_file(p, false))
			return p;
	}
	return NULL;
}

int uimage_needed(struct session *s, struct image *im, const char ***paths)
{
	struct found f = { 0 };
	int done = 0;

	found_add(&f, im->path);
	/* breadth first over the closure; f.v[0] is im itself */
	while (done < f.n) {
		const char *err;
		struct image *lib = uimage_open(s, f.v[done++], &err);

		if (!lib)
			continue;
		for (int i = 0; i < uimage(lib)->nneeded; i++) {
			const char *p = find_needed(lib, uimage(lib)->needed[i]);

			if (p)
				found_add(&f, p);
		}
	}
	*paths = f.v + 1;
	return f.n - 1;
}

int uimage_find_library(struct session *s, struct image *prog, const char *lib, const char ***paths,
			const char **why)
{
	struct found f = { 0 };
	const char **libs;
	int n = uimage_needed(s, prog, &libs);

	if (strchr(lib, '/'))
		return uimage_find(lib, paths, why);
	for (int i = 0; i < n; i++) {
		const char *err, *base = strrchr(libs[i], '/') + 1;
		struct image *im = uimage_open(s, libs[i], &err);
		const char *soname = im ? uimage(im)->soname : NULL;

		if (fnmatch(lib, base, 0) == 0 || (soname && fnmatch(lib, soname, 0) == 0))
			found_add(&f, libs[i]);
	}
	if (f.n) {
		*paths = f.v;
		return f.n;
	}
	return uimage_find(lib, paths, why);
}
