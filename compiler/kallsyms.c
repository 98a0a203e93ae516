/* What can't be probed in a kernel, from the kallsyms tables in its image.
 *
 * A kernel's function list comes from /proc/kallsyms or, for another
 * installed kernel, from BTF (Debian's System.map is a stub): neither says
 * which functions the kernel refuses a kprobe on.  Among them are the
 * __init functions (.init.text and .exit.text, freed after boot:
 * start_kernel, MP_bus_info), the NOKPROBE_SYMBOL() list and the code in
 * the sections kprobes blacklists as a whole (__kprobes, noinstr, entry).
 * One refused site and no probe of the module can start, so wildcards
 * must leave them out.
 *
 * The vmlinux inside the image (/boot/vmlinuz-KVER) has no symbol table, but it has
 * the kernel's own kallsyms tables in .rodata, which scripts/kallsyms.c
 * wrote: kallsyms_num_syms, kallsyms_names (each symbol a length byte, or
 * two for a long one, then indexes into the token table; the first
 * character is the type), kallsyms_markers (the offset of every 256th
 * name), kallsyms_token_table (256 NUL-terminated strings) and
 * kallsyms_token_index (256 u16), kallsyms_offsets (s32 per symbol) and
 * kallsyms_relative_base; each label 8-byte aligned.  Their order differs
 * between releases (6.1: offsets, base, num_syms, names, markers,
 * seqs_of_names, token table, index; 6.12: num_syms, names, markers, token
 * table, index, offsets, base), so they are found by their contents:
 *  - the token table by its run of single-digit tokens "0" ... "9" (digits
 *    stand for themselves), checked against the index that follows it;
 *  - num_syms and names as the count N before a stream of N names that
 *    ends at markers whose entries match the stream;
 *  - offsets and base before num_syms (6.1) or after the token index
 *    (6.12), whichever makes _stext the address of .text.
 * The names are those the kernel itself has: _kbl_addr_F for each
 * NOKPROBE_SYMBOL(F), and the section bounds (_sinittext, __noinstr_text_
 * start, ...) as symbols, and the bounds of the tables of code the kernel
 * patches itself (static branches, static calls, BUG()s), where
 * register_kprobe() also says no: a function whose first instruction is
 * one of those (sched_clock, want_init_on_free, udp_lib_hash) is refused.
 * A name several functions share stands for the first by address, as it
 * does to kallsyms_lookup_name().  The result is cached with the BTF, as
 * KVER.noprobe, sealed with the image's size and time.
 */
#define _GNU_SOURCE
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "cache.h"
#include "decompress.h"
#include "kernel.h"

#define NOPROBE_HEADER "tapc-noprobe 1"

enum why {
	WHY_NONE,
	WHY_INIT,		/* .init.text / .exit.text */
	WHY_NOKPROBE,		/* NOKPROBE_SYMBOL() */
	WHY_KPROBES_TEXT,	/* __kprobes */
	WHY_NOINSTR,		/* noinstr */
	WHY_ENTRY,		/* entry text */
	WHY_JUMP_LABEL,		/* a static branch where the probe would go */
	WHY_STATIC_CALL,	/* a static call there */
	WHY_BUG,		/* a BUG() there */
	WHY_COUNT
};

static const char *const why_text[WHY_COUNT] = {
	[WHY_INIT] = "an __init function, freed after boot",
	[WHY_NOKPROBE] = "on the kernel's kprobe blacklist (NOKPROBE_SYMBOL)",
	[WHY_KPROBES_TEXT] = "__kprobes code, on the kernel's kprobe blacklist",
	[WHY_NOINSTR] = "noinstr code, on the kernel's kprobe blacklist",
	[WHY_ENTRY] = "kernel entry code, on the kernel's kprobe blacklist",
	[WHY_JUMP_LABEL] = "it starts with a static branch, which the kernel patches itself",
	[WHY_STATIC_CALL] = "it starts with a static call, which the kernel patches itself",
	[WHY_BUG] = "it starts with a BUG()",
};

/* One letter per reason in the cache file. */
static const char why_letter[WHY_COUNT + 1] = "-iknsejcb";

/* The vmlinux image: its bytes and where .rodata, .text, .init.text and
 * .exit.text are, and every section with bytes in the file. */
struct vmlinux_img {
	const unsigned char *d;
	size_t len;
	size_t ro_off, ro_end;		/* .rodata in the file */
	uint64_t ro_addr;
	uint64_t text_addr, text_end;
	uint64_t init_lo, init_hi, exit_lo, exit_hi;
	struct { uint64_t addr, size; size_t off; } sec[64];
	int nsec;
};

struct ksym {
	const char *name;
	uint64_t addr;
	char type;
};

/* Code, local or global, weak or not (arch_call_rest_init is a weak
 * __init function: 'W'). */
static bool is_code(char type)
{
	return type == 't' || type == 'T' || type == 'w' || type == 'W';
}

static uint32_t rd32(const struct vmlinux_img *im, size_t off)
{
	uint32_t v;

	memcpy(&v, im->d + off, 4);
	return v;
}

static uint64_t rd64(const struct vmlinux_img *im, size_t off)
{
	uint64_t v;

	memcpy(&v, im->d + off, 8);
	return v;
}

/* The next 8-byte aligned position (aligned as an address: .rodata's
 * file offset and address agree modulo the page size). */
static size_t align8(const struct vmlinux_img *im, size_t off)
{
	uint64_t a = im->ro_addr + (off - im->ro_off);

	return off + (size_t)(((a + 7) & ~(uint64_t)7) - a);
}

static bool vmlinux_sections(struct vmlinux_img *im, struct buf *vmlinux)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	bool ro = false;

	im->d = vmlinux->data;
	im->len = vmlinux->len;
	elf_version(EV_CURRENT);
	e = elf_memory((char *)vmlinux->data, vmlinux->len);
	if (!e || elf_getshdrstrndx(e, &shstrndx) != 0) {
		if (e)
			elf_end(e);
		return false;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh) || !(name = elf_strptr(e, shstrndx, sh.sh_name)))
			continue;
		if (sh.sh_type == SHT_PROGBITS && sh.sh_addr && sh.sh_offset + sh.sh_size <= im->len &&
		    im->nsec < (int)(sizeof(im->sec) / sizeof(im->sec[0]))) {
			im->sec[im->nsec].addr = sh.sh_addr;
			im->sec[im->nsec].size = sh.sh_size;
			im->sec[im->nsec++].off = sh.sh_offset;
		}
		if (!strcmp(name, ".rodata") && sh.sh_offset + sh.sh_size <= im->len) {
			im->ro_off = sh.sh_offset;
			im->ro_end = sh.sh_offset + sh.sh_size;
			im->ro_addr = sh.sh_addr;
			ro = true;
		} else if (!strcmp(name, ".text")) {
			im->text_addr = sh.sh_addr;
			im->text_end = sh.sh_addr + sh.sh_size;
		} else if (!strcmp(name, ".init.text")) {
			im->init_lo = sh.sh_addr;
			im->init_hi = sh.sh_addr + sh.sh_size;
		} else if (!strcmp(name, ".exit.text")) {
			im->exit_lo = sh.sh_addr;
			im->exit_hi = sh.sh_addr + sh.sh_size;
		}
	}
	elf_end(e);
	return ro && im->text_addr;
}

/* The token table holding "0" at off, checked against the index after
 * it: its start, and the index's position in *index. */
static bool token_table_at(const struct vmlinux_img *im, size_t off, size_t *table, size_t *index)
{
	size_t p = off, start, i;

	/* back over the 48 tokens before "0", each ending in a NUL */
	for (i = 0; i < 48; i++) {
		if (p < im->ro_off + 2 || im->d[p - 1] || !im->d[p - 2])
			return false;
		p -= 2;
		while (p > im->ro_off && im->d[p - 1])
			p--;
	}
	start = p;
	for (i = 0; i < 256; i++) {
		const unsigned char *nul = memchr(im->d + p, 0, im->ro_end - p);

		if (!nul || (size_t)(nul - (im->d + start)) > 0xffff)
			return false;
		if (im->d + p == nul && i)	/* no empty tokens */
			return false;
		p = (size_t)(nul - im->d) + 1;
	}
	*index = align8(im, p);
	if (*index + 512 > im->ro_end)
		return false;
	for (i = 0, p = start; i < 256; i++) {
		uint16_t v;

		memcpy(&v, im->d + *index + 2 * i, 2);
		if (v != p - start)
			return false;
		p += strlen((const char *)im->d + p) + 1;
	}
	*table = start;
	return true;
}

static bool find_token_table(const struct vmlinux_img *im, size_t *table, size_t *index)
{
	static const char digits[] = "0\0" "1\0" "2\0" "3\0" "4\0" "5\0" "6\0" "7\0" "8\0" "9";
	const unsigned char *p = im->d + im->ro_off, *end = im->d + im->ro_end;

	while ((p = memmem(p, (size_t)(end - p), digits, sizeof(digits))) != NULL) {
		if (token_table_at(im, (size_t)(p - im->d), table, index))
			return true;
		p++;
	}
	return false;
}

/* Are there n names from off, ending before limit, with markers after
 * them?  Their end in *names_end. */
static bool names_at(const struct vmlinux_img *im, size_t off, uint32_t n, size_t limit, size_t *names_end)
{
	size_t p = off, m;
	uint32_t i, nmark = (n + 255) / 256;
	uint32_t marks[4];

	for (i = 0; i < n; i++) {
		size_t len;

		if (p + 2 > limit)
			return false;
		if (i % 256 == 0 && i / 256 < 4)
			marks[i / 256] = (uint32_t)(p - off);
		len = im->d[p];
		if (len & 0x80)
			len = (len & 0x7f) | ((size_t)im->d[p + 1] << 7), p++;
		if (!len)
			return false;
		p += 1 + len;
	}
	if (p > limit)
		return false;
	m = align8(im, p);
	if (m + 4 * (size_t)nmark > limit)
		return false;
	for (i = 0; i < nmark && i < 4; i++)
		if (rd32(im, m + 4 * i) != marks[i])
			return false;
	*names_end = p;
	return true;
}

/* kallsyms_num_syms: a count, then padding, then the names. */
static bool find_names(const struct vmlinux_img *im, size_t table, size_t *names, uint32_t *count)
{
	size_t p = align8(im, table) - 8, end;

	for (; p >= im->ro_off + 8 && table - p < (64u << 20); p -= 8) {
		uint32_t n = rd32(im, p);

		if (n < 1000 || n > 5000000 || rd32(im, p + 4) != 0)
			continue;
		if (names_at(im, p + 8, n, table, &end)) {
			*names = p + 8;
			*count = n;
			return true;
		}
	}
	return false;
}

/* Symbol i's name (type first) from the token stream at *p. */
static char *expand_name(const struct vmlinux_img *im, size_t *p, size_t table, size_t index)
{
	size_t len = im->d[*p], i;
	char buf[1024];
	size_t out = 0;

	if (len & 0x80)
		len = (len & 0x7f) | ((size_t)im->d[++*p] << 7);
	(*p)++;
	for (i = 0; i < len; i++) {
		uint16_t ti;
		const char *tok;

		memcpy(&ti, im->d + index + 2 * im->d[*p + i], 2);
		tok = (const char *)im->d + table + ti;
		while (*tok && out < sizeof(buf) - 1)
			buf[out++] = *tok++;
	}
	*p += len;
	buf[out] = '\0';
	return strdup(buf);
}

/* Addresses from offsets at off and the base at base_off; the two ways
 * kallsyms stores them (with or without absolute per-CPU symbols): the
 * one that puts stext at .text.  False if neither does. */
static bool addresses(const struct vmlinux_img *im, struct ksym *s, uint32_t n, size_t off,
		      size_t base_off, uint32_t stext)
{
	uint64_t base;
	int32_t o;

	if (base_off + 8 > im->ro_end || off + 4 * (size_t)n > im->ro_end || stext >= n)
		return false;
	base = rd64(im, base_off);
	memcpy(&o, im->d + off + 4 * (size_t)stext, 4);
	for (int way = 0; way < 2; way++) {
		uint64_t a = way == 0 ? base + (uint32_t)o : o >= 0 ? (uint64_t)o : base - 1 - o;

		if (a != im->text_addr)
			continue;
		for (uint32_t i = 0; i < n; i++) {
			memcpy(&o, im->d + off + 4 * (size_t)i, 4);
			s[i].addr = way == 0 ? base + (uint32_t)o : o >= 0 ? (uint64_t)o : base - 1 - o;
		}
		return true;
	}
	return false;
}

static bool in_text(const struct vmlinux_img *im, uint64_t v)
{
	return v >= im->text_addr && v < im->text_end;
}

/* The n bytes at address addr of the image, if it has them. */
static bool bytes_at(const struct vmlinux_img *im, uint64_t addr, void *out, size_t n)
{
	for (int i = 0; i < im->nsec; i++)
		if (addr >= im->sec[i].addr && addr + n <= im->sec[i].addr + im->sec[i].size) {
			memcpy(out, im->d + im->sec[i].off + (addr - im->sec[i].addr), n);
			return true;
		}
	return false;
}

static bool word_at(const struct vmlinux_img *im, uint64_t addr, uint64_t *v)
{
	return bytes_at(im, addr, v, 8);
}

/* Where a kprobe on the function at addr goes: past an endbr64. */
static uint64_t probe_addr(const struct vmlinux_img *im, uint64_t addr)
{
	static const unsigned char endbr64[4] = { 0xf3, 0x0f, 0x1e, 0xfa };
	unsigned char b[4];

	return bytes_at(im, addr, b, 4) && !memcmp(b, endbr64, 4) ? addr + 4 : addr;
}

/*
 * Code the kernel patches itself, where it refuses a kprobe: static
 * branches (__jump_table: s32 code, s32 target, long key, each relative to
 * its own field), static calls (static_call_sites: s32 addr, s32 key) and
 * BUG()s (__bug_table: s32 addr, s32 file, u16 line, u16 flags).  Each
 * table lies between its __start_ and __stop_ symbols.
 */
struct patched {
	uint64_t addr, len;
	enum why why;
};

static const struct {
	const char *start, *stop;
	unsigned size, len;		/* entry size, bytes of code at addr */
	enum why why;
} patch_tables[] = {
	{ "__start___jump_table", "__stop___jump_table", 16, 5, WHY_JUMP_LABEL },
	{ "__start_static_call_sites", "__stop_static_call_sites", 8, 5, WHY_STATIC_CALL },
	{ "__start___bug_table", "__stop___bug_table", 12, 2, WHY_BUG },
};

static uint64_t sym_addr(const struct ksym *s, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(s[i].name + 1, name))
			return s[i].addr;
	return 0;
}

static int cmp_patched(const void *a, const void *b)
{
	const struct patched *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Every patched site of the image, sorted; their count in *np. */
static struct patched *patched_sites(const struct vmlinux_img *im, const struct ksym *s, uint32_t n,
				     size_t *np)
{
	struct patched *v = NULL;
	size_t len = 0;

	for (size_t t = 0; t < sizeof(patch_tables) / sizeof(patch_tables[0]); t++) {
		uint64_t lo = sym_addr(s, n, patch_tables[t].start), hi = sym_addr(s, n, patch_tables[t].stop);
		int32_t rel;

		if (!lo || hi <= lo || (hi - lo) % patch_tables[t].size)
			continue;
		v = realloc(v, (len + (hi - lo) / patch_tables[t].size) * sizeof(*v));
		if (!v)
			return NULL;
		for (uint64_t a = lo; a < hi; a += patch_tables[t].size) {
			if (!bytes_at(im, a, &rel, 4) || !in_text(im, a + rel))
				continue;
			v[len].addr = a + rel;
			v[len].len = patch_tables[t].len;
			v[len++].why = patch_tables[t].why;
		}
	}
	qsort(v, len, sizeof(*v), cmp_patched);
	*np = len;
	return v;
}

/* Is the probe address of a function at addr in a patched site? */
static enum why patched_at(const struct patched *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {		/* the first site at or after addr */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && v[lo].addr == addr)
		return v[lo].why;
	if (lo > 0 && addr < v[lo - 1].addr + v[lo - 1].len)
		return v[lo - 1].why;
	return WHY_NONE;
}

static int cmp_sym_addr(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The name of the text symbol at addr (s sorted by address), or NULL. */
static const char *text_sym_at(const struct ksym *s, uint32_t n, uint64_t addr)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (s[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && s[lo].addr == addr; lo++)
		if (is_code(s[lo].type) && strncmp(s[lo].name + 1, "__pfx_", 6))
			return s[lo].name + 1;
	return NULL;
}

/*
 * The kernel's NOKPROBE list: the _kprobe_blacklist array of function
 * addresses (in init data), between __start_kprobe_blacklist and
 * __stop_kprobe_blacklist.  Its C entries are also named _kbl_addr_F;
 * entries from assembly (_ASM_NOKPROBE: xen_asm_exc_*, the retpoline
 * thunks) have no name.  Without the bounds, the array is taken as the
 * run of text addresses around the named entries.  s is sorted by address.
 */
static void nokprobe_list(const struct vmlinux_img *im, const struct ksym *s, uint32_t n, FILE *out)
{
	uint64_t lo = UINT64_MAX, hi = 0, a, v;
	uint64_t start = sym_addr(s, n, "__start_kprobe_blacklist");
	uint64_t stop = sym_addr(s, n, "__stop_kprobe_blacklist");
	uint32_t i;

	for (i = 0; i < n; i++)
		if (!strncmp(s[i].name + 1, "_kbl_addr_", 10)) {
			fprintf(out, "%c %s\n", why_letter[WHY_NOKPROBE], s[i].name + 11);
			lo = s[i].addr < lo ? s[i].addr : lo;
			hi = s[i].addr > hi ? s[i].addr : hi;
		}
	if (start && stop > start) {
		lo = start;
		hi = stop - 8;
	} else if (lo > hi) {
		return;
	} else {
		while (word_at(im, lo - 8, &v) && in_text(im, v))
			lo -= 8;
		while (word_at(im, hi + 8, &v) && in_text(im, v))
			hi += 8;
	}
	for (a = lo; a <= hi; a += 8) {
		const char *name;

		if (word_at(im, a, &v) && in_text(im, v) && (name = text_sym_at(s, n, v)))
			fprintf(out, "%c %s\n", why_letter[WHY_NOKPROBE], name);
	}
}

struct range {
	const char *start, *end;
	enum why why;
	uint64_t lo, hi;
};

/* By name (without the type), then address. */
static int cmp_sym_name(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;
	int c = strcmp(x->name + 1, y->name + 1);

	return c ? c : x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Why each text symbol can't be probed, into out as "LETTER NAME" lines. */
static void classify(const struct vmlinux_img *im, struct ksym *s, uint32_t n, FILE *out)
{
	struct range r[] = {
		{ "__kprobes_text_start", "__kprobes_text_end", WHY_KPROBES_TEXT, 0, 0 },
		{ "__noinstr_text_start", "__noinstr_text_end", WHY_NOINSTR, 0, 0 },
		{ "__entry_text_start", "__entry_text_end", WHY_ENTRY, 0, 0 },
	};
	struct patched *patched;
	size_t npatched = 0;
	uint32_t i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < sizeof(r) / sizeof(r[0]); j++) {
			if (!strcmp(s[i].name + 1, r[j].start))
				r[j].lo = s[i].addr;
			if (!strcmp(s[i].name + 1, r[j].end))
				r[j].hi = s[i].addr;
		}
	qsort(s, n, sizeof(*s), cmp_sym_addr);
	nokprobe_list(im, s, n, out);
	patched = patched_sites(im, s, n, &npatched);
	qsort(s, n, sizeof(*s), cmp_sym_name);
	/* a name several functions share means the first by address to
	 * kallsyms_lookup_name(), which a kprobe by name goes through */
	for (i = 0; i < n; i = j) {
		enum why why = WHY_NONE;
		uint32_t first = n;

		for (j = i; j < n && !strcmp(s[j].name + 1, s[i].name + 1); j++)
			if (first == n && is_code(s[j].type))
				first = j;
		if (first == n)
			continue;
		if ((s[first].addr >= im->init_lo && s[first].addr < im->init_hi) ||
		    (s[first].addr >= im->exit_lo && s[first].addr < im->exit_hi))
			why = WHY_INIT;
		for (size_t k = 0; why == WHY_NONE && k < sizeof(r) / sizeof(r[0]); k++)
			if (r[k].lo < r[k].hi && s[first].addr >= r[k].lo && s[first].addr < r[k].hi)
				why = r[k].why;
		if (why == WHY_NONE)
			why = patched_at(patched, npatched, probe_addr(im, s[first].addr));
		if (why != WHY_NONE)
			fprintf(out, "%c %s\n", why_letter[why], s[first].name + 1);
	}
	free(patched);
}

/* The "LETTER NAME" lines for the image, or NULL if its kallsyms can't be
 * found (malloc'ed text). */
static char *noprobe_text(struct buf *vmlinux)
{
	struct vmlinux_img im = { 0 };
	size_t table, index, names, p, end;
	uint32_t n, i, stext = UINT32_MAX;
	struct ksym *s;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	bool ok;

	if (!vmlinux_sections(&im, vmlinux) || !find_token_table(&im, &table, &index) ||
	    !find_names(&im, table, &names, &n))
		return NULL;
	s = calloc(n, sizeof(*s));
	if (!s)
		return NULL;
	for (i = 0, p = names; i < n; i++) {
		char *name = expand_name(&im, &p, table, index);

		s[i].name = name;
		s[i].type = name ? name[0] : 0;
		if (name && !strcmp(name + 1, "_stext"))
			stext = i;
	}
	/* 6.1: offsets and base before num_syms; 6.12: after the token index */
	end = align8(&im, index + 512);
	ok = addresses(&im, s, n, names - 16 - (((size_t)n * 4 + 7) & ~(size_t)7), names - 16, stext) ||
	     addresses(&im, s, n, end, align8(&im, end + 4 * (size_t)n), stext);
	out = ok ? open_memstream(&text, &len) : NULL;
	if (out) {
		classify(&im, s, n, out);
		fclose(out);
	}
	for (i = 0; i < n; i++)
		free((char *)s[i].name);
	free(s);
	return text;
}

void kallsyms_store(const char *release, struct buf *vmlinux)
{
	const char *dir = cache_dir(), *path, *tmp;
	char *text = noprobe_text(vmlinux);
	FILE *f;

	if (!dir || !text) {
		free(text);
		return;
	}
	path = arena_printf("%s/%s.noprobe", dir, release);
	tmp = arena_printf("%s.%d", path, (int)getpid());
	f = fopen(tmp, "w");
	if (f && fprintf(f, "%s\n%s", NOPROBE_HEADER, text) >= 0 && fclose(f) == 0 &&
	    rename(tmp, path) == 0) {
		uint64_t h = CACHE_HASH_INIT;

		if (cache_hash_file(path, &h))
			cache_seal(arena_printf("%s.seal", path), h, kernel_image_stamp(release));
	} else {
		if (f)
			fclose(f);
		unlink(tmp);
	}
	free(text);
}

static int cmp_noprobe(const void *a, const void *b)
{
	return strcmp(((const struct noprobe *)a)->name, ((const struct noprobe *)b)->name);
}

/* The cached list of release, or false. */
static bool noprobe_read(struct kernel *k)
{
	const char *dir = cache_dir(), *path;
	struct buf text = { 0 };
	uint64_t h = CACHE_HASH_INIT;
	size_t cap = 0;
	char *line, *save = NULL;

	if (!dir)
		return false;
	path = arena_printf("%s/%s.noprobe", dir, k->release);
	if (!cache_hash_file(path, &h) ||
	    !cache_sealed(arena_printf("%s.seal", path), h, kernel_image_stamp(k->release)) ||
	    !buf_read_file(path, &text) || !buf_grow(&text, text.len + 1))
		return false;
	text.data[text.len] = '\0';
	line = strtok_r((char *)text.data, "\n", &save);
	if (!line || strcmp(line, NOPROBE_HEADER)) {
		free(text.data);
		return false;
	}
	while ((line = strtok_r(NULL, "\n", &save))) {
		const char *w = strchr(why_letter, line[0]);

		if (!w || w == why_letter || line[1] != ' ')
			continue;
		if (k->nnoprobe == cap) {
			cap = cap ? 2 * cap : 4096;
			k->noprobe = realloc(k->noprobe, cap * sizeof(*k->noprobe));
			if (!k->noprobe) {
				perror("tapc");
				exit(1);
			}
		}
		k->noprobe[k->nnoprobe].name = arena_strdup(line + 2);
		k->noprobe[k->nnoprobe++].why = why_text[w - why_letter];
	}
	free(text.data);
	qsort(k->noprobe, k->nnoprobe, sizeof(*k->noprobe), cmp_noprobe);
	return true;
}

const char *kallsyms_noprobe(struct kernel *k, const char *name)
{
	struct noprobe key = { .name = name }, *hit;

	if (!k->noprobe_loaded) {
		struct buf vmlinux = { 0 };

		k->noprobe_loaded = true;
		if (!noprobe_read(k) && kernel_vmlinux(k->release, &vmlinux)) {
			kallsyms_store(k->release, &vmlinux);
			noprobe_read(k);
		}
		free(vmlinux.data);
	}
	hit = k->nnoprobe ? bsearch(&key, k->noprobe, k->nnoprobe, sizeof(key), cmp_noprobe) : NULL;
	return hit ? hit->why : NULL;
}
