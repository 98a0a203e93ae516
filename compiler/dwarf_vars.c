/* Target variables at a statement probe, from DWARF location expressions.
 *
 * Past a function's first instruction its parameters are wherever the
 * compiler left them: the DWARF of the function says where, per address
 * range (location lists).  At a kprobe the registers of that address are
 * in the handler's pt_regs, so an expression that names registers, the
 * frame base or the CFA (which the CFI describes as register + offset at
 * each address) becomes C over c->regs at compile time: a value in a
 * register, or an object in memory at register + offset, read with
 * tapc_kread().  Whatever else an expression does (DW_OP_entry_value,
 * pieces, dereferences) is reported as not supported; a variable with no
 * location at the address is "not available at this address".
 *
 * Names are looked up as a debugger does: in the scopes around the
 * address from the innermost out, through inlined functions to the
 * function the code belongs to.  Types are converted from DWARF into a
 * BTF object of their own, so btf.c's ->member / [N] walker works on
 * them unchanged.
 */
#include <dwarf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "arena.h"
#include "dwarf_int.h"
#include "kernel.h"

/* DWARF register numbers tapc_arch_dwarf_reg() knows (runtime/arch). */
#define MAX_DWARF_REG 16

struct loc_result {
	bool is_value;			/* expr is the value, else its address */
	const char *expr;
	const char *why;		/* not evaluated: why */
};

static const char *reg_expr(unsigned int n)
{
	return arena_printf("tapc_arch_dwarf_reg(c->regs, %u)", n);
}

static const char *op_name(unsigned int op)
{
	return arena_printf("operation 0x%x", op);
}

/* The CFA at pc (a DWARF address) as a C expression, from the CFI. */
static const char *cfa_expr(struct dwarf_info *di, Dwarf_Addr pc, Dwarf_Addr bias, const char **why);

/* Reduce ops[0..n) to C over the registers at pc (a DWARF address; bias
 * turns it into libdwfl's); func: the function whose DW_AT_frame_base
 * DW_OP_fbreg is relative to. */
static struct loc_result eval_ops(struct dwarf_info *di, const Dwarf_Op *ops, size_t n,
				  Dwarf_Die *func, Dwarf_Addr pc, Dwarf_Addr bias, int depth)
{
	struct loc_result r = { false, NULL, NULL };
	const char *stack[16];
	int sp = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned int op = ops[i].atom;
		const char *a, *b;

		if (sp == 16) {
			r.why = "a DWARF location expression too deep";
			return r;
		}
		if (op >= DW_OP_reg0 && op <= DW_OP_reg31) {
			if (n != 1 || op - DW_OP_reg0 > MAX_DWARF_REG) {
				r.why = "a register location tapc can't read";
				return r;
			}
			r.is_value = true;
			r.expr = reg_expr(op - DW_OP_reg0);
			return r;
		}
		if (op == DW_OP_regx) {
			if (n != 1 || ops[i].number > MAX_DWARF_REG) {
				r.why = "a register location tapc can't read";
				return r;
			}
			r.is_value = true;
			r.expr = reg_expr((unsigned int)ops[i].number);
			return r;
		}
		if ((op >= DW_OP_breg0 && op <= DW_OP_breg31) || op == DW_OP_bregx) {
			unsigned int reg = op == DW_OP_bregx ? (unsigned int)ops[i].number : op - DW_OP_breg0;
			long long off = op == DW_OP_bregx ? (long long)ops[i].number2 : (long long)ops[i].number;

			if (reg > MAX_DWARF_REG) {
				r.why = "a register location tapc can't read";
				return r;
			}
			stack[sp++] = arena_printf("((u64)%s + (%lldLL))", reg_expr(reg), off);
			continue;
		}
		if (op == DW_OP_fbreg) {
			Dwarf_Attribute fa;
			Dwarf_Op *fops;
			size_t nf;
			struct loc_result fb;

			if (!func || depth > 0 || !dwarf_attr(func, DW_AT_frame_base, &fa) ||
			    dwarf_getlocation_addr(&fa, pc, &fops, &nf, 1) != 1) {
				r.why = "its frame base is not known at this address";
				return r;
			}
			fb = eval_ops(di, fops, nf, func, pc, bias, depth + 1);
			if (fb.why) {
				r.why = fb.why;
				return r;
			}
			/* DW_OP_regN as a frame base: the register's value is it */
			stack[sp++] = arena_printf("((u64)%s + (%lldLL))", fb.expr, (long long)ops[i].number);
			continue;
		}
		if (op == DW_OP_call_frame_cfa) {
			const char *cfa = cfa_expr(di, pc, bias, &r.why);

			if (!cfa)
				return r;
			stack[sp++] = cfa;
			continue;
		}
		if (op >= DW_OP_lit0 && op <= DW_OP_lit31) {
			stack[sp++] = arena_printf("%uULL", op - DW_OP_lit0);
			continue;
		}
		switch (op) {
		case DW_OP_const1u: case DW_OP_const2u: case DW_OP_const4u: case DW_OP_const8u:
		case DW_OP_constu:
			stack[sp++] = arena_printf("%lluULL", (unsigned long long)ops[i].number);
			continue;
		case DW_OP_const1s: case DW_OP_const2s: case DW_OP_const4s: case DW_OP_const8s:
		case DW_OP_consts:
			stack[sp++] = arena_printf("((u64)%lldLL)", (long long)ops[i].number);
			continue;
		case DW_OP_plus_uconst:
			if (sp < 1)
				break;
			stack[sp - 1] = arena_printf("(%s + %lluULL)", stack[sp - 1],
						     (unsigned long long)ops[i].number);
			continue;
		case DW_OP_plus: case DW_OP_minus: case DW_OP_and: case DW_OP_or: case DW_OP_xor:
			if (sp < 2)
				break;
			a = stack[sp - 2];
			b = stack[sp - 1];
			sp--;
			stack[sp - 1] = arena_printf("(%s %s %s)", a,
						     op == DW_OP_plus ? "+" : op == DW_OP_minus ? "-" :
						     op == DW_OP_and ? "&" : op == DW_OP_or ? "|" : "^", b);
			continue;
		case DW_OP_neg:
			if (sp < 1)
				break;
			stack[sp - 1] = arena_printf("(-%s)", stack[sp - 1]);
			continue;
		case DW_OP_stack_value:
			if (sp < 1 || i + 1 != n)
				break;
			r.is_value = true;
			r.expr = stack[sp - 1];
			return r;
		case DW_OP_implicit_value:
			if (n == 1 && ops[i].number <= 8) {
				/* the value's bytes follow the op (libdw: number2 points at them) */
				const unsigned char *bytes = (const unsigned char *)(uintptr_t)ops[i].number2;
				unsigned long long v = 0;

				for (int j = (int)ops[i].number - 1; j >= 0; j--)
					v = v << 8 | bytes[j];
				r.is_value = true;
				r.expr = arena_printf("%lluULL", v);
				return r;
			}
			break;
		case DW_OP_entry_value:
		case DW_OP_GNU_entry_value:
			r.why = "its value here is the one at function entry (DW_OP_entry_value), which tapc can't recover";
			return r;
		case DW_OP_piece:
		case DW_OP_bit_piece:
			r.why = "it is split over several places (DW_OP_piece), which is not supported";
			return r;
		default:
			break;
		}
		r.why = arena_printf("its DWARF location uses %s, which is not supported", op_name(op));
		return r;
	}
	if (sp != 1) {
		r.why = "its DWARF location expression is empty or malformed";
		return r;
	}
	r.expr = stack[0];
	return r;
}

static const char *cfa_expr(struct dwarf_info *di, Dwarf_Addr pc, Dwarf_Addr bias, const char **why)
{
	Dwarf_Addr cbias;
	Dwarf_CFI *cfi = dwfl_module_dwarf_cfi(di->mod, &cbias);
	Dwarf_Frame *frame = NULL;
	Dwarf_Op *ops;
	size_t n;
	struct loc_result r;

	if (!cfi || dwarf_cfi_addrframe(cfi, pc + bias - cbias, &frame) != 0) {
		cfi = dwfl_module_eh_cfi(di->mod, &cbias);
		if (!cfi || dwarf_cfi_addrframe(cfi, pc + bias - cbias, &frame) != 0) {
			*why = "no call frame information (CFI) covers this address";
			return NULL;
		}
	}
	if (dwarf_frame_cfa(frame, &ops, &n) != 0) {
		free(frame);
		*why = "the CFA at this address is not known";
		return NULL;
	}
	r = eval_ops(di, ops, n, NULL, pc, bias, 1);
	free(frame);
	if (r.why) {
		*why = r.why;
		return NULL;
	}
	/* the CFA is an address, whether the rule said reg+off or an expression */
	return r.expr;
}

struct image *dwarf_vars_view(struct image *dk)
{
	struct dwarf_info *di = dk->dwarf;
	Dwarf_Addr bias;
	struct btf *btf;

	if (di->vars_view)
		return di->vars_view;
	/* every type comes from DWARF, so the BTF needs no base (a module's
	 * own BTF is already split over the kernel's) */
	btf = btf__new_empty();
	if (!btf || !(di->vars_conv = dwarf_conv_new(btf, dwfl_module_getdwarf(di->mod, &bias))))
		return NULL;
	di->vars_view = arena_alloc(sizeof(*di->vars_view));
	*di->vars_view = *dk;
	di->vars_view->btf = btf;
	di->vars_view->btf_tried = true;
	return di->vars_view;
}

/* The scopes around addr, innermost first, up to the function the code
 * belongs to (the count), and that function's DIE.  dwarf_getscopes()
 * goes from an inlined instance to its abstract definition's scopes, so
 * the innermost scope's physical parents are asked for instead: they
 * lead through the inlined calls to the real function. */
static int scopes_at(struct dwarf_info *di, Dwarf_Addr addr, Dwarf_Die **scopes, Dwarf_Addr *bias,
		     Dwarf_Die **func)
{
	Dwarf_Die *cu = dwfl_module_addrdie(di->mod, addr, bias), *inner;
	int n, i;

	*scopes = NULL;
	*func = NULL;
	if (!cu || dwarf_getscopes(cu, addr - *bias, &inner) <= 0)
		return 0;
	n = dwarf_getscopes_die(&inner[0], scopes);
	free(inner);
	for (i = 0; i < n; i++)
		if (dwarf_tag(&(*scopes)[i]) == DW_TAG_subprogram) {
			*func = &(*scopes)[i];
			return i + 1;
		}
	return 0;
}

/* v from the variable DIE var at pc: its type and C base expression. */
static void var_from_die(struct dwarf_info *di, struct image *view, Dwarf_Die *var, Dwarf_Die *func,
			 Dwarf_Addr pc, Dwarf_Addr bias, const char *loc, struct dwarf_var *v)
{
	Dwarf_Attribute a, ta;
	Dwarf_Die type;
	Dwarf_Op *ops;
	size_t nops;
	struct loc_result r;
	const struct btf_type *bt;
	int n, size;
	__s32 id;

	v->name = dwarf_diename(var);
	v->is_param = dwarf_tag(var) == DW_TAG_formal_parameter;
	v->type = -1;
	v->base = NULL;
	v->why = NULL;
	v->read_fails = false;
	if (dwarf_attr_integrate(var, DW_AT_type, &ta) && dwarf_formref_die(&ta, &type))
		v->type = dwarf_conv_type(di->vars_conv, &type);
	if (v->type <= 0) {
		v->why = "its type could not be read from DWARF";
		return;
	}
	if (!dwarf_attr(var, DW_AT_location, &a)) {
		Dwarf_Sword sv;

		if (dwarf_attr(var, DW_AT_const_value, &a) && dwarf_formsdata(&a, &sv) == 0) {
			v->base = arena_printf("%lldLL", (long long)sv);
			return;
		}
		v->why = "it was optimized out";
		return;
	}
	n = dwarf_getlocation_addr(&a, pc, &ops, &nops, 1);
	if (n <= 0) {
		v->why = "no DWARF location covers this address (optimized out here)";
		return;
	}
	r = eval_ops(di, ops, nops, func, pc, bias, 0);
	if (r.why) {
		v->why = r.why;
		return;
	}
	id = btf__resolve_type(view->btf, v->type);
	bt = id > 0 ? btf__type_by_id(view->btf, id) : NULL;
	size = id > 0 ? (int)btf__resolve_size(view->btf, id) : -1;
	if (!bt || size <= 0) {
		v->why = "its type has no known size";
		return;
	}
	if (btf_is_composite(bt) || btf_is_array(bt)) {
		if (r.is_value) {
			v->why = "it is a struct, union or array held in registers, which is not supported";
			return;
		}
		/* an object in memory: btf.c takes a struct's address as its
		 * base, and an array is its address as in C (a pointer to the
		 * element type, so that [N] works) */
		v->base = r.expr;
		if (btf_is_array(bt))
			v->type = btf__add_ptr(view->btf, btf_array(bt)->type);
		return;
	}
	if (r.is_value) {
		v->base = r.expr;
		return;
	}
	if (size > 8) {
		v->why = "its value is wider than 8 bytes";
		return;
	}
	v->base = arena_printf("({ u64 _dw = 0; %s(c, &_dw, %s, %d, %s); _dw; })",
			       view->space == IMAGE_SPACE_USER ? "tapc_uread" : "tapc_kread", r.expr, size, loc);
	v->read_fails = true;
}

/* Call fn for each named parameter and variable in the scopes at addr,
 * innermost first, until it returns true; false without DWARF there. */
struct var_walk {
	struct dwarf_info *di;
	struct image *view;
	Dwarf_Die *func;
	Dwarf_Addr pc, bias;
};

static bool each_var_at(struct image *dk, unsigned long addr,
			bool (*fn)(const struct var_walk *w, Dwarf_Die *var, const char *name, void *arg),
			void *arg)
{
	struct var_walk w = { dk->dwarf, dwarf_vars_view(dk), NULL, 0, 0 };
	Dwarf_Die *scopes;
	int n, i;

	if (!w.view || (n = scopes_at(w.di, addr, &scopes, &w.bias, &w.func)) <= 0)
		return false;
	w.pc = addr - w.bias;
	for (i = 0; i < n; i++) {
		Dwarf_Die child;

		if (dwarf_child(&scopes[i], &child) != 0)
			continue;
		do {
			int tag = dwarf_tag(&child);
			const char *cn = dwarf_diename(&child);

			if ((tag == DW_TAG_formal_parameter || tag == DW_TAG_variable) && cn &&
			    fn(&w, &child, cn, arg)) {
				free(scopes);
				return true;
			}
		} while (dwarf_siblingof(&child, &child) == 0);
	}
	free(scopes);
	return true;
}

struct var_find {
	const char *name, *loc;
	struct dwarf_var *v;
	bool found;
};

static bool find_var(const struct var_walk *w, Dwarf_Die *var, const char *name, void *arg)
{
	struct var_find *f = arg;

	if (strcmp(name, f->name) != 0)
		return false;
	var_from_die(w->di, w->view, var, w->func, w->pc, w->bias, f->loc, f->v);
	f->found = true;
	return true;
}

bool dwarf_var_at(struct image *dk, unsigned long addr, const char *name, const char *loc,
		  struct dwarf_var *v)
{
	struct var_find f = { name, loc, v, false };

	each_var_at(dk, addr, find_var, &f);
	return f.found;
}

struct var_list {
	struct dwarf_var *v;
	int n, max;
};

static bool list_var(const struct var_walk *w, Dwarf_Die *var, const char *name, void *arg)
{
	struct var_list *l = arg;
	int j;

	if (l->n == l->max)
		return true;
	/* an inner name hides an outer one */
	for (j = 0; j < l->n; j++)
		if (strcmp(l->v[j].name, name) == 0)
			return false;
	var_from_die(w->di, w->view, var, w->func, w->pc, w->bias, "\"\"", &l->v[l->n++]);
	return false;
}

int dwarf_vars_at(struct image *dk, unsigned long addr, struct dwarf_var *v, int max)
{
	struct var_list l = { v, 0, max };

	return each_var_at(dk, addr, list_var, &l) ? l.n : -1;
}
