// SPDX-License-Identifier: GPL-2.0
/*
 * stack.c - kernel backtraces and symbols for the tapset (see stack.h).
 *
 * Unwinding starts from the probe's registers, as perf's kernel callchains
 * do: the first frame is the probed address, then the unwinder skips the
 * register frame and walks the callers.  In a return probe the kernel has
 * already set regs->ip to the real return address (kretprobe and rethook
 * both do, so that unwinding from these registers works), and the
 * unwinder replaces the trampoline address of any other pending return
 * probe further up the stack with the address it stands for.  So a
 * return probe's stack is the caller and its callers, with no
 * trampoline in it (SystemTap stops at the trampoline instead).
 */
#include <linux/kallsyms.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/kprobes.h>
#include <asm/unwind.h>

#include "tapc_runtime.h"
#include "stack.h"

/* sprint_symbol() needs KSYM_SYMBOL_LEN bytes (over 600): too much for a
 * probe's kernel stack, so each CPU has one.  A probe hit runs with
 * preemption off and a second hit on the CPU is skipped before it runs
 * any code, so one hit at a time uses it. */
static DEFINE_PER_CPU(char [KSYM_SYMBOL_LEN], tapc_ksym_buf);

static unsigned int kstack_regs(struct pt_regs *regs, unsigned long *pcs, unsigned int max)
{
	struct unwind_state st;
	unsigned int n = 0;
	unsigned long a;

	pcs[n++] = instruction_pointer(regs);
	for (unwind_start(&st, current, regs, NULL); n < max && !unwind_done(&st);
	     unwind_next_frame(&st)) {
		a = unwind_get_return_address(&st);
		if (!a)
			break;
		pcs[n++] = a;
	}
	return n;
}

/* noinline: the frames to leave out are this module's, and this one is. */
static noinline unsigned int kstack_here(unsigned long *pcs, unsigned int max)
{
	struct unwind_state st;
	unsigned int n = 0;
	unsigned long a;

	for (unwind_start(&st, current, NULL, NULL); n < max && !unwind_done(&st);
	     unwind_next_frame(&st)) {
		a = unwind_get_return_address(&st);
		if (!a)
			break;
		if (n == 0 && within_module(a, THIS_MODULE))
			continue;
		pcs[n++] = a;
	}
	return n;
}

unsigned int tapc_kstack(struct tapc_context *c, unsigned long *pcs, unsigned int max)
{
	if (!max)
		return 0;
	if (c->regs && !user_mode(c->regs))
		return kstack_regs(c->regs, pcs, max);
	return kstack_here(pcs, max);
}

/* The parts of sprint_symbol()'s "name+0xoff/0xsize [module]" (no module
 * for the core kernel; "0x..." alone for an unknown address). */
struct ksym {
	const char *name, *off, *size, *mod;
};

static bool ksym_lookup(struct ksym *k, unsigned long addr)
{
	char *s = this_cpu_ptr(tapc_ksym_buf);
	char *plus, *slash, *br;
	int len = sprint_symbol(s, addr);

	if (len <= 0 || len >= KSYM_SYMBOL_LEN)
		return false;
	k->mod = "kernel";
	if (s[len - 1] == ']' && (br = strrchr(s, '[')) && br > s && br[-1] == ' ') {
		s[len - 1] = '\0';
		br[-1] = '\0';
		k->mod = br + 1;
	}
	plus = strrchr(s, '+');
	slash = plus ? strchr(plus, '/') : NULL;
	if (!plus || !slash)	/* "0x...": kallsyms has no symbol there */
		return false;
	*plus = '\0';
	*slash = '\0';
	k->name = s;
	k->off = plus + 1;
	k->size = slash + 1;
	return true;
}

size_t tapc_sym_format(char *dst, size_t n, unsigned long addr, enum tapc_sym_form form)
{
	struct ksym k;

	if (!ksym_lookup(&k, addr))
		return scnprintf(dst, n, "0x%lx", addr);
	switch (form) {
	case TAPC_SYM_NAME:
		return scnprintf(dst, n, "%s", k.name);
	case TAPC_SYM_DATA:
		return scnprintf(dst, n, "%s+%s/%s [%s]", k.name, k.off, k.size, k.mod);
	case TAPC_SYM_FULL:
		return scnprintf(dst, n, "0x%lx : %s+%s/%s [%s]", addr, k.name, k.off, k.size,
				 k.mod);
	case TAPC_SYM_SIMPLE:
		return scnprintf(dst, n, "%s+%s [%s]", k.name, k.off, k.mod);
	}
	return 0;
}

bool tapc_sym_module(char *dst, size_t n, unsigned long addr)
{
	struct ksym k;

	if (!ksym_lookup(&k, addr))
		return false;
	strscpy(dst, k.mod, n);
	return true;
}

/* lead, then the frame's TAPC_SYM_FULL text after a space: printed in
 * place, since a name may be longer than a buffer on this stack should be. */
static void print_frame(struct tapc_context *c, const char *lead, unsigned long addr)
{
	struct ksym k;

	if (ksym_lookup(&k, addr))
		tapc_printf(c, "%s 0x%lx : %s+%s/%s [%s]\n", lead, addr, k.name, k.off, k.size,
			    k.mod);
	else
		tapc_printf(c, "%s 0x%lx\n", lead, addr);
}

void tapc_print_kstack(struct tapc_context *c)
{
	unsigned long pcs[MAXBACKTRACE];
	unsigned int n = tapc_kstack(c, pcs, MAXBACKTRACE), i = 0;

	/* a uretprobe's return_from is a user address: not this stack's */
	if (c->return_from && n && c->regs && !user_mode(c->regs)) {
		print_frame(c, "Returning from: ", c->return_from);
		print_frame(c, "Returning to  : ", pcs[0]);
		i = 1;
	}
	for (; i < n; i++)
		print_frame(c, "", pcs[i]);
}
