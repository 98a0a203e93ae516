/*
 * translate_body.c - pass 3: the C functions of script functions, probe
 * bodies and @entry expressions.
 *
 * Each body is generated into buffers of its own (statements, the frame
 * fields they need, declarations), so its frame struct and any file-scope
 * helpers can go out before the function; the globals a probe touches
 * decide its locks, and -t wraps it in a cycle count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "provider.h"
#include "translate_int.h"

/* A body being generated: its statements, and the frame fields and
 * declarations they needed. */
struct body_out {
	struct emitter e;
	FILE *fr, *dc;
	char *frame, *decls, *code;
	size_t frame_len, decls_len;
};

static void body_begin(struct tx *t, struct body_out *b)
{
	emit_open(&b->e);
	b->e.depth = 1;
	b->fr = open_memstream(&b->frame, &b->frame_len);
	b->dc = open_memstream(&b->decls, &b->decls_len);
	if (!b->fr || !b->dc)
		die("open_memstream failed");
	t->e = &b->e;
	t->frame = b->fr;
	t->decls = b->dc;
	t->out_used = false;
	t->nkeyed = 0;
	t->nloops = 0;
	t->helpers = open_memstream(&t->helpers_buf, &t->helpers_len);
	if (!t->helpers)
		die("open_memstream failed");
}

static void flush_helpers(struct tx *t, struct emitter *out);

/* The body is complete: its file-scope helpers go out first. */
static void body_end(struct tx *t, struct body_out *b, struct emitter *out)
{
	b->code = emit_close(&b->e, NULL);
	fclose(b->fr);
	fclose(b->dc);
	flush_helpers(t, out);
}

static void body_free(struct body_out *b)
{
	free(b->frame);
	free(b->decls);
	free(b->code);
}

/* File-scope code a body needed goes out before the body's function. */
static void flush_helpers(struct tx *t, struct emitter *out)
{
	fclose(t->helpers);
	t->helpers = NULL;
	if (t->helpers_len)
		emit_raw(out, t->helpers_buf);
	free(t->helpers_buf);
	t->helpers_buf = NULL;
}

static void init_locals(struct tx *t, struct symbol *locals)
{
	struct symbol *sym;

	for (sym = locals; sym; sym = sym->next) {
		if (sym->kind != SYM_LOCAL)
			continue;
		frame_local(t, sym);
		if (sym->type == TYPE_STRING)
			emit(t->e, "f->l_%s[0] = '\\0';", sym->name);
		else
			emit(t->e, "f->l_%s = 0;", sym->name);
	}
}

const char *func_signature(const struct rfunc *fn)
{
	const struct symbol *ps;
	const char *s = "struct tapc_context *c";
	int i = 0;

	if (fn->sym->type == TYPE_STRING)
		s = fmt("%s, char *ret", s);
	for (ps = fn->locals; ps && i < fn->nparams; ps = ps->next, i++)
		s = fmt("%s, %s a_%s", s, ps->type == TYPE_STRING ? "const char *" : "int64_t", ps->name);
	return fmt("static %s %s(%s)", fn->sym->type == TYPE_LONG ? "int64_t" : "void",
		   func_cname(fn), s);
}

void emit_function(struct tx *t, struct emitter *out, struct rfunc *fn)
{
	struct body_out b;
	struct symbol *ps;
	int i = 0;

	body_begin(t, &b);
	t->func = fn;
	t->action_bound = -1;	/* callers' budgets are not known here */
	for (ps = fn->locals; ps && i < fn->nparams; ps = ps->next, i++) {
		frame_local(t, ps);
		if (ps->type == TYPE_STRING)
			emit(t->e, "tapc_strcpy(f->l_%s, a_%s);", ps->name, ps->name);
		else
			emit(t->e, "f->l_%s = a_%s;", ps->name, ps->name);
	}
	init_locals(t, fn->locals);
	if (fn->decl->u.func.body->kind == NODE_BLOCK)
		gs_block(t, fn->decl->u.func.body);
	else
		gs(t, fn->decl->u.func.body);
	body_end(t, &b, out);
	emit(out, "struct %s_frame {", func_cname(fn));
	emit_raw(out, b.frame);
	emit(out, "};");
	emit(out, "%s", "");
	emit(out, "%s", func_signature(fn));
	emit(out, "{");
	emit(out, "struct %s_frame *f;", func_cname(fn));
	if (fn->sym->type == TYPE_LONG)
		emit(out, "int64_t ret = 0;");
	emit_raw(out, b.decls);
	emit(out, "%s", "");
	emit(out, "if (!tapc_enter(c, %s))", loc_of(fn->decl));
	emit(out, "\treturn%s;", fn->sym->type == TYPE_LONG ? " 0" : "");
	emit(out, "f = tapc_frame(c, c->nesting);");
	emit_raw(out, b.code);
	if (t->out_used)
		emit(out, "out:");
	emit(out, "tapc_leave(c);");
	if (fn->sym->type == TYPE_LONG)
		emit(out, "return ret;");
	emit(out, "}");
	emit(out, "%s", "");
	body_free(&b);
	t->func = NULL;
}

/* Globals a probe touches, directly or through the functions it calls.
 * A global only ever fed by `<<<` needs no lock: the runtime adds to
 * the running CPU's own copy under that copy's lock.  Counting costs the
 * size of the code visited, not the number of globals or functions in
 * the program: the per-global counts live as long as the translation
 * and only the entries touched are reset (lock_list). */
struct uses {
	int *globals;			/* mentions, by symbol index */
	int *agg;			/* ... of those, as the target of <<< */
	int *touched;			/* indices with a mention, once each */
	int ntouched;
	const struct rfunc **seen;	/* open addressing, NULL = free */
	size_t nseen, seen_cap;
};

static void uses_touch(struct uses *u, const struct symbol *sym)
{
	if (!u->globals[sym->index] && !u->agg[sym->index])
		u->touched[u->ntouched++] = sym->index;
}

/* Whether fn was seen already; marks it seen. */
static bool uses_seen(struct uses *u, const struct rfunc *fn)
{
	size_t i, mask;

	if (2 * (u->nseen + 1) > u->seen_cap) {
		const struct rfunc **old = u->seen;
		size_t cap = u->seen_cap, j;

		u->seen_cap = cap ? 2 * cap : 16;
		u->seen = calloc(u->seen_cap, sizeof(*u->seen));
		if (!u->seen)
			die("out of memory");
		u->nseen = 0;
		for (j = 0; j < cap; j++)
			if (old[j])
				uses_seen(u, old[j]);
		free(old);
	}
	mask = u->seen_cap - 1;
	for (i = ((uintptr_t)fn >> 4) & mask; u->seen[i]; i = (i + 1) & mask)
		if (u->seen[i] == fn)
			return true;
	u->seen[i] = fn;
	u->nseen++;
	return false;
}

static void uses_node(struct node *n, void *arg)
{
	struct uses *u = arg;
	struct symbol *sym = NULL;

	if (n->kind == NODE_ASSIGN && n->u.assign.op == ASSIGN_AGG && (sym = stat_sym(n->u.assign.left)) &&
	    sym->kind == SYM_GLOBAL) {
		uses_touch(u, sym);
		u->agg[sym->index]++;
		return;
	}
	if (n->kind == NODE_VAR)
		sym = n->u.var.sym;
	else if (n->kind == NODE_CALL)
		sym = n->u.call.sym;
	if (!sym)
		return;
	if (sym->kind == SYM_GLOBAL) {
		uses_touch(u, sym);
		u->globals[sym->index]++;
	}
	if (sym->kind != SYM_FUNCTION || uses_seen(u, sym->func))
		return;
	if (sym->func->decl->u.func.body && sym->func->decl->u.func.body->kind != NODE_EMBEDDED)
		node_visit(sym->func->decl->u.func.body, uses_node, u);
}

bool probe_emitted(const struct rprobe *pr)
{
	const struct site *site;

	for (site = pr->sites; site; site = site->next)
		if (site->ops->emit_tables)
			return true;
	return false;
}

/* A call of a function whose body is only embedded C: it runs no script
 * statements, so it charges nothing to the action budget. */
static bool calls_embedded_only(const struct node *call)
{
	const struct node *fn = call->u.call.sym->func ? call->u.call.sym->func->decl : NULL;

	return fn && fn->u.func.body && fn->u.func.body->kind == NODE_EMBEDDED;
}

/* The most statements one run of a body can charge, when that is known
 * without running it: no loops and no calls of script functions (but
 * those in embedded C). */
struct bound {
	long total;
	bool unbounded;
};

static void bound_node(struct node *n, void *arg)
{
	struct bound *b = arg;

	switch (n->kind) {
	case NODE_WHILE:
	case NODE_FOR:
	case NODE_FOREACH:
		b->unbounded = true;
		break;
	case NODE_CALL:
		if (n->u.call.sym && n->u.call.sym->kind == SYM_FUNCTION && !calls_embedded_only(n))
			b->unbounded = true;
		break;
	case NODE_BLOCK:
		b->total += node_count(n->u.block.stmts);
		break;
	case NODE_PROBE: case NODE_ALIAS: case NODE_GLOBAL: case NODE_FUNCTION:
	case NODE_EMBEDDED: case NODE_PROBE_POINT: case NODE_PP_COMP: case NODE_PARAM:
	case NODE_NULLSTMT: case NODE_EXPRSTMT: case NODE_IF: case NODE_RETURN:
	case NODE_DELETE: case NODE_BREAK: case NODE_CONTINUE: case NODE_NEXT: case NODE_TRY:
	case NODE_NUM: case NODE_STR: case NODE_VAR: case NODE_INDEX: case NODE_PRINT:
	case NODE_BINARY: case NODE_LOGICAL: case NODE_UNARY: case NODE_INCDEC:
	case NODE_ASSIGN: case NODE_TERNARY: case NODE_IN: case NODE_REGEX: case NODE_STAT_OP:
	case NODE_HIST: case NODE_TARGET: case NODE_DEFINED: case NODE_ENTRY:
	case NODE_EMBEDDED_EXPR: case NODE_WILDCARD: case NODE_KIND_COUNT:
		break;
	}
}

static long action_bound(struct node *body)
{
	struct bound b = { 0 };

	node_visit(body, bound_node, &b);
	if (b.unbounded)
		return -1;
	return body->kind == NODE_BLOCK ? b.total : b.total + 1;	/* gs_body charges 1 */
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* The locks of the globals code[n] reads or writes (not those it only
 * adds to with <<<, nor per-CPU counters): "&g_a_lock, &g_b_lock", in
 * the order of p->globals. */
static int lock_list(struct tx *t, struct node **code, int n, const char **locks)
{
	struct uses u = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	int nlocks = 0, i;

	if (!t->gsym) {
		struct symbol *g;

		t->gsym = calloc(t->nglobals + 1, sizeof(*t->gsym));
		t->gcount = calloc(2 * (t->nglobals + 1), sizeof(int));
		t->gtouched = calloc(t->nglobals + 1, sizeof(int));
		if (!t->gsym || !t->gcount || !t->gtouched)
			die("out of memory");
		for (g = t->p->globals; g; g = g->next)
			t->gsym[g->index] = g;
	}
	u.globals = t->gcount;
	u.agg = t->gcount + t->nglobals + 1;
	u.touched = t->gtouched;
	for (i = 0; i < n; i++)
		node_visit(code[i], uses_node, &u);
	qsort(u.touched, u.ntouched, sizeof(int), cmp_int);
	f = open_memstream(&buf, &len);
	if (!f)
		die("out of memory");
	for (i = 0; i < u.ntouched; i++) {
		int x = u.touched[i];
		const struct symbol *g = t->gsym[x];

		if (u.globals[x] > u.agg[x] && !is_counter(t, g))
			fprintf(f, "%s&g_%s_lock", nlocks++ ? ", " : "", g->name);
		u.globals[x] = u.agg[x] = 0;
	}
	fclose(f);
	*locks = arena_strdup(buf);
	free(buf);
	free(u.seen);
	return nlocks;
}

/* Take the locks of a body (after its declarations) ... */
static void emit_lock(struct emitter *out, const char *name, const char *locks, int nlocks)
{
	if (nlocks == 1) {	/* the inline uncontended path, no loop over a table */
		emit(out, "if (!tapc_lock_one(c, %s))", locks);
		emit(out, "\treturn;");
	} else if (nlocks) {
		emit(out, "if (!tapc_lock_all(c, %s_locks, %d))", name, nlocks);
		emit(out, "\treturn;");
	}
}

/* ... and release them at its end. */
static void emit_unlock(struct emitter *out, const char *name, const char *locks, int nlocks,
			bool out_used)
{
	if (!out_used && !nlocks)
		return;
	if (out_used)
		emit(out, "out:");
	if (nlocks == 1)
		emit(out, "tapc_unlock_one(%s);", locks);
	else if (nlocks)
		emit(out, "tapc_unlock_all(%s_locks, %d);", name, nlocks);
	else
		emit(out, ";");
}

/* What goes out before a body's function NAME: its frame struct
 * NAME_frame and, with several locks, its table NAME_locks. */
static void emit_body_decls(struct emitter *out, const char *name, const struct body_out *b,
			    const char *locks, int nlocks)
{
	if (b->frame_len) {
		emit(out, "struct %s_frame {", name);
		emit_raw(out, b->frame);
		emit(out, "};");
		emit(out, "%s", "");
	}
	if (nlocks > 1) {
		emit(out, "static struct tapc_lock *const %s_locks[] = { %s };", name, locks);
		emit(out, "%s", "");
	}
}

/* pn() of a site: the alias point the probe came from (stap's
 * script-level point: an alias's name, a wildcard's match), else the
 * point as the script wrote it. */
static const char *site_pn(const struct rprobe *pr, const struct site *site)
{
	if (pr->decl->u.probe.alias_pp)
		return pr->decl->u.probe.alias_pp;
	return pp_text(site->point);
}

/* c->probe_name for pn(): one literal when every site of the probe has
 * the same (an alias's probes, one point of the script, however many
 * sites its wildcards made), else chosen by pp(): sites from several
 * points of one probe (`probe a, b`), where the same pp() text always
 * comes from the same written point. */
static void emit_probe_name(struct emitter *out, const struct rprobe *pr)
{
	const struct site *site, *prev;
	const char *first = pr->sites ? site_pn(pr, pr->sites) : "";
	bool one = true;

	for (site = pr->sites; site; site = site->next)
		one &= strcmp(site_pn(pr, site), first) == 0;
	if (one) {
		emit(out, "c->probe_name = %s;", c_string(first, strlen(first)));
		return;
	}
	emit(out, "c->probe_name = c->probe_point;");
	for (site = pr->sites; site; site = site->next) {
		const char *pn = site_pn(pr, site);

		for (prev = pr->sites; prev != site; prev = prev->next)
			if (!strcmp(prev->pp, site->pp))
				break;
		if (prev != site || !strcmp(pn, site->pp))
			continue;	/* done, or pn() is pp() */
		emit(out, "if (!strcmp(c->probe_point, %s))", c_string(site->pp, strlen(site->pp)));
		emit(out, "\tc->probe_name = %s;", c_string(pn, strlen(pn)));
	}
}

bool emit_probe(struct tx *t, struct emitter *out, struct rprobe *pr)
{
	struct body_out b;
	const char *locks;
	int nlocks = lock_list(t, &pr->body, 1, &locks);
	const struct site *site;

	body_begin(t, &b);
	t->in_simple = probe_is_simple(pr);
	t->action_bound = action_bound(pr->body);
	init_locals(t, pr->locals);
	if (pr->body->kind == NODE_BLOCK)
		gs_block(t, pr->body);
	else
		gs(t, pr->body);
	body_end(t, &b, out);

	for (site = pr->sites; site; site = site->next)
		emit(out, "/* %s */", site->pp);
	emit_body_decls(out, fmt("probe_%d", pr->index), &b, locks, nlocks);
	/* whether the runtime must reset the action budget for this body */
	if (!t->in_simple) {
		if (t->action_bound >= 0)
			emit(out, "static const bool probe_%d_budget = %ld > MAXACTION;", pr->index,
			     t->action_bound);
		else
			emit(out, "static const bool probe_%d_budget = true;", pr->index);
	}
	/* -t: the body gets a name of its own, and probe_N counts its cycles */
	emit(out, "static void probe_%d%s(struct tapc_context *c)", pr->index,
	     t->s->timing ? "_body" : "");
	emit(out, "{");
	if (b.frame_len)
		emit(out, "struct probe_%d_frame *f = tapc_frame(c, 0);", pr->index);
	emit_raw(out, b.decls);
	if (b.frame_len || b.decls_len)
		emit(out, "%s", "");
	if (t->probe_names)
		emit_probe_name(out, pr);
	emit_lock(out, fmt("probe_%d", pr->index), locks, nlocks);
	emit_raw(out, b.code);
	emit_unlock(out, fmt("probe_%d", pr->index), locks, nlocks, t->out_used);
	/* abort() ended the hit: the run stops, nothing is reported */
	if (t->aborts)
		emit(out, "tapc_abort_done(c);");
	emit(out, "}");
	emit(out, "%s", "");
	if (t->s->timing) {
		emit(out, "static void probe_%d(struct tapc_context *c)", pr->index);
		emit(out, "{");
		emit(out, "cycles_t t0 = get_cycles();");
		emit(out, "%s", "");
		emit(out, "probe_%d_body(c);", pr->index);
		emit(out, "tapc_timing_add(%d, get_cycles() - t0);", pr->index);
		emit(out, "}");
		emit(out, "%s", "");
	}
	body_free(&b);
	return b.frame_len != 0;
}

/* ---- @entry(expr): a function the kretprobe's entry handler calls ---- */

struct entry_exprs {
	struct node *list[64];
	int n;
};

static void find_entry_exprs(struct node *n, void *arg)
{
	struct entry_exprs *ee = arg;

	if (n->kind == NODE_ENTRY && n->u.wrap.slot && ee->n < 64)
		ee->list[ee->n++] = n;
}

/* probe_N_entry(c): each @entry(expr) of probe N into its slot.  True
 * when it has a frame (the caller adds it to the frames union). */
bool emit_probe_entry(struct tx *t, struct emitter *out, struct rprobe *pr)
{
	struct entry_exprs ee = { .n = 0 };
	struct body_out b;
	int i, nlocks, errors = diag_errors();
	struct node *operands[64];
	const char *locks, *name;

	node_visit(pr->body, find_entry_exprs, &ee);
	if (!ee.n)
		return false;
	if (diag_errors() > errors)
		return false;
	for (i = 0; i < ee.n; i++)
		operands[i] = ee.list[i]->u.wrap.operand;
	nlocks = lock_list(t, operands, ee.n, &locks);
	name = fmt("probe_%d_entry", pr->index);
	body_begin(t, &b);
	t->in_simple = false;
	t->action_bound = -1;
	for (i = 0; i < ee.n; i++) {
		struct node *n = ee.list[i];
		const char *v = gx(t, n->u.wrap.operand), *at;

		at = n->u.wrap.slot;
		if (n->type == TYPE_STRING)
			emit(t->e, "tapc_strcpy(%s, %s);", at, v);
		else
			emit(t->e, "*(int64_t *)%s = %s;", at, v);
	}
	body_end(t, &b, out);
	emit_body_decls(out, name, &b, locks, nlocks);
	emit(out, "static void %s(struct tapc_context *c)", name);
	emit(out, "{");
	if (b.frame_len)
		emit(out, "struct %s_frame *f = tapc_frame(c, 0);", name);
	emit_raw(out, b.decls);
	emit_lock(out, name, locks, nlocks);
	emit_raw(out, b.code);
	emit_unlock(out, name, locks, nlocks, t->out_used);
	emit(out, "}");
	emit(out, "%s", "");
	body_free(&b);
	return b.frame_len != 0;
}

/* -t: what the probe hit report names each probe by. */
void emit_probe_info(struct tx *t, struct emitter *out)
{
	const struct rprobe *pr;

	emit(out, "static const struct tapc_probe_info tapc_probe_info[] = {");
	for (pr = t->p->probes; pr; pr = pr->next) {
		const struct node *pt = pr->decl->u.probe.points;

		if (!probe_emitted(pr) || !pr->sites)
			continue;
		emit(out, "[%d] = { %s, %s, %s },", pr->index, cstr(pr->sites->pp),
		     loc_of(pr->decl), cstr(pt ? pp_text(pt) : pr->sites->pp));
	}
	emit(out, "};");
	emit(out, "%s", "");
}

