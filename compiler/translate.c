/* Pass 3: the resolved program as one C file for the runtime.
 *
 * The module reads like the kernel's samples/kprobes: a header comment
 * naming the script, the globals (scalars, maps with a key struct each, one
 * lock each), then per probe and function a frame struct and a handler,
 * then the site tables and struct tapc_module.  Locals and string
 * temporaries live in the frame (tapc_frame(c, c->nesting)), never on the
 * kernel stack; only 64-bit temporaries and pointers are C locals.
 *
 * Expressions are generated as "pre-statements plus a C expression": gx()
 * emits whatever must run first (calls, map lookups, division checks) and
 * returns the C text of the value.  A string value is a const char *
 * expression.  A run-time error sets the context's error and jumps to the
 * body's `out` label; callers check c->last_error after every call.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "builtins.h"
#include "diag.h"
#include "emit.h"
#include "format.h"
#include "provider.h"
#include "resolve.h"
#include "session.h"
#include "translate.h"
#include "translate_embedded.h"
#include "recipe.h"
#include "translate_int.h"
#include "translate_regex.h"
#include "usym.h"

/* ---- small helpers ---- */

char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		die("out of memory");
	va_end(ap);
	{
		char *a = arena_strdup(s);

		free(s);
		return a;
	}
}

const char *cstr(const char *s)
{
	char *q = c_string(s, strlen(s)), *a = arena_strdup(q);

	free(q);
	return a;
}

const char *loc_of(const struct node *n)
{
	return cstr(fmt("%s:%d:%d", n->loc.file ? n->loc.file : "<input>", n->loc.line, n->loc.col));
}

const char *tmp_long(struct tx *t)
{
	int n = t->ntmp++;

	fprintf(t->decls, "\tint64_t t%d;\n", n);
	return fmt("t%d", n);
}

static size_t tmp_slot(const char *const *set, size_t cap, const char *s)
{
	size_t i = ((uintptr_t)s >> 3) & (cap - 1);

	while (set[i] && set[i] != s)
		i = (i + 1) & (cap - 1);
	return i;
}

static void tmp_remember(struct tx *t, const char *s)
{
	size_t i;

	if (2 * (t->nstr_tmps + 1) > t->str_tmps_cap) {
		size_t cap = t->str_tmps_cap ? 2 * t->str_tmps_cap : 64;
		const char **set = calloc(cap, sizeof(*set));

		if (!set)
			die("out of memory");
		for (i = 0; i < t->str_tmps_cap; i++)
			if (t->str_tmps[i])
				set[tmp_slot(set, cap, t->str_tmps[i])] = t->str_tmps[i];
		free(t->str_tmps);
		t->str_tmps = set;
		t->str_tmps_cap = cap;
	}
	t->str_tmps[tmp_slot(t->str_tmps, t->str_tmps_cap, s)] = s;
	t->nstr_tmps++;
}

bool is_tmp_string(const struct tx *t, const char *s)
{
	return t->str_tmps_cap && t->str_tmps[tmp_slot(t->str_tmps, t->str_tmps_cap, s)] == s;
}

const char *tmp_string(struct tx *t)
{
	int n = t->ntmp++;
	const char *s = fmt("f->s%d", n);

	fprintf(t->frame, "\tchar s%d[MAXSTRINGLEN];\n", n);
	tmp_remember(t, s);
	return s;
}

void goto_out(struct tx *t)
{
	t->out_used = true;
	emit(t->e, "goto out;");
}

/* After a run-time error: to the innermost catch, else out. */
void goto_err(struct tx *t)
{
	if (!t->err_label) {
		goto_out(t);
		return;
	}
	t->err_used = true;
	emit(t->e, "goto %s;", t->err_label);
}

void check_error(struct tx *t)
{
	emit(t->e, "if (c->last_error)");
	t->e->depth++;
	goto_err(t);
	t->e->depth--;
}

void unsupported(struct tx *t, const struct node *n, const char *what)
{
	(void)t;
	diag_error(n->loc, "%s: not supported by the kernel back end yet", what);
}

const char *ctype_of(enum type_kind ty)
{
	return ty == TYPE_STRING ? "char" : "int64_t";
}

/* Nodes whose value can't be changed by evaluating something else after
 * them: their C text may be used late without a copy. */
bool stable(const struct node *n)
{
	switch (n->kind) {
	case NODE_NUM:
	case NODE_STR:
	case NODE_TARGET:
		return true;
	case NODE_CALL:
		return n->u.call.sym && n->u.call.sym->kind == SYM_BUILTIN &&
		       n->u.call.sym->builtin->form != BUILTIN_STMT &&
		       n->u.call.sym->builtin->form != BUILTIN_ABORT && !n->u.call.args;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_VAR: case NODE_INDEX:
	case NODE_PRINT: case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
	case NODE_HIST: case NODE_DEFINED: case NODE_ENTRY: case NODE_EMBEDDED_EXPR:
	case NODE_WILDCARD: case NODE_KIND_COUNT:
		return false;
	}
	die("stable: bad node kind %d", (int)n->kind);
}

/* Nodes whose evaluation changes nothing: what runs before them may keep
 * its value as C text. */
bool no_side_effects(const struct node *n)
{
	switch (n->kind) {
	case NODE_NUM:
	case NODE_STR:
	case NODE_VAR:
	case NODE_TARGET:
		return true;
	case NODE_CALL:
		return stable(n);
	case NODE_BINARY:
		return n->u.bin.op != BIN_DIV && n->u.bin.op != BIN_MOD &&
		       no_side_effects(n->u.bin.left) && no_side_effects(n->u.bin.right);
	case NODE_UNARY:
		return no_side_effects(n->u.un.operand);
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_INDEX: case NODE_PRINT:
	case NODE_LOGICAL: case NODE_INCDEC: case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN:
	case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		return false;
	}
	die("no_side_effects: bad node kind %d", (int)n->kind);
}

/* ---- variables, arrays ---- */

const char *var_ref(struct tx *t, struct symbol *sym)
{
	(void)t;
	if (sym->kind == SYM_GLOBAL)
		return fmt("g_%s", sym->name);
	return fmt("f->l_%s", sym->name);
}

void frame_local(struct tx *t, struct symbol *sym)
{
	if (sym->type == TYPE_STRING)
		fprintf(t->frame, "\tchar l_%s[MAXSTRINGLEN];\n", sym->name);
	else
		fprintf(t->frame, "\tint64_t l_%s;\n", sym->name);
}


/* An array keyed by one string: its map compares only the string
 * (tapc_map_alloc_str; a stats array's per-CPU maps too), so its key temp
 * is not zeroed first. */
bool str_keyed(const struct symbol *sym)
{
	return sym->arity == 1 && sym->keys[0] == TYPE_STRING;
}

/* An array keyed by one number: its map's hit path is inline (map.h:
 * tapc_map_get_i and friends). */
static const char *int_key_suffix(const struct symbol *sym)
{
	return sym->type != TYPE_STATS && sym->arity == 1 && sym->keys[0] == TYPE_LONG ? "_i" : "";
}

/* Fill the array's key temp from the key expressions; returns "&f->k_a".
 * The key exprs are all evaluated first: one of them may itself index the
 * same array and use the same temp. */
const char *build_key(struct tx *t, struct symbol *sym, struct node *keys)
{
	const char *vals[MAX_ARRAY_KEYS];
	struct node *k;
	int i, n = 0;

	for (k = keys; k && n < MAX_ARRAY_KEYS; k = k->next) {
		if (k->kind == NODE_WILDCARD) {
			unsupported(t, k, "an array slice ('*')");
			return "NULL";
		}
		vals[n++] = gx(t, k);
	}
	/* a string temp is used once: it is the key itself, not copied */
	if (n == 1 && str_keyed(sym) && is_tmp_string(t, vals[0]))
		return vals[0];
	for (i = 0; i < t->nkeyed; i++)
		if (t->keyed[i] == sym)
			break;
	if (i == t->nkeyed) {
		t->keyed = realloc(t->keyed, (t->nkeyed + 1) * sizeof(*t->keyed));
		t->keyed[t->nkeyed++] = sym;
		fprintf(t->frame, "\tstruct g_%s_key k_%s;\n", sym->name, sym->name);
	}
	if (!str_keyed(sym))
		emit(t->e, "memset(&f->k_%s, 0, sizeof(f->k_%s));", sym->name, sym->name);
	for (i = 0; i < n; i++) {
		if (sym->keys[i] == TYPE_STRING)
			emit(t->e, "tapc_strcpy(f->k_%s.k%d, %s);", sym->name, i, vals[i]);
		else
			emit(t->e, "f->k_%s.k%d = %s;", sym->name, i, vals[i]);
	}
	return fmt("&f->k_%s", sym->name);
}

/* Pointer (C local) to an array element's value; creates the element when
 * create, else may be NULL. */
const char *elem_ptr(struct tx *t, struct node *index, bool create)
{
	struct symbol *sym = index->u.index.base->u.var.sym;
	const char *key = build_key(t, sym, index->u.index.keys);
	int n = t->ntmp++;

	fprintf(t->decls, "\t%s *p%d;\n", ctype_of(sym->type), n);
	if (create) {
		emit(t->e, "p%d = tapc_map_get%s(c, g_%s, %s, %s);", n, int_key_suffix(sym), sym->name, key,
		     loc_of(index));
		emit(t->e, "if (!p%d)", n);
		t->e->depth++;
		goto_err(t);
		t->e->depth--;
	} else {
		emit(t->e, "p%d = tapc_map_lookup%s(g_%s, %s);", n, int_key_suffix(sym), sym->name, key);
	}
	return fmt("p%d", n);
}

/* The C lvalue of a VAR or INDEX: for strings, the char buffer. */
const char *lvalue(struct tx *t, struct node *n)
{
	if (n->kind == NODE_VAR)
		return var_ref(t, n->u.var.sym);
	if (n->kind == NODE_INDEX && n->u.index.base->kind == NODE_VAR) {
		const char *p = elem_ptr(t, n, true);

		return n->type == TYPE_STRING ? p : fmt("(*%s)", p);
	}
	unsupported(t, n, "assigning to this expression");
	return "t_invalid";
}

/* ---- expressions ---- */

const char *gx_num(int64_t v)
{
	if (v == INT64_MIN)
		return "(-9223372036854775807LL - 1)";
	return fmt("%lldLL", (long long)v);
}

static const char *gx_divmod(struct tx *t, struct node *at, const char *a, const char *b, bool mod)
{
	const char *ta = tmp_long(t), *tb = tmp_long(t), *r = tmp_long(t);

	emit(t->e, "%s = %s;", ta, a);
	emit(t->e, "%s = %s;", tb, b);
	emit(t->e, "if (%s == 0) {", tb);
	emit(t->e, "tapc_error(c, \"division by 0\", %s);", loc_of(at));
	goto_err(t);
	emit(t->e, "}");
	/* INT64_MIN / -1 traps on x86 */
	if (mod)
		emit(t->e, "%s = %s == -1 ? 0 : %s %% %s;", r, tb, ta, tb);
	else
		emit(t->e, "%s = %s == -1 ? (int64_t)(0ULL - (uint64_t)%s) : %s / %s;", r, tb, ta, ta, tb);
	return r;
}

static const char *gx_arith(struct tx *t, struct node *at, enum binop op, const char *a, const char *b)
{
	switch (op) {
	case BIN_ADD: return fmt("(int64_t)((uint64_t)%s + (uint64_t)%s)", a, b);
	case BIN_SUB: return fmt("(int64_t)((uint64_t)%s - (uint64_t)%s)", a, b);
	case BIN_MUL: return fmt("(int64_t)((uint64_t)%s * (uint64_t)%s)", a, b);
	case BIN_DIV: return gx_divmod(t, at, a, b, false);
	case BIN_MOD: return gx_divmod(t, at, a, b, true);
	case BIN_SHL: return fmt("(int64_t)((uint64_t)%s << (%s & 63))", a, b);
	case BIN_SHR: return fmt("(%s >> (%s & 63))", a, b);
	case BIN_USHR: return fmt("(int64_t)((uint64_t)%s >> (%s & 63))", a, b);
	case BIN_AND: return fmt("(%s & %s)", a, b);
	case BIN_OR: return fmt("(%s | %s)", a, b);
	case BIN_XOR: return fmt("(%s ^ %s)", a, b);
	case BIN_CONCAT: case BIN_LT: case BIN_LE: case BIN_GT: case BIN_GE: case BIN_EQ:
	case BIN_NE:
		die("gx_arith: op %d", (int)op);
	}
	die("gx_arith: bad value %d", (int)(op));
}

static const char *cmp_text(enum binop op)
{
	switch (op) {
	case BIN_LT: return "<";
	case BIN_LE: return "<=";
	case BIN_GT: return ">";
	case BIN_GE: return ">=";
	case BIN_EQ: return "==";
	case BIN_NE: return "!=";
	case BIN_ADD: case BIN_SUB: case BIN_MUL: case BIN_DIV: case BIN_MOD: case BIN_SHL:
	case BIN_SHR: case BIN_USHR: case BIN_AND: case BIN_OR: case BIN_XOR: case BIN_CONCAT:
		die("cmp_text: op %d", (int)op);
	}
	die("cmp_text: bad value %d", (int)(op));
}

static const char *gx_binary(struct tx *t, struct node *n)
{
	const char *a = gx(t, n->u.bin.left);
	const char *b;
	enum binop op = n->u.bin.op;

	/* the left value must not change while the right side runs */
	if (!stable(n->u.bin.left) && !no_side_effects(n->u.bin.right)) {
		if (n->u.bin.left->type == TYPE_LONG) {
			const char *ta = tmp_long(t);

			emit(t->e, "%s = %s;", ta, a);
			a = ta;
		} else if (!is_tmp_string(t, a)) {
			const char *sa = tmp_string(t);

			emit(t->e, "tapc_strcpy(%s, %s);", sa, a);
			a = sa;
		}
	}
	b = gx(t, n->u.bin.right);
	if (op == BIN_CONCAT) {
		const char *r;

		/* a temp is used once: extend it in place */
		if (is_tmp_string(t, a)) {
			emit(t->e, "tapc_strcat(%s, %s);", a, b);
			return a;
		}
		r = tmp_string(t);
		emit(t->e, "tapc_strcpy(%s, %s);", r, a);
		emit(t->e, "tapc_strcat(%s, %s);", r, b);
		return r;
	}
	if (op >= BIN_LT) {
		if (n->u.bin.left->type == TYPE_STRING)
			return fmt("(int64_t)(strcmp(%s, %s) %s 0)", a, b, cmp_text(op));
		return fmt("(int64_t)(%s %s %s)", a, cmp_text(op), b);
	}
	return gx_arith(t, n, op, a, b);
}

static const char *gx_logical(struct tx *t, struct node *n)
{
	const char *r = tmp_long(t), *a = gx(t, n->u.logical.left), *b;

	if (n->u.logical.is_and) {
		emit(t->e, "%s = 0;", r);
		emit(t->e, "if (%s) {", a);
	} else {
		emit(t->e, "%s = 1;", r);
		emit(t->e, "if (!%s) {", a);
	}
	b = gx(t, n->u.logical.right);
	emit(t->e, "%s = %s != 0;", r, b);
	emit(t->e, "}");
	return r;
}

static const char *gx_ternary(struct tx *t, struct node *n)
{
	bool str = n->type == TYPE_STRING;
	const char *r = str ? tmp_string(t) : tmp_long(t);
	const char *cond = gx(t, n->u.ternary.cond), *v;

	emit(t->e, "if (%s) {", cond);
	v = gx(t, n->u.ternary.then);
	if (str)
		emit(t->e, "tapc_strcpy(%s, %s);", r, v);
	else
		emit(t->e, "%s = %s;", r, v);
	emit(t->e, "} else {");
	v = gx(t, n->u.ternary.els);
	if (str)
		emit(t->e, "tapc_strcpy(%s, %s);", r, v);
	else
		emit(t->e, "%s = %s;", r, v);
	emit(t->e, "}");
	return r;
}

static const char *subst(const char *tmpl, const char *dst, const char **args, const char *loc)
{
	char *out = "";
	const char *p;

	for (p = tmpl; *p; p++) {
		if (*p == '$' && p[1] == 'L') {
			out = fmt("%s%s", out, loc);
			p++;
		} else if (*p == '$' && p[1] >= '0' && p[1] <= '9') {
			int i = p[1] - '0';

			out = fmt("%s%s", out, i == 0 ? dst : args[i - 1]);
			p++;
		} else {
			out = fmt("%s%c", out, *p);
		}
	}
	return out;
}

static const char *gx_call(struct tx *t, struct node *n)
{
	struct symbol *sym = n->u.call.sym;
	const char *args[16], *r = NULL, *list = "";
	struct node *a;
	int i = 0;

	for (a = n->u.call.args; a && i < 16; a = a->next) {
		const char *v = gx(t, a);

		/* a later argument's call must not change an earlier one */
		if (a->type == TYPE_LONG && a->next && !stable(a) && v[0] != 't') {
			const char *tv = tmp_long(t);

			emit(t->e, "%s = %s;", tv, v);
			v = tv;
		}
		args[i++] = v;
	}
	if (sym->kind == SYM_BUILTIN) {
		const struct builtin *b = sym->builtin;

		switch (b->form) {
		case BUILTIN_PROBE_NAME:
			t->probe_names = true;
			return subst(b->tmpl, NULL, args, loc_of(n));
		case BUILTIN_EXPR:
			if (!strstr(b->tmpl, "$L"))
				return subst(b->tmpl, NULL, args, loc_of(n));
			/* a template that names its location can fail */
			r = tmp_long(t);
			emit(t->e, "%s = %s;", r, subst(b->tmpl, NULL, args, loc_of(n)));
			check_error(t);
			return r;
		case BUILTIN_STRING_INTO:
			r = tmp_string(t);
			emit(t->e, "%s;", subst(b->tmpl, r, args, loc_of(n)));
			if (strstr(b->tmpl, "$L"))
				check_error(t);
			return r;
		case BUILTIN_STMT:
			emit(t->e, "%s;", subst(b->tmpl, NULL, args, loc_of(n)));
			return "0";
		case BUILTIN_RAISE:
			emit(t->e, "%s;", subst(b->tmpl, NULL, args, loc_of(n)));
			goto_err(t);
			return "0";
		case BUILTIN_ABORT:
			/* the probe's handler clears it (tapc_abort_done) */
			t->aborts = true;
			emit(t->e, "%s;", subst(b->tmpl, NULL, args, loc_of(n)));
			goto_err(t);
			return "0";
		}
	}
	for (int j = 0; j < i; j++)
		list = fmt("%s, %s", list, args[j]);
	if (sym->type == TYPE_STRING) {
		r = tmp_string(t);
		emit(t->e, "%s(c, %s%s);", func_cname(sym->func), r, list);
	} else if (sym->type == TYPE_LONG) {
		r = tmp_long(t);
		emit(t->e, "%s = %s(c%s);", r, func_cname(sym->func), list);
	} else {
		emit(t->e, "%s(c%s);", func_cname(sym->func), list);
		r = "0";
	}
	if (embedded_may_fail(sym->func))
		check_error(t);
	return r;
}

/* One printf directive as a kernel vsnprintf directive with 64-bit args. */
static const char *kernel_directive(struct tx *t, struct node *at, const struct fmt_dir *d)
{
	const char *w = d->width == FMT_STAR ? "*" : d->width >= 0 ? fmt("%d", d->width) : "";
	const char *p = d->prec == FMT_STAR ? ".*" : d->prec >= 0 ? fmt(".%d", d->prec) : "";

	switch (d->conv) {
	case FMT_SIGNED: return fmt("%%%s%s%slld", d->flags, w, p);
	case FMT_UNSIGNED: return fmt("%%%s%s%sllu", d->flags, w, p);
	case FMT_OCTAL: return fmt("%%%s%s%sllo", d->flags, w, p);
	case FMT_HEX: return fmt("%%%s%s%sllx", d->flags, w, p);
	case FMT_HEX_UPPER: return fmt("%%%s%s%sllX", d->flags, w, p);
	case FMT_POINTER: return fmt("%%#%s%s%sllx", d->flags, w, p);	/* stap >= 1.3: %p is %#x */
	case FMT_CHAR: return fmt("%%%s%sc", d->flags, w);
	case FMT_STRING: return fmt("%%%s%s%ss", d->flags, w, p);
	case FMT_BINARY: unsupported(t, at, "%b"); return "";
	case FMT_MEMORY: unsupported(t, at, "%m/%M"); return "";
	case FMT_LITERAL: break;
	}
	return "";
}

static const char *escape_percent(const char *s, size_t len)
{
	char *out = arena_alloc(2 * len + 1), *o = out;
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '%')
			*o++ = '%';
		*o++ = s[i];
	}
	*o = 0;
	return out;
}

static const char *arg_cast(enum fmt_conv conv, const char *v)
{
	switch (conv) {
	case FMT_SIGNED: return fmt("(long long)%s", v);
	case FMT_CHAR: return fmt("(int)%s", v);
	case FMT_STRING: return v;
	case FMT_LITERAL: case FMT_UNSIGNED: case FMT_OCTAL: case FMT_HEX: case FMT_HEX_UPPER:
	case FMT_POINTER: case FMT_BINARY: case FMT_MEMORY:
		return fmt("(unsigned long long)%s", v);
	}
	die("arg_cast: bad value %d", (int)(conv));
}

/* printf/sprintf: returns the kernel format and fills the argument list. */
static void print_pending(struct tx *t, const char *kfmt, const char *list);

/* printf's %b (the value's low `width` bytes, raw) and %m / %M (precision
 * bytes of kernel memory at the address, raw / as hex): the text so far
 * goes out first, then the bytes. */
static void print_raw_directive(struct tx *t, struct node *at, const struct fmt_dir *d, struct node **ap)
{
	struct node *a = *ap;
	const char *len = NULL, *v, *buf;

	if (d->width == FMT_STAR && a)
		a = a->next;		/* a width means nothing for raw bytes */
	if (d->conv == FMT_MEMORY) {
		if (d->prec == FMT_STAR && a) {
			const char *tl = tmp_long(t);

			emit(t->e, "%s = %s;", tl, gx(t, a));
			len = tl;
			a = a->next;
		} else {
			len = d->prec >= 0 ? fmt("%d", d->prec) : "1";
		}
	}
	if (!a) {
		*ap = NULL;
		return;
	}
	v = gx(t, a);
	*ap = a->next;
	buf = tmp_string(t);
	if (d->conv == FMT_BINARY) {
		int w = d->width == 1 || d->width == 2 || d->width == 4 ? d->width : 8;

		emit(t->e, "tapc_sprint_bin(%s, %s, %d);", buf, v, w);
		emit(t->e, "tapc_print_bytes(c, %s, %d);", buf, w);
		return;
	}
	if (strchr(d->flags, '#')) {
		unsupported(t, at, "%m/%M of user memory ('#')");
		return;
	}
	{
		const char *tl = tmp_long(t), *i = tmp_long(t);

		emit(t->e, "%s = %s;", tl, len);
		emit(t->e, "if (%s < 0 || %s > MAXSTRINGLEN)", tl, tl);
		emit(t->e, "\t%s = MAXSTRINGLEN;", tl);
		emit(t->e, "if (!tapc_kread(c, %s, (unsigned long)%s, %s, %s))", buf, v, tl, loc_of(at));
		t->e->depth++;
		goto_err(t);
		t->e->depth--;
		if (d->hex) {
			emit(t->e, "/* bounded scan: at most MAXSTRINGLEN bytes */");
			emit(t->e, "for (%s = 0; %s < %s; %s++) tapc_printf(c, \"%%02x\", (unsigned char)%s[%s]);",
			     i, i, tl, i, buf, i);
		} else {
			emit(t->e, "tapc_print_bytes(c, %s, %s);", buf, tl);
		}
	}
}

static const char *lower_printf(struct tx *t, struct node *n, const char **arglist)
{
	const char *err = NULL, *kfmt = "", *list = "";
	struct fmt_dir *dirs = fmt_parse(n->u.print.fmt->u.str.value, n->u.print.fmt->u.str.len, &err);
	struct node *a = n->u.print.args;
	struct fmt_dir *d;

	if (!dirs)
		die("lower_printf: format accepted by pass 2: %s", err);
	for (d = dirs; d; d = d->next) {
		if (d->conv == FMT_LITERAL) {
			kfmt = fmt("%s%s", kfmt, escape_percent(d->text, d->len));
			continue;
		}
		if ((d->conv == FMT_BINARY || d->conv == FMT_MEMORY) &&
		    n->u.print.which == PRINT_PRINTF) {
			if (*kfmt)
				print_pending(t, kfmt, list);
			kfmt = list = "";
			print_raw_directive(t, n, d, &a);
			continue;
		}
		kfmt = fmt("%s%s", kfmt, kernel_directive(t, n, d));
		if (d->width == FMT_STAR && a) {
			list = fmt("%s, (int)%s", list, gx(t, a));
			a = a->next;
		}
		if (d->prec == FMT_STAR && a) {
			list = fmt("%s, (int)%s", list, gx(t, a));
			a = a->next;
		}
		if (a) {
			list = fmt("%s, %s", list, arg_cast(d->conv, gx(t, a)));
			a = a->next;
		}
	}
	*arglist = list;
	return kfmt;	/* raw: the caller quotes it */
}

/* Print what a print() has gathered so far (kfmt is raw). */
static void print_pending(struct tx *t, const char *kfmt, const char *list)
{
	kfmt = cstr(kfmt);
	if (!*list && !strchr(kfmt, '%'))
		emit(t->e, "tapc_print_str(c, %s);", kfmt);
	else
		emit(t->e, "tapc_printf(c, %s%s);", kfmt, list);
}

static const char *gx_print(struct tx *t, struct node *n)
{
	enum print_kind k = n->u.print.which;
	const char *kfmt = "", *list = "", *delim = NULL, *r = NULL;
	bool to_str = k == PRINT_SPRINT || k == PRINT_SPRINTLN || k == PRINT_SPRINTF ||
		      k == PRINT_SPRINTD || k == PRINT_SPRINTDLN;
	bool ln = k == PRINT_PRINTLN || k == PRINT_SPRINTLN || k == PRINT_PRINTDLN ||
		  k == PRINT_SPRINTDLN;
	struct node *a;

	if (k == PRINT_PRINT_CHAR) {
		emit(t->e, "tapc_print_char(c, (int)%s);", gx(t, n->u.print.args));
		return "0";
	}
	if (k == PRINT_PRINTF || k == PRINT_SPRINTF) {
		kfmt = lower_printf(t, n, &list);
	} else {
		if (k == PRINT_PRINTD || k == PRINT_PRINTDLN || k == PRINT_SPRINTD || k == PRINT_SPRINTDLN) {
			if (n->u.print.fmt->kind != NODE_STR) {
				unsupported(t, n->u.print.fmt, "a delimiter that is not a literal string");
				return "0";
			}
			delim = escape_percent(n->u.print.fmt->u.str.value, n->u.print.fmt->u.str.len);
		}
		for (a = n->u.print.args; a; a = a->next) {
			const char *v;

			if (a != n->u.print.args && delim)
				kfmt = fmt("%s%s", kfmt, delim);
			if (a->kind == NODE_STR && !memchr(a->u.str.value, 0, a->u.str.len)) {
				kfmt = fmt("%s%s", kfmt, escape_percent(a->u.str.value, a->u.str.len));
				continue;
			}
			if (a->kind == NODE_HIST) {
				struct symbol *hs = stat_sym(a->u.hist.operand);
				const char *d;

				if (to_str || !hs) {
					unsupported(t, a, "a histogram in sprint");
					continue;
				}
				if (*kfmt)
					print_pending(t, kfmt, list);
				kfmt = list = "";
				d = stat_data(t, a->u.hist.operand);
				emit(t->e, "tapc_stat_print_hist(c, %s, &g_%s_shape);", d, hs->name);
				continue;
			}
			v = gx(t, a);
			if (a->type == TYPE_STRING) {
				kfmt = fmt("%s%%s", kfmt);
				list = fmt("%s, %s", list, v);
			} else if (a->type == TYPE_LONG) {
				kfmt = fmt("%s%%lld", kfmt);
				list = fmt("%s, (long long)%s", list, v);
			} else {
				unsupported(t, a, "printing this value");
			}
		}
	}
	if (ln)
		kfmt = fmt("%s\n", kfmt);
	if (!*kfmt)
		return to_str ? "\"\"" : "0";
	kfmt = cstr(kfmt);
	if (to_str) {
		r = tmp_string(t);
		if (!*list && !strchr(kfmt, '%'))
			emit(t->e, "tapc_strcpy(%s, %s);", r, kfmt);
		else
			emit(t->e, "tapc_sprintf(%s, %s%s);", r, kfmt, list);
		return r;
	}
	if (!*list && !strchr(kfmt, '%'))
		emit(t->e, "tapc_print_str(c, %s);", kfmt);
	else
		emit(t->e, "tapc_printf(c, %s%s);", kfmt, list);
	return "0";
}

static const char *assign_op_c(enum assignop op)
{
	switch (op) {
	case ASSIGN_ADD: return "+";
	case ASSIGN_SUB: return "-";
	case ASSIGN_MUL: return "*";
	case ASSIGN_AND: return "&";
	case ASSIGN_OR: return "|";
	case ASSIGN_XOR: return "^";
	case ASSIGN_SET: case ASSIGN_DIV: case ASSIGN_MOD: case ASSIGN_SHL: case ASSIGN_SHR:
	case ASSIGN_CONCAT: case ASSIGN_AGG:
		return NULL;
	}
	die("assign_op_c: bad value %d", (int)(op));
}

static enum binop assign_binop(enum assignop op)
{
	switch (op) {
	case ASSIGN_ADD: return BIN_ADD;
	case ASSIGN_SUB: return BIN_SUB;
	case ASSIGN_MUL: return BIN_MUL;
	case ASSIGN_DIV: return BIN_DIV;
	case ASSIGN_MOD: return BIN_MOD;
	case ASSIGN_SHL: return BIN_SHL;
	case ASSIGN_SHR: return BIN_SHR;
	case ASSIGN_AND: return BIN_AND;
	case ASSIGN_OR: return BIN_OR;
	case ASSIGN_XOR: return BIN_XOR;
	case ASSIGN_SET: case ASSIGN_CONCAT: case ASSIGN_AGG: die("assign_binop: %d", (int)op);
	}
	die("assign_binop: bad value %d", (int)(op));
}

/* n op= v on a per-CPU counter (translate_counters.c says which ops can
 * occur where): ordinary probes only add, and their value is unused. */
static const char *gx_counter_assign(struct tx *t, struct node *n, const char *v)
{
	const char *name = n->u.assign.left->u.var.sym->name, *r;
	enum assignop op = n->u.assign.op;

	if (!t->in_simple) {
		if (op != ASSIGN_ADD && op != ASSIGN_SUB)
			die("translate: '%s' assigned in a probe but taken for a counter", name);
		if (op == ASSIGN_SUB)
			v = fmt("(int64_t)-(uint64_t)(%s)", v);
		emit(t->e, "tapc_pcount_add(&g_%s, %s);", name, v);
		return "0";
	}
	r = tmp_long(t);
	if (op == ASSIGN_SET)
		emit(t->e, "%s = %s;", r, v);
	else
		emit(t->e, "%s = (int64_t)((uint64_t)tapc_pcount_read(&g_%s) %s (uint64_t)(%s));", r, name,
		     op == ASSIGN_SUB ? "-" : "+", v);
	emit(t->e, "tapc_pcount_set(&g_%s, %s);", name, r);
	return r;
}

static const char *gx_assign(struct tx *t, struct node *n)
{
	struct node *left = n->u.assign.left;
	enum assignop op = n->u.assign.op;
	const char *v, *l;

	if (op == ASSIGN_AGG)
		return gx_aggregate(t, n);
	if (left->kind == NODE_TARGET) {
		/* the provider said how to store into it (guru mode, or its
		 * own output like procfs's $value), and maybe how to append */
		const struct recipe *store = op == ASSIGN_CONCAT ? left->u.target.append :
			op == ASSIGN_SET ? left->u.target.store : NULL;

		if (!store || !recipe_uses(store, RECIPE_VALUE, 0)) {
			unsupported(t, n, "this assignment to a target variable");
			return "0";
		}
		v = gx(t, n->u.assign.right);
		emit(t->e, "%s;", recipe_render(store, &(struct recipe_operands){ .value = fmt("(%s)", v) }));
		if (store->may_fail)
			check_error(t);
		return v;
	}
	v = gx(t, n->u.assign.right);
	if (left->kind == NODE_VAR && is_counter(t, left->u.var.sym))
		return gx_counter_assign(t, n, v);
	if (left->type == TYPE_STRING) {
		l = lvalue(t, left);
		if (strcmp(l, v) != 0)
			emit(t->e, "%s(%s, %s);", op == ASSIGN_CONCAT ? "tapc_strcat" : "tapc_strcpy", l, v);
		return l;
	}
	/* building the left side's key may run code that changes v */
	if (left->kind == NODE_INDEX && !stable(n->u.assign.right) && v[0] != 't') {
		const char *tv = tmp_long(t);

		emit(t->e, "%s = %s;", tv, v);
		v = tv;
	}
	l = lvalue(t, left);
	if (op == ASSIGN_SET) {
		emit(t->e, "%s = %s;", l, v);
	} else if (assign_op_c(op) && op != ASSIGN_ADD && op != ASSIGN_SUB && op != ASSIGN_MUL) {
		emit(t->e, "%s %s= %s;", l, assign_op_c(op), v);
	} else {
		emit(t->e, "%s = %s;", l, gx_arith(t, n, assign_binop(op), l, v));
	}
	return l;
}

static const char *gx_incdec(struct tx *t, struct node *n)
{
	struct node *x = n->u.incdec.operand;
	const char *l, *r, *op = n->u.incdec.inc ? "+" : "-";

	if (x->kind == NODE_VAR && is_counter(t, x->u.var.sym)) {
		if (!t->in_simple) {	/* a statement: the value is unused */
			emit(t->e, "tapc_pcount_add(&g_%s, %s1);", x->u.var.sym->name, n->u.incdec.inc ? "" : "-");
			return "0";
		}
		l = fmt("tapc_pcount_read(&g_%s)", x->u.var.sym->name);
		r = tmp_long(t);
		if (n->u.incdec.prefix) {
			emit(t->e, "%s = (int64_t)((uint64_t)%s %s 1);", r, l, op);
			emit(t->e, "tapc_pcount_set(&g_%s, %s);", x->u.var.sym->name, r);
		} else {
			emit(t->e, "%s = %s;", r, l);
			emit(t->e, "tapc_pcount_set(&g_%s, (int64_t)((uint64_t)%s %s 1));", x->u.var.sym->name, r, op);
		}
		return r;
	}
	l = lvalue(t, x);
	r = tmp_long(t);

	if (n->u.incdec.prefix) {
		emit(t->e, "%s = (int64_t)((uint64_t)%s %s 1);", l, l, op);
		emit(t->e, "%s = %s;", r, l);
	} else {
		emit(t->e, "%s = %s;", r, l);
		emit(t->e, "%s = (int64_t)((uint64_t)%s %s 1);", l, r, op);
	}
	return r;
}

static const char *gx_index(struct tx *t, struct node *n)
{
	const char *p;

	if (n->u.index.base->kind == NODE_HIST)
		return gx_hist_bucket(t, n);
	if (n->u.index.base->kind != NODE_VAR) {
		unsupported(t, n, "indexing this expression");
		return "0";
	}
	p = elem_ptr(t, n, false);
	if (n->type == TYPE_STRING)
		return fmt("(%s ? %s : \"\")", p, p);
	return fmt("(%s ? *%s : 0)", p, p);
}

static const char *gx_in(struct tx *t, struct node *n)
{
	struct symbol *sym;
	const char *key, *r;

	if (n->u.index.base->kind != NODE_VAR) {
		unsupported(t, n, "'in' on a histogram");
		return "0";
	}
	sym = n->u.index.base->u.var.sym;
	if (has_wildcard(n->u.index.keys) && sym->type != TYPE_STATS) {
		const char *vals[MAX_ARRAY_KEYS] = { 0 };
		int it;

		r = tmp_long(t);
		it = t->ntmp++;
		slice_values(t, sym, n->u.index.keys, vals);
		fprintf(t->decls, "\tvoid *it%d;\n", it);
		emit(t->e, "%s = 0;", r);
		emit(t->e, "/* bounded scan: one round per entry of the map */");
		emit(t->e, "for (it%d = tapc_map_next(g_%s, NULL); it%d; it%d = tapc_map_next(g_%s, it%d)) {",
		     it, sym->name, it, it, sym->name, it);
		emit(t->e, "if (%s) {", slice_match(sym, vals, fmt("((const struct g_%s_key *)tapc_map_key(g_%s, it%d))",
								  sym->name, sym->name, it)));
		emit(t->e, "%s = 1;", r);
		emit(t->e, "break;");
		emit(t->e, "}");
		emit(t->e, "}");
		return r;
	}
	/* into a temp now: another `in` or index of the same array later in
	 * the same expression refills the array's one key temp */
	key = build_key(t, sym, n->u.index.keys);
	r = tmp_long(t);
	if (sym->type == TYPE_STATS)
		emit(t->e, "%s = tapc_stat_map_exists(g_%s, %s);", r, sym->name, key);
	else
		emit(t->e, "%s = tapc_map_lookup%s(g_%s, %s) != NULL;", r, int_key_suffix(sym), sym->name, key);
	return r;
}

/* An @entry(expr) slot of the kretprobe's per-call data. */
static const char *entry_slot_read(struct tx *t, struct node *n)
{
	const char *at = n->u.wrap.slot, *dst;

	if (n->type != TYPE_STRING)
		return fmt("(*(int64_t *)%s)", at);
	dst = tmp_string(t);
	emit(t->e, "tapc_strcpy(%s, %s);", dst, at);
	return dst;
}

const char *gx(struct tx *t, struct node *n)
{
	switch (n->kind) {
	case NODE_NUM: return gx_num(n->u.num.value);
	case NODE_STR: {
		char *q = c_string(n->u.str.value, n->u.str.len), *a = arena_strdup(q);

		free(q);
		return a;
	}
	case NODE_VAR:
		if (is_counter(t, n->u.var.sym))
			return fmt("tapc_pcount_read(&g_%s)", n->u.var.sym->name);
		return var_ref(t, n->u.var.sym);
	case NODE_INDEX: return gx_index(t, n);
	case NODE_IN: return gx_in(t, n);
	case NODE_CALL: return gx_call(t, n);
	case NODE_PRINT: return gx_print(t, n);
	case NODE_BINARY: return gx_binary(t, n);
	case NODE_LOGICAL: return gx_logical(t, n);
	case NODE_UNARY: {
		const char *v = gx(t, n->u.un.operand);

		switch (n->u.un.op) {
		case UN_NEG: return fmt("(int64_t)(0ULL - (uint64_t)%s)", v);
		case UN_NOT: return fmt("(int64_t)!%s", v);
		case UN_BITNOT: return fmt("(~%s)", v);
		case UN_PLUS: return v;
		case UN_ADDR:
			/* the target's fetch ends in STEP_ADDR: v is the address */
			if (n->u.un.operand->kind == NODE_TARGET)
				return v;
			unsupported(t, n, "'&' of this expression");
			return "0";
		}
		return "0";
	}
	case NODE_INCDEC: return gx_incdec(t, n);
	case NODE_ASSIGN: return gx_assign(t, n);
	case NODE_TERNARY: return gx_ternary(t, n);
	case NODE_TARGET:
		if (!n->u.target.resolved)
			die("unresolved target %s", n->u.target.name);
		return gx_target(t, n);
	case NODE_REGEX:
		return fmt("(int64_t)(%s%s(%s))", n->u.regex.negate ? "!" : "",
			   regex_emit(t->helpers, t->nhelpers++, n->u.regex.pattern),
			   gx(t, n->u.regex.left));
	case NODE_STAT_OP: return gx_stat_op(t, n);
	case NODE_HIST: unsupported(t, n, "a histogram outside print or [index]"); return "0";
	case NODE_DEFINED: unsupported(t, n, "@defined"); return "0";
	case NODE_ENTRY:
		if (n->u.wrap.slot)	/* saved by the probe's entry function */
			return entry_slot_read(t, n);
		return gx(t, n->u.wrap.operand);	/* the provider made it read the saved value */
	case NODE_EMBEDDED_EXPR:	/* guru; a string pragma makes it a string */
		return fmt(n->type == TYPE_STRING ? "((const char *)(%s))" : "((int64_t)(%s))",
			   n->u.embedded.code);
	case NODE_WILDCARD: unsupported(t, n, "'*' here"); return "0";
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_BLOCK: case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_WHILE:
	case NODE_FOR: case NODE_FOREACH: case NODE_RETURN: case NODE_DELETE: case NODE_BREAK:
	case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY: case NODE_KIND_COUNT:
		die("gx: unexpected %s", node_kind_names[n->kind]);
	}
	die("gx: bad node kind %d", (int)n->kind);
}

/* A target variable's recipe, its operands filled in: @cast's operand,
 * then the computed [index]es in step order, each evaluated once.  An
 * expression that may fail a nofault read (c->last_error set) goes
 * through a temp and an error check; a string recipe writes a temp. */
const char *gx_target(struct tx *t, struct node *n)
{
	const struct recipe *rc = n->u.target.resolved;
	struct recipe_operands ops = { 0 };
	const struct target_step *st;
	const char **index, *v, *r;
	int i, nsteps = 0;

	for (st = n->u.target.steps; st; st = st->next)
		nsteps++;
	index = arena_alloc((nsteps + 1) * sizeof(*index));
	if (n->u.target.cast_expr && recipe_uses(rc, RECIPE_CAST, 0))
		ops.cast = fmt("(%s)", gx(t, n->u.target.cast_expr));
	for (st = n->u.target.steps, i = 0; st; st = st->next, i++) {
		if (st->kind != STEP_INDEX || !recipe_uses(rc, RECIPE_INDEX, i))
			continue;
		v = gx(t, st->index);
		index[i] = tmp_long(t);
		emit(t->e, "%s = %s;", index[i], v);
	}
	ops.index = index;
	ops.nindex = nsteps;
	if (rc->string) {
		ops.dst = tmp_string(t);
		emit(t->e, "%s;", recipe_render(rc, &ops));
		check_error(t);
		return ops.dst;
	}
	v = recipe_render(rc, &ops);
	if (!rc->may_fail)
		return v;
	r = tmp_long(t);
	emit(t->e, "%s = %s;", r, v);
	check_error(t);
	return r;
}

/* ---- statements ---- */

static void gs_list(struct tx *t, struct node *n)
{
	for (; n; n = n->next)
		gs(t, n);
}

/* Charge n statements at `at`: counted at run time, or in a body with a
 * static bound only checked against MAXACTION by the C compiler. */
static void emit_actions(struct tx *t, int n, const struct node *at)
{
	t->out_used = true;
	if (t->action_bound >= 0)
		emit(t->e, "if (tapc_actions_upto(c, %ld, %d, %s))", t->action_bound, n, loc_of(at));
	else
		emit(t->e, "if (tapc_actions(c, %d, %s))", n, loc_of(at));
	emit(t->e, "\tgoto out;");
}

void gs_block(struct tx *t, struct node *n)
{
	int count = node_count(n->u.block.stmts);

	if (count)
		emit_actions(t, count, n);
	gs_list(t, n->u.block.stmts);
}

/* A loop's body, where `continue` jumps to contLABEL at its end (the
 * label only when something jumps there: the kernel warns about unused
 * labels).  Every round is charged at least one action, an empty body
 * too: a loop the budget does not see spins for good in probe context,
 * where nothing else can stop it. */
void gs_loop_body(struct tx *t, struct node *body, int label)
{
	if (t->nloops == 64)
		die("loops nested too deep");
	t->loop_cont[t->nloops] = label;
	t->loop_cont_used[t->nloops++] = false;
	if (body->kind == NODE_BLOCK && !body->u.block.stmts)
		emit_actions(t, 1, body);
	else
		gs_body(t, body);
	if (t->loop_cont_used[--t->nloops]) {
		emit(t->e, "cont%d:", label);
		emit(t->e, ";");
	}
}

void gs_body(struct tx *t, struct node *body)
{
	if (body && body->kind == NODE_BLOCK) {
		gs_block(t, body);
	} else {
		emit_actions(t, 1, body);
		gs(t, body);
	}
}

/* for (init; cond; step): init and step may be bare expressions. */
static void gs_or_expr(struct tx *t, struct node *n)
{
	if (n->kind >= NODE_NUM)
		(void)gx(t, n);
	else
		gs(t, n);
}

static void gs_loop(struct tx *t, struct node *n)
{
	int label = t->ntmp++;

	if (n->u.loop.init)
		gs_or_expr(t, n->u.loop.init);
	emit(t->e, "for (;;) {");
	if (n->u.loop.cond) {
		const char *c = gx(t, n->u.loop.cond);

		emit(t->e, "if (!%s)", c);
		emit(t->e, "\tbreak;");
	}
	gs_loop_body(t, n->u.loop.body, label);
	if (n->u.loop.step)
		gs_or_expr(t, n->u.loop.step);
	emit(t->e, "}");
}

static void gs_delete(struct tx *t, struct node *n)
{
	struct node *target = n->u.del.target;
	struct symbol *sym;

	if (target->kind == NODE_VAR) {
		sym = target->u.var.sym;
		if (sym->type == TYPE_STATS)
			emit(t->e, "%s(g_%s);", sym->arity > 0 ? "tapc_stat_map_clear" : "tapc_stat_clear",
			     sym->name);
		else if (sym->arity > 0)
			emit(t->e, "tapc_map_clear(g_%s);", sym->name);
		else if (sym->type == TYPE_STRING)
			emit(t->e, "%s[0] = '\\0';", var_ref(t, sym));
		else
			emit(t->e, "%s = 0;", var_ref(t, sym));
		return;
	}
	if (target->kind == NODE_INDEX && target->u.index.base->kind == NODE_VAR) {
		const char *key;

		sym = target->u.index.base->u.var.sym;
		if (has_wildcard(target->u.index.keys) && sym->type != TYPE_STATS) {
			const char *vals[MAX_ARRAY_KEYS] = { 0 };
			int it = t->ntmp++;

			slice_values(t, sym, target->u.index.keys, vals);
			fprintf(t->decls, "\tvoid *it%d, *nx%d;\n", it, it);
			emit(t->e, "/* bounded scan: one round per entry of the map */");
			emit(t->e, "for (it%d = tapc_map_next(g_%s, NULL); it%d; it%d = nx%d) {", it, sym->name, it, it, it);
			emit(t->e, "nx%d = tapc_map_next(g_%s, it%d);", it, sym->name, it);
			emit(t->e, "if (%s)", slice_match(sym, vals, fmt("((const struct g_%s_key *)tapc_map_key(g_%s, it%d))",
									sym->name, sym->name, it)));
			emit(t->e, "\ttapc_map_delete(g_%s, tapc_map_key(g_%s, it%d));", sym->name, sym->name, it);
			emit(t->e, "}");
			return;
		}
		key = build_key(t, sym, target->u.index.keys);
		emit(t->e, "%s%s(g_%s, %s);", sym->type == TYPE_STATS ? "tapc_stat_map_delete" : "tapc_map_delete",
		     int_key_suffix(sym), sym->name, key);
		return;
	}
	unsupported(t, n, "this delete");
}

static void gs_return(struct tx *t, struct node *n)
{
	if (n->u.expr.expr) {
		const char *v = gx(t, n->u.expr.expr);

		if (t->func->sym->type == TYPE_STRING)
			emit(t->e, "tapc_strcpy(ret, %s);", v);
		else
			emit(t->e, "ret = %s;", v);
	}
	goto_out(t);
}

/* try { body } catch (msg) { handler }: errors in body (and in what it
 * calls) jump to the catch label instead of out; the handler sees the
 * message and the error is cleared.  MAXACTION still ends the probe: its
 * checks jump to out, and a catch passes on a MAXACTION error raised in a
 * called function. */
static void gs_try(struct tx *t, struct node *n)
{
	const char *save_label = t->err_label;
	bool save_used = t->err_used, caught;
	int label = t->ntmp++;
	struct node *var = n->u.try_.catch_var;

	t->err_label = fmt("catch%d", label);
	t->err_used = false;
	emit(t->e, "{");
	gs(t, n->u.try_.body);
	emit(t->e, "}");
	caught = t->err_used;
	t->err_label = save_label;
	t->err_used = save_used;
	/* with no error source in the body the handler can never run */
	if (!caught)
		return;
	emit(t->e, "goto done%d;", label);
	emit(t->e, "catch%d:", label);
	/* MAXACTION is not catchable (as in SystemTap): the budget stays
	 * spent, so leave the probe or function with the error still set.
	 * A body that can't run more than MAXACTION statements has no budget
	 * of its own (probe_N_budget): actions_left is what an earlier hit
	 * on this CPU left, so it must not be read there. */
	if (t->action_bound >= 0)
		emit(t->e, "if (%ld > MAXACTION && c->actions_left < 0)", t->action_bound);
	else
		emit(t->e, "if (c->actions_left < 0)");
	t->e->depth++;
	goto_out(t);
	t->e->depth--;
	if (var)
		emit(t->e, "tapc_strcpy(%s, c->last_error);", var_ref(t, var->u.var.sym));
	emit(t->e, "c->last_error = NULL;");
	if (n->u.try_.handler)
		gs(t, n->u.try_.handler);
	emit(t->e, "done%d:", label);
	emit(t->e, ";");
}

void gs(struct tx *t, struct node *n)
{
	switch (n->kind) {
	case NODE_BLOCK:
		emit(t->e, "{");
		gs_block(t, n);
		emit(t->e, "}");
		break;
	case NODE_NULLSTMT:
		break;
	case NODE_EXPRSTMT: {
		struct node *x = n->u.expr.expr;
		const char *v = gx(t, x);

		/* values with side effects were emitted as statements */
		(void)v;
		break;
	}
	case NODE_IF: {
		const char *c = gx(t, n->u.if_.cond);

		emit(t->e, "if (%s) {", c);
		gs(t, n->u.if_.then);
		if (n->u.if_.els) {
			emit(t->e, "} else {");
			gs(t, n->u.if_.els);
		}
		emit(t->e, "}");
		break;
	}
	case NODE_WHILE:
	case NODE_FOR:
		gs_loop(t, n);
		break;
	case NODE_FOREACH:
		gs_foreach(t, n);
		break;
	case NODE_RETURN:
		gs_return(t, n);
		break;
	case NODE_DELETE:
		gs_delete(t, n);
		break;
	case NODE_BREAK:
		emit(t->e, "break;");
		break;
	case NODE_CONTINUE:
		emit(t->e, "goto cont%d;", t->loop_cont[t->nloops - 1]);
		t->loop_cont_used[t->nloops - 1] = true;
		break;
	case NODE_NEXT:
		if (t->func)
			unsupported(t, n, "'next' in a function");
		goto_out(t);
		break;
	case NODE_TRY:
		gs_try(t, n);
		break;
	case NODE_EMBEDDED:
		unsupported(t, n, "embedded C");
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM: case NODE_NUM: case NODE_STR:
	case NODE_VAR: case NODE_INDEX: case NODE_CALL: case NODE_PRINT: case NODE_BINARY:
	case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC: case NODE_ASSIGN:
	case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP: case NODE_HIST:
	case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY: case NODE_EMBEDDED_EXPR:
	case NODE_WILDCARD: case NODE_KIND_COUNT:
		die("gs: unexpected %s", node_kind_names[n->kind]);
	}
}

/* ---- globals ---- */

static void emit_globals(struct tx *t, struct emitter *out)
{
	struct symbol *g;

	for (g = t->p->globals; g; g = g->next) {
		struct node *init = g->decl ? g->decl->u.global.init : NULL;

		if (g->type == TYPE_STATS) {
			if (g->arity > 0) {
				int k;

				emit(out, "struct g_%s_key {", g->name);
				for (k = 0; k < g->arity; k++)
					emit(out, "%s k%d%s;", ctype_of(g->keys[k]), k,
					     g->keys[k] == TYPE_STRING ? "[MAXSTRINGLEN]" : "");
				emit(out, "};");
			}
			emit(out, "static struct %s *g_%s;", g->arity > 0 ? "tapc_stat_map" : "tapc_stat", g->name);
			emit_shape(t, out, g);
		} else if (g->arity > 0) {
			int k;

			emit(out, "struct g_%s_key {", g->name);
			for (k = 0; k < g->arity; k++)
				emit(out, "%s k%d%s;", ctype_of(g->keys[k]), k,
				     g->keys[k] == TYPE_STRING ? "[MAXSTRINGLEN]" : "");
			emit(out, "};");
			emit(out, "static struct tapc_map *g_%s;", g->name);
		} else if (g->type == TYPE_STRING) {
			emit(out, "static char g_%s[MAXSTRINGLEN]%s%s;", g->name, init ? " = " : "",
			     init ? gx(t, init) : "");
		} else if (is_counter(t, g)) {
			emit(out, "static DEFINE_PER_CPU(int64_t, g_%s);", g->name);
			emit(out, "%s", "");
			continue;
		} else {
			emit(out, "static int64_t g_%s%s%s;", g->name, init ? " = " : "",
			     init ? gx(t, init) : "");
		}
		emit(out, "static struct tapc_lock g_%s_lock = TAPC_LOCK_INIT(g_%s_lock, \"%s\");",
		     g->name, g->name, g->name);
		emit(out, "%s", "");
	}
}

/* Globals allocated at load: maps and statistics. */
static bool allocated(const struct symbol *g)
{
	return g->arity > 0 || g->type == TYPE_STATS;
}

static const char *free_fn(const struct symbol *g)
{
	if (g->type != TYPE_STATS)
		return "tapc_map_free";
	return g->arity > 0 ? "tapc_stat_map_free" : "tapc_stat_free";
}

static bool has_maps(const struct rprogram *p)
{
	const struct symbol *g;

	for (g = p->globals; g; g = g->next)
		if (allocated(g))
			return true;
	return false;
}

static void emit_globals_init(struct tx *t, struct emitter *out)
{
	const struct symbol *g, *h, **done;
	int n = 0, i, nsort;

	if (!has_maps(t->p))
		return;
	emit(out, "static int tapc_globals_init(void)");
	emit(out, "{");
	for (g = t->p->globals; g; g = g->next) {
		long long size = g->decl ? g->decl->u.global.size : 0;

		if (!allocated(g))
			continue;
		if (g->type == TYPE_STATS && g->arity > 0)
			emit(out, "g_%s = tapc_stat_map_alloc(%s, %s, %s, &g_%s_shape, \"%s\");",
			     g->name, str_keyed(g) ? "0" : fmt("sizeof(struct g_%s_key)", g->name), size ? fmt("%lld", size) : "MAXMAPENTRIES",
			     g->decl && g->decl->u.global.wrap ? "true" : "false", g->name, g->name);
		else if (g->type == TYPE_STATS)
			emit(out, "g_%s = tapc_stat_alloc(&g_%s_shape, \"%s\");", g->name, g->name, g->name);
		else if (str_keyed(g))
			emit(out, "g_%s = tapc_map_alloc_str(%s, %s, %s, \"%s\");",
			     g->name, g->type == TYPE_STRING ? "MAXSTRINGLEN" : "sizeof(int64_t)",
			     size ? fmt("%lld", size) : "MAXMAPENTRIES",
			     g->decl && g->decl->u.global.wrap ? "true" : "false", g->name);
		else
			emit(out, "g_%s = tapc_map_alloc(sizeof(struct g_%s_key), %s, %s, %s, \"%s\");",
			     g->name, g->name, g->type == TYPE_STRING ? "MAXSTRINGLEN" : "sizeof(int64_t)",
			     size ? fmt("%lld", size) : "MAXMAPENTRIES",
			     g->decl && g->decl->u.global.wrap ? "true" : "false", g->name);
		nsort = t->nsorted[g->index];
		if (nsort)	/* a failure here frees the map, then unwinds as its own */
			emit(out, "if (g_%s && !%s(g_%s, %d)) { %s(g_%s); g_%s = NULL; }", g->name,
			     g->type == TYPE_STATS ? "tapc_stat_map_sort_bufs" : "tapc_map_sort_bufs",
			     g->name, nsort, free_fn(g), g->name, g->name);
		emit(out, "if (!g_%s)", g->name);
		emit(out, "\tgoto fail%d;", n++);
	}
	emit(out, "return 0;");
	/* unwind: free what was allocated before the failing map */
	done = calloc(n + 1, sizeof(*done));
	if (!done)
		die("out of memory");
	for (h = t->p->globals, i = 0; h; h = h->next)
		if (allocated(h))
			done[i++] = h;
	for (i = n - 1; i >= 0; i--) {
		emit(out, "fail%d:", i);
		if (i > 0)
			emit(out, "%s(g_%s);", free_fn(done[i - 1]), done[i - 1]->name);
	}
	free(done);
	emit(out, "return -ENOMEM;");
	emit(out, "}");
	emit(out, "%s", "");
	emit(out, "static void tapc_globals_free(void)");
	emit(out, "{");
	for (g = t->p->globals; g; g = g->next)
		if (allocated(g))
			emit(out, "%s(g_%s);", free_fn(g), g->name);
	emit(out, "}");
	emit(out, "%s", "");
}

static const char *script_basename(const struct session *s)
{
	const char *slash = strrchr(s->script_name, '/');

	return slash ? slash + 1 : s->script_name;
}

/* The groups of sites the runtime arms, one per family with a runtime
 * provider and sites, in the families' order; their count. */
static int emit_site_groups(struct emitter *out, const struct rprogram *p)
{
	const struct provider_ops *const *fam;
	int n = 0;

	for (fam = provider_families(); *fam; fam++) {
		if (!(*fam)->runtime || !provider_count_sites(p, *fam))
			continue;
		if (!n++)
			emit(out, "static const struct tapc_site_group tapc_site_groups[] = {");
		emit(out, "{ &tapc_%s_provider, tapc_%s_sites, ARRAY_SIZE(tapc_%s_sites) },",
		     (*fam)->runtime, (*fam)->runtime, (*fam)->runtime);
	}
	if (n) {
		emit(out, "};");
		emit(out, "%s", "");
	}
	return n;
}

bool translate(struct session *s)
{
	struct tx t = { 0 };
	struct emitter out;
	struct rprobe *pr;
	struct rfunc *fn;
	const struct provider_ops *const *fam;
	struct emitter frames;	/* members of union tapc_frames */
	char *text;
	int errors = diag_errors(), ngroups;
	bool usym_ok;

	t.s = s;
	t.p = s->resolved;
	if (!check_global_memory(&t))
		return false;
	emit_open(&out);
	emit(&out, "/*");
	emit(&out, " * %s: generated by tapc from %s.", s->module_name, script_basename(s));
	emit(&out, " *");
	for (pr = t.p->probes; pr; pr = pr->next)
		for (const struct site *site = pr->sites; site; site = site->next)
			emit(&out, " * probe %s", site->pp);
	emit(&out, " */");
	emit(&out, "#include \"tapc_runtime.h\"");
	emit(&out, "#include \"foreach.h\"");
	emit(&out, "#include \"map.h\"");
	emit(&out, "#include \"stat.h\"");
	for (fam = provider_families(); *fam; fam++)
		if ((*fam)->runtime && provider_count_sites(t.p, *fam))
			emit(&out, "#include \"provider/%s.h\"", (*fam)->runtime);
	emit(&out, "%s", "");
	if (s->nmodinfo)
		emit(&out, "#include <linux/module.h>");
	for (int i = 0; i < s->nmodinfo; i++) {	/* --modinfo NAME=VALUE, checked by main.c */
		const char *eq = strchr(s->modinfo[i], '=');

		emit(&out, "MODULE_INFO(%.*s, %s);", (int)(eq - s->modinfo[i]), s->modinfo[i], cstr(eq + 1));
	}
	if (s->nmodinfo)
		emit(&out, "%s", "");
	embedded_toplevel(&out, s);
	for (struct symbol *g = t.p->globals; g; g = g->next)
		g->index = t.nglobals++;
	t.nsorted = calloc(t.nglobals + 1, sizeof(*t.nsorted));
	if (!t.nsorted)
		die("out of memory");
	collect_shapes(&t);
	find_counters(&t);
	emit_globals(&t, &out);
	emit_open(&frames);
	frames.depth = 1;
	for (fn = t.p->funcs; fn; fn = fn->next)
		emit(&out, "%s;", func_signature(fn));
	if (t.p->funcs)
		emit(&out, "%s", "");
	for (fn = t.p->funcs; fn; fn = fn->next) {
		if (fn->decl->u.func.body && fn->decl->u.func.body->kind == NODE_EMBEDDED) {
			embedded_function(&out, fn, func_signature(fn), loc_of(fn->decl));
			continue;
		}
		emit_function(&t, &out, fn);
		emit(&frames, "struct %s_frame %s;", func_cname(fn), func_cname(fn));
	}
	for (pr = t.p->probes; pr; pr = pr->next) {
		if (probe_emitted(pr) && emit_probe_entry(&t, &out, pr))
			emit(&frames, "struct probe_%d_entry_frame probe_%d_entry;", pr->index, pr->index);
		if (probe_emitted(pr) && emit_probe(&t, &out, pr))
			emit(&frames, "struct probe_%d_frame probe_%d;", pr->index, pr->index);
	}
	/* the user binaries' table: process probes' sites point into it */
	usym_ok = usym_emit(&out, s, t.p);
	for (fam = provider_families(); *fam; fam++)
		if ((*fam)->emit_tables)
			(*fam)->emit_tables(&out, t.p);
	ngroups = emit_site_groups(&out, t.p);
	emit_globals_init(&t, &out);
	/* the runtime sizes each nesting level's frame by the largest one */
	emit(&out, "union tapc_frames {");
	text = emit_close(&frames, NULL);
	emit_raw(&out, text);
	free(text);
	emit(&out, "char none;");
	emit(&out, "};");
	emit(&out, "%s", "");
	if (s->timing)
		emit_probe_info(&t, &out);
	emit(&out, "struct tapc_module_desc tapc_module = {");
	emit(&out, ".name = %s,", cstr(s->module_name));
	emit(&out, ".script = %s,", cstr(script_basename(s)));
	if (s->timing) {
		emit(&out, ".probe_info = tapc_probe_info,");
		emit(&out, ".n_probe_info = ARRAY_SIZE(tapc_probe_info),");
	}
	for (fam = provider_families(); *fam; fam++)
		if ((*fam)->emit_desc)
			(*fam)->emit_desc(&out, t.p);
	usym_emit_desc(&out, s);
	if (ngroups) {
		emit(&out, ".groups = tapc_site_groups,");
		emit(&out, ".n_groups = ARRAY_SIZE(tapc_site_groups),");
	}
	emit(&out, ".frame_size = sizeof(union tapc_frames),");
	if (has_maps(t.p)) {
		emit(&out, ".globals_init = tapc_globals_init,");
		emit(&out, ".globals_free = tapc_globals_free,");
	}
	emit(&out, "};");
	free(t.keyed);
	free(t.str_tmps);
	free(t.shapes);
	free(t.counter);
	free(t.gsym);
	free(t.gcount);
	free(t.gtouched);
	free(t.nsorted);
	s->c_text = emit_close(&out, &s->c_len);
	return usym_ok && diag_errors() == errors;
}
