/* What the module carries of a user binary (usym.h), as static C arrays
 * the runtime reads in probe context (runtime/ubin.h, runtime/ustack.c):
 *
 *  - its load segments, to turn a mapping's file offset into the file's
 *    own addresses;
 *  - its function symbols, one name per address, sorted;
 *  - unwind rows: where the caller's frame is at each address, from the
 *    CFI (.eh_frame, which distributions ship in every binary; else
 *    .debug_frame), reduced to what x86_64 unwinding needs: the CFA as
 *    rsp or rbp plus an offset, and where rbp was saved.  The return
 *    address is always at CFA - 8.  Rows with the same rule are merged;
 *    a rule tapc can't follow (a CFA expression) ends unwinding there,
 *    except in .plt, whose entries have a known layout;
 *  - line rows from DWARF: address, file, line.
 *
 * Unwinding at run time is then a bounded binary search per frame and
 * two nofault reads: no DWARF interpreter runs in the kernel.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "dwarf_int.h"
#include "emit.h"
#include "uimage.h"
#include "usym.h"

#define MAX_LINE_ROWS 400000	/* a binary's line table past this is left out */

enum { R_END, R_RSP, R_RBP, R_PLT };	/* runtime/ubin.h's enum tapc_ucfi_rule */

struct row {
	unsigned long addr;
	int rule;
	long cfa_off;
	bool bp_saved;
	long bp_off;
};

struct rows {
	struct row *v;
	size_t n, cap;
};

static void rows_add(struct rows *r, const struct row *x)
{
	if (r->n && r->v[r->n - 1].rule == x->rule && r->v[r->n - 1].cfa_off == x->cfa_off &&
	    r->v[r->n - 1].bp_saved == x->bp_saved && r->v[r->n - 1].bp_off == x->bp_off)
		return;		/* the same rule goes on */
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 1024;
		r->v = realloc(r->v, r->cap * sizeof(*r->v));
		if (!r->v)
			die("out of memory");
	}
	r->v[r->n++] = *x;
}

/* A saved register's rule: offset(N) from the CFA, as libdw gives it. */
static bool saved_at(Dwarf_Frame *frame, int reg, long *off)
{
	Dwarf_Op mem[3], *ops;
	size_t n;

	if (dwarf_frame_register(frame, reg, mem, &ops, &n) != 0 || !ops || n < 1 ||
	    ops[0].atom != DW_OP_call_frame_cfa)
		return false;
	if (n == 1) {
		*off = 0;
		return true;
	}
	if (n == 2 && ops[1].atom == DW_OP_plus_uconst) {
		*off = (long)ops[1].number;
		return true;
	}
	if (n == 3 && (ops[1].atom == DW_OP_consts || ops[1].atom == DW_OP_constu) && ops[2].atom == DW_OP_plus) {
		*off = (long)(Dwarf_Sword)ops[1].number;
		return true;
	}
	return false;
}

/* The row of frame (covering its range). */
static struct row frame_row(Dwarf_Frame *frame, Dwarf_Addr start)
{
	struct row x = { start, R_END, 0, false, 0 };
	Dwarf_Op *ops;
	size_t n;
	long ra;

	/* libdw gives a register + offset CFA as DW_OP_bregx (reg, offset) */
	if (dwarf_frame_cfa(frame, &ops, &n) == 0 && n == 1 &&
	    (ops[0].atom == DW_OP_breg7 || ops[0].atom == DW_OP_breg6)) {
		x.rule = ops[0].atom == DW_OP_breg7 ? R_RSP : R_RBP;
		x.cfa_off = (long)(Dwarf_Sword)ops[0].number;
	} else if (n == 1 && ops[0].atom == DW_OP_bregx && (ops[0].number == 7 || ops[0].number == 6)) {
		x.rule = ops[0].number == 7 ? R_RSP : R_RBP;
		x.cfa_off = (long)(Dwarf_Sword)ops[0].number2;
	}
	/* x86_64: the return address is at CFA - 8; anything else is a
	 * frame tapc doesn't follow */
	if (x.rule != R_END && (!saved_at(frame, 16, &ra) || ra != -8))
		x.rule = R_END;
	x.bp_saved = saved_at(frame, 6, &x.bp_off);
	return x;
}

struct range {
	unsigned long lo, hi;
};

/* .plt's entries push and jump: their CFI is an expression, their
 * layout fixed (runtime/ustack.c). */
static struct range plt_range(Dwfl_Module *mod)
{
	struct range r = { 0, 0 };
	GElf_Addr bias;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
		return r;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;

		if (gelf_getshdr(scn, &sh) && (name = elf_strptr(elf, shstrndx, sh.sh_name)) &&
		    strcmp(name, ".plt") == 0) {
			r.lo = sh.sh_addr;
			r.hi = sh.sh_addr + sh.sh_size;
		}
	}
	return r;
}

/* Rows for [lo, hi): each frame's range in turn while the CFI covers it. */
static void cfi_rows(Dwarf_CFI *cfi, Dwarf_Addr cbias, unsigned long lo, unsigned long hi,
		     struct rows *r, const struct range *plt)
{
	unsigned long a = lo;

	while (a < hi) {
		Dwarf_Frame *frame;
		Dwarf_Addr start, end;
		struct row x;

		if (a >= plt->lo && a < plt->hi) {
			x = (struct row){ a, R_PLT, 0, false, 0 };
			rows_add(r, &x);
			a = plt->hi;
			continue;
		}
		if (dwarf_cfi_addrframe(cfi, a - cbias, &frame) != 0)
			break;
		if (dwarf_frame_info(frame, &start, &end, NULL) < 0 || end + cbias <= a) {
			free(frame);
			break;
		}
		x = frame_row(frame, a);
		free(frame);
		rows_add(r, &x);
		a = end + cbias;
	}
	if (a < hi) {	/* the rest has no CFI here */
		struct row end = { a, R_END, 0, false, 0 };

		rows_add(r, &end);
	}
}

/* Unwind rows over every function symbol's code and the PLT. */
static void collect_cfi(struct image *im, struct rows *r)
{
	struct dwarf_info *di = im->dwarf;
	const struct uimage *u = uimage(im);
	Dwarf_Addr cbias;
	Dwarf_CFI *cfi = dwfl_module_eh_cfi(di->mod, &cbias);
	struct range plt = plt_range(di->mod);
	unsigned long done = 0;

	if (!cfi)
		cfi = dwfl_module_dwarf_cfi(di->mod, &cbias);
	if (!cfi)
		return;
	if (plt.hi)
		cfi_rows(cfi, cbias, plt.lo, plt.hi, r, &plt);
	for (size_t i = 0; i < u->nsyms; i++) {
		const struct usym *s = &u->syms[i];
		unsigned long hi = s->addr + (s->size ? s->size : 1);

		if (hi <= done)
			continue;
		cfi_rows(cfi, cbias, s->addr > done ? s->addr : done, hi, r, &plt);
		done = hi;
	}
}

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* ---- lines ---- */

struct line {
	unsigned long addr;
	int line, file;
	size_t seq;			/* its place in the table: rows at one address keep their order */
};

static int cmp_line(const void *a, const void *b)
{
	const struct line *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

struct files {
	const char **v;
	int n, cap;
};

static int file_index(struct files *f, const char *name)
{
	for (int i = f->n - 1; i >= 0 && i >= f->n - 64; i--)	/* rows come in runs of one file */
		if (strcmp(f->v[i], name) == 0)
			return i;
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->v[i], name) == 0)
			return i;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = realloc(f->v, f->cap * sizeof(*f->v));
		if (!f->v)
			die("out of memory");
	}
	f->v[f->n] = arena_strdup(name);
	return f->n++;
}

/* The line rows of im's DWARF (at most MAX_LINE_ROWS: 0 past that). */
static size_t collect_lines(struct image *im, struct line **out, struct files *files)
{
	struct dwarf_info *di = im->dwarf;
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;
	struct line *v = NULL;
	size_t n = 0, cap = 0;

	while ((cu = dwfl_module_nextcu(di->mod, cu, &bias))) {
		Dwarf_Lines *lines;
		size_t nl;
		Dwarf_Attribute a;
		const char *dir = dwarf_formstring(dwarf_attr(cu, DW_AT_comp_dir, &a));
		size_t dlen = dir ? strlen(dir) : 0;

		if (dwarf_getsrclines(cu, &lines, &nl) != 0)
			continue;
		if (n + nl > MAX_LINE_ROWS) {
			free(v);
			*out = NULL;
			return 0;
		}
		for (size_t i = 0; i < nl; i++) {
			Dwarf_Line *l = dwarf_onesrcline(lines, i);
			const char *src = dwarf_linesrc(l, NULL, NULL);
			Dwarf_Addr addr;
			int ln;
			bool end;

			if (!src || dwarf_lineaddr(l, &addr) != 0 || dwarf_lineno(l, &ln) != 0 ||
			    dwarf_lineendsequence(l, &end) != 0 || end)
				continue;
			if (dlen && strncmp(src, dir, dlen) == 0 && src[dlen] == '/')
				src += dlen + 1;
			if (n == cap) {
				cap = cap ? 2 * cap : 4096;
				v = realloc(v, cap * sizeof(*v));
				if (!v)
					die("out of memory");
			}
			v[n] = (struct line){ addr + bias, ln, file_index(files, src), n };
			n++;
		}
	}
	qsort(v, n, sizeof(*v), cmp_line);
	*out = v;
	return n;
}

/* ---- emission ---- */

static void emit_symbols(struct emitter *e, struct image *im, int i)
{
	const struct uimage *u = uimage(im);
	FILE *strs;
	char *text;
	size_t len, off = 0, j = 0;

	emit(e, "static const struct tapc_usym tapc_ubin_%d_syms[] = {", i);
	strs = open_memstream(&text, &len);
	while (j < u->nsyms) {
		const struct usym *best = &u->syms[j];
		size_t k;

		/* one name per address: the one a user would write */
		for (k = j + 1; k < u->nsyms && u->syms[k].addr == best->addr; k++)
			if ((u->syms[k].global && !best->global) ||
			    (u->syms[k].global == best->global && best->name[0] == '_' && u->syms[k].name[0] != '_'))
				best = &u->syms[k];
		if (best->addr <= 0xffffffffUL) {
			/* a versioned definition ("__libc_start_main@@GLIBC_2.34")
			 * is the function users call by its name */
			size_t nl = strcspn(best->name, "@");

			emit(e, "{ 0x%lx, %lu, %zu },", best->addr, best->size > 0xffffffffUL ? 0xffffffffUL : best->size,
			     off);
			fwrite(best->name, 1, nl, strs);
			fputc(0, strs);
			off += nl + 1;
		}
		j = k;
	}
	emit(e, "};");
	fclose(strs);
	emit(e, "static const char tapc_ubin_%d_strs[] =", i);
	for (size_t p = 0; p < len;) {
		size_t chunk = len - p > 60 ? 60 : len - p;
		char *q = c_string(text + p, chunk);

		emit(e, "\t%s", q);
		free(q);
		p += chunk;
	}
	emit(e, "\t\"\";");
	free(text);
}

static void emit_cfi(struct emitter *e, struct image *im, int i)
{
	struct rows r = { 0 };

	collect_cfi(im, &r);
	qsort(r.v, r.n, sizeof(*r.v), cmp_row);
	emit(e, "static const struct tapc_ucfi tapc_ubin_%d_cfi[] = {", i);
	for (size_t j = 0; j < r.n; j++)
		if (r.v[j].addr <= 0xffffffffUL)
			emit(e, "{ 0x%lx, %ld, %d, %s, %ld },", r.v[j].addr, r.v[j].cfa_off, r.v[j].rule,
			     r.v[j].bp_saved ? "true" : "false", r.v[j].bp_off);
	emit(e, "{ 0xffffffff, 0, 0, false, 0 },");
	emit(e, "};");
	free(r.v);
}

static bool emit_lines(struct emitter *e, struct image *im, int i)
{
	struct files files = { 0 };
	struct line *v;
	size_t n = collect_lines(im, &v, &files);

	if (!n) {
		free(files.v);
		return false;
	}
	emit(e, "static const struct tapc_uline tapc_ubin_%d_lines[] = {", i);
	/* of the rows at one address, the last: the earlier ones (a
	 * function's opening line) have no code of their own, as addr2line */
	for (size_t j = 0; j < n; j++)
		if ((j + 1 == n || v[j].addr != v[j + 1].addr) && v[j].addr <= 0xffffffffUL)
			emit(e, "{ 0x%lx, %d, %d },", v[j].addr, v[j].line, v[j].file);
	emit(e, "};");
	emit(e, "static const char *const tapc_ubin_%d_files[] = {", i);
	for (int j = 0; j < files.n; j++) {
		char *q = c_string(files.v[j], strlen(files.v[j]));

		emit(e, "%s,", q);
		free(q);
	}
	emit(e, "};");
	free(v);
	free(files.v);
	return true;
}

struct usym_arrays usym_emit_data(struct emitter *e, struct image *im, int i, const struct usym_needs *need)
{
	const struct uimage *u = uimage(im);
	struct usym_arrays got = { false, false, false };
	emit(e, "static const struct tapc_useg tapc_ubin_%d_segs[] = {", i);
	for (int j = 0; j < u->nsegs; j++)
		emit(e, "{ 0x%lx, 0x%lx, 0x%lx },", u->segs[j].vaddr, u->segs[j].offset, u->segs[j].filesz);
	emit(e, "};");
	if (need && need->symbols && u->nsyms) {
		emit_symbols(e, im, i);
		got.syms = true;
	}
	if (need && need->unwind && im->dwarf) {
		emit_cfi(e, im, i);
		got.cfi = true;
	}
	if (need && need->lines && uimage_dwarf(im))
		got.lines = emit_lines(e, im, i);
	emit(e, "%s", "");
	return got;
}

void usym_emit_fields(struct emitter *e, int i, const struct usym_arrays *got)
{
	if (got->syms) {
		emit(e, ".syms = tapc_ubin_%d_syms,", i);
		emit(e, ".nsyms = ARRAY_SIZE(tapc_ubin_%d_syms),", i);
		emit(e, ".strs = tapc_ubin_%d_strs,", i);
	}
	if (got->cfi) {
		emit(e, ".cfi = tapc_ubin_%d_cfi,", i);
		emit(e, ".ncfi = ARRAY_SIZE(tapc_ubin_%d_cfi),", i);
	}
	if (got->lines) {
		emit(e, ".lines = tapc_ubin_%d_lines,", i);
		emit(e, ".nlines = ARRAY_SIZE(tapc_ubin_%d_lines),", i);
		emit(e, ".files = tapc_ubin_%d_files,", i);
	}
}
