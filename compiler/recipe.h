/* recipe.c: how a probe handler computes a target variable, as the
 * providers and the target-variable library (fetch.c) hand it to the
 * translator: C text with named operands that only the translator can
 * fill in (the string buffer the value goes to, @cast's operand, a
 * computed [index], the value a guru-mode store writes).  Nobody patches
 * C text: the translator renders a recipe with its operands' C, pass 2
 * compares recipes to know whether $x means the same at two probe points.
 */
#ifndef TAPC_RECIPE_H
#define TAPC_RECIPE_H

#include <stdbool.h>

enum recipe_part_kind {
	RECIPE_TEXT,		/* C text */
	RECIPE_DST,		/* the MAXSTRINGLEN buffer a string recipe writes */
	RECIPE_CAST,		/* the value of @cast's operand */
	RECIPE_INDEX,		/* the value of the [index] of target step `step` */
	RECIPE_VALUE,		/* the value a store writes */
};

struct recipe_part {
	enum recipe_part_kind kind;
	const char *text;		/* RECIPE_TEXT */
	int step;			/* RECIPE_INDEX: 0-based step number */
	struct recipe_part *next;
};

struct recipe {
	struct recipe_part *first, *last;
	/* statements that write a string into the DST buffer, after
	 * emptying it when clears_dst; else an int64_t expression */
	bool string;
	bool clears_dst;
	/* the expression reads memory that may fault: it leaves
	 * c->last_error set, and the translator checks it */
	bool may_fail;
};

/* An empty int64_t expression recipe. */
struct recipe *recipe_new(void);
/* A recipe of text only (printf-style). */
struct recipe *recipe_text(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Append text, an operand, or all of another recipe's parts (not its
 * flags: the caller says what the whole is). */
void recipe_add(struct recipe *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void recipe_add_operand(struct recipe *r, enum recipe_part_kind kind, int step);
void recipe_add_recipe(struct recipe *r, const struct recipe *from);
/* An empty string recipe (statements writing the DST buffer). */
struct recipe *recipe_string(bool clears_dst);
/* Append before, the DST operand, then after: " tapc_strcat(" DST ", s);" */
void recipe_add_dst(struct recipe *r, const char *before, const char *after);
/* Whether r has an operand of kind (for RECIPE_INDEX: of step step, or
 * any step when step < 0). */
bool recipe_uses(const struct recipe *r, enum recipe_part_kind kind, int step);
/* Same parts and flags: the same C once rendered. */
bool recipe_equal(const struct recipe *a, const struct recipe *b);

/* The C text for each operand kind a recipe may use. */
struct recipe_operands {
	const char *dst;		/* RECIPE_DST */
	const char *cast;		/* RECIPE_CAST */
	const char *const *index;	/* RECIPE_INDEX, by step */
	int nindex;
	const char *value;		/* RECIPE_VALUE */
};
/* r as C text (an arena string): a string recipe's statements (emptying
 * the buffer first when it clears it), else the expression.  An operand
 * it uses that ops doesn't give is a compiler bug (die()). */
const char *recipe_render(const struct recipe *r, const struct recipe_operands *ops);

#endif
