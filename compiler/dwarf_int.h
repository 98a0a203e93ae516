/* What dwarf.c shares with dwarf_vars.c: the open DWARF of a module or of
 * vmlinux debuginfo, and the DWARF-to-BTF type converter.  Not for the
 * rest of the compiler, which sees DWARF only through kernel.h. */
#ifndef TAPC_DWARF_INT_H
#define TAPC_DWARF_INT_H

#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <gelf.h>

struct btf;
struct conv;
struct image;

struct dwarf_info {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	const char *path;
	struct dwarf_sym { const char *name; GElf_Addr addr; } *syms;	/* function symbols by name */
	size_t nsyms;
	/* dwarf_vars.c: the variables' types, converted on demand into a
	 * BTF object of their own, the btf of an image of their own */
	struct conv *vars_conv;
	struct image *vars_view;
};

/* A converter adding types to btf (types of dw's DIEs, memoized by DIE
 * offset); NULL without memory. */
struct conv *dwarf_conv_new(struct btf *btf, Dwarf *dw);
/* The BTF id of the type DIE die (0: void), pointer targets included;
 * -1 when it can't be converted. */
int dwarf_conv_type(struct conv *cv, Dwarf_Die *die);

#endif
