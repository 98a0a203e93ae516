/*
 * pretty.c - $var$ and $var$$: a target value as text, in SystemTap's format.
 *
 * "{.size=4096, .flags=2, .name="abc", .inner={...}, .ops=0xffff...}":
 * integers in decimal, chars as 'c', char pointers and arrays as strings,
 * other pointers as %p, nested structs and arrays as {...} and [...] unless
 * $$ asks for every level.  A pointer at the top is followed, so $file$
 * shows the struct file, not its address.  As in stap, at most 32 values
 * are read (the rest is "..."), and pointers below the top are not
 * followed, so the walk of the type always ends.
 *
 * The type is flattened here into a table of reads (runtime/pretty.c runs
 * it): the module never needs the type, and the text stays in one place.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "arena.h"
#include "emit.h"
#include "fetch.h"
#include "kernel.h"
#include "recipe.h"

#define PP_MAX_VALUES 32	/* stap's limit of printf arguments (PR10750) */
#define PP_MAX_ARRAY 5		/* elements shown of an array */
#define PP_MAX_TEXT 4096	/* bytes of constant text: past MAXSTRINGLEN anyway */

struct pp {
	const struct btf *btf;
	char *ops;		/* the table's C initializers */
	char *text;		/* constant text not yet in ops */
	int nvalues;
	bool deep;
};

static __u32 resolve(const struct btf *btf, __u32 id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t && (btf_is_typedef(t) || btf_is_mod(t) || btf_is_type_tag(t))) {
		id = t->type;
		t = btf__type_by_id(btf, id);
	}
	return id;
}

/* stap prints char, signed char and unsigned char as characters, and
 * pointers to or arrays of char and unsigned char as strings. */
static bool is_char(const struct btf *btf, __u32 id, bool for_string)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const char *name;

	if (!t || !btf_is_int(t) || t->size != 1)
		return false;
	name = btf__name_by_offset(btf, t->name_off);
	if (!name)
		return false;
	return strcmp(name, "char") == 0 || strcmp(name, "unsigned char") == 0 ||
	       (!for_string && strcmp(name, "signed char") == 0);
}

static void text(struct pp *p, const char *s)
{
	if (strlen(p->text) < PP_MAX_TEXT)
		p->text = arena_printf("%s%s", p->text, s);
}

static void flush(struct pp *p)
{
	char *q;

	if (!*p->text)
		return;
	q = c_string(p->text, strlen(p->text));
	p->ops = arena_printf("%s{ .kind = TAPC_PP_TEXT, .text = %s }, ", p->ops, q);
	free(q);
	p->text = "";
}

/* A read: kind and its fields as C designators (".size = 4, ..."). */
static void value(struct pp *p, const char *kind, unsigned off, const char *more)
{
	flush(p);
	p->ops = arena_printf("%s{ .kind = TAPC_PP_%s, .off = %u%s%s }, ", p->ops, kind, off,
			      *more ? ", " : "", more);
	if (strcmp(kind, "DEREF") != 0)
		p->nvalues++;
}

static void walk(struct pp *p, __u32 type, unsigned off, bool top);

static void members(struct pp *p, __u32 id, unsigned off)
{
	const struct btf_type *t = btf__type_by_id(p->btf, id);
	const struct btf_member *m = btf_members(t);
	int i, n = btf_vlen(t);

	for (i = 0; i < n; i++, m++) {
		const char *name = btf__name_by_offset(p->btf, m->name_off);
		const struct btf_type *mt = btf__type_by_id(p->btf, resolve(p->btf, m->type));
		__u32 bits = btf_member_bit_offset(t, i), size = btf_member_bitfield_size(t, i);

		if (i > 0)
			text(p, ", ");
		if (p->nvalues >= PP_MAX_VALUES) {
			text(p, "...");
			break;
		}
		if (name && *name)
			text(p, arena_printf(".%s=", name));
		else
			text(p, mt && btf_is_union(mt) ? "<union>=" : "<struct>=");
		if (size && mt && (btf_is_int(mt) || btf_is_any_enum(mt))) {
			bool sg = btf_is_int(mt) ? btf_int_encoding(mt) & BTF_INT_SIGNED
						 : btf_kflag(mt);

			value(p, "BITS", off + bits / 8,
			      arena_printf(".bit_off = %u, .bit_size = %u, .is_signed = %d", bits % 8,
					   size, sg));
		} else if (size) {
			text(p, "?");
		} else {
			walk(p, m->type, off + bits / 8, false);
		}
	}
}

static void array(struct pp *p, const struct btf_type *t, unsigned off, bool top)
{
	const struct btf_array *a = btf_array(t);
	__u32 elem = resolve(p->btf, a->type), i;
	long long size = btf__resolve_size(p->btf, a->type);

	if (!top && !p->deep) {
		text(p, "[...]");
		return;
	}
	if (is_char(p->btf, elem, true)) {
		value(p, "CHARS", off, arena_printf(".len = %u", a->nelems));
		return;
	}
	if (size <= 0) {
		text(p, "[?]");
		return;
	}
	text(p, "[");
	for (i = 0; i < a->nelems && i < PP_MAX_ARRAY && p->nvalues < PP_MAX_VALUES; i++) {
		if (i)
			text(p, ", ");
		walk(p, elem, off + i * (unsigned)size, false);
	}
	if (i < a->nelems)
		text(p, i ? ", ..." : "...");
	text(p, "]");
}

static void pointer(struct pp *p, const struct btf_type *t, unsigned off, bool top)
{
	__u32 to = resolve(p->btf, t->type);
	const struct btf_type *tt = btf__type_by_id(p->btf, to);

	if (to && is_char(p->btf, to, true)) {
		value(p, "STR", off, "");
	} else if (top && to && tt && btf_is_func_proto(tt)) {
		text(p, "<function>:");
		value(p, "PTR", off, "");
	} else if (top && to && tt) {
		/* the only pointer followed: at the top, so nothing comes
		 * after it and the new base serves the rest of the table */
		value(p, "DEREF", off, "");
		walk(p, to, 0, true);
	} else {
		value(p, "PTR", off, "");
	}
}

static void walk(struct pp *p, __u32 type, unsigned off, bool top)
{
	__u32 id = resolve(p->btf, type);
	const struct btf_type *t = btf__type_by_id(p->btf, id);

	if (!id || !t) {
		text(p, "?");
	} else if (btf_is_int(t) && is_char(p->btf, id, false)) {
		value(p, "CHAR", off, "");
	} else if (btf_is_int(t) && (t->size == 1 || t->size == 2 || t->size == 4 || t->size == 8)) {
		value(p, "INT", off, arena_printf(".size = %u, .is_signed = %d", t->size,
						  !!(btf_int_encoding(t) & BTF_INT_SIGNED)));
	} else if (btf_is_any_enum(t) && t->size <= 8) {
		value(p, "INT", off, arena_printf(".size = %u, .is_signed = %d", t->size, btf_kflag(t)));
	} else if (btf_is_ptr(t)) {
		pointer(p, t, off, top);
	} else if (btf_is_array(t)) {
		array(p, t, off, top);
	} else if (btf_is_composite(t)) {
		text(p, "{");
		if (top || p->deep)
			members(p, id, off);
		else
			text(p, "...");
		text(p, "}");
	} else if (btf_is_fwd(t)) {
		text(p, "{...}");
	} else {
		text(p, "?");	/* float, function: stap's "?" too */
	}
}

struct recipe *pretty_append(struct image *im, const struct btf_fetch *f, const char **err)
{
	struct pp p = { image_btf(im), "", "", 0, f->deep };
	struct recipe *r;

	*err = NULL;
	walk(&p, (__u32)f->type, 0, true);
	flush(&p);
	if (!*p.ops) {
		*err = "this value has nothing to print";
		return NULL;
	}
	/* a value (not an object in memory) is read from a copy on the stack:
	 * one way of reading for both */
	r = recipe_text("{");
	recipe_add_recipe(r, f->code);
	recipe_add(r, "%s static const struct tapc_pp_op _pp[] = { %s{ .kind = TAPC_PP_END } }; ",
		   f->lvalue ? "" : " u64 _pv = _v;", p.ops);
	recipe_add_dst(r, "tapc_pretty(", arena_printf(", %s, _ok, _pp); }",
						       f->lvalue ? "_a" : "(unsigned long)&_pv"));
	return r;
}

const char *pretty_placeholder(struct image *im, int type)
{
	const struct btf *btf = image_btf(im);
	const struct btf_type *t = btf__type_by_id(btf, resolve(btf, (__u32)type));

	if (t && (btf_is_composite(t) || btf_is_fwd(t)))
		return "{...}";
	if (t && btf_is_array(t))
		return "[...]";
	return NULL;
}
