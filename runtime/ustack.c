// SPDX-License-Identifier: GPL-2.0
/*
 * ustack.c - user stacks and symbols (ustack.h).
 *
 * Unwinding follows the translator's CFI rows: each frame is a binary
 * search for the row of its address (a return address is looked up one
 * byte back, inside its call), the CFA from rsp or rbp plus the row's
 * offset, the return address at CFA - 8 and the caller's rbp where the
 * row says it was saved.  That works on binaries built without frame
 * pointers (Debian's), which .eh_frame describes; where a carried file
 * has no CFI for an address, the frame-pointer chain is followed.  Every user read is
 * nofault; the process's mappings are read under its mmap lock taken
 * with a trylock (ubin.c), so a hit that can't take it gets the probed
 * address only.
 */
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/task_stack.h>
#include <linux/uaccess.h>

#include "tapc_runtime.h"
#include "ubin.h"
#include "ustack.h"

struct pt_regs *tapc_uregs(struct tapc_context *c)
{
	if (c->regs && user_mode(c->regs))
		return c->regs;
	if (!in_task() || !current->mm || (current->flags & PF_KTHREAD))
		return NULL;
	return task_pt_regs(current);
}

/* The row of b's CFI covering vaddr, or NULL. */
static const struct tapc_ucfi *tapc_ucfi_row(const struct tapc_ubin *b, unsigned long vaddr)
{
	unsigned int lo = 0, hi = b->ncfi;

	if (!b->cfi)
		return NULL;
	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (b->cfi[mid].addr <= vaddr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo ? &b->cfi[lo - 1] : NULL;
}

static bool tapc_uword(unsigned long addr, unsigned long *v)
{
	return !copy_from_user_nofault(v, (const void __user *)addr, sizeof(*v));
}

/* Where a carried file has no CFI for ip: the frame-pointer chain (a
 * binary built with frame pointers but no unwind tables).  At a
 * function's first instruction the return address is still at rsp, one
 * byte in (after push %rbp) above the saved rbp; past that, rbp is the
 * frame.  A caller must be higher on the stack and in a mapped file, or
 * there is none (rbp is then not a frame pointer). */
static bool tapc_ustep_fp(const struct tapc_umap *m, unsigned long *ip, unsigned long *sp,
			  unsigned long *bp, bool first)
{
	const struct tapc_usym *sym = first ? tapc_ubin_symbol(m->bin, *ip - m->bias) : NULL;
	unsigned long off = sym ? *ip - m->bias - sym->addr : 2, cfa, ra, nbp = *bp;
	struct tapc_umap caller;

	if (off == 0) {
		cfa = *sp + 8;
	} else if (off == 1) {
		cfa = *sp + 16;
		if (!tapc_uword(*sp, &nbp))
			return false;
	} else {
		if (*bp < *sp || (*bp & 7) || !tapc_uword(*bp, &nbp))
			return false;
		cfa = *bp + 16;
	}
	if (!tapc_uword(cfa - 8, &ra) || !ra || cfa <= *sp || !tapc_umap_lookup(ra, &caller))
		return false;
	*ip = ra;
	*sp = cfa;
	*bp = nbp;
	return true;
}

/* One step from the frame at ip/sp/bp to its caller's; false: no caller
 * tapc can find. */
static bool tapc_ustep(unsigned long *ip, unsigned long *sp, unsigned long *bp, bool first)
{
	const struct tapc_ucfi *row;
	struct tapc_umap m;
	unsigned long cfa, ra;

	if (!tapc_umap_lookup(*ip, &m) || !m.bin)
		return false;
	row = tapc_ucfi_row(m.bin, *ip - m.bias - (first ? 0 : 1));
	if (!row || row->rule == TAPC_UCFI_END)
		return tapc_ustep_fp(&m, ip, sp, bp, first);
	switch (row->rule) {
	case TAPC_UCFI_RSP:
		cfa = *sp + row->cfa_off;
		break;
	case TAPC_UCFI_RBP:
		cfa = *bp + row->cfa_off;
		break;
	case TAPC_UCFI_PLT:
		/* a lazy PLT entry pushes its index 11 bytes in */
		cfa = *sp + 8 + ((*ip & 15) >= 11 ? 8 : 0);
		break;
	default:
		return false;
	}
	if (!tapc_uword(cfa - 8, &ra) || !ra)
		return false;
	if (row->bp_saved && !tapc_uword(cfa + row->bp_off, bp))
		return false;
	/* the stack grows down: a caller's frame is above */
	if (cfa <= *sp)
		return false;
	*ip = ra;
	*sp = cfa;
	return true;
}

int tapc_ustack(struct tapc_context *c, unsigned long *pcs, int max)
{
	struct pt_regs *regs = tapc_uregs(c);

	if (!regs)
		return 0;
	return tapc_ustack_from(c, tapc_arch_ip(regs), tapc_arch_sp(regs), tapc_arch_fp(regs), pcs, max);
}

int tapc_ustack_from(struct tapc_context *c, unsigned long ip, unsigned long sp, unsigned long bp,
		     unsigned long *pcs, int max)
{
	int n = 0;

	/* the walk reads the task's own stack, nofault: any pc/sp/fp is safe */
	if (!tapc_uregs(c) || max <= 0)
		return 0;
	pcs[n++] = ip;
	if (!tapc_umaps_begin())
		return n;
	while (n < max && tapc_ustep(&ip, &sp, &bp, n == 1))
		pcs[n++] = ip;
	tapc_umaps_end();
	return n;
}

/* usymfile/usymline/usymfileline of addr (v in the file m maps, if any):
 * its address in hex where the module has no line of it, as stap. */
static void tapc_usym_src(char *dst, size_t size, unsigned long addr, const struct tapc_umap *m,
			  unsigned long v, enum tapc_usym_form form)
{
	const char *file;
	unsigned int line;

	if (!m || !m->bin || !tapc_ubin_line(m->bin, v, &file, &line))
		scnprintf(dst, size, "0x%lx", addr);
	else if (form == TAPC_USYM_SRCFILE)
		scnprintf(dst, size, "%s", file);
	else if (form == TAPC_USYM_SRCLINE)
		scnprintf(dst, size, "%u", line);
	else
		scnprintf(dst, size, "%s:%u", file, line);
}

/* The text of addr (a return address: its call looked up when ret). */
static void tapc_usym_one(char *dst, size_t size, unsigned long addr, bool ret,
			  enum tapc_usym_form form)
{
	const struct tapc_usym *sym = NULL;
	const char *path = NULL;
	struct tapc_umap m;
	unsigned long v = 0;

	if (tapc_umap_lookup(addr, &m)) {
		path = m.bin ? m.bin->path : m.name;
		v = addr - m.bias;
		if (m.bin)
			sym = tapc_ubin_symbol(m.bin, v - (ret ? 1 : 0));
	}
	switch (form) {
	case TAPC_USYM_BRIEF:
		if (sym) {
			scnprintf(dst, size, "%s+0x%lx", m.bin->strs + sym->name, v - sym->addr);
			break;
		}
		fallthrough;
	case TAPC_USYM_NAME:
		if (sym)
			scnprintf(dst, size, "%s", m.bin->strs + sym->name);
		else
			scnprintf(dst, size, "0x%lx", addr);
		break;
	case TAPC_USYM_MODULE:
		scnprintf(dst, size, "%s", path ? path : "<unknown>");
		break;
	case TAPC_USYM_DATA:
	case TAPC_USYM_LINE:
	case TAPC_USYM_LINE_SRC: {
		int k = form != TAPC_USYM_DATA ? scnprintf(dst, size, " 0x%016lx : ", addr) : 0;
		const char *file;
		unsigned int line;

		/* a return address's line is its call's, as its symbol */
		if (sym && form == TAPC_USYM_LINE_SRC &&
		    tapc_ubin_line(m.bin, v - (ret ? 1 : 0), &file, &line))
			scnprintf(dst + k, size - k, "%s+0x%lx/0x%x at %s:%u [%s]", m.bin->strs + sym->name,
				  v - sym->addr, sym->size, file, line, path);
		else if (sym)
			scnprintf(dst + k, size - k, "%s+0x%lx/0x%x [%s]", m.bin->strs + sym->name,
				  v - sym->addr, sym->size, path);
		else if (path)
			scnprintf(dst + k, size - k, "0x%lx [%s+0x%lx]", addr, path, addr - m.start);
		else
			scnprintf(dst + k, size - k, "0x%lx", addr);
		break;
	}
	case TAPC_USYM_SRCFILE:
	case TAPC_USYM_SRCLINE:
	case TAPC_USYM_SRCFILELINE:
		tapc_usym_src(dst, size, addr, path ? &m : NULL, v, form);
		break;
	}
}

bool tapc_umod(unsigned long addr, unsigned long *off, const char **build_id)
{
	bool mapped = tapc_umaps_begin(), found;
	struct tapc_umap m;

	found = tapc_umap_lookup(addr, &m);
	if (found) {
		*off = addr - m.bias;
		*build_id = m.bin ? m.bin->build_id : "";
	}
	if (mapped)
		tapc_umaps_end();
	return found;
}

void tapc_usym(char *dst, unsigned long addr, enum tapc_usym_form form)
{
	bool mapped = tapc_umaps_begin();

	tapc_usym_one(dst, MAXSTRINGLEN, addr, false, form);
	if (mapped)
		tapc_umaps_end();
}

void tapc_usym_lines(char *dst, const unsigned long *pcs, int n, enum tapc_usym_form form)
{
	size_t len = strlen(dst);
	bool mapped = tapc_umaps_begin();
	int i;

	for (i = 0; i < n && len + 1 < MAXSTRINGLEN; i++) {
		tapc_usym_one(dst + len, MAXSTRINGLEN - len, pcs[i], i > 0, form);
		len += strlen(dst + len);
		if (len + 1 < MAXSTRINGLEN) {
			dst[len++] = '\n';
			dst[len] = 0;
		}
	}
	if (mapped)
		tapc_umaps_end();
}

static void tapc_uprint_form(struct tapc_context *c, const unsigned long *pcs, int n,
			     enum tapc_usym_form form)
{
	bool mapped = tapc_umaps_begin();
	char line[384];
	int i;

	for (i = 0; i < n; i++) {
		tapc_usym_one(line, sizeof(line), pcs[i], i > 0, form);
		tapc_printf(c, "%s\n", line);
	}
	if (mapped)
		tapc_umaps_end();
}

void tapc_uprint_lines(struct tapc_context *c, const unsigned long *pcs, int n)
{
	tapc_uprint_form(c, pcs, n, TAPC_USYM_LINE);
}

void tapc_uprint_src_lines(struct tapc_context *c, const unsigned long *pcs, int n)
{
	tapc_uprint_form(c, pcs, n, TAPC_USYM_LINE_SRC);
}

int tapc_ustack_parse(const char *stk, unsigned long *pcs, int max)
{
	int n = 0;

	while (*stk && n < max) {
		char *end;
		unsigned long v;

		while (*stk == ' ')
			stk++;
		if (!*stk)
			break;
		v = simple_strtoul(stk, &end, 16);
		if (end == stk)
			break;
		pcs[n++] = v;
		stk = end;
	}
	return n;
}
