/* Target-variable recipes: C text with named operands (recipe.h). */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "recipe.h"

struct recipe *recipe_new(void)
{
	return arena_alloc(sizeof(struct recipe));
}

static void add_part(struct recipe *r, enum recipe_part_kind kind, const char *text, int step)
{
	struct recipe_part *p = arena_alloc(sizeof(*p));

	p->kind = kind;
	p->text = text;
	p->step = step;
	if (r->last)
		r->last->next = p;
	else
		r->first = p;
	r->last = p;
}

static void add_vtext(struct recipe *r, const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0)
		die("out of memory");
	if (*s) {
		/* neighbouring text is one part, so equal C compares equal */
		if (r->last && r->last->kind == RECIPE_TEXT)
			r->last->text = arena_printf("%s%s", r->last->text, s);
		else
			add_part(r, RECIPE_TEXT, arena_strdup(s), 0);
	}
	free(s);
}

struct recipe *recipe_text(const char *fmt, ...)
{
	struct recipe *r = recipe_new();
	va_list ap;

	va_start(ap, fmt);
	add_vtext(r, fmt, ap);
	va_end(ap);
	return r;
}

void recipe_add(struct recipe *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_vtext(r, fmt, ap);
	va_end(ap);
}

void recipe_add_operand(struct recipe *r, enum recipe_part_kind kind, int step)
{
	add_part(r, kind, NULL, step);
}

void recipe_add_recipe(struct recipe *r, const struct recipe *from)
{
	const struct recipe_part *p;

	for (p = from->first; p; p = p->next) {
		if (p->kind == RECIPE_TEXT)
			recipe_add(r, "%s", p->text);
		else
			add_part(r, p->kind, NULL, p->step);
	}
}

struct recipe *recipe_string(bool clears_dst)
{
	struct recipe *r = recipe_new();

	r->string = true;
	r->clears_dst = clears_dst;
	return r;
}

void recipe_add_dst(struct recipe *r, const char *before, const char *after)
{
	recipe_add(r, "%s", before);
	recipe_add_operand(r, RECIPE_DST, 0);
	recipe_add(r, "%s", after);
}

bool recipe_uses(const struct recipe *r, enum recipe_part_kind kind, int step)
{
	const struct recipe_part *p;

	for (p = r->first; p; p = p->next)
		if (p->kind == kind && (kind != RECIPE_INDEX || step < 0 || p->step == step))
			return true;
	return false;
}

bool recipe_equal(const struct recipe *a, const struct recipe *b)
{
	const struct recipe_part *p = a->first, *q = b->first;

	if (a->string != b->string || a->clears_dst != b->clears_dst || a->may_fail != b->may_fail)
		return false;
	for (; p && q; p = p->next, q = q->next) {
		if (p->kind != q->kind || p->step != q->step)
			return false;
		if (p->kind == RECIPE_TEXT && strcmp(p->text, q->text) != 0)
			return false;
	}
	return !p && !q;
}

static const char *operand(const struct recipe_part *p, const struct recipe_operands *ops)
{
	const char *v = NULL;

	switch (p->kind) {
	case RECIPE_TEXT:
		v = p->text;
		break;
	case RECIPE_DST:
		v = ops->dst;
		break;
	case RECIPE_CAST:
		v = ops->cast;
		break;
	case RECIPE_INDEX:
		v = p->step < ops->nindex ? ops->index[p->step] : NULL;
		break;
	case RECIPE_VALUE:
		v = ops->value;
		break;
	}
	if (!v)
		die("recipe operand %d (step %d) not given", (int)p->kind, p->step);
	return v;
}

const char *recipe_render(const struct recipe *r, const struct recipe_operands *ops)
{
	const struct recipe_part *p;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	const char *out;

	if (!f)
		die("out of memory");
	if (r->string && r->clears_dst)
		fprintf(f, "%s[0] = 0; ", operand(&(struct recipe_part){ RECIPE_DST, NULL, 0, NULL }, ops));
	for (p = r->first; p; p = p->next)
		fputs(operand(p, ops), f);
	if (fclose(f) != 0)
		die("out of memory");
	out = arena_strdup(buf);
	free(buf);
	return out;
}
