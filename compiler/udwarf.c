/* DWARF questions the user-space providers ask of a program or library
 * (uimage.h), beyond what dwarf.c and dwarf_vars.c answer for modules:
 * the function whose code starts at an address (its declaration and
 * return type), inlined instances of a function, global variables
 * (@var) and named types (@cast).  Types land in the image's variable
 * view (dwarf_vars_view()), the BTF object fetch.c walks.
 */
#include <dwarf.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "arena.h"
#include "dwarf_int.h"
#include "kernel.h"
#include "udwarf.h"

/* The subprogram DIE around address addr (innermost first: an inlined
 * instance's scope is not a subprogram), and its CU. */
static bool function_die(struct dwarf_info *di, unsigned long addr, Dwarf_Die *out)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(di->mod, addr, &bias), *scopes;
	int n, i;
	bool found = false;

	if (!cu || (n = dwarf_getscopes(cu, addr - bias, &scopes)) <= 0)
		return false;
	for (i = 0; i < n && !found; i++) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			*out = scopes[i];
			found = true;
		}
	}
	free(scopes);
	return found;
}

/* The BTF id in dk's variable view of die's DW_AT_type: 0 for none
 * (void), -1 when it can't be converted. */
static int type_of(struct image *dk, Dwarf_Die *die)
{
	struct dwarf_info *di = dk->dwarf;
	Dwarf_Attribute a;
	Dwarf_Die t;

	if (!dwarf_vars_view(dk))
		return -1;
	if (!dwarf_attr_integrate(die, DW_AT_type, &a) || !dwarf_formref_die(&a, &t))
		return 0;
	return dwarf_conv_type(di->vars_conv, &t);
}

/* A source file name as a user writes it: relative to the CU's
 * compilation directory when under it. */
static const char *short_name(Dwarf_Die *die, const char *file)
{
	Dwarf_Die cu;
	Dwarf_Attribute a;
	const char *dir;
	size_t n;

	if (!file || !dwarf_diecu(die, &cu, NULL, NULL))
		return file;
	dir = dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &a));
	n = dir ? strlen(dir) : 0;
	if (n && strncmp(file, dir, n) == 0 && file[n] == '/')
		file += n + 1;
	return arena_strdup(file);
}

bool udwarf_function(struct image *dk, unsigned long addr, struct udwarf_func *f)
{
	Dwarf_Die die;

	memset(f, 0, sizeof(*f));
	f->ret_type = -1;
	if (!function_die(dk->dwarf, addr, &die))
		return false;
	f->name = dwarf_diename(&die);
	f->file = short_name(&die, dwarf_decl_file(&die));
	dwarf_decl_line(&die, &f->line);
	f->ret_type = type_of(dk, &die);
	return true;
}

struct inline_walk {
	struct image *dk;
	const char *glob;
	void (*fn)(const struct udwarf_inline *in, void *arg);
	void *arg;
	int found;
};

/* Each DW_TAG_inlined_subroutine below die whose origin matches. */
static void inlined_below(struct inline_walk *w, Dwarf_Die *die, int depth)
{
	Dwarf_Die child;

	if (depth > 64 || dwarf_child(die, &child) != 0)
		return;
	do {
		if (dwarf_tag(&child) == DW_TAG_inlined_subroutine) {
			Dwarf_Attribute a;
			Dwarf_Die origin;
			const char *name = NULL;
			Dwarf_Addr entry;

			if (dwarf_attr(&child, DW_AT_abstract_origin, &a) && dwarf_formref_die(&a, &origin))
				name = dwarf_diename(&origin);
			if (name && fnmatch(w->glob, name, 0) == 0 &&
			    (dwarf_entrypc(&child, &entry) == 0 || dwarf_lowpc(&child, &entry) == 0)) {
				struct udwarf_inline in = { name, entry, short_name(&origin, dwarf_decl_file(&origin)), 0 };

				dwarf_decl_line(&origin, &in.line);
				w->fn(&in, w->arg);
				w->found++;
			}
		}
		inlined_below(w, &child, depth + 1);
	} while (dwarf_siblingof(&child, &child) == 0);
}

int udwarf_inlines(struct image *dk, const char *glob,
		   void (*fn)(const struct udwarf_inline *in, void *arg), void *arg)
{
	struct dwarf_info *di = dk->dwarf;
	struct inline_walk w = { dk, glob, fn, arg, 0 };
	Dwarf_Die *cu = NULL;
	Dwarf_Addr bias;

	while ((cu = dwfl_module_nextcu(di->mod, cu, &bias)))
		inlined_below(&w, cu, 0);
	return w.found;
}

/* A DWARF location that is one address (DW_OP_addr X): X. */
static bool static_address(Dwarf_Die *var, unsigned long *addr)
{
	Dwarf_Attribute a;
	Dwarf_Op *ops;
	size_t n;

	if (!dwarf_attr(var, DW_AT_location, &a) || dwarf_getlocation(&a, &ops, &n) != 0 || n != 1 ||
	    ops[0].atom != DW_OP_addr)
		return false;
	*addr = ops[0].number;
	return true;
}

static bool file_is(Dwarf_Die *die, const char *want)
{
	const char *f = dwarf_decl_file(die);
	size_t lf, lw;

	if (!want)
		return true;
	if (!f)
		return false;
	lf = strlen(f);
	lw = strlen(want);
	return lf >= lw && strcmp(f + lf - lw, want) == 0 && (lf == lw || f[lf - lw - 1] == '/');
}

bool udwarf_global(struct image *dk, const char *name, const char *file, struct udwarf_global *g)
{
	struct dwarf_info *di = dk->dwarf;
	Dwarf_Die *cu = NULL, child;
	Dwarf_Addr bias;

	while ((cu = dwfl_module_nextcu(di->mod, cu, &bias))) {
		if (dwarf_child(cu, &child) != 0)
			continue;
		do {
			const char *n;

			if (dwarf_tag(&child) != DW_TAG_variable || !(n = dwarf_diename(&child)) ||
			    strcmp(n, name) != 0 || !file_is(&child, file) ||
			    !static_address(&child, &g->addr))
				continue;
			g->type = type_of(dk, &child);
			return g->type > 0;
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return false;
}

/* "struct item", "union u", "enum e" or a typedef or base type name. */
int udwarf_type(struct image *dk, const char *cname)
{
	struct dwarf_info *di = dk->dwarf;
	Dwarf_Die *cu = NULL, child;
	Dwarf_Addr bias;
	int tag = DW_TAG_typedef;
	const char *name = cname;

	if (strncmp(cname, "struct ", 7) == 0) {
		tag = DW_TAG_structure_type;
		name = cname + 7;
	} else if (strncmp(cname, "union ", 6) == 0) {
		tag = DW_TAG_union_type;
		name = cname + 6;
	} else if (strncmp(cname, "enum ", 5) == 0) {
		tag = DW_TAG_enumeration_type;
		name = cname + 5;
	}
	if (!dwarf_vars_view(dk))
		return -1;
	while ((cu = dwfl_module_nextcu(di->mod, cu, &bias))) {
		if (dwarf_child(cu, &child) != 0)
			continue;
		do {
			int t = dwarf_tag(&child);
			const char *n = dwarf_diename(&child);

			if (!n || strcmp(n, name) != 0 || dwarf_hasattr(&child, DW_AT_declaration))
				continue;
			if (t == tag || (tag == DW_TAG_typedef && t == DW_TAG_base_type))
				return dwarf_conv_type(di->vars_conv, &child);
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	return -1;
}
