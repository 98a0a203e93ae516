/* The abstract syntax tree shared by every pass.
 *
 * A node is a tagged struct; the kinds come from one X-macro list that also
 * feeds the printer and the kind-name table, so a pass that switches on
 * node->kind is checked by -Wswitch-enum.  Lists (statements of a block,
 * arguments of a call, probe points of a probe) are singly linked through
 * node->next.  Every node lives in the compilation's arena (arena.h): nothing
 * is freed one node at a time.  Parser types stay out of this header.
 */
#ifndef TAPC_AST_H
#define TAPC_AST_H

#include <stdbool.h>
#include <stdint.h>

struct loc {
	const char *file;	/* interned; "<input>" for -e */
	int line, col;		/* 1-based */
};

/* Value types, inferred in pass 2.  TYPE_UNKNOWN until resolved. */
enum type_kind {
	TYPE_UNKNOWN,
	TYPE_LONG,
	TYPE_STRING,
	TYPE_STATS,
	TYPE_VOID,		/* function that returns nothing */
};

#define NODE_KINDS(X)                                                    \
	/* top level */                                                  \
	X(PROBE)        /* probe p1, p2 { body } */                      \
	X(ALIAS)        /* probe name = p1, p2 { prologue } [, {epi}] */ \
	X(GLOBAL)       /* global name [size] [= init] */                \
	X(FUNCTION)     /* function name:type(params) { body } */        \
	X(EMBEDDED)     /* %{ C %} at top level or as a function body */ \
	X(PROBE_POINT)  /* comp.comp(arg).comp [?|!] [if (cond)] */      \
	X(PP_COMP)      /* one component: name [(arg)] */                \
	X(PARAM)        /* function parameter name[:type] */             \
	/* statements */                                                 \
	X(BLOCK)                                                         \
	X(NULLSTMT)                                                      \
	X(EXPRSTMT)                                                      \
	X(IF)                                                            \
	X(WHILE)                                                         \
	X(FOR)                                                           \
	X(FOREACH)                                                       \
	X(RETURN)                                                        \
	X(DELETE)                                                        \
	X(BREAK)                                                         \
	X(CONTINUE)                                                      \
	X(NEXT)                                                          \
	X(TRY)                                                           \
	/* expressions */                                                \
	X(NUM)          /* integer literal */                            \
	X(STR)          /* string literal (adjacent ones concatenated) */\
	X(VAR)          /* identifier: local, global or parameter */     \
	X(INDEX)        /* array[k1, k2] (base is a VAR) */              \
	X(CALL)         /* name(args) */                                 \
	X(PRINT)        /* print/printf/println/sprintf/... family */    \
	X(BINARY)       /* a op b, op in enum binop */                   \
	X(LOGICAL)      /* a && b, a || b (short-circuit) */             \
	X(UNARY)        /* -a !a ~a +a */                                \
	X(INCDEC)       /* ++a a++ --a a-- */                            \
	X(ASSIGN)       /* a op= b, op in enum assignop */               \
	X(TERNARY)      /* c ? a : b */                                  \
	X(IN)           /* [k1,k2] in array */                           \
	X(REGEX)        /* s =~ "re", s !~ "re" */                       \
	X(STAT_OP)      /* @count(x) @sum @min @max @avg @variance */    \
	X(HIST)         /* @hist_linear(x, lo, hi, w) / @hist_log(x) */  \
	X(TARGET)       /* $var, $var->f[i], $$vars, @cast, @var */      \
	X(DEFINED)      /* @defined(expr) */                             \
	X(ENTRY)        /* @entry(expr) */                               \
	X(EMBEDDED_EXPR)/* %{ C %} used as an expression (guru) */       \
	X(WILDCARD)     /* '*' in an index slice: a[*, 3] */

enum node_kind {
#define X(k) NODE_##k,
	NODE_KINDS(X)
#undef X
	NODE_KIND_COUNT
};

enum binop {
	BIN_ADD, BIN_SUB, BIN_MUL, BIN_DIV, BIN_MOD,
	BIN_SHL, BIN_SHR, BIN_USHR,		/* << >> >>> */
	BIN_AND, BIN_OR, BIN_XOR,		/* & | ^ */
	BIN_CONCAT,				/* . */
	BIN_LT, BIN_LE, BIN_GT, BIN_GE, BIN_EQ, BIN_NE,
};

enum assignop {
	ASSIGN_SET,			/* = */
	ASSIGN_ADD, ASSIGN_SUB, ASSIGN_MUL, ASSIGN_DIV, ASSIGN_MOD,
	ASSIGN_SHL, ASSIGN_SHR, ASSIGN_AND, ASSIGN_OR, ASSIGN_XOR,
	ASSIGN_CONCAT,			/* .= */
	ASSIGN_AGG,			/* <<< */
};

enum unop { UN_NEG, UN_NOT, UN_BITNOT, UN_PLUS, UN_ADDR /* &$var */ };

enum print_kind {
	PRINT_PRINT, PRINT_PRINTLN, PRINT_PRINTF, PRINT_PRINTD, PRINT_PRINTDLN,
	PRINT_SPRINT, PRINT_SPRINTLN, PRINT_SPRINTF, PRINT_SPRINTD,
	PRINT_SPRINTDLN, PRINT_PRINT_CHAR,
};

enum stat_op {
	STAT_COUNT, STAT_SUM, STAT_MIN, STAT_MAX, STAT_AVG, STAT_VARIANCE,
};

enum sort_dir { SORT_NONE = 0, SORT_ASC = 1, SORT_DESC = -1 };

/* One step of a target-variable access path: ->name, [index], a
 * trailing $ / $$ pretty-print request, or a trailing & (the path's
 * address instead of its value: the operand of '&'). */
enum target_step_kind { STEP_FIELD, STEP_INDEX, STEP_PRETTY, STEP_PRETTY_DEEP, STEP_ADDR };
struct target_step {
	enum target_step_kind kind;
	const char *field;		/* STEP_FIELD */
	struct node *index;		/* STEP_INDEX */
	struct target_step *next;
	struct loc loc;
};

struct symbol;		/* resolve.h: what a VAR/CALL names after pass 2 */
struct recipe;		/* recipe.h: how pass 3 reads a TARGET */

struct node {
	enum node_kind kind;
	struct loc loc;
	enum type_kind type;		/* expressions: inferred type */
	struct node *next;		/* next in list */
	bool synthetic;			/* made by the compiler (e.g. -T timer) */
	bool from_tapset;		/* declared in a tapset file */

	union {
		struct {		/* PROBE */
			struct node *points;	/* PROBE_POINT list */
			struct node *body;	/* BLOCK */
			const char *alias_pp;	/* made of an alias: the alias
						 * point it stands for (-l, -L) */
		} probe;
		struct {		/* ALIAS */
			struct node *names;	/* PROBE_POINT list (alias names) */
			struct node *points;	/* what it expands to */
			struct node *prologue;	/* BLOCK or NULL */
			struct node *epilogue;	/* BLOCK or NULL (+= or 2nd block) */
			bool append;		/* += */
		} alias;
		struct {		/* GLOBAL */
			const char *name;
			struct node *init;	/* NUM or STR or NULL */
			long long size;		/* 0 = default (MAXMAPENTRIES) */
			bool wrap;		/* global a% */
			bool is_private;
			bool is_array;		/* set by resolve from use */
			int arity;		/* number of keys, from use */
			struct symbol *sym;
		} global;
		struct {		/* FUNCTION */
			const char *name;
			enum type_kind ret;	/* declared or inferred */
			struct node *params;	/* PARAM list */
			struct node *body;	/* BLOCK or EMBEDDED */
			long long priority;
			bool is_private;
			struct symbol *sym;
		} func;
		struct {		/* EMBEDDED, EMBEDDED_EXPR */
			const char *code;
		} embedded;
		struct {		/* PROBE_POINT */
			struct node *comps;	/* PP_COMP list */
			bool optional;		/* ? */
			bool sufficient;	/* ! */
			struct node *cond;	/* if (cond) or NULL */
		} pp;
		struct {		/* PP_COMP */
			const char *name;	/* may contain * ? [ ] wildcards */
			struct node *arg;	/* NUM or STR or NULL */
		} comp;
		struct {		/* PARAM */
			const char *name;
			enum type_kind decl;	/* TYPE_UNKNOWN if not declared */
		} param;
		struct {		/* BLOCK */
			struct node *stmts;
		} block;
		struct {		/* EXPRSTMT, RETURN (expr may be NULL) */
			struct node *expr;
		} expr;
		struct {		/* IF */
			struct node *cond, *then, *els;
		} if_;
		struct {		/* WHILE, FOR (init/step may be NULL) */
			struct node *init, *cond, *step, *body;
		} loop;
		struct {		/* FOREACH */
			struct node *value;	/* VAR bound to the value or NULL */
			struct node *keys;	/* VAR list */
			struct node *array;	/* VAR, or HIST for bucket iteration */
			struct node *slice;	/* index expr list (WILDCARD allowed) */
			int sort_key;		/* 0 = none, -1 = value, 1..n = key */
			enum sort_dir sort_dir;
			enum stat_op sort_stat;	/* aggregate for value sort */
			bool sort_stat_given;
			struct node *limit;	/* expr or NULL */
			struct node *body;
		} foreach;
		struct {		/* DELETE */
			struct node *target;	/* VAR or INDEX */
		} del;
		struct {		/* TRY */
			struct node *body;
			struct node *catch_var;	/* VAR or NULL */
			struct node *handler;
		} try_;
		struct {		/* NUM */
			int64_t value;	/* literals above 2^63-1 wrap, as in SystemTap */
		} num;
		struct {		/* STR */
			const char *value;	/* escapes already decoded */
			int len;		/* may contain NULs after \0 */
		} str;
		struct {		/* VAR */
			const char *name;
			struct symbol *sym;	/* set by pass 2 */
		} var;
		struct {		/* INDEX, IN (keys may contain WILDCARD) */
			struct node *base;	/* VAR (array), or HIST for @hist_*()[i] */
			struct node *keys;
		} index;
		struct {		/* CALL */
			const char *name;	/* "@perf", "@const", ...: see parse.h */
			struct node *args;
			struct symbol *sym;	/* set by pass 2 */
		} call;
		struct {		/* PRINT */
			enum print_kind which;
			struct node *fmt;	/* STR for printf/sprintf, delimiter for printd */
			struct node *args;
		} print;
		struct {		/* BINARY */
			enum binop op;
			struct node *left, *right;
		} bin;
		struct {		/* LOGICAL */
			bool is_and;
			struct node *left, *right;
		} logical;
		struct {		/* UNARY */
			enum unop op;
			struct node *operand;
		} un;
		struct {		/* INCDEC */
			bool inc;		/* ++ vs -- */
			bool prefix;
			struct node *operand;
		} incdec;
		struct {		/* ASSIGN */
			enum assignop op;
			struct node *left, *right;
		} assign;
		struct {		/* TERNARY */
			struct node *cond, *then, *els;
		} ternary;
		struct {		/* REGEX */
			bool negate;		/* !~ */
			struct node *left;
			const char *pattern;
			struct loc pattern_loc;
		} regex;
		struct {		/* STAT_OP */
			enum stat_op op;
			struct node *operand;	/* VAR or INDEX of stats */
			struct node *arg;	/* @variance bit shift or NULL */
		} stat;
		struct {		/* HIST */
			bool linear;
			struct node *operand;
			struct node *lo, *hi, *width;	/* NUM, linear only */
		} hist;
		struct {		/* TARGET */
			const char *name;	/* "$foo", "$$parms", "@cast", "@var", or
						 * "@autocast": steps on cast_expr's value */
			struct node *cast_expr;	/* @cast operand */
			const char *cast_type;	/* @cast type / @var name */
			const char *cast_module;
			struct target_step *steps;
			struct recipe *resolved;	/* how to read it (pass 2) */
			bool written;		/* assigned to (guru mode) */
			struct recipe *store;	/* how to write a value into it
						 * (guru mode, pass 2) */
			struct recipe *append;	/* how to append a string to it
						 * (.=), NULL: only = stores */
		} target;
		struct {		/* DEFINED, ENTRY */
			struct node *operand;
			/* ENTRY of an expression: the C address of its saved
			 * value in the call's entry data (provider, pass 2),
			 * written by the probe's entry function */
			const char *slot;
		} wrap;
	} u;
};

/* A parsed file (user script or tapset). */
struct file_ast {
	const char *name;
	bool is_tapset;
	struct node *decls;		/* PROBE/ALIAS/GLOBAL/FUNCTION/EMBEDDED */
	struct file_ast *next;
};

/* The whole program as pass 1 hands it to pass 2. */
struct program {
	struct file_ast *user;		/* user script(s) */
	struct file_ast *tapsets;	/* library files parsed for pass 2 */
};

extern const char *const node_kind_names[NODE_KIND_COUNT];

struct node *node_new(enum node_kind kind, struct loc loc);
const char *type_name(enum type_kind t);
const char *binop_text(enum binop op);
const char *assignop_text(enum assignop op);
const char *print_kind_name(enum print_kind k);
const char *stat_op_name(enum stat_op op);

/* Append b to the list a; returns the head.  O(n), lists are short. */
struct node *node_append(struct node *a, struct node *b);
int node_count(const struct node *list);

/* The canonical text of a probe point, e.g. kernel.function("f").return */
const char *pp_text(const struct node *point);
/* Components of a probe point as an array; returns the count. */
int pp_comps(const struct node *point, const struct node **comps, int max);
/* Call fn on every statement and expression of the list n, pre-order
 * (the passes' and providers' walk over a body). */
void node_visit(struct node *n, void (*fn)(struct node *, void *), void *arg);

#endif
