/* -G VAR=VALUE: a global's initial value from the command line.
 *
 * The value replaces the global's initializer once pass 2 has typed the
 * program: the global's type comes from the script (its initializer or its
 * uses), and the option must fit it, so "-G limit=abc" for a number is an
 * error rather than a string global nobody asked for.  The options are
 * registered as a source of their own, "<-G>", one line per option in
 * command-line order, so an error points at the option with the usual
 * FILE:LINE:COL and caret.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "resolve.h"
#include "session.h"

const char *global_set_error(const char *arg)
{
	const char *eq = strchr(arg, '=');
	const char *p;

	if (!eq || eq == arg || !(isalpha((unsigned char)arg[0]) || arg[0] == '_'))
		return "needs VAR=VALUE, VAR the name of one of the script's globals";
	for (p = arg; p < eq; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return "needs VAR=VALUE, VAR the name of one of the script's globals";
	if (strchr(eq + 1, '\n'))
		return "the value may not hold a newline";
	return NULL;
}

/* A number as the language writes one: decimal, 0x hex or 0 octal, with
 * an optional minus; false if v is not all of it or out of int64 range. */
static bool parse_number(const char *v, int64_t *out)
{
	const char *digits = v + (*v == '-');
	long long n;
	char *end;

	if (!isdigit((unsigned char)*digits))
		return false;
	errno = 0;
	n = strtoll(v, &end, 0);
	if (*end || errno)
		return false;
	*out = n;
	return true;
}

/* The user's declaration of name (main script or -E), or NULL. */
static struct node *user_global(struct session *s, const char *name, size_t len)
{
	for (struct file_ast *f = s->program->user; f; f = f->next)
		for (struct node *d = f->decls; d; d = d->next)
			if (d->kind == NODE_GLOBAL && strlen(d->u.global.name) == len &&
			    strncmp(d->u.global.name, name, len) == 0)
				return d;
	return NULL;
}

/* The typed symbol of decl, or NULL when prune dropped it (unused). */
static struct symbol *global_symbol(struct rprogram *p, const struct node *decl)
{
	for (struct symbol *g = p->globals; g; g = g->next)
		if (g->decl == decl)
			return g;
	return NULL;
}

static void set_one(struct session *s, struct rprogram *p, const char *arg, const char *file, int line)
{
	const char *eq = strchr(arg, '='), *value = eq + 1;
	struct loc at_name = { file, line, 1 }, at_value = { file, line, (int)(value - arg) + 1 };
	struct node *decl = user_global(s, arg, (size_t)(eq - arg));
	struct symbol *g;
	struct node *lit;
	int64_t n;

	if (!decl) {
		diag_error(at_name, "the script has no global '%.*s'", (int)(eq - arg), arg);
		return;
	}
	if (!(g = global_symbol(p, decl)))
		return;		/* unused: dropped with a warning, nothing to set */
	if (g->arity > 0 || g->type == TYPE_STATS) {
		diag_error(at_name, "global '%s' is %s: -G sets only numbers and strings", g->name,
			   g->type == TYPE_STATS ? "a statistic" : "an array");
		diag_note(decl->loc, "'%s' is declared here", g->name);
		return;
	}
	if (g->type == TYPE_STRING) {
		if ((long long)strlen(value) >= session_limit(s, "MAXSTRINGLEN")) {
			diag_error(at_value, "the value is longer than a string holds (MAXSTRINGLEN %lld bytes "
				   "with its NUL)", session_limit(s, "MAXSTRINGLEN"));
			return;
		}
		lit = node_new(NODE_STR, at_value);
		lit->u.str.value = value;
		lit->u.str.len = (int)strlen(value);
	} else {
		if (!parse_number(value, &n)) {
			diag_error(at_value, "global '%s' is a number, and '%s' is not one "
				   "(decimal, 0x hex or 0 octal, from -2^63 to 2^63-1)", g->name,
				   diag_escape(value));
			diag_note(g->type_loc.file ? g->type_loc : decl->loc, "'%s' is a number from here",
				  g->name);
			return;
		}
		lit = node_new(NODE_NUM, at_value);
		lit->u.num.value = n;
	}
	lit->type = g->type;
	decl->u.global.init = lit;
}

/* The options as the source "<-G>", one a line. */
static const char *options_source(struct session *s)
{
	const char *text = "";

	for (int i = 0; i < s->nglobal_sets; i++)
		text = arena_printf("%s%s\n", text, s->global_sets[i]);
	return diag_add_source("<-G>", text);
}

bool global_set_type(struct session *s, struct symbol *g)
{
	int64_t n;

	if (g->type != TYPE_UNKNOWN || g->arity != 0 || !g->decl)
		return false;
	for (int i = s->nglobal_sets - 1; i >= 0; i--) {	/* the last one counts */
		const char *arg = s->global_sets[i], *eq = strchr(arg, '=');

		if ((size_t)(eq - arg) != strlen(g->name) || strncmp(arg, g->name, (size_t)(eq - arg)))
			continue;
		g->type = parse_number(eq + 1, &n) ? TYPE_LONG : TYPE_STRING;
		g->type_loc = (struct loc){ options_source(s), i + 1, (int)(eq - arg) + 2 };
		return true;
	}
	return false;
}

bool global_set_apply(struct session *s, struct rprogram *p)
{
	const char *file;
	int errors = diag_errors();

	if (!s->nglobal_sets)
		return true;
	file = options_source(s);
	for (int i = 0; i < s->nglobal_sets; i++)
		set_one(s, p, s->global_sets[i], file, i + 1);
	return diag_errors() == errors;
}
