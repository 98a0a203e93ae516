/* Pass 3, embedded C: `%{ ... %}` at file scope and as a function body,
 * allowed in guru mode (-g) and in tapset files (pass 2 checks that).
 *
 * The code goes into the module as written, inside the names SystemTap's
 * embedded C uses, so tapset and guru code written for stap reads the same:
 *
 *	STAP_ARG_name      a parameter (int64_t, or const char * for strings)
 *	STAP_RETVALUE      the result: an int64_t lvalue, or a char buffer of
 *	                   MAXSTRINGLEN for string functions
 *	STAP_RETURN(v)     set the result and return
 *	STAP_ERROR(fmt...) a run-time error at the call (try/catch sees it)
 *	CONTEXT            the probe's struct tapc_context *
 *	TAPC_LOC           "FILE:LINE:COL" of the function, for runtime calls
 *	                   that report errors (tapc_kread(CONTEXT, ..., TAPC_LOC))
 *
 * An embedded function has no frame and cannot call back into the script,
 * so it needs no nesting level; the caller checks c->last_error after the
 * call only when the code names STAP_ERROR or TAPC_LOC (embedded_may_fail),
 * so context functions such as pid() cost what their C costs.  File-scope blocks of a tapset file go in only
 * when the program uses a function of that file, as in stap.
 */
#include <string.h>

#include "arena.h"
#include "ast.h"
#include "emit.h"
#include "resolve.h"
#include "session.h"
#include "translate_embedded.h"

static bool same_file(const char *a, const char *b)
{
	return a && b && (a == b || strcmp(a, b) == 0);
}

/* Does the resolved program use anything declared in file? */
static bool file_used(const struct rprogram *p, const char *file)
{
	const struct rfunc *fn;
	const struct rprobe *pr;

	for (fn = p->funcs; fn; fn = fn->next)
		if (same_file(fn->decl->loc.file, file))
			return true;
	for (pr = p->probes; pr; pr = pr->next)
		if (pr->body && same_file(pr->body->loc.file, file))
			return true;
	return false;
}

static void emit_blocks(struct emitter *out, const struct file_ast *f)
{
	const struct node *d;

	for (d = f->decls; d; d = d->next) {
		if (d->kind != NODE_EMBEDDED)
			continue;
		emit(out, "/* %%{ %%} from %s:%d */", f->name, d->loc.line);
		emit_raw(out, d->u.embedded.code);
		emit_raw(out, "\n");
	}
}

void embedded_toplevel(struct emitter *out, const struct session *s)
{
	const struct file_ast *f;

	if (!s->program)
		return;
	for (f = s->program->tapsets; f; f = f->next)
		if (file_used(s->resolved, f->name))
			emit_blocks(out, f);
	for (f = s->program->user; f; f = f->next)
		emit_blocks(out, f);
}

int embedded_toplevel_count(const struct session *s)
{
	const struct file_ast *f;
	const struct node *d;
	int n = 0;

	if (!s->program)
		return 0;
	for (f = s->program->tapsets; f; f = f->next)
		if (file_used(s->resolved, f->name))
			for (d = f->decls; d; d = d->next)
				n += d->kind == NODE_EMBEDDED;
	for (f = s->program->user; f; f = f->next)
		for (d = f->decls; d; d = d->next)
			n += d->kind == NODE_EMBEDDED;
	return n;
}

void embedded_function(struct emitter *out, const struct rfunc *fn, const char *signature,
		       const char *loc)
{
	const struct symbol *ps;
	int i = 0;
	bool str = fn->sym->type == TYPE_STRING, lng = fn->sym->type == TYPE_LONG;

	emit(out, "%s", signature);
	emit(out, "{");
	if (lng)
		emit(out, "int64_t ret = 0;");
	else if (str)
		emit(out, "ret[0] = '\\0';");
	for (ps = fn->locals; ps && i < fn->nparams; ps = ps->next, i++)
		emit_raw(out, arena_printf("#define STAP_ARG_%s a_%s\n", ps->name, ps->name));
	emit_raw(out, "#define CONTEXT c\n");
	emit_raw(out, arena_printf("#define TAPC_LOC %s\n", loc));
	if (lng || str)
		emit_raw(out, "#define STAP_RETVALUE ret\n");
	if (str)
		emit_raw(out, "#define STAP_RETURN(v) do { strscpy(ret, (v), MAXSTRINGLEN); goto out; } while (0)\n");
	else if (lng)
		emit_raw(out, "#define STAP_RETURN(v) do { ret = (v); goto out; } while (0)\n");
	else
		emit_raw(out, "#define STAP_RETURN() goto out\n");
	emit_raw(out, "#define STAP_ERROR(...) do { tapc_errorf(c, TAPC_LOC, __VA_ARGS__); goto out; } while (0)\n");
	emit(out, "{");
	emit(out, "/* %%{ %%} from %s:%d */", fn->decl->loc.file, fn->decl->u.func.body->loc.line);
	emit_raw(out, fn->decl->u.func.body->u.embedded.code);
	emit_raw(out, "\n");
	emit(out, "}");
	emit(out, "goto out;");	/* keeps the label used when the code never jumps */
	emit(out, "out:");
	emit_raw(out, "#undef STAP_ERROR\n#undef STAP_RETURN\n#undef STAP_RETVALUE\n#undef CONTEXT\n#undef TAPC_LOC\n");
	for (ps = fn->locals, i = 0; ps && i < fn->nparams; ps = ps->next, i++)
		emit_raw(out, arena_printf("#undef STAP_ARG_%s\n", ps->name));
	emit(out, lng ? "return ret;" : "return;");
	emit(out, "}");
	emit(out, "%s", "");
}

bool embedded_may_fail(const struct rfunc *fn)
{
	const struct node *body = fn->decl->u.func.body;

	if (!body || body->kind != NODE_EMBEDDED)
		return true;
	return strstr(body->u.embedded.code, "STAP_ERROR") || strstr(body->u.embedded.code, "TAPC_LOC");
}
