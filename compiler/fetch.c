/* The target-variable library: $name, $p->member, $a[N], @cast(p, "T"),
 * $var$ and $$parms over the types of the image a probe point lives in
 * (BTF, or DWARF converted to BTF), as C the probe handler runs.
 *
 * Providers say where a variable's value is (a register, a tracepoint
 * argument, the DWARF location at an address) and of which type; this
 * library follows the script's steps through the type and builds the
 * reads.  No provider needs another provider's code for that, and a new
 * family with typed variables only names its bases.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "fetch.h"
#include "kernel.h"
#include "recipe.h"
#include "resolve.h"

/* ---- typed target variables ----
 *
 * A target variable is a base value (a register, the return value, an
 * @cast operand) of some BTF type, then ->field and [N] steps.  We walk the
 * steps at compile time and emit one C statement expression that does the
 * walk at run time: every load is a tapc_kread() (nofault; a tapc_uread()
 * for an image in user space), and the first
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

/* value (an unsigned long) converted to int64_t as a value of type id
 * would be (sign extension of narrower ints). */
static struct recipe *value_cast(const struct btf *btf, int id, const struct recipe *value)
{
	struct recipe *r;
	int size;
	bool sg;

	if (!scalar_of(btf, id, &size, &sg))
		r = recipe_text("((int64_t)");
	else
		r = recipe_text("((int64_t)(%s)", int_ctype(size, sg));
	recipe_add_recipe(r, value);
	recipe_add(r, ")");
	return r;
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
	struct recipe *code;
	__s32 type;			/* type of the value or of the object at _a */
	bool lvalue;			/* object at _a, else value in _v */
	bool bitfield;
	__u32 bit_off, bit_size;	/* of a bitfield member */
	bool quiet;			/* reads for a pretty-print: a fault is "ERROR" */
	bool user;			/* the image's memory is a task's */
	bool cast_base;			/* object at _a is @cast's, before any step */
};

static void wadd(struct walk *w, const char *text)
{
	recipe_add(w->code, " %s", text);
}

/* "_ok = _ok && READ": n bytes at addr into dst, from the image's memory
 * (a user read with no position is quiet: it fails without an error). */
static const char *wread(const struct walk *w, const char *dst, const char *addr, int n)
{
	if (w->user)
		return arena_printf("_ok = _ok && tapc_uread(c, %s, %s, %d, %s);", dst, addr, n,
				    w->quiet ? "NULL" : w->loc);
	if (w->quiet)
		return arena_printf("_ok = _ok && tapc_kread_quiet(%s, %s, %d);", dst, addr, n);
	return arena_printf("_ok = _ok && tapc_kread(c, %s, %s, %d, %s);", dst, addr, n, w->loc);
}

/* Turn an lvalue of pointer type into its value (one 8-byte load). */
static void load_pointer(struct walk *w)
{
	wadd(w, wread(w, "&_v", "_a", 8));
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

/* The statement expression "({ CODE TAIL })" that may fail a read. */
static struct recipe *statement_expr(const struct recipe *code, const struct recipe *tail)
{
	struct recipe *r = recipe_text("({");

	recipe_add_recipe(r, code);
	recipe_add(r, " ");
	recipe_add_recipe(r, tail);
	recipe_add(r, "; })");
	r->may_fail = true;
	return r;
}

/* [N] or [expr] (step number nstep) on the value or object w holds:
 * false with out->err set when it can't be indexed. */
static bool step_index(struct walk *w, const struct target_step *st, int nstep, struct btf_fetch *out)
{
	const struct btf_type *t = btf__type_by_id(w->btf, skip_mods(w->btf, w->type)), *et;
	long long i = st->index->kind == NODE_NUM ? st->index->u.num.value : 0;
	__s32 eid;

	if (btf_is_ptr(t) && w->lvalue)
		load_pointer(w);
	if (btf_is_ptr(t)) {
		eid = t->type;
		wadd(w, "_a = _v;");
	} else if (btf_is_array(t) && w->lvalue) {
		eid = btf_array(t)->type;
	} else if (w->cast_base) {
		/* @cast(p, "S")[i] is ((S *)p)[i], as in stap: &@cast(0, "S")[1]
		 * is sizeof(S) (@cast_sizeof) */
		eid = w->type;
	} else {
		out->err = arena_printf("can't index a value of type %s", btf_type_name(w->btf, w->type));
		return false;
	}
	et = btf__type_by_id(w->btf, skip_mods(w->btf, eid));
	if (!et || btf__resolve_size(w->btf, eid) <= 0) {
		out->err = arena_printf("can't index %s: element size unknown",
					btf_type_name(w->btf, w->type));
		return false;
	}
	if (st->index->kind == NODE_NUM) {
		wadd(w, arena_printf("_a += %lldULL * %lldULL;", i, (long long)btf__resolve_size(w->btf, eid)));
	} else {
		/* a computed index: the translator gives the value of step
		 * nstep's index as an operand */
		recipe_add(w->code, " _a += (u64)(");
		recipe_add_operand(w->code, RECIPE_INDEX, nstep);
		recipe_add(w->code, ") * %lldULL;", (long long)btf__resolve_size(w->btf, eid));
	}
	w->type = eid;
	w->lvalue = true;
	return true;
}

/* ->field on a pointer to struct, or on a struct object: false with
 * out->err (and maybe out->note) set when there is no such member. */
static bool step_field(struct walk *w, const struct target_step *st, struct btf_fetch *out)
{
	__s32 id = skip_mods(w->btf, w->type);
	const struct btf_type *t = btf__type_by_id(w->btf, id);
	const struct btf_member *m;
	__u32 bits = 0, bsz = 0;

	if (btf_is_ptr(t)) {
		__s32 sid = skip_mods(w->btf, t->type);
		const struct btf_type *stt = btf__type_by_id(w->btf, sid);

		if (!stt || !btf_is_composite(stt)) {
			out->err = arena_printf("'->%s' on %s, which doesn't point to a struct or union",
						st->field, btf_type_name(w->btf, w->type));
			return false;
		}
		if (w->lvalue)
			load_pointer(w);
		wadd(w, "_a = _v;");
		id = sid;
	} else if (!btf_is_composite(t) || !w->lvalue) {
		out->err = arena_printf("'->%s' on %s, which is not a struct, union or pointer to one",
					st->field, btf_type_name(w->btf, w->type));
		return false;
	}
	m = find_member(w->btf, id, st->field, &bits, &bsz);
	if (!m) {
		out->err = arena_printf("%s has no member '%s'", btf_type_name(w->btf, id), st->field);
		out->note = arena_printf("its members are: %s", member_list(w->btf, id));
		return false;
	}
	w->type = m->type;
	w->lvalue = true;
	if (bsz) {
		w->bitfield = true;
		w->bit_off = bits;
		w->bit_size = bsz;
		return true;
	}
	if (bits % 8) {
		out->err = "member at a bit offset is not supported";
		return false;
	}
	wadd(w, arena_printf("_a += %u;", bits / 8));
	return true;
}

/* The walk's end: out->expr reads the value w arrived at (a bit-field, a
 * value in _v, an object at _a; base itself when there were no steps). */
static bool finish_value(struct walk *w, const struct recipe *base, bool no_steps,
			 struct btf_fetch *out)
{
	const struct btf_type *t = btf__type_by_id(w->btf, skip_mods(w->btf, w->type));
	int size;
	bool sg;

	if (w->bitfield) {
		/* load 8 bytes around the field: kernel bitfields are within a
		 * naturally aligned word of their struct */
		wadd(w, wread(w, "&_v", arena_printf("_a + %u", w->bit_off / 8), 8));
		wadd(w, arena_printf("_v = (_v >> %u) & ((1ULL << %u) - 1);", w->bit_off % 8, w->bit_size));
		out->expr = statement_expr(w->code, recipe_text("(int64_t)_v"));
		return true;
	}
	if (!w->lvalue) {
		out->expr = no_steps ? value_cast(w->btf, w->type, base)
				     : statement_expr(w->code, value_cast(w->btf, w->type, recipe_text("_v")));
		return true;
	}
	if (t && btf_is_array(t)) {
		/* an array is its address, as in C: kernel_string($p->comm) */
		out->expr = statement_expr(w->code, recipe_text("(int64_t)_a"));
		return true;
	}
	if (!scalar_of(w->btf, w->type, &size, &sg)) {
		out->err = arena_printf("the value is a %s: use ->member to read part of it",
					btf_type_name(w->btf, w->type));
		return false;
	}
	wadd(w, arena_printf("{ %s _x = 0; %s _v = (u64)_x; }", int_ctype(size, sg),
			     wread(w, "&_x", "_a", size)));
	out->expr = statement_expr(w->code, recipe_text("(int64_t)_v"));
	return true;
}

/* The end of a path under '&': the address of the object at _a.  A
 * register value has none; alone ("&$count") it is left to pass 2's
 * check of '&', which explains where the value lives. */
static bool fetch_address(struct walk *w, const struct target_step *steps,
			  const struct target_step *st, struct btf_fetch *out)
{
	if (w->bitfield) {
		out->err = "a bit-field has no address";
		return false;
	}
	if (!w->lvalue) {
		if (st == steps) {
			out->expr = recipe_text("0");
			out->type = w->type;
			return true;
		}
		out->err = "the value is not in memory, so it has no address";
		return false;
	}
	out->type = w->type;
	out->expr = statement_expr(w->code, recipe_text("(int64_t)_a"));
	return true;
}

bool btf_fetch(struct image *im, int type, const struct recipe *base,
	       const struct target_step *steps, const char *loc, struct btf_fetch *out)
{
	struct walk w = { image_btf(im), loc, recipe_new(), type, false, false, 0, 0, false,
			  im->space == IMAGE_SPACE_USER, false };
	const struct target_step *st, *pretty;
	const struct btf_type *bt;
	int nstep = 0;

	memset(out, 0, sizeof(*out));
	pretty = pretty_step(steps, out);
	if (out->err)
		return false;
	w.quiet = pretty != NULL;
	recipe_add(w.code, " u64 _v = (u64)(");
	recipe_add_recipe(w.code, base);
	recipe_add(w.code, "), _a = 0; bool _ok = true; (void)_ok;");
	/* @cast(p, "struct S"): the base is the address of an S */
	bt = btf__type_by_id(w.btf, skip_mods(w.btf, type));
	if (bt && btf_is_composite(bt)) {
		wadd(&w, "_a = _v;");
		w.lvalue = w.cast_base = true;
	}
	for (st = steps; st; st = st->next, nstep++) {
		out->step = st;
		if (nstep)
			w.cast_base = false;
		if (st->kind == STEP_ADDR)
			return fetch_address(&w, steps, st, out);
		if (w.bitfield) {
			out->err = "a bit-field has no members or elements";
			return false;
		}
		if (st == pretty)
			break;
		if (!(st->kind == STEP_INDEX ? step_index(&w, st, nstep, out) : step_field(&w, st, out)))
			return false;
	}
	out->type = w.type;
	if (!pretty)
		return finish_value(&w, base, !steps, out);
	if (w.bitfield) {
		out->err = "a bit-field can't be pretty-printed: drop the '$'";
		return false;
	}
	out->code = w.code;
	out->lvalue = w.lvalue;
	out->deep = pretty->kind == STEP_PRETTY_DEEP;
	return true;
}

/* ---- target nodes ---- */

const char *fetch_loc(const struct node *t)
{
	char *q = arena_printf("%s:%d:%d", t->loc.file ? t->loc.file : "<input>", t->loc.line,
			       t->loc.col);
	char *c = c_string(q, strlen(q)), *a = arena_strdup(c);

	free(c);
	return a;
}

/* fetch_typed() from a base recipe. */
static enum type_kind typed(struct image *im, struct node *t, int type, const struct recipe *base)
{
	struct btf_fetch f;

	if (!btf_fetch(im, type, base, t->u.target.steps, fetch_loc(t), &f)) {
		diag_error(f.step ? f.step->loc : t->loc, "%s: %s", t->u.target.name, f.err);
		if (f.note)
			diag_note(f.step ? f.step->loc : t->loc, "%s", f.note);
		return TYPE_UNKNOWN;
	}
	if (f.code)
		return fetch_pretty(im, t, &f);
	t->u.target.resolved = f.expr;
	return TYPE_LONG;
}

enum type_kind fetch_typed(struct image *im, struct node *t, int type, const char *base)
{
	return typed(im, t, type, recipe_text("%s", base));
}

enum type_kind fetch_pretty(struct image *im, struct node *t, const struct btf_fetch *f)
{
	const char *err;
	struct recipe *r;

	/* runtime/pretty.c reads kernel memory */
	if (im->space == IMAGE_SPACE_USER) {
		diag_error(t->loc, "%s: pretty-printing user memory is not supported yet", t->u.target.name);
		return TYPE_UNKNOWN;
	}
	r = pretty_append(im, f, &err);
	if (!r) {
		diag_error(t->loc, "%s: %s", t->u.target.name, err);
		return TYPE_UNKNOWN;
	}
	r->string = true;
	r->clears_dst = true;
	t->u.target.resolved = r;
	return TYPE_STRING;
}

/* @cast(addr, "struct S")->...: the address as an S of k's types. */
enum type_kind fetch_cast(struct image *im, struct node *t)
{
	int type = image_btf(im) ? btf_find_type(im, t->u.target.cast_type) : -1;
	struct recipe *base = recipe_new();

	if (type < 0) {
		diag_error(t->loc, "@cast: type '%s' not found in the %s of %s",
			   t->u.target.cast_type, im->types_from ? im->types_from : "BTF", image_what(im));
		return TYPE_UNKNOWN;
	}
	/* the translator gives the operand's value */
	recipe_add_operand(base, RECIPE_CAST, 0);
	return typed(im, t, type, base);
}

bool fetch_has_pretty(const struct node *t)
{
	const struct target_step *st;

	for (st = t->u.target.steps; st; st = st->next)
		if (st->kind == STEP_PRETTY || st->kind == STEP_PRETTY_DEEP)
			return true;
	return false;
}

struct recipe *fetch_parm_text(struct session *s, struct site *site, const struct node *t,
			       struct image *im, const char *name, int type,
			       enum type_kind (*target)(struct session *, struct site *, struct node *))
{
	const struct target_step *pretty = t->u.target.steps;
	struct node *p = node_new(NODE_TARGET, t->loc);
	struct recipe *r = recipe_new();

	recipe_add_dst(r, " tapc_strcat(", arena_printf(", \"%s=\");", name));
	p->u.target.name = arena_printf("$%s", name);
	if (type >= 0 && pretty) {
		p->u.target.steps = (struct target_step *)pretty;
		if (target(s, site, p) != TYPE_STRING)
			return NULL;
		/* the value's text appended after "name=" */
		recipe_add(r, " ");
		recipe_add_recipe(r, p->u.target.resolved);
		return r;
	}
	if (type >= 0 && pretty_placeholder(im, type)) {
		r = recipe_new();
		recipe_add_dst(r, " tapc_strcat(", arena_printf(", \"%s=%s\");", name,
							       pretty_placeholder(im, type)));
		return r;
	}
	if (target(s, site, p) == TYPE_UNKNOWN)
		return NULL;
	recipe_add(r, " { char _h[24]; snprintf(_h, sizeof(_h), \"0x%%llx\", (unsigned long long)");
	recipe_add_recipe(r, p->u.target.resolved);
	recipe_add_dst(r, "); tapc_strcat(", ", _h); }");
	return r;
}

bool fetch_ok(struct image *im, const struct node *t, int type)
{
	struct btf_fetch f;

	return type >= 0 && btf_fetch(im, type, recipe_text("0"), t->u.target.steps, "\"\"", &f);
}

/* @defined(@cast(...)->...): whether im's types have that path. */
bool fetch_cast_defined(struct image *im, const struct node *t)
{
	return t->u.target.cast_type && image_btf(im) &&
	       fetch_ok(im, t, btf_find_type(im, t->u.target.cast_type));
}

/* ---- variables at an address, from DWARF (statement probes) ---- */

const char *fetch_dwarf_var_names(struct image *dk, unsigned long addr, bool typed)
{
	struct image *view = dwarf_vars_view(dk);
	struct dwarf_var v[64];
	char *list = "";
	int n, i;

	if (!view)
		return list;
	n = dwarf_vars_at(dk, addr, v, 64);
	for (i = 0; i < n; i++)
		list = typed ? arena_printf("%s%s$%s:%s", list, i ? " " : "", v[i].name,
					    v[i].type > 0 ? btf_type_name(view->btf, v[i].type) : "?")
			     : arena_printf("%s%s$%s", list, i ? " " : "", v[i].name);
	return list;
}

enum type_kind fetch_dwarf_var(struct image *dk, unsigned long addr, const char *where, struct node *t)
{
	const char *name = t->u.target.name, *list, *loc = fetch_loc(t);
	struct dwarf_var v;
	struct btf_fetch f;

	if (!dwarf_var_at(dk, addr, name + 1, loc, &v)) {
		diag_error(t->loc, "%s is not a variable in scope at %s", name, where);
		list = fetch_dwarf_var_names(dk, addr, false);
		diag_note(t->loc, "the variables there are: %s", *list ? list : "(none)");
		return TYPE_UNKNOWN;
	}
	if (v.why) {
		diag_error(t->loc, "%s is not available at %s: %s", name, where, v.why);
		return TYPE_UNKNOWN;
	}
	if (!btf_fetch(dwarf_vars_view(dk), v.type, recipe_text("%s", v.base), t->u.target.steps, loc, &f)) {
		diag_error(f.step ? f.step->loc : t->loc, "%s: %s", name, f.err);
		if (f.note)
			diag_note(f.step ? f.step->loc : t->loc, "%s", f.note);
		return TYPE_UNKNOWN;
	}
	if (f.code)	/* $var$ / $var$$ */
		return fetch_pretty(dwarf_vars_view(dk), t, &f);
	/* a read that can fault must reach the translator's error check,
	 * which wants a statement expression */
	if (v.read_fails && !f.expr->may_fail) {
		struct recipe *r = recipe_text("({ int64_t _r = ");

		recipe_add_recipe(r, f.expr);
		recipe_add(r, "; _r; })");
		r->may_fail = true;
		f.expr = r;
	}
	t->u.target.resolved = f.expr;
	return TYPE_LONG;
}

bool fetch_dwarf_var_ok(struct image *dk, unsigned long addr, const struct node *t)
{
	struct dwarf_var v;
	struct btf_fetch f;

	return dwarf_var_at(dk, addr, t->u.target.name + 1, "\"\"", &v) && !v.why &&
	       btf_fetch(dwarf_vars_view(dk), v.type, recipe_text("%s", v.base), t->u.target.steps, "\"\"",
			 &f);
}

enum type_kind fetch_dwarf_vars_text(struct session *s, struct site *site, struct image *dk,
				     unsigned long addr, const char *where, struct node *t,
				     enum type_kind (*target)(struct session *, struct site *,
							      struct node *))
{
	const char *name = t->u.target.name;
	bool parms = strcmp(name, "$$parms") == 0, locals = strcmp(name, "$$locals") == 0;
	struct recipe *stmt = recipe_string(true), *one;
	struct image *view = dwarf_vars_view(dk);
	struct dwarf_var v[64];
	int n, i, shown = 0;

	if (!view || (n = dwarf_vars_at(dk, addr, v, 64)) < 0) {
		diag_error(t->loc, "%s: %s has no DWARF, so no target variables", name, where);
		return TYPE_UNKNOWN;
	}
	for (i = 0; i < n; i++) {
		if ((parms && !v[i].is_param) || (locals && v[i].is_param))
			continue;
		/* stap's "name=?" for a variable with no location here */
		if (v[i].why || v[i].type <= 0) {
			one = recipe_new();
			recipe_add_dst(one, " tapc_strcat(", arena_printf(", \"%s=?\");", v[i].name));
		} else {
			one = fetch_parm_text(s, site, t, view, v[i].name, v[i].type, target);
		}
		if (!one)
			return TYPE_UNKNOWN;
		if (shown++)
			recipe_add_dst(stmt, " tapc_strcat(", ", \" \");");
		recipe_add_recipe(stmt, one);
	}
	t->u.target.resolved = stmt;
	return TYPE_STRING;
}
