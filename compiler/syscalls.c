/* The target kernel's system calls (see syscalls.h), from its build tree:
 *
 *   arch/x86/include/generated/asm/syscalls_{64,32}.h   number -> kernel entry
 *       (__SYSCALL(N, sys_read), __SYSCALL_NORETURN(60, sys_exit),
 *        __SYSCALL_WITH_COMPAT(5, sys_open, compat_sys_open))
 *   arch/x86/include/generated/uapi/asm/unistd_{64,32}.h number -> __NR_ name
 *   include/linux/syscalls.h, include/linux/compat.h,
 *   arch/x86/include/asm/syscalls.h                     entry prototypes
 *
 * The headers declare some functions several times under #ifdef CONFIG_X
 * (sys_clone's argument order differs between architectures): the
 * declaration whose conditions the kernel's configuration
 * (include/generated/autoconf.h) contradicts least is the one taken.  On
 * x86 the whole block of sys_* prototypes sits under
 * #ifndef CONFIG_ARCH_HAS_SYSCALL_WRAPPER (the wrappers take pt_regs), but
 * the prototypes still describe the calls, so a known-false condition only
 * ranks a declaration lower, it never drops it.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "arena.h"
#include "kernel.h"
#include "syscalls.h"

/* ---- small text helpers ---- */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long len;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		return NULL;
	}
	buf = arena_alloc((size_t)len + 1);
	if (fread(buf, 1, (size_t)len, f) != (size_t)len) {
		fclose(f);
		return NULL;
	}
	fclose(f);
	buf[len] = 0;
	return buf;
}

/* Blank out C comments in place (newlines kept, so lines stay lines). */
static void strip_comments(char *s)
{
	for (; *s; s++) {
		if (s[0] == '/' && s[1] == '*') {
			for (; *s && !(s[0] == '*' && s[1] == '/'); s++)
				if (*s != '\n')
					*s = ' ';
			if (*s) {
				s[0] = s[1] = ' ';
				s++;
			}
		} else if (s[0] == '/' && s[1] == '/') {
			for (; *s && *s != '\n'; s++)
				*s = ' ';
			if (!*s)
				break;
		}
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = 0;
	return s;
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* ---- the kernel's configuration, for #ifdef CONFIG_X ---- */

struct config {
	char **names;			/* sorted CONFIG_* that are set */
	size_t n;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static struct config read_config(struct kernel *k)
{
	struct config c = { 0 };
	char path[PATH_MAX], *text, *line, *save = NULL;
	size_t cap = 0;

	if (!kernel_find_header(k, "include/generated/autoconf.h", path, sizeof(path)) ||
	    !(text = slurp(path)))
		return c;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];

		if (sscanf(line, "#define %127s", name) != 1 || strncmp(name, "CONFIG_", 7) != 0)
			continue;
		if (c.n == cap) {
			cap = cap ? cap * 2 : 1024;
			c.names = realloc(c.names, cap * sizeof(*c.names));
			if (!c.names) {
				perror("tapc");
				exit(1);
			}
		}
		c.names[c.n++] = arena_strdup(name);
	}
	qsort(c.names, c.n, sizeof(*c.names), cmp_str);
	return c;
}

/* 1 set, -1 not set, 0 unknown (not a CONFIG_ macro). */
static int config_state(const struct config *c, const char *name)
{
	if (strncmp(name, "CONFIG_", 7) != 0)
		return 0;
	return c->n && bsearch(&name, c->names, c->n, sizeof(*c->names), cmp_str) ? 1 : -1;
}

/* ---- prototypes ---- */

struct proto {
	const char *name;		/* "sys_read", "compat_sys_open" */
	char *params;			/* the text between the parentheses */
	int against;			/* conditions the configuration contradicts */
};

struct protos {
	struct proto *v;
	size_t n, cap;
};

static void proto_add(struct protos *ps, const char *name, char *params, int against)
{
	size_t i;

	for (i = 0; i < ps->n; i++) {
		if (strcmp(ps->v[i].name, name) != 0)
			continue;
		if (against < ps->v[i].against) {
			ps->v[i].params = params;
			ps->v[i].against = against;
		}
		return;
	}
	if (ps->n == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 512;
		ps->v = realloc(ps->v, ps->cap * sizeof(*ps->v));
		if (!ps->v) {
			perror("tapc");
			exit(1);
		}
	}
	ps->v[ps->n++] = (struct proto){ arena_strdup(name), params, against };
}

/* One declaration (text up to its ';'): "asmlinkage long sys_x(...)". */
static void scan_decl(struct protos *ps, char *decl, int against)
{
	char *p = decl, *name, *open, *close, *brace;

	/* the text after an inline function's body */
	if ((brace = strrchr(p, '}')) != NULL)
		p = brace + 1;
	p = trim(p);
	if (strncmp(p, "asmlinkage", 10) == 0 && isspace((unsigned char)p[10]))
		p = trim(p + 10);
	if (strncmp(p, "long", 4) != 0 || !isspace((unsigned char)p[4]))
		return;
	name = trim(p + 4);
	open = strchr(name, '(');
	close = strrchr(name, ')');
	if (!open || !close || close < open)
		return;
	*open = 0;
	name = trim(name);
	if (strncmp(name, "sys_", 4) != 0 && strncmp(name, "compat_sys_", 11) != 0)
		return;
	for (p = name; *p; p++)
		if (!is_ident((unsigned char)*p))
			return;
	*close = 0;
	proto_add(ps, name, trim(open + 1), against);
}

#define MAX_COND 64

/* Every sys_* / compat_sys_* declaration of a header, with the number of
 * its #if conditions the configuration contradicts. */
static void scan_header(struct protos *ps, const struct config *cfg, char *text)
{
	int cond[MAX_COND], depth = 0, against, i;
	char *line = text, *next, *stmt = NULL;
	size_t stmt_len = 0;

	strip_comments(text);
	for (; line && *line; line = next) {
		char *t, word[128];

		next = strchr(line, '\n');
		if (next)
			*next++ = 0;
		t = trim(line);
		if (*t == '#') {
			char *d = trim(t + 1);
			bool cont = *t && t[strlen(t) - 1] == '\\';

			if (sscanf(d, "ifdef %127s", word) == 1 && depth < MAX_COND)
				cond[depth++] = config_state(cfg, word);
			else if (sscanf(d, "ifndef %127s", word) == 1 && depth < MAX_COND)
				cond[depth++] = -config_state(cfg, word);
			else if (strncmp(d, "if", 2) == 0 && !is_ident((unsigned char)d[2]) && depth < MAX_COND)
				cond[depth++] = 0;
			else if (strncmp(d, "elif", 4) == 0 && depth)
				cond[depth - 1] = 0;
			else if (strncmp(d, "else", 4) == 0 && depth)
				cond[depth - 1] = -cond[depth - 1];
			else if (strncmp(d, "endif", 5) == 0 && depth)
				depth--;
			/* a multi-line #define: skip its continuations */
			while (cont && next) {
				char *l = next;

				next = strchr(next, '\n');
				if (next)
					*next++ = 0;
				l = trim(l);
				cont = *l && l[strlen(l) - 1] == '\\';
			}
			continue;
		}
		for (;;) {
			char *semi = strchr(t, ';');
			size_t add = semi ? (size_t)(semi - t) : strlen(t);

			stmt = realloc(stmt, stmt_len + add + 2);
			if (!stmt) {
				perror("tapc");
				exit(1);
			}
			memcpy(stmt + stmt_len, t, add);
			stmt_len += add;
			stmt[stmt_len++] = ' ';
			stmt[stmt_len] = 0;
			if (!semi)
				break;
			for (against = 0, i = 0; i < depth; i++)
				against += cond[i] < 0;
			scan_decl(ps, arena_strdup(stmt), against);
			stmt_len = 0;
			t = semi + 1;
		}
	}
	free(stmt);
}

static const struct proto *proto_find(const struct protos *ps, const char *name)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].name, name) == 0)
			return &ps->v[i];
	return NULL;
}

/* ---- parameter types ---- */

static bool c_type_word(const char *w)
{
	static const char *const words[] = {
		"unsigned", "signed", "int", "long", "short", "char", "void", "_Bool",
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(w, words[i]) == 0)
			return true;
	return false;
}

static bool qualifier(const char *w)
{
	return strcmp(w, "const") == 0 || strcmp(w, "volatile") == 0 ||
	       strcmp(w, "__user") == 0 || strcmp(w, "__force") == 0 ||
	       strcmp(w, "restrict") == 0 || strcmp(w, "__restrict") == 0;
}

/* Size and signedness of a typedef or base type named by BTF. */
static bool btf_scalar(const struct btf *btf, const char *name, int *size, bool *sgn, int *id)
{
	const struct btf_type *t;
	__s32 tid;

	if (!btf)
		return false;
	tid = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
	if (tid <= 0)
		tid = btf__find_by_name_kind(btf, name, BTF_KIND_INT);
	if (tid <= 0)
		return false;
	*id = tid;
	for (t = btf__type_by_id(btf, tid); t && (btf_is_typedef(t) || btf_is_mod(t));
	     t = btf__type_by_id(btf, t->type))
		;
	if (!t)
		return false;
	if (btf_is_int(t)) {
		*size = t->size;
		*sgn = btf_int_encoding(t) & BTF_INT_SIGNED;
		return true;
	}
	if (btf_is_any_enum(t)) {
		*size = t->size;
		*sgn = true;
		return true;
	}
	if (btf_is_ptr(t)) {
		*size = 8;
		*sgn = false;
		return true;
	}
	return false;
}

static enum syscall_arg_kind int_kind(int size, bool sgn)
{
	switch (size) {
	case 1: return sgn ? SA_S8 : SA_U8;
	case 2: return sgn ? SA_S16 : SA_U16;
	case 4: return sgn ? SA_S32 : SA_U32;
	default: return sgn ? SA_S64 : SA_U64;
	}
}

/* The kind of a base C type spelled with type words ("unsigned long"). */
static enum syscall_arg_kind words_kind(char **w, int n)
{
	bool sgn = true;
	int longs = 0, size = 4, i;

	for (i = 0; i < n; i++) {
		if (strcmp(w[i], "unsigned") == 0)
			sgn = false;
		else if (strcmp(w[i], "long") == 0)
			longs++;
		else if (strcmp(w[i], "short") == 0)
			size = 2;
		else if (strcmp(w[i], "char") == 0)
			size = 1;
		else if (strcmp(w[i], "_Bool") == 0) {
			size = 1;
			sgn = false;
		}
	}
	if (longs)
		size = 8;
	return int_kind(size, sgn);
}

#define MAX_WORDS 16

/* Parse one parameter declaration ("const char __user *filename"). */
static void parse_param(struct kernel *k, char *decl, int index, struct syscall_param *p)
{
	char *w[MAX_WORDS], *type = "", *tok;
	int nw = 0, nty, stars = 0, i;
	bool user = strstr(decl, "__user") != NULL;

	for (tok = decl; *tok;) {
		if (*tok == '*') {
			stars++;
			tok++;
		} else if (*tok == '[') {	/* "int fds[2]": a pointer */
			stars++;
			tok += strcspn(tok, "]");
			if (*tok)
				tok++;
		} else if (is_ident((unsigned char)*tok)) {
			char *start = tok;

			while (is_ident((unsigned char)*tok))
				tok++;
			if (nw < MAX_WORDS && !qualifier(arena_strndup(start, tok - start)))
				w[nw++] = arena_strndup(start, tok - start);
		} else {
			tok++;
		}
	}
	/* the type is a struct/union/enum tag, type words, or one typedef
	 * name; a word after it is the parameter's name */
	if (nw >= 2 && (strcmp(w[0], "struct") == 0 || strcmp(w[0], "union") == 0 ||
			strcmp(w[0], "enum") == 0))
		nty = 2;
	else if (nw && c_type_word(w[0]))
		for (nty = 0; nty < nw && c_type_word(w[nty]); nty++)
			;
	else
		nty = nw ? 1 : 0;
	p->name = nty < nw ? w[nty] : arena_printf("arg%d", index + 1);
	for (i = 0; i < nty; i++)
		type = arena_printf("%s%s%s", type, i ? " " : "", w[i]);
	if (strncmp(trim(decl), "const", 5) == 0)
		type = arena_printf("const %s", type);
	p->ctype = arena_printf("%s%.*s", type, stars, "******");
	p->btf_type = -1;
	if (stars) {
		p->kind = user ? SA_USER_PTR : SA_PTR;
		return;
	}
	if (nty && c_type_word(w[0])) {
		p->kind = words_kind(w, nty);
	} else {
		int size = 8, id;
		bool sgn = true;

		p->kind = nty == 1 && btf_scalar(btf_load(k, 0), w[0], &size, &sgn, &id)
			? int_kind(size, sgn) : SA_S64;
		if (nty == 1 && p->kind != SA_S64)
			p->btf_type = id;
	}
	if (nty == 2 && strcmp(w[0], "enum") == 0)
		p->kind = SA_S32;
}

/* The kind of BTF type id: an integer's size and sign, or an address. */
static enum syscall_arg_kind btf_arg_kind(const struct btf *btf, __s32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t)))
		t = btf__type_by_id(btf, t->type);
	if (!t)
		return SA_S64;
	if (btf_is_ptr(t))
		return SA_PTR;
	if (btf_is_int(t))
		return int_kind(t->size, btf_int_encoding(t) & BTF_INT_SIGNED);
	if (btf_is_any_enum(t))
		return int_kind(t->size, true);
	return SA_S64;
}

/* Fill sc's parameters from the BTF of __do_ENTRY, the function the
 * syscall wrapper calls, when no header declares the entry (the x86 and
 * ia32 calls defined in .c files); false when BTF has none (inlined). */
static bool params_from_btf(struct kernel *k, struct syscall *sc)
{
	const char *fn = arena_printf("__do_%s", sc->entry);
	const struct btf_param *bp;
	const struct btf_type *proto;
	struct btf *btf;
	int id, i, n;

	if (!(btf = btf_load(k, 0)) || (id = btf_func_proto(kernel_image(k), fn)) < 0)
		return false;
	proto = btf__type_by_id(btf, id);
	n = btf_vlen(proto);
	if (n > SYSCALL_MAX_PARAMS)
		return false;
	bp = btf_params(proto);
	for (i = 0; i < n; i++) {
		struct syscall_param *p = &sc->params[i];
		const char *name = btf__name_by_offset(btf, bp[i].name_off);

		p->name = name && *name ? arena_strdup(name) : arena_printf("arg%d", i + 1);
		p->ctype = btf_type_name(btf, bp[i].type);
		p->kind = btf_arg_kind(btf, bp[i].type);
		/* a pointer parameter of a syscall comes from user space */
		if (p->kind == SA_PTR)
			p->kind = SA_USER_PTR;
		p->btf_type = bp[i].type;
	}
	sc->nparams = n;
	return true;
}

/* Fill sc's parameters from its prototype's text. */
static void parse_params(struct kernel *k, struct syscall *sc, const char *text)
{
	char *copy = arena_strdup(text), *part, *save = NULL;

	sc->nparams = 0;
	if (strcmp(trim(copy), "void") == 0 || !*trim(copy))
		return;
	for (part = strtok_r(copy, ",", &save); part; part = strtok_r(NULL, ",", &save)) {
		if (sc->nparams == SYSCALL_MAX_PARAMS) {
			sc->nparams = -1;	/* not a register-passed call */
			return;
		}
		parse_param(k, part, sc->nparams, &sc->params[sc->nparams]);
		sc->nparams++;
	}
}

/* ---- the tables ---- */

/* "#define __NR_read 0" lines into names[nr]. */
static void read_uapi_names(const char *path, char **names, int limit)
{
	char *text = slurp(path), *line, *save = NULL;

	if (!text)
		return;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[128];
		int nr;

		if (sscanf(line, "#define __NR_%127[a-zA-Z0-9_] %d", name, &nr) == 2 && nr >= 0 &&
		    nr < limit)
			names[nr] = arena_strdup(name);
	}
}

struct table_line {
	int nr;
	char entry[128];
};

/* "__SYSCALL(N, sys_x)", "__SYSCALL_NORETURN(N, sys_x)",
 * "__SYSCALL_WITH_COMPAT(N, sys_x, compat_sys_x)": the entry a task of this
 * ABI reaches (the compat one when there is one). */
static bool table_line(const char *line, struct table_line *out)
{
	char a[128], b[128];
	int n;

	if (strncmp(line, "__SYSCALL", 9) != 0)
		return false;
	line = strchr(line, '(');
	if (!line)
		return false;
	n = sscanf(line, "(%d, %127[a-zA-Z0-9_], %127[a-zA-Z0-9_])", &out->nr, a, b);
	if (n < 2 || out->nr < 0)
		return false;
	snprintf(out->entry, sizeof(out->entry), "%s", n == 3 ? b : a);
	return true;
}

static void add_call(struct syscall_table *t, size_t *cap, const struct syscall *sc)
{
	if (t->ncalls == *cap) {
		*cap = *cap ? *cap * 2 : 512;
		t->calls = realloc(t->calls, *cap * sizeof(*t->calls));
		if (!t->calls) {
			perror("tapc");
			exit(1);
		}
	}
	t->calls[t->ncalls++] = *sc;
}

static const char *const table_file[SYSCALL_NABI] = {
	"arch/x86/include/generated/asm/syscalls_64.h",
	"arch/x86/include/generated/asm/syscalls_32.h",
};
static const char *const uapi_file[SYSCALL_NABI] = {
	"arch/x86/include/generated/uapi/asm/unistd_64.h",
	"arch/x86/include/generated/uapi/asm/unistd_32.h",
};

#define NR_LIMIT 2048			/* far above any x86 syscall number */

static bool read_abi(struct kernel *k, enum syscall_abi abi, const struct protos *ps,
		     struct syscall_table *t, size_t *cap)
{
	char path[PATH_MAX], *text, *line, *save = NULL;
	char **names = arena_alloc(NR_LIMIT * sizeof(*names));
	struct table_line tl;

	if (!kernel_find_header(k, table_file[abi], path, sizeof(path)) || !(text = slurp(path)))
		return false;
	if (kernel_find_header(k, uapi_file[abi], path, sizeof(path)))
		read_uapi_names(path, names, NR_LIMIT);
	t->uapi[abi] = (const char **)names;
	for (t->uapi_limit[abi] = NR_LIMIT; t->uapi_limit[abi] > 0 && !names[t->uapi_limit[abi] - 1];
	     t->uapi_limit[abi]--)
		;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct syscall sc = { .abi = abi, .nparams = -1 };
		const struct proto *pr;
		const char *bare;

		if (!table_line(line, &tl) || tl.nr >= NR_LIMIT ||
		    strcmp(tl.entry, "sys_ni_syscall") == 0)
			continue;
		sc.nr = tl.nr;
		sc.entry = arena_strdup(tl.entry);
		bare = strncmp(tl.entry, "compat_sys_", 11) == 0 ? tl.entry + 11 : tl.entry + 4;
		sc.name = names[tl.nr] ? names[tl.nr] : arena_strdup(bare);
		pr = proto_find(ps, sc.entry);
		if (pr)
			parse_params(k, &sc, pr->params);
		else
			params_from_btf(k, &sc);
		add_call(t, cap, &sc);
		if (tl.nr >= t->nr_limit[abi])
			t->nr_limit[abi] = tl.nr + 1;
	}
	return true;
}

static int cmp_call(const void *a, const void *b)
{
	const struct syscall *x = a, *y = b;

	if (x->abi != y->abi)
		return x->abi < y->abi ? -1 : 1;
	return x->nr < y->nr ? -1 : x->nr > y->nr;
}

const struct syscall_table *kernel_syscalls(struct kernel *k)
{
	static const char *const headers[] = {
		"include/linux/syscalls.h", "include/linux/compat.h",
		"arch/x86/include/asm/syscalls.h", "arch/x86/include/asm/sys_ia32.h",
	};
	struct protos ps = { 0 };
	struct syscall_table *t;
	struct config cfg;
	size_t cap = 0, i;

	if (k->syscalls)
		return k->syscalls;
	cfg = read_config(k);
	for (i = 0; i < sizeof(headers) / sizeof(headers[0]); i++) {
		char path[PATH_MAX], *text;

		if (kernel_find_header(k, headers[i], path, sizeof(path)) && (text = slurp(path)))
			scan_header(&ps, &cfg, text);
	}
	t = arena_alloc(sizeof(*t));
	if (!read_abi(k, SYSCALL_ABI_64, &ps, t, &cap)) {
		free(ps.v);
		free(cfg.names);
		return NULL;
	}
	read_abi(k, SYSCALL_ABI_I386, &ps, t, &cap);	/* absent without IA32 emulation */
	qsort(t->calls, t->ncalls, sizeof(*t->calls), cmp_call);
	free(ps.v);
	free(cfg.names);
	k->syscalls = t;
	return t;
}

const struct syscall *syscall_by_name(const struct syscall_table *t, enum syscall_abi abi,
				      const char *name)
{
	size_t i;

	for (i = 0; i < t->ncalls; i++)
		if (t->calls[i].abi == abi && strcmp(t->calls[i].name, name) == 0)
			return &t->calls[i];
	return NULL;
}

const struct syscall *syscall_by_nr(const struct syscall_table *t, enum syscall_abi abi, int nr)
{
	size_t lo = 0, hi = t->ncalls;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct syscall *c = &t->calls[mid];

		if (c->abi == abi && c->nr == nr)
			return c;
		if (c->abi < abi || (c->abi == abi && c->nr < nr))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const char *syscall_abi_suffix(enum syscall_abi abi)
{
	return abi == SYSCALL_ABI_I386 ? "32" : "";
}

const char *syscall_base(const struct syscall *sc)
{
	static const char *const prefixes[] = { "compat_sys_ia32_", "compat_sys_", "sys_ia32_", "sys_" };
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(sc->entry, prefixes[i], strlen(prefixes[i])) == 0)
			return sc->entry + strlen(prefixes[i]);
	return sc->entry;
}

bool syscall_clobbers_args(const struct syscall *sc)
{
	/* a successful exec starts the new program with cleared registers;
	 * sigreturn loads the interrupted context's */
	static const char *const entries[] = { "execve", "execveat", "rt_sigreturn", "sigreturn" };
	const char *e = strstr(sc->entry, "sys_");
	size_t i;

	for (i = 0; e && i < sizeof(entries) / sizeof(entries[0]); i++)
		if (strcmp(e + 4, entries[i]) == 0)
			return true;
	return false;
}
