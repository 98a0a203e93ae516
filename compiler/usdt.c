/* SDT marker arguments (usdt.h): the operand text of .note.stapsdt,
 * parsed at compile time into C over the uprobe's registers.  The
 * operand syntax is the x86_64 assembler's (AT&T), so the register names
 * are here; the registers themselves are read through runtime/arch's
 * DWARF numbering (tapc_arch_dwarf_reg()), the only place that knows
 * struct pt_regs.  An address relative to %rip or naming a symbol is
 * moved by the load bias of the hit (tapc_uprobe_bias()).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "uimage.h"
#include "usdt.h"

/* x86_64 registers: DWARF number, bits, bit offset (ah..dh: 8). */
static const struct reg {
	const char *name;
	int dwarf, bits, shift;
} regs[] = {
	{ "rax", 0, 64, 0 }, { "rdx", 1, 64, 0 }, { "rcx", 2, 64, 0 }, { "rbx", 3, 64, 0 },
	{ "rsi", 4, 64, 0 }, { "rdi", 5, 64, 0 }, { "rbp", 6, 64, 0 }, { "rsp", 7, 64, 0 },
	{ "eax", 0, 32, 0 }, { "edx", 1, 32, 0 }, { "ecx", 2, 32, 0 }, { "ebx", 3, 32, 0 },
	{ "esi", 4, 32, 0 }, { "edi", 5, 32, 0 }, { "ebp", 6, 32, 0 }, { "esp", 7, 32, 0 },
	{ "ax", 0, 16, 0 }, { "dx", 1, 16, 0 }, { "cx", 2, 16, 0 }, { "bx", 3, 16, 0 },
	{ "si", 4, 16, 0 }, { "di", 5, 16, 0 }, { "bp", 6, 16, 0 }, { "sp", 7, 16, 0 },
	{ "al", 0, 8, 0 }, { "dl", 1, 8, 0 }, { "cl", 2, 8, 0 }, { "bl", 3, 8, 0 },
	{ "sil", 4, 8, 0 }, { "dil", 5, 8, 0 }, { "bpl", 6, 8, 0 }, { "spl", 7, 8, 0 },
	{ "ah", 0, 8, 8 }, { "dh", 1, 8, 8 }, { "ch", 2, 8, 8 }, { "bh", 3, 8, 8 },
};

/* %NAME: false when it is no general-purpose register. */
static bool parse_reg(const char **p, int *dwarf, int *bits, int *shift)
{
	char name[8];
	size_t n = 0;

	if (**p != '%')
		return false;
	(*p)++;
	while (isalnum((unsigned char)(*p)[n]) && n < sizeof(name) - 1) {
		name[n] = (*p)[n];
		n++;
	}
	name[n] = 0;
	*p += n;
	*shift = 0;
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		if (strcmp(regs[i].name, name) == 0) {
			*dwarf = regs[i].dwarf;
			*bits = regs[i].bits;
			*shift = regs[i].shift;
			return true;
		}
	}
	/* r8..r15 and their d/w/b halves */
	if (name[0] == 'r' && isdigit((unsigned char)name[1])) {
		char *end;
		long r = strtol(name + 1, &end, 10);

		if (r < 8 || r > 15)
			return false;
		*dwarf = (int)r;
		*bits = !*end ? 64 : strcmp(end, "d") == 0 ? 32 : strcmp(end, "w") == 0 ? 16 :
			strcmp(end, "b") == 0 ? 8 : 0;
		return *bits != 0;
	}
	return false;
}

static const char *reg_value(int dwarf, int bits, int shift)
{
	const char *r = arena_printf("(u64)tapc_arch_dwarf_reg(c->regs, %d)", dwarf);

	if (shift)
		r = arena_printf("(%s >> %d)", r, shift);
	if (bits < 64)
		r = arena_printf("(%s & 0x%llxULL)", r, (1ULL << bits) - 1);
	return r;
}

int usdt_nargs(const struct usdt *m)
{
	const char *p = m->args;
	int n = 0;

	while (*p) {
		p += strspn(p, " ");
		if (!*p)
			break;
		n++;
		p += strcspn(p, " ");
	}
	return n;
}

/* The n-th (1-based) blank-separated word of the argument string. */
static const char *word(const char *args, int n)
{
	const char *p = args;

	for (;;) {
		size_t len;

		p += strspn(p, " ");
		len = strcspn(p, " ");
		if (!len)
			return NULL;
		if (--n == 0)
			return arena_strndup(p, len);
		p += len;
	}
}

static const char *as_int64(const char *v, int size, bool is_signed)
{
	static const char *const s[] = { "s8", "s16", "s32", "s64" }, *const u[] = { "u8", "u16", "u32", "u64" };
	int i = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;

	return arena_printf("((int64_t)(%s)(%s))", is_signed ? s[i] : u[i], v);
}

/* A displacement: a number, or symbol[+-number] (an address in the file,
 * so moved by the load bias). */
static const char *parse_disp(struct image *im, const char **p, const char **why)
{
	const char *s = *p;
	char *end;
	unsigned long addr;

	if (isdigit((unsigned char)*s) || *s == '-' || *s == '+') {
		long long v = strtoll(s, &end, 0);

		*p = end;
		return arena_printf("(%lldLL)", v);
	}
	if (isalpha((unsigned char)*s) || *s == '_' || *s == '.') {
		size_t n = strcspn(s, "+-(");
		const char *name = arena_strndup(s, n);
		long long off = 0;

		if (!uimage_symbol_addr(im, name, &addr)) {
			*why = arena_printf("its operand names symbol %s, which is not in %s", name, im->path);
			return NULL;
		}
		s += n;
		if (*s == '+' || *s == '-') {
			off = strtoll(s, &end, 0);
			s = end;
		}
		*p = s;
		return arena_printf("((int64_t)tapc_uprobe_bias(c) + 0x%lxLL + (%lldLL))", addr, off);
	}
	return "0";
}

const char *usdt_arg(struct image *im, const struct usdt *m, int n, const char *loc,
		     struct usdt_arg *out)
{
	const char *w = word(m->args, n), *p, *why = NULL, *disp, *addr;
	char *end;
	long size;
	int reg, bits, shift, index, ibits, ishift;
	long scale = 1;

	memset(out, 0, sizeof(*out));
	if (!w)
		return "the marker has no such argument";
	/* "SIZE@OPERAND"; an old note may have no size: 8 bytes, signed */
	size = strtol(w, &end, 10);
	if (*end == '@') {
		p = end + 1;
	} else {
		size = -8;
		p = w;
	}
	out->is_signed = size < 0;
	out->size = (int)labs(size);
	if (out->size != 1 && out->size != 2 && out->size != 4 && out->size != 8)
		return arena_printf("its size %ld is not 1, 2, 4 or 8 bytes (\"%s\")", size, w);
	if (*p == '$') {	/* a constant */
		long long v = strtoll(p + 1, &end, 0);

		if (*end)
			return arena_printf("its constant \"%s\" is not a number", w);
		out->expr = as_int64(arena_printf("%lldLL", v), out->size, out->is_signed);
		return NULL;
	}
	if (*p == '%') {	/* a register */
		if (!parse_reg(&p, &reg, &bits, &shift) || *p)
			return arena_printf("\"%s\" is not a register tapc reads", w);
		out->expr = as_int64(reg_value(reg, bits, shift), out->size, out->is_signed);
		return NULL;
	}
	/* memory: [disp](base[,index[,scale]]) or an absolute address */
	disp = parse_disp(im, &p, &why);
	if (!disp)
		return why;
	addr = disp;
	if (*p == '(') {
		p++;
		if (strncmp(p, "%rip", 4) == 0) {
			/* rip-relative to the marker's own instruction: the
			 * assembler resolved it to the symbol, which parse_disp
			 * already moved by the bias */
			p += 4;
		} else if (*p == '%') {
			if (!parse_reg(&p, &reg, &bits, &shift) || bits != 64)
				return arena_printf("\"%s\": not a 64-bit base register", w);
			addr = arena_printf("(%s + (int64_t)%s)", addr, reg_value(reg, 64, 0));
		}
		if (*p == ',') {
			p++;
			if (!parse_reg(&p, &index, &ibits, &ishift) || ibits != 64)
				return arena_printf("\"%s\": not a 64-bit index register", w);
			if (*p == ',') {
				scale = strtol(p + 1, &end, 10);
				p = end;
			}
			addr = arena_printf("(%s + (int64_t)%s * %ld)", addr, reg_value(index, 64, 0), scale);
		}
		if (*p != ')')
			return arena_printf("\"%s\" is not an operand tapc reads", w);
		p++;
	}
	if (*p)
		return arena_printf("\"%s\" is not an operand tapc reads (segment registers and TLS are not supported)",
				    w);
	out->reads_memory = true;
	out->expr = as_int64(arena_printf("({ u64 _m = 0; tapc_uread(c, &_m, (unsigned long)%s, %d, %s); _m; })",
					  addr, out->size, loc),
			     out->size, out->is_signed);
	return NULL;
}
