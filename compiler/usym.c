/* The user binaries a module knows, as the runtime's tapc_ubins[] table
 * (runtime/ubin.h): every program and library the script's process
 * probes opened (their sites point into the table), those -d names, and
 * with --ldd their shared libraries.  For the files whose symbols the
 * module carries (uimage_want_symbols()), the table also holds what the
 * user-space context functions need, when the script uses one that does
 * (SystemTap's pragmas in the function's embedded C: pragma:symbols,
 * pragma:unwind, pragma:lines): function symbols, unwind rows from the
 * CFI, line rows from DWARF (usym_tables.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "diag.h"
#include "emit.h"
#include "resolve.h"
#include "session.h"
#include "uimage.h"
#include "usym.h"

/* Which tables the script's functions need. */
static void needs_of(const struct rprogram *p, struct usym_needs *need)
{
	const struct rfunc *fn;

	memset(need, 0, sizeof(*need));
	for (fn = p->funcs; fn; fn = fn->next) {
		const struct node *body = fn->decl->u.func.body;
		const char *code;

		if (!body || body->kind != NODE_EMBEDDED)
			continue;
		code = body->u.embedded.code;
		need->symbols |= strstr(code, "pragma:symbols") != NULL;
		need->unwind |= strstr(code, "pragma:unwind") != NULL;
		need->lines |= strstr(code, "pragma:lines") != NULL;
	}
	need->symbols |= need->unwind || need->lines;
}

/* -d BINARY and --ldd: more files whose symbols the module carries. */
static bool add_requested(struct session *s)
{
	struct image **all;
	int n, i;

	for (i = 0; i < s->nsym_binaries; i++) {
		const char **paths, *why, *err;
		int np = uimage_find(s->sym_binaries[i], &paths, &why);

		if (!np) {
			fprintf(stderr, "tapc: error: -d %s: %s\n", diag_escape(s->sym_binaries[i]), why);
			return false;
		}
		for (int j = 0; j < np; j++) {
			struct image *im = uimage_open(s, paths[j], &err);

			if (!im) {
				fprintf(stderr, "tapc: error: -d %s: %s\n", diag_escape(s->sym_binaries[i]), err);
				return false;
			}
			uimage_want_symbols(im);
		}
	}
	if (!s->ldd)
		return true;
	all = uimage_all(s, &n);
	for (i = 0; i < n; i++) {
		const char **libs, *err;
		int nl;

		if (!uimage(all[i])->want_symbols)
			continue;
		nl = uimage_needed(s, all[i], &libs);
		for (int j = 0; j < nl; j++) {
			struct image *lib = uimage_open(s, libs[j], &err);

			if (lib)
				uimage_want_symbols(lib);
		}
		all = uimage_all(s, &n);	/* opening may have grown it */
	}
	return true;
}

bool usym_emit(struct emitter *e, struct session *s, const struct rprogram *p)
{
	struct usym_needs need;
	struct usym_arrays *got;
	struct image **all;
	int n;

	if (!add_requested(s))
		return false;
	all = uimage_all(s, &n);
	if (!n)
		return true;
	needs_of(p, &need);
	emit(e, "#include \"ubin.h\"");
	emit(e, "%s", "");
	got = arena_alloc(n * sizeof(*got));
	for (int i = 0; i < n; i++)
		got[i] = usym_emit_data(e, all[i], i, uimage(all[i])->want_symbols ? &need : NULL);
	emit(e, "static struct tapc_ubin tapc_ubins[] = {");
	for (int i = 0; i < n; i++) {
		const struct uimage *u = uimage(all[i]);
		char *path = c_string(all[i]->path, strlen(all[i]->path));

		emit(e, "{");
		emit(e, ".path = %s,", path);
		emit(e, ".size = %lu,", u->file_size);
		emit(e, ".build_id = \"%s\",", u->build_id);
		emit(e, ".segs = tapc_ubin_%d_segs,", i);
		emit(e, ".nsegs = ARRAY_SIZE(tapc_ubin_%d_segs),", i);
		usym_emit_fields(e, i, &got[i]);
		emit(e, "},");
		free(path);
	}
	emit(e, "};");
	emit(e, "%s", "");
	return true;
}

void usym_emit_desc(struct emitter *e, struct session *s)
{
	int n;

	uimage_all(s, &n);
	if (!n)
		return;
	emit(e, ".ubins = tapc_ubins,");
	emit(e, ".n_ubins = ARRAY_SIZE(tapc_ubins),");
}
